//! The library worker: owns the SQLite index connection for recommendations and the play and
//! skip history, and runs indexing of the music folder on a second, short-lived thread with
//! its own connection (so a long first indexing never delays a recommendation; SQLite's WAL
//! lets both work at once).
//!
//! The index is this worker's device: an index that cannot be opened is retried with backoff,
//! and one found corrupt (by a query here or by the indexing thread, which moves it aside and
//! builds a fresh one) is reopened, so the box keeps choosing songs without a restart.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tokio::sync::oneshot;
use tracing::{info, warn};

use moodbox_core::backoff::Backoff;
use moodbox_core::config::LibraryConfig;
use moodbox_core::emotion::Emotion;
use moodbox_core::mood::Mood;
use moodbox_core::recommend::{QueueRequest, Recommendation};
use moodbox_core::scan::Reading;
use moodbox_core::status::LibraryStatus;

use crate::library::{recommend, IndexReport, LibraryError, LibraryIndex};
use crate::worker::{BoundedThread, Link, Mailbox, Service, Worker};

/// Why no queue could be built, with the language the user asked for first.
#[derive(Debug, thiserror::Error)]
#[error("no songs for {language}: {cause}")]
pub struct QueueError {
    pub language: String,
    pub cause: QueueCause,
}

#[derive(Debug, thiserror::Error)]
pub enum QueueCause {
    #[error("the library index is not open: {0}")]
    NoIndex(String),
    #[error(transparent)]
    Index(#[from] LibraryError),
    #[error("no playable songs in {}", .0.display())]
    Empty(PathBuf),
    #[error("the music folder {} is gone (unmounted, moved or deleted)", .0.display())]
    MusicDirGone(PathBuf),
    #[error("the library thread stopped")]
    Gone,
}

/// The answer to a recommendation request.
pub type QueueReply = Result<Recommendation, QueueError>;

pub enum LibraryMsg {
    Recommend {
        request: QueueRequest,
        reply: oneshot::Sender<QueueReply>,
    },
    RecordReading(Reading),
    RecordPlay {
        path: PathBuf,
        emotion: Emotion,
        mood: Mood,
    },
    RecordSkip {
        path: PathBuf,
        mood: Mood,
    },
    Configure(LibraryConfig),
    /// Index the music folder now.
    Reindex,
    /// The indexing thread finished.
    Indexed(Result<IndexReport, LibraryError>),
}

/// How long stopping waits for an indexing run to reach its next file.
const INDEXING_STOP_WITHIN: Duration = Duration::from_millis(500);

/// The handle: messages to the worker, and the status it keeps.
pub struct Library {
    worker: Worker<LibraryMsg>,
    status: Arc<Mutex<LibraryStatus>>,
}

impl Library {
    /// Opens the index (a corrupt file is moved aside and rebuilt) on a new worker; with
    /// `index_now`, indexing of the music folder starts right away.
    pub fn start(config: LibraryConfig, index_now: bool) -> Library {
        let status = Arc::new(Mutex::new(LibraryStatus::default()));
        let shared = status.clone();
        let worker = Worker::start("library", Backoff::default(), move |mailbox| {
            LibraryService {
                config,
                index: None,
                rng: ChaCha8Rng::from_os_rng(),
                status: shared,
                stop: Arc::new(AtomicBool::new(false)),
                indexing: None,
                index_when_open: index_now,
                mailbox,
            }
        });
        Library { worker, status }
    }

    /// A queue for an emotion, or for the mood the owner chose.
    pub fn recommend(&self, request: impl Into<QueueRequest>) -> oneshot::Receiver<QueueReply> {
        let (reply, rx) = oneshot::channel();
        let request = request.into();
        let _ = self.worker.send(LibraryMsg::Recommend { request, reply });
        rx
    }

    /// Keeps what a scan read and what the owner made of it.
    pub fn record_reading(&self, reading: Reading) {
        let _ = self.worker.send(LibraryMsg::RecordReading(reading));
    }

