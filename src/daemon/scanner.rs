//! The scan worker: a thread that owns the camera and both vision models (neither may block
//! the async threads). A scan captures the configured number of frames, reads every face in
//! every frame, drops the frames, and answers with the combined mood.
//!
//! A camera that is missing at start or fails later is closed and reopened with capped
//! backoff in the background; a scan while it is missing tries once more at once and
//! otherwise answers "no camera", so the box never hangs on a press.

use std::path::PathBuf;
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;
use tracing::{debug, info, warn};

use super::reopen::{DeviceStatus, Reopen};
use crate::hardware::camera::{open_camera, Camera, CameraError, Frame};
use crate::vision::{aggregate, FrameReading, ModelError, VisionPipeline};
use moodbox_core::config::{CameraConfig, VisionConfig};
use moodbox_core::machine::ScanOutcome;

/// The result of one scan, with what the status command reports about it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanReport {
    pub outcome: ScanOutcome,
    pub frames: usize,
    pub elapsed: Duration,
}

enum Msg {
    Scan {
        frames: usize,
        reply: oneshot::Sender<ScanReport>,
    },
    Reconfigure {
        camera: CameraConfig,
        vision: Box<VisionPipeline>,
        debug_frames_dir: Option<PathBuf>,
    },
    Shutdown,
}

/// Handle to the scan thread; dropping it closes the camera and joins the thread.
pub struct Scanner {
    tx: mpsc::Sender<Msg>,
    thread: Option<JoinHandle<()>>,
    status: DeviceStatus,
}

impl Scanner {
    /// Loads the models (an error here is fatal: the box cannot work without them) and
    /// starts the thread, which opens the camera.
    pub fn start(
        camera: CameraConfig,
        vision: &VisionConfig,
        debug_frames_dir: Option<PathBuf>,
    ) -> Result<Scanner, ModelError> {
        let pipeline = VisionPipeline::load(vision)?;
        let (tx, rx) = mpsc::channel();
        let status = DeviceStatus::new();
        let worker = Worker {
            config: camera,
            camera: None,
            vision: pipeline,
            debug_frames_dir,
            reopen: Reopen::new("camera", status.clone()),
        };
        let thread = thread::Builder::new()
            .name("moodbox-scan".into())
            .spawn(move || worker.run(rx))
            .expect("spawning the scan thread");
        Ok(Scanner {
            tx,
            thread: Some(thread),
            status,
        })
    }

    /// Starts a scan of `frames` frames; the answer arrives on the returned channel.
    pub fn scan(&self, frames: usize) -> oneshot::Receiver<ScanReport> {
        let (reply, rx) = oneshot::channel();
        if self.tx.send(Msg::Scan { frames, reply }).is_err() {
            warn!("the scan thread has stopped");
        }
        rx
    }

    /// New camera settings, models and debug option (after SIGHUP); the camera is reopened.
    pub fn reconfigure(
        &self,
        camera: CameraConfig,
        vision: &VisionConfig,
        debug_frames_dir: Option<PathBuf>,
    ) -> Result<(), ModelError> {
        let vision = Box::new(VisionPipeline::load(vision)?);
        let _ = self.tx.send(Msg::Reconfigure {
            camera,
            vision,
            debug_frames_dir,
        });
        Ok(())
    }

    /// `Ok(description)` while the camera is open, `Err(why not)` otherwise.
    pub fn camera_status(&self) -> Result<String, String> {
        self.status.get()
    }

    /// Closes the camera and waits up to `wait` for the thread (a capture in progress ends
    /// at its own timeout; the process may exit before that).
    pub fn shutdown(mut self, wait: Duration) {
        let _ = self.tx.send(Msg::Shutdown);
        if let Some(thread) = self.thread.take() {
            join_within(thread, wait, "scan");
        }
    }
}

impl Drop for Scanner {
    fn drop(&mut self) {
        let _ = self.tx.send(Msg::Shutdown);
    }
}

