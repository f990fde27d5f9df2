//! The daemon's shell: the machine, the workers it drives, and the replies still owed.
//! Every input goes to the machine; every action it answers with goes to a worker.

use std::collections::VecDeque;
use std::time::Instant;

use tokio::sync::mpsc::{self, UnboundedReceiver};
use tokio::sync::{broadcast, oneshot};
use tracing::{info, warn};

use moodbox_core::config::Config;
use moodbox_core::machine::{Action, Behaviour, Input, Machine, Timing};
use moodbox_core::player::PlayerEvent;
use moodbox_core::press::ButtonEvent;
use moodbox_core::protocol::{Command, Reply};
use moodbox_core::recommend::QueueRequest;
use moodbox_core::scan::ScanOutcome;
use moodbox_core::screen::Screen;
use moodbox_core::status::ScanAnswer;

use super::display::DisplayWorker;
use super::library::{Library, QueueCause, QueueError, QueueReply};
use super::scanner::{ScanReport, Scanner};
use super::socket::{self, Request};
use super::volume_memory::VolumeMemory;
use super::{DaemonError, DaemonEvent, RunOptions};
use crate::hardware::audio::Player;
use crate::hardware::button::Button;
use crate::vision::VisionPipeline;

/// The channels the loop selects on.
pub(super) struct Inbox {
    pub buttons: UnboundedReceiver<ButtonEvent>,
    pub requests: mpsc::Receiver<Request>,
    pub player: UnboundedReceiver<PlayerEvent>,
    pub drawn: UnboundedReceiver<Screen>,
}

/// Answers on their way from the workers.
#[derive(Default)]
pub(super) struct Pending {
    pub scan: Option<oneshot::Receiver<ScanReport>>,
    pub queue: Option<oneshot::Receiver<QueueReply>>,
    /// `ctl scan` clients waiting for the scan's outcome.
    pub scan_waiters: Vec<oneshot::Sender<Reply>>,
}

/// One worker per device.
pub(super) struct Workers {
    pub scanner: Scanner,
    pub library: Library,
    pub display: DisplayWorker,
    pub player: Player,
    pub button: Button,
}

pub(super) struct Daemon {
    pub config: Config,
    pub machine: Machine,
    pub workers: Workers,
    pub pending: Pending,
    pub events: Option<broadcast::Sender<DaemonEvent>>,
    pub started: Instant,
    /// The volume kept for the next start.
    volume_memory: VolumeMemory,
    server: tokio::task::JoinHandle<()>,
}

impl Daemon {
    pub async fn start(
        config: Config,
        options: &mut RunOptions,
    ) -> Result<(Daemon, Inbox), DaemonError> {
        // The socket first: a second daemon on the same socket stops here, before it touches
        // the camera or the index.
        let listener = socket::bind(&config.daemon.control_socket).await?;
        let vision_config = config.vision.clone();
        let loaded =
            tokio::task::spawn_blocking(move || VisionPipeline::load(&vision_config)).await;
        let vision = match loaded {
            Ok(Ok(vision)) => vision,
            failed => {
                let _ = std::fs::remove_file(&config.daemon.control_socket);
                return Err(match failed {
                    Ok(Err(e)) => DaemonError::Models(e),
                    _ => DaemonError::ModelThread,
                });
            }
        };
        let scanner = Scanner::start(
            config.camera.clone(),
            vision,
            config.daemon.debug_frames_dir.clone(),
        );
        let library = Library::start(config.library.clone(), config.daemon.index_on_start);
        let (drawn_tx, drawn) = mpsc::unbounded_channel();
        install_fonts(&config.display.font_dirs);
        let display = DisplayWorker::start(config.display.clone(), drawn_tx);
        let (player_tx, player) = mpsc::unbounded_channel();
        let player_worker = Player::spawn(&config.audio, player_tx);
        let (button_events, buttons) = options
            .buttons
            .take()
            .unwrap_or_else(mpsc::unbounded_channel);
        let button = Button::start(&config.button, button_events);
        let (requests_tx, requests) = mpsc::channel(16);
        let server = tokio::spawn(socket::serve(listener, requests_tx));
        info!(socket = %config.daemon.control_socket.display(), "control socket ready");
        let volume_memory = VolumeMemory::beside(&config.library.index);
        let start_volume = (config.audio.start_volume.clamp(0.0, 1.0) * 100.0).round() as u8;
        let volume = volume_memory.recall().unwrap_or(start_volume);
        // The machine caps it: a restart never starts louder than max_volume.
        let machine = Machine::configured(
            Timing::from(&config.daemon),
            Behaviour::from_config(&config),
            volume,
        );
        info!(volume = machine.volume(), "volume at start");
        let _ = player_worker.set_volume(f32::from(machine.volume()) / 100.0);
        let daemon = Daemon {
            machine,
            config,
            workers: Workers {
                scanner,
                library,
                display,
                player: player_worker,
                button,
            },
            pending: Pending::default(),
            events: options.events.clone(),
            started: Instant::now(),
            volume_memory,
            server,
        };
        let inbox = Inbox {
            buttons,
            requests,
            player,
            drawn,
        };
        Ok((daemon, inbox))
    }

