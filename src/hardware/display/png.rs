//! The display simulator: screens are drawn into an in-memory framebuffer and written to a PNG
//! file after each one, so the whole UI runs (and can be looked at) on any PC.
//!
//! Each file is written next to its final name and renamed over it, so a program watching the
//! file never reads half a picture.
//!
//! # Troubleshooting
//!
//! - "cannot write the screen to ...": the folder of `display.png_path` is not writable by
//!   the daemon's user (under systemd only the state directory is); point it there.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use embedded_graphics::pixelcolor::Rgb565;
use embedded_graphics::prelude::*;

use super::{log_screen, Display, DisplayError};
use moodbox_core::screen::Screen;
use moodbox_core::ui::{draw_lit, Framebuffer, Light};

/// Shows screens by writing them to a PNG file.
pub struct PngDisplay {
    path: PathBuf,
    frame: Framebuffer,
    /// A dimmed screen is drawn in dimmed colours, a dark one black.
    light: Light,
}

impl PngDisplay {
    /// A `size` display writing to `path`; creates the folder and writes a black frame, so a
    /// path that cannot be written is reported now rather than at the first screen.
    pub fn open(path: PathBuf, size: Size) -> Result<Self, DisplayError> {
        let mut display = PngDisplay {
            path,
            frame: Framebuffer::new(size),
            light: Light::Full,
        };
        if let Some(folder) = display.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(folder).map_err(|source| DisplayError::PngWrite {
                path: display.path.clone(),
                source,
            })?;
        }
        display.blank()?;
        Ok(display)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The picture last shown.
    pub fn frame(&self) -> &Framebuffer {
        &self.frame
    }

    fn save(&self) -> Result<(), DisplayError> {
        write_png_atomically(&self.path, &self.frame)
    }
}

impl Display for PngDisplay {
    fn show(&mut self, screen: &Screen) -> Result<(), DisplayError> {
        let texts = draw_lit(&mut self.frame, screen, self.light);
        log_screen(screen, &texts);
        self.save()
    }

    fn set_light(&mut self, light: Light) -> Result<(), DisplayError> {
        self.light = light;
        Ok(())
    }

    fn blank(&mut self) -> Result<(), DisplayError> {
        match self.frame.clear(Rgb565::BLACK) {
            Ok(()) => {}
            Err(never) => match never {},
        }
        self.save()
    }

    fn size(&self) -> Size {
        self.frame.size()
    }
}

/// Writes `frame` as a PNG to a temporary file beside `path`, then renames it over `path`.
pub fn write_png_atomically(path: &Path, frame: &Framebuffer) -> Result<(), DisplayError> {
    let write_error = |source| DisplayError::PngWrite {
        path: path.to_path_buf(),
        source,
    };
    let file_name = path.file_name().ok_or_else(|| {
        write_error(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the path names no file",
        ))
    })?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(file_name);
    temp_name.push(format!(".{}.tmp", std::process::id()));
    let temp = path.with_file_name(temp_name);
    let result = write_png_file(&temp, frame, path)
        .and_then(|()| fs::rename(&temp, path).map_err(write_error));
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

fn write_png_file(temp: &Path, frame: &Framebuffer, path: &Path) -> Result<(), DisplayError> {
    let write_error = |source| DisplayError::PngWrite {
        path: path.to_path_buf(),
        source,
    };
    let file = fs::File::create(temp).map_err(write_error)?;
    let mut out = BufWriter::new(file);
    encode_png(frame, &mut out).map_err(|source| DisplayError::PngEncode {
        path: path.to_path_buf(),
        source,
    })?;
    out.flush().map_err(write_error)
}

/// Encodes `frame` as an 8-bit RGB PNG into `out`.
pub fn encode_png(frame: &Framebuffer, out: impl Write) -> Result<(), image::ImageError> {
    use image::ImageEncoder;
    image::codecs::png::PngEncoder::new(out).write_image(
        &frame.to_rgb8(),
        frame.width(),
        frame.height(),
        image::ExtendedColorType::Rgb8,
    )
}