    pub fn record_play(&self, path: PathBuf, emotion: Emotion, mood: Mood) {
        let _ = self.worker.send(LibraryMsg::RecordPlay {
            path,
            emotion,
            mood,
        });
    }

    pub fn record_skip(&self, path: PathBuf, mood: Mood) {
        let _ = self.worker.send(LibraryMsg::RecordSkip { path, mood });
    }

    pub fn configure(&self, config: LibraryConfig) {
        let _ = self.worker.send(LibraryMsg::Configure(config));
    }

    pub fn reindex(&self) {
        let _ = self.worker.send(LibraryMsg::Reindex);
    }

    /// Songs, indexing and the last error (the index's own, when it cannot be opened).
    pub fn status(&self) -> LibraryStatus {
        let mut status = self.status.lock().map(|s| s.clone()).unwrap_or_default();
        let index = self.worker.status();
        if !index.is_open() {
            status.error = Some(index.text().to_string());
        }
        status
    }
}

struct LibraryService {
    config: LibraryConfig,
    index: Option<LibraryIndex>,
    rng: ChaCha8Rng,
    status: Arc<Mutex<LibraryStatus>>,
    /// Tells the indexing thread to stop at its next file.
    stop: Arc<AtomicBool>,
    indexing: Option<BoundedThread>,
    /// Index the music folder as soon as the index is open.
    index_when_open: bool,
    mailbox: Mailbox<LibraryMsg>,
}

impl LibraryService {
    fn update(&self, f: impl FnOnce(&mut LibraryStatus)) {
        if let Ok(mut s) = self.status.lock() {
            f(&mut s);
        }
    }

    /// Indexes the music folder on its own thread and connection; one run at a time.
    fn start_indexing(&mut self) {
        if self.indexing.as_ref().is_some_and(|t| !t.is_finished()) {
            info!("the music folder is already being indexed");
            return;
        }
        let (index_path, music_dir) = (self.config.index.clone(), self.config.music_dir.clone());
        let (stop, mailbox) = (self.stop.clone(), self.mailbox.clone());
        self.update(|s| s.indexing = true);
        self.indexing = Some(BoundedThread::spawn("moodbox-indexing", move || {
            let result = LibraryIndex::open(&index_path)
                .and_then(|mut index| index.index_music_until(&music_dir, &mut |_| {}, &stop));
            mailbox.send(LibraryMsg::Indexed(result));
        }));
    }

    fn indexed(&mut self, result: Result<IndexReport, LibraryError>, link: &mut Link) {
        self.update(|s| s.indexing = false);
        match result {
            Ok(report) => {
                info!(
                    music = %report.music_dir.display(), added = report.added, updated = report.updated,
                    removed = report.removed, skipped = report.skipped.len(), "music indexed"
                );
                let summary = format!(
                    "{} added, {} updated, {} removed, {} skipped",
                    report.added,
                    report.updated,
                    report.removed,
                    report.skipped.len()
                );
                self.update(|s| {
                    s.last_index = Some(summary);
                    s.error = None;
                });
                if report.recovered_index {
                    // The indexing found the file corrupt and built a new one: this
                    // connection still reads the old file.
                    info!("the index was rebuilt; reopening it");
                    self.reopen_now(link);
                    return;
                }
                self.count_songs();
            }
            Err(e) => {
                warn!(error = %e, "indexing the music folder failed");
                self.update(|s| s.error = Some(e.to_string()));
            }
        }
    }

    fn count_songs(&self) {
        if let Some(index) = &self.index {
            let songs = index.song_count().unwrap_or(0);
            self.update(|s| s.songs = songs);
        }
    }

