//! Signal helpers shared by the audio tests (included with `#[path]`): generated tones and
//! the measurements that check what came out.
#![allow(dead_code)]

use std::path::Path;
use std::time::{Duration, Instant};

use moodbox_core::player::PlayerEvent;
use tokio::sync::mpsc::UnboundedReceiver;

/// Writes a 16-bit WAV sine tone.
pub fn write_tone(
    path: &Path,
    freq: f64,
    amplitude: f64,
    seconds: f64,
    sample_rate: u32,
    channels: u16,
) {
    let spec = hound::WavSpec {
        channels,
        sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    let frames = (seconds * f64::from(sample_rate)).round() as usize;
    for i in 0..frames {
        let v =
            amplitude * (std::f64::consts::TAU * freq * i as f64 / f64::from(sample_rate)).sin();
        for _ in 0..channels {
            w.write_sample((v * 32767.0).round() as i16).unwrap();
        }
    }
    w.finalize().unwrap();
}

/// One channel of a 16-bit WAV file as -1..1 floats, and its sample rate.
pub fn read_channel(path: &Path, channel: usize) -> (Vec<f32>, u32) {
    let mut r = hound::WavReader::open(path).unwrap();
    let spec = r.spec();
    let all: Vec<i16> = r.samples::<i16>().map(Result::unwrap).collect();
    let samples = all
        .iter()
        .skip(channel)
        .step_by(usize::from(spec.channels))
        .map(|&s| f32::from(s) / 32767.0)
        .collect();
    (samples, spec.sample_rate)
}

/// The part between the first and last sample louder than `threshold`.
pub fn trim_silence(samples: &[f32], threshold: f32) -> &[f32] {
    let first = samples
        .iter()
        .position(|s| s.abs() > threshold)
        .unwrap_or(0);
    let last = samples
        .iter()
        .rposition(|s| s.abs() > threshold)
        .map_or(0, |i| i + 1);
    if first < last {
        &samples[first..last]
    } else {
        &[]
    }
}

/// Frequency from upward zero crossings, interpolated between samples.
pub fn frequency(samples: &[f32], sample_rate: u32) -> f64 {
    let crossings: Vec<f64> = samples
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] < 0.0 && w[1] >= 0.0)
        .map(|(i, w)| i as f64 + f64::from(w[0] / (w[0] - w[1])))
        .collect();
    assert!(
        crossings.len() >= 3,
        "not a tone: {} crossings",
        crossings.len()
    );
    let periods = (crossings.len() - 1) as f64;
    periods * f64::from(sample_rate) / (crossings[crossings.len() - 1] - crossings[0])
}

pub fn rms(samples: &[f32]) -> f64 {
    (samples
        .iter()
        .map(|&s| f64::from(s) * f64::from(s))
        .sum::<f64>()
        / samples.len().max(1) as f64)
        .sqrt()
}

/// Collects events until one matches `stop` (included), failing after `within`.
pub fn events_until(
    rx: &mut UnboundedReceiver<PlayerEvent>,
    within: Duration,
    stop: impl Fn(&PlayerEvent) -> bool,
) -> Vec<PlayerEvent> {
    let deadline = Instant::now() + within;
    let mut events = Vec::new();
    loop {
        match rx.try_recv() {
            Ok(e) => {
                let done = stop(&e);
                events.push(e);
                if done {
                    return events;
                }
            }
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(2)),
            Err(_) => panic!("timed out waiting; events so far: {events:?}"),
        }
    }
}

/// Events that arrive within `within` (for checking that nothing more happens).
pub fn events_within(
    rx: &mut UnboundedReceiver<PlayerEvent>,
    within: Duration,
) -> Vec<PlayerEvent> {
    let deadline = Instant::now() + within;
    let mut events = Vec::new();
    while Instant::now() < deadline {
        match rx.try_recv() {
            Ok(e) => events.push(e),
            Err(_) => std::thread::sleep(Duration::from_millis(2)),
        }
    }
    events
}

/// A short label per event, for comparing sequences.
pub fn label(e: &PlayerEvent) -> String {
    let name = |p: &Path| p.file_name().unwrap().to_string_lossy().to_string();
    match e {
        PlayerEvent::TrackStarted { path, .. } => format!("started {}", name(path)),
        PlayerEvent::FirstSample { path, .. } => format!("first-sample {}", name(path)),
        PlayerEvent::TrackEnded { path, reason } => format!("ended {} {reason:?}", name(path)),
        PlayerEvent::TrackFailed { path, .. } => format!("failed {}", name(path)),
        PlayerEvent::DeviceLost { .. } => "device-lost".into(),
        PlayerEvent::DeviceReopened { .. } => "device-reopened".into(),
        PlayerEvent::Unavailable { .. } => "unavailable".into(),
        PlayerEvent::QueueFinished => "queue-finished".into(),
    }
}

#[test]
fn the_measurements_measure() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.wav");
    write_tone(&path, 1000.0, 0.8, 0.5, 48_000, 2);
    let (left, rate) = read_channel(&path, 1);
    assert_eq!((left.len(), rate), (24_000, 48_000));
    assert!((frequency(&left, rate) - 1000.0).abs() < 0.1);
    assert!((rms(&left) - 0.8 / 2f64.sqrt()).abs() < 0.001);
    assert_eq!(trim_silence(&[0.0, 0.0, 0.5, -0.5, 0.0], 0.1), &[0.5, -0.5]);
}
