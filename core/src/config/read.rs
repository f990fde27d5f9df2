//! Reading a config file safely: only a regular file, at most [`MAX_CONFIG_BYTES`], as UTF-8.
//!
//! A path to a FIFO would block the reader until someone writes to it, and `/dev/zero` never
//! ends; both are refused by their file type before they are opened. A real config is a few
//! kilobytes, so anything above a megabyte is refused without reading it into memory.

use std::io::Read;
use std::path::Path;

use super::ConfigError;

/// The largest config file read (the shipped one, every option commented, is about 8 KB).
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The text of the config file at `path`.
pub fn config_text(path: &Path) -> Result<String, ConfigError> {
    let read_error = |source| ConfigError::Read {
        file: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(read_error)?;
    if !meta.is_file() {
        return Err(ConfigError::NotAFile {
            file: path.to_path_buf(),
        });
    }
    if meta.len() > MAX_CONFIG_BYTES {
        return Err(ConfigError::TooLarge {
            file: path.to_path_buf(),
            bytes: meta.len(),
        });
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes))
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(ConfigError::TooLarge {
            file: path.to_path_buf(),
            bytes: bytes.len() as u64,
        });
    }
    String::from_utf8(bytes).map_err(|e| ConfigError::NotUtf8 {
        file: path.to_path_buf(),
        line: e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_of_sane_size_are_read() {
        let err = config_text(Path::new("/dev/zero")).unwrap_err().to_string();
        assert!(
            err.contains("/dev/zero") && err.contains("not a regular file"),
            "{err}"
        );
        let dir = std::env::temp_dir().join(format!("moodbox-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let big = dir.join("big.toml");
        std::fs::write(&big, vec![b'#'; MAX_CONFIG_BYTES as usize + 1]).unwrap();
        let err = config_text(&big).unwrap_err().to_string();
        assert!(
            err.contains("big.toml") && err.contains("larger than"),
            "{err}"
        );
        let latin1 = dir.join("latin1.toml");
        std::fs::write(&latin1, b"# ok\n# caf\xe9\n").unwrap();
        let err = config_text(&latin1).unwrap_err().to_string();
        assert!(err.contains("latin1.toml:2"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
