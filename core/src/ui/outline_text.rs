//! Text beyond ISO 8859-1, drawn with the outline fonts: measured in pixels once shaped,
//! wrapped between words (or between graphemes where a word is longer than a line), cut at
//! a grapheme boundary with an ellipsis (on the left of a right-to-left line), and drawn at
//! the size of the bitmap font it stands in for, so layouts do not change.
//!
//! Characters no installed font draws are left out (a title whose Tamil font is missing
//! shows its Latin part), so the panel never shows boxes or question marks.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use embedded_graphics::pixelcolor::Rgb565;
use embedded_graphics::prelude::*;
use unicode_segmentation::UnicodeSegmentation;

use super::fonts::{book, FontBook};
use super::raster::draw_shaped;
use super::scaled::Scaled;
use super::shaping::{is_default_ignorable, shape_line, ShapedLine};
use super::text::{draw_ellipsis, Align, Line};
use super::theme::{TextSize, BACKGROUND};

/// Pixels per em of the outline font standing in for a bitmap size: its line height.
const EM_PER_LINE: f32 = 0.74;
/// Where the baseline sits in the line, as a share of the line height.
const BASELINE_PER_LINE: f32 = 0.78;

/// True when `text` has a character the bitmap fonts lack.
pub fn needs_outline(text: &str) -> bool {
    text.chars()
        .any(|c| !matches!(c as u32, 0x20..=0x7E | 0xA0..=0xFF))
}

/// `text` without the characters no font in `book` can draw, its spaces tidied, and
/// without dashes or separators left dangling at its ends.
pub fn drawable(book: &FontBook, text: &str) -> String {
    let kept: String = text
        .chars()
        .map(|c| {
            let shown = c == ' '
                || !needs_outline(c.encode_utf8(&mut [0; 4]))
                || is_default_ignorable(c)
                || book.draws(c);
            if shown {
                c
            } else {
                ' '
            }
        })
        .collect();
    let spaced = kept.split_whitespace().collect::<Vec<_>>().join(" ");
    let dangling = |c: char| c.is_whitespace() || "—–-:|/·•,".contains(c);
    spaced.trim_matches(dangling).to_string()
}

fn em(size: TextSize) -> f32 {
    size.line_height() as f32 * EM_PER_LINE
}

/// Lines shaped lately, by text and size: the now-playing screen is drawn again every
/// second, and fitting a title measures the same pieces many times.
const CACHE_LINES: usize = 512;

/// Shaped lines by text and pixels per em (as bits); `None` for text no font draws.
type ShapedCache = HashMap<(String, u32), Option<Rc<ShapedLine>>>;

thread_local! {
    static SHAPED: RefCell<ShapedCache> = RefCell::new(HashMap::new());
}

fn shaped(text: &str, size: TextSize) -> Option<Rc<ShapedLine>> {
    let em = em(size);
    let key = (text.to_string(), em.to_bits());
    if let Some(found) = SHAPED.with(|cache| cache.borrow().get(&key).cloned()) {
        return found;
    }
    let line = shape_line(book(), text, em).map(Rc::new);
    SHAPED.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() >= CACHE_LINES {
            cache.clear();
        }
        cache.insert(key, line.clone());
    });
    line
}

/// Width of `text` in pixels at `size` (0 if it cannot be shaped).
pub fn text_width(text: &str, size: TextSize) -> u32 {
    shaped(text, size).map_or(0, |line| line.width.ceil() as u32)
}

/// Width of `line` in pixels, its ellipsis included.
pub fn line_width(line: &Line, size: TextSize) -> u32 {
    let text = text_width(&line.text, size);
    if line.ellipsis {
        text + size.advance()
    } else {
        text
    }
}

