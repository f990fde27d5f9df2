//! Text fits the panel: long titles and device names are wrapped and ellipsised, no text
//! overlaps other text, the main text is big enough to read at arm's length, and not one pixel
//! is drawn outside the panel, at the tested sizes and at odd ones.

use std::convert::Infallible;
use std::time::Duration;

use embedded_graphics::pixelcolor::Rgb565;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::Rectangle;
use moodbox_core::screen::gallery;
use moodbox_core::screen::ErrorScreen;
use moodbox_core::screen::Screen;
use moodbox_core::ui::draw_screen;
use moodbox_core::ui::DrawnText;
use moodbox_core::Emotion;

/// A draw target that counts the pixels drawn outside it.
struct BoundsRecorder {
    size: Size,
    inside: usize,
    outside: Vec<Point>,
}

impl BoundsRecorder {
    fn new(size: Size) -> Self {
        BoundsRecorder {
            size,
            inside: 0,
            outside: Vec::new(),
        }
    }
}

impl OriginDimensions for BoundsRecorder {
    fn size(&self) -> Size {
        self.size
    }
}

impl DrawTarget for BoundsRecorder {
    type Color = Rgb565;
    type Error = Infallible;

    fn draw_iter<I>(&mut self, pixels: I) -> Result<(), Infallible>
    where
        I: IntoIterator<Item = Pixel<Rgb565>>,
    {
        let bounds = self.bounding_box();
        for Pixel(point, _) in pixels {
            if bounds.contains(point) {
                self.inside += 1;
            } else if self.outside.len() < 10 {
                self.outside.push(point);
            }
        }
        Ok(())
    }
}

const PANELS: [Size; 2] = [Size::new(240, 240), Size::new(320, 240)];

/// The tested panels, portrait and bigger ones, small ones and degenerate ones.
const ODD_SIZES: [Size; 10] = [
    Size::new(240, 320),
    Size::new(480, 320),
    Size::new(800, 480),
    Size::new(160, 128),
    Size::new(128, 128),
    Size::new(128, 32),
    Size::new(96, 64),
    Size::new(20, 20),
    Size::new(1, 1),
    Size::new(0, 0),
];

const LONG_TITLE: &str = "Die Moritat von Mackie Messer aus der Dreigroschenoper in der \
                          ungekürzten Fassung mit allen Strophen und einem sehr langen Nachspiel";

fn now_playing(title: &str, artist: &str, language: &str, mood: &str) -> Screen {
    Screen::NowPlaying {
        title: title.into(),
        file: "01 track".into(),
        artist: artist.into(),
        language: language.into(),
        mood: mood.into(),
        for_emotion: Emotion::Fear,
        elapsed: Duration::from_secs(4000),
        total: Some(Duration::from_secs(3)),
    }
}

