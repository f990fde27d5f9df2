//! The daemon as systemd runs it: `moodbox run` on a simulated box in a temp folder, driven
//! through its control socket. A happy face and then a sad face are scanned; each time the
//! status, the display (compared with a fresh rendering of the expected screen) and the
//! sound (the pitch of the song that plays) are checked. Happy songs in the test library are
//! 880 Hz tones and sad songs 330 Hz tones, so the speaker tells which mood is playing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use moodbox_core::mood::Mood;
use moodbox_core::protocol::Reply;
use moodbox_core::screen::ErrorScreen;
use moodbox_core::screen::Screen;
use moodbox_core::status::Phase;
use moodbox_core::status::ScanAnswer;
use moodbox_core::status::Status;
use moodbox_core::Emotion;

use crate::support::sim_box::{SimBox, HAPPY_HZ, SAD_HZ};

fn mood_screen(answer: &ScanAnswer) -> Screen {
    match *answer {
        ScanAnswer::Mood {
            emotion,
            confidence,
            faces,
            ..
        } => Screen::Mood {
            emotion,
            confidence,
            faces,
        },
        ref other => panic!("no mood: {other:?}"),
    }
}

fn is_playing(s: &Status, mood: Mood) -> bool {
    s.current_song
        .as_ref()
        .is_some_and(|song| song.mood == mood)
}

