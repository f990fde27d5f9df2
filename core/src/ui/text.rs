//! Text that fits: cleaning what the daemon passes, wrapping it into lines of a given number
//! of characters, shortening with an ellipsis what does not fit, and drawing a line at any
//! integer scale.
//!
//! Text within ISO 8859-1 is drawn with the built-in monospaced bitmap fonts, so its width
//! is its character count times the advance; anything else (Tamil, Hindi, Arabic, Chinese,
//! a dash or curly quotes) goes to [`super::outline_text`], shaped and drawn with the Noto
//! fonts at the same line height. [`prepare`], [`fit_in`], [`line_width`] and [`draw_line`]
//! choose between the two.

use embedded_graphics::mono_font::MonoTextStyle;
use embedded_graphics::pixelcolor::Rgb565;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::{PrimitiveStyle, Rectangle};
use embedded_graphics::text::{Baseline, Text};

use super::fonts::book;
use super::outline_text::{self, needs_outline};
use super::scaled::Scaled;
use super::theme::TextSize;

/// One line of text ready to draw; `ellipsis` means more text followed and was cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub ellipsis: bool,
}

impl Line {
    /// Character cells the line takes, the ellipsis included.
    pub fn cells(&self) -> usize {
        self.text.chars().count() + usize::from(self.ellipsis)
    }
}

