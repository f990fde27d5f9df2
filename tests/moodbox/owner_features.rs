//! What owners ask for, on a simulated box: the "not sure" chooser and the corrections it
//! keeps, a volume that never starts above its cap, the card's own volume control, the
//! board presets, and a screen that sleeps.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use moodbox::hardware::button::SimButton;
use moodbox_core::config::{ButtonRole, Config};
use moodbox_core::mood::Mood;
use moodbox_core::press::ButtonEvent;
use moodbox_core::protocol::Reply;
use moodbox_core::screen::{Backlight, Screen};
use moodbox_core::status::{Phase, Status};
use moodbox_core::Emotion;

use crate::support::sim_box::{write_tone, Setup, SimBox};

const IMAGE_CAMERA: &str = "driver = \"image\"\npath = \"camera.png\"";
const CALM_HZ: f32 = 550.0;
const SHORT: Duration = Duration::from_millis(120);
/// Past the default `long_press_ms` (1000 ms).
const LONG: Duration = Duration::from_millis(1300);

/// The usual box plus three calm songs (550 Hz), looking at a happy face.
fn with_calm_songs() -> Setup {
    Setup::new(IMAGE_CAMERA)
        .prepare(|root: &Path| {
            std::fs::copy("tests/fixtures/frames/happy.png", root.join("camera.png")).unwrap();
            let calm = root.join("music/calm");
            std::fs::create_dir_all(&calm).unwrap();
            for n in 1..=3 {
                write_tone(&calm.join(format!("calm {n}.wav")), CALM_HZ, 20.0);
            }
        })
        .songs(9)
}

fn playing(s: &Status, mood: Mood) -> bool {
    s.current_song.as_ref().is_some_and(|c| c.mood == mood)
}

fn press(b: &SimBox, hold: Duration) {
    b.button().press(hold);
    std::thread::sleep(Duration::from_millis(150));
}

fn stats_json(b: &SimBox) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_moodbox"))
        .args(["stats", "--json", "--config"])
        .arg(b.path("config.toml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn an_unsure_scan_shows_the_moods_presses_pick_calm_and_stats_keep_the_correction() {
    // Any reading below 0.99 counts as unsure here, so the happy face (about 0.93) asks.
    let b = with_calm_songs()
        .config("daemon", "unsure_below = 0.99")
        .hold();
    press(&b, SHORT);
    let s = b.wait_until("the chooser is up", |s| s.state == Phase::Choosing);
    let read = s.last_emotion.as_ref().expect("the reading is kept");
    assert_eq!(read.emotion, Emotion::Happy);
    let read = Some((Emotion::Happy, read.confidence));
    b.assert_display_shows(&Screen::ChooseMood {
        read,
        selected: Mood::Happy,
    });
    assert!(s.current_song.is_none(), "nothing plays while the box asks");

    // happy → sad → calm, then a long press picks it.
    press(&b, SHORT);
    press(&b, SHORT);
    b.assert_display_shows(&Screen::ChooseMood {
        read,
        selected: Mood::Calm,
    });
    press(&b, LONG);
    b.wait_until("calm music plays", |s| playing(s, Mood::Calm));
    b.assert_playing_pitch(CALM_HZ);

    let stats = stats_json(&b);
    let happy = &stats["emotions"][0];
    assert_eq!(happy["read_as"], "happy", "{stats}");
    assert_eq!(happy["asked"], 1, "{stats}");
    assert_eq!(happy["corrected_to"]["calm"], 1, "{stats}");
    assert_eq!(happy["camera_right"], 0.0, "{stats}");
    let table = Command::new(env!("CARGO_BIN_EXE_moodbox"))
        .args(["stats", "--config"])
        .arg(b.path("config.toml"))
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("happy") && l.contains("calm 1") && l.ends_with("0%")),
        "{table}"
    );
}

#[test]
fn an_untouched_chooser_keeps_what_the_box_was_doing() {
    let b = with_calm_songs()
        .config("daemon", "unsure_below = 0.99")
        .config("daemon", "chooser_seconds = 1.0")
        .hold();
    press(&b, SHORT);
    b.wait_until("the chooser is up", |s| s.state == Phase::Choosing);
    let s = b.wait_until("the chooser gives up", |s| s.state != Phase::Choosing);
    assert_eq!(s.state, Phase::Idle, "nothing was playing, nothing plays");
    b.assert_display_shows(&Screen::Idle);
    assert_eq!(stats_json(&b)["emotions"][0]["unanswered"], 1);
}

