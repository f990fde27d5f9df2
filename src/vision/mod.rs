//! Vision: find faces (MediaPipe BlazeFace) and read their emotion (int8 mini-Xception
//! trained on FER2013), both on the TensorFlow Lite runtime.
//!
//! [`pipeline::VisionPipeline`] runs detect → crop → classify on a frame;
//! [`aggregate::aggregate`] turns a scan's frames into one mood.

pub mod aggregate;
pub mod classifier;
pub mod crop;
pub mod detector;
pub mod eval;
pub mod metrics;
pub mod model;
pub mod pipeline;
pub mod resample;

pub use aggregate::aggregate;
pub use classifier::EmotionClassifier;
pub use crop::CropGeometry;
pub use detector::{BoundingBox, Face, FaceDetector, Point};
pub use model::ModelError;
pub use pipeline::{FaceEmotion, FrameReading, VisionPipeline};
