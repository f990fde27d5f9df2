//! `moodbox ctl COMMAND`: talk to the running daemon over its control socket.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use moodbox::daemon::socket::request;
use moodbox_core::config::daemon::DEFAULT_SOCKET;
use moodbox_core::config::{Config, Scope, DEFAULT_PATH};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Commands: scan, skip, stop, volume N (0-100), mood MOOD (happy, calm, energetic, sad), status,\n\
    reindex.\n\
    Exit status: 0 when the daemon answered ok, 1 otherwise, 78 when the config file is broken."
)]
pub struct Args {
    /// The command and its argument, e.g. `status` or `volume 40`.
    #[arg(required = true, num_args = 1..=2, value_name = "COMMAND")]
    pub command: Vec<String>,
    /// Socket path [default: the config file's [daemon] control_socket].
    #[arg(long, value_name = "PATH")]
    pub socket: Option<PathBuf>,
    /// Config file that names the socket [default: /etc/moodbox/config.toml, if present].
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

/// `scan` waits for the camera and both models; the rest answer at once.
const TIMEOUT: Duration = Duration::from_secs(30);

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let socket = match socket(&args) {
        Ok(socket) => socket,
        Err(e) => {
            eprintln!("moodbox: {e}");
            eprintln!("moodbox: fix the config file, or name the socket with --socket");
            return Ok(ExitCode::from(super::EXIT_CONFIG));
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let answer = runtime.block_on(request(&socket, &args.command.join(" "), TIMEOUT))?;
    println!("{}", serde_json::to_string_pretty(&answer)?);
    Ok(if answer.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The socket to use: `--socket`, else the one the config file names (a broken file is an
/// error, not a reason to guess), else the default one when there is no config file at all.
fn socket(args: &Args) -> Result<PathBuf, moodbox_core::config::ConfigError> {
    if let Some(socket) = &args.socket {
        return Ok(socket.clone());
    }
    let file = match &args.config {
        Some(file) => file.as_path(),
        None if Path::new(DEFAULT_PATH).exists() => Path::new(DEFAULT_PATH),
        None => return Ok(PathBuf::from(DEFAULT_SOCKET)),
    };
    Ok(Config::load_for(file, Scope::Control)?
        .daemon
        .control_socket)
}
