//! An in-memory RGB565 picture that the UI draws into: the PNG simulator saves it, the SPI
//! panel sends the part that changed since the last screen.

use embedded_graphics::pixelcolor::{Rgb565, Rgb888};
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::Rectangle;

/// A width x height RGB565 frame, row by row; drawing outside it is ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Framebuffer {
    size: Size,
    pixels: Vec<Rgb565>,
}

impl Framebuffer {
    /// A black frame.
    pub fn new(size: Size) -> Self {
        let count = size.width as usize * size.height as usize;
        Framebuffer {
            size,
            pixels: vec![Rgb565::BLACK; count],
        }
    }

    /// Scales every colour by `level` (0..=1): the picture of a dimmed screen, for panels
    /// whose backlight is only on or off.
    pub fn dim(&mut self, level: f32) {
        let level = if level.is_finite() {
            level.clamp(0.0, 1.0)
        } else {
            1.0
        };
        let scale = |c: u8, max: u8| ((f32::from(c) * level).round() as u8).min(max);
        for p in &mut self.pixels {
            *p = Rgb565::new(scale(p.r(), 31), scale(p.g(), 63), scale(p.b(), 31));
        }
    }

    pub fn width(&self) -> u32 {
        self.size.width
    }

    pub fn height(&self) -> u32 {
        self.size.height
    }

    /// The colour at `(x, y)`, or `None` outside the frame.
    pub fn pixel(&self, x: u32, y: u32) -> Option<Rgb565> {
        (x < self.size.width && y < self.size.height)
            .then(|| self.pixels[self.index(x as usize, y as usize)])
    }

    /// All pixels, row by row.
    pub fn pixels(&self) -> &[Rgb565] {
        &self.pixels
    }

    /// The pixels of `area` (which must lie inside the frame), row by row.
    pub fn area_pixels(&self, area: Rectangle) -> impl Iterator<Item = Rgb565> + '_ {
        let x0 = area.top_left.x.max(0) as usize;
        let y0 = area.top_left.y.max(0) as usize;
        let width = area.size.width as usize;
        (y0..y0 + area.size.height as usize)
            .flat_map(move |y| self.pixels[self.index(x0, y)..self.index(x0, y) + width].iter())
            .copied()
    }

    /// The smallest rectangle holding every pixel that differs from `previous`; the whole frame
    /// when the sizes differ, `None` when nothing changed.
    pub fn changed_area(&self, previous: &Framebuffer) -> Option<Rectangle> {
        if previous.size != self.size {
            return Some(self.bounding_box());
        }
        let width = self.size.width as usize;
        if width == 0 {
            return None;
        }
        let rows = self
            .pixels
            .chunks_exact(width)
            .zip(previous.pixels.chunks_exact(width));
        let mut first_row = None;
        let mut last_row = 0;
        let mut left = usize::MAX;
        let mut right = 0;
        for (y, (now, before)) in rows.enumerate() {
            let Some(first) = now.iter().zip(before).position(|(a, b)| a != b) else {
                continue;
            };
            let last = width
                - 1
                - now
                    .iter()
                    .rev()
                    .zip(before.iter().rev())
                    .position(|(a, b)| a != b)?;
            first_row.get_or_insert(y);
            last_row = y;
            left = left.min(first);
            right = right.max(last);
        }
        let top = first_row?;
        Some(Rectangle::new(
            Point::new(left as i32, top as i32),
            Size::new((right - left + 1) as u32, (last_row - top + 1) as u32),
        ))
    }

    /// The frame as 8-bit RGB bytes (each channel widened from 5/6 bits to the full 0..=255).
    pub fn to_rgb8(&self) -> Vec<u8> {
        self.pixels
            .iter()
            .flat_map(|&pixel| {
                let wide = Rgb888::from(pixel);
                [wide.r(), wide.g(), wide.b()]
            })
            .collect()
    }

    fn index(&self, x: usize, y: usize) -> usize {
        y * self.size.width as usize + x
    }

    fn contains(&self, point: Point) -> bool {
        point.x >= 0
            && point.y >= 0
            && (point.x as u32) < self.size.width
            && (point.y as u32) < self.size.height
    }
}

impl OriginDimensions for Framebuffer {
    fn size(&self) -> Size {
        self.size
    }
}

impl DrawTarget for Framebuffer {
    type Color = Rgb565;
    type Error = core::convert::Infallible;

    fn draw_iter<I>(&mut self, pixels: I) -> Result<(), Self::Error>
    where
        I: IntoIterator<Item = Pixel<Self::Color>>,
    {
        for Pixel(point, color) in pixels {
            if self.contains(point) {
                let index = self.index(point.x as usize, point.y as usize);
                self.pixels[index] = color;
            }
        }
        Ok(())
    }

    fn fill_solid(&mut self, area: &Rectangle, color: Self::Color) -> Result<(), Self::Error> {
        let area = area.intersection(&self.bounding_box());
        if area.is_zero_sized() {
            return Ok(());
        }
        let x0 = area.top_left.x as usize;
        let width = area.size.width as usize;
        for y in area.rows() {
            let start = self.index(x0, y as usize);
            self.pixels[start..start + width].fill(color);
        }
        Ok(())
    }

    fn clear(&mut self, color: Self::Color) -> Result<(), Self::Error> {
        self.pixels.fill(color);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embedded_graphics::primitives::{PrimitiveStyle, Rectangle};

    #[test]
    fn drawing_outside_the_frame_is_ignored() {
        let mut frame = Framebuffer::new(Size::new(4, 3));
        Rectangle::new(Point::new(-2, -2), Size::new(10, 10))
            .into_styled(PrimitiveStyle::with_fill(Rgb565::RED))
            .draw(&mut frame)
            .unwrap();
        frame
            .draw_iter([Pixel(Point::new(7, 1), Rgb565::BLUE)])
            .unwrap();
        assert!(frame.pixels().iter().all(|&p| p == Rgb565::RED));
        assert_eq!(frame.pixel(4, 0), None);
    }

    #[test]
    fn the_changed_area_is_the_box_around_the_differences() {
        let before = Framebuffer::new(Size::new(10, 8));
        let mut after = before.clone();
        assert_eq!(after.changed_area(&before), None);
        after
            .draw_iter([
                Pixel(Point::new(2, 5), Rgb565::WHITE),
                Pixel(Point::new(6, 3), Rgb565::WHITE),
            ])
            .unwrap();
        let area = after.changed_area(&before).unwrap();
        assert_eq!(area, Rectangle::new(Point::new(2, 3), Size::new(5, 3)));
        let inside: Vec<Rgb565> = after.area_pixels(area).collect();
        assert_eq!(inside.len(), 15);
        assert_eq!(inside[4], Rgb565::WHITE); // (6, 3)
        assert_eq!(inside[10], Rgb565::WHITE); // (2, 5)
    }

    #[test]
    fn rgb565_widens_to_full_range_rgb8() {
        let mut frame = Framebuffer::new(Size::new(2, 1));
        frame
            .draw_iter([Pixel(Point::new(0, 0), Rgb565::WHITE)])
            .unwrap();
        assert_eq!(frame.to_rgb8(), vec![255, 255, 255, 0, 0, 0]);
    }
}
