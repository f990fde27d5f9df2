//! What the vision code reads from camera-like frames: several faces, none, tiny, rotated,
//! off-centre, non-square and dark frames, and the errors for bad images and bad models.

use std::path::{Path, PathBuf};

use moodbox::vision::model::ModelError;
use moodbox::vision::{EmotionClassifier, FaceDetector, FrameReading, VisionPipeline};
use moodbox_core::config::VisionConfig;
use moodbox_core::Emotion;
use moodbox_media::image_file::{load_rgb, ImageFileError};

fn pipeline() -> VisionPipeline {
    VisionPipeline::load(&VisionConfig::with_models_dir("models".into()))
        .expect("models/ holds both models")
}

fn read(name: &str) -> FrameReading {
    let frame = load_rgb(&Path::new("tests/fixtures/frames").join(name)).unwrap();
    pipeline().read_frame(&frame).unwrap()
}

fn emotions(r: &FrameReading) -> Vec<Emotion> {
    r.faces.iter().map(|f| f.probs.top().0).collect()
}

/// Every face box lies (mostly) inside the frame and its keypoints inside its box.
fn assert_geometry_sane(r: &FrameReading) {
    for f in &r.faces {
        let b = f.face.bbox;
        assert!(b.w > 10.0 && b.h > 10.0, "{b:?}");
        assert!(b.x > -b.w * 0.2 && b.y > -b.h * 0.2, "{b:?}");
        assert!(
            b.x + b.w < r.width as f32 + b.w * 0.2 && b.y + b.h < r.height as f32 + b.h * 0.2,
            "{b:?}"
        );
        for k in &f.face.keypoints[..4] {
            assert!(
                k.x > b.x && k.x < b.x + b.w && k.y > b.y && k.y < b.y + b.h,
                "{k:?} outside {b:?}"
            );
        }
    }
}

#[test]
fn one_face_per_emotion_frame_reads_as_that_emotion() {
    let mut vision = pipeline();
    for (name, want) in [
        ("happy.png", Emotion::Happy),
        ("sad.png", Emotion::Sad),
        ("angry.png", Emotion::Angry),
        ("surprise.png", Emotion::Surprise),
        ("neutral.png", Emotion::Neutral),
        ("fear.png", Emotion::Fear),
    ] {
        let frame = load_rgb(&Path::new("tests/fixtures/frames").join(name)).unwrap();
        let r = vision.read_frame(&frame).unwrap();
        assert_eq!(emotions(&r), vec![want], "{name}");
        assert!(!r.too_dark, "{name}");
        assert_geometry_sane(&r);
    }
}

#[test]
fn every_face_in_a_group_is_found() {
    let r = read("group.png");
    let mut found = emotions(&r);
    found.sort();
    assert_eq!(found, vec![Emotion::Happy, Emotion::Sad, Emotion::Surprise]);
    assert_geometry_sane(&r);
    // Left to right in the frame: happy (x≈40), surprise (x≈300), sad (x≈480).
    let mut by_x: Vec<_> = r
        .faces
        .iter()
        .map(|f| (f.face.bbox.x as i32, f.probs.top().0))
        .collect();
    by_x.sort_by_key(|(x, _)| *x);
    assert_eq!(
        by_x.iter().map(|(_, e)| *e).collect::<Vec<_>>(),
        vec![Emotion::Happy, Emotion::Surprise, Emotion::Sad]
    );
}

#[test]
fn a_frame_without_faces_has_none() {
    let r = read("noface.png");
    assert!(r.faces.is_empty());
    assert!(!r.too_dark);
}

#[test]
fn a_small_face_is_found_and_one_below_the_detector_range_is_not() {
    let tiny = read("tiny.png");
    assert_eq!(emotions(&tiny), vec![Emotion::Happy]);
    assert!(tiny.faces[0].face.bbox.w < 130.0);
    assert!(read("toosmall.png").faces.is_empty());
}

#[test]
fn a_rotated_face_is_levelled_and_still_read() {
    let r = read("rotated.png");
    assert_eq!(emotions(&r), vec![Emotion::Happy]);
    let roll = r.faces[0].face.roll().to_degrees();
    assert!(
        (roll - 30.0).abs() < 8.0,
        "eye line at {roll} degrees, face pasted at 30"
    );
}

