//! Hostile but fair inputs to the commands (no daemon): broken and odd config files, file names
//! that are not UTF-8, decode bombs, cut pictures, tags with control characters. Each must end
//! in a clear message naming the file or key, the right exit status, bounded memory, and no
//! panic. (The daemon's own faults are in `reliability_daemon`.)

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::library_audio::{song_file, tone, write_tags, Tags};
use crate::support::peak::run_measured;

const EX_CONFIG: i32 = 78;

fn moodbox(args: &[&OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_moodbox"))
        .args(args)
        .env("MOODBOX_MODELS", "models")
        .output()
        .unwrap()
}

fn strs<'a>(args: &[&'a str]) -> Vec<&'a OsStr> {
    args.iter().map(|a| OsStr::new(*a)).collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn no_panic(out: &Output) {
    let err = stderr(out);
    assert!(
        !err.contains("panicked") && out.status.code() != Some(101),
        "a panic: {err}"
    );
}

/// Runs moodbox with `args`; its output and its own peak resident memory in MB.
fn moodbox_measured(args: &[&OsStr]) -> (Output, f64) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_moodbox"));
    command.args(args).env("MOODBOX_MODELS", "models");
    run_measured(&command)
}

/// A library whose one song has a file name in Latin-1 (not UTF-8), as on an old USB stick.
fn latin1_library(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let music = dir.join("music");
    let name = OsStr::from_bytes(b"happy/caf\xe9 cr\xe8me.wav");
    let song = music.join(name);
    crate::support::library_audio::write_audio(&song, &tone(1.0), 22_050, 1);
    let db = dir.join("index.sqlite3");
    let config = dir.join("moodbox.toml");
    std::fs::write(
        &config,
        format!(
            "[library]\nmusic_dir = {:?}\nindex = {:?}\n",
            music.to_str().unwrap(),
            db.to_str().unwrap()
        ),
    )
    .unwrap();
    (music, song, config)
}

#[test]
fn item_3_non_utf8_file_names_are_listed_losslessly_and_the_index_report_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (_, song, config) = latin1_library(dir.path());
    let config = config.as_os_str();
    let out = moodbox(&[
        "library".as_ref(),
        "index".as_ref(),
        "--json".as_ref(),
        "--config".as_ref(),
        config,
    ]);
    no_panic(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["added"], 1, "{report}");

    for args in [
        strs(&["library", "list", "--json", "--config"]),
        strs(&["recommend", "--emotion", "happy", "--json", "--config"]),
    ] {
        let mut args = args;
        args.push(config);
        let out = moodbox(&args);
        no_panic(&out);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let text = String::from_utf8(out.stdout).expect("JSON output is UTF-8");
        assert!(text.contains(r"caf\\xe9 cr\\xe8me.wav"), "{text}");
        let decoded = moodbox_core::path_text::decode(
            text.split("\"path\":\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .map(|escaped| escaped.replace("\\\\", "\\"))
                .as_deref()
                .unwrap(),
        );
        assert_eq!(decoded.as_deref(), Some(song.as_path()), "{text}");
    }
}

#[test]
fn item_6_a_huge_jpeg_is_refused_before_decoding_with_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.jpg");
    let made = Command::new("ffmpeg")
        .args(["-nostdin", "-loglevel", "error", "-f", "lavfi", "-i"])
        .arg("color=c=gray:s=8192x8192")
        .args(["-frames:v", "1", "-q:v", "31"])
        .arg(&big)
        .status()
        .expect("ffmpeg (scripts/setup installs it)");
    assert!(made.success());
    let started = Instant::now();
    let (out, peak) = moodbox_measured(&[OsStr::new("detect"), big.as_os_str()]);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(65), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("big.jpg") && text.contains("8192x8192") && text.contains("megapixels"),
        "{text}"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(peak < 300.0, "peak memory {peak:.0} MB");
}

#[test]
fn item_6_the_largest_picture_moodbox_reads_stays_inside_the_units_memory_limit() {
    // 4096x4096 is the most moodbox accepts; reading it (decode, luma, the detector's input
    // made one channel at a time) must stay under the unit's MemoryMax=300M.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("largest.jpg");
    let made = Command::new("ffmpeg")
        .args(["-nostdin", "-loglevel", "error", "-f", "lavfi", "-i"])
        .arg("testsrc=s=4096x4096")
        .args(["-frames:v", "1"])
        .arg(&big)
        .status()
        .expect("ffmpeg (scripts/setup installs it)");
    assert!(made.success());
    let (out, peak) = moodbox_measured(&[OsStr::new("detect"), big.as_os_str()]);
    no_panic(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("4096x4096"),
        "it was read"
    );
    assert!(peak < 260.0, "peak memory {peak:.0} MB");
}

