//! A mipidsi panel (ST7789, ILI9341) as a [`Display`], written against the embedded-hal and
//! mipidsi interface traits only: [`super::linux_panel`] plugs in spidev and GPIO lines, tests
//! plug in a recording SPI bus.
//!
//! Each screen is drawn into a framebuffer first; only the rectangle that differs from the
//! previous screen is sent, in one address window, so the scanning animation costs a few
//! kilobytes per frame and the panel never shows a half-drawn screen being built up.
//!
//! # Troubleshooting
//!
//! - A black screen with the backlight on: the init commands did not arrive; check DC, reset,
//!   CS and MOSI wiring and lower `spi_speed_hz`.
//! - The picture is mirrored, rotated or shifted: see `rotation`, `mirror` and the offsets in
//!   the `[display]` section.

use embedded_graphics::pixelcolor::Rgb565;
use embedded_graphics::prelude::*;
use embedded_hal::delay::DelayNs;
use embedded_hal::digital::OutputPin;
use mipidsi::interface::Interface;
use mipidsi::models::Model;
use mipidsi::options::{ColorInversion, Orientation};

use super::{log_screen, Display, DisplayError};
use moodbox_core::config::display::Rotation;
use moodbox_core::config::{ColorOrder, DisplayConfig};
use moodbox_core::screen::Screen;
use moodbox_core::ui::{draw_lit, Framebuffer, Light};

fn mipidsi_rotation(rotation: Rotation) -> mipidsi::options::Rotation {
    use mipidsi::options::Rotation as R;
    match rotation {
        Rotation::Deg0 => R::Deg0,
        Rotation::Deg90 => R::Deg90,
        Rotation::Deg180 => R::Deg180,
        Rotation::Deg270 => R::Deg270,
    }
}

/// The MIPI DCS no-operation command: sent first to find out whether the bus works.
const NOP: u8 = 0x00;
/// The MIPI DCS software reset command (used when there is no reset line).
const SOFT_RESET: u8 = 0x01;

/// How the panel is set up; see [`DisplayConfig`] for each field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PanelSettings {
    /// Visible area in the controller's own orientation (width, height).
    pub native_size: (u16, u16),
    pub offset: (u16, u16),
    pub orientation: Orientation,
    pub invert_colors: bool,
    pub color_order: ColorOrder,
}

impl PanelSettings {
    /// The settings `config` describes; `None` if its size or rotation is out of range
    /// (`DisplayConfig::check` reports those).
    pub fn from_config(config: &DisplayConfig) -> Option<Self> {
        let (width, height) = config.native_size();
        let mut orientation = Orientation::new().rotate(mipidsi_rotation(config.rotation()?));
        if config.mirror {
            orientation = orientation.flip_horizontal();
        }
        Some(PanelSettings {
            native_size: (u16::try_from(width).ok()?, u16::try_from(height).ok()?),
            offset: (
                u16::try_from(config.offset_x).ok()?,
                u16::try_from(config.offset_y).ok()?,
            ),
            orientation,
            invert_colors: config.invert_colors(),
            color_order: config.color_order(),
        })
    }

    /// The picture's size after rotation.
    pub fn size(&self) -> Size {
        let (w, h) = (self.native_size.0 as u32, self.native_size.1 as u32);
        if self.orientation.rotation.is_vertical() {
            Size::new(h, w)
        } else {
            Size::new(w, h)
        }
    }

    /// True when the visible area lies inside the frame memory of `M` (mipidsi panics
    /// otherwise, so this is checked before building).
    fn fits<M: Model>(&self) -> bool {
        let (w, h) = self.native_size;
        let (max_w, max_h) = M::FRAMEBUFFER_SIZE;
        w > 0
            && h > 0
            && w as u32 + self.offset.0 as u32 <= max_w as u32
            && h as u32 + self.offset.1 as u32 <= max_h as u32
    }
}

/// An output line that may be absent (setting an absent line does nothing).
pub struct MaybePin<P>(pub Option<P>);

impl<P: OutputPin> embedded_hal::digital::ErrorType for MaybePin<P> {
    type Error = P::Error;
}

impl<P: OutputPin> OutputPin for MaybePin<P> {
    fn set_low(&mut self) -> Result<(), Self::Error> {
        self.0.as_mut().map_or(Ok(()), OutputPin::set_low)
    }

    fn set_high(&mut self) -> Result<(), Self::Error> {
        self.0.as_mut().map_or(Ok(()), OutputPin::set_high)
    }
}

/// Turns an interface error into words for [`DisplayError`].
pub type DescribeError<E> = fn(&E) -> String;

/// A mipidsi panel showing the UI.
pub struct SpiPanel<DI, M, RST, BL>
where
    DI: Interface<Word = u8>,
    M: Model<ColorFormat = Rgb565>,
    RST: OutputPin,
    BL: OutputPin,
{
    display: mipidsi::Display<DI, M, MaybePin<RST>>,
    backlight: MaybePin<BL>,
    /// The screen being drawn.
    frame: Framebuffer,
    /// What the panel shows now; `None` when unknown (at start, after a failed write).
    shown: Option<Framebuffer>,
    /// Dimmed screens are drawn in dimmed colours (the backlight line is only on or off);
    /// dark turns the backlight off.
    light: Light,
    describe: DescribeError<DI::Error>,
    /// "st7789 panel on /dev/spidev0.0", for messages.
    name: String,
}

