//! The control socket: a Unix stream socket (mode 0660) taking one command per line and
//! answering each with one line of JSON ([`moodbox_core::protocol`]). `moodbox ctl` is its
//! client ([`request`]).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, warn};

use moodbox_core::protocol::{Command, Reply, MAX_LINE};
use moodbox_core::status::Status;

/// A command from a client and where its answer goes.
pub type Request = (Command, oneshot::Sender<Reply>);

#[derive(Debug, thiserror::Error)]
pub enum SocketError {
    #[error("control socket {}: {what}: {source}", path.display())]
    Bind {
        path: PathBuf,
        what: &'static str,
        source: std::io::Error,
    },
    #[error("control socket {}: another moodbox is already running and listening there", path.display())]
    InUse { path: PathBuf },
}

/// Why `moodbox ctl` got no answer.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("cannot connect to {}: {source} (is moodbox running? `systemctl status moodbox`)", path.display())]
    Connect {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot send to {}: {source}", path.display())]
    Send {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no answer from {}: {source}", path.display())]
    Receive {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no answer from {}: the daemon closed the connection (is it shutting down?)", path.display())]
    Closed { path: PathBuf },
    #[error("garbled answer from {}: {source}", path.display())]
    Garbled {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("no answer from {} within {} s", path.display(), waited.as_secs())]
    Timeout { path: PathBuf, waited: Duration },
    #[error("{} answered `{command}` with {answer}", path.display())]
    Unexpected {
        path: PathBuf,
        command: &'static str,
        answer: String,
    },
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
        let answer = answer(&line, &requests).await;
        let Some(answer) = answer else {
            return;
        };
        let mut text = answer.to_line();
        text.push('\n');
        if write.write_all(text.as_bytes()).await.is_err() {
            break;
        }
    }
    debug!("control client left");
}

/// The daemon's answer to one line; `None` when the daemon has stopped listening.
async fn answer(line: &str, requests: &mpsc::Sender<Request>) -> Option<Reply> {
    if line.len() > MAX_LINE {
        return Some(Reply::failure(format!(
            "command longer than {MAX_LINE} bytes"
        )));
    }
    let command = match Command::parse(line) {
        Ok(command) => command,
        Err(error) => return Some(Reply::failure(error)),
    };
    if let Some(old) = Command::old_name_in(line) {
        warn!("`{old}` is an old name: use `{}`", line_name(command));
    }
    let (tx, rx) = oneshot::channel();
    requests.send((command, tx)).await.ok()?;
    Some(
        rx.await
            .unwrap_or_else(|_| Reply::failure("moodbox is shutting down")),
    )
}

fn line_name(command: Command) -> &'static str {
    match command {
        Command::Scan => "scan",
        Command::Skip => "skip",
        Command::Stop => "stop",
        Command::Volume(_) => "volume N",
        Command::Status => "status",
        Command::Reindex => "reindex",
    }
}

/// Sends one command and returns the daemon's answer (the `moodbox ctl` client).
pub async fn request(path: &Path, command: &str, timeout: Duration) -> Result<Reply, RequestError> {
    let path_buf = || path.to_path_buf();
    let work = async {
        let mut stream =
            UnixStream::connect(path)
                .await
                .map_err(|source| RequestError::Connect {
                    path: path_buf(),
                    source,
                })?;
        stream
            .write_all(format!("{command}\n").as_bytes())
            .await
            .map_err(|source| RequestError::Send {
                path: path_buf(),
                source,
            })?;
        let mut line = String::new();
        let read = BufReader::new(stream)
            .read_line(&mut line)
            .await
            .map_err(|source| RequestError::Receive {
                path: path_buf(),
                source,
            })?;
        if read == 0 {
            return Err(RequestError::Closed { path: path_buf() });
        }
        serde_json::from_str(&line).map_err(|source| RequestError::Garbled {
            path: path_buf(),
            source,
        })
    };
    tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| RequestError::Timeout {
            path: path_buf(),
            waited: timeout,
        })?
}

/// Asks for the daemon's status.
pub async fn status(path: &Path, timeout: Duration) -> Result<Status, RequestError> {
    match request(path, "status", timeout).await? {
        Reply::Status(reply) => Ok(reply.status),
        other => Err(RequestError::Unexpected {
            path: path.to_path_buf(),
            command: "status",
            answer: other.to_line(),
        }),
    }
}
