//! The face glyph of each of the seven emotions, drawn with primitives (no bitmaps), so it
//! scales to any size: a disc in the emotion's colour with eyes, brows and a mouth.
//!
//! Coordinates inside the face are percent of its diameter from the centre (x right, y down).
//! Angles follow embedded-graphics: 0° points right and angles grow clockwise on screen, so
//! 90° is straight down.

use embedded_graphics::pixelcolor::Rgb565;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::{
    Arc, Circle, Ellipse, Line, Polyline, PrimitiveStyle, PrimitiveStyleBuilder, Rectangle,
    RoundedRectangle, Triangle,
};

use super::theme::{emotion_color, shade, FEATURE, TEAR, TONGUE, WHITE};
use crate::emotion::Emotion;

/// Maps face percentages to panel pixels.
struct FaceFrame {
    center: Point,
    diameter: i32,
}

impl FaceFrame {
    fn at(&self, x: i32, y: i32) -> Point {
        self.center + Point::new(x * self.diameter / 100, y * self.diameter / 100)
    }

    fn len(&self, percent: i32) -> u32 {
        (percent * self.diameter / 100).max(1) as u32
    }

    /// Width of brows and mouths.
    fn stroke(&self) -> u32 {
        (self.diameter / 16).max(1) as u32
    }
}

/// Draws the face for `emotion` as a disc of `diameter` pixels around `center`.
pub fn draw_face<D>(
    target: &mut D,
    center: Point,
    diameter: u32,
    emotion: Emotion,
) -> Result<(), D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    let face = FaceFrame {
        center,
        diameter: diameter as i32,
    };
    let color = emotion_color(emotion);
    let outline = (diameter / 40).max(1);
    Circle::with_center(center, diameter)
        .into_styled(
            PrimitiveStyleBuilder::new()
                .fill_color(color)
                .stroke_color(shade(color, 55))
                .stroke_width(outline)
                .build(),
        )
        .draw(target)?;
    if diameter < 12 {
        return Ok(()); // too small for features to read
    }
    match emotion {
        Emotion::Angry => angry(target, &face),
        Emotion::Disgust => disgust(target, &face),
        Emotion::Fear => fear(target, &face),
        Emotion::Happy => happy(target, &face),
        Emotion::Sad => sad(target, &face),
        Emotion::Surprise => surprise(target, &face),
        Emotion::Neutral => neutral(target, &face),
    }
}

fn stroke(face: &FaceFrame) -> PrimitiveStyle<Rgb565> {
    PrimitiveStyle::with_stroke(FEATURE, face.stroke())
}

fn fill(color: Rgb565) -> PrimitiveStyle<Rgb565> {
    PrimitiveStyle::with_fill(color)
}

fn dot_eyes<D>(target: &mut D, face: &FaceFrame, y: i32, size: i32) -> Result<(), D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    for x in [-17, 17] {
        Circle::with_center(face.at(x, y), face.len(size))
            .into_styled(fill(FEATURE))
            .draw(target)?;
    }
    Ok(())
}

/// Wide-open eyes: white discs with dark pupils.
fn wide_eyes<D>(target: &mut D, face: &FaceFrame, y: i32, pupil_dy: i32) -> Result<(), D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    for x in [-18, 18] {
        Circle::with_center(face.at(x, y), face.len(22))
            .into_styled(
                PrimitiveStyleBuilder::new()
                    .fill_color(WHITE)
                    .stroke_color(FEATURE)
                    .stroke_width((face.stroke() / 2).max(1))
                    .build(),
            )
            .draw(target)?;
        Circle::with_center(face.at(x, y + pupil_dy), face.len(10))
            .into_styled(fill(FEATURE))
            .draw(target)?;
    }
    Ok(())
}

fn line<D>(
    target: &mut D,
    face: &FaceFrame,
    from: (i32, i32),
    to: (i32, i32),
    width: u32,
) -> Result<(), D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    Line::new(face.at(from.0, from.1), face.at(to.0, to.1))
        .into_styled(PrimitiveStyle::with_stroke(FEATURE, width))
        .draw(target)
}

fn arc<D>(
    target: &mut D,
    face: &FaceFrame,
    center: (i32, i32),
    diameter: i32,
    start: f32,
    sweep: f32,
) -> Result<(), D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    Arc::with_center(
        face.at(center.0, center.1),
        face.len(diameter),
        start.deg(),
        sweep.deg(),
    )
    .into_styled(stroke(face))
    .draw(target)
}

fn happy<D: DrawTarget<Color = Rgb565>>(target: &mut D, face: &FaceFrame) -> Result<(), D::Error> {
    // Smiling eyes (upward arcs) and a wide smile.
    for x in [-18, 18] {
        arc(target, face, (x, -6), 20, 200.0, 140.0)?;
    }
    arc(target, face, (0, 2), 62, 25.0, 130.0)
}

