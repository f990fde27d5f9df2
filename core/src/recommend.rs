//! The recommender: a facial emotion in, a queue of songs out.
//!
//! The core, [`Recommender::choose`], is a pure function of the songs, the history and a
//! random number generator (seed a `rand_chacha::ChaCha8Rng` for repeatable queues).
//!
//! 1. The [`MoodPolicy`] names the wanted moods for the emotion, in order; the queue is split
//!    evenly between them in that order ("sad → calm then happy").
//! 2. Languages: songs in the first preferred language come first, then the second, and so
//!    on; songs of unknown language come after the listed ones if `allow_unknown_language`,
//!    and other languages are left out. With no preference every language is welcome.
//! 3. A song among the last `no_repeat_window` plays is not chosen.
//! 4. Within one mood and language, songs are drawn at random without replacement, weighted
//!    by `skip_penalty ^ (times skipped for this mood)` × (0.5 + 0.5 × mood confidence).
//!
//! When that yields fewer songs than asked, the rules are relaxed one at a time, in this
//! order, and [`Recommendation::fallback`] says which were:
//!
//! 1. neighbouring moods (sharing valence or arousal with a wanted mood), same languages;
//! 2. recently played songs of the wanted and neighbouring moods, least recently played first;
//! 3. any mood, same languages;
//! 4. any language (other languages and, if not allowed, unknown ones).
//!
//! So the queue is never empty while the library holds a playable song.

use rand::Rng;
use serde::Serialize;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::LibraryConfig;
use crate::emotion::Emotion;
use crate::mood::Mood;
use crate::policy::MoodPolicy;
use crate::song::Song;

/// A queue of songs for one emotion, and how it was chosen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    pub emotion: Emotion,
    /// The policy's name ("match", "uplift", "uplift+overrides"), or "chosen" when the owner
    /// picked the mood.
    pub policy: String,
    /// The moods the policy asked for, in queue order.
    pub moods: Vec<Mood>,
    pub songs: Vec<Song>,
    /// What had to be relaxed to fill the queue, if anything.
    pub fallback: Option<String>,
}

/// What a queue is for: the emotion the scan read, and the mood the owner chose instead of
/// the policy's, if they did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueRequest {
    pub emotion: Emotion,
    pub mood: Option<Mood>,
}

impl From<Emotion> for QueueRequest {
    /// The policy's moods for this emotion.
    fn from(emotion: Emotion) -> QueueRequest {
        QueueRequest {
            emotion,
            mood: None,
        }
    }
}

/// What the recommender needs from the history.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// The most recent plays, newest first (at most the window asked for).
    pub recent_plays: Vec<PathBuf>,
    /// How often each song was skipped while offered for each mood.
    pub skips: HashMap<(PathBuf, Mood), u32>,
}

impl History {
    /// How many plays ago the song last played (0 = the latest), if within the window.
    pub fn plays_ago(&self, path: &Path) -> Option<usize> {
        self.recent_plays.iter().position(|p| p == path)
    }

    pub fn skip_count(&self, path: &Path, mood: Mood) -> u32 {
        self.skips
            .get(&(path.to_path_buf(), mood))
            .copied()
            .unwrap_or(0)
    }
}

/// The recommender's settings (from [`LibraryConfig`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Recommender {
    pub policy: MoodPolicy,
    /// Preferred languages as ISO 639-1 codes, most preferred first; empty = any.
    pub languages: Vec<String>,
    pub allow_unknown_language: bool,
    pub no_repeat_window: usize,
    pub skip_penalty: f64,
    pub queue_length: usize,
}

impl Recommender {
    pub fn from_config(config: &LibraryConfig) -> Recommender {
        Recommender {
            policy: config.mood_policy(),
            languages: config.language_codes(),
            allow_unknown_language: config.allow_unknown_language,
            no_repeat_window: config.no_repeat_window,
            skip_penalty: config.skip_penalty,
            queue_length: config.queue_length,
        }
    }

