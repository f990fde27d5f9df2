//! The `[display]` section of the config file: which driver draws the screens, the panel's
//! size and orientation, and (for the SPI panels) the SPI device and GPIO lines it is wired to.
//!
//! Parsing is strict (`deny_unknown_fields`, documented defaults); [`DisplayConfig::check`]
//! then finds values that parse but cannot work (a size the controller cannot hold, a rotation
//! that is not a multiple of 90, the same GPIO used twice) before any device is touched.

use std::fmt;
use std::path::PathBuf;

use embedded_graphics::geometry::Size;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::config::ConfigProblem;

/// How far the picture is turned, clockwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotation {
    Deg0,
    Deg90,
    Deg180,
    Deg270,
}

/// Which back-end shows the screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DisplayDriver {
    /// Sitronix ST7789 SPI panel (240x240 and 320x240 modules).
    St7789,
    /// Ilitek ILI9341 SPI panel (320x240 modules).
    Ili9341,
    /// No panel: each screen is written to a PNG file (`png_path`).
    Png,
    /// No display at all: screens are dropped.
    None,
}

impl DisplayDriver {
    /// The name as the config file spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            DisplayDriver::St7789 => "st7789",
            DisplayDriver::Ili9341 => "ili9341",
            DisplayDriver::Png => "png",
            DisplayDriver::None => "none",
        }
    }

    /// True for the drivers that talk to a real panel over SPI.
    pub fn is_spi_panel(self) -> bool {
        matches!(self, DisplayDriver::St7789 | DisplayDriver::Ili9341)
    }

    /// The controller's frame memory in its native (portrait) orientation, width x height.
    pub fn frame_memory(self) -> Option<(u32, u32)> {
        match self {
            DisplayDriver::St7789 | DisplayDriver::Ili9341 => Some((240, 320)),
            DisplayDriver::Png | DisplayDriver::None => None,
        }
    }

    /// Whether the panel's colours are inverted unless the config says otherwise: the usual
    /// ST7789 modules need colour inversion on, the usual ILI9341 modules need it off.
    pub fn default_invert_colors(self) -> bool {
        matches!(self, DisplayDriver::St7789)
    }

    /// The usual subpixel order of the modules sold with this controller.
    pub fn default_color_order(self) -> ColorOrder {
        match self {
            DisplayDriver::Ili9341 => ColorOrder::Bgr,
            _ => ColorOrder::Rgb,
        }
    }
}

impl fmt::Display for DisplayDriver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Subpixel order of the panel (swap it if red and blue come out exchanged).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorOrder {
    Rgb,
    Bgr,
}

/// A GPIO line that may be left unconnected: a line offset (the BCM GPIO number on a
/// Raspberry Pi's `/dev/gpiochip0`) or the word `"none"` in the config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OptionalLine(pub Option<u32>);

impl Serialize for OptionalLine {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(line) => serializer.serialize_u32(line),
            None => serializer.serialize_str("none"),
        }
    }
}

impl<'de> Deserialize<'de> for OptionalLine {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LineVisitor;
        impl serde::de::Visitor<'_> for LineVisitor {
            type Value = OptionalLine;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a GPIO line number (BCM numbering, e.g. 24) or \"none\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<OptionalLine, E> {
                u32::try_from(v)
                    .map(|line| OptionalLine(Some(line)))
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(v), &self))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<OptionalLine, E> {
                u32::try_from(v)
                    .map(|line| OptionalLine(Some(line)))
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<OptionalLine, E> {
                if v.eq_ignore_ascii_case("none") {
                    Ok(OptionalLine(None))
                } else {
                    Err(E::invalid_value(serde::de::Unexpected::Str(v), &self))
                }
            }
        }
        deserializer.deserialize_any(LineVisitor)
    }
}

