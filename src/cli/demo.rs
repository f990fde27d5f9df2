//! `moodbox demo`: the whole box on a PC. It runs the real daemon loop on the simulated
//! devices — a camera that serves the bundled face frames, the display written to PNG, the
//! speaker written to WAV — with a small generated music library, presses the simulated
//! button once per frame, and prints what it saw and what it played.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context};
use tokio::sync::{broadcast, mpsc, oneshot};

use moodbox::daemon::{self, DaemonEvent, RunOptions};
use moodbox::hardware::button::SimButton;
use moodbox::synth::{self, Mode, SongRecipe};
use moodbox_core::config::vision::default_models_dir;
use moodbox_core::config::AudioDriver;
use moodbox_core::config::ButtonDriver;
use moodbox_core::config::CameraDriver;
use moodbox_core::config::Config;
use moodbox_core::config::DisplayDriver;
use moodbox_core::player::PlayerEvent;
use moodbox_core::screen::Screen;
use moodbox_core::song::MoodSource;
use moodbox_core::song::Song;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to leave the display PNGs, the played audio and the generated library.
    #[arg(long, value_name = "DIR", default_value = "demo-out")]
    pub out: PathBuf,
    /// Camera frames to show the box, one button press each [default: the bundled ones].
    #[arg(long, value_name = "DIR")]
    pub frames: Option<PathBuf>,
    /// Seconds of music to hear after each press.
    #[arg(long, default_value_t = 3.0)]
    pub listen: f32,
}

/// The bundled frames, in the order the demo shows them.
const DEMO_FRAMES: &[&str] = &[
    "happy.png",
    "sad.png",
    "angry.png",
    "surprise.png",
    "neutral.png",
    "noface.png",
];
const BUNDLED_FRAMES: &str = "tests/fixtures/frames";
const TEST_FONTS: &str = "core/tests/fonts";

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let frames = demo_frames(args.frames.as_deref())?;
    let out = args.out;
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let out = out.canonicalize()?;
    // Each run starts fresh: no screens, frames or play history from an earlier one.
    for stale in ["screens", "camera"] {
        let _ = std::fs::remove_dir_all(out.join(stale));
    }
    for stale in [
        "library.sqlite3",
        "library.sqlite3-wal",
        "library.sqlite3-shm",
        "played.wav",
        "display.png",
    ] {
        let _ = std::fs::remove_file(out.join(stale));
    }
    std::fs::create_dir_all(out.join("screens"))?;
    std::fs::create_dir_all(out.join("camera"))?;
    println!("moodbox demo: output in {}", out.display());
    let music = out.join("music");
    let songs = write_music_library(&music)?;
    println!(
        "  music library: {songs} songs in {} (generated)",
        music.display()
    );

    let config = demo_config(&out)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(drive(
        config,
        &out,
        &frames,
        Duration::from_secs_f32(args.listen.clamp(0.5, 60.0)),
    ))?;
    println!();
    println!("display screens: {}", out.join("screens").display());
    println!("played audio:    {}", out.join("played.wav").display());
    Ok(ExitCode::SUCCESS)
}

fn demo_frames(dir: Option<&Path>) -> anyhow::Result<Vec<PathBuf>> {
    if let Some(dir) = dir {
        let mut frames: Vec<PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        frames.sort();
        return Ok(frames);
    }
    let bundled = Path::new(BUNDLED_FRAMES);
    if !bundled.is_dir() {
        bail!("the bundled frames ({BUNDLED_FRAMES}) are not here: run the demo from the repository root, or pass --frames DIR");
    }
    Ok(DEMO_FRAMES.iter().map(|f| bundled.join(f)).collect())
}