#[test]
fn item_6_a_huge_cover_picture_costs_no_memory_when_indexing() {
    use lofty::file::TaggedFileExt;
    let dir = tempfile::tempdir().unwrap();
    let music = dir.path().join("music");
    for name in ["happy/covered.mp3", "calm/covered.flac"] {
        let song = song_file(&music, name, &tone(2.0));
        let mut tagged = lofty::read_from_path(&song).unwrap();
        if tagged.primary_tag().is_none() {
            let kind = tagged.primary_tag_type();
            tagged.insert_tag(lofty::tag::Tag::new(kind));
        }
        // A FLAC picture block holds at most 16 MB: eight of 15 MB make as much art.
        let (count, size) = if name.ends_with(".flac") {
            (8, 15 << 20)
        } else {
            (1, 126 << 20)
        };
        for _ in 0..count {
            tagged
                .primary_tag_mut()
                .unwrap()
                .push_picture(lofty::picture::Picture::new_unchecked(
                    lofty::picture::PictureType::CoverFront,
                    Some(lofty::picture::MimeType::Png),
                    None,
                    vec![0x5a; size],
                ));
        }
        lofty::file::AudioFile::save_to_path(
            &tagged,
            &song,
            lofty::config::WriteOptions::default(),
        )
        .unwrap();
        assert!(std::fs::metadata(&song).unwrap().len() > 119 << 20);
    }
    let (out, peak) = moodbox_measured(&[
        OsStr::new("library"),
        OsStr::new("index"),
        OsStr::new("--json"),
        OsStr::new("--music"),
        music.as_os_str(),
        OsStr::new("--db"),
        dir.path().join("index.sqlite3").as_os_str(),
    ]);
    no_panic(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["added"], 2, "both songs are indexed: {report}");
    assert!(
        peak < 120.0,
        "peak memory {peak:.0} MB for two 126 MB covers"
    );
}

#[test]
fn item_8_ctl_refuses_a_broken_config_instead_of_guessing_the_socket() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("broken.toml");
    std::fs::write(&config, "[daemon]\nframes_per_scan = 0\n").unwrap();
    let out = moodbox(&[
        OsStr::new("ctl"),
        OsStr::new("status"),
        OsStr::new("--config"),
        config.as_os_str(),
    ]);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(EX_CONFIG), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("broken.toml:2") && err.contains("daemon.frames_per_scan"),
        "{err}"
    );
    assert!(!err.contains("/run/moodbox/control.sock"), "{err}");
}

fn check_config(dir: &Path, text: &str) -> (Option<i32>, String) {
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    let out = moodbox(&[OsStr::new("check-config"), path.as_os_str()]);
    no_panic(&out);
    (
        out.status.code(),
        stderr(&out) + &String::from_utf8_lossy(&out.stdout),
    )
}

#[test]
fn item_9_and_10_check_config_refuses_what_run_would() {
    let dir = tempfile::tempdir().unwrap();
    let music = dir.path().join("music");
    std::fs::create_dir(&music).unwrap();
    let base = format!(
        "[vision]\nmodels_dir = {:?}\n[library]\nmusic_dir = {:?}\n",
        std::fs::canonicalize("models").unwrap(),
        music
    );
    let long = format!("/tmp/{}.sock", "s".repeat(220));
    std::fs::create_dir(dir.path().join("a-folder")).unwrap();
    let file = dir.path().join("precious.txt");
    std::fs::write(&file, "keep").unwrap();
    for (extra, key, words) in [
        (
            format!("[daemon]\ncontrol_socket = {long:?}\n"),
            "daemon.control_socket",
            "bytes long",
        ),
        (
            "[daemon]\ncontrol_socket = \"a-folder\"\n".to_string(),
            "daemon.control_socket",
            "is a folder",
        ),
        (
            "[daemon]\ncontrol_socket = \"precious.txt\"\n".to_string(),
            "daemon.control_socket",
            "not a socket",
        ),
        (
            "[display]\ndriver = \"st7789\"\ndc_pin = 999\n".to_string(),
            "display.dc_pin",
            "not on the 40-pin header",
        ),
        (
            "[display]\ndriver = \"st7789\"\nbacklight_pin = 99\n".to_string(),
            "display.backlight_pin",
            "not on the 40-pin header",
        ),
    ] {
        let (code, text) = check_config(dir.path(), &format!("{base}{extra}"));
        assert_eq!(code, Some(EX_CONFIG), "{extra}: {text}");
        assert!(
            text.contains(key) && text.contains(words),
            "{extra}: {text}"
        );
        let config = dir.path().join("config.toml");
        let out = moodbox(&[
            OsStr::new("run"),
            OsStr::new("--config"),
            config.as_os_str(),
        ]);
        assert_eq!(
            out.status.code(),
            Some(EX_CONFIG),
            "run with {extra}: {}",
            stderr(&out)
        );
    }
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "keep",
        "nothing was deleted"
    );
}

