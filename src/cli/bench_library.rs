//! `moodbox bench library`: figures for the music library.

pub fn run() -> anyhow::Result<()> {
    anyhow::bail!("the library benchmark is not built yet")
}
