//! Indexing a real library written to a temp folder: tagged MP3/FLAC/Ogg/WAV/M4A files,
//! untagged files in mood and language folders, untagged synthetic songs, and broken files;
//! then indexing again, incrementally.

use crate::support;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use moodbox::library::{IndexReport, LibraryIndex};
use moodbox::synth::{self, SongRecipe};
use moodbox_core::mood::Mood;
use moodbox_core::song::MoodSource;
use moodbox_core::song::Song;
use moodbox_core::song::SongFilter;
use support::library_audio::{song_file, tone, write_tags, Tags, SAMPLE_RATE};

struct Library {
    _dir: tempfile::TempDir,
    music: PathBuf,
    db: PathBuf,
}

impl Library {
    fn path(&self, relative: &str) -> PathBuf {
        self.music.join(relative)
    }
}

fn tagged(music: &Path, relative: &str, tags: Tags<'_>) -> PathBuf {
    let path = song_file(music, relative, &tone(3.0));
    write_tags(&path, &tags);
    path
}

/// The library every test here starts from.
fn build_library() -> Library {
    let dir = tempfile::tempdir().unwrap();
    let music = dir.path().join("music");
    let db = dir.path().join("state").join("library.sqlite3");

    // Tagged files, one per container, mood and language in the format's own tag frames.
    tagged(
        &music,
        "tagged/sunrise.mp3",
        Tags {
            title: Some("Sunrise"),
            artist: Some("Ilaiyaraaja"),
            album: Some("Mornings"),
            genre: Some("Film"),
            language: Some("tam"),
            mood: Some("Joyful"),
        },
    );
    tagged(
        &music,
        "tagged/rain.flac",
        Tags {
            title: Some("Rain"),
            artist: Some("Lata"),
            language: Some("Hindi"),
            mood: Some("melancholic"),
            ..Tags::default()
        },
    );
    tagged(
        &music,
        "tagged/shore.ogg",
        Tags {
            title: Some("Shore"),
            language: Some("en"),
            mood: Some("Relaxing"),
            ..Tags::default()
        },
    );
    tagged(
        &music,
        "tagged/storm.wav",
        Tags {
            title: Some("Storm"),
            language: Some("eng"),
            mood: Some("Aggressive"),
            ..Tags::default()
        },
    );
    // A language tag without a mood inside a mood folder; a mood tag that beats its folder.
    tagged(
        &music,
        "Happy/lang-only.mp3",
        Tags {
            title: Some("Lang only"),
            language: Some("hin"),
            ..Tags::default()
        },
    );
    tagged(
        &music,
        "Sad/tag-wins.ogg",
        Tags {
            title: Some("Tag wins"),
            mood: Some("happy"),
            ..Tags::default()
        },
    );

    // Untagged files in language/mood folders.
    song_file(&music, "Tamil/Relaxing/veenai.wav", &tone(3.0));
    song_file(&music, "hi/SAD/viraha.flac", &tone(3.0));
    song_file(&music, "Intense/drive.ogg", &tone(3.0));

    // Untagged synthetic songs: only the sound says the mood.
    let happy = synth::render(&SongRecipe::happy(7, 20.0), SAMPLE_RATE);
    let sad = synth::render(&SongRecipe::sad(7, 20.0), SAMPLE_RATE);
    song_file(&music, "untagged/bright.wav", &happy);
    song_file(&music, "untagged/dark.mp3", &sad);
    song_file(&music, "English/unsorted/bright-en.flac", &happy);

    // Broken files.
    let whole = song_file(&music, "broken/truncated.flac", &tone(10.0));
    let bytes = std::fs::read(&whole).unwrap();
    std::fs::write(&whole, &bytes[..bytes.len() / 3]).unwrap();
    std::fs::write(music.join("broken/empty.mp3"), b"").unwrap();
    std::fs::write(
        music.join("broken/notes.mp3"),
        "shopping list: milk, eggs\n".repeat(50),
    )
    .unwrap();

    // Not songs at all: ignored, not skipped.
    std::fs::write(music.join("tagged/cover.jpg"), b"\xFF\xD8\xFF").unwrap();
    song_file(&music, ".trash/old.wav", &tone(1.0));

    Library {
        _dir: dir,
        music,
        db,
    }
}

fn index_music(lib: &Library) -> IndexReport {
    let mut index = LibraryIndex::open(&lib.db).unwrap();
    index.index_music(&lib.music, &mut |_| {}).unwrap()
}

fn song(index: &LibraryIndex, lib: &Library, relative: &str) -> Song {
    let path = lib.path(relative).canonicalize().unwrap();
    index
        .song(&path)
        .unwrap()
        .unwrap_or_else(|| panic!("{relative} is not in the index"))
}

