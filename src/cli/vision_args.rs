//! Options shared by the commands that load the vision models.

use std::path::PathBuf;

use moodbox_core::config::vision::default_models_dir;
use moodbox_core::config::VisionConfig;

#[derive(Debug, Clone, clap::Args)]
pub struct ModelArgs {
    /// Folder with the .tflite models [default: $MOODBOX_MODELS, ./models, /usr/share/moodbox/models]
    #[arg(long, value_name = "DIR")]
    pub models: Option<PathBuf>,
    /// Minimum face detector score (0..1).
    #[arg(long, value_name = "SCORE", default_value_t = 0.5)]
    pub threshold: f32,
    /// Classify each face once, without averaging with its mirror image (faster, less accurate).
    #[arg(long)]
    pub no_mirror_average: bool,
    /// Face crop side as a multiple of the detector box width.
    #[arg(long, value_name = "X", default_value_t = moodbox::vision::CropGeometry::default().scale)]
    pub crop_scale: f32,
    /// Crop centre offset from the box centre, in box heights (negative: up).
    #[arg(long, value_name = "X", default_value_t = moodbox::vision::CropGeometry::default().shift_y, allow_hyphen_values = true)]
    pub crop_shift: f32,
    /// Do not rotate faces upright before classifying.
    #[arg(long)]
    pub no_level: bool,
    /// Threads per model.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
}

impl ModelArgs {
    pub fn vision_config(&self) -> VisionConfig {
        VisionConfig {
            score_threshold: self.threshold,
            mirror_average: !self.no_mirror_average,
            crop_scale: self.crop_scale,
            crop_shift: self.crop_shift,
            level_faces: !self.no_level,
            threads: self.threads,
            ..VisionConfig::with_models_dir(self.models.clone().unwrap_or_else(default_models_dir))
        }
    }
}
