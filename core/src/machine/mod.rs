//! The daemon's behaviour as plain, synchronous code: Idle → Scanning → ShowingMood →
//! Playing → Idle. Inputs (button presses, control commands, scan results, player events,
//! clock ticks) go in; actions (screens to show, scans to start, queues to play, history to
//! record) come out. No threads, no I/O, no clock of its own: the daemon's shell feeds it and
//! carries its actions out, and tests drive it directly.
//!
//! It also keeps what the box knows about itself: the volume, whether the sound card is
//! there, how the last scan went and how long a press took to reach the speaker
//! ([`Machine::report`]).

mod behaviour;
mod chooser;
mod playback;
mod report;
mod sleep;
mod timing;

pub use behaviour::Behaviour;
pub use report::MachineReport;
pub use sleep::Backlight;
pub use timing::Timing;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::emotion::Emotion;
use crate::mood::Mood;
use crate::player::PlayerEvent;
use crate::press::ButtonEvent;
use crate::recommend::Recommendation;
use crate::scan::{Reading, ScanMood, ScanOutcome};
use crate::screen::{ErrorScreen, Screen};
use crate::song::Song;
use crate::status::Phase;

/// Everything that can happen to the daemon.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Short press, or `scan` on the control socket.
    ScanPressed,
    /// Long press, or `skip`.
    SkipPressed,
    /// Held for 5 s, or `stop`.
    StopPressed,
    /// `volume N` (0..=100).
    Volume(u8),
    /// A physical button: the same as the commands above, but a press on a sleeping screen
    /// only wakes it, and the "not sure" chooser takes presses to move and pick.
    Button(ButtonEvent),
    /// `mood MOOD`: play this mood (the owner's choice, as if picked in the chooser).
    MoodChosen(Mood),
    ScanFinished(ScanOutcome),
    /// The recommender's queue for the last mood.
    QueueChosen(Recommendation),
    /// The recommender could not build a queue (empty library, index error) for the user's
    /// first language.
    QueueFailed {
        language: String,
    },
    Player(PlayerEvent),
    /// Time passed (a deadline from [`Machine::next_deadline`] came).
    Tick,
}

/// What the shell must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Show(Screen),
    StartScan,
    ChooseQueue(Emotion),
    /// A queue of `mood` songs, shown as chosen for `for_emotion`.
    ChooseMoodQueue {
        mood: Mood,
        for_emotion: Emotion,
    },
    PlayQueue(Vec<PathBuf>),
    SkipTrack,
    StopPlayback,
    SetVolume(f32),
    RecordPlay {
        path: PathBuf,
        emotion: Emotion,
        mood: Mood,
    },
    RecordSkip {
        path: PathBuf,
        mood: Mood,
    },
    /// What a scan read and what the owner made of it.
    RecordReading(Reading),
    /// Keep this volume (0..=100) for the next start.
    RememberVolume(u8),
    /// Turn the screen's light up, down or off.
    Backlight(Backlight),
}

/// The song playing now.
#[derive(Debug, Clone, PartialEq)]
pub struct NowPlaying {
    pub song: Song,
    pub started: Instant,
    pub duration: Option<Duration>,
    /// The emotion the queue was chosen for.
    pub for_emotion: Emotion,
}

/// A screen shown over the base screen until `until`.
#[derive(Debug, Clone, PartialEq)]
struct Overlay {
    screen: Screen,
    until: Instant,
}

/// The state machine.
#[derive(Debug, Clone)]
pub struct Machine {
    timing: Timing,
    scan_started: Option<Instant>,
    scan_step: u32,
    overlay: Option<Overlay>,
    /// Songs of the current queue by path, and the emotion it was chosen for.
    queue: HashMap<PathBuf, Song>,
    queue_order: Vec<PathBuf>,
    queue_emotion: Option<Emotion>,
    now_playing: Option<NowPlaying>,
    last_mood: Option<ScanMood>,
    /// Last second of elapsed time drawn on the now-playing screen.
    drawn_second: Option<u64>,
    /// Songs of the current queue that started, and that failed to open.
    queue_started: usize,
    queue_failed: usize,
    /// The sound card that could not be opened or was lost, while it is missing.
    sound_missing: Option<String>,
    /// 0..=100.
    volume: u8,
    timer: report::PressTimer,
    behaviour: Behaviour,
    /// The "not sure" chooser, while it is up (its screen is the overlay).
    chooser: Option<chooser::Chooser>,
    sleep: sleep::Sleep,
}

