//! Reading picture files (the `detect` and `eval` commands, the camera simulators) into RGB
//! images, with decoder limits so that a hostile file costs an error, not the process's
//! memory.

use std::path::{Path, PathBuf};

use image::{ImageFormat, ImageReader, Limits, RgbImage};

/// Largest image accepted, in pixels a side; bigger is refused before decoding.
const MAX_SIDE: u32 = 8192;
/// Largest image accepted, in pixels (a 4096x4096 picture): decoded and read, it stays well
/// inside the daemon's 300 MB memory limit. A camera frame is at most a few megapixels.
pub const MAX_PIXELS: u64 = 4096 * 4096;
/// Most memory the decoder may allocate.
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// Why an image could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ImageFileError {
    #[error("{path}: cannot open: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: the file is empty (0 bytes)")]
    Empty { path: PathBuf },
    #[error("{path}: not an image moodbox can read ({reason}); use PNG, JPEG, BMP or PNM")]
    Decode { path: PathBuf, reason: String },
    #[error("{path}: {width}x{height} pixels is larger than moodbox reads ({} megapixels at most); scale it down", MAX_PIXELS / 1_000_000)]
    TooLarge {
        path: PathBuf,
        width: u32,
        height: u32,
    },
}

/// Extensions of the picture files moodbox reads from a folder (case-insensitive).
pub const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "bmp", "pgm", "ppm", "pnm"];

/// Whether the file name ends in one of [`IMAGE_EXTENSIONS`].
pub fn has_image_extension(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        IMAGE_EXTENSIONS
            .iter()
            .any(|known| known.eq_ignore_ascii_case(e))
    })
}

/// Files as given; folders replaced by the image files anywhere under them, in name order
/// (hidden entries skipped).
pub fn image_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            collect_images(path, &mut found);
            found.sort();
            out.extend(found);
        } else {
            out.push(path.clone());
        }
    }
    out
}

fn collect_images(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect_images(&path, found),
            Ok(_) if path.is_file() && has_image_extension(&path) => found.push(path),
            _ => {}
        }
    }
}

/// Decodes a picture file into an RGB image. Its size is read from the header first: a file
/// that would decode to more than [`MAX_PIXELS`] is refused without decoding it. A JPEG cut
/// short is read as far as it goes, with a warning.
pub fn load_rgb(path: &Path) -> Result<RgbImage, ImageFileError> {
    let open = |source| ImageFileError::Open {
        path: path.to_path_buf(),
        source,
    };
    let decode = |reason: String| ImageFileError::Decode {
        path: path.to_path_buf(),
        reason,
    };
    let len = std::fs::metadata(path).map_err(open)?.len();
    if len == 0 {
        return Err(ImageFileError::Empty {
            path: path.to_path_buf(),
        });
    }
    let reader = || -> Result<ImageReader<_>, ImageFileError> {
        let mut reader = ImageReader::open(path)
            .map_err(open)?
            .with_guessed_format()
            .map_err(open)?;
        let mut limits = Limits::default();
        limits.max_image_width = Some(MAX_SIDE);
        limits.max_image_height = Some(MAX_SIDE);
        limits.max_alloc = Some(MAX_DECODE_BYTES);
        reader.limits(limits);
        Ok(reader)
    };
    let (width, height) = reader()?
        .into_dimensions()
        .map_err(|e| decode(e.to_string()))?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ImageFileError::TooLarge {
            path: path.to_path_buf(),
            width,
            height,
        });
    }
    let reader = reader()?;
    if reader.format() == Some(ImageFormat::Jpeg) && !ends_like_a_jpeg(path) {
        tracing::warn!(
            "{}: the JPEG is cut short (no end marker); the lower part of the picture is missing",
            path.display()
        );
    }
    let image = reader.decode().map_err(|e| decode(e.to_string()))?;
    Ok(image.into_rgb8())
}

/// Whether the file's last bytes (padding aside) are the JPEG end-of-image marker.
fn ends_like_a_jpeg(path: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut file) = std::fs::File::open(path) else {
        return true;
    };
    let mut tail = [0u8; 64];
    let len = file.seek(SeekFrom::End(0)).unwrap_or(0);
    let start = len.saturating_sub(tail.len() as u64);
    if file.seek(SeekFrom::Start(start)).is_err() {
        return true;
    }
    let n = file.read(&mut tail).unwrap_or(0);
    let tail = &tail[..n];
    let end = tail
        .iter()
        .rposition(|&b| b != 0 && b != 0xFF)
        .map_or(0, |i| i + 1);
    // Some encoders pad after the marker; look for FF D9 near the end.
    tail[..(end + 1).min(tail.len())]
        .windows(2)
        .any(|w| w == [0xFF, 0xD9])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_bombs_are_refused_by_the_limits() {
        // A PNG header claiming 100000 x 100000 pixels.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bomb.png");
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend_from_slice(&100_000u32.to_be_bytes());
        ihdr.extend_from_slice(&100_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(&ihdr);
        png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
        std::fs::write(&path, &png).unwrap();
        let err = load_rgb(&path).unwrap_err().to_string();
        assert!(
            err.to_lowercase().contains("limit") || err.contains("large"),
            "{err}"
        );
    }

    #[test]
    fn a_picture_over_the_pixel_budget_is_refused_before_decoding() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.png");
        image::RgbImage::new(4097, 4096).save(&path).unwrap();
        let err = load_rgb(&path).unwrap_err();
        assert!(
            matches!(err, ImageFileError::TooLarge { width: 4097, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("huge.png"), "{err}");
    }

    #[test]
    fn a_cut_jpeg_is_told_from_a_whole_one() {
        let dir = tempfile::tempdir().unwrap();
        let whole = dir.path().join("whole.jpg");
        image::RgbImage::from_pixel(64, 64, image::Rgb([200, 30, 40]))
            .save(&whole)
            .unwrap();
        assert!(ends_like_a_jpeg(&whole));
        let bytes = std::fs::read(&whole).unwrap();
        let cut = dir.path().join("cut.jpg");
        std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
        assert!(!ends_like_a_jpeg(&cut));
    }

    #[test]
    fn folders_are_walked_for_pictures_at_any_depth() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        std::fs::create_dir_all(dir.path().join(".hidden")).unwrap();
        for name in ["a/b/deep.png", "top.JPG", ".hidden/x.png", "notes.txt"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let found = image_files(&[dir.path().to_path_buf()]);
        let names: Vec<String> = found
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a/b/deep.png", "top.JPG"]);
        assert!(
            image_files(&[dir.path().join("a/empty-not-here")]).len() == 1,
            "a file path stays"
        );
    }

    #[test]
    fn extensions_are_matched_without_case() {
        assert!(has_image_extension(Path::new("a/B.PNG")));
        assert!(has_image_extension(Path::new("x.jpeg")));
        assert!(!has_image_extension(Path::new("notes.txt")));
        assert!(!has_image_extension(Path::new("png")));
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
