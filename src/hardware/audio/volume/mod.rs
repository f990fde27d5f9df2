//! Where the volume is applied: on the sound card's own mixer control when it has one (the
//! Pi's jack has `PCM`, PCM512x DACs `Digital`, most USB cards `PCM` or `Speaker`), else by
//! scaling the samples. Either way 0.0..=1.0 means what it means in `alsamixer`: a wide
//! control is mapped as dB = 60·log10(v) below its top (a cubic curve on the amplitude), and
//! the software path scales the samples by the same v³, so a volume sounds alike on both.
//!
//! With a card control the samples go out unscaled (the full bit depth reaches the DAC) and
//! the control never goes above 0 dB (the Pi's jack reaches +4 dB, which clips a
//! full-scale song). Only the fade-in stays in software.
//!
//! [`MixerBackend`] is what a card's mixer must do; the ALSA simple mixer (`alsa` feature)
//! and [`SimulatedMixer`] (the wav and none drivers' simulated card, and tests) implement it.

#[cfg(feature = "alsa")]
mod alsa;
mod simulated;
#[cfg(test)]
mod tests;

#[cfg(feature = "alsa")]
pub use self::alsa::AlsaMixer;
pub use simulated::{SimulatedCard, SimulatedMixer};

use tracing::{info, warn};

use moodbox_core::config::MixerChoice;

/// A mixer call that failed, naming the card and the control.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MixerError(pub String);

/// One simple-mixer element that can change the playback volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlInfo {
    /// The element's name as `amixer scontrols` prints it ("PCM", "Digital", ...).
    pub name: String,
    /// The element's index (almost always 0).
    pub index: u32,
    /// Raw volume range.
    pub raw: (i64, i64),
    /// dB range in hundredths of a dB, when the driver publishes a dB scale.
    pub db: Option<(i64, i64)>,
    /// The element also has a playback mute switch.
    pub has_switch: bool,
}

/// What a volume becomes on a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// Hundredths of a dB.
    Db(i64),
    /// A raw step of a control without a dB scale.
    Raw(i64),
}

/// The mixer operations the volume needs.
pub trait MixerBackend {
    /// The card, for messages ("hw:CARD=Headphones").
    fn card(&self) -> String;
    /// The elements with a playback volume, in the card's order.
    fn controls(&mut self) -> Result<Vec<ControlInfo>, MixerError>;
    fn apply(&mut self, control: &ControlInfo, setting: Setting) -> Result<(), MixerError>;
    fn set_switch(&mut self, control: &ControlInfo, on: bool) -> Result<(), MixerError>;
}

/// Names tried first, in order, when the config does not name the control.
pub const PREFERRED: [&str; 7] = [
    "Master",
    "PCM",
    "Digital",
    "Speaker",
    "Headphone",
    "Headphones",
    "Playback",
];

/// Elements with a playback volume that are trims or boosts, not the main volume.
const NOT_THE_MAIN_VOLUME: [&str; 3] = ["Analogue", "Analogue Playback Boost", "Boost"];

/// Up to this dB span a control is mapped linearly in dB (alsamixer's rule).
const LINEAR_DB_SPAN: i64 = 24 * 100;

/// The control to use: the one `wanted` names (any case), else the first of [`PREFERRED`]
/// the card has, else the widest one that is not a trim. `None`: the card has no volume.
pub fn choose<'a>(controls: &'a [ControlInfo], wanted: Option<&str>) -> Option<&'a ControlInfo> {
    if let Some(wanted) = wanted {
        return controls
            .iter()
            .find(|c| c.name.trim().eq_ignore_ascii_case(wanted.trim()));
    }
    PREFERRED
        .iter()
        .find_map(|name| controls.iter().find(|c| c.name.trim() == *name))
        .or_else(|| {
            controls
                .iter()
                .filter(|c| !NOT_THE_MAIN_VOLUME.contains(&c.name.trim()))
                .max_by_key(|c| match c.db {
                    Some((lo, hi)) => (1, hi - lo),
                    None => (0, c.raw.1 - c.raw.0),
                })
        })
}

/// Maps `volume` (0.0..=1.0) onto `control` the way alsamixer shows percentages, never above
/// `ceiling` (hundredths of a dB).
pub fn setting(control: &ControlInfo, volume: f64, ceiling: i64) -> Setting {
    let v = if volume.is_finite() {
        volume.clamp(0.0, 1.0)
    } else {
        0.0
    };
    match control.db {
        Some((min, max)) if min < max => {
            let max = max.min(ceiling).max(min);
            if v <= 0.0 {
                return Setting::Db(min);
            }
            let db = if max - min <= LINEAR_DB_SPAN {
                min as f64 + v * (max - min) as f64
            } else {
                let floor = 10f64.powf((min - max) as f64 / 6000.0);
                max as f64 + 6000.0 * (v * (1.0 - floor) + floor).log10()
            };
            Setting::Db((db.floor() as i64).clamp(min, max))
        }
        _ => {
            let (min, max) = control.raw;
            Setting::Raw(min + ((max - min) as f64 * v).floor() as i64)
        }
    }
}

