//! The real ALSA output path (rodio mixer → cpal ALSA stream) on a machine without a sound
//! card: the test points ALSA's configuration at a file it writes, in which the `default`
//! device is ALSA's `file` plugin (behind `plug`, fixing the format to S16_LE 44.1 kHz
//! stereo) over the `null` device. The raw file ALSA writes must hold the tone.
//!
//! One test function only: ALSA reads `ALSA_CONFIG_PATH` for the whole process.

use crate::support::signal;

use std::path::Path;
use std::time::Duration;

use moodbox::hardware::audio::{AudioError, Player};
use moodbox_core::config::AudioConfig;
use moodbox_core::config::AudioDriver;
use moodbox_core::player::PlayerEvent;
use signal::{events_until, frequency, label, rms, trim_silence, write_tone};
use tokio::sync::mpsc::unbounded_channel;

const SYSTEM_ALSA_CONF: &str = "/usr/share/alsa/alsa.conf";

fn alsa_config_to_file(dir: &Path, raw: &Path) -> String {
    let asoundrc = dir.join("asoundrc");
    let text = format!(
        "pcm.!default {{\n  type plug\n  slave {{ pcm \"moodbox_file\"; format S16_LE; rate 44100; channels 2 }}\n}}\n\
         pcm.moodbox_file {{\n  type file\n  slave.pcm \"null\"\n  file \"{}\"\n  format \"raw\"\n}}\n",
        raw.display()
    );
    std::fs::write(&asoundrc, text).unwrap();
    format!("{SYSTEM_ALSA_CONF}:{}", asoundrc.display())
}

/// Left channel of interleaved S16_LE stereo.
fn raw_left_channel(path: &Path) -> Vec<f32> {
    let bytes = std::fs::read(path).unwrap();
    bytes
        .chunks_exact(4)
        .map(|f| f32::from(i16::from_le_bytes([f[0], f[1]])) / 32767.0)
        .collect()
}

#[test]
fn a_song_plays_end_to_end_through_alsa_into_the_file_plugin() {
    assert!(
        Path::new(SYSTEM_ALSA_CONF).exists(),
        "{SYSTEM_ALSA_CONF} is missing: run scripts/setup (it installs the ALSA packages)"
    );
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("alsa-out.raw");
    // SAFETY-free in edition 2021; this binary has a single test, so no thread reads the
    // environment concurrently.
    std::env::set_var("ALSA_CONFIG_PATH", alsa_config_to_file(dir.path(), &raw));

    let song = dir.path().join("tone.wav");
    write_tone(&song, 440.0, 0.5, 1.0, 44_100, 2);
    let config = AudioConfig {
        driver: AudioDriver::Alsa,
        device: "default".into(),
        start_volume: 0.8,
        max_volume: 1.0,
        fade_in_seconds: 0.0,
        ..AudioConfig::default()
    };
    let (tx, mut rx) = unbounded_channel();
    let player = Player::start(&config, tx).expect("the default device is the file plugin");
    assert!(
        player.describe().starts_with("ALSA default"),
        "{}",
        player.describe()
    );
    player.play(vec![song]).unwrap();
    let events = events_until(&mut rx, Duration::from_secs(30), |e| {
        *e == PlayerEvent::QueueFinished
    });
    // The null device takes samples as fast as they come, so an open stream would keep
    // growing the file with silence; an idle player has closed it.
    std::thread::sleep(Duration::from_millis(100));
    let idle_size = std::fs::metadata(&raw).unwrap().len();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        std::fs::metadata(&raw).unwrap().len(),
        idle_size,
        "the idle stream is closed"
    );
    drop(player);
    let labels: Vec<String> = events.iter().map(label).collect();
    assert_eq!(
        labels,
        [
            "started tone.wav",
            "first-sample tone.wav",
            "ended tone.wav Finished",
            "queue-finished"
        ]
    );

    let left = raw_left_channel(&raw);
    let tone = trim_silence(&left, 0.01);
    let seconds = tone.len() as f64 / 44_100.0;
    assert!(
        (seconds - 1.0).abs() < 0.02,
        "{seconds} s of tone in {} frames",
        left.len()
    );
    let f = frequency(tone, 44_100);
    assert!((f - 440.0).abs() < 0.5, "{f} Hz");
    let level = rms(&tone[4410..tone.len() - 4410]);
    // Volume 0.8 with no card control to take it: the samples scale by 0.8³.
    let expected = 0.5 * 0.8f64.powi(3) / 2f64.sqrt();
    assert!(
        (level - expected).abs() / expected < 0.02,
        "RMS {level}, expected {expected}"
    );

    // A device that does not exist is named, with the ones that do.
    let missing = AudioConfig {
        device: "hw:CARD=MoodboxMissing".into(),
        ..config
    };
    let (tx, _rx) = unbounded_channel();
    let err = Player::start(&missing, tx).err().expect("no such card");
    assert!(matches!(err, AudioError::DeviceNotFound { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("\"hw:CARD=MoodboxMissing\"") && msg.contains("\"default\""),
        "{msg}"
    );
}
