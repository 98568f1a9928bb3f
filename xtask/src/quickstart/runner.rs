//! Building (and running, where rustdoc would) one block's example in the throwaway crate.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::markdown::Attrs;
use crate::target_dir;

/// How long one runnable block may take against the sandbox.
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// Environment variables a run must not inherit (a developer's real credentials).
const CREDENTIAL_PREFIXES: [&str; 4] = ["CAREPORTALS_", "CAREVALIDATE_", "DECODA_", "PATIENTPAY_"];

pub(super) fn throwaway_cargo(dir: &Path) -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(dir).env("CARGO_TARGET_DIR", target_dir());
    c
}

pub(super) fn build_and_run(
    dir: &Path,
    name: &str,
    source: &str,
    line_map: &[Option<usize>],
    a: &Attrs,
) -> Result<String, String> {
    eprintln!("    building {name}");
    let mut build = throwaway_cargo(dir);
    build.args(["build", "--example", name, "--message-format", "short"]);
    let out = build
        .output()
        .map_err(|e| format!("cannot start cargo build: {e}"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        eprint!("{stderr}");
        return Err(format!(
            "does not compile: {}",
            first_error(&stderr, name, source, line_map)
        ));
    }
    if a.no_run {
        return Ok("compiles (no_run: not run)".into());
    }
    eprintln!("    running {name}");
    let mut run = throwaway_cargo(dir);
    run.args(["run", "--quiet", "--example", name])
        .stdin(Stdio::null());
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy();
        if CREDENTIAL_PREFIXES.iter().any(|p| k.starts_with(p)) {
            run.env_remove(&key);
        }
    }
    let started = Instant::now();
    let mut child = run
        .spawn()
        .map_err(|e| format!("cannot start cargo run: {e}"))?;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if started.elapsed() > RUN_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "compiles, but did not finish within {RUN_TIMEOUT:?}"
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(format!("cannot wait for the run: {e}")),
        }
    };
    let secs = started.elapsed().as_secs_f64();
    match (status.success(), a.should_panic) {
        (true, false) => Ok(format!(
            "compiles and runs ({secs:.1}s, no credentials, sandbox only)"
        )),
        (false, true) => Ok("compiles and panics, as marked should_panic".into()),
        (true, true) => Err("marked should_panic but exited 0".into()),
        (false, false) => Err(format!("compiles, but the run failed ({status})")),
    }
}

/// The first compiler error, with its place translated back to the documented line.
pub(super) fn first_error(
    stderr: &str,
    name: &str,
    source: &str,
    line_map: &[Option<usize>],
) -> String {
    // --message-format short: "examples/NAME.rs:12:5: error[E0433]: failed to resolve: ..."
    let prefix = format!("examples/{name}.rs:");
    for line in stderr.lines() {
        if let Some(rest) = line.trim().strip_prefix(&prefix) {
            let mut parts = rest.splitn(3, ':');
            let (Some(l), Some(_col), Some(msg)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let msg = msg.trim();
            if !msg.starts_with("error") {
                continue;
            }
            let at = l
                .parse::<usize>()
                .ok()
                .and_then(|n| line_map.get(n.wrapping_sub(1)).copied().flatten())
                .map(|n| format!(" (at {source}:{n})"))
                .unwrap_or_default();
            return format!("{msg}{at}");
        }
    }
    stderr
        .lines()
        .find(|l| l.contains("error"))
        .unwrap_or("cargo build failed")
        .trim()
        .to_owned()
}
