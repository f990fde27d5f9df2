//! `board = "..."`: the add-on boards people build boxes like this from, each filling in its
//! display, buttons and sound device. A key the file sets always wins over the board's.
//!
//! Every pin below is from the maker's own code or documentation; `hardware/boards.md` cites
//! the file and line of each.
//!
//! | board | display | buttons (scan, skip, volume up, volume down) | sound |
//! |---|---|---|---|
//! | `pirate-audio` | ST7789 240x240 on SPI0 CE1, DC 9, backlight 13 | A 5, X 16, Y 24, B 6 | the I2S DAC, card `sndrpihifiberry`, no mixer |
//! | `waveshare-lcd-hat` | ST7789 240x240 on SPI0 CE0, DC 25, reset 27, backlight 24 | joystick press 13, right 26, up 6, down 19 | the board has none: the Pi's own |
//! | `adafruit-mini-pitft` | ST7789 240x240 on SPI0 CE0, DC 25, backlight 22 | upper 23, lower 24 | the board has none: the Pi's own |

use serde::{Deserialize, Serialize};

use super::{Config, ConfigProblem};

/// Which board the box is built on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Board {
    /// Pimoroni Pirate Audio (Headphone Amp, Line-out, 3W Speaker).
    PirateAudio,
    /// Waveshare 1.3" LCD HAT.
    WaveshareLcdHat,
    /// Adafruit Mini PiTFT 1.3".
    AdafruitMiniPitft,
    /// Wired by hand: the file says everything (`hardware/README.md`).
    #[default]
    Custom,
}

/// The keys a board sets, as TOML text (sections and keys as in the config file).
fn preset(board: Board) -> &'static str {
    match board {
        Board::PirateAudio => {
            r#"
[display]
driver = "st7789"
width = 240
height = 240
rotation = 0
spi_device = "/dev/spidev0.1"
spi_speed_hz = 80000000
dc_pin = 9
reset_pin = "none"
backlight_pin = 13
invert_colors = true
color_order = "rgb"
[button]
driver = "gpio"
bcm_pin = 5
skip_pin = 16
volume_up_pin = 24
volume_down_pin = 6
pull_up = true
active_low = true
[audio]
driver = "alsa"
device = "hw:CARD=sndrpihifiberry"
mixer = "software"
"#
        }
        Board::WaveshareLcdHat => {
            r#"
[display]
driver = "st7789"
width = 240
height = 240
rotation = 90
spi_device = "/dev/spidev0.0"
spi_speed_hz = 40000000
dc_pin = 25
reset_pin = 27
backlight_pin = 24
invert_colors = true
color_order = "rgb"
[button]
driver = "gpio"
bcm_pin = 13
skip_pin = 26
volume_up_pin = 6
volume_down_pin = 19
pull_up = true
active_low = true
"#
        }
        Board::AdafruitMiniPitft => {
            r#"
[display]
driver = "st7789"
width = 240
height = 240
rotation = 0
spi_device = "/dev/spidev0.0"
spi_speed_hz = 64000000
dc_pin = 25
reset_pin = "none"
backlight_pin = 22
invert_colors = true
color_order = "rgb"
[button]
driver = "gpio"
bcm_pin = 23
skip_pin = 24
pull_up = true
active_low = true
"#
        }
        Board::Custom => "",
    }
}

/// The board's keys under the file's own: `user` (the file, parsed) wins key by key.
pub(super) fn merged(board: Board, user: toml::Table) -> toml::Table {
    let mut table: toml::Table = preset(board).parse().expect("board presets are valid TOML");
    for (key, value) in user {
        match (table.get_mut(&key), value) {
            (Some(toml::Value::Table(section)), toml::Value::Table(theirs)) => {
                section.extend(theirs);
            }
            (_, value) => {
                table.insert(key, value);
            }
        }
    }
    table
}

