//! The box's user interface: draws every [`Screen`] on any embedded-graphics draw target of
//! any size, the SPI panel and the PNG simulator alike.
//!
//! The layout comes from the target's `bounding_box()`: on a landscape panel (320x240) the
//! picture sits left of the text, on a square or portrait one (240x240) above it. Text sizes
//! step with the panel's shorter side, and every text is fitted to the space it gets
//! (wrapped, then shortened with an ellipsis), so nothing is drawn outside the panel.

mod canvas;
mod chooser;
mod face;
pub mod fonts;
mod framebuffer;
mod icons;
mod layout;
mod outline_text;
mod raster;
mod scaled;
pub mod script;
pub mod shaping;
pub mod text;
pub mod theme;
mod widgets;

use std::time::Duration;

use embedded_graphics::pixelcolor::Rgb565;
use embedded_graphics::prelude::*;

use self::canvas::Canvas;
use self::layout::{compose, Block, PanelGeometry, Picture, Share, Tag};
use self::theme::{emotion_color, mood_color, ACCENT, ERROR, MUTED, TEXT};
use crate::emotion::Emotion;
use crate::screen::{ErrorScreen, Screen};

pub use self::canvas::DrawnText;
pub use self::face::draw_face;
pub use self::framebuffer::Framebuffer;
pub use self::scaled::Scaled;

/// How lit the screen is: full, dimmed to a share of full (the idle screen after
/// `dim_after_minutes`), or dark (after `off_after_minutes`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Light {
    Full,
    Dim(f32),
    Dark,
}

/// Draws `screen` into `frame` as it looks at `light`: dimmed colours, or black when dark.
pub fn draw_lit(frame: &mut Framebuffer, screen: &Screen, light: Light) -> Vec<DrawnText> {
    if light == Light::Dark {
        let Ok(()) = frame.clear(Rgb565::BLACK);
        return Vec::new();
    }
    let Ok(texts) = draw_screen(frame, screen);
    if let Light::Dim(level) = light {
        frame.dim(level);
    }
    texts
}

/// Clears `target` and draws `screen` on it; returns the lines of text drawn, so callers can
/// log or check what the screen says.
pub fn draw_screen<D>(target: &mut D, screen: &Screen) -> Result<Vec<DrawnText>, D::Error>
where
    D: DrawTarget<Color = Rgb565>,
{
    let frame = PanelGeometry::new(target.bounding_box());
    let mut canvas = Canvas::new(target);
    let target = &mut canvas;
    match screen {
        Screen::Idle => idle(target, &frame),
        Screen::Scanning { step } => scanning(target, &frame, *step),
        Screen::Mood {
            emotion,
            confidence,
            faces,
        } => mood(target, &frame, *emotion, *confidence, *faces),
        Screen::NowPlaying {
            title,
            file,
            artist,
            language,
            mood,
            for_emotion,
            elapsed,
            total,
        } => {
            let song = Song {
                title: shown_title(title, file),
                artist,
                language,
                mood,
                for_emotion: *for_emotion,
                elapsed: *elapsed,
                total: *total,
            };
            now_playing(target, &frame, &song)
        }
        Screen::ChooseMood { read, selected } => {
            chooser::choose_mood(target, &frame, *read, *selected)
        }
        Screen::Error(error) => error_screen(target, &frame, error),
    }?;
    Ok(canvas.into_texts())
}

fn text(
    text: impl Into<String>,
    sizes: &[theme::TextSize],
    max_lines: usize,
    color: Rgb565,
) -> Block {
    Block::Text {
        text: text.into(),
        sizes: sizes.to_vec(),
        max_lines,
        color,
    }
}

fn idle<D: DrawTarget<Color = Rgb565>>(
    target: &mut Canvas<'_, D>,
    frame: &PanelGeometry,
) -> Result<(), D::Error> {
    let sizes = &frame.sizes;
    let blocks = vec![
        text("Press the button", &sizes.title, 2, TEXT),
        Block::Gap(frame.gap() / 2),
        text("to read your mood", &sizes.body, 2, MUTED),
    ];
    let share = Share {
        beside: 32,
        above: 34,
    };
    compose(target, frame, Some((Picture::Button, share)), blocks)
}

fn scanning<D: DrawTarget<Color = Rgb565>>(
    target: &mut Canvas<'_, D>,
    frame: &PanelGeometry,
    step: u32,
) -> Result<(), D::Error> {
    let sizes = &frame.sizes;
    let blocks = vec![
        text("Scanning", &sizes.title, 1, ACCENT),
        Block::Gap(frame.gap() / 2),
        text("Look at the camera", &sizes.body, 2, TEXT),
    ];
    let share = Share {
        beside: 36,
        above: 50,
    };
    compose(
        target,
        frame,
        Some((Picture::Viewfinder { step }, share)),
        blocks,
    )
}

/// The confidence as a whole percentage (NaN and out-of-range values clamped to 0..=100).
pub fn percent(confidence: f32) -> u32 {
    if confidence.is_nan() {
        0
    } else {
        (confidence.clamp(0.0, 1.0) * 100.0).round() as u32
    }
}