    fn recommend(&mut self, request: QueueRequest, link: &mut Link) -> QueueReply {
        let language = self
            .config
            .languages
            .first()
            .cloned()
            .unwrap_or_else(|| "any".into());
        let fail = |cause: QueueCause| QueueError {
            language: language.clone(),
            cause,
        };
        let Some(index) = &self.index else {
            return Err(fail(QueueCause::NoIndex(link.get().text().to_string())));
        };
        if !self.config.music_dir.is_dir() {
            let cause = QueueCause::MusicDirGone(self.config.music_dir.clone());
            self.update(|s| s.error = Some(cause.to_string()));
            return Err(fail(cause));
        }
        let mut result = recommend(index, &self.config, request, None, None, &mut self.rng);
        if result.as_ref().is_err_and(LibraryError::is_corrupt) {
            // Reopening moves the damaged file aside and builds a fresh one; its songs come
            // back with the indexing that follows, and this press is answered from it.
            warn!("the library index is damaged; rebuilding it");
            self.index_when_open = true;
            self.reopen_now(link);
            if let Some(index) = &self.index {
                result = recommend(index, &self.config, request, None, None, &mut self.rng);
            }
        }
        let rec = result.map_err(|e| fail(e.into()))?;
        if rec.songs.is_empty() {
            return Err(fail(QueueCause::Empty(self.config.music_dir.clone())));
        }
        if let Some(note) = &rec.fallback {
            info!(emotion = %request.emotion, fallback = %note, "queue needed a fallback");
        }
        Ok(rec)
    }

    fn record(&mut self, what: &str, result: Result<(), LibraryError>, link: &mut Link) {
        if let Err(e) = result {
            warn!(error = %e, "cannot record a {what}");
            if e.is_corrupt() {
                self.index_when_open = true;
                self.reopen_now(link);
            }
        }
    }

    /// Closes the index and opens it again at once (a damaged file is moved aside and a
    /// fresh one built); on failure the worker retries with backoff.
    fn reopen_now(&mut self, link: &mut Link) {
        self.close();
        link.reset();
        link.report_open(self.open());
    }
}

impl Service for LibraryService {
    type Msg = LibraryMsg;
    type Error = LibraryError;

    fn open(&mut self) -> Result<String, LibraryError> {
        let index = LibraryIndex::open(&self.config.index)?;
        if let Some(old) = index.recovered_from() {
            warn!(moved_to = %old.display(), "the library index was corrupt; it was moved aside and rebuilt");
        }
        let description = self.config.index.display().to_string();
        self.index = Some(index);
        self.count_songs();
        if std::mem::take(&mut self.index_when_open) {
            self.start_indexing();
        }
        Ok(description)
    }

    fn close(&mut self) {
        self.index = None;
    }

    fn handle(&mut self, msg: LibraryMsg, link: &mut Link) {
        match msg {
            LibraryMsg::Recommend { request, reply } => {
                let _ = reply.send(self.recommend(request, link));
            }
            LibraryMsg::RecordReading(reading) => {
                if let Some(index) = &self.index {
                    let result = index.record_reading(&reading);
                    self.record("reading", result, link);
                }
            }
            LibraryMsg::RecordPlay {
                path,
                emotion,
                mood,
            } => {
                if let Some(index) = &self.index {
                    let result = index.record_play(&path, Some(emotion), Some(mood));
                    self.record("play", result, link);
                }
            }
            LibraryMsg::RecordSkip { path, mood } => {
                if let Some(index) = &self.index {
                    let result = index.record_skip(&path, mood);
                    self.record("skip", result, link);
                }
            }
            LibraryMsg::Configure(config) => {
                let reopen = config.index != self.config.index;
                let reindex = reopen || config.music_dir != self.config.music_dir;
                self.config = config;
                if reopen {
                    self.index_when_open = true;
                    self.reopen_now(link);
                } else if reindex {
                    self.start_indexing();
                }
            }
            LibraryMsg::Reindex => self.start_indexing(),
            LibraryMsg::Indexed(result) => self.indexed(result, link),
        }
    }
}

impl Drop for LibraryService {
    /// Stops an indexing run (its work so far is kept) before the index closes.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.indexing.take() {
            if !thread.join_within(INDEXING_STOP_WITHIN) {
                warn!("the indexing thread is still busy; not waiting for it");
            }
        }
        self.index = None;
        info!("library index closed");
    }
}
