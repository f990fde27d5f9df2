//! `moodbox ctl COMMAND`: talk to the running daemon over its control socket.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use moodbox::daemon::socket::request;
use moodbox_core::config::{Config, DEFAULT_PATH};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Commands: scan, skip, stop, volume N (0-100), status, rescan.\n\
    Exit status: 0 when the daemon answered ok, 1 otherwise."
)]
pub struct Args {
    /// The command and its argument, e.g. `status` or `volume 40`.
    #[arg(required = true, num_args = 1..=2, value_name = "COMMAND")]
    pub command: Vec<String>,
    /// Socket path [default: the config file's [daemon] control_socket].
    #[arg(long, value_name = "PATH")]
    pub socket: Option<PathBuf>,
    /// Config file that names the socket.
    #[arg(long, value_name = "PATH", default_value = DEFAULT_PATH)]
    pub config: PathBuf,
}

/// `scan` waits for the camera and both models; the rest answer at once.
const TIMEOUT: Duration = Duration::from_secs(30);

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let socket = match args.socket {
        Some(path) => path,
        None => socket_from_config(&args.config),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let answer = runtime
        .block_on(request(&socket, &args.command.join(" "), TIMEOUT))
        .map_err(anyhow::Error::msg)?;
    println!("{}", serde_json::to_string_pretty(&answer)?);
    Ok(if answer["ok"] == true {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The socket the config names; the default one when the file is missing or broken.
fn socket_from_config(path: &std::path::Path) -> PathBuf {
    match Config::load(path) {
        Ok(config) => config.daemon.control_socket,
        Err(_) => PathBuf::from(moodbox_core::config::daemon::DEFAULT_SOCKET),
    }
}
