//! The PNG simulator: it writes a valid PNG of the configured size after every screen, the
//! picture is exactly what the UI drew, and the file is replaced atomically so a reader never
//! sees half a picture.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use embedded_graphics::prelude::*;
use moodbox::hardware::display::Display;
use moodbox::hardware::display::{open_display, DisplayError, PngDisplay};
use moodbox_core::config::DisplayConfig;
use moodbox_core::config::DisplayDriver;
use moodbox_core::screen::gallery;
use moodbox_core::screen::Screen;
use moodbox_core::ui::draw_screen;
use moodbox_core::ui::Framebuffer;
use moodbox_core::Emotion;

fn png_config(path: &Path, width: u32, height: u32) -> DisplayConfig {
    DisplayConfig {
        driver: DisplayDriver::Png,
        width,
        height,
        png_path: path.to_path_buf(),
        ..DisplayConfig::default()
    }
}

fn read_png(path: &Path) -> image::RgbImage {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(
        &bytes[..8],
        b"\x89PNG\r\n\x1a\n",
        "{} is not a PNG",
        path.display()
    );
    image::load_from_memory_with_format(&bytes, image::ImageFormat::Png)
        .unwrap()
        .to_rgb8()
}

#[test]
fn each_screen_is_written_as_a_png_of_the_configured_size() {
    let dir = tempfile::tempdir().unwrap();
    for (width, height) in [(240, 240), (320, 240), (480, 320)] {
        let path = dir
            .path()
            .join(format!("screens/{width}x{height}/display.png"));
        let mut display = open_display(&png_config(&path, width, height)).unwrap();
        assert_eq!(display.size(), Size::new(width, height));
        // Opening writes a black picture, so the path is known to work.
        let blank = read_png(&path);
        assert_eq!(blank.dimensions(), (width, height));
        assert!(blank.pixels().all(|p| p.0 == [0, 0, 0]));

        for screen in gallery() {
            display.show(&screen).unwrap();
            let written = read_png(&path);
            assert_eq!(written.dimensions(), (width, height));
            let mut expected = Framebuffer::new(Size::new(width, height));
            draw_screen(&mut expected, &screen).unwrap();
            assert_eq!(written.as_raw(), &expected.to_rgb8(), "{}", screen.name());
        }
        display.blank().unwrap();
        assert!(read_png(&path).pixels().all(|p| p.0 == [0, 0, 0]));
    }
}

#[test]
fn no_temporary_files_are_left_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("display.png");
    let mut display = PngDisplay::open(path.clone(), Size::new(240, 240)).unwrap();
    for step in 0..20 {
        display.show(&Screen::Scanning { step }).unwrap();
    }
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["display.png"]);
    assert_eq!(display.path(), path);
}

#[test]
fn a_new_picture_replaces_the_file_instead_of_overwriting_it() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("display.png");
    let mut display = PngDisplay::open(path.clone(), Size::new(240, 240)).unwrap();
    display.show(&Screen::Idle).unwrap();
    let idle = std::fs::read(&path).unwrap();
    // A reader that opened the file before the next screen keeps reading the whole old
    // picture: the new one arrives as a new file renamed over the name.
    let mut opened_before = std::fs::File::open(&path).unwrap();
    display.show(&Screen::Scanning { step: 3 }).unwrap();
    let mut old = Vec::new();
    opened_before.read_to_end(&mut old).unwrap();
    assert_eq!(old, idle);
    assert_ne!(std::fs::read(&path).unwrap(), idle);
}

#[test]
fn a_reader_never_sees_half_a_picture() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("display.png");
    let mut display = PngDisplay::open(path.clone(), Size::new(320, 240)).unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (path, done) = (path.clone(), done.clone());
        std::thread::spawn(move || {
            let mut reads = 0;
            while !done.load(Ordering::Relaxed) {
                let bytes = std::fs::read(&path).expect("the file is always there");
                let picture = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png)
                    .expect("every read decodes as a whole PNG");
                assert_eq!((picture.width(), picture.height()), (320, 240));
                reads += 1;
            }
            reads
        })
    };
    let screens = gallery();
    for i in 0..300 {
        display.show(&screens[i % screens.len()]).unwrap();
    }
    done.store(true, Ordering::Relaxed);
    let reads = reader.join().unwrap();
    assert!(reads > 0);
}

#[test]
fn an_unwritable_path_is_reported_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, b"x").unwrap();
    let path = file.join("display.png");
    let err = match open_display(&png_config(&path, 240, 240)) {
        Err(err) => err,
        Ok(_) => panic!("a path below a regular file cannot be written"),
    };
    assert!(matches!(err, DisplayError::PngWrite { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
}

#[test]
fn the_simulator_keeps_the_last_picture_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut display = PngDisplay::open(dir.path().join("d.png"), Size::new(240, 240)).unwrap();
    let happy = Screen::Mood {
        emotion: Emotion::Happy,
        confidence: 0.9,
        faces: 1,
    };
    display.show(&happy).unwrap();
    let mut expected = Framebuffer::new(Size::new(240, 240));
    draw_screen(&mut expected, &happy).unwrap();
    assert_eq!(display.frame(), &expected);
}
