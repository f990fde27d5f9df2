//! Camera: V4L2 capture (real) and image-file / folder / test-pattern simulators, all behind
//! the [`Camera`] trait.
//!
//! [`open_camera`] builds the back-end named by `[camera] driver`:
//!
//! | driver    | what it is                                                   |
//! |-----------|--------------------------------------------------------------|
//! | `v4l2`    | [`V4l2Camera`]: a UVC webcam (YUYV or MJPEG), mmap streaming |
//! | `image`   | [`ImageFileCamera`]: every frame is one picture               |
//! | `folder`  | [`FolderCamera`]: a folder's pictures in name order, looping  |
//! | `pattern` | [`PatternCamera`]: generated colour bars                      |
//!
//! Frames come out as [`Frame`]s (RGB, with a grayscale view) and live in memory only:
//! nothing here writes an image to disk.
//!
//! The conversions are public so they can be tested on their own: [`yuyv_to_rgb`] (BT.601
//! limited range) and [`decode_mjpeg`] (inserts the standard Huffman tables into frames that
//! lack them, as many UVC cameras send).
//!
//! ## Troubleshooting
//!
//! ### `no camera at /dev/video0`
//! The device node does not exist. Check the webcam is plugged in and listed by
//! `v4l2-ctl --list-devices` (package `v4l-utils`) or `ls /dev/video*`. A camera can come back
//! under another number after a re-plug; a `/dev/v4l/by-id/usb-...-video-index0` path in
//! `[camera] device` does not change.
//!
//! ### `... is not a video capture device`
//! UVC webcams create two nodes; the second (often `/dev/video1`) carries metadata only. On a
//! Raspberry Pi, `/dev/video10` and up belong to the hardware codecs. Use the node that
//! `v4l2-ctl --list-devices` shows first under the webcam.
//!
//! ### `permission denied`
//! Add the user that runs moodbox to the `video` group (`sudo usermod -aG video $USER`, then
//! log in again). The systemd unit does this with `SupplementaryGroups=video`.
//!
//! ### `camera ... is busy`
//! Another program is streaming from it (a browser tab, `motion`, a second moodbox).
//! `fuser /dev/video0` names the process.
//!
//! ### `delivered no frame within ... ms`
//! The camera stalled or lacks USB bandwidth or power: re-plug it, use a powered hub, lower
//! `width`/`height`/`fps`, or raise `timeout_ms`. The camera is reopened on the next scan.
//!
//! ### `does not offer YUYV ...`
//! The message lists what the camera offers; set `[camera] format = "auto"` or the format it
//! lists. Cameras that only send H.264 are not supported.
//!
//! ### A Raspberry Pi camera module (CSI) is not found
//! Current Raspberry Pi OS drives CSI cameras through libcamera, not plain V4L2 capture. Use a
//! UVC webcam, or start moodbox under `libcamerify` (package `libcamera-tools`) which gives
//! libcamera cameras a V4L2 face.
//!
//! ### Frames are too dark right after the scan starts
//! Auto-exposure needs a few frames to settle; raise `warmup_frames` (each is 1/fps seconds).

mod error;
mod frame;
mod mjpeg;
mod negotiate;
mod pattern;
mod sim;
#[cfg(feature = "v4l2")]
mod v4l2;
mod yuyv;

pub use error::{CameraError, CameraStep};
pub use frame::Frame;
pub use mjpeg::{decode_mjpeg, with_huffman_tables};
use moodbox_core::config::{CameraConfig, CameraDriver};
pub use negotiate::{choose, Choice, FormatOffer, PixelFormat, SizeOffer, Wanted};
pub use pattern::{pattern_frame, PatternCamera, BARS};
pub use sim::{FolderCamera, ImageFileCamera};
#[cfg(feature = "v4l2")]
pub use v4l2::V4l2Camera;
pub use yuyv::{ycbcr_to_rgb, yuyv_to_rgb, ConvertError};

/// A source of frames. Implementations are blocking; call them off the async threads.
pub trait Camera: Send {
    /// Takes `frames` frames (warm-up frames are skipped inside). An empty request returns
    /// no frames without touching the device.
    fn capture(&mut self, frames: usize) -> Result<Vec<Frame>, CameraError>;

    /// A one-line description for logs and `moodbox` status output.
    fn describe(&self) -> String;
}

/// Builds the camera `config` names. Real devices are opened (and their format negotiated)
/// here, so a missing or unusable camera is reported at start-up.
pub fn open_camera(config: &CameraConfig) -> Result<Box<dyn Camera>, CameraError> {
    let path = || {
        config
            .path
            .clone()
            .ok_or_else(|| CameraError::NoSuchDevice {
                device: format!("{:?} camera", config.driver).to_lowercase(),
                detail: "no [camera] path is set".into(),
            })
    };
    Ok(match config.driver {
        #[cfg(feature = "v4l2")]
        CameraDriver::V4l2 => Box::new(V4l2Camera::open(config)?),
        #[cfg(not(feature = "v4l2"))]
        CameraDriver::V4l2 => return Err(CameraError::NotBuiltIn),
        CameraDriver::Image => Box::new(ImageFileCamera::open(&path()?)?),
        CameraDriver::Folder => Box::new(FolderCamera::open(&path()?)?),
        CameraDriver::Pattern => Box::new(PatternCamera::new(config.width, config.height)),
    })
}
