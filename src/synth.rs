//! Synthetic songs: click tracks and short chord-progression songs with a chosen tempo, key,
//! mode, timbre and loudness, written as WAV. The demo plays them, `moodbox bench` measures on
//! them, and the tests write them in every format moodbox reads, so that indexing and analysis
//! run on real decodes without shipping any music.

use std::path::Path;

/// Major or minor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Major,
    Minor,
}

/// Everything that shapes one synthetic song.
#[derive(Debug, Clone, PartialEq)]
pub struct SongRecipe {
    pub bpm: f32,
    /// Pitch class of the tonic, 0 = C … 11 = B.
    pub tonic: u8,
    pub mode: Mode,
    /// 0 = dull (few, fast-falling harmonics) … 1 = bright (many strong harmonics).
    pub brightness: f32,
    /// Target RMS level in dBFS.
    pub level_db: f32,
    /// Drums (kick, snare, eighth-note hi-hats).
    pub drums: bool,
    /// Melody notes per beat (1 = quarter notes, 2 = eighths).
    pub notes_per_beat: u32,
    pub seconds: f32,
    /// Seeds the melody and progression choice.
    pub seed: u64,
}

impl SongRecipe {
    /// A clearly happy song: fast, major, bright, loud, with drums. Tempo, key and melody
    /// vary with the seed.
    pub fn happy(seed: u64, seconds: f32) -> SongRecipe {
        let mut rng = XorShift::new(seed ^ 0x4A5F);
        SongRecipe {
            bpm: 120.0 + rng.below(41) as f32,
            tonic: rng.below(12) as u8,
            mode: Mode::Major,
            brightness: 0.75 + 0.25 * rng.unit(),
            level_db: -13.0 + 3.0 * rng.unit(),
            drums: true,
            notes_per_beat: 2,
            seconds,
            seed,
        }
    }

    /// A clearly sad song: slow, minor, dark, quiet, no drums.
    pub fn sad(seed: u64, seconds: f32) -> SongRecipe {
        let mut rng = XorShift::new(seed ^ 0x5ADD);
        SongRecipe {
            bpm: 56.0 + rng.below(21) as f32,
            tonic: rng.below(12) as u8,
            mode: Mode::Minor,
            brightness: 0.2 * rng.unit(),
            level_db: -26.0 + 4.0 * rng.unit(),
            drums: false,
            notes_per_beat: 1,
            seconds,
            seed,
        }
    }
}

/// A metronome: a 12 ms, 1.5 kHz click on every beat, first beat at 0.1 s.
pub fn click_track(bpm: f32, seconds: f32, sample_rate: u32) -> Vec<f32> {
    let sr = sample_rate as f32;
    let mut out = vec![0.0f32; (seconds * sr) as usize];
    let period = 60.0 / bpm;
    let mut beat = 0u32;
    loop {
        let t0 = 0.1 + beat as f32 * period;
        let start = (t0 * sr).round() as usize;
        if start >= out.len() {
            break;
        }
        let len = ((0.012 * sr) as usize).min(out.len() - start);
        for (i, s) in out[start..start + len].iter_mut().enumerate() {
            let t = i as f32 / sr;
            *s += 0.8 * (-t / 0.003).exp() * (2.0 * std::f32::consts::PI * 1500.0 * t).sin();
        }
        beat += 1;
    }
    out
}

