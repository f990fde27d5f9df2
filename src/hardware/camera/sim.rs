//! Camera simulators that read pictures: one image file, or a folder of images served in
//! name order (looping). They stand in for a webcam on a PC, in tests and in the demo.
//!
//! Files are decoded with [`image::Limits`], so a hostile or broken picture costs one frame,
//! not the daemon's memory. A missing file or a missing/empty folder is the same
//! [`CameraError::NoSuchDevice`] a missing webcam gives.

use std::path::{Path, PathBuf};

use tracing::warn;

use moodbox_media::image_file::{has_image_extension, load_rgb, IMAGE_EXTENSIONS};

use super::error::CameraError;
use super::frame::Frame;
use super::Camera;

/// Every frame is the same picture, read from disk at each capture (so it can be swapped
/// while the daemon runs).
pub struct ImageFileCamera {
    path: PathBuf,
    sequence: u64,
}

impl ImageFileCamera {
    /// Fails like a missing webcam when the file does not exist.
    pub fn open(path: &Path) -> Result<ImageFileCamera, CameraError> {
        let camera = ImageFileCamera {
            path: path.to_path_buf(),
            sequence: 0,
        };
        camera.check_present()?;
        Ok(camera)
    }

    fn device(&self) -> String {
        format!("image file {}", self.path.display())
    }

    fn check_present(&self) -> Result<(), CameraError> {
        if self.path.is_file() {
            Ok(())
        } else {
            Err(CameraError::NoSuchDevice {
                device: self.device(),
                detail: "the file does not exist (set [camera] path)".into(),
            })
        }
    }
}

impl Camera for ImageFileCamera {
    fn capture(&mut self, frames: usize) -> Result<Vec<Frame>, CameraError> {
        if frames == 0 {
            return Ok(Vec::new());
        }
        self.check_present()?;
        let image = load_rgb(&self.path).map_err(|e| CameraError::BadFrame {
            device: self.device(),
            detail: e.to_string(),
        })?;
        let out = (0..frames as u64)
            .map(|i| Frame::new(image.clone(), self.sequence + i))
            .collect();
        self.sequence += frames as u64;
        Ok(out)
    }

    fn describe(&self) -> String {
        self.device()
    }
}

/// Serves the pictures of a folder one per frame, in file-name order, starting over after
/// the last. The folder is listed again at each capture, so pictures can be added or removed
/// while the daemon runs. Pictures that fail to decode are skipped with a log line.
pub struct FolderCamera {
    dir: PathBuf,
    next: usize,
    sequence: u64,
}

impl FolderCamera {
    /// Fails like a missing webcam when the folder is missing or holds no pictures.
    pub fn open(dir: &Path) -> Result<FolderCamera, CameraError> {
        let camera = FolderCamera {
            dir: dir.to_path_buf(),
            next: 0,
            sequence: 0,
        };
        camera.list()?;
        Ok(camera)
    }

    fn device(&self) -> String {
        format!("image folder {}", self.dir.display())
    }

    /// The folder's pictures in name order.
    fn list(&self) -> Result<Vec<PathBuf>, CameraError> {
        let no_camera = |detail: String| CameraError::NoSuchDevice {
            device: self.device(),
            detail,
        };
        let entries = std::fs::read_dir(&self.dir)
            .map_err(|e| no_camera(format!("cannot read the folder: {e}")))?;
        let mut images: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && has_image_extension(p))
            .collect();
        images.sort();
        if images.is_empty() {
            return Err(no_camera(format!(
                "the folder holds no pictures ({})",
                IMAGE_EXTENSIONS.join(", ")
            )));
        }
        Ok(images)
    }
}

impl Camera for FolderCamera {
    fn capture(&mut self, frames: usize) -> Result<Vec<Frame>, CameraError> {
        if frames == 0 {
            return Ok(Vec::new());
        }
        let images = self.list()?;
        let mut out = Vec::with_capacity(frames);
        let mut failures_in_a_row = 0;
        while out.len() < frames {
            let path = &images[self.next % images.len()];
            self.next = (self.next + 1) % images.len();
            match load_rgb(path) {
                Ok(image) => {
                    failures_in_a_row = 0;
                    out.push(Frame::new(image, self.sequence));
                    self.sequence += 1;
                }
                Err(detail) => {
                    warn!(file = %path.display(), %detail, "skipping a picture that does not decode");
                    failures_in_a_row += 1;
                    if failures_in_a_row >= images.len() {
                        return Err(CameraError::BadFrame {
                            device: self.device(),
                            detail: format!(
                                "none of its {} pictures decodes; last: {detail}",
                                images.len()
                            ),
                        });
                    }
                }
            }
        }
        Ok(out)
    }

