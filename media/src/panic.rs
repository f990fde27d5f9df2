//! Panics in decoders, caught: a decoder crate that panics on a hostile file costs one song,
//! not the daemon. [`catch_quietly`] catches the panic and, once [`install_hook`] has run,
//! keeps its message off stderr (it goes to the debug log; the caller reports the failure in
//! its own words). Panics anywhere else still print as usual.

use std::any::Any;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};

thread_local! {
    /// How many `catch_quietly` calls this thread is inside.
    static QUIET: Cell<u32> = const { Cell::new(0) };
}

/// Runs `work`, catching a panic; its message is not printed (see [`install_hook`]).
pub fn catch_quietly<T>(work: impl FnOnce() -> T) -> Result<T, Box<dyn Any + Send>> {
    QUIET.with(|q| q.set(q.get() + 1));
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    QUIET.with(|q| q.set(q.get() - 1));
    result
}

/// Installs a panic hook that prints every panic as before, except those [`catch_quietly`]
/// catches, which go to the debug log.
pub fn install_hook() {
    let default = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if QUIET.with(|q| q.get()) > 0 {
            let place = info
                .location()
                .map(|l| format!(" at {l}"))
                .unwrap_or_default();
            tracing::debug!("a decoder failed{place} (caught)");
        } else {
            default(info);
        }
    }));
}

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

    #[test]
    fn a_quiet_catch_returns_the_panic_and_nests() {
        let caught = catch_quietly(|| catch_quietly(|| panic!("inner")).map(|_| 1)).unwrap();
        assert_eq!(panic_message(&*caught.unwrap_err()), "inner");
        assert_eq!(QUIET.with(|q| q.get()), 0, "the counter is back to zero");
        assert_eq!(catch_quietly(|| 5).unwrap(), 5);
    }
}
