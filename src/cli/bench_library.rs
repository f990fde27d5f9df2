//! `moodbox bench library`: figures for the music library.
//!
//! - Analysis throughput: seconds of audio analysed per second of CPU on one core (thread CPU
//!   time; decode + features + mood) on generated 45 s songs (WAV, 44.1 kHz stereo), and, with
//!   `--music DIR`, on the real songs in DIR, per container format.
//! - Indexing: the first indexing of 1,000 short files in mood folders, then an incremental
//!   indexing of the unchanged library (median of 5).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use moodbox::library::analysis::Analysis;
use moodbox::library::{LibraryIndex, AUDIO_EXTENSIONS};
use moodbox::synth::{self, SongRecipe};

use super::scratch::Scratch;

const RATE: u32 = 44_100;

pub fn run(music: Option<&Path>) -> anyhow::Result<()> {
    let dir = Scratch::new("moodbox-bench-library-")?;
    generated_throughput(dir.path())?;
    if let Some(music) = music {
        real_throughput(music)?;
    }
    indexing_times(dir.path())
}

fn print_header() {
    println!(
        "  {:8} {:>7} {:>10} {:>8} {:>12}",
        "format", "songs", "audio s", "cpu s", "x real time"
    );
}

/// Analyses each file on this thread; prints one row.
fn measure(label: &str, paths: &[PathBuf]) -> anyhow::Result<()> {
    let (mut audio, mut cpu) = (0.0f64, Duration::ZERO);
    for path in paths {
        let start = thread_cpu_time();
        let analysis = Analysis::of_file(path, None).map_err(anyhow::Error::msg)?;
        cpu += thread_cpu_time().saturating_sub(start);
        audio += analysis.seconds;
    }
    println!(
        "  {label:8} {:>7} {:>10.1} {:>8.3} {:>12.0}",
        paths.len(),
        audio,
        cpu.as_secs_f64(),
        audio / cpu.as_secs_f64().max(1e-9)
    );
    Ok(())
}

fn generated_throughput(dir: &Path) -> anyhow::Result<()> {
    const SONGS: u64 = 6;
    const SECONDS: f32 = 45.0;
    println!(
        "library analysis: one core, {SONGS} generated songs of {SECONDS} s, WAV 44.1 kHz stereo"
    );
    print_header();
    let mut paths = Vec::new();
    for seed in 0..SONGS {
        let recipe = if seed % 2 == 0 {
            SongRecipe::happy(seed, SECONDS)
        } else {
            SongRecipe::sad(seed, SECONDS)
        };
        let path = dir.join(format!("song-{seed}.wav"));
        synth::write_wav(&path, &synth::render(&recipe, RATE), RATE, 2)?;
        paths.push(path);
    }
    measure("wav", &paths)
}

/// The real songs under `music`, grouped by extension.
fn real_throughput(music: &Path) -> anyhow::Result<()> {
    let mut by_format: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    let mut stack = vec![music.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .unwrap_or_default();
            if AUDIO_EXTENSIONS.contains(&ext.as_str()) {
                by_format.entry(ext).or_default().push(path);
            }
        }
    }
    anyhow::ensure!(
        !by_format.is_empty(),
        "no songs under {} (formats: {})",
        music.display(),
        AUDIO_EXTENSIONS.join(", ")
    );
    println!(
        "library analysis: one core, the songs under {}",
        music.display()
    );
    print_header();
    for (ext, mut paths) in by_format {
        paths.sort();
        measure(&ext, &paths)?;
    }
    Ok(())
}

fn indexing_times(dir: &Path) -> anyhow::Result<()> {
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
        "the first indexing added {} of {FILES} files",
        first.added
    );
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let again = index.index_music(&music, &mut |_| {})?;
        times.push(started.elapsed().as_secs_f64());
        anyhow::ensure!(
            again.unchanged == FILES,
            "indexing again saw {} unchanged files",
            again.unchanged
        );
    }
    times.sort_by(f64::total_cmp);
    println!("library indexing: {FILES} files in mood folders (tags, decode check, no analysis)");
    println!(
        "  first indexing            {first_s:8.3} s ({:.3} ms per file)",
        1000.0 * first_s / FILES as f64
    );
    println!(
        "  unchanged, again          {:8.3} s (median of 5; min {:.3}, max {:.3})",
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
