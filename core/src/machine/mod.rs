//! The daemon's behaviour as plain, synchronous code: Idle → Scanning → ShowingMood →
//! Playing → Idle. Inputs (button presses, control commands, scan results, player events,
//! clock ticks) go in; actions (screens to show, scans to start, queues to play, history to
//! record) come out. No threads, no I/O, no clock of its own: the async shell in
//! `daemon::run` feeds it and carries its actions out, and tests drive it directly.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::emotion::{Emotion, ScanMood};
use crate::mood::Mood;
use crate::player::PlayerEvent;
use crate::recommend::Recommendation;
use crate::screen::{ErrorScreen, Screen};
use crate::song::Song;

/// What a scan found.
#[derive(Debug, Clone, PartialEq)]
pub enum ScanOutcome {
    /// At least one face: the combined mood.
    Mood(ScanMood),
    /// Frames arrived but held no face; `too_dark` when most of them were too dark to tell.
    NoFace { too_dark: bool },
    /// The camera could not deliver frames.
    CameraFailed { device: String, error: String },
}

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
    ScanFinished(ScanOutcome),
    /// The recommender's queue for the last mood.
    QueueChosen(Recommendation),
    /// The recommender could not build a queue (empty library, index error).
    QueueFailed {
        language: String,
        error: String,
    },
    Player(PlayerEvent),
    /// The player could not be opened (no sound card); playback requests are dropped.
    SoundUnavailable {
        device: String,
    },
    /// Time passed (a deadline from [`Machine::next_deadline`] came).
    Tick,
}

/// What the shell must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Show(Screen),
    StartScan,
    ChooseQueue(Emotion),
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
}

/// The phase reported by `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Idle,
    Scanning,
    ShowingMood,
    Playing,
}

/// How long the transient screens stay up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    /// The detected mood, before the display switches to the song.
    pub mood_screen: Duration,
    /// Error screens (no face, too dark, no camera, ...).
    pub message_screen: Duration,
    /// One step of the scanning animation.
    pub scan_animation: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            mood_screen: Duration::from_secs(3),
            message_screen: Duration::from_secs(4),
            scan_animation: Duration::from_millis(250),
        }
    }
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
    sound_missing: Option<String>,
}

