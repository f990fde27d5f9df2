//! `moodbox bench vision`: figures for the vision path.

pub fn run() -> anyhow::Result<()> {
    anyhow::bail!("the vision benchmark is not built yet")
}