/// Renders a recipe as mono samples at `sample_rate`.
pub fn render(recipe: &SongRecipe, sample_rate: u32) -> Vec<f32> {
    let sr = sample_rate as f32;
    let mut out = vec![0.0f32; (recipe.seconds * sr) as usize];
    let mut rng = XorShift::new(recipe.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let scale: [i32; 7] = match recipe.mode {
        Mode::Major => [0, 2, 4, 5, 7, 9, 11],
        Mode::Minor => [0, 2, 3, 5, 7, 8, 10],
    };
    let progressions: [[usize; 4]; 3] = match recipe.mode {
        Mode::Major => [[0, 4, 5, 3], [0, 3, 4, 0], [0, 5, 3, 4]],
        Mode::Minor => [[0, 3, 4, 0], [0, 5, 3, 4], [0, 3, 0, 4]],
    };
    let progression = progressions[rng.below(3) as usize];
    let beat = 60.0 / recipe.bpm;
    let bar = 4.0 * beat;
    let tonic = 48 + recipe.tonic as i32; // C3 + tonic
    let degree_pitch =
        |degree: usize| -> i32 { tonic + scale[degree % 7] + 12 * (degree / 7) as i32 };
    let pad = Timbre::new(
        recipe.brightness,
        0.02 + 0.3 * (1.0 - recipe.brightness),
        0.3,
    );
    let lead = Timbre::new(
        recipe.brightness,
        0.01 + 0.06 * (1.0 - recipe.brightness),
        0.2,
    );
    let bass = Timbre::new(recipe.brightness * 0.5, 0.01, 0.1);
    let n_bars = (recipe.seconds / bar).ceil() as usize;
    for b in 0..n_bars {
        let t_bar = b as f32 * bar;
        let root = progression[b % 4];
        let chord = [root, root + 2, root + 4].map(degree_pitch);
        for pitch in chord {
            add_note(&mut out, sr, t_bar, bar, pitch + 12, 0.18, &pad);
        }
        let bass_notes = if recipe.drums { 4 } else { 1 };
        for i in 0..bass_notes {
            let len = bar / bass_notes as f32;
            add_note(
                &mut out,
                sr,
                t_bar + i as f32 * len,
                len,
                chord[0] - 12,
                0.3,
                &bass,
            );
        }
        let steps = 4 * recipe.notes_per_beat;
        let step = bar / steps as f32;
        for i in 0..steps {
            let tone = chord[rng.below(3) as usize] + 24;
            let accent = if i % recipe.notes_per_beat == 0 {
                0.3
            } else {
                0.2
            };
            add_note(
                &mut out,
                sr,
                t_bar + i as f32 * step,
                step,
                tone,
                accent,
                &lead,
            );
        }
        if recipe.drums {
            for i in 0..4 {
                let t = t_bar + i as f32 * beat;
                if i % 2 == 0 {
                    add_kick(&mut out, sr, t);
                } else {
                    add_noise_hit(&mut out, sr, t, 0.5, 0.08, &mut rng);
                }
                add_noise_hit(&mut out, sr, t, 0.15, 0.03, &mut rng);
                add_noise_hit(&mut out, sr, t + beat / 2.0, 0.1, 0.03, &mut rng);
            }
        }
    }
    set_level(&mut out, recipe.level_db);
    out
}

/// Writes mono or duplicated-stereo 16-bit WAV.
pub fn write_wav(
    path: &Path,
    samples: &[f32],
    sample_rate: u32,
    channels: u16,
) -> Result<(), hound::Error> {
    let spec = hound::WavSpec {
        channels,
        sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec)?;
    for &s in samples {
        let v = (s.clamp(-1.0, 1.0) * 32767.0) as i16;
        for _ in 0..channels {
            writer.write_sample(v)?;
        }
    }
    writer.finalize()
}

/// A harmonic tone colour: a one-period wavetable plus attack and release times.
struct Timbre {
    table: Vec<f32>,
    attack: f32,
    release: f32,
}

impl Timbre {
    const TABLE_LEN: usize = 2048;

    fn new(brightness: f32, attack: f32, release: f32) -> Timbre {
        let harmonics = 2 + (brightness * 12.0) as usize;
        let rolloff = 2.5 - 1.8 * brightness; // amplitude of harmonic k is 1/k^rolloff
        let mut table = vec![0.0f32; Self::TABLE_LEN];
        for (i, v) in table.iter_mut().enumerate() {
            let phase = i as f32 / Self::TABLE_LEN as f32 * std::f32::consts::TAU;
            *v = (1..=harmonics)
                .map(|k| (k as f32 * phase).sin() / (k as f32).powf(rolloff))
                .sum();
        }
        let peak = table.iter().fold(0.0f32, |m, v| m.max(v.abs())).max(1e-6);
        table.iter_mut().for_each(|v| *v /= peak);
        Timbre {
            table,
            attack,
            release,
        }
    }
}

fn add_note(
    out: &mut [f32],
    sr: f32,
    start: f32,
    length: f32,
    midi: i32,
    gain: f32,
    timbre: &Timbre,
) {
    let freq = 440.0 * 2f32.powf((midi - 69) as f32 / 12.0);
    let first = (start * sr) as usize;
    let total = ((length + timbre.release) * sr) as usize;
    let table_len = timbre.table.len() as f32;
    let step = freq / sr * table_len;
    let mut phase = 0.0f32;
    for i in 0..total {
        let Some(sample) = out.get_mut(first + i) else {
            break;
        };
        let t = i as f32 / sr;
        let envelope = if t < timbre.attack {
            t / timbre.attack
        } else if t < length {
            1.0 - 0.3 * (t - timbre.attack) / length.max(1e-3)
        } else {
            0.7 * (-(t - length) / (timbre.release / 4.0)).exp()
        };
        *sample += gain * envelope * timbre.table[phase as usize % timbre.table.len()];
        phase += step;
        if phase >= table_len {
            phase -= table_len;
        }
    }
}

fn add_kick(out: &mut [f32], sr: f32, start: f32) {
    let first = (start * sr) as usize;
    let mut phase = 0.0f32;
    for i in 0..(0.2 * sr) as usize {
        let Some(sample) = out.get_mut(first + i) else {
            break;
        };
        let t = i as f32 / sr;
        let freq = 50.0 + 90.0 * (-t / 0.03).exp();
        phase += std::f32::consts::TAU * freq / sr;
        *sample += 0.9 * (-t / 0.08).exp() * phase.sin();
    }
}

fn add_noise_hit(out: &mut [f32], sr: f32, start: f32, gain: f32, decay: f32, rng: &mut XorShift) {
    let first = (start * sr) as usize;
    let mut previous = 0.0f32;
    for i in 0..(4.0 * decay * sr) as usize {
        let Some(sample) = out.get_mut(first + i) else {
            break;
        };
        let t = i as f32 / sr;
        let noise = rng.unit() * 2.0 - 1.0;
        *sample += gain * (-t / decay).exp() * (noise - previous); // first difference: a hiss
        previous = noise;
    }
}

fn set_level(samples: &mut [f32], level_db: f32) {
    let mean_square = samples.iter().map(|s| s * s).sum::<f32>() / samples.len().max(1) as f32;
    if mean_square <= 0.0 {
        return;
    }
    let gain = 10f32.powf(level_db / 20.0) / mean_square.sqrt();
    samples
        .iter_mut()
        .for_each(|s| *s = (*s * gain).clamp(-1.0, 1.0));
}

/// A tiny deterministic generator, enough for melodies and noise.
struct XorShift(u64);

impl XorShift {
    fn new(seed: u64) -> XorShift {
        XorShift(seed.wrapping_add(0x2545_F491_4F6C_DD1D) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
}
