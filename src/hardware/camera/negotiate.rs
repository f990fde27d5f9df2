//! Choosing a pixel format, frame size and frame rate from what a camera offers.
//!
//! Pure logic over plain data, so it is tested without a camera: [`super::v4l2`] turns the
//! driver's enumeration into [`FormatOffer`]s and applies the [`Choice`].

use std::fmt;

use moodbox_core::config::PixelFormatChoice;

/// Pixel formats moodbox can turn into RGB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelFormat {
    Yuyv,
    Mjpeg,
}

impl PixelFormat {
    pub fn fourcc(self) -> [u8; 4] {
        match self {
            PixelFormat::Yuyv => *b"YUYV",
            PixelFormat::Mjpeg => *b"MJPG",
        }
    }

    pub fn from_fourcc(code: [u8; 4]) -> Option<PixelFormat> {
        match &code {
            b"YUYV" => Some(PixelFormat::Yuyv),
            b"MJPG" | b"JPEG" => Some(PixelFormat::Mjpeg),
            _ => None,
        }
    }
}

impl fmt::Display for PixelFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PixelFormat::Yuyv => "YUYV",
            PixelFormat::Mjpeg => "MJPEG",
        })
    }
}

/// The sizes a camera offers for one format.
#[derive(Debug, Clone, PartialEq)]
pub enum SizeOffer {
    /// One fixed size, with the frame rates offered at it.
    Discrete {
        width: u32,
        height: u32,
        fps: Vec<f32>,
    },
    /// Any size in a range on a step grid (rates unknown: the wanted one is asked for).
    Stepwise {
        min: (u32, u32),
        max: (u32, u32),
        step: (u32, u32),
    },
}

/// One pixel format as the camera describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct FormatOffer {
    pub fourcc: [u8; 4],
    pub sizes: Vec<SizeOffer>,
}

impl FormatOffer {
    /// `"MJPG 1280x720@30/15, 640x480@30"`: the text an error message lists.
    pub fn summary(&self) -> String {
        let name = String::from_utf8_lossy(&self.fourcc).trim().to_string();
        let sizes: Vec<String> = self
            .sizes
            .iter()
            .map(|s| match s {
                SizeOffer::Discrete { width, height, fps } => {
                    let rates: Vec<String> = fps.iter().map(|r| format!("{}", r.round())).collect();
                    if rates.is_empty() {
                        format!("{width}x{height}")
                    } else {
                        format!("{width}x{height}@{}", rates.join("/"))
                    }
                }
                SizeOffer::Stepwise { min, max, .. } => {
                    format!("{}x{} to {}x{}", min.0, min.1, max.0, max.1)
                }
            })
            .collect();
        if sizes.is_empty() {
            name
        } else {
            format!("{name} {}", sizes.join(", "))
        }
    }
}

/// What to ask the driver for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Choice {
    pub format: PixelFormat,
    pub width: u32,
    pub height: u32,
    /// `None` when the camera lists no rates for this size (the wanted rate is asked for).
    pub fps: Option<f32>,
}

/// What the config asks for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wanted {
    pub format: PixelFormatChoice,
    pub width: u32,
    pub height: u32,
    pub fps: u32,
}

impl Wanted {
    /// `"YUYV or MJPEG at 640x480@30"` for error messages.
    pub fn describe(&self) -> String {
        let formats = match self.format {
            PixelFormatChoice::Auto => "YUYV or MJPEG",
            PixelFormatChoice::Yuyv => "YUYV",
            PixelFormatChoice::Mjpeg => "MJPEG",
        };
        format!("{formats} at {}x{}@{}", self.width, self.height, self.fps)
    }
}

/// Picks the offered mode closest to `wanted`: nearest size first, then nearest frame
/// rate, then YUYV over MJPEG (no decoding cost). `None` when no usable format is offered.
pub fn choose(offers: &[FormatOffer], wanted: &Wanted) -> Option<Choice> {
    let allowed = |f: PixelFormat| match wanted.format {
        PixelFormatChoice::Auto => true,
        PixelFormatChoice::Yuyv => f == PixelFormat::Yuyv,
        PixelFormatChoice::Mjpeg => f == PixelFormat::Mjpeg,
    };
    offers
        .iter()
        .filter_map(|o| PixelFormat::from_fourcc(o.fourcc).map(|f| (f, o)))
        .filter(|(f, _)| allowed(*f))
        .flat_map(|(format, offer)| {
            offer
                .sizes
                .iter()
                .map(move |s| candidate(format, s, wanted))
        })
        .min_by(|a, b| score(a, wanted).total_cmp(&score(b, wanted)))
}

fn candidate(format: PixelFormat, size: &SizeOffer, wanted: &Wanted) -> Choice {
    match size {
        SizeOffer::Discrete { width, height, fps } => {
            let want = wanted.fps as f32;
            let fps = fps
                .iter()
                .copied()
                .min_by(|a, b| (a - want).abs().total_cmp(&(b - want).abs()));
            Choice {
                format,
                width: *width,
                height: *height,
                fps,
            }
        }
        SizeOffer::Stepwise { min, max, step } => Choice {
            format,
            width: snap(wanted.width, min.0, max.0, step.0),
            height: snap(wanted.height, min.1, max.1, step.1),
            fps: None,
        },
    }
}

