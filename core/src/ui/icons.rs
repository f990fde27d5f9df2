//! The other pictures: the error icons, the push button of the idle screen and the scanning
//! viewfinder, drawn with primitives in a square box of any size.
//!
//! Coordinates are percent of the box's side from its centre (x right, y down).

use embedded_graphics::mono_font::{iso_8859_1::FONT_10X20, MonoTextStyle};
use embedded_graphics::pixelcolor::Rgb565;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::{
    Arc, Circle, Line, PrimitiveStyle, PrimitiveStyleBuilder, Rectangle, RoundedRectangle, Triangle,
};
use embedded_graphics::text::{Alignment, Baseline, Text, TextStyleBuilder};

use super::scaled::Scaled;
use super::theme::{rgb, shade, ACCENT, BACKGROUND, ERROR, FEATURE, MUTED, TRACK, WHITE};
use crate::screen::ErrorIcon;

const AMBER: Rgb565 = rgb(255, 190, 60);
const MOON: Rgb565 = rgb(235, 225, 160);

/// Maps box percentages to panel pixels.
struct IconFrame {
    center: Point,
    side: i32,
}

impl IconFrame {
    fn at(&self, x: i32, y: i32) -> Point {
        self.center + Point::new(x * self.side / 100, y * self.side / 100)
    }

    fn len(&self, percent: i32) -> u32 {
        (percent * self.side / 100).max(1) as u32
    }

    fn rect(&self, x: i32, y: i32, w: i32, h: i32) -> Rectangle {
        Rectangle::new(self.at(x, y), Size::new(self.len(w), self.len(h)))
    }

    fn stroke(&self) -> u32 {
        (self.side / 18).max(1) as u32
    }
}

fn fill(color: Rgb565) -> PrimitiveStyle<Rgb565> {
    PrimitiveStyle::with_fill(color)
}

fn stroke(color: Rgb565, width: u32) -> PrimitiveStyle<Rgb565> {
    PrimitiveStyle::with_stroke(color, width)
}

/// Draws the icon of an error screen in a `side` x `side` box around `center`.
pub fn draw_error_icon<D>(
    target: &mut D,
    center: Point,
    side: u32,
    icon: ErrorIcon,
) -> Result<(), D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    let frame = IconFrame {
        center,
        side: side as i32,
    };
    match icon {
        ErrorIcon::Camera => {
            camera(target, &frame)?;
            slash(target, &frame)
        }
        ErrorIcon::Face => missing_face(target, &frame),
        ErrorIcon::Moon => moon(target, &frame),
        ErrorIcon::MusicNote => {
            music_note(target, &frame)?;
            slash(target, &frame)
        }
        ErrorIcon::Speaker => speaker(target, &frame),
        ErrorIcon::Warning => warning(target, &frame),
    }
}

/// A red bar from top left to bottom right, with a gap cut around it.
fn slash<D: DrawTarget<Color = Rgb565>>(target: &mut D, frame: &IconFrame) -> Result<(), D::Error> {
    let line = Line::new(frame.at(-40, -40), frame.at(40, 40));
    line.into_styled(stroke(BACKGROUND, frame.stroke() * 3))
        .draw(target)?;
    line.into_styled(stroke(ERROR, frame.stroke() * 3 / 2))
        .draw(target)
}

fn camera<D: DrawTarget<Color = Rgb565>>(
    target: &mut D,
    frame: &IconFrame,
) -> Result<(), D::Error> {
    frame
        .rect(-20, -34, 24, 12)
        .into_styled(fill(MUTED))
        .draw(target)?;
    RoundedRectangle::with_equal_corners(
        frame.rect(-42, -24, 84, 56),
        Size::new_equal(frame.len(10)),
    )
    .into_styled(fill(MUTED))
    .draw(target)?;
    Circle::with_center(frame.at(0, 4), frame.len(38))
        .into_styled(
            PrimitiveStyleBuilder::new()
                .fill_color(TRACK)
                .stroke_color(BACKGROUND)
                .stroke_width(frame.stroke())
                .build(),
        )
        .draw(target)?;
    Circle::with_center(frame.at(0, 4), frame.len(12))
        .into_styled(fill(shade(MUTED, 70)))
        .draw(target)
}

fn missing_face<D: DrawTarget<Color = Rgb565>>(
    target: &mut D,
    frame: &IconFrame,
) -> Result<(), D::Error> {
    // A dashed outline where a face should be, and a question mark in it.
    let outline = stroke(MUTED, frame.stroke());
    for i in 0..12 {
        Arc::with_center(
            frame.center,
            frame.len(84),
            (i as f32 * 30.0).deg(),
            18.0.deg(),
        )
        .into_styled(outline)
        .draw(target)?;
    }
    // The question mark about half the outline's height (the font's glyphs are 20 high);
    // left out when the outline is too small to hold it.
    let scale = (frame.side as u32 * 45 / 100 + 10) / 20;
    if scale == 0 || FONT_10X20.character_size.height * scale > frame.len(70) {
        return Ok(());
    }
    let mut scaled = Scaled::new(target, frame.center, scale);
    let style = MonoTextStyle::new(&FONT_10X20, MUTED);
    let centered = TextStyleBuilder::new()
        .alignment(Alignment::Center)
        .baseline(Baseline::Middle)
        .build();
    Text::with_text_style("?", Point::zero(), style, centered).draw(&mut scaled)?;
    Ok(())
}

