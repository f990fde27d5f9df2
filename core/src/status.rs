//! What `moodbox ctl status` reports: the daemon's state, the last mood, the song playing, the
//! devices and the library. The daemon fills it in and writes it as JSON; `ctl` and the tests
//! read the same type back.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::emotion::{Emotion, EmotionProbs};
use crate::machine::Phase;
use crate::mood::Mood;
use crate::path_text;
use crate::protocol::ScanReply;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Status {
    pub state: Phase,
    pub uptime_s: f64,
    pub last_emotion: Option<MoodReport>,
    pub current_song: Option<SongReport>,
    /// Songs queued after the one playing.
    pub queue_length: usize,
    /// The preferred languages, as configured.
    pub languages: Vec<String>,
    /// 0..=100.
    pub volume: u8,
    pub last_scan: LastScan,
    pub devices: Devices,
    pub library: LibraryStatus,
}

/// The mood of the last scan that saw a face.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoodReport {
    pub emotion: Emotion,
    pub confidence: f32,
    pub faces: usize,
    pub probs: EmotionProbs,
}

/// The song playing now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SongReport {
    /// The file, in [`path_text`] form (lossless for any file name).
    #[serde(with = "path_text")]
    pub path: PathBuf,
    pub title: String,
    pub artist: Option<String>,
    pub language: Option<String>,
    pub mood: Mood,
    /// The emotion the queue was chosen for.
    pub for_emotion: Emotion,
    pub elapsed_s: f64,
    pub duration_s: Option<f64>,
}

/// How the last scan went and how long it took.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LastScan {
    /// The `scan` command's answer for it.
    pub outcome: Option<ScanReply>,
    pub scan_ms: Option<f64>,
    /// From the press to the first sample of the song it chose (handed to the sound card).
    pub press_to_first_audio_ms: Option<f64>,
}

/// Each device: open and what it is, or why not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Devices {
    pub camera: DeviceStatus,
    pub display: DeviceStatus,
    pub audio: DeviceStatus,
    pub button: DeviceStatus,
}

/// `{"ok": true, "detail": ...}` while a device works, `{"ok": false, "error": ...}` otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DeviceStatus {
    Open { ok: bool, detail: String },
    Missing { ok: bool, error: String },
}

impl DeviceStatus {
    pub fn open(detail: impl Into<String>) -> DeviceStatus {
        DeviceStatus::Open {
            ok: true,
            detail: detail.into(),
        }
    }

    pub fn missing(error: impl Into<String>) -> DeviceStatus {
        DeviceStatus::Missing {
            ok: false,
            error: error.into(),
        }
    }

    pub fn is_open(&self) -> bool {
        matches!(self, DeviceStatus::Open { .. })
    }

    /// The description while open, the reason otherwise.
    pub fn text(&self) -> &str {
        match self {
            DeviceStatus::Open { detail, .. } => detail,
            DeviceStatus::Missing { error, .. } => error,
        }
    }
}

/// The music index.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LibraryStatus {
    pub songs: usize,
    /// The music folder is being indexed now.
    pub indexing: bool,
    /// What the last indexing found ("3 added, 0 updated, ...").
    pub last_index: Option<String>,
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Reply, ScanAnswer};

    #[test]
    fn a_status_reads_back_as_written() {
        let status = Status {
            state: Phase::Playing,
            uptime_s: 12.5,
            last_emotion: Some(MoodReport {
                emotion: Emotion::Sad,
                confidence: 0.7,
                faces: 1,
                probs: EmotionProbs([0.0, 0.0, 0.1, 0.0, 0.7, 0.0, 0.2]),
            }),
            current_song: Some(SongReport {
                path: PathBuf::from(std::ffi::OsStr::from_bytes(b"/music/caf\xe9.wav")),
                title: "Rain".into(),
                artist: None,
                language: Some("en".into()),
                mood: Mood::Sad,
                for_emotion: Emotion::Sad,
                elapsed_s: 3.0,
                duration_s: Some(60.0),
            }),
            queue_length: 4,
            languages: vec!["ta".into(), "en".into()],
            volume: 40,
            last_scan: LastScan {
                outcome: Some(ScanAnswer::NoFace.into()),
                scan_ms: Some(80.0),
                press_to_first_audio_ms: None,
            },
            devices: Devices {
                camera: DeviceStatus::open("/dev/video0 640x480 YUYV"),
                display: DeviceStatus::missing("no SPI device /dev/spidev0.0"),
                audio: DeviceStatus::open("ALSA default"),
                button: DeviceStatus::open("GPIO 17"),
            },
            library: LibraryStatus {
                songs: 12,
                indexing: false,
                last_index: Some("12 added".into()),
                error: None,
            },
        };
        let line = Reply::status(status.clone()).to_line();
        assert!(line.contains(r#""path":"/music/caf\\xe9.wav""#), "{line}");
        let Reply::Status(back) = serde_json::from_str(&line).unwrap() else {
            panic!("not read back as a status: {line}");
        };
        assert_eq!(back.status, status);
    }

    use std::os::unix::ffi::OsStrExt;
}
