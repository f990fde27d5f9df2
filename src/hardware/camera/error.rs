//! Camera errors, each saying what went wrong and what to do about it.

use std::io;
use std::time::Duration;

/// Everything that can stop a camera from delivering frames.
#[derive(Debug, thiserror::Error)]
pub enum CameraError {
    /// Nothing to open: the device node does not exist (camera unplugged, wrong path or
    /// index), or a simulator's image file / folder is missing or holds no images.
    /// Fix: plug the camera in, or point `[camera] device` / `path` at the right place.
    #[error("no camera at {device}: {detail}")]
    NoSuchDevice { device: String, detail: String },

    /// The node exists but is not a video capture device (a UVC webcam also creates a
    /// metadata node, often `/dev/video1`). Fix: use the other node; `v4l2-ctl --list-devices`
    /// lists them.
    #[error("{device} is not a video capture device ({detail}); try another /dev/videoN (`v4l2-ctl --list-devices` lists them)")]
    NotACaptureDevice { device: String, detail: String },

    /// Another program is streaming from the camera (EBUSY). Fix: close it; `fuser DEVICE`
    /// names it.
    #[error(
        "camera {device} is busy: another program is using it (find it with `fuser {device}`)"
    )]
    Busy { device: String },

    /// The camera vanished while streaming (ENODEV). The stream has been dropped; the next
    /// capture reopens the device and negotiates the format again.
    #[error("camera {device} was unplugged while capturing; it is reopened on the next capture")]
    Unplugged { device: String },

    /// The camera offers none of the formats asked for. Fix: set `[camera] format` to one it
    /// offers (moodbox reads YUYV and MJPEG).
    #[error("camera {device} does not offer {wanted}; it offers: {}", offered.join("; "))]
    UnsupportedFormat {
        device: String,
        wanted: String,
        offered: Vec<String>,
    },

    /// The process may not open the device. Fix: add the user to the `video` group
    /// (`sudo usermod -aG video $USER`, then log in again).
    #[error("permission denied opening {device}: add the user to the `video` group (sudo usermod -aG video $USER, then log in again)")]
    PermissionDenied { device: String },

    /// No frame arrived in time: the camera stalled, or is starved of USB bandwidth or power.
    /// Fix: re-plug it, use a powered hub, or lower `[camera] width`/`height`/`fps`.
    #[error("camera {device} delivered no frame within {} ms (re-plug it, or lower the resolution or frame rate)", waited.as_millis())]
    Timeout { device: String, waited: Duration },

    /// A frame arrived but could not be turned into an image (corrupt MJPEG, short buffer,
    /// undecodable simulator image). Usually transient; persistent errors mean a bad cable or
    /// a broken file.
    #[error("bad frame from {device}: {detail}")]
    BadFrame { device: String, detail: String },

    /// This moodbox was built without V4L2 support (cargo feature `v4l2`). Fix: use a
    /// simulator driver (`image`, `folder`, `pattern`), or install a build with it.
    #[error("this moodbox was built without V4L2 camera support: set [camera] driver = \"image\", \"folder\" or \"pattern\"")]
    NotBuiltIn,

    /// Any other system error, with the operation that failed.
    #[error("camera {device}: {op} failed: {source}")]
    Io {
        device: String,
        op: &'static str,
        source: io::Error,
    },
}

/// Where in the camera's life an I/O error happened; the same errno means different things
/// when opening and when streaming.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CameraStep {
    Open,
    Query,
    Configure,
    Stream,
}

impl CameraError {
    /// The device (or simulator source) the error is about.
    pub fn device(&self) -> &str {
        match self {
            CameraError::NoSuchDevice { device, .. }
            | CameraError::NotACaptureDevice { device, .. }
            | CameraError::Busy { device }
            | CameraError::Unplugged { device }
            | CameraError::UnsupportedFormat { device, .. }
            | CameraError::PermissionDenied { device }
            | CameraError::Timeout { device, .. }
            | CameraError::BadFrame { device, .. }
            | CameraError::Io { device, .. } => device,
            CameraError::NotBuiltIn => "/dev/video0",
        }
    }

    /// True when the camera as a whole is unusable right now (the daemon shows its "no
    /// camera" screen and retries later); false for a single bad frame.
    pub fn is_no_camera(&self) -> bool {
        !matches!(self, CameraError::BadFrame { .. })
    }

