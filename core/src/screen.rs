//! What the display shows: one value per screen, filled in by the daemon and drawn by the UI.
//!
//! The daemon passes short, plain text (a device name, a language code, a song title); the UI
//! decides fonts and layout, and shortens with an ellipsis whatever does not fit the panel.

use std::time::Duration;

use crate::emotion::Emotion;
use crate::mood::Mood;

/// How lit the screen is: on, dimmed after `dim_after_minutes` idle, off after
/// `off_after_minutes`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backlight {
    #[default]
    On,
    Dim,
    Off,
}

/// One screen of the box's UI.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    /// Waiting for the button.
    Idle,
    /// Reading faces; `step` advances the animation (any number, it wraps).
    Scanning { step: u32 },
    /// The emotion found, how sure the classifier is (0..=1) and how many faces it saw.
    Mood {
        emotion: Emotion,
        confidence: f32,
        faces: usize,
    },
    /// The song playing now.
    NowPlaying {
        title: String,
        /// The file's name without its extension: shown instead of a title that no font
        /// of the box can draw.
        file: String,
        artist: String,
        /// The library language the song was picked from, e.g. "en" or "German".
        language: String,
        /// The song mood it was chosen for, e.g. "happy" or "calm".
        mood: String,
        /// The emotion that was detected on the face.
        for_emotion: Emotion,
        elapsed: Duration,
        /// Length of the song, when its file says.
        total: Option<Duration>,
    },
    /// Not sure: the moods to choose from, `selected` highlighted. `read` is what the scan
    /// read (with how sure it was), `None` when it saw no face.
    ChooseMood {
        read: Option<(Emotion, f32)>,
        selected: Mood,
    },
    /// Something the person can fix.
    Error(ErrorScreen),
}

/// The error screens: each says what went wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorScreen {
    /// The camera could not be opened or stopped delivering frames.
    NoCamera { device: String },
    /// Frames arrived but no face was found in them.
    NoFace,
    /// The frames were too dark to find a face.
    TooDark,
    /// The library holds no songs for the configured language.
    NoSongs { language: String },
    /// The audio output could not be opened.
    NoSoundCard { device: String },
    /// None of the chosen songs would open (the music folder vanished, a disk failed).
    SongsUnreadable { count: usize },
    /// Anything else: a short title and one sentence.
    Message { title: String, detail: String },
}

/// The picture that goes with an error screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorIcon {
    Camera,
    Face,
    Moon,
    MusicNote,
    Speaker,
    Warning,
}

impl ErrorScreen {
    /// A heading of a word or two.
    pub fn heading(&self) -> String {
        match self {
            ErrorScreen::NoCamera { .. } => "No camera".into(),
            ErrorScreen::NoFace => "No face".into(),
            ErrorScreen::TooDark => "Too dark".into(),
            ErrorScreen::NoSongs { .. } => "No songs".into(),
            ErrorScreen::NoSoundCard { .. } => "No sound".into(),
            ErrorScreen::SongsUnreadable { .. } => "Cannot play".into(),
            ErrorScreen::Message { title, .. } => title.clone(),
        }
    }

    /// What was found, naming the device or language involved.
    pub fn detail(&self) -> String {
        match self {
            ErrorScreen::NoCamera { device } => format!("{device} is not answering"),
            ErrorScreen::NoFace => "I could not see a face".into(),
            ErrorScreen::TooDark => "I cannot see faces in the dark".into(),
            ErrorScreen::NoSongs { language } => format!("for language \"{language}\""),
            ErrorScreen::NoSoundCard { device } => format!("Cannot open {device}"),
            ErrorScreen::SongsUnreadable { count: 1 } => "The song would not open".into(),
            ErrorScreen::SongsUnreadable { count } => format!("{count} songs would not open"),
            ErrorScreen::Message { detail, .. } => detail.clone(),
        }
    }

