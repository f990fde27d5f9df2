//! The `[display]` section's parsing and checks.

use super::*;

#[test]
fn defaults_describe_the_tested_st7789_module_and_pass_the_check() {
    let config = DisplayConfig::default();
    assert_eq!(config.driver, DisplayDriver::St7789);
    assert_eq!(config.size(), Size::new(240, 240));
    assert!(config.invert_colors());
    assert_eq!(config.color_order(), ColorOrder::Rgb);
    assert_eq!(config.check(), vec![]);
}

#[test]
fn an_empty_section_gives_the_defaults() {
    assert_eq!(
        DisplayConfig::from_toml("").unwrap(),
        DisplayConfig::default()
    );
}

#[test]
fn optional_lines_take_a_number_or_none() {
    let config = DisplayConfig::from_toml("reset_pin = \"none\"\nbacklight_pin = 18").unwrap();
    assert_eq!(config.reset_pin, OptionalLine(None));
    assert_eq!(config.backlight_pin, OptionalLine(Some(18)));
    let err = DisplayConfig::from_toml("reset_pin = \"off\"").unwrap_err();
    assert!(err.to_string().contains("GPIO line number"), "{err}");
    let err = DisplayConfig::from_toml("reset_pin = -3").unwrap_err();
    assert!(err.to_string().contains("GPIO line number"), "{err}");
}

#[test]
fn serialising_and_parsing_round_trips() {
    let config = DisplayConfig {
        reset_pin: OptionalLine(None),
        invert_colors: Some(false),
        color_order: Some(ColorOrder::Bgr),
        ..DisplayConfig::default()
    };
    let text = toml::to_string(&config).unwrap();
    assert_eq!(DisplayConfig::from_toml(&text).unwrap(), config);
}

#[test]
fn landscape_panels_need_a_quarter_turn() {
    let upright = DisplayConfig {
        driver: DisplayDriver::Ili9341,
        width: 320,
        height: 240,
        ..DisplayConfig::default()
    };
    let problems = upright.check();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].key, "display.width");
    assert!(problems[0].message.contains("rotation = 90"));
    let turned = DisplayConfig {
        rotation: 90,
        ..upright
    };
    assert_eq!(turned.check(), vec![]);
    assert_eq!(turned.native_size(), (240, 320));
}

#[test]
fn offsets_that_run_past_the_frame_memory_are_named() {
    let config = DisplayConfig {
        offset_y: 100,
        ..DisplayConfig::default()
    };
    let problems = config.check();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].key, "display.offset_y");
}

#[test]
fn spi_bus_lines_and_shared_lines_are_refused() {
    let config = DisplayConfig {
        dc_pin: 10,
        backlight_pin: OptionalLine(Some(27)),
        ..DisplayConfig::default()
    };
    let keys: Vec<String> = config.check().into_iter().map(|p| p.key).collect();
    assert_eq!(keys, vec!["display.dc_pin", "display.backlight_pin"]);
}

#[test]
fn the_png_driver_ignores_the_wiring_but_needs_a_file_name() {
    let config = DisplayConfig {
        driver: DisplayDriver::Png,
        dc_pin: 10,
        spi_speed_hz: 0,
        png_path: PathBuf::from("/"),
        ..DisplayConfig::default()
    };
    let keys: Vec<String> = config.check().into_iter().map(|p| p.key).collect();
    assert_eq!(keys, vec!["display.png_path"]);
}

#[test]
fn bad_rotation_and_speed_are_reported_with_the_key() {
    let config = DisplayConfig {
        rotation: 45,
        spi_speed_hz: 500_000_000,
        spi_mode: 4,
        ..DisplayConfig::default()
    };
    let keys: Vec<String> = config.check().into_iter().map(|p| p.key).collect();
    assert_eq!(
        keys,
        vec![
            "display.rotation",
            "display.spi_speed_hz",
            "display.spi_mode"
        ]
    );
}

#[test]
fn unknown_keys_are_refused() {
    let err = DisplayConfig::from_toml("widht = 240").unwrap_err();
    assert!(err.to_string().contains("unknown field `widht`"), "{err}");
}

#[test]
fn lines_beyond_the_header_are_refused() {
    for (key, config) in [
        (
            "display.dc_pin",
            DisplayConfig {
                dc_pin: 999,
                ..DisplayConfig::default()
            },
        ),
        (
            "display.reset_pin",
            DisplayConfig {
                reset_pin: OptionalLine(Some(28)),
                ..DisplayConfig::default()
            },
        ),
        (
            "display.backlight_pin",
            DisplayConfig {
                backlight_pin: OptionalLine(Some(4000)),
                ..DisplayConfig::default()
            },
        ),
    ] {
        let problems = config.check();
        assert!(
            problems
                .iter()
                .any(|p| p.key == key && p.message.contains("not on the 40-pin header")),
            "{key}: {problems:?}"
        );
    }
    let expander = DisplayConfig {
        gpio_chip: "/dev/gpiochip2".into(),
        dc_pin: 40,
        ..DisplayConfig::default()
    };
    assert!(expander.check().is_empty(), "{:?}", expander.check());
    let absurd = DisplayConfig {
        dc_pin: 100_000,
        ..expander
    };
    assert!(absurd
        .check()
        .iter()
        .any(|p| p.message.contains("beyond any GPIO chip")));
}
