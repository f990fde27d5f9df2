//! A simulated box for the tests that run the daemon as systemd does: `moodbox run` in a temp
//! folder, driven through its control socket, its display a PNG and its speaker a WAV file.
//! A *held* box runs the same daemon in this process instead, so a test can also press its
//! simulated buttons (the physical presses the control socket cannot make).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use embedded_graphics::prelude::Size;
use moodbox::daemon::RunOptions;
use moodbox::hardware::button::SimButton;
use moodbox_core::config::Config;
use moodbox_core::protocol::Reply;
use moodbox_core::screen::Screen;
use moodbox_core::status::{ScanAnswer, Status};
use moodbox_core::ui::{draw_screen, Framebuffer};
use moodbox_core::Emotion;

pub const HAPPY_HZ: f32 = 880.0;
pub const SAD_HZ: f32 = 330.0;
pub const RATE: u32 = 22_050;

/// A simulated box: `moodbox run` in a temp folder with a PNG display, a WAV speaker, a
/// camera given as config lines, and a music folder of 3 happy (880 Hz) and 3 sad (330 Hz)
/// songs.
pub struct SimBox {
    pub dir: tempfile::TempDir,
    runner: Runner,
}

/// How the daemon runs.
enum Runner {
    /// `moodbox run`, as systemd starts it.
    Process(Child),
    /// `daemon::run` on a thread of this process, with simulated buttons.
    Held(Held),
}

struct Held {
    button: SimButton,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Work on the box's folder before the daemon starts.
type Prepare = std::boxed::Box<dyn FnOnce(&Path)>;

/// What a [`SimBox`] starts with, beyond the defaults.
pub struct Setup {
    camera: String,
    extra: Vec<(&'static str, String)>,
    prepare: Vec<Prepare>,
    songs: usize,
    open_files: Option<u64>,
}

impl Setup {
    pub fn new(camera: &str) -> Setup {
        Setup {
            camera: camera.to_string(),
            extra: Vec::new(),
            prepare: Vec::new(),
            songs: 6,
            open_files: None,
        }
    }

    /// One more line in `[section]` of the config.
    pub fn config(mut self, section: &'static str, line: &str) -> Setup {
        self.extra.push((section, line.to_string()));
        self
    }

    /// Runs `f` on the box's folder before the daemon starts (extra songs, files in the way).
    pub fn prepare(mut self, f: impl FnOnce(&Path) + 'static) -> Setup {
        self.prepare.push(std::boxed::Box::new(f));
        self
    }

    /// How many songs the index holds once the box is up (6 by default).
    pub fn songs(mut self, n: usize) -> Setup {
        self.songs = n;
        self
    }

    /// Starts the daemon with this limit on open files (RLIMIT_NOFILE).
    pub fn open_files(mut self, limit: u64) -> Setup {
        self.open_files = Some(limit);
        self
    }

    /// Writes the library and config, starts `moodbox run` and waits until it has indexed
    /// the songs.
    pub fn start(self) -> SimBox {
        let b = self.spawn();
        let songs = b.expected_songs;
        b.sim
            .wait_until("the library is indexed", |s| s.library.songs == songs);
        b.sim
    }

    /// Writes the library and config, runs the daemon in this process with simulated buttons
    /// (wired as the config's `[button]` pins say) and waits until it has indexed the songs.
    pub fn hold(self) -> SimBox {
        let songs = self.songs;
        let dir = self.write();
        let config = Config::load(&dir.path().join("config.toml")).expect("the test config loads");
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let button = SimButton::new(&config.button, tx.clone());
        let (stop, stop_rx) = tokio::sync::oneshot::channel();
        let options = RunOptions {
            config_path: Some(dir.path().join("config.toml")),
            buttons: Some((tx, rx)),
            shutdown: Some(stop_rx),
            ..RunOptions::default()
        };
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            runtime
                .block_on(moodbox::daemon::run(config, options))
                .expect("the daemon runs");
        });
        let sim = SimBox {
            dir,
            runner: Runner::Held(Held {
                button,
                stop: Some(stop),
                thread: Some(thread),
            }),
        };
        sim.wait_until("the library is indexed", |s| s.library.songs == songs);
        sim
    }

