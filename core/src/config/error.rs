//! Why a config file cannot be used, with the file, line and key of every problem.

use std::fmt;
use std::path::{Path, PathBuf};

use super::{locate, ConfigProblem};

/// A problem located in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedProblem {
    pub line: Option<usize>,
    pub problem: ConfigProblem,
}

/// Why a config file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file is missing or unreadable (permissions).
    #[error("{file}: cannot read the config file: {source}")]
    Read {
        file: PathBuf,
        source: std::io::Error,
    },
    /// A folder, a FIFO or a device (`/dev/zero`) named as the config file.
    #[error(
        "{file}: not a regular file; name the config file itself (e.g. /etc/moodbox/config.toml)"
    )]
    NotAFile { file: PathBuf },
    /// Far larger than any config file: probably the wrong file.
    #[error("{file}: {bytes} bytes is larger than a config file can be ({max} bytes); name the config file itself", max = super::MAX_CONFIG_BYTES)]
    TooLarge { file: PathBuf, bytes: u64 },
    /// Not UTF-8 text (a binary file, or a different encoding).
    #[error("{file}:{line}: the config file is not UTF-8 text; save it as UTF-8")]
    NotUtf8 { file: PathBuf, line: usize },
    /// TOML syntax, an unknown key or a value of the wrong type.
    #[error("{file}:{line}:{column}: {message}{}", hint.as_ref().map(|h| format!(" ({h})")).unwrap_or_default())]
    Syntax {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
        hint: Option<String>,
    },
    /// Values that parse but cannot work, all of them.
    #[error("{}", Invalid(file, problems))]
    Invalid {
        file: PathBuf,
        problems: Vec<LocatedProblem>,
    },
}

/// Formats the semantic problems one per line: `file:line: section.key: message`.
struct Invalid<'a>(&'a Path, &'a [LocatedProblem]);

impl fmt::Display for Invalid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.1.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match p.line {
                Some(line) => write!(f, "{}:{line}: {}", self.0.display(), p.problem)?,
                None => write!(f, "{}: {}", self.0.display(), p.problem)?,
            }
        }
        Ok(())
    }
}

pub(super) fn syntax_error(text: &str, path: &Path, e: &toml::de::Error) -> ConfigError {
    let (line, column) = e
        .span()
        .map_or((1, 1), |span| locate::line_col(text, span.start));
    let mut message = e.message().trim().to_string();
    if let Some(key) =
        locate::key_at(text, line).filter(|k| !message.contains(k.rsplit('.').next().unwrap_or(k)))
    {
        message = format!("{key}: {message}");
    }
    ConfigError::Syntax {
        file: path.to_path_buf(),
        line,
        column,
        hint: unknown_key_hint(&message),
        message,
    }
}

/// For "unknown field `x`, expected one of `a`, `b`": the key `x` was probably meant to be.
fn unknown_key_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (unknown, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    locate::closest(unknown, candidates.iter().copied())
        .map(|k| format!("did you mean `{k}`?"))
        .or_else(|| Some(format!("known keys here: {}", candidates.join(", "))))
}
