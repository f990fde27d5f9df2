//! A button with no hardware: its line is moved by code (tests, the demo). Edges go through
//! the same worker, debounce and classification as the GPIO button's.

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
}

impl SimButton {
    /// A released button classified with `config`'s timing.
    pub fn new(config: &ButtonConfig, events: UnboundedSender<ButtonEvent>) -> SimButton {
        let config = config.clone();
        let worker = Worker::start("button", Backoff::default(), move |mailbox| {
            ButtonService::new(config, LineKind::Simulated, events, mailbox)
        });
        SimButton { worker }
    }

    /// Sets the line level now, as one edge of a real button would (bounce included, if the
    /// caller toggles quickly).
    pub fn set_pressed(&self, pressed: bool) {
        let _ = self.worker.send(ButtonMsg::Edge {
            pressed,
            at: monotonic_now(),
        });
    }

    /// Presses, holds for `hold` and releases. Blocks for `hold`.
    pub fn press(&self, hold: Duration) {
        self.set_pressed(true);
        thread::sleep(hold);
        self.set_pressed(false);
    }

    /// Sends an already classified event, skipping the timing (the control socket's "scan").
    pub fn inject(&self, event: ButtonEvent) {
        let _ = self.worker.send(ButtonMsg::Inject(event));
    }
}
