//! Outputs without a sound card: a thread pulls the rodio mixer like a sound card's callback
//! would, and hands the samples to a [`SampleSink`] (a WAV file, or nothing).
//!
//! Samples are pulled in whole frames (one sample per channel) so the interleaving in the
//! file matches the mixer's. While active and playing, the thread keeps real-time pace times
//! `speed` (0 = as fast as it can); while idle or paused it writes nothing and sleeps.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rodio::mixer::{self, Mixer, MixerSource};
use tracing::{debug, warn};

use super::error::AudioError;
use super::output::{FaultFn, OutputDevice};

/// Where pulled samples go.
pub trait SampleSink: Send {
    /// Takes interleaved samples in -1.0..=1.0 (whole frames).
    fn write(&mut self, samples: &[f32]) -> io::Result<()>;
    /// Makes what was written so far durable and readable (called when playback goes idle).
    /// A sink that buffers nothing has nothing to do.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// Closes the sink for good.
    fn finish(self: Box<Self>) -> io::Result<()> {
        Ok(())
    }
    fn describe(&self) -> String;
}

/// Writes 16-bit PCM WAV, what a sound card would have been given.
pub struct WavSink {
    path: PathBuf,
    writer: hound::WavWriter<BufWriter<File>>,
}

impl WavSink {
    /// Creates (or with `append`, continues) the WAV file at `path`.
    pub fn open(
        path: &Path,
        sample_rate: u32,
        channels: u16,
        append: bool,
    ) -> Result<WavSink, AudioError> {
        let spec = hound::WavSpec {
            channels,
            sample_rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let fail = |e: hound::Error| AudioError::WavFile {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let writer = if append && path.exists() {
            let writer = hound::WavWriter::append(path).map_err(fail)?;
            if writer.spec() != spec {
                return Err(AudioError::WavFile {
                    path: path.to_path_buf(),
                    reason: "the existing file has another sample format".into(),
                });
            }
            writer
        } else {
            hound::WavWriter::create(path, spec).map_err(fail)?
        };
        Ok(WavSink {
            path: path.to_path_buf(),
            writer,
        })
    }
}

fn to_io(e: hound::Error) -> io::Error {
    match e {
        hound::Error::IoError(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

impl SampleSink for WavSink {
    fn write(&mut self, samples: &[f32]) -> io::Result<()> {
        let mut block = self.writer.get_i16_writer(samples.len() as u32);
        for &s in samples {
            block.write_sample((s.clamp(-1.0, 1.0) * f32::from(i16::MAX)).round() as i16);
        }
        block.flush().map_err(to_io)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush().map_err(to_io)
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        self.writer.finalize().map_err(to_io)
    }

    fn describe(&self) -> String {
        let spec = self.writer.spec();
        format!(
            "WAV file {} ({} Hz, {} ch, 16 bit)",
            self.path.display(),
            spec.sample_rate,
            spec.channels
        )
    }
}

/// Throws samples away (the `none` driver).
pub struct NullSink;

impl SampleSink for NullSink {
    fn write(&mut self, _: &[f32]) -> io::Result<()> {
        Ok(())
    }
    fn describe(&self) -> String {
        "no output (samples are discarded)".into()
    }
}

/// Flags shared with the pull thread.
struct PullShared {
    active: AtomicBool,
    stop: AtomicBool,
}

/// An output whose samples are pulled by a thread of its own.
pub struct PullOutput {
    mixer: Mixer,
    shared: Arc<PullShared>,
    thread: Option<JoinHandle<()>>,
    description: String,
}

/// Samples per pull: 10 ms of audio.
fn chunk_frames(sample_rate: u32) -> usize {
    (sample_rate as usize / 100).max(1)
}

impl PullOutput {
    /// Starts the pull thread (inactive until [`OutputDevice::set_active`]).
    pub fn start(
        sink: Box<dyn SampleSink>,
        sample_rate: u32,
        channels: u16,
        speed: f32,
        faults: FaultFn,
    ) -> PullOutput {
        let (mixer, source) = mixer::mixer(channels, sample_rate);
        let shared = Arc::new(PullShared {
            active: AtomicBool::new(false),
            stop: AtomicBool::new(false),
        });
        let pace = if speed > 0.0 {
            format!("{speed}x real time")
        } else {
            "as fast as possible".to_string()
        };
        let description = format!("{}, pulled at {pace}", sink.describe());
        let thread_shared = shared.clone();
        let thread = thread::Builder::new()
            .name("moodbox-audio-pull".into())
            .spawn(move || {
                pull_loop(
                    source,
                    sink,
                    sample_rate,
                    channels,
                    speed,
                    &thread_shared,
                    &faults,
                )
            })
            .expect("spawning the audio pull thread");
        PullOutput {
            mixer,
            shared,
            thread: Some(thread),
            description,
        }
    }
}

impl OutputDevice for PullOutput {
    fn mixer(&self) -> &Mixer {
        &self.mixer
    }

    fn set_active(&mut self, active: bool) -> Result<(), AudioError> {
        self.shared.active.store(active, Ordering::SeqCst);
        if let Some(thread) = &self.thread {
            thread.thread().unpark();
        }
        Ok(())
    }

    fn describe(&self) -> String {
        self.description.clone()
    }

    fn device_name(&self) -> String {
        self.description.clone()
    }
}

impl Drop for PullOutput {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

/// Keeps the pull thread at `speed` times real time.
struct Pacer {
    frames_per_second: f64,
    speed: f64,
    start: Instant,
    frames: u64,
}

impl Pacer {
    fn new(sample_rate: u32, speed: f32) -> Pacer {
        Pacer {
            frames_per_second: f64::from(sample_rate),
            speed: f64::from(speed),
            start: Instant::now(),
            frames: 0,
        }
    }

    fn restart(&mut self) {
        self.start = Instant::now();
        self.frames = 0;
    }

    /// Sleeps until `frames` more frames are due.
    fn wait(&mut self, frames: usize) {
        self.frames += frames as u64;
        if self.speed <= 0.0 {
            return;
        }
        let due = self.start
            + Duration::from_secs_f64(self.frames as f64 / (self.frames_per_second * self.speed));
        let now = Instant::now();
        if due > now {
            thread::sleep(due - now);
        } else if now - due > Duration::from_millis(200) {
            // Far behind (the machine was busy): do not rush to catch up.
            self.restart();
        }
    }
}

fn pull_loop(
    mut source: MixerSource,
    mut sink: Box<dyn SampleSink>,
    sample_rate: u32,
    channels: u16,
    speed: f32,
    shared: &PullShared,
    faults: &FaultFn,
) {
    let channels = usize::from(channels.max(1));
    let frames_per_chunk = chunk_frames(sample_rate);
    let mut chunk = Vec::with_capacity(frames_per_chunk * channels);
    let mut pacer = Pacer::new(sample_rate, speed);
    let mut flushed = true;
    let mut failed = false;
    while !shared.stop.load(Ordering::SeqCst) {
        if failed || !shared.active.load(Ordering::SeqCst) {
            if !flushed && !failed {
                flush(&mut sink, &mut failed, faults);
                flushed = true;
            }
            thread::park_timeout(Duration::from_millis(50));
            pacer.restart();
            continue;
        }
        chunk.clear();
        let mut frame = vec![0.0f32; channels];
        for _ in 0..frames_per_chunk {
            let mut any = false;
            for slot in frame.iter_mut() {
                match source.next() {
                    Some(s) => {
                        *slot = s;
                        any = true;
                    }
                    None => *slot = 0.0,
                }
            }
            if !any {
                break;
            }
            chunk.extend_from_slice(&frame);
        }
        if chunk.is_empty() {
            // Nothing playing: keep the file readable, then wait for the next song.
            if !flushed {
                flush(&mut sink, &mut failed, faults);
                flushed = true;
            }
            thread::sleep(Duration::from_millis(2));
            pacer.restart();
            continue;
        }
        flushed = false;
        if let Err(e) = sink.write(&chunk) {
            warn!(error = %e, "audio output write failed");
            failed = true;
            faults(format!("writing samples failed: {e}"));
            continue;
        }
        pacer.wait(chunk.len() / channels);
    }
    if let Err(e) = sink.finish() {
        debug!(error = %e, "closing the audio output failed");
    }
}

fn flush(sink: &mut Box<dyn SampleSink>, failed: &mut bool, faults: &FaultFn) {
    if let Err(e) = sink.flush() {
        *failed = true;
        faults(format!("flushing the output failed: {e}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Collects samples in memory; fails the write after `fail_after` samples if set.
    struct MemorySink {
        samples: Arc<Mutex<Vec<f32>>>,
        fail_after: Option<usize>,
    }

    impl SampleSink for MemorySink {
        fn write(&mut self, samples: &[f32]) -> io::Result<()> {
            let mut all = self.samples.lock().unwrap();
            if self.fail_after.is_some_and(|n| all.len() >= n) {
                return Err(io::Error::other("disk full"));
            }
            all.extend_from_slice(samples);
            Ok(())
        }
        fn describe(&self) -> String {
            "memory".into()
        }
    }

    fn memory_output(
        fail_after: Option<usize>,
        faults: FaultFn,
    ) -> (PullOutput, Arc<Mutex<Vec<f32>>>) {
        let samples = Arc::new(Mutex::new(Vec::new()));
        let sink = MemorySink {
            samples: samples.clone(),
            fail_after,
        };
        (
            PullOutput::start(Box::new(sink), 8000, 2, 0.0, faults),
            samples,
        )
    }

    fn wait_for(mut done: impl FnMut() -> bool) {
        let until = Instant::now() + Duration::from_secs(5);
        while !done() {
            assert!(Instant::now() < until, "timed out");
            thread::sleep(Duration::from_millis(2));
        }
    }

    #[test]
    fn pulls_whole_frames_only_while_active() {
        let (mut out, samples) = memory_output(None, Arc::new(|_| {}));
        // Left channel 0.25, right channel -0.25, 1000 frames.
        let stereo: Vec<f32> = (0..2000)
            .map(|i| if i % 2 == 0 { 0.25 } else { -0.25 })
            .collect();
        out.mixer()
            .add(rodio::buffer::SamplesBuffer::new(2, 8000, stereo));
        thread::sleep(Duration::from_millis(30));
        assert!(
            samples.lock().unwrap().is_empty(),
            "inactive outputs pull nothing"
        );
        out.set_active(true).unwrap();
        wait_for(|| samples.lock().unwrap().len() >= 2000);
        thread::sleep(Duration::from_millis(20));
        let got = samples.lock().unwrap().clone();
        assert_eq!(got.len(), 2000, "nothing is written once the mixer is idle");
        assert!(
            got.chunks(2).all(|f| f == [0.25, -0.25]),
            "channels stay in place"
        );
    }

    #[test]
    fn a_write_error_is_reported_as_a_fault_once() {
        let faults = Arc::new(Mutex::new(Vec::new()));
        let log = faults.clone();
        let (mut out, _) = memory_output(Some(100), Arc::new(move |e| log.lock().unwrap().push(e)));
        out.mixer().add(rodio::source::SineWave::new(440.0));
        out.set_active(true).unwrap();
        wait_for(|| !faults.lock().unwrap().is_empty());
        thread::sleep(Duration::from_millis(30));
        let faults = faults.lock().unwrap();
        assert_eq!(faults.len(), 1);
        assert!(faults[0].contains("disk full"), "{faults:?}");
    }

    #[test]
    fn real_time_pace_is_kept() {
        let samples = Arc::new(Mutex::new(Vec::new()));
        let sink = MemorySink {
            samples: samples.clone(),
            fail_after: None,
        };
        let mut out = PullOutput::start(Box::new(sink), 8000, 1, 1.0, Arc::new(|_| {}));
        out.mixer().add(rodio::buffer::SamplesBuffer::new(
            1,
            8000,
            vec![0.1f32; 1600],
        ));
        let start = Instant::now();
        out.set_active(true).unwrap();
        wait_for(|| samples.lock().unwrap().len() >= 1600);
        // 0.2 s of audio cannot be pulled much faster than 0.2 s at real-time pace.
        assert!(
            start.elapsed() >= Duration::from_millis(180),
            "{:?}",
            start.elapsed()
        );
    }
}
