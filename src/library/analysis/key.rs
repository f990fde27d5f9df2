//! Key and mode from a chroma vector, by correlation with the Krumhansl–Kessler major and
//! minor key profiles in all twelve transpositions.

/// Krumhansl & Kessler (1982) probe-tone ratings, tonic first.
const MAJOR_PROFILE: [f32; 12] = [
    6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88,
];
const MINOR_PROFILE: [f32; 12] = [
    6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17,
];

const PITCH_NAMES: [&str; 12] = [
    "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B",
];

/// The best-fitting key and how strongly major beats minor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KeyEstimate {
    /// Pitch class of the tonic, C = 0.
    pub tonic: usize,
    pub major: bool,
    /// Best major correlation minus best minor correlation: > 0 leans major, < 0 minor.
    pub major_minus_minor: f32,
}

impl KeyEstimate {
    pub fn name(&self) -> String {
        format!(
            "{} {}",
            PITCH_NAMES[self.tonic],
            if self.major { "major" } else { "minor" }
        )
    }
}

pub fn estimate_key(chroma: &[f32; 12]) -> KeyEstimate {
    let best = |profile: &[f32; 12]| -> (usize, f32) {
        (0..12)
            .map(|tonic| {
                let rotated: [f32; 12] = std::array::from_fn(|i| profile[(i + 12 - tonic) % 12]);
                (tonic, correlation(chroma, &rotated))
            })
            .fold((0, f32::MIN), |a, b| if b.1 > a.1 { b } else { a })
    };
    let (major_tonic, major_r) = best(&MAJOR_PROFILE);
    let (minor_tonic, minor_r) = best(&MINOR_PROFILE);
    let major = major_r >= minor_r;
    KeyEstimate {
        tonic: if major { major_tonic } else { minor_tonic },
        major,
        major_minus_minor: if major_r.is_finite() && minor_r.is_finite() {
            major_r - minor_r
        } else {
            0.0
        },
    }
}

fn correlation(a: &[f32; 12], b: &[f32; 12]) -> f32 {
    let mean = |x: &[f32; 12]| x.iter().sum::<f32>() / 12.0;
    let (ma, mb) = (mean(a), mean(b));
    let (mut num, mut da, mut db) = (0.0, 0.0, 0.0);
    for i in 0..12 {
        num += (a[i] - ma) * (b[i] - mb);
        da += (a[i] - ma).powi(2);
        db += (b[i] - mb).powi(2);
    }
    if da <= 0.0 || db <= 0.0 {
        0.0
    } else {
        num / (da * db).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chroma_of(notes: &[(usize, f32)]) -> [f32; 12] {
        let mut c = [0.01; 12];
        for &(pc, w) in notes {
            c[pc] += w;
        }
        c
    }

    #[test]
    fn triads_give_their_key_and_mode() {
        // C major: C E G, plus F and D from IV and V.
        let c_major = chroma_of(&[(0, 3.0), (4, 2.0), (7, 2.5), (5, 1.0), (2, 1.0), (11, 0.5)]);
        let k = estimate_key(&c_major);
        assert_eq!(k.name(), "C major");
        assert!(k.major_minus_minor > 0.0);
        // A minor: A C E, plus D and E from iv and v.
        let a_minor = chroma_of(&[(9, 3.0), (0, 2.0), (4, 2.5), (2, 1.0), (5, 1.0), (7, 0.5)]);
        let k = estimate_key(&a_minor);
        assert_eq!(k.name(), "A minor");
        assert!(k.major_minus_minor < 0.0);
    }

    #[test]
    fn silence_is_neither() {
        assert_eq!(estimate_key(&[0.0; 12]).major_minus_minor, 0.0);
    }
}
