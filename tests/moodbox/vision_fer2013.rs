//! Accuracy on the FER2013 test split (the acceptance figures). Needs the dataset:
//! set MOODBOX_FER2013 to the folder holding `test/<label>/*.jpg`; without it the test says
//! so and passes without measuring. CI sets it.

use std::path::PathBuf;

use moodbox::vision::eval::{evaluate, list_dataset, EvalMode};
use moodbox::vision::VisionPipeline;
use moodbox_core::config::VisionConfig;

const MIN_CROP_ACCURACY: f64 = 0.645;
const MIN_PIPELINE_ACCURACY: f64 = 0.63;
const MIN_FACES_FOUND: f64 = 0.99;

fn test_split() -> Option<PathBuf> {
    match std::env::var_os("MOODBOX_FER2013") {
        Some(dir) => Some(PathBuf::from(dir).join("test")),
        None => {
            eprintln!("SKIPPED: set MOODBOX_FER2013=<folder with test/<label>/*.jpg> to measure FER2013 accuracy");
            None
        }
    }
}

#[test]
fn fer2013_test_split_accuracy_as_crops_and_through_the_whole_pipeline() {
    let Some(dir) = test_split() else { return };
    let images = list_dataset(&dir, None).expect("FER2013 test split");
    assert_eq!(images.len(), 3589, "the PublicTest split has 3,589 images");
    let mut vision = VisionPipeline::load(&VisionConfig::with_models_dir("models".into())).unwrap();

    let crops = evaluate(&mut vision, &images, EvalMode::Crops, |_| {}).unwrap();
    let c = &crops.confusion;
    eprintln!(
        "FER2013 test, crops:    n {} accuracy {:.4} macro-F1 {:.4} ({:.1} images/s)",
        c.total(),
        c.accuracy(),
        c.macro_f1(),
        crops.images_per_second()
    );
    assert!(crops.unreadable.is_empty(), "{:?}", crops.unreadable);
    assert!(
        c.accuracy() >= MIN_CROP_ACCURACY,
        "crop accuracy {:.4}",
        c.accuracy()
    );

    let pipeline = evaluate(&mut vision, &images, EvalMode::Pipeline, |_| {}).unwrap();
    let p = &pipeline.confusion;
    eprintln!(
        "FER2013 test, pipeline: n {} accuracy {:.4} macro-F1 {:.4} faces found {:.4} ({:.1} images/s)",
        p.total(),
        p.accuracy(),
        p.macro_f1(),
        p.found_rate(),
        pipeline.images_per_second()
    );
    assert!(
        p.found_rate() >= MIN_FACES_FOUND,
        "faces found {:.4}",
        p.found_rate()
    );
    assert!(
        p.accuracy() >= MIN_PIPELINE_ACCURACY,
        "pipeline accuracy {:.4}",
        p.accuracy()
    );
}
