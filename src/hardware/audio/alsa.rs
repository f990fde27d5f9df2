//! The sound card: rodio's mixer played through a cpal ALSA stream on the configured device.
//!
//! The stream is built when playback starts and dropped when it stops or pauses, so an idle
//! box spends no CPU feeding silence and leaves the card free. Device names are resolved at
//! every open (card numbers change across boots): `default`, any name cpal lists, or a card
//! reference such as `hw:CARD=Headphones,DEV=0`, `plughw:1` or just `Headphones` (cpal opens
//! cards through `plughw:N`, which converts formats and rates).
//!
//! Device loss: cpal reports an unplugged card as an error on its stream thread, and on some
//! errors keeps retrying the write forever. Those errors are forwarded to the player as a
//! fault (immediately for "no such device", after a storm of other errors), the callback
//! throttles itself so a broken card cannot spin a core, and once the player abandons the
//! stream the callback unwinds cpal's stuck thread so it can be joined.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use rodio::cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use rodio::cpal::{self, FromSample, SampleFormat, SizedSample};
use rodio::mixer::{self, Mixer, MixerSource};
use tracing::{info, warn};

use super::cards::{parse_card_ref, parse_cards, CardInfo, CardRef, ErrorStorm};
use super::error::AudioError;
use super::output::{FaultFn, OutputDevice};
use moodbox_media::panic::panic_message;

/// The cpal ALSA output.
pub struct AlsaOutput {
    name: String,
    device: cpal::Device,
    stream_config: cpal::StreamConfig,
    sample_format: SampleFormat,
    mixer: Mixer,
    source: Arc<Mutex<MixerSource>>,
    stream: Option<cpal::Stream>,
    faults: FaultFn,
    abandoned: Arc<AtomicBool>,
}

impl AlsaOutput {
    /// Resolves `name` and reads the device's preferred format (this opens the PCM once, so
    /// a missing or busy card is reported here). Nothing plays until `set_active(true)`.
    pub fn open(name: &str, faults: FaultFn) -> Result<AlsaOutput, AudioError> {
        let host = cpal::default_host();
        let device = resolve_device(&host, name)?;
        let supported = device
            .default_output_config()
            .map_err(|e| AudioError::DeviceOpen {
                device: name.to_string(),
                reason: e.to_string(),
                available: available_devices(&host),
            })?;
        let stream_config: cpal::StreamConfig = supported.config();
        let (mixer, source) = mixer::mixer(stream_config.channels, stream_config.sample_rate.0);
        info!(device = name, rate = stream_config.sample_rate.0, channels = stream_config.channels,
              format = %supported.sample_format(), "ALSA output ready");
        Ok(AlsaOutput {
            name: name.to_string(),
            device,
            stream_config,
            sample_format: supported.sample_format(),
            mixer,
            source: Arc::new(Mutex::new(source)),
            stream: None,
            faults,
            abandoned: Arc::new(AtomicBool::new(false)),
        })
    }

    fn build_stream(&self) -> Result<cpal::Stream, AudioError> {
        let error_callback = stream_error_handler(self.faults.clone(), self.abandoned.clone());
        let built = match self.sample_format {
            SampleFormat::F32 => build::<f32>(self, error_callback),
            SampleFormat::F64 => build::<f64>(self, error_callback),
            SampleFormat::I8 => build::<i8>(self, error_callback),
            SampleFormat::I16 => build::<i16>(self, error_callback),
            SampleFormat::I32 => build::<i32>(self, error_callback),
            SampleFormat::U8 => build::<u8>(self, error_callback),
            SampleFormat::U16 => build::<u16>(self, error_callback),
            SampleFormat::U32 => build::<u32>(self, error_callback),
            other => Err(format!("sample format {other} is not supported")),
        };
        let stream = built.map_err(|reason| self.open_error(reason))?;
        stream.play().map_err(|e| self.open_error(e.to_string()))?;
        Ok(stream)
    }

    fn open_error(&self, reason: String) -> AudioError {
        AudioError::DeviceOpen {
            device: self.name.clone(),
            reason,
            available: available_devices(&cpal::default_host()),
        }
    }

    fn close_stream(&mut self) {
        if let Some(stream) = self.stream.take() {
            if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(move || drop(stream))) {
                warn!(error = %panic_message(&*payload), "the ALSA stream thread ended abnormally");
            }
        }
    }
}

fn build<T>(
    out: &AlsaOutput,
    on_error: impl FnMut(cpal::StreamError) + Send + 'static,
) -> Result<cpal::Stream, String>
where
    T: SizedSample + FromSample<f32> + Send + 'static,
{
    let source = out.source.clone();
    out.device
        .build_output_stream::<T, _, _>(
            &out.stream_config,
            move |data: &mut [T], _: &cpal::OutputCallbackInfo| {
                let mut source = source.lock().unwrap_or_else(PoisonError::into_inner);
                for slot in data.iter_mut() {
                    *slot = T::from_sample(source.next().unwrap_or(0.0));
                }
            },
            on_error,
            None,
        )
        .map_err(|e| e.to_string())
}

impl OutputDevice for AlsaOutput {
    fn mixer(&self) -> &Mixer {
        &self.mixer
    }

    fn set_active(&mut self, active: bool) -> Result<(), AudioError> {
        match (active, self.stream.is_some()) {
            (true, false) => self.stream = Some(self.build_stream()?),
            (false, true) => self.close_stream(),
            _ => {}
        }
        Ok(())
    }

    fn describe(&self) -> String {
        format!(
            "ALSA {} ({} Hz, {} ch, {})",
            self.name,
            self.stream_config.sample_rate.0,
            self.stream_config.channels,
            self.sample_format
        )
    }

    fn device_name(&self) -> String {
        self.name.clone()
    }
}

