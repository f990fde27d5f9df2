//! Helpers for the library tests: write generated audio as real WAV, MP3, FLAC, Ogg Vorbis
//! and M4A files (through the Debian encoders `lame`, `flac`, `oggenc`, `ffmpeg`) and tag them
//! with lofty.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use lofty::config::WriteOptions;
use lofty::file::TaggedFileExt;
use lofty::tag::{ItemKey, Tag, TagExt};

pub const SAMPLE_RATE: u32 = 22_050;

/// Writes `samples` (mono) as `path` in the format its extension names, creating folders.
/// Fails the test, pointing at `scripts/setup`, when an encoder is missing.
pub fn write_audio(path: &Path, samples: &[f32], sample_rate: u32, channels: u16) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    if let Err(e) = crate::support::encode::write_audio_file(path, samples, sample_rate, channels) {
        panic!("cannot write {}: {e}", path.display());
    }
}

/// Tags to write; `None` fields are left out.
#[derive(Debug, Clone, Default)]
pub struct Tags<'a> {
    pub title: Option<&'a str>,
    pub artist: Option<&'a str>,
    pub album: Option<&'a str>,
    pub genre: Option<&'a str>,
    pub language: Option<&'a str>,
    pub mood: Option<&'a str>,
}

/// Writes tags into the file's primary tag type (ID3v2 for MP3 and WAV, Vorbis comments
/// for FLAC and Ogg, iTunes-style ilst atoms for M4A).
pub fn write_tags(path: &Path, tags: &Tags<'_>) {
    let tagged = lofty::read_from_path(path).unwrap();
    let mut tag = Tag::new(tagged.primary_tag_type());
    let items = [
        (ItemKey::TrackTitle, tags.title),
        (ItemKey::TrackArtist, tags.artist),
        (ItemKey::AlbumTitle, tags.album),
        (ItemKey::Genre, tags.genre),
        (ItemKey::Language, tags.language),
        (ItemKey::Mood, tags.mood),
    ];
    for (key, value) in items {
        if let Some(value) = value {
            assert!(
                tag.insert_text(key.clone(), value.to_string()),
                "{key:?} not supported in {:?}",
                tag.tag_type()
            );
        }
    }
    tag.save_to_path(path, WriteOptions::default()).unwrap();
}

/// A short, quiet, steady tone (enough for tag and folder tests, where analysis is not run).
pub fn tone(seconds: f32) -> Vec<f32> {
    (0..(seconds * SAMPLE_RATE as f32) as usize)
        .map(|i| 0.3 * (std::f32::consts::TAU * 330.0 * i as f32 / SAMPLE_RATE as f32).sin())
        .collect()
}

/// Writes a file and returns its path.
pub fn song_file(dir: &Path, relative: &str, samples: &[f32]) -> PathBuf {
    let path = dir.join(relative);
    write_audio(&path, samples, SAMPLE_RATE, 1);
    path
}
