//! Opens the real panel: the spidev node through linux-embedded-hal's `SpidevDevice`, the DC,
//! reset and backlight lines through GPIO character-device `CdevPin`s, and mipidsi's own
//! `SpiInterface` on top. This is the only module that touches Linux devices; everything it
//! builds is handed to the hardware-independent [`SpiPanel`].
//!
//! Every failure names the device or line and what to do about it (enable SPI, join the
//! `spi` / `gpio` group, pick another pin).
//!
//! # Troubleshooting
//!
//! - `ls /dev/spidev*` shows the SPI nodes; none means SPI is off (`dtparam=spi=on`).
//! - `gpiodetect` lists the GPIO chips and `gpioinfo gpiochip0` who holds each line.
//! - SPI transfers are sent in chunks of [`SPI_CHUNK`] bytes, the spidev driver's default
//!   `bufsiz`; a kernel booted with a smaller `spidev.bufsiz` rejects the transfers.

use std::io;
use std::path::Path;

use embedded_hal::digital::PinState;
use linux_embedded_hal::gpio_cdev::{Chip, LineRequestFlags};
use linux_embedded_hal::spidev::{SpiModeFlags, SpidevOptions};
use linux_embedded_hal::{CdevPin, CdevPinError, Delay, SPIError, SpidevDevice};
use mipidsi::interface::{SpiError, SpiInterface};
use mipidsi::models::{ILI9341Rgb565, Model, ST7789};

use super::{Display, DisplayError, PanelSettings, SpiPanel};
use moodbox_core::config::{DisplayConfig, DisplayDriver};

/// Bytes per SPI transfer: the spidev driver's default `bufsiz` (4096).
pub const SPI_CHUNK: usize = 4096;

type LinuxInterface = SpiInterface<'static, SpidevDevice, CdevPin>;

/// Opens the ST7789 or ILI9341 panel `config` describes. The config must have passed
/// [`DisplayConfig::check`] ([`super::open_display`] does that).
pub fn open(config: &DisplayConfig) -> Result<Box<dyn Display>, DisplayError> {
    let settings = PanelSettings::from_config(config).ok_or_else(|| DisplayError::Config {
        problems: config.check(),
    })?;
    let spi = open_spi(config)?;
    let mut chip = open_chip(&config.gpio_chip)?;
    let dc = output_line(&mut chip, config, "dc_pin", config.dc_pin, PinState::Low)?;
    let reset = config
        .reset_pin
        .0
        .map(|line| output_line(&mut chip, config, "reset_pin", line, PinState::High))
        .transpose()?;
    let backlight = config
        .backlight_pin
        .0
        .map(|line| output_line(&mut chip, config, "backlight_pin", line, PinState::Low))
        .transpose()?;
    // mipidsi's SpiInterface borrows its transfer buffer for as long as the panel lives, and a
    // boxed `dyn Display` must own everything, so the buffer lives as long as the program:
    // 4 KiB per panel opened (the daemon opens one).
    let buffer: &'static mut [u8] = Box::leak(vec![0u8; SPI_CHUNK].into_boxed_slice());
    let interface = SpiInterface::new(spi, dc, buffer);
    let name = format!("{} panel on {}", config.driver, config.spi_device.display());
    match config.driver {
        DisplayDriver::St7789 => boxed(ST7789, interface, reset, backlight, &settings, name),
        DisplayDriver::Ili9341 => {
            boxed(ILI9341Rgb565, interface, reset, backlight, &settings, name)
        }
        DisplayDriver::Png | DisplayDriver::None => Err(DisplayError::PanelInit {
            panel: name,
            detail: format!("driver {:?} is not an SPI panel", config.driver.as_str()),
        }),
    }
}

fn boxed<M>(
    model: M,
    interface: LinuxInterface,
    reset: Option<CdevPin>,
    backlight: Option<CdevPin>,
    settings: &PanelSettings,
    name: String,
) -> Result<Box<dyn Display>, DisplayError>
where
    M: Model<ColorFormat = embedded_graphics::pixelcolor::Rgb565> + Send + 'static,
{
    let panel = SpiPanel::init(
        model,
        interface,
        reset,
        backlight,
        settings,
        &mut Delay,
        describe_spi_error,
        name,
    )?;
    Ok(Box::new(panel))
}

