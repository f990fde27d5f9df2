//! The player's side of its worker thread: the queue, the song on the output, and what to do
//! when the output fails and comes back.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use rodio::Source;
use tokio::sync::mpsc::UnboundedSender;
use tracing::{debug, info, warn};

use moodbox_core::player::{EndReason, PlayerEvent};

use super::Command;
use crate::hardware::audio::control::{controlled, SongHandle};
use crate::hardware::audio::error::AudioError;
use crate::hardware::audio::output::{FaultFn, Opener, OutputDevice};
use crate::hardware::audio::track::{open_track, SignalFn, TrackSignal, TrackSource};
use crate::hardware::audio::volume::VolumeStage;
use crate::worker::{Link, Mailbox, Service};

/// Everything the player's worker receives.
pub(crate) enum PlayerMsg {
    Command(Command),
    Track(TrackSignal),
    /// A fault from the output opened as number `generation` (older outputs are ignored).
    DeviceFault {
        generation: u64,
        error: String,
    },
    /// New settings: another output.
    Configure {
        opener: Opener,
        device: String,
    },
}

type FirstOpen = (
    mpsc::SyncSender<Result<(), AudioError>>,
    Result<(), AudioError>,
);

/// The song on the output now.
struct Current {
    id: u64,
    path: PathBuf,
    handle: SongHandle,
}

pub(crate) struct PlayerService {
    opener: Opener,
    output: Option<Box<dyn OutputDevice>>,
    /// The device name events use.
    device: String,
    events: UnboundedSender<PlayerEvent>,
    mailbox: Mailbox<PlayerMsg>,
    /// Hears how the first open went (`Player::start`).
    ready: Option<mpsc::SyncSender<Result<(), AudioError>>>,
    /// That answer, until the worker has recorded the outcome.
    first_open: Option<FirstOpen>,
    queue: VecDeque<PathBuf>,
    current: Option<Current>,
    paused: bool,
    /// The volume, on the card's control or in the samples.
    volume: VolumeStage,
    /// How long a song takes to rise from silence when playback starts.
    fade_in: Duration,
    /// The next song starts playback from silence (it fades in).
    from_silence: bool,
    next_id: u64,
    /// Counts outputs opened, to tell their faults apart.
    generation: u64,
    /// Something was asked to play since the last `QueueFinished`.
    session: bool,
    /// An output was open once: a queue waits for it to come back rather than fail.
    ever_opened: bool,
    /// The device was lost; its return is announced.
    lost: bool,
    /// The song the loss interrupted, and where.
    resume: Option<(PathBuf, Duration)>,
}

impl PlayerService {
    pub(crate) fn new(
        opener: Opener,
        device: String,
        events: UnboundedSender<PlayerEvent>,
        mailbox: Mailbox<PlayerMsg>,
        ready: Option<mpsc::SyncSender<Result<(), AudioError>>>,
    ) -> PlayerService {
        PlayerService {
            opener,
            output: None,
            device,
            events,
            mailbox,
            ready,
            first_open: None,
            queue: VecDeque::new(),
            current: None,
            paused: false,
            volume: VolumeStage::default(),
            fade_in: Duration::ZERO,
            from_silence: false,
            next_id: 0,
            generation: 0,
            session: false,
            ever_opened: false,
            lost: false,
            resume: None,
        }
    }

    fn emit(&self, event: PlayerEvent) {
        let _ = self.events.send(event);
    }

