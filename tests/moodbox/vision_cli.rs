//! `moodbox detect` and `moodbox eval` as a user runs them.

use std::process::Command;

fn moodbox() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_moodbox"));
    cmd.env("MOODBOX_MODELS", "models");
    cmd
}

#[test]
fn detect_json_prints_one_object_per_image_and_carries_on_after_a_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "tests/fixtures/frames/group.png",
        dir.path().join("a_group.png"),
    )
    .unwrap();
    std::fs::write(dir.path().join("b_broken.jpg"), b"\xff\xd8\xff garbage").unwrap();
    std::fs::write(dir.path().join("c_empty.png"), b"").unwrap();
    std::fs::copy(
        "tests/fixtures/frames/noface.png",
        dir.path().join("d_noface.png"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("notes.txt"),
        b"ignored: not an image extension",
    )
    .unwrap();

    let out = moodbox()
        .arg("detect")
        .arg("--json")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65), "some files failed: EX_DATAERR");
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    let group = &lines[0];
    assert!(group["file"].as_str().unwrap().ends_with("a_group.png"));
    assert_eq!(
        (group["width"].as_u64(), group["height"].as_u64()),
        (Some(640), Some(480))
    );
    let faces = group["faces"].as_array().unwrap();
    assert_eq!(faces.len(), 3);
    for face in faces {
        assert_eq!(face["box"].as_array().unwrap().len(), 4);
        assert_eq!(face["keypoints"].as_array().unwrap().len(), 6);
        let probs = face["probs"].as_object().unwrap();
        assert_eq!(probs.len(), 7);
        let sum: f64 = probs.values().map(|p| p.as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 0.02);
        assert_eq!(face["confidence"], probs[face["emotion"].as_str().unwrap()]);
    }
    assert!(lines[1]["error"].as_str().unwrap().contains("b_broken.jpg"));
    assert!(lines[2]["error"].as_str().unwrap().contains("empty"));
    assert_eq!(lines[3]["faces"].as_array().unwrap().len(), 0);
}

#[test]
fn detect_table_and_exit_status_when_everything_reads() {
    let out = moodbox()
        .args(["detect", "tests/fixtures/frames/happy.png"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("happy.png") && text.contains("face 1") && text.contains("happy"),
        "{text}"
    );
}

#[test]
fn detect_without_models_says_where_it_looked() {
    let out = moodbox()
        .args([
            "detect",
            "--models",
            "/nonexistent/models",
            "tests/fixtures/frames/happy.png",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("/nonexistent/models/face_detection_short_range.tflite")
            && err.contains("not found"),
        "{err}"
    );
}

#[test]
fn eval_json_reports_every_metric_on_a_small_labelled_folder() {
    let dir = tempfile::tempdir().unwrap();
    for (label, frame) in [("happy", "happy"), ("sad", "sad"), ("angry", "angry")] {
        std::fs::create_dir(dir.path().join(label)).unwrap();
        std::fs::copy(
            format!("tests/fixtures/frames/{frame}.png"),
            dir.path().join(label).join("1.png"),
        )
        .unwrap();
    }
    let out = moodbox()
        .args(["eval", "--json", "--pipeline", "--dataset"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["n"], 3);
    for key in ["accuracy", "macro_f1", "faces_found", "images_per_second"] {
        assert!(report[key].is_f64(), "{key}");
    }
    assert_eq!(report["per_class"].as_object().unwrap().len(), 7);
    assert_eq!(report["per_class"]["happy"]["n"], 1);
    let confusion = report["confusion"].as_array().unwrap();
    assert_eq!(confusion.len(), 7);
    assert!(confusion
        .iter()
        .all(|row| row.as_array().unwrap().len() == 7));
}
