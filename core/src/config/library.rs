//! The `[library]` section of moodbox's config file.
//!
//! ```toml
//! [library]
//! music_dir = "/var/lib/moodbox/music"        # indexed recursively
//! index = "/var/lib/moodbox/library.sqlite3"  # the SQLite index (and play history)
//! languages = ["ta", "en"]                    # preferred first; [] = any language
//! allow_unknown_language = true               # may songs with no language tag or folder play?
//! policy = "match"                            # or "uplift"
//! no_repeat_window = 20                       # no song repeats within the last 20 plays
//! skip_penalty = 0.5                          # each skip under a mood halves the chance there
//! queue_length = 10                           # songs per recommendation
//!
//! [library.policy_overrides]                  # replace single rows of the policy
//! angry = ["energetic"]
//! sad = ["calm", "happy"]
//! ```
//!
//! Languages are ISO 639-1 codes ("en", "ta", "hi"), ISO 639-2 codes or English names. The
//! defaults are the installed locations under systemd's `StateDirectory=moodbox`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::config::ConfigProblem;
use crate::emotion::Emotion;
use crate::language::normalise_language;
use crate::mood::Mood;
use crate::policy::{MoodPolicy, PolicyName};

/// Where the installed daemon keeps its music.
pub const DEFAULT_MUSIC_DIR: &str = "/var/lib/moodbox/music";
/// Where the installed daemon keeps the index.
pub const DEFAULT_INDEX: &str = "/var/lib/moodbox/library.sqlite3";

/// Settings for indexing the music folder and choosing songs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LibraryConfig {
    /// The music folder (default `/var/lib/moodbox/music`).
    pub music_dir: PathBuf,
    /// The SQLite index file (default `/var/lib/moodbox/library.sqlite3`).
    pub index: PathBuf,
    /// Preferred languages, most preferred first. Empty: every language is equally welcome.
    pub languages: Vec<String>,
    /// Whether songs whose language is unknown may play (after the listed languages).
    pub allow_unknown_language: bool,
    /// The built-in mood policy: `match` or `uplift`.
    pub policy: PolicyName,
    /// Rows replacing the policy's own: emotion → song moods in queue order.
    pub policy_overrides: BTreeMap<Emotion, Vec<Mood>>,
    /// No song is chosen again while it is among this many most recent plays.
    pub no_repeat_window: usize,
    /// Each skip of a song under a mood multiplies its weight for that mood by this (0..=1].
    pub skip_penalty: f64,
    /// How many songs one recommendation holds.
    pub queue_length: usize,
}

impl Default for LibraryConfig {
    fn default() -> Self {
        LibraryConfig {
            music_dir: PathBuf::from(DEFAULT_MUSIC_DIR),
            index: PathBuf::from(DEFAULT_INDEX),
            languages: Vec::new(),
            allow_unknown_language: true,
            policy: PolicyName::Match,
            policy_overrides: BTreeMap::new(),
            no_repeat_window: 20,
            skip_penalty: 0.5,
            queue_length: 10,
        }
    }
}

