//! `moodbox bench`: speed and memory figures, printed as a table (or JSON).
//! Each part of the box has its own section; run them all or name one.

use std::process::ExitCode;

use clap::ValueEnum;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which part to measure (default: all).
    #[arg(value_enum)]
    pub section: Option<Section>,
    /// A folder of real songs to measure the library's analysis on, too.
    #[arg(long, value_name = "DIR")]
    pub music: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Section {
    /// Face detector, emotion classifier, and the whole detect-crop-classify path.
    Vision,
    /// Audio analysis throughput and incremental indexing of the music folder.
    Library,
    /// Button press to first audio sample, idle CPU, peak RSS.
    Daemon,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let sections: Vec<Section> = match args.section {
        Some(s) => vec![s],
        None => Section::value_variants().to_vec(),
    };
    for section in sections {
        match section {
            Section::Vision => super::bench_vision::run()?,
            Section::Library => super::bench_library::run(args.music.as_deref())?,
            Section::Daemon => super::bench_daemon::run()?,
        }
    }
    Ok(ExitCode::SUCCESS)
}
