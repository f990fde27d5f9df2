//! `moodbox bench library`: figures for the music library.
//!
//! - Analysis throughput: seconds of audio analysed per second of CPU on one core (thread CPU
//!   time; decode + features + mood), per container format, on generated 45 s songs at
//!   44.1 kHz stereo, and the song seconds covered per CPU second for a 4-minute song (of
//!   which the middle minute is analysed).
//! - Rescans: the first scan of 1,000 short files in mood folders, then an incremental
//!   rescan of the unchanged library (median of 5).

use std::path::Path;
use std::time::{Duration, Instant};

use moodbox::library::analysis::Analysis;
use moodbox::library::synth::{self, SongRecipe};
use moodbox::library::LibraryIndex;

const RATE: u32 = 44_100;

pub fn run() -> anyhow::Result<()> {
    let dir = tempfile::Builder::new()
        .prefix("moodbox-bench-library-")
        .tempdir()?;
    analysis_throughput(dir.path())?;
    rescan_times(dir.path())
}

fn analysis_throughput(dir: &Path) -> anyhow::Result<()> {
    const SONGS: u64 = 6;
    const SECONDS: f32 = 45.0;
    println!("library analysis: one core, {SONGS} generated songs of {SECONDS} s per format, 44.1 kHz stereo");
    println!(
        "  {:8} {:>7} {:>10} {:>8} {:>12}",
        "format", "songs", "audio s", "cpu s", "x real time"
    );
    let songs: Vec<Vec<f32>> = (0..SONGS)
        .map(|seed| {
            let recipe = if seed % 2 == 0 {
                SongRecipe::happy(seed, SECONDS)
            } else {
                SongRecipe::sad(seed, SECONDS)
            };
            synth::render(&recipe, RATE)
        })
        .collect();
    for ext in ["wav", "mp3", "flac", "ogg", "m4a"] {
        if !synth::encoder_available(ext) {
            println!("  {ext:8} skipped: its encoder is missing (run scripts/setup)");
            continue;
        }
        let mut paths = Vec::new();
        for (i, samples) in songs.iter().enumerate() {
            let path = dir.join(format!("song-{i}.{ext}"));
            synth::write_audio_file(&path, samples, RATE, 2).map_err(anyhow::Error::msg)?;
            paths.push(path);
        }
        let (mut audio, mut cpu) = (0.0f64, Duration::ZERO);
        for path in &paths {
            let start = thread_cpu_time();
            let analysis = Analysis::of_file(path, None).map_err(anyhow::Error::msg)?;
            cpu += thread_cpu_time().saturating_sub(start);
            audio += analysis.seconds;
        }
        println!(
            "  {ext:8} {:>7} {:>10.1} {:>8.3} {:>12.0}",
            paths.len(),
            audio,
            cpu.as_secs_f64(),
            audio / cpu.as_secs_f64().max(1e-9)
        );
    }
    if synth::encoder_available("mp3") {
        let long = synth::render(&SongRecipe::happy(99, 240.0), RATE);
        let path = dir.join("long.mp3");
        synth::write_audio_file(&path, &long, RATE, 2).map_err(anyhow::Error::msg)?;
        let start = thread_cpu_time();
        let analysis = Analysis::of_file(&path, Some(240.0)).map_err(anyhow::Error::msg)?;
        let cpu = thread_cpu_time().saturating_sub(start).as_secs_f64();
        println!(
            "  a 240 s MP3: {:.0} s analysed from the middle in {cpu:.3} s CPU = {:.0} song seconds per CPU second",
            analysis.seconds,
            240.0 / cpu.max(1e-9)
        );
    }
    Ok(())
}

fn rescan_times(dir: &Path) -> anyhow::Result<()> {
    const FILES: usize = 1000;
    let music = dir.join("music");
    let moods = ["happy", "sad", "calm", "energetic"];
    let tone: Vec<f32> = (0..8000)
        .map(|i| 0.2 * (std::f32::consts::TAU * 440.0 * i as f32 / 8000.0).sin())
        .collect();
    for i in 0..FILES {
        let folder = music.join(moods[i % 4]).join(format!("album-{}", i / 50));
        std::fs::create_dir_all(&folder)?;
        synth::write_wav(&folder.join(format!("track-{i:04}.wav")), &tone, 8000, 1)?;
    }
    let db = dir.join("library.sqlite3");
    let mut index = LibraryIndex::open(&db)?;
    let started = Instant::now();
    let first = index.index_music(&music, &mut |_| {})?;
    let first_s = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        first.added == FILES,
        "first scan added {} of {FILES} files",
        first.added
    );
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let again = index.index_music(&music, &mut |_| {})?;
        times.push(started.elapsed().as_secs_f64());
        anyhow::ensure!(
            again.unchanged == FILES,
            "rescan saw {} unchanged files",
            again.unchanged
        );
    }
    times.sort_by(f64::total_cmp);
    println!("library rescan: {FILES} files in mood folders (tags, decode check, no analysis)");
    println!(
        "  first scan                {first_s:8.3} s ({:.3} ms per file)",
        1000.0 * first_s / FILES as f64
    );
    println!(
        "  unchanged rescan          {:8.3} s (median of 5; min {:.3}, max {:.3})",
        times[2], times[0], times[4]
    );
    Ok(())
}

/// CPU time this thread has used.
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into the valid, exclusively borrowed `ts`.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}
