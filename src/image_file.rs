//! Reading picture files (the `detect` and `eval` commands, the camera simulators) into RGB
//! images, with decoder limits so that a hostile file costs an error, not the process's
//! memory.

use std::path::{Path, PathBuf};

use image::{ImageReader, Limits, RgbImage};

/// Largest image accepted, in pixels a side; bigger is refused before decoding.
const MAX_SIDE: u32 = 8192;
/// Most memory the decoder may allocate.
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

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

/// Decodes a picture file into an RGB image.
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
    let mut reader = ImageReader::open(path)
        .map_err(open)?
        .with_guessed_format()
        .map_err(open)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| decode(e.to_string()))?;
    Ok(image.into_rgb8())
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