    fn command(&mut self, command: Command, link: &mut Link) {
        debug!(?command, "player command");
        match command {
            Command::Play(paths) if !self.ever_opened && self.output.is_none() => {
                warn!(device = %self.device, songs = paths.len(), "no sound card; the queue is dropped");
                self.emit(PlayerEvent::Unavailable {
                    device: self.device.clone(),
                });
            }
            Command::Play(paths) => {
                self.end_current(EndReason::Stopped);
                self.resume = None;
                self.queue = paths.into();
                self.session |= !self.queue.is_empty();
                self.paused = false;
                self.from_silence = true;
                self.start_next(link);
            }
            Command::Append(paths) => {
                self.session |= !paths.is_empty();
                self.queue.extend(paths);
                if self.current.is_none() {
                    self.from_silence = true;
                    self.start_next(link);
                }
            }
            Command::Skip => {
                if self.current.is_some() {
                    self.end_current(EndReason::Skipped);
                    self.start_next(link);
                }
            }
            Command::Pause => {
                if let (Some(current), false) = (&self.current, self.paused) {
                    current.handle.pause();
                    self.paused = true;
                    self.set_output_active(false, link);
                }
            }
            Command::Resume => {
                if self.paused {
                    self.paused = false;
                    if let Some(current) = &self.current {
                        current.handle.play();
                        self.set_output_active(true, link);
                    }
                }
            }
            Command::Stop => {
                self.end_current(EndReason::Stopped);
                self.resume = None;
                self.queue.clear();
                self.paused = false;
                self.session = false;
                self.set_output_active(false, link);
            }
            Command::SetVolume(volume) => {
                self.volume.set(volume);
                self.apply_gain();
            }
            Command::SetFadeIn(fade) => self.fade_in = fade,
        }
    }

    fn track_signal(&mut self, signal: TrackSignal, link: &mut Link) {
        let current_id = self.current.as_ref().map(|c| c.id);
        match signal {
            TrackSignal::FirstSample { id, at } if Some(id) == current_id => {
                if let Some(c) = &self.current {
                    self.emit(PlayerEvent::FirstSample {
                        path: c.path.clone(),
                        at,
                    });
                }
            }
            TrackSignal::Finished { id } if Some(id) == current_id => {
                self.end_current(EndReason::Finished);
                self.start_next(link);
            }
            TrackSignal::Dropped { id } if Some(id) == current_id => {
                warn!("the output dropped the current song before its end; going on");
                self.end_current(EndReason::Finished);
                self.start_next(link);
            }
            TrackSignal::Crashed { id, error } if Some(id) == current_id => {
                if let Some(c) = self.current.take() {
                    warn!(file = %c.path.display(), %error, "song failed while playing; skipping it");
                    self.emit(PlayerEvent::TrackFailed {
                        path: c.path,
                        error,
                    });
                }
                self.start_next(link);
            }
            // Signals from songs that were already skipped or stopped.
            _ => {}
        }
    }

    fn end_current(&mut self, reason: EndReason) {
        if let Some(current) = self.current.take() {
            // Dropping the handle stops the song within one control period.
            drop(current.handle);
            self.emit(PlayerEvent::TrackEnded {
                path: current.path,
                reason,
            });
        }
    }

    /// Gives the current song the samples' share of the volume.
    fn apply_gain(&self) {
        if let Some(current) = &self.current {
            current.handle.set_volume(self.volume.gain());
        }
    }

    /// Starts the next song that opens; reports and skips the ones that do not.
    fn start_next(&mut self, link: &mut Link) {
        if self.output.is_none() {
            return; // the queue waits for the device to come back
        }
        while let Some(path) = self.queue.pop_front() {
            let duration = match self.play_file(&path, None, true) {
                Ok(duration) => duration,
                Err(error) => {
                    warn!(file = %path.display(), %error, "skipping a song that does not decode");
                    self.emit(PlayerEvent::TrackFailed { path, error });
                    continue;
                }
            };
            self.emit(PlayerEvent::TrackStarted { path, duration });
            if !self.paused {
                self.set_output_active(true, link);
            }
            return;
        }
        self.set_output_active(false, link);
        if std::mem::take(&mut self.session) {
            self.emit(PlayerEvent::QueueFinished);
        }
    }

    /// Opens `path` (seeking to `position` if given) and puts it on the mixer as the current
    /// song. Returns its duration when known.
    fn play_file(
        &mut self,
        path: &Path,
        position: Option<Duration>,
        announce: bool,
    ) -> Result<Option<Duration>, String> {
        let Some(output) = &self.output else {
            return Err("no output device".into());
        };
        let mut decoder = open_track(path)?;
        let duration = decoder.total_duration();
        if let Some(position) = position {
            if let Err(e) = decoder.try_seek(position) {
                debug!(file = %path.display(), error = %e, "cannot seek; resuming from the start");
            }
        }
        let id = self.next_id + 1;
        let track = TrackSource::new(decoder, id, signal_fn(&self.mailbox), announce)?;
        self.next_id = id;
        // Only a song that starts playback fades in; the next in the queue follows at once.
        let fade = match std::mem::take(&mut self.from_silence) && position.is_none() {
            true => self.fade_in,
            false => Duration::ZERO,
        };
        let (song, handle) = controlled(track, self.volume.gain(), self.paused, fade);
        output.mixer().add(song);
        self.current = Some(Current {
            id,
            path: path.to_path_buf(),
            handle,
        });
        Ok(duration)
    }

