//! The seven facial emotions of FER2013 and a probability vector over them.
//!
//! The order is the dataset's own label order (angry=0 … neutral=6); the emotion model's
//! output follows it, and so does every table, JSON object and confusion matrix moodbox prints.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A facial emotion, in FER2013 label order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Emotion {
    Angry,
    Disgust,
    Fear,
    Happy,
    Sad,
    Surprise,
    Neutral,
}

impl Emotion {
    /// All seven, in label order (the index is the model's output index).
    pub const ALL: [Emotion; 7] = [
        Emotion::Angry,
        Emotion::Disgust,
        Emotion::Fear,
        Emotion::Happy,
        Emotion::Sad,
        Emotion::Surprise,
        Emotion::Neutral,
    ];

    /// The label as FER2013 folders and moodbox's JSON spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Emotion::Angry => "angry",
            Emotion::Disgust => "disgust",
            Emotion::Fear => "fear",
            Emotion::Happy => "happy",
            Emotion::Sad => "sad",
            Emotion::Surprise => "surprise",
            Emotion::Neutral => "neutral",
        }
    }

    /// Position in the model output / FER2013 numbering.
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn from_index(i: usize) -> Option<Emotion> {
        Emotion::ALL.get(i).copied()
    }
}

impl fmt::Display for Emotion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a word that is not one of the seven labels.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown emotion {0:?}: expected one of angry, disgust, fear, happy, sad, surprise, neutral"
)]
pub struct UnknownEmotion(pub String);

impl FromStr for Emotion {
    type Err = UnknownEmotion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Emotion::ALL
            .into_iter()
            .find(|e| e.as_str() == lower)
            .ok_or_else(|| UnknownEmotion(s.to_string()))
    }
}

/// Probabilities of the seven emotions (softmax output, sums to ~1).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct EmotionProbs(pub [f32; 7]);

impl EmotionProbs {
    pub fn get(&self, e: Emotion) -> f32 {
        self.0[e.index()]
    }

    /// The most likely emotion and its probability.
    pub fn top(&self) -> (Emotion, f32) {
        let (i, p) =
            self.0.iter().enumerate().fold(
                (0, f32::MIN),
                |best, (i, &p)| if p > best.1 { (i, p) } else { best },
            );
        (Emotion::ALL[i], p)
    }

    /// `(emotion, probability)` pairs in label order.
    pub fn iter(&self) -> impl Iterator<Item = (Emotion, f32)> + '_ {
        Emotion::ALL.into_iter().zip(self.0.iter().copied())
    }
}

/// Written as an object `{label: probability}` in label order; read back from one that names
/// all seven labels.
impl Serialize for EmotionProbs {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(7))?;
        for (e, p) in self.iter() {
            map.serialize_entry(e.as_str(), &p)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for EmotionProbs {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = std::collections::BTreeMap::<Emotion, f32>::deserialize(deserializer)?;
        let mut probs = [0.0; 7];
        for e in Emotion::ALL {
            probs[e.index()] = *map
                .get(&e)
                .ok_or_else(|| serde::de::Error::custom(format!("no probability for {e}")))?;
        }
        Ok(EmotionProbs(probs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip_in_fer2013_order() {
        for (i, e) in Emotion::ALL.iter().enumerate() {
            assert_eq!(e.index(), i);
            assert_eq!(e.as_str().parse::<Emotion>().unwrap(), *e);
        }
        assert_eq!(" Happy ".parse::<Emotion>().unwrap(), Emotion::Happy);
        assert!("joy".parse::<Emotion>().is_err());
    }

    #[test]
    fn top_picks_the_largest_probability() {
        let p = EmotionProbs([0.1, 0.0, 0.05, 0.6, 0.2, 0.05, 0.0]);
        assert_eq!(p.top(), (Emotion::Happy, 0.6));
        let json = serde_json::to_value(p).unwrap();
        assert_eq!(json["sad"], serde_json::json!(0.2f32));
        assert_eq!(serde_json::from_value::<EmotionProbs>(json).unwrap(), p);
    }
}
