//! `[camera]` section of the config file: which camera to use and how to drive it.

use std::fmt;
use std::path::PathBuf;

use crate::config::ConfigProblem;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Which camera back-end the scan worker opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CameraDriver {
    /// A real V4L2 (UVC) camera at `device`.
    V4l2,
    /// Simulator: every frame is the image file at `path`.
    Image,
    /// Simulator: the images in the folder at `path`, served in name order, looping.
    Folder,
    /// Simulator: a generated colour-bar test pattern of `width` x `height`.
    Pattern,
}

/// The pixel format asked of a V4L2 camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PixelFormatChoice {
    /// Whichever of YUYV and MJPEG gets closest to the wanted size and frame rate
    /// (YUYV on a tie: it costs no decoding).
    Auto,
    /// Uncompressed YUYV 4:2:2.
    Yuyv,
    /// Motion JPEG.
    Mjpeg,
}

/// A V4L2 device: a path (`"/dev/video0"`, `"/dev/v4l/by-id/..."`) or an index (`0` means
/// `/dev/video0`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceRef {
    Index(u32),
    Path(PathBuf),
}

impl DeviceRef {
    /// The device node this names.
    pub fn path(&self) -> PathBuf {
        match self {
            DeviceRef::Index(i) => PathBuf::from(format!("/dev/video{i}")),
            DeviceRef::Path(p) => p.clone(),
        }
    }
}

impl fmt::Display for DeviceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path().display())
    }
}

impl Serialize for DeviceRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            DeviceRef::Index(i) => s.serialize_u32(*i),
            DeviceRef::Path(p) => s.serialize_str(&p.to_string_lossy()),
        }
    }
}

impl<'de> Deserialize<'de> for DeviceRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct DeviceVisitor;
        impl serde::de::Visitor<'_> for DeviceVisitor {
            type Value = DeviceRef;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a device path like \"/dev/video0\" or an index like 0")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<DeviceRef, E> {
                u32::try_from(v)
                    .map(DeviceRef::Index)
                    .map_err(|_| E::custom(format!("device index {v} is too large")))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<DeviceRef, E> {
                u32::try_from(v)
                    .map(DeviceRef::Index)
                    .map_err(|_| E::custom(format!("device index {v} must be 0 or more")))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DeviceRef, E> {
                if v.trim().is_empty() {
                    return Err(E::custom("device must not be empty: write \"/dev/video0\""));
                }
                Ok(DeviceRef::Path(PathBuf::from(v)))
            }
        }
        d.deserialize_any(DeviceVisitor)
    }
}

/// The `[camera]` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CameraConfig {
    /// `"v4l2"` (default), `"image"`, `"folder"` or `"pattern"`.
    pub driver: CameraDriver,
    /// V4L2 device path or index (default `"/dev/video0"`). A `/dev/v4l/by-id/...` path
    /// survives re-plugging into another USB port.
    pub device: DeviceRef,
    /// Image file (`image`) or folder (`folder`) for the simulators.
    pub path: Option<PathBuf>,
    /// Wanted frame width in pixels (default 640); the camera's closest size is used.
    pub width: u32,
    /// Wanted frame height in pixels (default 480).
    pub height: u32,
    /// Wanted frames per second (default 30); the camera's closest rate is used.
    pub fps: u32,
    /// `"auto"` (default), `"yuyv"` or `"mjpeg"`.
    pub format: PixelFormatChoice,
    /// Frames thrown away after streaming starts while auto-exposure settles (default 8).
    pub warmup_frames: u32,
    /// How long to wait for one frame before giving up (default 2000 ms).
    pub timeout_ms: u64,
}

impl Default for CameraConfig {
    fn default() -> Self {
        CameraConfig {
            driver: CameraDriver::V4l2,
            device: DeviceRef::Path(PathBuf::from("/dev/video0")),
            path: None,
            width: 640,
            height: 480,
            fps: 30,
            format: PixelFormatChoice::Auto,
            warmup_frames: 8,
            timeout_ms: 2000,
        }
    }
}

/// Largest frame side accepted, in pixels.
pub const MAX_SIDE: u32 = 4096;

