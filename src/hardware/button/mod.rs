//! Scan button: GPIO input (rppal) with debounce and press classification, and a simulator.
//!
//! A short press scans, a long press (default 1 s) skips to the next song, and holding it
//! (default 5 s) stops playback; see [`moodbox_core::press`] for the exact rules, including
//! when each event fires. Events go out on a tokio unbounded channel the daemon selects on.
//!
//! | driver | what it is                                                                  |
//! |--------|-----------------------------------------------------------------------------|
//! | `gpio` | [`GpioLine`]: BCM pin, pull-up and active-low by default, edge interrupts    |
//! | `none` | no button: presses come from the control socket                             |
//!
//! Either runs on a [`Button`] worker. [`SimButton`] injects presses (edges with real timing,
//! or ready-made events) through the same worker, debounce and classification, for tests and
//! the demo.
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
pub use gpio::GpioLine;
pub use sim::SimButton;

use tokio::sync::mpsc::UnboundedSender;

use moodbox_core::backoff::Backoff;
use moodbox_core::config::ButtonConfig;
use moodbox_core::press::ButtonEvent;
use moodbox_core::status::DeviceStatus;

use crate::worker::Worker;
use worker::{ButtonMsg, ButtonService, LineKind};

/// The button `[button]` names, on its worker: a GPIO pin claimed (and claimed again with
/// backoff while it cannot be), or no button at all. Dropping it releases the pin.
pub struct Button {
    worker: Worker<ButtonMsg>,
}

impl Button {
    /// Starts the button `config` names, delivering its events to `events`.
    pub fn start(config: &ButtonConfig, events: UnboundedSender<ButtonEvent>) -> Button {
        let config = config.clone();
        let worker = Worker::start("button", Backoff::default(), move |mailbox| {
            ButtonService::new(config, LineKind::Configured, events, mailbox)
        });
        Button { worker }
    }

    /// New settings: the line is released and the one `config` names claimed.
    pub fn configure(&self, config: &ButtonConfig) {
        let _ = self.worker.send(ButtonMsg::Configure(config.clone()));
    }

    pub fn status(&self) -> DeviceStatus {
        self.worker.status()
    }

    /// The status once the first attempt to open the line is over (at most `within`).
    pub fn first_status(&self, within: std::time::Duration) -> DeviceStatus {
        self.worker.first_status(within)
    }
}
