//! Image planes and the resampling moodbox's vision uses, written out so that it can be
//! reproduced exactly by the Python reference (models/reference.py):
//!
//! - shrinking averages the source pixels each output pixel covers, weighted by overlap
//!   (OpenCV's INTER_AREA); enlarging is bilinear with half-pixel centres and clamped edges
//!   (OpenCV's INTER_LINEAR, which is what the emotion model was trained with);
//! - face crops shrink with a Lanczos-3 filter widened by the scale factor (as Pillow's
//!   LANCZOS does): alias-free like the area average, but it keeps the detail of eyes and
//!   mouth that the emotion model relies on;
//! - arbitrary (rotated) sampling is bilinear with edges replicated.

use image::RgbImage;

/// One channel of an image as `f32` values in 0..=255, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Plane {
    pub width: usize,
    pub height: usize,
    pub data: Vec<f32>,
}

impl Plane {
    pub fn new(width: usize, height: usize, fill: f32) -> Plane {
        Plane {
            width,
            height,
            data: vec![fill; width * height],
        }
    }

    pub fn at(&self, x: usize, y: usize) -> f32 {
        self.data[y * self.width + x]
    }

    /// Luma with ITU-R BT.601 weights (what OpenCV's RGB2GRAY uses).
    pub fn luma(rgb: &RgbImage) -> Plane {
        let data = rgb
            .pixels()
            .map(|p| 0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32)
            .collect();
        Plane {
            width: rgb.width() as usize,
            height: rgb.height() as usize,
            data,
        }
    }

    /// One colour channel (0 red, 1 green, 2 blue) of an RGB image.
    pub fn channel(rgb: &RgbImage, c: usize) -> Plane {
        let (w, h) = (rgb.width() as usize, rgb.height() as usize);
        Plane {
            width: w,
            height: h,
            data: rgb.pixels().map(|p| p[c] as f32).collect(),
        }
    }

    /// Mean value (brightness of a luma plane).
    pub fn mean(&self) -> f32 {
        if self.data.is_empty() {
            return 0.0;
        }
        (self.data.iter().map(|&v| v as f64).sum::<f64>() / self.data.len() as f64) as f32
    }

    /// Mirror left-right.
    pub fn flipped(&self) -> Plane {
        let mut out = self.clone();
        for row in out.data.chunks_mut(self.width) {
            row.reverse();
        }
        out
    }

    /// Bilinear sample at pixel-index coordinates (pixel centres at integers), edges replicated.
    pub fn sample(&self, x: f32, y: f32) -> f32 {
        let x = x.clamp(0.0, (self.width - 1) as f32);
        let y = y.clamp(0.0, (self.height - 1) as f32);
        let (x0, y0) = (x.floor() as usize, y.floor() as usize);
        let (x1, y1) = ((x0 + 1).min(self.width - 1), (y0 + 1).min(self.height - 1));
        let (fx, fy) = (x - x0 as f32, y - y0 as f32);
        let top = self.at(x0, y0) * (1.0 - fx) + self.at(x1, y0) * fx;
        let bottom = self.at(x0, y1) * (1.0 - fx) + self.at(x1, y1) * fx;
        top * (1.0 - fy) + bottom * fy
    }
}

/// The source taps of one output pixel along one axis.
struct Taps {
    start: usize,
    weights: Vec<f32>,
}

/// Area-average taps: output pixel `i` covers source interval `[i*s, (i+1)*s)`, `s = n_in/n_out`.
fn area_taps(n_in: usize, n_out: usize) -> Vec<Taps> {
    let s = n_in as f64 / n_out as f64;
    (0..n_out)
        .map(|i| {
            let (a, b) = (i as f64 * s, (i + 1) as f64 * s);
            let start = a.floor() as usize;
            let mut weights = Vec::new();
            let mut j = start;
            while j < n_in && (j as f64) < b {
                weights.push((b.min(j as f64 + 1.0) - a.max(j as f64)) as f32);
                j += 1;
            }
            let total: f32 = weights.iter().sum();
            weights.iter_mut().for_each(|w| *w /= total);
            Taps { start, weights }
        })
        .collect()
}

/// Bilinear taps with half-pixel centres and clamped edges (OpenCV INTER_LINEAR).
fn bilinear_taps(n_in: usize, n_out: usize) -> Vec<Taps> {
    let s = n_in as f64 / n_out as f64;
    (0..n_out)
        .map(|i| {
            let x = ((i as f64 + 0.5) * s - 0.5).clamp(0.0, (n_in - 1) as f64);
            let j = x.floor() as usize;
            let f = (x - j as f64) as f32;
            if j + 1 < n_in {
                Taps {
                    start: j,
                    weights: vec![1.0 - f, f],
                }
            } else {
                Taps {
                    start: j,
                    weights: vec![1.0],
                }
            }
        })
        .collect()
}

fn lanczos3(x: f64) -> f64 {
    if x == 0.0 {
        1.0
    } else if x.abs() < 3.0 {
        let px = std::f64::consts::PI * x;
        3.0 * px.sin() * (px / 3.0).sin() / (px * px)
    } else {
        0.0
    }
}