fn mood<D: DrawTarget<Color = Rgb565>>(
    target: &mut Canvas<'_, D>,
    frame: &PanelGeometry,
    emotion: Emotion,
    confidence: f32,
    faces: usize,
) -> Result<(), D::Error> {
    let sizes = &frame.sizes;
    let color = emotion_color(emotion);
    let mut blocks = Vec::new();
    if frame.is_landscape() {
        blocks.push(text("You look", &sizes.body, 1, MUTED));
    }
    blocks.push(text(
        adjective(emotion).to_uppercase(),
        &sizes.title,
        1,
        color,
    ));
    blocks.push(Block::Gap(frame.gap()));
    if let Some(&size) = sizes.body.first() {
        blocks.push(Block::Meter {
            fraction: if confidence.is_nan() { 0.0 } else { confidence },
            color,
            label: format!("{}%", percent(confidence)),
            size,
        });
    }
    if faces > 1 {
        blocks.push(Block::Gap(frame.gap() / 2));
        blocks.push(text(format!("{faces} faces seen"), &sizes.small, 1, MUTED));
    }
    let share = Share {
        beside: 40,
        above: 52,
    };
    compose(target, frame, Some((Picture::Face(emotion), share)), blocks)
}

/// How a face with `emotion` looks, as the word that follows "you look".
pub fn adjective(emotion: Emotion) -> &'static str {
    match emotion {
        Emotion::Angry => "angry",
        Emotion::Disgust => "disgusted",
        Emotion::Fear => "afraid",
        Emotion::Happy => "happy",
        Emotion::Sad => "sad",
        Emotion::Surprise => "surprised",
        Emotion::Neutral => "neutral",
    }
}

/// The now-playing screen's data, borrowed from the [`Screen`].
struct Song<'a> {
    title: &'a str,
    artist: &'a str,
    language: &'a str,
    mood: &'a str,
    for_emotion: Emotion,
    elapsed: Duration,
    total: Option<Duration>,
}

/// `m:ss`, or `h:mm:ss` from an hour on.
pub fn clock(duration: Duration) -> String {
    let seconds = duration.as_secs();
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

fn now_playing<D: DrawTarget<Color = Rgb565>>(
    target: &mut Canvas<'_, D>,
    frame: &PanelGeometry,
    song: &Song,
) -> Result<(), D::Error> {
    let sizes = &frame.sizes;
    let color = mood_color(song.mood);
    let mut blocks = vec![
        Block::Header {
            emotion: song.for_emotion,
            main: match capitalised(song.mood) {
                mood if mood.is_empty() => "Now playing".to_string(),
                mood => format!("{mood} music"),
            },
            main_color: color,
            sub: format!("you look {}", adjective(song.for_emotion)),
            sizes: sizes.clone(),
        },
        Block::Gap(frame.gap() * 3 / 2),
        text(song.title, &sizes.title, 2, TEXT),
        Block::Gap(frame.gap() / 3),
        text(song.artist, &sizes.body, 1, MUTED),
        Block::Gap(frame.gap() * 3 / 2),
    ];
    if let Some(&size) = sizes.body.first() {
        let fraction = song.total.and_then(|total| {
            (!total.is_zero()).then(|| (song.elapsed.as_secs_f32() / total.as_secs_f32()).min(1.0))
        });
        let tag = sizes.small.first().map(|&size| Tag {
            text: badge(song.language),
            color: ACCENT,
            size,
        });
        blocks.push(Block::Progress {
            fraction,
            elapsed: clock(song.elapsed),
            total: song.total.map(clock).unwrap_or_default(),
            color,
            size,
            tag,
        });
    }
    compose(target, frame, None, blocks)
}

/// The title as the panel can show it: the title when some of it can be drawn, else the
/// file's name, else the title as it is (left out character by character).
fn shown_title<'a>(title: &'a str, file: &'a str) -> &'a str {
    if !text::prepare(title).is_empty() || text::prepare(file).is_empty() {
        title
    } else {
        file
    }
}

/// The language badge: the language's ISO 639-1 code, whatever name or code the song came
/// with ("Tamil", "tam", "தமிழ்" → "ta").
fn badge(language: &str) -> String {
    crate::language::normalise_language(language).unwrap_or_else(|| language.trim().to_string())
}

fn capitalised(word: &str) -> String {
    let mut chars = word.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn error_screen<D: DrawTarget<Color = Rgb565>>(
    target: &mut Canvas<'_, D>,
    frame: &PanelGeometry,
    error: &ErrorScreen,
) -> Result<(), D::Error> {
    let sizes = &frame.sizes;
    let blocks = vec![
        text(error.heading(), &sizes.title, 2, ERROR),
        Block::Gap(frame.gap() / 2),
        text(error.detail(), &sizes.body, 2, TEXT),
        Block::Gap(frame.gap()),
        text(error.hint(), &sizes.body, 2, ACCENT),
    ];
    let share = Share {
        beside: 32,
        above: 34,
    };
    compose(
        target,
        frame,
        Some((Picture::Icon(error.icon()), share)),
        blocks,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_shows_minutes_and_seconds_then_hours() {
        assert_eq!(clock(Duration::from_secs(0)), "0:00");
        assert_eq!(clock(Duration::from_millis(83_900)), "1:23");
        assert_eq!(clock(Duration::from_secs(3600 + 5 * 60 + 7)), "1:05:07");
    }

    #[test]
    fn confidence_becomes_a_clamped_percentage() {
        assert_eq!(percent(0.874), 87);
        assert_eq!(percent(1.7), 100);
        assert_eq!(percent(-0.2), 0);
        assert_eq!(percent(f32::NAN), 0);
    }
}