/// `[display]`: what shows the screens and how the panel is wired.
///
/// Defaults describe the tested ST7789 240x240 module on SPI0 CE0 with DC on GPIO 25,
/// reset on GPIO 27 and the backlight on GPIO 24 (see `hardware/display.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DisplayConfig {
    /// "st7789", "ili9341", "png" (a file per screen, no hardware) or "none".
    pub driver: DisplayDriver,
    /// Width of the picture as you look at it, after rotation (pixels).
    pub width: u32,
    /// Height of the picture as you look at it, after rotation (pixels).
    pub height: u32,
    /// Clockwise rotation of the picture: 0, 90, 180 or 270 degrees.
    pub rotation: u16,
    /// Mirror the picture left to right (some modules are mounted flipped).
    pub mirror: bool,
    /// Where the visible area starts in the controller's frame memory, in the controller's
    /// own (unrotated) coordinates; 0,0 for the usual modules.
    pub offset_x: u32,
    pub offset_y: u32,
    /// Colour inversion; unset means the controller's usual module (ST7789 on, ILI9341 off).
    pub invert_colors: Option<bool>,
    /// "rgb" or "bgr"; unset means the usual module (ST7789 rgb, ILI9341 bgr).
    pub color_order: Option<ColorOrder>,
    /// The spidev node of the panel: `/dev/spidevB.C` (bus B, chip select C).
    pub spi_device: PathBuf,
    /// SPI clock in Hz (the kernel rounds it down to what the bus can do).
    pub spi_speed_hz: u32,
    /// SPI mode 0-3; modules without a CS pin usually need mode 3.
    pub spi_mode: u8,
    /// The GPIO character device that holds the lines below.
    pub gpio_chip: PathBuf,
    /// Data/command select line.
    pub dc_pin: u32,
    /// Reset line, or "none" if RST is tied high.
    pub reset_pin: OptionalLine,
    /// Backlight enable line, or "none" if the backlight is always on.
    pub backlight_pin: OptionalLine,
    /// Where the "png" driver writes the current screen.
    pub png_path: PathBuf,
    /// Minutes without a press, a command or a scan after which the screen dims; 0: never.
    pub dim_after_minutes: f32,
    /// How bright the dimmed screen is, 0.05..=1.0 of full.
    pub dim_level: f32,
    /// Minutes without activity after which the backlight goes off; 0: never. Any press
    /// wakes it (that first press only wakes).
    pub off_after_minutes: f32,
    /// Folders searched (with their subfolders) for the Noto fonts that draw titles beyond
    /// ISO 8859-1, in order: moodbox's own, then the system's.
    pub font_dirs: Vec<PathBuf>,
}

impl Default for DisplayConfig {
    fn default() -> Self {
        DisplayConfig {
            driver: DisplayDriver::St7789,
            width: 240,
            height: 240,
            rotation: 0,
            mirror: false,
            offset_x: 0,
            offset_y: 0,
            invert_colors: None,
            color_order: None,
            spi_device: PathBuf::from("/dev/spidev0.0"),
            spi_speed_hz: 32_000_000,
            spi_mode: 0,
            gpio_chip: PathBuf::from("/dev/gpiochip0"),
            dc_pin: 25,
            reset_pin: OptionalLine(Some(27)),
            backlight_pin: OptionalLine(Some(24)),
            png_path: PathBuf::from("/var/lib/moodbox/display.png"),
            dim_after_minutes: 2.0,
            dim_level: 0.3,
            off_after_minutes: 10.0,
            font_dirs: crate::ui::fonts::STANDARD_FONT_DIRS
                .iter()
                .map(PathBuf::from)
                .collect(),
        }
    }
}

/// A problem with the `[display]` key `key`.
fn display_problem(key: &str, message: impl Into<String>) -> ConfigProblem {
    ConfigProblem::new(format!("display.{key}"), message)
}

/// The largest picture the PNG simulator accepts on a side (a typo guard, not a limit of PNG).
pub const MAX_PNG_SIDE: u32 = 4096;

/// The highest BCM GPIO on the Raspberry Pi's 40-pin header.
const MAX_HEADER_GPIO: u32 = 27;
/// No GPIO chip has more lines than this.
const MAX_CHIP_LINE: u32 = 1023;

