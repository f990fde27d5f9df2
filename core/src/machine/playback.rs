//! What the player's events do to the machine: the song playing, a queue that ended or
//! would not open, and a sound card that went away and came back.

use std::time::Instant;

use super::{Action, Machine, NowPlaying};
use crate::player::PlayerEvent;
use crate::screen::{ErrorScreen, Screen};

impl Machine {
    pub(super) fn player_event(&mut self, event: PlayerEvent, now: Instant) -> Vec<Action> {
        match event {
            PlayerEvent::TrackStarted { path, duration } => {
                let (Some(song), Some(emotion)) =
                    (self.queue.get(&path).cloned(), self.queue_emotion)
                else {
                    return Vec::new(); // a song of a queue that was since replaced
                };
                self.queue_started += 1;
                let mut actions = vec![Action::RecordPlay {
                    path,
                    emotion,
                    mood: song.mood,
                }];
                self.now_playing = Some(NowPlaying {
                    song,
                    started: now,
                    duration,
                    for_emotion: emotion,
                });
                self.drawn_second = Some(0);
                if self.showing_base(now) {
                    actions.extend(self.base_screen(now));
                }
                actions
            }
            PlayerEvent::QueueFinished => {
                self.now_playing = None;
                self.drawn_second = None;
                if self.queue_started == 0 && self.queue_failed > 0 {
                    // Not one song of the queue would open: say so, not just "press the button".
                    let count = std::mem::take(&mut self.queue_failed);
                    return self
                        .overlay(Screen::Error(ErrorScreen::SongsUnreadable { count }), now);
                }
                if self.showing_base(now) {
                    self.base_screen(now)
                } else {
                    Vec::new()
                }
            }
            PlayerEvent::Unavailable { device } => {
                self.sound_missing = Some(device.clone());
                self.timer.no_playback();
                self.overlay(Screen::Error(ErrorScreen::NoSoundCard { device }), now)
            }
            PlayerEvent::DeviceLost { device, .. } => {
                self.overlay(Screen::Error(ErrorScreen::NoSoundCard { device }), now)
            }
            PlayerEvent::DeviceReopened { .. } => {
                self.sound_missing = None;
                self.overlay = None;
                self.base_screen(now)
            }
            PlayerEvent::FirstSample { at, .. } => {
                self.timer.first_sample(at);
                Vec::new()
            }
            PlayerEvent::TrackFailed { .. } => {
                self.queue_failed += 1;
                Vec::new()
            }
            // The next TrackStarted or QueueFinished tells what comes after a song.
            PlayerEvent::TrackEnded { .. } => Vec::new(),
        }
    }
}
