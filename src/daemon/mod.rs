//! The daemon: a tokio select loop around the state machine in [`moodbox_core::machine`].
//!
//! Start-up order: config (already checked by the caller), the vision models (fatal if
//! missing, loaded off the async threads), then the devices — camera, display, sound card,
//! music index, button — each on its own [`crate::worker`], each of which may be missing and is
//! retried with capped backoff while the daemon keeps running; then the control socket, then
//! READY=1 to systemd. The loop only moves messages: inputs go to the machine, its actions to
//! the workers (`shell`).
//!
//! Signals: SIGTERM/SIGINT stop audio, blank the display, release the camera, close the
//! index and return; SIGHUP reloads the config file (a broken one is logged and ignored).
//!
//! ## Troubleshooting
//!
//! `journalctl -u moodbox` shows what the daemon found at start (camera, display, sound card,
//! songs) and every scan; `moodbox ctl status` shows the same as JSON.

pub mod display;
pub mod library;
pub mod notify;
mod reload;
pub mod scanner;
mod shell;
pub mod socket;
mod status;
mod volume_memory;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::sync::{broadcast, oneshot};

use moodbox_core::config::Config;
use moodbox_core::machine::Input;
use moodbox_core::player::PlayerEvent;
use moodbox_core::press::ButtonEvent;
use moodbox_core::recommend::Recommendation;
use moodbox_core::screen::Screen;

use crate::vision::ModelError;
pub use scanner::ScanReport;
use shell::Daemon;
use socket::SocketError;

/// Something that happened, for in-process observers (the demo, tests, benchmarks).
#[derive(Debug, Clone)]
pub enum DaemonEvent {
    Ready,
    ScanStarted,
    ScanFinished(ScanReport),
    QueueChosen(Recommendation),
    /// No queue for `language`, and why.
    QueueFailed {
        language: String,
        reason: String,
    },
    Player(PlayerEvent),
    /// A screen is on the display.
    ScreenDrawn(Screen),
}

/// How the daemon is embedded: the CLI's `run` uses the defaults; the demo and tests watch
/// events, press a simulated button and stop it without signals.
#[derive(Default)]
pub struct RunOptions {
    /// The file to re-read on SIGHUP.
    pub config_path: Option<PathBuf>,
    pub events: Option<broadcast::Sender<DaemonEvent>>,
    /// A button event channel to use instead of a fresh one (its sender feeds a `SimButton`).
    pub buttons: Option<(UnboundedSender<ButtonEvent>, UnboundedReceiver<ButtonEvent>)>,
    /// Ends the daemon like SIGTERM does.
    pub shutdown: Option<oneshot::Receiver<()>>,
}

#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    #[error("cannot load the vision models: {0}")]
    Models(#[from] ModelError),
    #[error("loading the vision models crashed")]
    ModelThread,
    #[error(transparent)]
    Socket(#[from] SocketError),
    #[error("cannot install signal handlers: {0}")]
    Signals(std::io::Error),
}

/// Runs the daemon until SIGTERM/SIGINT (or `options.shutdown`).
pub async fn run(config: Config, mut options: RunOptions) -> Result<(), DaemonError> {
    let mut sigterm = signal(SignalKind::terminate()).map_err(DaemonError::Signals)?;
    let mut sigint = signal(SignalKind::interrupt()).map_err(DaemonError::Signals)?;
    let mut sighup = signal(SignalKind::hangup()).map_err(DaemonError::Signals)?;
    let mut shutdown = options.shutdown.take();
    let (mut daemon, mut inbox) = Daemon::start(config, &mut options).await?;
    let watchdog = notify::watchdog_interval();
    let mut watchdog_tick = tokio::time::interval(watchdog.unwrap_or(Duration::from_secs(3600)));
    notify::ready("waiting for the button");
    daemon.emit(DaemonEvent::Ready);
    daemon.start_screen();

    loop {
        let deadline = daemon.next_deadline();
        tokio::select! {
            Some(event) = inbox.buttons.recv() => daemon.button(event),
            Some((command, reply)) = inbox.requests.recv() => daemon.command(command, reply),
            report = async { daemon.pending.scan.as_mut().expect("guarded").await }, if daemon.pending.scan.is_some() => {
                daemon.pending.scan = None;
                daemon.scan_finished(report.ok());
            }
            queue = async { daemon.pending.queue.as_mut().expect("guarded").await }, if daemon.pending.queue.is_some() => {
                daemon.pending.queue = None;
                daemon.queue_ready(queue.ok());
            }
            Some(event) = inbox.player.recv() => daemon.player_event(event),
            Some(screen) = inbox.drawn.recv() => daemon.emit(DaemonEvent::ScreenDrawn(screen)),
            _ = sleep_until(deadline), if deadline.is_some() => daemon.feed(Input::Tick),
            _ = watchdog_tick.tick(), if watchdog.is_some() => notify::watchdog(),
            _ = sighup.recv() => daemon.reload(options.config_path.as_deref()),
            _ = sigterm.recv() => break,
            _ = sigint.recv() => break,
            _ = async { shutdown.as_mut().expect("guarded").await }, if shutdown.is_some() => break,
        }
    }
    let answers_owed = !daemon.pending.scan_waiters.is_empty();
    daemon.shutdown();
    if answers_owed {
        // Let the clients waiting for a scan read their "shutting down" answer.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}
