//! What `moodbox ctl status` reports: the daemon's state, the last mood, the song playing, the
//! devices and the library. The daemon fills it in and writes it as JSON; `ctl` and the tests
//! read the same type back.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::emotion::{Emotion, EmotionProbs};
use crate::mood::Mood;
use crate::path_text;
use crate::scan::ScanOutcome;

/// The phase reported by `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Idle,
    Scanning,
    ShowingMood,
    /// The "not sure" chooser is up, waiting for the owner's pick.
    Choosing,
    Playing,
}

/// What a scan found, as the `scan` command and `status` report it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ScanAnswer {
    Mood {
        emotion: Emotion,
        confidence: f32,
        faces: usize,
        probs: EmotionProbs,
    },
    TooDark,
    NoFace,
    NoCamera {
        device: String,
        error: String,
    },
}

impl From<&ScanOutcome> for ScanAnswer {
    fn from(outcome: &ScanOutcome) -> Self {
        match outcome {
            ScanOutcome::Mood(m) => ScanAnswer::Mood {
                emotion: m.emotion,
                confidence: m.confidence,
                faces: m.faces,
                probs: m.probs,
            },
            ScanOutcome::NoFace { too_dark: true } => ScanAnswer::TooDark,
            ScanOutcome::NoFace { too_dark: false } => ScanAnswer::NoFace,
            ScanOutcome::CameraFailed { device, error } => ScanAnswer::NoCamera {
                device: device.clone(),
                error: error.clone(),
            },
        }
    }
}

/// The answer to `scan`: `ok` is false only when the camera failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanReply {
    pub ok: bool,
    #[serde(flatten)]
    pub answer: ScanAnswer,
}

impl From<ScanAnswer> for ScanReply {
    fn from(answer: ScanAnswer) -> Self {
        ScanReply {
            ok: !matches!(answer, ScanAnswer::NoCamera { .. }),
            answer,
        }
    }
}

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
    /// The screen's light: on, dim or off (asleep).
    #[serde(default)]
    pub backlight: crate::screen::Backlight,
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
