//! Reading the files that come from outside the box — songs and pictures — so that a hostile
//! one costs an error, never the process: bounded before decoding ([`image_file`], the
//! pictures in songs' tags skipped by [`song_file`]), and every decoder call guarded against
//! panics ([`mod@panic`]). [`tags`] reads a song's tags, [`decode`] checks and decodes its audio.

pub mod decode;
pub mod image_file;
mod mp4;
pub mod panic;
pub mod song_file;
pub mod tags;