/// `value` clamped to `min..=max` and rounded to the nearest step above `min`.
fn snap(value: u32, min: u32, max: u32, step: u32) -> u32 {
    let value = value.clamp(min, max.max(min));
    let step = step.max(1);
    let steps = (value - min + step / 2) / step;
    (min + steps * step).min(max.max(min))
}

/// Lower is better. Size distance dominates, frame-rate distance breaks ties, the format
/// breaks the rest.
fn score(c: &Choice, wanted: &Wanted) -> f64 {
    let size =
        f64::from(c.width.abs_diff(wanted.width)) + f64::from(c.height.abs_diff(wanted.height));
    let fps = c
        .fps
        .map_or(0.0, |r| (f64::from(r) - f64::from(wanted.fps)).abs());
    let format = match c.format {
        PixelFormat::Yuyv => 0.0,
        PixelFormat::Mjpeg => 0.5,
    };
    size * 1000.0 + fps + format
}

#[cfg(test)]
mod tests {
    use super::*;

    fn discrete(width: u32, height: u32, fps: &[f32]) -> SizeOffer {
        SizeOffer::Discrete {
            width,
            height,
            fps: fps.to_vec(),
        }
    }

    /// A typical cheap UVC webcam: YUYV is slow at large sizes, MJPEG is fast everywhere.
    fn webcam() -> Vec<FormatOffer> {
        vec![
            FormatOffer {
                fourcc: *b"YUYV",
                sizes: vec![
                    discrete(640, 480, &[30.0, 15.0]),
                    discrete(1280, 720, &[10.0, 5.0]),
                ],
            },
            FormatOffer {
                fourcc: *b"MJPG",
                sizes: vec![discrete(640, 480, &[30.0]), discrete(1280, 720, &[30.0])],
            },
        ]
    }

    fn wanted(format: PixelFormatChoice, width: u32, height: u32, fps: u32) -> Wanted {
        Wanted {
            format,
            width,
            height,
            fps,
        }
    }

    #[test]
    fn auto_prefers_yuyv_when_it_matches_exactly() {
        let c = choose(&webcam(), &wanted(PixelFormatChoice::Auto, 640, 480, 30)).unwrap();
        assert_eq!(
            c,
            Choice {
                format: PixelFormat::Yuyv,
                width: 640,
                height: 480,
                fps: Some(30.0)
            }
        );
    }

    #[test]
    fn auto_takes_mjpeg_when_only_it_reaches_the_frame_rate() {
        let c = choose(&webcam(), &wanted(PixelFormatChoice::Auto, 1280, 720, 30)).unwrap();
        assert_eq!(c.format, PixelFormat::Mjpeg);
        assert_eq!((c.width, c.height, c.fps), (1280, 720, Some(30.0)));
    }

    #[test]
    fn a_forced_format_is_honoured_with_its_closest_mode() {
        let c = choose(&webcam(), &wanted(PixelFormatChoice::Yuyv, 1280, 720, 30)).unwrap();
        assert_eq!(
            (c.format, c.width, c.fps),
            (PixelFormat::Yuyv, 1280, Some(10.0))
        );
        let c = choose(&webcam(), &wanted(PixelFormatChoice::Mjpeg, 800, 600, 25)).unwrap();
        assert_eq!(
            (c.format, c.width, c.height),
            (PixelFormat::Mjpeg, 640, 480)
        );
    }

    #[test]
    fn nothing_usable_gives_none() {
        let h264_only = vec![FormatOffer {
            fourcc: *b"H264",
            sizes: vec![discrete(1920, 1080, &[30.0])],
        }];
        assert_eq!(
            choose(&h264_only, &wanted(PixelFormatChoice::Auto, 640, 480, 30)),
            None
        );
        let mjpeg_only = vec![webcam()[1].clone()];
        assert_eq!(
            choose(&mjpeg_only, &wanted(PixelFormatChoice::Yuyv, 640, 480, 30)),
            None
        );
    }

    #[test]
    fn stepwise_sizes_snap_to_the_grid() {
        let offers = vec![FormatOffer {
            fourcc: *b"YUYV",
            sizes: vec![SizeOffer::Stepwise {
                min: (48, 32),
                max: (1920, 1080),
                step: (16, 8),
            }],
        }];
        let c = choose(&offers, &wanted(PixelFormatChoice::Auto, 650, 481, 30)).unwrap();
        assert_eq!((c.width, c.height, c.fps), (656, 480, None));
        let c = choose(&offers, &wanted(PixelFormatChoice::Auto, 4000, 10, 30)).unwrap();
        assert_eq!((c.width, c.height), (1920, 32));
    }

    #[test]
    fn offers_are_summarised_for_error_messages() {
        assert_eq!(webcam()[0].summary(), "YUYV 640x480@30/15, 1280x720@10/5");
        assert_eq!(
            wanted(PixelFormatChoice::Yuyv, 640, 480, 30).describe(),
            "YUYV at 640x480@30"
        );
    }
}
