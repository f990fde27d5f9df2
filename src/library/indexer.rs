//! Indexing the music folder: reading new and changed songs into the index, incrementally.
//!
//! 1. Walk the folder (hidden entries skipped, symlinked folders followed once) and keep the
//!    files with an audio extension: mp3, flac, ogg/oga, wav, m4a/mp4/aac.
//! 2. Forget indexed paths that are gone (one short transaction).
//! 3. Re-read only new files and files whose size or modification time changed (or that an
//!    older moodbox read): tags, a decode check, folder hints and, if still moodless,
//!    audio analysis. Results are committed every [`BATCH_FILES`] files or
//!    [`BATCH_SECONDS`], outside of which no write transaction is held, so an interrupted
//!    indexing run keeps everything committed so far and readers are never kept waiting.
//!
//! A file that cannot be used is recorded in the `skipped` table with the reason and is not
//! re-read until it changes.

use std::collections::{HashMap, HashSet};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rusqlite::params;
use serde::Serialize;

use crate::library::analysis::Analysis;
use crate::library::error::LibraryError;
use crate::library::folders::folder_hints;
use crate::library::index::{path_bytes, FileStamp, LibraryIndex, SkippedFile};
use moodbox_core::mood::Mood;
use moodbox_core::song::MoodSource;
use moodbox_media::decode::check_playable;
use moodbox_media::tags::read_tags;

/// Bumped whenever tag reading or analysis changes, so the next indexing run re-reads every file.
const INDEXER_VERSION: i64 = 1;
/// File extensions (lowercase) that are examined; all other files are ignored.
pub const AUDIO_EXTENSIONS: &[&str] = &["mp3", "flac", "ogg", "oga", "wav", "m4a", "mp4", "aac"];
const BATCH_FILES: usize = 25;
const BATCH_SECONDS: Duration = Duration::from_secs(2);

/// Which stage an indexing run is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IndexPhase {
    /// Listing the folder.
    Walking,
    /// Reading new and changed files (`done` of `total`).
    Examining,
    /// Finished.
    Done,
}

/// A progress report, sent before each file is examined and at each phase change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexProgress {
    pub phase: IndexPhase,
    /// Files examined so far.
    pub done: usize,
    /// Files to examine (new or changed).
    pub total: usize,
    /// The file about to be examined.
    #[serde(with = "moodbox_core::path_text::option")]
    pub path: Option<PathBuf>,
}

/// What an indexing run did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IndexReport {
    #[serde(with = "moodbox_core::path_text")]
    pub music_dir: PathBuf,
    /// Audio files found.
    pub files: usize,
    /// New playable songs.
    pub added: usize,
    /// Changed files re-read (still playable).
    pub updated: usize,
    /// Indexed files that are gone.
    pub removed: usize,
    /// Files left alone because they had not changed.
    pub unchanged: usize,
    /// Files examined in this indexing run that could not be used, with the reason.
    pub skipped: Vec<SkippedFile>,
    /// Unchanged files that earlier indexing runs skipped.
    pub still_skipped: usize,
    /// Songs whose mood came from each source in this indexing run (tag, folder, analysis).
    pub mood_sources: HashMap<String, usize>,
    /// Folders that could not be listed (their songs stay indexed as they were).
    pub unreadable_folders: Vec<SkippedFile>,
    /// The indexing was stopped early; run it again to finish.
    pub interrupted: bool,
    /// The index file was found corrupt, moved aside and rebuilt before indexing.
    pub recovered_index: bool,
    pub seconds: f64,
}

/// One examined file, ready to write.
enum Examined {
    Song(Box<SongRecord>),
    Skipped(String),
}

struct SongRecord {
    title: String,
    artist: Option<String>,
    album: Option<String>,
    genre: Option<String>,
    language: Option<String>,
    mood: Mood,
    mood_source: MoodSource,
    confidence: f32,
    valence: f32,
    arousal: f32,
    bpm: Option<f32>,
    duration_s: Option<f64>,
    features: Option<String>,
}

struct Pending {
    path: PathBuf,
    stamp: FileStamp,
    examined: Examined,
}

struct FoundFile {
    path: PathBuf,
    stamp: FileStamp,
}

impl LibraryIndex {
    /// Indexes `music_dir` (see the module docs), calling `progress` as it goes.
    pub fn index_music(
        &mut self,
        music_dir: &Path,
        progress: &mut dyn FnMut(IndexProgress),
    ) -> Result<IndexReport, LibraryError> {
        self.index_music_until(music_dir, progress, &AtomicBool::new(false))
    }

