//! The four song moods, their place on the valence/arousal plane, and the words people use
//! for them in tags and folder names.
//!
//! Conventions (Russell's circumplex, as music-mood research uses it):
//!
//! | mood        | valence | arousal | centre used for tag/folder moods |
//! |-------------|---------|---------|----------------------------------|
//! | `happy`     | ≥ 0     | ≥ 0     | (+0.6, +0.6)                     |
//! | `energetic` | < 0     | ≥ 0     | (−0.6, +0.6)                     |
//! | `sad`       | < 0     | < 0     | (−0.6, −0.6)                     |
//! | `calm`      | ≥ 0     | < 0     | (+0.6, −0.6)                     |
//!
//! Valence runs from −1 (unpleasant, dark) to +1 (pleasant, bright); arousal from −1 (still,
//! slow, soft) to +1 (excited, fast, loud). "Energetic" is the tense, driving quadrant
//! (aggressive, intense), which is why the `match` policy sends anger there.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A song mood: one quadrant of the valence/arousal plane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mood {
    /// Positive valence, high arousal: cheerful, upbeat.
    Happy,
    /// Negative valence, low arousal: melancholic, sorrowful.
    Sad,
    /// Positive valence, low arousal: relaxing, peaceful.
    Calm,
    /// Negative valence, high arousal: aggressive, intense.
    Energetic,
}

impl Mood {
    /// All four, in the order moodbox prints them.
    pub const ALL: [Mood; 4] = [Mood::Happy, Mood::Sad, Mood::Calm, Mood::Energetic];

    /// The lowercase name used in the index, JSON and config.
    pub fn as_str(self) -> &'static str {
        match self {
            Mood::Happy => "happy",
            Mood::Sad => "sad",
            Mood::Calm => "calm",
            Mood::Energetic => "energetic",
        }
    }

    /// The quadrant a (valence, arousal) point falls in; zero counts as positive.
    pub fn from_valence_arousal(valence: f32, arousal: f32) -> Mood {
        match (valence >= 0.0, arousal >= 0.0) {
            (true, true) => Mood::Happy,
            (false, true) => Mood::Energetic,
            (false, false) => Mood::Sad,
            (true, false) => Mood::Calm,
        }
    }

    /// The point that stands for the mood when it comes from a tag or a folder name
    /// (no analysis): the middle of its quadrant, `(valence, arousal)`.
    pub fn centre(self) -> (f32, f32) {
        match self {
            Mood::Happy => (0.6, 0.6),
            Mood::Energetic => (-0.6, 0.6),
            Mood::Sad => (-0.6, -0.6),
            Mood::Calm => (0.6, -0.6),
        }
    }

    /// The two moods that share an axis with this one (same arousal or same valence), used
    /// by the recommender when no song of this mood is left.
    pub fn neighbours(self) -> [Mood; 2] {
        match self {
            Mood::Happy => [Mood::Calm, Mood::Energetic],
            Mood::Sad => [Mood::Calm, Mood::Energetic],
            Mood::Calm => [Mood::Happy, Mood::Sad],
            Mood::Energetic => [Mood::Happy, Mood::Sad],
        }
    }

    /// Reads a mood word from a tag or a folder name: case-insensitive, spaces, dashes and
    /// underscores ignored, common synonyms accepted (joyful → happy, melancholic → sad,
    /// relaxing/peaceful → calm, aggressive/intense → energetic, ...). Tags holding several
    /// moods ("Happy; Upbeat") give the first recognised one.
    pub fn from_word(word: &str) -> Option<Mood> {
        word.split([';', ',', '/', '|', '\0'])
            .find_map(|part| mood_of_normalised(&normalise_word(part)))
    }
}

impl fmt::Display for Mood {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a word that names no mood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown mood {0:?}: expected one of happy, sad, calm, energetic (or a synonym such as joyful, melancholic, relaxing, aggressive)")]
pub struct UnknownMood(pub String);

impl FromStr for Mood {
    type Err = UnknownMood;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Mood::from_word(s).ok_or_else(|| UnknownMood(s.to_string()))
    }
}

/// Lowercases and drops whitespace and ASCII punctuation, keeping every other character
/// (so "Feel-Good", "feel_good" and "FEEL GOOD" all become "feelgood", and scripts such as
/// Tamil or Devanagari keep their combining marks).
pub(crate) fn normalise_word(word: &str) -> String {
    word.chars()
        .filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation())
        .flat_map(char::to_lowercase)
        .collect()
}

