//! The volume the box last had, kept across restarts in a one-line file beside the library
//! index (`volume`, e.g. `40`). The machine never starts above `max_volume`, so a file
//! left at 100 (or edited by hand) cannot make a restart loud.

use std::path::{Path, PathBuf};

use tracing::warn;

/// Where the volume is kept.
#[derive(Debug, Clone)]
pub struct VolumeMemory {
    path: PathBuf,
}

impl VolumeMemory {
    /// The file `volume` in the folder that holds the index.
    pub fn beside(index: &Path) -> VolumeMemory {
        let dir = index.parent().unwrap_or(Path::new("."));
        VolumeMemory {
            path: dir.join("volume"),
        }
    }

    #[cfg(test)]
    fn path(&self) -> &Path {
        &self.path
    }

    /// The remembered volume (0..=100); `None` when there is none or it cannot be read.
    pub fn recall(&self) -> Option<u8> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                warn!(file = %self.path.display(), error = %e, "cannot read the remembered volume; using start_volume");
                return None;
            }
        };
        match text.trim().parse::<u8>() {
            Ok(v) if v <= 100 => Some(v),
            _ => {
                warn!(file = %self.path.display(), "the remembered volume is not a number 0-100; using start_volume");
                None
            }
        }
    }

    /// Keeps `volume` (written to a temporary file, then renamed over the old one).
    pub fn remember(&self, volume: u8) {
        let temp = self.path.with_extension("tmp");
        let written = std::fs::write(&temp, format!("{volume}\n"))
            .and_then(|()| std::fs::rename(&temp, &self.path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temp);
            warn!(file = %self.path.display(), error = %e, "cannot keep the volume for the next start");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_volume_is_kept_and_nonsense_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let memory = VolumeMemory::beside(&dir.path().join("library.db"));
        assert_eq!(memory.recall(), None);
        memory.remember(35);
        assert_eq!(memory.recall(), Some(35));
        std::fs::write(memory.path(), "loud\n").unwrap();
        assert_eq!(memory.recall(), None);
        std::fs::write(memory.path(), "250").unwrap();
        assert_eq!(memory.recall(), None);
    }
}
