//! The `[vision]` section of the config file: where the models are and how faces are read.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::ConfigProblem;

/// Where the Debian package installs the models.
pub const INSTALLED_MODELS_DIR: &str = "/usr/share/moodbox/models";
pub const DETECTOR_FILE: &str = "face_detection_short_range.tflite";
pub const CLASSIFIER_FILE: &str = "emotion_mini_xception_int8.tflite";

/// How a crop is framed around a detected face.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CropGeometry {
    /// Crop side as a multiple of the detector box width.
    pub scale: f32,
    /// Offset of the crop centre from the box centre, in box heights along the face's own
    /// downward axis (negative: towards the forehead).
    pub shift_y: f32,
    /// Rotate the crop so the eyes are level.
    pub level: bool,
}

impl Default for CropGeometry {
    fn default() -> Self {
        CropGeometry {
            scale: 1.13,
            shift_y: -0.09,
            level: true,
        }
    }
}

/// Detector settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DetectorOptions {
    /// Minimum face score (MediaPipe uses 0.5).
    pub score_threshold: f32,
    /// Boxes overlapping more than this are merged (MediaPipe uses 0.3).
    pub nms_iou: f32,
}

impl Default for DetectorOptions {
    fn default() -> Self {
        DetectorOptions {
            score_threshold: 0.5,
            nms_iou: 0.3,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VisionConfig {
    /// Folder holding both model files.
    pub models_dir: PathBuf,
    /// Face detector file name inside `models_dir` (or an absolute path).
    pub detector_model: PathBuf,
    /// Emotion classifier file name inside `models_dir` (or an absolute path).
    pub emotion_model: PathBuf,
    /// Minimum face detector score, 0..1.
    pub score_threshold: f32,
    /// Overlap above which two detections are one face, 0..1.
    pub nms_iou: f32,
    /// Face crop side as a multiple of the detector's box width.
    pub crop_scale: f32,
    /// Crop centre offset from the box centre, in box heights (negative: up).
    pub crop_shift: f32,
    /// Rotate each face upright using its eyes before classifying.
    pub level_faces: bool,
    /// Also classify the mirrored face and average the two: the model learnt from mirrored
    /// faces too, and the average is more accurate (twice the classifier time).
    pub mirror_average: bool,
    /// Threads each model may use.
    pub threads: usize,
    /// Frames whose mean brightness (0..255) is below this are "too dark".
    pub min_brightness: f32,
}

impl Default for VisionConfig {
    fn default() -> Self {
        let crop = CropGeometry::default();
        let detector = DetectorOptions::default();
        VisionConfig {
            models_dir: PathBuf::from(INSTALLED_MODELS_DIR),
            detector_model: PathBuf::from(DETECTOR_FILE),
            emotion_model: PathBuf::from(CLASSIFIER_FILE),
            score_threshold: detector.score_threshold,
            nms_iou: detector.nms_iou,
            crop_scale: crop.scale,
            crop_shift: crop.shift_y,
            level_faces: crop.level,
            mirror_average: true,
            threads: 1,
            min_brightness: 30.0,
        }
    }
}

impl VisionConfig {
    /// Defaults, with the models found the way the command-line tools look for them.
    pub fn with_models_dir(models_dir: PathBuf) -> Self {
        VisionConfig {
            models_dir,
            ..Default::default()
        }
    }

    pub fn detector_path(&self) -> PathBuf {
        self.models_dir.join(&self.detector_model)
    }

    pub fn emotion_path(&self) -> PathBuf {
        self.models_dir.join(&self.emotion_model)
    }

    pub fn detector_options(&self) -> DetectorOptions {
        DetectorOptions {
            score_threshold: self.score_threshold,
            nms_iou: self.nms_iou,
        }
    }

    pub fn crop_geometry(&self) -> CropGeometry {
        CropGeometry {
            scale: self.crop_scale,
            shift_y: self.crop_shift,
            level: self.level_faces,
        }
    }

    /// Semantic checks: each problem names its key and what to write instead.
    pub fn check(&self) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        let mut problem = |key: &str, message: String| {
            problems.push(ConfigProblem::new(format!("vision.{key}"), message))
        };
        for (key, v) in [
            ("score_threshold", self.score_threshold),
            ("nms_iou", self.nms_iou),
        ] {
            if !(0.0..=1.0).contains(&v) {
                problem(key, format!("{v} is outside 0..1"));
            }
        }
        if !(0.5..=3.0).contains(&self.crop_scale) {
            problem(
                "crop_scale",
                format!("{} is outside 0.5..3 (default 1.13)", self.crop_scale),
            );
        }
        if !(-1.0..=1.0).contains(&self.crop_shift) {
            problem(
                "crop_shift",
                format!("{} is outside -1..1 (default -0.09)", self.crop_shift),
            );
        }
        if !(1..=16).contains(&self.threads) {
            problem("threads", format!("{} is outside 1..16", self.threads));
        }
        if !(0.0..=255.0).contains(&self.min_brightness) {
            problem(
                "min_brightness",
                format!("{} is outside 0..255", self.min_brightness),
            );
        }
        for (key, path) in [
            ("detector_model", self.detector_path()),
            ("emotion_model", self.emotion_path()),
        ] {
            if !path.is_file() {
                problem(
                    key,
                    format!(
                        "{} does not exist; set models_dir to the folder holding the .tflite files",
                        path.display()
                    ),
                );
            }
        }
        problems
    }
}

/// The models folder for command-line tools run without a config file: `$MOODBOX_MODELS`,
/// else `./models` when it holds the detector (a source checkout), else the installed folder.
pub fn default_models_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("MOODBOX_MODELS") {
        return PathBuf::from(dir);
    }
    let local = Path::new("models");
    if local.join(DETECTOR_FILE).is_file() {
        return local.to_path_buf();
    }
    PathBuf::from(INSTALLED_MODELS_DIR)
}
