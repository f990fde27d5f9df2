//! Reading tags with lofty: title, artist, album, genre, language (ID3 TLAN, Vorbis
//! LANGUAGE, MP4 ----:LANGUAGE), mood (ID3 TMOO, Vorbis MOOD, MP4 ----:MOOD), BPM and the
//! duration from the stream headers. Cover art is never loaded, and lofty's own allocation
//! limit (16 MiB per item) stays in force.

use std::path::Path;

use lofty::config::ParseOptions;
use lofty::file::{AudioFile, TaggedFileExt};
use lofty::probe::Probe;
use lofty::tag::{ItemKey, Tag};

use crate::decode::guarded;
use moodbox_core::language::normalise_language;
use moodbox_core::mood::Mood;

/// What a file's tags and headers say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TagInfo {
    pub title: Option<String>,
    pub artist: Option<String>,
    pub album: Option<String>,
    pub genre: Option<String>,
    /// ISO 639-1, already normalised.
    pub language: Option<String>,
    pub mood: Option<Mood>,
    /// The raw mood text when it named no mood moodbox knows (for the indexing report).
    pub unknown_mood: Option<String>,
    pub bpm: Option<f32>,
    pub duration_s: Option<f64>,
}

/// Reads a file's tags. An error is the reason the file is not audio moodbox can read.
pub fn read_tags(path: &Path) -> Result<TagInfo, String> {
    guarded("the tag reader", || {
        let options = ParseOptions::new().read_cover_art(false);
        let tagged = Probe::open(path)
            .map_err(|e| format!("cannot open: {e}"))?
            .options(options)
            .guess_file_type()
            .map_err(|e| format!("cannot read: {e}"))?
            .read()
            .map_err(|e| format!("not a readable audio file: {e}"))?;
        let duration = tagged.properties().duration().as_secs_f64();
        let primary = tagged.primary_tag_type();
        let mut tags: Vec<&Tag> = tagged.tags().iter().collect();
        tags.sort_by_key(|t| t.tag_type() != primary); // the primary tag first
        let text = |key: ItemKey| -> Option<String> {
            tags.iter()
                .find_map(|t| t.get_string(&key))
                .map(|s| s.trim().trim_matches('\0').to_string())
                .filter(|s| !s.is_empty())
        };
        let mood_text = text(ItemKey::Mood);
        let mood = mood_text.as_deref().and_then(Mood::from_word);
        Ok(TagInfo {
            title: text(ItemKey::TrackTitle),
            artist: text(ItemKey::TrackArtist),
            album: text(ItemKey::AlbumTitle),
            genre: text(ItemKey::Genre),
            language: text(ItemKey::Language)
                .as_deref()
                .and_then(normalise_language),
            unknown_mood: mood_text.filter(|_| mood.is_none()),
            mood,
            bpm: text(ItemKey::IntegerBpm)
                .or_else(|| text(ItemKey::Bpm))
                .and_then(|s| s.parse::<f32>().ok())
                .filter(|b| (20.0..=400.0).contains(b)),
            duration_s: (duration > 0.0).then_some(duration),
        })
    })
}
