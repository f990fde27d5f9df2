//! `[audio]` section of the config file: where the music goes.

use std::path::PathBuf;

use crate::config::ConfigProblem;
use serde::{Deserialize, Serialize};

/// Which output the player opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AudioDriver {
    /// A sound card through ALSA (rodio's mixer, cpal's ALSA stream).
    Alsa,
    /// The same mixer, pulled by a thread and written to a WAV file (tests, demos).
    Wav,
    /// The same mixer, pulled at real-time pace and thrown away (no sound card at all).
    None,
}

/// The `[audio]` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AudioConfig {
    /// `"alsa"` (default), `"wav"` or `"none"`.
    pub driver: AudioDriver,
    /// ALSA device (alsa driver): `"default"`, a card such as `"hw:CARD=Headphones"` or
    /// `"Headphones"`, or a name from the list the error message prints.
    pub device: String,
    /// Output file of the wav driver.
    pub wav_path: Option<PathBuf>,
    /// How fast the wav and none drivers pull samples: 1.0 is real time (like a sound
    /// card), 10.0 ten times faster, 0 as fast as the decoder goes.
    pub wav_speed: f32,
    /// Sample rate of the wav and none drivers (the ALSA driver uses the device's own).
    pub sample_rate: u32,
    /// Channels of the wav and none drivers.
    pub channels: u16,
    /// Start volume, 0.0 (silent) to 1.0 (full scale, the default).
    pub volume: f32,
}

impl Default for AudioConfig {
    fn default() -> Self {
        AudioConfig {
            driver: AudioDriver::Alsa,
            device: "default".into(),
            wav_path: None,
            wav_speed: 1.0,
            sample_rate: 44_100,
            channels: 2,
            volume: 1.0,
        }
    }
}

impl AudioConfig {
    /// Semantic checks the TOML types cannot express; each message names the key and says
    /// what to write instead. Empty means usable.
    pub fn check(&self) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        let mut problem =
            |key: &str, msg: String| problems.push(ConfigProblem::new(format!("audio.{key}"), msg));
        if self.device.trim().is_empty() {
            problem(
                "device",
                "must not be empty: write \"default\" or a card such as \"hw:CARD=Headphones\""
                    .into(),
            );
        }
        if self.driver == AudioDriver::Wav && self.wav_path.is_none() {
            problem(
                "wav_path",
                "the wav driver needs wav_path = \"/some/file.wav\"".into(),
            );
        }
        if !(self.wav_speed.is_finite() && (0.0..=1000.0).contains(&self.wav_speed)) {
            problem(
                "wav_speed",
                format!(
                    "{} is out of range: use 1.0 for real time, 0 for as fast as possible",
                    self.wav_speed
                ),
            );
        }
        if !(8_000..=192_000).contains(&self.sample_rate) {
            problem(
                "sample_rate",
                format!(
                    "{} Hz is out of range: use 8000..=192000 (44100 is CD rate)",
                    self.sample_rate
                ),
            );
        }
        if !(1..=8).contains(&self.channels) {
            problem(
                "channels",
                format!(
                    "{} is out of range: use 1 (mono) to 8; 2 is stereo",
                    self.channels
                ),
            );
        }
        if !(self.volume.is_finite() && (0.0..=1.0).contains(&self.volume)) {
            problem(
                "volume",
                format!(
                    "{} is out of range: use 0.0 (silent) to 1.0 (full)",
                    self.volume
                ),
            );
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_play_on_the_default_alsa_device() {
        let c = AudioConfig::default();
        assert!(c.check().is_empty(), "{:?}", c.check());
        assert_eq!(
            (c.driver, c.device.as_str(), c.volume),
            (AudioDriver::Alsa, "default", 1.0)
        );
    }

    #[test]
    fn round_trips_and_rejects_unknown_keys() {
        let c = AudioConfig {
            driver: AudioDriver::Wav,
            wav_path: Some("/tmp/out.wav".into()),
            wav_speed: 0.0,
            ..Default::default()
        };
        let text = toml::to_string(&c).unwrap();
        assert_eq!(toml::from_str::<AudioConfig>(&text).unwrap(), c);
        let err = toml::from_str::<AudioConfig>("card = \"hw:0\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("card"), "{err}");
        let c: AudioConfig = toml::from_str("wav_speed = 0\nvolume = 1").unwrap();
        assert_eq!((c.wav_speed, c.volume), (0.0, 1.0));
    }

    #[test]
    fn bad_values_are_named() {
        let c = AudioConfig {
            driver: AudioDriver::Wav,
            volume: 3.0,
            channels: 0,
            sample_rate: 10,
            wav_speed: -1.0,
            device: " ".into(),
            ..Default::default()
        };
        let all: Vec<String> = c.check().iter().map(ToString::to_string).collect();
        let all = all.join("\n");
        for key in [
            "wav_path",
            "volume",
            "channels",
            "sample_rate",
            "wav_speed",
            "device",
        ] {
            assert!(
                c.check().iter().any(|p| p.key == format!("audio.{key}")),
                "{key} missing from {all}"
            );
        }
    }
}