/// The demo box: every device simulated, everything under `out`.
fn demo_config(out: &Path) -> anyhow::Result<Config> {
    let mut config = Config::default();
    config.daemon.control_socket = out.join("control.sock");
    config.daemon.mood_screen_seconds = 1.0;
    config.daemon.message_screen_seconds = 1.5;
    config.vision.models_dir = default_models_dir()
        .canonicalize()
        .context("cannot find the models folder")?;
    config.library.music_dir = out.join("music");
    config.library.index = out.join("library.sqlite3");
    // Tamil first: its sad song has a title in Tamil script, so the demo draws one.
    config.library.languages = vec!["ta".into(), "en".into()];
    config.camera.driver = CameraDriver::Image;
    config.camera.path = Some(out.join("camera").join("frame.png"));
    config.display.driver = DisplayDriver::Png;
    config.display.width = 320;
    config.display.height = 240;
    config.display.png_path = out.join("display.png");
    // After the installed Noto fonts, the repository's test fonts: they draw the demo's
    // Tamil title on a machine without fonts-noto-core.
    if let Ok(test_fonts) = Path::new(TEST_FONTS).canonicalize() {
        config.display.font_dirs.push(test_fonts);
    }
    config.button.driver = ButtonDriver::None;
    config.audio.driver = AudioDriver::Wav;
    config.audio.wav_path = Some(out.join("played.wav"));
    config.audio.wav_speed = 1.0;
    config.audio.start_volume = config.audio.max_volume;
    let problems = config.check();
    if !problems.is_empty() {
        bail!("demo config: {problems:?}");
    }
    Ok(config)
}