/// The longest run of whole graphemes at the start of `text` that fits `width` (at least
/// one grapheme when `at_least_one`), as a byte length.
fn prefix_that_fits(text: &str, size: TextSize, width: u32, at_least_one: bool) -> usize {
    let ends: Vec<usize> = text
        .grapheme_indices(true)
        .map(|(at, g)| at + g.len())
        .collect();
    let (mut low, mut high) = (0usize, ends.len());
    // Invariant: the first `low` graphemes fit; more than `high` do not.
    while low < high {
        let mid = (low + high).div_ceil(2);
        if text_width(text[..ends[mid - 1]].trim_end(), size) <= width {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    match low {
        0 if at_least_one => ends.first().copied().unwrap_or(0),
        0 => 0,
        n => ends[n - 1],
    }
}

/// `text` cut at a grapheme boundary so that it and an ellipsis fit `width`.
fn cut(text: &str, size: TextSize, width: u32) -> Line {
    let room = width.saturating_sub(size.advance());
    let end = prefix_that_fits(text, size, room, false);
    Line {
        text: text[..end].trim_end().to_string(),
        ellipsis: end > 0 || room > 0,
    }
}

/// `text` on one line of `width` pixels, cut with an ellipsis if longer.
pub fn fit_line(text: &str, size: TextSize, width: u32) -> Line {
    if text_width(text, size) <= width {
        return Line {
            text: text.to_string(),
            ellipsis: false,
        };
    }
    if width < size.advance() {
        return Line {
            text: String::new(),
            ellipsis: false,
        };
    }
    cut(text, size, width)
}

/// Wraps `text` into at most `max_lines` lines of `width` pixels, between words, breaking a
/// word longer than a line between graphemes; the last line ends in an ellipsis if more
/// text followed.
pub fn wrap(text: &str, size: TextSize, width: u32, max_lines: usize) -> Vec<Line> {
    if max_lines == 0 || width < size.advance() {
        return Vec::new();
    }
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let joined = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if text_width(&joined, size) <= width {
            current = joined;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        let mut rest = word;
        loop {
            let end = prefix_that_fits(rest, size, width, true);
            if end >= rest.len() {
                current = rest.to_string();
                break;
            }
            lines.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    let whole = |text: &String| Line {
        text: text.clone(),
        ellipsis: false,
    };
    if lines.len() <= max_lines {
        return lines.iter().map(whole).collect();
    }
    let mut kept: Vec<Line> = lines[..max_lines - 1].iter().map(whole).collect();
    let rest = lines[max_lines - 1..].join(" ");
    kept.push(cut(&rest, size, width));
    kept
}

/// Draws `line` (fitted to `width`) in the box at `top_left`, placed by `align`.
pub fn draw_line<D>(
    target: &mut D,
    line: &Line,
    size: TextSize,
    color: Rgb565,
    top_left: Point,
    width: u32,
    align: Align,
) -> Result<(), D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    let Some(shaped) = shaped(&line.text, size) else {
        return Ok(());
    };
    let text_width = line_width(line, size);
    let slack = width.saturating_sub(text_width) as i32;
    let x = match align {
        Align::Left => 0,
        Align::Center => slack / 2,
        Align::Right => slack,
    };
    let left = top_left.x + x;
    let ellipsis_first = line.ellipsis && shaped.rtl;
    let text_left = if ellipsis_first {
        left + size.advance() as i32
    } else {
        left
    };
    let baseline = top_left.y + (size.line_height() as f32 * BASELINE_PER_LINE).round() as i32;
    draw_shaped(
        target,
        book(),
        &shaped,
        Point::new(text_left, baseline),
        color,
        BACKGROUND,
    )?;
    if line.ellipsis {
        let ellipsis_left = if ellipsis_first {
            left
        } else {
            text_left + shaped.width.ceil() as i32 + (size.advance() - size.cell_width()) as i32
        };
        let mut scaled = Scaled::new(target, Point::new(ellipsis_left, top_left.y), size.scale);
        draw_ellipsis(&mut scaled, size, 0, color)?;
    }
    Ok(())
}
