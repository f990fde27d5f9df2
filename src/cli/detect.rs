//! `moodbox detect PATH...`: find the faces in image files and read their emotions.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use serde_json::json;

use moodbox::vision::{FrameReading, VisionPipeline};
use moodbox_core::path_text;
use moodbox_media::image_file::{image_files, load_rgb, IMAGE_EXTENSIONS};

use super::vision_args::ModelArgs;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 when every image was read, 65 when any could not be, 66 when there were no pictures, 1 on a fatal error."
)]
pub struct Args {
    /// Image files, or folders of images (searched at any depth).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// One JSON object per image per line.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = args.model.vision_config();
    let mut vision = VisionPipeline::load(&config).context("cannot load the vision models")?;
    let mut failed = 0;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if !args.json {
        writeln!(out, "{:<40} {:>9}  {:>5}", "FILE", "SIZE", "FACES")?;
    }
    let paths = image_files(&args.paths);
    if paths.is_empty() {
        let given: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
        eprintln!(
            "moodbox: no pictures in {} (moodbox reads {} files, in folders at any depth)",
            given.join(", "),
            IMAGE_EXTENSIONS.join(", ")
        );
        return Ok(ExitCode::from(super::EXIT_NOINPUT));
    }
    for path in paths {
        let reading = load_rgb(&path)
            .map_err(anyhow::Error::from)
            .and_then(|frame| vision.read_frame(&frame).map_err(anyhow::Error::from));
        match reading {
            Ok(r) if args.json => writeln!(out, "{}", reading_json(&path, &r))?,
            Ok(r) => write_table_rows(&mut out, &path, &r)?,
            Err(err) => {
                failed += 1;
                let err = super::error_chain(&err);
                tracing::error!("{err}");
                if args.json {
                    writeln!(
                        out,
                        "{}",
                        json!({"file": path_text::encode(&path), "error": err})
                    )?;
                } else {
                    writeln!(out, "{:<40} error: {err}", path.display())?;
                }
            }
        }
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::EXIT_DATAERR)
    })
}

fn reading_json(path: &Path, r: &FrameReading) -> serde_json::Value {
    let faces: Vec<_> = r
        .faces
        .iter()
        .map(|f| {
            let b = f.face.bbox;
            let (emotion, confidence) = f.probs.top();
            json!({
                "box": [b.x, b.y, b.w, b.h],
                "score": f.face.score,
                "keypoints": f.face.keypoints.iter().map(|p| [p.x, p.y]).collect::<Vec<_>>(),
                "emotion": emotion.as_str(),
                "confidence": confidence,
                "probs": f.probs,
            })
        })
        .collect();
    json!({"file": path_text::encode(path), "width": r.width, "height": r.height, "faces": faces})
}

fn write_table_rows(out: &mut impl Write, path: &Path, r: &FrameReading) -> std::io::Result<()> {
    let size = format!("{}x{}", r.width, r.height);
    let dark = if r.too_dark { "  (too dark)" } else { "" };
    writeln!(
        out,
        "{:<40} {:>9}  {:>5}{dark}",
        path.display(),
        size,
        r.faces.len()
    )?;
    for (i, f) in r.faces.iter().enumerate() {
        let b = f.face.bbox;
        let (emotion, confidence) = f.probs.top();
        writeln!(
            out,
            "  face {}: box {:.0},{:.0} {:.0}x{:.0}  score {:.2}  {} {:.0}%",
            i + 1,
            b.x,
            b.y,
            b.w,
            b.h,
            f.face.score,
            emotion,
            confidence * 100.0
        )?;
    }
    Ok(())
}
