//! The real camera: a V4L2 (UVC) device driven through the `v4l` crate.
//!
//! The device is opened and its format negotiated when the camera is built, but it only
//! streams during [`Camera::capture`]: streaming starts, warm-up frames are dropped while
//! auto-exposure settles, the frames asked for are converted, and streaming stops again (so
//! the camera's LED is only on during a scan). Every dequeue waits at most `timeout_ms`
//! (poll before `VIDIOC_DQBUF`), so a stalled or unplugged camera cannot hang the caller.
//! After an error the device is closed; the next capture reopens it and negotiates again,
//! which is what a re-plugged camera needs (fresh `S_FMT`, `REQBUFS` and mmap).

use std::panic::{self, AssertUnwindSafe};

use tracing::{debug, info, warn};
use v4l::buffer::{Flags as BufferFlags, Type as BufferType};
use v4l::capability::Flags as CapFlags;
use v4l::frameinterval::FrameIntervalEnum;
use v4l::framesize::FrameSizeEnum;
use v4l::io::mmap::Stream as MmapStream;
use v4l::io::traits::CaptureStream;
use v4l::video::capture::Parameters;
use v4l::video::Capture;
use v4l::{Device, Format, FourCC, Fraction};

use moodbox_media::panic::panic_message;

use super::error::{CameraError, CameraStep};
use super::frame::Frame;
use super::mjpeg::decode_mjpeg;
use super::negotiate::{choose, Choice, FormatOffer, PixelFormat, SizeOffer, Wanted};
use super::yuyv::yuyv_to_rgb;
use super::Camera;
use moodbox_core::config::camera::{CameraConfig, PixelFormatChoice, MAX_SIDE};

/// mmap buffers requested from the driver.
const BUFFERS: u32 = 4;
/// Decoder memory cap for one MJPEG frame.
const MJPEG_MAX_ALLOC: u64 = 256 << 20;

/// A UVC webcam through V4L2.
pub struct V4l2Camera {
    config: CameraConfig,
    device_name: String,
    open: Option<OpenCamera>,
    sequence: u64,
}

/// A device with its negotiated mode.
struct OpenCamera {
    device: Device,
    card: String,
    mode: Mode,
}

/// The mode the driver accepted.
#[derive(Debug, Clone, Copy)]
struct Mode {
    format: PixelFormat,
    width: u32,
    height: u32,
    stride: u32,
    fps: Option<f32>,
}

impl V4l2Camera {
    /// Opens the device named in `config` and negotiates its format.
    pub fn open(config: &CameraConfig) -> Result<V4l2Camera, CameraError> {
        let device_name = config.device.to_string();
        let open = open_and_negotiate(&device_name, config)?;
        Ok(V4l2Camera {
            config: config.clone(),
            device_name,
            open: Some(open),
            sequence: 0,
        })
    }

    fn ensure_open(&mut self) -> Result<&OpenCamera, CameraError> {
        if self.open.is_none() {
            info!(device = %self.device_name, "reopening camera");
            self.open = Some(open_and_negotiate(&self.device_name, &self.config)?);
        }
        Ok(self.open.as_ref().expect("opened just above"))
    }
}

impl Drop for V4l2Camera {
    fn drop(&mut self) {
        if let Some(open) = self.open.take() {
            drop_quietly(open);
        }
    }
}

impl Camera for V4l2Camera {
    fn capture(&mut self, frames: usize) -> Result<Vec<Frame>, CameraError> {
        if frames == 0 {
            return Ok(Vec::new());
        }
        let warmup = self.config.warmup_frames as usize;
        let timeout = self.config.timeout();
        let device_name = self.device_name.clone();
        let first_sequence = self.sequence;
        let open = self.ensure_open()?;
        let result = guard(&device_name, "streaming", || {
            stream_frames(open, &device_name, frames, warmup, timeout, first_sequence)
        });
        match result {
            Ok(images) => {
                self.sequence += images.len() as u64;
                Ok(images)
            }
            Err(err) => {
                if err.is_no_camera() {
                    warn!(device = %device_name, error = %err, "closing camera; the next capture reopens it");
                    if let Some(open) = self.open.take() {
                        drop_quietly(open);
                    }
                }
                Err(err)
            }
        }
    }

    fn describe(&self) -> String {
        match &self.open {
            Some(open) => {
                let m = open.mode;
                let fps = m.fps.map(|r| format!("@{}", r.round())).unwrap_or_default();
                format!(
                    "V4L2 {} ({}) {} {}x{}{fps}",
                    self.device_name, open.card, m.format, m.width, m.height
                )
            }
            None => format!(
                "V4L2 {} (closed; reopened on the next capture)",
                self.device_name
            ),
        }
    }
}

