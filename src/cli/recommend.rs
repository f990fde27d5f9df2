//! `moodbox recommend`: the queue moodbox would play for a facial emotion.

use std::io::Write;
use std::process::ExitCode;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use moodbox_core::path_text;

use super::library::printable;
use moodbox::library::recommend;
use moodbox_core::language::normalise_language;
use moodbox_core::recommend::Recommendation;
use moodbox_core::Emotion;

use super::library::Location;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    location: Location,
    /// The facial emotion: angry, disgust, fear, happy, sad, surprise or neutral.
    #[arg(long, value_name = "EMOTION")]
    emotion: Emotion,
    /// Only this language first (replaces [library] languages), e.g. ta or tamil.
    #[arg(long, value_name = "LANG")]
    language: Option<String>,
    /// How many songs (default [library] queue_length).
    #[arg(long, value_name = "N")]
    count: Option<usize>,
    /// Seed for the random choice, for repeatable queues.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = args.location.load()?;
    if let Some(lang) = &args.language {
        anyhow::ensure!(
            normalise_language(lang).is_some(),
            "--language {lang:?} is not a language moodbox knows; use a code such as en, ta, hi or a name such as tamil"
        );
    }
    let index = args.location.open_index(&config)?;
    let mut rng = match args.seed {
        Some(seed) => ChaCha8Rng::seed_from_u64(seed),
        None => ChaCha8Rng::from_os_rng(),
    };
    let rec = recommend(
        &index,
        &config,
        args.emotion,
        args.count,
        args.language.as_deref(),
        &mut rng,
    )?;
    let mut out = std::io::stdout().lock();
    super::library::ignore_closed_stdout(print(&args, &rec, &mut out))?;
    Ok(ExitCode::SUCCESS)
}

fn print(args: &Args, rec: &Recommendation, out: &mut impl Write) -> anyhow::Result<()> {
    if args.json {
        let songs: Vec<serde_json::Value> = rec
            .songs
            .iter()
            .map(|s| {
                serde_json::json!({
                    "path": path_text::encode(&s.path),
                    "title": s.title,
                    "artist": s.artist,
                    "mood": s.mood,
                    "language": s.language,
                })
            })
            .collect();
        let value = serde_json::json!({
            "emotion": rec.emotion,
            "policy": rec.policy,
            "moods": rec.moods,
            "songs": songs,
            "fallback": rec.fallback,
        });
        writeln!(out, "{value}")?;
    } else {
        let moods: Vec<&str> = rec.moods.iter().map(|m| m.as_str()).collect();
        writeln!(
            out,
            "{} → {} policy: {}",
            rec.emotion,
            rec.policy,
            moods.join(" then ")
        )?;
        for (i, s) in rec.songs.iter().enumerate() {
            writeln!(
                out,
                "{:3}. {:9} {:3} {} — {}\t{}",
                i + 1,
                s.mood.as_str(),
                printable(s.language.as_deref().unwrap_or("-")),
                printable(&s.title),
                printable(s.artist.as_deref().unwrap_or("?")),
                printable(&s.path.display().to_string())
            )?;
        }
        if let Some(why) = &rec.fallback {
            writeln!(out, "note: {why}")?;
        }
    }
    Ok(())
}
