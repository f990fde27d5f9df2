//! The daemon under hostile but fair use: a song whose name is not UTF-8 playing while status
//! is asked, an index corrupted under it, a hammered control socket, a frame too big to
//! decode, the music folder vanishing, a FIFO as the config, a damaged schema, SIGTERM while
//! a client waits, a second daemon on the same socket. Each: no crash, nothing lost, and the
//! box says what is wrong.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::{Duration, Instant};

use moodbox_core::protocol::Reply;
use moodbox_core::screen::{ErrorScreen, Screen};
use moodbox_core::status::ScanAnswer;
use moodbox_core::Emotion;

use crate::support::sim_box::{write_tone, Setup, SimBox, HAPPY_HZ};

const IMAGE_CAMERA: &str = "driver = \"image\"\npath = \"camera.png\"";

fn happy_camera(root: &Path) {
    std::fs::copy("tests/fixtures/frames/happy.png", root.join("camera.png")).unwrap();
}

fn send_signal(b: &SimBox, signal: i32) {
    assert_eq!(unsafe { libc::kill(b.pid() as i32, signal) }, 0);
}

/// Waits until the log says `words` (10 s at most).
fn wait_for_log(b: &SimBox, words: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !b.log().contains(words) {
        assert!(
            Instant::now() < deadline,
            "the log never said {words:?}:\n{}",
            b.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn item_1_status_while_a_latin1_named_song_plays() {
    let b = Setup::new(IMAGE_CAMERA)
        .prepare(|root| {
            happy_camera(root);
            let happy = root.join("music/happy");
            std::fs::remove_dir_all(&happy).unwrap();
            std::fs::create_dir_all(&happy).unwrap();
            let name = OsStr::from_bytes(b"caf\xe9 cr\xe8me.wav");
            write_tone(&happy.join(name), HAPPY_HZ, 20.0);
        })
        .songs(4)
        .start();
    assert_eq!(b.scan_emotion(), Some(Emotion::Happy));
    let status = b.wait_until("the Latin-1 song plays", |s| s.current_song.is_some());
    let song = status.current_song.unwrap();
    assert!(song
        .path
        .as_os_str()
        .as_bytes()
        .ends_with(b"caf\xe9 cr\xe8me.wav"));
    for _ in 0..5 {
        assert!(b.ctl("status").ok(), "status keeps answering");
    }
    let mut b = b;
    assert!(b.child_is_running(), "{}", b.log());
    b.terminate();
}

#[test]
fn item_4_an_index_corrupted_under_the_daemon_is_rebuilt_and_used() {
    let b = Setup::new(IMAGE_CAMERA).prepare(happy_camera).start();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(b.path(&format!("library.sqlite3{suffix}")));
    }
    std::fs::write(b.path("library.sqlite3"), vec![0x42; 64 * 1024]).unwrap();
    assert!(b.ctl("reindex").ok());
    b.wait_until("the rebuilt index holds the songs", |s| {
        s.library.songs == 6 && !s.library.indexing
    });
    for _ in 0..2 {
        assert_eq!(b.scan_emotion(), Some(Emotion::Happy));
        let status = b.wait_until("a song plays", |s| s.current_song.is_some());
        assert_eq!(status.library.error, None, "{status:?}");
        assert!(b.ctl("stop").ok());
    }
    b.terminate();
}

#[test]
fn item_5_idle_clients_cannot_lock_out_status() {
    let b = Setup::new(IMAGE_CAMERA).open_files(128).start();
    let idle: Vec<UnixStream> = (0..200)
        .filter_map(|_| UnixStream::connect(b.path("control.sock")).ok())
        .collect();
    assert!(idle.len() > 150, "could open {} connections", idle.len());
    let started = Instant::now();
    assert!(b.ctl("status").ok());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "status took {:?}",
        started.elapsed()
    );
    drop(idle);
    b.terminate();
}

#[test]
fn item_6_a_giant_frame_in_the_camera_folder_is_refused_within_the_memory_limit() {
    let b = Setup::new("driver = \"folder\"\npath = \"frames\"")
        .prepare(|root| {
            let frames = root.join("frames");
            std::fs::create_dir(&frames).unwrap();
            std::fs::copy("tests/fixtures/frames/happy.png", frames.join("a.png")).unwrap();
            let made = std::process::Command::new("ffmpeg")
                .args(["-nostdin", "-loglevel", "error", "-f", "lavfi", "-i"])
                .arg("color=c=gray:s=8192x8192")
                .args(["-frames:v", "1", "-q:v", "31"])
                .arg(frames.join("b.jpg"))
                .status()
                .expect("ffmpeg (scripts/setup installs it)");
            assert!(made.success());
        })
        .start();
    for _ in 0..3 {
        let reply = b.ctl("scan");
        assert!(matches!(reply, Reply::Scan(_)), "{}", reply.to_line());
    }
    let hwm = b.peak_memory_mb();
    assert!(hwm < 300.0, "the daemon peaked at {hwm:.0} MB");
    assert!(
        b.log().contains("b.jpg") && b.log().contains("megapixels"),
        "{}",
        b.log()
    );
    b.terminate();
}

#[test]
fn item_7_a_vanished_music_folder_is_reported() {
    let b = Setup::new(IMAGE_CAMERA).prepare(happy_camera).start();
    assert_eq!(b.scan_emotion(), Some(Emotion::Happy));
    b.wait_until("music plays", |s| s.current_song.is_some());
    std::fs::remove_dir_all(b.path("music")).unwrap();
    assert_eq!(b.scan_emotion(), Some(Emotion::Happy));
    let status = b.wait_until("the library says the folder is gone", |s| {
        s.library
            .error
            .as_deref()
            .is_some_and(|e| e.contains("is gone"))
    });
    assert!(status.library.error.unwrap().contains("music"));
    b.assert_display_shows(&Screen::Error(ErrorScreen::NoSongs {
        language: "en".into(),
    }));
    b.terminate();
}

#[test]
fn item_11_a_fifo_as_the_config_does_not_block_the_daemon() {
    let b = SimBox::start(IMAGE_CAMERA);
    let config = b.path("config.toml");
    std::fs::remove_file(&config).unwrap();
    let c_path = std::ffi::CString::new(config.as_os_str().as_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    send_signal(&b, libc::SIGHUP);
    wait_for_log(&b, "not a regular file");
    let started = Instant::now();
    assert!(b.ctl("status").ok());
    assert!(started.elapsed() < Duration::from_secs(2));
    b.terminate();
}

#[test]
fn item_12_an_index_missing_a_table_is_rebuilt() {
    let b = Setup::new(IMAGE_CAMERA)
        .prepare(|root| {
            happy_camera(root);
            let index =
                moodbox::library::LibraryIndex::open(&root.join("library.sqlite3")).unwrap();
            drop(index);
            let conn = rusqlite::Connection::open(root.join("library.sqlite3")).unwrap();
            conn.execute_batch("DROP TABLE plays;").unwrap();
        })
        .start();
    assert!(b.log().contains("plays table is missing"), "{}", b.log());
    assert_eq!(b.scan_emotion(), Some(Emotion::Happy));
    b.wait_until("a song plays", |s| s.current_song.is_some());
    b.terminate();
}

#[test]
fn item_13a_the_log_has_no_colour_codes_off_a_terminal() {
    let b = SimBox::start(IMAGE_CAMERA);
    assert!(b.log().contains("control socket ready"));
    assert!(
        !b.log().contains('\u{1b}'),
        "{:?}",
        &b.log()[..200.min(b.log().len())]
    );
    b.terminate();
}

#[test]
fn item_13e_sigterm_during_a_scan_gives_the_client_a_clear_answer() {
    let b = Setup::new("driver = \"folder\"\npath = \"frames\"")
        .config("daemon", "frames_per_scan = 30")
        .prepare(|root| {
            let frames = root.join("frames");
            std::fs::create_dir(&frames).unwrap();
            for i in 0..30 {
                std::fs::copy(
                    "tests/fixtures/frames/happy.png",
                    frames.join(format!("{i:02}.png")),
                )
                .unwrap();
            }
        })
        .start();
    let mut stream = UnixStream::connect(b.path("control.sock")).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    writeln!(stream, "scan").unwrap();
    std::thread::sleep(Duration::from_millis(100));
    send_signal(&b, libc::SIGTERM);
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line).unwrap();
    let reply: Reply = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    match reply {
        Reply::Failure(f) => assert!(f.error.contains("shutting down"), "{}", f.error),
        Reply::Scan(scan) => assert!(matches!(scan.answer, ScanAnswer::Mood { .. })),
        other => panic!("{}", other.to_line()),
    }
}

#[test]
fn item_13f_a_second_daemon_on_the_same_socket_touches_nothing() {
    let first = SimBox::start(IMAGE_CAMERA);
    let log = first.path("second.log");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_moodbox"))
        .args(["run", "--config"])
        .arg(first.path("config.toml"))
        .env("MOODBOX_LOG", "moodbox=debug")
        .stderr(std::fs::File::create(&log).unwrap())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("already running"), "{text}");
    for touched in ["camera", "display ready", "music indexed", "audio"] {
        assert!(
            !text.contains(touched),
            "the second daemon got to {touched:?}:\n{text}"
        );
    }
    assert!(first.ctl("status").ok(), "the first one runs on");
    first.terminate();
}

#[test]
fn item_13b_a_decoder_panic_costs_the_song_and_prints_nothing() {
    let b = Setup::new(IMAGE_CAMERA).prepare(happy_camera).start();
    // The songs change under the index: each happy one now makes the AAC decoder panic.
    let hostile = std::fs::read("tests/fixtures/hostile/decoder-panic.aac").unwrap();
    for n in 1..=3 {
        std::fs::write(b.path(&format!("music/happy/happy {n}.wav")), &hostile).unwrap();
    }
    assert_eq!(b.scan_emotion(), Some(Emotion::Happy));
    let status = b.wait_until("the queue goes on past them", |s| s.current_song.is_some());
    assert!(status
        .current_song
        .unwrap()
        .path
        .starts_with(b.path("music/sad")));
    let log = b.log();
    assert!(log.matches("the decoder crashed").count() >= 3, "{log}");
    assert!(
        !log.contains("' panicked at"),
        "the panic was printed:\n{log}"
    );
    b.terminate();
}
