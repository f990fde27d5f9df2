//! Recommending from the index: the songs and the history come from the SQLite index; the
//! choice itself is [`Recommender::choose`] in the core.

use rand::Rng;

use moodbox_core::config::LibraryConfig;
use moodbox_core::language::normalise_language;
pub use moodbox_core::recommend::{QueueRequest, Recommendation, Recommender};

use crate::library::error::LibraryError;
use crate::library::index::LibraryIndex;

/// Loads the songs and history from the index and chooses `count` songs (the configured
/// queue length when `None`) for an emotion, or for the mood the owner chose.
pub fn recommend_from_index<R: Rng + ?Sized>(
    recommender: &Recommender,
    index: &LibraryIndex,
    request: impl Into<QueueRequest>,
    count: Option<usize>,
    rng: &mut R,
) -> Result<Recommendation, LibraryError> {
    let songs = index.songs(&Default::default())?;
    let history = index.history(recommender.no_repeat_window)?;
    Ok(recommender.choose(
        &songs,
        &history,
        request,
        count.unwrap_or(recommender.queue_length),
        rng,
    ))
}

/// Reads the config, optionally replaces the language preference with one language
/// (`--language`), and recommends.
pub fn recommend<R: Rng + ?Sized>(
    index: &LibraryIndex,
    config: &LibraryConfig,
    request: impl Into<QueueRequest>,
    count: Option<usize>,
    language_override: Option<&str>,
    rng: &mut R,
) -> Result<Recommendation, LibraryError> {
    let mut recommender = Recommender::from_config(config);
    if let Some(lang) = language_override {
        recommender.languages =
            vec![normalise_language(lang).unwrap_or_else(|| lang.to_ascii_lowercase())];
    }
    recommend_from_index(&recommender, index, request, count, rng)
}
