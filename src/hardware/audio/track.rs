//! One song on its way to the mixer: opening its decoder, and the wrapper that reports when
//! its first sample reaches the output and when it ends.
//!
//! Songs are untrusted files. Decoders have panicked on hostile input before (symphonia
//! #485), so opening and every decode step run under `catch_quietly`: a panic costs that one
//! song, reported as a failure, never the audio thread.

use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rodio::source::SeekError;
use rodio::{ChannelCount, Decoder, SampleRate, Source};

use moodbox_media::panic::{catch_quietly, panic_message};
use moodbox_media::song_file::SongFile;

/// A decoder for a song file.
pub type SongDecoder = Decoder<BufReader<SongFile>>;

/// Opens `path` and probes its format (the file extension is a hint, the content decides).
pub fn open_track(path: &Path) -> Result<SongDecoder, String> {
    let file = SongFile::open(path).map_err(|e| e.to_string())?;
    let len = file.len();
    let hint = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let decoder = catch_quietly(|| {
        let mut builder = Decoder::builder()
            .with_data(BufReader::new(file))
            .with_byte_len(len)
            .with_seekable(true);
        if let Some(hint) = &hint {
            builder = builder.with_hint(hint);
        }
        builder.build()
    })
    .map_err(|p| format!("the decoder crashed: {}", panic_message(&*p)))?
    .map_err(|e| format!("cannot decode: {e}"))?;
    if decoder.channels() == 0 || decoder.sample_rate() == 0 {
        return Err(format!(
            "cannot decode: {} channels at {} Hz",
            decoder.channels(),
            decoder.sample_rate()
        ));
    }
    Ok(decoder)
}

/// What a [`TrackSource`] reports, tagged with the id the player gave the track.
#[derive(Debug, Clone, PartialEq)]
pub enum TrackSignal {
    /// The output pulled the track's first sample at `at`.
    FirstSample { id: u64, at: Instant },
    /// The decoder ran out of samples.
    Finished { id: u64 },
    /// The decoder panicked mid-song.
    Crashed { id: u64, error: String },
    /// The source was dropped before it ended: skipped, stopped, or its output closed.
    Dropped { id: u64 },
}

/// Where a [`TrackSource`] sends its signals (called on the audio thread: must not block).
pub type SignalFn = Arc<dyn Fn(TrackSignal) + Send + Sync>;

/// Wraps a song's source: passes samples through, reports the first one and the end, and
/// turns a decoder panic into the end of the song.
pub struct TrackSource<S> {
    inner: S,
    id: u64,
    signal: SignalFn,
    /// The first sample, decoded ahead by [`TrackSource::new`].
    peeked: Option<f32>,
    report_first_sample: bool,
    done: bool,
}

impl<S: Source> TrackSource<S> {
    /// Decodes the first sample ahead, so a file without audio fails here (on the caller's
    /// thread) and the decoder knows its real span length before the mixer asks: some
    /// decoders (Vorbis, MP3) report an empty span until they have decoded a packet, which
    /// rodio's mixer would take for the end of the song. `report_first_sample` is false when
    /// a track is resumed after a device loss.
    pub fn new(
        mut inner: S,
        id: u64,
        signal: SignalFn,
        report_first_sample: bool,
    ) -> Result<TrackSource<S>, String> {
        let first = catch_quietly(|| inner.next())
            .map_err(|p| format!("the decoder crashed: {}", panic_message(&*p)))?
            .ok_or_else(|| "the file holds no audio".to_string())?;
        Ok(TrackSource {
            inner,
            id,
            signal,
            peeked: Some(first),
            report_first_sample,
            done: false,
        })
    }

    fn emit(&self, signal: TrackSignal) {
        (self.signal)(signal);
    }
}

impl<S: Source> Iterator for TrackSource<S> {
    type Item = f32;

    fn next(&mut self) -> Option<f32> {
        if self.done {
            return None;
        }
        let next = match self.peeked.take() {
            Some(sample) => Ok(Some(sample)),
            None => catch_quietly(|| self.inner.next()),
        };
        match next {
            Ok(Some(sample)) => {
                if self.report_first_sample {
                    self.report_first_sample = false;
                    self.emit(TrackSignal::FirstSample {
                        id: self.id,
                        at: Instant::now(),
                    });
                }
                Some(sample)
            }
            Ok(None) => {
                self.done = true;
                self.emit(TrackSignal::Finished { id: self.id });
                None
            }
            Err(payload) => {
                self.done = true;
                let error = format!("the decoder crashed: {}", panic_message(&*payload));
                self.emit(TrackSignal::Crashed { id: self.id, error });
                None
            }
        }
    }
}