    fn set_output_active(&mut self, active: bool, link: &mut Link) {
        let Some(output) = &mut self.output else {
            return;
        };
        if let Err(e) = output.set_active(active) {
            self.device_lost(e.to_string(), link);
        }
    }

    /// Lets the failed output go, keeping the interrupted song's place; the worker reopens it.
    fn device_lost(&mut self, error: String, link: &mut Link) {
        if self.output.is_none() {
            return; // already reopening
        }
        warn!(device = %self.device, %error, "audio device lost; playback paused until it is back");
        self.emit(PlayerEvent::DeviceLost {
            device: self.device.clone(),
            error: error.clone(),
        });
        self.resume = self.current.take().map(|c| {
            let position = c.handle.position();
            (c.path, position)
        });
        self.output = None;
        self.lost = true;
        link.lost(&error);
    }

    /// The output is back after a loss: the interrupted song goes on where it was.
    fn reopened(&mut self, link: &mut Link) {
        info!(device = %self.device, "audio device reopened");
        self.emit(PlayerEvent::DeviceReopened {
            device: self.device.clone(),
        });
        match self.resume.take() {
            Some((path, position)) => match self.play_file(&path, Some(position), false) {
                Ok(_) => {
                    if !self.paused {
                        self.set_output_active(true, link);
                    }
                }
                Err(error) => {
                    self.emit(PlayerEvent::TrackFailed { path, error });
                    self.start_next(link);
                }
            },
            None => {
                if self.current.is_none() {
                    self.start_next(link);
                }
            }
        }
    }
}

impl Service for PlayerService {
    type Msg = PlayerMsg;
    type Error = AudioError;

    fn open(&mut self) -> Result<String, AudioError> {
        let generation = self.generation + 1;
        let opened = (self.opener)(fault_fn(&self.mailbox, generation));
        if let Some(ready) = self.ready.take() {
            // Answered once the worker has recorded the outcome (see `on_change`).
            self.first_open = Some((ready, opened.as_ref().map(|_| ()).map_err(Clone::clone)));
        }
        let mut output = opened?;
        self.generation = generation;
        self.device = output.device_name();
        self.volume.attach(output.take_volume_control());
        self.apply_gain();
        let description = format!("{}; volume: {}", output.describe(), self.volume.describe());
        self.output = Some(output);
        Ok(description)
    }

    fn close(&mut self) {
        self.current = None;
        self.output = None;
    }

    fn handle(&mut self, msg: PlayerMsg, link: &mut Link) {
        match msg {
            PlayerMsg::Command(command) => self.command(command, link),
            PlayerMsg::Track(signal) => self.track_signal(signal, link),
            PlayerMsg::DeviceFault { generation, error } if generation == self.generation => {
                self.device_lost(error, link)
            }
            PlayerMsg::DeviceFault { .. } => {}
            PlayerMsg::Configure { opener, device } => {
                self.command(Command::Stop, link);
                self.close();
                self.opener = opener;
                self.device = device;
                self.ever_opened = false;
                self.lost = false;
                link.reset();
                link.report_open(self.open());
            }
        }
    }

    fn on_change(&mut self, link: &mut Link) {
        if let Some((ready, outcome)) = self.first_open.take() {
            let _ = ready.send(outcome);
        }
        if !link.get().is_open() || self.output.is_none() {
            return;
        }
        self.ever_opened = true;
        if std::mem::take(&mut self.lost) {
            self.reopened(link);
        }
    }
}

fn fault_fn(mailbox: &Mailbox<PlayerMsg>, generation: u64) -> FaultFn {
    let mailbox = mailbox.clone();
    Arc::new(move |error| {
        mailbox.send(PlayerMsg::DeviceFault { generation, error });
    })
}

fn signal_fn(mailbox: &Mailbox<PlayerMsg>) -> SignalFn {
    let mailbox = mailbox.clone();
    Arc::new(move |signal| {
        mailbox.send(PlayerMsg::Track(signal));
    })
}
