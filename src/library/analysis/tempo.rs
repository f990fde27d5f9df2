//! Rhythm from an onset envelope. Tempo: autocorrelation, a log-normal preference around
//! 120 BPM (one octave wide), a check for a faster tempo the pulse also supports (so
//! back-beat patterns are not read at half speed), and sub-frame refinement over several
//! beat periods. Event density: distinct onsets per second, which does not care which
//! metrical level the tempo picked.

use rustfft::num_complex::Complex32;
use rustfft::FftPlanner;

/// The slowest and fastest tempo reported.
pub const MIN_BPM: f32 = 40.0;
pub const MAX_BPM: f32 = 220.0;
/// Below this much signal there is no tempo to speak of.
const MIN_SECONDS: f32 = 4.0;
/// Weaker pulses than this (normalised autocorrelation) are not a beat. A steady tone's
/// frame-to-frame wobble gives about 0.17; a quiet, slow ballad well over 0.9.
const MIN_CLARITY: f32 = 0.3;
/// Onset novelty (summed log-magnitude rises) below this everywhere means no note starts:
/// a steady tone peaks below 1, a soft piano note near 20, a click over 300.
const MIN_NOVELTY_PEAK: f32 = 2.0;

/// A tempo and how clearly the music pulses at it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TempoEstimate {
    pub bpm: f32,
    /// Normalised autocorrelation at the beat period, 0..=1.
    pub clarity: f32,
}

/// Estimates the tempo of an onset envelope sampled `frame_rate` times per second.
pub fn estimate_tempo(onset: &[f32], frame_rate: f32) -> Option<TempoEstimate> {
    if (onset.len() as f32) < MIN_SECONDS * frame_rate {
        return None;
    }
    let novelty = remove_local_mean(onset, (0.5 * frame_rate) as usize);
    if novelty.iter().all(|&v| v < MIN_NOVELTY_PEAK) {
        return None;
    }
    let acf = autocorrelation(&novelty);
    let lag_of = |bpm: f32| 60.0 * frame_rate / bpm;
    let min_lag = lag_of(MAX_BPM).floor().max(1.0) as usize;
    let max_lag = (lag_of(MIN_BPM).ceil() as usize).min(acf.len().saturating_sub(2));
    if min_lag + 2 >= max_lag {
        return None;
    }
    let peaks: Vec<usize> = (min_lag.max(1)..=max_lag)
        .filter(|&l| acf[l] > 0.0 && acf[l] >= acf[l - 1] && acf[l] > acf[l + 1])
        .collect();
    // A peak's strength includes its neighbours: a beat period that is not a whole number of
    // frames spreads over two lags.
    let strength = |l: usize| acf[l] + acf[l - 1].max(0.0) + acf[l + 1].max(0.0);
    let preference = |lag: usize| {
        let octaves = (60.0 * frame_rate / lag as f32 / 120.0).log2();
        (-0.5 * octaves.powi(2)).exp()
    };
    let best = *peaks.iter().max_by(|&&a, &&b| {
        (strength(a) * preference(a)).total_cmp(&(strength(b) * preference(b)))
    })?;
    // A pulse at lag L also repeats at 2L, 3L: prefer the fastest tempo that is nearly as
    // strong, so a 180 BPM click is not reported as 90.
    let beat_lag = (2..=4)
        .rev()
        .filter_map(|k| {
            let target = best as f32 / k as f32;
            peaks
                .iter()
                .copied()
                .filter(|&l| (l as f32 - target).abs() <= 1.5)
                .max_by(|&a, &b| strength(a).total_cmp(&strength(b)))
        })
        .find(|&l| strength(l) >= 0.7 * strength(best))
        .unwrap_or(best);
    let clarity = strength(beat_lag).clamp(0.0, 1.0);
    if clarity < MIN_CLARITY {
        return None;
    }
    let period = refine_period(&acf, beat_lag);
    Some(TempoEstimate {
        bpm: 60.0 * frame_rate / period,
        clarity,
    })
}

/// Distinct onsets per second: local maxima of the novelty (within ±50 ms) that stand out
/// more than one standard deviation above its mean.
pub fn onset_density(onset: &[f32], frame_rate: f32) -> f32 {
    if onset.is_empty() {
        return 0.0;
    }
    let novelty = remove_local_mean(onset, (0.5 * frame_rate) as usize);
    let n = novelty.len() as f32;
    let mean = novelty.iter().sum::<f32>() / n;
    let std = (novelty.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / n).sqrt();
    let threshold = mean + std;
    let reach = ((0.05 * frame_rate).round() as usize).max(1);
    let onsets = (0..novelty.len())
        .filter(|&i| {
            let v = novelty[i];
            let lo = i.saturating_sub(reach);
            let hi = (i + reach + 1).min(novelty.len());
            v > threshold
                && novelty[lo..i].iter().all(|&u| u < v)
                && novelty[i + 1..hi].iter().all(|&u| u <= v)
        })
        .count();
    onsets as f32 * frame_rate / n
}