    /// Turns a system error from `op` during `step` into the variant a user can act on.
    pub fn from_io(
        device: &str,
        step: CameraStep,
        op: &'static str,
        err: io::Error,
    ) -> CameraError {
        let device = device.to_string();
        if err.kind() == io::ErrorKind::TimedOut {
            return CameraError::Timeout {
                device,
                waited: Duration::ZERO,
            };
        }
        match (step, err.raw_os_error()) {
            (_, Some(libc::EACCES | libc::EPERM)) => CameraError::PermissionDenied { device },
            (_, Some(libc::EBUSY)) => CameraError::Busy { device },
            (CameraStep::Open, Some(libc::ENOENT | libc::ENXIO | libc::ENODEV)) => {
                CameraError::NoSuchDevice {
                    device,
                    detail: err.to_string(),
                }
            }
            (_, Some(libc::ENODEV | libc::ENXIO)) => CameraError::Unplugged { device },
            // ENOSYS: the ioctl is not implemented at all (as under qemu-user emulation).
            (CameraStep::Query, Some(libc::ENOTTY | libc::EINVAL | libc::ENOSYS)) => {
                CameraError::NotACaptureDevice {
                    device,
                    detail: err.to_string(),
                }
            }
            _ => CameraError::Io {
                device,
                op,
                source: err,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errno(e: i32) -> io::Error {
        io::Error::from_raw_os_error(e)
    }

    #[test]
    fn errno_becomes_an_actionable_variant() {
        let d = "/dev/video0";
        assert!(matches!(
            CameraError::from_io(d, CameraStep::Open, "open", errno(libc::ENOENT)),
            CameraError::NoSuchDevice { .. }
        ));
        assert!(matches!(
            CameraError::from_io(
                d,
                CameraStep::Configure,
                "VIDIOC_REQBUFS",
                errno(libc::EBUSY)
            ),
            CameraError::Busy { .. }
        ));
        assert!(matches!(
            CameraError::from_io(d, CameraStep::Stream, "VIDIOC_DQBUF", errno(libc::ENODEV)),
            CameraError::Unplugged { .. }
        ));
        assert!(matches!(
            CameraError::from_io(d, CameraStep::Open, "open", errno(libc::EACCES)),
            CameraError::PermissionDenied { .. }
        ));
        assert!(matches!(
            CameraError::from_io(d, CameraStep::Query, "VIDIOC_QUERYCAP", errno(libc::ENOTTY)),
            CameraError::NotACaptureDevice { .. }
        ));
        assert!(matches!(
            CameraError::from_io(d, CameraStep::Stream, "VIDIOC_DQBUF", errno(libc::EIO)),
            CameraError::Io {
                op: "VIDIOC_DQBUF",
                ..
            }
        ));
    }

    #[test]
    fn messages_tell_the_user_what_to_do() {
        let d = "/dev/video0";
        let msg =
            CameraError::from_io(d, CameraStep::Open, "open", errno(libc::EACCES)).to_string();
        assert!(msg.contains("video` group"), "{msg}");
        let msg =
            CameraError::from_io(d, CameraStep::Stream, "STREAMON", errno(libc::EBUSY)).to_string();
        assert!(
            msg.contains("another program") && msg.contains("fuser /dev/video0"),
            "{msg}"
        );
        let msg = CameraError::UnsupportedFormat {
            device: d.into(),
            wanted: "YUYV".into(),
            offered: vec!["MJPG 1280x720@30".into(), "H264 1920x1080@30".into()],
        }
        .to_string();
        assert!(
            msg.contains("offers: MJPG 1280x720@30; H264 1920x1080@30"),
            "{msg}"
        );
        let msg = CameraError::Timeout {
            device: d.into(),
            waited: Duration::from_millis(1500),
        }
        .to_string();
        assert!(msg.contains("1500 ms"), "{msg}");
    }

    #[test]
    fn only_a_bad_frame_leaves_the_camera_usable() {
        assert!(!CameraError::BadFrame {
            device: "x".into(),
            detail: "y".into()
        }
        .is_no_camera());
        assert!(CameraError::Unplugged { device: "x".into() }.is_no_camera());
        assert!(CameraError::NoSuchDevice {
            device: "x".into(),
            detail: "y".into()
        }
        .is_no_camera());
    }
}
