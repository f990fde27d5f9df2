//! The box's devices, each behind a small trait with a real driver and a simulator:
//! camera (V4L2), display (SPI panel via embedded-graphics), scan button (GPIO) and audio (ALSA via rodio).

pub mod audio;
pub mod button;
pub mod camera;
pub mod display;
