//! `moodbox bench vision`: median time of one face detector call, one emotion classifier
//! call, and the whole detect → crop → classify path on a 640x480 frame.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use image::imageops::FilterType;

use moodbox::vision::crop::FER_SIDE;
use moodbox::vision::resample::Plane;
use moodbox::vision::VisionPipeline;
use moodbox_core::config::vision::default_models_dir;
use moodbox_core::config::VisionConfig;
use moodbox_media::image_file::load_rgb;

const ITERATIONS: usize = 50;
/// Frames with a face to time the whole path on: the repository's fixture, or the copy the
/// Debian package installs.
const FRAME_CANDIDATES: &[&str] = &[
    "tests/fixtures/frames/happy.png",
    "/usr/share/moodbox/bench/frame.png",
];

pub fn run() -> anyhow::Result<()> {
    let config = VisionConfig::with_models_dir(default_models_dir());
    let mut vision = VisionPipeline::load(&config).context("cannot load the vision models")?;
    let (frame, source) = bench_frame()?;
    let crop = Plane::new(FER_SIDE, FER_SIDE, 128.0);
    let faces = vision.read_frame(&frame)?.faces.len();

    let detector = median_time(|| vision.detector.detect(&frame).map(|_| ()))?;
    let classifier = median_time(|| vision.classifier.classify(&crop).map(|_| ()))?;
    let whole = median_time(|| vision.read_frame(&frame).map(|_| ()))?;

    println!("vision ({ITERATIONS} runs each, median; frame {}x{} from {source}, {faces} face(s); models in {})",
        frame.width(), frame.height(), config.models_dir.display());
    println!(
        "  {:<50} {:>9}",
        "face detector call (letterbox + invoke + decode)",
        ms(detector)
    );
    println!(
        "  {:<50} {:>9}",
        "emotion classifier call (64x64 int8)",
        ms(classifier)
    );
    println!(
        "  {:<50} {:>9}",
        "detect + crop + classify, whole frame",
        ms(whole)
    );
    Ok(())
}

fn bench_frame() -> anyhow::Result<(image::RgbImage, String)> {
    for candidate in FRAME_CANDIDATES {
        let path = Path::new(candidate);
        if path.is_file() {
            let frame = load_rgb(path)?;
            let frame = if (frame.width(), frame.height()) == (640, 480) {
                frame
            } else {
                image::imageops::resize(&frame, 640, 480, FilterType::Triangle)
            };
            return Ok((frame, PathBuf::from(candidate).display().to_string()));
        }
    }
    Ok((
        image::RgbImage::from_pixel(640, 480, image::Rgb([110, 120, 130])),
        "a plain grey frame (no face fixture found)".into(),
    ))
}

fn median_time<E: std::error::Error + Send + Sync + 'static>(
    mut f: impl FnMut() -> Result<(), E>,
) -> anyhow::Result<Duration> {
    f()?; // warm-up
    let mut times = Vec::with_capacity(ITERATIONS);
    for _ in 0..ITERATIONS {
        let start = Instant::now();
        f()?;
        times.push(start.elapsed());
    }
    times.sort();
    Ok(times[ITERATIONS / 2])
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