#[test]
fn item_11_a_device_or_a_huge_file_is_not_a_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = moodbox(&[OsStr::new("check-config"), OsStr::new("/dev/zero")]);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(EX_CONFIG));
    assert!(
        stderr(&out).contains("/dev/zero: not a regular file"),
        "{}",
        stderr(&out)
    );
    let comments = dir.path().join("comments.toml");
    std::fs::write(&comments, "# a comment line\n".repeat(640 * 1024)).unwrap();
    let (out, peak) = moodbox_measured(&[OsStr::new("check-config"), comments.as_os_str()]);
    assert_eq!(out.status.code(), Some(EX_CONFIG));
    assert!(
        stderr(&out).contains("larger than a config file can be"),
        "{}",
        stderr(&out)
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(peak < 100.0, "{peak:.0} MB");
}

#[test]
fn item_13c_detect_walks_folders_and_says_when_there_is_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("empty/inner")).unwrap();
    let out = moodbox(&[OsStr::new("detect"), dir.path().join("empty").as_os_str()]);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(66), "{}", stderr(&out));
    assert!(stderr(&out).contains("no pictures in"), "{}", stderr(&out));

    let nested = dir.path().join("nested/a/b");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::copy("tests/fixtures/frames/happy.png", nested.join("face.png")).unwrap();
    let out = moodbox(&[OsStr::new("detect"), dir.path().join("nested").as_os_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("face.png"));
}

#[test]
fn item_13d_a_cut_jpeg_is_read_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.jpg");
    image::open("tests/fixtures/frames/happy.png")
        .unwrap()
        .save(&whole)
        .unwrap();
    let bytes = std::fs::read(&whole).unwrap();
    let cut = dir.path().join("cut.jpg");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let out = moodbox(&[OsStr::new("detect"), cut.as_os_str()]);
    no_panic(&out);
    let err = stderr(&out);
    assert!(
        err.contains("cut.jpg") && err.contains("cut short"),
        "{err}"
    );
    let out = moodbox(&[OsStr::new("detect"), whole.as_os_str()]);
    assert!(!stderr(&out).contains("cut short"), "{}", stderr(&out));
}

#[test]
fn item_13g_an_io_error_names_its_cause_once() {
    let out = moodbox(&[OsStr::new("detect"), OsStr::new("/nonexistent/face.png")]);
    no_panic(&out);
    let all = stderr(&out) + &String::from_utf8_lossy(&out.stdout);
    assert_eq!(all.matches("No such file or directory").count(), 2, "{all}");
    assert!(
        !all.contains("(os error 2): No such file or directory"),
        "{all}"
    );
}

#[test]
fn item_13h_control_characters_in_tags_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let music = dir.path().join("music");
    let song = song_file(&music, "calm/bell.wav", &tone(1.0));
    write_tags(
        &song,
        &Tags {
            title: Some("Red\u{1b}[31m Bell\u{7}"),
            artist: Some("Two\nLines"),
            ..Tags::default()
        },
    );
    let db = dir.path().join("index.sqlite3");
    let index = moodbox(&[
        OsStr::new("library"),
        OsStr::new("index"),
        OsStr::new("--music"),
        music.as_os_str(),
        OsStr::new("--db"),
        db.as_os_str(),
    ]);
    assert!(index.status.success(), "{}", stderr(&index));
    let out = moodbox(&[
        OsStr::new("library"),
        OsStr::new("list"),
        OsStr::new("--db"),
        db.as_os_str(),
    ]);
    no_panic(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(text.contains(r"Red\u{1b}[31m Bell\u{7}"), "{text}");
    assert!(text.contains(r"Two\nLines"), "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
}
