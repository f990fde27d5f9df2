//! moodbox's core: what the box is and does, with no devices, models, database or async
//! runtime in it.
//!
//! - the domain: [`emotion`] (the seven facial emotions, a scan's mood), [`mood`] and
//!   [`song`] (the music side), [`language`], [`player`] (what the player reports);
//! - the daemon's behaviour: [`machine`], a state machine fed inputs and answering with
//!   actions, and [`press`], the button's press classifier;
//! - the choice of music: [`policy`] (emotion → moods) and [`recommend`] (moods → a queue);
//! - what the box shows: [`screen`] (one value per screen) and [`ui`] (drawing them on any
//!   embedded-graphics target);
//! - the config file: [`config`], every section, its defaults and its checks;
//! - the control protocol: [`protocol`] (commands and answers) and [`status`];
//! - [`backoff`]: how often a missing device is tried again; [`path_text`]: any file name as
//!   text.
//!
//! The `moodbox` crate around it holds the shells: the vision models, the library index,
//! the device drivers and simulators, the device workers, the daemon loop and the CLI.

pub mod backoff;
pub mod config;
pub mod emotion;
pub mod language;
pub mod machine;
pub mod mood;
pub mod path_text;
pub mod player;
pub mod policy;
pub mod press;
pub mod protocol;
pub mod recommend;
pub mod scan;
pub mod screen;
pub mod song;
pub mod stats;
pub mod status;
pub mod ui;

pub use emotion::{Emotion, EmotionProbs};