impl LibraryConfig {
    /// Everything that parses but would not work, each naming its key and giving a hint.
    pub fn check(&self) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        let mut problem = |key: String, message: String, hint: &str| {
            problems.push(ConfigProblem::new(key, message).with_hint(hint))
        };
        if self.music_dir.as_os_str().is_empty() {
            problem(
                "library.music_dir".into(),
                "is empty".into(),
                "name the music folder, e.g. music_dir = \"/var/lib/moodbox/music\"",
            );
        }
        if self.index.as_os_str().is_empty() {
            problem(
                "library.index".into(),
                "is empty".into(),
                "name the index file, e.g. index = \"/var/lib/moodbox/library.sqlite3\"",
            );
        } else if self.index.is_dir() {
            problem(
                "library.index".into(),
                format!("{} is a directory", self.index.display()),
                "name a file inside it, e.g. library.sqlite3",
            );
        }
        let mut seen = Vec::new();
        for (i, lang) in self.languages.iter().enumerate() {
            match normalise_language(lang) {
                None => problem(
                    format!("library.languages[{i}]"),
                    format!("{lang:?} is not a language moodbox knows"),
                    "use an ISO 639-1 code such as \"en\", \"ta\" or \"hi\", or an English name such as \"tamil\"",
                ),
                Some(code) if seen.contains(&code) => problem(
                    format!("library.languages[{i}]"),
                    format!("{lang:?} is listed twice"),
                    "list each language once, most preferred first",
                ),
                Some(code) => seen.push(code),
            }
        }
        if self.no_repeat_window > 10_000 {
            problem(
                "library.no_repeat_window".into(),
                format!(
                    "{} is more plays than anyone remembers",
                    self.no_repeat_window
                ),
                "use a number of plays between 0 and 10000, e.g. 20",
            );
        }
        if !(self.skip_penalty > 0.0 && self.skip_penalty <= 1.0) {
            problem(
                "library.skip_penalty".into(),
                format!("{} is outside (0, 1]", self.skip_penalty),
                "use 0.5 to halve a song's chance per skip, 1.0 to ignore skips",
            );
        }
        if !(1..=1000).contains(&self.queue_length) {
            problem(
                "library.queue_length".into(),
                format!("{} songs is outside 1..=1000", self.queue_length),
                "use a queue of a few songs, e.g. 10",
            );
        }
        for (emotion, moods) in &self.policy_overrides {
            if moods.is_empty() {
                problem(
                    format!("library.policy_overrides.{emotion}"),
                    "lists no mood".into(),
                    "list one or more of \"happy\", \"sad\", \"calm\", \"energetic\", or remove the row",
                );
            }
        }
        problems
    }

    /// The preferred languages as ISO 639-1 codes, in order, unknown entries dropped.
    pub fn language_codes(&self) -> Vec<String> {
        let mut codes: Vec<String> = Vec::new();
        for code in self.languages.iter().filter_map(|l| normalise_language(l)) {
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        codes
    }

    /// The policy with its overrides.
    pub fn mood_policy(&self) -> MoodPolicy {
        MoodPolicy {
            base: self.policy,
            overrides: self.policy_overrides.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The `[library]` section of a whole config file, checked as `moodbox library` does.
    fn parse(text: &str) -> Result<LibraryConfig, crate::config::ConfigError> {
        crate::config::Config::parse_for(
            text,
            Path::new("moodbox.toml"),
            crate::config::Scope::Library,
        )
        .map(|c| c.library)
    }

    #[test]
    fn defaults_are_the_installed_locations() {
        let c = LibraryConfig::default();
        assert_eq!(c.music_dir, Path::new("/var/lib/moodbox/music"));
        assert_eq!(c.index, Path::new("/var/lib/moodbox/library.sqlite3"));
        assert!(c.check().is_empty());
        assert_eq!(parse("").unwrap(), c);
        assert_eq!(parse("[vision]\nscore_threshold = 0.5\n").unwrap(), c);
    }

    #[test]
    fn the_documented_example_parses() {
        let doc = include_str!("library.rs");
        let example: String = doc
            .lines()
            .skip_while(|l| !l.starts_with("//! ```toml"))
            .skip(1)
            .take_while(|l| !l.starts_with("//! ```"))
            .map(|l| l.trim_start_matches("//!").trim_start_matches(' '))
            .collect::<Vec<_>>()
            .join("\n");
        let c = parse(&example).unwrap();
        assert_eq!(c.language_codes(), vec!["ta", "en"]);
        assert_eq!(
            c.policy_overrides[&Emotion::Sad],
            vec![Mood::Calm, Mood::Happy]
        );
        assert_eq!(
            c.mood_policy().moods_for(Emotion::Angry),
            vec![Mood::Energetic]
        );
    }

    #[test]
    fn unknown_keys_and_wrong_types_name_the_key() {
        let err = parse("[library]\nlanguage = [\"en\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("moodbox.toml") && err.contains("language"),
            "{err}"
        );
        let err = parse("[library]\nno_repeat_window = \"ten\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("no_repeat_window"), "{err}");
        let err = parse("[library]\npolicy = \"cheer\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("policy") && err.contains("uplift"), "{err}");
        let err = parse("[library.policy_overrides]\njoy = [\"happy\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("joy"), "{err}");
    }

    #[test]
    fn semantic_problems_name_the_key_and_give_a_hint() {
        let c = LibraryConfig {
            languages: vec!["en".into(), "klingon".into(), "English".into()],
            skip_penalty: 0.0,
            queue_length: 0,
            ..LibraryConfig::default()
        };
        let problems = c.check();
        let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "library.languages[1]",
                "library.languages[2]",
                "library.skip_penalty",
                "library.queue_length"
            ]
        );
        assert!(problems
            .iter()
            .all(|p| p.hint.as_ref().is_some_and(|h| !h.is_empty())));
        let err = parse("[library]\nlanguages = [\"xx-yy-zz\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("library.languages[0]") && err.contains("hint"),
            "{err}"
        );
    }
}
