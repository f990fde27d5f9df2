//! The library worker: a thread that owns the SQLite index connection for recommendations
//! and play/skip history, and a second, short-lived thread for scans (with its own
//! connection, so a long first scan never delays a recommendation; SQLite's WAL lets both
//! work at once).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tokio::sync::oneshot;
use tracing::{info, warn};

use crate::library::{recommend, LibraryIndex};
use moodbox_core::config::LibraryConfig;
use moodbox_core::emotion::Emotion;
use moodbox_core::mood::Mood;
use moodbox_core::recommend::Recommendation;

/// Why no queue could be built, with the language the user asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueError {
    pub language: String,
    pub error: String,
}

enum Msg {
    Recommend {
        emotion: Emotion,
        reply: oneshot::Sender<Result<Recommendation, QueueError>>,
    },
    RecordPlay {
        path: PathBuf,
        emotion: Emotion,
        mood: Mood,
    },
    RecordSkip {
        path: PathBuf,
        mood: Mood,
    },
    Reconfigure(LibraryConfig),
    Rescan,
    Shutdown,
}

/// What `status` reports about the library.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct LibraryStatus {
    pub songs: usize,
    pub scanning: bool,
    pub last_scan: Option<String>,
    pub error: Option<String>,
}

pub struct LibraryWorker {
    tx: mpsc::Sender<Msg>,
    thread: Option<JoinHandle<()>>,
    status: Arc<Mutex<LibraryStatus>>,
    stop_scan: Arc<AtomicBool>,
}

impl LibraryWorker {
    /// Opens the index (a corrupt file is moved aside and rebuilt) and starts the thread;
    /// with `scan`, a scan of the music folder starts right away.
    pub fn start(config: LibraryConfig, scan: bool) -> LibraryWorker {
        let (tx, rx) = mpsc::channel();
        let status = Arc::new(Mutex::new(LibraryStatus::default()));
        let stop_scan = Arc::new(AtomicBool::new(false));
        let worker = Worker {
            config,
            index: None,
            rng: ChaCha8Rng::from_os_rng(),
            status: status.clone(),
            stop_scan: stop_scan.clone(),
            scan_thread: None,
        };
        let thread = thread::Builder::new()
            .name("moodbox-library".into())
            .spawn(move || worker.run(rx, scan))
            .expect("spawning the library thread");
        LibraryWorker {
            tx,
            thread: Some(thread),
            status,
            stop_scan,
        }
    }

    pub fn recommend(
        &self,
        emotion: Emotion,
    ) -> oneshot::Receiver<Result<Recommendation, QueueError>> {
        let (reply, rx) = oneshot::channel();
        let _ = self.tx.send(Msg::Recommend { emotion, reply });
        rx
    }

    pub fn record_play(&self, path: PathBuf, emotion: Emotion, mood: Mood) {
        let _ = self.tx.send(Msg::RecordPlay {
            path,
            emotion,
            mood,
        });
    }

    pub fn record_skip(&self, path: PathBuf, mood: Mood) {
        let _ = self.tx.send(Msg::RecordSkip { path, mood });
    }

    pub fn reconfigure(&self, config: LibraryConfig) {
        let _ = self.tx.send(Msg::Reconfigure(config));
    }

    pub fn rescan(&self) {
        let _ = self.tx.send(Msg::Rescan);
    }

