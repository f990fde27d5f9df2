//! The index survives what happens on a real device: indexing stopped half-way (shutdown,
//! power cut), a corrupt index file, and a reader working while indexing writes.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use moodbox::library::LibraryIndex;
use moodbox::synth::{self, SongRecipe};
use moodbox_core::mood::Mood;
use moodbox_core::song::SongFilter;
use support::library_audio::{song_file, tone, SAMPLE_RATE};

/// `n` short songs in mood folders (no analysis needed).
fn folder_library(music: &Path, n: usize) {
    for i in 0..n {
        let mood = ["happy", "sad", "calm", "energetic"][i % 4];
        song_file(music, &format!("{mood}/song-{i:03}.wav"), &tone(1.0));
    }
}

/// `n` untagged synthetic songs, each needing analysis (slow enough to kill mid-scan).
fn analysed_library(music: &Path, n: usize) {
    for i in 0..n as u64 {
        let recipe = if i % 2 == 0 {
            SongRecipe::happy(i, 12.0)
        } else {
            SongRecipe::sad(i, 12.0)
        };
        song_file(
            music,
            &format!("untagged/song-{i:03}.wav"),
            &synth::render(&recipe, SAMPLE_RATE),
        );
    }
}

#[test]
fn the_index_can_move_to_a_background_thread() {
    fn assert_send<T: Send>() {}
    assert_send::<LibraryIndex>();
}

#[test]
fn a_stopped_scan_keeps_its_committed_batches_and_the_next_scan_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let music = dir.path().join("music");
    folder_library(&music, 70);
    let db = dir.path().join("index.sqlite3");
    let stop = AtomicBool::new(false);
    let mut index = LibraryIndex::open(&db).unwrap();
    let report = index
        .index_music_until(
            &music,
            &mut |p| {
                if p.done == 60 {
                    stop.store(true, Ordering::Relaxed);
                }
            },
            &stop,
        )
        .unwrap();
    assert!(report.interrupted);
    drop(index);

    // Another process opening the file sees a consistent, usable index.
    let reader = LibraryIndex::open(&db).unwrap();
    assert!(reader.integrity_ok().unwrap());
    let partial = reader.song_count().unwrap();
    assert!((50..=61).contains(&partial), "{partial} songs committed");
    assert!(!reader
        .songs(&SongFilter::all().mood(Mood::Calm))
        .unwrap()
        .is_empty());

    let mut index = LibraryIndex::open(&db).unwrap();
    let report = index.index_music(&music, &mut |_| {}).unwrap();
    assert!(!report.interrupted);
    assert_eq!(report.unchanged, partial);
    assert_eq!(report.added, 70 - partial);
    assert_eq!(index.song_count().unwrap(), 70);
}

#[test]
fn killing_the_scanner_at_any_moment_leaves_a_sound_index() {
    let dir = tempfile::tempdir().unwrap();
    let music = dir.path().join("music");
    analysed_library(&music, 24);
    folder_library(&music, 40);
    let db = dir.path().join("index.sqlite3");
    let mut counts = Vec::new();
    for delay_ms in [30, 120, 250, 400, 700] {
        let mut child = index_command(&music, &db).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL: no chance to clean up
        let _ = child.wait();
        let index = LibraryIndex::open(&db).unwrap();
        assert!(
            index.recovered_from().is_none(),
            "the index was never corrupt"
        );
        assert!(
            index.integrity_ok().unwrap(),
            "integrity_check after a kill at {delay_ms} ms"
        );
        counts.push(index.song_count().unwrap());
    }
    println!("songs in the index after each kill: {counts:?}");
    let status = index_command(&music, &db).status().unwrap();
    assert!(status.success());
    let index = LibraryIndex::open(&db).unwrap();
    assert_eq!(index.song_count().unwrap(), 64);
    assert!(index.integrity_ok().unwrap());
}

