//! The button's worker: runs a [`PressClassifier`] on the edges of its line (the GPIO
//! interrupt thread or the simulator sends them) and sends the events to the daemon's tokio
//! channel. It sleeps until the next edge or the classifier's next deadline, so it costs
//! nothing while idle; a GPIO line that cannot be claimed is tried again with backoff.

use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;
use tracing::{debug, info};

use moodbox_core::config::{ButtonConfig, ButtonDriver, PressTiming};
use moodbox_core::press::{ButtonEvent, PressClassifier};

use super::error::ButtonError;
use super::gpio::GpioLine;
use crate::worker::{Link, Mailbox, Service};

/// Messages for the button's worker.
#[derive(Debug, Clone)]
pub(crate) enum ButtonMsg {
    /// The line now reads `pressed`, since `at` (CLOCK_MONOTONIC).
    Edge { pressed: bool, at: Duration },
    /// An already classified event (the control socket's "scan").
    Inject(ButtonEvent),
    /// New settings: release the line and claim the one they name.
    Configure(ButtonConfig),
}

/// Which line the worker listens to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineKind {
    /// The configured driver: a GPIO pin, or none at all.
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

pub(crate) struct ButtonService {
    config: ButtonConfig,
    kind: LineKind,
    classifier: PressClassifier,
    /// Edges are fed in time order, never before the last time the classifier saw.
    last_at: Duration,
    gpio: Option<GpioLine>,
    events: UnboundedSender<ButtonEvent>,
    mailbox: Mailbox<ButtonMsg>,
    /// One moment on both clocks, to turn the classifier's CLOCK_MONOTONIC deadlines into
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
            classifier: PressClassifier::new(PressTiming::from(&config)),
            config,
            kind,
            last_at: Duration::ZERO,
            gpio: None,
            events,
            mailbox,
            epoch: (Instant::now(), monotonic_now()),
        }
    }

    fn send(&self, event: ButtonEvent) {
        debug!(?event, "button");
        let _ = self.events.send(event);
    }
}

impl Service for ButtonService {
    type Msg = ButtonMsg;
    type Error = ButtonError;

    fn open(&mut self) -> Result<String, ButtonError> {
        let timing = PressTiming::from(&self.config);
        match (self.kind, self.config.driver) {
            (LineKind::Simulated, _) => {
                self.classifier = PressClassifier::new(timing);
                Ok("simulated button".into())
            }
            (LineKind::Configured, ButtonDriver::None) => {
                Ok("no button (presses come from the control socket)".into())
            }
            (LineKind::Configured, ButtonDriver::Gpio) => {
                let mailbox = self.mailbox.clone();
                let (line, pressed_now) = GpioLine::open(&self.config, move |pressed, at| {
                    mailbox.send(ButtonMsg::Edge { pressed, at });
                })?;
                let now = monotonic_now();
                self.classifier = PressClassifier::with_level(timing, pressed_now, now);
                self.last_at = now;
                let description = line.describe();
                info!(button = %description, "scan button ready");
                self.gpio = Some(line);
                Ok(description)
            }
        }
    }

    fn close(&mut self) {
        self.gpio = None;
    }

    fn handle(&mut self, msg: ButtonMsg, link: &mut Link) {
        match msg {
            ButtonMsg::Edge { pressed, at } => {
                let now = monotonic_now();
                let at = if at.abs_diff(now) > MAX_CLOCK_SKEW {
                    now
                } else {
                    at
                };
                self.last_at = self.last_at.max(at);
                if let Some(event) = self.classifier.edge(pressed, self.last_at) {
                    self.send(event);
                }
            }
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
        let deadline = self.classifier.next_deadline()? + DELIVERY_GRACE;
        let (instant, monotonic) = self.epoch;
        Some(instant + deadline.saturating_sub(monotonic))
    }

    fn on_deadline(&mut self, _link: &mut Link) {
        self.last_at = self.last_at.max(monotonic_now());
        if let Some(event) = self.classifier.poll(self.last_at) {
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
