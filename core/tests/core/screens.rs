//! Golden images: every screen drawn at 240x240 and 320x240, and the sleeping screen dimmed
//! and dark, must match the PNG committed under tests/golden/display/ pixel for pixel.
//!
//! After a deliberate change to the UI, look at the new pictures and regenerate them with
//! `MOODBOX_UPDATE_GOLDEN=1 cargo test -p moodbox-core --test core screens`. On a mismatch the picture
//! actually drawn is written under the target folder for comparison.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use embedded_graphics::geometry::Size;
use moodbox_core::screen::gallery;
use moodbox_core::screen::Screen;
use moodbox_core::ui::{draw_lit, Framebuffer, Light};

use crate::test_fonts::{titles, use_test_fonts};

const SIZES: [Size; 2] = [Size::new(240, 240), Size::new(320, 240)];

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/display")
}

fn updating() -> bool {
    std::env::var("MOODBOX_UPDATE_GOLDEN").is_ok_and(|v| v == "1")
}

/// One golden picture: a screen at a light.
struct Picture {
    name: String,
    screen: Screen,
    light: Light,
}

/// Every screen at full light, then the sleeping states: the idle and the now-playing
/// screens dimmed to 0.3 (the default `dim_level`), and the dark screen; then the
/// now-playing screen with a title in each script family (core/tests/fonts/titles.tsv).
fn pictures() -> Vec<Picture> {
    let mut all: Vec<Picture> = gallery()
        .into_iter()
        .map(|screen| Picture {
            name: screen.name(),
            screen,
            light: Light::Full,
        })
        .collect();
    let now_playing = all
        .iter()
        .find(|p| p.name == "now-playing")
        .map(|p| p.screen.clone())
        .expect("the gallery has a now-playing screen");
    for (name, screen, light) in [
        ("idle-dim", Screen::Idle, Light::Dim(0.3)),
        ("now-playing-dim", now_playing, Light::Dim(0.3)),
        ("dark", Screen::Idle, Light::Dark),
    ] {
        all.push(Picture {
            name: name.into(),
            screen,
            light,
        });
    }
    for title in titles() {
        all.push(Picture {
            name: format!("title-{}", title.name),
            screen: Screen::NowPlaying {
                title: title.title,
                file: "01 track".into(),
                artist: title.artist,
                language: title.language,
                mood: "calm".into(),
                for_emotion: moodbox_core::emotion::Emotion::Neutral,
                elapsed: std::time::Duration::from_secs(42),
                total: Some(std::time::Duration::from_secs(241)),
            },
            light: Light::Full,
        });
    }
    all
}

fn file_name(picture: &Picture, size: Size) -> String {
    format!("{}_{}x{}.png", picture.name, size.width, size.height)
}

fn render(picture: &Picture, size: Size) -> Framebuffer {
    use_test_fonts();
    let mut frame = Framebuffer::new(size);
    draw_lit(&mut frame, &picture.screen, picture.light);
    frame
}

/// Pixels that differ between `frame` and the PNG at `path`, or why the PNG is unusable.
fn differences(frame: &Framebuffer, path: &Path) -> Result<usize, String> {
    let golden = image::open(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .to_rgb8();
    if golden.dimensions() != (frame.width(), frame.height()) {
        return Err(format!(
            "{} is {:?}, the screen is {}x{}",
            path.display(),
            golden.dimensions(),
            frame.width(),
            frame.height()
        ));
    }
    let drawn = frame.to_rgb8();
    Ok(golden
        .as_raw()
        .chunks_exact(3)
        .zip(drawn.chunks_exact(3))
        .filter(|(a, b)| a != b)
        .count())
}

fn save_png(path: &Path, frame: &Framebuffer) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    image::RgbImage::from_raw(frame.width(), frame.height(), frame.to_rgb8())
        .expect("a whole frame")
        .save(path)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

#[test]
fn every_screen_matches_its_golden_image_at_both_panel_sizes() {
    let dir = golden_dir();
    let actual_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("display-golden");
    let mut failures = Vec::new();
    for size in SIZES {
        for picture in pictures() {
            let frame = render(&picture, size);
            let name = file_name(&picture, size);
            let path = dir.join(&name);
            if updating() {
                save_png(&path, &frame);
                continue;
            }
            match differences(&frame, &path) {
                Ok(0) => {}
                Ok(count) => {
                    let actual = actual_dir.join(&name);
                    save_png(&actual, &frame);
                    failures.push(format!(
                        "{name}: {count} pixels differ; drawn now: {}",
                        actual.display()
                    ));
                }
                Err(why) => failures.push(format!("{name}: {why}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "golden images differ (if the change is intended, look at the pictures and rerun with \
         MOODBOX_UPDATE_GOLDEN=1):\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_golden_folder_holds_exactly_one_image_per_screen_and_size() {
    if updating() {
        return; // the other test is writing them
    }
    let expected: BTreeSet<String> = SIZES
        .iter()
        .flat_map(|&size| pictures().into_iter().map(move |p| file_name(&p, size)))
        .collect();
    let present: BTreeSet<String> = std::fs::read_dir(golden_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".png"))
        .collect();
    assert_eq!(present, expected);
    // 7 moods + idle + scanning + now playing + 2 choosers + 7 errors, 3 sleeping
    // pictures and a title in each script family, at two sizes.
    assert_eq!(expected.len(), 2 * (22 + titles().len()));
}

#[test]
fn every_screen_looks_different() {
    for size in SIZES {
        let frames: Vec<(String, Vec<u8>)> = pictures()
            .iter()
            .map(|p| (p.name.clone(), render(p, size).to_rgb8()))
            .collect();
        for (i, (name, frame)) in frames.iter().enumerate() {
            for (other, other_frame) in &frames[i + 1..] {
                assert_ne!(
                    frame, other_frame,
                    "{name} and {other} look the same at {size:?}"
                );
            }
        }
    }
}
