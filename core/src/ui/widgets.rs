//! The drawn parts of a screen's column: level meters, the song's progress bar with its
//! times and tag, and the header (a small face beside two lines of text).

use embedded_graphics::pixelcolor::Rgb565;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::{PrimitiveStyle, Rectangle, RoundedRectangle};

use super::canvas::Canvas;
use super::face::draw_face;
use super::layout::{Block, Tag};
use super::text::{self, Align};
use super::theme::{TextSize, TextSizes, MUTED, TRACK};
use crate::emotion::Emotion;

pub(super) fn draw_block<D>(
    target: &mut Canvas<'_, D>,
    block: &Block,
    area: Rectangle,
) -> Result<(), D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    match block {
        Block::Text { .. } | Block::Gap(_) => Ok(()),
        Block::Meter {
            fraction,
            color,
            label,
            size,
        } => draw_meter(target, area, *fraction, *color, label, *size),
        Block::Progress {
            fraction,
            elapsed,
            total,
            color,
            size,
            tag,
        } => draw_progress(
            target,
            area,
            *fraction,
            (elapsed, total),
            *color,
            *size,
            tag.as_ref(),
        ),
        Block::Header {
            emotion,
            main,
            main_color,
            sub,
            sizes,
        } => draw_header(target, area, *emotion, main, *main_color, sub, sizes),
    }
}

pub(super) fn bar_height(size: TextSize) -> u32 {
    (size.line_height() / 2).max(2)
}

/// A rounded bar across `area`, filled to `fraction` (clamped to 0..=1, NaN as 0).
fn draw_bar<D>(
    target: &mut D,
    area: Rectangle,
    fraction: f32,
    color: Rgb565,
) -> Result<(), D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    let fraction = if fraction.is_nan() {
        0.0
    } else {
        fraction.clamp(0.0, 1.0)
    };
    let radius = Size::new_equal(area.size.height / 2);
    RoundedRectangle::with_equal_corners(area, radius)
        .into_styled(PrimitiveStyle::with_fill(TRACK))
        .draw(target)?;
    let filled = (area.size.width as f32 * fraction).round() as u32;
    if filled > 0 {
        let part = Rectangle::new(
            area.top_left,
            Size::new(
                filled.max(area.size.height.min(area.size.width)),
                area.size.height,
            ),
        );
        RoundedRectangle::with_equal_corners(part, radius)
            .into_styled(PrimitiveStyle::with_fill(color))
            .draw(target)?;
    }
    Ok(())
}

fn draw_meter<D>(
    target: &mut Canvas<'_, D>,
    area: Rectangle,
    fraction: f32,
    color: Rgb565,
    label: &str,
    size: TextSize,
) -> Result<(), D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    let label = text::fit_line(label, size.cells_in(area.size.width / 2));
    let label_width = size.width_of(label.cells());
    let gap = if label_width > 0 {
        size.advance() / 2 + 2
    } else {
        0
    };
    let bar_width = area.size.width.saturating_sub(label_width + gap);
    let height = bar_height(size);
    if bar_width > 0 {
        let bar = Rectangle::new(
            area.top_left + Point::new(0, ((size.line_height() - height) / 2) as i32),
            Size::new(bar_width, height),
        );
        draw_bar(target, bar, fraction, color)?;
    }
    let label_left = area.top_left + Point::new((bar_width + gap) as i32, 0);
    target.line(&label, size, color, label_left, label_width, Align::Right)
}