impl<DI, M, RST, BL> SpiPanel<DI, M, RST, BL>
where
    DI: Interface<Word = u8>,
    M: Model<ColorFormat = Rgb565>,
    RST: OutputPin,
    RST::Error: std::fmt::Display,
    BL: OutputPin,
    BL::Error: std::fmt::Display,
{
    /// Resets and initialises the panel (backlight off until the first screen).
    #[allow(clippy::too_many_arguments)]
    pub fn init(
        model: M,
        mut interface: DI,
        reset: Option<RST>,
        backlight: Option<BL>,
        settings: &PanelSettings,
        delay: &mut impl DelayNs,
        describe: DescribeError<DI::Error>,
        name: String,
    ) -> Result<Self, DisplayError> {
        let init_error = |detail: String| DisplayError::PanelInit {
            panel: name.clone(),
            detail,
        };
        if !settings.fits::<M>() {
            return Err(init_error(format!(
                "{}x{} at offset {},{} does not fit the controller's {}x{} frame memory",
                settings.native_size.0,
                settings.native_size.1,
                settings.offset.0,
                settings.offset.1,
                M::FRAMEBUFFER_SIZE.0,
                M::FRAMEBUFFER_SIZE.1
            )));
        }
        let mut backlight = MaybePin(backlight);
        backlight
            .set_low()
            .map_err(|e| init_error(format!("backlight line: {e}")))?;
        // mipidsi's own start-up error cannot be taken apart, so a broken bus is found here,
        // where its error still says what failed.
        interface
            .send_command(NOP, &[])
            .map_err(|e| init_error(describe(&e)))?;
        if reset.is_none() {
            interface
                .send_command(SOFT_RESET, &[])
                .map_err(|e| init_error(describe(&e)))?;
            delay.delay_ms(150);
        }
        let display = mipidsi::Builder::new(model, interface)
            .reset_pin(MaybePin(reset))
            .display_size(settings.native_size.0, settings.native_size.1)
            .display_offset(settings.offset.0, settings.offset.1)
            .orientation(settings.orientation)
            .invert_colors(if settings.invert_colors {
                ColorInversion::Inverted
            } else {
                ColorInversion::Normal
            })
            .color_order(match settings.color_order {
                ColorOrder::Rgb => mipidsi::options::ColorOrder::Rgb,
                ColorOrder::Bgr => mipidsi::options::ColorOrder::Bgr,
            })
            .init(delay)
            .map_err(|e| init_error(format!("{e:?}")))?;
        tracing::info!(panel = %name, size = ?settings.size(), "display: panel ready");
        Ok(SpiPanel {
            display,
            backlight,
            frame: Framebuffer::new(settings.size()),
            shown: None,
            light: Light::Full,
            describe,
            name,
        })
    }

    fn write_error(&self, detail: String) -> DisplayError {
        DisplayError::PanelWrite {
            panel: self.name.clone(),
            detail,
        }
    }

    /// Sends the part of `frame` that differs from what the panel shows.
    fn send_frame(&mut self) -> Result<(), DisplayError> {
        let changed = match &self.shown {
            Some(shown) => self.frame.changed_area(shown),
            None => Some(self.frame.bounding_box()),
        };
        if let Some(area) = changed {
            let pixels = self.frame.area_pixels(area);
            if let Err(e) = self.display.fill_contiguous(&area, pixels) {
                self.shown = None;
                return Err(self.write_error((self.describe)(&e)));
            }
            tracing::trace!(?area, "display: sent changed area");
        }
        match &mut self.shown {
            Some(shown) => std::mem::swap(shown, &mut self.frame),
            None => self.shown = Some(self.frame.clone()),
        }
        Ok(())
    }

    fn set_backlight(&mut self, on: bool) -> Result<(), DisplayError> {
        let result = if on {
            self.backlight.set_high()
        } else {
            self.backlight.set_low()
        };
        result.map_err(|e| self.write_error(format!("backlight line: {e}")))
    }
}

impl<DI, M, RST, BL> Display for SpiPanel<DI, M, RST, BL>
where
    DI: Interface<Word = u8> + Send,
    M: Model<ColorFormat = Rgb565> + Send,
    RST: OutputPin + Send,
    RST::Error: std::fmt::Display,
    BL: OutputPin + Send,
    BL::Error: std::fmt::Display,
{
    fn show(&mut self, screen: &Screen) -> Result<(), DisplayError> {
        if self.light == Light::Dark && self.backlight.0.is_some() {
            return self.set_backlight(false); // dark: the picture can wait for the light
        }
        let texts = draw_lit(&mut self.frame, screen, self.light);
        log_screen(screen, &texts);
        self.send_frame()?;
        self.set_backlight(self.light != Light::Dark)
    }

    fn set_light(&mut self, light: Light) -> Result<(), DisplayError> {
        self.light = light;
        if light == Light::Dark {
            self.set_backlight(false)?;
        }
        Ok(())
    }

    fn blank(&mut self) -> Result<(), DisplayError> {
        self.set_backlight(false)?;
        match self.frame.clear(Rgb565::BLACK) {
            Ok(()) => {}
            Err(never) => match never {},
        }
        self.send_frame()
    }

    fn size(&self) -> Size {
        self.frame.size()
    }
}
