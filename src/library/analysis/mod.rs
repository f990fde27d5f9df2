//! Audio analysis: what a song's sound says about its mood when no tag or folder does.
//!
//! A window of up to [`WINDOW_SECONDS`] from the middle of the song (the whole song when it is
//! shorter) is decoded, mixed to mono and reduced to about 11 kHz. From it come:
//!
//! - tempo and event density: log-magnitude spectral flux (onset envelope),
//!   autocorrelation and peak counting, see [`tempo`];
//! - energy: RMS level in dBFS;
//! - brightness: spectral centroid in Hz;
//! - mode: chroma (energy per pitch class) against the Krumhansl–Kessler major and minor
//!   key profiles, see [`key`].
//!
//! They map to valence and arousal in [-1, 1] (documented on [`Features::valence_arousal`]),
//! and the quadrant gives the mood. Confidence is how far the point sits from the nearest
//! quadrant border. Analysing the middle minute keeps indexing fast (and skips intros and
//! fade-outs); the benchmark (`moodbox bench library`) prints the real-time factor.

pub mod key;
pub mod spectrum;
pub mod tempo;

use std::path::Path;

use serde::Serialize;

use moodbox_core::mood::Mood;
use moodbox_media::decode::{decode_mono, MonoAudio};

/// How much of a song is analysed, at most (seconds, taken from the middle).
pub const WINDOW_SECONDS: f64 = 60.0;

/// The measured properties of a piece of audio.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Features {
    /// Beats per minute, `None` when there is no steady pulse.
    pub bpm: Option<f32>,
    /// How clearly the music pulses at `bpm`, 0..=1.
    pub pulse_clarity: f32,
    /// Distinct onsets (notes, drum hits) per second.
    pub onsets_per_s: f32,
    /// RMS level, dBFS.
    pub rms_db: f32,
    /// Spectral centroid, Hz.
    pub centroid_hz: f32,
    /// Best major-key minus best minor-key profile correlation (> 0 major).
    pub major_minus_minor: f32,
    /// The best-fitting key, e.g. "A minor".
    pub key: String,
}

/// Features plus the mood they point to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub features: Features,
    pub valence: f32,
    pub arousal: f32,
    pub mood: Mood,
    pub confidence: f32,
    /// Seconds of audio analysed.
    pub seconds: f64,
}

impl Features {
    /// Measures mono audio.
    pub fn measure(audio: &MonoAudio) -> Features {
        let spectrum = spectrum::onset_spectrum(&audio.samples, audio.sample_rate);
        let tempo = tempo::estimate_tempo(&spectrum.onset, spectrum.frame_rate);
        let key = key::estimate_key(&spectrum::chroma(&audio.samples, audio.sample_rate));
        let mean_square = audio.samples.iter().map(|s| (s * s) as f64).sum::<f64>()
            / audio.samples.len().max(1) as f64;
        Features {
            bpm: tempo.map(|t| t.bpm),
            pulse_clarity: tempo.map_or(0.0, |t| t.clarity),
            onsets_per_s: tempo::onset_density(&spectrum.onset, spectrum.frame_rate),
            rms_db: (10.0 * mean_square.max(1e-10).log10()) as f32,
            centroid_hz: spectrum.centroid_hz,
            major_minus_minor: key.major_minus_minor,
            key: key.name(),
        }
    }

    /// Valence and arousal, each in [-1, 1]:
    ///
    /// - tempo `t = (bpm − 100) / 40` (60 BPM → −1, 140 BPM → +1; 0 without a pulse);
    /// - event density `d = log2(onsets_per_s / 2.5)` (1.25/s → −1, 5/s → +1);
    /// - energy `e = (rms_db + 20) / 10` (−30 dBFS → −1, −10 dBFS → +1);
    /// - brightness `b = log2(centroid / 1200 Hz)` (600 Hz → −1, 2400 Hz → +1);
    /// - mode `m = (major − minor correlation) / 0.15`;
    ///
    /// each clamped to [-1, 1]; then `arousal = 0.30 t + 0.25 d + 0.30 e + 0.15 b` and
    /// `valence = 0.55 m + 0.25 b + 0.20 t`.
    pub fn valence_arousal(&self) -> (f32, f32) {
        let t = self
            .bpm
            .map_or(0.0, |bpm| ((bpm - 100.0) / 40.0).clamp(-1.0, 1.0));
        let d = if self.onsets_per_s > 0.0 {
            (self.onsets_per_s / 2.5).log2().clamp(-1.0, 1.0)
        } else {
            -1.0
        };
        let e = ((self.rms_db + 20.0) / 10.0).clamp(-1.0, 1.0);
        let b = if self.centroid_hz > 0.0 {
            (self.centroid_hz / 1200.0).log2().clamp(-1.0, 1.0)
        } else {
            -1.0
        };
        let m = (self.major_minus_minor / 0.15).clamp(-1.0, 1.0);
        let arousal = 0.30 * t + 0.25 * d + 0.30 * e + 0.15 * b;
        let valence = 0.55 * m + 0.25 * b + 0.20 * t;
        (valence.clamp(-1.0, 1.0), arousal.clamp(-1.0, 1.0))
    }
}

impl Analysis {
    /// Analyses decoded mono audio.
    pub fn of_audio(audio: &MonoAudio) -> Analysis {
        let features = Features::measure(audio);
        let (valence, arousal) = features.valence_arousal();
        Analysis {
            mood: Mood::from_valence_arousal(valence, arousal),
            confidence: (2.0 * valence.abs().min(arousal.abs())).clamp(0.0, 1.0),
            valence,
            arousal,
            seconds: audio.seconds(),
            features,
        }
    }

    /// Decodes the analysis window of a file (middle [`WINDOW_SECONDS`] when its length is
    /// known and longer) and analyses it. Errors are reasons to skip the file.
    pub fn of_file(path: &Path, duration_s: Option<f64>) -> Result<Analysis, String> {
        let start = match duration_s {
            Some(d) if d > WINDOW_SECONDS + 10.0 => d / 2.0 - WINDOW_SECONDS / 2.0,
            _ => 0.0,
        };
        let audio = decode_mono(path, start, WINDOW_SECONDS)?;
        if audio.seconds() < 1.0 {
            return Err(format!(
                "only {:.2} s of audio, too short to analyse",
                audio.seconds()
            ));
        }
        Ok(Analysis::of_audio(&audio))
    }
}
