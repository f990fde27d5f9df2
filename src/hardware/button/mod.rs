//! Scan button: GPIO input (rppal) with debounce and press classification, and a simulator.
//!
//! A short press scans, a long press (default 1 s) skips to the next song, and holding it
//! (default 5 s) stops playback; see [`classifier`] for the exact rules, including when each
//! event fires. Events go out on a tokio unbounded channel the daemon selects on.
//!
//! | driver | what it is                                                                 |
//! |--------|----------------------------------------------------------------------------|
//! | `gpio` | [`GpioButton`]: BCM pin, pull-up and active-low by default, edge interrupts |
//! | `none` | [`NoButton`]: presses come from the control socket                         |
//!
//! [`SimButton`] injects presses (edges with real timing, or ready-made events) through the
//! same debounce and classification, for tests and the demo.
//!
//! Wiring: a momentary push button between BCM 17 (header pin 11) and ground (pin 9); the
//! SoC's internal pull-up holds the line high, the button pulls it low. See `hardware/README.md`.
//!
//! ## Troubleshooting
//!
//! ### `no Raspberry Pi GPIO on this machine`
//! rppal could not identify the board (a PC, or a very new Pi model with an old rppal). On a
//! PC set `[button] driver = "none"`.
//!
//! ### `permission denied opening /dev/gpiomem`
//! Add the user to the `gpio` group (`sudo usermod -aG gpio $USER`, then log in again); the
//! systemd unit does it with `SupplementaryGroups=gpio`.
//!
//! ### `GPIO 17 is already in use`
//! Another line of moodbox (the display's DC/reset/backlight) or another program (a
//! `gpio-keys` overlay in `/boot/firmware/config.txt`, a Python script) holds the pin.
//! `gpioinfo` (package `gpiod`) shows who uses which line.
//!
//! ### Presses do nothing
//! Check the wiring with `pinctrl get 17` (Pi OS): it should read `hi` released and `lo`
//! pressed. A button wired to 3.3 V instead of ground needs `pull_up = false` (and an external
//! pull-down) and `active_low = false`.
//!
//! ### One press counts twice, or a release counts as a press
//! The contacts bounce longer than `debounce_ms`; raise it (50 ms suits worn buttons).
//!
//! ### A long press scans instead of skipping
//! The press was shorter than `long_press_ms`; lower it, or hold longer.

mod error;
mod gpio;
mod sim;
mod worker;

pub use error::ButtonError;
pub use gpio::GpioButton;
pub use sim::{NoButton, SimButton};

use tokio::sync::mpsc::UnboundedSender;

use moodbox_core::config::{ButtonConfig, ButtonDriver};
use moodbox_core::press::ButtonEvent;

/// A source of button events; events go to the channel given when it was built, and
/// dropping it stops them.
pub trait Button: Send {
    /// A one-line description for logs and status output.
    fn describe(&self) -> String;
}

/// Builds the button `config` names, delivering its events to `events`.
pub fn open_button(
    config: &ButtonConfig,
    events: UnboundedSender<ButtonEvent>,
) -> Result<Box<dyn Button>, ButtonError> {
    Ok(match config.driver {
        ButtonDriver::Gpio => Box::new(GpioButton::open(config, events)?),
        ButtonDriver::None => Box::new(NoButton),
    })
}
