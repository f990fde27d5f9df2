//! `moodbox detect PATH...`: find the faces in image files and read their emotions.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use serde_json::json;

use moodbox::image_file::{has_image_extension, load_rgb};
use moodbox::vision::{FrameReading, VisionPipeline};

use super::vision_args::ModelArgs;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 when every image was read, 65 when any could not be, 1 on a fatal error."
)]
pub struct Args {
    /// Image files, or folders of images.
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
    for path in expand(&args.paths) {
        let reading = load_rgb(&path)
            .map_err(anyhow::Error::from)
            .and_then(|frame| vision.read_frame(&frame).map_err(anyhow::Error::from));
        match reading {
            Ok(r) if args.json => writeln!(out, "{}", reading_json(&path, &r))?,
            Ok(r) => write_table_rows(&mut out, &path, &r)?,
            Err(err) => {
                failed += 1;
                tracing::error!("{err:#}");
                if args.json {
                    writeln!(
                        out,
                        "{}",
                        json!({"file": path.display().to_string(), "error": format!("{err:#}")})
                    )?;
                } else {
                    writeln!(out, "{:<40} error: {err:#}", path.display())?;
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

/// Files as given, folders replaced by their image files (sorted).
fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in paths {
        match std::fs::read_dir(path) {
            Ok(entries) => {
                let mut files: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.is_file() && has_image_extension(p))
                    .collect();
                files.sort();
                out.extend(files);
            }
            Err(_) => out.push(path.clone()),
        }
    }
    out
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
    json!({"file": path.display().to_string(), "width": r.width, "height": r.height, "faces": faces})
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