/// Horizontal placement of a line in its box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// Control characters become spaces, runs of white space one space, ends trimmed.
pub fn clean(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` cleaned, without the characters no font draws.
pub fn prepare(text: &str) -> String {
    let text = clean(text);
    if needs_outline(&text) {
        outline_text::drawable(book(), &text)
    } else {
        text
    }
}

/// `text` on one line of `width` pixels at `size`, cut with an ellipsis if longer.
pub fn fit_in(text: &str, size: TextSize, width: u32) -> Line {
    let text = prepare(text);
    if needs_outline(&text) {
        outline_text::fit_line(&text, size, width)
    } else {
        fit_line(&text, size.cells_in(width))
    }
}

/// Width in pixels of `line` drawn at `size`, its ellipsis included.
pub fn line_width(line: &Line, size: TextSize) -> u32 {
    if needs_outline(&line.text) {
        outline_text::line_width(line, size)
    } else {
        size.width_of(line.cells())
    }
}

/// `text` on one line of at most `max_cells` characters, cut with an ellipsis if longer.
pub fn fit_line(text: &str, max_cells: usize) -> Line {
    let text = clean(text);
    if text.chars().count() <= max_cells {
        return Line {
            text,
            ellipsis: false,
        };
    }
    cut(&text, max_cells)
}

/// The first `max_cells - 1` characters and an ellipsis (nothing at all if not even that fits).
fn cut(text: &str, max_cells: usize) -> Line {
    if max_cells == 0 {
        return Line {
            text: String::new(),
            ellipsis: false,
        };
    }
    let kept: String = text.chars().take(max_cells - 1).collect();
    Line {
        text: kept.trim_end().to_string(),
        ellipsis: true,
    }
}

/// Word-wraps `text` into at most `max_lines` lines of at most `max_cells` characters; a word
/// longer than a line is broken, and if the text needs more lines the last one ends with an
/// ellipsis.
pub fn wrap(text: &str, max_cells: usize, max_lines: usize) -> Vec<Line> {
    if max_cells == 0 || max_lines == 0 {
        return Vec::new();
    }
    let text = clean(text);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let used = current.chars().count();
            let needed = if used == 0 {
                word.len()
            } else {
                used + 1 + word.len()
            };
            if needed <= max_cells {
                if used > 0 {
                    current.push(' ');
                }
                current.extend(word.iter());
                break;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut current));
                continue;
            }
            // A word longer than a whole line: break it.
            let rest = word.split_off(max_cells);
            lines.push(word.iter().collect());
            word = rest;
            if word.is_empty() {
                break;
            }
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() <= max_lines {
        return lines
            .into_iter()
            .map(|text| Line {
                text,
                ellipsis: false,
            })
            .collect();
    }
    let mut kept: Vec<Line> = lines[..max_lines - 1]
        .iter()
        .map(|text| Line {
            text: text.clone(),
            ellipsis: false,
        })
        .collect();
    let last = &lines[max_lines - 1];
    kept.push(if last.chars().count() < max_cells {
        Line {
            text: last.clone(),
            ellipsis: true,
        }
    } else {
        cut(last, max_cells)
    });
    kept
}

/// Wraps `text` in the first of `sizes` where it fits `width` x `height` (and `max_lines`)
/// without being cut; if none does, the last size with an ellipsis.
pub fn fit_paragraph(
    text: &str,
    sizes: &[TextSize],
    width: u32,
    height: u32,
    max_lines: usize,
) -> Option<(TextSize, Vec<Line>)> {
    let text = prepare(text);
    let mut fallback = None;
    for &size in sizes {
        let lines_that_fit = lines_in(size, height).min(max_lines);
        let lines = if needs_outline(&text) {
            outline_text::wrap(&text, size, width, lines_that_fit)
        } else {
            wrap(&text, size.cells_in(width), lines_that_fit)
        };
        if lines.is_empty() {
            continue;
        }
        let cut = lines.last().is_some_and(|l| l.ellipsis);
        if !cut {
            return Some((size, lines));
        }
        fallback = Some((size, lines));
    }
    fallback
}

/// How many lines of `size` fit in `height` pixels.
pub fn lines_in(size: TextSize, height: u32) -> usize {
    if height < size.line_height() {
        0
    } else {
        ((height - size.line_height()) / size.line_pitch() + 1) as usize
    }
}

/// Height of `lines` lines of `size`.
pub fn height_of(size: TextSize, lines: usize) -> u32 {
    match lines {
        0 => 0,
        n => (n as u32 - 1) * size.line_pitch() + size.line_height(),
    }
}

/// Draws `line` in the box starting at `top_left` and `width` wide, placed by `align`.
/// The caller has fitted the line to the width.
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
    if needs_outline(&line.text) {
        return outline_text::draw_line(target, line, size, color, top_left, width, align);
    }
    let text_width = size.width_of(line.cells());
    let slack = width.saturating_sub(text_width) as i32;
    let x = match align {
        Align::Left => 0,
        Align::Center => slack / 2,
        Align::Right => slack,
    };
    let mut scaled = Scaled::new(target, top_left + Point::new(x, 0), size.scale);
    let style = MonoTextStyle::new(size.font, color);
    Text::with_baseline(&line.text, Point::zero(), style, Baseline::Top).draw(&mut scaled)?;
    if line.ellipsis {
        let cell_x = (line.text.chars().count() as u32 * size.advance() / size.scale) as i32;
        draw_ellipsis(&mut scaled, size, cell_x, color)?;
    }
    Ok(())
}

/// Three dots on the baseline, in one character cell (in the font's own pixels).
pub(super) fn draw_ellipsis<D>(
    target: &mut D,
    size: TextSize,
    cell_x: i32,
    color: Rgb565,
) -> Result<(), D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    let cell = size.font.character_size;
    let dot = (cell.width / 5).max(1);
    let gap = ((cell.width.saturating_sub(3 * dot)) / 3).max(1);
    let used = 3 * dot + 2 * gap;
    let left = cell_x + (cell.width.saturating_sub(used) / 2) as i32;
    let top = size.font.baseline as i32 + 1 - dot as i32;
    for i in 0..3 {
        let x = left + (i * (dot + gap)) as i32;
        Rectangle::new(Point::new(x, top), Size::new_equal(dot))
            .into_styled(PrimitiveStyle::with_fill(color))
            .draw(target)?;
    }
    Ok(())
}

/// Fits `text` on one line of `width` pixels and draws it; returns the height used.
pub fn draw_fitted<D>(
    target: &mut D,
    text: &str,
    size: TextSize,
    color: Rgb565,
    top_left: Point,
    width: u32,
    align: Align,
) -> Result<u32, D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    let line = fit_in(text, size, width);
    draw_line(target, &line, size, color, top_left, width, align)?;
    Ok(size.line_height())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| format!("{}{}", l.text, if l.ellipsis { "…" } else { "" }))
            .collect()
    }

    #[test]
    fn control_characters_and_runs_of_space_are_cleaned() {
        assert_eq!(clean("  a\tb\n\nc  "), "a b c");
    }

    #[test]
    fn a_line_that_fits_is_kept_whole() {
        let line = fit_line("Yesterday", 9);
        assert_eq!(line.text, "Yesterday");
        assert!(!line.ellipsis);
    }

    #[test]
    fn a_long_line_is_cut_with_an_ellipsis_in_the_last_cell() {
        let line = fit_line("Bohemian Rhapsody", 10);
        assert_eq!(texts(std::slice::from_ref(&line)), vec!["Bohemian…"]);
        assert_eq!(line.cells(), 9);
        let line = fit_line("Über den Wolken", 6);
        assert_eq!(texts(std::slice::from_ref(&line)), vec!["Über…"]);
        assert!(line.cells() <= 6);
        assert_eq!(fit_line("anything", 0).cells(), 0);
    }

    #[test]
    fn wrapping_breaks_between_words() {
        let lines = wrap("Press the button to read your mood", 12, 4);
        assert_eq!(
            texts(&lines),
            vec!["Press the", "button to", "read your", "mood"]
        );
    }

    #[test]
    fn wrapping_breaks_a_word_longer_than_a_line() {
        let lines = wrap("/dev/v4l/by-id/usb-Logitech-video-index0", 12, 5);
        assert!(lines.iter().all(|l| l.cells() <= 12));
        let joined: String = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(joined, "/dev/v4l/by-id/usb-Logitech-video-index0");
    }

    #[test]
    fn text_beyond_the_last_line_ends_in_an_ellipsis() {
        let lines = wrap("one two three four five six seven", 9, 2);
        assert_eq!(texts(&lines), vec!["one two", "three…"]);
        let lines = wrap("abcdefghij abcdefghij abcdefghij", 10, 2);
        assert_eq!(texts(&lines), vec!["abcdefghij", "abcdefghi…"]);
        assert!(lines.iter().all(|l| l.cells() <= 10));
    }

    #[test]
    fn a_paragraph_takes_the_largest_size_that_holds_it_whole() {
        use embedded_graphics::mono_font::iso_8859_1::{FONT_10X20, FONT_6X10};
        let sizes = [TextSize::new(&FONT_10X20, 2), TextSize::new(&FONT_6X10, 1)];
        let (size, lines) = fit_paragraph("SAD", &sizes, 200, 40, 1).unwrap();
        assert_eq!(size.scale, 2);
        assert_eq!(texts(&lines), vec!["SAD"]);
        let (size, lines) = fit_paragraph("SURPRISE!!", &sizes, 180, 40, 1).unwrap();
        assert_eq!(size.scale, 1);
        assert_eq!(texts(&lines), vec!["SURPRISE!!"]);
        assert!(fit_paragraph("x", &sizes, 200, 5, 1).is_none());
    }
}
