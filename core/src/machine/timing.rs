//! How long the transient screens stay up.

use std::time::Duration;

use crate::config::DaemonConfig;

/// How long the transient screens stay up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    /// The detected mood, before the display switches to the song.
    pub mood_screen: Duration,
    /// Error screens (no face, too dark, no camera, ...).
    pub message_screen: Duration,
    /// One step of the scanning animation.
    pub scan_animation: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            mood_screen: Duration::from_secs(3),
            message_screen: Duration::from_secs(4),
            scan_animation: Duration::from_millis(250),
        }
    }
}

impl From<&DaemonConfig> for Timing {
    /// The screen times the `[daemon]` section sets (clamped to 0..=600 s).
    fn from(config: &DaemonConfig) -> Timing {
        let seconds = |s: f32| Duration::from_secs_f32(s.clamp(0.0, 600.0));
        Timing {
            mood_screen: seconds(config.mood_screen_seconds),
            message_screen: seconds(config.message_screen_seconds),
            ..Timing::default()
        }
    }
}