#[test]
fn a_happy_face_then_a_sad_face_change_the_screen_and_the_music() {
    let b = SimBox::start("driver = \"image\"\npath = \"camera.png\"");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(b.path("control.sock"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(
        mode & 0o777,
        0o660,
        "the control socket is for its owner and group only"
    );
    b.show_camera("happy.png");
    b.assert_display_shows(&Screen::Idle);

    let answer = b.scan();
    assert!(
        matches!(
            answer,
            ScanAnswer::Mood {
                emotion: Emotion::Happy,
                faces: 1,
                ..
            }
        ),
        "{answer:?}"
    );
    let status = b.wait_until("a happy song plays", |s| is_playing(s, Mood::Happy));
    assert_eq!(status.state, Phase::ShowingMood);
    assert_eq!(status.last_emotion.unwrap().emotion, Emotion::Happy);
    let song = status.current_song.unwrap();
    assert!(song.path.to_str().unwrap().contains("/music/happy/"));
    assert_eq!(song.for_emotion, Emotion::Happy);
    assert!(status.queue_length >= 2);
    assert_eq!(status.languages, ["en"]);
    assert!(status.last_scan.press_to_first_audio_ms.is_some());
    b.assert_display_shows(&mood_screen(&answer));
    b.assert_playing_pitch(HAPPY_HZ);

    b.show_camera("sad.png");
    let answer = b.scan();
    assert!(
        matches!(
            answer,
            ScanAnswer::Mood {
                emotion: Emotion::Sad,
                ..
            }
        ),
        "{answer:?}"
    );
    let status = b.wait_until("a sad song plays", |s| is_playing(s, Mood::Sad));
    assert_eq!(status.last_emotion.unwrap().emotion, Emotion::Sad);
    let song = status.current_song.unwrap();
    assert!(song.path.to_str().unwrap().contains("/music/sad/"));
    b.assert_display_shows(&mood_screen(&answer));
    b.assert_playing_pitch(SAD_HZ);

    assert!(b.ctl("volume 30").ok());
    assert_eq!(b.status().volume, 30);
    assert!(!b.ctl("volume 300").ok());
    assert!(!b.ctl("dance").ok());
    b.terminate();
}

#[test]
fn without_its_camera_the_box_says_so_and_keeps_answering() {
    let b = SimBox::start("driver = \"folder\"\npath = \"no-camera-here\"");
    let status = b.status();
    let camera = &status.devices.camera;
    assert!(!camera.is_open(), "{status:?}");
    assert!(camera.text().contains("no-camera-here"), "{camera:?}");

    let reply = b.ctl("scan");
    assert!(!reply.ok(), "{}", reply.to_line());
    let Reply::Scan(scan) = reply else {
        panic!("not a scan answer");
    };
    let ScanAnswer::NoCamera { device, .. } = scan.answer else {
        panic!("{:?}", scan.answer);
    };
    assert!(device.ends_with("no-camera-here"), "{device}");
    b.assert_display_shows(&Screen::Error(ErrorScreen::NoCamera { device }));
    for _ in 0..3 {
        assert!(b.ctl("status").ok());
    }
    assert_eq!(b.status().state, Phase::Idle);

    // The camera comes back: the next scan works without a restart.
    std::fs::create_dir(b.path("no-camera-here")).unwrap();
    std::fs::copy(
        "tests/fixtures/frames/happy.png",
        b.path("no-camera-here/1.png"),
    )
    .unwrap();
    assert_eq!(b.scan_emotion(), Some(Emotion::Happy));
    b.terminate();
}

#[test]
fn sigterm_during_playback_exits_cleanly() {
    let b = SimBox::start("driver = \"image\"\npath = \"camera.png\"");
    b.show_camera("happy.png");
    assert_eq!(b.scan_emotion(), Some(Emotion::Happy));
    b.wait_until("music plays", |s| s.current_song.is_some());
    b.terminate();
}

fn send_signal(b: &SimBox, signal: i32) {
    assert_eq!(unsafe { libc::kill(b.pid() as i32, signal) }, 0);
}

#[test]
fn sighup_reloads_the_config_and_a_broken_file_keeps_the_running_one() {
    let b = SimBox::start("driver = \"image\"\npath = \"camera.png\"");
    let good = std::fs::read_to_string(b.path("config.toml")).unwrap();

    std::fs::write(
        b.path("config.toml"),
        good.replace("frames_per_scan = 3", "frame_per_scan = 3"),
    )
    .unwrap();
    send_signal(&b, libc::SIGHUP);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !b.log().contains("config not reloaded") {
        assert!(
            Instant::now() < deadline,
            "no log line about the broken config\n{}",
            b.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        b.log().contains("frame_per_scan"),
        "the log says why: {}",
        b.log()
    );
    assert_eq!(b.status().languages, ["en"], "the old config still runs");

    std::fs::write(
        b.path("config.toml"),
        good.replace("languages = [\"en\"]", "languages = [\"ta\", \"en\"]"),
    )
    .unwrap();
    send_signal(&b, libc::SIGHUP);
    b.wait_until("the new languages apply", |s| s.languages == ["ta", "en"]);
    b.terminate();
}

/// Image files (by their magic bytes) anywhere under `dir`.
fn image_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(image_files(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            if bytes.starts_with(b"\x89PNG") || bytes.starts_with(b"\xff\xd8\xff") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn camera_frames_never_reach_the_disk_unless_the_debug_option_asks() {
    let b = SimBox::start("driver = \"image\"\npath = \"camera.png\"");
    b.show_camera("happy.png");
    for _ in 0..3 {
        assert_eq!(b.scan_emotion(), Some(Emotion::Happy));
    }
    let images = image_files(b.dir.path());
    assert_eq!(
        images,
        vec![b.path("camera.png"), b.path("display.png")],
        "only the simulated camera's input and the display"
    );
    b.terminate();

    let debug = SimBox::start("driver = \"image\"\npath = \"camera.png\"");
    let config = std::fs::read_to_string(debug.path("config.toml")).unwrap();
    std::fs::write(
        debug.path("config.toml"),
        config.replace(
            "mood_screen_seconds = 60.0",
            "mood_screen_seconds = 60.0\ndebug_frames_dir = \"debug-frames\"",
        ),
    )
    .unwrap();
    send_signal(&debug, libc::SIGHUP);
    std::thread::sleep(Duration::from_millis(500));
    debug.show_camera("happy.png");
    assert_eq!(debug.scan_emotion(), Some(Emotion::Happy));
    let saved = image_files(&debug.path("debug-frames"));
    assert_eq!(
        saved.len(),
        3,
        "one PNG per captured frame with the debug option: {saved:?}"
    );
    debug.terminate();
}