fn check(song: &Song, mood: Mood, source: MoodSource, language: Option<&str>) {
    let name = song.path.display();
    assert_eq!(song.mood, mood, "{name}: mood");
    assert_eq!(song.mood_source, source, "{name}: mood source");
    assert_eq!(song.language.as_deref(), language, "{name}: language");
    assert!(
        (-1.0..=1.0).contains(&song.valence),
        "{name}: valence {}",
        song.valence
    );
    assert!(
        (-1.0..=1.0).contains(&song.arousal),
        "{name}: arousal {}",
        song.arousal
    );
    assert_eq!(
        Mood::from_valence_arousal(song.valence, song.arousal),
        mood,
        "{name}: quadrant"
    );
}

#[test]
fn a_first_scan_indexes_every_song_and_skips_the_broken_files() {
    let lib = build_library();
    let report = index_music(&lib);
    assert_eq!(report.files, 15, "{report:#?}");
    assert_eq!(report.added, 12, "{report:#?}");
    assert_eq!(
        (report.updated, report.removed, report.unchanged),
        (0, 0, 0)
    );
    let index = LibraryIndex::open(&lib.db).unwrap();
    assert_eq!(index.song_count().unwrap(), 12);

    let s = song(&index, &lib, "tagged/sunrise.mp3");
    check(&s, Mood::Happy, MoodSource::Tag, Some("ta"));
    assert_eq!(s.title, "Sunrise");
    assert_eq!(s.artist.as_deref(), Some("Ilaiyaraaja"));
    assert_eq!(s.album.as_deref(), Some("Mornings"));
    assert_eq!(s.genre.as_deref(), Some("Film"));
    assert_eq!(s.confidence, 1.0);
    let duration = s.duration_s.unwrap();
    assert!((duration - 3.0).abs() < 0.2, "duration {duration}");

    check(
        &song(&index, &lib, "tagged/rain.flac"),
        Mood::Sad,
        MoodSource::Tag,
        Some("hi"),
    );
    check(
        &song(&index, &lib, "tagged/shore.ogg"),
        Mood::Calm,
        MoodSource::Tag,
        Some("en"),
    );
    check(
        &song(&index, &lib, "tagged/storm.wav"),
        Mood::Energetic,
        MoodSource::Tag,
        Some("en"),
    );
    check(
        &song(&index, &lib, "Happy/lang-only.mp3"),
        Mood::Happy,
        MoodSource::Folder,
        Some("hi"),
    );
    check(
        &song(&index, &lib, "Sad/tag-wins.ogg"),
        Mood::Happy,
        MoodSource::Tag,
        None,
    );

    let veenai = song(&index, &lib, "Tamil/Relaxing/veenai.wav");
    check(&veenai, Mood::Calm, MoodSource::Folder, Some("ta"));
    assert_eq!(
        veenai.title, "veenai",
        "untagged songs are named after the file"
    );
    check(
        &song(&index, &lib, "hi/SAD/viraha.flac"),
        Mood::Sad,
        MoodSource::Folder,
        Some("hi"),
    );
    check(
        &song(&index, &lib, "Intense/drive.ogg"),
        Mood::Energetic,
        MoodSource::Folder,
        None,
    );

    for (relative, mood, language) in [
        ("untagged/bright.wav", Mood::Happy, None),
        ("untagged/dark.mp3", Mood::Sad, None),
        ("English/unsorted/bright-en.flac", Mood::Happy, Some("en")),
    ] {
        let s = song(&index, &lib, relative);
        check(&s, mood, MoodSource::Analysis, language);
        assert!(s.bpm.is_some(), "{relative}: analysis measures the tempo");
        assert!(
            s.confidence > 0.0 && s.confidence <= 1.0,
            "{relative}: confidence {}",
            s.confidence
        );
    }

    let skipped = index.skipped().unwrap();
    let reason = |name: &str| {
        skipped
            .iter()
            .find(|s| s.path.ends_with(name))
            .map(|s| s.reason.clone())
            .unwrap_or_else(|| panic!("{name} is not among the skipped files: {skipped:#?}"))
    };
    assert_eq!(skipped.len(), 3, "{skipped:#?}");
    assert!(
        reason("truncated.flac").contains("truncated")
            || reason("truncated.flac").contains("decode"),
        "{}",
        reason("truncated.flac")
    );
    assert!(
        reason("empty.mp3").contains("empty"),
        "{}",
        reason("empty.mp3")
    );
    assert!(!reason("notes.mp3").is_empty());
    assert_eq!(report.skipped.len(), 3);
    assert!(index.integrity_ok().unwrap());
}

