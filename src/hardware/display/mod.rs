//! Display: the UI drawn with embedded-graphics on any draw target, the SPI panel driver and a
//! PNG simulator, all behind one [`Display`] trait.
//!
//! The daemon fills a [`Screen`] (idle, scanning, the mood found, the song playing, an error)
//! and hands it to whichever [`Display`] [`open_display`] built from the `[display]` section
//! ([`DisplayConfig`]):
//!
//! - `st7789` / `ili9341`: a real panel through mipidsi over SPI (`/dev/spidevB.C`) with DC,
//!   reset and backlight on GPIO character-device lines ([`linux_panel`]);
//! - `png`: an in-memory framebuffer written to a PNG file after every screen ([`PngDisplay`]);
//! - `none`: nothing is shown.
//!
//! All of them draw through the same [`moodbox_core::ui::draw_screen`] into a
//! [`moodbox_core::ui::Framebuffer`]; the panel then
//! sends only the rectangle that changed since the last screen.
//!
//! # Troubleshooting
//!
//! - "no SPI device /dev/spidev0.0": SPI is off. Add `dtparam=spi=on` to
//!   `/boot/firmware/config.txt` (older systems: `/boot/config.txt`) or use
//!   `raspi-config` → Interface Options → SPI, then reboot. `ls /dev/spidev*` lists the buses.
//! - "permission denied": add the daemon's user to the `spi` and `gpio` groups
//!   (`sudo usermod -aG spi,gpio moodbox`) and restart it.
//! - "GPIO N is already used by ...": another driver (a panel overlay such as `fbtft`, a
//!   `gpio-poweroff` or `w1` overlay) or program holds the line; `gpioinfo` shows who.
//! - The backlight is on but the picture stays black or noisy: check DC and reset wiring, try a
//!   lower `spi_speed_hz` (16000000), and `spi_mode = 3` for modules without a CS pin.
//! - Colours are inverted or red and blue are swapped: set `invert_colors` / `color_order`.
//! - The picture is shifted or wraps around: the module needs `offset_x` / `offset_y`
//!   (in the controller's unrotated coordinates), or a different `rotation`.

#[cfg(feature = "spi-display")]
pub mod linux_panel;
mod null;
mod panel;
mod png;

use std::path::PathBuf;

use embedded_graphics::geometry::Size;

pub use self::null::NullDisplay;
pub use self::panel::{PanelSettings, SpiPanel};
pub use self::png::{write_png_atomically, PngDisplay};
use moodbox_core::config::{ConfigProblem, DisplayConfig, DisplayDriver};
use moodbox_core::screen::Screen;
use moodbox_core::ui::DrawnText;
pub use moodbox_core::ui::Light;

/// Something that shows the box's screens.
pub trait Display: Send {
    /// Draws `screen`, replacing whatever was shown, at the light last set.
    fn show(&mut self, screen: &Screen) -> Result<(), DisplayError>;
    /// How lit the screens shown from now on are (full at the start). A panel with a
    /// backlight line turns it off when dark; the next [`Display::show`] draws the rest.
    fn set_light(&mut self, light: Light) -> Result<(), DisplayError>;
    /// Turns the picture off (black, backlight off where there is one).
    fn blank(&mut self) -> Result<(), DisplayError>;
    /// The picture's size in pixels, as the UI lays it out.
    fn size(&self) -> Size;
}

/// Why a display could not be opened or drawn on.
#[derive(Debug, thiserror::Error)]
pub enum DisplayError {
    /// The `[display]` section has values that cannot work. Fix: change the keys it names.
    #[error("invalid [display] config: {}", join(.problems))]
    Config { problems: Vec<ConfigProblem> },

