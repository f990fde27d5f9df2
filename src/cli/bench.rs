//! `moodbox bench`: speed and memory figures, printed as a table (or JSON).
//! Each part of the box has its own section; run them all or name one.

use std::process::ExitCode;

use clap::ValueEnum;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which part to measure (default: vision, library and daemon).
    #[arg(value_enum)]
    pub section: Option<Section>,
    /// A folder of real songs to measure the library's analysis on, too.
    #[arg(long, value_name = "DIR")]
    pub music: Option<std::path::PathBuf>,
    /// Scans in the soak run (section `soak`).
    #[arg(long, value_name = "N", default_value_t = 2000)]
    pub scans: usize,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Section {
    /// Face detector, emotion classifier, and the whole detect-crop-classify path.
    Vision,
    /// Audio analysis throughput and incremental indexing of the music folder.
    Library,
    /// Button press to first audio sample, idle CPU, peak RSS.
    Daemon,
    /// A long run (--scans N) with memory, open files and threads sampled: their slopes.
    Soak,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // The soak takes many minutes: only when asked for.
    let sections: Vec<Section> = match args.section {
        Some(s) => vec![s],
        None => vec![Section::Vision, Section::Library, Section::Daemon],
    };
    for section in sections {
        match section {
            Section::Vision => super::bench_vision::run()?,
            Section::Library => super::bench_library::run(args.music.as_deref())?,
            Section::Daemon => super::bench_daemon::run()?,
            Section::Soak => super::bench_soak::run(args.scans)?,
        }
    }
    Ok(ExitCode::SUCCESS)
}
