//! A draw target that blows every pixel up into a square block, so the built-in bitmap fonts
//! can be drawn two or three times their size for text that must read from across a room.

use embedded_graphics::prelude::*;
use embedded_graphics::primitives::Rectangle;

/// Draws on `target` with each pixel scaled to `scale` x `scale`, point (0, 0) at `origin`.
pub struct Scaled<'a, D> {
    target: &'a mut D,
    origin: Point,
    scale: u32,
}

impl<'a, D: DrawTarget> Scaled<'a, D> {
    pub fn new(target: &'a mut D, origin: Point, scale: u32) -> Self {
        Scaled {
            target,
            origin,
            scale: scale.max(1),
        }
    }

    fn block(&self, point: Point) -> Rectangle {
        Rectangle::new(
            self.origin + point * self.scale as i32,
            Size::new_equal(self.scale),
        )
    }
}

impl<D: DrawTarget> Dimensions for Scaled<'_, D> {
    fn bounding_box(&self) -> Rectangle {
        let outer = self.target.bounding_box();
        let scale = self.scale as i32;
        let top_left = outer.top_left - self.origin;
        Rectangle::new(
            Point::new(top_left.x.div_euclid(scale), top_left.y.div_euclid(scale)),
            outer.size / self.scale,
        )
    }
}

impl<D: DrawTarget> DrawTarget for Scaled<'_, D> {
    type Color = D::Color;
    type Error = D::Error;

    fn draw_iter<I>(&mut self, pixels: I) -> Result<(), Self::Error>
    where
        I: IntoIterator<Item = Pixel<Self::Color>>,
    {
        if self.scale == 1 {
            let origin = self.origin;
            return self
                .target
                .draw_iter(pixels.into_iter().map(|Pixel(p, c)| Pixel(p + origin, c)));
        }
        for Pixel(point, color) in pixels {
            let block = self.block(point);
            self.target.fill_solid(&block, color)?;
        }
        Ok(())
    }

    fn fill_solid(&mut self, area: &Rectangle, color: Self::Color) -> Result<(), Self::Error> {
        let scaled = Rectangle::new(
            self.origin + area.top_left * self.scale as i32,
            area.size * self.scale,
        );
        self.target.fill_solid(&scaled, color)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::Framebuffer;
    use embedded_graphics::pixelcolor::Rgb565;

    #[test]
    fn one_pixel_becomes_a_block_at_the_origin() {
        let mut frame = Framebuffer::new(Size::new(8, 8));
        let mut scaled = Scaled::new(&mut frame, Point::new(2, 1), 3);
        scaled
            .draw_iter([Pixel(Point::new(1, 0), Rgb565::WHITE)])
            .unwrap();
        for y in 0..8 {
            for x in 0..8 {
                let inside = (5..8).contains(&x) && (1..4).contains(&y);
                let expected = if inside { Rgb565::WHITE } else { Rgb565::BLACK };
                assert_eq!(frame.pixel(x, y), Some(expected), "({x}, {y})");
            }
        }
    }
}
