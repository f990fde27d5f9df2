//! The control socket: a Unix stream socket (mode 0660) taking one command per line and
//! answering each with one line of JSON. `moodbox ctl` is its client.
//!
//! Commands: `scan`, `skip`, `stop`, `volume N` (0..=100), `status`, `rescan`.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, warn};

/// The longest command line accepted.
const MAX_LINE: u64 = 256;

/// A parsed command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Scan,
    Skip,
    Stop,
    Volume(u8),
    Status,
    Rescan,
}

impl Command {
    pub fn parse(line: &str) -> Result<Command, String> {
        let mut words = line.split_whitespace();
        let cmd = words.next().unwrap_or("").to_ascii_lowercase();
        let arg = words.next();
        if words.next().is_some() {
            return Err(format!("too many words in {line:?}"));
        }
        match (cmd.as_str(), arg) {
            ("scan", None) => Ok(Command::Scan),
            ("skip", None) => Ok(Command::Skip),
            ("stop", None) => Ok(Command::Stop),
            ("status", None) => Ok(Command::Status),
            ("rescan", None) => Ok(Command::Rescan),
            ("volume", Some(n)) => n
                .parse::<u8>()
                .ok()
                .filter(|v| *v <= 100)
                .map(Command::Volume)
                .ok_or_else(|| format!("volume takes a number from 0 to 100, not {n:?}")),
            ("volume", None) => Err("volume takes a number from 0 to 100, e.g. `volume 40`".into()),
            ("", _) => Err("empty command".into()),
            _ => Err(format!(
                "unknown command {line:?}; commands: scan, skip, stop, volume N, status, rescan"
            )),
        }
    }
}

/// A command from a client and where its answer goes.
pub type Request = (Command, oneshot::Sender<Value>);

#[derive(Debug, thiserror::Error)]
pub enum SocketError {
    #[error("control socket {path}: {what}: {source}")]
    Bind {
        path: PathBuf,
        what: &'static str,
        source: std::io::Error,
    },
    #[error("control socket {path}: another moodbox is already running and listening there")]
    InUse { path: PathBuf },
}

/// Binds the socket (removing a stale one left by a crash) with mode 0660.
pub async fn bind(path: &Path) -> Result<UnixListener, SocketError> {
    let err = |what, source| SocketError::Bind {
        path: path.to_path_buf(),
        what,
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| err("cannot create its folder", e))?;
    }
    if path.exists() {
        if UnixStream::connect(path).await.is_ok() {
            return Err(SocketError::InUse {
                path: path.to_path_buf(),
            });
        }
        std::fs::remove_file(path).map_err(|e| err("cannot remove the stale socket", e))?;
    }
    let listener = UnixListener::bind(path).map_err(|e| err("cannot listen", e))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o660))
        .map_err(|e| err("cannot set its mode", e))?;
    Ok(listener)
}

/// Accepts clients until the listener is dropped; each command goes to `requests`.
pub async fn serve(listener: UnixListener, requests: mpsc::Sender<Request>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(client(stream, requests.clone()));
            }
            Err(e) => {
                warn!(error = %e, "control socket accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn client(stream: UnixStream, requests: mpsc::Sender<Request>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read.take(64 * 1024)).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let answer = if line.len() as u64 > MAX_LINE {
            json!({"ok": false, "error": format!("command longer than {MAX_LINE} bytes")})
        } else {
            match Command::parse(&line) {
                Ok(cmd) => {
                    let (tx, rx) = oneshot::channel();
                    if requests.send((cmd, tx)).await.is_err() {
                        return;
                    }
                    rx.await.unwrap_or_else(
                        |_| json!({"ok": false, "error": "moodbox is shutting down"}),
                    )
                }
                Err(error) => json!({"ok": false, "error": error}),
            }
        };
        let mut text = answer.to_string();
        text.push('\n');
        if write.write_all(text.as_bytes()).await.is_err() {
            break;
        }
    }
    debug!("control client left");
}

/// Sends one command and returns the daemon's JSON answer (the `moodbox ctl` client).
pub async fn request(path: &Path, command: &str, timeout: Duration) -> Result<Value, String> {
    let work = async {
        let mut stream = UnixStream::connect(path).await.map_err(|e| {
            format!(
                "cannot connect to {}: {e} (is moodbox running? `systemctl status moodbox`)",
                path.display()
            )
        })?;
        stream
            .write_all(format!("{command}\n").as_bytes())
            .await
            .map_err(|e| format!("cannot send to {}: {e}", path.display()))?;
        let mut line = String::new();
        BufReader::new(stream)
            .read_line(&mut line)
            .await
            .map_err(|e| format!("no answer from {}: {e}", path.display()))?;
        serde_json::from_str(&line)
            .map_err(|e| format!("garbled answer from {}: {e}", path.display()))
    };
    tokio::time::timeout(timeout, work).await.map_err(|_| {
        format!(
            "no answer from {} within {} s",
            path.display(),
            timeout.as_secs()
        )
    })?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_and_bad_ones_explain() {
        assert_eq!(Command::parse("scan"), Ok(Command::Scan));
        assert_eq!(Command::parse(" STATUS "), Ok(Command::Status));
        assert_eq!(Command::parse("volume 40"), Ok(Command::Volume(40)));
        assert!(Command::parse("volume 140")
            .unwrap_err()
            .contains("0 to 100"));
        assert!(Command::parse("volume").is_err());
        assert!(Command::parse("dance")
            .unwrap_err()
            .contains("commands: scan"));
        assert!(Command::parse("scan now").is_err());
    }
}
