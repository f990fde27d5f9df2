//! What the music player reports: songs starting, their first sample reaching the output,
//! songs ending or failing, the sound card vanishing and coming back, the queue running out.

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What happened, in the order it happened.
#[derive(Debug, Clone, PartialEq)]
pub enum PlayerEvent {
    /// A song was opened and queued on the output; `duration` when the format tells it.
    TrackStarted {
        path: PathBuf,
        duration: Option<Duration>,
    },
    /// The song's first sample was handed to the output at `at` (the sound card plays it one
    /// device buffer later). Press-to-first-audio is measured up to here.
    FirstSample { path: PathBuf, at: Instant },
    /// The song ended.
    TrackEnded { path: PathBuf, reason: EndReason },
    /// The song could not be opened or decoded; it was skipped and the queue goes on.
    TrackFailed { path: PathBuf, error: String },
    /// The output device failed; playback is paused while it is reopened.
    DeviceLost { device: String, error: String },
    /// A queue came while no output device could be opened yet; it was dropped.
    Unavailable { device: String },
    /// The output device is back; playback resumed.
    DeviceReopened { device: String },
    /// The queue ran out (after the last song ended or failed, or a skip past the end).
    QueueFinished,
}

/// Why a song ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// Played to the end.
    Finished,
    /// Skipped by a command.
    Skipped,
    /// Stopped, or replaced by a new queue.
    Stopped,
}
