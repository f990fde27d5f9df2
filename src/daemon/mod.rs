//! The daemon: a tokio event loop around the state machine in [`state`].
//!
//! Start-up order: config (already checked by the caller), the vision models (fatal if
//! missing), then the devices — camera, display, sound card, button — each of which may be
//! missing and is retried with capped backoff while the daemon keeps running; then the
//! control socket, then READY=1 to systemd. The async threads only move messages: the camera
//! and models, the display, the library index and the player each live on their own thread.
//!
//! Signals: SIGTERM/SIGINT stop audio, blank the display, release the camera, close the
//! index and return; SIGHUP reloads the config file (a broken one is logged and ignored).
//!
//! ## Troubleshooting
//!
//! `journalctl -u moodbox` shows what the daemon found at start (camera, display, sound card,
//! songs) and every scan; `moodbox ctl status` shows the same as JSON.

pub mod display_worker;
pub mod library_worker;
pub mod notify;
pub mod reopen;
pub mod scanner;
pub mod socket;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};
use tokio::sync::{broadcast, oneshot};
use tracing::{info, warn};

use crate::hardware::audio::{Player, PlayerEvent};
use crate::hardware::button::{open_button, Button};
use crate::vision::ModelError;
use display_worker::DisplayWorker;
use library_worker::{LibraryWorker, QueueError};
use moodbox_core::backoff::Backoff;
use moodbox_core::config::Config;
use moodbox_core::machine::{Action, Input, Machine, ScanOutcome};
use moodbox_core::press::ButtonEvent;
use moodbox_core::recommend::Recommendation;
use moodbox_core::screen::Screen;
use scanner::{ScanReport, Scanner};
use socket::{Command, Request, SocketError};

