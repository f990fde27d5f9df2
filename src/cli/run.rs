//! `moodbox run`: the daemon, as systemd starts it.

use std::path::PathBuf;
use std::process::ExitCode;

use moodbox::daemon::socket::SocketError;
use moodbox::daemon::{self, RunOptions};
use moodbox_core::config::{Config, DEFAULT_PATH};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Config file.
    #[arg(long, value_name = "PATH", default_value = DEFAULT_PATH)]
    pub config: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    one_malloc_arena();
    let config = match Config::load(&args.config) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("moodbox: {e}");
            eprintln!("moodbox: fix the config file and start again (`moodbox check-config {}` checks it)", args.config.display());
            return Ok(ExitCode::from(super::EXIT_CONFIG));
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("moodbox-async")
        .build()?;
    let options = RunOptions {
        config_path: Some(args.config),
        ..Default::default()
    };
    match runtime.block_on(daemon::run(config, options)) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // What a restart cannot fix: the models or the socket path the config names.
        Err(
            e @ (daemon::DaemonError::Models(_)
            | daemon::DaemonError::Socket(
                SocketError::NotASocket { .. } | SocketError::Bind { .. },
            )),
        ) => {
            eprintln!("moodbox: {e}");
            Ok(ExitCode::from(super::EXIT_CONFIG))
        }
        Err(e) => Err(e.into()),
    }
}

/// glibc gives threads that allocate their own malloc arenas (up to eight per core) and seldom
/// returns what is freed in them, so the daemon, whose workers allocate on many threads,
/// crept up by about 1 KB a scan in `moodbox bench soak` with nothing leaked; with one arena
/// it stays flat. The box's threads mostly wait, so they seldom contend for it. Called before
/// any other thread starts.
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tunable of glibc's allocator.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}
