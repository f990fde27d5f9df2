//! The sleeping screen: after `dim_after` without activity the backlight dims, after
//! `off_after` it goes off; any activity brings it back, and a button press on a dimmed or
//! dark screen only wakes it (so a press in the dark does not start a scan by surprise).
//! Music playing is not activity: a box playing for an hour still dims, as a radio would.

use std::time::Instant;

use super::{Action, Behaviour, Input};
pub use crate::screen::Backlight;

/// The backlight's state and the last activity, for the machine.
#[derive(Debug, Clone, Default)]
pub(super) struct Sleep {
    state: Option<Backlight>,
    /// The last activity; `None` until the first input (the clock starts at the first one).
    last_activity: Option<Instant>,
}

/// Inputs that count as someone using the box.
pub(super) fn is_activity(input: &Input) -> bool {
    matches!(
        input,
        Input::Button(_)
            | Input::ScanPressed
            | Input::SkipPressed
            | Input::StopPressed
            | Input::Volume(_)
            | Input::MoodChosen(_)
            | Input::ScanFinished(_)
    )
}

impl Sleep {
    pub(super) fn backlight(&self) -> Backlight {
        self.state.unwrap_or(Backlight::On)
    }

    /// Someone used the box at `now`. True when that woke a dimmed or dark screen.
    pub(super) fn activity(&mut self, now: Instant) -> bool {
        self.last_activity = Some(now);
        let woke = self.backlight() != Backlight::On;
        self.state = Some(Backlight::On);
        woke
    }

    /// The clock starts (at start-up: the screen sleeps after idle time from then).
    pub(super) fn start(&mut self, now: Instant) {
        self.last_activity.get_or_insert(now);
    }

    /// The state the screen should be in at `now`.
    fn wanted(&self, behaviour: &Behaviour, now: Instant) -> Backlight {
        let Some(last) = self.last_activity else {
            return Backlight::On;
        };
        let idle = now.saturating_duration_since(last);
        if behaviour.off_after.is_some_and(|off| idle >= off) {
            Backlight::Off
        } else if behaviour.dim_after.is_some_and(|dim| idle >= dim) {
            Backlight::Dim
        } else {
            Backlight::On
        }
    }

    /// When the backlight next changes by itself, if it will.
    pub(super) fn next_change(&self, behaviour: &Behaviour) -> Option<Instant> {
        let last = self.last_activity?;
        match self.backlight() {
            Backlight::On => behaviour.dim_after.or(behaviour.off_after),
            Backlight::Dim => behaviour.off_after,
            Backlight::Off => None,
        }
        .map(|after| last + after)
    }

    /// Dims or darkens the screen when its idle time has come.
    pub(super) fn tick(&mut self, behaviour: &Behaviour, now: Instant) -> Vec<Action> {
        let wanted = self.wanted(behaviour, now);
        if wanted == self.backlight() {
            return Vec::new();
        }
        self.state = Some(wanted);
        vec![Action::Backlight(wanted)]
    }
}
