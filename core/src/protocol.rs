//! The control protocol between `moodbox ctl` (or any client) and the daemon: one command per
//! line in, one line of JSON out. Both sides use these types, so what the daemon writes is what
//! the client reads.
//!
//! Commands: `scan`, `skip`, `stop`, `volume N` (0..=100), `mood MOOD` (happy, sad, calm,
//! energetic), `status`, `reindex` (`rescan`, its old name, is still understood).

use serde::{Deserialize, Serialize};

use crate::mood::Mood;
use crate::status::{ScanAnswer, ScanReply, Status};

/// The longest command line accepted.
pub const MAX_LINE: usize = 256;

/// A parsed command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Read the faces in front of the camera (the button's short press).
    Scan,
    Skip,
    Stop,
    Volume(u8),
    /// Play this mood: the owner's choice, as if picked in the "not sure" chooser.
    Mood(Mood),
    Status,
    /// Index the music folder again.
    Reindex,
}

/// Names a client may still send, and the command each now is.
const OLD_NAMES: [(&str, &str); 1] = [("rescan", "reindex")];

impl Command {
    pub fn parse(line: &str) -> Result<Command, String> {
        let mut words = line.split_whitespace();
        let cmd = words.next().unwrap_or("").to_ascii_lowercase();
        let cmd = OLD_NAMES
            .iter()
            .find(|(old, _)| *old == cmd)
            .map_or(cmd.as_str(), |(_, new)| new);
        let arg = words.next();
        if words.next().is_some() {
            return Err(format!("too many words in {line:?}"));
        }
        match (cmd, arg) {
            ("scan", None) => Ok(Command::Scan),
            ("skip", None) => Ok(Command::Skip),
            ("stop", None) => Ok(Command::Stop),
            ("status", None) => Ok(Command::Status),
            ("reindex", None) => Ok(Command::Reindex),
            ("volume", Some(n)) => n
                .parse::<u8>()
                .ok()
                .filter(|v| *v <= 100)
                .map(Command::Volume)
                .ok_or_else(|| format!("volume takes a number from 0 to 100, not {n:?}")),
            ("volume", None) => Err("volume takes a number from 0 to 100, e.g. `volume 40`".into()),
            ("mood", Some(word)) => word
                .parse::<Mood>()
                .map(Command::Mood)
                .map_err(|_| format!("mood takes one of happy, sad, calm, energetic, not {word:?}")),
            ("mood", None) => Err("mood takes one of happy, sad, calm, energetic, e.g. `mood calm`".into()),
            ("", _) => Err("empty command".into()),
            _ => Err(format!(
                "unknown command {line:?}; commands: scan, skip, stop, volume N, mood MOOD, status, reindex"
            )),
        }
    }

    /// The old name this line used, if it used one (`rescan`).
    pub fn old_name_in(line: &str) -> Option<&'static str> {
        let word = line.split_whitespace().next()?.to_ascii_lowercase();
        OLD_NAMES
            .iter()
            .find(|(old, _)| *old == word)
            .map(|(old, _)| *old)
    }
}

/// The answer to `status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusReply {
    pub ok: bool,
    #[serde(flatten)]
    pub status: Status,
}

/// A command that was carried out and has nothing more to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Done {
    pub ok: bool,
}

/// A command that could not be carried out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub ok: bool,
    pub error: String,
}

impl Failure {
    pub fn new(error: impl Into<String>) -> Failure {
        Failure {
            ok: false,
            error: error.into(),
        }
    }
}

/// Any answer, as one line of JSON. Reading one back tries the shapes in this order (a status
/// has many required fields, a scan answer an `outcome`, a failure an `error`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Reply {
    Status(Box<StatusReply>),
    Scan(ScanReply),
    Failure(Failure),
    Done(Done),
}

impl Reply {
    pub fn done() -> Reply {
        Reply::Done(Done { ok: true })
    }

    pub fn failure(error: impl Into<String>) -> Reply {
        Reply::Failure(Failure::new(error))
    }

    pub fn status(status: Status) -> Reply {
        Reply::Status(Box::new(StatusReply { ok: true, status }))
    }

    pub fn scan(answer: ScanAnswer) -> Reply {
        Reply::Scan(answer.into())
    }

    /// Whether the command succeeded.
    pub fn ok(&self) -> bool {
        match self {
            Reply::Status(s) => s.ok,
            Reply::Scan(s) => s.ok,
            Reply::Failure(f) => f.ok,
            Reply::Done(d) => d.ok,
        }
    }

