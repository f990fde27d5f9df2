//! Evaluation on a labelled face dataset laid out like FER2013 (`DIR/<label>/*.jpg`).
//!
//! Two modes: each image classified as a ready crop (the model's own accuracy), or each face
//! pasted into a larger camera-like canvas and run through detector + crop + classifier as
//! the device does (a face the detector misses counts as wrong).

use std::path::{Path, PathBuf};
use std::time::Instant;

use image::{Rgb, RgbImage};

use super::metrics::Confusion;
use super::model::ModelError;
use super::pipeline::VisionPipeline;
use super::resample::{resize_bilinear, Plane};
use moodbox_core::emotion::Emotion;
use moodbox_media::image_file::load_rgb;

/// Canvas the pipeline mode pastes each face into (a 4:3 frame) and the face's side on it
/// (60 % of the height, well inside the short-range detector's working range).
pub const CANVAS_WIDTH: u32 = 320;
pub const CANVAS_HEIGHT: u32 = 240;
pub const CANVAS_FACE_SIDE: u32 = 144;
const CANVAS_GREY: u8 = 128;

#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error("{path}: cannot read the dataset folder: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: no images found; expected one folder per label (angry, disgust, fear, happy, sad, surprise, neutral)")]
    Empty { path: PathBuf },
}

/// An image and its true label.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledImage {
    pub path: PathBuf,
    pub label: Emotion,
}

/// Lists `dir/<label>/*` for the seven labels, sorted. With a limit, picks that many evenly
/// spaced across the sorted list, so every label keeps its share.
pub fn list_dataset(dir: &Path, limit: Option<usize>) -> Result<Vec<LabelledImage>, DatasetError> {
    let mut all = Vec::new();
    for label in Emotion::ALL {
        let folder = dir.join(label.as_str());
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => {
                return Err(DatasetError::Unreadable {
                    path: folder,
                    source,
                })
            }
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        all.extend(files.into_iter().map(|path| LabelledImage { path, label }));
    }
    if all.is_empty() {
        return Err(DatasetError::Empty {
            path: dir.to_path_buf(),
        });
    }
    Ok(match limit {
        Some(n) if n < all.len() => (0..n).map(|i| all[i * all.len() / n].clone()).collect(),
        _ => all,
    })
}

/// How each image is presented to the vision code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvalMode {
    /// Classify the image as a ready face crop.
    Crops,
    /// Paste into a canvas and run detector + crop + classifier.
    Pipeline,
}

/// The outcome of an evaluation run.
#[derive(Debug, Clone)]
pub struct EvalReport {
    pub confusion: Confusion,
    pub seconds: f64,
    /// Files that could not be decoded (not counted in the metrics).
    pub unreadable: Vec<String>,
}

impl EvalReport {
    pub fn images_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.confusion.total() as f64 / self.seconds
        } else {
            0.0
        }
    }
}

/// Runs every image through the vision code; `progress(done)` is called after each.
pub fn evaluate(
    vision: &mut VisionPipeline,
    images: &[LabelledImage],
    mode: EvalMode,
    mut progress: impl FnMut(usize),
) -> Result<EvalReport, ModelError> {
    let start = Instant::now();
    let mut confusion = Confusion::default();
    let mut unreadable = Vec::new();
    for (i, item) in images.iter().enumerate() {
        let frame = match load_rgb(&item.path) {
            Ok(frame) => frame,
            Err(e) => {
                unreadable.push(e.to_string());
                continue;
            }
        };
        let predicted = match mode {
            EvalMode::Crops => Some(vision.classify_crop(&Plane::luma(&frame))?.top().0),
            EvalMode::Pipeline => {
                let reading = vision.read_frame(&paste_on_canvas(&Plane::luma(&frame), i))?;
                reading.faces.first().map(|f| f.probs.top().0)
            }
        };
        confusion.add(item.label, predicted);
        progress(i + 1);
    }
    Ok(EvalReport {
        confusion,
        seconds: start.elapsed().as_secs_f64(),
        unreadable,
    })
}

/// A camera-like frame: the face enlarged to `CANVAS_FACE_SIDE` on a grey canvas, placed off
/// centre by an amount that varies with `index` (up to ±30 px across, ±20 px down).
pub fn paste_on_canvas(face: &Plane, index: usize) -> RgbImage {
    let side = CANVAS_FACE_SIDE as usize;
    let big = resize_bilinear(face, side, side);
    let x0 = (CANVAS_WIDTH - CANVAS_FACE_SIDE) as i64 / 2 + (index as i64 * 37) % 61 - 30;
    let y0 = (CANVAS_HEIGHT - CANVAS_FACE_SIDE) as i64 / 2 + (index as i64 * 53) % 41 - 20;
    let mut canvas = RgbImage::from_pixel(CANVAS_WIDTH, CANVAS_HEIGHT, Rgb([CANVAS_GREY; 3]));
    for y in 0..side {
        for x in 0..side {
            let v = big.at(x, y).round().clamp(0.0, 255.0) as u8;
            canvas.put_pixel((x0 + x as i64) as u32, (y0 + y as i64) as u32, Rgb([v; 3]));
        }
    }
    canvas
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_spreads_over_labels() {
        let dir = tempfile::tempdir().unwrap();
        for label in ["happy", "sad"] {
            std::fs::create_dir(dir.path().join(label)).unwrap();
            for i in 0..10 {
                std::fs::write(dir.path().join(label).join(format!("{i}.jpg")), b"x").unwrap();
            }
        }
        let all = list_dataset(dir.path(), None).unwrap();
        assert_eq!(all.len(), 20);
        let some = list_dataset(dir.path(), Some(4)).unwrap();
        let happy = some.iter().filter(|i| i.label == Emotion::Happy).count();
        assert_eq!((some.len(), happy), (4, 2));
        assert!(matches!(
            list_dataset(&dir.path().join("nope"), None),
            Err(DatasetError::Empty { .. })
        ));
    }

    #[test]
    fn canvas_holds_the_face_inside_the_frame_for_any_index() {
        let face = Plane::new(48, 48, 10.0);
        for index in 0..200 {
            let canvas = paste_on_canvas(&face, index);
            let dark = canvas.pixels().filter(|p| p[0] == 10).count();
            assert_eq!(dark, (CANVAS_FACE_SIDE * CANVAS_FACE_SIDE) as usize);
        }
    }
}
