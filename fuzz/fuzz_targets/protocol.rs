//! The control protocol: any line as a command, and any line as an answer `ctl` reads.
#![no_main]

use libfuzzer_sys::fuzz_target;
use moodbox_core::protocol::{Command, Reply};

fuzz_target!(|data: &[u8]| {
    let line = String::from_utf8_lossy(data);
    let _ = Command::parse(&line);
    let _ = Command::old_name_in(&line);
    if let Ok(reply) = serde_json::from_str::<Reply>(&line) {
        let again = reply.to_line();
        let back: Reply = serde_json::from_str(&again).expect("an answer reads back");
        let _ = back.ok();
    }
});
