//! Opening a display from its config: a bad `[display]` section is refused with the keys
//! named, and the real panel's failures on a machine without SPI or GPIO (like this one)
//! come back as errors that say what to do, never as panics.

#[cfg(feature = "spi-display")]
use std::path::PathBuf;

use embedded_graphics::geometry::Size;
#[cfg(feature = "spi-display")]
use moodbox::hardware::display::linux_panel::{open_chip, open_spi};
use moodbox::hardware::display::{open_display, Display, DisplayError};
use moodbox_core::config::DisplayConfig;
use moodbox_core::config::DisplayDriver;
use moodbox_core::config::OptionalLine;
use moodbox_core::screen::Screen;
use serde::Deserialize;

fn open_err(config: &DisplayConfig) -> DisplayError {
    match open_display(config) {
        Err(err) => err,
        Ok(_) => panic!("{config:?} should not open here"),
    }
}

#[test]
#[cfg(feature = "spi-display")]
fn a_missing_spi_device_says_how_to_enable_spi() {
    let config = DisplayConfig {
        spi_device: PathBuf::from("/nonexistent/spidev0.0"),
        ..DisplayConfig::default()
    };
    let err = open_err(&config);
    assert!(matches!(err, DisplayError::SpiMissing { .. }), "{err:?}");
    let message = err.to_string();
    for expected in [
        "/nonexistent/spidev0.0",
        "dtparam=spi=on",
        "reboot",
        "display.spi_device",
    ] {
        assert!(
            message.contains(expected),
            "{expected:?} missing from: {message}"
        );
    }
}

#[test]
#[cfg(feature = "spi-display")]
fn a_device_that_is_not_spi_is_named() {
    let config = DisplayConfig {
        spi_device: PathBuf::from("/dev/null"),
        ..DisplayConfig::default()
    };
    let err = open_spi(&config)
        .err()
        .expect("/dev/null takes no SPI settings");
    assert!(matches!(err, DisplayError::SpiSetup { .. }), "{err:?}");
    assert!(err.to_string().contains("/dev/null"), "{err}");
    assert!(err.to_string().contains("SPI device"), "{err}");
}

#[test]
#[cfg(feature = "spi-display")]
fn a_missing_gpio_chip_points_at_gpiodetect() {
    let Err(err) = open_chip(&PathBuf::from("/nonexistent/gpiochip7")) else {
        panic!("no such chip");
    };
    assert!(
        matches!(err, DisplayError::GpioChipMissing { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("/nonexistent/gpiochip7"), "{err}");
    assert!(err.to_string().contains("gpiodetect"), "{err}");
    let Err(err) = open_chip(&PathBuf::from("/dev/null")) else {
        panic!("not a chip");
    };
    assert!(matches!(err, DisplayError::GpioChip { .. }), "{err:?}");
}

#[test]
fn a_config_that_cannot_work_is_refused_before_any_device_is_touched() {
    let config = DisplayConfig {
        rotation: 45,
        dc_pin: 10,
        reset_pin: OptionalLine(Some(10)),
        ..DisplayConfig::default()
    };
    let err = open_err(&config);
    let DisplayError::Config { problems } = &err else {
        panic!("expected a config error, got {err:?}");
    };
    let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "display.rotation",
            "display.dc_pin",
            "display.reset_pin",
            "display.reset_pin"
        ]
    );
    let message = err.to_string();
    assert!(message.contains("45 is not 0, 90, 180 or 270"), "{message}");
    assert!(message.contains("SPI0 MOSI"), "{message}");
}

#[test]
fn the_none_driver_accepts_screens_and_shows_nothing() {
    let config = DisplayConfig {
        driver: DisplayDriver::None,
        width: 320,
        height: 240,
        ..DisplayConfig::default()
    };
    let mut display: Box<dyn Display> = open_display(&config).unwrap();
    assert_eq!(display.size(), Size::new(320, 240));
    display.show(&Screen::Idle).unwrap();
    display.blank().unwrap();
}

#[test]
fn displays_can_move_to_another_thread() {
    fn assert_send<T: Send>(_: &T) {}
    let dir = tempfile::tempdir().unwrap();
    let config = DisplayConfig {
        driver: DisplayDriver::Png,
        png_path: dir.path().join("d.png"),
        ..DisplayConfig::default()
    };
    let mut display = open_display(&config).unwrap();
    assert_send(&display);
    std::thread::spawn(move || display.show(&Screen::Scanning { step: 1 }))
        .join()
        .unwrap()
        .unwrap();
}

/// The daemon composes the sections into one file; the `[display]` table parses inside it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WholeFile {
    #[serde(default)]
    display: DisplayConfig,
}

#[test]
fn the_section_parses_inside_a_whole_config_file_and_names_bad_keys() {
    let text = r#"
[display]
driver = "ili9341"
width = 320
height = 240
rotation = 90
spi_speed_hz = 16000000
backlight_pin = "none"
"#;
    let whole: WholeFile = toml::from_str(text).unwrap();
    assert_eq!(whole.display.driver, DisplayDriver::Ili9341);
    assert_eq!(whole.display.backlight_pin, OptionalLine(None));
    assert_eq!(whole.display.dc_pin, 25, "unset keys keep their defaults");
    assert_eq!(whole.display.check(), vec![]);

    let err = toml::from_str::<WholeFile>("[display]\ndriver = \"st7735\"\n").unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("st7735") && message.contains("line 2"),
        "{message}"
    );
    assert!(
        message.contains("st7789") && message.contains("png"),
        "lists the drivers: {message}"
    );

    let err = toml::from_str::<WholeFile>("[display]\nwidth = \"wide\"\n").unwrap_err();
    assert!(err.to_string().contains("width"), "{err}");
}
