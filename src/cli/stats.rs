//! `moodbox stats`: how often the camera is right in this house — each emotion it read, how
//! often it was sure, how often the owner was asked, kept what it read or chose another mood.

use std::io::Write;
use std::process::ExitCode;

use moodbox_core::stats::{summarise, table};

use super::library::Location;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    location: Location,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = args.location.load()?;
    let index = args.location.open_index(&config)?;
    let rows = summarise(&index.reading_counts()?);
    let since = index.first_reading_ms()?;
    let mut out = std::io::stdout().lock();
    let printed = if args.json {
        let value = serde_json::json!({
            "index": config.index.display().to_string(),
            "since_ms": since,
            "emotions": rows,
        });
        writeln!(out, "{value}").map_err(anyhow::Error::from)
    } else if rows.is_empty() {
        writeln!(
            out,
            "No scans kept yet in {}: press the button, and each reading is counted here.",
            config.index.display()
        )
        .map_err(anyhow::Error::from)
    } else {
        (|| -> anyhow::Result<()> {
            writeln!(out, "Scans kept in {}:", config.index.display())?;
            writeln!(out)?;
            write!(out, "{}", table(&rows))?;
            writeln!(out)?;
            writeln!(
                out,
                "sure: read without asking; asked: the moods were shown to choose from; kept: the box \
                 played what it read; corrected to: the mood the owner chose instead; right: kept \
                 out of kept and corrected."
            )?;
            Ok(())
        })()
    };
    super::library::ignore_closed_stdout(printed)?;
    Ok(ExitCode::SUCCESS)
}
