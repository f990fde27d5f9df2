//! The message of a caught panic (`catch_unwind`), for the log line that replaces it: a
//! decoder or driver crate that panics on a hostile file or an odd device costs one song or
//! one frame, not the daemon.

use std::any::Any;

/// The text a panic carried (`panic!("...")`), or a placeholder.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_kinds_of_panic_text() {
        let text = std::panic::catch_unwind(|| panic!("bad {}", 7)).unwrap_err();
        assert_eq!(panic_message(&*text), "bad 7");
        let literal = std::panic::catch_unwind(|| panic!("plain")).unwrap_err();
        assert_eq!(panic_message(&*literal), "plain");
    }
}
