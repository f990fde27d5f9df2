//! The fonts and titles the display's script tests use: Noto subsets made by `scripts/fonts
//! test` (core/tests/fonts/), and one title per script family from titles.tsv.

use std::path::{Path, PathBuf};

use moodbox_core::ui::fonts::{self, FontBook};

pub fn fonts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fonts")
}

/// Makes the test fonts the process's fonts (every test of this binary uses the same).
pub fn use_test_fonts() -> &'static FontBook {
    fonts::install(FontBook::from_dirs(&[fonts_dir()]));
    fonts::book()
}

/// One row of titles.tsv.
pub struct Title {
    pub name: String,
    pub title: String,
    pub artist: String,
    pub language: String,
}

pub fn titles() -> Vec<Title> {
    include_str!("../fonts/titles.tsv")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 4, "titles.tsv: {line}");
            Title {
                name: fields[0].into(),
                title: fields[1].into(),
                artist: fields[2].into(),
                language: fields[3].into(),
            }
        })
        .collect()
}
