//! When the screen dims and goes dark: the `[display]` sleep keys and their checks.

use std::time::Duration;

use super::{display_problem, DisplayConfig};
use crate::config::ConfigProblem;

/// The longest idle time the keys accept: a day.
const MAX_MINUTES: f32 = 24.0 * 60.0;

impl DisplayConfig {
    /// After how long without activity the screen dims, if it ever does.
    pub fn dim_after(&self) -> Option<Duration> {
        minutes(self.dim_after_minutes)
    }

    /// After how long without activity the backlight goes off, if it ever does.
    pub fn off_after(&self) -> Option<Duration> {
        minutes(self.off_after_minutes)
    }

    pub(super) fn check_sleep(&self, problems: &mut Vec<ConfigProblem>) {
        for (key, value) in [
            ("dim_after_minutes", self.dim_after_minutes),
            ("off_after_minutes", self.off_after_minutes),
        ] {
            if !(value.is_finite() && (0.0..=MAX_MINUTES).contains(&value)) {
                problems.push(display_problem(
                    key,
                    format!("{value} is out of range: use 0 (never) to {MAX_MINUTES} minutes"),
                ));
            }
        }
        if let (Some(dim), Some(off)) = (self.dim_after(), self.off_after()) {
            if off <= dim {
                problems.push(display_problem(
                    "off_after_minutes",
                    format!(
                        "{} must be more than dim_after_minutes ({}): the screen dims first, then goes dark",
                        self.off_after_minutes, self.dim_after_minutes
                    ),
                ));
            }
        }
        if !(self.dim_level.is_finite() && (0.05..=1.0).contains(&self.dim_level)) {
            problems.push(display_problem(
                "dim_level",
                format!(
                    "{} is out of range: use 0.05 to 1.0 (0.3 is a third)",
                    self.dim_level
                ),
            ));
        }
    }
}

fn minutes(value: f32) -> Option<Duration> {
    (value.is_finite() && value > 0.0)
        .then(|| Duration::from_secs_f32(value.min(MAX_MINUTES) * 60.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_screen_dims_before_it_goes_dark() {
        let c = DisplayConfig::default();
        assert_eq!(c.dim_after(), Some(Duration::from_secs(120)));
        assert_eq!(c.off_after(), Some(Duration::from_secs(600)));
        let backwards = DisplayConfig {
            dim_after_minutes: 10.0,
            off_after_minutes: 5.0,
            dim_level: 0.0,
            ..DisplayConfig::default()
        };
        let keys: Vec<String> = backwards.check().into_iter().map(|p| p.key).collect();
        assert!(
            keys.contains(&"display.off_after_minutes".to_string()),
            "{keys:?}"
        );
        assert!(keys.contains(&"display.dim_level".to_string()), "{keys:?}");
        let never = DisplayConfig {
            dim_after_minutes: 0.0,
            off_after_minutes: 0.0,
            ..DisplayConfig::default()
        };
        assert_eq!((never.dim_after(), never.off_after()), (None, None));
        assert!(never.check().is_empty());
    }
}
