//! The recommender's rules, on in-memory songs: language order, mood policy, the no-repeat
//! window, skips, fallbacks, and repeatability with a seeded generator.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use moodbox_core::config::{Config, LibraryConfig, Scope};
use moodbox_core::mood::Mood;
use moodbox_core::policy::MoodPolicy;
use moodbox_core::policy::PolicyName;
use moodbox_core::recommend::History;
use moodbox_core::recommend::Recommender;
use moodbox_core::song::MoodSource;
use moodbox_core::song::Song;
use moodbox_core::Emotion;

fn song(name: &str, mood: Mood, language: Option<&str>) -> Song {
    let (valence, arousal) = mood.centre();
    Song {
        path: PathBuf::from(format!("/music/{name}.mp3")),
        title: name.to_string(),
        artist: None,
        album: None,
        genre: None,
        language: language.map(str::to_string),
        mood,
        mood_source: MoodSource::Tag,
        confidence: 1.0,
        valence,
        arousal,
        bpm: None,
        duration_s: Some(200.0),
    }
}

/// `n` songs named `<prefix>-<i>`.
fn songs(prefix: &str, n: usize, mood: Mood, language: Option<&str>) -> Vec<Song> {
    (0..n)
        .map(|i| song(&format!("{prefix}-{i}"), mood, language))
        .collect()
}

fn recommender(languages: &[&str], allow_unknown: bool, policy: PolicyName) -> Recommender {
    Recommender::from_config(&LibraryConfig {
        languages: languages.iter().map(|l| l.to_string()).collect(),
        allow_unknown_language: allow_unknown,
        policy,
        no_repeat_window: 5,
        ..LibraryConfig::default()
    })
}

fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

fn names(songs: &[Song]) -> Vec<String> {
    songs.iter().map(|s| s.title.clone()).collect()
}

fn prefixes(songs: &[Song]) -> Vec<String> {
    songs
        .iter()
        .map(|s| s.title.split('-').next().unwrap().to_string())
        .collect()
}

fn library() -> Vec<Song> {
    [
        songs("ta", 3, Mood::Happy, Some("ta")),
        songs("en", 5, Mood::Happy, Some("en")),
        songs("hi", 3, Mood::Happy, Some("hi")),
        songs("xx", 4, Mood::Happy, None),
        songs("tasad", 4, Mood::Sad, Some("ta")),
        songs("tacalm", 4, Mood::Calm, Some("ta")),
        songs("encalm", 2, Mood::Calm, Some("en")),
        songs("taenergetic", 2, Mood::Energetic, Some("ta")),
    ]
    .concat()
}

#[test]
fn preferred_languages_come_first_in_their_order() {
    let r = recommender(&["ta", "en"], true, PolicyName::Match);
    let rec = r.choose(
        &library(),
        &History::default(),
        Emotion::Happy,
        6,
        &mut rng(1),
    );
    assert_eq!(prefixes(&rec.songs), ["ta", "ta", "ta", "en", "en", "en"]);
    assert_eq!(rec.fallback, None);

    // Unknown language after the listed ones; Hindi is not listed, so it never plays.
    let rec = r.choose(
        &library(),
        &History::default(),
        Emotion::Happy,
        12,
        &mut rng(1),
    );
    assert_eq!(
        prefixes(&rec.songs),
        ["ta", "ta", "ta", "en", "en", "en", "en", "en", "xx", "xx", "xx", "xx"]
    );

    // Reversed preference, reversed order.
    let r = recommender(&["en", "ta"], true, PolicyName::Match);
    let rec = r.choose(
        &library(),
        &History::default(),
        Emotion::Happy,
        6,
        &mut rng(1),
    );
    assert_eq!(prefixes(&rec.songs), ["en", "en", "en", "en", "en", "ta"]);
}

#[test]
fn unknown_language_plays_only_when_allowed() {
    let r = recommender(&["ta", "en"], false, PolicyName::Match);
    let rec = r.choose(
        &library(),
        &History::default(),
        Emotion::Happy,
        12,
        &mut rng(2),
    );
    let got = prefixes(&rec.songs);
    assert_eq!(&got[..8], ["ta", "ta", "ta", "en", "en", "en", "en", "en"]);
    assert!(!got[..8].contains(&"xx".to_string()));
    // Not enough happy songs in ta/en: neighbouring moods in ta/en fill the queue first.
    assert!(
        got[8..]
            .iter()
            .all(|p| ["tacalm", "encalm", "taenergetic"].contains(&p.as_str())),
        "{got:?}"
    );
    let why = rec.fallback.expect("the queue says what it relaxed");
    assert!(
        why.contains("only 8 songs matched happy") && why.contains("neighbouring"),
        "{why}"
    );
}

