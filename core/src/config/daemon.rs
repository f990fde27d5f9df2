//! The `[daemon]` section: the control socket, how a scan is made, and how long screens stay.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::config::ConfigProblem;

/// Where the socket goes under systemd (`RuntimeDirectory=moodbox`).
pub const DEFAULT_SOCKET: &str = "/run/moodbox/control.sock";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DaemonConfig {
    /// Unix socket for `moodbox ctl` (created with mode 0660).
    pub control_socket: PathBuf,
    /// Frames captured per button press; every face in every frame counts.
    pub frames_per_scan: usize,
    /// Seconds the detected mood stays on the display before the song does.
    pub mood_screen_seconds: f32,
    /// Seconds an error screen (no face, too dark, no camera) stays up.
    pub message_screen_seconds: f32,
    /// Index the music folder when the daemon starts and when it reloads its config
    /// (SIGHUP). Its old name, `scan_library_on_start`, is still read.
    #[serde(alias = "scan_library_on_start")]
    pub index_on_start: bool,
    /// DEBUG ONLY: write every captured frame as PNG into this folder. Off by default;
    /// otherwise frames never leave memory.
    pub debug_frames_dir: Option<PathBuf>,
}

impl Default for DaemonConfig {
    fn default() -> Self {
        DaemonConfig {
            control_socket: PathBuf::from(DEFAULT_SOCKET),
            frames_per_scan: 3,
            mood_screen_seconds: 3.0,
            message_screen_seconds: 4.0,
            index_on_start: true,
            debug_frames_dir: None,
        }
    }
}

impl DaemonConfig {
    pub fn check(&self) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        if !(1..=30).contains(&self.frames_per_scan) {
            problems.push(ConfigProblem::new(
                "daemon.frames_per_scan",
                format!(
                    "{} is outside 1..=30; 3 is a good start",
                    self.frames_per_scan
                ),
            ));
        }
        for (key, v) in [
            ("mood_screen_seconds", self.mood_screen_seconds),
            ("message_screen_seconds", self.message_screen_seconds),
        ] {
            if !(0.0..=600.0).contains(&v) {
                problems.push(ConfigProblem::new(
                    format!("daemon.{key}"),
                    format!("{v} is outside 0..=600 seconds"),
                ));
            }
        }
        if self.control_socket.file_name().is_none() {
            problems.push(ConfigProblem::new(
                "daemon.control_socket",
                format!(
                    "{} is not a file path; write e.g. \"{DEFAULT_SOCKET}\"",
                    self.control_socket.display()
                ),
            ));
        }
        problems
    }
}