    pub fn emit(&self, event: DaemonEvent) {
        if let Some(events) = &self.events {
            let _ = events.send(event);
        }
    }

    pub fn next_deadline(&self) -> Option<Instant> {
        self.machine.next_deadline()
    }

    /// The start-up screen.
    pub fn start_screen(&mut self) {
        let actions = self.machine.start(Instant::now());
        self.carry_out(actions.into());
    }

    /// Feeds an input and carries out everything that follows.
    pub fn feed(&mut self, input: Input) {
        let actions = self.machine.handle(input, Instant::now());
        self.carry_out(actions.into());
    }

    pub(super) fn carry_out(&mut self, mut actions: VecDeque<Action>) {
        while let Some(action) = actions.pop_front() {
            self.perform(action);
        }
    }

    /// Hands one action to the worker it is for.
    fn perform(&mut self, action: Action) {
        let w = &self.workers;
        let sent = match action {
            Action::Show(screen) => {
                w.display.show(screen);
                Ok(())
            }
            Action::StartScan => {
                self.pending.scan = Some(w.scanner.scan(self.config.daemon.frames_per_scan));
                self.emit(DaemonEvent::ScanStarted);
                Ok(())
            }
            Action::ChooseQueue(emotion) => {
                self.pending.queue = Some(w.library.recommend(emotion));
                Ok(())
            }
            Action::ChooseMoodQueue { mood, for_emotion } => {
                info!(%mood, "the owner chose the mood");
                let request = QueueRequest {
                    emotion: for_emotion,
                    mood: Some(mood),
                };
                self.pending.queue = Some(w.library.recommend(request));
                Ok(())
            }
            Action::RecordReading(reading) => {
                w.library.record_reading(reading);
                Ok(())
            }
            Action::RememberVolume(volume) => {
                self.volume_memory.remember(volume);
                Ok(())
            }
            Action::Backlight(backlight) => {
                info!(?backlight, "screen light");
                w.display.set_backlight(backlight);
                Ok(())
            }
            Action::PlayQueue(paths) => {
                info!(songs = paths.len(), "playing a new queue");
                w.player.play(paths)
            }
            Action::SkipTrack => w.player.skip(),
            Action::StopPlayback => w.player.stop(),
            Action::SetVolume(v) => w.player.set_volume(v),
            Action::RecordPlay {
                path,
                emotion,
                mood,
            } => {
                w.library.record_play(path, emotion, mood);
                Ok(())
            }
            Action::RecordSkip { path, mood } => {
                w.library.record_skip(path, mood);
                Ok(())
            }
        };
        if let Err(e) = sent {
            warn!(error = %e, "the player stopped");
        }
    }

    pub fn button(&mut self, event: ButtonEvent) {
        info!(?event, "button");
        self.feed(Input::Button(event));
    }

