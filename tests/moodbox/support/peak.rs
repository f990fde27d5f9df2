//! Running a command and measuring its own peak resident memory (VmHWM), however large the
//! test process that starts it: a small Python parent waits for it with `wait4` (a child's
//! peak counts from the fork, so it must be forked from a small process).

use std::process::{Command, Output};

const WAIT4: &str = "import os, subprocess, sys\n\
p = subprocess.Popen(sys.argv[1:])\n\
_, status, usage = os.wait4(p.pid, 0)\n\
sys.stderr.write('\\npeak-kb %d\\n' % usage.ru_maxrss)\n\
sys.exit(os.waitstatus_to_exitcode(status))\n";

/// Runs `command` and returns its output (stderr without the measurement line) and its peak
/// resident memory in MB.
pub fn run_measured(command: &Command) -> (Output, f64) {
    let mut wrapped = Command::new("python3");
    wrapped.arg("-c").arg(WAIT4).arg(command.get_program());
    wrapped.args(command.get_args());
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => wrapped.env(key, value),
            None => wrapped.env_remove(key),
        };
    }
    if let Some(dir) = command.get_current_dir() {
        wrapped.current_dir(dir);
    }
    let mut out = wrapped.output().expect("python3 runs the measured command");
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    let (rest, peak) = text
        .rsplit_once("\npeak-kb ")
        .unwrap_or_else(|| panic!("no measurement: {text}"));
    let kb: f64 = peak.trim().parse().unwrap();
    out.stderr = rest.as_bytes().to_vec();
    (out, kb / 1024.0)
}
