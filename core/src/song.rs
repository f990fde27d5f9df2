//! A song as the index knows it, and the filter `LibraryIndex::songs` takes.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::mood::Mood;

/// Where a song's mood came from, most trusted first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MoodSource {
    /// A mood tag in the file (ID3 TMOO, Vorbis MOOD, MP4 ----:MOOD).
    Tag,
    /// A folder name under the music root (`<root>/<language>/<mood>/...`).
    Folder,
    /// Audio analysis (tempo, energy, brightness, mode).
    Analysis,
}

impl MoodSource {
    pub fn as_str(self) -> &'static str {
        match self {
            MoodSource::Tag => "tag",
            MoodSource::Folder => "folder",
            MoodSource::Analysis => "analysis",
        }
    }
}

impl fmt::Display for MoodSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MoodSource {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "tag" => Ok(MoodSource::Tag),
            "folder" => Ok(MoodSource::Folder),
            "analysis" => Ok(MoodSource::Analysis),
            other => Err(format!("unknown mood source {other:?}")),
        }
    }
}

/// One playable song in the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Song {
    /// Absolute path of the file.
    /// The file, in [`crate::path_text`] form in JSON (lossless for any file name).
    #[serde(with = "crate::path_text")]
    pub path: PathBuf,
    /// The title tag, or the file name without its extension when there is none.
    pub title: String,
    pub artist: Option<String>,
    pub album: Option<String>,
    pub genre: Option<String>,
    /// ISO 639-1 code ("en", "ta", "hi"), or `None` when neither tag nor folder says.
    pub language: Option<String>,
    pub mood: Mood,
    pub mood_source: MoodSource,
    /// How sure moodbox is of `mood`, 0..=1: 1 for tags and folders (the owner's word); for
    /// analysis, how far the song sits from the nearest quadrant border.
    pub confidence: f32,
    /// −1 (dark, unpleasant) ..= +1 (bright, pleasant). See [`crate::mood`].
    pub valence: f32,
    /// −1 (still, slow, soft) ..= +1 (fast, loud, excited).
    pub arousal: f32,
    /// Beats per minute, from analysis or a BPM tag.
    pub bpm: Option<f32>,
    /// Length in seconds, when the file's headers say.
    pub duration_s: Option<f64>,
}

/// Which songs the library index returns; empty fields match all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SongFilter {
    pub mood: Option<Mood>,
    /// ISO 639-1 code; see [`crate::language::normalise_language`].
    pub language: Option<String>,
    pub mood_source: Option<MoodSource>,
}

impl SongFilter {
    /// Every song.
    pub fn all() -> SongFilter {
        SongFilter::default()
    }

    pub fn mood(mut self, mood: Mood) -> SongFilter {
        self.mood = Some(mood);
        self
    }

    pub fn language(mut self, code: impl Into<String>) -> SongFilter {
        self.language = Some(code.into());
        self
    }

    pub fn matches(&self, song: &Song) -> bool {
        self.mood.is_none_or(|m| song.mood == m)
            && self
                .language
                .as_deref()
                .is_none_or(|l| song.language.as_deref() == Some(l))
            && self.mood_source.is_none_or(|s| song.mood_source == s)
    }
}
