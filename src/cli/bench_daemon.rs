//! `moodbox bench daemon`: the daemon as a user meets it. A real `moodbox run` process on a
//! simulated box (a face picture as camera, the display to PNG, the speaker to WAV at
//! real-time pace, a generated library) is measured from outside:
//! - button press to first audio sample: the median of 20 presses (`scan` on the control
//!   socket enters the same code path as the button);
//! - CPU time used over 30 s of idle (nothing playing, waiting for the button);
//! - peak resident memory (VmHWM) over start-up and the 20 scans, the display's fonts loaded
//!   (the songs are titled in Tamil, Devanagari, Chinese and Arabic script).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use moodbox::daemon::socket::{request, status};
use moodbox::synth::{self, SongRecipe};
use moodbox_core::config::vision::default_models_dir;
use moodbox_core::protocol::Reply;
use moodbox_core::status::ScanAnswer;

const PRESSES: usize = 20;
const IDLE_SECONDS: u64 = 30;
const FRAMES_PER_SCAN: usize = 3;
/// A frame with a face: the repository's fixture, or the copy the Debian package installs.
pub(super) const FRAME_CANDIDATES: &[&str] = &[
    "tests/fixtures/frames/happy.png",
    "/usr/share/moodbox/bench/frame.png",
];

pub fn run() -> anyhow::Result<()> {
    let dir = super::scratch::Scratch::new("moodbox-bench-")?;
    let frame = FRAME_CANDIDATES
        .iter()
        .map(Path::new)
        .find(|p| p.is_file())
        .context("no face picture to scan (tests/fixtures/frames/happy.png or /usr/share/moodbox/bench/frame.png)")?;
    std::fs::copy(frame, dir.path().join("camera.png"))?;
    write_library(&dir.path().join("music"))?;
    let config = dir.path().join("config.toml");
    std::fs::write(&config, config_text(&default_models_dir().canonicalize()?))?;

    let mut daemon = Daemon::start(&config, dir.path())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(measure(&mut daemon, dir.path()));
    daemon.stop();
    let figures = result?;
    println!(
        "daemon (a `moodbox run` process on simulated devices: {FRAMES_PER_SCAN} frames per scan from {}, WAV speaker at real-time pace)",
        frame.display()
    );
    println!(
        "  {:<50} {:>9.1} ms  (min {:.1}, max {:.1}, {PRESSES} presses)",
        "press to first audio sample, median",
        figures.press_median,
        figures.press_min,
        figures.press_max
    );
    println!(
        "  {:<50} {:>9.3} %   ({:.2} s of CPU in {IDLE_SECONDS} s)",
        "CPU while idle", figures.idle_cpu_percent, figures.idle_cpu_seconds
    );
    println!(
        "  {:<50} {:>9.1} MB",
        "peak resident memory (VmHWM)", figures.peak_rss_mb
    );
    println!(
        "  {:<50} {:>9.1} MB",
        "resident memory when idle (VmRSS)", figures.idle_rss_mb
    );
    Ok(())
}

struct Figures {
    press_median: f64,
    press_min: f64,
    press_max: f64,
    idle_cpu_seconds: f64,
    idle_cpu_percent: f64,
    peak_rss_mb: f64,
    idle_rss_mb: f64,
}