/// What a board forbids that a hand-wired box allows.
pub(super) fn check(config: &Config) -> Vec<ConfigProblem> {
    let mut problems = Vec::new();
    if config.board == Board::PirateAudio {
        // GPIO 25 enables the DAC (`gpio=25=op,dh` in config.txt); 18-21 carry its I2S audio.
        let mut lines: Vec<(String, u32)> = config
            .display
            .lines()
            .into_iter()
            .map(|(k, l)| (format!("display.{k}"), l))
            .collect();
        lines.extend(
            config
                .button
                .buttons()
                .into_iter()
                .map(|(k, l, _)| (format!("button.{k}"), l)),
        );
        for (key, line) in lines {
            let why = match line {
                25 => "enables the Pirate Audio's DAC",
                18..=21 => "carries the Pirate Audio's I2S sound",
                _ => continue,
            };
            problems.push(ConfigProblem::new(
                key,
                format!("GPIO {line} {why}; leave it to the board (its own pins are in hardware/boards.md)"),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ButtonRole, DisplayDriver, MixerChoice, OptionalLine, Scope};
    use std::path::Path;

    fn parse(text: &str) -> Config {
        Config::parse_for(text, Path::new("/etc/moodbox/config.toml"), Scope::Control).unwrap()
    }

    #[test]
    fn each_board_fills_in_its_display_buttons_and_sound() {
        let pirate = parse("board = \"pirate-audio\"\n");
        assert_eq!(pirate.display.driver, DisplayDriver::St7789);
        assert_eq!(pirate.display.spi_device, Path::new("/dev/spidev0.1"));
        assert_eq!(
            (pirate.display.dc_pin, pirate.display.backlight_pin),
            (9, OptionalLine(Some(13)))
        );
        assert_eq!(pirate.display.reset_pin, OptionalLine(None));
        let roles: Vec<(u32, ButtonRole)> = pirate
            .button
            .buttons()
            .into_iter()
            .map(|(_, l, r)| (l, r))
            .collect();
        assert_eq!(
            roles,
            [
                (5, ButtonRole::Scan),
                (16, ButtonRole::Skip),
                (24, ButtonRole::VolumeUp),
                (6, ButtonRole::VolumeDown)
            ]
        );
        assert_eq!(pirate.audio.device, "hw:CARD=sndrpihifiberry");
        assert_eq!(pirate.audio.mixer, MixerChoice::Software);

        let waveshare = parse("board = \"waveshare-lcd-hat\"\n");
        assert_eq!(
            (
                waveshare.display.dc_pin,
                waveshare.display.reset_pin,
                waveshare.display.backlight_pin
            ),
            (25, OptionalLine(Some(27)), OptionalLine(Some(24)))
        );
        assert_eq!(waveshare.button.bcm_pin, 13);
        let pitft = parse("board = \"adafruit-mini-pitft\"\n");
        assert_eq!(pitft.display.backlight_pin, OptionalLine(Some(22)));
        assert_eq!(pitft.button.buttons().len(), 2);
        for config in [&pirate, &waveshare, &pitft] {
            assert!(
                config
                    .check()
                    .iter()
                    .all(|p| p.key == "library.music_dir" || p.key.starts_with("vision.")),
                "{:?}",
                config.check()
            );
        }
    }

    #[test]
    fn a_key_in_the_file_beats_the_board() {
        let c = parse(
            "board = \"pirate-audio\"\n[button]\nvolume_up_pin = 20\n[display]\nrotation = 90\n",
        );
        assert_eq!(c.button.volume_up_pin, OptionalLine(Some(20)));
        assert_eq!(c.display.rotation, 90);
        assert_eq!(c.button.bcm_pin, 5, "the rest stays the board's");
    }

    #[test]
    fn the_pirate_audio_dac_pins_stay_free() {
        let c = Config {
            board: Board::PirateAudio,
            ..parse("board = \"pirate-audio\"\n[button]\nskip_pin = 25\n")
        };
        let problems = check(&c);
        assert!(
            problems
                .iter()
                .any(|p| p.key == "button.skip_pin" && p.message.contains("DAC")),
            "{problems:?}"
        );
    }

    #[test]
    fn an_unknown_board_lists_the_known_ones() {
        let err = Config::parse_for("board = \"pi-hat\"\n", Path::new("c.toml"), Scope::Control)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("pirate-audio") && err.contains("custom"),
            "{err}"
        );
    }
}
