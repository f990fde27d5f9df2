//! The config file (`/etc/moodbox/config.toml`): every section in one strict document.
//!
//! Parsing is strict (`deny_unknown_fields` everywhere, so a typo is an error with a
//! suggestion, not a silently ignored line). Each section then checks its own values; every
//! problem is reported with the file, the line and the key, and what to write instead.
//! Relative paths in the file are taken relative to the file's own folder.

mod locate;
mod problem;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use problem::ConfigProblem;

use crate::daemon::config::DaemonConfig;
use crate::hardware::audio::AudioConfig;
use crate::hardware::button::{ButtonConfig, ButtonDriver};
use crate::hardware::camera::CameraConfig;
use crate::hardware::display::{DisplayConfig, DisplayDriver};
use crate::library::LibraryConfig;
use crate::vision::VisionConfig;

/// Where the Debian package installs the config.
pub const DEFAULT_PATH: &str = "/etc/moodbox/config.toml";

/// The whole configuration. Every field has a default, so an empty file is valid on a Pi.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub daemon: DaemonConfig,
    pub vision: VisionConfig,
    pub library: LibraryConfig,
    pub camera: CameraConfig,
    pub display: DisplayConfig,
    pub button: ButtonConfig,
    pub audio: AudioConfig,
}

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

impl Config {
    /// Reads, parses and checks a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let bytes = std::fs::read(path).map_err(|source| ConfigError::Read {
            file: path.to_path_buf(),
            source,
        })?;
        let text = String::from_utf8(bytes).map_err(|e| ConfigError::NotUtf8 {
            file: path.to_path_buf(),
            line: e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1,
        })?;
        Config::parse(&text, path)
    }

    /// Parses and checks config text that came from `path` (used in messages and as the base
    /// of relative paths).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| syntax_error(text, path, &e))?;
        let base = path.parent().unwrap_or(Path::new("."));
        config.rebase_paths(base);
        let problems: Vec<LocatedProblem> = config
            .check()
            .into_iter()
            .map(|problem| {
                let (section, key) = problem.section_and_key();
                LocatedProblem {
                    line: locate::line_of(text, section, key),
                    problem,
                }
            })
            .collect();
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError::Invalid {
                file: path.to_path_buf(),
                problems,
            })
        }
    }

    /// Every section's semantic problems, then the ones between sections.
    pub fn check(&self) -> Vec<ConfigProblem> {
        [
            self.daemon.check(),
            self.vision.check(),
            self.library.check(),
            self.camera.check(),
            self.display.check(),
            self.button.check(),
            self.audio.check(),
            self.check_across_sections(),
        ]
        .concat()
    }

    /// What no single section can tell: whether the music is there, and whether two devices
    /// want the same GPIO line.
    fn check_across_sections(&self) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        let music = &self.library.music_dir;
        if !music.as_os_str().is_empty() && !music.is_dir() {
            problems.push(ConfigProblem::new(
                "library.music_dir",
                format!(
                    "{} is not a folder; create it and copy your music there, or point music_dir at your music",
                    music.display()
                ),
            ));
        }
        let display_on_gpio = matches!(
            self.display.driver,
            DisplayDriver::St7789 | DisplayDriver::Ili9341
        );
        if self.button.driver == ButtonDriver::Gpio && display_on_gpio {
            for (key, line) in self.display.lines() {
                if line == u32::from(self.button.bcm_pin) {
                    problems.push(ConfigProblem::new(
                        "button.bcm_pin",
                        format!("GPIO {line} is also the display's {key}; wire the button to another pin (17 is header pin 11)"),
                    ));
                }
            }
        }
        problems
    }

    /// Makes every relative path in the file relative to `base` (the file's folder).
    fn rebase_paths(&mut self, base: &Path) {
        let rebase = |p: &mut PathBuf| {
            if p.is_relative() && !p.as_os_str().is_empty() {
                *p = base.join(&*p);
            }
        };
        rebase(&mut self.daemon.control_socket);
        if let Some(p) = self.daemon.debug_frames_dir.as_mut() {
            rebase(p);
        }
        rebase(&mut self.vision.models_dir);
        rebase(&mut self.library.music_dir);
        rebase(&mut self.library.index);
        if let Some(p) = self.camera.path.as_mut() {
            rebase(p);
        }
        rebase(&mut self.display.png_path);
        if let Some(p) = self.audio.wav_path.as_mut() {
            rebase(p);
        }
    }
}

fn syntax_error(text: &str, path: &Path, e: &toml::de::Error) -> ConfigError {
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
