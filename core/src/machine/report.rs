//! What the machine tells `status`: the phase, the last mood, the song playing, the volume,
//! and how the last press went — how long its scan took and how long until the first sample
//! of the song it chose reached the sound card.

use std::time::{Duration, Instant};

use super::{Machine, ScanOutcome};
use crate::status::{LastScan, MoodReport, ScanAnswer, SongReport};

/// The machine's part of the status.
#[derive(Debug, Clone, PartialEq)]
pub struct MachineReport {
    pub state: super::Phase,
    pub last_emotion: Option<MoodReport>,
    pub current_song: Option<SongReport>,
    pub queue_length: usize,
    pub volume: u8,
    pub backlight: crate::screen::Backlight,
    pub last_scan: LastScan,
}

/// Times one press from the button to the speaker.
#[derive(Debug, Clone, Default)]
pub(super) struct PressTimer {
    /// The press being timed, until its song's first sample (or until no song comes of it).
    pressed: Option<Instant>,
    /// A queue was sent to the player; its first sample ends the timing.
    awaiting_first_sample: bool,
    last: LastScan,
}

impl PressTimer {
    /// A press that starts a scan.
    pub(super) fn pressed(&mut self, now: Instant) {
        self.pressed = Some(now);
        self.last.press_to_first_audio_ms = None;
    }

    pub(super) fn scanned(&mut self, outcome: &ScanOutcome, took: Duration) {
        self.last.scan_ms = Some(took.as_secs_f64() * 1000.0);
        self.last.outcome = Some(ScanAnswer::from(outcome).into());
        if !matches!(outcome, ScanOutcome::Mood(_)) {
            self.pressed = None;
        }
    }

    pub(super) fn queued(&mut self) {
        self.awaiting_first_sample = true;
    }

    /// No song follows this press (no songs, no sound card).
    pub(super) fn no_playback(&mut self) {
        self.pressed = None;
    }

    pub(super) fn first_sample(&mut self, at: Instant) {
        if !std::mem::take(&mut self.awaiting_first_sample) {
            return;
        }
        if let Some(pressed) = self.pressed.take() {
            let ms = at.saturating_duration_since(pressed).as_secs_f64() * 1000.0;
            self.last.press_to_first_audio_ms = Some(ms);
        }
    }
}

impl Machine {
    /// What the machine knows, at `now`, for `status`.
    pub fn report(&self, now: Instant) -> MachineReport {
        MachineReport {
            state: self.phase(now),
            last_emotion: self.last_mood.as_ref().map(|m| MoodReport {
                emotion: m.emotion,
                confidence: m.confidence,
                faces: m.faces,
                probs: m.probs,
            }),
            current_song: self.now_playing.as_ref().map(|np| SongReport {
                path: np.song.path.clone(),
                title: np.song.title.clone(),
                artist: np.song.artist.clone(),
                language: np.song.language.clone(),
                mood: np.song.mood,
                for_emotion: np.for_emotion,
                elapsed_s: now.saturating_duration_since(np.started).as_secs_f64(),
                duration_s: np.duration.map(|d| d.as_secs_f64()).or(np.song.duration_s),
            }),
            queue_length: self.queue_remaining(),
            volume: self.volume,
            backlight: self.sleep.backlight(),
            last_scan: self.timer.last.clone(),
        }
    }

    /// The volume, 0..=100.
    pub fn volume(&self) -> u8 {
        self.volume
    }

    /// The press-to-first-audio time of the last press, once its song started.
    pub fn press_to_first_audio(&self) -> Option<Duration> {
        self.timer
            .last
            .press_to_first_audio_ms
            .map(|ms| Duration::from_secs_f64(ms / 1000.0))
    }
}
