//! The player against outputs that fail like real sound cards do.

use super::*;
use crate::hardware::audio::output::{Opener, OutputDevice};
use crate::hardware::audio::pull::{PullOutput, SampleSink};
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::sync::Mutex;
use std::thread;
use std::time::Instant;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

/// A 440 Hz mono tone of `seconds` at 8 kHz.
fn tone(path: &Path, seconds: f32) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 8000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..(8000.0 * seconds) as usize {
        let v = (i as f32 * 440.0 * std::f32::consts::TAU / 8000.0).sin() * 0.5;
        w.write_sample((v * 32767.0) as i16).unwrap();
    }
    w.finalize().unwrap();
}

/// Stores samples; the first one built fails after `fail_after` samples.
struct FlakySink {
    written: Arc<Mutex<Vec<f32>>>,
    fail_after: Option<usize>,
    count: usize,
}

impl SampleSink for FlakySink {
    fn write(&mut self, samples: &[f32]) -> io::Result<()> {
        if self.fail_after.is_some_and(|n| self.count >= n) {
            return Err(io::Error::other("card unplugged"));
        }
        self.count += samples.len();
        self.written.lock().unwrap().extend_from_slice(samples);
        Ok(())
    }
    fn describe(&self) -> String {
        "flaky".into()
    }
}

/// An opener whose first output dies after 0.25 s of audio and whose next `refusals`
/// attempts fail, like a USB card being re-plugged.
fn flaky_opener(written: Arc<Mutex<Vec<f32>>>, opens: Arc<AtomicUsize>, refusals: usize) -> Opener {
    Box::new(move |faults| {
        let n = opens.fetch_add(1, Ordering::SeqCst);
        if n >= 1 && n <= refusals {
            return Err(AudioError::DeviceNotFound {
                device: "flaky".into(),
                available: vec![],
            });
        }
        let fail_after = (n == 0).then_some(2000);
        let sink = FlakySink {
            written: written.clone(),
            fail_after,
            count: 0,
        };
        Ok(
            Box::new(PullOutput::start(Box::new(sink), 8000, 1, 0.0, faults))
                as Box<dyn OutputDevice>,
        )
    })
}

fn events_until_finished(rx: &mut UnboundedReceiver<PlayerEvent>) -> Vec<PlayerEvent> {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut events = Vec::new();
    while Instant::now() < deadline {
        match rx.try_recv() {
            Ok(PlayerEvent::QueueFinished) => {
                events.push(PlayerEvent::QueueFinished);
                return events;
            }
            Ok(e) => events.push(e),
            Err(_) => thread::sleep(Duration::from_millis(2)),
        }
    }
    panic!("no QueueFinished; got {events:?}");
}

#[test]
fn a_lost_device_is_reopened_with_backoff_and_the_song_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let song = dir.path().join("tone.wav");
    tone(&song, 1.0);
    let written = Arc::new(Mutex::new(Vec::new()));
    let opens = Arc::new(AtomicUsize::new(0));
    let (tx, mut rx) = unbounded_channel();
    let backoff = Backoff {
        first: Duration::from_millis(20),
        max: Duration::from_millis(80),
    };
    let player = Player::with_opener(
        flaky_opener(written.clone(), opens.clone(), 2),
        "flaky".into(),
        tx,
        backoff,
        None,
    );
    player.play(vec![song.clone()]).unwrap();
    let events = events_until_finished(&mut rx);
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| match e {
            PlayerEvent::TrackStarted { .. } => "started",
            PlayerEvent::FirstSample { .. } => "first-sample",
            PlayerEvent::TrackEnded {
                reason: EndReason::Finished,
                ..
            } => "finished",
            PlayerEvent::DeviceLost { .. } => "lost",
            PlayerEvent::DeviceReopened { .. } => "reopened",
            PlayerEvent::QueueFinished => "queue-finished",
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "started",
            "first-sample",
            "lost",
            "reopened",
            "finished",
            "queue-finished"
        ]
    );
    assert_eq!(
        opens.load(Ordering::SeqCst),
        4,
        "first open, two refused attempts, the reopen"
    );
    // The song went on from about where it broke off, not from the top and not lost.
    let total = written.lock().unwrap().len();
    assert!(
        (7_000..=9_500).contains(&total),
        "{total} samples of an 8000-sample song"
    );
}

#[test]
fn an_output_that_cannot_open_fails_the_start() {
    let (tx, _rx) = unbounded_channel();
    let opener: Opener = Box::new(|_| {
        Err(AudioError::DeviceNotFound {
            device: "hw:CARD=X".into(),
            available: vec!["default".into()],
        })
    });
    let (ready, first_open) = std::sync::mpsc::sync_channel(1);
    let _player = Player::with_opener(
        opener,
        "hw:CARD=X".into(),
        tx,
        Backoff::default(),
        Some(ready),
    );
    let err = first_open.recv().unwrap().unwrap_err();
    assert!(err.to_string().contains("hw:CARD=X"), "{err}");
}