    /// Writes the library and config and starts `moodbox run` without waiting.
    pub fn spawn(self) -> Spawned {
        let (songs, open_files) = (self.songs, self.open_files);
        let dir = self.write();
        let root = dir.path();
        let mut command = Command::new(env!("CARGO_BIN_EXE_moodbox"));
        command
            .args(["run", "--config"])
            .arg(root.join("config.toml"))
            .env("MOODBOX_LOG", "moodbox=debug")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(root.join("daemon.log")).unwrap());
        if let Some(limit) = open_files {
            use std::os::unix::process::CommandExt;
            // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
            unsafe {
                command.pre_exec(move || {
                    let rlimit = libc::rlimit {
                        rlim_cur: limit,
                        rlim_max: limit,
                    };
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &rlimit) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        let child = command.spawn().unwrap();
        Spawned {
            sim: SimBox {
                dir,
                runner: Runner::Process(child),
            },
            expected_songs: songs,
        }
    }

    /// The box's folder: music, config and whatever `prepare` adds.
    fn write(self) -> tempfile::TempDir {
        let Setup {
            camera,
            extra,
            prepare,
            ..
        } = self;
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
        let config = with_lines(&config, &extra);
        std::fs::write(root.join("config.toml"), config).unwrap();
        for f in prepare {
            f(root);
        }
        dir
    }
}

/// A daemon started but not waited for.
pub struct Spawned {
    pub sim: SimBox,
    expected_songs: usize,
}

/// `config` with each `(section, line)` set in its section: a line setting a key the
/// section already sets replaces it, others are added at the section's end.
fn with_lines(config: &str, extra: &[(&str, String)]) -> String {
    let key = |line: &str| line.split('=').next().unwrap_or("").trim().to_string();
    let mut out = String::new();
    let mut section = String::new();
    let flush = |out: &mut String, section: &str, done: &[String]| {
        for (_, line) in extra.iter().filter(|(s, _)| *s == section) {
            if !done.contains(&key(line)) {
                out.push_str(line);
                out.push('\n');
            }
        }
    };
    let mut replaced = Vec::new();
    for line in config.lines() {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            flush(&mut out, &section, &replaced);
            section = name.to_string();
            replaced.clear();
        }
        let new = extra
            .iter()
            .find(|(s, l)| *s == section && line.contains('=') && key(l) == key(line));
        match new {
            Some((_, l)) => {
                replaced.push(key(l));
                out.push_str(l);
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    flush(&mut out, &section, &replaced);
    out
}

impl SimBox {
    /// The usual box with this camera.
    pub fn start(camera: &str) -> SimBox {
        Setup::new(camera).start()
    }

    /// The `moodbox run` process (not for held boxes).
    pub fn child(&mut self) -> &mut Child {
        match &mut self.runner {
            Runner::Process(child) => child,
            Runner::Held(_) => panic!("a held box runs in the test's own process"),
        }
    }

    /// The `moodbox run` process's id (not for held boxes).
    pub fn pid(&self) -> u32 {
        match &self.runner {
            Runner::Process(child) => child.id(),
            Runner::Held(_) => panic!("a held box runs in the test's own process"),
        }
    }

    /// The simulated buttons of a held box.
    pub fn button(&self) -> &SimButton {
        match &self.runner {
            Runner::Held(held) => &held.button,
            Runner::Process(_) => {
                panic!("a `moodbox run` box has no simulated buttons; use hold()")
            }
        }
    }

    /// Whether the daemon is still running.
    pub fn child_is_running(&mut self) -> bool {
        self.child().try_wait().is_ok_and(|status| status.is_none())
    }

    /// The daemon's peak resident memory so far (VmHWM), in MB.
    pub fn peak_memory_mb(&self) -> f64 {
        let pid = match &self.runner {
            Runner::Process(child) => child.id(),
            Runner::Held(_) => std::process::id(),
        };
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let kb: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc/PID/status");
        kb / 1024.0
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn ctl(&self, command: &str) -> Reply {
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

    pub fn status(&self) -> Status {
        match self.ctl("status") {
            Reply::Status(reply) => reply.status,
            other => panic!("status answered {}", other.to_line()),
        }
    }

    /// `scan`'s answer: what it found.
    pub fn scan(&self) -> ScanAnswer {
        match self.ctl("scan") {
            Reply::Scan(reply) => reply.answer,
            other => panic!("scan answered {}", other.to_line()),
        }
    }

    /// The emotion a scan found, if it found one.
    pub fn scan_emotion(&self) -> Option<Emotion> {
        match self.scan() {
            ScanAnswer::Mood { emotion, .. } => Some(emotion),
            _ => None,
        }
    }

    /// Polls `status` until `ok` holds (20 s at most).
    pub fn wait_until(&self, what: &str, ok: impl Fn(&Status) -> bool) -> Status {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if self.path("control.sock").exists() {
                if let Ok(status) =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.status()))
                {
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

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.path("daemon.log")).unwrap_or_default()
    }

    pub fn show_camera(&self, frame: &str) {
        std::fs::copy(
            format!("tests/fixtures/frames/{frame}"),
            self.path("camera.png"),
        )
        .unwrap();
    }

    /// The display PNG must be exactly what the UI draws for `screen`.
    pub fn assert_display_shows(&self, screen: &Screen) {
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
    pub fn recent_pitch(&self) -> f32 {
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
    pub fn assert_playing_pitch(&self, hz: f32) {
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
    pub fn terminate(mut self) {
        let pid = self.child().id() as i32;
        let sent = Instant::now();
        assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
        let status = loop {
            if let Some(status) = self.child().try_wait().unwrap() {
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

impl Drop for SimBox {
    fn drop(&mut self) {
        match &mut self.runner {
            Runner::Process(child) => {
                let _ = child.kill();
                let _ = child.wait();
            }
            Runner::Held(held) => {
                if let Some(stop) = held.stop.take() {
                    let _ = stop.send(());
                }
                if let Some(thread) = held.thread.take() {
                    let _ = thread.join();
                }
            }
        }
    }
}

pub fn write_tone(path: &Path, hz: f32, seconds: f32) {
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
