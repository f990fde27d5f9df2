//! The library index: one SQLite file (WAL mode) holding every song, every skipped file with
//! its reason, and the play and skip history the recommender learns from.
//!
//! SQLite in WAL mode with `synchronous=NORMAL` stays consistent after a power cut (the last
//! commits may roll back), and indexing runs commit in small batches, so an interrupted indexing run leaves
//! an index that works and the next indexing run finishes the job. A file that is not a database or
//! fails `PRAGMA quick_check` is renamed to `<name>.corrupt-<unix time>` and a fresh index is
//! built in its place, with a warning (the play history in it is lost; the songs come back
//! with the next indexing run).
//!
//! Paths are stored as raw bytes, so any file name the file system allows works. The history
//! keeps the newest [`HISTORY_ROWS`] plays and skips, so it never grows without bound.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::library::error::LibraryError;
use moodbox_core::mood::Mood;
pub use moodbox_core::recommend::History;
use moodbox_core::song::{Song, SongFilter};

/// Plays and skips kept in the history; older rows are pruned as new ones arrive.
pub const HISTORY_ROWS: i64 = 10_000;

/// The schema this code writes (`PRAGMA user_version`).
const SCHEMA_VERSION: i64 = 2;

const SCHEMA: &str = "
CREATE TABLE songs (
    id INTEGER PRIMARY KEY,
    path BLOB NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    scanner INTEGER NOT NULL,
    title TEXT NOT NULL,
    artist TEXT,
    album TEXT,
    genre TEXT,
    language TEXT,
    mood TEXT NOT NULL,
    mood_source TEXT NOT NULL,
    confidence REAL NOT NULL,
    valence REAL NOT NULL,
    arousal REAL NOT NULL,
    bpm REAL,
    duration_s REAL,
    features TEXT
);
CREATE INDEX songs_by_mood ON songs (mood, language);
CREATE TABLE skipped (
    path BLOB PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    scanner INTEGER NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE plays (
    id INTEGER PRIMARY KEY,
    path BLOB NOT NULL,
    emotion TEXT,
    mood TEXT,
    at_ms INTEGER NOT NULL
);
CREATE TABLE skips (
    id INTEGER PRIMARY KEY,
    path BLOB NOT NULL,
    mood TEXT NOT NULL,
    at_ms INTEGER NOT NULL
);
CREATE INDEX skips_by_mood ON skips (mood, path);
";

/// Added in schema version 2: what each scan read and what the owner made of it.
const READINGS: &str = "
CREATE TABLE readings (
    id INTEGER PRIMARY KEY,
    emotion TEXT,
    confidence REAL NOT NULL,
    offered TEXT NOT NULL,
    asked INTEGER NOT NULL,
    chosen TEXT,
    at_ms INTEGER NOT NULL
);
";

/// The tables this schema version has.
const TABLES: [&str; 5] = ["songs", "skipped", "plays", "skips", "readings"];

/// The first table of the schema the file lacks (a damaged or hand-edited index passes
/// `quick_check` without it).
fn missing_table(conn: &Connection) -> rusqlite::Result<Option<&'static str>> {
    let mut present = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?;
    let names: Vec<String> = present
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(TABLES.into_iter().find(|t| !names.iter().any(|n| n == t)))
}

/// A file indexing could not use, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SkippedFile {
    #[serde(with = "moodbox_core::path_text")]
    pub path: PathBuf,
    pub reason: String,
}

/// Size and modification time recorded for a path, to tell changed files from unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileStamp {
    pub size: u64,
    pub mtime_ns: i64,
    pub indexer: i64,
}

/// The open index. `Send`, so indexing can run on a background thread; open a second one on
/// the same file to read while it indexes (WAL lets readers and one writer work together).
pub struct LibraryIndex {
    pub(crate) conn: Connection,
    path: PathBuf,
    recovered_from: Option<PathBuf>,
}

impl std::fmt::Debug for LibraryIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LibraryIndex")
            .field("path", &self.path)
            .finish()
    }
}

enum OpenFailure {
    Corrupt(String),
    TooNew(i64),
    Sqlite(rusqlite::Error),
}