/// BCM GPIOs that SPI0 uses on the Raspberry Pi header (CE1, CE0, MISO, MOSI, SCLK).
const SPI0_LINES: [(u32, &str); 5] = [
    (7, "SPI0 CE1"),
    (8, "SPI0 CE0"),
    (9, "SPI0 MISO"),
    (10, "SPI0 MOSI"),
    (11, "SPI0 SCLK"),
];

impl DisplayConfig {
    /// Parses a `[display]` table on its own (the daemon's config composes the sections).
    pub fn from_toml(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }

    /// The picture's size as the UI sees it (after rotation).
    pub fn size(&self) -> Size {
        Size::new(self.width, self.height)
    }

    /// The rotation, if it is one of the four allowed angles.
    pub fn rotation(&self) -> Option<Rotation> {
        match self.rotation {
            0 => Some(Rotation::Deg0),
            90 => Some(Rotation::Deg90),
            180 => Some(Rotation::Deg180),
            270 => Some(Rotation::Deg270),
            _ => None,
        }
    }

    /// The visible area in the controller's own orientation: width and height swap when the
    /// picture is turned by 90 or 270 degrees.
    pub fn native_size(&self) -> (u32, u32) {
        if self.rotation % 180 == 90 {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        }
    }

    pub fn invert_colors(&self) -> bool {
        self.invert_colors
            .unwrap_or_else(|| self.driver.default_invert_colors())
    }

    pub fn color_order(&self) -> ColorOrder {
        self.color_order
            .unwrap_or_else(|| self.driver.default_color_order())
    }

