//! The music library's errors. Per-file problems while indexing (a broken song, an unknown
//! format) are not errors: they are recorded as skipped files with a reason.

use std::path::PathBuf;

/// What can go wrong opening the index or indexing the music folder.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// The index file could not be opened or created, even after moving a corrupt one aside.
    /// Fix: check that the directory exists and the moodbox user may write it
    /// (systemd's `StateDirectory=moodbox` creates `/var/lib/moodbox`).
    #[error("cannot open the library index {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    /// A query on an open index failed (disk full, file removed underneath, locked for
    /// longer than the busy timeout). Fix: free disk space or stop the other writer; the
    /// next indexing repairs what is missing.
    #[error("library index {path}: {source}")]
    Database {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    /// The index is still corrupt after moving the old file aside (the disk may be failing).
    /// Fix: delete the file and its `-wal`/`-shm` companions, check the SD card, and rescan.
    #[error("library index {path} is corrupt: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    /// A file operation around the index failed (creating its folder, moving a corrupt index
    /// aside). Fix: check the folder's owner and permissions and the free space.
    #[error("cannot {action} {path}: {source}")]
    Io {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// The index was written by a newer moodbox whose schema this one does not know.
    /// Fix: upgrade moodbox, or delete the index file and rescan (play history is lost).
    #[error("library index {path} has schema version {found}, this moodbox knows up to {known}")]
    SchemaTooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    /// The music folder is missing or unreadable. Fix: create it, mount the disk that holds
    /// it, or point `[library] music_dir` (or `--music`) at the right place.
    #[error("cannot read the music folder {path}: {source}")]
    MusicDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl LibraryError {
    /// The index file is damaged: it must be moved aside and rebuilt (reopening does that).
    pub fn is_corrupt(&self) -> bool {
        use rusqlite::ErrorCode;
        match self {
            LibraryError::Corrupt { .. } => true,
            LibraryError::Database { source, .. } | LibraryError::Open { source, .. } => {
                let schema_damaged = source.to_string().contains("no such table")
                    || source.to_string().contains("no such column");
                schema_damaged
                    || matches!(
                        source.sqlite_error_code(),
                        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
                    )
            }
            _ => false,
        }
    }
}
