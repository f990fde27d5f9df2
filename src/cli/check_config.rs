//! `moodbox check-config [PATH]`: validate a config file without starting anything.

use std::path::PathBuf;
use std::process::ExitCode;

use moodbox_core::config::{Config, DEFAULT_PATH};

#[derive(Debug, clap::Args)]
#[command(after_help = "Exit status: 0 when the file is valid, 78 (EX_CONFIG) when it is not.")]
pub struct Args {
    /// Config file.
    #[arg(value_name = "PATH", default_value = DEFAULT_PATH)]
    pub path: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match Config::load(&args.path) {
        Ok(_) => {
            println!("{}: OK", args.path.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(ExitCode::from(super::EXIT_CONFIG))
        }
    }
}
