//! Titles beyond ISO 8859-1 on the now-playing screen: a script with no font is left out
//! (the rest of the title shows, or the file name when nothing of it can be drawn, never
//! boxes or question marks), and every test title fits the panel in at most two lines.

use std::time::Duration;

use embedded_graphics::prelude::*;
use moodbox_core::screen::Screen;
use moodbox_core::ui::{draw_screen, DrawnText, Framebuffer};
use moodbox_core::Emotion;

use crate::test_fonts::{titles, use_test_fonts};

fn playing(title: &str, file: &str) -> Screen {
    Screen::NowPlaying {
        title: title.into(),
        file: file.into(),
        artist: "Artist".into(),
        language: "Tamil".into(),
        mood: "calm".into(),
        for_emotion: Emotion::Neutral,
        elapsed: Duration::from_secs(3),
        total: Some(Duration::from_secs(200)),
    }
}

fn texts(screen: &Screen, size: Size) -> Vec<DrawnText> {
    use_test_fonts();
    let mut frame = Framebuffer::new(size);
    let Ok(texts) = draw_screen(&mut frame, screen);
    texts
}

fn shown(screen: &Screen, size: Size) -> Vec<String> {
    texts(screen, size).iter().map(DrawnText::shown).collect()
}

#[test]
fn a_script_with_no_font_is_left_out_of_the_title() {
    // The test fonts have no Thai.
    let lines = shown(&playing("Rock ไทย", "01 track"), Size::new(320, 240));
    assert!(lines.contains(&"Rock".to_string()), "{lines:?}");
    assert!(
        lines
            .iter()
            .all(|l| !l.contains('?') && !l.contains('ไ') && !l.contains('\u{FFFD}')),
        "{lines:?}"
    );
    let lines = shown(&playing("Kanne — ไทย", "01 track"), Size::new(320, 240));
    assert!(lines.contains(&"Kanne".to_string()), "{lines:?}");
}

#[test]
fn a_title_no_font_draws_gives_way_to_the_file_name() {
    let lines = shown(&playing("ไทย", "07 Thai song"), Size::new(240, 240));
    assert!(lines.contains(&"07 Thai song".to_string()), "{lines:?}");
}

#[test]
fn the_language_badge_shows_the_code_whatever_the_name() {
    let lines = shown(&playing("Song", "01 track"), Size::new(320, 240));
    assert!(lines.contains(&"ta".to_string()), "{lines:?}");
}

#[test]
fn every_test_title_fits_the_panel_in_two_lines_or_fewer() {
    for size in [
        Size::new(240, 240),
        Size::new(320, 240),
        Size::new(480, 320),
    ] {
        for title in titles() {
            let screen = playing(&title.title, "01 track");
            let drawn = texts(&screen, size);
            let panel = embedded_graphics::primitives::Rectangle::new(Point::zero(), size);
            for text in &drawn {
                assert!(
                    panel.contains(text.area.top_left)
                        && panel.contains(text.area.bottom_right().unwrap_or_default()),
                    "{} at {size:?}: {text:?} leaves the panel",
                    title.name
                );
            }
            for (i, a) in drawn.iter().enumerate() {
                for b in &drawn[i + 1..] {
                    assert!(
                        a.area.intersection(&b.area).is_zero_sized(),
                        "{} at {size:?}: {a:?} overlaps {b:?}",
                        title.name
                    );
                }
            }
            // Title lines come first after the header's two: at most two of them, and only
            // the last may end in an ellipsis.
            let title_lines: Vec<&DrawnText> = drawn
                .iter()
                .skip(2)
                .take_while(|t| !t.text.contains("Artist"))
                .collect();
            assert!(
                (1..=2).contains(&title_lines.len()),
                "{} at {size:?}: {title_lines:?}",
                title.name
            );
            assert!(title_lines[..title_lines.len() - 1]
                .iter()
                .all(|t| !t.ellipsis));
        }
    }
}