impl Drop for AlsaOutput {
    fn drop(&mut self) {
        // From here on a stream thread stuck in cpal's write-retry loop is unwound.
        self.abandoned.store(true, Ordering::SeqCst);
        self.close_stream();
    }
}

/// Errors within one second that make a storm.
const STORM_ERRORS: u32 = 50;

/// Errors within one second after which the callback starts sleeping.
const THROTTLE_AFTER: u32 = 10;
/// True for errors that mean the card is gone (unplugged, driver unbound).
pub fn is_device_gone(err: &cpal::StreamError) -> bool {
    match err {
        cpal::StreamError::DeviceNotAvailable => true,
        cpal::StreamError::BackendSpecific { err } => {
            let d = &err.description;
            d.contains("No such device") || d.contains("ENODEV") || d.contains("(-19)")
        }
    }
}

fn stream_error_handler(
    faults: FaultFn,
    abandoned: Arc<AtomicBool>,
) -> impl FnMut(cpal::StreamError) + Send + 'static {
    let mut storm = ErrorStorm::new(Instant::now());
    let mut reported = false;
    move |err| {
        if abandoned.load(Ordering::SeqCst) {
            // The only way out of cpal's retry loop on a dead card; the drop catches it.
            panic!("ALSA stream abandoned after a device fault: {err}");
        }
        let count = storm.record(Instant::now());
        if !reported && (is_device_gone(&err) || count >= STORM_ERRORS) {
            reported = true;
            faults(format!("{err} ({count} errors in the last second)"));
        } else if count <= 3 {
            warn!(error = %err, "ALSA stream error");
        }
        if count > THROTTLE_AFTER {
            thread::sleep(Duration::from_millis(10));
        }
    }
}

fn system_cards() -> Vec<CardInfo> {
    std::fs::read_to_string("/proc/asound/cards")
        .map(|t| parse_cards(&t))
        .unwrap_or_default()
}

/// Finds the cpal device `name` means.
fn resolve_device(host: &cpal::Host, name: &str) -> Result<cpal::Device, AudioError> {
    let not_found = || AudioError::DeviceNotFound {
        device: name.to_string(),
        available: available_devices(host),
    };
    if name == "default" {
        return host.default_output_device().ok_or_else(not_found);
    }
    let devices: Vec<cpal::Device> = host
        .output_devices()
        .map(Iterator::collect)
        .unwrap_or_default();
    let named = |wanted: &str| {
        devices
            .iter()
            .find(|d| d.name().is_ok_and(|n| n == wanted))
            .cloned()
    };
    if let Some(device) = named(name) {
        return Ok(device);
    }
    let (card, dev) = parse_card_ref(name).ok_or_else(not_found)?;
    let cards = system_cards();
    let info = cards
        .iter()
        .find(|c| match &card {
            CardRef::Index(i) => c.index == *i,
            CardRef::Id(id) => c.id.eq_ignore_ascii_case(id),
        })
        .ok_or_else(not_found)?;
    if dev != 0 {
        warn!(
            device = name,
            "only device 0 of a card can be opened; using DEV=0"
        );
    }
    let device = named(&info.name).ok_or_else(not_found)?;
    info!(device = name, card = %info.name, index = info.index, "using card {} through plughw:{}", info.id, info.index);
    Ok(device)
}

/// The output devices cpal can open, with their card ids: what `[audio] device` accepts.
pub fn available_devices(host: &cpal::Host) -> Vec<String> {
    let cards = system_cards();
    let mut names: Vec<String> = host
        .output_devices()
        .map(|devices| {
            devices
                .filter_map(|d| d.name().ok())
                .map(|name| match cards.iter().find(|c| c.name == name) {
                    Some(card) => format!("{name:?} (hw:CARD={})", card.id),
                    None => format!("{name:?}"),
                })
                .collect()
        })
        .unwrap_or_default();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unplugging_is_told_apart_from_other_errors() {
        assert!(is_device_gone(&cpal::StreamError::DeviceNotAvailable));
        let gone = cpal::BackendSpecificError {
            description: "ALSA function 'snd_pcm_writei' failed with error 'No such device (19)'"
                .into(),
        };
        assert!(is_device_gone(&cpal::StreamError::BackendSpecific {
            err: gone
        }));
        let underrun = cpal::BackendSpecificError {
            description: "`alsa::poll()` returned POLLERR".into(),
        };
        assert!(!is_device_gone(&cpal::StreamError::BackendSpecific {
            err: underrun
        }));
    }

    #[test]
    fn a_device_fault_is_reported_once_and_an_abandoned_stream_unwinds() {
        let reports = Arc::new(Mutex::new(Vec::new()));
        let log = reports.clone();
        let abandoned = Arc::new(AtomicBool::new(false));
        let mut handler = stream_error_handler(
            Arc::new(move |e| log.lock().unwrap().push(e)),
            abandoned.clone(),
        );
        handler(cpal::StreamError::DeviceNotAvailable);
        handler(cpal::StreamError::DeviceNotAvailable);
        assert_eq!(reports.lock().unwrap().len(), 1);
        abandoned.store(true, Ordering::SeqCst);
        let unwound = panic::catch_unwind(AssertUnwindSafe(|| {
            handler(cpal::StreamError::DeviceNotAvailable)
        }));
        assert!(unwound.is_err());
    }

    #[test]
    fn a_device_that_does_not_exist_is_named_with_the_alternatives() {
        let err = AlsaOutput::open("hw:CARD=MoodboxNoSuchCard", Arc::new(|_| {}))
            .err()
            .unwrap();
        assert!(matches!(err, AudioError::DeviceNotFound { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains("MoodboxNoSuchCard") && msg.contains("available:"),
            "{msg}"
        );
    }
}