    /// [`LibraryIndex::index_music`] that stops cleanly, keeping its work so far, once `stop` is set
    /// (e.g. on shutdown); the report then says `interrupted`.
    pub fn index_music_until(
        &mut self,
        music_dir: &Path,
        progress: &mut dyn FnMut(IndexProgress),
        stop: &AtomicBool,
    ) -> Result<IndexReport, LibraryError> {
        let started = Instant::now();
        let root = music_dir
            .canonicalize()
            .and_then(|p| {
                if p.is_dir() {
                    Ok(p)
                } else {
                    Err(std::io::Error::other("not a folder"))
                }
            })
            .map_err(|source| LibraryError::MusicDir {
                path: music_dir.to_path_buf(),
                source,
            })?;
        progress(IndexProgress {
            phase: IndexPhase::Walking,
            done: 0,
            total: 0,
            path: None,
        });
        let mut report = IndexReport {
            music_dir: root.clone(),
            recovered_index: self.recovered_from().is_some(),
            ..IndexReport::default()
        };
        let mut unreadable = Vec::new();
        let found = walk(&root, &mut unreadable);
        report.files = found.len();
        let known = self.stamps().map_err(|e| self.db_error(e))?;

        let found_paths: HashSet<&Path> = found.iter().map(|f| f.path.as_path()).collect();
        let gone: Vec<&PathBuf> = known
            .keys()
            .filter(|p| !found_paths.contains(p.as_path()))
            .filter(|p| {
                !unreadable
                    .iter()
                    .any(|u: &SkippedFile| p.starts_with(&u.path))
            })
            .collect();
        report.removed = self.forget(&gone).map_err(|e| self.db_error(e))?;
        report.unreadable_folders = unreadable;

        let mut work = Vec::new();
        for file in found {
            match known.get(&file.path) {
                Some((old, was_skipped)) if *old == file.stamp => {
                    report.unchanged += 1;
                    report.still_skipped += usize::from(*was_skipped);
                }
                _ => work.push(file),
            }
        }

        let total = work.len();
        let mut pending: Vec<Pending> = Vec::new();
        let mut last_flush = Instant::now();
        for (done, file) in work.into_iter().enumerate() {
            if stop.load(Ordering::Relaxed) {
                report.interrupted = true;
                break;
            }
            progress(IndexProgress {
                phase: IndexPhase::Examining,
                done,
                total,
                path: Some(file.path.clone()),
            });
            let examined = examine(&root, &file.path);
            pending.push(Pending {
                path: file.path,
                stamp: file.stamp,
                examined,
            });
            if pending.len() >= BATCH_FILES || last_flush.elapsed() >= BATCH_SECONDS {
                self.flush(&mut pending, &known, &mut report)?;
                last_flush = Instant::now();
            }
        }
        self.flush(&mut pending, &known, &mut report)?;
        report.seconds = started.elapsed().as_secs_f64();
        progress(IndexProgress {
            phase: IndexPhase::Done,
            done: total,
            total,
            path: None,
        });
        Ok(report)
    }

    /// Deletes index rows (songs and skipped files) for paths that are gone.
    fn forget(&mut self, gone: &[&PathBuf]) -> rusqlite::Result<usize> {
        if gone.is_empty() {
            return Ok(0);
        }
        let tx = self.conn.transaction()?;
        let mut removed = 0;
        {
            let mut songs = tx.prepare("DELETE FROM songs WHERE path = ?1")?;
            let mut skipped = tx.prepare("DELETE FROM skipped WHERE path = ?1")?;
            for path in gone {
                removed += songs.execute([path_bytes(path)])?;
                skipped.execute([path_bytes(path)])?;
            }
        }
        tx.commit()?;
        Ok(removed)
    }

    /// Writes examined files in one transaction.
    fn flush(
        &mut self,
        pending: &mut Vec<Pending>,
        known: &HashMap<PathBuf, (FileStamp, bool)>,
        report: &mut IndexReport,
    ) -> Result<(), LibraryError> {
        if pending.is_empty() {
            return Ok(());
        }
        let write = |conn: &mut rusqlite::Connection,
                     pending: &[Pending]|
         -> rusqlite::Result<()> {
            let tx = conn.transaction()?;
            {
                let mut upsert_song = tx.prepare_cached(
                    "INSERT INTO songs (path, size, mtime_ns, scanner, title, artist, album, genre,
                        language, mood, mood_source, confidence, valence, arousal, bpm, duration_s,
                        features)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
                     ON CONFLICT (path) DO UPDATE SET size = ?2, mtime_ns = ?3, scanner = ?4,
                        title = ?5, artist = ?6, album = ?7, genre = ?8, language = ?9, mood = ?10,
                        mood_source = ?11, confidence = ?12, valence = ?13, arousal = ?14,
                        bpm = ?15, duration_s = ?16, features = ?17",
                )?;
                let mut upsert_skipped = tx.prepare_cached(
                    "INSERT INTO skipped (path, size, mtime_ns, scanner, reason)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (path) DO UPDATE SET size = ?2, mtime_ns = ?3, scanner = ?4,
                        reason = ?5",
                )?;
                let mut delete_song = tx.prepare_cached("DELETE FROM songs WHERE path = ?1")?;
                let mut delete_skipped =
                    tx.prepare_cached("DELETE FROM skipped WHERE path = ?1")?;
                for p in pending {
                    let path = path_bytes(&p.path);
                    let (size, mtime) = (p.stamp.size as i64, p.stamp.mtime_ns);
                    match &p.examined {
                        Examined::Song(s) => {
                            delete_skipped.execute([path])?;
                            upsert_song.execute(params![
                                path,
                                size,
                                mtime,
                                INDEXER_VERSION,
                                s.title,
                                s.artist,
                                s.album,
                                s.genre,
                                s.language,
                                s.mood.as_str(),
                                s.mood_source.as_str(),
                                s.confidence as f64,
                                s.valence as f64,
                                s.arousal as f64,
                                s.bpm.map(|b| b as f64),
                                s.duration_s,
                                s.features,
                            ])?;
                        }
                        Examined::Skipped(reason) => {
                            delete_song.execute([path])?;
                            upsert_skipped.execute(params![
                                path,
                                size,
                                mtime,
                                INDEXER_VERSION,
                                reason
                            ])?;
                        }
                    }
                }
            }
            tx.commit()
        };
        write(&mut self.conn, pending).map_err(|e| self.db_error(e))?;
        for p in pending.drain(..) {
            match p.examined {
                Examined::Song(s) => {
                    *report
                        .mood_sources
                        .entry(s.mood_source.as_str().to_string())
                        .or_default() += 1;
                    if known.contains_key(&p.path) {
                        report.updated += 1;
                    } else {
                        report.added += 1;
                    }
                }
                Examined::Skipped(reason) => report.skipped.push(SkippedFile {
                    path: p.path,
                    reason,
                }),
            }
        }
        Ok(())
    }
}

