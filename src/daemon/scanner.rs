//! The scan worker: owns the camera and both vision models (neither may block the async
//! threads). A scan captures the configured number of frames, reads every face in every
//! frame, drops the frames, and answers with the combined mood.
//!
//! A camera that is missing at start or fails later is closed and reopened with capped
//! backoff in the background; a scan while it is missing tries once more at once and
//! otherwise answers "no camera", so the box never hangs on a press. New vision settings are
//! loaded on this thread too, and a model that fails to load leaves the old ones in place.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;
use tracing::{debug, info, warn};

use moodbox_core::backoff::Backoff;
use moodbox_core::config::{CameraConfig, CameraDriver, VisionConfig};
use moodbox_core::scan::ScanOutcome;
use moodbox_core::status::DeviceStatus;

use crate::hardware::camera::{open_camera, Camera, CameraError, Frame};
use crate::vision::{aggregate, FrameReading, ModelError, VisionPipeline};
use crate::worker::{Link, Service, Worker};

/// The result of one scan, with what the status command reports about it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanReport {
    pub outcome: ScanOutcome,
    pub frames: usize,
    pub elapsed: Duration,
}

pub enum ScanMsg {
    Scan {
        frames: usize,
        reply: oneshot::Sender<ScanReport>,
    },
    Configure {
        camera: CameraConfig,
        vision: VisionConfig,
        debug_frames_dir: Option<PathBuf>,
    },
}

/// Handle to the scan worker; dropping it closes the camera.
pub struct Scanner {
    worker: Worker<ScanMsg>,
}

impl Scanner {
    /// Starts the worker with loaded models (the box cannot work without them: load them with
    /// [`VisionPipeline::load`] first, off the async threads); the worker opens the camera.
    pub fn start(
        camera: CameraConfig,
        vision: VisionPipeline,
        debug_frames_dir: Option<PathBuf>,
    ) -> Scanner {
        let worker = Worker::start("camera", Backoff::default(), move |_| ScanService {
            config: camera,
            camera: None,
            vision,
            debug_frames_dir,
        });
        Scanner { worker }
    }

    /// Starts a scan of `frames` frames; the answer arrives on the returned channel.
    pub fn scan(&self, frames: usize) -> oneshot::Receiver<ScanReport> {
        let (reply, rx) = oneshot::channel();
        if self.worker.send(ScanMsg::Scan { frames, reply }).is_err() {
            warn!("the scan thread has stopped");
        }
        rx
    }

    /// New camera settings, models and debug option (after SIGHUP); the camera is reopened.
    pub fn configure(
        &self,
        camera: CameraConfig,
        vision: VisionConfig,
        debug_frames_dir: Option<PathBuf>,
    ) {
        let _ = self.worker.send(ScanMsg::Configure {
            camera,
            vision,
            debug_frames_dir,
        });
    }

    pub fn camera_status(&self) -> DeviceStatus {
        self.worker.status()
    }
}

/// Loads both vision models; an error here means the box cannot read faces.
pub fn load_models(vision: &VisionConfig) -> Result<VisionPipeline, ModelError> {
    VisionPipeline::load(vision)
}

struct ScanService {
    config: CameraConfig,
    camera: Option<Box<dyn Camera>>,
    vision: VisionPipeline,
    debug_frames_dir: Option<PathBuf>,
}

impl ScanService {
    fn scan(&mut self, frames: usize, link: &mut Link) -> ScanReport {
        let start = Instant::now();
        let report = |outcome, frames| ScanReport {
            outcome,
            frames,
            elapsed: start.elapsed(),
        };
        if self.camera.is_none() {
            link.report_open(self.open());
        }
        let captured = match self.camera.as_mut().map(|c| c.capture(frames)) {
            Some(Ok(frames)) => frames,
            Some(Err(e)) => return report(self.capture_failed(e, link), 0),
            None => return report(self.camera_missing(link), 0),
        };
        let n = captured.len();
        match self.read_frames(captured) {
            Ok(readings) => report(outcome_of(&readings), n),
            Err(e) => {
                warn!(error = %e, "inference failed");
                report(ScanOutcome::NoFace { too_dark: false }, n)
            }
        }
    }

