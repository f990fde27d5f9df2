//! The daemon as systemd runs it: `moodbox run` on a simulated box in a temp folder, driven
//! through its control socket. A happy face and then a sad face are scanned; each time the
//! status, the display (compared with a fresh rendering of the expected screen) and the
//! sound (the pitch of the song that plays) are checked. Happy songs in the test library are
//! 880 Hz tones and sad songs 330 Hz tones, so the speaker tells which mood is playing.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use embedded_graphics::prelude::Size;
use moodbox_core::mood::Mood;
use moodbox_core::protocol::Reply;
use moodbox_core::screen::ErrorScreen;
use moodbox_core::screen::Screen;
use moodbox_core::status::Phase;
use moodbox_core::status::ScanAnswer;
use moodbox_core::status::Status;
use moodbox_core::ui::draw_screen;
use moodbox_core::ui::Framebuffer;
use moodbox_core::Emotion;

const HAPPY_HZ: f32 = 880.0;
const SAD_HZ: f32 = 330.0;
const RATE: u32 = 22_050;

struct Box {
    dir: tempfile::TempDir,
    child: Child,
}

impl Box {
    /// Writes the library and config, starts `moodbox run` and waits until it answers.
    fn start(camera: &str) -> Box {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (mood, hz) in [("happy", HAPPY_HZ), ("sad", SAD_HZ)] {
            std::fs::create_dir_all(root.join("music").join(mood)).unwrap();
            for n in 1..=3 {
                write_tone(
                    &root
                        .join("music")
                        .join(mood)
                        .join(format!("{mood} {n}.wav")),
                    hz,
                    20.0,
                );
            }
        }
        let models = std::fs::canonicalize("models").unwrap();
        let config = format!(
            r#"
[daemon]
control_socket = "control.sock"
frames_per_scan = 3
mood_screen_seconds = 60.0

[vision]
models_dir = "{models}"

[library]
music_dir = "music"
index = "library.sqlite3"
languages = ["en"]

[camera]
{camera}

[display]
driver = "png"
width = 320
height = 240
png_path = "display.png"

[button]
driver = "none"

[audio]
driver = "wav"
wav_path = "played.wav"
"#,
            models = models.display()
        );
        std::fs::write(root.join("config.toml"), config).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_moodbox"))
            .args(["run", "--config"])
            .arg(root.join("config.toml"))
            .env("MOODBOX_LOG", "moodbox=debug")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(root.join("daemon.log")).unwrap())
            .spawn()
            .unwrap();
        let b = Box { dir, child };
        b.wait_until("the library is indexed", |s| s.library.songs == 6);
        b
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn ctl(&self, command: &str) -> Reply {
        let mut stream =
            UnixStream::connect(self.path("control.sock")).expect("the control socket answers");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        writeln!(stream, "{command}").unwrap();
        let mut line = String::new();
        BufReader::new(stream).read_line(&mut line).unwrap();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{command}: {e}: {line:?}"))
    }

    fn status(&self) -> Status {
        match self.ctl("status") {
            Reply::Status(reply) => reply.status,
            other => panic!("status answered {}", other.to_line()),
        }
    }

    /// `scan`'s answer: what it found.
    fn scan(&self) -> ScanAnswer {
        match self.ctl("scan") {
            Reply::Scan(reply) => reply.answer,
            other => panic!("scan answered {}", other.to_line()),
        }
    }

    /// The emotion a scan found, if it found one.
    fn scan_emotion(&self) -> Option<Emotion> {
        match self.scan() {
            ScanAnswer::Mood { emotion, .. } => Some(emotion),
            _ => None,
        }
    }

    /// Polls `status` until `ok` holds (20 s at most).
    fn wait_until(&self, what: &str, ok: impl Fn(&Status) -> bool) -> Status {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if self.path("control.sock").exists() {
                if let Ok(status) = std::panic::catch_unwind(|| self.status()) {
                    if ok(&status) {
                        return status;
                    }
                    if Instant::now() > deadline {
                        panic!(
                            "timed out waiting until {what}; status: {status:#?}\nlog:\n{}",
                            self.log()
                        );
                    }
                }
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting until {what}\nlog:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.path("daemon.log")).unwrap_or_default()
    }