/// Streams `warmup + frames` buffers and converts the last `frames` of them.
fn stream_frames(
    open: &OpenCamera,
    device_name: &str,
    frames: usize,
    warmup: usize,
    timeout: std::time::Duration,
    first_sequence: u64,
) -> Result<Vec<Frame>, CameraError> {
    let stream_err = |op: &'static str, e: std::io::Error| match CameraError::from_io(
        device_name,
        CameraStep::Stream,
        op,
        e,
    ) {
        CameraError::Timeout { device, .. } => CameraError::Timeout {
            device,
            waited: timeout,
        },
        other => other,
    };
    let mut stream = MmapStream::with_buffers(&open.device, BufferType::VideoCapture, BUFFERS)
        .map_err(|e| {
            CameraError::from_io(device_name, CameraStep::Configure, "VIDIOC_REQBUFS", e)
        })?;
    stream.set_timeout(timeout);
    let mut out = Vec::with_capacity(frames);
    // Corrupt frames happen now and then on USB; allow as many as we want good ones.
    let mut bad_left = frames;
    let mut seen = 0usize;
    let result = loop {
        if out.len() == frames {
            break Ok(out);
        }
        let (buf, meta) = match stream.next() {
            Ok(next) => next,
            Err(e) => break Err(stream_err("VIDIOC_DQBUF", e)),
        };
        seen += 1;
        if seen <= warmup {
            continue;
        }
        let used = match meta.bytesused as usize {
            0 => buf.len(),
            n => n.min(buf.len()),
        };
        let converted = if meta.flags.contains(BufferFlags::ERROR) {
            Err("the driver flagged the buffer as corrupt".to_string())
        } else {
            convert(&buf[..used], &open.mode)
        };
        match converted {
            Ok(image) => out.push(Frame::new(image, first_sequence + out.len() as u64)),
            Err(detail) if bad_left > 0 => {
                bad_left -= 1;
                debug!(device = device_name, %detail, "skipping a bad frame");
            }
            Err(detail) => {
                break Err(CameraError::BadFrame {
                    device: device_name.to_string(),
                    detail,
                })
            }
        }
    };
    drop_quietly(stream);
    result
}

fn convert(data: &[u8], mode: &Mode) -> Result<image::RgbImage, String> {
    let image = match mode.format {
        PixelFormat::Yuyv => yuyv_to_rgb(data, mode.width, mode.height, mode.stride),
        PixelFormat::Mjpeg => decode_mjpeg(data, MAX_SIDE, MJPEG_MAX_ALLOC),
    }
    .map_err(|e| e.0)?;
    if image.dimensions() != (mode.width, mode.height) {
        return Err(format!(
            "frame is {}x{}, negotiated {}x{}",
            image.width(),
            image.height(),
            mode.width,
            mode.height
        ));
    }
    Ok(image)
}

fn open_and_negotiate(device_name: &str, config: &CameraConfig) -> Result<OpenCamera, CameraError> {
    guard(device_name, "opening", || {
        let device = Device::with_path(config.device.path())
            .map_err(|e| CameraError::from_io(device_name, CameraStep::Open, "open", e))?;
        let caps = device.query_caps().map_err(|e| {
            CameraError::from_io(device_name, CameraStep::Query, "VIDIOC_QUERYCAP", e)
        })?;
        if !caps.capabilities.contains(CapFlags::VIDEO_CAPTURE) {
            return Err(CameraError::NotACaptureDevice {
                device: device_name.to_string(),
                detail: format!("{} ({}) has no video capture", caps.card, caps.driver),
            });
        }
        if !caps.capabilities.contains(CapFlags::STREAMING) {
            return Err(CameraError::NotACaptureDevice {
                device: device_name.to_string(),
                detail: format!(
                    "{} ({}) cannot stream to mmap buffers",
                    caps.card, caps.driver
                ),
            });
        }
        let offers = list_offers(&device).map_err(|e| {
            CameraError::from_io(device_name, CameraStep::Query, "VIDIOC_ENUM_FMT", e)
        })?;
        let wanted = Wanted {
            format: config.format,
            width: config.width,
            height: config.height,
            fps: config.fps,
        };
        let unsupported = || CameraError::UnsupportedFormat {
            device: device_name.to_string(),
            wanted: wanted.describe(),
            offered: offers.iter().map(FormatOffer::summary).collect(),
        };
        let choice = choose(&offers, &wanted).ok_or_else(unsupported)?;
        let mode = apply(&device, device_name, &choice, config.fps)?;
        // The driver may answer S_FMT with another format; fine unless one was demanded.
        if mode.format != choice.format && config.format != PixelFormatChoice::Auto {
            return Err(unsupported());
        }
        info!(device = device_name, card = %caps.card, format = %mode.format, width = mode.width,
              height = mode.height, fps = ?mode.fps, "camera ready");
        Ok(OpenCamera {
            device,
            card: caps.card,
            mode,
        })
    })
}

