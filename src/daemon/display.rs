//! The display worker: owns the panel (SPI writes block for tens of milliseconds) and always
//! draws the newest screen, skipping the ones that queued up behind a slow panel. A panel that
//! cannot be opened or fails is retried with capped backoff, and the current screen is drawn
//! again once it is back. It also keeps the screen's light: dimmed, dark or on.

use tokio::sync::mpsc::UnboundedSender;
use tracing::{info, warn};

use moodbox_core::backoff::Backoff;
use moodbox_core::config::DisplayConfig;
use moodbox_core::screen::{Backlight, Screen};
use moodbox_core::status::DeviceStatus;

use crate::hardware::display::{open_display, Display, DisplayError, Light};
use crate::worker::{Link, Service, Worker};

pub enum DisplayMsg {
    Show(Screen),
    Backlight(Backlight),
    Configure(DisplayConfig),
    /// Black, backlight off (at shutdown).
    Blank,
}

/// The handle to the display's worker.
pub struct DisplayWorker {
    worker: Worker<DisplayMsg>,
}

impl DisplayWorker {
    /// Starts the worker; `drawn` hears of every screen once it is on the panel.
    pub fn start(config: DisplayConfig, drawn: UnboundedSender<Screen>) -> DisplayWorker {
        let worker = Worker::start("display", Backoff::default(), move |_| DisplayService {
            config,
            display: None,
            current: None,
            dirty: false,
            backlight: Backlight::On,
            drawn,
        });
        DisplayWorker { worker }
    }

    pub fn show(&self, screen: Screen) {
        let _ = self.worker.send(DisplayMsg::Show(screen));
    }

    /// Dims, darkens or lights the screen (the current screen is drawn again at its light).
    pub fn set_backlight(&self, backlight: Backlight) {
        let _ = self.worker.send(DisplayMsg::Backlight(backlight));
    }

    pub fn configure(&self, config: DisplayConfig) {
        let _ = self.worker.send(DisplayMsg::Configure(config));
    }

    pub fn status(&self) -> DeviceStatus {
        self.worker.status()
    }

    /// Blanks the panel and stops the worker (waiting a bounded time).
    pub fn shutdown(self) {
        let _ = self.worker.send(DisplayMsg::Blank);
    }
}

struct DisplayService {
    config: DisplayConfig,
    display: Option<Box<dyn Display>>,
    current: Option<Screen>,
    /// The current screen is not on the panel yet.
    dirty: bool,
    backlight: Backlight,
    drawn: UnboundedSender<Screen>,
}

impl DisplayService {
    fn light(&self) -> Light {
        match self.backlight {
            Backlight::On => Light::Full,
            Backlight::Dim => Light::Dim(self.config.dim_level),
            Backlight::Off => Light::Dark,
        }
    }
}

impl Service for DisplayService {
    type Msg = DisplayMsg;
    type Error = DisplayError;

    fn open(&mut self) -> Result<String, DisplayError> {
        let mut display = open_display(&self.config)?;
        display.set_light(self.light())?;
        let size = display.size();
        info!(width = size.width, height = size.height, "display ready");
        self.display = Some(display);
        self.dirty = self.current.is_some();
        Ok(format!(
            "{} {}x{}",
            self.config.driver.as_str(),
            size.width,
            size.height
        ))
    }

    fn close(&mut self) {
        self.display = None;
    }

    fn handle(&mut self, msg: DisplayMsg, link: &mut Link) {
        match msg {
            DisplayMsg::Show(screen) => {
                self.current = Some(screen);
                self.dirty = true;
            }
            DisplayMsg::Backlight(backlight) => {
                self.backlight = backlight;
                let light = self.light();
                if let Some(display) = self.display.as_mut() {
                    if let Err(e) = display.set_light(light) {
                        self.display = None;
                        link.lost(&e);
                        return;
                    }
                }
                self.dirty = self.current.is_some();
            }
            DisplayMsg::Configure(config) => {
                self.config = config;
                self.close();
                link.reset();
                link.report_open(self.open());
            }
            DisplayMsg::Blank => {
                if let Some(display) = self.display.as_mut() {
                    if let Err(e) = display.blank() {
                        warn!(error = %e, "cannot blank the display");
                    }
                }
                self.dirty = false;
            }
        }
    }

    fn settle(&mut self, link: &mut Link) {
        if !std::mem::take(&mut self.dirty) {
            return;
        }
        let (Some(display), Some(screen)) = (self.display.as_mut(), self.current.as_ref()) else {
            return;
        };
        match display.show(screen) {
            Ok(()) => {
                let _ = self.drawn.send(screen.clone());
            }
            Err(e) => {
                self.display = None;
                link.lost(&e);
            }
        }
    }
}
