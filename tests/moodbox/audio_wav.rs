//! The player through the WAV back-end: the same decoders, controls and mixer as the sound
//! card, with the samples written to a file the test then measures.

use crate::support::signal;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use moodbox::hardware::audio::Player;
use moodbox_core::config::AudioConfig;
use moodbox_core::config::AudioDriver;
use moodbox_core::player::EndReason;
use moodbox_core::player::PlayerEvent;
use signal::{
    events_until, events_within, frequency, label, read_channel, rms, trim_silence, write_tone,
};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

fn wav_config(out: &Path, speed: f32, volume: f32) -> AudioConfig {
    AudioConfig {
        driver: AudioDriver::Wav,
        wav_path: Some(out.to_path_buf()),
        wav_speed: speed,
        sample_rate: 44_100,
        channels: 2,
        start_volume: volume,
        max_volume: 1.0,
        fade_in_seconds: 0.0,
        ..AudioConfig::default()
    }
}

fn start(config: &AudioConfig) -> (Player, UnboundedReceiver<PlayerEvent>) {
    let (tx, rx) = unbounded_channel();
    (Player::start(config, tx).unwrap(), rx)
}

fn is_queue_finished(e: &PlayerEvent) -> bool {
    *e == PlayerEvent::QueueFinished
}

#[test]
fn a_generated_tone_comes_out_at_its_frequency_and_level() {
    let dir = tempfile::tempdir().unwrap();
    let song = dir.path().join("a440.wav");
    // 440 Hz at half scale, mono, 22.05 kHz: the player resamples to 44.1 kHz stereo.
    write_tone(&song, 440.0, 0.5, 1.0, 22_050, 1);
    let out = dir.path().join("out.wav");
    let (player, mut rx) = start(&wav_config(&out, 0.0, 0.5));
    let asked = Instant::now();
    player.play(vec![song.clone()]).unwrap();
    let events = events_until(&mut rx, Duration::from_secs(20), is_queue_finished);
    drop(player); // closes the WAV file
    let labels: Vec<String> = events.iter().map(label).collect();
    assert_eq!(
        labels,
        [
            "started a440.wav",
            "first-sample a440.wav",
            "ended a440.wav Finished",
            "queue-finished"
        ]
    );
    match &events[0] {
        PlayerEvent::TrackStarted { duration, .. } => {
            assert_eq!(*duration, Some(Duration::from_secs(1)))
        }
        other => panic!("{other:?}"),
    }
    match &events[1] {
        PlayerEvent::FirstSample { at, .. } => assert!(*at >= asked),
        other => panic!("{other:?}"),
    }

    let (left, rate) = read_channel(&out, 0);
    let (right, _) = read_channel(&out, 1);
    assert_eq!(rate, 44_100);
    assert_eq!(left, right, "mono is spread to both channels");
    let tone = trim_silence(&left, 0.01);
    let seconds = tone.len() as f64 / f64::from(rate);
    assert!((seconds - 1.0).abs() < 0.01, "{seconds} s of tone");
    let f = frequency(tone, rate);
    assert!((f - 440.0).abs() < 0.5, "{f} Hz");
    // Volume 0.5 in software (the wav driver's simulated card has no control by default) on
    // a half-scale sine: the samples scale by 0.5³, RMS 0.5 * 0.125 / sqrt(2).
    let level = rms(&tone[2205..tone.len() - 2205]);
    let expected = 0.5 * 0.125 / 2f64.sqrt();
    assert!(
        (level - expected).abs() / expected < 0.02,
        "RMS {level}, expected {expected}"
    );
}

#[test]
fn a_corrupt_song_in_the_middle_of_the_queue_is_skipped_and_the_rest_plays() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.wav");
    let last = dir.path().join("last.wav");
    write_tone(&first, 440.0, 0.5, 0.5, 44_100, 2);
    write_tone(&last, 660.0, 0.5, 0.5, 44_100, 2);
    let junk = dir.path().join("junk.mp3");
    std::fs::write(
        &junk,
        (0..20_000u32)
            .map(|i| (i * 7919 % 251) as u8)
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    let missing = dir.path().join("missing.flac");
    let out = dir.path().join("out.wav");
    let (player, mut rx) = start(&wav_config(&out, 0.0, 1.0));
    player.play(vec![first, junk, missing, last]).unwrap();
    let events = events_until(&mut rx, Duration::from_secs(20), is_queue_finished);
    drop(player);
    let labels: Vec<String> = events.iter().map(label).collect();
    assert_eq!(
        labels,
        [
            "started first.wav",
            "first-sample first.wav",
            "ended first.wav Finished",
            "failed junk.mp3",
            "failed missing.flac",
            "started last.wav",
            "first-sample last.wav",
            "ended last.wav Finished",
            "queue-finished",
        ]
    );
    let (left, rate) = read_channel(&out, 0);
    let tones = trim_silence(&left, 0.01);
    let half = tones.len() / 2;
    assert!((frequency(&tones[..half - 2000], rate) - 440.0).abs() < 0.5);
    assert!((frequency(&tones[half + 2000..], rate) - 660.0).abs() < 0.5);
}

