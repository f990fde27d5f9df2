//! Command-line front end: argument parsing, logging set-up and one module per subcommand.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bench;
mod bench_daemon;
mod bench_library;
mod bench_soak;
mod bench_vision;
mod check_config;
mod ctl;
mod demo;
mod detect;
mod eval;
mod library;
mod recommend;
mod run;
mod scratch;
mod stats;
mod vision_args;

/// moodbox: press the button, it reads your face and plays music that fits your mood.
#[derive(Debug, Parser)]
#[command(name = "moodbox", version, about, long_about = None)]
pub struct Cli {
    /// More log output (-v debug, -vv trace); MOODBOX_LOG=<filter> overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Find the faces in images and read their emotions.
    Detect(detect::Args),
    /// Measure accuracy on a labelled face dataset (FER2013 layout).
    Eval(eval::Args),
    /// Run the whole box on this PC with simulated devices and bundled inputs.
    Demo(demo::Args),
    /// Run the daemon (systemd starts this at power-on).
    Run(run::Args),
    /// Send a command to the running daemon: scan, skip, stop, volume N, mood MOOD, status, reindex.
    Ctl(ctl::Args),
    /// Check a config file and report every problem with its line.
    CheckConfig(check_config::Args),
    /// Print speed and memory figures (run it on the device too).
    Bench(bench::Args),
    /// Index the music folder, or list what the index holds.
    Library(library::Args),
    /// Show the queue moodbox would play for a facial emotion.
    Recommend(recommend::Args),
    /// How often the camera read the mood right: each emotion read, kept or corrected.
    Stats(stats::Args),
}

/// Exit status when some inputs could not be read (sysexits EX_DATAERR).
pub const EXIT_DATAERR: u8 = 65;
/// Exit status when there was no input at all (sysexits EX_NOINPUT).
pub const EXIT_NOINPUT: u8 = 66;
/// Exit status for a bad configuration (sysexits EX_CONFIG); the unit does not restart on it.
pub const EXIT_CONFIG: u8 = 78;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // The demo prints its own story on stdout; its logs only say what went wrong.
    let quiet = matches!(cli.command, Command::Demo(_));
    init_logging(cli.verbose, quiet);
    moodbox_media::panic::install_hook();
    let result = match cli.command {
        Command::Detect(args) => detect::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Run(args) => run::run(args),
        Command::Ctl(args) => ctl::run(args),
        Command::CheckConfig(args) => check_config::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Library(args) => library::run(args),
        Command::Recommend(args) => recommend::run(args),
        Command::Stats(args) => stats::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("moodbox: error: {}", error_chain(&err));
            ExitCode::FAILURE
        }
    }
}

/// An error and its causes on one line, each cause once: many messages already name their
/// cause ("cannot read X: No such file or directory"), which would otherwise be repeated.
pub fn error_chain(err: &anyhow::Error) -> String {
    let mut text = err.to_string();
    for cause in err.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

/// Logs go to stderr (the journal under systemd); stdout stays for results.
fn init_logging(verbose: u8, quiet: bool) {
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        0 if quiet => "moodbox=warn",
        0 => "moodbox=info",
        1 => "moodbox=debug",
        _ => "moodbox=trace",
    };
    let filter = EnvFilter::try_from_env("MOODBOX_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours only on a terminal: the journal and log files get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_already_in_the_message_is_not_repeated() {
        let io = std::io::Error::from_raw_os_error(2);
        let err = anyhow::Error::new(io)
            .context("cannot read /x: No such file or directory (os error 2)");
        assert_eq!(
            error_chain(&err),
            "cannot read /x: No such file or directory (os error 2)"
        );
        let err = anyhow::anyhow!("disk full").context("cannot write /y");
        assert_eq!(error_chain(&err), "cannot write /y: disk full");
    }
}