async fn measure(daemon: &mut Daemon, dir: &Path) -> anyhow::Result<Figures> {
    let socket = dir.join("control.sock");
    daemon.wait_for_library(&socket).await?;
    let mut press_ms = Vec::with_capacity(PRESSES);
    for n in 0..PRESSES {
        let answer = ctl(&socket, "scan").await?;
        if !matches!(&answer, Reply::Scan(scan) if matches!(scan.answer, ScanAnswer::Mood { .. })) {
            bail!(
                "press {}: the scan found no mood: {}",
                n + 1,
                answer.to_line()
            );
        }
        press_ms.push(wait_for_first_audio(&socket).await?);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    press_ms.sort_by(f64::total_cmp);
    let peak_rss_mb = proc_status_kb(daemon.pid(), "VmHWM")? / 1024.0;

    ctl(&socket, "stop").await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = cpu_seconds(daemon.pid())?;
    tokio::time::sleep(Duration::from_secs(IDLE_SECONDS)).await;
    let idle_cpu_seconds = cpu_seconds(daemon.pid())? - before;
    Ok(Figures {
        press_median: press_ms[PRESSES / 2],
        press_min: press_ms[0],
        press_max: press_ms[PRESSES - 1],
        idle_cpu_seconds,
        idle_cpu_percent: idle_cpu_seconds / IDLE_SECONDS as f64 * 100.0,
        peak_rss_mb,
        idle_rss_mb: proc_status_kb(daemon.pid(), "VmRSS")? / 1024.0,
    })
}

async fn ctl(socket: &Path, command: &str) -> anyhow::Result<Reply> {
    Ok(request(socket, command, Duration::from_secs(30)).await?)
}

/// The press-to-first-audio figure of the last press, once the daemon has it.
async fn wait_for_first_audio(socket: &Path) -> anyhow::Result<f64> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let status = status(socket, Duration::from_secs(30)).await?;
        if let Some(ms) = status.last_scan.press_to_first_audio_ms {
            return Ok(ms);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    bail!("no audio within 10 s of a press")
}

pub(super) fn config_text(models: &Path) -> String {
    format!(
        r#"[daemon]
control_socket = "control.sock"
frames_per_scan = {FRAMES_PER_SCAN}

[vision]
models_dir = "{}"

[library]
music_dir = "music"
index = "library.sqlite3"
no_repeat_window = 0

[camera]
driver = "image"
path = "camera.png"

[display]
driver = "png"
png_path = "display.png"

[button]
driver = "none"

[audio]
driver = "wav"
wav_path = "played.wav"
wav_speed = 1.0
"#,
        models.display()
    )
}

/// Titles in four script families, so that the peak memory counts the display's fonts
/// (the CJK font too, where fonts-noto-cjk is installed).
const TITLES: [&str; 4] = [
    "கண்ணே கலைமானே",
    "सत्यम शिवम सुंदरम",
    "月亮代表我的心",
    "أنا لحبيبي",
];

/// Eight short songs in `happy/` and `sad/` folders, titled in several scripts.
pub(super) fn write_library(music: &Path) -> anyhow::Result<()> {
    for (mood, recipe) in [
        ("happy", SongRecipe::happy as fn(u64, f32) -> SongRecipe),
        ("sad", SongRecipe::sad),
    ] {
        std::fs::create_dir_all(music.join(mood))?;
        for n in 0..4u64 {
            let samples = synth::render(&recipe(n + 1, 10.0), 22_050);
            synth::write_wav(
                &music
                    .join(mood)
                    .join(format!("{mood} {n} {}.wav", TITLES[n as usize])),
                &samples,
                22_050,
                1,
            )?;
        }
    }
    Ok(())
}

/// The daemon process under test.
pub(super) struct Daemon {
    child: Child,
    log: PathBuf,
}

impl Daemon {
    pub(super) fn start(config: &Path, dir: &Path) -> anyhow::Result<Daemon> {
        let log = dir.join("daemon.log");
        let child = Command::new(std::env::current_exe()?)
            .args(["run", "--config"])
            .arg(config)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log)?)
            .spawn()
            .context("cannot start `moodbox run`")?;
        Ok(Daemon { child, log })
    }

    pub(super) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(super) async fn wait_for_library(&mut self, socket: &Path) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "the daemon exited ({status}): {}",
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            if let Ok(status) = status(socket, Duration::from_secs(5)).await {
                if !status.library.indexing && status.library.songs > 0 {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("the daemon did not index its library within 60 s")
    }

    pub(super) fn stop(mut self) {
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

/// User + system CPU seconds of a process, from /proc/PID/stat.
fn cpu_seconds(pid: u32) -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .context("odd /proc stat")?
        .1
        .split_whitespace()
        .collect();
    // After the command name: state is field 3, utime 14 and stime 15 (1-based, man proc).
    let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    Ok(ticks / per_second)
}

/// A `VmXXX:  NNN kB` line of /proc/PID/status, in kB.
pub(super) fn proc_status_kb(pid: u32, key: &str) -> anyhow::Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| {
            l.strip_prefix(key)?
                .trim_start_matches(':')
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .with_context(|| format!("no {key} in /proc/{pid}/status"))
}
