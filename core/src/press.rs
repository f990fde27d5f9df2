//! Press classification: raw level changes with timestamps in, debounced button events out.
//!
//! Pure logic with no clock of its own: the caller passes the time of every edge and calls
//! [`PressClassifier::poll`] when [`PressClassifier::next_deadline`] comes, which is how the
//! tests drive it with simulated time.
//!
//! Rules:
//! - A level counts only after it has stayed unchanged for `debounce` (like the kernel's GPIO
//!   debouncer). A pulse shorter than that is ignored, so bounce on release can never look
//!   like a new press. A press starts when the line settles down and ends when it settles up.
//! - Released after less than `long_press`: [`ButtonEvent::Scan`].
//! - Released after `long_press` or more (but before `stop_hold`): [`ButtonEvent::Skip`].
//! - Held for `stop_hold`: [`ButtonEvent::Stop`] fires at that moment, while the button is
//!   still down (the music stops under the user's finger, so they know to let go); the
//!   release that follows gives no further event. This needs the caller to poll at the
//!   deadline; a caller that never polls gets the `Stop` with the next edge instead.
//!
//! Scan and Skip are decided at release, as only then is the press length known.

use std::time::Duration;

use crate::config::button::{ButtonRole, PressTiming};

/// What a press means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ButtonEvent {
    /// Short press: read the face and choose music.
    Scan,
    /// Long press: skip to the next song.
    Skip,
    /// Held for `stop_hold`: stop playback.
    Stop,
    /// The volume-up button (boards with several buttons).
    VolumeUp,
    /// The volume-down button.
    VolumeDown,
}

impl ButtonEvent {
    /// What this press means on a button with `role` (the press classified as for the scan
    /// button: short, long or held).
    pub fn on(self, role: ButtonRole) -> ButtonEvent {
        use ButtonEvent as E;
        match (role, self) {
            (ButtonRole::Scan, press) => press,
            (ButtonRole::Skip, E::Stop) => E::Stop,
            (ButtonRole::Skip, _) => E::Skip,
            (ButtonRole::VolumeUp, _) => E::VolumeUp,
            (ButtonRole::VolumeDown, _) => E::VolumeDown,
        }
    }
}

/// Debounces edges and classifies presses. Times are any monotonic clock's readings.
#[derive(Debug, Clone)]
pub struct PressClassifier {
    timing: PressTiming,
    /// The debounced level.
    stable_pressed: bool,
    /// When the debounced level was reached (the time its last edge happened).
    stable_since: Duration,
    /// The level of the last edge seen.
    raw_pressed: bool,
    /// Set while the raw level differs from the debounced one: the time of that last edge.
    pending_since: Option<Duration>,
    /// `Stop` was already sent for the current press.
    stop_sent: bool,
}

impl PressClassifier {
    /// A classifier for a button that is released at time zero.
    pub fn new(timing: PressTiming) -> PressClassifier {
        PressClassifier::with_level(timing, false, Duration::ZERO)
    }

    /// A classifier whose button reads `pressed` at time `at` (a button already down at
    /// start-up gives no event until it has been released and pressed again).
    pub fn with_level(timing: PressTiming, pressed: bool, at: Duration) -> PressClassifier {
        PressClassifier {
            timing,
            stable_pressed: pressed,
            stable_since: at,
            raw_pressed: pressed,
            pending_since: None,
            // A button held since start-up never sends Stop for that hold.
            stop_sent: pressed,
        }
    }

    /// The debounced level.
    pub fn is_pressed(&self) -> bool {
        self.stable_pressed
    }

    /// Feeds one edge: the line now reads `pressed`, since time `at`. Returns an event that
    /// became due up to `at` (edges must come in time order).
    pub fn edge(&mut self, pressed: bool, at: Duration) -> Option<ButtonEvent> {
        let event = self.poll(at);
        if pressed == self.raw_pressed {
            // Same level twice: an opposite edge was missed, so the line moved just now.
            if self.pending_since.is_some() {
                self.pending_since = Some(at);
            }
            return event;
        }
        self.raw_pressed = pressed;
        self.pending_since = (pressed != self.stable_pressed).then_some(at);
        event
    }

    /// Settles whatever is due at time `now`. Call it at [`next_deadline`](Self::next_deadline).
    pub fn poll(&mut self, now: Duration) -> Option<ButtonEvent> {
        self.settle(now).or_else(|| self.stop_due(now))
    }