    /// What to do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            ErrorScreen::NoCamera { .. } => "Check the camera cable",
            ErrorScreen::NoFace => "Face the camera and press again",
            ErrorScreen::TooDark => "Turn on a light and press again",
            ErrorScreen::NoSongs { .. } => "Add music to the library",
            ErrorScreen::NoSoundCard { .. } => "Check the audio settings",
            ErrorScreen::SongsUnreadable { .. } => "Check the music folder",
            ErrorScreen::Message { .. } => "Press the button to try again",
        }
    }

    pub fn icon(&self) -> ErrorIcon {
        match self {
            ErrorScreen::NoCamera { .. } => ErrorIcon::Camera,
            ErrorScreen::NoFace => ErrorIcon::Face,
            ErrorScreen::TooDark => ErrorIcon::Moon,
            ErrorScreen::NoSongs { .. } => ErrorIcon::MusicNote,
            ErrorScreen::NoSoundCard { .. } => ErrorIcon::Speaker,
            ErrorScreen::SongsUnreadable { .. } => ErrorIcon::MusicNote,
            ErrorScreen::Message { .. } => ErrorIcon::Warning,
        }
    }
}

impl Screen {
    /// A short name for logs and file names ("mood-happy", "error-no-camera", ...).
    pub fn name(&self) -> String {
        match self {
            Screen::Idle => "idle".into(),
            Screen::Scanning { .. } => "scanning".into(),
            Screen::Mood { emotion, .. } => format!("mood-{emotion}"),
            Screen::NowPlaying { .. } => "now-playing".into(),
            Screen::ChooseMood { read: Some(_), .. } => "choose-mood".into(),
            Screen::ChooseMood { read: None, .. } => "choose-mood-no-face".into(),
            Screen::Error(error) => match error {
                ErrorScreen::NoCamera { .. } => "error-no-camera".into(),
                ErrorScreen::NoFace => "error-no-face".into(),
                ErrorScreen::TooDark => "error-too-dark".into(),
                ErrorScreen::NoSongs { .. } => "error-no-songs".into(),
                ErrorScreen::NoSoundCard { .. } => "error-no-sound-card".into(),
                ErrorScreen::SongsUnreadable { .. } => "error-songs-unreadable".into(),
                ErrorScreen::Message { .. } => "error-message".into(),
            },
        }
    }
}

/// One example of every screen (each emotion's mood screen, each error screen) with
/// realistic values: the golden-image tests draw these, and they are handy for demos.
pub fn gallery() -> Vec<Screen> {
    let confidences = [0.62, 0.41, 0.55, 0.93, 0.78, 0.86, 0.71];
    let mut screens = vec![Screen::Idle, Screen::Scanning { step: 5 }];
    for (emotion, confidence) in Emotion::ALL.into_iter().zip(confidences) {
        screens.push(Screen::Mood {
            emotion,
            confidence,
            faces: if emotion == Emotion::Happy { 2 } else { 1 },
        });
    }
    screens.push(Screen::NowPlaying {
        title: "Here Comes the Sun".into(),
        file: "01 Here Comes the Sun".into(),
        artist: "The Beatles".into(),
        language: "en".into(),
        mood: "happy".into(),
        for_emotion: Emotion::Sad,
        elapsed: Duration::from_secs(83),
        total: Some(Duration::from_secs(185)),
    });
    screens.push(Screen::ChooseMood {
        read: Some((Emotion::Sad, 0.38)),
        selected: Mood::Sad,
    });
    screens.push(Screen::ChooseMood {
        read: None,
        selected: Mood::Calm,
    });
    for error in [
        ErrorScreen::NoCamera {
            device: "/dev/video0".into(),
        },
        ErrorScreen::NoFace,
        ErrorScreen::TooDark,
        ErrorScreen::NoSongs {
            language: "de".into(),
        },
        ErrorScreen::NoSoundCard {
            device: "hw:CARD=Headphones".into(),
        },
        ErrorScreen::SongsUnreadable { count: 10 },
        ErrorScreen::Message {
            title: "Library error".into(),
            detail: "The song index could not be read".into(),
        },
    ] {
        screens.push(Screen::Error(error));
    }
    screens
}
