//! Placing a screen's parts on a panel of any size: a picture (face, icon, button) and a
//! column of blocks (text, bars), side by side on landscape panels and stacked on
//! square or portrait ones, centred vertically.
//!
//! Blocks are placed top to bottom; text takes the largest of its sizes that fits the width
//! and the height that is left, and a block that no longer fits is left out, so nothing is
//! ever drawn outside the panel.

use embedded_graphics::pixelcolor::Rgb565;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::Rectangle;

use super::canvas::Canvas;
use super::face::draw_face;
use super::icons::{draw_button, draw_error_icon, draw_viewfinder};
use super::text::{fit_paragraph, height_of, Align, Line};
use super::theme::{TextSize, TextSizes, BACKGROUND};
use super::widgets;
use crate::emotion::Emotion;
use crate::screen::ErrorIcon;

/// A square picture.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Picture {
    Face(Emotion),
    Icon(ErrorIcon),
    Button,
    Viewfinder { step: u32 },
}

impl Picture {
    fn draw<D>(self, target: &mut D, center: Point, side: u32) -> Result<(), D::Error>
    where
        D: DrawTarget<Color = Rgb565>,
    {
        match self {
            Picture::Face(emotion) => draw_face(target, center, side, emotion),
            Picture::Icon(icon) => draw_error_icon(target, center, side, icon),
            Picture::Button => draw_button(target, center, side),
            Picture::Viewfinder { step } => draw_viewfinder(target, center, side, step),
        }
    }
}

/// One part of a screen's column.
#[derive(Debug, Clone)]
pub enum Block {
    /// Text wrapped into at most `max_lines` lines, in the first of `sizes` that holds it.
    Text {
        text: String,
        sizes: Vec<TextSize>,
        max_lines: usize,
        color: Rgb565,
    },
    /// Empty space.
    Gap(u32),
    /// A bar filled to `fraction` with a label such as "87%" on its right.
    Meter {
        fraction: f32,
        color: Rgb565,
        label: String,
        size: TextSize,
    },
    /// A progress bar (empty when the length is unknown) over elapsed and total time, with
    /// an outlined tag between the times (e.g. the language).
    Progress {
        fraction: Option<f32>,
        elapsed: String,
        total: String,
        color: Rgb565,
        size: TextSize,
        tag: Option<Tag>,
    },
    /// A small face beside two lines of text.
    Header {
        emotion: Emotion,
        main: String,
        main_color: Rgb565,
        sub: String,
        sizes: TextSizes,
    },
}

/// A short outlined label.
#[derive(Debug, Clone)]
pub struct Tag {
    pub text: String,
    pub color: Rgb565,
    pub size: TextSize,
}

/// The panel's geometry for one screen.
pub struct PanelGeometry {
    pub area: Rectangle,
    pub margin: u32,
    pub sizes: TextSizes,
}

impl PanelGeometry {
    pub fn new(area: Rectangle) -> Self {
        let short_side = area.size.width.min(area.size.height);
        PanelGeometry {
            area,
            margin: (short_side / 30).clamp(1, 16),
            sizes: TextSizes::for_short_side(short_side),
        }
    }

    /// Wide enough to put the picture beside the text.
    pub fn is_landscape(&self) -> bool {
        self.area.size.width * 5 >= self.area.size.height * 6
    }

    pub fn gap(&self) -> u32 {
        self.margin
    }

    fn inner(&self) -> Rectangle {
        let m = self.margin;
        Rectangle::new(
            self.area.top_left + Point::new(m as i32, m as i32),
            Size::new(
                self.area.size.width.saturating_sub(2 * m),
                self.area.size.height.saturating_sub(2 * m),
            ),
        )
    }
}

/// How much of the panel a picture may take, in percent: of the width beside the text on a
/// landscape panel, of the height above the text on the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    pub beside: u32,
    pub above: u32,
}

/// Clears the panel and draws `picture` and `blocks`: side by side on a landscape panel, the
/// picture on top on the others.
pub fn compose<D>(
    target: &mut Canvas<'_, D>,
    frame: &PanelGeometry,
    picture: Option<(Picture, Share)>,
    blocks: Vec<Block>,
) -> Result<(), D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    target.fill_solid(&frame.area, BACKGROUND)?;
    let inner = frame.inner();
    if inner.is_zero_sized() {
        return Ok(());
    }
    let Some((picture, share)) = picture else {
        return stack(target, frame, inner, &blocks, None);
    };
    if frame.is_landscape() {
        let side = inner.size.height.min(inner.size.width * share.beside / 100);
        let left = Rectangle::new(
            inner.top_left + Point::new(0, ((inner.size.height - side) / 2) as i32),
            Size::new_equal(side),
        );
        picture.draw(target, left.center(), side.saturating_sub(1))?;
        let used = side + frame.gap();
        let right = Rectangle::new(
            inner.top_left + Point::new(used as i32, 0),
            Size::new(inner.size.width.saturating_sub(used), inner.size.height),
        );
        stack(target, frame, right, &blocks, None)
    } else {
        let side = inner.size.width.min(inner.size.height * share.above / 100);
        stack(target, frame, inner, &blocks, Some((picture, side)))
    }
}

