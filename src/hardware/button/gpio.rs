//! The real scan button: a GPIO input through rppal, interrupt-driven on both edges.
//!
//! The interrupt callback (on rppal's interrupt thread) only forwards the edge and its kernel
//! timestamp to the classifier thread; debouncing and classification happen there.

use rppal::gpio::{Event, Gpio, InputPin, Trigger};
use tokio::sync::mpsc::UnboundedSender;
use tracing::{info, warn};

use super::error::ButtonError;
use super::worker::{monotonic_now, EdgeWorker, WorkerMsg};
use super::Button;
use moodbox_core::config::{ButtonConfig, PressTiming};
use moodbox_core::press::{ButtonEvent, PressClassifier};

/// A push button between a GPIO pin and ground (by default).
pub struct GpioButton {
    // Field order matters: the pin (and its interrupt thread) goes before the worker.
    _pin: InputPin,
    _worker: EdgeWorker,
    bcm_pin: u8,
    active_low: bool,
}

impl GpioButton {
    /// Claims `config.bcm_pin`, sets its pull resistor and starts delivering events.
    pub fn open(
        config: &ButtonConfig,
        events: UnboundedSender<ButtonEvent>,
    ) -> Result<GpioButton, ButtonError> {
        let pin_no = config.bcm_pin;
        let gpio = Gpio::new().map_err(|e| ButtonError::from_gpio(pin_no, e))?;
        let pin = gpio
            .get(pin_no)
            .map_err(|e| ButtonError::from_gpio(pin_no, e))?;
        let mut input = if config.pull_up {
            pin.into_input_pullup()
        } else {
            pin.into_input()
        };
        let active_low = config.active_low;
        let pressed_now = input.is_low() == active_low;
        if pressed_now {
            warn!(
                pin = pin_no,
                "the button reads pressed at start-up (held, stuck, or active_low wrong?)"
            );
        }
        let classifier =
            PressClassifier::with_level(PressTiming::from(config), pressed_now, monotonic_now());
        let worker = EdgeWorker::start(classifier, events);
        let edges = worker.sender();
        input
            .set_async_interrupt(Trigger::Both, None, move |event: Event| {
                let high = event.trigger == Trigger::RisingEdge;
                let pressed = high != active_low;
                let _ = edges.send(WorkerMsg::Edge {
                    pressed,
                    at: event.timestamp,
                });
            })
            .map_err(|e| ButtonError::from_gpio(pin_no, e))?;
        info!(
            pin = pin_no,
            pull_up = config.pull_up,
            active_low,
            "scan button ready"
        );
        Ok(GpioButton {
            _pin: input,
            _worker: worker,
            bcm_pin: pin_no,
            active_low,
        })
    }
}

impl Button for GpioButton {
    fn describe(&self) -> String {
        let level = if self.active_low {
            "active low"
        } else {
            "active high"
        };
        format!("GPIO button on BCM {} ({level})", self.bcm_pin)
    }
}