/// A demo song: where it goes under the music folder, and how it sounds.
type DemoSong = (&'static str, fn(u64) -> SongRecipe);

/// A small library covering the four song moods in English, with a happy and a sad Tamil
/// song (the first preferred language; the sad one titled in Tamil script) and two untagged
/// songs whose mood comes from analysing the audio.
fn write_music_library(music: &Path) -> anyhow::Result<usize> {
    let songs: &[DemoSong] = &[
        ("en/happy/Sunny Side Up.wav", happy),
        ("en/happy/Dancing in the Kitchen.wav", happy),
        ("en/happy/Yellow Bicycle.wav", happy),
        ("en/sad/Rain on the Window.wav", sad),
        ("en/sad/Letters Never Sent.wav", sad),
        ("en/sad/Empty Platform.wav", sad),
        ("en/calm/Slow Tide.wav", calm),
        ("en/calm/Evening Porch.wav", calm),
        ("en/calm/Paper Lanterns.wav", calm),
        ("en/energetic/Full Throttle.wav", energetic),
        ("en/energetic/Thunder Run.wav", energetic),
        ("en/energetic/Red Line.wav", energetic),
        ("ta/happy/Vaanam Paadum.wav", happy),
        ("ta/sad/கண்ணே கலைமானே.wav", sad),
        ("en/Untitled Bright Tune.wav", happy),
        ("en/Untitled Grey Morning.wav", sad),
    ];
    for (i, (relative, recipe)) in songs.iter().enumerate() {
        let path = music.join(relative);
        if path.is_file() {
            continue;
        }
        std::fs::create_dir_all(path.parent().unwrap_or(music))?;
        let samples = synth::render(&recipe(i as u64 + 1), 22_050);
        synth::write_wav(&path, &samples, 22_050, 1)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(songs.len())
}

fn happy(seed: u64) -> SongRecipe {
    SongRecipe::happy(seed, 20.0)
}

fn sad(seed: u64) -> SongRecipe {
    SongRecipe::sad(seed, 20.0)
}

fn calm(seed: u64) -> SongRecipe {
    SongRecipe {
        bpm: 70.0,
        mode: Mode::Major,
        brightness: 0.35,
        level_db: -24.0,
        drums: false,
        notes_per_beat: 1,
        ..SongRecipe::happy(seed, 20.0)
    }
}

fn energetic(seed: u64) -> SongRecipe {
    SongRecipe {
        bpm: 150.0,
        mode: Mode::Minor,
        brightness: 0.9,
        level_db: -11.0,
        drums: true,
        notes_per_beat: 2,
        ..SongRecipe::sad(seed, 20.0)
    }
}

async fn drive(
    config: Config,
    out: &Path,
    frames: &[PathBuf],
    listen: Duration,
) -> anyhow::Result<()> {
    let (events_tx, mut events) = broadcast::channel(256);
    let (button_tx, button_rx) = mpsc::unbounded_channel();
    let button = SimButton::new(&config.button, button_tx.clone());
    let config_long_press_ms = config.button.long_press_ms;
    let (stop_tx, stop_rx) = oneshot::channel();
    let camera_path = config.camera.path.clone().context("demo camera path")?;
    let display_png = config.display.png_path.clone();
    let socket = config.daemon.control_socket.clone();
    std::fs::copy(&frames[0], &camera_path)?;
    let options = RunOptions {
        events: Some(events_tx),
        buttons: Some((button_tx, button_rx)),
        shutdown: Some(stop_rx),
        ..Default::default()
    };
    let daemon = tokio::spawn(daemon::run(config, options));
    wait_for(&mut events, |e| matches!(e, DaemonEvent::Ready)).await?;
    wait_for_library(&socket).await?;
    let mut saved = 0;
    let mut asking = false;
    for (n, frame) in frames.iter().enumerate() {
        std::fs::copy(frame, &camera_path)
            .with_context(|| format!("cannot use frame {}", frame.display()))?;
        println!();
        println!(
            "press {}: the camera sees {}",
            n + 1,
            frame.file_name().unwrap_or_default().to_string_lossy()
        );
        button.press(Duration::from_millis(120));
        let press = PressLog::follow(&mut events, &display_png, out, &mut saved, listen).await?;
        press.print();
        asking = press.screens.iter().any(|s| s.contains("choose-mood"));
    }
    if asking {
        // Not sure (no face): the chooser is up on "happy"; two short presses move to calm,
        // a long press picks it.
        println!();
        println!(
            "press {}: the box is not sure and shows the moods; two short presses move to calm, a long press picks it",
            frames.len() + 1
        );
        let long = Duration::from_millis(config_long_press_ms + 200);
        for hold in [Duration::from_millis(120), Duration::from_millis(120), long] {
            button.press(hold);
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
        let mut press =
            PressLog::follow(&mut events, &display_png, out, &mut saved, listen).await?;
        press.saw = Some("the owner's choice".into());
        press.print();
    }
    let _ = stop_tx.send(());
    daemon.await.context("the daemon task failed")??;
    Ok(())
}

/// What one press led to.
#[derive(Default)]
struct PressLog {
    saw: Option<String>,
    queue: Option<String>,
    played: Vec<String>,
    screens: Vec<String>,
    /// The songs of the queue this press chose, as the library index knows them.
    queue_songs: Vec<Song>,
}

impl PressLog {
    /// Follows the daemon's events from a press until `listen` after the music started (or
    /// the error screen went back).
    async fn follow(
        events: &mut broadcast::Receiver<DaemonEvent>,
        display_png: &Path,
        out: &Path,
        saved: &mut usize,
        listen: Duration,
    ) -> anyhow::Result<PressLog> {
        let mut log = PressLog::default();
        let mut until: Option<tokio::time::Instant> = None;
        let mut last_kind: Option<String> = None;
        loop {
            let next = match until {
                Some(at) => match tokio::time::timeout_at(at, events.recv()).await {
                    Ok(e) => e,
                    Err(_) => return Ok(log),
                },
                None => tokio::time::timeout(Duration::from_secs(60), events.recv())
                    .await
                    .context("the daemon did not answer the press within 60 s")?,
            };
            let event = match next {
                Ok(e) => e,
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(e) => bail!("the daemon stopped: {e}"),
            };
            match event {
                DaemonEvent::ScanFinished(report) => {
                    log.saw = Some(describe_outcome(&report.outcome));
                    if !matches!(report.outcome, moodbox_core::scan::ScanOutcome::Mood(_)) {
                        until = Some(tokio::time::Instant::now() + Duration::from_secs(2));
                    }
                }
                DaemonEvent::QueueChosen(rec) => {
                    let moods: Vec<&str> = rec.moods.iter().map(|m| m.as_str()).collect();
                    let wants = match rec.policy.as_str() {
                        "chosen" => "the owner chose".to_string(),
                        policy => format!("policy {policy} wants"),
                    };
                    let mut text = format!(
                        "{wants} {} music; queue of {}",
                        moods.join(" then "),
                        rec.songs.len()
                    );
                    if let Some(note) = &rec.fallback {
                        text.push_str(&format!(" ({note})"));
                    }
                    log.queue = Some(text);
                    log.queue_songs = rec.songs.clone();
                }
                DaemonEvent::QueueFailed { reason, .. } => {
                    log.queue = Some(format!("no queue: {reason}"));
                    until = Some(tokio::time::Instant::now() + Duration::from_secs(2));
                }
                DaemonEvent::Player(PlayerEvent::TrackStarted { path, .. }) => {
                    let song = log.queue_songs.iter().find(|s| s.path == path);
                    log.played.push(describe_song(&path, song));
                    until.get_or_insert(tokio::time::Instant::now() + listen);
                }
                DaemonEvent::ScreenDrawn(screen) => {
                    // One picture per screen, not one per animation step or second of a song.
                    let kind = screen_name(&screen);
                    if last_kind.as_deref() == Some(kind.as_str()) {
                        continue;
                    }
                    last_kind = Some(kind.clone());
                    *saved += 1;
                    let name = format!("{:02}-{kind}.png", *saved);
                    if std::fs::copy(display_png, out.join("screens").join(&name)).is_ok() {
                        log.screens.push(name);
                    }
                }
                _ => {}
            }
        }
    }

    fn print(&self) {
        println!(
            "  saw:      {}",
            self.saw
                .as_deref()
                .unwrap_or("nothing (no answer from the camera)")
        );
        if let Some(queue) = &self.queue {
            println!("  chose:    {queue}");
        }
        for song in &self.played {
            println!("  played:   {song}");
        }
        if self.played.is_empty() {
            println!("  played:   (the music carries on as before)");
        }
        println!("  display:  {}", self.screens.join(", "));
    }
}

async fn wait_for(
    events: &mut broadcast::Receiver<DaemonEvent>,
    want: impl Fn(&DaemonEvent) -> bool,
) -> anyhow::Result<()> {
    let work = async {
        loop {
            match events.recv().await {
                Ok(e) if want(&e) => return Ok(()),
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(e) => bail!("the daemon stopped: {e}"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), work)
        .await
        .context("the daemon did not start within 60 s")?
}

/// Waits until the music folder is first indexed, asking the daemon over its control socket.
async fn wait_for_library(socket: &Path) -> anyhow::Result<()> {
    for _ in 0..600 {
        let status = moodbox::daemon::socket::status(socket, Duration::from_secs(5)).await?;
        let library = &status.library;
        if !library.indexing && library.songs > 0 {
            println!(
                "  library indexed: {} songs ({})",
                library.songs,
                library.last_index.as_deref().unwrap_or("")
            );
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the music library was not indexed within 60 s")
}

fn describe_outcome(outcome: &moodbox_core::scan::ScanOutcome) -> String {
    use moodbox_core::scan::ScanOutcome;
    match outcome {
        ScanOutcome::Mood(m) => format!(
            "{} ({:.0}% sure; {} face{}, seen in {} frame{})",
            m.emotion,
            m.confidence * 100.0,
            m.faces,
            if m.faces == 1 { "" } else { "s" },
            m.frames_with_faces,
            if m.frames_with_faces == 1 { "" } else { "s" }
        ),
        ScanOutcome::NoFace { too_dark: true } => "no face: the picture is too dark".into(),
        ScanOutcome::NoFace { too_dark: false } => "no face".into(),
        ScanOutcome::CameraFailed { device, error } => format!("no camera ({device}: {error})"),
    }
}

/// `"Title" (mood from where, language)`, as the library index knows the song.
fn describe_song(path: &Path, song: Option<&Song>) -> String {
    let Some(song) = song else {
        return format!("{} (not in the chosen queue)", path.display());
    };
    let source = match song.mood_source {
        MoodSource::Tag => "from its tag",
        MoodSource::Folder => "from its folder",
        MoodSource::Analysis => "from the audio",
    };
    let language = song.language.as_deref().unwrap_or("language unknown");
    format!("\"{}\" ({} {source}, {language})", song.title, song.mood)
}

fn screen_name(screen: &Screen) -> String {
    match screen {
        Screen::Idle => "idle".into(),
        Screen::Scanning { .. } => "scanning".into(),
        Screen::Mood { emotion, .. } => format!("mood-{emotion}"),
        Screen::NowPlaying { .. } => "now-playing".into(),
        Screen::ChooseMood { .. } => "choose-mood".into(),
        Screen::Error(e) => format!("error-{}", e.heading().to_lowercase().replace(' ', "-")),
    }
}
