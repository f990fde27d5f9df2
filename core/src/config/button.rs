//! `[button]` section of the config file: the scan button's pin and timing.

use std::time::Duration;

use crate::config::{ConfigProblem, OptionalLine};
use serde::{Deserialize, Serialize};

/// Which button the daemon listens to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ButtonDriver {
    /// A push button on a Raspberry Pi GPIO pin (rppal).
    Gpio,
    /// No button: presses come from the control socket (or a simulated button in tests).
    None,
}

/// The `[button]` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ButtonConfig {
    /// `"gpio"` (default) or `"none"`.
    pub driver: ButtonDriver,
    /// BCM GPIO number (not the header pin number); default 17 (header pin 11).
    pub bcm_pin: u8,
    /// Enable the SoC's internal pull-up (default true; the button then connects the pin to
    /// ground). Set false when the board has its own resistor.
    pub pull_up: bool,
    /// The pin reads low while the button is held (default true, matching `pull_up`).
    pub active_low: bool,
    /// A level must stay unchanged this long to count (default 30 ms).
    pub debounce_ms: u64,
    /// Holding at least this long skips to the next song instead of scanning (default 1000 ms).
    pub long_press_ms: u64,
    /// Holding this long stops playback, at that moment, while still held (default 5000 ms).
    pub stop_hold_ms: u64,
    /// A second button that skips to the next song (a BCM number, or `"none"`).
    pub skip_pin: OptionalLine,
    /// A button that raises the volume by `[audio] volume_step`.
    pub volume_up_pin: OptionalLine,
    /// A button that lowers it.
    pub volume_down_pin: OptionalLine,
}

/// What a button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonRole {
    /// Short press scans, long press skips, a very long hold stops (the one-button box).
    Scan,
    /// Any press skips; held for `stop_hold_ms` it stops.
    Skip,
    VolumeUp,
    VolumeDown,
}

impl ButtonRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ButtonRole::Scan => "scan",
            ButtonRole::Skip => "skip",
            ButtonRole::VolumeUp => "volume up",
            ButtonRole::VolumeDown => "volume down",
        }
    }
}

impl Default for ButtonConfig {
    fn default() -> Self {
        ButtonConfig {
            driver: ButtonDriver::Gpio,
            bcm_pin: 17,
            pull_up: true,
            active_low: true,
            debounce_ms: 30,
            long_press_ms: 1000,
            stop_hold_ms: 5000,
            skip_pin: OptionalLine(None),
            volume_up_pin: OptionalLine(None),
            volume_down_pin: OptionalLine(None),
        }
    }
}

/// The durations the press classifier works with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PressTiming {
    pub debounce: Duration,
    pub long_press: Duration,
    pub stop_hold: Duration,
}

impl Default for PressTiming {
    fn default() -> Self {
        PressTiming::from(&ButtonConfig::default())
    }
}

impl From<&ButtonConfig> for PressTiming {
    fn from(c: &ButtonConfig) -> Self {
        PressTiming {
            debounce: Duration::from_millis(c.debounce_ms),
            long_press: Duration::from_millis(c.long_press_ms),
            stop_hold: Duration::from_millis(c.stop_hold_ms),
        }
    }
}

impl ButtonConfig {
    /// Every configured button: its config key, BCM line and role (the scan button first).
    pub fn buttons(&self) -> Vec<(&'static str, u32, ButtonRole)> {
        let mut buttons = vec![("bcm_pin", u32::from(self.bcm_pin), ButtonRole::Scan)];
        for (key, pin, role) in [
            ("skip_pin", self.skip_pin, ButtonRole::Skip),
            ("volume_up_pin", self.volume_up_pin, ButtonRole::VolumeUp),
            (
                "volume_down_pin",
                self.volume_down_pin,
                ButtonRole::VolumeDown,
            ),
        ] {
            if let Some(line) = pin.0 {
                buttons.push((key, line, role));
            }
        }
        buttons
    }

    /// Semantic checks the TOML types cannot express; each message names the key and says
    /// what to write instead. Empty means usable.
    pub fn check(&self) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        let mut problem = |key: &str, msg: String| {
            problems.push(ConfigProblem::new(format!("button.{key}"), msg))
        };
        if self.bcm_pin > 27 {
            problem(
                "bcm_pin",
                format!("GPIO {} is not on the 40-pin header: use a BCM number 2..=27 (17 is header pin 11)", self.bcm_pin),
            );
        } else if self.bcm_pin < 2 {
            problem(
                "bcm_pin",
                format!(
                    "GPIO {} is reserved for the HAT ID EEPROM: use 2..=27 (17 is header pin 11)",
                    self.bcm_pin
                ),
            );
        }
        if self.debounce_ms > 500 {
            problem(
                "debounce_ms",
                format!(
                    "{} ms would swallow real presses: use 5..=100 (30 is typical)",
                    self.debounce_ms
                ),
            );
        }
        if self.long_press_ms <= self.debounce_ms {
            problem(
                "long_press_ms",
                format!(
                    "{} must be longer than debounce_ms ({}): 1000 is typical",
                    self.long_press_ms, self.debounce_ms
                ),
            );
        }
        if self.stop_hold_ms <= self.long_press_ms {
            problem(
                "stop_hold_ms",
                format!(
                    "{} must be longer than long_press_ms ({}): 5000 is typical",
                    self.stop_hold_ms, self.long_press_ms
                ),
            );
        }
        let buttons = self.buttons();
        for (i, &(key, line, _)) in buttons.iter().enumerate().skip(1) {
            if !(2..=27).contains(&line) {
                problem(
                    key,
                    format!("GPIO {line} is not a free header GPIO: use a BCM number 2..=27, or \"none\""),
                );
            } else if let Some((other, _, _)) = buttons[..i].iter().find(|(_, l, _)| *l == line) {
                problem(
                    key,
                    format!("GPIO {line} is already button.{other}; each button needs its own pin"),
                );
            }
        }
        if self.pull_up && !self.active_low {
            problem(
                "active_low",
                "with pull_up = true the pin idles high and the button pulls it low: set active_low = true".into(),
            );
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_wiring_table() {
        let c = ButtonConfig::default();
        assert!(c.check().is_empty(), "{:?}", c.check());
        assert_eq!((c.bcm_pin, c.pull_up, c.active_low), (17, true, true));
        let t = PressTiming::from(&c);
        assert_eq!(t.debounce, Duration::from_millis(30));
        assert_eq!(t.long_press, Duration::from_secs(1));
        assert_eq!(t.stop_hold, Duration::from_secs(5));
    }

    #[test]
    fn round_trips_and_rejects_unknown_keys() {
        let c = ButtonConfig {
            driver: ButtonDriver::None,
            bcm_pin: 27,
            ..Default::default()
        };
        let text = toml::to_string(&c).unwrap();
        assert_eq!(toml::from_str::<ButtonConfig>(&text).unwrap(), c);
        let err = toml::from_str::<ButtonConfig>("pin = 17")
            .unwrap_err()
            .to_string();
        assert!(err.contains("pin"), "{err}");
    }

    #[test]
    fn inconsistent_timing_and_pins_are_named() {
        let c = ButtonConfig {
            bcm_pin: 40,
            long_press_ms: 20,
            stop_hold_ms: 10,
            active_low: false,
            ..Default::default()
        };
        let all: Vec<String> = c.check().iter().map(ToString::to_string).collect();
        let all = all.join("\n");
        for key in ["bcm_pin", "long_press_ms", "stop_hold_ms", "active_low"] {
            assert!(
                c.check().iter().any(|p| p.key == format!("button.{key}")),
                "{key} missing from {all}"
            );
        }
    }
}
