//! Audio errors, each saying what went wrong and what to do about it.

use std::path::PathBuf;

/// Why audio output could not start (failures of single songs are
/// [`PlayerEvent::TrackFailed`](super::PlayerEvent::TrackFailed) events, not errors).
#[derive(Debug, Clone, thiserror::Error)]
pub enum AudioError {
    /// No ALSA device by that name. Fix: set `[audio] device` to one of the listed names.
    #[error("no ALSA output device {device:?}; available: {}", list(available))]
    DeviceNotFound {
        device: String,
        available: Vec<String>,
    },

    /// The device exists but would not open or start: busy (another program plays on it),
    /// no permission (add the user to the `audio` group), or it rejected every format.
    #[error(
        "cannot open ALSA output device {device:?}: {reason} (available: {})",
        list(available)
    )]
    DeviceOpen {
        device: String,
        reason: String,
        available: Vec<String>,
    },

    /// The wav driver's output file could not be created or written. Fix: point
    /// `[audio] wav_path` at a writable place.
    #[error("cannot write the WAV output {}: {reason}", path.display())]
    WavFile { path: PathBuf, reason: String },

    /// The configuration cannot work (see [`moodbox_core::config::AudioConfig::check`]).
    #[error("audio config: {0}")]
    Config(String),

    /// The player's thread is gone (it panicked or was shut down); build a new player.
    #[error("the audio player has stopped")]
    PlayerGone,

    /// This moodbox was built without ALSA (cargo feature `alsa`). Fix: set
    /// `[audio] driver = "wav"` or `"none"`, or install a build with it (the Debian package).
    #[error(
        "this moodbox was built without ALSA output: set [audio] driver = \"wav\" or \"none\""
    )]
    NotBuiltIn,
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none (no sound card found; is the driver loaded? `aplay -l` lists cards)".into()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_device_lists_the_available_ones() {
        let e = AudioError::DeviceNotFound {
            device: "hw:CARD=USB".into(),
            available: vec![
                "default".into(),
                "bcm2835 Headphones (hw:CARD=Headphones)".into(),
            ],
        };
        let msg = e.to_string();
        assert!(msg.contains("\"hw:CARD=USB\""), "{msg}");
        assert!(
            msg.contains("default, bcm2835 Headphones (hw:CARD=Headphones)"),
            "{msg}"
        );
        let none = AudioError::DeviceNotFound {
            device: "x".into(),
            available: vec![],
        }
        .to_string();
        assert!(none.contains("aplay -l"), "{none}");
    }
}