/// Sets the chosen format and frame rate; returns what the driver actually took.
fn apply(
    device: &Device,
    device_name: &str,
    choice: &Choice,
    wanted_fps: u32,
) -> Result<Mode, CameraError> {
    let asked = Format::new(
        choice.width,
        choice.height,
        FourCC::new(&choice.format.fourcc()),
    );
    let got = device
        .set_format(&asked)
        .map_err(|e| CameraError::from_io(device_name, CameraStep::Configure, "VIDIOC_S_FMT", e))?;
    let Some(format) = PixelFormat::from_fourcc(got.fourcc.repr) else {
        return Err(CameraError::UnsupportedFormat {
            device: device_name.to_string(),
            wanted: choice.format.to_string(),
            offered: vec![format!("the driver switched to {}", got.fourcc)],
        });
    };
    let fps = choice.fps.unwrap_or(wanted_fps as f32).max(1.0);
    // Frame interval as a fraction of seconds, e.g. 1000/30000 for 30 fps.
    let interval = Fraction::new(1000, (fps * 1000.0).round() as u32);
    let fps = match device.set_params(&Parameters::new(interval)) {
        Ok(p) if p.interval.numerator > 0 => {
            Some(p.interval.denominator as f32 / p.interval.numerator as f32)
        }
        Ok(_) => None,
        Err(e) => {
            warn!(device = device_name, error = %e, "camera refused the frame rate; using its own");
            None
        }
    };
    Ok(Mode {
        format,
        width: got.width,
        height: got.height,
        stride: got.stride,
        fps,
    })
}

/// The driver's formats, sizes and rates as plain data.
fn list_offers(device: &Device) -> std::io::Result<Vec<FormatOffer>> {
    let mut offers = Vec::new();
    for desc in device.enum_formats()? {
        let fourcc = desc.fourcc;
        let mut sizes = Vec::new();
        for size in device.enum_framesizes(fourcc).unwrap_or_default() {
            match size.size {
                FrameSizeEnum::Discrete(d) => {
                    let fps = device
                        .enum_frameintervals(fourcc, d.width, d.height)
                        .unwrap_or_default()
                        .iter()
                        .flat_map(|i| interval_rates(&i.interval))
                        .collect();
                    sizes.push(SizeOffer::Discrete {
                        width: d.width,
                        height: d.height,
                        fps,
                    });
                }
                FrameSizeEnum::Stepwise(s) => sizes.push(SizeOffer::Stepwise {
                    min: (s.min_width, s.min_height),
                    max: (s.max_width, s.max_height),
                    step: (s.step_width, s.step_height),
                }),
            }
        }
        offers.push(FormatOffer {
            fourcc: fourcc.repr,
            sizes,
        });
    }
    Ok(offers)
}

fn interval_rates(interval: &FrameIntervalEnum) -> Vec<f32> {
    let rate = |f: &Fraction| (f.numerator > 0).then(|| f.denominator as f32 / f.numerator as f32);
    match interval {
        FrameIntervalEnum::Discrete(f) => rate(f).into_iter().collect(),
        FrameIntervalEnum::Stepwise(s) => {
            [rate(&s.min), rate(&s.max)].into_iter().flatten().collect()
        }
    }
}

/// Runs `f`, turning a panic inside the `v4l` crate (it unwraps on odd driver strings and
/// enum values) into an error instead of taking the daemon down.
fn guard<T>(
    device: &str,
    op: &'static str,
    f: impl FnOnce() -> Result<T, CameraError>,
) -> Result<T, CameraError> {
    panic::catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        Err(CameraError::Io {
            device: device.to_string(),
            op,
            source: std::io::Error::other(format!(
                "the v4l crate panicked: {}",
                panic_message(&*payload)
            )),
        })
    })
}

/// Drops a stream or device; the `v4l` crate panics in `Drop` on some ioctl errors, which
/// must not escape a capture.
fn drop_quietly<T>(value: T) {
    if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(move || drop(value))) {
        warn!(error = %panic_message(&*payload), "closing the camera stream failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use moodbox_core::config::DeviceRef;

    fn config_for(path: &str) -> CameraConfig {
        CameraConfig {
            device: DeviceRef::Path(path.into()),
            ..CameraConfig::default()
        }
    }

    #[test]
    fn a_missing_device_is_no_such_device() {
        let err = V4l2Camera::open(&config_for("/dev/video-moodbox-missing"))
            .err()
            .unwrap();
        assert!(matches!(err, CameraError::NoSuchDevice { .. }), "{err:?}");
        assert!(
            err.to_string().contains("/dev/video-moodbox-missing"),
            "{err}"
        );
        assert!(err.is_no_camera());
    }

    #[test]
    fn a_node_that_is_not_a_camera_is_named_as_such() {
        let err = V4l2Camera::open(&config_for("/dev/null")).err().unwrap();
        assert!(
            matches!(err, CameraError::NotACaptureDevice { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("v4l2-ctl --list-devices"), "{err}");
    }

    #[test]
    fn rates_come_from_frame_intervals() {
        let discrete = FrameIntervalEnum::Discrete(Fraction::new(1, 30));
        assert_eq!(interval_rates(&discrete), vec![30.0]);
        let zero = FrameIntervalEnum::Discrete(Fraction::new(0, 30));
        assert!(interval_rates(&zero).is_empty());
    }

    #[test]
    fn a_panic_in_the_driver_crate_becomes_an_error() {
        let err = guard::<()>("/dev/video0", "opening", || panic!("bad utf-8")).unwrap_err();
        assert!(err.to_string().contains("bad utf-8"), "{err}");
    }
}
