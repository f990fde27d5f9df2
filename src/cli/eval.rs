//! `moodbox eval --dataset DIR`: accuracy of the vision code on a labelled face dataset.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use serde_json::json;

use moodbox::vision::eval::{evaluate, list_dataset, EvalMode, EvalReport};
use moodbox::vision::VisionPipeline;
use moodbox_core::Emotion;

use super::vision_args::ModelArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Dataset folder with one sub-folder per label (the FER2013 layout).
    #[arg(long, value_name = "DIR")]
    pub dataset: PathBuf,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Use only N images, evenly spread over the sorted list (every label keeps its share).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Paste each face into a larger frame and run detector + crop + classifier, as the box
    /// does; a face not found counts as wrong.
    #[arg(long)]
    pub pipeline: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let images = list_dataset(&args.dataset, args.limit)?;
    let mut vision = VisionPipeline::load(&args.model.vision_config())
        .context("cannot load the vision models")?;
    let mode = if args.pipeline {
        EvalMode::Pipeline
    } else {
        EvalMode::Crops
    };
    let show_progress = !args.json && std::io::stderr().is_terminal();
    let total = images.len();
    let report = evaluate(&mut vision, &images, mode, |done| {
        if show_progress && (done % 50 == 0 || done == total) {
            eprint!("\r{done}/{total} images");
        }
    })?;
    if show_progress {
        eprintln!();
    }
    for line in &report.unreadable {
        tracing::warn!("skipped {line}");
    }
    if args.json {
        println!("{}", report_json(&report));
    } else {
        print_tables(&args, mode, &report);
    }
    Ok(ExitCode::SUCCESS)
}

fn report_json(report: &EvalReport) -> serde_json::Value {
    let c = &report.confusion;
    let per_class: serde_json::Map<String, serde_json::Value> = Emotion::ALL
        .iter()
        .map(|&e| {
            (
                e.as_str().to_string(),
                serde_json::to_value(c.scores(e)).unwrap_or_default(),
            )
        })
        .collect();
    json!({
        "n": c.total(),
        "accuracy": c.accuracy(),
        "macro_f1": c.macro_f1(),
        "per_class": per_class,
        "confusion": c.counts,
        "faces_found": c.found_rate(),
        "images_per_second": report.images_per_second(),
        "unreadable": report.unreadable.len(),
    })
}

fn print_tables(args: &Args, mode: EvalMode, report: &EvalReport) {
    let c = &report.confusion;
    let how = match mode {
        EvalMode::Crops => "each image classified as a ready face crop",
        EvalMode::Pipeline => "each face pasted into a 320x240 frame: detector + crop + classifier",
    };
    println!(
        "{} images from {} ({how})",
        c.total(),
        args.dataset.display()
    );
    println!("accuracy     {:.4}", c.accuracy());
    println!("macro-F1     {:.4}", c.macro_f1());
    println!("faces found  {:.2}%", c.found_rate() * 100.0);
    println!("images/s     {:.1}", report.images_per_second());
    if !report.unreadable.is_empty() {
        println!("unreadable   {} (not counted)", report.unreadable.len());
    }
    println!();
    println!(
        "{:<10} {:>9} {:>7} {:>7} {:>6}",
        "label", "precision", "recall", "f1", "n"
    );
    for e in Emotion::ALL {
        let s = c.scores(e);
        println!(
            "{:<10} {:>9.3} {:>7.3} {:>7.3} {:>6}",
            e.as_str(),
            s.precision,
            s.recall,
            s.f1,
            s.n
        );
    }
    println!();
    println!("confusion (rows: true label, columns: predicted; 'missed': no face found)");
    print!("{:<10}", "");
    for e in Emotion::ALL {
        print!(" {:>8}", e.as_str());
    }
    println!(" {:>8}", "missed");
    for t in Emotion::ALL {
        print!("{:<10}", t.as_str());
        for p in Emotion::ALL {
            print!(" {:>8}", c.counts[t.index()][p.index()]);
        }
        println!(" {:>8}", c.missed[t.index()]);
    }
}
