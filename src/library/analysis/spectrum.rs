//! Short-time spectra of a mono signal: the onset envelope (log-magnitude spectral flux),
//! the spectral centroid, and a chroma vector (energy per pitch class).

use std::sync::Arc;

use rustfft::num_complex::Complex32;
use rustfft::{Fft, FftPlanner};

/// A windowed FFT of fixed size, with its buffers.
struct Stft {
    fft: Arc<dyn Fft<f32>>,
    window: Vec<f32>,
    buffer: Vec<Complex32>,
    scratch: Vec<Complex32>,
    /// Scales |X| so a full-scale sine gives about 1.
    magnitude_scale: f32,
}

impl Stft {
    fn new(size: usize) -> Stft {
        let fft = FftPlanner::<f32>::new().plan_fft_forward(size);
        let window: Vec<f32> = (0..size)
            .map(|i| 0.5 - 0.5 * (std::f32::consts::TAU * i as f32 / size as f32).cos())
            .collect();
        let magnitude_scale = 2.0 / window.iter().sum::<f32>();
        Stft {
            scratch: vec![Complex32::default(); fft.get_inplace_scratch_len()],
            buffer: vec![Complex32::default(); size],
            fft,
            window,
            magnitude_scale,
        }
    }

    fn size(&self) -> usize {
        self.window.len()
    }

    /// Magnitudes of bins 0..=size/2 of `frame` (which must be `size` long) into `out`.
    fn magnitudes(&mut self, frame: &[f32], out: &mut [f32]) {
        for ((b, &x), &w) in self.buffer.iter_mut().zip(frame).zip(&self.window) {
            *b = Complex32::new(x * w, 0.0);
        }
        self.fft
            .process_with_scratch(&mut self.buffer, &mut self.scratch);
        for (o, b) in out.iter_mut().zip(&self.buffer) {
            *o = b.norm() * self.magnitude_scale;
        }
    }
}

/// The power of two nearest to `seconds * sample_rate`.
fn fft_size(seconds: f32, sample_rate: f32) -> usize {
    let ideal = (seconds * sample_rate).max(16.0);
    let lower = 1usize << (ideal.log2().floor() as u32);
    if ideal / lower as f32 > 1.5 {
        lower * 2
    } else {
        lower
    }
}

/// The onset envelope and the spectral centroid, from ~46 ms frames every quarter frame.
pub struct OnsetSpectrum {
    /// Half-wave rectified log-magnitude spectral flux, one value per hop.
    pub onset: Vec<f32>,
    /// Onset envelope values per second.
    pub frame_rate: f32,
    /// Magnitude-weighted mean frequency over the whole signal, Hz.
    pub centroid_hz: f32,
}

pub fn onset_spectrum(samples: &[f32], sample_rate: f32) -> OnsetSpectrum {
    let mut stft = Stft::new(fft_size(0.046, sample_rate));
    let size = stft.size();
    let hop = size / 4;
    let bins = size / 2 + 1;
    let bin_hz = sample_rate / size as f32;
    let mut magnitudes = vec![0.0f32; bins];
    let mut previous_log = vec![0.0f32; bins];
    let mut onset = Vec::with_capacity(samples.len() / hop + 1);
    let (mut weighted_freq, mut total_magnitude) = (0.0f64, 0.0f64);
    let mut start = 0;
    while start + size <= samples.len() {
        stft.magnitudes(&samples[start..start + size], &mut magnitudes);
        let mut flux = 0.0f32;
        let (mut frame_freq, mut frame_mag) = (0.0f32, 0.0f32);
        for k in 1..bins {
            let m = magnitudes[k];
            let log = (1.0 + 1000.0 * m).ln();
            flux += (log - previous_log[k]).max(0.0);
            previous_log[k] = log;
            frame_freq += k as f32 * bin_hz * m;
            frame_mag += m;
        }
        onset.push(if start == 0 { 0.0 } else { flux });
        weighted_freq += frame_freq as f64;
        total_magnitude += frame_mag as f64;
        start += hop;
    }
    OnsetSpectrum {
        onset,
        frame_rate: sample_rate / hop as f32,
        centroid_hz: if total_magnitude > 0.0 {
            (weighted_freq / total_magnitude) as f32
        } else {
            0.0
        },
    }
}

/// Pitch classes (C = 0) of the energy between these frequencies count towards chroma.
const CHROMA_LOW_HZ: f32 = 100.0;
const CHROMA_HIGH_HZ: f32 = 2000.0;

/// Energy per pitch class (C, C#, … B), each ~0.37 s frame weighted equally, summing to 1
/// (all zeros for silence).
pub fn chroma(samples: &[f32], sample_rate: f32) -> [f32; 12] {
    let mut stft = Stft::new(fft_size(0.37, sample_rate));
    let size = stft.size();
    let hop = size / 2;
    let bins = size / 2 + 1;
    let bin_hz = sample_rate / size as f32;
    let pitch_class: Vec<Option<usize>> = (0..bins)
        .map(|k| {
            let f = k as f32 * bin_hz;
            (CHROMA_LOW_HZ..=CHROMA_HIGH_HZ).contains(&f).then(|| {
                let midi = 69.0 + 12.0 * (f / 440.0).log2();
                (midi.round() as i64).rem_euclid(12) as usize
            })
        })
        .collect();
    let mut magnitudes = vec![0.0f32; bins];
    let mut total = [0.0f32; 12];
    let mut start = 0;
    while start + size <= samples.len() {
        stft.magnitudes(&samples[start..start + size], &mut magnitudes);
        let mut frame = [0.0f32; 12];
        for (m, pc) in magnitudes.iter().zip(&pitch_class) {
            if let Some(pc) = pc {
                frame[*pc] += m * m;
            }
        }
        let energy: f32 = frame.iter().sum();
        if energy > 1e-8 {
            for (t, f) in total.iter_mut().zip(frame) {
                *t += f / energy;
            }
        }
        start += hop;
    }
    let sum: f32 = total.iter().sum();
    if sum > 0.0 {
        total.iter_mut().for_each(|t| *t /= sum);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(freq: f32, sample_rate: f32, seconds: f32) -> Vec<f32> {
        (0..(sample_rate * seconds) as usize)
            .map(|i| 0.5 * (std::f32::consts::TAU * freq * i as f32 / sample_rate).sin())
            .collect()
    }

    #[test]
    fn the_centroid_of_a_sine_is_its_frequency() {
        let s = onset_spectrum(&sine(1000.0, 11025.0, 2.0), 11025.0);
        assert!((s.centroid_hz - 1000.0).abs() < 60.0, "{}", s.centroid_hz);
    }

    #[test]
    fn chroma_of_an_a_major_triad_peaks_on_its_notes() {
        let sr = 11025.0;
        let notes = [220.0, 277.18, 329.63]; // A3, C#4, E4
        let mix: Vec<f32> = (0..(sr * 2.0) as usize)
            .map(|i| {
                notes
                    .iter()
                    .map(|f| (std::f32::consts::TAU * f * i as f32 / sr).sin())
                    .sum::<f32>()
                    / 3.0
            })
            .collect();
        let c = chroma(&mix, sr);
        let mut order: Vec<usize> = (0..12).collect();
        order.sort_by(|a, b| c[*b].total_cmp(&c[*a]));
        let mut top = order[..3].to_vec();
        top.sort();
        assert_eq!(top, vec![1, 4, 9], "{c:?}"); // C#, E, A
    }
}