#[test]
fn a_truncated_song_plays_what_it_has() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.wav");
    write_tone(&whole, 300.0, 0.5, 1.0, 44_100, 1);
    let bytes = std::fs::read(&whole).unwrap();
    let cut = dir.path().join("cut.wav");
    std::fs::write(&cut, &bytes[..bytes.len() / 4]).unwrap(); // header claims 1 s, holds 0.25 s
    let out = dir.path().join("out.wav");
    let (player, mut rx) = start(&wav_config(&out, 0.0, 1.0));
    player.play(vec![cut]).unwrap();
    let events = events_until(&mut rx, Duration::from_secs(20), is_queue_finished);
    drop(player);
    assert!(
        events.iter().any(|e| matches!(
            e,
            PlayerEvent::TrackEnded {
                reason: EndReason::Finished,
                ..
            }
        )),
        "{events:?}"
    );
    let (left, rate) = read_channel(&out, 0);
    let seconds = trim_silence(&left, 0.01).len() as f64 / f64::from(rate);
    assert!((seconds - 0.25).abs() < 0.02, "{seconds} s");
}

#[test]
fn skip_pause_resume_and_stop_work_in_real_time() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one.wav");
    let two = dir.path().join("two.wav");
    let three = dir.path().join("three.wav");
    for (path, freq) in [(&one, 440.0), (&two, 550.0), (&three, 660.0)] {
        write_tone(path, freq, 0.5, 5.0, 44_100, 2);
    }
    let out = dir.path().join("out.wav");
    let (player, mut rx) = start(&wav_config(&out, 1.0, 1.0));
    player.play(vec![one, two]).unwrap();
    events_until(&mut rx, Duration::from_secs(5), |e| {
        matches!(e, PlayerEvent::FirstSample { .. })
    });

    player.skip().unwrap();
    let labels: Vec<String> = events_until(&mut rx, Duration::from_secs(5), |e| {
        matches!(e, PlayerEvent::FirstSample { .. })
    })
    .iter()
    .map(label)
    .collect();
    assert_eq!(
        labels,
        [
            "ended one.wav Skipped",
            "started two.wav",
            "first-sample two.wav"
        ]
    );

    player.pause().unwrap();
    let paused_len = settled_frames(&out);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(frames(&out), paused_len, "nothing is written while paused");
    assert!(events_within(&mut rx, Duration::from_millis(10)).is_empty());

    player.resume().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    player.append(vec![three]).unwrap();
    player.stop().unwrap();
    let labels: Vec<String> = events_until(&mut rx, Duration::from_secs(5), |e| {
        matches!(e, PlayerEvent::TrackEnded { .. })
    })
    .iter()
    .map(label)
    .collect();
    assert_eq!(labels, ["ended two.wav Stopped"]);
    std::thread::sleep(Duration::from_millis(100));
    assert!(frames(&out) > paused_len, "playback went on after resume");
    assert!(
        events_within(&mut rx, Duration::from_millis(300)).is_empty(),
        "stop clears the queue silently"
    );
}

/// Frames in the WAV file so far; the header is only up to date after the player flushed it,
/// which it does whenever output pauses or goes idle.
fn frames(path: &PathBuf) -> u32 {
    try_frames(path).expect("a readable WAV file")
}

fn try_frames(path: &PathBuf) -> Option<u32> {
    hound::WavReader::open(path).ok().map(|r| r.duration())
}

/// The frame count once it stops changing (the pause takes effect on the player's thread);
/// a file that keeps growing at real-time pace never settles and fails the test.
fn settled_frames(path: &PathBuf) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(3);
    let mut last = try_frames(path);
    loop {
        std::thread::sleep(Duration::from_millis(100));
        let now = try_frames(path);
        if let (Some(n), true) = (now, now == last) {
            return n;
        }
        assert!(
            Instant::now() < deadline,
            "the WAV file keeps growing after pause"
        );
        last = now;
    }
}

