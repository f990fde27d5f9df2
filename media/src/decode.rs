//! Decoding songs for analysis and checking that they play, with symphonia (the decoder rodio
//! uses), guarded against hostile files.
//!
//! Songs come from anywhere, and decoders still have panics and huge allocations in their
//! history (symphonia #485, #497). Every call here runs inside `catch_quietly`, refuses
//! streams whose headers ask for absurd buffers (more than 32 channels, more than 768 kHz,
//! packets over 2^20 frames), gives up after a run of undecodable packets, and ends the work
//! at the end of the requested window, so one bad file costs one track, never the indexing.

use std::path::Path;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{Decoder, DecoderOptions, CODEC_TYPE_NULL};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::{FormatOptions, FormatReader, SeekMode, SeekTo};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::{Limit, MetadataOptions};
use symphonia::core::probe::Hint;
use symphonia::core::units::Time;

use crate::panic::{catch_quietly, panic_message};
use crate::song_file::SongFile;

/// The rate analysis works at: decoded audio is averaged down by an integer factor to the
/// nearest rate at or above roughly this (44.1 kHz → 11,025 Hz, 48 kHz → 12 kHz).
pub const ANALYSIS_RATE_HZ: u32 = 11_025;

const MAX_CHANNELS: usize = 32;
const MAX_SAMPLE_RATE: u32 = 768_000;
const MAX_FRAMES_PER_PACKET: u64 = 1 << 20;
const MAX_CONSECUTIVE_BAD_PACKETS: u32 = 64;

/// Mono audio at a reduced rate, ready for analysis.
#[derive(Debug, Clone)]
pub struct MonoAudio {
    pub samples: Vec<f32>,
    pub sample_rate: f32,
}

impl MonoAudio {
    pub fn seconds(&self) -> f64 {
        self.samples.len() as f64 / self.sample_rate as f64
    }
}

/// What the decoder learned from the stream's headers.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamInfo {
    pub codec: String,
    pub sample_rate: u32,
    pub channels: usize,
    /// Length in seconds, when the container states it.
    pub duration_s: Option<f64>,
}

/// Runs `work`, turning a panic into an error message instead of unwinding further.
pub fn guarded<T>(what: &str, work: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    match catch_quietly(work) {
        Ok(result) => result,
        Err(payload) => Err(format!(
            "{what} crashed on this file ({})",
            panic_message(&*payload)
        )),
    }
}

/// Checks that a file decodes at its start and still has audio near its stated end (a file
/// cut short fails here). Returns what the stream's headers say.
pub fn check_playable(path: &Path) -> Result<StreamInfo, String> {
    guarded("the decoder", || {
        let mut stream = OpenStream::open(path)?;
        let info = stream.info.clone();
        if stream.decode_some(1)? == 0 {
            return Err("no audio could be decoded".to_string());
        }
        if let Some(duration) = info.duration_s.filter(|d| *d > 2.0) {
            let near_end = duration - (duration / 4.0).min(3.0);
            let reached = stream
                .seek(near_end, SeekMode::Accurate)
                .and_then(|()| stream.decode_some(1));
            if !matches!(reached, Ok(n) if n > 0) {
                return Err(format!(
                    "truncated: the header says {duration:.1} s but the audio ends before {near_end:.1} s"
                ));
            }
        }
        Ok(info)
    })
}

/// Decodes up to `max_seconds` of audio starting near `start_seconds` (from the start when the
/// stream cannot seek), mixed to mono and reduced to about [`ANALYSIS_RATE_HZ`].
pub fn decode_mono(path: &Path, start_seconds: f64, max_seconds: f64) -> Result<MonoAudio, String> {
    guarded("the decoder", || {
        let mut stream = OpenStream::open(path)?;
        if start_seconds > 0.0 && stream.seek(start_seconds, SeekMode::Coarse).is_err() {
            stream = OpenStream::open(path)?;
        }
        stream.decode_mono(max_seconds)
    })
}

/// One opened file: demuxer, decoder and the track they follow.
struct OpenStream {
    format: Box<dyn FormatReader>,
    decoder: Box<dyn Decoder>,
    track_id: u32,
    info: StreamInfo,
    buffer: Option<SampleBuffer<f32>>,
}