    pub fn command(&mut self, command: Command, reply: oneshot::Sender<Reply>) {
        match command {
            Command::Scan => {
                self.pending.scan_waiters.push(reply);
                self.feed(Input::ScanPressed);
                return;
            }
            Command::Skip => self.feed(Input::SkipPressed),
            Command::Stop => self.feed(Input::StopPressed),
            Command::Volume(v) => self.feed(Input::Volume(v)),
            Command::Mood(mood) => self.feed(Input::MoodChosen(mood)),
            Command::Reindex => self.workers.library.reindex(),
            Command::Status => {
                let _ = reply.send(Reply::status(self.status()));
                return;
            }
        }
        let _ = reply.send(Reply::done());
    }

    pub fn scan_finished(&mut self, report: Option<ScanReport>) {
        let report = report.unwrap_or(ScanReport {
            outcome: ScanOutcome::CameraFailed {
                device: "camera".into(),
                error: "the scan thread stopped".into(),
            },
            frames: 0,
            elapsed: std::time::Duration::ZERO,
        });
        let answer = ScanAnswer::from(&report.outcome);
        info!(outcome = ?answer, frames = report.frames, ms = report.elapsed.as_millis() as u64, "scan finished");
        for waiter in self.pending.scan_waiters.drain(..) {
            let _ = waiter.send(Reply::scan(answer.clone()));
        }
        self.emit(DaemonEvent::ScanFinished(report.clone()));
        self.feed(Input::ScanFinished(report.outcome));
    }

    pub fn queue_ready(&mut self, result: Option<QueueReply>) {
        let result = result.unwrap_or_else(|| {
            Err(QueueError {
                language: String::new(),
                cause: QueueCause::Gone,
            })
        });
        match result {
            Ok(rec) => {
                info!(emotion = %rec.emotion, moods = ?rec.moods, songs = rec.songs.len(), "queue chosen");
                self.emit(DaemonEvent::QueueChosen(rec.clone()));
                self.feed(Input::QueueChosen(rec));
            }
            Err(e) => {
                warn!(error = %e, "no queue");
                self.emit(DaemonEvent::QueueFailed {
                    language: e.language.clone(),
                    reason: e.cause.to_string(),
                });
                self.feed(Input::QueueFailed {
                    language: e.language,
                });
            }
        }
    }

    pub fn player_event(&mut self, event: PlayerEvent) {
        match &event {
            PlayerEvent::TrackStarted { path, .. } => info!(song = %path.display(), "playing"),
            PlayerEvent::TrackFailed { path, error } => {
                warn!(song = %path.display(), %error, "song skipped")
            }
            _ => {}
        }
        self.emit(DaemonEvent::Player(event.clone()));
        let timed_before = self.machine.press_to_first_audio();
        self.feed(Input::Player(event));
        if let (None, Some(took)) = (timed_before, self.machine.press_to_first_audio()) {
            info!(ms = took.as_millis() as u64, "press to first audio");
        }
    }

    /// Stops audio, blanks the display, releases the camera, closes the index.
    pub fn shutdown(self) {
        info!("shutting down");
        super::notify::stopping();
        self.server.abort();
        for waiter in self.pending.scan_waiters {
            let _ = waiter.send(Reply::failure("moodbox is shutting down"));
        }
        let _ = std::fs::remove_file(&self.config.daemon.control_socket);
        let Workers {
            scanner,
            library,
            display,
            player,
            button,
        } = self.workers;
        let _ = player.stop();
        drop(player);
        display.shutdown();
        drop(scanner);
        drop(library);
        drop(button);
        info!("stopped");
    }
}

/// Makes the fonts under `dirs` the display's (found now, each read when a title first
/// needs it); the families found are logged, so a missing CJK package shows in the log.
fn install_fonts(dirs: &[std::path::PathBuf]) {
    use moodbox_core::ui::fonts::{self, FontBook};
    let book = FontBook::from_dirs(dirs);
    let families = book.families();
    if fonts::install(book) {
        info!("display fonts for {families:?}");
    }
}