#[test]
fn a_language_preference_of_nothing_welcomes_every_language() {
    let r = recommender(&[], true, PolicyName::Match);
    let rec = r.choose(
        &library(),
        &History::default(),
        Emotion::Happy,
        15,
        &mut rng(3),
    );
    assert_eq!(rec.songs.len(), 15);
    assert!(rec.songs.iter().all(|s| s.mood == Mood::Happy));
    assert!(
        rec.songs[..11].iter().all(|s| s.language.is_some()),
        "known languages first"
    );
}

#[test]
fn the_match_policy_mirrors_the_face() {
    let r = recommender(&["ta"], true, PolicyName::Match);
    let lib = library();
    let h = History::default();
    let moods = |e: Emotion, n: usize| -> Vec<Mood> {
        r.choose(&lib, &h, e, n, &mut rng(4))
            .songs
            .iter()
            .map(|s| s.mood)
            .collect()
    };
    assert_eq!(moods(Emotion::Sad, 3), [Mood::Sad; 3]);
    assert_eq!(moods(Emotion::Angry, 2), [Mood::Energetic; 2]);
    assert_eq!(moods(Emotion::Surprise, 2), [Mood::Energetic; 2]);
    assert_eq!(moods(Emotion::Fear, 3), [Mood::Calm; 3]);
    assert_eq!(moods(Emotion::Disgust, 3), [Mood::Calm; 3]);
    assert_eq!(
        moods(Emotion::Neutral, 4),
        [Mood::Calm, Mood::Calm, Mood::Happy, Mood::Happy]
    );
}

#[test]
fn the_uplift_policy_plays_calm_then_happy_for_sadness() {
    let r = recommender(&["ta"], true, PolicyName::Uplift);
    let rec = r.choose(
        &library(),
        &History::default(),
        Emotion::Sad,
        5,
        &mut rng(5),
    );
    assert_eq!(rec.policy, "uplift");
    assert_eq!(rec.moods, [Mood::Calm, Mood::Happy]);
    let moods: Vec<Mood> = rec.songs.iter().map(|s| s.mood).collect();
    assert_eq!(
        moods,
        [Mood::Calm, Mood::Calm, Mood::Calm, Mood::Happy, Mood::Happy]
    );
    let rec = r.choose(
        &library(),
        &History::default(),
        Emotion::Angry,
        3,
        &mut rng(5),
    );
    assert!(rec.songs.iter().all(|s| s.mood == Mood::Calm));
}

#[test]
fn a_policy_table_from_config_overrides_single_rows() {
    let config = Config::parse_for(
        "[library]\npolicy = \"uplift\"\nlanguages = [\"tamil\"]\n\n[library.policy_overrides]\nangry = [\"energetic\"]\n",
        Path::new("test.toml"),
        Scope::Library,
    )
    .unwrap()
    .library;
    let r = Recommender::from_config(&config);
    assert_eq!(
        r.policy,
        MoodPolicy::new(PolicyName::Uplift).with_override(Emotion::Angry, vec![Mood::Energetic])
    );
    let rec = r.choose(
        &library(),
        &History::default(),
        Emotion::Angry,
        2,
        &mut rng(6),
    );
    assert_eq!(rec.policy, "uplift+overrides");
    assert!(rec
        .songs
        .iter()
        .all(|s| s.mood == Mood::Energetic && s.language.as_deref() == Some("ta")));
    let rec = r.choose(
        &library(),
        &History::default(),
        Emotion::Sad,
        2,
        &mut rng(6),
    );
    assert_eq!(
        rec.songs.iter().map(|s| s.mood).collect::<Vec<_>>(),
        [Mood::Calm, Mood::Happy]
    );
}

#[test]
fn no_song_repeats_within_the_window() {
    let r = recommender(&[], true, PolicyName::Match); // window of 5
    let lib = songs("happy", 8, Mood::Happy, Some("en"));
    let mut history = History::default();
    let mut played: Vec<PathBuf> = Vec::new();
    let mut rng = rng(7);
    for _ in 0..200 {
        let rec = r.choose(&lib, &history, Emotion::Happy, 1, &mut rng);
        assert_eq!(rec.fallback, None, "8 songs are enough for a window of 5");
        let path = rec.songs[0].path.clone();
        let recent: Vec<&PathBuf> = played.iter().rev().take(5).collect();
        assert!(
            !recent.contains(&&path),
            "{} repeated within 5 plays",
            path.display()
        );
        played.push(path.clone());
        history.recent_plays.insert(0, path);
        history.recent_plays.truncate(5);
    }
    // All songs get their turn.
    let distinct: std::collections::HashSet<_> = played.iter().collect();
    assert_eq!(distinct.len(), 8);
}

