//! The "not sure" screen: what the scan read (or that it saw no face), the mood a long press
//! would pick in large letters, and the others in the order short presses reach them.

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
    // The mood a hold would pick, large; then the others in the order presses reach them.
    let at = Mood::ALL.iter().position(|m| *m == selected).unwrap_or(0);
    let others: Vec<&str> = (1..Mood::ALL.len())
        .map(|step| Mood::ALL[(at + step) % Mood::ALL.len()].as_str())
        .collect();
    let blocks = vec![
        text(heading, &sizes.body, 1, MUTED),
        text("Pick a mood", &sizes.body, 1, ACCENT),
        Block::Gap(frame.gap() / 2),
        text(
            selected.as_str(),
            &sizes.title,
            1,
            mood_color(selected.as_str()),
        ),
        text(
            format!("next: {}", others.join(", ")),
            &sizes.small,
            2,
            MUTED,
        ),
        Block::Gap(frame.gap() / 2),
        text("press: next  hold: pick", &sizes.small, 1, MUTED),
    ];
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