fn draw_progress<D>(
    target: &mut Canvas<'_, D>,
    area: Rectangle,
    fraction: Option<f32>,
    (elapsed, total): (&str, &str),
    color: Rgb565,
    size: TextSize,
    tag: Option<&Tag>,
) -> Result<(), D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    let height = bar_height(size);
    let bar = Rectangle::new(area.top_left, Size::new(area.size.width, height));
    draw_bar(target, bar, fraction.unwrap_or(0.0), color)?;
    let labels = Rectangle::new(
        area.top_left + Point::new(0, (height + size.line_height() / 3) as i32),
        Size::new(area.size.width, size.line_height()),
    );
    let half = labels.size.width / 2;
    let elapsed = text::fit_line(elapsed, size.cells_in(half));
    let total = text::fit_line(total, size.cells_in(half));
    target.line(&elapsed, size, MUTED, labels.top_left, half, Align::Left)?;
    let right = labels.top_left + Point::new((labels.size.width - half) as i32, 0);
    target.line(&total, size, MUTED, right, half, Align::Right)?;
    if let Some(tag) = tag {
        // The tag gets the room between the two times, centred on the panel.
        let used = size.width_of(elapsed.cells().max(total.cells())) + size.advance();
        let room = labels.size.width.saturating_sub(2 * used);
        let middle = Rectangle::new(
            labels.top_left + Point::new(used as i32, 0),
            Size::new(room, labels.size.height),
        );
        draw_tag(target, middle, tag)?;
    }
    Ok(())
}

/// Draws `tag` centred in `area`, shortened to fit; nothing if not even one letter fits.
fn draw_tag<D>(target: &mut Canvas<'_, D>, area: Rectangle, tag: &Tag) -> Result<(), D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    let size = tag.size;
    let pad_x = size.cell_width() * 2 / 3;
    let pad_y = (size.line_height() / 6).max(1);
    let line = text::fit_in(&tag.text, size, area.size.width.saturating_sub(2 * pad_x));
    let height = size.line_height() + 2 * pad_y;
    if line.cells() == 0 || height > area.size.height {
        return Ok(());
    }
    let width = text::line_width(&line, size) + 2 * pad_x;
    let top_left = area.top_left
        + Point::new(
            ((area.size.width - width) / 2) as i32,
            ((area.size.height - height) / 2) as i32,
        );
    let outline = Rectangle::new(top_left, Size::new(width, height));
    RoundedRectangle::with_equal_corners(outline, Size::new_equal(height / 2))
        .into_styled(PrimitiveStyle::with_stroke(tag.color, size.scale + 1))
        .draw(target)?;
    let text_left = top_left + Point::new(pad_x as i32, pad_y as i32);
    target.line(
        &line,
        size,
        tag.color,
        text_left,
        width - 2 * pad_x,
        Align::Center,
    )
}

fn draw_header<D>(
    target: &mut Canvas<'_, D>,
    area: Rectangle,
    emotion: Emotion,
    main: &str,
    main_color: Rgb565,
    sub: &str,
    sizes: &TextSizes,
) -> Result<(), D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    let (Some(&main_size), Some(&sub_size)) = (sizes.heading.first(), sizes.body.first()) else {
        return Ok(());
    };
    let side = area.size.height;
    let gap = side / 5;
    let room = area.size.width.saturating_sub(side + gap);
    let main_line = text::fit_in(main, main_size, room);
    let sub_line = text::fit_in(sub, sub_size, room);
    let text_width = size_max(
        text::line_width(&main_line, main_size),
        text::line_width(&sub_line, sub_size),
    );
    let total = (side + gap + text_width).min(area.size.width);
    let left = area.top_left.x + ((area.size.width - total) / 2) as i32;
    let center = Point::new(
        left + (side / 2) as i32,
        area.top_left.y + (side / 2) as i32,
    );
    draw_face(target, center, side.saturating_sub(1), emotion)?;
    let text_left = Point::new(left + (side + gap) as i32, area.top_left.y);
    target.line(
        &main_line,
        main_size,
        main_color,
        text_left,
        text_width,
        Align::Left,
    )?;
    let sub_top = text_left + Point::new(0, main_size.line_pitch() as i32);
    target.line(&sub_line, sub_size, MUTED, sub_top, text_width, Align::Left)
}

fn size_max(a: u32, b: u32) -> u32 {
    a.max(b)
}
