//! The draw target the screens are drawn through: it passes pixels on to the real target and
//! keeps a list of every line of text placed, so callers can log or check what a screen says
//! (and whether anything had to be shortened) without reading pixels.

use embedded_graphics::pixelcolor::Rgb565;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::Rectangle;

use super::text::{draw_line, line_width, Align, Line};
use super::theme::TextSize;

/// One line of text as drawn on a screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawnText {
    /// The characters drawn (without the ellipsis).
    pub text: String,
    /// True when the text was cut and ends in an ellipsis.
    pub ellipsis: bool,
    /// The pixels the line covers.
    pub area: Rectangle,
    /// The size of one character cell, in pixels (font cell times scale).
    pub cell: Size,
}

impl DrawnText {
    /// The line as a person reads it, with "…" where it was cut.
    pub fn shown(&self) -> String {
        if self.ellipsis {
            format!("{}…", self.text)
        } else {
            self.text.clone()
        }
    }
}

/// A draw target that records the text drawn on it.
pub struct Canvas<'a, D> {
    target: &'a mut D,
    texts: Vec<DrawnText>,
}

impl<'a, D> Canvas<'a, D>
where
    D: DrawTarget<Color = Rgb565>,
{
    pub fn new(target: &'a mut D) -> Self {
        Canvas {
            target,
            texts: Vec::new(),
        }
    }

    /// Draws `line` (already fitted to `width`) in the box at `top_left`, and records it.
    pub fn line(
        &mut self,
        line: &Line,
        size: TextSize,
        color: Rgb565,
        top_left: Point,
        width: u32,
        align: Align,
    ) -> Result<(), D::Error> {
        if line.cells() == 0 {
            return Ok(());
        }
        let text_width = line_width(line, size);
        let x = match align {
            Align::Left => 0,
            Align::Center => width.saturating_sub(text_width) / 2,
            Align::Right => width.saturating_sub(text_width),
        };
        self.texts.push(DrawnText {
            text: line.text.clone(),
            ellipsis: line.ellipsis,
            area: Rectangle::new(
                top_left + Point::new(x as i32, 0),
                Size::new(text_width, size.line_height()),
            ),
            cell: Size::new(size.cell_width(), size.line_height()),
        });
        draw_line(self.target, line, size, color, top_left, width, align)
    }

    /// The lines drawn so far, top to bottom in drawing order.
    pub fn into_texts(self) -> Vec<DrawnText> {
        self.texts
    }
}

impl<D: DrawTarget> Dimensions for Canvas<'_, D> {
    fn bounding_box(&self) -> Rectangle {
        self.target.bounding_box()
    }
}

impl<D: DrawTarget> DrawTarget for Canvas<'_, D> {
    type Color = D::Color;
    type Error = D::Error;

    fn draw_iter<I>(&mut self, pixels: I) -> Result<(), Self::Error>
    where
        I: IntoIterator<Item = Pixel<Self::Color>>,
    {
        self.target.draw_iter(pixels)
    }

    fn fill_contiguous<I>(&mut self, area: &Rectangle, colors: I) -> Result<(), Self::Error>
    where
        I: IntoIterator<Item = Self::Color>,
    {
        self.target.fill_contiguous(area, colors)
    }

    fn fill_solid(&mut self, area: &Rectangle, color: Self::Color) -> Result<(), Self::Error> {
        self.target.fill_solid(area, color)
    }
}
