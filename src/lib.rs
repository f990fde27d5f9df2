//! moodbox: an emotion-aware music box for the Raspberry Pi.
//!
//! Data flows one way: the scan button (or the control socket) starts a scan; the camera's
//! frames go through [`vision`] (face detector, then emotion classifier); the mood picks songs
//! from the [`library`]; the [`hardware`] layer shows it on the display and plays it.
//! Every device sits behind a trait with a real driver and a simulator.

pub mod daemon;
pub mod hardware;
pub mod library;
pub mod synth;
pub mod vision;
pub mod worker;