impl OpenStream {
    fn open(path: &Path) -> Result<OpenStream, String> {
        let file = SongFile::open(path).map_err(|e| e.to_string())?;
        let source = MediaSourceStream::new(Box::new(file), Default::default());
        let mut hint = Hint::new();
        if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            hint.with_extension(ext);
        }
        let metadata_options = MetadataOptions {
            limit_metadata_bytes: Limit::Maximum(4 << 20),
            limit_visual_bytes: Limit::Maximum(0),
        };
        let format_options = FormatOptions {
            enable_gapless: true,
            ..Default::default()
        };
        let probed = symphonia::default::get_probe()
            .format(&hint, source, &format_options, &metadata_options)
            .map_err(|e| format!("not a supported audio stream: {e}"))?;
        let format = probed.format;
        let track = format
            .tracks()
            .iter()
            .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
            .ok_or("the file holds no audio track")?;
        let params = &track.codec_params;
        let sample_rate = params
            .sample_rate
            .ok_or("the stream states no sample rate")?;
        let channels = params.channels.map(|c| c.count()).unwrap_or(0);
        if sample_rate == 0 || sample_rate > MAX_SAMPLE_RATE {
            return Err(format!("implausible sample rate {sample_rate} Hz"));
        }
        if channels > MAX_CHANNELS {
            return Err(format!("implausible channel count {channels}"));
        }
        if params
            .max_frames_per_packet
            .is_some_and(|n| n > MAX_FRAMES_PER_PACKET)
        {
            return Err("implausible packet size in the stream header".to_string());
        }
        let duration_s = match (params.n_frames, params.time_base) {
            (Some(n), Some(tb)) => {
                let t = tb.calc_time(n);
                Some(t.seconds as f64 + t.frac)
            }
            (Some(n), None) => Some(n as f64 / sample_rate as f64),
            _ => None,
        };
        let codec = symphonia::default::get_codecs()
            .get_codec(params.codec)
            .map(|d| d.short_name.to_string())
            .unwrap_or_else(|| format!("codec {}", params.codec));
        let decoder = symphonia::default::get_codecs()
            .make(params, &DecoderOptions::default())
            .map_err(|e| format!("no decoder for this stream ({codec}): {e}"))?;
        let info = StreamInfo {
            codec,
            sample_rate,
            channels,
            duration_s,
        };
        Ok(OpenStream {
            track_id: track.id,
            format,
            decoder,
            info,
            buffer: None,
        })
    }

    fn seek(&mut self, seconds: f64, mode: SeekMode) -> Result<(), String> {
        self.format
            .seek(
                mode,
                SeekTo::Time {
                    time: Time::from(seconds),
                    track_id: Some(self.track_id),
                },
            )
            .map_err(|e| format!("seek failed: {e}"))?;
        self.decoder.reset();
        Ok(())
    }

    /// Decodes packets until `min_frames` frames came out; returns how many did (0 at the end).
    fn decode_some(&mut self, min_frames: usize) -> Result<usize, String> {
        let mut frames = 0;
        self.for_each_block(|interleaved, channels| {
            frames += interleaved.len() / channels;
            frames < min_frames
        })?;
        Ok(frames)
    }

    fn decode_mono(&mut self, max_seconds: f64) -> Result<MonoAudio, String> {
        let factor = (self.info.sample_rate / ANALYSIS_RATE_HZ).max(1) as usize;
        let out_rate = self.info.sample_rate as f32 / factor as f32;
        let max_out = (max_seconds * out_rate as f64) as usize;
        let mut samples = Vec::with_capacity(max_out.min(1 << 22));
        let (mut acc, mut acc_n) = (0.0f32, 0usize);
        let outcome = self.for_each_block(|interleaved, channels| {
            let scale = 1.0 / (channels * factor) as f32;
            for frame in interleaved.chunks_exact(channels) {
                acc += frame.iter().sum::<f32>();
                acc_n += 1;
                if acc_n == factor {
                    samples.push(acc * scale);
                    acc = 0.0;
                    acc_n = 0;
                }
            }
            samples.len() < max_out
        });
        match outcome {
            Err(e) if samples.is_empty() => return Err(e),
            Err(e) => tracing::debug!("decoding stopped early ({e}); analysing what came before"),
            Ok(()) => {}
        }
        samples.truncate(max_out);
        if samples.is_empty() {
            return Err("no audio could be decoded".to_string());
        }
        Ok(MonoAudio {
            samples,
            sample_rate: out_rate,
        })
    }

    /// Feeds decoded blocks (interleaved f32, and the channel count) to `take` until it
    /// returns false or the stream ends.
    fn for_each_block(
        &mut self,
        mut take: impl FnMut(&[f32], usize) -> bool,
    ) -> Result<(), String> {
        let mut bad_in_a_row = 0u32;
        loop {
            let packet = match self.format.next_packet() {
                Ok(p) => p,
                Err(SymphoniaError::IoError(e))
                    if e.kind() == std::io::ErrorKind::UnexpectedEof =>
                {
                    return Ok(())
                }
                Err(SymphoniaError::ResetRequired) => return Ok(()),
                Err(e) => return Err(format!("cannot read the stream: {e}")),
            };
            if packet.track_id() != self.track_id {
                continue;
            }
            let decoded = match self.decoder.decode(&packet) {
                Ok(d) => d,
                Err(SymphoniaError::DecodeError(_)) | Err(SymphoniaError::IoError(_)) => {
                    bad_in_a_row += 1;
                    if bad_in_a_row > MAX_CONSECUTIVE_BAD_PACKETS {
                        return Err("too many undecodable packets in a row".to_string());
                    }
                    continue;
                }
                Err(e) => return Err(format!("cannot decode: {e}")),
            };
            bad_in_a_row = 0;
            let spec = *decoded.spec();
            let frames = decoded.frames();
            let channels = spec.channels.count();
            if channels == 0
                || channels > MAX_CHANNELS
                || decoded.capacity() as u64 > MAX_FRAMES_PER_PACKET
            {
                return Err("implausible decoded block".to_string());
            }
            if frames == 0 {
                continue;
            }
            let needed = decoded.capacity() * channels;
            let buffer = match &mut self.buffer {
                Some(b) if b.capacity() >= needed => b,
                slot => slot.insert(SampleBuffer::new(decoded.capacity() as u64, spec)),
            };
            buffer.copy_interleaved_ref(decoded);
            let samples = &buffer.samples()[..frames * channels];
            if !take(samples, channels) {
                return Ok(());
            }
        }
    }
}
