//! Helpers shared by the integration tests: generated audio files and signal measurements.

pub mod encode;
pub mod library_audio;
pub mod signal;