impl CameraConfig {
    /// Semantic checks the TOML types cannot express. Each message names the key and says
    /// what to write instead; an empty list means the section is usable.
    pub fn check(&self) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        let mut problem = |key: &str, msg: String| {
            problems.push(ConfigProblem::new(format!("camera.{key}"), msg))
        };
        if !(16..=MAX_SIDE).contains(&self.width) {
            problem(
                "width",
                format!(
                    "{} is out of range: use 16..={MAX_SIDE} (e.g. 640)",
                    self.width
                ),
            );
        }
        if !(16..=MAX_SIDE).contains(&self.height) {
            problem(
                "height",
                format!(
                    "{} is out of range: use 16..={MAX_SIDE} (e.g. 480)",
                    self.height
                ),
            );
        }
        if !(1..=120).contains(&self.fps) {
            problem(
                "fps",
                format!("{} is out of range: use 1..=120 (e.g. 30)", self.fps),
            );
        }
        if self.warmup_frames > 300 {
            problem(
                "warmup_frames",
                format!(
                    "{} is too many: use 0..=300 (8 is about a quarter second)",
                    self.warmup_frames
                ),
            );
        }
        if !(100..=60_000).contains(&self.timeout_ms) {
            problem(
                "timeout_ms",
                format!(
                    "{} is out of range: use 100..=60000 (e.g. 2000)",
                    self.timeout_ms
                ),
            );
        }
        match (self.driver, &self.path) {
            (CameraDriver::Image, None) => problem(
                "path",
                "the image driver needs path = \"/some/picture.jpg\"".into(),
            ),
            (CameraDriver::Folder, None) => problem(
                "path",
                "the folder driver needs path = \"/some/folder\"".into(),
            ),
            (CameraDriver::V4l2 | CameraDriver::Pattern, Some(p)) => problem(
                "path",
                format!(
                    "{} is only used by the image and folder drivers: remove it or set driver",
                    p.display()
                ),
            ),
            _ => {}
        }
        problems
    }

    /// The frame timeout as a `Duration`.
    pub fn timeout(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.timeout_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_documented_values() {
        let c = CameraConfig::default();
        assert!(c.check().is_empty(), "{:?}", c.check());
        assert_eq!(
            (c.width, c.height, c.fps, c.warmup_frames),
            (640, 480, 30, 8)
        );
        assert_eq!(c.device.path(), PathBuf::from("/dev/video0"));
    }

    #[test]
    fn device_is_a_path_or_an_index() {
        let c: CameraConfig = toml::from_str("device = 2").unwrap();
        assert_eq!(c.device, DeviceRef::Index(2));
        assert_eq!(c.device.path(), PathBuf::from("/dev/video2"));
        let c: CameraConfig = toml::from_str("device = \"/dev/v4l/by-id/cam\"").unwrap();
        assert_eq!(c.device, DeviceRef::Path("/dev/v4l/by-id/cam".into()));
        let err = toml::from_str::<CameraConfig>("device = -1")
            .unwrap_err()
            .to_string();
        assert!(err.contains("0 or more"), "{err}");
        let err = toml::from_str::<CameraConfig>("device = true")
            .unwrap_err()
            .to_string();
        assert!(err.contains("/dev/video0"), "{err}");
    }

    #[test]
    fn round_trips_through_toml() {
        let c = CameraConfig {
            driver: CameraDriver::Folder,
            device: DeviceRef::Index(1),
            path: Some("/tmp/faces".into()),
            format: PixelFormatChoice::Mjpeg,
            ..CameraConfig::default()
        };
        let text = toml::to_string(&c).unwrap();
        assert_eq!(toml::from_str::<CameraConfig>(&text).unwrap(), c);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_named() {
        let err = toml::from_str::<CameraConfig>("widht = 3")
            .unwrap_err()
            .to_string();
        assert!(err.contains("widht"), "{err}");
        let err = toml::from_str::<CameraConfig>("driver = \"usb\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("v4l2"), "{err}");
        let c = CameraConfig {
            width: 0,
            fps: 500,
            driver: CameraDriver::Folder,
            ..Default::default()
        };
        let keys: Vec<String> = c.check().into_iter().map(|p| p.key).collect();
        assert_eq!(keys, ["camera.width", "camera.fps", "camera.path"]);
    }
}
