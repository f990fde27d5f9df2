//! Press classification over long simulated sessions: bounce on both edges, glitches while
//! idle, presses of every length. Time is simulated, so the test is exact and fast.

use std::time::Duration;

use moodbox_core::config::PressTiming;
use moodbox_core::press::ButtonEvent;
use moodbox_core::press::PressClassifier;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Drives a classifier like the worker thread does: before each edge, poll every deadline
/// that falls before it. Returns each event with the time it fired.
struct Session {
    classifier: PressClassifier,
    events: Vec<(ButtonEvent, Duration)>,
}

impl Session {
    fn new() -> Session {
        Session {
            classifier: PressClassifier::new(PressTiming::default()),
            events: Vec::new(),
        }
    }

    fn advance_to(&mut self, t: Duration) {
        while let Some(deadline) = self.classifier.next_deadline().filter(|d| *d <= t) {
            if let Some(e) = self.classifier.poll(deadline) {
                self.events.push((e, deadline));
            }
        }
    }

    fn edge(&mut self, pressed: bool, t: Duration) {
        self.advance_to(t);
        if let Some(e) = self.classifier.edge(pressed, t) {
            self.events.push((e, t));
        }
    }

    fn count(&self, kind: ButtonEvent) -> usize {
        self.events.iter().filter(|(e, _)| *e == kind).count()
    }
}

fn us(n: u64) -> Duration {
    Duration::from_micros(n)
}

/// Toggles the line a few times, each state lasting well under the 30 ms debounce, ending
/// on `final_level`. Returns the time of the last edge.
fn bouncy_edge(s: &mut Session, rng: &mut ChaCha8Rng, mut t: u64, final_level: bool) -> u64 {
    let bounces = rng.random_range(0..=6) * 2; // even, so the final edge has `final_level`
    let mut level = final_level;
    for _ in 0..bounces {
        s.edge(level, us(t));
        level = !level;
        t += rng.random_range(50..8_000); // 0.05 to 8 ms
    }
    s.edge(final_level, us(t));
    t
}

#[test]
fn ten_thousand_bouncy_short_presses_give_exactly_ten_thousand_scans() {
    let mut rng = ChaCha8Rng::seed_from_u64(0x5CA7);
    let mut s = Session::new();
    let mut t = 1_000_000u64;
    for _ in 0..10_000 {
        let pressed_at = bouncy_edge(&mut s, &mut rng, t, true);
        t = pressed_at + rng.random_range(60_000..900_000); // held 60 to 900 ms
        let released_at = bouncy_edge(&mut s, &mut rng, t, false);
        t = released_at + rng.random_range(60_000..600_000); // pause before the next press
                                                             // Now and then a spike on the idle line (ESD, a brushed wire): shorter than debounce.
        if rng.random_bool(0.2) {
            s.edge(true, us(t));
            s.edge(false, us(t + rng.random_range(100..25_000)));
            t += 60_000;
        }
    }
    s.advance_to(us(t + 10_000_000));
    assert_eq!(s.count(ButtonEvent::Scan), 10_000);
    assert_eq!(s.events.len(), 10_000, "no skip or stop from short presses");
}

#[test]
fn a_mixed_session_classifies_every_press_by_its_length() {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let mut s = Session::new();
    let mut t = 0u64;
    let mut expected = Vec::new();
    for _ in 0..3_000 {
        // Hold lengths kept 100 ms away from the 1 s and 5 s thresholds.
        let (hold, kind) = match rng.random_range(0..10) {
            0..=5 => (rng.random_range(40_000..900_000), ButtonEvent::Scan),
            6..=8 => (rng.random_range(1_100_000..4_900_000), ButtonEvent::Skip),
            _ => (rng.random_range(5_100_000..9_000_000), ButtonEvent::Stop),
        };
        let pressed_at = bouncy_edge(&mut s, &mut rng, t, true);
        let released_at = bouncy_edge(&mut s, &mut rng, pressed_at + hold, false);
        expected.push((kind, pressed_at));
        t = released_at + rng.random_range(60_000..400_000);
    }
    s.advance_to(us(t + 10_000_000));
    let kinds: Vec<ButtonEvent> = s.events.iter().map(|(e, _)| *e).collect();
    let want: Vec<ButtonEvent> = expected.iter().map(|(e, _)| *e).collect();
    assert_eq!(kinds, want);
    // Stop fires 5 s after the press settled, while the button is still down.
    for ((event, at), (_, pressed_at)) in s.events.iter().zip(&expected) {
        if *event == ButtonEvent::Stop {
            assert_eq!(*at, us(*pressed_at) + Duration::from_secs(5));
        }
    }
}

#[test]
fn bounce_on_release_never_counts_as_a_press() {
    // A release that rings for 25 ms (each contact shorter than the debounce).
    let mut s = Session::new();
    s.edge(true, us(0));
    let mut t = 200_000;
    for i in 0..12 {
        s.edge(i % 2 == 1, us(t));
        t += 2_000;
    }
    s.edge(false, us(t));
    s.advance_to(us(t + 5_000_000));
    assert_eq!(
        s.events,
        vec![(ButtonEvent::Scan, us(t) + Duration::from_millis(30))]
    );
}
