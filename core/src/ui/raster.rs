//! Drawing shaped glyphs: each glyph's outline is scaled to pixels, filled with
//! anti-aliased coverage (ab_glyph_rasterizer) and blended over the screen's background.

use ab_glyph_rasterizer::{point, Point as RasterPoint, Rasterizer};
use embedded_graphics::pixelcolor::{Rgb565, Rgb888};
use embedded_graphics::prelude::*;

use super::fonts::FontBook;
use super::shaping::ShapedLine;

/// Coverage below this leaves the background as it is.
const MIN_COVERAGE: f32 = 1.0 / 32.0;

/// Draws `line` with its left edge at `origin.x` and its baseline at `origin.y`, in `color`
/// blended over `background`.
pub fn draw_shaped<D>(
    target: &mut D,
    book: &FontBook,
    line: &ShapedLine,
    origin: Point,
    color: Rgb565,
    background: Rgb565,
) -> Result<(), D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    let mut pixels: Vec<Pixel<Rgb565>> = Vec::new();
    for glyph in &line.glyphs {
        let Some(face) = book.face(glyph.family) else {
            continue;
        };
        let face = &face.shaper;
        let scale = line.em / face.units_per_em() as f32;
        let id = rustybuzz::ttf_parser::GlyphId(glyph.id);
        let Some(bounds) = face.glyph_bounding_box(id) else {
            continue; // a space
        };
        let x = origin.x as f32 + glyph.x;
        let y = origin.y as f32 - glyph.y;
        let left = (x + bounds.x_min as f32 * scale).floor();
        let top = (y - bounds.y_max as f32 * scale).floor();
        let right = (x + bounds.x_max as f32 * scale).ceil();
        let bottom = (y - bounds.y_min as f32 * scale).ceil();
        let (width, height) = ((right - left) as usize + 1, (bottom - top) as usize + 1);
        if width > 1024 || height > 1024 {
            continue;
        }
        let mut outline = Outline {
            raster: Rasterizer::new(width, height),
            scale,
            dx: x - left,
            dy: y - top,
            start: point(0.0, 0.0),
            last: point(0.0, 0.0),
        };
        if face.outline_glyph(id, &mut outline).is_none() {
            continue;
        }
        let (left, top) = (left as i32, top as i32);
        outline.raster.for_each_pixel_2d(|px, py, coverage| {
            if coverage >= MIN_COVERAGE {
                let at = Point::new(left + px as i32, top + py as i32);
                pixels.push(Pixel(at, blend(background, color, coverage.min(1.0))));
            }
        });
    }
    target.draw_iter(pixels)
}

/// `over` laid on `under` with `alpha` (0..=1) of its strength.
fn blend(under: Rgb565, over: Rgb565, alpha: f32) -> Rgb565 {
    let (a, b) = (Rgb888::from(under), Rgb888::from(over));
    let mix = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * alpha).round() as u8;
    Rgb565::from(Rgb888::new(
        mix(a.r(), b.r()),
        mix(a.g(), b.g()),
        mix(a.b(), b.b()),
    ))
}

/// Feeds a glyph's outline (font units, y up) to the rasteriser (pixels, y down).
struct Outline {
    raster: Rasterizer,
    scale: f32,
    dx: f32,
    dy: f32,
    start: RasterPoint,
    last: RasterPoint,
}

impl Outline {
    fn at(&self, x: f32, y: f32) -> RasterPoint {
        point(self.dx + x * self.scale, self.dy - y * self.scale)
    }
}

impl rustybuzz::ttf_parser::OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.start = self.at(x, y);
        self.last = self.start;
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let to = self.at(x, y);
        self.raster.draw_line(self.last, to);
        self.last = to;
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (control, to) = (self.at(x1, y1), self.at(x, y));
        self.raster.draw_quad(self.last, control, to);
        self.last = to;
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (c1, c2, to) = (self.at(x1, y1), self.at(x2, y2), self.at(x, y));
        self.raster.draw_cubic(self.last, c1, c2, to);
        self.last = to;
    }

    fn close(&mut self) {
        if self.last != self.start {
            self.raster.draw_line(self.last, self.start);
        }
        self.last = self.start;
    }
}