fn sad<D: DrawTarget<Color = Rgb565>>(target: &mut D, face: &FaceFrame) -> Result<(), D::Error> {
    dot_eyes(target, face, -4, 12)?;
    let width = face.stroke();
    line(target, face, (-30, -16), (-9, -25), width)?;
    line(target, face, (9, -25), (30, -16), width)?;
    arc(target, face, (0, 40), 46, 210.0, 120.0)?;
    // A tear under the left eye: a drop, pointed at the top.
    let top = face.at(-19, 4);
    let drop_center = face.at(-19, 14);
    let radius = face.len(6) as i32;
    Triangle::new(
        top,
        drop_center + Point::new(-radius, 0),
        drop_center + Point::new(radius, 0),
    )
    .into_styled(fill(TEAR))
    .draw(target)?;
    Circle::with_center(drop_center, face.len(12))
        .into_styled(fill(TEAR))
        .draw(target)
}

fn angry<D: DrawTarget<Color = Rgb565>>(target: &mut D, face: &FaceFrame) -> Result<(), D::Error> {
    dot_eyes(target, face, -3, 12)?;
    // Brows pulled down towards the nose, a "V".
    let width = face.stroke() * 3 / 2;
    line(target, face, (-31, -24), (-7, -13), width)?;
    line(target, face, (7, -13), (31, -24), width)?;
    arc(target, face, (0, 44), 52, 228.0, 84.0)
}

fn fear<D: DrawTarget<Color = Rgb565>>(target: &mut D, face: &FaceFrame) -> Result<(), D::Error> {
    wide_eyes(target, face, -6, 2)?;
    // Brows raised and drawn together.
    let width = face.stroke();
    line(target, face, (-31, -24), (-9, -32), width)?;
    line(target, face, (9, -32), (31, -24), width)?;
    // A clenched grimace: teeth behind stretched lips.
    let top_left = face.at(-24, 16);
    let size = Size::new(face.len(48), face.len(18));
    RoundedRectangle::with_equal_corners(
        Rectangle::new(top_left, size),
        Size::new_equal(face.len(6)),
    )
    .into_styled(
        PrimitiveStyleBuilder::new()
            .fill_color(WHITE)
            .stroke_color(FEATURE)
            .stroke_width((face.stroke() * 2 / 3).max(1))
            .build(),
    )
    .draw(target)?;
    let thin = (face.stroke() / 2).max(1);
    line(target, face, (-24, 25), (24, 25), thin)?;
    for x in [-12, 0, 12] {
        line(target, face, (x, 16), (x, 34), thin)?;
    }
    Ok(())
}

fn surprise<D: DrawTarget<Color = Rgb565>>(
    target: &mut D,
    face: &FaceFrame,
) -> Result<(), D::Error> {
    wide_eyes(target, face, -8, 0)?;
    // High arched brows and an open "O" mouth.
    for x in [-18, 18] {
        arc(target, face, (x, -22), 28, 215.0, 110.0)?;
    }
    let mouth = Rectangle::with_center(face.at(0, 24), Size::new(face.len(20), face.len(26)));
    Ellipse::new(mouth.top_left, mouth.size)
        .into_styled(fill(FEATURE))
        .draw(target)
}

fn disgust<D: DrawTarget<Color = Rgb565>>(
    target: &mut D,
    face: &FaceFrame,
) -> Result<(), D::Error> {
    // Narrowed eyes, one brow pulled down, a crooked mouth with the tongue out.
    let width = face.stroke();
    line(target, face, (-25, -6), (-10, -6), width)?;
    line(target, face, (10, -6), (25, -6), width)?;
    line(target, face, (-29, -20), (-8, -14), width)?;
    line(target, face, (9, -19), (29, -21), width)?;
    let tongue = Rectangle::with_center(face.at(6, 26), Size::new(face.len(16), face.len(18)));
    Ellipse::new(tongue.top_left, tongue.size)
        .into_styled(
            PrimitiveStyleBuilder::new()
                .fill_color(TONGUE)
                .stroke_color(FEATURE)
                .stroke_width((face.stroke() / 2).max(1))
                .build(),
        )
        .draw(target)?;
    let points = [
        face.at(-22, 22),
        face.at(-8, 17),
        face.at(6, 20),
        face.at(22, 14),
    ];
    Polyline::new(&points)
        .into_styled(stroke(face))
        .draw(target)
}

fn neutral<D: DrawTarget<Color = Rgb565>>(
    target: &mut D,
    face: &FaceFrame,
) -> Result<(), D::Error> {
    dot_eyes(target, face, -6, 12)?;
    line(target, face, (-18, 22), (18, 22), face.stroke())
}
