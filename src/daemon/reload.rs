//! SIGHUP: re-read the config file and hand each changed section to its worker. A broken file
//! keeps the running config.

use std::path::Path;

use tracing::{info, warn};

use moodbox_core::config::Config;
use moodbox_core::machine::{Behaviour, Input, Timing};

use super::notify;
use super::shell::Daemon;

impl Daemon {
    pub fn reload(&mut self, path: Option<&Path>) {
        let Some(path) = path else {
            warn!("SIGHUP ignored: the daemon was not started from a config file");
            return;
        };
        notify::reloading();
        match Config::load(path) {
            Err(e) => warn!("config not reloaded, keeping the running one: {e}"),
            Ok(new) => self.apply(new),
        }
        notify::status("running");
        // READY=1 ends the "reloading" state for systemd.
        notify::ready("running");
    }

    fn apply(&mut self, new: Config) {
        let old = std::mem::replace(&mut self.config, new.clone());
        info!("config reloaded");
        if new.daemon.control_socket != old.daemon.control_socket {
            warn!("a new control_socket takes effect at the next restart");
        }
        if new.daemon != old.daemon {
            self.machine.set_timing(Timing::from(&new.daemon));
        }
        // The chooser, the volume cap and the screen's sleep (a lower cap turns the box down).
        let actions = self.machine.set_behaviour(Behaviour::from_config(&new));
        self.carry_out(actions.into());
        let debug_frames_changed = new.daemon.debug_frames_dir != old.daemon.debug_frames_dir;
        if new.camera != old.camera || new.vision != old.vision || debug_frames_changed {
            self.workers.scanner.configure(
                new.camera.clone(),
                new.vision.clone(),
                new.daemon.debug_frames_dir.clone(),
            );
        }
        if new.library != old.library {
            self.workers.library.configure(new.library.clone());
        } else if new.daemon.index_on_start {
            self.workers.library.reindex();
        }
        if new.display != old.display {
            self.workers.display.configure(new.display.clone());
        }
        if new.button != old.button {
            self.workers.button.configure(&new.button);
        }
        if new.audio != old.audio {
            self.feed(Input::StopPressed);
            self.workers.player.configure(&new.audio);
            let volume = f32::from(self.machine.volume()) / 100.0;
            if let Err(e) = self.workers.player.set_volume(volume) {
                warn!(error = %e, "the player stopped");
            }
        }
    }
}