    fn show_camera(&self, frame: &str) {
        std::fs::copy(
            format!("tests/fixtures/frames/{frame}"),
            self.path("camera.png"),
        )
        .unwrap();
    }

    /// The display PNG must be exactly what the UI draws for `screen`.
    fn assert_display_shows(&self, screen: &Screen) {
        let mut expected = Framebuffer::new(Size::new(320, 240));
        draw_screen(&mut expected, screen).expect("the framebuffer takes every pixel");
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let shown = image::open(self.path("display.png"))
                .map(|i| i.to_rgb8().into_raw())
                .unwrap_or_default();
            if shown == expected.to_rgb8() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the display does not show {screen:?}\nlog:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The pitch of the last half second the speaker played.
    fn recent_pitch(&self) -> f32 {
        let bytes = std::fs::read(self.path("played.wav")).unwrap();
        let data = bytes
            .windows(4)
            .position(|w| w == b"data")
            .expect("a WAV data chunk")
            + 8;
        let samples: Vec<f32> = bytes[data..]
            .chunks_exact(4) // 16-bit stereo frames: take the left channel
            .map(|f| i16::from_le_bytes([f[0], f[1]]) as f32)
            .collect();
        let last = &samples[samples.len().saturating_sub(44_100 / 2)..];
        let crossings = last
            .windows(2)
            .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
            .count();
        crossings as f32 / 2.0 / (last.len() as f32 / 44_100.0)
    }

    /// Waits until the speaker has played a second of the song that started last.
    fn assert_playing_pitch(&self, hz: f32) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            std::thread::sleep(Duration::from_millis(300));
            let pitch = self.recent_pitch();
            if (pitch - hz).abs() < hz * 0.03 {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the speaker plays {pitch} Hz, expected {hz}\nlog:\n{}",
                self.log()
            );
        }
    }

    /// SIGTERM; the daemon must exit 0 within 2 s and remove its socket.
    fn terminate(mut self) {
        let pid = self.child.id() as i32;
        let sent = Instant::now();
        assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                sent.elapsed() < Duration::from_secs(2),
                "still running 2 s after SIGTERM\nlog:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(10));
        };
        assert_eq!(
            status.code(),
            Some(0),
            "exit status after SIGTERM\nlog:\n{}",
            self.log()
        );
        assert!(!self.path("control.sock").exists(), "the socket is removed");
        assert!(self.log().contains("camera released"), "{}", self.log());
    }
}

impl Drop for Box {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn write_tone(path: &Path, hz: f32, seconds: f32) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..(seconds * RATE as f32) as u32 {
        let t = i as f32 / RATE as f32;
        w.write_sample(((2.0 * std::f32::consts::PI * hz * t).sin() * 12_000.0) as i16)
            .unwrap();
    }
    w.finalize().unwrap();
}

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
    let b = Box::start("driver = \"image\"\npath = \"camera.png\"");
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
    let b = Box::start("driver = \"folder\"\npath = \"no-camera-here\"");
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
    let b = Box::start("driver = \"image\"\npath = \"camera.png\"");
    b.show_camera("happy.png");
    assert_eq!(b.scan_emotion(), Some(Emotion::Happy));
    b.wait_until("music plays", |s| s.current_song.is_some());
    b.terminate();
}

fn send_signal(b: &Box, signal: i32) {
    assert_eq!(unsafe { libc::kill(b.child.id() as i32, signal) }, 0);
}

#[test]
fn sighup_reloads_the_config_and_a_broken_file_keeps_the_running_one() {
    let b = Box::start("driver = \"image\"\npath = \"camera.png\"");
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
    let b = Box::start("driver = \"image\"\npath = \"camera.png\"");
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

    let debug = Box::start("driver = \"image\"\npath = \"camera.png\"");
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