impl Machine {
    /// A machine at rest, at `volume` (0..=100), behaving as a box without a chooser, a
    /// volume cap or a sleeping screen.
    pub fn new(timing: Timing, volume: u8) -> Machine {
        Machine::configured(timing, Behaviour::default(), volume)
    }

    /// A machine at rest that behaves as `behaviour` says.
    pub fn configured(timing: Timing, behaviour: Behaviour, volume: u8) -> Machine {
        Machine {
            timing,
            scan_started: None,
            scan_step: 0,
            overlay: None,
            queue: HashMap::new(),
            queue_order: Vec::new(),
            queue_emotion: None,
            now_playing: None,
            last_mood: None,
            drawn_second: None,
            queue_started: 0,
            queue_failed: 0,
            sound_missing: None,
            volume: volume.min(behaviour.max_volume),
            timer: report::PressTimer::default(),
            behaviour,
            chooser: None,
            sleep: sleep::Sleep::default(),
        }
    }

    /// New screen timings (after a config reload).
    pub fn set_timing(&mut self, timing: Timing) {
        self.timing = timing;
    }

    /// New behaviour settings (after a config reload); the volume stays, under the new cap.
    pub fn set_behaviour(&mut self, behaviour: Behaviour) -> Vec<Action> {
        let capped = self.volume.min(behaviour.max_volume);
        self.behaviour = behaviour;
        if capped == self.volume {
            return Vec::new();
        }
        self.volume = capped;
        vec![Action::SetVolume(f32::from(capped) / 100.0)]
    }

    /// The first screen, at start-up; the screen's idle time counts from `now`.
    pub fn start(&mut self, now: Instant) -> Vec<Action> {
        self.sleep.start(now);
        vec![Action::Show(Screen::Idle)]
    }

    pub fn phase(&self, now: Instant) -> Phase {
        if self.scan_started.is_some() {
            Phase::Scanning
        } else if self.chooser.is_some() {
            Phase::Choosing
        } else if matches!(&self.overlay, Some(o) if o.until > now && matches!(o.screen, Screen::Mood { .. }))
        {
            Phase::ShowingMood
        } else if self.now_playing.is_some() {
            Phase::Playing
        } else {
            Phase::Idle
        }
    }

    pub fn now_playing(&self) -> Option<&NowPlaying> {
        self.now_playing.as_ref()
    }

    pub fn last_mood(&self) -> Option<&ScanMood> {
        self.last_mood.as_ref()
    }

    /// Songs of the queue after the one playing now.
    pub fn queue_remaining(&self) -> usize {
        match &self.now_playing {
            Some(np) => self
                .queue_order
                .iter()
                .position(|p| *p == np.song.path)
                .map_or(0, |i| self.queue_order.len() - i - 1),
            None => self.queue_order.len(),
        }
    }

    /// When the machine next needs a [`Input::Tick`]: the end of a transient screen, the next
    /// animation step, or the next second of a playing song. `None`: nothing to do until an
    /// input arrives (an idle box sleeps).
    pub fn next_deadline(&self) -> Option<Instant> {
        let mut deadlines = Vec::new();
        if let Some(o) = &self.overlay {
            deadlines.push(o.until);
        }
        if let Some(started) = self.scan_started {
            deadlines.push(started + self.timing.scan_animation * (self.scan_step + 1));
        }
        if let (Some(np), None) = (&self.now_playing, &self.overlay) {
            let next_second = self.drawn_second.map_or(0, |s| s + 1);
            deadlines.push(np.started + Duration::from_secs(next_second));
        }
        deadlines.extend(self.sleep.next_change(&self.behaviour));
        deadlines.into_iter().min()
    }