/// Screens with everything a daemon (or a song's tags) could throw at the UI.
fn hostile_screens() -> Vec<Screen> {
    vec![
        now_playing(
            LONG_TITLE,
            &"Kurt Weill ".repeat(20),
            "Deutsch (Österreich)",
            "melancholic-but-hopeful",
        ),
        now_playing("", "", "", ""),
        now_playing("夜に駆ける 🎵", "YOASOBI", "ja", "happy"),
        now_playing(
            "line\nbreaks\tand\u{7}bells",
            "  spaces   everywhere  ",
            "en",
            "calm",
        ),
        Screen::NowPlaying {
            title: "Forever".into(),
            file: "01 track".into(),
            artist: "Nobody".into(),
            language: "xx".into(),
            mood: "sad".into(),
            for_emotion: Emotion::Neutral,
            elapsed: Duration::MAX,
            total: None,
        },
        Screen::NowPlaying {
            title: "Zero".into(),
            file: "01 track".into(),
            artist: "Length".into(),
            language: "en".into(),
            mood: "happy".into(),
            for_emotion: Emotion::Happy,
            elapsed: Duration::from_secs(5),
            total: Some(Duration::ZERO),
        },
        Screen::Mood {
            emotion: Emotion::Surprise,
            confidence: f32::NAN,
            faces: usize::MAX,
        },
        Screen::Mood {
            emotion: Emotion::Disgust,
            confidence: 7.5,
            faces: 0,
        },
        Screen::Mood {
            emotion: Emotion::Fear,
            confidence: -1.0,
            faces: 3,
        },
        Screen::Scanning { step: u32::MAX },
        Screen::Error(ErrorScreen::NoCamera {
            device: "/dev/v4l/by-id/usb-046d_HD_Pro_Webcam_C920_8F3B2E5F-video-index0".into(),
        }),
        Screen::Error(ErrorScreen::NoSongs {
            language: "a-language-name-that-goes-on-and-on-and-on".into(),
        }),
        Screen::Error(ErrorScreen::NoSoundCard {
            device: "plughw:CARD=sndrpihifiberry,DEV=0,SUBDEV=7,with,a,very,long,tail".into(),
        }),
        Screen::Error(ErrorScreen::Message {
            title: "A title far too long for any panel at all".into(),
            detail: "word ".repeat(200),
        }),
    ]
}

fn all_screens() -> Vec<Screen> {
    let mut screens = gallery();
    screens.extend(hostile_screens());
    screens
}

fn draw(screen: &Screen, size: Size) -> (BoundsRecorder, Vec<DrawnText>) {
    let mut target = BoundsRecorder::new(size);
    let texts = draw_screen(&mut target, screen).unwrap();
    (target, texts)
}

fn panel(size: Size) -> Rectangle {
    Rectangle::new(Point::zero(), size)
}

fn inside(outer: &Rectangle, inner: &Rectangle) -> bool {
    outer.contains(inner.top_left)
        && inner
            .bottom_right()
            .is_none_or(|corner| outer.contains(corner))
}

#[test]
fn nothing_is_drawn_outside_the_panel_at_any_size() {
    for size in PANELS.into_iter().chain(ODD_SIZES) {
        for screen in all_screens() {
            let (target, texts) = draw(&screen, size);
            assert!(
                target.outside.is_empty(),
                "{} at {size:?} drew outside the panel at {:?}",
                screen.name(),
                target.outside
            );
            for text in &texts {
                assert!(
                    inside(&panel(size), &text.area),
                    "{} at {size:?}: {:?} is placed at {:?}",
                    screen.name(),
                    text.text,
                    text.area
                );
            }
        }
    }
}

#[test]
fn every_screen_fills_the_whole_panel() {
    for size in PANELS.into_iter().chain(ODD_SIZES) {
        for screen in gallery() {
            let (target, _) = draw(&screen, size);
            let area = size.width as usize * size.height as usize;
            assert!(
                target.inside >= area,
                "{} at {size:?} left pixels undrawn",
                screen.name()
            );
        }
    }
}

#[test]
fn a_long_title_is_wrapped_onto_two_lines_and_ellipsised() {
    for size in PANELS {
        let (_, texts) = draw(&now_playing(LONG_TITLE, "Kurt Weill", "de", "sad"), size);
        let title: Vec<&DrawnText> = texts
            .iter()
            .filter(|t| LONG_TITLE.contains(t.text.as_str()) && t.text.len() > 3)
            .collect();
        assert_eq!(title.len(), 2, "title lines at {size:?}: {texts:#?}");
        assert!(
            LONG_TITLE.starts_with(&title[0].text),
            "{:?}",
            title[0].text
        );
        assert!(!title[0].ellipsis);
        assert!(
            title[1].ellipsis,
            "the second line should end in an ellipsis: {:?}",
            title[1]
        );
        assert!(texts.iter().any(|t| t.text == "Kurt Weill"));
    }
}