impl OpenFailure {
    fn into_error(self, path: &Path) -> LibraryError {
        let path = path.to_path_buf();
        match self {
            OpenFailure::Corrupt(reason) => LibraryError::Corrupt { path, reason },
            OpenFailure::TooNew(found) => LibraryError::SchemaTooNew {
                path,
                found,
                known: SCHEMA_VERSION,
            },
            OpenFailure::Sqlite(source) => LibraryError::Open { path, source },
        }
    }
}

impl From<rusqlite::Error> for OpenFailure {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
        match e.sqlite_error_code() {
            Some(NotADatabase | DatabaseCorrupt) => OpenFailure::Corrupt(e.to_string()),
            _ => OpenFailure::Sqlite(e),
        }
    }
}

impl LibraryIndex {
    /// Opens (or creates) the index at `path`, creating its folder if needed. A corrupt file
    /// is moved aside and replaced by an empty index (see [`LibraryIndex::recovered_from`]).
    pub fn open(path: &Path) -> Result<LibraryIndex, LibraryError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| LibraryError::Io {
                path: parent.to_path_buf(),
                action: "create the index folder",
                source,
            })?;
        }
        let recovered_from = match Self::try_open(path) {
            Ok(conn) => {
                return Ok(LibraryIndex {
                    conn,
                    path: path.to_path_buf(),
                    recovered_from: None,
                })
            }
            Err(OpenFailure::Corrupt(why)) => {
                let aside = move_aside(path).map_err(|source| LibraryError::Io {
                    path: path.to_path_buf(),
                    action: "move the corrupt index aside",
                    source,
                })?;
                tracing::warn!(
                    "library index {} was corrupt ({why}); moved it to {} and started a new one",
                    path.display(),
                    aside.display()
                );
                aside
            }
            Err(failure) => return Err(failure.into_error(path)),
        };
        let conn = Self::try_open(path).map_err(|f| f.into_error(path))?;
        Ok(LibraryIndex {
            conn,
            path: path.to_path_buf(),
            recovered_from: Some(recovered_from),
        })
    }

    fn try_open(path: &Path) -> Result<Connection, OpenFailure> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(
                "library index {}: journal mode is {mode}, not WAL",
                path.display()
            );
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(OpenFailure::Corrupt(format!("quick_check: {check}")));
        }
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        match version {
            0 => {
                conn.execute_batch(&format!(
                    "BEGIN; {SCHEMA} {READINGS} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
                ))?;
            }
            1 => {
                // An index from before readings were kept: add their table, keep the rest.
                conn.execute_batch(&format!(
                    "BEGIN; {READINGS} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
                ))?;
            }
            SCHEMA_VERSION => {
                if let Some(missing) = missing_table(&conn)? {
                    return Err(OpenFailure::Corrupt(format!(
                        "its {missing} table is missing"
                    )));
                }
            }
            newer => return Err(OpenFailure::TooNew(newer)),
        }
        Ok(conn)
    }

    /// The index file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where a corrupt index was moved when this one was opened, if that happened.
    pub fn recovered_from(&self) -> Option<&Path> {
        self.recovered_from.as_deref()
    }

    pub(crate) fn db_error(&self, source: rusqlite::Error) -> LibraryError {
        LibraryError::Database {
            path: self.path.clone(),
            source,
        }
    }

    /// Songs matching the filter, ordered by path.
    pub fn songs(&self, filter: &SongFilter) -> Result<Vec<Song>, LibraryError> {
        let run = || -> rusqlite::Result<Vec<Song>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT path, title, artist, album, genre, language, mood, mood_source, confidence,
                        valence, arousal, bpm, duration_s
                 FROM songs
                 WHERE (?1 IS NULL OR mood = ?1) AND (?2 IS NULL OR language = ?2)
                   AND (?3 IS NULL OR mood_source = ?3)
                 ORDER BY path",
            )?;
            let rows = stmt.query_map(
                params![
                    filter.mood.map(Mood::as_str),
                    filter.language.as_deref(),
                    filter.mood_source.map(|s| s.as_str())
                ],
                song_from_row,
            )?;
            rows.collect()
        };
        run().map_err(|e| self.db_error(e))
    }

    /// One song by path.
    pub fn song(&self, path: &Path) -> Result<Option<Song>, LibraryError> {
        self.conn
            .query_row(
                "SELECT path, title, artist, album, genre, language, mood, mood_source, confidence,
                        valence, arousal, bpm, duration_s
                 FROM songs WHERE path = ?1",
                [path_bytes(path)],
                song_from_row,
            )
            .optional()
            .map_err(|e| self.db_error(e))
    }

    /// How many playable songs the index holds.
    pub fn song_count(&self) -> Result<usize, LibraryError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM songs", [], |r| r.get::<_, i64>(0))
            .map(|n| n as usize)
            .map_err(|e| self.db_error(e))
    }

    /// Files indexing runs could not use, with the reason, ordered by path.
    pub fn skipped(&self) -> Result<Vec<SkippedFile>, LibraryError> {
        let run = || -> rusqlite::Result<Vec<SkippedFile>> {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT path, reason FROM skipped ORDER BY path")?;
            let rows = stmt.query_map([], |r| {
                Ok(SkippedFile {
                    path: path_from_bytes(r.get::<_, Vec<u8>>(0)?),
                    reason: r.get(1)?,
                })
            })?;
            rows.collect()
        };
        run().map_err(|e| self.db_error(e))
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs SQLite's full `PRAGMA integrity_check`; `Ok(true)` when it says "ok".
    pub fn integrity_ok(&self) -> Result<bool, LibraryError> {
        self.conn
            .query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
            .map(|s| s == "ok")
            .map_err(|e| self.db_error(e))
    }

    /// Every stamped path (songs and skipped files, the latter flagged `true`) for deciding
    /// what indexing must re-read.
    pub(crate) fn stamps(&self) -> rusqlite::Result<HashMap<PathBuf, (FileStamp, bool)>> {
        let mut out = HashMap::new();
        for (table, skipped) in [("songs", false), ("skipped", true)] {
            let mut stmt = self.conn.prepare(&format!(
                "SELECT path, size, mtime_ns, scanner FROM {table}"
            ))?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    path_from_bytes(r.get::<_, Vec<u8>>(0)?),
                    FileStamp {
                        size: r.get::<_, i64>(1)? as u64,
                        mtime_ns: r.get(2)?,
                        indexer: r.get(3)?,
                    },
                ))
            })?;
            for row in rows {
                let (path, stamp) = row?;
                out.insert(path, (stamp, skipped));
            }
        }
        Ok(out)
    }
}

