//! Keeping a device that may be missing — at boot or later — open from its worker thread:
//! the thread blocks on its message channel while the device works, and wakes with capped
//! backoff to try again while it does not. What `status` reports about the device lives here
//! too.

use std::fmt::Display;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tracing::{debug, warn};

use moodbox_core::backoff::Backoff;

/// `Ok(description)` while the device is open, `Err(why not)` otherwise.
#[derive(Debug, Clone)]
pub struct DeviceStatus(Arc<Mutex<Result<String, String>>>);

impl DeviceStatus {
    pub fn new() -> DeviceStatus {
        DeviceStatus(Arc::new(Mutex::new(Err("not opened yet".into()))))
    }

    pub fn get(&self) -> Result<String, String> {
        self.0
            .lock()
            .map(|s| s.clone())
            .unwrap_or_else(|_| Err("unknown".into()))
    }

    fn set(&self, status: Result<String, String>) {
        if let Ok(mut s) = self.0.lock() {
            *s = status;
        }
    }
}

impl Default for DeviceStatus {
    fn default() -> Self {
        DeviceStatus::new()
    }
}

/// The reopening schedule of one device.
#[derive(Debug)]
pub struct Reopen {
    what: &'static str,
    backoff: Backoff,
    /// The wait before the next attempt while the device is missing.
    wait: Option<Duration>,
    status: DeviceStatus,
}

/// The worker's channel was closed: time to end the thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disconnected;

impl Reopen {
    pub fn new(what: &'static str, status: DeviceStatus) -> Reopen {
        Reopen {
            what,
            backoff: Backoff::default(),
            wait: None,
            status,
        }
    }

    /// The next message; `Ok(None)` when it is time to try the missing device again.
    pub fn recv<T>(&self, rx: &Receiver<T>) -> Result<Option<T>, Disconnected> {
        match self.wait {
            Some(wait) => match rx.recv_timeout(wait) {
                Ok(msg) => Ok(Some(msg)),
                Err(RecvTimeoutError::Timeout) => Ok(None),
                Err(RecvTimeoutError::Disconnected) => Err(Disconnected),
            },
            None => rx.recv().map(Some).map_err(|_| Disconnected),
        }
    }

    pub fn status(&self) -> Result<String, String> {
        self.status.get()
    }

    /// The device is open and working.
    pub fn opened(&mut self, description: String) {
        self.wait = None;
        self.status.set(Ok(description));
    }

    /// Opening failed: try again later, each time a little later (the first failure is
    /// logged as a warning, the retries quietly).
    pub fn open_failed(&mut self, error: &dyn Display) {
        let next = match self.wait {
            None => {
                warn!(error = %error, "{} unavailable; retrying in the background", self.what);
                self.backoff.first
            }
            Some(wait) => {
                let next = self.backoff.next(wait);
                debug!(error = %error, retry_in = ?next, "{} still unavailable", self.what);
                next
            }
        };
        self.wait = Some(next);
        self.status.set(Err(error.to_string()));
    }

    /// A working device failed: close it and reopen soon.
    pub fn lost(&mut self, error: &dyn Display) {
        warn!(error = %error, "{} failed; reopening it", self.what);
        self.wait = Some(self.backoff.first);
        self.status.set(Err(error.to_string()));
    }

    /// New settings: the next attempt is immediate.
    pub fn reset(&mut self) {
        self.wait = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn waits_grow_while_missing_and_stop_once_open() {
        let status = DeviceStatus::new();
        let mut reopen = Reopen::new("camera", status.clone());
        reopen.backoff = Backoff {
            first: Duration::from_millis(1),
            max: Duration::from_millis(4),
        };
        let (tx, rx) = mpsc::channel::<u8>();
        reopen.open_failed(&"no such device");
        assert_eq!(reopen.wait, Some(Duration::from_millis(1)));
        assert_eq!(reopen.recv(&rx), Ok(None), "time to try again");
        reopen.open_failed(&"no such device");
        reopen.open_failed(&"no such device");
        reopen.open_failed(&"no such device");
        assert_eq!(reopen.wait, Some(Duration::from_millis(4)), "capped");
        assert_eq!(status.get(), Err("no such device".into()));
        reopen.opened("/dev/video0".into());
        assert_eq!(status.get(), Ok("/dev/video0".into()));
        tx.send(7).unwrap();
        assert_eq!(
            reopen.recv(&rx),
            Ok(Some(7)),
            "blocks for messages once open"
        );
        drop(tx);
        assert_eq!(reopen.recv(&rx), Err(Disconnected));
    }
}