#[test]
fn long_device_names_and_artists_are_shortened_not_spilled() {
    for size in PANELS {
        for screen in hostile_screens() {
            let (_, texts) = draw(&screen, size);
            for text in &texts {
                assert!(
                    text.area.size.width <= size.width,
                    "{:?} is wider than {size:?}",
                    text.text
                );
            }
        }
        let artist = "Kurt Weill ".repeat(20);
        let (_, texts) = draw(&now_playing("Song", &artist, "de", "sad"), size);
        let artist_line = texts
            .iter()
            .find(|t| t.text.starts_with("Kurt Weill"))
            .unwrap();
        assert!(artist_line.ellipsis, "{artist_line:?}");
    }
}

#[test]
fn no_two_lines_of_text_overlap() {
    for size in PANELS
        .into_iter()
        .chain([Size::new(240, 320), Size::new(480, 320)])
    {
        for screen in all_screens() {
            let (_, texts) = draw(&screen, size);
            for (i, a) in texts.iter().enumerate() {
                for b in &texts[i + 1..] {
                    assert!(
                        a.area.intersection(&b.area).is_zero_sized(),
                        "{} at {size:?}: {:?} overlaps {:?}",
                        screen.name(),
                        a,
                        b
                    );
                }
            }
        }
    }
}

#[test]
fn text_on_the_tested_panels_is_big_enough_to_read_at_arms_length() {
    for size in PANELS {
        for screen in gallery() {
            let (_, texts) = draw(&screen, size);
            let tallest = texts.iter().map(|t| t.cell.height).max().unwrap_or(0);
            assert!(
                tallest >= 36,
                "{} at {size:?}: the largest text is only {tallest} px tall",
                screen.name()
            );
            for text in &texts {
                assert!(
                    text.cell.height >= 13,
                    "{} at {size:?}: {:?} is only {} px tall",
                    screen.name(),
                    text.text,
                    text.cell.height
                );
                assert!(
                    !text.ellipsis,
                    "{} at {size:?}: {:?} was cut",
                    screen.name(),
                    text.text
                );
            }
        }
    }
}

#[test]
fn the_screens_say_what_they_show() {
    let said = |screen: &Screen, size: Size| -> String {
        let (_, texts) = draw(screen, size);
        texts
            .iter()
            .map(DrawnText::shown)
            .collect::<Vec<_>>()
            .join(" ")
    };
    for size in PANELS {
        let adjectives = [
            "ANGRY",
            "DISGUSTED",
            "AFRAID",
            "HAPPY",
            "SAD",
            "SURPRISED",
            "NEUTRAL",
        ];
        let confidences = [0.62, 0.41, 0.55, 0.93, 0.78, 0.86, 0.71];
        for ((emotion, adjective), confidence) in
            Emotion::ALL.into_iter().zip(adjectives).zip(confidences)
        {
            let screen = Screen::Mood {
                emotion,
                confidence,
                faces: 1,
            };
            let text = said(&screen, size);
            assert!(text.contains(adjective), "{text}");
            assert!(
                text.contains(&format!("{}%", (confidence * 100.0).round())),
                "{text}"
            );
        }
        let text = said(&Screen::Idle, size);
        assert!(
            text.contains("Press the") && text.contains("button"),
            "{text}"
        );
        let text = said(&now_playing("Yesterday", "The Beatles", "en", "sad"), size);
        for expected in [
            "Yesterday",
            "The Beatles",
            "en",
            "Sad music",
            "you look afraid",
            "1:06:40",
            "0:03",
        ] {
            assert!(
                text.contains(expected),
                "{expected:?} missing from {text:?}"
            );
        }
        let no_camera = Screen::Error(ErrorScreen::NoCamera {
            device: "/dev/video2".into(),
        });
        assert!(said(&no_camera, size).contains("/dev/video2"));
        let no_songs = Screen::Error(ErrorScreen::NoSongs {
            language: "pt".into(),
        });
        assert!(said(&no_songs, size).contains("\"pt\""));
    }
}