    fn camera_missing(&self, link: &Link) -> ScanOutcome {
        ScanOutcome::CameraFailed {
            device: self.device_name(),
            error: link.get().text().to_string(),
        }
    }

    /// The device the config names: the image or folder for the simulators.
    fn device_name(&self) -> String {
        match (&self.config.path, self.config.driver) {
            (Some(path), CameraDriver::Image | CameraDriver::Folder) => path.display().to_string(),
            _ => self.config.device.to_string(),
        }
    }

    /// A failed capture: a lost camera is closed and reopened in the background.
    fn capture_failed(&mut self, e: CameraError, link: &mut Link) -> ScanOutcome {
        warn!(error = %e, "capture failed");
        let device = e.device().to_string();
        if e.is_no_camera() {
            self.camera = None;
            link.lost(&e);
        }
        ScanOutcome::CameraFailed {
            device,
            error: e.to_string(),
        }
    }

    /// Reads every frame and lets it go: nothing is kept unless the debug option asks.
    fn read_frames(&mut self, frames: Vec<Frame>) -> Result<Vec<FrameReading>, ModelError> {
        let mut readings = Vec::with_capacity(frames.len());
        for frame in frames {
            if let Some(dir) = &self.debug_frames_dir {
                save_debug_frame(dir, &frame);
            }
            readings.push(self.vision.read_frame(frame.rgb())?);
        }
        Ok(readings)
    }

    fn configure(
        &mut self,
        camera: CameraConfig,
        vision: VisionConfig,
        debug_frames_dir: Option<PathBuf>,
        link: &mut Link,
    ) {
        match VisionPipeline::load(&vision) {
            Ok(pipeline) => self.vision = pipeline,
            Err(e) => warn!(error = %e, "new vision settings not applied; keeping the old models"),
        }
        self.config = camera;
        self.debug_frames_dir = debug_frames_dir;
        self.close();
        link.reset();
        link.report_open(self.open());
    }
}

impl Service for ScanService {
    type Msg = ScanMsg;
    type Error = CameraError;

    fn open(&mut self) -> Result<String, CameraError> {
        let camera = open_camera(&self.config)?;
        let description = camera.describe();
        info!(camera = %description, "camera ready");
        self.camera = Some(camera);
        Ok(description)
    }

    fn close(&mut self) {
        self.camera = None;
    }

    fn handle(&mut self, msg: ScanMsg, link: &mut Link) {
        match msg {
            ScanMsg::Scan { frames, reply } => {
                let _ = reply.send(self.scan(frames, link));
            }
            ScanMsg::Configure {
                camera,
                vision,
                debug_frames_dir,
            } => self.configure(camera, vision, debug_frames_dir, link),
        }
    }
}

impl Drop for ScanService {
    fn drop(&mut self) {
        self.camera = None;
        info!("camera released");
    }
}

/// The mood of a scan, or why there is none.
pub fn outcome_of(readings: &[FrameReading]) -> ScanOutcome {
    match aggregate(readings) {
        Some(mood) => ScanOutcome::Mood(mood),
        None => {
            let dark = readings.iter().filter(|r| r.too_dark).count();
            ScanOutcome::NoFace {
                too_dark: !readings.is_empty() && dark * 2 > readings.len(),
            }
        }
    }
}

fn save_debug_frame(dir: &Path, frame: &Frame) {
    let path = dir.join(format!("frame-{:06}.png", frame.sequence));
    let result = std::fs::create_dir_all(dir)
        .map_err(|e| e.to_string())
        .and_then(|_| frame.rgb().save(&path).map_err(|e| e.to_string()));
    match result {
        Ok(()) => debug!(path = %path.display(), "debug frame written"),
        Err(e) => warn!(path = %path.display(), error = %e, "cannot write debug frame"),
    }
}