fn song_from_row(r: &Row<'_>) -> rusqlite::Result<Song> {
    let text_column = |i: usize, value: String| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unexpected value {value:?}").into(),
        )
    };
    let mood: String = r.get(6)?;
    let source: String = r.get(7)?;
    Ok(Song {
        path: path_from_bytes(r.get::<_, Vec<u8>>(0)?),
        title: r.get(1)?,
        artist: r.get(2)?,
        album: r.get(3)?,
        genre: r.get(4)?,
        language: r.get(5)?,
        mood: mood.parse().map_err(|_| text_column(6, mood.clone()))?,
        mood_source: source.parse().map_err(|_| text_column(7, source.clone()))?,
        confidence: r.get::<_, f64>(8)? as f32,
        valence: r.get::<_, f64>(9)? as f32,
        arousal: r.get::<_, f64>(10)? as f32,
        bpm: r.get::<_, Option<f64>>(11)?.map(|b| b as f32),
        duration_s: r.get(12)?,
    })
}

pub(crate) fn path_bytes(path: &Path) -> &[u8] {
    path.as_os_str().as_bytes()
}

pub(crate) fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(OsStr::from_bytes(&bytes))
}

pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Renames a corrupt index (and its WAL and shared-memory files) out of the way.
fn move_aside(path: &Path) -> std::io::Result<PathBuf> {
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".corrupt-{stamp}"));
    let aside = PathBuf::from(aside);
    std::fs::rename(path, &aside)?;
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(side));
    }
    Ok(aside)
}
