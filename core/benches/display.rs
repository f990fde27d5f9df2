//! `cargo bench -p moodbox-core --bench display`: how long drawing a now-playing screen takes
//! with a title in each script family (shaping, layout and anti-aliased glyphs), at both
//! panel sizes, and the process's peak memory with those fonts loaded. "first" is a title
//! drawn for the first time (shaped from scratch, the fonts already read); "median" its
//! redraws, which find the shaped lines cached. A first draw over 20 ms fails the run.
//!
//! Fonts come from the standard folders (the Noto files of the package and of
//! fonts-noto-cjk) when they are installed, else from the test subsets in core/tests/fonts.

use std::path::Path;
use std::time::{Duration, Instant};

use embedded_graphics::geometry::Size;
use moodbox_core::emotion::Emotion;
use moodbox_core::screen::Screen;
use moodbox_core::ui::fonts::{self, Family, FontBook};
use moodbox_core::ui::{draw_lit, Framebuffer, Light};

const LIMIT: Duration = Duration::from_millis(20);
const ROUNDS: usize = 30;

fn main() {
    let standard = FontBook::standard();
    let source = if standard.families().contains(&Family::Tamil) {
        fonts::install(standard);
        "standard font folders"
    } else {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fonts");
        fonts::install(FontBook::from_dirs(&[dir]));
        "test subsets (core/tests/fonts)"
    };
    println!("fonts: {source}");
    let start = Instant::now();
    let book = fonts::book();
    for family in book.families() {
        book.face(family);
    }
    println!(
        "reading and parsing every font: {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    let titles = include_str!("../tests/fonts/titles.tsv");
    let mut worst = Duration::ZERO;
    println!(
        "{:<12} {:>9} {:>12} {:>12}",
        "title", "panel", "first (ms)", "median (ms)"
    );
    for line in titles
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let fields: Vec<&str> = line.split('\t').collect();
        let screen = Screen::NowPlaying {
            title: fields[1].into(),
            file: "01 track".into(),
            artist: fields[2].into(),
            language: fields[3].into(),
            mood: "calm".into(),
            for_emotion: Emotion::Neutral,
            elapsed: Duration::from_secs(42),
            total: Some(Duration::from_secs(241)),
        };
        for size in [Size::new(240, 240), Size::new(320, 240)] {
            let mut frame = Framebuffer::new(size);
            let mut times: Vec<Duration> = (0..ROUNDS)
                .map(|_| {
                    let start = Instant::now();
                    draw_lit(&mut frame, &screen, Light::Full);
                    start.elapsed()
                })
                .collect();
            let first = times[0];
            times.sort();
            let median = times[ROUNDS / 2];
            worst = worst.max(first);
            println!(
                "{:<12} {:>9} {:>12.2} {:>12.2}",
                fields[0],
                format!("{}x{}", size.width, size.height),
                first.as_secs_f64() * 1e3,
                median.as_secs_f64() * 1e3
            );
        }
    }
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    println!(
        "slowest first draw: {:.2} ms (limit {} ms)",
        worst.as_secs_f64() * 1e3,
        LIMIT.as_millis()
    );
    println!("peak memory (VmHWM) with the fonts loaded: {peak}");
    assert!(
        worst < LIMIT,
        "a now-playing screen took over {LIMIT:?} to draw"
    );
}