#[test]
fn ctl_mood_plays_the_mood_asked_for() {
    let b = with_calm_songs().start();
    assert!(matches!(b.ctl("mood calm"), Reply::Done(_)));
    b.wait_until("calm music plays", |s| playing(s, Mood::Calm));
    b.assert_playing_pitch(CALM_HZ);
    match b.ctl("mood grumpy") {
        Reply::Failure(f) => assert!(
            f.error.contains("happy, sad, calm, energetic"),
            "{}",
            f.error
        ),
        other => panic!("{}", other.to_line()),
    }
}

#[test]
fn a_restart_never_starts_louder_than_the_cap() {
    // A volume file left at full (or edited by hand) starts the box at max_volume.
    let b = Setup::new(IMAGE_CAMERA)
        .prepare(|root: &Path| std::fs::write(root.join("volume"), "100\n").unwrap())
        .start();
    assert_eq!(b.status().volume, 70, "the default cap is 0.7");
    assert!(matches!(b.ctl("volume 100"), Reply::Done(_)));
    assert_eq!(b.status().volume, 70, "nothing sets it above the cap");
    assert!(matches!(b.ctl("volume 30"), Reply::Done(_)));
    let remembered = std::fs::read_to_string(b.path("volume")).unwrap();
    assert_eq!(remembered.trim(), "30");
    let kept = b.dir.path().to_path_buf();
    drop(b);

    // Restarted with a lower cap and the file at 100 again: the cap wins.
    let b = Setup::new(IMAGE_CAMERA)
        .config("audio", "max_volume = 0.25")
        .config("audio", "start_volume = 0.2")
        .prepare(move |root: &Path| {
            assert_ne!(root, kept);
            std::fs::write(root.join("volume"), "100\n").unwrap()
        })
        .start();
    assert_eq!(b.status().volume, 25);
    // Without a file: start_volume.
    drop(b);
    let b = Setup::new(IMAGE_CAMERA)
        .config("audio", "max_volume = 0.25")
        .config("audio", "start_volume = 0.2")
        .start();
    assert_eq!(b.status().volume, 20);
}

/// The peak of the left channel the speaker played (the WAV is still being written, so its
/// header does not count the samples yet).
fn played_peak(b: &SimBox) -> f32 {
    let bytes = std::fs::read(b.path("played.wav")).unwrap();
    let data = bytes
        .windows(4)
        .position(|w| w == b"data")
        .expect("a data chunk")
        + 8;
    bytes[data..]
        .chunks_exact(4) // 16-bit stereo frames: the left channel
        .map(|f| f32::from(i16::from_le_bytes([f[0], f[1]])).abs() / 32_768.0)
        .fold(0.0, f32::max)
}

fn play_happy_at_40(mixer: &str) -> SimBox {
    let b = Setup::new(IMAGE_CAMERA)
        .prepare(|root: &Path| {
            std::fs::copy("tests/fixtures/frames/happy.png", root.join("camera.png")).unwrap();
        })
        .config("audio", &format!("mixer = {mixer:?}"))
        .config("audio", "fade_in_seconds = 0.0")
        .start();
    assert!(matches!(b.ctl("volume 40"), Reply::Done(_)));
    assert_eq!(b.scan_emotion(), Some(Emotion::Happy));
    b.wait_until("happy music plays", |s| playing(s, Mood::Happy));
    std::thread::sleep(Duration::from_millis(2500));
    b
}

#[test]
fn with_a_card_control_the_card_takes_the_volume_and_the_samples_go_out_unscaled() {
    // The songs are tones of amplitude 12000/32768.
    let song_peak = 12_000.0 / 32_768.0;

    // The wav driver's simulated card has the control the config names.
    let b = play_happy_at_40("PCM");
    let card = std::fs::read_to_string(b.path("played.wav.mixer")).expect("the card was set");
    let db: f32 = card
        .trim()
        .strip_prefix("PCM: ")
        .and_then(|v| v.strip_suffix(" dB"))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{card:?}"));
    // 40 % on a PCM control like the Pi jack's, as alsamixer maps it: about -23 dB.
    assert!((-24.0..=-22.0).contains(&db), "{card}");
    let status = b.status();
    assert!(
        status.devices.audio.text().contains("card control \"PCM\""),
        "{status:?}"
    );
    let peak = played_peak(&b);
    assert!(
        (peak - song_peak).abs() < 0.01,
        "unscaled samples: peak {peak}, song {song_peak}"
    );
    drop(b);

    // Without a control the samples take the volume: 0.4³.
    let b = play_happy_at_40("software");
    assert!(!b.path("played.wav.mixer").exists());
    let peak = played_peak(&b);
    let expected = song_peak * 0.064;
    assert!(
        (peak - expected).abs() < 0.005,
        "software volume: peak {peak}, expected {expected}"
    );
}