    /// The spidev node does not exist: SPI is disabled, or `spi_device` names the wrong bus or
    /// chip select. Fix: enable SPI and reboot, or correct `display.spi_device`.
    #[error(
        "no SPI device {}: enable SPI (add dtparam=spi=on to /boot/firmware/config.txt, or \
         raspi-config > Interface Options > SPI) and reboot; `ls /dev/spidev*` lists the buses \
         for display.spi_device",
        .device.display()
    )]
    SpiMissing { device: PathBuf },

    /// The user may not open the spidev node. Fix: add the user to the `spi` group.
    #[error(
        "permission denied opening {}: add the user to the spi group \
         (sudo usermod -aG spi $USER) and log in again",
        .device.display()
    )]
    SpiPermission { device: PathBuf },

    /// Opening the spidev node failed for another reason (named in the message).
    #[error("cannot open SPI device {}: {detail}", .device.display())]
    SpiOpen { device: PathBuf, detail: String },

    /// The node refused the SPI mode or clock: it is probably not an SPI device.
    /// Fix: point `display.spi_device` at /dev/spidevB.C, check `spi_mode` and `spi_speed_hz`.
    #[error(
        "cannot set SPI mode {mode} at {speed_hz} Hz on {}: {detail} (is display.spi_device an \
         SPI device?)",
        .device.display()
    )]
    SpiSetup {
        device: PathBuf,
        mode: u8,
        speed_hz: u32,
        detail: String,
    },

    /// The GPIO chip does not exist. Fix: correct `display.gpio_chip` (`gpiodetect` lists them).
    #[error(
        "no GPIO chip {}: set display.gpio_chip to one that `gpiodetect` lists \
         (/dev/gpiochip0 holds the header's GPIOs on Raspberry Pi OS)",
        .chip.display()
    )]
    GpioChipMissing { chip: PathBuf },

    /// The user may not open the GPIO chip. Fix: add the user to the `gpio` group.
    #[error(
        "permission denied opening {}: add the user to the gpio group \
         (sudo usermod -aG gpio $USER) and log in again",
        .chip.display()
    )]
    GpioPermission { chip: PathBuf },

    /// The GPIO chip could not be opened for another reason (named in the message).
    #[error("cannot open GPIO chip {}: {detail}", .chip.display())]
    GpioChip { chip: PathBuf, detail: String },

    /// The configured line number is beyond the chip's lines: a wrong pin number (header pin
    /// numbers are not GPIO numbers). Fix: use the BCM GPIO number.
    #[error(
        "display.{key} = {line}: {} has only lines 0..{lines}; use the BCM GPIO number, not the \
         header pin number (see hardware/display.md)",
        .chip.display()
    )]
    GpioLineMissing {
        key: &'static str,
        line: u32,
        chip: PathBuf,
        lines: u32,
    },

    /// Another driver or program holds the line. Fix: free it or wire the signal elsewhere.
    #[error(
        "display.{key} = {line}: GPIO {line} of {} is already used by {consumer:?}; wrong pin? \
         free it (`gpioinfo` shows who holds it) or wire the signal to another GPIO",
        .chip.display()
    )]
    GpioLineBusy {
        key: &'static str,
        line: u32,
        chip: PathBuf,
        consumer: String,
    },

    /// The line could not be made an output for another reason (named in the message).
    #[error("display.{key} = {line}: cannot drive GPIO {line} of {}: {detail}", .chip.display())]
    GpioLine {
        key: &'static str,
        line: u32,
        chip: PathBuf,
        detail: String,
    },

    /// The panel's start-up commands could not be sent. Fix: check the wiring.
    #[error("{panel} did not start: {detail}; check the wiring against hardware/display.md")]
    PanelInit { panel: String, detail: String },

    /// Sending a picture to the panel failed (SPI transfer or DC line).
    #[error("{panel}: sending the picture failed: {detail}")]
    PanelWrite { panel: String, detail: String },

    /// The PNG simulator could not write its file. Fix: make `display.png_path`'s folder
    /// writable or point it elsewhere.
    #[error("cannot write the screen to {}: {source}", .path.display())]
    PngWrite {
        path: PathBuf,
        source: std::io::Error,
    },

    /// This moodbox was built without the SPI panel drivers (cargo feature `spi-display`).
    /// Fix: set `[display] driver = "png"` or `"none"`, or install a build with them.
    #[error("this moodbox was built without SPI panel support: set [display] driver = \"png\" or \"none\"")]
    NotBuiltIn,

    /// Encoding the frame as PNG failed.
    #[error("cannot encode the screen for {}: {source}", .path.display())]
    PngEncode {
        path: PathBuf,
        source: image::ImageError,
    },
}

/// Logs what a screen says (debug level), e.g. `No camera | /dev/video0 is not answering`.
fn log_screen(screen: &Screen, texts: &[DrawnText]) {
    if tracing::enabled!(tracing::Level::DEBUG) {
        let said: Vec<String> = texts.iter().map(DrawnText::shown).collect();
        tracing::debug!(screen = %screen.name(), text = %said.join(" | "), "display: showing");
    }
}

fn join(problems: &[ConfigProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Builds the display that `config` names, after checking the config.
pub fn open_display(config: &DisplayConfig) -> Result<Box<dyn Display>, DisplayError> {
    let problems = config.check();
    if !problems.is_empty() {
        return Err(DisplayError::Config { problems });
    }
    match config.driver {
        DisplayDriver::Png => Ok(Box::new(PngDisplay::open(
            config.png_path.clone(),
            config.size(),
        )?)),
        DisplayDriver::None => Ok(Box::new(NullDisplay::new(config.size()))),
        #[cfg(feature = "spi-display")]
        DisplayDriver::St7789 | DisplayDriver::Ili9341 => linux_panel::open(config),
        #[cfg(not(feature = "spi-display"))]
        DisplayDriver::St7789 | DisplayDriver::Ili9341 => Err(DisplayError::NotBuiltIn),
    }
}
