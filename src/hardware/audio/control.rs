//! Per-song controls: pause, volume, fade-in, stop and position, applied inside the mixer.
//!
//! This is the chain rodio's `Sink` builds around a source (track position, pausable,
//! amplify, stoppable, checked every 5 ms of audio), without `Sink`'s queue: that queue plays
//! silence while it waits for more, which a file back-end pulling as fast as it can would
//! write out as minutes of zeros. Here a song leaves the mixer the moment it ends or stops.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rodio::Source;

/// How often the audio thread applies the controls (rodio's `Sink` uses the same period).
const CONTROL_PERIOD: Duration = Duration::from_millis(5);

#[derive(Debug)]
struct Controls {
    paused: AtomicBool,
    stopped: AtomicBool,
    volume_bits: AtomicU32,
    position: Mutex<Duration>,
}

/// The player's side of one song on the mixer. Dropping it stops the song.
#[derive(Debug)]
pub struct SongHandle {
    controls: Arc<Controls>,
}

impl SongHandle {
    pub fn pause(&self) {
        self.controls.paused.store(true, Ordering::SeqCst);
    }

    pub fn play(&self) {
        self.controls.paused.store(false, Ordering::SeqCst);
    }

    pub fn set_volume(&self, volume: f32) {
        self.controls
            .volume_bits
            .store(volume.to_bits(), Ordering::SeqCst);
    }

    pub fn stop(&self) {
        self.controls.stopped.store(true, Ordering::SeqCst);
    }

    /// How far into the song playback is (as of the last control period).
    pub fn position(&self) -> Duration {
        *self
            .controls
            .position
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for SongHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// How far into a fade-in of `fade` the song is at `position`: 0 at the start, 1 after.
fn fade_factor(position: Duration, fade: Duration) -> f32 {
    if fade.is_zero() || position >= fade {
        1.0
    } else {
        position.as_secs_f32() / fade.as_secs_f32()
    }
}

/// Wraps `source` in the control chain; add the returned source to the mixer. With a
/// non-zero `fade_in` the song rises from silence to `volume` over its first `fade_in`.
pub fn controlled<S>(
    source: S,
    volume: f32,
    paused: bool,
    fade_in: Duration,
) -> (impl Source + Send + 'static, SongHandle)
where
    S: Source + Send + 'static,
{
    let controls = Arc::new(Controls {
        paused: AtomicBool::new(paused),
        stopped: AtomicBool::new(false),
        volume_bits: AtomicU32::new(volume.to_bits()),
        position: Mutex::new(Duration::ZERO),
    });
    let shared = controls.clone();
    let chained = source
        .track_position()
        .pausable(paused)
        .amplify(volume * fade_factor(Duration::ZERO, fade_in))
        .stoppable()
        .periodic_access(CONTROL_PERIOD, move |src| {
            if shared.stopped.load(Ordering::SeqCst) {
                src.stop();
                return;
            }
            let amplify = src.inner_mut();
            let position = amplify.inner().inner().get_pos();
            let volume = f32::from_bits(shared.volume_bits.load(Ordering::SeqCst));
            amplify.set_factor(volume * fade_factor(position, fade_in));
            let pausable = amplify.inner_mut();
            pausable.set_paused(shared.paused.load(Ordering::SeqCst));
            *shared
                .position
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = position;
        });
    (chained, SongHandle { controls })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rodio::buffer::SamplesBuffer;

    fn ones(n: usize) -> SamplesBuffer {
        SamplesBuffer::new(1, 1000, vec![1.0; n])
    }

    #[test]
    fn volume_scales_and_stop_ends_the_source() {
        let (mut source, handle) = controlled(ones(100), 0.5, false, Duration::ZERO);
        assert_eq!(source.next(), Some(0.5));
        handle.set_volume(0.25);
        // Controls apply every 5 ms of audio: 5 samples at 1 kHz.
        let later: Vec<f32> = source.by_ref().take(10).collect();
        assert_eq!(later.last(), Some(&0.25));
        handle.stop();
        assert!(
            source.by_ref().take(10).count() < 10,
            "stopped within one control period"
        );
    }

    #[test]
    fn pause_gives_silence_and_dropping_the_handle_stops() {
        let (mut source, handle) = controlled(ones(1000), 1.0, true, Duration::ZERO);
        assert!(source.by_ref().take(20).all(|s| s == 0.0));
        handle.play();
        let resumed: Vec<f32> = source.by_ref().take(20).collect();
        assert_eq!(resumed.last(), Some(&1.0));
        assert!(handle.position() > Duration::ZERO);
        drop(handle);
        assert!(source.count() < 10);
    }

    #[test]
    fn a_finished_song_ends_without_padding() {
        let (source, _handle) = controlled(ones(37), 1.0, false, Duration::ZERO);
        assert_eq!(source.count(), 37);
    }

    #[test]
    fn a_fade_in_rises_from_silence_to_the_volume() {
        // 1 kHz, a 100 ms fade at volume 0.5.
        let (source, _handle) = controlled(ones(300), 0.5, false, Duration::from_millis(100));
        let samples: Vec<f32> = source.collect();
        assert_eq!(samples[0], 0.0, "starts silent");
        assert!(
            (samples[50] - 0.25).abs() < 0.03,
            "half way: {}",
            samples[50]
        );
        assert!(samples.windows(2).all(|w| w[1] >= w[0]), "only rises");
        assert!(
            samples[105..].iter().all(|s| *s == 0.5),
            "then holds the volume"
        );
    }
}