    /// Feeds one input; returns what to do, in order.
    pub fn handle(&mut self, input: Input, now: Instant) -> Vec<Action> {
        let mut actions = Vec::new();
        if sleep::is_activity(&input) {
            let woke = self.sleep.activity(now);
            if woke {
                actions.push(Action::Backlight(Backlight::On));
                if matches!(input, Input::Button(_)) {
                    return actions; // the first press only wakes the screen
                }
            }
        }
        actions.extend(self.respond(input, now));
        actions
    }

    fn respond(&mut self, input: Input, now: Instant) -> Vec<Action> {
        match input {
            Input::ScanPressed => self.scan_pressed(now),
            Input::SkipPressed => self.skip_pressed(),
            Input::StopPressed => self.stop_pressed(),
            Input::Volume(v) => self.set_volume(v),
            Input::Button(event) => self.button(event, now),
            Input::MoodChosen(mood) => self.mood_chosen(mood, now),
            Input::ScanFinished(outcome) => self.scan_finished(outcome, now),
            Input::QueueChosen(rec) => self.queue_chosen(rec, now),
            Input::QueueFailed { language } => {
                self.timer.no_playback();
                self.overlay(Screen::Error(ErrorScreen::NoSongs { language }), now)
            }
            Input::Player(event) => self.player_event(event, now),
            Input::Tick => self.tick(now),
        }
    }

    fn button(&mut self, event: ButtonEvent, now: Instant) -> Vec<Action> {
        if let Some(actions) = self.chooser_button(event, now) {
            return actions;
        }
        match event {
            ButtonEvent::Scan => self.scan_pressed(now),
            ButtonEvent::Skip => self.skip_pressed(),
            ButtonEvent::Stop => self.stop_pressed(),
            ButtonEvent::VolumeUp => {
                self.set_volume(self.volume.saturating_add(self.behaviour.volume_step))
            }
            ButtonEvent::VolumeDown => {
                self.set_volume(self.volume.saturating_sub(self.behaviour.volume_step))
            }
        }
    }

    /// Any new volume, kept under the cap and remembered for the next start.
    fn set_volume(&mut self, volume: u8) -> Vec<Action> {
        self.volume = volume.min(100).min(self.behaviour.max_volume);
        vec![
            Action::SetVolume(f32::from(self.volume) / 100.0),
            Action::RememberVolume(self.volume),
        ]
    }

    fn scan_pressed(&mut self, now: Instant) -> Vec<Action> {
        if self.scan_started.is_some() {
            return Vec::new(); // one scan at a time; the press is already being answered
        }
        self.scan_started = Some(now);
        self.timer.pressed(now);
        self.scan_step = 0;
        self.overlay = None;
        self.chooser = None;
        vec![
            Action::Show(Screen::Scanning { step: 0 }),
            Action::StartScan,
        ]
    }

    fn skip_pressed(&mut self) -> Vec<Action> {
        let Some(np) = &self.now_playing else {
            return Vec::new();
        };
        vec![
            Action::RecordSkip {
                path: np.song.path.clone(),
                mood: np.song.mood,
            },
            Action::SkipTrack,
        ]
    }

    fn stop_pressed(&mut self) -> Vec<Action> {
        self.now_playing = None;
        self.queue.clear();
        self.queue_order.clear();
        self.overlay = None;
        self.chooser = None;
        let mut actions = vec![Action::StopPlayback];
        if self.scan_started.is_none() {
            actions.push(Action::Show(Screen::Idle));
        }
        actions
    }

