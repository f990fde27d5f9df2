//! `moodbox bench soak --scans N`: a long run of a real `moodbox run` process on the simulated
//! box (the same one `bench daemon` uses): N scans, with a skip after every scan, the music
//! folder indexed again every 25 scans and the config reloaded (SIGHUP) every 50. Every N/10
//! scans it prints the daemon's resident memory, open files and threads, then the slope of
//! each over the run after the first tenth (warm-up): a leak shows as a slope, not as the
//! difference between two samples.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use moodbox::daemon::socket::request;
use moodbox_core::config::vision::default_models_dir;
use moodbox_core::protocol::Reply;

use super::bench_daemon::{config_text, proc_status_kb, write_library, Daemon, FRAME_CANDIDATES};
use super::scratch::Scratch;

const REINDEX_EVERY: usize = 25;
const RELOAD_EVERY: usize = 50;

/// One sample of the daemon's resources.
#[derive(Debug, Clone, Copy)]
struct Sample {
    scans: usize,
    rss_kb: f64,
    open_files: usize,
    threads: f64,
}

pub fn run(scans: usize) -> anyhow::Result<()> {
    anyhow::ensure!(scans >= 10, "--scans takes at least 10");
    let dir = Scratch::new("moodbox-soak-")?;
    let frame = FRAME_CANDIDATES
        .iter()
        .map(Path::new)
        .find(|p| p.is_file())
        .context("no face picture to scan")?;
    std::fs::copy(frame, dir.path().join("camera.png"))?;
    write_library(&dir.path().join("music"))?;
    let config = dir.path().join("config.toml");
    // Songs play fast, so skips and the ends of queues happen all through the run.
    let text = config_text(&default_models_dir().canonicalize()?)
        .replace("wav_speed = 1.0", "wav_speed = 20.0")
        .replace("[daemon]\n", "[daemon]\nmood_screen_seconds = 0.0\n");
    std::fs::write(&config, text)?;
    let mut daemon = Daemon::start(&config, dir.path())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let socket = dir.path().join("control.sock");
    let result = runtime.block_on(async {
        daemon.wait_for_library(&socket).await?;
        soak(&daemon, &socket, scans).await
    });
    daemon.stop();
    print(&result?, scans);
    Ok(())
}

async fn ctl(socket: &Path, command: &str) -> anyhow::Result<Reply> {
    Ok(request(socket, command, Duration::from_secs(30)).await?)
}

async fn soak(daemon: &Daemon, socket: &Path, scans: usize) -> anyhow::Result<Vec<Sample>> {
    let every = (scans / 10).max(1);
    let started = Instant::now();
    let mut samples = vec![sample(daemon.pid(), 0)?];
    println!("soak: {scans} scans, a skip after each, indexing every {REINDEX_EVERY}, a reload every {RELOAD_EVERY}");
    println!(
        "  {:>6} {:>9} {:>10} {:>8} {:>8}",
        "scans", "RSS MB", "open files", "threads", "elapsed"
    );
    print_sample(&samples[0], started);
    for n in 1..=scans {
        let reply = ctl(socket, "scan").await?;
        if !reply.ok() {
            bail!("scan {n} failed: {}", reply.to_line());
        }
        ctl(socket, "skip").await?;
        if n % REINDEX_EVERY == 0 {
            ctl(socket, "reindex").await?;
        }
        if n % RELOAD_EVERY == 0 {
            // SAFETY: kill sends a signal to our own child.
            unsafe { libc::kill(daemon.pid() as i32, libc::SIGHUP) };
        }
        if n % every == 0 {
            let s = sample(daemon.pid(), n)?;
            print_sample(&s, started);
            samples.push(s);
        }
    }
    Ok(samples)
}

fn sample(pid: u32, scans: usize) -> anyhow::Result<Sample> {
    let open_files = std::fs::read_dir(format!("/proc/{pid}/fd"))?.count();
    Ok(Sample {
        scans,
        rss_kb: proc_status_kb(pid, "VmRSS")?,
        open_files,
        threads: proc_status_kb(pid, "Threads")?,
    })
}

fn print_sample(s: &Sample, started: Instant) {
    println!(
        "  {:>6} {:>9.1} {:>10} {:>8} {:>7.0}s",
        s.scans,
        s.rss_kb / 1024.0,
        s.open_files,
        s.threads,
        started.elapsed().as_secs_f64()
    );
}

/// Least-squares slope of `y` over `x`.
fn slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    let (mx, my) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x / n, b + y / n));
    let (num, den) = points.iter().fold((0.0, 0.0), |(num, den), (x, y)| {
        (num + (x - mx) * (y - my), den + (x - mx) * (x - mx))
    });
    if den > 0.0 {
        num / den
    } else {
        0.0
    }
}

fn print(samples: &[Sample], scans: usize) {
    // The first tenth is warm-up: caches and buffers fill, the index settles.
    let steady: Vec<&Sample> = samples.iter().filter(|s| s.scans * 10 >= scans).collect();
    let line = |f: &dyn Fn(&Sample) -> f64| -> Vec<(f64, f64)> {
        steady.iter().map(|s| (s.scans as f64, f(s))).collect()
    };
    println!(
        "slope after warm-up (scans {}..{scans}):",
        steady.first().map_or(0, |s| s.scans)
    );
    println!(
        "  RSS          {:+9.3} KB per scan",
        slope(&line(&|s| s.rss_kb))
    );
    println!(
        "  open files   {:+9.5} per scan",
        slope(&line(&|s| s.open_files as f64))
    );
    println!(
        "  threads      {:+9.5} per scan",
        slope(&line(&|s| s.threads))
    );
}

#[cfg(test)]
mod tests {
    use super::slope;

    #[test]
    fn the_slope_of_a_line_is_its_gradient() {
        let points: Vec<(f64, f64)> = (0..10).map(|x| (x as f64, 3.0 + 0.5 * x as f64)).collect();
        assert!((slope(&points) - 0.5).abs() < 1e-9);
        assert_eq!(slope(&[(1.0, 2.0)]), 0.0);
    }
}