#[test]
fn when_every_song_was_just_played_the_oldest_play_comes_back_first() {
    let r = recommender(&[], true, PolicyName::Match);
    let lib = songs("happy", 3, Mood::Happy, Some("en"));
    let history = History {
        // newest first: happy-1, happy-0, happy-2
        recent_plays: ["happy-1", "happy-0", "happy-2"]
            .iter()
            .map(|n| PathBuf::from(format!("/music/{n}.mp3")))
            .collect(),
        skips: HashMap::new(),
    };
    let rec = r.choose(&lib, &history, Emotion::Happy, 3, &mut rng(8));
    assert_eq!(names(&rec.songs), ["happy-2", "happy-0", "happy-1"]);
    let why = rec.fallback.unwrap();
    assert!(
        why.contains("recently played") && why.contains("window of 5"),
        "{why}"
    );
}

#[test]
fn skipped_songs_are_chosen_less_often_for_that_mood() {
    let r = recommender(&[], true, PolicyName::Match); // skip penalty 0.5
    let lib = songs("happy", 4, Mood::Happy, Some("en"));
    let skipped = lib[0].path.clone();
    let mut history = History::default();
    history.skips.insert((skipped.clone(), Mood::Happy), 3);
    let mut rng = rng(9);
    let trials = 4000;
    let picks = (0..trials)
        .filter(|_| r.choose(&lib, &history, Emotion::Happy, 1, &mut rng).songs[0].path == skipped)
        .count();
    // weight 0.5^3 = 0.125 against 1, 1, 1: expected share 0.125 / 3.125 = 4 %.
    let share = picks as f64 / trials as f64;
    assert!(
        (0.02..0.07).contains(&share),
        "the skipped song was picked {share:.3} of the time"
    );

    // Skips under another mood do not count against it here.
    let mut other = History::default();
    other.skips.insert((skipped.clone(), Mood::Calm), 3);
    let picks = (0..trials)
        .filter(|_| r.choose(&lib, &other, Emotion::Happy, 1, &mut rng).songs[0].path == skipped)
        .count();
    let share = picks as f64 / trials as f64;
    assert!(
        (0.21..0.29).contains(&share),
        "share {share:.3}, expected about 25 %"
    );
}

#[test]
fn the_queue_is_never_empty_while_a_song_can_play() {
    // Only one song, in a language nobody asked for and the wrong mood.
    let lib = vec![song("lonely", Mood::Energetic, Some("fr"))];
    let r = recommender(&["ta"], false, PolicyName::Uplift);
    for emotion in Emotion::ALL {
        let rec = r.choose(&lib, &History::default(), emotion, 5, &mut rng(10));
        assert_eq!(names(&rec.songs), ["lonely"], "{emotion}");
        assert!(
            rec.fallback.is_some(),
            "{emotion}: the fallback is explained"
        );
    }
    let rec = r.choose(&[], &History::default(), Emotion::Sad, 5, &mut rng(10));
    assert!(rec.songs.is_empty());
    assert!(rec.fallback.unwrap().contains("no playable songs"));
}

#[test]
fn fallbacks_follow_the_documented_order() {
    // Sad wanted in Tamil: 1 fresh sad ta song, 1 recently played sad ta song, a calm ta song
    // (neighbour), a happy ta song (other mood), and a sad en song (other language).
    let lib = vec![
        song("sad-fresh", Mood::Sad, Some("ta")),
        song("sad-played", Mood::Sad, Some("ta")),
        song("calm-ta", Mood::Calm, Some("ta")),
        song("happy-ta", Mood::Happy, Some("ta")),
        song("sad-en", Mood::Sad, Some("en")),
    ];
    let history = History {
        recent_plays: vec![PathBuf::from("/music/sad-played.mp3")],
        skips: HashMap::new(),
    };
    let r = recommender(&["ta"], false, PolicyName::Match);
    let rec = r.choose(&lib, &history, Emotion::Sad, 5, &mut rng(11));
    assert_eq!(
        names(&rec.songs),
        ["sad-fresh", "calm-ta", "sad-played", "happy-ta", "sad-en"]
    );
    let why = rec.fallback.unwrap();
    let order = [
        "neighbouring",
        "recently played",
        "other moods",
        "other or unknown languages",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|w| why.find(w).unwrap_or_else(|| panic!("{why}")))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{why}");
}

#[test]
fn the_same_seed_gives_the_same_queue() {
    let r = recommender(&[], true, PolicyName::Match);
    let lib = songs("happy", 30, Mood::Happy, Some("en"));
    let a = r.choose(&lib, &History::default(), Emotion::Happy, 10, &mut rng(12));
    let b = r.choose(&lib, &History::default(), Emotion::Happy, 10, &mut rng(12));
    let c = r.choose(&lib, &History::default(), Emotion::Happy, 10, &mut rng(13));
    assert_eq!(a, b);
    assert_ne!(names(&a.songs), names(&c.songs));
}