/// Something that happened, for in-process observers (the demo, tests, benchmarks).
#[derive(Debug, Clone)]
pub enum DaemonEvent {
    Ready,
    ScanStarted,
    ScanFinished(ScanReport),
    QueueChosen(Recommendation),
    QueueFailed(QueueError),
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
    #[error(transparent)]
    Socket(#[from] SocketError),
    #[error("cannot install signal handlers: {0}")]
    Signals(std::io::Error),
}

/// How long shutdown waits for each worker thread.
const SHUTDOWN_WAIT: Duration = Duration::from_millis(400);

/// Runs the daemon until SIGTERM/SIGINT (or `options.shutdown`).
pub async fn run(config: Config, mut options: RunOptions) -> Result<(), DaemonError> {
    let mut sigterm = signal(SignalKind::terminate()).map_err(DaemonError::Signals)?;
    let mut sigint = signal(SignalKind::interrupt()).map_err(DaemonError::Signals)?;
    let mut sighup = signal(SignalKind::hangup()).map_err(DaemonError::Signals)?;
    let mut shutdown = options.shutdown.take();
    let (mut daemon, mut channels) = Daemon::start(config, &mut options).await?;
    let watchdog = notify::watchdog_interval();
    let mut watchdog_tick = tokio::time::interval(watchdog.unwrap_or(Duration::from_secs(3600)));
    notify::ready("waiting for the button");
    daemon.emit(DaemonEvent::Ready);
    daemon.feed(None);

    loop {
        let deadline = daemon.machine.next_deadline();
        tokio::select! {
            Some(event) = channels.buttons.recv() => daemon.button(event),
            Some((command, reply)) = channels.requests.recv() => daemon.command(command, reply),
            report = async { daemon.scan_reply.as_mut().expect("guarded").await }, if daemon.scan_reply.is_some() => {
                daemon.scan_reply = None;
                daemon.scan_finished(report.ok());
            }
            queue = async { daemon.queue_reply.as_mut().expect("guarded").await }, if daemon.queue_reply.is_some() => {
                daemon.queue_reply = None;
                daemon.queue_ready(queue.ok());
            }
            Some(event) = channels.player.recv() => daemon.player_event(event),
            Some(screen) = channels.drawn.recv() => daemon.emit(DaemonEvent::ScreenDrawn(screen)),
            _ = sleep_until(deadline), if deadline.is_some() => daemon.feed(Some(Input::Tick)),
            _ = sleep_until(daemon.audio_retry_at), if daemon.audio_retry_at.is_some() => daemon.open_player(),
            _ = watchdog_tick.tick(), if watchdog.is_some() => notify::watchdog(),
            _ = sighup.recv() => daemon.reload(options.config_path.as_deref()),
            _ = sigterm.recv() => break,
            _ = sigint.recv() => break,
            _ = async { shutdown.as_mut().expect("guarded").await }, if shutdown.is_some() => break,
        }
    }
    daemon.shutdown();
    Ok(())
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

/// The channels the loop selects on.
struct Channels {
    buttons: UnboundedReceiver<ButtonEvent>,
    requests: mpsc::Receiver<Request>,
    player: UnboundedReceiver<PlayerEvent>,
    drawn: UnboundedReceiver<Screen>,
}

/// Timings of the last scan, for `status` and the benchmark.
#[derive(Debug, Clone, Default)]
struct ScanTimes {
    pressed: Option<Instant>,
    awaiting_first_audio: bool,
    scan_ms: Option<f64>,
    press_to_first_audio_ms: Option<f64>,
    outcome: Option<Value>,
}

struct Daemon {
    config: Config,
    machine: Machine,
    scanner: Scanner,
    library: LibraryWorker,
    display: DisplayWorker,
    player: Option<Player>,
    player_events: UnboundedSender<PlayerEvent>,
    audio_error: Option<String>,
    audio_retry_at: Option<Instant>,
    audio_retry_wait: Duration,
    volume: u8,
    button: Option<Box<dyn Button>>,
    button_events: UnboundedSender<ButtonEvent>,
    button_error: Option<String>,
    server: tokio::task::JoinHandle<()>,
    scan_reply: Option<oneshot::Receiver<ScanReport>>,
    queue_reply: Option<oneshot::Receiver<Result<Recommendation, QueueError>>>,
    scan_waiters: Vec<oneshot::Sender<Value>>,
    times: ScanTimes,
    events: Option<broadcast::Sender<DaemonEvent>>,
    started: Instant,
}

impl Daemon {
    async fn start(
        config: Config,
        options: &mut RunOptions,
    ) -> Result<(Daemon, Channels), DaemonError> {
        let scanner = Scanner::start(
            config.camera.clone(),
            &config.vision,
            config.daemon.debug_frames_dir.clone(),
        )?;
        let library =
            LibraryWorker::start(config.library.clone(), config.daemon.scan_library_on_start);
        let (drawn_tx, drawn) = mpsc::unbounded_channel();
        let display = DisplayWorker::start(config.display.clone(), drawn_tx);
        let (player_events, player) = mpsc::unbounded_channel();
        let (button_events, buttons) = options
            .buttons
            .take()
            .unwrap_or_else(mpsc::unbounded_channel);
        let listener = socket::bind(&config.daemon.control_socket).await?;
        let (requests_tx, requests) = mpsc::channel(16);
        let server = tokio::spawn(socket::serve(listener, requests_tx));
        info!(socket = %config.daemon.control_socket.display(), "control socket ready");
        let mut daemon = Daemon {
            machine: Machine::new(config.daemon.timing()),
            volume: (config.audio.volume.clamp(0.0, 1.0) * 100.0).round() as u8,
            config,
            scanner,
            library,
            display,
            player: None,
            player_events,
            audio_error: None,
            audio_retry_at: None,
            audio_retry_wait: Backoff::default().first,
            button: None,
            button_events,
            button_error: None,
            server,
            scan_reply: None,
            queue_reply: None,
            scan_waiters: Vec::new(),
            times: ScanTimes::default(),
            events: options.events.clone(),
            started: Instant::now(),
        };
        daemon.open_player();
        daemon.open_button();
        let channels = Channels {
            buttons,
            requests,
            player,
            drawn,
        };
        Ok((daemon, channels))
    }

    fn emit(&self, event: DaemonEvent) {
        if let Some(events) = &self.events {
            let _ = events.send(event);
        }
    }

    /// Feeds an input (or just the start-up screen) and carries out everything that follows.
    fn feed(&mut self, input: Option<Input>) {
        let now = Instant::now();
        let mut inputs: VecDeque<Input> = input.into_iter().collect();
        let mut actions: VecDeque<Action> = if inputs.is_empty() {
            self.machine.start().into()
        } else {
            VecDeque::new()
        };
        loop {
            while let Some(action) = actions.pop_front() {
                if let Some(follow_up) = self.perform(action) {
                    inputs.push_back(follow_up);
                }
            }
            match inputs.pop_front() {
                Some(input) => actions.extend(self.machine.handle(input, now)),
                None => break,
            }
        }
    }

    /// Carries out one action; some answer with an input at once.
    fn perform(&mut self, action: Action) -> Option<Input> {
        match action {
            Action::Show(screen) => self.display.show(screen),
            Action::StartScan => {
                self.scan_reply = Some(self.scanner.scan(self.config.daemon.frames_per_scan));
                self.emit(DaemonEvent::ScanStarted);
            }
            Action::ChooseQueue(emotion) => {
                self.queue_reply = Some(self.library.recommend(emotion))
            }
            Action::PlayQueue(paths) => {
                let Some(player) = &self.player else {
                    return Some(Input::SoundUnavailable {
                        device: self.config.audio.device.clone(),
                    });
                };
                info!(songs = paths.len(), "playing a new queue");
                self.times.awaiting_first_audio = true;
                if let Err(e) = player.play(paths) {
                    warn!(error = %e, "the player stopped");
                    self.player = None;
                    self.schedule_player_retry(e.to_string());
                }
            }
            Action::SkipTrack => self.with_player(|p| p.skip()),
            Action::StopPlayback => self.with_player(|p| p.stop()),
            Action::SetVolume(v) => {
                self.volume = (v * 100.0).round() as u8;
                self.with_player(|p| p.set_volume(v));
            }
            Action::RecordPlay {
                path,
                emotion,
                mood,
            } => self.library.record_play(path, emotion, mood),
            Action::RecordSkip { path, mood } => self.library.record_skip(path, mood),
        }
        None
    }

    fn with_player(
        &mut self,
        f: impl FnOnce(&Player) -> Result<(), crate::hardware::audio::AudioError>,
    ) {
        if let Some(player) = &self.player {
            if let Err(e) = f(player) {
                warn!(error = %e, "the player stopped");
                self.player = None;
                self.schedule_player_retry(e.to_string());
            }
        }
    }

    fn open_player(&mut self) {
        self.audio_retry_at = None;
        let result = tokio::task::block_in_place(|| {
            Player::start(&self.config.audio, self.player_events.clone())
        });
        match result {
            Ok(player) => {
                if self.audio_error.take().is_some() {
                    info!("sound card is back");
                }
                let _ = player.set_volume(f32::from(self.volume) / 100.0);
                self.player = Some(player);
                self.audio_retry_wait = Backoff::default().first;
            }
            Err(e) => {
                if self.audio_error.is_none() {
                    warn!(error = %e, "cannot open the sound card; retrying in the background");
                }
                self.schedule_player_retry(e.to_string());
            }
        }
    }

    fn schedule_player_retry(&mut self, error: String) {
        self.audio_error = Some(error);
        self.audio_retry_at = Some(Instant::now() + self.audio_retry_wait);
        self.audio_retry_wait = Backoff::default().next(self.audio_retry_wait);
    }

    fn open_button(&mut self) {
        self.button = None;
        match open_button(&self.config.button, self.button_events.clone()) {
            Ok(button) => {
                info!(button = %button.describe(), "button ready");
                self.button = Some(button);
                self.button_error = None;
            }
            Err(e) => {
                warn!(error = %e, "no scan button; scans come from `moodbox ctl scan` only");
                self.button_error = Some(e.to_string());
            }
        }
    }

    fn button(&mut self, event: ButtonEvent) {
        info!(?event, "button");
        let input = match event {
            ButtonEvent::Scan => return self.press(),
            ButtonEvent::Skip => Input::SkipPressed,
            ButtonEvent::Stop => Input::StopPressed,
        };
        self.feed(Some(input));
    }

    /// A scan request, from the button or the socket.
    fn press(&mut self) {
        if self.scan_reply.is_none() {
            self.times.pressed = Some(Instant::now());
            self.times.press_to_first_audio_ms = None;
        }
        self.feed(Some(Input::ScanPressed));
    }

    fn command(&mut self, command: Command, reply: oneshot::Sender<Value>) {
        let ok = json!({"ok": true});
        match command {
            Command::Scan => {
                self.scan_waiters.push(reply);
                self.press();
                return;
            }
            Command::Skip => self.feed(Some(Input::SkipPressed)),
            Command::Stop => self.feed(Some(Input::StopPressed)),
            Command::Volume(v) => self.feed(Some(Input::Volume(v))),
            Command::Rescan => self.library.rescan(),
            Command::Status => {
                let _ = reply.send(self.status());
                return;
            }
        }
        let _ = reply.send(ok);
    }

    fn scan_finished(&mut self, report: Option<ScanReport>) {
        let report = report.unwrap_or(ScanReport {
            outcome: ScanOutcome::CameraFailed {
                device: "camera".into(),
                error: "the scan thread stopped".into(),
            },
            frames: 0,
            elapsed: Duration::ZERO,
        });
        let answer = scan_answer(&report.outcome);
        info!(outcome = %answer, frames = report.frames, ms = report.elapsed.as_millis() as u64, "scan finished");
        self.times.scan_ms = Some(report.elapsed.as_secs_f64() * 1000.0);
        self.times.outcome = Some(answer.clone());
        if !matches!(report.outcome, ScanOutcome::Mood(_)) {
            self.times.pressed = None;
        }
        for waiter in self.scan_waiters.drain(..) {
            let _ = waiter.send(answer.clone());
        }
        self.emit(DaemonEvent::ScanFinished(report.clone()));
        self.feed(Some(Input::ScanFinished(report.outcome)));
    }

    fn queue_ready(&mut self, result: Option<Result<Recommendation, QueueError>>) {
        let result = result.unwrap_or_else(|| {
            Err(QueueError {
                language: String::new(),
                error: "the library thread stopped".into(),
            })
        });
        match result {
            Ok(rec) => {
                info!(emotion = %rec.emotion, moods = ?rec.moods, songs = rec.songs.len(), "queue chosen");
                self.emit(DaemonEvent::QueueChosen(rec.clone()));
                self.feed(Some(Input::QueueChosen(rec)));
            }
            Err(e) => {
                warn!(error = %e.error, "no queue");
                self.times.pressed = None;
                self.emit(DaemonEvent::QueueFailed(e.clone()));
                self.feed(Some(Input::QueueFailed {
                    language: e.language,
                    error: e.error,
                }));
            }
        }
    }

    fn player_event(&mut self, event: PlayerEvent) {
        match &event {
            PlayerEvent::FirstSample { at, .. } if self.times.awaiting_first_audio => {
                self.times.awaiting_first_audio = false;
                if let Some(pressed) = self.times.pressed.take() {
                    let ms = at.saturating_duration_since(pressed).as_secs_f64() * 1000.0;
                    info!(ms = ms.round() as u64, "press to first audio");
                    self.times.press_to_first_audio_ms = Some(ms);
                }
            }
            PlayerEvent::TrackStarted { path, .. } => info!(song = %path.display(), "playing"),
            PlayerEvent::TrackFailed { path, error } => {
                warn!(song = %path.display(), %error, "song skipped")
            }
            _ => {}
        }
        self.emit(DaemonEvent::Player(event.clone()));
        self.feed(Some(Input::Player(event)));
    }

    fn status(&self) -> Value {
        let now = Instant::now();
        let mood = self.machine.last_mood().map(|m| {
            json!({"emotion": m.emotion, "confidence": m.confidence, "faces": m.faces, "probs": m.probs.to_json()})
        });
        let song = self.machine.now_playing().map(|np| {
            json!({
                "path": np.song.path, "title": np.song.title, "artist": np.song.artist,
                "language": np.song.language, "mood": np.song.mood.as_str(), "for_emotion": np.for_emotion,
                "elapsed_s": now.saturating_duration_since(np.started).as_secs_f64(),
                "duration_s": np.duration.map(|d| d.as_secs_f64()).or(np.song.duration_s),
            })
        });
        let device = |status: Result<String, String>| match status {
            Ok(detail) => json!({"ok": true, "detail": detail}),
            Err(error) => json!({"ok": false, "error": error}),
        };
        let audio = match (&self.player, &self.audio_error) {
            (Some(p), _) => Ok(p.describe().to_string()),
            (None, Some(e)) => Err(e.clone()),
            (None, None) => Err("not opened".to_string()),
        };
        let button = match (&self.button, &self.button_error) {
            (Some(b), _) => Ok(b.describe()),
            (None, e) => Err(e.clone().unwrap_or_default()),
        };
        json!({
            "ok": true,
            "state": self.machine.phase(now),
            "uptime_s": now.duration_since(self.started).as_secs_f64(),
            "last_emotion": mood,
            "current_song": song,
            "queue_length": self.machine.queue_remaining(),
            "languages": self.config.library.languages,
            "volume": self.volume,
            "last_scan": {
                "outcome": self.times.outcome,
                "scan_ms": self.times.scan_ms,
                "press_to_first_audio_ms": self.times.press_to_first_audio_ms,
            },
            "devices": {
                "camera": device(self.scanner.camera_status()),
                "display": device(self.display.status()),
                "audio": device(audio),
                "button": device(button),
            },
            "library": self.library.status(),
        })
    }

    /// SIGHUP: re-read the config; a broken file keeps the running config.
    fn reload(&mut self, path: Option<&std::path::Path>) {
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
            self.machine.set_timing(new.daemon.timing());
        }
        let debug_frames_changed = new.daemon.debug_frames_dir != old.daemon.debug_frames_dir;
        if new.camera != old.camera || new.vision != old.vision || debug_frames_changed {
            let debug_frames_dir = new.daemon.debug_frames_dir.clone();
            if let Err(e) =
                self.scanner
                    .reconfigure(new.camera.clone(), &new.vision, debug_frames_dir)
            {
                warn!(error = %e, "new vision settings not applied");
            }
        }
        if new.library != old.library {
            self.library.reconfigure(new.library.clone());
        }
        if new.display != old.display {
            self.display.reconfigure(new.display.clone());
        }
        if new.button != old.button {
            self.open_button();
        }
        if new.audio != old.audio {
            self.feed(Some(Input::StopPressed));
            self.player = None;
            self.open_player();
        }
    }

    /// Stops audio, blanks the display, releases the camera, closes the index.
    fn shutdown(self) {
        info!("shutting down");
        notify::stopping();
        self.server.abort();
        let _ = std::fs::remove_file(&self.config.daemon.control_socket);
        if let Some(player) = &self.player {
            let _ = player.stop();
        }
        drop(self.player);
        self.display.shutdown(SHUTDOWN_WAIT);
        self.scanner.shutdown(SHUTDOWN_WAIT);
        self.library.shutdown(SHUTDOWN_WAIT);
        info!("stopped");
    }
}

/// The `scan` command's answer.
fn scan_answer(outcome: &ScanOutcome) -> Value {
    match outcome {
        ScanOutcome::Mood(m) => json!({
            "ok": true, "outcome": "mood", "emotion": m.emotion, "confidence": m.confidence,
            "faces": m.faces, "probs": m.probs.to_json(),
        }),
        ScanOutcome::NoFace { too_dark: true } => json!({"ok": true, "outcome": "too_dark"}),
        ScanOutcome::NoFace { too_dark: false } => json!({"ok": true, "outcome": "no_face"}),
        ScanOutcome::CameraFailed { device, error } => {
            json!({"ok": false, "outcome": "no_camera", "device": device, "error": error})
        }
    }
}
