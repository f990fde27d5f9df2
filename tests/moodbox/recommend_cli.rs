//! `moodbox library index|list` and `moodbox recommend` end to end: a real library on disk, a
//! config file, the SQLite play and skip history, and the JSON the commands print.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use moodbox::library::{recommend_from_index, LibraryIndex};
use moodbox_core::config::{Config, Scope};
use moodbox_core::mood::Mood;
use moodbox_core::recommend::Recommender;
use moodbox_core::Emotion;
use support::library_audio::{song_file, tone};

struct Setup {
    _dir: tempfile::TempDir,
    music: PathBuf,
    db: PathBuf,
    config: PathBuf,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let music = dir.path().join("music");
    for (folder, n) in [
        ("Tamil/happy", 3),
        ("english/Joyful", 3),
        ("ta/sad", 2),
        ("calm", 2),
    ] {
        for i in 0..n {
            song_file(&music, &format!("{folder}/song-{i}.wav"), &tone(1.0));
        }
    }
    let db = dir.path().join("library.sqlite3");
    let config = dir.path().join("moodbox.toml");
    std::fs::write(
        &config,
        format!(
            "# a whole moodbox config: other sections belong to other parts\n\
             [vision]\nscore_threshold = 0.6\n\n\
             [library]\nmusic_dir = {music:?}\nindex = {db:?}\nlanguages = [\"ta\", \"en\"]\n\
             policy = \"uplift\"\nno_repeat_window = 2\n"
        ),
    )
    .unwrap();
    Setup {
        _dir: dir,
        music,
        db,
        config,
    }
}

fn moodbox(args: &[&str], config: &Path) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_moodbox"))
        .args(args)
        .arg("--config")
        .arg(config)
        .output()
        .unwrap();
    output
}

