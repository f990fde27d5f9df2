//! A scan of the faces in front of the box: the mood it read, or why there is none.

use crate::emotion::{Emotion, EmotionProbs};

/// The mood read from a scan.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanMood {
    /// Weighted mean of the faces' probabilities.
    pub probs: EmotionProbs,
    pub emotion: Emotion,
    pub confidence: f32,
    /// People in front of the box: the most faces found in any one frame.
    pub faces: usize,
    /// Face readings combined (every face in every frame).
    pub readings: usize,
    /// Frames that had at least one face.
    pub frames_with_faces: usize,
}

/// What a scan found.
#[derive(Debug, Clone, PartialEq)]
pub enum ScanOutcome {
    /// At least one face: the combined mood.
    Mood(ScanMood),
    /// Frames arrived but held no face; `too_dark` when most of them were too dark to tell.
    NoFace { too_dark: bool },
    /// The camera could not deliver frames.
    CameraFailed { device: String, error: String },
}