fn index_command(music: &Path, db: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_moodbox"));
    command
        .args(["library", "index", "--json", "--music"])
        .arg(music)
        .arg("--db")
        .arg(db)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

#[test]
fn a_corrupt_index_is_moved_aside_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let music = dir.path().join("music");
    folder_library(&music, 8);
    let db = dir.path().join("index.sqlite3");
    std::fs::write(
        &db,
        b"this is not a database, it is a shopping list\n".repeat(100),
    )
    .unwrap();

    let mut index = LibraryIndex::open(&db).unwrap();
    let aside = index
        .recovered_from()
        .expect("the corrupt file was moved aside")
        .to_path_buf();
    assert!(aside.exists());
    assert!(aside
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("index.sqlite3.corrupt-"));
    index.index_music(&music, &mut |_| {}).unwrap();
    assert_eq!(index.song_count().unwrap(), 8);
    drop(index);
    let again = LibraryIndex::open(&db).unwrap();
    assert!(again.recovered_from().is_none());
    assert_eq!(again.song_count().unwrap(), 8);
}

#[test]
fn a_damaged_index_page_is_detected_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let music = dir.path().join("music");
    folder_library(&music, 200);
    let db = dir.path().join("index.sqlite3");
    {
        let mut index = LibraryIndex::open(&db).unwrap();
        index.index_music(&music, &mut |_| {}).unwrap();
    }
    checkpoint(&db);
    // Overwrite the middle of the file (pages of the songs table) with garbage.
    let mut bytes = std::fs::read(&db).unwrap();
    assert!(bytes.len() > 16_384, "{} bytes", bytes.len());
    let middle = bytes.len() / 2;
    for (i, b) in bytes[middle - 4096..middle + 4096].iter_mut().enumerate() {
        *b = (i * 7 % 251) as u8;
    }
    std::fs::write(&db, &bytes).unwrap();

    let mut index = LibraryIndex::open(&db).unwrap();
    assert!(
        index.recovered_from().is_some(),
        "quick_check finds the damage"
    );
    index.index_music(&music, &mut |_| {}).unwrap();
    assert_eq!(index.song_count().unwrap(), 200);
}

/// Folds the WAL into the main file so the test can damage it.
fn checkpoint(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
}

#[test]
fn a_reader_can_recommend_while_a_scan_writes() {
    let dir = tempfile::tempdir().unwrap();
    let music = dir.path().join("music");
    folder_library(&music, 40);
    let db = dir.path().join("index.sqlite3");
    LibraryIndex::open(&db)
        .unwrap()
        .index_music(&music, &mut |_| {})
        .unwrap();
    analysed_library(&music, 10);

    let scanner_db: PathBuf = db.clone();
    let scanner_music = music.clone();
    let scanner = std::thread::spawn(move || {
        let mut index = LibraryIndex::open(&scanner_db).unwrap();
        index.index_music(&scanner_music, &mut |_| {}).unwrap()
    });
    let reader = LibraryIndex::open(&db).unwrap();
    let started = Instant::now();
    let mut reads = 0;
    while !scanner.is_finished() {
        assert!(reader.song_count().unwrap() >= 40);
        reader
            .record_play(&music.join("happy/song-000.wav"), None, Some(Mood::Happy))
            .unwrap();
        reads += 1;
        assert!(started.elapsed() < Duration::from_secs(120));
    }
    let report = scanner.join().unwrap();
    assert_eq!(report.added, 10);
    assert!(reads > 0);
    assert_eq!(reader.song_count().unwrap(), 50);
}

#[test]
fn the_history_keeps_a_bounded_number_of_plays() {
    let dir = tempfile::tempdir().unwrap();
    let index = LibraryIndex::open(&dir.path().join("index.sqlite3")).unwrap();
    let song = dir.path().join("song.mp3");
    let rows = moodbox::library::index::HISTORY_ROWS as usize;
    for _ in 0..rows + 150 {
        index.record_play(&song, None, None).unwrap();
    }
    let kept = index.history(rows * 2).unwrap().recent_plays.len();
    assert!((rows..rows + 100).contains(&kept), "{kept} plays kept");
}
