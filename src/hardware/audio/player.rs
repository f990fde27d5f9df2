//! The music player: one thread that owns the output device (rodio's cpal stream must be
//! created on the thread that uses it and never move), driven by commands over a channel and
//! reporting what happens as [`PlayerEvent`]s on the daemon's tokio channel.
//!
//! Each song goes on the output's mixer with its own controls (see [`super::control`]), so
//! skipping or stopping is dropping that song's handle. A song that cannot be opened or decoded is reported and skipped; the
//! queue goes on. When the device fails, playback pauses: the output is closed and reopened
//! by name with capped exponential backoff (0.5 s doubling to 8 s), and the interrupted song
//! resumes where it was.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rodio::Source;
use tokio::sync::mpsc::UnboundedSender;
use tracing::{debug, info, warn};

pub use moodbox_core::player::{EndReason, PlayerEvent};

use moodbox_core::backoff::Backoff;

use super::control::{controlled, SongHandle};
use super::error::AudioError;
use super::output::{opener_for, FaultFn, Opener, OutputDevice};
use super::track::{open_track, SignalFn, TrackSignal, TrackSource};
use moodbox_core::config::AudioConfig;

/// Commands the player takes.
#[derive(Debug, Clone, PartialEq)]
enum Command {
    Play(Vec<PathBuf>),
    Append(Vec<PathBuf>),
    Skip,
    Pause,
    Resume,
    Stop,
    SetVolume(f32),
}

/// Everything the player thread receives, on one channel.
enum Msg {
    Command(Command),
    Track(TrackSignal),
    /// A fault from the output opened as number `generation` (older outputs are ignored).
    DeviceFault {
        generation: u64,
        error: String,
    },
    Shutdown,
}

/// Handle to the player thread. Dropping it stops playback and joins the thread.
pub struct Player {
    tx: mpsc::Sender<Msg>,
    thread: Option<JoinHandle<()>>,
    description: String,
}

/// Waits between attempts to reopen a lost sound card: half a second, doubling up to 8 s.
const REOPEN_BACKOFF: Backoff = Backoff {
    first: Duration::from_millis(500),
    max: Duration::from_secs(8),
};

impl Player {
    /// Opens the output `config` names on a new player thread. Fails (naming the device and
    /// the available ones) when it cannot open.
    pub fn start(
        config: &AudioConfig,
        events: UnboundedSender<PlayerEvent>,
    ) -> Result<Player, AudioError> {
        let player = Player::with_opener(opener_for(config)?, events, REOPEN_BACKOFF)?;
        player.set_volume(config.volume)?;
        info!(output = %player.description, "audio player ready");
        Ok(player)
    }