/// A block with its height worked out for the column's width.
enum Placed<'a> {
    Picture(Picture, u32),
    Gap,
    Text(TextSize, Vec<Line>, Rgb565),
    Other(&'a Block, u32),
}

/// Blocks placed in a column, with the height left over and how many blocks were left out,
/// cut short or set smaller than their first choice for want of room.
struct Plan<'a> {
    items: Vec<(Placed<'a>, u32)>,
    left: u32,
    losses: usize,
}

/// Places `blocks` (after `picture`, if any) top to bottom in `column`, centred vertically.
/// The picture shrinks, down to half its size, before any block is left out, cut or set
/// smaller.
fn stack<D>(
    target: &mut Canvas<'_, D>,
    frame: &PanelGeometry,
    column: Rectangle,
    blocks: &[Block],
    picture: Option<(Picture, u32)>,
) -> Result<(), D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    let mut plan = plan_column(frame, column, blocks, picture);
    if let Some((picture, side)) = picture {
        for eighths in 1..=4 {
            if plan.losses == 0 {
                break;
            }
            let smaller = plan_column(
                frame,
                column,
                blocks,
                Some((picture, side - side * eighths / 8)),
            );
            if smaller.losses < plan.losses {
                plan = smaller;
            }
        }
    }
    let width = column.size.width;
    let mut y = column.top_left.y + (plan.left / 2) as i32;
    for (item, height) in plan.items {
        let top_left = Point::new(column.top_left.x, y);
        draw_placed(target, item, top_left, width)?;
        y += height as i32;
    }
    Ok(())
}

fn plan_column<'a>(
    frame: &PanelGeometry,
    column: Rectangle,
    blocks: &'a [Block],
    picture: Option<(Picture, u32)>,
) -> Plan<'a> {
    let width = column.size.width;
    let mut left = column.size.height;
    let mut items: Vec<(Placed, u32)> = Vec::new();
    let mut losses = 0;
    if let Some((picture, side)) = picture {
        if side > 0 && side <= left {
            items.push((Placed::Picture(picture, side), side));
            left -= side;
            let gap = frame.gap().min(left);
            items.push((Placed::Gap, gap));
            left -= gap;
        }
    }
    for block in blocks {
        let measured = measure(block, width, left).filter(|(_, height)| *height <= left);
        let Some((item, height)) = measured else {
            losses += usize::from(!matches!(block, Block::Gap(_)));
            continue;
        };
        if let (Placed::Text(size, lines, _), Block::Text { sizes, .. }) = (&item, block) {
            let cut = lines.last().is_some_and(|line| line.ellipsis);
            let shrunk = sizes.first().is_some_and(|first| !same_size(*first, *size));
            losses += usize::from(cut) + usize::from(shrunk);
        }
        left -= height;
        items.push((item, height));
    }
    while matches!(items.last(), Some((Placed::Gap, _))) {
        if let Some((_, height)) = items.pop() {
            left += height;
        }
    }
    Plan {
        items,
        left,
        losses,
    }
}

fn measure(block: &Block, width: u32, height_left: u32) -> Option<(Placed<'_>, u32)> {
    match block {
        Block::Text {
            text,
            sizes,
            max_lines,
            color,
        } => {
            let (size, lines) = fit_paragraph(text, sizes, width, height_left, *max_lines)?;
            let height = height_of(size, lines.len());
            Some((Placed::Text(size, lines, *color), height))
        }
        Block::Gap(gap) => Some((Placed::Gap, *gap)),
        Block::Meter { size, .. } => {
            Some((Placed::Other(block, size.line_height()), size.line_height()))
        }
        Block::Progress { size, .. } => {
            let height = widgets::bar_height(*size) + size.line_height() / 3 + size.line_height();
            Some((Placed::Other(block, height), height))
        }
        Block::Header { sizes, .. } => {
            let main = *sizes.heading.first()?;
            let sub = *sizes.body.first()?;
            let height = main.line_pitch() + sub.line_height();
            Some((Placed::Other(block, height), height))
        }
    }
}

fn draw_placed<D>(
    target: &mut Canvas<'_, D>,
    item: Placed,
    top_left: Point,
    width: u32,
) -> Result<(), D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    match item {
        Placed::Picture(picture, side) => {
            let center = top_left + Point::new((width / 2) as i32, (side / 2) as i32);
            picture.draw(target, center, side)
        }
        Placed::Text(size, lines, color) => {
            let mut y = top_left.y;
            for line in &lines {
                target.line(
                    line,
                    size,
                    color,
                    Point::new(top_left.x, y),
                    width,
                    Align::Center,
                )?;
                y += size.line_pitch() as i32;
            }
            Ok(())
        }
        Placed::Gap => Ok(()),
        Placed::Other(block, height) => widgets::draw_block(
            target,
            block,
            Rectangle::new(top_left, Size::new(width, height)),
        ),
    }
}

fn same_size(a: TextSize, b: TextSize) -> bool {
    std::ptr::eq(a.font, b.font) && a.scale == b.scale
}
