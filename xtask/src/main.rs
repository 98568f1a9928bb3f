//! `cargo xtask <task>`: the project's developer tasks, in Rust so they run anywhere cargo
//! does (matklad's cargo-xtask pattern). No dependencies; cargo is invoked through `$CARGO`.
//!
//! - `ci`: every check, each recorded as pass/skip/fail (see `ci.rs`): fmt, clippy
//!   `-D warnings`, feature isolation, tests (nextest when installed), doc tests, pending
//!   snapshots, examples, demo, `cargo doc -D warnings`, the quick starts, `cargo deny`,
//!   `cargo package`, MSRV.
//! - `quickstart`: the README's and the crate docs' Rust blocks, built (and run) in a crate
//!   outside the workspace (see `quickstart.rs`; `--keep` keeps that crate).
//! - `snapshots`: runs the insta snapshot tests and lists pending `.snap.new` files.
//! - `bench`: the build-cost figures and the benchmarks (see `bench.rs`,
//!   docs/performance.md).
//! - `mutants`: mutation testing of core's safety files (see `mutants/`, docs/contributing.md).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

mod bench;
mod ci;
mod mutants;
mod quickstart;
mod structure;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("quickstart") => quickstart::quickstart(),
        Some("snapshots") => snapshots(),
        Some("bench") => bench::bench(&args[1..]),
        Some("mutants") => mutants::run(&args[1..]),
        _ => {
            eprintln!("usage: cargo xtask <ci|quickstart|snapshots|bench|mutants>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The target directory cargo uses for this workspace (`CARGO_TARGET_DIR` or `target/`).
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) if !d.is_empty() => {
            let d = PathBuf::from(d);
            if d.is_absolute() { d } else { root().join(d) }
        }
        _ => root().join("target"),
    }
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn run(step: &str, mut cmd: Command) -> Result<(), String> {
    eprintln!("\n==> {step}");
    let started = Instant::now();
    let status = cmd
        .status()
        .map_err(|e| format!("{step}: cannot start: {e}"))?;
    eprintln!(
        "<== {step}: {} in {:.1}s",
        if status.success() { "ok" } else { "FAILED" },
        started.elapsed().as_secs_f64()
    );
    if status.success() {
        Ok(())
    } else {
        Err(format!("{step} failed ({status})"))
    }
}

fn has_cargo_subcommand(name: &str) -> bool {
    cargo()
        .args([name, "--version"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn ci() -> Result<(), String> {
    ci::ci()
}

/// A one-vendor build must not compile another vendor crate, the sandbox or mockall.
fn feature_isolation() -> Result<(), String> {
    eprintln!("\n==> feature isolation");
    let vendors = ["careportals", "carevalidate", "decoda"];
    for vendor in vendors {
        let out = cargo()
            .args([
                "tree",
                "-p",
                "patientpay",
                "--no-default-features",
                "--features",
                vendor,
                "-e",
                "normal",
                "--prefix",
                "none",
                "--format",
                "{p}",
            ])
            .output()
            .map_err(|e| format!("cargo tree: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "cargo tree for feature {vendor} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let tree = String::from_utf8_lossy(&out.stdout);
        let crate_names: Vec<&str> = tree
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        for other in vendors.iter().filter(|v| **v != vendor) {
            let name = format!("patientpay-{other}");
            if crate_names.contains(&name.as_str()) {
                return Err(format!("--features {vendor} pulls {name}"));
            }
        }
        for banned in ["patientpay-sandbox", "mockall", "openssl-sys"] {
            if crate_names.contains(&banned) {
                return Err(format!("--features {vendor} pulls {banned}"));
            }
        }
        if !crate_names.contains(&format!("patientpay-{vendor}").as_str()) {
            return Err(format!(
                "--features {vendor} does not pull patientpay-{vendor}"
            ));
        }
        eprintln!("    --features {vendor}: no other vendor, no sandbox, no mockall");
    }
    Ok(())
}

fn find_pending(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                find_pending(&path, found);
            }
        } else if name.ends_with(".snap.new") || name.ends_with(".pending-snap") {
            found.push(path);
        }
    }
}

fn pending_snapshots() -> Result<(), String> {
    eprintln!("\n==> pending snapshots");
    let mut found = Vec::new();
    find_pending(&root(), &mut found);
    if found.is_empty() {
        eprintln!("    none");
        Ok(())
    } else {
        for f in &found {
            eprintln!("    pending: {}", f.display());
        }
        Err(format!(
            "{} pending snapshot(s): review with `cargo insta review` (or delete them) and commit",
            found.len()
        ))
    }
}

fn snapshots() -> Result<(), String> {
    let mut tests = cargo();
    tests
        .args(["test", "--workspace", "--all-features"])
        .env("INSTA_UPDATE", "new")
        .env_remove("CI");
    let result = run("snapshot tests", tests);
    let mut found = Vec::new();
    find_pending(&root(), &mut found);
    for f in &found {
        eprintln!("pending: {}", f.display());
    }
    eprintln!(
        "{} pending snapshot(s){}",
        found.len(),
        if found.is_empty() {
            ""
        } else {
            ": review with `cargo insta review`"
        }
    );
    result
}
