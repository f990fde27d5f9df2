//! The music library: indexing the music folder (tags, folder conventions, audio analysis)
//! into a SQLite index, and recommending from it.
//!
//! Indexing ([`LibraryIndex::index_music`]) walks the music folder, reads each new or changed
//! file's tags ([`moodbox_media::tags`]), takes the language and mood from tags, then folder names
//! ([`folders`]), then, for the mood, the sound itself ([`analysis`]), and stores the result in
//! a SQLite file ([`index`]). Recommending ([`mod@recommend`]) loads the songs and the play
//! history from it for the core's recommender.

pub mod analysis;
pub mod error;
pub mod folders;
mod history;
pub mod index;
mod indexer;
pub mod recommend;

pub use analysis::{Analysis, Features};
pub use error::LibraryError;
pub use index::{LibraryIndex, SkippedFile};
pub use indexer::{IndexPhase, IndexProgress, IndexReport, AUDIO_EXTENSIONS};
pub use recommend::{recommend, recommend_from_index};