/// Joins `thread` if it ends within `wait`; otherwise leaves it to end on its own.
pub(crate) fn join_within(thread: JoinHandle<()>, wait: Duration, name: &str) {
    let deadline = Instant::now() + wait;
    while !thread.is_finished() && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(5));
    }
    if thread.is_finished() {
        let _ = thread.join();
    } else {
        warn!("the {name} thread is still busy; not waiting for it");
    }
}

struct Worker {
    config: CameraConfig,
    camera: Option<Box<dyn Camera>>,
    vision: VisionPipeline,
    debug_frames_dir: Option<PathBuf>,
    reopen: Reopen,
}

impl Worker {
    fn run(mut self, rx: mpsc::Receiver<Msg>) {
        self.try_open();
        while let Ok(msg) = self.reopen.recv(&rx) {
            match msg {
                None => {
                    self.try_open();
                }
                Some(Msg::Scan { frames, reply }) => {
                    let report = self.scan(frames);
                    let _ = reply.send(report);
                }
                Some(Msg::Reconfigure {
                    camera,
                    vision,
                    debug_frames_dir,
                }) => {
                    self.config = camera;
                    self.vision = *vision;
                    self.debug_frames_dir = debug_frames_dir;
                    self.camera = None;
                    self.reopen.reset();
                    self.try_open();
                }
                Some(Msg::Shutdown) => break,
            }
        }
        self.camera = None;
        info!("camera released");
    }

    /// Opens the camera; on failure the next attempt is scheduled with backoff.
    fn try_open(&mut self) -> bool {
        match open_camera(&self.config) {
            Ok(camera) => {
                info!(camera = %camera.describe(), "camera ready");
                self.reopen.opened(camera.describe());
                self.camera = Some(camera);
                true
            }
            Err(e) => {
                self.reopen.open_failed(&e);
                false
            }
        }
    }

    fn scan(&mut self, frames: usize) -> ScanReport {
        let start = Instant::now();
        let report = |outcome, frames| ScanReport {
            outcome,
            frames,
            elapsed: start.elapsed(),
        };
        if self.camera.is_none() && !self.try_open() {
            return report(self.camera_failed_from_status(), 0);
        }
        let captured = match self.camera.as_mut().map(|c| c.capture(frames)) {
            Some(Ok(frames)) => frames,
            Some(Err(e)) => return report(self.capture_failed(e), 0),
            None => return report(self.camera_failed_from_status(), 0),
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

    fn camera_failed_from_status(&self) -> ScanOutcome {
        let error = self.reopen.status().err().unwrap_or_default();
        ScanOutcome::CameraFailed {
            device: self.config_device(),
            error,
        }
    }

    fn config_device(&self) -> String {
        match (&self.config.path, self.config.driver) {
            (
                Some(path),
                moodbox_core::config::CameraDriver::Image
                | moodbox_core::config::CameraDriver::Folder,
            ) => path.display().to_string(),
            _ => self.config.device.to_string(),
        }
    }

    /// A failed capture: a lost camera is closed and reopened in the background.
    fn capture_failed(&mut self, e: CameraError) -> ScanOutcome {
        warn!(error = %e, "capture failed");
        let device = e.device().to_string();
        if e.is_no_camera() {
            self.camera = None;
            self.reopen.lost(&e);
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

fn save_debug_frame(dir: &std::path::Path, frame: &Frame) {
    let path = dir.join(format!("frame-{:06}.png", frame.sequence));
    let result = std::fs::create_dir_all(dir)
        .map_err(|e| e.to_string())
        .and_then(|_| frame.rgb().save(&path).map_err(|e| e.to_string()));
    match result {
        Ok(()) => debug!(path = %path.display(), "debug frame written"),
        Err(e) => warn!(path = %path.display(), error = %e, "cannot write debug frame"),
    }
}
