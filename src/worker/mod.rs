//! One device worker: a thread that owns one device (the camera and its models, the display,
//! the sound card, the music index, the button), takes its messages on a channel, keeps the
//! device open — trying again with capped backoff while it is missing — and reports its state
//! for `status`.
//!
//! The device is created on the worker's own thread ([`Service::open`]), since some cannot move
//! between threads (rodio's output stream, the TF Lite interpreter). The thread sleeps on its
//! channel until a message, a retry or the service's own deadline comes, so an idle box costs
//! nothing. Dropping the [`Worker`] stops the thread and waits for it a bounded time: a device
//! stuck in a system call cannot hang shutdown.

use std::fmt;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use moodbox_core::backoff::Backoff;
use moodbox_core::status::DeviceStatus;
use tracing::{debug, info, warn};

mod bounded;
#[cfg(test)]
mod tests;

pub use bounded::BoundedThread;

/// How long dropping a worker waits for its thread.
pub const STOP_WITHIN: Duration = Duration::from_millis(400);

/// What a worker thread runs: one device and what it does with its messages.
pub trait Service: 'static {
    type Msg: Send + 'static;
    type Error: fmt::Display;

    /// Opens (or reopens) the device; `Ok` carries a one-line description for `status`.
    fn open(&mut self) -> Result<String, Self::Error>;

    /// Lets the device go (before a reopen, and when the worker stops).
    fn close(&mut self);

    /// Handles one message, whether or not the device is open. A service whose device fails
    /// tells `link` ([`Link::lost`]); one that opens it itself tells that too.
    fn handle(&mut self, msg: Self::Msg, link: &mut Link);

    /// When [`Service::on_deadline`] must run next (time-driven services: the button).
    fn next_deadline(&self) -> Option<Instant> {
        None
    }

    fn on_deadline(&mut self, _link: &mut Link) {}

    /// Called once the messages that were waiting have all been handled.
    fn settle(&mut self, _link: &mut Link) {}

    /// The device was opened, or failed to open, or was lost (`link.get()` tells which).
    fn on_change(&mut self, _link: &mut Link) {}
}

/// What travels on a worker's channel.
enum Envelope<M> {
    Msg(M),
    /// Close the device and open it again now (new settings).
    Reopen,
    Stop,
}

/// A sender into a worker's channel, for the threads that feed it (interrupt callbacks, the
/// audio mixer's signals).
pub struct Mailbox<M>(Sender<Envelope<M>>);

impl<M> Clone for Mailbox<M> {
    fn clone(&self) -> Self {
        Mailbox(self.0.clone())
    }
}

impl<M> Mailbox<M> {
    /// Sends `msg`; `false` once the worker has stopped.
    pub fn send(&self, msg: M) -> bool {
        self.0.send(Envelope::Msg(msg)).is_ok()
    }
}

/// The device's state, shared between the worker and its handle: what `status` shows, and
/// whether the first attempt to open it is over.
struct Shared {
    state: Mutex<(DeviceStatus, bool)>,
    changed: Condvar,
}

impl Shared {
    fn get(&self) -> DeviceStatus {
        self.state
            .lock()
            .map(|s| s.0.clone())
            .unwrap_or_else(|_| DeviceStatus::missing("unknown"))
    }

    fn set(&self, status: DeviceStatus) {
        if let Ok(mut s) = self.state.lock() {
            *s = (status, true);
            self.changed.notify_all();
        }
    }
}