#[test]
fn filters_select_by_mood_and_language() {
    let lib = build_library();
    index_music(&lib);
    let index = LibraryIndex::open(&lib.db).unwrap();
    let names = |filter: SongFilter| -> Vec<String> {
        index
            .songs(&filter)
            .unwrap()
            .iter()
            .map(|s| s.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    };
    let mut happy_hi = names(SongFilter::all().mood(Mood::Happy).language("hi"));
    happy_hi.sort();
    assert_eq!(happy_hi, ["lang-only.mp3"]);
    let mut tamil = names(SongFilter::all().language("ta"));
    tamil.sort();
    assert_eq!(tamil, ["sunrise.mp3", "veenai.wav"]);
    assert_eq!(names(SongFilter::all()).len(), 12);
}

#[test]
fn an_unchanged_library_is_not_read_again() {
    let lib = build_library();
    index_music(&lib);
    let again = index_music(&lib);
    assert_eq!(
        (again.added, again.updated, again.removed),
        (0, 0, 0),
        "{again:#?}"
    );
    assert_eq!(again.unchanged, 15);
    assert_eq!(again.still_skipped, 3);
    assert!(
        again.skipped.is_empty(),
        "skipped files are not retried until they change"
    );

    // Change the mood tag but keep size and modification time: the scan must trust the
    // stamps and not open the file.
    let path = lib.path("tagged/sunrise.mp3");
    let before = std::fs::metadata(&path).unwrap();
    write_tags(
        &path,
        &Tags {
            title: Some("Sunrise"),
            artist: Some("Ilaiyaraaja"),
            album: Some("Mornings"),
            genre: Some("Film"),
            language: Some("tam"),
            mood: Some("Gloomy"),
        },
    );
    assert_eq!(
        std::fs::metadata(&path).unwrap().len(),
        before.len(),
        "same length tag"
    );
    set_mtime(&path, before.modified().unwrap());
    let report = index_music(&lib);
    assert_eq!(report.unchanged, 15);
    let index = LibraryIndex::open(&lib.db).unwrap();
    assert_eq!(song(&index, &lib, "tagged/sunrise.mp3").mood, Mood::Happy);

    // A new modification time makes it changed: re-read, now sad.
    set_mtime(&path, before.modified().unwrap() + Duration::from_secs(60));
    let report = index_music(&lib);
    assert_eq!((report.updated, report.unchanged), (1, 14), "{report:#?}");
    assert_eq!(song(&index, &lib, "tagged/sunrise.mp3").mood, Mood::Sad);
}

#[test]
fn removed_changed_and_repaired_files_are_followed() {
    let lib = build_library();
    index_music(&lib);
    std::fs::remove_file(lib.path("tagged/rain.flac")).unwrap();
    std::fs::remove_file(lib.path("broken/empty.mp3")).unwrap();
    // Replace the text file with a real song, and give a folder song a mood tag.
    song_file(&lib.music, "broken/notes.mp3", &tone(2.0));
    write_tags(
        &lib.path("broken/notes.mp3"),
        &Tags {
            mood: Some("calm"),
            ..Tags::default()
        },
    );
    write_tags(
        &lib.path("hi/SAD/viraha.flac"),
        &Tags {
            mood: Some("peaceful"),
            ..Tags::default()
        },
    );

    let report = index_music(&lib);
    assert_eq!(
        report.removed, 1,
        "only songs count as removed: {report:#?}"
    );
    assert_eq!(report.updated, 2, "{report:#?}");
    assert_eq!(report.files, 13);
    let index = LibraryIndex::open(&lib.db).unwrap();
    assert!(index
        .song(&lib.music.canonicalize().unwrap().join("tagged/rain.flac"))
        .unwrap()
        .is_none());
    check(
        &song(&index, &lib, "broken/notes.mp3"),
        Mood::Calm,
        MoodSource::Tag,
        None,
    );
    check(
        &song(&index, &lib, "hi/SAD/viraha.flac"),
        Mood::Calm,
        MoodSource::Tag,
        Some("hi"),
    );
    let skipped = index.skipped().unwrap();
    assert_eq!(skipped.len(), 1, "{skipped:#?}");
    assert!(skipped[0].path.ends_with("truncated.flac"));
}

#[test]
fn a_missing_music_folder_is_an_error_that_names_it_and_keeps_the_index() {
    let lib = build_library();
    index_music(&lib);
    let mut index = LibraryIndex::open(&lib.db).unwrap();
    let missing = lib.music.join("not-here");
    let err = index
        .index_music(&missing, &mut |_| {})
        .unwrap_err()
        .to_string();
    assert!(err.contains("not-here"), "{err}");
    assert_eq!(index.song_count().unwrap(), 12);
}

#[test]
fn progress_reports_every_file_examined() {
    let lib = build_library();
    let mut index = LibraryIndex::open(&lib.db).unwrap();
    let mut seen = Vec::new();
    let report = index
        .index_music(&lib.music, &mut |p| seen.push(p))
        .unwrap();
    let examined: Vec<_> = seen.iter().filter(|p| p.path.is_some()).collect();
    assert_eq!(examined.len(), report.files);
    assert!(examined
        .iter()
        .enumerate()
        .all(|(i, p)| p.done == i && p.total == report.files));
}

#[test]
fn files_cut_short_are_skipped_as_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let music = dir.path().join("music");
    for ext in ["wav", "mp3", "flac", "ogg"] {
        let path = song_file(&music, &format!("calm/cut.{ext}"), &tone(10.0));
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() * 2 / 5]).unwrap();
    }
    let mut index = LibraryIndex::open(&dir.path().join("index.sqlite3")).unwrap();
    let report = index.index_music(&music, &mut |_| {}).unwrap();
    for ext in ["wav", "mp3", "flac"] {
        let skipped = report
            .skipped
            .iter()
            .find(|s| s.path.extension().unwrap() == ext)
            .unwrap_or_else(|| panic!("cut.{ext} was not skipped: {report:#?}"));
        assert!(
            skipped.reason.starts_with("truncated"),
            "{ext}: {}",
            skipped.reason
        );
    }
    // Ogg has no length in its headers (it is read from the last page), so a cut Ogg file is
    // a shorter stream that still plays: it is kept, never with the uncut length.
    let ogg = index.songs(&SongFilter::all()).unwrap();
    assert_eq!(ogg.len(), 1, "{report:#?}");
    assert!(
        ogg[0].duration_s.is_none_or(|d| d < 5.0),
        "{:?}",
        ogg[0].duration_s
    );
}

