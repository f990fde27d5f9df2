//! The camera simulators as the daemon builds them: from a `[camera]` section.

use std::path::Path;

use image::{Rgb, RgbImage};
use moodbox::hardware::camera::{open_camera, CameraError, BARS};
use moodbox_core::config::CameraConfig;
use moodbox_core::config::CameraDriver;

fn config(driver: CameraDriver, path: Option<&Path>) -> CameraConfig {
    CameraConfig {
        driver,
        path: path.map(Path::to_path_buf),
        ..CameraConfig::default()
    }
}

#[test]
fn a_folder_of_faces_is_served_in_order_as_rgb_and_gray() {
    let dir = tempfile::tempdir().unwrap();
    for (name, shade) in [("01.png", 40u8), ("02.jpg", 120), ("03.bmp", 200)] {
        RgbImage::from_pixel(48, 48, Rgb([shade, shade, shade]))
            .save(dir.path().join(name))
            .unwrap();
    }
    let text = format!("driver = \"folder\"\npath = {:?}\n", dir.path());
    let config: CameraConfig = toml::from_str(&text).unwrap();
    assert!(config.check().is_empty(), "{:?}", config.check());
    let mut camera = open_camera(&config).unwrap();
    let frames = camera.capture(4).unwrap();
    let shades: Vec<u8> = frames
        .iter()
        .map(|f| f.gray().get_pixel(24, 24)[0])
        .collect();
    // JPEG is lossy; the others are exact.
    assert_eq!(shades[0], 40);
    assert!(shades[1].abs_diff(120) <= 2, "{shades:?}");
    assert_eq!(shades[2], 200);
    assert_eq!(shades[3], 40, "loops back to the first picture");
    assert!(
        camera.describe().contains("3 pictures"),
        "{}",
        camera.describe()
    );
}

#[test]
#[cfg(feature = "v4l2")]
fn a_missing_or_empty_folder_is_the_same_no_camera_error_as_a_missing_webcam() {
    use moodbox_core::config::DeviceRef;
    let webcam = CameraConfig {
        device: DeviceRef::Path("/dev/video-moodbox-absent".into()),
        ..CameraConfig::default()
    };
    let webcam_err = open_camera(&webcam).err().expect("no such webcam");
    let missing = open_camera(&config(
        CameraDriver::Folder,
        Some(Path::new("/nonexistent/faces")),
    ))
    .err()
    .expect("no such folder");
    let empty_dir = tempfile::tempdir().unwrap();
    let empty = open_camera(&config(CameraDriver::Folder, Some(empty_dir.path())))
        .err()
        .expect("empty folder");
    for err in [&webcam_err, &missing, &empty] {
        assert!(matches!(err, CameraError::NoSuchDevice { .. }), "{err:?}");
        assert!(err.is_no_camera());
        assert!(err.to_string().starts_with("no camera at "), "{err}");
    }
}

#[test]
fn a_folder_emptied_while_running_reports_no_camera_on_the_next_capture() {
    let dir = tempfile::tempdir().unwrap();
    let picture = dir.path().join("face.png");
    RgbImage::from_pixel(8, 8, Rgb([1, 2, 3]))
        .save(&picture)
        .unwrap();
    let mut camera = open_camera(&config(CameraDriver::Folder, Some(dir.path()))).unwrap();
    assert_eq!(camera.capture(1).unwrap().len(), 1);
    std::fs::remove_file(&picture).unwrap();
    assert!(matches!(
        camera.capture(1),
        Err(CameraError::NoSuchDevice { .. })
    ));
}

#[test]
fn the_image_driver_needs_a_path_and_serves_it() {
    let problems = config(CameraDriver::Image, None).check();
    assert!(
        problems.iter().any(|p| p.key == "camera.path"),
        "{problems:?}"
    );
    assert!(open_camera(&config(CameraDriver::Image, None)).is_err());
    let dir = tempfile::tempdir().unwrap();
    let picture = dir.path().join("me.png");
    RgbImage::from_pixel(20, 10, Rgb([250, 5, 5]))
        .save(&picture)
        .unwrap();
    let mut camera = open_camera(&config(CameraDriver::Image, Some(&picture))).unwrap();
    let frames = camera.capture(2).unwrap();
    assert_eq!(frames.len(), 2);
    assert_eq!(frames[1].rgb().dimensions(), (20, 10));
    assert_eq!(frames[1].rgb().get_pixel(3, 3).0, [250, 5, 5]);
}

#[test]
fn the_pattern_driver_needs_nothing_and_has_the_configured_size() {
    let cfg = CameraConfig {
        driver: CameraDriver::Pattern,
        width: 320,
        height: 240,
        ..CameraConfig::default()
    };
    let mut camera = open_camera(&cfg).unwrap();
    let frame = camera.capture(1).unwrap().remove(0);
    assert_eq!(frame.rgb().dimensions(), (320, 240));
    assert_eq!(frame.rgb().get_pixel(5, 5).0, BARS[0]);
    assert_eq!(camera.describe(), "test pattern 320x240");
}