    /// Values that parse but cannot work; empty when the section is usable.
    pub fn check(&self) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        if self.width == 0 || self.height == 0 {
            problems.push(display_problem(
                if self.width == 0 { "width" } else { "height" },
                "must be at least 1 pixel; the tested panels are 240x240 and 320x240",
            ));
        }
        if self.rotation().is_none() {
            problems.push(display_problem(
                "rotation",
                format!("{} is not 0, 90, 180 or 270", self.rotation),
            ));
        }
        self.check_sleep(&mut problems);
        match self.driver {
            DisplayDriver::St7789 | DisplayDriver::Ili9341 => self.check_panel(&mut problems),
            DisplayDriver::Png => self.check_png(&mut problems),
            DisplayDriver::None => {}
        }
        problems
    }

    fn check_png(&self, problems: &mut Vec<ConfigProblem>) {
        for (key, value) in [("width", self.width), ("height", self.height)] {
            if value > MAX_PNG_SIDE {
                problems.push(display_problem(
                    key,
                    format!("{value} is larger than {MAX_PNG_SIDE}; the panels are 240 or 320"),
                ));
            }
        }
        if self.png_path.file_name().is_none() {
            problems.push(display_problem(
                "png_path",
                format!(
                    "{:?} names no file; write e.g. \"/var/lib/moodbox/display.png\"",
                    self.png_path
                ),
            ));
        }
    }

    fn check_panel(&self, problems: &mut Vec<ConfigProblem>) {
        self.check_panel_geometry(problems);
        if self.spi_device.as_os_str().is_empty() {
            problems.push(display_problem(
                "spi_device",
                "is empty; write e.g. \"/dev/spidev0.0\" (SPI0, CE0)",
            ));
        }
        if !(100_000..=100_000_000).contains(&self.spi_speed_hz) {
            problems.push(display_problem(
                "spi_speed_hz",
                format!(
                    "{} Hz is outside 100000..=100000000; 32000000 works for the tested modules, \
                     16000000 if the picture is noisy",
                    self.spi_speed_hz
                ),
            ));
        }
        if self.spi_mode > 3 {
            problems.push(display_problem(
                "spi_mode",
                format!(
                    "{} is not an SPI mode; write 0 (modules with CS) or 3 (modules without CS)",
                    self.spi_mode
                ),
            ));
        }
        if self.gpio_chip.as_os_str().is_empty() {
            problems.push(display_problem(
                "gpio_chip",
                "is empty; write \"/dev/gpiochip0\" (the header's GPIOs on Raspberry Pi OS)",
            ));
        }
        self.check_lines(problems);
    }

    fn check_panel_geometry(&self, problems: &mut Vec<ConfigProblem>) {
        let Some((memory_w, memory_h)) = self.driver.frame_memory() else {
            return;
        };
        if self.width == 0 || self.height == 0 || self.rotation().is_none() {
            return; // already reported
        }
        let (native_w, native_h) = self.native_size();
        let turned = self.rotation % 180 == 90;
        if native_w.saturating_add(self.offset_x) > memory_w {
            let key = if self.offset_x > 0 {
                "offset_x"
            } else if turned {
                "height"
            } else {
                "width"
            };
            problems.push(display_problem(
                key,
                format!(
                    "{}x{} at rotation {} with offset {},{} does not fit the {}'s {memory_w}x{memory_h} \
                     frame memory; {}",
                    self.width,
                    self.height,
                    self.rotation,
                    self.offset_x,
                    self.offset_y,
                    self.driver,
                    if turned {
                        "width and height are the picture as you see it"
                    } else {
                        "for a landscape 320x240 panel write rotation = 90 (or 270)"
                    }
                ),
            ));
        }
        if native_h.saturating_add(self.offset_y) > memory_h {
            problems.push(display_problem(
                if self.offset_y > 0 { "offset_y" } else { "height" },
                format!(
                    "{}x{} at rotation {} with offset {},{} does not fit the {}'s {memory_w}x{memory_h} \
                     frame memory",
                    self.width,
                    self.height,
                    self.rotation,
                    self.offset_x,
                    self.offset_y,
                    self.driver
                ),
            ));
        }
        if native_w > u16::MAX as u32 || native_h > u16::MAX as u32 {
            problems.push(display_problem("width", "is far too large for a panel"));
        }
    }

    /// The GPIO lines in use, with their keys.
    pub fn lines(&self) -> Vec<(&'static str, u32)> {
        let mut lines = vec![("dc_pin", self.dc_pin)];
        if let Some(line) = self.reset_pin.0 {
            lines.push(("reset_pin", line));
        }
        if let Some(line) = self.backlight_pin.0 {
            lines.push(("backlight_pin", line));
        }
        lines
    }

    fn check_lines(&self, problems: &mut Vec<ConfigProblem>) {
        let lines = self.lines();
        for (i, (key, line)) in lines.iter().enumerate() {
            if let Some((other, _)) = lines[..i].iter().find(|(_, l)| l == line) {
                problems.push(display_problem(
                    key,
                    format!(
                        "GPIO {line} is already display.{other}; each signal needs its own line"
                    ),
                ));
            }
            let on_spi0 = self
                .spi_device
                .to_string_lossy()
                .starts_with("/dev/spidev0.");
            let on_pi_header = self.gpio_chip.to_string_lossy() == "/dev/gpiochip0";
            if on_pi_header && *line > MAX_HEADER_GPIO {
                problems.push(display_problem(
                    key,
                    format!(
                        "GPIO {line} is not on the 40-pin header: use a BCM number 0..={MAX_HEADER_GPIO} \
                         (not the header pin number; see hardware/README.md)"
                    ),
                ));
                continue;
            }
            if *line > MAX_CHIP_LINE {
                problems.push(display_problem(
                    key,
                    format!("GPIO {line} is beyond any GPIO chip's lines (0..={MAX_CHIP_LINE})"),
                ));
                continue;
            }
            // The panel is never read, so DC may take over SPI0's MISO line (the Pirate Audio
            // wires it there).
            let dc_on_miso = *key == "dc_pin" && *line == 9;
            if let Some((_, function)) = SPI0_LINES.iter().find(|(l, _)| l == line) {
                if on_spi0 && on_pi_header && !dc_on_miso {
                    problems.push(display_problem(
                        key,
                        format!(
                            "GPIO {line} is {function} on the Raspberry Pi header and belongs to \
                             the SPI bus; wire this signal to a free GPIO such as 25, 24, 27 or 22"
                        ),
                    ));
                }
            }
        }
    }
}

mod sleep;
#[cfg(test)]
mod tests;