fn set_mtime(path: &Path, when: SystemTime) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(when).unwrap();
}

#[test]
fn aac_files_are_read_from_their_tags_folders_and_sound() {
    let dir = tempfile::tempdir().unwrap();
    let music = dir.path().join("music");
    tagged(
        &music,
        "tagged/dawn.m4a",
        Tags {
            title: Some("Dawn"),
            artist: Some("A. R. Rahman"),
            album: Some("Roja"),
            language: Some("Tamil"),
            mood: Some("peaceful"),
            ..Tags::default()
        },
    );
    song_file(&music, "hi/Joyful/holi.m4a", &tone(3.0));
    song_file(&music, "calm/raw.aac", &tone(3.0));
    let sad = synth::render(&SongRecipe::sad(3, 20.0), SAMPLE_RATE);
    song_file(&music, "untagged/dusk.m4a", &sad);
    let whole = song_file(&music, "broken/cut.m4a", &tone(10.0));
    let bytes = std::fs::read(&whole).unwrap();
    std::fs::write(&whole, &bytes[..bytes.len() * 2 / 5]).unwrap();

    let mut index = LibraryIndex::open(&dir.path().join("index.sqlite3")).unwrap();
    let report = index.index_music(&music, &mut |_| {}).unwrap();
    println!("{report:#?}");
    let song = |relative: &str| {
        let path = music.join(relative).canonicalize().unwrap();
        index
            .song(&path)
            .unwrap()
            .unwrap_or_else(|| panic!("{relative} is not in the index: {report:#?}"))
    };
    let dawn = song("tagged/dawn.m4a");
    check(&dawn, Mood::Calm, MoodSource::Tag, Some("ta"));
    assert_eq!(
        (
            dawn.title.as_str(),
            dawn.artist.as_deref(),
            dawn.album.as_deref()
        ),
        ("Dawn", Some("A. R. Rahman"), Some("Roja"))
    );
    let duration = dawn.duration_s.unwrap();
    assert!((duration - 3.0).abs() < 0.2, "duration {duration}");
    check(
        &song("hi/Joyful/holi.m4a"),
        Mood::Happy,
        MoodSource::Folder,
        Some("hi"),
    );
    check(&song("calm/raw.aac"), Mood::Calm, MoodSource::Folder, None);
    let dusk = song("untagged/dusk.m4a");
    check(&dusk, Mood::Sad, MoodSource::Analysis, None);
    assert!(
        dusk.bpm.is_some(),
        "analysis decodes AAC and measures the tempo"
    );
    let skipped: Vec<_> = report
        .skipped
        .iter()
        .map(|s| s.path.file_name().unwrap())
        .collect();
    assert_eq!(skipped, ["cut.m4a"], "{report:#?}");
}
