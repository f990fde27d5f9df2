//! Helpers shared by the integration tests: generated audio files, signal measurements, and a
//! simulated box running the real daemon.

pub mod encode;
pub mod library_audio;
pub mod peak;
pub mod signal;
pub mod sim_box;