impl Machine {
    pub fn new(timing: Timing) -> Machine {
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
            sound_missing: None,
        }
    }

    /// New screen timings (after a config reload).
    pub fn set_timing(&mut self, timing: Timing) {
        self.timing = timing;
    }

    /// The first screen, at start-up.
    pub fn start(&self) -> Vec<Action> {
        vec![Action::Show(Screen::Idle)]
    }

    pub fn phase(&self, now: Instant) -> Phase {
        if self.scan_started.is_some() {
            Phase::Scanning
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
        deadlines.into_iter().min()
    }

    /// Feeds one input; returns what to do, in order.
    pub fn handle(&mut self, input: Input, now: Instant) -> Vec<Action> {
        match input {
            Input::ScanPressed => self.scan_pressed(now),
            Input::SkipPressed => self.skip_pressed(),
            Input::StopPressed => self.stop_pressed(),
            Input::Volume(v) => vec![Action::SetVolume(f32::from(v.min(100)) / 100.0)],
            Input::ScanFinished(outcome) => self.scan_finished(outcome, now),
            Input::QueueChosen(rec) => self.queue_chosen(rec, now),
            Input::QueueFailed { language, .. } => {
                self.overlay(Screen::Error(ErrorScreen::NoSongs { language }), now)
            }
            Input::Player(event) => self.player_event(event, now),
            Input::SoundUnavailable { device } => {
                self.sound_missing = Some(device.clone());
                self.overlay(Screen::Error(ErrorScreen::NoSoundCard { device }), now)
            }
            Input::Tick => self.tick(now),
        }
    }

    fn scan_pressed(&mut self, now: Instant) -> Vec<Action> {
        if self.scan_started.is_some() {
            return Vec::new(); // one scan at a time; the press is already being answered
        }
        self.scan_started = Some(now);
        self.scan_step = 0;
        self.overlay = None;
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
        let mut actions = vec![Action::StopPlayback];
        if self.scan_started.is_none() {
            actions.push(Action::Show(Screen::Idle));
        }
        actions
    }

    fn scan_finished(&mut self, outcome: ScanOutcome, now: Instant) -> Vec<Action> {
        self.scan_started = None;
        match outcome {
            ScanOutcome::Mood(mood) => {
                let screen = Screen::Mood {
                    emotion: mood.emotion,
                    confidence: mood.confidence,
                    faces: mood.faces,
                };
                let emotion = mood.emotion;
                self.last_mood = Some(mood);
                let mut actions = self.overlay_for(screen, self.timing.mood_screen, now);
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
            return self.overlay(Screen::Error(ErrorScreen::NoSoundCard { device }), now);
        }
        self.queue_order = rec.songs.iter().map(|s| s.path.clone()).collect();
        self.queue = rec.songs.into_iter().map(|s| (s.path.clone(), s)).collect();
        self.queue_emotion = Some(rec.emotion);
        vec![Action::PlayQueue(self.queue_order.clone())]
    }

    fn player_event(&mut self, event: PlayerEvent, now: Instant) -> Vec<Action> {
        match event {
            PlayerEvent::TrackStarted { path, duration } => {
                let (Some(song), Some(emotion)) =
                    (self.queue.get(&path).cloned(), self.queue_emotion)
                else {
                    return Vec::new(); // a song of a queue that was since replaced
                };
                let mut actions = vec![Action::RecordPlay {
                    path,
                    emotion,
                    mood: song.mood,
                }];
                self.now_playing = Some(NowPlaying {
                    song,
                    started: now,
                    duration,
                    for_emotion: emotion,
                });
                self.drawn_second = Some(0);
                if self.showing_base(now) {
                    actions.extend(self.base_screen(now));
                }
                actions
            }
            PlayerEvent::QueueFinished => {
                self.now_playing = None;
                self.drawn_second = None;
                if self.showing_base(now) {
                    self.base_screen(now)
                } else {
                    Vec::new()
                }
            }
            PlayerEvent::DeviceLost { device, .. } => {
                self.overlay(Screen::Error(ErrorScreen::NoSoundCard { device }), now)
            }
            PlayerEvent::DeviceReopened { .. } => {
                self.sound_missing = None;
                self.overlay = None;
                self.base_screen(now)
            }
            // The next TrackStarted or QueueFinished tells what comes after a song.
            PlayerEvent::TrackEnded { .. }
            | PlayerEvent::FirstSample { .. }
            | PlayerEvent::TrackFailed { .. } => Vec::new(),
        }
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
        if self.overlay.as_ref().is_some_and(|o| o.until <= now) {
            self.overlay = None;
            return self.base_screen(now);
        }
        if let (Some(np), None) = (&self.now_playing, &self.overlay) {
            let second = now.saturating_duration_since(np.started).as_secs();
            if self.drawn_second != Some(second) {
                return self.base_screen(now);
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

    fn overlay_for(&mut self, screen: Screen, duration: Duration, now: Instant) -> Vec<Action> {
        self.overlay = Some(Overlay {
            screen: screen.clone(),
            until: now + duration,
        });
        vec![Action::Show(screen)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emotion::EmotionProbs;
    use crate::song::MoodSource;

    fn song(path: &str, mood: Mood) -> Song {
        Song {
            path: PathBuf::from(path),
            title: path.trim_end_matches(".wav").to_string(),
            artist: Some("Band".into()),
            album: None,
            genre: None,
            language: Some("en".into()),
            mood,
            mood_source: MoodSource::Folder,
            confidence: 1.0,
            valence: 0.5,
            arousal: 0.5,
            bpm: None,
            duration_s: Some(60.0),
        }
    }

    fn mood(emotion: Emotion) -> ScanMood {
        let mut p = [0.0; 7];
        p[emotion.index()] = 0.9;
        ScanMood {
            probs: EmotionProbs(p),
            emotion,
            confidence: 0.9,
            faces: 1,
            readings: 3,
            frames_with_faces: 3,
        }
    }

    fn queue(emotion: Emotion, songs: Vec<Song>) -> Recommendation {
        Recommendation {
            emotion,
            policy: "match".into(),
            moods: vec![songs[0].mood],
            songs,
            fallback: None,
        }
    }

    fn shows(actions: &[Action]) -> Vec<&Screen> {
        actions
            .iter()
            .filter_map(|a| {
                if let Action::Show(s) = a {
                    Some(s)
                } else {
                    None
                }
            })
            .collect()
    }

    /// Presses the button, finishes the scan with `emotion`, chooses `songs`, starts the first.
    fn play(m: &mut Machine, t: Instant, emotion: Emotion, songs: Vec<Song>) -> Vec<Action> {
        let first = songs[0].path.clone();
        let mut all = m.handle(Input::ScanPressed, t);
        all.extend(m.handle(Input::ScanFinished(ScanOutcome::Mood(mood(emotion))), t));
        all.extend(m.handle(Input::QueueChosen(queue(emotion, songs)), t));
        all.extend(m.handle(
            Input::Player(PlayerEvent::TrackStarted {
                path: first,
                duration: None,
            }),
            t,
        ));
        all
    }

    #[test]
    fn a_press_scans_shows_the_mood_then_plays_the_queue() {
        let mut m = Machine::new(Timing::default());
        let t0 = Instant::now();
        assert_eq!(m.start(), vec![Action::Show(Screen::Idle)]);
        assert_eq!(m.phase(t0), Phase::Idle);
        assert_eq!(m.next_deadline(), None, "an idle box sleeps");

        let a = m.handle(Input::ScanPressed, t0);
        assert_eq!(
            a,
            vec![
                Action::Show(Screen::Scanning { step: 0 }),
                Action::StartScan
            ]
        );
        assert_eq!(m.phase(t0), Phase::Scanning);

        let a = m.handle(
            Input::ScanFinished(ScanOutcome::Mood(mood(Emotion::Happy))),
            t0,
        );
        assert!(matches!(
            shows(&a)[..],
            [Screen::Mood {
                emotion: Emotion::Happy,
                faces: 1,
                ..
            }]
        ));
        assert!(a.contains(&Action::ChooseQueue(Emotion::Happy)));
        assert_eq!(m.phase(t0), Phase::ShowingMood);

        let songs = vec![song("a.wav", Mood::Happy), song("b.wav", Mood::Happy)];
        let a = m.handle(Input::QueueChosen(queue(Emotion::Happy, songs)), t0);
        assert_eq!(
            a,
            vec![Action::PlayQueue(vec!["a.wav".into(), "b.wav".into()])]
        );

        let t1 = t0 + Duration::from_millis(200);
        let a = m.handle(
            Input::Player(PlayerEvent::TrackStarted {
                path: "a.wav".into(),
                duration: None,
            }),
            t1,
        );
        assert_eq!(
            a,
            vec![Action::RecordPlay {
                path: "a.wav".into(),
                emotion: Emotion::Happy,
                mood: Mood::Happy
            }],
            "the mood screen stays up for its time"
        );
        assert_eq!(m.queue_remaining(), 1);

        let t2 = t0 + Timing::default().mood_screen;
        assert_eq!(m.next_deadline(), Some(t2));
        let a = m.handle(Input::Tick, t2);
        assert!(
            matches!(shows(&a)[..], [Screen::NowPlaying { title, mood, for_emotion: Emotion::Happy, .. }] if title == "a" && mood == "happy")
        );
        assert_eq!(m.phase(t2), Phase::Playing);
        assert!(
            m.next_deadline()
                .is_some_and(|d| d > t2 && d <= t2 + Duration::from_secs(1)),
            "the clock on screen ticks"
        );
    }

    #[test]
    fn no_face_too_dark_and_no_camera_show_an_error_and_keep_the_music() {
        let t = Instant::now();
        for (outcome, want) in [
            (ScanOutcome::NoFace { too_dark: false }, ErrorScreen::NoFace),
            (ScanOutcome::NoFace { too_dark: true }, ErrorScreen::TooDark),
            (
                ScanOutcome::CameraFailed {
                    device: "/dev/video0".into(),
                    error: "gone".into(),
                },
                ErrorScreen::NoCamera {
                    device: "/dev/video0".into(),
                },
            ),
        ] {
            let mut m = Machine::new(Timing::default());
            play(&mut m, t, Emotion::Sad, vec![song("s.wav", Mood::Sad)]);
            m.handle(Input::ScanPressed, t);
            let a = m.handle(Input::ScanFinished(outcome), t);
            assert_eq!(
                a,
                vec![Action::Show(Screen::Error(want))],
                "no playback change"
            );
            assert_eq!(m.phase(t), Phase::Playing);
            let back = t + Timing::default().message_screen;
            let a = m.handle(Input::Tick, back);
            assert!(
                matches!(shows(&a)[..], [Screen::NowPlaying { .. }]),
                "the song comes back on screen"
            );
        }
    }

    #[test]
    fn a_press_while_playing_rescans_and_replaces_the_queue() {
        let t = Instant::now();
        let mut m = Machine::new(Timing::default());
        play(&mut m, t, Emotion::Happy, vec![song("h.wav", Mood::Happy)]);
        let a = play(
            &mut m,
            t,
            Emotion::Sad,
            vec![song("s1.wav", Mood::Sad), song("s2.wav", Mood::Sad)],
        );
        assert!(a.contains(&Action::PlayQueue(vec!["s1.wav".into(), "s2.wav".into()])));
        assert_eq!(m.now_playing().unwrap().song.path, PathBuf::from("s1.wav"));
        assert_eq!(m.now_playing().unwrap().for_emotion, Emotion::Sad);
        // A late start of a song from the old queue is ignored.
        assert!(m
            .handle(
                Input::Player(PlayerEvent::TrackStarted {
                    path: "h.wav".into(),
                    duration: None
                }),
                t
            )
            .is_empty());
    }

    #[test]
    fn one_scan_at_a_time() {
        let t = Instant::now();
        let mut m = Machine::new(Timing::default());
        assert_eq!(m.handle(Input::ScanPressed, t).len(), 2);
        assert!(m.handle(Input::ScanPressed, t).is_empty());
    }

    #[test]
    fn skip_records_the_skip_for_the_songs_mood_and_stop_goes_idle() {
        let t = Instant::now();
        let mut m = Machine::new(Timing::default());
        assert!(
            m.handle(Input::SkipPressed, t).is_empty(),
            "nothing to skip"
        );
        play(
            &mut m,
            t,
            Emotion::Angry,
            vec![
                song("e.wav", Mood::Energetic),
                song("f.wav", Mood::Energetic),
            ],
        );
        assert_eq!(
            m.handle(Input::SkipPressed, t),
            vec![
                Action::RecordSkip {
                    path: "e.wav".into(),
                    mood: Mood::Energetic
                },
                Action::SkipTrack
            ]
        );
        assert_eq!(
            m.handle(Input::StopPressed, t),
            vec![Action::StopPlayback, Action::Show(Screen::Idle)]
        );
        assert_eq!(m.phase(t), Phase::Idle);
        assert_eq!(m.next_deadline(), None);
    }

    #[test]
    fn the_end_of_the_queue_returns_to_idle() {
        let t = Instant::now();
        let mut m = Machine::new(Timing {
            mood_screen: Duration::ZERO,
            ..Timing::default()
        });
        play(&mut m, t, Emotion::Happy, vec![song("a.wav", Mood::Happy)]);
        m.handle(Input::Tick, t);
        let a = m.handle(
            Input::Player(PlayerEvent::QueueFinished),
            t + Duration::from_secs(60),
        );
        assert_eq!(a, vec![Action::Show(Screen::Idle)]);
        assert_eq!(m.phase(t + Duration::from_secs(60)), Phase::Idle);
    }

    #[test]
    fn no_songs_and_no_sound_card_are_shown() {
        let t = Instant::now();
        let mut m = Machine::new(Timing::default());
        m.handle(Input::ScanPressed, t);
        m.handle(
            Input::ScanFinished(ScanOutcome::Mood(mood(Emotion::Happy))),
            t,
        );
        let a = m.handle(
            Input::QueueFailed {
                language: "ta".into(),
                error: "empty".into(),
            },
            t,
        );
        assert_eq!(
            a,
            vec![Action::Show(Screen::Error(ErrorScreen::NoSongs {
                language: "ta".into()
            }))]
        );
        let a = m.handle(
            Input::SoundUnavailable {
                device: "hw:CARD=Headphones".into(),
            },
            t,
        );
        assert_eq!(
            a,
            vec![Action::Show(Screen::Error(ErrorScreen::NoSoundCard {
                device: "hw:CARD=Headphones".into()
            }))]
        );
    }

    #[test]
    fn volume_is_a_fraction() {
        let mut m = Machine::new(Timing::default());
        assert_eq!(
            m.handle(Input::Volume(40), Instant::now()),
            vec![Action::SetVolume(0.4)]
        );
    }

    #[test]
    fn the_scanning_screen_animates() {
        let t = Instant::now();
        let mut m = Machine::new(Timing::default());
        m.handle(Input::ScanPressed, t);
        let step = Timing::default().scan_animation;
        assert_eq!(m.next_deadline(), Some(t + step));
        assert_eq!(
            m.handle(Input::Tick, t + step),
            vec![Action::Show(Screen::Scanning { step: 1 })]
        );
    }
}
