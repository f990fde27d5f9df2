//! The core's behaviour, tested with no device, model, database or async runtime: the press
//! classifier on simulated time, the recommender's choice, every screen as a golden image,
//! and the shape of the code itself (no import cycles, short files, a core free of devices).

mod architecture;
mod press;
mod recommend;
mod screens;
mod script_titles;
mod shaping;
mod test_fonts;
mod text_fit;
