//! `moodbox demo`, the README's first command: each bundled face gives its own mood, a song of
//! the matching mood plays, and the screens and the audio are left behind.

use std::process::Command;

#[test]
fn the_demo_shows_each_mood_and_plays_matching_songs() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_moodbox"))
        // Long enough after each mood screen (1 s in the demo) for the song's screen to show.
        .args(["demo", "--listen", "1.5", "--out"])
        .arg(out_dir.path())
        .env("MOODBOX_MODELS", "models")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Each press: the face's emotion, then a song from the folder of the mood the `match`
    // policy gives it (happy→happy, sad→sad, angry/surprise→energetic, neutral→calm or happy),
    // in Tamil (the first preferred language) where the library has one, else English.
    let presses: Vec<&str> = text.split("\npress ").skip(1).collect();
    assert_eq!(presses.len(), 7, "{text}");
    for (press, (emotion, moods, language)) in presses.iter().zip([
        ("happy", &["happy"][..], "ta"),
        ("sad", &["sad"], "ta"),
        ("angry", &["energetic"], "en"),
        ("surprise", &["energetic"], "en"),
        ("neutral", &["calm", "happy"], "any"),
    ]) {
        assert!(press.contains(&format!("saw:      {emotion} (")), "{press}");
        let played = press
            .lines()
            .find(|l| l.contains("played:"))
            .unwrap_or_default();
        assert!(
            moods.iter().any(|m| played.contains(&format!("({m} from"))
                && (language == "any" || played.ends_with(&format!(", {language})")))),
            "{emotion}: {played}"
        );
    }
    // The sad Tamil song's title is in Tamil script, and its now-playing screen is drawn.
    let display = presses[1]
        .lines()
        .find(|l| l.contains("display:"))
        .unwrap_or_default();
    assert!(
        presses[1].contains("played:   \"கண்ணே கலைமானே\"")
            && display
                .split("mood-sad.png")
                .nth(1)
                .is_some_and(|after| after.contains("now-playing")),
        "{}",
        presses[1]
    );
    // No face: the box asks instead (the chooser), and the owner's presses pick calm.
    assert!(
        presses[5].contains("saw:      no face")
            && presses[5].contains("carries on")
            && presses[5].contains("choose-mood"),
        "{}",
        presses[5]
    );
    assert!(
        presses[6].contains("the owner chose calm music")
            && presses[6]
                .lines()
                .any(|l| l.contains("played:") && l.contains("(calm from")),
        "{}",
        presses[6]
    );

    let screens: Vec<String> = std::fs::read_dir(out_dir.path().join("screens"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for want in [
        "mood-happy",
        "mood-sad",
        "mood-angry",
        "mood-surprise",
        "mood-neutral",
        "choose-mood",
        "now-playing",
    ] {
        assert!(
            screens.iter().any(|s| s.contains(want)),
            "no {want} screen in {screens:?}"
        );
    }
    let wav = hound::WavReader::open(out_dir.path().join("played.wav")).unwrap();
    let seconds = wav.duration() as f32 / wav.spec().sample_rate as f32;
    assert!(seconds > 2.5, "the speaker played {seconds} s");
}
