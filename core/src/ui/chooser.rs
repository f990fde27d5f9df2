//! The "not sure" screen: what the scan read (or that it saw no face) and the four moods, the
//! one a long press would pick highlighted.

use embedded_graphics::pixelcolor::Rgb565;
use embedded_graphics::prelude::*;

use super::canvas::Canvas;
use super::layout::{compose, Block, PanelGeometry, Picture, Share};
use super::theme::{mood_color, ACCENT, MUTED};
use super::{adjective, percent, text};
use crate::emotion::Emotion;
use crate::mood::Mood;
use crate::screen::ErrorIcon;

pub(super) fn choose_mood<D: DrawTarget<Color = Rgb565>>(
    target: &mut Canvas<'_, D>,
    frame: &PanelGeometry,
    read: Option<(Emotion, f32)>,
    selected: Mood,
) -> Result<(), D::Error> {
    let sizes = &frame.sizes;
    let heading = match read {
        Some((emotion, confidence)) => format!("{}? {}%", adjective(emotion), percent(confidence)),
        None => "No face".to_string(),
    };
    let mut blocks = vec![
        text(heading, &sizes.body, 1, MUTED),
        text("Pick a mood", &sizes.body, 1, ACCENT),
        Block::Gap(frame.gap() / 2),
    ];
    for mood in Mood::ALL {
        let (line, color) = if mood == selected {
            (
                format!("\u{bb} {}", mood.as_str()),
                mood_color(mood.as_str()),
            )
        } else {
            (format!("  {}", mood.as_str()), MUTED)
        };
        blocks.push(text(line, &sizes.body, 1, color));
    }
    blocks.push(Block::Gap(frame.gap() / 2));
    blocks.push(text("press: next  hold: pick", &sizes.small, 1, MUTED));
    let picture = match read {
        Some((emotion, _)) => Picture::Face(emotion),
        None => Picture::Icon(ErrorIcon::Face),
    };
    let share = Share {
        beside: 34,
        above: 26,
    };
    compose(target, frame, Some((picture, share)), blocks)
}
