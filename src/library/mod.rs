//! The music library: scanning, tags, folder conventions, audio analysis, the SQLite index and
//! the recommender.
//!
//! A scan ([`LibraryIndex::scan`]) walks the music folder, reads each new or changed file's
//! tags ([`tags`]), takes the language and mood from tags, then folder names ([`folders`]),
//! then, for the mood, the sound itself ([`analysis`]), and stores the result in a SQLite
//! file ([`index`]). The recommender ([`mod@recommend`]) turns a facial [`moodbox_core::Emotion`] into a
//! queue of songs through a [`MoodPolicy`], the preferred languages and the play history.

pub mod analysis;
pub mod decode;
pub mod error;
pub mod folders;
pub mod index;
pub mod recommend;
mod scan;
pub mod synth;
pub mod tags;

pub use analysis::{Analysis, Features};
pub use error::LibraryError;
pub use index::{LibraryIndex, SkippedFile};
pub use recommend::{recommend, recommend_from_index};
pub use scan::{ScanPhase, ScanProgress, ScanReport, AUDIO_EXTENSIONS};
