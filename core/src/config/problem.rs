//! One semantic problem in the config: the key it is about and what to write instead.

use std::fmt;

/// A value that parses but cannot work. `key` is the full dotted key (`display.rotation`,
/// `library.languages[1]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    pub key: String,
    /// What is wrong.
    pub message: String,
    /// What to write instead, when that is not already in the message.
    pub hint: Option<String>,
}

impl ConfigProblem {
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> ConfigProblem {
        ConfigProblem {
            key: key.into(),
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> ConfigProblem {
        self.hint = Some(hint.into());
        self
    }

    /// The section (`display`) and the key inside it (`rotation`).
    pub fn section_and_key(&self) -> (&str, &str) {
        self.key.split_once('.').unwrap_or(("", &self.key))
    }
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}