impl<S> Drop for TrackSource<S> {
    fn drop(&mut self) {
        if !self.done {
            (self.signal)(TrackSignal::Dropped { id: self.id });
        }
    }
}

impl<S: Source> Source for TrackSource<S> {
    fn current_span_len(&self) -> Option<usize> {
        match (self.done, self.inner.current_span_len()) {
            (true, _) => Some(0),
            // Not known yet: an empty span would read as the end of the song.
            (false, Some(0)) => None,
            (false, len) => len,
        }
    }

    fn channels(&self) -> ChannelCount {
        self.inner.channels()
    }

    fn sample_rate(&self) -> SampleRate {
        self.inner.sample_rate()
    }

    fn total_duration(&self) -> Option<Duration> {
        self.inner.total_duration()
    }

    fn try_seek(&mut self, pos: Duration) -> Result<(), SeekError> {
        self.inner.try_seek(pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rodio::buffer::SamplesBuffer;
    use std::sync::Mutex;

    fn recorder() -> (SignalFn, Arc<Mutex<Vec<TrackSignal>>>) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        (Arc::new(move |s| sink.lock().unwrap().push(s)), log)
    }

    #[test]
    fn reports_the_first_sample_once_and_the_end_once() {
        let (signal, log) = recorder();
        let source = SamplesBuffer::new(1, 8000, vec![0.1, 0.2, 0.3]);
        let samples: Vec<f32> = TrackSource::new(source, 7, signal, true).unwrap().collect();
        assert_eq!(samples, vec![0.1, 0.2, 0.3]);
        let log = log.lock().unwrap();
        assert_eq!(log.len(), 2);
        assert!(matches!(log[0], TrackSignal::FirstSample { id: 7, .. }));
        assert_eq!(log[1], TrackSignal::Finished { id: 7 });
    }

    /// A source whose decoder blows up after two samples.
    struct Exploding(u32);
    impl Iterator for Exploding {
        type Item = f32;
        fn next(&mut self) -> Option<f32> {
            self.0 += 1;
            if self.0 > 2 {
                panic!("corrupt frame");
            }
            Some(0.5)
        }
    }
    impl Source for Exploding {
        fn current_span_len(&self) -> Option<usize> {
            None
        }
        fn channels(&self) -> ChannelCount {
            1
        }
        fn sample_rate(&self) -> SampleRate {
            8000
        }
        fn total_duration(&self) -> Option<Duration> {
            None
        }
    }

    #[test]
    fn a_decoder_panic_ends_the_song_instead_of_the_thread() {
        let (signal, log) = recorder();
        let mut source = TrackSource::new(Exploding(0), 3, signal, false).unwrap();
        assert_eq!(source.by_ref().count(), 2);
        assert_eq!(source.next(), None, "stays finished");
        let log = log.lock().unwrap();
        assert_eq!(log.len(), 1);
        assert!(
            matches!(&log[0], TrackSignal::Crashed { id: 3, error } if error.contains("corrupt frame"))
        );
    }

    #[test]
    fn an_empty_source_fails_up_front_and_a_dropped_one_says_so() {
        let (signal, log) = recorder();
        let empty = SamplesBuffer::new(1, 8000, Vec::<f32>::new());
        assert_eq!(
            TrackSource::new(empty, 1, signal.clone(), true)
                .err()
                .unwrap(),
            "the file holds no audio"
        );
        let source =
            TrackSource::new(SamplesBuffer::new(1, 8000, vec![0.5; 10]), 2, signal, true).unwrap();
        drop(source);
        assert_eq!(*log.lock().unwrap(), vec![TrackSignal::Dropped { id: 2 }]);
    }

    #[test]
    fn files_that_are_not_audio_fail_to_open_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("song.mp3");
        std::fs::write(&junk, vec![0x55u8; 4096]).unwrap();
        let err = open_track(&junk).err().unwrap();
        assert!(err.starts_with("cannot decode"), "{err}");
        let err = open_track(&dir.path().join("missing.flac")).err().unwrap();
        assert!(err.starts_with("cannot open"), "{err}");
    }
}
