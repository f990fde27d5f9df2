//! `FaceDetector`: MediaPipe BlazeFace (short range) on TF Lite.
//!
//! Any frame size goes in: the frame is letterboxed into the model's 128x128 input (aspect
//! ratio kept, the border left at the model's zero), the 896 anchor predictions are decoded,
//! those scoring at least the threshold are merged by weighted non-maximum suppression, and
//! every face comes out with its box, score and six keypoints in frame pixels.

use std::path::Path;

use image::RgbImage;

pub use moodbox_core::config::vision::DetectorOptions;

use super::model::{ModelError, ModelSpec, TfliteModel};
use super::resample::{resize, Plane};

/// Side of the square model input.
pub const INPUT_SIZE: usize = 128;
const NUM_ANCHORS: usize = 896;
const VALUES_PER_ANCHOR: usize = 16;

pub const DETECTOR_SPEC: ModelSpec = ModelSpec {
    role: "face detector",
    inputs: &[&[1, INPUT_SIZE, INPUT_SIZE, 3]],
    outputs: &[&[1, NUM_ANCHORS, VALUES_PER_ANCHOR], &[1, NUM_ANCHORS, 1]],
};

/// A point in frame pixels.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

/// An axis-aligned box in frame pixels: top-left corner, width and height.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct BoundingBox {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl BoundingBox {
    pub fn center(&self) -> Point {
        Point {
            x: self.x + self.w / 2.0,
            y: self.y + self.h / 2.0,
        }
    }

    pub fn area(&self) -> f32 {
        self.w.max(0.0) * self.h.max(0.0)
    }

    pub fn iou(&self, other: &BoundingBox) -> f32 {
        let iw = ((self.x + self.w).min(other.x + other.w) - self.x.max(other.x)).max(0.0);
        let ih = ((self.y + self.h).min(other.y + other.h) - self.y.max(other.y)).max(0.0);
        let inter = iw * ih;
        let union = self.area() + other.area() - inter;
        if union > 0.0 {
            inter / union
        } else {
            0.0
        }
    }
}

/// The six BlazeFace keypoints, in model order. "Right"/"left" are the person's own sides, so
/// on an upright face the right eye is on the image's left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keypoint {
    RightEye = 0,
    LeftEye = 1,
    NoseTip = 2,
    Mouth = 3,
    RightEar = 4,
    LeftEar = 5,
}

/// One detected face.
#[derive(Debug, Clone, PartialEq)]
pub struct Face {
    pub bbox: BoundingBox,
    /// Detector confidence in 0..=1.
    pub score: f32,
    pub keypoints: [Point; 6],
}

impl Face {
    pub fn keypoint(&self, k: Keypoint) -> Point {
        self.keypoints[k as usize]
    }

    /// Angle of the line from the right eye to the left eye, in radians (0 when upright).
    pub fn roll(&self) -> f32 {
        let (r, l) = (
            self.keypoint(Keypoint::RightEye),
            self.keypoint(Keypoint::LeftEye),
        );
        (l.y - r.y).atan2(l.x - r.x)
    }
}

/// BlazeFace short-range face detector.
#[derive(Debug)]
pub struct FaceDetector {
    model: TfliteModel,
    anchors: Vec<Point>,
    options: DetectorOptions,
}

impl FaceDetector {
    pub fn load(path: &Path, options: DetectorOptions, threads: usize) -> Result<Self, ModelError> {
        Ok(FaceDetector {
            model: TfliteModel::load(path, DETECTOR_SPEC, threads)?,
            anchors: anchors(),
            options,
        })
    }

    pub fn options(&self) -> DetectorOptions {
        self.options
    }

    /// Finds every face in `frame`, best score first.
    pub fn detect(&mut self, frame: &RgbImage) -> Result<Vec<Face>, ModelError> {
        if frame.width() == 0 || frame.height() == 0 {
            return Ok(Vec::new());
        }
        let letterbox = Letterbox::new(frame.width() as usize, frame.height() as usize);
        letterbox.fill_input(frame, self.model.input_mut(0));
        self.model.invoke()?;
        let candidates = self.decode(self.model.output(0), self.model.output(1));
        let mut faces: Vec<Face> = weighted_nms(candidates, self.options.nms_iou)
            .into_iter()
            .map(|c| letterbox.face_in_frame(&c))
            .collect();
        faces.sort_by(|a, b| b.score.total_cmp(&a.score));
        Ok(faces)
    }