    /// The pure core: chooses up to `count` songs from `songs` (see the module docs) for
    /// an emotion, or for the mood the owner chose.
    pub fn choose<R: Rng + ?Sized>(
        &self,
        songs: &[Song],
        history: &History,
        request: impl Into<QueueRequest>,
        count: usize,
        rng: &mut R,
    ) -> Recommendation {
        let QueueRequest { emotion, mood } = request.into();
        let wanted = match mood {
            Some(mood) => vec![mood],
            None => self.policy.moods_for(emotion),
        };
        let mut chooser = Chooser {
            settings: self,
            songs,
            history,
            taken: vec![false; songs.len()],
            queue: Vec::new(),
            count,
        };
        let mut relaxed = Vec::new();

        chooser.take_wanted(&wanted, rng);

        let neighbours = neighbouring_moods(&wanted);
        let n = chooser.take_weighted(rng, |s, c| {
            neighbours.contains(&s.mood) && c.language_ok(s) && c.fresh(s)
        });
        if n > 0 {
            relaxed.push(format!(
                "added {n} {} {} (neighbouring moods)",
                join_moods(&neighbours),
                plural(n, "song")
            ));
        }

        let near: Vec<Mood> = wanted.iter().chain(&neighbours).copied().collect();
        let n = chooser.take_least_recent(|s, c| near.contains(&s.mood) && c.language_ok(s));
        if n > 0 {
            relaxed.push(format!(
                "added {n} recently played {} (no-repeat window of {} relaxed)",
                plural(n, "song"),
                self.no_repeat_window
            ));
        }

        let n = chooser.take_least_recent(|s, c| c.language_ok(s));
        if n > 0 {
            relaxed.push(format!("added {n} {} of other moods", plural(n, "song")));
        }

        let n = chooser.take_least_recent(|s, _| near.contains(&s.mood));
        let n = n + chooser.take_least_recent(|_, _| true);
        if n > 0 {
            relaxed.push(format!(
                "added {n} {} in other or unknown languages",
                plural(n, "song")
            ));
        }

        if songs.is_empty() && count > 0 {
            relaxed.push("the library holds no playable songs; index the music folder".to_string());
        }
        let fallback = (!relaxed.is_empty()).then(|| {
            let short = chooser.queue.iter().filter(|p| p.exact).count();
            format!(
                "only {short} {} matched {} in {}: {}",
                plural(short, "song"),
                join_moods(&wanted),
                self.describe_languages(),
                relaxed.join("; ")
            )
        });
        Recommendation {
            emotion,
            policy: match mood {
                Some(_) => "chosen".to_string(),
                None => self.policy.name(),
            },
            moods: wanted,
            songs: chooser
                .queue
                .iter()
                .map(|p| songs[p.index].clone())
                .collect(),
            fallback,
        }
    }

    /// The preferred-language rank of a song: 0 for the first listed language, …, the list's
    /// length for unknown language (if allowed); `None` when the song's language is not wanted.
    fn language_rank(&self, song: &Song) -> Option<usize> {
        match (&song.language, self.languages.is_empty()) {
            (Some(_), true) => Some(0),
            (Some(lang), false) => self.languages.iter().position(|l| l == lang),
            (None, _) => self
                .allow_unknown_language
                .then_some(self.languages.len().max(1)),
        }
    }

    fn describe_languages(&self) -> String {
        if self.languages.is_empty() {
            return "any language".to_string();
        }
        let named = self.languages.join(", ");
        if self.allow_unknown_language {
            format!("{named} or an unknown language")
        } else {
            named
        }
    }
}

struct Picked {
    index: usize,
    /// Chosen without relaxing any rule.
    exact: bool,
}

/// The state of one `choose` call.
struct Chooser<'a> {
    settings: &'a Recommender,
    songs: &'a [Song],
    history: &'a History,
    taken: Vec<bool>,
    queue: Vec<Picked>,
    count: usize,
}

