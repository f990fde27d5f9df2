//! The display worker: a thread that owns the panel (SPI writes block for tens of
//! milliseconds) and always draws the newest screen. A panel that cannot be opened or fails
//! is retried with capped backoff, and the current screen is drawn again once it is back.

use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tracing::{info, warn};

use super::reopen::{DeviceStatus, Reopen};
use crate::hardware::display::{open_display, Display};
use moodbox_core::config::DisplayConfig;
use moodbox_core::screen::Screen;

enum Msg {
    Show(Screen),
    Reconfigure(DisplayConfig),
    Blank,
    Shutdown,
}

pub struct DisplayWorker {
    tx: mpsc::Sender<Msg>,
    thread: Option<JoinHandle<()>>,
    status: DeviceStatus,
}

impl DisplayWorker {
    /// Starts the thread; `drawn` hears of every screen once it is on the panel.
    pub fn start(config: DisplayConfig, drawn: UnboundedSender<Screen>) -> DisplayWorker {
        let (tx, rx) = mpsc::channel();
        let status = DeviceStatus::new();
        let worker = Worker {
            config,
            display: None,
            current: None,
            drawn,
            reopen: Reopen::new("display", status.clone()),
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
        self.status.get()
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
    reopen: Reopen,
}

impl Worker {
    fn run(mut self, rx: mpsc::Receiver<Msg>) {
        self.open();
        while let Ok(next) = self.reopen.recv(&rx) {
            let Some(first) = next else {
                if self.open() {
                    self.draw();
                }
                continue;
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
                        self.reopen.reset();
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

    fn open(&mut self) -> bool {
        match open_display(&self.config) {
            Ok(display) => {
                let size = display.size();
                info!(width = size.width, height = size.height, "display ready");
                let driver = format!("{:?}", self.config.driver).to_lowercase();
                self.reopen
                    .opened(format!("{driver} {}x{}", size.width, size.height));
                self.display = Some(display);
                true
            }
            Err(e) => {
                self.reopen.open_failed(&e);
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
                self.display = None;
                self.reopen.lost(&e);
            }
        }
    }
}