fn json_lines(output: &Output) -> Vec<Value> {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn language_of(song: &Value) -> &str {
    song["language"].as_str().unwrap_or("-")
}

#[test]
fn scan_list_and_recommend_speak_json() {
    let s = setup();
    let summary = &json_lines(&moodbox(&["library", "index", "--json"], &s.config))[0];
    assert_eq!(summary["added"], 10);
    assert_eq!(summary["songs"], 10);
    assert_eq!(summary["skipped"], Value::Array(vec![]));

    let tamil_happy = json_lines(&moodbox(
        &[
            "library",
            "list",
            "--json",
            "--mood",
            "happy",
            "--language",
            "tamil",
        ],
        &s.config,
    ));
    assert_eq!(tamil_happy.len(), 3);
    for song in &tamil_happy {
        for key in [
            "path",
            "title",
            "artist",
            "language",
            "mood",
            "mood_source",
            "valence",
            "arousal",
            "bpm",
            "duration_s",
        ] {
            assert!(song.get(key).is_some(), "{key} missing from {song}");
        }
        assert_eq!(song["mood"], "happy");
        assert_eq!(song["language"], "ta");
        assert_eq!(song["mood_source"], "folder");
        assert!(song["path"].as_str().unwrap().contains("/Tamil/happy/"));
    }

    let rec = &json_lines(&moodbox(
        &[
            "recommend",
            "--emotion",
            "happy",
            "--count",
            "4",
            "--seed",
            "1",
            "--json",
        ],
        &s.config,
    ))[0];
    assert_eq!(rec["emotion"], "happy");
    assert_eq!(rec["policy"], "uplift");
    let songs = rec["songs"].as_array().unwrap();
    let languages: Vec<&str> = songs.iter().map(language_of).collect();
    assert_eq!(languages, ["ta", "ta", "ta", "en"]);
    for song in songs {
        for key in ["path", "title", "mood", "language"] {
            assert!(song.get(key).is_some(), "{key} missing from {song}");
        }
        assert_eq!(song["mood"], "happy");
    }

    // --language replaces the preference list.
    let rec = &json_lines(&moodbox(
        &[
            "recommend",
            "--emotion",
            "happy",
            "--count",
            "3",
            "--language",
            "english",
            "--json",
        ],
        &s.config,
    ))[0];
    let languages: Vec<&str> = rec["songs"]
        .as_array()
        .unwrap()
        .iter()
        .map(language_of)
        .collect();
    assert_eq!(languages, ["en", "en", "en"]);

    // Uplift: a sad face hears calm songs (unknown language, allowed), then happy ones.
    let rec = &json_lines(&moodbox(
        &["recommend", "--emotion", "sad", "--count", "4", "--json"],
        &s.config,
    ))[0];
    assert_eq!(rec["moods"], serde_json::json!(["calm", "happy"]));
    let moods: Vec<&str> = rec["songs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["mood"].as_str().unwrap())
        .collect();
    assert_eq!(moods, ["calm", "calm", "happy", "happy"]);
}

#[test]
fn plays_and_skips_in_the_index_steer_the_next_queue() {
    let s = setup();
    let config = Config::load_for(&s.config, Scope::Library).unwrap().library;
    let mut index = LibraryIndex::open(&s.db).unwrap();
    index.index_music(&s.music, &mut |_| {}).unwrap();
    let recommender = Recommender::from_config(&config);
    let tamil = |i: usize| {
        s.music
            .canonicalize()
            .unwrap()
            .join(format!("Tamil/happy/song-{i}.wav"))
    };

    // The two latest plays (the window) are not offered again.
    index
        .record_play(&tamil(0), Some(Emotion::Happy), Some(Mood::Happy))
        .unwrap();
    index
        .record_play(&tamil(1), Some(Emotion::Happy), Some(Mood::Happy))
        .unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let rec =
        recommend_from_index(&recommender, &index, Emotion::Happy, Some(3), &mut rng).unwrap();
    let paths: Vec<&Path> = rec.songs.iter().map(|s| s.path.as_path()).collect();
    assert_eq!(paths[0], tamil(2));
    assert!(!paths.contains(&tamil(0).as_path()) && !paths.contains(&tamil(1).as_path()));
    assert_eq!(
        rec.songs
            .iter()
            .filter(|s| s.language.as_deref() == Some("en"))
            .count(),
        2
    );

    // Two more plays push song-0 out of the window: it may come back.
    let english = s
        .music
        .canonicalize()
        .unwrap()
        .join("english/Joyful/song-0.wav");
    index
        .record_play(&english, Some(Emotion::Happy), Some(Mood::Happy))
        .unwrap();
    index
        .record_play(&english, Some(Emotion::Happy), Some(Mood::Happy))
        .unwrap();
    let history = index.history(config.no_repeat_window).unwrap();
    assert_eq!(history.recent_plays, vec![english.clone(), english.clone()]);

    // Skipping a Tamil happy song three times makes it rare as a first pick.
    for _ in 0..3 {
        index.record_skip(&tamil(2), Mood::Happy).unwrap();
    }
    let history = index.history(2).unwrap();
    assert_eq!(history.skip_count(&tamil(2), Mood::Happy), 3);
    assert_eq!(history.skip_count(&tamil(2), Mood::Calm), 0);
    let mut first_picks = [0usize; 3];
    for seed in 0..600 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let rec =
            recommend_from_index(&recommender, &index, Emotion::Happy, Some(1), &mut rng).unwrap();
        let i = (0..3)
            .find(|&i| rec.songs[0].path == tamil(i))
            .expect("a Tamil song comes first");
        first_picks[i] += 1;
    }
    // weights 1 : 1 : 0.125
    assert!(first_picks[2] * 4 < first_picks[0], "{first_picks:?}");
    assert!(first_picks[2] * 4 < first_picks[1], "{first_picks:?}");
}

#[test]
fn a_bad_library_section_names_the_file_and_the_key() {
    let s = setup();
    std::fs::write(&s.config, "[library]\nlanguages = [\"ta\", \"klingon\"]\n").unwrap();
    let out = moodbox(&["library", "list"], &s.config);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("moodbox.toml")
            && err.contains("library.languages[1]")
            && err.contains("hint"),
        "{err}"
    );

    std::fs::write(&s.config, "[library]\nno_repeat = 3\n").unwrap();
    let out = moodbox(&["recommend", "--emotion", "sad"], &s.config);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("moodbox.toml:2") && err.contains("no_repeat"),
        "{err}"
    );
}

#[test]
fn an_unknown_emotion_lists_the_seven() {
    let s = setup();
    let out = moodbox(&["recommend", "--emotion", "joy"], &s.config);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("joy") && err.contains("neutral"), "{err}");
}

#[test]
fn index_prints_a_summary_with_skip_reasons() {
    let s = setup();
    std::fs::write(s.music.join("calm/readme.mp3"), "not audio\n".repeat(30)).unwrap();
    let out = moodbox(&["library", "index"], &s.config);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("added 10, updated 0, removed 0, unchanged 0, skipped 1"),
        "{text}"
    );
    assert!(
        text.contains("readme.mp3: not a readable audio file"),
        "{text}"
    );
    assert!(text.contains("10 songs"), "{text}");
}

#[test]
fn the_old_name_library_scan_still_indexes_with_a_warning() {
    let s = setup();
    let out = moodbox(&["library", "scan"], &s.config);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`library scan` is now `library index`"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("10 songs"));
}