    fn describe(&self) -> String {
        match self.list() {
            Ok(images) => format!("{} ({} pictures)", self.device(), images.len()),
            Err(_) => format!("{} (no pictures)", self.device()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn write_png(path: &Path, colour: [u8; 3]) {
        RgbImage::from_pixel(8, 6, Rgb(colour)).save(path).unwrap();
    }

    #[test]
    fn image_file_serves_its_picture_every_frame() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("face.png");
        write_png(&path, [10, 200, 30]);
        let mut cam = ImageFileCamera::open(&path).unwrap();
        let frames = cam.capture(3).unwrap();
        assert_eq!(frames.len(), 3);
        assert!(frames
            .iter()
            .all(|f| f.rgb().get_pixel(0, 0).0 == [10, 200, 30]));
        assert_eq!(
            frames.iter().map(|f| f.sequence).collect::<Vec<_>>(),
            vec![0, 1, 2]
        );
        assert!(cam.capture(0).unwrap().is_empty());
    }

    #[test]
    fn a_missing_image_file_is_no_camera() {
        let err = ImageFileCamera::open(Path::new("/nonexistent/face.png"))
            .err()
            .unwrap();
        assert!(matches!(err, CameraError::NoSuchDevice { .. }), "{err:?}");
    }

    #[test]
    fn an_image_that_vanishes_later_is_no_camera_and_garbage_is_a_bad_frame() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("face.png");
        write_png(&path, [1, 2, 3]);
        let mut cam = ImageFileCamera::open(&path).unwrap();
        std::fs::write(&path, b"not a png").unwrap();
        assert!(matches!(cam.capture(1), Err(CameraError::BadFrame { .. })));
        std::fs::remove_file(&path).unwrap();
        assert!(matches!(
            cam.capture(1),
            Err(CameraError::NoSuchDevice { .. })
        ));
    }

    #[test]
    fn folder_serves_pictures_in_name_order_and_loops() {
        let dir = tempfile::tempdir().unwrap();
        write_png(&dir.path().join("b.png"), [0, 255, 0]);
        write_png(&dir.path().join("a.png"), [255, 0, 0]);
        write_png(&dir.path().join("c.PNG"), [0, 0, 255]);
        std::fs::write(dir.path().join("notes.txt"), b"ignored").unwrap();
        let mut cam = FolderCamera::open(dir.path()).unwrap();
        let colours: Vec<[u8; 3]> = cam
            .capture(4)
            .unwrap()
            .iter()
            .map(|f| f.rgb().get_pixel(0, 0).0)
            .collect();
        assert_eq!(
            colours,
            vec![[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 0, 0]]
        );
        let next = cam.capture(1).unwrap();
        assert_eq!(next[0].rgb().get_pixel(0, 0).0, [0, 255, 0]);
        assert_eq!(next[0].sequence, 4);
        assert!(cam.describe().contains("3 pictures"), "{}", cam.describe());
    }

    #[test]
    fn folder_skips_pictures_that_do_not_decode() {
        let dir = tempfile::tempdir().unwrap();
        write_png(&dir.path().join("a.png"), [9, 9, 9]);
        std::fs::write(dir.path().join("b.jpg"), b"\xFF\xD8 broken").unwrap();
        let mut cam = FolderCamera::open(dir.path()).unwrap();
        let frames = cam.capture(3).unwrap();
        assert!(frames
            .iter()
            .all(|f| f.rgb().get_pixel(0, 0).0 == [9, 9, 9]));
    }

    #[test]
    fn missing_or_empty_folders_are_no_camera_like_a_missing_webcam() {
        let err = FolderCamera::open(Path::new("/nonexistent/faces"))
            .err()
            .unwrap();
        assert!(
            matches!(err, CameraError::NoSuchDevice { .. }) && err.is_no_camera(),
            "{err:?}"
        );
        let dir = tempfile::tempdir().unwrap();
        let err = FolderCamera::open(dir.path()).err().unwrap();
        assert!(matches!(err, CameraError::NoSuchDevice { .. }), "{err:?}");
        assert!(err.to_string().contains("no pictures"), "{err}");
        let only_bad = tempfile::tempdir().unwrap();
        std::fs::write(only_bad.path().join("x.png"), b"junk").unwrap();
        let mut cam = FolderCamera::open(only_bad.path()).unwrap();
        assert!(matches!(cam.capture(2), Err(CameraError::BadFrame { .. })));
    }
}
