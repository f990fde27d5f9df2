//! Output back-ends behind one small trait. Each owns a rodio [`Mixer`]; the player connects
//! one [`rodio::Sink`] per song to it, so decoding, resampling, volume and mixing are the
//! same whichever back-end pulls the samples out. Each may also bring its card's volume
//! control (see [`super::volume`]).

use std::path::PathBuf;
use std::sync::Arc;

use rodio::mixer::Mixer;

#[cfg(feature = "alsa")]
use super::alsa::AlsaOutput;
use super::error::AudioError;
use super::pull::{NullSink, PullOutput, WavSink};
use super::volume::{self, HardwareVolume, MixerBackend, SimulatedCard};
use moodbox_core::config::{AudioConfig, AudioDriver, MixerChoice};

/// Called (from any thread) when the device fails for good: unplugged, or a storm of
/// errors. The player then closes the output and reopens it with backoff.
pub type FaultFn = Arc<dyn Fn(String) + Send + Sync>;

/// An opened output. Lives on the player's thread (cpal streams must not move).
pub trait OutputDevice {
    /// Where songs are mixed.
    fn mixer(&self) -> &Mixer;

    /// Starts pulling samples, or stops (a stopped ALSA output closes its stream, so an idle
    /// box uses no CPU and leaves the card to others).
    fn set_active(&mut self, active: bool) -> Result<(), AudioError>;

    /// `"ALSA default (44100 Hz, 2 ch, f32)"` for logs and status.
    fn describe(&self) -> String;

    /// The device name events and errors use.
    fn device_name(&self) -> String;

    /// The card's own volume control, if the config lets it be used and the card has one
    /// (handed over once, after the open).
    fn take_volume_control(&mut self) -> Option<HardwareVolume> {
        None
    }
}

/// An output with its card's volume control.
struct WithControl<O> {
    output: O,
    control: Option<HardwareVolume>,
}

impl<O: OutputDevice> OutputDevice for WithControl<O> {
    fn mixer(&self) -> &Mixer {
        self.output.mixer()
    }

    fn set_active(&mut self, active: bool) -> Result<(), AudioError> {
        self.output.set_active(active)
    }

    fn describe(&self) -> String {
        self.output.describe()
    }

    fn device_name(&self) -> String {
        self.output.device_name()
    }

    fn take_volume_control(&mut self) -> Option<HardwareVolume> {
        self.control.take()
    }
}

/// The simulated card of the wav and none drivers: with the control `[audio] mixer` names
/// (its settings kept in `WAV_PATH.mixer`), else without one.
fn simulated_control(config: &AudioConfig) -> Option<HardwareVolume> {
    let card = match &config.mixer {
        MixerChoice::Control(name) => SimulatedCard::with_control("simulated card", name),
        MixerChoice::Auto | MixerChoice::Software => SimulatedCard::new("simulated card", vec![]),
    };
    let card = match &config.wav_path {
        Some(path) => {
            let mut state = path.clone().into_os_string();
            state.push(".mixer");
            card.keeping_state_in(state.into())
        }
        None => card,
    };
    let mixer: Box<dyn MixerBackend> = Box::new(card.mixer());
    volume::open_control(Ok(mixer), &config.mixer)
}

/// Builds an output, again after each loss.
pub type Opener = Box<dyn FnMut(FaultFn) -> Result<Box<dyn OutputDevice>, AudioError> + Send>;

/// The opener for the back-end `config` names.
pub fn opener_for(config: &AudioConfig) -> Result<Opener, AudioError> {
    let problems = config.check();
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        return Err(AudioError::Config(list.join("; ")));
    }
    let config = config.clone();
    Ok(match config.driver {
        #[cfg(feature = "alsa")]
        AudioDriver::Alsa => Box::new(move |faults| {
            let output = AlsaOutput::open(&config.device, faults)?;
            let card = super::cards::control_name_for(&config.device);
            let mixer =
                volume::AlsaMixer::open(&card).map(|m| Box::new(m) as Box<dyn MixerBackend>);
            let control = volume::open_control(mixer, &config.mixer);
            Ok(Box::new(WithControl { output, control }))
        }),
        #[cfg(not(feature = "alsa"))]
        AudioDriver::Alsa => return Err(AudioError::NotBuiltIn),
        AudioDriver::Wav => {
            let path: PathBuf = config.wav_path.clone().unwrap_or_default();
            let mut reopening = false;
            Box::new(move |faults| {
                // The first open starts a fresh file; a reopen after a fault appends to it.
                let sink = WavSink::open(&path, config.sample_rate, config.channels, reopening)?;
                reopening = true;
                let output = PullOutput::start(
                    Box::new(sink),
                    config.sample_rate,
                    config.channels,
                    config.wav_speed,
                    faults,
                );
                let control = simulated_control(&config);
                Ok(Box::new(WithControl { output, control }))
            })
        }
        AudioDriver::None => Box::new(move |faults| {
            let output = PullOutput::start(
                Box::new(NullSink),
                config.sample_rate,
                config.channels,
                config.wav_speed,
                faults,
            );
            let control = simulated_control(&config);
            Ok(Box::new(WithControl { output, control }))
        }),
    })
}
