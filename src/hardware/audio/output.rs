//! Output back-ends behind one small trait. Each owns a rodio [`Mixer`]; the player connects
//! one [`rodio::Sink`] per song to it, so decoding, resampling, volume and mixing are the
//! same whichever back-end pulls the samples out.

use std::path::PathBuf;
use std::sync::Arc;

use rodio::mixer::Mixer;

#[cfg(feature = "alsa")]
use super::alsa::AlsaOutput;
use super::error::AudioError;
use super::pull::{NullSink, PullOutput, WavSink};
use moodbox_core::config::{AudioConfig, AudioDriver};

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
        AudioDriver::Alsa => {
            Box::new(move |faults| Ok(Box::new(AlsaOutput::open(&config.device, faults)?)))
        }
        #[cfg(not(feature = "alsa"))]
        AudioDriver::Alsa => return Err(AudioError::NotBuiltIn),
        AudioDriver::Wav => {
            let path: PathBuf = config.wav_path.clone().unwrap_or_default();
            let mut reopening = false;
            Box::new(move |faults| {
                // The first open starts a fresh file; a reopen after a fault appends to it.
                let sink = WavSink::open(&path, config.sample_rate, config.channels, reopening)?;
                reopening = true;
                Ok(Box::new(PullOutput::start(
                    Box::new(sink),
                    config.sample_rate,
                    config.channels,
                    config.wav_speed,
                    faults,
                )))
            })
        }
        AudioDriver::None => Box::new(move |faults| {
            Ok(Box::new(PullOutput::start(
                Box::new(NullSink),
                config.sample_rate,
                config.channels,
                config.wav_speed,
                faults,
            )))
        }),
    })
}
