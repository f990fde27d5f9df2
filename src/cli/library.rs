//! `moodbox library index|list`: index the music folder and show what the index knows.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use moodbox::library::{IndexPhase, IndexReport, LibraryIndex};
use moodbox_core::config::{Config, LibraryConfig, Scope, DEFAULT_PATH};
use moodbox_core::language::normalise_language;
use moodbox_core::mood::Mood;
use moodbox_core::path_text;
use moodbox_core::song::Song;
use moodbox_core::song::SongFilter;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: LibraryCommand,
}

#[derive(Debug, clap::Subcommand)]
enum LibraryCommand {
    /// Index the music folder (only new and changed files are read).
    Index(IndexArgs),
    /// The old name of `index`.
    #[command(hide = true)]
    Scan(IndexArgs),
    /// List the indexed songs (or the skipped files).
    List(ListArgs),
}

/// Options shared by the commands that read the `[library]` config.
#[derive(Debug, Clone, clap::Args)]
pub struct Location {
    /// Config file whose [library] section to use (default /etc/moodbox/config.toml, if present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The index file (overrides [library] index).
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
}

impl Location {
    /// The config with `--db` applied.
    pub fn load(&self) -> anyhow::Result<LibraryConfig> {
        let file = match &self.config {
            Some(file) => Some(file.as_path()),
            None => Some(Path::new(DEFAULT_PATH)).filter(|p| p.exists()),
        };
        let mut config = match file {
            Some(file) => Config::load_for(file, Scope::Library)?.library,
            None => LibraryConfig::default(),
        };
        if let Some(db) = &self.db {
            config.index = db.clone();
        }
        Ok(config)
    }

    pub fn open_index(&self, config: &LibraryConfig) -> anyhow::Result<LibraryIndex> {
        let index = LibraryIndex::open(&config.index)?;
        if let Some(aside) = index.recovered_from() {
            eprintln!(
                "moodbox: warning: the index was corrupt; moved it to {} and started a new one",
                aside.display()
            );
        }
        Ok(index)
    }
}

#[derive(Debug, clap::Args)]
struct IndexArgs {
    #[command(flatten)]
    location: Location,
    /// The music folder (overrides [library] music_dir).
    #[arg(long, value_name = "DIR")]
    music: Option<PathBuf>,
    /// Print the summary as one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    #[command(flatten)]
    location: Location,
    /// Only songs of this mood (happy, sad, calm, energetic or a synonym).
    #[arg(long, value_name = "MOOD")]
    mood: Option<String>,
    /// Only songs in this language (ISO 639-1 code or name, e.g. ta, tamil).
    #[arg(long, value_name = "LANG")]
    language: Option<String>,
    /// List the files indexing could not use, with the reason, instead of songs.
    #[arg(long)]
    skipped: bool,
    /// One JSON object per line.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        LibraryCommand::Index(a) => index(a),
        LibraryCommand::Scan(a) => {
            eprintln!("moodbox: warning: `library scan` is now `library index`");
            index(a)
        }
        LibraryCommand::List(a) => list(a),
    }
}