/// Lanczos-3 taps for shrinking: the kernel is stretched by the scale factor, so every
/// source pixel contributes (no aliasing); weights are normalised, edges clamped.
fn lanczos_taps(n_in: usize, n_out: usize) -> Vec<Taps> {
    let s = n_in as f64 / n_out as f64;
    let support = 3.0 * s;
    (0..n_out)
        .map(|i| {
            let centre = (i as f64 + 0.5) * s;
            let first = (centre - support).floor().max(0.0) as usize;
            let last = ((centre + support).ceil() as usize).min(n_in);
            let mut weights: Vec<f32> = (first..last)
                .map(|j| lanczos3((j as f64 + 0.5 - centre) / s) as f32)
                .collect();
            let total: f32 = weights.iter().sum();
            weights.iter_mut().for_each(|w| *w /= total);
            Taps {
                start: first,
                weights,
            }
        })
        .collect()
}

/// How an axis that shrinks is filtered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shrink {
    Area,
    Lanczos,
    Bilinear,
}

fn taps(n_in: usize, n_out: usize, shrink: Shrink) -> Vec<Taps> {
    match shrink {
        Shrink::Area if n_out < n_in => area_taps(n_in, n_out),
        Shrink::Lanczos if n_out < n_in => lanczos_taps(n_in, n_out),
        _ => bilinear_taps(n_in, n_out),
    }
}

fn resize_with(src: &Plane, width: usize, height: usize, shrink: Shrink) -> Plane {
    let x_taps = taps(src.width, width, shrink);
    let y_taps = taps(src.height, height, shrink);
    // Horizontal pass into a width x src.height buffer, then vertical.
    let mut rows = Plane::new(width, src.height, 0.0);
    for y in 0..src.height {
        let line = &src.data[y * src.width..(y + 1) * src.width];
        for (x, t) in x_taps.iter().enumerate() {
            rows.data[y * width + x] = t
                .weights
                .iter()
                .enumerate()
                .map(|(k, w)| line[t.start + k] * w)
                .sum();
        }
    }
    let mut out = Plane::new(width, height, 0.0);
    for (y, t) in y_taps.iter().enumerate() {
        let dst = &mut out.data[y * width..(y + 1) * width];
        for (k, w) in t.weights.iter().enumerate() {
            let line = &rows.data[(t.start + k) * width..(t.start + k + 1) * width];
            for (d, s) in dst.iter_mut().zip(line) {
                *d += s * w;
            }
        }
    }
    out
}

/// Resizes: area average along an axis that shrinks, bilinear along one that grows.
pub fn resize(src: &Plane, width: usize, height: usize) -> Plane {
    resize_with(src, width, height, Shrink::Area)
}

/// Resizes: Lanczos-3 along an axis that shrinks, bilinear along one that grows.
pub fn resize_lanczos(src: &Plane, width: usize, height: usize) -> Plane {
    resize_with(src, width, height, Shrink::Lanczos)
}

/// Bilinear resize in both directions (OpenCV INTER_LINEAR), as the emotion model's
/// training pipeline resized FER2013's 48x48 faces to 64x64.
pub fn resize_bilinear(src: &Plane, width: usize, height: usize) -> Plane {
    resize_with(src, width, height, Shrink::Bilinear)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(w: usize, h: usize) -> Plane {
        Plane {
            width: w,
            height: h,
            data: (0..w * h)
                .map(|i| (i % w) as f32 * 10.0 + (i / w) as f32)
                .collect(),
        }
    }

    #[test]
    fn halving_averages_pixel_pairs() {
        let src = ramp(4, 2);
        let out = resize(&src, 2, 1);
        // Columns 0,1 average to 5 (+0.5 row mean), columns 2,3 to 25 (+0.5).
        assert_eq!(out.data, vec![5.5, 25.5]);
    }

    #[test]
    fn bilinear_doubling_matches_opencv_half_pixel_rule() {
        let src = Plane {
            width: 2,
            height: 1,
            data: vec![0.0, 100.0],
        };
        let out = resize_bilinear(&src, 4, 1);
        // x = (i+0.5)/2 - 0.5 → -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        assert_eq!(out.data, vec![0.0, 25.0, 75.0, 100.0]);
    }

    #[test]
    fn same_size_is_identity_and_constant_stays_constant() {
        let src = ramp(5, 3);
        assert_eq!(resize(&src, 5, 3), src);
        let flat = Plane::new(7, 9, 42.0);
        for v in resize(&flat, 3, 4)
            .data
            .iter()
            .chain(resize(&flat, 20, 11).data.iter())
        {
            assert!((v - 42.0).abs() < 1e-4);
        }
    }

    #[test]
    fn non_integer_shrink_keeps_the_mean() {
        let src = ramp(7, 5);
        let out = resize(&src, 3, 2);
        assert!((out.mean() - src.mean()).abs() < 1e-3);
    }

    #[test]
    fn lanczos_keeps_flat_areas_flat_and_edges_sharper_than_area() {
        let flat = Plane::new(30, 30, 42.0);
        assert!(resize_lanczos(&flat, 10, 10)
            .data
            .iter()
            .all(|v| (v - 42.0).abs() < 1e-3));
        // A step edge shrunk 3:1 off the pixel grid: the Lanczos result rises more steeply.
        let step = Plane {
            width: 31,
            height: 1,
            data: (0..31).map(|i| if i < 16 { 0.0 } else { 100.0 }).collect(),
        };
        let a = resize(&step, 10, 1).data;
        let l = resize_lanczos(&step, 10, 1).data;
        assert!((l[5] - l[4]) > (a[5] - a[4]), "lanczos {l:?} area {a:?}");
    }

    #[test]
    fn sampling_replicates_edges() {
        let src = ramp(3, 3);
        assert_eq!(src.sample(-5.0, 0.0), 0.0);
        assert_eq!(src.sample(10.0, 2.0), 22.0);
        assert_eq!(src.sample(0.5, 0.0), 5.0);
    }
}
