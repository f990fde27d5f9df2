//! The "not sure" chooser: when a scan is unsure (or saw no face) the screen offers the four
//! moods. A short press moves to the next, a long press (or the skip button) picks it, and
//! after `chooser_timeout` untouched the box goes on as it was. `ctl mood MOOD` picks from
//! the socket, chooser or not.

use std::time::Instant;

use super::{Action, Machine, Overlay};
use crate::emotion::Emotion;
use crate::mood::Mood;
use crate::press::ButtonEvent;
use crate::scan::{Reading, ScanOutcome};
use crate::screen::Screen;

/// The chooser while it is up.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Chooser {
    /// What the scan read and how sure it was; `None`: no face.
    read: Option<(Emotion, f32)>,
    /// The mood it opened on.
    offered: Mood,
    selected: Mood,
}

impl Chooser {
    fn screen(&self) -> Screen {
        Screen::ChooseMood {
            read: self.read,
            selected: self.selected,
        }
    }

    fn reading(&self, chosen: Option<Mood>) -> Reading {
        Reading {
            emotion: self.read.map(|(e, _)| e),
            confidence: self.read.map_or(0.0, |(_, c)| c),
            offered: self.offered,
            asked: true,
            chosen,
        }
    }
}

/// The mood after `mood` in the chooser's order (happy, sad, calm, energetic, happy, ...).
fn next_mood(mood: Mood) -> Mood {
    let i = Mood::ALL.iter().position(|m| *m == mood).unwrap_or(0);
    Mood::ALL[(i + 1) % Mood::ALL.len()]
}

/// An emotion to show a chosen mood "for" when no face was read.
fn emotion_for(mood: Mood) -> Emotion {
    match mood {
        Mood::Happy => Emotion::Happy,
        Mood::Sad => Emotion::Sad,
        Mood::Calm => Emotion::Neutral,
        Mood::Energetic => Emotion::Surprise,
    }
}

impl Machine {
    /// Opens the chooser if this scan outcome calls for it; returns its actions then.
    pub(super) fn maybe_ask(&mut self, outcome: &ScanOutcome, now: Instant) -> Option<Vec<Action>> {
        let read = match outcome {
            ScanOutcome::Mood(mood) if mood.confidence < self.behaviour.unsure_below => {
                self.last_mood = Some(mood.clone());
                Some((mood.emotion, mood.confidence))
            }
            ScanOutcome::NoFace { too_dark: false } if self.behaviour.choose_on_no_face => None,
            _ => return None,
        };
        self.timer.no_playback(); // the owner's choosing time is not the box's latency
        let offered = self.behaviour.first_choice(read.map(|(e, _)| e));
        let chooser = Chooser {
            read,
            offered,
            selected: offered,
        };
        Some(self.show_chooser(chooser, now))
    }

    /// A button press while the chooser is up: scan moves, skip picks, stop closes it (and
    /// stops, as ever). `None` when the chooser is not up or the press is not its business.
    pub(super) fn chooser_button(
        &mut self,
        event: ButtonEvent,
        now: Instant,
    ) -> Option<Vec<Action>> {
        let chooser = self.chooser.clone()?;
        match event {
            ButtonEvent::Scan => Some(self.show_chooser(
                Chooser {
                    selected: next_mood(chooser.selected),
                    ..chooser
                },
                now,
            )),
            ButtonEvent::Skip => Some(self.mood_chosen(chooser.selected, now)),
            ButtonEvent::Stop => {
                let mut actions = vec![Action::RecordReading(chooser.reading(None))];
                actions.extend(self.stop_pressed());
                Some(actions)
            }
            ButtonEvent::VolumeUp | ButtonEvent::VolumeDown => None,
        }
    }

    /// The chooser's time ran out (its overlay ended): record that nobody chose.
    pub(super) fn chooser_timed_out(&mut self) -> Vec<Action> {
        match self.chooser.take() {
            Some(chooser) => vec![Action::RecordReading(chooser.reading(None))],
            None => Vec::new(),
        }
    }

    /// The owner chose `mood` (in the chooser or with `ctl mood`): play it. With the chooser
    /// up, the choice is kept as a correction of what the scan read.
    pub(super) fn mood_chosen(&mut self, mood: Mood, now: Instant) -> Vec<Action> {
        if self.scan_started.is_some() {
            return Vec::new(); // a scan is answering already
        }
        let mut actions = Vec::new();
        let read = match self.chooser.take() {
            Some(chooser) => {
                actions.push(Action::RecordReading(chooser.reading(Some(mood))));
                chooser.read.map(|(e, _)| e)
            }
            None => None,
        };
        self.overlay = None;
        actions.extend(self.base_screen(now));
        actions.push(Action::ChooseMoodQueue {
            mood,
            for_emotion: read.unwrap_or_else(|| emotion_for(mood)),
        });
        actions
    }

    fn show_chooser(&mut self, chooser: Chooser, now: Instant) -> Vec<Action> {
        let screen = chooser.screen();
        self.chooser = Some(chooser);
        self.overlay = Some(Overlay {
            screen: screen.clone(),
            until: now + self.behaviour.chooser_timeout,
        });
        vec![Action::Show(screen)]
    }
}
