//! Colours and text sizes: one palette for every screen, and font sizes picked from the
//! panel's size so the main text reads at arm's length on a 240x240 or 320x240 panel.

use embedded_graphics::mono_font::{iso_8859_1 as fonts, MonoFont};
use embedded_graphics::pixelcolor::{Rgb565, Rgb888};
use embedded_graphics::prelude::*;

use crate::emotion::Emotion;

/// An 8-bit-per-channel colour narrowed to the panel's RGB565.
pub const fn rgb(r: u8, g: u8, b: u8) -> Rgb565 {
    Rgb565::new(r >> 3, g >> 2, b >> 3)
}

pub const BACKGROUND: Rgb565 = rgb(14, 16, 28);
pub const TEXT: Rgb565 = rgb(245, 245, 245);
pub const MUTED: Rgb565 = rgb(170, 176, 196);
/// Eyes, brows and mouths on the face glyphs.
pub const FEATURE: Rgb565 = rgb(28, 24, 36);
/// The empty part of bars, outlines of pictures.
pub const TRACK: Rgb565 = rgb(58, 62, 84);
pub const ERROR: Rgb565 = rgb(255, 92, 80);
pub const ACCENT: Rgb565 = rgb(80, 210, 200);
pub const WHITE: Rgb565 = rgb(255, 255, 255);
pub const TEAR: Rgb565 = rgb(120, 200, 255);
pub const TONGUE: Rgb565 = rgb(236, 100, 130);

/// The colour of each emotion: its face glyph, its name and its bars.
pub fn emotion_color(emotion: Emotion) -> Rgb565 {
    match emotion {
        Emotion::Angry => rgb(240, 70, 60),
        Emotion::Disgust => rgb(140, 190, 60),
        Emotion::Fear => rgb(170, 130, 240),
        Emotion::Happy => rgb(255, 205, 40),
        Emotion::Sad => rgb(90, 150, 245),
        Emotion::Surprise => rgb(255, 150, 50),
        Emotion::Neutral => rgb(190, 190, 200),
    }
}

/// A song mood's colour: an emotion word takes that emotion's colour, anything else the accent.
pub fn mood_color(mood: &str) -> Rgb565 {
    mood.parse::<Emotion>().map(emotion_color).unwrap_or(ACCENT)
}

/// A darker shade of `color` (for outlines and shading), `percent` of the original brightness.
pub fn shade(color: Rgb565, percent: u32) -> Rgb565 {
    let wide = Rgb888::from(color);
    let scale = |c: u8| (c as u32 * percent / 100).min(255) as u8;
    rgb(scale(wide.r()), scale(wide.g()), scale(wide.b()))
}

/// A monospaced font drawn at an integer scale (each font pixel becomes scale x scale).
#[derive(Clone, Copy)]
pub struct TextSize {
    pub font: &'static MonoFont<'static>,
    pub scale: u32,
}

impl std::fmt::Debug for TextSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cell = self.font.character_size;
        write!(f, "{}x{}@{}", cell.width, cell.height, self.scale)
    }
}

impl TextSize {
    pub const fn new(font: &'static MonoFont<'static>, scale: u32) -> Self {
        TextSize { font, scale }
    }

    /// Horizontal distance from one character to the next.
    pub fn advance(&self) -> u32 {
        (self.font.character_size.width + self.font.character_spacing) * self.scale
    }

    /// Width of one character cell.
    pub fn cell_width(&self) -> u32 {
        self.font.character_size.width * self.scale
    }

    pub fn line_height(&self) -> u32 {
        self.font.character_size.height * self.scale
    }

    /// Distance from one line's top to the next line's top.
    pub fn line_pitch(&self) -> u32 {
        self.line_height() + 2 * self.scale
    }

    /// Width of `cells` characters side by side.
    pub fn width_of(&self, cells: usize) -> u32 {
        match cells {
            0 => 0,
            n => (n as u32 - 1) * self.advance() + self.cell_width(),
        }
    }

    /// How many characters fit side by side in `width` pixels.
    pub fn cells_in(&self, width: u32) -> usize {
        if width < self.cell_width() {
            0
        } else {
            ((width - self.cell_width()) / self.advance() + 1) as usize
        }
    }
}

/// The text sizes for one panel, largest first in each list: the UI takes the first size in
/// which a text fits whole and ellipsises in the last. On the tested panels the lists stop at
/// sizes still readable at arm's length: a long text is cut rather than shrunk to a squint.
#[derive(Debug, Clone)]
pub struct TextSizes {
    /// The emotion's name, headlines and song titles.
    pub title: Vec<TextSize>,
    /// Short labels that must stand out, such as the song's mood.
    pub heading: Vec<TextSize>,
    /// Sentences.
    pub body: Vec<TextSize>,
    /// Secondary details.
    pub small: Vec<TextSize>,
}

impl TextSizes {
    /// Sizes for a panel whose shorter side is `short_side` pixels: 240 (the tested panels) gets
    /// 18x36 bold titles and 10x20 text; smaller panels step down, larger ones step up.
    pub fn for_short_side(short_side: u32) -> Self {
        let big = TextSize::new(&fonts::FONT_10X20, 1);
        let bold = TextSize::new(&fonts::FONT_9X18_BOLD, 1);
        let medium = TextSize::new(&fonts::FONT_8X13, 1);
        let medium_bold = TextSize::new(&fonts::FONT_8X13_BOLD, 1);
        let small = TextSize::new(&fonts::FONT_6X10, 1);
        let tiny = TextSize::new(&fonts::FONT_5X8, 1);
        let scaled = |size: TextSize, scale: u32| TextSize::new(size.font, scale);
        if short_side >= 400 {
            TextSizes {
                title: vec![scaled(bold, 3), scaled(bold, 2)],
                heading: vec![scaled(bold, 2), bold],
                body: vec![scaled(big, 2), big],
                small: vec![big],
            }
        } else if short_side >= 160 {
            TextSizes {
                title: vec![scaled(bold, 2), bold],
                heading: vec![bold],
                body: vec![big],
                small: vec![medium],
            }
        } else {
            TextSizes {
                title: vec![bold, medium_bold, small],
                heading: vec![medium_bold, small],
                body: vec![medium, small, tiny],
                small: vec![small, tiny],
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_width_counts_spacing_between_cells_only() {
        let size = TextSize::new(&fonts::FONT_10X20, 2);
        assert_eq!(size.width_of(0), 0);
        assert_eq!(size.width_of(1), 20);
        assert_eq!(size.width_of(3), 60);
        assert_eq!(size.cells_in(59), 2);
        assert_eq!(size.cells_in(60), 3);
        assert_eq!(size.cells_in(19), 0);
    }

    #[test]
    fn every_emotion_has_its_own_colour() {
        let mut colours: Vec<Rgb565> = Emotion::ALL.iter().map(|&e| emotion_color(e)).collect();
        colours.sort_by_key(|c| c.into_storage());
        colours.dedup();
        assert_eq!(colours.len(), 7);
        assert_eq!(mood_color("Happy"), emotion_color(Emotion::Happy));
        assert_eq!(mood_color("calm"), ACCENT);
    }
}