    /// The line written on the socket (without its newline).
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!(r#"{{"ok":false,"error":"cannot encode the answer: {e}"}}"#)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emotion::{Emotion, EmotionProbs};
    use crate::status::{
        DeviceStatus, Devices, LastScan, LibraryStatus, MoodReport, Phase, SongReport,
    };
    use std::os::unix::ffi::OsStrExt;
    use std::path::PathBuf;

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
        assert_eq!(Command::parse("mood calm"), Ok(Command::Mood(Mood::Calm)));
        assert_eq!(
            Command::parse("MOOD Energetic"),
            Ok(Command::Mood(Mood::Energetic))
        );
        assert!(Command::parse("mood grumpy")
            .unwrap_err()
            .contains("happy, sad, calm"));
        assert!(Command::parse("mood").is_err());
    }

    #[test]
    fn the_old_name_of_reindex_still_works() {
        assert_eq!(Command::parse("reindex"), Ok(Command::Reindex));
        assert_eq!(Command::parse("rescan"), Ok(Command::Reindex));
        assert_eq!(Command::old_name_in("rescan"), Some("rescan"));
        assert_eq!(Command::old_name_in("reindex"), None);
    }

    #[test]
    fn replies_read_back_as_what_was_written() {
        let mut probs = [0.0; 7];
        probs[3] = 0.8;
        for reply in [
            Reply::done(),
            Reply::failure("volume takes a number"),
            Reply::scan(ScanAnswer::Mood {
                emotion: Emotion::Happy,
                confidence: 0.8,
                faces: 2,
                probs: EmotionProbs(probs),
            }),
            Reply::scan(ScanAnswer::NoCamera {
                device: "/dev/video0".into(),
                error: "gone".into(),
            }),
            Reply::scan(ScanAnswer::TooDark),
        ] {
            let line = reply.to_line();
            let back: Reply = serde_json::from_str(&line).unwrap();
            assert_eq!(back, reply, "{line}");
        }
        assert_eq!(Reply::done().to_line(), r#"{"ok":true}"#);
        assert_eq!(
            Reply::scan(ScanAnswer::NoFace).to_line(),
            r#"{"ok":true,"outcome":"no_face"}"#
        );
        assert!(!Reply::scan(ScanAnswer::NoCamera {
            device: "d".into(),
            error: "e".into()
        })
        .ok());
    }

    #[test]
    fn a_status_reads_back_as_written() {
        let status = Status {
            state: Phase::Playing,
            uptime_s: 12.5,
            last_emotion: Some(MoodReport {
                emotion: Emotion::Sad,
                confidence: 0.7,
                faces: 1,
                probs: EmotionProbs([0.0, 0.0, 0.1, 0.0, 0.7, 0.0, 0.2]),
            }),
            current_song: Some(SongReport {
                path: PathBuf::from(std::ffi::OsStr::from_bytes(b"/music/caf\xe9.wav")),
                title: "Rain".into(),
                artist: None,
                language: Some("en".into()),
                mood: Mood::Sad,
                for_emotion: Emotion::Sad,
                elapsed_s: 3.0,
                duration_s: Some(60.0),
            }),
            queue_length: 4,
            languages: vec!["ta".into(), "en".into()],
            volume: 40,
            backlight: crate::screen::Backlight::On,
            last_scan: LastScan {
                outcome: Some(ScanAnswer::NoFace.into()),
                scan_ms: Some(80.0),
                press_to_first_audio_ms: None,
            },
            devices: Devices {
                camera: DeviceStatus::open("/dev/video0 640x480 YUYV"),
                display: DeviceStatus::missing("no SPI device /dev/spidev0.0"),
                audio: DeviceStatus::open("ALSA default"),
                button: DeviceStatus::open("GPIO 17"),
            },
            library: LibraryStatus {
                songs: 12,
                indexing: false,
                last_index: Some("12 added".into()),
                error: None,
            },
        };
        let line = Reply::status(status.clone()).to_line();
        assert!(line.contains(r#""path":"/music/caf\\xe9.wav""#), "{line}");
        let Reply::Status(back) = serde_json::from_str(&line).unwrap() else {
            panic!("not read back as a status: {line}");
        };
        assert_eq!(back.status, status);
    }
}
