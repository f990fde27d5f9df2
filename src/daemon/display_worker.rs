//! The display worker: a thread that owns the panel (SPI writes block for tens of
//! milliseconds) and always draws the newest screen. A panel that cannot be opened or fails
//! is retried with capped backoff, and the current screen is drawn again once it is back.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tracing::{debug, info, warn};

use crate::backoff::Backoff;
use crate::hardware::display::{open_display, Display, DisplayConfig, Screen};

enum Msg {
    Show(Screen),
    Reconfigure(DisplayConfig),
    Blank,
    Shutdown,
}

pub struct DisplayWorker {
    tx: mpsc::Sender<Msg>,
    thread: Option<JoinHandle<()>>,
    status: Arc<Mutex<Result<String, String>>>,
}

impl DisplayWorker {
    /// Starts the thread; `drawn` hears of every screen once it is on the panel.
    pub fn start(config: DisplayConfig, drawn: UnboundedSender<Screen>) -> DisplayWorker {
        let (tx, rx) = mpsc::channel();
        let status = Arc::new(Mutex::new(Err("not opened yet".to_string())));
        let worker = Worker {
            config,
            display: None,
            current: None,
            drawn,
            status: status.clone(),
            backoff: Backoff::default(),
            retry_in: None,
        };
        let thread = thread::Builder::new()
            .name("moodbox-display".into())
            .spawn(move || worker.run(rx))
            .expect("spawning the display thread");
        DisplayWorker {
            tx,
            thread: Some(thread),
            status,
        }
    }

    pub fn show(&self, screen: Screen) {
        let _ = self.tx.send(Msg::Show(screen));
    }

    pub fn reconfigure(&self, config: DisplayConfig) {
        let _ = self.tx.send(Msg::Reconfigure(config));
    }

    pub fn status(&self) -> Result<String, String> {
        self.status
            .lock()
            .map(|s| s.clone())
            .unwrap_or_else(|_| Err("unknown".into()))
    }

    /// Blanks the panel and waits up to `wait` for the thread.
    pub fn shutdown(mut self, wait: Duration) {
        let _ = self.tx.send(Msg::Blank);
        let _ = self.tx.send(Msg::Shutdown);
        if let Some(thread) = self.thread.take() {
            super::scanner::join_within(thread, wait, "display");
        }
    }
}

impl Drop for DisplayWorker {
    fn drop(&mut self) {
        let _ = self.tx.send(Msg::Shutdown);
    }
}

struct Worker {
    config: DisplayConfig,
    display: Option<Box<dyn Display>>,
    current: Option<Screen>,
    drawn: UnboundedSender<Screen>,
    status: Arc<Mutex<Result<String, String>>>,
    backoff: Backoff,
    retry_in: Option<Duration>,
}

impl Worker {
    fn run(mut self, rx: mpsc::Receiver<Msg>) {
        self.open();
        loop {
            let first = match self.retry_in {
                Some(wait) => match rx.recv_timeout(wait) {
                    Ok(msg) => msg,
                    Err(RecvTimeoutError::Timeout) => {
                        if self.open() {
                            self.draw();
                        }
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => break,
                },
                None => match rx.recv() {
                    Ok(msg) => msg,
                    Err(_) => break,
                },
            };
            // Only the newest screen matters: skip the ones that queued up behind a slow panel.
            let mut pending = vec![first];
            pending.extend(rx.try_iter());
            let mut redraw = false;
            for msg in pending {
                match msg {
                    Msg::Show(screen) => {
                        self.current = Some(screen);
                        redraw = true;
                    }
                    Msg::Reconfigure(config) => {
                        self.config = config;
                        self.display = None;
                        self.retry_in = None;
                        redraw = self.open();
                    }
                    Msg::Blank => {
                        if let Some(display) = self.display.as_mut() {
                            if let Err(e) = display.blank() {
                                warn!(error = %e, "cannot blank the display");
                            }
                        }
                        redraw = false;
                    }
                    Msg::Shutdown => return,
                }
            }
            if redraw {
                self.draw();
            }
        }
    }

    fn set_status(&self, status: Result<String, String>) {
        if let Ok(mut s) = self.status.lock() {
            *s = status;
        }
    }

    fn open(&mut self) -> bool {
        match open_display(&self.config) {
            Ok(display) => {
                let size = display.size();
                info!(width = size.width, height = size.height, "display ready");
                self.set_status(Ok(format!(
                    "{:?} {}x{}",
                    self.config.driver, size.width, size.height
                )
                .to_lowercase()));
                self.display = Some(display);
                self.retry_in = None;
                true
            }
            Err(e) => {
                let wait = self
                    .retry_in
                    .map_or(self.backoff.first, |w| self.backoff.next(w));
                if self.retry_in.is_none() {
                    warn!(error = %e, "display unavailable; retrying in the background");
                } else {
                    debug!(error = %e, retry_in = ?wait, "display still unavailable");
                }
                self.set_status(Err(e.to_string()));
                self.retry_in = Some(wait);
                false
            }
        }
    }

    fn draw(&mut self) {
        let (Some(display), Some(screen)) = (self.display.as_mut(), self.current.as_ref()) else {
            return;
        };
        match display.show(screen) {
            Ok(()) => {
                let _ = self.drawn.send(screen.clone());
            }
            Err(e) => {
                warn!(error = %e, "display failed; reopening it");
                self.set_status(Err(e.to_string()));
                self.display = None;
                self.retry_in = Some(self.backoff.first);
            }
        }
    }
}