#[test]
fn compressed_formats_decode_through_the_same_path() {
    let dir = tempfile::tempdir().unwrap();
    let tone: Vec<f32> = (0..44_100)
        .map(|i| 0.5 * (std::f32::consts::TAU * 440.0 * i as f32 / 44_100.0).sin())
        .collect();
    for ext in ["flac", "ogg", "mp3", "m4a"] {
        let encoded = dir.path().join(format!("tone.{ext}"));
        if let Err(e) = crate::support::encode::write_audio_file(&encoded, &tone, 44_100, 2) {
            panic!("{e}");
        }
        let out = dir.path().join(format!("{ext}.out.wav"));
        let (player, mut rx) = start(&wav_config(&out, 0.0, 1.0));
        player.play(vec![encoded]).unwrap();
        let events = events_until(&mut rx, Duration::from_secs(20), is_queue_finished);
        drop(player);
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, PlayerEvent::TrackFailed { .. })),
            "{ext}: {events:?}"
        );
        let (left, rate) = read_channel(&out, 0);
        let tone = trim_silence(&left, 0.01);
        assert!(
            tone.len() > rate as usize * 9 / 10,
            "{ext}: {} samples",
            tone.len()
        );
        let f = frequency(&tone[4410..tone.len() - 4410], rate);
        assert!((f - 440.0).abs() < 1.0, "{ext}: {f} Hz");
    }
}

#[test]
fn the_none_driver_plays_at_real_time_pace_without_a_card() {
    let dir = tempfile::tempdir().unwrap();
    let song = dir.path().join("short.wav");
    write_tone(&song, 440.0, 0.5, 0.3, 44_100, 2);
    let config = AudioConfig {
        driver: AudioDriver::None,
        ..AudioConfig::default()
    };
    let (player, mut rx) = start(&config);
    assert!(
        player.describe().contains("discarded"),
        "{}",
        player.describe()
    );
    player.play(vec![song]).unwrap();
    let events = events_until(&mut rx, Duration::from_secs(5), is_queue_finished);
    let first = events.iter().find_map(|e| match e {
        PlayerEvent::FirstSample { at, .. } => Some(*at),
        _ => None,
    });
    let played_for = first.expect("a first sample").elapsed();
    assert!(
        played_for >= Duration::from_millis(250),
        "0.3 s of audio took {played_for:?}"
    );
}

#[test]
fn a_wav_path_that_cannot_be_written_fails_the_start() {
    let config = wav_config(Path::new("/nonexistent-dir/out.wav"), 0.0, 1.0);
    let (tx, _rx) = unbounded_channel();
    let err = Player::start(&config, tx)
        .err()
        .expect("cannot create the file");
    assert!(
        err.to_string().contains("/nonexistent-dir/out.wav"),
        "{err}"
    );
}

#[test]
fn playback_fades_in_from_silence_and_the_next_song_follows_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("first.wav"), dir.path().join("second.wav"));
    write_tone(&first, 440.0, 0.5, 1.0, 44_100, 1);
    write_tone(&second, 660.0, 0.5, 1.0, 44_100, 1);
    let out = dir.path().join("out.wav");
    let config = AudioConfig {
        fade_in_seconds: 0.5,
        ..wav_config(&out, 0.0, 1.0)
    };
    let (player, mut rx) = start(&config);
    player.play(vec![first, second]).unwrap();
    events_until(&mut rx, Duration::from_secs(20), is_queue_finished);
    drop(player);
    let (left, rate) = read_channel(&out, 0);
    let tenth = rate as usize / 10;
    let level = |from: usize| rms(&left[from..from + tenth]);
    let full = 0.5 / 2f64.sqrt();
    // The first song rises over 0.5 s: quiet at first, about half way at 0.2-0.3 s.
    assert!(level(0) < 0.15 * full, "start {}", level(0));
    let middle = level(2 * tenth) / full;
    assert!((0.35..0.65).contains(&middle), "middle {middle}");
    assert!(
        (level(6 * tenth) / full - 1.0).abs() < 0.03,
        "after the fade"
    );
    // The second song starts at full level: no fade between the songs of a queue.
    let second_start = rate as usize;
    assert!(
        (level(second_start) / full - 1.0).abs() < 0.05,
        "second song {}",
        level(second_start)
    );
}
