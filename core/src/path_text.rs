//! File paths as text, losslessly: JSON strings must be UTF-8, file names need not be (a
//! Latin-1 name from an old USB stick is a valid Linux file name).
//!
//! The text form is the path itself when it is valid UTF-8 and holds no backslash, so almost
//! every path reads as it is. Otherwise each byte that is not part of valid UTF-8 is written
//! `\xNN` (two hex digits) and a backslash is written `\\`; [`decode`] turns the text back
//! into the very same bytes. Use it with serde as `#[serde(with = "path_text")]`.

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serializer};

/// The text form of `path`.
pub fn encode(path: &Path) -> String {
    let bytes = path.as_os_str().as_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// The path a text form stands for; `None` if it holds a malformed escape.
pub fn decode(text: &str) -> Option<PathBuf> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b != b'\\' {
            bytes.push(b);
            rest = tail;
            continue;
        }
        match tail {
            [b'\\', more @ ..] => {
                bytes.push(b'\\');
                rest = more;
            }
            [b'x', h, l, more @ ..] => {
                let hex = std::str::from_utf8(&[*h, *l]).ok()?.to_string();
                bytes.push(u8::from_str_radix(&hex, 16).ok()?);
                rest = more;
            }
            _ => return None,
        }
    }
    Some(PathBuf::from(OsString::from_vec(bytes)))
}

/// `path` for people: the text form (what logs and screens show).
pub fn display(path: &Path) -> String {
    encode(path)
}

pub fn serialize<S: Serializer>(path: &Path, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&encode(path))
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<PathBuf, D::Error> {
    let text = String::deserialize(deserializer)?;
    decode(&text)
        .ok_or_else(|| serde::de::Error::custom(format!("malformed path escape in {text:?}")))
}

/// The same for an optional path.
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(
        path: &Option<PathBuf>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match path {
            Some(p) => serializer.serialize_some(&encode(p)),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<PathBuf>, D::Error> {
        match Option::<String>::deserialize(deserializer)? {
            None => Ok(None),
            Some(text) => decode(&text).map(Some).ok_or_else(|| {
                serde::de::Error::custom(format!("malformed path escape in {text:?}"))
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(bytes: &[u8]) -> PathBuf {
        PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
    }

    #[test]
    fn plain_paths_read_as_they_are() {
        let p = Path::new("/music/ta/கண்ணே கலைமானே.mp3");
        assert_eq!(encode(p), "/music/ta/கண்ணே கலைமானே.mp3");
        assert_eq!(decode(&encode(p)).unwrap(), p);
    }

    #[test]
    fn latin1_names_and_backslashes_round_trip() {
        for bytes in [
            &b"/music/caf\xe9 cr\xe8me.mp3"[..],
            b"/music/back\\slash \\x41.wav",
            b"\xff\xfe\\",
            b"",
        ] {
            let p = raw(bytes);
            let text = encode(&p);
            assert!(std::str::from_utf8(text.as_bytes()).is_ok());
            assert_eq!(decode(&text).unwrap(), p, "{text}");
        }
        assert_eq!(encode(&raw(b"caf\xe9")), "caf\\xe9");
        assert_eq!(decode("bad\\q"), None);
        assert_eq!(decode("bad\\x4"), None);
    }
}
