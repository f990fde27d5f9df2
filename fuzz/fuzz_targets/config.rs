//! The config parser and every check on any text: an error naming a line, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use moodbox_core::config::{Config, Scope};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for scope in [Scope::Daemon, Scope::Control, Scope::Library] {
        if let Err(e) = Config::parse_for(&text, Path::new("/fuzz/config.toml"), scope) {
            let _ = e.to_string();
        }
    }
});
