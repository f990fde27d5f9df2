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
    /// Volume at the first start, 0.0 (silent) to 1.0 (full scale); afterwards the box starts
    /// at the volume it last had, never above `max_volume`. Its old name, `volume`, is still
    /// read.
    #[serde(alias = "volume")]
    pub start_volume: f32,
    /// The highest volume anything may set (buttons, `ctl volume`, a remembered volume).
    pub max_volume: f32,
    /// One press of a volume button.
    pub volume_step: f32,
    /// Seconds over which music fades in when it starts from silence; 0: no fade.
    pub fade_in_seconds: f32,
    /// The volume control: `"auto"` (the sound card's own mixer control when it has one,
    /// else software), `"software"`, or a control's name such as `"PCM"` or `"Digital"`.
    pub mixer: MixerChoice,
}

/// Where the volume is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MixerChoice {
    /// The card's own playback control if it has one (PCM, Master, Headphone, Digital,
    /// Speaker), else software.
    Auto,
    /// Scale the samples (cards without a control, the wav and none drivers).
    Software,
    /// This mixer control of the card.
    Control(String),
}

impl Serialize for MixerChoice {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match self {
            MixerChoice::Auto => "auto",
            MixerChoice::Software => "software",
            MixerChoice::Control(name) => name,
        })
    }
}

impl<'de> Deserialize<'de> for MixerChoice {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Ok(match name.trim() {
            "auto" => MixerChoice::Auto,
            "software" => MixerChoice::Software,
            other => MixerChoice::Control(other.to_string()),
        })
    }
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
            start_volume: 0.4,
            max_volume: 0.7,
            volume_step: 0.05,
            fade_in_seconds: 1.5,
            mixer: MixerChoice::Auto,
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
        let fraction = |v: f32| v.is_finite() && (0.0..=1.0).contains(&v);
        if !(fraction(self.max_volume) && self.max_volume > 0.0) {
            problem(
                "max_volume",
                format!(
                    "{} is out of range: use more than 0.0, at most 1.0 (full); 0.7 is safe",
                    self.max_volume
                ),
            );
        }
        if !fraction(self.start_volume) {
            problem(
                "start_volume",
                format!(
                    "{} is out of range: use 0.0 (silent) to 1.0 (full); 0.4 is safe",
                    self.start_volume
                ),
            );
        } else if self.start_volume > self.max_volume {
            problem(
                "start_volume",
                format!(
                    "{} is above max_volume ({}): the box would never start there",
                    self.start_volume, self.max_volume
                ),
            );
        }
        if !(self.volume_step.is_finite() && self.volume_step > 0.0 && self.volume_step <= 0.5) {
            problem(
                "volume_step",
                format!(
                    "{} is out of range: use more than 0 and at most 0.5; 0.05 is one twentieth",
                    self.volume_step
                ),
            );
        }
        if !(self.fade_in_seconds.is_finite() && (0.0..=30.0).contains(&self.fade_in_seconds)) {
            problem(
                "fade_in_seconds",
                format!(
                    "{} is out of range: use 0 (no fade) to 30 seconds",
                    self.fade_in_seconds
                ),
            );
        }
        if matches!(&self.mixer, MixerChoice::Control(name) if name.is_empty()) {
            problem(
                "mixer",
                "is empty: write \"auto\", \"software\" or a control's name such as \"PCM\"".into(),
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
            (c.driver, c.device.as_str(), c.start_volume, c.max_volume),
            (AudioDriver::Alsa, "default", 0.4, 0.7),
            "a box starts well below full volume"
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
        assert_eq!((c.wav_speed, c.start_volume), (0.0, 1.0));
    }

    #[test]
    fn bad_values_are_named() {
        let c = AudioConfig {
            driver: AudioDriver::Wav,
            start_volume: 3.0,
            max_volume: 0.0,
            volume_step: 0.0,
            fade_in_seconds: 99.0,
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
            "start_volume",
            "max_volume",
            "volume_step",
            "fade_in_seconds",
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

    #[test]
    fn the_start_volume_may_not_be_above_the_cap_and_mixers_parse() {
        let c: AudioConfig = toml::from_str("start_volume = 0.8\nmax_volume = 0.6").unwrap();
        let problems = c.check();
        assert!(
            problems
                .iter()
                .any(|p| p.key == "audio.start_volume" && p.message.contains("above max_volume")),
            "{problems:?}"
        );
        for (text, mixer) in [
            ("mixer = \"auto\"", MixerChoice::Auto),
            ("mixer = \"software\"", MixerChoice::Software),
            (
                "mixer = \"Digital\"",
                MixerChoice::Control("Digital".into()),
            ),
        ] {
            assert_eq!(toml::from_str::<AudioConfig>(text).unwrap().mixer, mixer);
        }
    }
}