    fn scan_finished(&mut self, outcome: ScanOutcome, now: Instant) -> Vec<Action> {
        if let Some(started) = self.scan_started.take() {
            self.timer
                .scanned(&outcome, now.saturating_duration_since(started));
        }
        if let Some(actions) = self.maybe_ask(&outcome, now) {
            return actions;
        }
        match outcome {
            ScanOutcome::Mood(mood) => {
                let reading = Reading {
                    emotion: Some(mood.emotion),
                    confidence: mood.confidence,
                    offered: self.behaviour.first_choice(Some(mood.emotion)),
                    asked: false,
                    chosen: None,
                };
                let screen = Screen::Mood {
                    emotion: mood.emotion,
                    confidence: mood.confidence,
                    faces: mood.faces,
                };
                let emotion = mood.emotion;
                self.last_mood = Some(mood);
                let mut actions = self.overlay_for(screen, self.timing.mood_screen, now);
                actions.push(Action::RecordReading(reading));
                actions.push(Action::ChooseQueue(emotion));
                actions
            }
            ScanOutcome::NoFace { too_dark: true } => {
                self.overlay(Screen::Error(ErrorScreen::TooDark), now)
            }
            ScanOutcome::NoFace { too_dark: false } => {
                self.overlay(Screen::Error(ErrorScreen::NoFace), now)
            }
            ScanOutcome::CameraFailed { device, .. } => {
                self.overlay(Screen::Error(ErrorScreen::NoCamera { device }), now)
            }
        }
    }

    fn queue_chosen(&mut self, rec: Recommendation, now: Instant) -> Vec<Action> {
        if let Some(device) = &self.sound_missing {
            let device = device.clone();
            self.timer.no_playback();
            return self.overlay(Screen::Error(ErrorScreen::NoSoundCard { device }), now);
        }
        self.timer.queued();
        (self.queue_started, self.queue_failed) = (0, 0);
        self.queue_order = rec.songs.iter().map(|s| s.path.clone()).collect();
        self.queue = rec.songs.into_iter().map(|s| (s.path.clone(), s)).collect();
        self.queue_emotion = Some(rec.emotion);
        vec![Action::PlayQueue(self.queue_order.clone())]
    }

    fn tick(&mut self, now: Instant) -> Vec<Action> {
        let mut actions = Vec::new();
        if let Some(started) = self.scan_started {
            let step = (now.saturating_duration_since(started).as_millis()
                / self.timing.scan_animation.as_millis().max(1)) as u32;
            if step > self.scan_step {
                self.scan_step = step;
                actions.push(Action::Show(Screen::Scanning { step }));
            }
            return actions;
        }
        actions.extend(self.sleep.tick(&self.behaviour, now));
        if self.overlay.as_ref().is_some_and(|o| o.until <= now) {
            self.overlay = None;
            actions.extend(self.chooser_timed_out());
            actions.extend(self.base_screen(now));
            return actions;
        }
        if let (Some(np), None) = (&self.now_playing, &self.overlay) {
            let second = now.saturating_duration_since(np.started).as_secs();
            if self.drawn_second != Some(second) {
                actions.extend(self.base_screen(now));
            }
        }
        actions
    }

    fn showing_base(&self, now: Instant) -> bool {
        self.scan_started.is_none() && self.overlay.as_ref().is_none_or(|o| o.until <= now)
    }

    /// The screen under any transient one: the song playing, or the idle prompt.
    fn base_screen(&mut self, now: Instant) -> Vec<Action> {
        match &self.now_playing {
            Some(np) => {
                let elapsed = now.saturating_duration_since(np.started);
                self.drawn_second = Some(elapsed.as_secs());
                vec![Action::Show(Screen::NowPlaying {
                    title: np.song.title.clone(),
                    file: np
                        .song
                        .path
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    artist: np.song.artist.clone().unwrap_or_default(),
                    language: np.song.language.clone().unwrap_or_else(|| "unknown".into()),
                    mood: np.song.mood.as_str().to_string(),
                    for_emotion: np.for_emotion,
                    elapsed,
                    total: np
                        .duration
                        .or_else(|| np.song.duration_s.map(Duration::from_secs_f64)),
                })]
            }
            None => vec![Action::Show(Screen::Idle)],
        }
    }

    fn overlay(&mut self, screen: Screen, now: Instant) -> Vec<Action> {
        self.overlay_for(screen, self.timing.message_screen, now)
    }

    /// Shows `screen` over the base screen for `duration` (closing the chooser, if it is up).
    fn overlay_for(&mut self, screen: Screen, duration: Duration, now: Instant) -> Vec<Action> {
        let mut actions = self.chooser_timed_out();
        self.overlay = Some(Overlay {
            screen: screen.clone(),
            until: now + duration,
        });
        actions.push(Action::Show(screen));
        actions
    }
}

#[cfg(test)]
mod tests;