    /// Starts the thread with a given output opener (tests inject failing outputs).
    pub(crate) fn with_opener(
        mut opener: Opener,
        events: UnboundedSender<PlayerEvent>,
        backoff: Backoff,
    ) -> Result<Player, AudioError> {
        let (tx, rx) = mpsc::channel();
        let (ready_tx, ready_rx) = mpsc::sync_channel(1);
        let self_tx = tx.clone();
        let thread = thread::Builder::new()
            .name("moodbox-audio".into())
            .spawn(move || {
                let faults = fault_fn(&self_tx, 0);
                let output = match opener(faults) {
                    Ok(output) => {
                        let _ = ready_tx.send(Ok(output.describe()));
                        output
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                PlayerThread::new(opener, output, events, self_tx, backoff).run(&rx);
            })
            .expect("spawning the audio thread");
        match ready_rx.recv() {
            Ok(Ok(description)) => Ok(Player {
                tx,
                thread: Some(thread),
                description,
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                let _ = thread.join();
                Err(AudioError::PlayerGone)
            }
        }
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

    /// The output as opened, e.g. `"ALSA default (44100 Hz, 2 ch, f32)"`.
    pub fn describe(&self) -> &str {
        &self.description
    }

    fn send(&self, command: Command) -> Result<(), AudioError> {
        self.tx
            .send(Msg::Command(command))
            .map_err(|_| AudioError::PlayerGone)
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        let _ = self.tx.send(Msg::Shutdown);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn fault_fn(tx: &mpsc::Sender<Msg>, generation: u64) -> FaultFn {
    let tx = tx.clone();
    Arc::new(move |error| {
        let _ = tx.send(Msg::DeviceFault { generation, error });
    })
}

fn signal_fn(tx: &mpsc::Sender<Msg>) -> SignalFn {
    let tx = tx.clone();
    Arc::new(move |signal| {
        let _ = tx.send(Msg::Track(signal));
    })
}

/// The song on the output now.
struct Current {
    id: u64,
    path: PathBuf,
    handle: SongHandle,
}

/// A lost device waiting to be reopened.
struct Reopen {
    at: Instant,
    delay: Duration,
    /// The song that was playing and where, to resume it.
    resume: Option<(PathBuf, Duration)>,
}

struct PlayerThread {
    opener: Opener,
    output: Option<Box<dyn OutputDevice>>,
    device: String,
    events: UnboundedSender<PlayerEvent>,
    self_tx: mpsc::Sender<Msg>,
    queue: VecDeque<PathBuf>,
    current: Option<Current>,
    paused: bool,
    volume: f32,
    next_id: u64,
    /// Counts outputs opened, to tell their faults apart.
    generation: u64,
    /// Something was asked to play since the last `QueueFinished`.
    session: bool,
    reopen: Option<Reopen>,
    backoff: Backoff,
}

impl PlayerThread {
    fn new(
        opener: Opener,
        output: Box<dyn OutputDevice>,
        events: UnboundedSender<PlayerEvent>,
        self_tx: mpsc::Sender<Msg>,
        backoff: Backoff,
    ) -> PlayerThread {
        PlayerThread {
            opener,
            device: output.device_name(),
            output: Some(output),
            events,
            self_tx,
            queue: VecDeque::new(),
            current: None,
            paused: false,
            volume: 1.0,
            next_id: 0,
            generation: 0,
            session: false,
            reopen: None,
            backoff,
        }
    }

    fn run(mut self, rx: &mpsc::Receiver<Msg>) {
        loop {
            let msg = match &self.reopen {
                Some(reopen) => {
                    let wait = reopen.at.saturating_duration_since(Instant::now());
                    match rx.recv_timeout(wait) {
                        Ok(msg) => msg,
                        Err(RecvTimeoutError::Timeout) => {
                            self.try_reopen();
                            continue;
                        }
                        Err(RecvTimeoutError::Disconnected) => break,
                    }
                }
                None => match rx.recv() {
                    Ok(msg) => msg,
                    Err(_) => break,
                },
            };
            match msg {
                Msg::Command(command) => self.command(command),
                Msg::Track(signal) => self.track_signal(signal),
                Msg::DeviceFault { generation, error } if generation == self.generation => {
                    self.device_lost(error)
                }
                Msg::DeviceFault { .. } => {}
                Msg::Shutdown => break,
            }
        }
        self.current = None;
        self.output = None;
    }

    fn emit(&self, event: PlayerEvent) {
        let _ = self.events.send(event);
    }

    fn command(&mut self, command: Command) {
        debug!(?command, "player command");
        match command {
            Command::Play(paths) => {
                self.end_current(EndReason::Stopped);
                self.queue = paths.into();
                self.session |= !self.queue.is_empty();
                self.paused = false;
                self.start_next();
            }
            Command::Append(paths) => {
                self.session |= !paths.is_empty();
                self.queue.extend(paths);
                if self.current.is_none() {
                    self.start_next();
                }
            }
            Command::Skip => {
                if self.current.is_some() {
                    self.end_current(EndReason::Skipped);
                    self.start_next();
                }
            }
            Command::Pause => {
                if let (Some(current), false) = (&self.current, self.paused) {
                    current.handle.pause();
                    self.paused = true;
                    self.set_output_active(false);
                }
            }
            Command::Resume => {
                if self.paused {
                    self.paused = false;
                    if let Some(current) = &self.current {
                        current.handle.play();
                        self.set_output_active(true);
                    }
                }
            }
            Command::Stop => {
                self.end_current(EndReason::Stopped);
                self.queue.clear();
                self.paused = false;
                self.session = false;
                self.set_output_active(false);
            }
            Command::SetVolume(volume) => {
                self.volume = volume;
                if let Some(current) = &self.current {
                    current.handle.set_volume(volume);
                }
            }
        }
    }

    fn track_signal(&mut self, signal: TrackSignal) {
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
                self.start_next();
            }
            TrackSignal::Dropped { id } if Some(id) == current_id => {
                warn!("the output dropped the current song before its end; going on");
                self.end_current(EndReason::Finished);
                self.start_next();
            }
            TrackSignal::Crashed { id, error } if Some(id) == current_id => {
                if let Some(c) = self.current.take() {
                    warn!(file = %c.path.display(), %error, "song failed while playing; skipping it");
                    self.emit(PlayerEvent::TrackFailed {
                        path: c.path,
                        error,
                    });
                }
                self.start_next();
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

    /// Starts the next song that opens; reports and skips the ones that do not.
    fn start_next(&mut self) {
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
                self.set_output_active(true);
            }
            return;
        }
        self.set_output_active(false);
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
        let track = TrackSource::new(decoder, id, signal_fn(&self.self_tx), announce)?;
        self.next_id = id;
        let (song, handle) = controlled(track, self.volume, self.paused);
        output.mixer().add(song);
        self.current = Some(Current {
            id,
            path: path.to_path_buf(),
            handle,
        });
        Ok(duration)
    }

    fn set_output_active(&mut self, active: bool) {
        let Some(output) = &mut self.output else {
            return;
        };
        if let Err(e) = output.set_active(active) {
            self.device_lost(e.to_string());
        }
    }

    /// Closes the failed output and schedules the first reopen attempt.
    fn device_lost(&mut self, error: String) {
        if self.output.is_none() {
            return; // already reopening
        }
        warn!(device = %self.device, %error, "audio device lost; playback paused until it is back");
        self.emit(PlayerEvent::DeviceLost {
            device: self.device.clone(),
            error,
        });
        let resume = self.current.take().map(|c| {
            let position = c.handle.position();
            (c.path, position)
        });
        self.output = None;
        let delay = self.backoff.first;
        self.reopen = Some(Reopen {
            at: Instant::now() + delay,
            delay,
            resume,
        });
    }

    fn try_reopen(&mut self) {
        let Some(mut reopen) = self.reopen.take() else {
            return;
        };
        let generation = self.generation + 1;
        match (self.opener)(fault_fn(&self.self_tx, generation)) {
            Ok(output) => {
                info!(device = %self.device, "audio device reopened");
                self.generation = generation;
                self.output = Some(output);
                self.emit(PlayerEvent::DeviceReopened {
                    device: self.device.clone(),
                });
                match reopen.resume {
                    Some((path, position)) => self.resume_at(path, position),
                    None => {
                        if self.current.is_none() {
                            self.start_next();
                        }
                    }
                }
            }
            Err(e) => {
                reopen.delay = self.backoff.next(reopen.delay);
                reopen.at = Instant::now() + reopen.delay;
                debug!(device = %self.device, error = %e, retry_in = ?reopen.delay, "audio device still missing");
                self.reopen = Some(reopen);
            }
        }
    }

    /// Restarts an interrupted song at `position` (from the top if it cannot seek).
    fn resume_at(&mut self, path: PathBuf, position: Duration) {
        match self.play_file(&path, Some(position), false) {
            Ok(_) => {
                if !self.paused {
                    self.set_output_active(true);
                }
            }
            Err(error) => {
                self.emit(PlayerEvent::TrackFailed { path, error });
                self.start_next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::audio::pull::{PullOutput, SampleSink};
    use std::io;
    use std::path::Path;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

    /// A 440 Hz mono tone of `seconds` at 8 kHz.
    fn tone(path: &Path, seconds: f32) {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 8000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        for i in 0..(8000.0 * seconds) as usize {
            let v = (i as f32 * 440.0 * std::f32::consts::TAU / 8000.0).sin() * 0.5;
            w.write_sample((v * 32767.0) as i16).unwrap();
        }
        w.finalize().unwrap();
    }

    /// Stores samples; the first one built fails after `fail_after` samples.
    struct FlakySink {
        written: Arc<Mutex<Vec<f32>>>,
        fail_after: Option<usize>,
        count: usize,
    }

    impl SampleSink for FlakySink {
        fn write(&mut self, samples: &[f32]) -> io::Result<()> {
            if self.fail_after.is_some_and(|n| self.count >= n) {
                return Err(io::Error::other("card unplugged"));
            }
            self.count += samples.len();
            self.written.lock().unwrap().extend_from_slice(samples);
            Ok(())
        }
        fn describe(&self) -> String {
            "flaky".into()
        }
    }

    /// An opener whose first output dies after 0.25 s of audio and whose next `refusals`
    /// attempts fail, like a USB card being re-plugged.
    fn flaky_opener(
        written: Arc<Mutex<Vec<f32>>>,
        opens: Arc<AtomicUsize>,
        refusals: usize,
    ) -> Opener {
        Box::new(move |faults| {
            let n = opens.fetch_add(1, Ordering::SeqCst);
            if n >= 1 && n <= refusals {
                return Err(AudioError::DeviceNotFound {
                    device: "flaky".into(),
                    available: vec![],
                });
            }
            let fail_after = (n == 0).then_some(2000);
            let sink = FlakySink {
                written: written.clone(),
                fail_after,
                count: 0,
            };
            Ok(
                Box::new(PullOutput::start(Box::new(sink), 8000, 1, 0.0, faults))
                    as Box<dyn OutputDevice>,
            )
        })
    }

    fn events_until_finished(rx: &mut UnboundedReceiver<PlayerEvent>) -> Vec<PlayerEvent> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut events = Vec::new();
        while Instant::now() < deadline {
            match rx.try_recv() {
                Ok(PlayerEvent::QueueFinished) => {
                    events.push(PlayerEvent::QueueFinished);
                    return events;
                }
                Ok(e) => events.push(e),
                Err(_) => thread::sleep(Duration::from_millis(2)),
            }
        }
        panic!("no QueueFinished; got {events:?}");
    }

    #[test]
    fn a_lost_device_is_reopened_with_backoff_and_the_song_resumes() {
        let dir = tempfile::tempdir().unwrap();
        let song = dir.path().join("tone.wav");
        tone(&song, 1.0);
        let written = Arc::new(Mutex::new(Vec::new()));
        let opens = Arc::new(AtomicUsize::new(0));
        let (tx, mut rx) = unbounded_channel();
        let backoff = Backoff {
            first: Duration::from_millis(20),
            max: Duration::from_millis(80),
        };
        let player =
            Player::with_opener(flaky_opener(written.clone(), opens.clone(), 2), tx, backoff)
                .unwrap();
        player.play(vec![song.clone()]).unwrap();
        let events = events_until_finished(&mut rx);
        let kinds: Vec<&str> = events
            .iter()
            .map(|e| match e {
                PlayerEvent::TrackStarted { .. } => "started",
                PlayerEvent::FirstSample { .. } => "first-sample",
                PlayerEvent::TrackEnded {
                    reason: EndReason::Finished,
                    ..
                } => "finished",
                PlayerEvent::DeviceLost { .. } => "lost",
                PlayerEvent::DeviceReopened { .. } => "reopened",
                PlayerEvent::QueueFinished => "queue-finished",
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "started",
                "first-sample",
                "lost",
                "reopened",
                "finished",
                "queue-finished"
            ]
        );
        assert_eq!(
            opens.load(Ordering::SeqCst),
            4,
            "first open, two refused attempts, the reopen"
        );
        // The song went on from about where it broke off, not from the top and not lost.
        let total = written.lock().unwrap().len();
        assert!(
            (7_000..=9_500).contains(&total),
            "{total} samples of an 8000-sample song"
        );
    }

    #[test]
    fn an_output_that_cannot_open_fails_the_start() {
        let (tx, _rx) = unbounded_channel();
        let opener: Opener = Box::new(|_| {
            Err(AudioError::DeviceNotFound {
                device: "hw:CARD=X".into(),
                available: vec!["default".into()],
            })
        });
        let err = Player::with_opener(opener, tx, Backoff::default())
            .err()
            .unwrap();
        assert!(err.to_string().contains("hw:CARD=X"), "{err}");
    }
}