impl Chooser<'_> {
    fn remaining(&self) -> usize {
        self.count.saturating_sub(self.queue.len())
    }

    fn fresh(&self, song: &Song) -> bool {
        self.history
            .plays_ago(&song.path)
            .is_none_or(|ago| ago >= self.settings.no_repeat_window)
    }

    fn language_ok(&self, song: &Song) -> bool {
        self.settings.language_rank(song).is_some()
    }

    fn weight(&self, song: &Song) -> f64 {
        let skips = self.history.skip_count(&song.path, song.mood);
        self.settings.skip_penalty.powi(skips as i32)
            * (0.5 + 0.5 * song.confidence.clamp(0.0, 1.0) as f64)
    }

    /// The rule-abiding part: each wanted mood gets its share, then leftovers fill the rest.
    fn take_wanted<R: Rng + ?Sized>(&mut self, wanted: &[Mood], rng: &mut R) {
        let total = self.remaining();
        let moods = wanted.len().max(1);
        let mut per_mood: Vec<Vec<usize>> = Vec::new();
        for (i, &mood) in wanted.iter().enumerate() {
            let share = total / moods + usize::from(i < total % moods);
            let picked = self.draw(rng, share, |s, c| {
                s.mood == mood && c.language_ok(s) && c.fresh(s)
            });
            per_mood.push(picked);
        }
        for (i, &mood) in wanted.iter().enumerate() {
            let need = self.remaining_after(&per_mood);
            let more = self.draw(rng, need, |s, c| {
                s.mood == mood && c.language_ok(s) && c.fresh(s)
            });
            per_mood[i].extend(more);
        }
        for index in per_mood.into_iter().flatten() {
            self.queue.push(Picked { index, exact: true });
        }
    }

    fn remaining_after(&self, per_mood: &[Vec<usize>]) -> usize {
        self.remaining()
            .saturating_sub(per_mood.iter().map(Vec::len).sum())
    }

    /// Weighted random draw of up to `need` untaken songs passing `keep`, best language
    /// first; marks them taken and returns them in draw order.
    fn draw<R: Rng + ?Sized>(
        &mut self,
        rng: &mut R,
        need: usize,
        keep: impl Fn(&Song, &Self) -> bool,
    ) -> Vec<usize> {
        if need == 0 {
            return Vec::new();
        }
        // Efraimidis–Spirakis: key = ln(u) / w, the largest keys win.
        let mut candidates: Vec<(usize, usize, f64)> = self
            .songs
            .iter()
            .enumerate()
            .filter(|(i, s)| !self.taken[*i] && keep(s, self))
            .map(|(i, s)| {
                let rank = self.settings.language_rank(s).unwrap_or(usize::MAX);
                let u: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
                (i, rank, u.ln() / self.weight(s).max(1e-9))
            })
            .collect();
        candidates.sort_by(|a, b| a.1.cmp(&b.1).then(b.2.total_cmp(&a.2)));
        let picked: Vec<usize> = candidates.into_iter().take(need).map(|c| c.0).collect();
        for &i in &picked {
            self.taken[i] = true;
        }
        picked
    }

    fn take_weighted<R: Rng + ?Sized>(
        &mut self,
        rng: &mut R,
        keep: impl Fn(&Song, &Self) -> bool,
    ) -> usize {
        let picked = self.draw(rng, self.remaining(), keep);
        let n = picked.len();
        self.queue.extend(picked.into_iter().map(|index| Picked {
            index,
            exact: false,
        }));
        n
    }

    /// Takes untaken songs passing `keep`, never-recently-played first, then those played
    /// longest ago; ties by language rank, then path order.
    fn take_least_recent(&mut self, keep: impl Fn(&Song, &Self) -> bool) -> usize {
        let mut candidates: Vec<(usize, usize, usize)> = self
            .songs
            .iter()
            .enumerate()
            .filter(|(i, s)| !self.taken[*i] && keep(s, self))
            .map(|(i, s)| {
                let ago = self.history.plays_ago(&s.path).unwrap_or(usize::MAX);
                let rank = self.settings.language_rank(s).unwrap_or(usize::MAX);
                (i, ago, rank)
            })
            .collect();
        candidates.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)).then(a.0.cmp(&b.0)));
        let picked: Vec<usize> = candidates
            .into_iter()
            .take(self.remaining())
            .map(|c| c.0)
            .collect();
        for &i in &picked {
            self.taken[i] = true;
        }
        let n = picked.len();
        self.queue.extend(picked.into_iter().map(|index| Picked {
            index,
            exact: false,
        }));
        n
    }
}

/// Moods sharing an axis with a wanted one, not wanted themselves, in the wanted moods' order.
fn neighbouring_moods(wanted: &[Mood]) -> Vec<Mood> {
    let mut out: Vec<Mood> = Vec::new();
    for m in wanted.iter().flat_map(|m| m.neighbours()) {
        if !wanted.contains(&m) && !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

fn join_moods(moods: &[Mood]) -> String {
    moods
        .iter()
        .map(|m| m.as_str())
        .collect::<Vec<_>>()
        .join("/")
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}