fn moon<D: DrawTarget<Color = Rgb565>>(target: &mut D, frame: &IconFrame) -> Result<(), D::Error> {
    Circle::with_center(frame.at(-6, 4), frame.len(70))
        .into_styled(fill(MOON))
        .draw(target)?;
    Circle::with_center(frame.at(14, -10), frame.len(60))
        .into_styled(fill(BACKGROUND))
        .draw(target)?;
    // A few stars.
    for (x, y, size) in [(28, 22, 10), (36, -30, 7), (12, 38, 6)] {
        let arm = size / 2;
        let width = (frame.stroke() / 2).max(1);
        Line::new(frame.at(x - arm, y), frame.at(x + arm, y))
            .into_styled(stroke(MOON, width))
            .draw(target)?;
        Line::new(frame.at(x, y - arm), frame.at(x, y + arm))
            .into_styled(stroke(MOON, width))
            .draw(target)?;
    }
    Ok(())
}

fn music_note<D: DrawTarget<Color = Rgb565>>(
    target: &mut D,
    frame: &IconFrame,
) -> Result<(), D::Error> {
    let width = frame.stroke();
    for (x, y) in [(-20, 26), (24, 16)] {
        Circle::with_center(frame.at(x, y), frame.len(24))
            .into_styled(fill(MUTED))
            .draw(target)?;
        Line::new(frame.at(x + 10, y), frame.at(x + 10, y - 52))
            .into_styled(stroke(MUTED, width))
            .draw(target)?;
    }
    // The beam joining the two stems.
    let (a, b) = (frame.at(-10, -26), frame.at(34, -36));
    let thick = frame.len(12) as i32;
    Triangle::new(a, b, b + Point::new(0, thick))
        .into_styled(fill(MUTED))
        .draw(target)?;
    Triangle::new(a, a + Point::new(0, thick), b + Point::new(0, thick))
        .into_styled(fill(MUTED))
        .draw(target)
}

fn speaker<D: DrawTarget<Color = Rgb565>>(
    target: &mut D,
    frame: &IconFrame,
) -> Result<(), D::Error> {
    frame
        .rect(-40, -14, 20, 28)
        .into_styled(fill(MUTED))
        .draw(target)?;
    let (a, b, c, d) = (
        frame.at(-21, -14),
        frame.at(4, -36),
        frame.at(4, 36),
        frame.at(-21, 14),
    );
    Triangle::new(a, b, c)
        .into_styled(fill(MUTED))
        .draw(target)?;
    Triangle::new(a, c, d)
        .into_styled(fill(MUTED))
        .draw(target)?;
    let cross = stroke(ERROR, frame.stroke() * 3 / 2);
    Line::new(frame.at(16, -14), frame.at(42, 14))
        .into_styled(cross)
        .draw(target)?;
    Line::new(frame.at(16, 14), frame.at(42, -14))
        .into_styled(cross)
        .draw(target)
}

fn warning<D: DrawTarget<Color = Rgb565>>(
    target: &mut D,
    frame: &IconFrame,
) -> Result<(), D::Error> {
    Triangle::new(frame.at(0, -42), frame.at(46, 38), frame.at(-46, 38))
        .into_styled(fill(AMBER))
        .draw(target)?;
    frame
        .rect(-5, -18, 10, 36)
        .into_styled(fill(FEATURE))
        .draw(target)?;
    frame
        .rect(-5, 23, 10, 10)
        .into_styled(fill(FEATURE))
        .draw(target)
}

/// The scan button seen from above: a ring and a lit cap, with a highlight.
pub fn draw_button<D>(target: &mut D, center: Point, side: u32) -> Result<(), D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    let frame = IconFrame {
        center,
        side: side as i32,
    };
    Circle::with_center(center, frame.len(100))
        .into_styled(fill(TRACK))
        .draw(target)?;
    Circle::with_center(center, frame.len(74))
        .into_styled(
            PrimitiveStyleBuilder::new()
                .fill_color(ACCENT)
                .stroke_color(shade(ACCENT, 60))
                .stroke_width(frame.stroke() / 2)
                .build(),
        )
        .draw(target)?;
    Arc::with_center(center, frame.len(54), 200.0.deg(), 60.0.deg())
        .into_styled(stroke(WHITE, frame.stroke()))
        .draw(target)
}

/// A camera viewfinder (corner brackets) over a face outline, with a scan line that sweeps
/// down and up as `step` advances.
pub fn draw_viewfinder<D>(
    target: &mut D,
    center: Point,
    side: u32,
    step: u32,
) -> Result<(), D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    let frame = IconFrame {
        center,
        side: side as i32,
    };
    let width = frame.stroke();
    let corner = stroke(TEXT_BRACKET, width);
    for (sx, sy) in [(-1, -1), (1, -1), (1, 1), (-1, 1)] {
        let tip = frame.at(sx * 46, sy * 46);
        Line::new(tip, frame.at(sx * 46, sy * 24))
            .into_styled(corner)
            .draw(target)?;
        Line::new(tip, frame.at(sx * 24, sy * 46))
            .into_styled(corner)
            .draw(target)?;
    }
    let outline = stroke(MUTED, (width / 2).max(1));
    Circle::with_center(center, frame.len(56))
        .into_styled(outline)
        .draw(target)?;
    for x in [-10, 10] {
        Circle::with_center(frame.at(x, -5), frame.len(7))
            .into_styled(fill(MUTED))
            .draw(target)?;
    }
    Arc::with_center(frame.at(0, 2), frame.len(30), 40.0.deg(), 100.0.deg())
        .into_styled(outline)
        .draw(target)?;
    // The scan line: 16 steps down, 16 steps up.
    const STEPS: u32 = 16;
    let phase = step % (2 * STEPS);
    let position = if phase < STEPS {
        phase
    } else {
        2 * STEPS - phase
    } as i32;
    let y = -36 + position * 72 / STEPS as i32;
    Line::new(frame.at(-40, y), frame.at(40, y))
        .into_styled(stroke(ACCENT, width))
        .draw(target)
}

const TEXT_BRACKET: Rgb565 = rgb(235, 235, 240);
