//! `moodbox bench daemon`: figures for the daemon.

pub fn run() -> anyhow::Result<()> {
    anyhow::bail!("the daemon benchmark is not built yet")
}