    pub fn status(&self) -> LibraryStatus {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Stops a scan in progress (its work so far is kept), closes the index, waits up to `wait`.
    pub fn shutdown(mut self, wait: Duration) {
        self.stop_scan.store(true, Ordering::SeqCst);
        let _ = self.tx.send(Msg::Shutdown);
        if let Some(thread) = self.thread.take() {
            super::scanner::join_within(thread, wait, "library");
        }
    }
}

impl Drop for LibraryWorker {
    fn drop(&mut self) {
        self.stop_scan.store(true, Ordering::SeqCst);
        let _ = self.tx.send(Msg::Shutdown);
    }
}

struct Worker {
    config: LibraryConfig,
    index: Option<LibraryIndex>,
    rng: ChaCha8Rng,
    status: Arc<Mutex<LibraryStatus>>,
    stop_scan: Arc<AtomicBool>,
    scan_thread: Option<JoinHandle<()>>,
}

impl Worker {
    fn run(mut self, rx: mpsc::Receiver<Msg>, scan: bool) {
        self.open_index();
        if scan {
            self.start_scan();
        }
        while let Ok(msg) = rx.recv() {
            match msg {
                Msg::Recommend { emotion, reply } => {
                    let _ = reply.send(self.recommend(emotion));
                }
                Msg::RecordPlay {
                    path,
                    emotion,
                    mood,
                } => {
                    if let Some(index) = &self.index {
                        if let Err(e) = index.record_play(&path, Some(emotion), Some(mood)) {
                            warn!(error = %e, "cannot record a play");
                        }
                    }
                }
                Msg::RecordSkip { path, mood } => {
                    if let Some(index) = &self.index {
                        if let Err(e) = index.record_skip(&path, mood) {
                            warn!(error = %e, "cannot record a skip");
                        }
                    }
                }
                Msg::Reconfigure(config) => {
                    let reopen = config.index != self.config.index;
                    let rescan = reopen || config.music_dir != self.config.music_dir;
                    self.config = config;
                    if reopen {
                        self.open_index();
                    }
                    if rescan {
                        self.start_scan();
                    }
                }
                Msg::Rescan => self.start_scan(),
                Msg::Shutdown => break,
            }
        }
        self.stop_scan.store(true, Ordering::SeqCst);
        if let Some(scan) = self.scan_thread.take() {
            super::scanner::join_within(scan, Duration::from_millis(500), "library scan");
        }
        self.index = None;
        info!("library index closed");
    }

    fn update(&self, f: impl FnOnce(&mut LibraryStatus)) {
        if let Ok(mut s) = self.status.lock() {
            f(&mut s);
        }
    }

    fn open_index(&mut self) {
        match LibraryIndex::open(&self.config.index) {
            Ok(index) => {
                if let Some(old) = index.recovered_from() {
                    warn!(moved_to = %old.display(), "the library index was corrupt; it was moved aside and rebuilt");
                }
                let songs = index.song_count().unwrap_or(0);
                self.update(|s| {
                    s.songs = songs;
                    s.error = None;
                });
                self.index = Some(index);
            }
            Err(e) => {
                warn!(error = %e, "cannot open the library index");
                self.update(|s| s.error = Some(e.to_string()));
                self.index = None;
            }
        }
    }

    /// Scans on its own thread and connection; one scan at a time.
    fn start_scan(&mut self) {
        if self.scan_thread.as_ref().is_some_and(|t| !t.is_finished()) {
            info!("a library scan is already running");
            return;
        }
        let (index_path, music_dir) = (self.config.index.clone(), self.config.music_dir.clone());
        let (status, stop) = (self.status.clone(), self.stop_scan.clone());
        self.update(|s| s.scanning = true);
        let spawned = thread::Builder::new().name("moodbox-library-scan".into()).spawn(move || {
            let result = LibraryIndex::open(&index_path)
                .and_then(|mut index| {
                    let report = index.scan_until(&music_dir, &mut |_| {}, &stop)?;
                    Ok((report, index.song_count().unwrap_or(0)))
                });
            let mut s = status.lock().unwrap_or_else(|e| e.into_inner());
            s.scanning = false;
            match result {
                Ok((report, songs)) => {
                    info!(
                        music = %music_dir.display(), songs, added = report.added, updated = report.updated,
                        removed = report.removed, skipped = report.skipped.len(), "library scanned"
                    );
                    s.songs = songs;
                    s.last_scan = Some(format!(
                        "{} added, {} updated, {} removed, {} skipped",
                        report.added,
                        report.updated,
                        report.removed,
                        report.skipped.len()
                    ));
                    s.error = None;
                }
                Err(e) => {
                    warn!(error = %e, "library scan failed");
                    s.error = Some(e.to_string());
                }
            }
        });
        match spawned {
            Ok(handle) => self.scan_thread = Some(handle),
            Err(e) => warn!(error = %e, "cannot start the library scan"),
        }
    }

    fn recommend(&mut self, emotion: Emotion) -> Result<Recommendation, QueueError> {
        let language = self
            .config
            .languages
            .first()
            .cloned()
            .unwrap_or_else(|| "any".into());
        let fail = |error: String| QueueError {
            language: language.clone(),
            error,
        };
        let index = self
            .index
            .as_ref()
            .ok_or_else(|| fail("the library index is not open".into()))?;
        let rec = recommend(index, &self.config, emotion, None, None, &mut self.rng)
            .map_err(|e| fail(e.to_string()))?;
        if rec.songs.is_empty() {
            return Err(fail(format!(
                "no playable songs in {}",
                self.config.music_dir.display()
            )));
        }
        if let Some(note) = &rec.fallback {
            info!(%emotion, fallback = %note, "queue needed a fallback");
        }
        Ok(rec)
    }
}
