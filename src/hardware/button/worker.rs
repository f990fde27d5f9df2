//! The thread that runs a [`PressClassifier`]: edges come in on a channel (from the GPIO
//! interrupt thread or the simulator), events go out on the daemon's tokio channel. It sleeps
//! until the next edge or the classifier's next deadline, so it costs nothing while idle.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tracing::{debug, warn};

use moodbox_core::press::{ButtonEvent, PressClassifier};

/// Messages for the worker.
#[derive(Debug, Clone, Copy)]
pub(crate) enum WorkerMsg {
    /// The line now reads `pressed`, since `at` (CLOCK_MONOTONIC).
    Edge {
        pressed: bool,
        at: Duration,
    },
    /// An already classified event (the control socket's "scan").
    Inject(ButtonEvent),
    Shutdown,
}

/// Owns the classifier thread; dropping it stops and joins the thread.
pub(crate) struct EdgeWorker {
    tx: mpsc::Sender<WorkerMsg>,
    thread: Option<JoinHandle<()>>,
}

/// Edge timestamps further than this from our clock are replaced by our clock's reading
/// (guards against an edge source that stamps with another clock).
const MAX_CLOCK_SKEW: Duration = Duration::from_secs(1);

impl EdgeWorker {
    pub(crate) fn start(
        mut classifier: PressClassifier,
        events: UnboundedSender<ButtonEvent>,
    ) -> EdgeWorker {
        let (tx, rx) = mpsc::channel();
        let thread = thread::Builder::new()
            .name("moodbox-button".into())
            .spawn(move || run(&mut classifier, &rx, &events))
            .expect("spawning the button thread");
        EdgeWorker {
            tx,
            thread: Some(thread),
        }
    }

    /// A sender for edges and injected events (cheap to clone into an interrupt callback).
    pub(crate) fn sender(&self) -> mpsc::Sender<WorkerMsg> {
        self.tx.clone()
    }
}

impl Drop for EdgeWorker {
    fn drop(&mut self) {
        let _ = self.tx.send(WorkerMsg::Shutdown);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// How long past a deadline the worker waits before deciding, so an edge the kernel stamped
/// just before the deadline (but that is still on its way through the interrupt thread) is
/// seen first. Without it a late bounce edge could turn into a phantom press.
const DELIVERY_GRACE: Duration = Duration::from_millis(5);

fn run(
    classifier: &mut PressClassifier,
    rx: &mpsc::Receiver<WorkerMsg>,
    events: &UnboundedSender<ButtonEvent>,
) {
    let send = |event: ButtonEvent| {
        debug!(?event, "button");
        events.send(event).is_ok()
    };
    // Edges are fed in time order, never before the last time the classifier saw.
    let mut last_at = Duration::ZERO;
    loop {
        let msg = match classifier.next_deadline() {
            Some(deadline) => {
                let now = monotonic_now();
                let wake = deadline + DELIVERY_GRACE;
                if wake <= now {
                    last_at = last_at.max(now);
                    if let Some(event) = classifier.poll(last_at) {
                        if !send(event) {
                            return;
                        }
                    }
                    if classifier
                        .next_deadline()
                        .is_some_and(|d| d + DELIVERY_GRACE <= now)
                    {
                        // Cannot happen with a correct classifier; never spin if it does.
                        warn!("button classifier deadline did not advance");
                        thread::sleep(Duration::from_millis(1));
                    }
                    continue;
                }
                rx.recv_timeout(wake - now)
            }
            None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        let delivered = match msg {
            Ok(WorkerMsg::Edge { pressed, at }) => {
                let now = monotonic_now();
                let at = if at.abs_diff(now) > MAX_CLOCK_SKEW {
                    now
                } else {
                    at
                };
                last_at = last_at.max(at);
                classifier.edge(pressed, last_at).is_none_or(send)
            }
            Ok(WorkerMsg::Inject(event)) => send(event),
            Err(RecvTimeoutError::Timeout) => true,
            Ok(WorkerMsg::Shutdown) | Err(RecvTimeoutError::Disconnected) => return,
        };
        if !delivered {
            // The daemon dropped its receiver: nobody listens any more.
            return;
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
