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

/// What a scan read and what the owner made of it: kept in the index, so `moodbox stats`
/// shows how often the camera is right in this house.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The emotion read; `None` when no face was seen.
    pub emotion: Option<Emotion>,
    pub confidence: f32,
    /// The mood the box offered for it (the policy's first; the chooser starts on it).
    pub offered: crate::mood::Mood,
    /// The owner was shown the moods to choose from.
    pub asked: bool,
    /// The mood the owner chose; `None` when the box went on with what it read (or, when
    /// asked, nobody chose).
    pub chosen: Option<crate::mood::Mood>,
}