/// Subtracts a moving average and keeps the positive part: what is left are onsets.
fn remove_local_mean(x: &[f32], half_window: usize) -> Vec<f32> {
    let mut prefix = Vec::with_capacity(x.len() + 1);
    prefix.push(0.0f64);
    for &v in x {
        prefix.push(prefix[prefix.len() - 1] + v as f64);
    }
    (0..x.len())
        .map(|i| {
            let lo = i.saturating_sub(half_window);
            let hi = (i + half_window + 1).min(x.len());
            let mean = (prefix[hi] - prefix[lo]) / (hi - lo) as f64;
            (x[i] - mean as f32).max(0.0)
        })
        .collect()
}

/// Autocorrelation of the mean-removed signal, normalised so lag 0 is 1, for lags up to
/// half the length.
fn autocorrelation(x: &[f32]) -> Vec<f32> {
    let n = x.len();
    let mean = x.iter().sum::<f32>() / n as f32;
    let size = (2 * n).next_power_of_two();
    let mut planner = FftPlanner::<f32>::new();
    let mut buffer: Vec<Complex32> = x
        .iter()
        .map(|&v| Complex32::new(v - mean, 0.0))
        .chain(std::iter::repeat(Complex32::default()))
        .take(size)
        .collect();
    planner.plan_fft_forward(size).process(&mut buffer);
    buffer
        .iter_mut()
        .for_each(|c| *c = Complex32::new(c.norm_sqr(), 0.0));
    planner.plan_fft_inverse(size).process(&mut buffer);
    let zero = buffer[0].re;
    if zero <= 0.0 {
        return vec![0.0; n / 2];
    }
    buffer[..n / 2].iter().map(|c| c.re / zero).collect()
}

/// The beat period in frames, to a fraction of a frame: peaks near 1, 2, 3 … 8 times the lag
/// are located by centroid and fitted through the origin.
fn refine_period(acf: &[f32], lag: usize) -> f32 {
    let (mut num, mut den) = (0.0f32, 0.0f32);
    let mut period = lag as f32;
    for k in 1..=8usize {
        let guess = period * k as f32;
        let centre = guess.round() as usize;
        if centre + 3 >= acf.len() {
            break;
        }
        let peak = (centre - 2..=centre + 2)
            .max_by(|&a, &b| acf[a].total_cmp(&acf[b]))
            .unwrap_or(centre);
        if peak < 2 || peak + 2 >= acf.len() || acf[peak] < 0.3 * acf[lag] {
            break;
        }
        let floor = (peak - 2..=peak + 2)
            .map(|i| acf[i])
            .fold(f32::MAX, f32::min);
        let (mut sum, mut weight) = (0.0f32, 0.0f32);
        for (i, value) in acf.iter().enumerate().take(peak + 2).skip(peak - 1) {
            let w = value - floor;
            sum += w * i as f32;
            weight += w;
        }
        let location = if weight > 0.0 {
            sum / weight
        } else {
            peak as f32
        };
        num += k as f32 * location;
        den += (k * k) as f32;
        period = num / den;
    }
    period
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An onset envelope with one spike per beat, placed to the nearest frame.
    fn pulses(bpm: f32, frame_rate: f32, seconds: f32) -> Vec<f32> {
        let n = (seconds * frame_rate) as usize;
        let mut x = vec![0.0; n];
        let mut t = 0.05;
        while ((t * frame_rate) as usize) < n {
            x[(t * frame_rate).round() as usize % n] = 10.0;
            t += 60.0 / bpm;
        }
        x
    }

    #[test]
    fn spike_trains_give_their_tempo() {
        for bpm in [60.0, 75.0, 90.0, 117.0, 128.0, 150.0, 180.0] {
            let est = estimate_tempo(&pulses(bpm, 86.13, 30.0), 86.13).unwrap();
            assert!((est.bpm - bpm).abs() / bpm < 0.01, "{bpm} → {}", est.bpm);
        }
    }

    #[test]
    fn onset_density_counts_pulses_per_second() {
        let d = onset_density(&pulses(120.0, 86.13, 30.0), 86.13);
        assert!((d - 2.0).abs() < 0.1, "{d}");
        assert_eq!(onset_density(&[0.0; 500], 86.13), 0.0);
    }

    #[test]
    fn too_short_or_flat_signals_have_no_tempo() {
        assert!(estimate_tempo(&[0.0; 100], 86.0).is_none());
        assert!(estimate_tempo(&vec![0.0; 3000], 86.0).is_none());
    }

    #[test]
    fn a_steady_tone_has_no_tempo() {
        let sr = 11025.0;
        let tone: Vec<f32> = (0..(sr as usize * 10))
            .map(|i| 0.3 * (std::f32::consts::TAU * 440.0 * i as f32 / sr).sin())
            .collect();
        let s = crate::library::analysis::spectrum::onset_spectrum(&tone, sr);
        assert_eq!(estimate_tempo(&s.onset, s.frame_rate), None);
    }
}
