//! Face crops for the emotion classifier.
//!
//! FER2013 faces are 48x48 grayscale crops framed by the dataset's own face registration:
//! measured on FER2013 train faces, that framing is on median 1.13 times as wide as
//! BlazeFace's box and centred 0.09 box heights above the box centre. The crop reproduces
//! that median framing, rotated so the eyes are level, sampled at (at least) the face's
//! native resolution and shrunk with a Lanczos filter to 48x48, the resolution the model
//! learnt from.

pub use moodbox_core::config::vision::CropGeometry;

use super::detector::Face;
use super::resample::{resize_lanczos, Plane};

/// Side of a FER2013 face, and of the crops moodbox hands the classifier.
pub const FER_SIDE: usize = 48;
/// The crop is sampled at no more than this many pixels a side before shrinking to 48.
const MAX_SAMPLE_SIDE: usize = 4 * FER_SIDE;

/// Cuts the face out of a luma plane: a `FER_SIDE` x `FER_SIDE` upright crop.
pub fn face_crop(luma: &Plane, face: &Face, geometry: &CropGeometry) -> Plane {
    let angle = if geometry.level { face.roll() } else { 0.0 };
    let (sin, cos) = angle.sin_cos();
    let b = face.bbox;
    let side = geometry.scale * b.w;
    let centre_x = b.x + b.w / 2.0 - sin * geometry.shift_y * b.h;
    let centre_y = b.y + b.h / 2.0 + cos * geometry.shift_y * b.h;
    let n = ((side + 0.5).floor() as usize).clamp(FER_SIDE, MAX_SAMPLE_SIDE);
    let mut patch = Plane::new(n, n, 0.0);
    for v in 0..n {
        let s = ((v as f32 + 0.5) / n as f32 - 0.5) * side;
        for u in 0..n {
            let t = ((u as f32 + 0.5) / n as f32 - 0.5) * side;
            let x = centre_x + t * cos - s * sin - 0.5;
            let y = centre_y + t * sin + s * cos - 0.5;
            patch.data[v * n + u] = luma.sample(x, y);
        }
    }
    resize_lanczos(&patch, FER_SIDE, FER_SIDE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vision::detector::{BoundingBox, Point};

    fn face_at(x: f32, y: f32, size: f32, roll_deg: f32) -> Face {
        let (s, c) = roll_deg.to_radians().sin_cos();
        let (cx, cy) = (x + size / 2.0, y + size / 2.0);
        let eye = |dx: f32| Point {
            x: cx + dx * c,
            y: cy + dx * s,
        };
        Face {
            bbox: BoundingBox {
                x,
                y,
                w: size,
                h: size,
            },
            score: 0.9,
            keypoints: [
                eye(-size / 4.0),
                eye(size / 4.0),
                eye(0.0),
                eye(0.0),
                eye(-size / 2.0),
                eye(size / 2.0),
            ],
        }
    }

    /// A plane whose left half is dark and right half bright.
    fn split(w: usize, h: usize) -> Plane {
        Plane {
            width: w,
            height: h,
            data: (0..w * h)
                .map(|i| if i % w < w / 2 { 0.0 } else { 200.0 })
                .collect(),
        }
    }

    #[test]
    fn crop_is_fer_sized_and_keeps_left_and_right() {
        let img = split(200, 100);
        let crop = face_crop(
            &img,
            &face_at(60.0, 10.0, 80.0, 0.0),
            &CropGeometry::default(),
        );
        assert_eq!((crop.width, crop.height), (FER_SIDE, FER_SIDE));
        assert!(crop.at(2, 24) < 10.0 && crop.at(45, 24) > 190.0);
    }

    #[test]
    fn a_rolled_face_is_levelled() {
        // A face lying on its side, eyes one above the other (right eye on top): its forehead
        // points to the image's right, so once levelled the bright right half is at the top.
        let img = split(200, 200);
        let face = face_at(60.0, 60.0, 80.0, 90.0);
        let level = face_crop(&img, &face, &CropGeometry::default());
        let unlevelled = face_crop(
            &img,
            &face,
            &CropGeometry {
                level: false,
                ..Default::default()
            },
        );
        assert!(
            level.at(24, 2) > 190.0 && level.at(24, 45) < 10.0,
            "{:?}",
            &level.data[..48]
        );
        assert!(unlevelled.at(2, 24) < 10.0 && unlevelled.at(45, 24) > 190.0);
    }

    #[test]
    fn faces_at_the_frame_edge_replicate_the_border() {
        let img = Plane::new(50, 50, 77.0);
        let crop = face_crop(
            &img,
            &face_at(-20.0, -20.0, 40.0, 0.0),
            &CropGeometry::default(),
        );
        assert!(crop.data.iter().all(|v| (v - 77.0).abs() < 1e-3));
    }
}