/// The factor the software path scales samples by for `volume`: v³, the same curve as a
/// wide card control.
pub fn software_gain(volume: f32) -> f32 {
    let v = if volume.is_finite() {
        volume.clamp(0.0, 1.0)
    } else {
        0.0
    };
    v * v * v
}

/// A card's playback control, chosen and unmuted.
pub struct HardwareVolume {
    backend: Box<dyn MixerBackend>,
    control: ControlInfo,
}

impl HardwareVolume {
    /// Finds the control (`wanted`, or the usual names). `Ok(None)`: the card has no
    /// playback volume (hifiberry-dac boards such as the Pirate Audio, many HDMI outputs).
    pub fn open(
        mut backend: Box<dyn MixerBackend>,
        wanted: Option<&str>,
    ) -> Result<Option<HardwareVolume>, MixerError> {
        let controls = backend.controls()?;
        let Some(control) = choose(&controls, wanted).cloned() else {
            if let Some(wanted) = wanted {
                let names: Vec<&str> = controls.iter().map(|c| c.name.as_str()).collect();
                return Err(MixerError(format!(
                    "{} has no playback control named {wanted:?}; its controls: {names:?} \
                     (set [audio] mixer to one of them, \"auto\" or \"software\")",
                    backend.card()
                )));
            }
            return Ok(None);
        };
        if control.has_switch {
            backend.set_switch(&control, true)?;
        }
        Ok(Some(HardwareVolume { backend, control }))
    }

    pub fn control(&self) -> &ControlInfo {
        &self.control
    }

    /// Sets the card to `volume` (0.0..=1.0), at most 0 dB.
    pub fn set(&mut self, volume: f32) -> Result<Setting, MixerError> {
        let s = setting(&self.control, f64::from(volume), 0);
        self.backend.apply(&self.control, s)?;
        Ok(s)
    }

    fn describe(&self) -> String {
        format!(
            "card control {:?} on {}",
            self.control.name.trim(),
            self.backend.card()
        )
    }
}

/// Opens the card's control as `choice` asks; `None` means software volume. A control the
/// card lacks, or a mixer that will not open, is logged and falls back to software.
pub fn open_control(
    backend: Result<Box<dyn MixerBackend>, MixerError>,
    choice: &MixerChoice,
) -> Option<HardwareVolume> {
    let wanted = match choice {
        MixerChoice::Software => return None,
        MixerChoice::Auto => None,
        MixerChoice::Control(name) => Some(name.as_str()),
    };
    let opened = backend.and_then(|b| HardwareVolume::open(b, wanted));
    match opened {
        Ok(Some(hw)) => {
            info!(control = %hw.describe(), "hardware volume");
            Some(hw)
        }
        Ok(None) => {
            info!("the sound card has no volume control; scaling the samples");
            None
        }
        Err(e) if wanted.is_none() => {
            info!(error = %e, "no mixer for this output; scaling the samples");
            None
        }
        Err(e) => {
            warn!(error = %e, "the configured volume control is not usable; scaling the samples");
            None
        }
    }
}

/// The volume as the player applies it: to the card's control if there is one, else to the
/// samples.
pub struct VolumeStage {
    hardware: Option<HardwareVolume>,
    volume: f32,
}

impl Default for VolumeStage {
    fn default() -> Self {
        VolumeStage {
            hardware: None,
            volume: 1.0,
        }
    }
}

impl VolumeStage {
    /// A new output's control (or none); the current volume is applied to it.
    pub fn attach(&mut self, hardware: Option<HardwareVolume>) {
        self.hardware = hardware;
        self.set(self.volume);
    }

    /// Sets the volume (0.0..=1.0).
    pub fn set(&mut self, volume: f32) {
        self.volume = if volume.is_finite() {
            volume.clamp(0.0, 1.0)
        } else {
            1.0
        };
        if let Some(hw) = &mut self.hardware {
            if let Err(e) = hw.set(self.volume) {
                warn!(error = %e, "the card's volume control failed; scaling the samples");
                self.hardware = None;
            }
        }
    }

    /// What the samples are multiplied by: 1 with a card control, else [`software_gain`].
    pub fn gain(&self) -> f32 {
        match self.hardware {
            Some(_) => 1.0,
            None => software_gain(self.volume),
        }
    }

    /// `card control "PCM" on hw:CARD=Headphones`, or `software`.
    pub fn describe(&self) -> String {
        match &self.hardware {
            Some(hw) => hw.describe(),
            None => "software".into(),
        }
    }
}