/// The worker's thread has stopped: its messages go nowhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the {0} worker has stopped")]
pub struct WorkerGone(pub &'static str);

/// The handle to a worker thread.
pub struct Worker<M> {
    name: &'static str,
    mailbox: Mailbox<M>,
    shared: Arc<Shared>,
    thread: Option<BoundedThread>,
}

impl<M: Send + 'static> Worker<M> {
    /// Starts a thread named `moodbox-<name>` that builds its service with `make` and runs it.
    pub fn start<S, F>(name: &'static str, backoff: Backoff, make: F) -> Worker<M>
    where
        S: Service<Msg = M>,
        F: FnOnce(Mailbox<M>) -> S + Send + 'static,
    {
        let (tx, rx) = mpsc::channel();
        let mailbox = Mailbox(tx);
        let shared = Arc::new(Shared {
            state: Mutex::new((DeviceStatus::missing("not opened yet"), false)),
            changed: Condvar::new(),
        });
        let (own_mailbox, link_shared) = (mailbox.clone(), shared.clone());
        let thread = BoundedThread::spawn(&format!("moodbox-{name}"), move || {
            let service = make(own_mailbox);
            let link = Link {
                name,
                shared: link_shared,
                backoff,
                retry_in: None,
                retry_at: None,
            };
            run(service, link, &rx);
        });
        Worker {
            name,
            mailbox,
            shared,
            thread: Some(thread),
        }
    }

    pub fn send(&self, msg: M) -> Result<(), WorkerGone> {
        self.mailbox
            .0
            .send(Envelope::Msg(msg))
            .map_err(|_| WorkerGone(self.name))
    }

    pub fn mailbox(&self) -> Mailbox<M> {
        self.mailbox.clone()
    }

    /// Closes the device and opens it again at once (after its settings changed).
    pub fn reopen(&self) {
        let _ = self.mailbox.0.send(Envelope::Reopen);
    }

    pub fn status(&self) -> DeviceStatus {
        self.shared.get()
    }

    /// The status once the first attempt to open the device is over, waiting `within` at most.
    pub fn first_status(&self, within: Duration) -> DeviceStatus {
        let Ok(state) = self.shared.state.lock() else {
            return DeviceStatus::missing("unknown");
        };
        match self
            .shared
            .changed
            .wait_timeout_while(state, within, |(_, tried)| !*tried)
        {
            Ok((state, _)) => state.0.clone(),
            Err(_) => DeviceStatus::missing("unknown"),
        }
    }

    /// Stops the thread: its service closes the device. Waits [`STOP_WITHIN`] at most.
    pub fn stop(self) {
        drop(self);
    }
}

impl<M> Drop for Worker<M> {
    fn drop(&mut self) {
        let _ = self.mailbox.0.send(Envelope::Stop);
        if let Some(thread) = self.thread.take() {
            if !thread.join_within(STOP_WITHIN) {
                warn!("the {} thread is still busy; not waiting for it", self.name);
            }
        }
    }
}

/// The worker's side of the device's state: what `status` shows and when to try again.
pub struct Link {
    name: &'static str,
    shared: Arc<Shared>,
    backoff: Backoff,
    /// The wait before the next attempt while the device is missing.
    retry_in: Option<Duration>,
    retry_at: Option<Instant>,
}

impl Link {
    /// Whether the device is open.
    pub fn is_open(&self) -> bool {
        self.retry_at.is_none() && self.get().is_open()
    }

    /// The device opened: no more retries.
    pub fn opened(&mut self, description: String) {
        if self.retry_in.is_some() {
            info!("{} is back: {description}", self.name);
        }
        self.retry_in = None;
        self.retry_at = None;
        self.set(DeviceStatus::open(description));
    }

    /// Opening failed: try again later, each time a little later (the first failure is logged
    /// as a warning, the retries quietly).
    pub fn open_failed(&mut self, error: &dyn fmt::Display) {
        let wait = match self.retry_in {
            None => {
                warn!(error = %error, "{} unavailable; retrying in the background", self.name);
                self.backoff.first
            }
            Some(wait) => {
                let next = self.backoff.next(wait);
                debug!(error = %error, retry_in = ?next, "{} still unavailable", self.name);
                next
            }
        };
        self.schedule(wait);
        self.set(DeviceStatus::missing(error.to_string()));
    }

    /// A working device failed: the service has let it go; reopen soon.
    pub fn lost(&mut self, error: &dyn fmt::Display) {
        warn!(error = %error, "{} failed; reopening it", self.name);
        self.schedule(self.backoff.first);
        self.set(DeviceStatus::missing(error.to_string()));
    }

    /// Reports the outcome of an open the service made itself (e.g. after new settings).
    pub fn report_open<E: fmt::Display>(&mut self, result: Result<String, E>) {
        match result {
            Ok(description) => self.opened(description),
            Err(e) => self.open_failed(&e),
        }
    }

    /// Starts the backoff afresh (new settings deserve a prompt first try and a warning).
    pub fn reset(&mut self) {
        self.retry_in = None;
        self.retry_at = None;
    }

    /// What `status` shows now.
    pub fn get(&self) -> DeviceStatus {
        self.shared.get()
    }

    fn schedule(&mut self, wait: Duration) {
        self.retry_in = Some(wait);
        self.retry_at = Some(Instant::now() + wait);
    }

    fn set(&self, status: DeviceStatus) {
        self.shared.set(status);
    }
}

/// Opens the service's device, recording the outcome.
fn open<S: Service>(service: &mut S, link: &mut Link) {
    link.report_open(service.open());
}

fn run<S: Service>(mut service: S, mut link: Link, rx: &Receiver<Envelope<S::Msg>>) {
    open(&mut service, &mut link);
    service.on_change(&mut link);
    loop {
        let deadline = [link.retry_at, service.next_deadline()]
            .into_iter()
            .flatten()
            .min();
        let first = match deadline {
            Some(at) => match rx.recv_timeout(at.saturating_duration_since(Instant::now())) {
                Ok(envelope) => Some(envelope),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => break,
            },
            None => match rx.recv() {
                Ok(envelope) => Some(envelope),
                Err(_) => break,
            },
        };
        // Everything that queued up is handled before the service settles (a display then
        // draws only the newest screen).
        let mut next = first;
        while let Some(envelope) = next.take() {
            if !step(&mut service, &mut link, envelope) {
                service.close();
                return;
            }
            next = rx.try_recv().ok();
        }
        with_changes(&mut service, &mut link, |service, link| {
            service.settle(link);
            // Due work, also when messages keep arriving: a busy channel must not starve it.
            let now = Instant::now();
            if link.retry_at.is_some_and(|at| at <= now) {
                open(service, link);
            }
            if service.next_deadline().is_some_and(|at| at <= now) {
                service.on_deadline(link);
            }
        });
    }
    service.close();
}

/// Handles one envelope; `false` when the worker must stop.
fn step<S: Service>(service: &mut S, link: &mut Link, envelope: Envelope<S::Msg>) -> bool {
    match envelope {
        Envelope::Msg(msg) => with_changes(service, link, |s, l| s.handle(msg, l)),
        Envelope::Reopen => with_changes(service, link, |s, l| {
            s.close();
            l.reset();
            open(s, l);
        }),
        Envelope::Stop => return false,
    }
    true
}

/// Runs `f`; if the device's state changed, a device that is no longer open is let go and the
/// service hears of the change.
fn with_changes<S: Service>(service: &mut S, link: &mut Link, f: impl FnOnce(&mut S, &mut Link)) {
    let before = link.get();
    f(service, link);
    let after = link.get();
    if after != before {
        if !after.is_open() {
            service.close();
        }
        service.on_change(link);
    }
}
