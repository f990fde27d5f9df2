//! A real button's line: a GPIO input through rppal, interrupt-driven on both edges.
//!
//! The interrupt callback (on rppal's interrupt thread) only forwards the edge and its kernel
//! timestamp to the button's worker; debouncing and classification happen there.

use std::time::Duration;

use moodbox_core::config::ButtonConfig;

use super::error::ButtonError;

/// A claimed GPIO pin delivering its edges; dropping it releases the pin.
pub struct GpioLine {
    #[cfg(feature = "gpio")]
    _pin: rppal::gpio::InputPin,
    bcm_pin: u8,
    active_low: bool,
}

impl GpioLine {
    /// Claims BCM `pin_no`, sets its pull resistor as `config` says and calls
    /// `edge(pressed, at)` on every change (`at` on CLOCK_MONOTONIC). Also says whether the
    /// button reads pressed now.
    #[cfg(feature = "gpio")]
    pub fn open(
        pin_no: u8,
        config: &ButtonConfig,
        edge: impl Fn(bool, Duration) + Send + 'static,
    ) -> Result<(GpioLine, bool), ButtonError> {
        use rppal::gpio::{Event, Gpio, Trigger};
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
            tracing::warn!(
                pin = pin_no,
                "the button reads pressed at start-up (held, stuck, or active_low wrong?)"
            );
        }
        input
            .set_async_interrupt(Trigger::Both, None, move |event: Event| {
                let high = event.trigger == Trigger::RisingEdge;
                edge(high != active_low, event.timestamp);
            })
            .map_err(|e| ButtonError::from_gpio(pin_no, e))?;
        let line = GpioLine {
            _pin: input,
            bcm_pin: pin_no,
            active_low,
        };
        Ok((line, pressed_now))
    }

    /// Without GPIO support compiled in, there is no line to claim.
    #[cfg(not(feature = "gpio"))]
    pub fn open(
        pin_no: u8,
        config: &ButtonConfig,
        _edge: impl Fn(bool, Duration) + Send + 'static,
    ) -> Result<(GpioLine, bool), ButtonError> {
        let _ = (pin_no, config.active_low);
        Err(ButtonError::NotBuiltIn)
    }

    pub fn bcm_pin(&self) -> u8 {
        self.bcm_pin
    }

    pub fn active_low(&self) -> bool {
        self.active_low
    }
}
