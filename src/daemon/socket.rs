//! The control socket: a Unix stream socket (mode 0660) taking one command per line and
//! answering each with one line of JSON ([`moodbox_core::protocol`]). `moodbox ctl` is its
//! client ([`request`]).
//!
//! It serves at most [`MAX_CLIENTS`] clients at once (far below the daemon's open-file
//! limit): a new client pushes out the one idle longest, and a client silent for
//! [`IDLE_TIMEOUT`] is let go, so idle connections can never lock out `ctl status`. Only a stale
//! socket is ever removed from its path.

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{mpsc, oneshot, Notify};
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
    /// Something else lives at the socket's path; it is never deleted.
    #[error("control socket {}: an existing file that is not a socket is there; moodbox will not replace it (set [daemon] control_socket to another path)", path.display())]
    NotASocket { path: PathBuf },
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

/// Binds the socket with mode 0660. A stale socket left by a crash is removed; anything else
/// at that path is left alone and reported.
pub async fn bind(path: &Path) -> Result<UnixListener, SocketError> {
    let err = |what, source| SocketError::Bind {
        path: path.to_path_buf(),
        what,
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| err("cannot create its folder", e))?;
    }
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !meta.file_type().is_socket() {
            return Err(SocketError::NotASocket {
                path: path.to_path_buf(),
            });
        }
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

/// At most this many clients are connected at once; a new one pushes out the one that has
/// been idle longest (or, when none is idle, is told the box is busy).
pub const MAX_CLIENTS: usize = 32;
/// A client that sends no command for this long is disconnected.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// The connected clients, oldest first, and whether each is waiting for a command.
#[derive(Default)]
struct Clients {
    next_id: u64,
    list: Vec<ClientSlot>,
}

struct ClientSlot {
    id: u64,
    idle: bool,
    evict: Arc<Notify>,
}

type SharedClients = Arc<Mutex<Clients>>;

impl Clients {
    /// Room for one more: `Some((id, eviction notice))`, or `None` when every slot is busy.
    fn admit(&mut self) -> Option<(u64, Arc<Notify>)> {
        if self.list.len() >= MAX_CLIENTS {
            let oldest_idle = self.list.iter().position(|c| c.idle)?;
            let evicted = self.list.remove(oldest_idle);
            evicted.evict.notify_one();
        }
        self.next_id += 1;
        let evict = Arc::new(Notify::new());
        self.list.push(ClientSlot {
            id: self.next_id,
            idle: true,
            evict: evict.clone(),
        });
        Some((self.next_id, evict))
    }

    fn set_idle(&mut self, id: u64, idle: bool) {
        if let Some(slot) = self.list.iter_mut().find(|c| c.id == id) {
            slot.idle = idle;
        }
    }

    fn leave(&mut self, id: u64) {
        self.list.retain(|c| c.id != id);
    }
}

/// Accepts clients until the listener is dropped; each command goes to `requests`.
pub async fn serve(listener: UnixListener, requests: mpsc::Sender<Request>) {
    let clients: SharedClients = Arc::default();
    loop {
        match listener.accept().await {
            Ok((mut stream, _)) => {
                let admitted = clients.lock().map(|mut c| c.admit()).ok().flatten();
                match admitted {
                    Some((id, evict)) => {
                        let clients = clients.clone();
                        tokio::spawn(client(stream, requests.clone(), clients, id, evict));
                    }
                    None => {
                        warn!("control socket: {MAX_CLIENTS} clients busy; turning one away");
                        let busy = Reply::failure("moodbox is busy with other clients; try again");
                        let _ = stream
                            .write_all(format!("{}\n", busy.to_line()).as_bytes())
                            .await;
                    }
                }
            }
            Err(e) => {
                warn!(error = %e, "control socket accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn client(
    stream: UnixStream,
    requests: mpsc::Sender<Request>,
    clients: SharedClients,
    id: u64,
    evict: Arc<Notify>,
) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read.take(64 * 1024)).lines();
    let mark = |idle| {
        if let Ok(mut c) = clients.lock() {
            c.set_idle(id, idle);
        }
    };
    loop {
        let line = tokio::select! {
            line = tokio::time::timeout(IDLE_TIMEOUT, lines.next_line()) => line,
            _ = evict.notified() => {
                debug!("control client pushed out by a newer one");
                break;
            }
        };
        let Ok(Ok(Some(line))) = line else {
            break; // idle too long, gone, or unreadable
        };
        mark(false);
        let Some(answer) = answer(&line, &requests).await else {
            break;
        };
        let mut text = answer.to_line();
        text.push('\n');
        if write.write_all(text.as_bytes()).await.is_err() {
            break;
        }
        mark(true);
    }
    if let Ok(mut c) = clients.lock() {
        c.leave(id);
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
        Command::Mood(_) => "mood MOOD",
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
