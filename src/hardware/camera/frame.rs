//! One captured frame, held in memory only.

use std::time::Instant;

use image::{GrayImage, RgbImage};

/// A frame as the vision code wants it: 8-bit RGB, with a grayscale view on demand.
/// Frames are never written to disk.
#[derive(Debug, Clone)]
pub struct Frame {
    image: RgbImage,
    /// Counts frames handed out by this camera since it was opened.
    pub sequence: u64,
    /// When the frame was taken off the device (or generated).
    pub captured_at: Instant,
}

impl Frame {
    pub fn new(image: RgbImage, sequence: u64) -> Frame {
        Frame {
            image,
            sequence,
            captured_at: Instant::now(),
        }
    }

    /// The RGB pixels.
    pub fn rgb(&self) -> &RgbImage {
        &self.image
    }

    /// Takes the RGB pixels out of the frame.
    pub fn into_rgb(self) -> RgbImage {
        self.image
    }

    /// A grayscale copy with Rec. 601 luma weights (0.299 R + 0.587 G + 0.114 B, as
    /// OpenCV's `cvtColor`, which made the FER2013 crops the emotion model learnt from).
    pub fn gray(&self) -> GrayImage {
        let (w, h) = self.image.dimensions();
        let luma = self
            .image
            .pixels()
            .map(|p| {
                let [r, g, b] = p.0.map(u32::from);
                ((77 * r + 150 * g + 29 * b + 128) >> 8) as u8
            })
            .collect();
        GrayImage::from_raw(w, h, luma).expect("one luma byte per pixel")
    }

    pub fn width(&self) -> u32 {
        self.image.width()
    }

    pub fn height(&self) -> u32 {
        self.image.height()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gray_view_weights_green_most() {
        let mut img = RgbImage::new(3, 1);
        img.put_pixel(0, 0, image::Rgb([255, 0, 0]));
        img.put_pixel(1, 0, image::Rgb([0, 255, 0]));
        img.put_pixel(2, 0, image::Rgb([0, 0, 255]));
        let frame = Frame::new(img, 7);
        let g = frame.gray();
        assert!(g.get_pixel(1, 0)[0] > g.get_pixel(0, 0)[0]);
        assert!(g.get_pixel(0, 0)[0] > g.get_pixel(2, 0)[0]);
        assert_eq!(
            [
                g.get_pixel(0, 0)[0],
                g.get_pixel(1, 0)[0],
                g.get_pixel(2, 0)[0]
            ],
            [77, 149, 29]
        );
        assert_eq!((frame.width(), frame.height(), frame.sequence), (3, 1, 7));
    }
}
