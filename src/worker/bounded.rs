//! A thread that can be waited for a bounded time, without polling.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

/// A thread that can be waited for a bounded time, without polling: it holds a sender whose
/// disconnection (when the thread ends, panicking or not) wakes the waiter.
pub struct BoundedThread {
    handle: JoinHandle<()>,
    ended: Receiver<()>,
}

impl BoundedThread {
    pub fn spawn(name: &str, f: impl FnOnce() + Send + 'static) -> BoundedThread {
        let (alive, ended) = mpsc::channel::<()>();
        let handle = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                let _alive = alive;
                f();
            })
            .unwrap_or_else(|e| panic!("cannot start the {name} thread: {e}"));
        BoundedThread { handle, ended }
    }

    pub fn is_finished(&self) -> bool {
        self.handle.is_finished()
    }

    /// Joins the thread if it ends within `wait`; `false` (and the thread left to end on its
    /// own) otherwise.
    pub fn join_within(self, wait: Duration) -> bool {
        match self.ended.recv_timeout(wait) {
            Err(RecvTimeoutError::Timeout) => false,
            _ => {
                let _ = self.handle.join();
                true
            }
        }
    }
}
