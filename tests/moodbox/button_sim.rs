//! The simulated button and the GPIO button's set-up on a machine without GPIO.

use std::time::{Duration, Instant};

use moodbox::hardware::button::{Button, SimButton};
use moodbox_core::config::ButtonConfig;
use moodbox_core::config::ButtonDriver;
use moodbox_core::press::ButtonEvent;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

/// Fast timing so the test runs in well under a second per press.
fn quick_config() -> ButtonConfig {
    ButtonConfig {
        debounce_ms: 10,
        long_press_ms: 150,
        stop_hold_ms: 400,
        ..ButtonConfig::default()
    }
}

fn next_event(rx: &mut UnboundedReceiver<ButtonEvent>, within: Duration) -> Option<ButtonEvent> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if let Ok(e) = rx.try_recv() {
            return Some(e);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    None
}

#[test]
fn simulated_presses_are_classified_with_real_timing() {
    let (tx, mut rx) = unbounded_channel();
    let button = SimButton::new(&quick_config(), tx);
    button.press(Duration::from_millis(40));
    assert_eq!(
        next_event(&mut rx, Duration::from_secs(2)),
        Some(ButtonEvent::Scan)
    );
    button.press(Duration::from_millis(250));
    assert_eq!(
        next_event(&mut rx, Duration::from_secs(2)),
        Some(ButtonEvent::Skip)
    );
    assert_eq!(next_event(&mut rx, Duration::from_millis(100)), None);
}

#[test]
fn holding_the_simulated_button_stops_before_release() {
    let (tx, mut rx) = unbounded_channel();
    let button = SimButton::new(&quick_config(), tx);
    button.set_pressed(true);
    assert_eq!(
        next_event(&mut rx, Duration::from_secs(2)),
        Some(ButtonEvent::Stop),
        "stop while held"
    );
    button.set_pressed(false);
    assert_eq!(
        next_event(&mut rx, Duration::from_millis(200)),
        None,
        "release after stop is silent"
    );
}

#[test]
fn quick_toggles_are_bounce_not_presses() {
    let (tx, mut rx) = unbounded_channel();
    // A long debounce, so a busy machine pausing this thread between toggles is still bounce.
    let config = ButtonConfig {
        debounce_ms: 200,
        long_press_ms: 400,
        stop_hold_ms: 800,
        ..ButtonConfig::default()
    };
    let button = SimButton::new(&config, tx);
    for _ in 0..5 {
        button.set_pressed(true);
        button.set_pressed(false);
    }
    assert_eq!(next_event(&mut rx, Duration::from_millis(500)), None);
}

#[test]
fn injected_events_pass_straight_through() {
    let (tx, mut rx) = unbounded_channel();
    let button = SimButton::new(&quick_config(), tx);
    button.inject(ButtonEvent::Scan);
    button.inject(ButtonEvent::Stop);
    assert_eq!(
        next_event(&mut rx, Duration::from_secs(1)),
        Some(ButtonEvent::Scan)
    );
    assert_eq!(
        next_event(&mut rx, Duration::from_secs(1)),
        Some(ButtonEvent::Stop)
    );
}

#[test]
fn dropping_the_button_closes_the_channel() {
    let (tx, mut rx) = unbounded_channel();
    let button = SimButton::new(&quick_config(), tx);
    drop(button);
    assert!(rx.blocking_recv().is_none());
}

#[test]
#[cfg(feature = "gpio")]
fn the_gpio_button_explains_a_missing_gpio() {
    use moodbox::hardware::button::{ButtonError, GpioLine};
    let on_a_pi = std::fs::read_to_string("/proc/device-tree/model")
        .is_ok_and(|m| m.contains("Raspberry Pi"));
    if on_a_pi {
        eprintln!("skipped: this machine is a Raspberry Pi");
        return;
    }
    let err = GpioLine::open(17, &ButtonConfig::default(), |_, _| {})
        .err()
        .expect("no GPIO on a PC");
    assert!(matches!(err, ButtonError::NotAPi { .. }), "{err:?}");
    assert!(err.to_string().contains("driver = \"none\""), "{err}");
}

#[test]
fn the_none_driver_builds_without_hardware() {
    let (tx, _rx) = unbounded_channel();
    let config = ButtonConfig {
        driver: ButtonDriver::None,
        ..ButtonConfig::default()
    };
    let button = Button::start(&config, tx);
    let status = button.first_status(Duration::from_secs(5));
    assert!(
        status.is_open() && status.text().contains("no button"),
        "{status:?}"
    );
}
