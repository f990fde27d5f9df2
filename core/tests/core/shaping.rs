//! The shaper checked against HarfBuzz itself: every title and artist of the script test set
//! (core/tests/fonts/titles.tsv) is split into runs, each run shaped by moodbox, and the
//! glyph ids, clusters, offsets and advances must equal what `hb-shape` prints for the same
//! text, font, direction and script.
//!
//! hb-shape's answers are kept in core/tests/fixtures/hb-shape.tsv, so the test runs where
//! HarfBuzz is not installed; where it is, the fixture must also match hb-shape run now.
//! `scripts/fonts test` (or `MOODBOX_UPDATE_SHAPING=1 cargo test -p moodbox-core --test core
//! shaping`) writes the fixture again from hb-shape.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use moodbox_core::ui::fonts::FontBook;
use moodbox_core::ui::shaping::{runs, shape_run, Run};

use crate::test_fonts::{fonts_dir, titles, use_test_fonts};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hb-shape.tsv")
}

/// One run to shape: the font file, direction, script and text, as hb-shape takes them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Case {
    file: String,
    rtl: bool,
    script: String,
    text: String,
}

impl Case {
    fn key(&self) -> String {
        let direction = if self.rtl { "rtl" } else { "ltr" };
        format!("{}\t{direction}\t{}\t{}", self.file, self.script, self.text)
    }
}

/// Every run of every title and artist, with moodbox's own shaping in hb-shape's notation.
fn cases(book: &FontBook) -> BTreeMap<Case, String> {
    let mut cases = BTreeMap::new();
    for title in titles() {
        for text in [&title.title, &title.artist] {
            let (found, _) = runs(book, text).unwrap_or_else(|| panic!("no font for {text}"));
            for run in found {
                let face = book.face(run.family).expect("a loaded face");
                let case = Case {
                    file: face.file.clone(),
                    rtl: run.rtl,
                    script: run.script.iso15924().to_string(),
                    text: text[run.range.clone()].to_string(),
                };
                cases.insert(case, ours(face, text, &run));
            }
        }
    }
    cases
}

/// moodbox's shaping of `run`, written as hb-shape writes it with --no-glyph-names:
/// `[gid=cluster@dx,dy+advance|...]`.
fn ours(face: &moodbox_core::ui::fonts::Face, text: &str, run: &Run) -> String {
    let shaped = shape_run(face, text, run);
    let glyphs: Vec<String> = shaped
        .glyph_infos()
        .iter()
        .zip(shaped.glyph_positions())
        .map(|(info, pos)| {
            let mut glyph = format!("{}={}", info.glyph_id, info.cluster);
            if pos.x_offset != 0 || pos.y_offset != 0 {
                glyph += &format!("@{},{}", pos.x_offset, pos.y_offset);
            }
            glyph += &format!("+{}", pos.x_advance);
            if pos.y_advance != 0 {
                glyph += &format!(",{}", pos.y_advance);
            }
            glyph
        })
        .collect();
    format!("[{}]", glyphs.join("|"))
}

/// hb-shape's answer for `case`, or `None` when hb-shape is not installed.
fn hb_shape(case: &Case) -> Option<String> {
    // Looked up on PATH first: under qemu-user a program that is not there can still seem to
    // start (and then exit 127), so a failed spawn alone does not say it is missing.
    let program = std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("hb-shape"))
        .find(|path| path.is_file())?;
    let mut command = Command::new(program);
    command
        .env("LC_ALL", "C.UTF-8")
        .args(["--no-glyph-names", "--utf8-clusters"])
        .arg(format!(
            "--direction={}",
            if case.rtl { "rtl" } else { "ltr" }
        ));
    if !matches!(case.script.as_str(), "Zyyy" | "Zinh") {
        command.arg(format!("--script={}", case.script));
    }
    command
        .arg(fonts_dir().join(&case.file))
        .arg(format!("--text={}", case.text));
    let output = command.output().ok()?;
    assert!(
        output.status.success(),
        "hb-shape failed on {case:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8(output.stdout).unwrap().trim().to_string())
}

fn read_fixture() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(fixture()).unwrap_or_default();
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .filter_map(|line| {
            let (key, glyphs) = line.rsplit_once('\t')?;
            Some((key.to_string(), glyphs.to_string()))
        })
        .collect()
}

#[test]
fn shaping_matches_harfbuzz_for_every_title_in_the_test_set() {
    let book = use_test_fonts();
    let cases = cases(book);
    if std::env::var("MOODBOX_UPDATE_SHAPING").is_ok_and(|v| v == "1") {
        let mut out = String::from(
            "# hb-shape's output for each run of the script test titles (font, direction, \
             script, text, glyphs); written by scripts/fonts test\n",
        );
        for case in cases.keys() {
            let answer = hb_shape(case).expect("hb-shape is installed (libharfbuzz-bin)");
            out += &format!("{}\t{answer}\n", case.key());
        }
        std::fs::create_dir_all(fixture().parent().unwrap()).unwrap();
        std::fs::write(fixture(), out).unwrap();
        return;
    }
    let expected = read_fixture();
    let mut failures = Vec::new();
    for (case, ours) in &cases {
        let Some(reference) = expected.get(&case.key()) else {
            failures.push(format!(
                "{}: not in the fixture (run scripts/fonts test)",
                case.key()
            ));
            continue;
        };
        if ours != reference {
            failures.push(format!(
                "{}\n  moodbox:  {ours}\n  hb-shape: {reference}",
                case.key()
            ));
        }
        if let Some(live) = hb_shape(case) {
            assert_eq!(&live, reference, "the fixture is stale for {}", case.key());
        }
    }
    assert!(cases.len() >= titles().len(), "every title has runs");
    assert!(
        failures.is_empty(),
        "shaping differs:\n{}",
        failures.join("\n")
    );
}

#[test]
fn mixed_titles_split_into_runs_of_one_font_and_direction() {
    let book = use_test_fonts();
    let text = "Kanne Kalaimane — கண்ணே கலைமானே";
    let (found, rtl) = runs(book, text).unwrap();
    assert!(!rtl);
    let pieces: Vec<&str> = found.iter().map(|r| &text[r.range.clone()]).collect();
    assert_eq!(pieces, vec!["Kanne Kalaimane — ", "கண்ணே கலைமானே"]);
    // Right to left: the Arabic reads from the right, the number stays left to right.
    let text = "أنا 2019";
    let (found, rtl) = runs(book, text).unwrap();
    assert!(rtl);
    let pieces: Vec<(&str, bool)> = found
        .iter()
        .map(|r| (&text[r.range.clone()], r.rtl))
        .collect();
    assert_eq!(pieces, vec![("2019", false), ("أنا ", true)]);
}
