//! Buttons with no hardware: their lines are moved by code (tests, the demo). Edges go through
//! the same worker, debounce and classification as the GPIO buttons'.

use std::thread;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use moodbox_core::backoff::Backoff;
use moodbox_core::config::ButtonConfig;
use moodbox_core::press::ButtonEvent;

use super::worker::{monotonic_now, ButtonMsg, ButtonService, LineKind};
use crate::worker::Worker;

/// A simulated push button.
pub struct SimButton {
    worker: Worker<ButtonMsg>,
    /// The BCM pin of each button, scan button first.
    pins: Vec<u32>,
}

impl SimButton {
    /// A released button classified with `config`'s timing.
    pub fn new(config: &ButtonConfig, events: UnboundedSender<ButtonEvent>) -> SimButton {
        let pins = config
            .buttons()
            .into_iter()
            .map(|(_, pin, _)| pin)
            .collect();
        let config = config.clone();
        let worker = Worker::start("button", Backoff::default(), move |mailbox| {
            ButtonService::new(config, LineKind::Simulated, events, mailbox)
        });
        SimButton { worker, pins }
    }

    /// Sets the scan button's line level now, as one edge of a real button would (bounce
    /// included, if the caller toggles quickly).
    pub fn set_pressed(&self, pressed: bool) {
        self.edge(0, pressed);
    }

    /// Presses the scan button, holds it for `hold` and releases. Blocks for `hold`.
    pub fn press(&self, hold: Duration) {
        self.set_pressed(true);
        thread::sleep(hold);
        self.set_pressed(false);
    }

    /// Presses the button on BCM `pin` for `hold` (blocking), as wired by the config's
    /// `bcm_pin`, `skip_pin`, `volume_up_pin` and `volume_down_pin`. False when no button is
    /// on that pin.
    pub fn press_pin(&self, pin: u32, hold: Duration) -> bool {
        let Some(button) = self.pins.iter().position(|p| *p == pin) else {
            return false;
        };
        self.edge(button, true);
        thread::sleep(hold);
        self.edge(button, false);
        true
    }

    fn edge(&self, button: usize, pressed: bool) {
        let _ = self.worker.send(ButtonMsg::Edge {
            button,
            pressed,
            at: monotonic_now(),
        });
    }

    /// Sends an already classified event, skipping the timing (the control socket's "scan").
    pub fn inject(&self, event: ButtonEvent) {
        let _ = self.worker.send(ButtonMsg::Inject(event));
    }
}
