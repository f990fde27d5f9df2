//! The buttons' worker: runs a [`PressClassifier`] on the edges of each button's line (the
//! GPIO interrupt thread or the simulator sends them) and sends the events, as each button's
//! role makes them, to the daemon's tokio channel. It sleeps until the next edge or a
//! classifier's next deadline, so it costs nothing while idle; GPIO lines that cannot be
//! claimed are tried again with backoff.

use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;
use tracing::{debug, info};

use moodbox_core::config::{ButtonConfig, ButtonDriver, ButtonRole, PressTiming};
use moodbox_core::press::{ButtonEvent, PressClassifier};

use super::error::ButtonError;
use super::gpio::GpioLine;
use crate::worker::{Link, Mailbox, Service};

/// Messages for the button's worker.
#[derive(Debug, Clone)]
pub(crate) enum ButtonMsg {
    /// Button number `button` (in [`ButtonConfig::buttons`] order; 0 is the scan button) now
    /// reads `pressed`, since `at` (CLOCK_MONOTONIC).
    Edge {
        button: usize,
        pressed: bool,
        at: Duration,
    },
    /// An already classified event (the control socket's "scan").
    Inject(ButtonEvent),
    /// New settings: release the lines and claim the ones they name.
    Configure(ButtonConfig),
}

/// Which lines the worker listens to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineKind {
    /// The configured driver: GPIO pins, or none at all.
    Configured,
    /// Edges come from a [`super::SimButton`].
    Simulated,
}

/// Edge timestamps further than this from our clock are replaced by our clock's reading
/// (guards against an edge source that stamps with another clock).
const MAX_CLOCK_SKEW: Duration = Duration::from_secs(1);

/// How long past a deadline the worker waits before deciding, so an edge the kernel stamped
/// just before the deadline (but that is still on its way through the interrupt thread) is
/// seen first. Without it a late bounce edge could turn into a phantom press.
const DELIVERY_GRACE: Duration = Duration::from_millis(5);

/// One button: what it does, its press classifier and, for GPIO, its claimed line.
struct Line {
    role: ButtonRole,
    pin: u32,
    classifier: PressClassifier,
    /// Edges are fed in time order, never before the last time the classifier saw.
    last_at: Duration,
    gpio: Option<GpioLine>,
}

pub(crate) struct ButtonService {
    config: ButtonConfig,
    kind: LineKind,
    lines: Vec<Line>,
    events: UnboundedSender<ButtonEvent>,
    mailbox: Mailbox<ButtonMsg>,
    /// One moment on both clocks, to turn the classifiers' CLOCK_MONOTONIC deadlines into
    /// `Instant`s.
    epoch: (Instant, Duration),
}

impl ButtonService {
    pub(crate) fn new(
        config: ButtonConfig,
        kind: LineKind,
        events: UnboundedSender<ButtonEvent>,
        mailbox: Mailbox<ButtonMsg>,
    ) -> ButtonService {
        ButtonService {
            config,
            kind,
            lines: Vec::new(),
            events,
            mailbox,
            epoch: (Instant::now(), monotonic_now()),
        }
    }

    fn send(&self, event: ButtonEvent) {
        debug!(?event, "button");
        let _ = self.events.send(event);
    }

    /// A line per configured button, each released, none claimed yet.
    fn fresh_lines(&self) -> Vec<Line> {
        let timing = PressTiming::from(&self.config);
        self.config
            .buttons()
            .into_iter()
            .map(|(_, pin, role)| Line {
                role,
                pin,
                classifier: PressClassifier::new(timing),
                last_at: Duration::ZERO,
                gpio: None,
            })
            .collect()
    }

    /// Claims every button's GPIO line; all or none.
    fn open_gpio(&mut self) -> Result<String, ButtonError> {
        let timing = PressTiming::from(&self.config);
        let mut lines = self.fresh_lines();
        for (button, line) in lines.iter_mut().enumerate() {
            let mailbox = self.mailbox.clone();
            let pin = u8::try_from(line.pin).unwrap_or(u8::MAX);
            let (gpio, pressed_now) = GpioLine::open(pin, &self.config, move |pressed, at| {
                mailbox.send(ButtonMsg::Edge {
                    button,
                    pressed,
                    at,
                });
            })?;
            let now = monotonic_now();
            line.classifier = PressClassifier::with_level(timing, pressed_now, now);
            line.last_at = now;
            line.gpio = Some(gpio);
        }
        self.lines = lines;
        let description = self.describe();
        info!(buttons = %description, "buttons ready");
        Ok(description)
    }

    /// `GPIO buttons: scan BCM 5, skip BCM 16 (active low)`.
    fn describe(&self) -> String {
        let pins: Vec<String> = self
            .lines
            .iter()
            .map(|l| format!("{} BCM {}", l.role.as_str(), l.pin))
            .collect();
        let level = if self.config.active_low {
            "active low"
        } else {
            "active high"
        };
        let noun = if self.lines.len() == 1 {
            "GPIO button on"
        } else {
            "GPIO buttons:"
        };
        format!("{noun} {} ({level})", pins.join(", "))
    }

    fn edge(&mut self, button: usize, pressed: bool, at: Duration) {
        let Some(line) = self.lines.get_mut(button) else {
            return;
        };
        let now = monotonic_now();
        let at = if at.abs_diff(now) > MAX_CLOCK_SKEW {
            now
        } else {
            at
        };
        line.last_at = line.last_at.max(at);
        let event = line
            .classifier
            .edge(pressed, line.last_at)
            .map(|e| e.on(line.role));
        if let Some(event) = event {
            self.send(event);
        }
    }
}

impl Service for ButtonService {
    type Msg = ButtonMsg;
    type Error = ButtonError;

    fn open(&mut self) -> Result<String, ButtonError> {
        match (self.kind, self.config.driver) {
            (LineKind::Simulated, _) => {
                self.lines = self.fresh_lines();
                let pins: Vec<String> = self.lines.iter().map(|l| l.pin.to_string()).collect();
                Ok(format!("simulated buttons on BCM {}", pins.join(", ")))
            }
            (LineKind::Configured, ButtonDriver::None) => {
                self.lines.clear();
                Ok("no button (presses come from the control socket)".into())
            }
            (LineKind::Configured, ButtonDriver::Gpio) => self.open_gpio(),
        }
    }

    fn close(&mut self) {
        self.lines.clear();
    }

    fn handle(&mut self, msg: ButtonMsg, link: &mut Link) {
        match msg {
            ButtonMsg::Edge {
                button,
                pressed,
                at,
            } => self.edge(button, pressed, at),
            ButtonMsg::Inject(event) => self.send(event),
            ButtonMsg::Configure(config) => {
                self.close();
                self.config = config;
                link.reset();
                link.report_open(self.open());
            }
        }
    }

    fn next_deadline(&self) -> Option<Instant> {
        let deadline = self
            .lines
            .iter()
            .filter_map(|l| l.classifier.next_deadline())
            .min()?
            + DELIVERY_GRACE;
        let (instant, monotonic) = self.epoch;
        Some(instant + deadline.saturating_sub(monotonic))
    }

    fn on_deadline(&mut self, _link: &mut Link) {
        let now = monotonic_now();
        let mut events = Vec::new();
        for line in &mut self.lines {
            line.last_at = line.last_at.max(now);
            if let Some(event) = line.classifier.poll(line.last_at) {
                events.push(event.on(line.role));
            }
        }
        for event in events {
            self.send(event);
        }
    }
}

/// CLOCK_MONOTONIC, the clock the kernel stamps GPIO line events with.
pub(crate) fn monotonic_now() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}
