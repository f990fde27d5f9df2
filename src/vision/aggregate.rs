//! One mood from a whole scan: several frames, any number of faces in each.
//!
//! Every face counts. Each face's probabilities are weighted by its detector score times its
//! width as a fraction of the frame width, so a clear face near the box counts more than a
//! doubtful one far away, without one big face drowning out everyone else.

use super::pipeline::FrameReading;
use moodbox_core::emotion::EmotionProbs;
use moodbox_core::scan::ScanMood;

/// Combines the readings of a scan; `None` when no frame had a face.
pub fn aggregate(readings: &[FrameReading]) -> Option<ScanMood> {
    let mut sum = [0.0f64; 7];
    let mut total_weight = 0.0f64;
    let mut face_readings = 0;
    for reading in readings {
        for f in &reading.faces {
            let width_fraction = (f.face.bbox.w / reading.width.max(1) as f32).clamp(0.0, 1.0);
            let weight = (f.face.score * width_fraction) as f64;
            for (s, p) in sum.iter_mut().zip(f.probs.0) {
                *s += weight * p as f64;
            }
            total_weight += weight;
            face_readings += 1;
        }
    }
    if face_readings == 0 || total_weight <= 0.0 {
        return None;
    }
    let mut probs = [0.0f32; 7];
    for (p, s) in probs.iter_mut().zip(sum) {
        *p = (s / total_weight) as f32;
    }
    let probs = EmotionProbs(probs);
    let (emotion, confidence) = probs.top();
    Some(ScanMood {
        probs,
        emotion,
        confidence,
        faces: readings.iter().map(|r| r.faces.len()).max().unwrap_or(0),
        readings: face_readings,
        frames_with_faces: readings.iter().filter(|r| !r.faces.is_empty()).count(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vision::detector::{BoundingBox, Face, Point};
    use crate::vision::pipeline::FaceEmotion;
    use moodbox_core::emotion::Emotion;

    fn face(width: f32, score: f32, probs: [f32; 7]) -> FaceEmotion {
        FaceEmotion {
            face: Face {
                bbox: BoundingBox {
                    x: 0.0,
                    y: 0.0,
                    w: width,
                    h: width,
                },
                score,
                keypoints: [Point::default(); 6],
            },
            probs: EmotionProbs(probs),
        }
    }

    fn reading(faces: Vec<FaceEmotion>) -> FrameReading {
        FrameReading {
            width: 640,
            height: 480,
            brightness: 120.0,
            too_dark: false,
            faces,
        }
    }

    const HAPPY: [f32; 7] = [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0];
    const SAD: [f32; 7] = [0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0];

    #[test]
    fn no_faces_means_no_mood() {
        assert_eq!(aggregate(&[reading(vec![]), reading(vec![])]), None);
    }

    #[test]
    fn all_faces_in_all_frames_count_weighted_by_size_and_score() {
        let scan = [
            reading(vec![face(200.0, 0.9, HAPPY), face(100.0, 0.9, SAD)]),
            reading(vec![]),
            reading(vec![face(100.0, 0.9, SAD)]),
        ];
        let mood = aggregate(&scan).unwrap();
        assert_eq!(
            (mood.faces, mood.readings, mood.frames_with_faces),
            (2, 3, 2)
        );
        // Happy weighs 200, sad 100 + 100: a tie broken by label order is not wanted here,
        // so check the probabilities themselves.
        assert!((mood.probs.get(Emotion::Happy) - 0.5).abs() < 1e-6);
        assert!((mood.probs.get(Emotion::Sad) - 0.5).abs() < 1e-6);
        let confident = aggregate(&[reading(vec![
            face(200.0, 0.9, HAPPY),
            face(200.0, 0.3, SAD),
        ])])
        .unwrap();
        assert_eq!(confident.emotion, Emotion::Happy);
        assert!((confident.confidence - 0.75).abs() < 1e-6);
    }
}
