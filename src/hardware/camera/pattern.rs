//! A generated test pattern: colour bars, a gray ramp and a square that moves one step per
//! frame, so a viewer can tell frames apart. Needs no files and no hardware.

use image::{Rgb, RgbImage};

use super::error::CameraError;
use super::frame::Frame;
use super::Camera;

/// The eight classic bars, left to right.
pub const BARS: [[u8; 3]; 8] = [
    [255, 255, 255],
    [255, 255, 0],
    [0, 255, 255],
    [0, 255, 0],
    [255, 0, 255],
    [255, 0, 0],
    [0, 0, 255],
    [0, 0, 0],
];

/// Serves the test pattern at a fixed size.
pub struct PatternCamera {
    width: u32,
    height: u32,
    sequence: u64,
}

impl PatternCamera {
    pub fn new(width: u32, height: u32) -> PatternCamera {
        PatternCamera {
            width: width.max(8),
            height: height.max(8),
            sequence: 0,
        }
    }
}

/// Frame `n` of the pattern: bars in the top two thirds, a black-to-white ramp below, and a
/// white square with a black border stepping across the ramp.
pub fn pattern_frame(width: u32, height: u32, n: u64) -> RgbImage {
    let bars_end = height * 2 / 3;
    let side = (height / 6).max(2);
    let travel = u64::from(width.saturating_sub(side).max(1));
    let square_x = ((n * 8) % travel) as u32;
    let square_y = bars_end + (height - bars_end).saturating_sub(side) / 2;
    RgbImage::from_fn(width, height, |x, y| {
        let in_square =
            (square_x..square_x + side).contains(&x) && (square_y..square_y + side).contains(&y);
        if in_square {
            let border = x == square_x
                || y == square_y
                || x + 1 == square_x + side
                || y + 1 == square_y + side;
            return if border {
                Rgb([0, 0, 0])
            } else {
                Rgb([255, 255, 255])
            };
        }
        if y < bars_end {
            Rgb(BARS[(x * 8 / width) as usize])
        } else {
            let v = (x * 255 / (width - 1).max(1)) as u8;
            Rgb([v, v, v])
        }
    })
}

impl Camera for PatternCamera {
    fn capture(&mut self, frames: usize) -> Result<Vec<Frame>, CameraError> {
        let out = (0..frames as u64)
            .map(|i| {
                let n = self.sequence + i;
                Frame::new(pattern_frame(self.width, self.height, n), n)
            })
            .collect();
        self.sequence += frames as u64;
        Ok(out)
    }

    fn describe(&self) -> String {
        format!("test pattern {}x{}", self.width, self.height)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_sit_where_expected_and_frames_differ() {
        let mut cam = PatternCamera::new(320, 240);
        let frames = cam.capture(2).unwrap();
        let first = frames[0].rgb();
        assert_eq!(first.dimensions(), (320, 240));
        for (i, colour) in BARS.iter().enumerate() {
            let x = i as u32 * 40 + 20;
            assert_eq!(&first.get_pixel(x, 10).0, colour, "bar {i}");
        }
        assert_ne!(
            frames[0].rgb(),
            frames[1].rgb(),
            "the square moves between frames"
        );
        assert_eq!(frames[1].sequence, 1);
    }
}