#[test]
fn each_board_preset_passes_check_config_and_its_buttons_act_on_their_pins() {
    let dir = tempfile::tempdir().unwrap();
    for (board, buttons) in [
        (
            "pirate-audio",
            &[
                (5, ButtonEvent::Scan),
                (16, ButtonEvent::Skip),
                (24, ButtonEvent::VolumeUp),
                (6, ButtonEvent::VolumeDown),
            ][..],
        ),
        (
            "waveshare-lcd-hat",
            &[
                (13, ButtonEvent::Scan),
                (26, ButtonEvent::Skip),
                (6, ButtonEvent::VolumeUp),
                (19, ButtonEvent::VolumeDown),
            ],
        ),
        (
            "adafruit-mini-pitft",
            &[(23, ButtonEvent::Scan), (24, ButtonEvent::Skip)],
        ),
    ] {
        let path = dir.path().join(format!("{board}.toml"));
        let models = std::fs::canonicalize("models").unwrap();
        std::fs::write(
            &path,
            format!(
                "board = \"{board}\"\n[vision]\nmodels_dir = {models:?}\n[library]\nmusic_dir = {:?}\n",
                dir.path()
            ),
        )
        .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_moodbox"))
            .arg("check-config")
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{board}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let config = Config::load(&path).unwrap();
        let roles: Vec<(u32, ButtonRole)> = config
            .button
            .buttons()
            .into_iter()
            .map(|(_, pin, role)| (pin, role))
            .collect();
        assert_eq!(roles.len(), buttons.len(), "{board}: {roles:?}");

        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let sim = SimButton::new(&config.button, tx);
        for &(pin, event) in buttons {
            assert!(
                sim.press_pin(pin, SHORT),
                "{board}: no button on GPIO {pin}"
            );
            let deadline = Instant::now() + Duration::from_secs(3);
            let got = loop {
                if let Ok(e) = rx.try_recv() {
                    break Some(e);
                }
                if Instant::now() > deadline {
                    break None;
                }
                std::thread::sleep(Duration::from_millis(10));
            };
            assert_eq!(got, Some(event), "{board}: GPIO {pin}");
        }
        assert!(
            !sim.press_pin(17, SHORT),
            "{board}: GPIO 17 is not one of its buttons"
        );
    }
}

#[test]
fn after_idle_the_screen_dims_then_goes_dark_and_the_first_press_only_wakes_it() {
    // Dim after 0.6 s and dark after 1.2 s without a press.
    let b = Setup::new(IMAGE_CAMERA)
        .prepare(|root: &Path| {
            std::fs::copy("tests/fixtures/frames/happy.png", root.join("camera.png")).unwrap();
        })
        .config("display", "dim_after_minutes = 0.01")
        .config("display", "off_after_minutes = 0.02")
        .hold();
    b.wait_until("the screen dims", |s| s.backlight != Backlight::On);
    b.wait_until("the screen goes dark", |s| s.backlight == Backlight::Off);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let shown = image::open(b.path("display.png")).map(|i| i.to_rgb8());
        if shown
            .as_ref()
            .is_ok_and(|i| i.pixels().all(|p| p.0 == [0, 0, 0]))
        {
            break;
        }
        assert!(Instant::now() < deadline, "the dark screen is not black");
        std::thread::sleep(Duration::from_millis(50));
    }

    press(&b, SHORT);
    let s = b.wait_until("the press wakes the screen", |s| {
        s.backlight == Backlight::On
    });
    assert_eq!(s.state, Phase::Idle, "the first press only wakes it");
    assert!(s.last_scan.outcome.is_none(), "no scan: {:?}", s.last_scan);
    b.assert_display_shows(&Screen::Idle);
    press(&b, SHORT);
    b.wait_until("the second press scans", |s| s.last_scan.outcome.is_some());
}
