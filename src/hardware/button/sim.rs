//! A button with no hardware: presses are injected by code (the control socket, tests, the
//! demo). Edges go through the same debounce and classification as the GPIO button.

use std::thread;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use super::worker::{monotonic_now, EdgeWorker, WorkerMsg};
use super::Button;
use moodbox_core::config::{ButtonConfig, PressTiming};
use moodbox_core::press::{ButtonEvent, PressClassifier};

/// A simulated push button.
pub struct SimButton {
    worker: EdgeWorker,
}

impl SimButton {
    /// A released button classified with `config`'s timing.
    pub fn new(config: &ButtonConfig, events: UnboundedSender<ButtonEvent>) -> SimButton {
        let classifier = PressClassifier::new(PressTiming::from(config));
        SimButton {
            worker: EdgeWorker::start(classifier, events),
        }
    }

    /// Sets the line level now, as one edge of a real button would (bounce included, if the
    /// caller toggles quickly).
    pub fn set_pressed(&self, pressed: bool) {
        let _ = self.worker.sender().send(WorkerMsg::Edge {
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
        let _ = self.worker.sender().send(WorkerMsg::Inject(event));
    }
}

impl Button for SimButton {
    fn describe(&self) -> String {
        "simulated button".into()
    }
}

/// The `none` driver: no physical button at all.
pub struct NoButton;

impl Button for NoButton {
    fn describe(&self) -> String {
        "no button (presses come from the control socket)".into()
    }
}