fn describe_spi_error(error: &SpiError<SPIError, CdevPinError>) -> String {
    match error {
        SpiError::Spi(e) => format!("SPI transfer failed: {e}"),
        SpiError::Dc(e) => format!("setting the DC line failed: {e}"),
    }
}

/// Opens and configures the spidev node.
pub fn open_spi(config: &DisplayConfig) -> Result<SpidevDevice, DisplayError> {
    let device = config.spi_device.clone();
    let mut spi = SpidevDevice::open(&device).map_err(|e| match e.inner().kind() {
        io::ErrorKind::NotFound => DisplayError::SpiMissing {
            device: device.clone(),
        },
        io::ErrorKind::PermissionDenied => DisplayError::SpiPermission {
            device: device.clone(),
        },
        _ => DisplayError::SpiOpen {
            device: device.clone(),
            detail: e.to_string(),
        },
    })?;
    let mode = match config.spi_mode {
        0 => SpiModeFlags::SPI_MODE_0,
        1 => SpiModeFlags::SPI_MODE_1,
        2 => SpiModeFlags::SPI_MODE_2,
        _ => SpiModeFlags::SPI_MODE_3,
    };
    let options = SpidevOptions::new()
        .bits_per_word(8)
        .max_speed_hz(config.spi_speed_hz)
        .mode(mode)
        .build();
    spi.configure(&options)
        .map_err(|e| DisplayError::SpiSetup {
            device: device.clone(),
            mode: config.spi_mode,
            speed_hz: config.spi_speed_hz,
            detail: e.to_string(),
        })?;
    Ok(spi)
}

/// Opens the GPIO character device.
pub fn open_chip(path: &Path) -> Result<Chip, DisplayError> {
    Chip::new(path).map_err(|e| {
        let kind = std::error::Error::source(&e)
            .and_then(|source| source.downcast_ref::<io::Error>())
            .map(io::Error::kind);
        match kind {
            Some(io::ErrorKind::NotFound) => DisplayError::GpioChipMissing {
                chip: path.to_path_buf(),
            },
            Some(io::ErrorKind::PermissionDenied) => DisplayError::GpioPermission {
                chip: path.to_path_buf(),
            },
            _ => DisplayError::GpioChip {
                chip: path.to_path_buf(),
                detail: e.to_string(),
            },
        }
    })
}

/// Claims `line` of `chip` as an output starting at `initial`, for the config key `key`.
pub fn output_line(
    chip: &mut Chip,
    config: &DisplayConfig,
    key: &'static str,
    line: u32,
    initial: PinState,
) -> Result<CdevPin, DisplayError> {
    let chip_path = config.gpio_chip.clone();
    let line_error = |detail: String| DisplayError::GpioLine {
        key,
        line,
        chip: chip_path.clone(),
        detail,
    };
    if line >= chip.num_lines() {
        return Err(DisplayError::GpioLineMissing {
            key,
            line,
            chip: chip_path,
            lines: chip.num_lines(),
        });
    }
    let gpio = chip.get_line(line).map_err(|e| line_error(e.to_string()))?;
    let info = gpio.info().map_err(|e| line_error(e.to_string()))?;
    if info.is_used() {
        return Err(DisplayError::GpioLineBusy {
            key,
            line,
            chip: chip_path,
            consumer: info.consumer().unwrap_or("the kernel").to_string(),
        });
    }
    let value = u8::from(initial == PinState::High);
    let consumer = format!("moodbox-display-{}", key.trim_end_matches("_pin"));
    let handle = gpio
        .request(LineRequestFlags::OUTPUT, value, &consumer)
        .map_err(|e| line_error(e.to_string()))?;
    CdevPin::new(handle).map_err(|e| line_error(e.to_string()))
}