/// Lists audio files under `root`, sorted, recording folders that cannot be read.
fn walk(root: &Path, unreadable: &mut Vec<SkippedFile>) -> Vec<FoundFile> {
    let mut found = Vec::new();
    let mut visited_dirs = HashSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        if let Ok(meta) = std::fs::metadata(&dir) {
            if !visited_dirs.insert((meta.dev(), meta.ino())) {
                continue; // a symlink loop or a second link to the same folder
            }
        }
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                tracing::warn!("cannot list {}: {e}", dir.display());
                unreadable.push(SkippedFile {
                    path: dir,
                    reason: e.to_string(),
                });
                continue;
            }
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if name.as_encoded_bytes().first() == Some(&b'.') {
                continue;
            }
            let path = entry.path();
            let Ok(meta) = std::fs::metadata(&path) else {
                continue; // a dangling symlink
            };
            if meta.is_dir() {
                stack.push(path);
            } else if meta.is_file() && has_audio_extension(&path) {
                found.push(FoundFile {
                    path,
                    stamp: FileStamp {
                        size: meta.len(),
                        mtime_ns: meta.mtime() * 1_000_000_000 + meta.mtime_nsec(),
                        indexer: INDEXER_VERSION,
                    },
                });
            }
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

fn has_audio_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| AUDIO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Reads one file: tags, a decode check, folder hints, and analysis when nothing names the
/// mood.
fn examine(root: &Path, path: &Path) -> Examined {
    match examine_song(root, path) {
        Ok(song) => Examined::Song(Box::new(song)),
        Err(reason) => {
            tracing::debug!("skipping {}: {reason}", path.display());
            Examined::Skipped(reason)
        }
    }
}

fn examine_song(root: &Path, path: &Path) -> Result<SongRecord, String> {
    if std::fs::metadata(path).map_err(|e| e.to_string())?.len() == 0 {
        return Err("empty file (0 bytes)".to_string());
    }
    let tags = read_tags(path)?;
    let stream = check_playable(path)?;
    let folder = folder_hints(root, path);
    if let Some(text) = &tags.unknown_mood {
        tracing::debug!("{}: mood tag {text:?} names no known mood", path.display());
    }
    let duration_s = stream.duration_s.or(tags.duration_s);
    let title = tags.title.clone().unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let mut record = SongRecord {
        title,
        artist: tags.artist,
        album: tags.album,
        genre: tags.genre,
        language: tags.language.or(folder.language),
        mood: Mood::Calm,
        mood_source: MoodSource::Tag,
        confidence: 1.0,
        valence: 0.0,
        arousal: 0.0,
        bpm: tags.bpm,
        duration_s,
        features: None,
    };
    let named = tags
        .mood
        .map(|m| (m, MoodSource::Tag))
        .or(folder.mood.map(|m| (m, MoodSource::Folder)));
    match named {
        Some((mood, source)) => {
            let (valence, arousal) = mood.centre();
            record.mood = mood;
            record.mood_source = source;
            record.valence = valence;
            record.arousal = arousal;
        }
        None => {
            let analysis = Analysis::of_file(path, duration_s)?;
            record.mood = analysis.mood;
            record.mood_source = MoodSource::Analysis;
            record.confidence = analysis.confidence;
            record.valence = analysis.valence;
            record.arousal = analysis.arousal;
            record.bpm = analysis.features.bpm.or(record.bpm);
            record.features = serde_json::to_string(&analysis.features).ok();
        }
    }
    Ok(record)
}
