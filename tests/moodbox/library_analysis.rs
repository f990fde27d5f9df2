//! Audio analysis on generated songs written to real files: tempo of click tracks, and the
//! mood of clearly happy and clearly sad synthetic songs.

use crate::support;

use moodbox::library::analysis::Analysis;
use moodbox::synth::{self, SongRecipe};
use moodbox_core::mood::Mood;
use support::library_audio::{write_audio, SAMPLE_RATE};

#[test]
fn click_tracks_from_60_to_180_bpm_are_within_2_percent() {
    let dir = tempfile::tempdir().unwrap();
    let formats = ["wav", "mp3", "flac", "ogg", "m4a"];
    let mut worst = 0.0f32;
    for (i, bpm) in (60..=180).step_by(8).enumerate() {
        let bpm = bpm as f32 + 0.5 * (i % 2) as f32; // not only whole numbers
        let ext = formats[i % formats.len()];
        let path = dir.path().join(format!("click-{bpm}.{ext}"));
        write_audio(&path, &synth::click_track(bpm, 30.0, 44_100), 44_100, 2);
        let analysis = Analysis::of_file(&path, None).unwrap();
        let found = analysis.features.bpm.expect("a click track has a tempo");
        let error = (found - bpm).abs() / bpm;
        println!(
            "{bpm:6.1} BPM ({ext}): found {found:7.2} ({:.2} %)",
            100.0 * error
        );
        worst = worst.max(error);
        assert!(
            error <= 0.02,
            "{bpm} BPM click track ({ext}) analysed as {found} BPM"
        );
    }
    println!("worst tempo error {:.2} %", 100.0 * worst);
}

#[test]
fn clearly_happy_and_sad_songs_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let formats = ["wav", "mp3", "flac", "ogg", "m4a"];
    let mut right = 0;
    let mut total = 0;
    for seed in 0..12u64 {
        for (recipe, expected) in [
            (SongRecipe::happy(seed, 20.0), Mood::Happy),
            (SongRecipe::sad(seed, 20.0), Mood::Sad),
        ] {
            let ext = formats[(seed as usize + total) % formats.len()];
            let path = dir.path().join(format!("{expected}-{seed}.{ext}"));
            write_audio(&path, &synth::render(&recipe, SAMPLE_RATE), SAMPLE_RATE, 1);
            let a = Analysis::of_file(&path, None).unwrap();
            let f = &a.features;
            println!(
                "{expected:5} seed {seed:2} {ext:4}: recipe {:5.1} BPM | found {:>6} BPM, {:4.1}/s, {:5.1} dB, centroid {:6.0} Hz, {:9} ({:+.3}) → v {:+.2} a {:+.2} {} ({:.2})",
                recipe.bpm,
                f.bpm.map_or("-".into(), |b| format!("{b:.1}")),
                f.onsets_per_s,
                f.rms_db,
                f.centroid_hz,
                f.key,
                f.major_minus_minor,
                a.valence,
                a.arousal,
                a.mood,
                a.confidence
            );
            total += 1;
            if a.mood == expected {
                right += 1;
            }
        }
    }
    let accuracy = right as f64 / total as f64;
    println!("{right}/{total} right ({:.0} %)", 100.0 * accuracy);
    assert!(total >= 20);
    assert!(
        accuracy >= 0.9,
        "only {right} of {total} songs got the right mood"
    );
}

#[test]
fn long_songs_are_judged_by_their_middle_minute() {
    // 130 s: sad for 35 s, happy for the middle 60 s, sad again for the last 35 s.
    let sad = synth::render(&SongRecipe::sad(21, 35.0), SAMPLE_RATE);
    let happy = synth::render(&SongRecipe::happy(21, 60.0), SAMPLE_RATE);
    let song: Vec<f32> = [sad.clone(), happy, sad].concat();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.mp3");
    write_audio(&path, &song, SAMPLE_RATE, 1);
    let analysis = Analysis::of_file(&path, Some(130.0)).unwrap();
    assert!(
        (analysis.seconds - 60.0).abs() < 0.5,
        "{} s analysed",
        analysis.seconds
    );
    assert_eq!(analysis.mood, Mood::Happy, "{analysis:#?}");
}
