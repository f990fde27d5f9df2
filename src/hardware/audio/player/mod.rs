//! The music player: a [`Worker`] that owns the output device (rodio's cpal stream must be
//! created on the thread that uses it and never move), driven by commands and reporting what
//! happens as [`PlayerEvent`]s on the daemon's tokio channel.
//!
//! Each song goes on the output's mixer with its own controls (see [`super::control`]), so
//! skipping or stopping is dropping that song's handle. A song that cannot be opened or
//! decoded is reported and skipped; the queue goes on. When the device fails, playback
//! pauses: the output is closed and reopened by name with capped exponential backoff (0.5 s
//! doubling to 8 s), and the interrupted song resumes where it was. A queue sent while no
//! output was ever opened is answered with [`PlayerEvent::Unavailable`].

mod service;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tracing::info;

use moodbox_core::backoff::Backoff;
use moodbox_core::config::AudioConfig;
pub use moodbox_core::player::{EndReason, PlayerEvent};
use moodbox_core::status::DeviceStatus;

use super::error::AudioError;
use super::output::{opener_for, Opener};
use crate::worker::Worker;
use service::{PlayerMsg, PlayerService};

/// Commands the player takes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Command {
    Play(Vec<PathBuf>),
    Append(Vec<PathBuf>),
    Skip,
    Pause,
    Resume,
    Stop,
    SetVolume(f32),
    /// How long the first song of a queue takes to rise from silence.
    SetFadeIn(Duration),
}

/// Waits between attempts to reopen a lost sound card: half a second, doubling up to 8 s.
const REOPEN_BACKOFF: Backoff = Backoff {
    first: Duration::from_millis(500),
    max: Duration::from_secs(8),
};

/// Handle to the player's worker. Dropping it stops playback and the thread.
pub struct Player {
    worker: Worker<PlayerMsg>,
}

impl Player {
    /// A player for the output `config` names, opened in the background and reopened while it
    /// is missing (the daemon: a sound card may come later).
    pub fn spawn(config: &AudioConfig, events: UnboundedSender<PlayerEvent>) -> Player {
        let opener = opener_for(config).unwrap_or_else(|e| Box::new(move |_| Err(e.clone())));
        let player =
            Player::with_opener(opener, config.device.clone(), events, REOPEN_BACKOFF, None);
        let _ = player.set_volume(config.start_volume.min(config.max_volume));
        let _ = player.send(Command::SetFadeIn(fade_in(config)));
        player
    }

    /// Opens the output `config` names, failing (naming the device and the available ones)
    /// when it cannot.
    pub fn start(
        config: &AudioConfig,
        events: UnboundedSender<PlayerEvent>,
    ) -> Result<Player, AudioError> {
        let opener = opener_for(config)?;
        let (ready_tx, ready) = mpsc::sync_channel(1);
        let player = Player::with_opener(
            opener,
            config.device.clone(),
            events,
            REOPEN_BACKOFF,
            Some(ready_tx),
        );
        match ready.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(e),
            Err(_) => return Err(AudioError::PlayerGone),
        }
        player.set_volume(config.start_volume.min(config.max_volume))?;
        player.send(Command::SetFadeIn(fade_in(config)))?;
        info!(output = %player.describe(), "audio player ready");
        Ok(player)
    }

    /// Starts the worker with a given output opener (tests inject failing outputs); `ready`
    /// hears how the first open went.
    pub(crate) fn with_opener(
        opener: Opener,
        device: String,
        events: UnboundedSender<PlayerEvent>,
        backoff: Backoff,
        ready: Option<mpsc::SyncSender<Result<(), AudioError>>>,
    ) -> Player {
        let worker = Worker::start("audio", backoff, move |mailbox| {
            PlayerService::new(opener, device, events, mailbox, ready)
        });
        Player { worker }
    }

    /// Replaces the queue with `paths` and starts the first.
    pub fn play(&self, paths: Vec<PathBuf>) -> Result<(), AudioError> {
        self.send(Command::Play(paths))
    }

    /// Adds `paths` to the end of the queue (starting playback if idle).
    pub fn append(&self, paths: Vec<PathBuf>) -> Result<(), AudioError> {
        self.send(Command::Append(paths))
    }

    /// Ends the current song and goes to the next.
    pub fn skip(&self) -> Result<(), AudioError> {
        self.send(Command::Skip)
    }

    pub fn pause(&self) -> Result<(), AudioError> {
        self.send(Command::Pause)
    }

    pub fn resume(&self) -> Result<(), AudioError> {
        self.send(Command::Resume)
    }

    /// Ends the current song and clears the queue.
    pub fn stop(&self) -> Result<(), AudioError> {
        self.send(Command::Stop)
    }

    /// Sets the volume, 0.0 to 1.0 (values outside are clamped).
    pub fn set_volume(&self, volume: f32) -> Result<(), AudioError> {
        let volume = if volume.is_finite() {
            volume.clamp(0.0, 1.0)
        } else {
            1.0
        };
        self.send(Command::SetVolume(volume))
    }

    /// New audio settings: the output is closed and the one `config` names opened.
    pub fn configure(&self, config: &AudioConfig) {
        let device = config.device.clone();
        let opener = opener_for(config).unwrap_or_else(|e| Box::new(move |_| Err(e.clone())));
        let _ = self.worker.send(PlayerMsg::Configure { opener, device });
        let _ = self.send(Command::SetFadeIn(fade_in(config)));
    }

    /// The output as opened, e.g. `"ALSA default (44100 Hz, 2 ch, f32)"`, or why there is none.
    pub fn describe(&self) -> String {
        self.status().text().to_string()
    }

    pub fn status(&self) -> DeviceStatus {
        self.worker.status()
    }

    fn send(&self, command: Command) -> Result<(), AudioError> {
        self.worker
            .send(PlayerMsg::Command(command))
            .map_err(|_| AudioError::PlayerGone)
    }
}

/// The configured fade-in (none for a value out of range; `check` reports those).
fn fade_in(config: &AudioConfig) -> Duration {
    let seconds = config.fade_in_seconds;
    if seconds.is_finite() && seconds > 0.0 {
        Duration::from_secs_f32(seconds.min(30.0))
    } else {
        Duration::ZERO
    }
}
