//! The config file (`/etc/moodbox/config.toml`): every section in one strict document.
//!
//! Parsing is strict (`deny_unknown_fields` everywhere, so a typo is an error with a
//! suggestion, not a silently ignored line). Each section then checks its own values; every
//! problem is reported with the file, the line and the key, and what to write instead.
//! Relative paths in the file are taken relative to the file's own folder.

pub mod audio;
pub mod board;
pub mod button;
pub mod camera;
pub mod daemon;
pub mod display;
mod error;
pub mod library;
mod locate;
mod problem;
mod read;
pub mod vision;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use error::{ConfigError, LocatedProblem};
pub use problem::ConfigProblem;
pub use read::MAX_CONFIG_BYTES;

pub use audio::{AudioConfig, AudioDriver, MixerChoice};
pub use board::Board;
pub use button::{ButtonConfig, ButtonDriver, ButtonRole, PressTiming};
pub use camera::{CameraConfig, CameraDriver, DeviceRef, PixelFormatChoice};
pub use daemon::DaemonConfig;
pub use display::{ColorOrder, DisplayConfig, DisplayDriver, OptionalLine};
pub use library::LibraryConfig;
pub use vision::VisionConfig;

/// Keys that were renamed: (section, old name, new name). The old names are serde aliases.
const RENAMED_KEYS: [(&str, &str, &str); 2] = [
    ("daemon", "scan_library_on_start", "index_on_start"),
    ("audio", "volume", "start_volume"),
];

/// Whether `[section]` of the TOML `text` sets `key`.
fn toml_has_key(text: &str, section: &str, key: &str) -> bool {
    text.parse::<toml::Table>().is_ok_and(|t| {
        t.get(section)
            .and_then(|s| s.as_table())
            .is_some_and(|s| s.contains_key(key))
    })
}

/// Where the Debian package installs the config.
pub const DEFAULT_PATH: &str = "/etc/moodbox/config.toml";

/// The whole configuration. Every field has a default, so an empty file is valid on a Pi.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The add-on board the box is built on; it fills in the display, buttons and sound
    /// device keys the file does not set. Goes at the top of the file, before any section.
    pub board: Board,
    pub daemon: DaemonConfig,
    pub vision: VisionConfig,
    pub library: LibraryConfig,
    pub camera: CameraConfig,
    pub display: DisplayConfig,
    pub button: ButtonConfig,
    pub audio: AudioConfig,
}

/// Which sections a command works with. Every command reads the whole file the same way
/// (syntax, unknown keys and types are checked everywhere); the values only of the sections it
/// uses must be right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everything, and what lies between sections: `run`, `check-config`, a reload.
    Daemon,
    /// The `[daemon]` section: `ctl` (the control socket).
    Control,
    /// The `[library]` section: `library` and `recommend`.
    Library,
}

impl Config {
    /// Reads, parses and checks a config file for the daemon (every section).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        Config::load_for(path, Scope::Daemon)
    }

    /// Reads and parses a config file, and checks the sections `scope` uses.
    pub fn load_for(path: &Path, scope: Scope) -> Result<Config, ConfigError> {
        let text = read::config_text(path)?;
        Config::parse_for(&text, path, scope)
    }

    /// Parses and checks config text that came from `path` (used in messages and as the base
    /// of relative paths), for the daemon.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        Config::parse_for(text, path, Scope::Daemon)
    }

    /// Parses config text that came from `path` and checks the sections `scope` uses. Keys
    /// under an old name are read, with a warning naming the new one.
    pub fn parse_for(text: &str, path: &Path, scope: Scope) -> Result<Config, ConfigError> {
        let mut config: Config =
            toml::from_str(text).map_err(|e| error::syntax_error(text, path, &e))?;
        if config.board != Board::Custom {
            let user: toml::Table = text
                .parse()
                .map_err(|e| error::syntax_error(text, path, &e))?;
            config = toml::Value::Table(board::merged(config.board, user))
                .try_into()
                .map_err(|e| error::syntax_error(text, path, &e))?;
        }
        for (section, old, new) in RENAMED_KEYS {
            if toml_has_key(text, section, old) {
                let line = locate::line_of(text, section, old).unwrap_or(1);
                tracing::warn!(
                    "{}:{line}: {section}.{old} is now called {section}.{new}; rename it (the old name still works)",
                    path.display()
                );
            }
        }
        let base = path.parent().unwrap_or(Path::new("."));
        config.rebase_paths(base);
        let problems: Vec<LocatedProblem> = config
            .check_for(scope)
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

    /// The problems of the sections `scope` uses.
    pub fn check_for(&self, scope: Scope) -> Vec<ConfigProblem> {
        match scope {
            Scope::Daemon => self.check(),
            Scope::Control => self.daemon.check(),
            Scope::Library => self.library.check(),
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
            for (button_key, pin, _) in self.button.buttons() {
                for (key, line) in self.display.lines() {
                    if line == pin {
                        problems.push(ConfigProblem::new(
                            format!("button.{button_key}"),
                            format!("GPIO {line} is also the display's {key}; wire the button to another pin (17 is header pin 11)"),
                        ));
                    }
                }
            }
        }
        problems.extend(board::check(self));
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
