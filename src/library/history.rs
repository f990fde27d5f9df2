//! The history the index keeps: songs played and skipped (the recommender's memory), and
//! the readings: what each scan read, what the box offered, whether the owner was asked and
//! what they chose ([`moodbox_core::stats`] sums them up for `moodbox stats`).

use std::collections::HashMap;
use std::path::Path;

use rusqlite::params;

use crate::library::error::LibraryError;
use crate::library::index::{
    now_ms, path_bytes, path_from_bytes, History, LibraryIndex, HISTORY_ROWS,
};
use moodbox_core::emotion::Emotion;
use moodbox_core::mood::Mood;
use moodbox_core::scan::Reading;
use moodbox_core::stats::ReadingCount;

impl LibraryIndex {
    /// Records that a song started playing, with the emotion and the mood it was chosen for.
    pub fn record_play(
        &self,
        path: &Path,
        emotion: Option<Emotion>,
        mood: Option<Mood>,
    ) -> Result<(), LibraryError> {
        self.insert_history(
            "INSERT INTO plays (path, emotion, mood, at_ms) VALUES (?1, ?2, ?3, ?4)",
            params![
                path_bytes(path),
                emotion.map(Emotion::as_str),
                mood.map(Mood::as_str),
                now_ms()
            ],
            "plays",
        )
    }

    /// Records that the listener skipped a song offered for `mood`; it will be chosen less
    /// often for that mood (see `skip_penalty` in [`moodbox_core::config::LibraryConfig`]).
    pub fn record_skip(&self, path: &Path, mood: Mood) -> Result<(), LibraryError> {
        self.insert_history(
            "INSERT INTO skips (path, mood, at_ms) VALUES (?1, ?2, ?3)",
            params![path_bytes(path), mood.as_str(), now_ms()],
            "skips",
        )
    }

    /// Inserts one history row; every 100th insert prunes the table to the newest
    /// [`HISTORY_ROWS`].
    fn insert_history(
        &self,
        sql: &str,
        values: &[&dyn rusqlite::ToSql],
        table: &str,
    ) -> Result<(), LibraryError> {
        let run = || -> rusqlite::Result<()> {
            self.conn().execute(sql, values)?;
            let id = self.conn().last_insert_rowid();
            if id % 100 == 0 {
                self.conn().execute(
                    &format!("DELETE FROM {table} WHERE id <= ?1"),
                    [id - HISTORY_ROWS],
                )?;
            }
            Ok(())
        };
        run().map_err(|e| self.db_error(e))
    }

    /// The last `window` plays and all skip counts.
    pub fn history(&self, window: usize) -> Result<History, LibraryError> {
        let run = || -> rusqlite::Result<History> {
            let mut plays = self
                .conn()
                .prepare_cached("SELECT path FROM plays ORDER BY id DESC LIMIT ?1")?;
            let recent_plays = plays
                .query_map([window as i64], |r| {
                    Ok(path_from_bytes(r.get::<_, Vec<u8>>(0)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut skips = self
                .conn()
                .prepare_cached("SELECT path, mood, COUNT(*) FROM skips GROUP BY path, mood")?;
            let mut counts = HashMap::new();
            let rows = skips.query_map([], |r| {
                Ok((
                    path_from_bytes(r.get::<_, Vec<u8>>(0)?),
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?;
            for row in rows {
                let (path, mood, n) = row?;
                if let Ok(mood) = mood.parse::<Mood>() {
                    counts.insert((path, mood), n as u32);
                }
            }
            Ok(History {
                recent_plays,
                skips: counts,
            })
        };
        run().map_err(|e| self.db_error(e))
    }

    /// Keeps one reading (the oldest go once there are more than the history keeps).
    pub fn record_reading(&self, reading: &Reading) -> Result<(), LibraryError> {
        self.insert_history(
            "INSERT INTO readings (emotion, confidence, offered, asked, chosen, at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                reading.emotion.map(Emotion::as_str),
                f64::from(reading.confidence),
                reading.offered.as_str(),
                reading.asked,
                reading.chosen.map(Mood::as_str),
                now_ms()
            ],
            "readings",
        )
    }

    /// The readings, counted by what was read, offered, asked and chosen.
    pub fn reading_counts(&self) -> Result<Vec<ReadingCount>, LibraryError> {
        let run = || -> rusqlite::Result<Vec<ReadingCount>> {
            let mut stmt = self.conn().prepare(
                "SELECT emotion, offered, asked, chosen, COUNT(*) FROM readings
                 GROUP BY emotion, offered, asked, chosen",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })?;
            let mut counts = Vec::new();
            for row in rows {
                let (emotion, offered, asked, chosen, n) = row?;
                // A row this version cannot read (a hand-edited index) is left out.
                let emotion = match emotion.map(|e| e.parse::<Emotion>()) {
                    Some(Ok(e)) => Some(e),
                    Some(Err(_)) => continue,
                    None => None,
                };
                let Ok(offered) = offered.parse::<Mood>() else {
                    continue;
                };
                let chosen = match chosen.map(|m| m.parse::<Mood>()) {
                    Some(Ok(m)) => Some(m),
                    Some(Err(_)) => continue,
                    None => None,
                };
                counts.push(ReadingCount {
                    emotion,
                    offered,
                    asked,
                    chosen,
                    count: n.max(0) as u64,
                });
            }
            Ok(counts)
        };
        run().map_err(|e| self.db_error(e))
    }

    /// When the oldest reading kept was taken (ms since the epoch).
    pub fn first_reading_ms(&self) -> Result<Option<i64>, LibraryError> {
        self.conn()
            .query_row("SELECT MIN(at_ms) FROM readings", [], |r| r.get(0))
            .map_err(|e| self.db_error(e))
    }
}
