//! The `[daemon]` section: the control socket, how a scan is made, and how long screens stay.

use std::path::{Path, PathBuf};

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
    /// A scan less sure than this (0..1) shows the moods to choose from; 0: never ask.
    pub unsure_below: f32,
    /// When a scan sees no face, show the moods to choose from (else say "no face").
    pub choose_on_no_face: bool,
    /// Seconds the chooser waits untouched before the box goes on as it was.
    pub chooser_seconds: f32,
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
            unsure_below: 0.45,
            choose_on_no_face: true,
            chooser_seconds: 8.0,
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
        if !(self.unsure_below.is_finite() && (0.0..=1.0).contains(&self.unsure_below)) {
            problems.push(ConfigProblem::new(
                "daemon.unsure_below",
                format!("{} is outside 0..=1; 0.45 asks when the face reads less than 45 % sure, 0 never asks", self.unsure_below),
            ));
        }
        if !(self.chooser_seconds.is_finite() && (1.0..=120.0).contains(&self.chooser_seconds)) {
            problems.push(ConfigProblem::new(
                "daemon.chooser_seconds",
                format!(
                    "{} is outside 1..=120 seconds; 8 gives time to pick",
                    self.chooser_seconds
                ),
            ));
        }
        if let Some(problem) = socket_problem(&self.control_socket) {
            problems.push(ConfigProblem::new("daemon.control_socket", problem));
        }
        problems
    }
}

/// The longest path a Unix socket address holds (`sun_path` is 108 bytes with its NUL).
pub const MAX_SOCKET_PATH: usize = 107;

/// Why `path` cannot be the control socket, if it cannot: no file name, too long for a socket
/// address, a folder, or an existing file that is not a socket (which the daemon would have
/// to delete to listen there — it never deletes anything but a stale socket).
fn socket_problem(path: &Path) -> Option<String> {
    use std::os::unix::fs::FileTypeExt;
    let shown = path.display();
    if path.file_name().is_none() {
        return Some(format!(
            "{shown} is not a file path; write e.g. \"{DEFAULT_SOCKET}\""
        ));
    }
    let len = path.as_os_str().len();
    if len > MAX_SOCKET_PATH {
        return Some(format!(
            "{shown} is {len} bytes long; a socket path holds at most {MAX_SOCKET_PATH}: choose a \
             shorter one, e.g. \"{DEFAULT_SOCKET}\""
        ));
    }
    let meta = std::fs::symlink_metadata(path).ok()?;
    if meta.is_dir() {
        Some(format!(
            "{shown} is a folder; name a file inside it, e.g. {shown}/control.sock"
        ))
    } else if !meta.file_type().is_socket() {
        Some(format!(
            "{shown} is an existing file, not a socket; moodbox will not replace it: choose \
             another path or move the file away"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_socket_path_must_be_short_and_never_an_ordinary_file_or_a_folder() {
        let dir = std::env::temp_dir().join(format!("moodbox-socket-check-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("notes.txt");
        std::fs::write(&file, "keep me").unwrap();
        let long = dir.join("x".repeat(220));
        for (path, words) in [
            (file.clone(), "not a socket"),
            (dir.clone(), "is a folder"),
            (long, "bytes long"),
            (PathBuf::from("/"), "not a file path"),
        ] {
            let problem = socket_problem(&path).unwrap_or_default();
            assert!(problem.contains(words), "{}: {problem:?}", path.display());
        }
        assert_eq!(
            socket_problem(&dir.join("control.sock")),
            None,
            "a new path is fine"
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