    /// Decodes the anchors that score at least the threshold, in model-input units (0..1).
    fn decode(&self, regressors: &[f32], logits: &[f32]) -> Vec<Candidate> {
        let scale = INPUT_SIZE as f32;
        let mut out = Vec::new();
        for (i, anchor) in self.anchors.iter().enumerate() {
            let score = sigmoid(logits[i].clamp(-100.0, 100.0));
            if score < self.options.score_threshold {
                continue;
            }
            let r = &regressors[i * VALUES_PER_ANCHOR..(i + 1) * VALUES_PER_ANCHOR];
            let mut values = [0.0f32; VALUES_PER_ANCHOR];
            values[0] = r[0] / scale + anchor.x;
            values[1] = r[1] / scale + anchor.y;
            values[2] = r[2] / scale;
            values[3] = r[3] / scale;
            for k in 0..6 {
                values[4 + 2 * k] = r[4 + 2 * k] / scale + anchor.x;
                values[5 + 2 * k] = r[5 + 2 * k] / scale + anchor.y;
            }
            out.push(Candidate { score, values });
        }
        out
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// BlazeFace's SSD anchors for a 128x128 input: a 16x16 grid with 2 anchors per cell
/// (stride 8), then an 8x8 grid with 6 per cell (three stride-16 layers merged); centres at
/// ((x + 0.5) / grid, (y + 0.5) / grid), all of unit size.
fn anchors() -> Vec<Point> {
    let mut out = Vec::with_capacity(NUM_ANCHORS);
    for (grid, per_cell) in [(16usize, 2usize), (8, 6)] {
        for y in 0..grid {
            for x in 0..grid {
                let centre = Point {
                    x: (x as f32 + 0.5) / grid as f32,
                    y: (y as f32 + 0.5) / grid as f32,
                };
                out.extend(std::iter::repeat_n(centre, per_cell));
            }
        }
    }
    out
}

/// A decoded prediction: score and (cx, cy, w, h, six keypoints) in model-input units.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    score: f32,
    values: [f32; VALUES_PER_ANCHOR],
}

impl Candidate {
    fn bbox(&self) -> BoundingBox {
        let v = &self.values;
        BoundingBox {
            x: v[0] - v[2] / 2.0,
            y: v[1] - v[3] / 2.0,
            w: v[2],
            h: v[3],
        }
    }
}

/// MediaPipe's weighted NMS: take the best remaining candidate, merge every candidate
/// overlapping it by more than `iou` into a score-weighted average (keeping the best score),
/// repeat.
fn weighted_nms(mut candidates: Vec<Candidate>, iou: f32) -> Vec<Candidate> {
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut merged = Vec::new();
    while let Some(top) = candidates.first().copied() {
        let top_box = top.bbox();
        let (group, rest): (Vec<Candidate>, Vec<Candidate>) = candidates
            .into_iter()
            .partition(|c| top_box.iou(&c.bbox()) > iou);
        let total: f32 = group.iter().map(|c| c.score).sum();
        let mut values = [0.0f32; VALUES_PER_ANCHOR];
        for c in &group {
            for (v, cv) in values.iter_mut().zip(c.values) {
                *v += cv * c.score / total;
            }
        }
        merged.push(Candidate {
            score: top.score,
            values,
        });
        candidates = rest;
    }
    merged
}

/// Where a frame sits inside the 128x128 model input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Letterbox {
    /// Size of the scaled frame inside the input.
    pub width: usize,
    pub height: usize,
    /// Offset of the scaled frame inside the input.
    pub pad_x: usize,
    pub pad_y: usize,
    /// Frame pixels per input pixel.
    pub scale_x: f32,
    pub scale_y: f32,
}

impl Letterbox {
    pub fn new(frame_width: usize, frame_height: usize) -> Letterbox {
        let s = INPUT_SIZE as f64 / frame_width.max(frame_height) as f64;
        let width = ((frame_width as f64 * s + 0.5).floor() as usize).clamp(1, INPUT_SIZE);
        let height = ((frame_height as f64 * s + 0.5).floor() as usize).clamp(1, INPUT_SIZE);
        Letterbox {
            width,
            height,
            pad_x: (INPUT_SIZE - width) / 2,
            pad_y: (INPUT_SIZE - height) / 2,
            scale_x: frame_width as f32 / width as f32,
            scale_y: frame_height as f32 / height as f32,
        }
    }

