//! Reading still images (the `detect`/`eval` commands, fixtures, the camera simulators'
//! files) into RGB frames, with decoder limits so that a hostile file costs an error, not
//! the process's memory.

use std::path::{Path, PathBuf};

use image::{ImageReader, Limits, RgbImage};

/// Largest image accepted, in pixels a side; bigger is refused before decoding.
const MAX_SIDE: u32 = 8192;
/// Most memory the decoder may allocate.
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

/// Why an image could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
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

/// Image file extensions `detect` picks up from a folder.
pub const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "bmp", "pgm", "ppm", "pnm"];

/// Decodes an image file into an RGB frame.
pub fn load_frame(path: &Path) -> Result<RgbImage, FrameError> {
    let open = |source| FrameError::Open {
        path: path.to_path_buf(),
        source,
    };
    let decode = |reason: String| FrameError::Decode {
        path: path.to_path_buf(),
        reason,
    };
    let len = std::fs::metadata(path).map_err(open)?.len();
    if len == 0 {
        return Err(FrameError::Empty {
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
