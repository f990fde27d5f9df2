//! How often the camera is right in this house: the readings the index keeps (what each scan
//! read, what the box offered, whether the owner was asked and what they chose), summed up
//! per read emotion for `moodbox stats`.
//!
//! A reading is *kept* when the box played what it offered: a sure scan, or an unsure one
//! where the owner picked the offered mood. It is *corrected* when the owner chose another
//! mood. The camera was right in kept / (kept + corrected) of the readings that had an
//! answer; an unsure scan nobody answered counts for neither. A scan that saw no face has
//! no reading to be right about: its row only shows what the owner chose.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::emotion::Emotion;
use crate::mood::Mood;

/// How many readings had these values.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadingCount {
    pub emotion: Option<Emotion>,
    pub offered: Mood,
    pub asked: bool,
    pub chosen: Option<Mood>,
    pub count: u64,
}

/// One row of the table.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EmotionStats {
    /// The emotion read, or "no face".
    pub read_as: String,
    pub scans: u64,
    /// Scans sure enough not to ask.
    pub sure: u64,
    pub asked: u64,
    /// Readings the box went on with (sure, or the offered mood picked).
    pub kept: u64,
    /// The moods the owner chose instead, and how often.
    pub corrected_to: BTreeMap<Mood, u64>,
    /// Unsure scans nobody answered.
    pub unanswered: u64,
    /// kept / (kept + corrected); `None` when there is nothing to judge (or no face).
    pub camera_right: Option<f64>,
}

/// The rows, one per emotion read (in [`Emotion::ALL`] order), then "no face"; emotions
/// never read are left out.
pub fn summarise(counts: &[ReadingCount]) -> Vec<EmotionStats> {
    let reads = Emotion::ALL.iter().map(|e| Some(*e)).chain([None]);
    reads
        .filter_map(|read| {
            let rows: Vec<&ReadingCount> = counts.iter().filter(|c| c.emotion == read).collect();
            (!rows.is_empty()).then(|| row(read, &rows))
        })
        .collect()
}

fn row(read: Option<Emotion>, rows: &[&ReadingCount]) -> EmotionStats {
    let mut s = EmotionStats {
        read_as: read.map_or("no face".into(), |e| e.as_str().to_string()),
        ..EmotionStats::default()
    };
    for r in rows {
        s.scans += r.count;
        match (r.asked, r.chosen) {
            (false, None) => {
                s.sure += r.count;
                s.kept += r.count;
            }
            (asked, Some(chosen)) => {
                s.asked += u64::from(asked) * r.count;
                s.sure += u64::from(!asked) * r.count;
                if chosen == r.offered && read.is_some() {
                    s.kept += r.count;
                } else {
                    *s.corrected_to.entry(chosen).or_default() += r.count;
                }
            }
            (true, None) => {
                s.asked += r.count;
                s.unanswered += r.count;
            }
        }
    }
    let corrected: u64 = s.corrected_to.values().sum();
    let judged = s.kept + corrected;
    s.camera_right = (read.is_some() && judged > 0).then(|| s.kept as f64 / judged as f64);
    s
}

/// The table `moodbox stats` prints.
pub fn table(stats: &[EmotionStats]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<9} {:>5} {:>5} {:>5} {:>5} {:>10}  {:<24} {:>6}",
        "read as", "scans", "sure", "asked", "kept", "unanswered", "corrected to", "right"
    );
    for s in stats {
        let corrected = if s.corrected_to.is_empty() {
            "-".to_string()
        } else {
            let parts: Vec<String> = s
                .corrected_to
                .iter()
                .map(|(m, n)| format!("{m} {n}"))
                .collect();
            parts.join(", ")
        };
        let right = s
            .camera_right
            .map_or("-".to_string(), |r| format!("{:.0}%", r * 100.0));
        let _ = writeln!(
            out,
            "{:<9} {:>5} {:>5} {:>5} {:>5} {:>10}  {:<24} {:>6}",
            s.read_as, s.scans, s.sure, s.asked, s.kept, s.unanswered, corrected, right
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(
        emotion: Option<Emotion>,
        offered: Mood,
        asked: bool,
        chosen: Option<Mood>,
        n: u64,
    ) -> ReadingCount {
        ReadingCount {
            emotion,
            offered,
            asked,
            chosen,
            count: n,
        }
    }

    #[test]
    fn kept_corrected_and_unanswered_make_the_camera_right_share() {
        use Emotion::*;
        let rows = summarise(&[
            count(Some(Sad), Mood::Sad, false, None, 6), // sure
            count(Some(Sad), Mood::Sad, true, Some(Mood::Sad), 1), // asked, confirmed
            count(Some(Sad), Mood::Sad, true, Some(Mood::Calm), 3), // asked, corrected
            count(Some(Sad), Mood::Sad, true, None, 2),  // asked, nobody chose
            count(None, Mood::Happy, true, Some(Mood::Calm), 1),
            count(Some(Happy), Mood::Happy, false, None, 4),
        ]);
        assert_eq!(
            rows.iter().map(|r| r.read_as.as_str()).collect::<Vec<_>>(),
            ["happy", "sad", "no face"]
        );
        let sad = &rows[1];
        assert_eq!(
            (sad.scans, sad.sure, sad.asked, sad.kept, sad.unanswered),
            (12, 6, 6, 7, 2)
        );
        assert_eq!(sad.corrected_to, BTreeMap::from([(Mood::Calm, 3)]));
        assert_eq!(sad.camera_right, Some(0.7));
        assert_eq!(
            rows[2].camera_right, None,
            "no face, nothing to be right about"
        );
        assert_eq!(rows[2].corrected_to, BTreeMap::from([(Mood::Calm, 1)]));
        let text = table(&rows);
        assert!(
            text.lines()
                .any(|l| l.starts_with("sad") && l.contains("calm 3") && l.ends_with("70%")),
            "{text}"
        );
    }
}
