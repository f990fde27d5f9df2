//! `moodbox check-config` on the shipped config and on broken ones: every problem names the
//! file, the line and the key, and the exit status is EX_CONFIG (78).

use std::path::Path;
use std::process::{Command, Output};

use moodbox_core::config::{Config, ConfigError};

fn check_config(path: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_moodbox"))
        .arg("check-config")
        .arg(path)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_shipped_config_lists_exactly_the_defaults() {
    let text = std::fs::read_to_string("config/moodbox.toml").unwrap();
    let parsed: Config = toml::from_str(&text).expect("the shipped config parses");
    assert_eq!(
        parsed,
        Config::default(),
        "config/moodbox.toml must state every default as it is"
    );
    // Every key of every section appears in the file (uncommented or as a commented example).
    let defaults = toml::to_string(&Config::default()).unwrap();
    for line in defaults.lines().filter(|l| l.contains(" = ")) {
        let key = line.split(" = ").next().unwrap();
        assert!(
            text.contains(&format!("{key} = ")),
            "config/moodbox.toml does not mention {key}"
        );
    }
    for optional in [
        "debug_frames_dir",
        "path",
        "invert_colors",
        "color_order",
        "wav_path",
    ] {
        assert!(
            text.contains(&format!("# {optional} = ")),
            "{optional} is shown as an example"
        );
    }
}

#[test]
fn the_shipped_config_is_valid_once_its_folders_exist() {
    let dir = tempfile::tempdir().unwrap();
    let music = dir.path().join("music");
    std::fs::create_dir(&music).unwrap();
    let models = std::fs::canonicalize("models").unwrap();
    let text = std::fs::read_to_string("config/moodbox.toml")
        .unwrap()
        .replace("/usr/share/moodbox/models", models.to_str().unwrap())
        .replace("/var/lib/moodbox/music", music.to_str().unwrap());
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    let out = check_config(&path);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("OK"));
}

#[test]
fn a_simulated_box_config_is_valid() {
    let out = check_config(Path::new("tests/fixtures/config/simulated.toml"));
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Runs check-config on a fixture and returns its message, asserting exit status 78.
fn refused(fixture: &str) -> String {
    let path = format!("tests/fixtures/config/{fixture}");
    let out = check_config(Path::new(&path));
    assert_eq!(out.status.code(), Some(78), "{fixture}: {}", stderr(&out));
    let message = stderr(&out);
    assert!(
        message.contains(&path),
        "{fixture}: the message names the file: {message}"
    );
    message
}

#[test]
fn an_unknown_key_is_refused_with_a_suggestion() {
    let message = refused("unknown_key.toml");
    assert!(message.contains("unknown_key.toml:4:"), "{message}");
    assert!(
        message.contains("unknown field `frame_per_scan`"),
        "{message}"
    );
    assert!(
        message.contains("did you mean `frames_per_scan`?"),
        "{message}"
    );
}

#[test]
fn a_value_of_the_wrong_type_is_refused_naming_the_key() {
    let message = refused("wrong_type.toml");
    assert!(message.contains("wrong_type.toml:20:"), "{message}");
    assert!(
        message.contains("display.width") && message.contains("expected u32"),
        "{message}"
    );
}

#[test]
fn a_pin_off_the_header_is_refused() {
    let message = refused("bad_pin.toml");
    assert!(
        message.contains("bad_pin.toml:26: button.bcm_pin: GPIO 42"),
        "{message}"
    );
    assert!(message.contains("2..=27"), "{message}");
}

#[test]
fn a_missing_music_folder_is_refused() {
    let message = refused("missing_music.toml");
    assert!(
        message.contains("missing_music.toml:10: library.music_dir"),
        "{message}"
    );
    assert!(
        message.contains("no-such-music-folder is not a folder"),
        "{message}"
    );
}

#[test]
fn a_button_on_a_display_pin_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "[display]\ndriver = \"st7789\"\n\n[button]\nbcm_pin = 25\n",
    )
    .unwrap();
    let err = Config::load(&path).unwrap_err().to_string();
    assert!(
        err.contains("config.toml:5: button.bcm_pin: GPIO 25 is also the display's dc_pin"),
        "{err}"
    );
}

#[test]
fn broken_files_are_refused_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 4] = [
        (
            "truncated.toml",
            b"[daemon]\nframes_per_scan = ",
            "truncated.toml:2:",
        ),
        ("header.toml", b"[camera\nwidth = 3\n", "header.toml:1:"),
        (
            "binary.toml",
            b"[daemon]\nframes_per_scan = 3\n\xff\xfe\x00garbage",
            "not UTF-8",
        ),
        (
            "section.toml",
            b"[speaker]\nvolume = 3\n",
            "unknown field `speaker`",
        ),
    ];
    for (name, bytes, want) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = check_config(&path);
        assert_eq!(out.status.code(), Some(78), "{name}");
        let message = stderr(&out);
        assert!(message.contains(want), "{name}: {message}");
        assert!(!message.contains("panicked"), "{name}: {message}");
    }
    let err = Config::load(&dir.path().join("missing.toml")).unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }), "{err}");
}