    /// When [`poll`](Self::poll) next has something to decide, if anything is pending.
    pub fn next_deadline(&self) -> Option<Duration> {
        let settle = self.pending_since.map(|since| since + self.timing.debounce);
        match (settle, self.stop_deadline()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Confirms a level change that has lasted `debounce`; a confirmed release classifies
    /// the press.
    fn settle(&mut self, now: Duration) -> Option<ButtonEvent> {
        let since = self.pending_since?;
        if now < since + self.timing.debounce {
            return None;
        }
        self.pending_since = None;
        let was_pressed = self.stable_pressed;
        let held = since.saturating_sub(self.stable_since);
        self.stable_pressed = self.raw_pressed;
        self.stable_since = since;
        if !was_pressed || self.stable_pressed {
            return None;
        }
        let stop_sent = std::mem::take(&mut self.stop_sent);
        if stop_sent {
            None
        } else if held >= self.timing.stop_hold {
            Some(ButtonEvent::Stop)
        } else if held >= self.timing.long_press {
            Some(ButtonEvent::Skip)
        } else {
            Some(ButtonEvent::Scan)
        }
    }

    fn stop_due(&mut self, now: Duration) -> Option<ButtonEvent> {
        let deadline = self.stop_deadline()?;
        if now < deadline {
            return None;
        }
        self.stop_sent = true;
        Some(ButtonEvent::Stop)
    }

    /// When a held press turns into `Stop`: only while the debounced level is pressed, no
    /// `Stop` was sent yet, and no release began before that moment.
    fn stop_deadline(&self) -> Option<Duration> {
        if !self.stable_pressed || self.stop_sent {
            return None;
        }
        let deadline = self.stable_since + self.timing.stop_hold;
        match self.pending_since {
            Some(release) if release < deadline => None,
            _ => Some(deadline),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Plays `edges` (level, time in ms) through a classifier the way the worker does,
    /// polling at every deadline before the next edge and up to `end_ms`.
    fn run(edges: &[(bool, u64)], end_ms: u64) -> Vec<(ButtonEvent, u64)> {
        let mut c = PressClassifier::new(PressTiming::default());
        let mut out = Vec::new();
        let poll_until =
            |c: &mut PressClassifier, t: Duration, out: &mut Vec<(ButtonEvent, u64)>| {
                while let Some(deadline) = c.next_deadline().filter(|d| *d <= t) {
                    if let Some(e) = c.poll(deadline) {
                        out.push((e, deadline.as_millis() as u64));
                    }
                }
            };
        for &(pressed, at) in edges {
            poll_until(&mut c, ms(at), &mut out);
            if let Some(e) = c.edge(pressed, ms(at)) {
                out.push((e, at));
            }
        }
        poll_until(&mut c, ms(end_ms), &mut out);
        out
    }

    #[test]
    fn a_clean_short_press_is_a_scan_at_release() {
        assert_eq!(
            run(&[(true, 100), (false, 300)], 1000),
            vec![(ButtonEvent::Scan, 330)]
        );
    }

    #[test]
    fn a_long_press_is_a_skip() {
        assert_eq!(
            run(&[(true, 0), (false, 1500)], 3000),
            vec![(ButtonEvent::Skip, 1530)]
        );
    }

    #[test]
    fn holding_five_seconds_stops_while_still_held() {
        let events = run(&[(true, 0), (false, 7000)], 9000);
        assert_eq!(events, vec![(ButtonEvent::Stop, 5000)]);
    }

    #[test]
    fn a_caller_that_only_feeds_edges_gets_stop_with_the_next_edge() {
        let mut c = PressClassifier::new(PressTiming::default());
        assert_eq!(c.edge(true, ms(0)), None);
        // The release edge first settles the press, then finds the stop deadline passed.
        assert_eq!(c.edge(false, ms(6000)), Some(ButtonEvent::Stop));
        assert_eq!(c.next_deadline(), Some(ms(6030)));
        assert_eq!(c.poll(ms(6030)), None, "the release after a stop is silent");
        assert!(!c.is_pressed());
    }

    #[test]
    fn bounce_on_both_edges_counts_once() {
        let edges = [
            (true, 100),
            (false, 101),
            (true, 103),
            (false, 104),
            (true, 106), // settles down at 106
            (false, 400),
            (true, 402),
            (false, 405),
            (true, 406),
            (false, 410), // settles up at 410
        ];
        assert_eq!(run(&edges, 2000), vec![(ButtonEvent::Scan, 440)]);
    }

    #[test]
    fn pulses_shorter_than_the_debounce_are_ignored() {
        assert!(run(&[(true, 100), (false, 125)], 2000).is_empty());
        // A release glitch in the middle of a hold does not split the press in two.
        let events = run(&[(true, 0), (false, 500), (true, 520), (false, 1200)], 3000);
        assert_eq!(events, vec![(ButtonEvent::Skip, 1230)]);
    }

    #[test]
    fn a_release_begun_before_the_stop_deadline_is_a_skip() {
        // Released at 4990 ms; the debounce confirms it at 5020 ms, after the stop deadline.
        assert_eq!(
            run(&[(true, 0), (false, 4990)], 8000),
            vec![(ButtonEvent::Skip, 5020)]
        );
    }

    #[test]
    fn a_button_held_at_start_up_gives_nothing_until_pressed_again() {
        let mut c = PressClassifier::with_level(PressTiming::default(), true, ms(0));
        assert_eq!(
            c.next_deadline(),
            None,
            "no stop for a button held since start-up"
        );
        assert_eq!(c.edge(false, ms(9000)), None);
        assert_eq!(c.poll(ms(9030)), None);
        assert!(!c.is_pressed());
        c.edge(true, ms(10_000));
        c.edge(false, ms(10_100));
        assert_eq!(c.poll(ms(10_130)), Some(ButtonEvent::Scan));
    }

    #[test]
    fn repeated_levels_from_a_missed_edge_restart_the_debounce() {
        let mut c = PressClassifier::new(PressTiming::default());
        c.edge(true, ms(0));
        c.edge(true, ms(20));
        assert_eq!(c.next_deadline(), Some(ms(50)));
        assert_eq!(c.poll(ms(49)), None);
        assert!(!c.is_pressed());
        c.poll(ms(50));
        assert!(c.is_pressed());
    }
}
