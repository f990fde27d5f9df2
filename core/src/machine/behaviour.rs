//! What an owner's config changes in the machine's behaviour: when to ask for the mood, how
//! loud the box may get, and when its screen sleeps.

use std::time::Duration;

use crate::config::Config;
use crate::emotion::Emotion;
use crate::mood::Mood;
use crate::policy::MoodPolicy;

/// The machine's settings beyond screen timing.
#[derive(Debug, Clone, PartialEq)]
pub struct Behaviour {
    /// A scan less sure than this (0..1) opens the mood chooser; 0: never.
    pub unsure_below: f32,
    /// A scan that saw no face opens the mood chooser (else: the "no face" screen).
    pub choose_on_no_face: bool,
    /// How long the chooser waits untouched.
    pub chooser_timeout: Duration,
    /// The policy that turns a read emotion into the mood the chooser starts on.
    pub policy: MoodPolicy,
    /// The loudest the box gets, 0..=100.
    pub max_volume: u8,
    /// One press of a volume button, 1..=100.
    pub volume_step: u8,
    /// Idle time before the screen dims, and before it goes dark.
    pub dim_after: Option<Duration>,
    pub off_after: Option<Duration>,
}

impl Default for Behaviour {
    /// A box that never asks, has no cap beyond full scale, and never sleeps.
    fn default() -> Self {
        Behaviour {
            unsure_below: 0.0,
            choose_on_no_face: false,
            chooser_timeout: Duration::from_secs(8),
            policy: MoodPolicy::default(),
            max_volume: 100,
            volume_step: 5,
            dim_after: None,
            off_after: None,
        }
    }
}

impl Behaviour {
    /// The behaviour a (checked) config asks for.
    pub fn from_config(config: &Config) -> Behaviour {
        let percent = |v: f32| (v.clamp(0.0, 1.0) * 100.0).round() as u8;
        Behaviour {
            unsure_below: config.daemon.unsure_below.clamp(0.0, 1.0),
            choose_on_no_face: config.daemon.choose_on_no_face,
            chooser_timeout: Duration::from_secs_f32(
                config.daemon.chooser_seconds.clamp(1.0, 600.0),
            ),
            policy: config.library.mood_policy(),
            max_volume: percent(config.audio.max_volume),
            volume_step: percent(config.audio.volume_step).max(1),
            dim_after: config.display.dim_after(),
            off_after: config.display.off_after(),
        }
    }

    /// The mood the chooser starts on for a read emotion: the first the policy plays for
    /// it; with no face, happy.
    pub fn first_choice(&self, read: Option<Emotion>) -> Mood {
        read.and_then(|e| self.policy.moods_for(e).first().copied())
            .unwrap_or(Mood::Happy)
    }
}