    /// Writes the letterboxed frame, scaled to [-1, 1], into the model input.
    fn fill_input(&self, frame: &RgbImage, input: &mut [f32]) {
        input.fill(0.0);
        // One channel at a time: a full-size float plane is 4 bytes a pixel, and a 16-megapixel
        // picture's three at once would take the daemon past its memory limit.
        for c in 0..3 {
            let plane = resize(&Plane::channel(frame, c), self.width, self.height);
            for y in 0..self.height {
                for x in 0..self.width {
                    let dst = ((y + self.pad_y) * INPUT_SIZE + x + self.pad_x) * 3;
                    input[dst + c] = plane.at(x, y) / 127.5 - 1.0;
                }
            }
        }
    }

    /// Maps a point in model-input units (0..1) to frame pixels.
    pub fn to_frame(&self, x: f32, y: f32) -> Point {
        Point {
            x: (x * INPUT_SIZE as f32 - self.pad_x as f32) * self.scale_x,
            y: (y * INPUT_SIZE as f32 - self.pad_y as f32) * self.scale_y,
        }
    }

    fn face_in_frame(&self, c: &Candidate) -> Face {
        let v = &c.values;
        let top_left = self.to_frame(v[0] - v[2] / 2.0, v[1] - v[3] / 2.0);
        let bottom_right = self.to_frame(v[0] + v[2] / 2.0, v[1] + v[3] / 2.0);
        let mut keypoints = [Point::default(); 6];
        for (k, p) in keypoints.iter_mut().enumerate() {
            *p = self.to_frame(v[4 + 2 * k], v[5 + 2 * k]);
        }
        Face {
            bbox: BoundingBox {
                x: top_left.x,
                y: top_left.y,
                w: bottom_right.x - top_left.x,
                h: bottom_right.y - top_left.y,
            },
            score: c.score,
            keypoints,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_follow_the_blazeface_layout() {
        let a = anchors();
        assert_eq!(a.len(), NUM_ANCHORS);
        assert_eq!(
            a[0],
            Point {
                x: 0.5 / 16.0,
                y: 0.5 / 16.0
            }
        );
        assert_eq!(a[1], a[0]);
        assert_eq!(a[2].x, 1.5 / 16.0);
        assert_eq!(
            a[511],
            Point {
                x: 15.5 / 16.0,
                y: 15.5 / 16.0
            }
        );
        assert_eq!(
            a[512],
            Point {
                x: 0.5 / 8.0,
                y: 0.5 / 8.0
            }
        );
        assert_eq!(a[517], a[512]);
        assert_eq!(a[518].x, 1.5 / 8.0);
    }

    #[test]
    fn letterbox_centres_a_wide_frame_and_maps_back() {
        let lb = Letterbox::new(640, 480);
        assert_eq!((lb.width, lb.height, lb.pad_x, lb.pad_y), (128, 96, 0, 16));
        let p = lb.to_frame(0.5, 0.5);
        assert!((p.x - 320.0).abs() < 1e-3 && (p.y - 240.0).abs() < 1e-3);
        let tall = Letterbox::new(480, 640);
        assert_eq!(
            (tall.width, tall.height, tall.pad_x, tall.pad_y),
            (96, 128, 16, 0)
        );
    }

    fn candidate(score: f32, cx: f32, cy: f32, size: f32) -> Candidate {
        let mut values = [0.0; VALUES_PER_ANCHOR];
        values[0] = cx;
        values[1] = cy;
        values[2] = size;
        values[3] = size;
        Candidate { score, values }
    }

    #[test]
    fn weighted_nms_merges_overlaps_and_keeps_separate_faces() {
        let merged = weighted_nms(
            vec![
                candidate(0.6, 0.52, 0.5, 0.2),
                candidate(0.9, 0.5, 0.5, 0.2),
                candidate(0.8, 0.1, 0.1, 0.1),
            ],
            0.3,
        );
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].score, 0.9);
        let expected_cx = (0.9 * 0.5 + 0.6 * 0.52) / 1.5;
        assert!((merged[0].values[0] - expected_cx).abs() < 1e-6);
        assert!((merged[1].values[0] - 0.1).abs() < 1e-6);
    }

    #[test]
    fn iou_of_disjoint_and_identical_boxes() {
        let a = BoundingBox {
            x: 0.0,
            y: 0.0,
            w: 2.0,
            h: 2.0,
        };
        let b = BoundingBox {
            x: 1.0,
            y: 1.0,
            w: 2.0,
            h: 2.0,
        };
        assert_eq!(a.iou(&a), 1.0);
        assert!((a.iou(&b) - 1.0 / 7.0).abs() < 1e-6);
        assert_eq!(a.iou(&BoundingBox { x: 5.0, ..a }), 0.0);
    }
}