const HAPPY_WORDS: &[&str] = &[
    "happy",
    "happiness",
    "joy",
    "joyful",
    "joyous",
    "cheerful",
    "cheery",
    "upbeat",
    "uplifting",
    "feelgood",
    "fun",
    "funny",
    "sunny",
    "bright",
    "positive",
    "glad",
    "merry",
    "playful",
    "optimistic",
    "euphoric",
    "celebration",
    "party",
];
const SAD_WORDS: &[&str] = &[
    "sad",
    "sadness",
    "melancholic",
    "melancholy",
    "melancholia",
    "sorrow",
    "sorrowful",
    "gloomy",
    "depressing",
    "depressed",
    "heartbreak",
    "heartbroken",
    "somber",
    "sombre",
    "tearful",
    "lonely",
    "mournful",
    "grief",
    "blue",
    "downbeat",
    "unhappy",
    "dark",
    "tragic",
];
const CALM_WORDS: &[&str] = &[
    "calm",
    "relaxing",
    "relaxed",
    "relax",
    "relaxation",
    "peaceful",
    "peace",
    "chill",
    "chillout",
    "soothing",
    "serene",
    "tranquil",
    "mellow",
    "gentle",
    "quiet",
    "sleep",
    "sleepy",
    "meditative",
    "meditation",
    "dreamy",
    "soft",
    "lullaby",
    "easylistening",
];
const ENERGETIC_WORDS: &[&str] = &[
    "energetic",
    "energy",
    "aggressive",
    "intense",
    "angry",
    "anger",
    "powerful",
    "power",
    "workout",
    "hype",
    "hard",
    "fierce",
    "furious",
    "rage",
    "tense",
    "driving",
    "wild",
    "excited",
    "exciting",
    "loud",
    "heavy",
    "frantic",
];

fn mood_of_normalised(word: &str) -> Option<Mood> {
    if word.is_empty() {
        return None;
    }
    [
        (Mood::Happy, HAPPY_WORDS),
        (Mood::Sad, SAD_WORDS),
        (Mood::Calm, CALM_WORDS),
        (Mood::Energetic, ENERGETIC_WORDS),
    ]
    .into_iter()
    .find(|(_, words)| words.contains(&word))
    .map(|(mood, _)| mood)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_synonyms_read_case_insensitively() {
        for mood in Mood::ALL {
            assert_eq!(mood.as_str().parse::<Mood>().unwrap(), mood);
            assert_eq!(mood.as_str().to_uppercase().parse::<Mood>().unwrap(), mood);
        }
        assert_eq!(Mood::from_word("Joyful"), Some(Mood::Happy));
        assert_eq!(Mood::from_word("MELANCHOLIC"), Some(Mood::Sad));
        assert_eq!(Mood::from_word("relaxing"), Some(Mood::Calm));
        assert_eq!(Mood::from_word("Peaceful"), Some(Mood::Calm));
        assert_eq!(Mood::from_word("aggressive"), Some(Mood::Energetic));
        assert_eq!(Mood::from_word("Intense"), Some(Mood::Energetic));
        assert_eq!(Mood::from_word("feel-good"), Some(Mood::Happy));
        assert_eq!(Mood::from_word("Chill Out"), Some(Mood::Calm));
        assert_eq!(Mood::from_word("Rock"), None);
        assert_eq!(Mood::from_word(""), None);
    }

    #[test]
    fn multi_valued_tags_give_the_first_known_mood() {
        assert_eq!(Mood::from_word("Nostalgic; Sad; Calm"), Some(Mood::Sad));
        assert_eq!(Mood::from_word("rock/upbeat"), Some(Mood::Happy));
    }

    #[test]
    fn quadrants_follow_the_documented_signs() {
        assert_eq!(Mood::from_valence_arousal(0.5, 0.5), Mood::Happy);
        assert_eq!(Mood::from_valence_arousal(-0.5, 0.5), Mood::Energetic);
        assert_eq!(Mood::from_valence_arousal(-0.5, -0.5), Mood::Sad);
        assert_eq!(Mood::from_valence_arousal(0.5, -0.5), Mood::Calm);
        for mood in Mood::ALL {
            let (v, a) = mood.centre();
            assert_eq!(Mood::from_valence_arousal(v, a), mood);
            for n in mood.neighbours() {
                let (nv, na) = n.centre();
                assert!(nv == v || na == a, "{n} shares an axis with {mood}");
            }
        }
    }
}