fn index(args: IndexArgs) -> anyhow::Result<ExitCode> {
    let mut config = args.location.load()?;
    if let Some(music) = &args.music {
        config.music_dir = music.clone();
    }
    let mut index = args.location.open_index(&config)?;
    let bar = if !args.json && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {pos}/{len} {wide_bar} {eta} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let report = index
        .index_music(&config.music_dir, &mut |p| match p.phase {
            IndexPhase::Walking => bar.set_message("listing files"),
            IndexPhase::Examining => {
                bar.set_length(p.total as u64);
                bar.set_position(p.done as u64);
                if let Some(name) = p.path.as_deref().and_then(Path::file_name) {
                    bar.set_message(name.to_string_lossy().into_owned());
                }
            }
            IndexPhase::Done => bar.finish_and_clear(),
        })
        .with_context(|| format!("indexing {}", config.music_dir.display()))?;
    bar.finish_and_clear();
    let songs = index.song_count()?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        value["index"] = serde_json::json!(path_text::encode(index.path()));
        value["songs"] = serde_json::json!(songs);
        writeln!(out, "{value}")?;
    } else {
        print_report(&mut out, &report, index.path(), songs)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_report(
    out: &mut impl Write,
    r: &IndexReport,
    index: &Path,
    songs: usize,
) -> std::io::Result<()> {
    writeln!(
        out,
        "indexed {}: {} audio files in {:.2} s",
        r.music_dir.display(),
        r.files,
        r.seconds
    )?;
    writeln!(
        out,
        "  added {}, updated {}, removed {}, unchanged {}, skipped {}",
        r.added,
        r.updated,
        r.removed,
        r.unchanged,
        r.skipped.len()
    )?;
    if !r.mood_sources.is_empty() {
        let mut sources: Vec<_> = r.mood_sources.iter().collect();
        sources.sort();
        let parts: Vec<String> = sources
            .iter()
            .map(|(s, n)| format!("{n} from {s}"))
            .collect();
        writeln!(out, "  moods: {}", parts.join(", "))?;
    }
    for s in &r.skipped {
        writeln!(out, "  skipped {}: {}", s.path.display(), s.reason)?;
    }
    if r.still_skipped > 0 {
        writeln!(
            out,
            "  {} unchanged files still skipped (moodbox library list --skipped)",
            r.still_skipped
        )?;
    }
    for f in &r.unreadable_folders {
        writeln!(
            out,
            "  cannot read folder {}: {}",
            f.path.display(),
            f.reason
        )?;
    }
    if r.interrupted {
        writeln!(out, "  interrupted: index again to finish")?;
    }
    writeln!(out, "index {}: {songs} songs", index.display())
}

fn list(args: ListArgs) -> anyhow::Result<ExitCode> {
    let config = args.location.load()?;
    let index = args.location.open_index(&config)?;
    let mut out = std::io::stdout().lock();
    ignore_closed_stdout(print_list(&args, &index, &mut out))?;
    Ok(ExitCode::SUCCESS)
}

/// `moodbox library list | head` should end quietly when `head` has had enough.
pub fn ignore_closed_stdout(result: anyhow::Result<()>) -> anyhow::Result<()> {
    match result {
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            Ok(())
        }
        other => other,
    }
}

fn print_list(args: &ListArgs, index: &LibraryIndex, out: &mut impl Write) -> anyhow::Result<()> {
    if args.skipped {
        for s in index.skipped()? {
            if args.json {
                writeln!(out, "{}", serde_json::to_string(&s)?)?;
            } else {
                writeln!(
                    out,
                    "{}\t{}",
                    printable(&s.path.display().to_string()),
                    printable(&s.reason)
                )?;
            }
        }
        return Ok(());
    }
    let mut filter = SongFilter::all();
    if let Some(mood) = &args.mood {
        filter = filter.mood(mood.parse::<Mood>()?);
    }
    if let Some(lang) = &args.language {
        let code = normalise_language(lang)
            .with_context(|| format!("--language {lang:?} is not a language moodbox knows; use a code such as en, ta, hi"))?;
        filter = filter.language(code);
    }
    for song in index.songs(&filter)? {
        if args.json {
            writeln!(out, "{}", song_json(&song))?;
        } else {
            writeln!(
                out,
                "{:9} {:8} {:3} {:>5} {} — {}\t{}",
                song.mood.as_str(),
                song.mood_source.as_str(),
                printable(song.language.as_deref().unwrap_or("-")),
                song.bpm.map_or("-".to_string(), |b| format!("{b:.0}")),
                printable(&song.title),
                printable(song.artist.as_deref().unwrap_or("?")),
                printable(&song.path.display().to_string())
            )?;
        }
    }
    Ok(())
}

/// `text` for a terminal: control characters (from tags or file names) are shown escaped
/// (`\u{1b}`, `\n`) instead of moving the cursor or starting new lines.
pub fn printable(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The JSON object `library list --json` prints for a song.
pub fn song_json(song: &Song) -> serde_json::Value {
    serde_json::json!({
        "path": path_text::encode(&song.path),
        "title": song.title,
        "artist": song.artist,
        "album": song.album,
        "language": song.language,
        "mood": song.mood,
        "mood_source": song.mood_source,
        "confidence": rounded(song.confidence as f64, 3),
        "valence": rounded(song.valence as f64, 3),
        "arousal": rounded(song.arousal as f64, 3),
        "bpm": song.bpm.map(|b| rounded(b as f64, 1)),
        "duration_s": song.duration_s.map(|d| rounded(d, 2)),
    })
}

fn rounded(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (x * scale).round() / scale
}