#[test]
fn off_centre_and_non_square_frames_map_back_to_frame_pixels() {
    let corner = read("offcentre.png");
    assert_eq!(emotions(&corner), vec![Emotion::Sad]);
    assert!(corner.faces[0].face.bbox.x < 80.0 && corner.faces[0].face.bbox.y < 80.0);
    for (name, (w, h), want, centre) in [
        (
            "portrait.png",
            (360, 640),
            Emotion::Surprise,
            (180.0, 290.0),
        ),
        ("wide.png", (960, 320), Emotion::Angry, (750.0, 160.0)),
        (
            "small_frame.png",
            (160, 120),
            Emotion::Neutral,
            (81.0, 56.0),
        ),
    ] {
        let r = read(name);
        assert_eq!((r.width, r.height), (w, h), "{name}");
        assert_eq!(emotions(&r), vec![want], "{name}");
        assert_geometry_sane(&r);
        let c = r.faces[0].face.bbox.center();
        let tolerance = 0.12 * w.max(h) as f32;
        assert!(
            (c.x - centre.0).abs() < tolerance && (c.y - centre.1).abs() < tolerance,
            "{name}: centre {c:?}"
        );
    }
}

#[test]
fn a_dark_frame_is_flagged() {
    let r = read("dark.png");
    assert!(r.too_dark, "mean brightness {}", r.brightness);
    assert!(r.brightness < 30.0);
}

#[test]
fn corrupt_and_empty_images_are_errors_that_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.jpg");
    std::fs::write(&empty, b"").unwrap();
    let err = load_rgb(&empty).unwrap_err();
    assert!(matches!(err, ImageFileError::Empty { .. }));
    assert!(err.to_string().contains("empty.jpg") && err.to_string().contains("empty"));

    let png = std::fs::read("tests/fixtures/frames/happy.png").unwrap();
    let truncated = dir.path().join("truncated.png");
    std::fs::write(&truncated, &png[..png.len() / 3]).unwrap();
    assert!(matches!(
        load_rgb(&truncated),
        Err(ImageFileError::Decode { .. })
    ));

    let text = dir.path().join("notes.png");
    std::fs::write(&text, b"this is not an image at all").unwrap();
    let err = load_rgb(&text).unwrap_err();
    assert!(err.to_string().contains("notes.png"), "{err}");

    assert!(matches!(
        load_rgb(&dir.path().join("missing.png")),
        Err(ImageFileError::Open { .. })
    ));
}

#[test]
fn a_missing_model_is_an_error_naming_the_file() {
    let err = FaceDetector::load(Path::new("/nonexistent/face.tflite"), Default::default(), 1)
        .unwrap_err();
    assert!(matches!(err, ModelError::NotFound { .. }));
    let text = err.to_string();
    assert!(
        text.contains("/nonexistent/face.tflite") && text.contains("face detector"),
        "{text}"
    );

    let config = VisionConfig::with_models_dir(PathBuf::from("/nonexistent"));
    assert!(VisionPipeline::load(&config).is_err());
    assert!(config
        .check()
        .iter()
        .any(|p| p.key == "vision.detector_model"));
}

#[test]
fn a_model_of_the_wrong_shape_is_refused_at_load() {
    // The detector's file where the classifier is expected, and the other way round.
    let err = EmotionClassifier::load(Path::new("models/face_detection_short_range.tflite"), 1)
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, ModelError::WrongShape { .. }), "{text}");
    assert!(
        text.contains("[1, 64, 64, 1]") && text.contains("[1, 128, 128, 3]"),
        "{text}"
    );
    let err = FaceDetector::load(
        Path::new("models/emotion_mini_xception_int8.tflite"),
        Default::default(),
        1,
    )
    .unwrap_err();
    assert!(matches!(err, ModelError::WrongShape { .. }), "{err}");
}

#[test]
fn corrupt_model_files_are_refused_before_the_runtime_sees_them() {
    let dir = tempfile::tempdir().unwrap();
    let model = std::fs::read("models/emotion_mini_xception_int8.tflite").unwrap();
    for (name, bytes) in [
        ("empty.tflite", Vec::new()),
        (
            "text.tflite",
            b"not a model, just some text in a file".to_vec(),
        ),
        ("truncated.tflite", model[..model.len() / 2].to_vec()),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let err = EmotionClassifier::load(&path, 1).unwrap_err();
        assert!(matches!(err, ModelError::NotTflite { .. }), "{name}: {err}");
        assert!(err.to_string().contains(name));
    }
}
