//! `moodbox ctl status`: the machine's report, with the devices and the library added.

use std::time::Instant;

use moodbox_core::status::{Devices, Status};

use super::shell::Daemon;

impl Daemon {
    pub fn status(&self) -> Status {
        let now = Instant::now();
        let report = self.machine.report(now);
        let w = &self.workers;
        Status {
            state: report.state,
            uptime_s: now.duration_since(self.started).as_secs_f64(),
            last_emotion: report.last_emotion,
            current_song: report.current_song,
            queue_length: report.queue_length,
            languages: self.config.library.languages.clone(),
            volume: report.volume,
            backlight: report.backlight,
            last_scan: report.last_scan,
            devices: Devices {
                camera: w.scanner.camera_status(),
                display: w.display.status(),
                audio: w.player.status(),
                button: w.button.status(),
            },
            library: w.library.status(),
        }
    }
}
