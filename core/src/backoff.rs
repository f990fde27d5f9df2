//! Capped exponential backoff for devices that are missing at boot or vanish later (camera,
//! display, sound card): retry soon, then less and less often, never slower than `max`.

use std::time::Duration;

/// Waits between attempts: `first`, then doubling up to `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first: Duration::from_millis(500),
            max: Duration::from_secs(30),
        }
    }
}

impl Backoff {
    /// The wait after one of `previous` length.
    pub fn next(&self, previous: Duration) -> Duration {
        (previous * 2).clamp(self.first, self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_cap() {
        let b = Backoff {
            first: Duration::from_millis(500),
            max: Duration::from_secs(8),
        };
        let mut d = b.first;
        let mut seen = vec![d];
        for _ in 0..6 {
            d = b.next(d);
            seen.push(d);
        }
        let secs: Vec<f32> = seen.iter().map(|d| d.as_secs_f32()).collect();
        assert_eq!(secs, vec![0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]);
    }
}
