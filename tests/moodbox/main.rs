//! moodbox's integration tests, in one binary: the devices and their simulators, the library,
//! vision on real models, the CLI and the daemon as systemd runs it. (The core's own behaviour
//! is tested in `core/tests/`, without any of these.)
//!
//! `cargo test --test moodbox MODULE` runs one part, e.g. `daemon_run` or `vision_fer2013`.

mod support;

#[cfg(feature = "alsa")]
mod audio_alsa;
mod audio_wav;
mod button_sim;
mod camera_conversions;
mod camera_simulators;
mod config_check;
mod daemon_run;
mod demo;
mod display_open;
mod display_png;
mod display_spi_panel;
mod library_analysis;
mod library_hostile;
mod library_index;
mod library_indexing;
mod owner_features;
mod recommend_cli;
mod reliability_daemon;
mod reliability_files;
mod vision_cli;
mod vision_fer2013;
mod vision_frames;
mod vision_reference;
