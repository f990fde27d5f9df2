//! The core's behaviour, tested with no device, model, database or async runtime: the press
//! classifier on simulated time, the recommender's choice, and every screen as a golden image.

mod press;
mod recommend;
mod screens;
mod text_fit;
