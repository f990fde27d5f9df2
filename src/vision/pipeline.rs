//! The detect → crop → classify path for one frame, as the daemon and `moodbox detect` run it.

use image::RgbImage;

use super::classifier::EmotionClassifier;
use super::crop::{face_crop, CropGeometry};
use super::detector::{Face, FaceDetector};
use super::model::ModelError;
use super::resample::Plane;
use moodbox_core::config::VisionConfig;
use moodbox_core::emotion::EmotionProbs;

/// One face and its emotion probabilities.
#[derive(Debug, Clone, PartialEq)]
pub struct FaceEmotion {
    pub face: Face,
    pub probs: EmotionProbs,
}

/// Everything read from one frame.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameReading {
    pub width: u32,
    pub height: u32,
    /// Mean luma, 0..255.
    pub brightness: f32,
    /// Below the configured minimum brightness.
    pub too_dark: bool,
    /// Every face found, best detector score first.
    pub faces: Vec<FaceEmotion>,
}

/// Both models plus the crop settings.
#[derive(Debug)]
pub struct VisionPipeline {
    pub detector: FaceDetector,
    pub classifier: EmotionClassifier,
    crop: CropGeometry,
    mirror_average: bool,
    min_brightness: f32,
}

impl VisionPipeline {
    pub fn load(config: &VisionConfig) -> Result<Self, ModelError> {
        Ok(VisionPipeline {
            detector: FaceDetector::load(
                &config.detector_path(),
                config.detector_options(),
                config.threads,
            )?,
            classifier: EmotionClassifier::load(&config.emotion_path(), config.threads)?,
            crop: config.crop_geometry(),
            mirror_average: config.mirror_average,
            min_brightness: config.min_brightness,
        })
    }

    /// Finds every face in the frame and reads its emotion.
    pub fn read_frame(&mut self, frame: &RgbImage) -> Result<FrameReading, ModelError> {
        let luma = Plane::luma(frame);
        let brightness = luma.mean();
        let mut faces = Vec::new();
        for face in self.detector.detect(frame)? {
            let probs = self.classify_face(&luma, &face)?;
            faces.push(FaceEmotion { face, probs });
        }
        Ok(FrameReading {
            width: frame.width(),
            height: frame.height(),
            brightness,
            too_dark: brightness < self.min_brightness,
            faces,
        })
    }

    /// Crops one detected face out of the frame's luma and classifies it.
    pub fn classify_face(&mut self, luma: &Plane, face: &Face) -> Result<EmotionProbs, ModelError> {
        self.classify_crop(&face_crop(luma, face, &self.crop))
    }

    /// Classifies a ready face crop (averaging with its mirror image when configured).
    pub fn classify_crop(&mut self, crop: &Plane) -> Result<EmotionProbs, ModelError> {
        let probs = self.classifier.classify(crop)?;
        if !self.mirror_average {
            return Ok(probs);
        }
        let mirrored = self.classifier.classify(&crop.flipped())?;
        let mut mean = [0.0f32; 7];
        for (i, m) in mean.iter_mut().enumerate() {
            *m = (probs.0[i] + mirrored.0[i]) / 2.0;
        }
        Ok(EmotionProbs(mean))
    }
}
