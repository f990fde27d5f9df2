//! Mood policies: which song moods answer each of the seven facial emotions.
//!
//! Two are built in, and `[library.policy_overrides]` replaces single rows:
//!
//! | emotion  | `match`        | `uplift`       |
//! |----------|----------------|----------------|
//! | angry    | energetic      | calm           |
//! | disgust  | calm           | calm, happy    |
//! | fear     | calm           | calm           |
//! | happy    | happy          | happy          |
//! | sad      | sad            | calm, happy    |
//! | surprise | energetic      | happy          |
//! | neutral  | calm, happy    | happy          |
//!
//! `match` mirrors the listener's mood; `uplift` leads towards a better one (a sad listener
//! hears calm songs first, then happy ones). Several moods in a row split the queue between
//! them in that order.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::emotion::Emotion;
use crate::mood::Mood;

/// The built-in policies, named in config as `policy = "match"` or `"uplift"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum PolicyName {
    /// Play music of the mood the face shows.
    #[default]
    Match,
    /// Play music that leads towards a better mood.
    Uplift,
}

impl PolicyName {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyName::Match => "match",
            PolicyName::Uplift => "uplift",
        }
    }

    /// The built-in row for one emotion.
    pub fn moods_for(self, emotion: Emotion) -> &'static [Mood] {
        use Emotion::*;
        use Mood::{Calm, Energetic, Happy as HappySong, Sad as SadSong};
        match (self, emotion) {
            (PolicyName::Match, Angry) => &[Energetic],
            (PolicyName::Match, Disgust) => &[Calm],
            (PolicyName::Match, Fear) => &[Calm],
            (PolicyName::Match, Happy) => &[HappySong],
            (PolicyName::Match, Sad) => &[SadSong],
            (PolicyName::Match, Surprise) => &[Energetic],
            (PolicyName::Match, Neutral) => &[Calm, HappySong],
            (PolicyName::Uplift, Angry) => &[Calm],
            (PolicyName::Uplift, Disgust) => &[Calm, HappySong],
            (PolicyName::Uplift, Fear) => &[Calm],
            (PolicyName::Uplift, Happy) => &[HappySong],
            (PolicyName::Uplift, Sad) => &[Calm, HappySong],
            (PolicyName::Uplift, Surprise) => &[HappySong],
            (PolicyName::Uplift, Neutral) => &[HappySong],
        }
    }
}

impl fmt::Display for PolicyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A built-in policy with the user's overridden rows on top.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MoodPolicy {
    pub base: PolicyName,
    pub overrides: BTreeMap<Emotion, Vec<Mood>>,
}

impl MoodPolicy {
    pub fn new(base: PolicyName) -> MoodPolicy {
        MoodPolicy {
            base,
            overrides: BTreeMap::new(),
        }
    }

    pub fn with_override(mut self, emotion: Emotion, moods: Vec<Mood>) -> MoodPolicy {
        self.overrides.insert(emotion, moods);
        self
    }

    /// The song moods for an emotion, in queue order (never empty: an empty override row
    /// falls back to the built-in one).
    pub fn moods_for(&self, emotion: Emotion) -> Vec<Mood> {
        match self.overrides.get(&emotion) {
            Some(row) if !row.is_empty() => dedup_keep_order(row),
            _ => self.base.moods_for(emotion).to_vec(),
        }
    }

    /// "match", or "uplift+overrides" when a row is overridden.
    pub fn name(&self) -> String {
        if self.overrides.is_empty() {
            self.base.as_str().to_string()
        } else {
            format!("{}+overrides", self.base)
        }
    }
}

fn dedup_keep_order(moods: &[Mood]) -> Vec<Mood> {
    let mut out: Vec<Mood> = Vec::with_capacity(moods.len());
    for &m in moods {
        if !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_policy_mirrors_the_face() {
        let p = MoodPolicy::new(PolicyName::Match);
        assert_eq!(p.moods_for(Emotion::Happy), vec![Mood::Happy]);
        assert_eq!(p.moods_for(Emotion::Sad), vec![Mood::Sad]);
        assert_eq!(p.moods_for(Emotion::Angry), vec![Mood::Energetic]);
        assert_eq!(p.moods_for(Emotion::Surprise), vec![Mood::Energetic]);
        assert_eq!(p.moods_for(Emotion::Fear), vec![Mood::Calm]);
        assert_eq!(p.moods_for(Emotion::Disgust), vec![Mood::Calm]);
        assert_eq!(p.moods_for(Emotion::Neutral), vec![Mood::Calm, Mood::Happy]);
    }

    #[test]
    fn uplift_policy_leads_to_a_better_mood() {
        let p = MoodPolicy::new(PolicyName::Uplift);
        assert_eq!(p.moods_for(Emotion::Sad), vec![Mood::Calm, Mood::Happy]);
        assert_eq!(p.moods_for(Emotion::Angry), vec![Mood::Calm]);
        assert_eq!(p.moods_for(Emotion::Fear), vec![Mood::Calm]);
        for e in Emotion::ALL {
            assert!(
                !p.moods_for(e).contains(&Mood::Sad),
                "uplift never plays sad for {e}"
            );
        }
    }

    #[test]
    fn overrides_replace_single_rows() {
        let p = MoodPolicy::new(PolicyName::Uplift).with_override(
            Emotion::Angry,
            vec![Mood::Energetic, Mood::Energetic, Mood::Calm],
        );
        assert_eq!(
            p.moods_for(Emotion::Angry),
            vec![Mood::Energetic, Mood::Calm]
        );
        assert_eq!(p.moods_for(Emotion::Sad), vec![Mood::Calm, Mood::Happy]);
        assert_eq!(p.name(), "uplift+overrides");
        let empty = MoodPolicy::new(PolicyName::Match).with_override(Emotion::Sad, vec![]);
        assert_eq!(empty.moods_for(Emotion::Sad), vec![Mood::Sad]);
    }
}
