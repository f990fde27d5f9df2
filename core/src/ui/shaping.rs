//! Shaping a line of text for the outline fonts: splitting it into runs of one direction
//! (the Unicode bidirectional algorithm) and one font, shaping each run with rustybuzz
//! (HarfBuzz's rules: conjuncts, vowel signs on their consonants, joined Arabic), and
//! laying the glyphs out left to right in pixels.

use std::ops::Range;

use rustybuzz::{Direction, UnicodeBuffer};
use unicode_bidi::BidiInfo;

use super::fonts::{Face, Family, FontBook};
use super::script::Script;

/// A piece of a line drawn by one face in one direction, in visual order within its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Byte range in the line's text.
    pub range: Range<usize>,
    pub family: Family,
    pub script: Script,
    pub rtl: bool,
}

/// One glyph placed on a line: `x` from the line's left edge and `y` up from the baseline,
/// in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlacedGlyph {
    pub family: Family,
    pub id: u16,
    pub x: f32,
    pub y: f32,
}

/// A shaped line: its glyphs left to right, its width in pixels, and whether it reads right
/// to left as a whole (so an ellipsis goes on its left).
#[derive(Debug, Clone, PartialEq)]
pub struct ShapedLine {
    pub glyphs: Vec<PlacedGlyph>,
    pub width: f32,
    pub rtl: bool,
    /// Pixels per em the line was laid out at.
    pub em: f32,
}

/// The runs of `text` in visual order, or `None` when some character has no font in `book`.
pub fn runs(book: &FontBook, text: &str) -> Option<(Vec<Run>, bool)> {
    let families = families_of(book, text)?;
    let bidi = BidiInfo::new(text, None);
    let Some(paragraph) = bidi.paragraphs.first() else {
        return Some((Vec::new(), false));
    };
    let base_rtl = paragraph.level.is_rtl();
    let (levels, visual) = bidi.visual_runs(paragraph, paragraph.range.clone());
    let mut runs = Vec::new();
    for range in visual {
        let rtl = levels[range.start].is_rtl();
        let mut pieces: Vec<Run> = Vec::new();
        for (offset, _) in text[range.clone()].char_indices() {
            let at = range.start + offset;
            let (family, script) = families[&at];
            match pieces.last_mut() {
                Some(last) if last.family == family && last.script == script => {
                    last.range.end = next_boundary(text, at);
                }
                _ => pieces.push(Run {
                    range: at..next_boundary(text, at),
                    family,
                    script,
                    rtl,
                }),
            }
        }
        if rtl {
            pieces.reverse();
        }
        runs.extend(pieces);
    }
    Some((runs, base_rtl))
}

fn next_boundary(text: &str, at: usize) -> usize {
    at + text[at..].chars().next().map_or(0, char::len_utf8)
}

/// The face and script of every character (by byte offset), or `None` when one has no font.
fn families_of(
    book: &FontBook,
    text: &str,
) -> Option<std::collections::HashMap<usize, (Family, Script)>> {
    let resolved = resolve_scripts(text);
    let han_family = Family::for_han(text);
    let mut families = std::collections::HashMap::new();
    let mut previous: Option<Family> = None;
    for ((at, c), script) in text.char_indices().zip(resolved) {
        let wanted = if script.is_cjk() {
            han_family
        } else {
            Family::for_script(script).unwrap_or(Family::Sans)
        };
        let family = if is_default_ignorable(c) {
            previous.unwrap_or(wanted)
        } else {
            // Punctuation the script's font lacks (a dash in a Tamil title) takes another face.
            book.family_for(c, wanted)?
        };
        previous = Some(family);
        families.insert(at, (family, script));
    }
    Some(families)
}

/// Joiners and variation selectors: drawn by the face of the character before them.
pub fn is_default_ignorable(c: char) -> bool {
    matches!(c as u32, 0x200B..=0x200F | 0xFE00..=0xFE0F | 0x2060..=0x2064)
}

/// Each character's script, with spaces and punctuation taking the script before them (or
/// after them, at the start) and combining marks the script of their base.
fn resolve_scripts(text: &str) -> Vec<Script> {
    let scripts: Vec<Script> = text.chars().map(Script::of).collect();
    let first_strong = scripts
        .iter()
        .copied()
        .find(|s| !matches!(s, Script::Common | Script::Inherited))
        .unwrap_or(Script::Latin);
    let mut current = first_strong;
    scripts
        .into_iter()
        .map(|script| {
            if !matches!(script, Script::Common | Script::Inherited) {
                current = script;
            }
            current
        })
        .collect()
}

/// Shapes one run with its face, in font units: what HarfBuzz's `hb-shape` prints for the
/// same text, font, direction and script.
pub fn shape_run(face: &Face, text: &str, run: &Run) -> rustybuzz::GlyphBuffer {
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(&text[run.range.clone()]);
    buffer.set_direction(if run.rtl {
        Direction::RightToLeft
    } else {
        Direction::LeftToRight
    });
    if let Some(script) = run.script.shaper_script() {
        buffer.set_script(script);
    }
    buffer.guess_segment_properties();
    rustybuzz::shape(&face.shaper, &[], buffer)
}

/// Shapes `text` at `em` pixels per em; `None` when some character has no font in `book`.
pub fn shape_line(book: &FontBook, text: &str, em: f32) -> Option<ShapedLine> {
    let (runs, rtl) = runs(book, text)?;
    let mut glyphs = Vec::new();
    let mut pen = 0.0f32;
    for run in &runs {
        let face = book.face(run.family)?;
        let scale = em / face.shaper.units_per_em() as f32;
        let shaped = shape_run(face, text, run);
        for (info, position) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
            glyphs.push(PlacedGlyph {
                family: run.family,
                id: info.glyph_id as u16,
                x: pen + position.x_offset as f32 * scale,
                y: position.y_offset as f32 * scale,
            });
            pen += position.x_advance as f32 * scale;
        }
    }
    Some(ShapedLine {
        glyphs,
        width: pen,
        rtl,
        em,
    })
}
