//! `cargo xtask mutants [--file F]... [--changed] [--jobs N]`: mutation testing of the safety core.
//!
//! A bug in money arithmetic, PHI scrubbing, the retry decision, the outcome classification
//! or webhook signature checks passes silently unless a test states the rule it breaks.
//! cargo-mutants (<https://mutants.rs>) injects such bugs one at a time into the files
//! listed in [`SAFETY_CORE`] and runs patientpay-core's own tests (no other crate's tests
//! count: the module that owns a rule must prove it). This task reads the results from
//! `outcomes.json` and fails when fewer than [`THRESHOLD_PERCENT`] % of the viable mutants
//! of any file are caught. Equivalent mutants are excluded, each with a reason, in
//! `.cargo/mutants.toml`.
//!
//! `--changed` (what `cargo xtask ci` runs) tests only the mutants in the lines changed
//! since the merge base with `main`'s upstream (or since the first parent when there is no
//! upstream), in the safety-core files that changed; a file whose rule tests alone changed
//! is named, with the command that re-checks it whole.
//!
//! Builds go to `target/mutants/` (inside `$CARGO_TARGET_DIR` when set); one run at a time
//! per build directory, since each run first drops the previous run's workspace artifacts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::{cargo, has_cargo_subcommand, root};

mod git;
mod json;
mod report;

use git::{changed_since, diff_of, merge_base};
use report::{report, tally};

/// A file of the safety core and the test files that hold its rules: integration tests
/// (`crates/patientpay-core/tests/*.rs`, run as `--test=<name>`) and files under `src/`
/// holding unit tests (run with `--lib`).
struct SafetyFile {
    source: &'static str,
    tests: &'static [&'static str],
}

/// The unit tests of the scrubber (private helpers: views, needles, the matcher).
const SCRUB_TESTS: &[&str] = &[
    "crates/patientpay-core/tests/scrub.rs",
    "crates/patientpay-core/src/scrub/tests.rs",
];

/// The webhook rule tests.
const WEBHOOK_TESTS: &[&str] = &[
    "crates/patientpay-core/tests/webhook.rs",
    "crates/patientpay-core/tests/mutants_webhook.rs",
    "crates/patientpay-core/src/webhook/mod.rs",
    "crates/patientpay-core/src/webhook/signature.rs",
    "crates/patientpay-core/src/webhook/dedupe.rs",
];

/// The safety core of patientpay-core: the files whose mutants must be caught, each with
/// the test files that state its rules. A mutant counts as caught only when those tests
/// catch it: the module that owns a rule proves it, and each mutant builds one to three
/// test binaries instead of every one of core's.
const SAFETY_CORE: &[SafetyFile] = &[
    SafetyFile {
        source: "crates/patientpay-core/src/money.rs",
        tests: &[
            "crates/patientpay-core/tests/money_rules.rs",
            "crates/patientpay-core/src/money.rs",
        ],
    },
    SafetyFile {
        source: "crates/patientpay-core/src/redact.rs",
        tests: &[
            "crates/patientpay-core/tests/mutants_redact.rs",
            "crates/patientpay-core/src/redact.rs",
        ],
    },
    SafetyFile {
        source: "crates/patientpay-core/src/scrub/mod.rs",
        tests: SCRUB_TESTS,
    },
    SafetyFile {
        source: "crates/patientpay-core/src/scrub/needles.rs",
        tests: SCRUB_TESTS,
    },
    SafetyFile {
        source: "crates/patientpay-core/src/scrub/views.rs",
        tests: SCRUB_TESTS,
    },
    SafetyFile {
        source: "crates/patientpay-core/src/scrub/matcher.rs",
        tests: SCRUB_TESTS,
    },
    SafetyFile {
        source: "crates/patientpay-core/src/scrub/generic.rs",
        tests: SCRUB_TESTS,
    },
    SafetyFile {
        source: "crates/patientpay-core/src/scrub/describe.rs",
        tests: SCRUB_TESTS,
    },
    SafetyFile {
        source: "crates/patientpay-core/src/webhook/signature.rs",
        tests: WEBHOOK_TESTS,
    },
    SafetyFile {
        source: "crates/patientpay-core/src/webhook/mod.rs",
        tests: WEBHOOK_TESTS,
    },
    SafetyFile {
        source: "crates/patientpay-core/src/webhook/error.rs",
        tests: WEBHOOK_TESTS,
    },
    SafetyFile {
        source: "crates/patientpay-core/src/webhook/dedupe.rs",
        tests: WEBHOOK_TESTS,
    },
    SafetyFile {
        source: "crates/patientpay-core/src/webhook/event.rs",
        tests: WEBHOOK_TESTS,
    },
    SafetyFile {
        source: "crates/patientpay-core/src/pipeline/retry.rs",
        tests: &[
            "crates/patientpay-core/tests/mutants_retry.rs",
            "crates/patientpay-core/src/pipeline/retry.rs",
        ],
    },
    SafetyFile {
        source: "crates/patientpay-core/src/outcome.rs",
        tests: &["crates/patientpay-core/tests/mutants_outcome.rs"],
    },
];

/// The share of viable mutants each file's tests must catch.
pub const THRESHOLD_PERCENT: u64 = 95;

const PACKAGE: &str = "patientpay-core";

/// `cargo xtask mutants [--file F]... [--changed]`.
///
/// # Errors
/// Bad arguments, cargo-mutants missing or failing, or a file below the threshold.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut files: Vec<String> = Vec::new();
    let mut changed = false;
    let mut jobs: Option<u32> = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--changed" => changed = true,
            "--jobs" | "-j" => match it.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => jobs = Some(n),
                _ => return Err("--jobs needs a positive number".into()),
            },
            "--file" | "-f" => match it.next() {
                Some(f) => files.push(normalize(f)),
                None => return Err("--file needs a path".into()),
            },
            other => match other.strip_prefix("--file=") {
                Some(f) => files.push(normalize(f)),
                None => return Err(format!("mutants: unknown argument {other:?}\n{USAGE}")),
            },
        }
    }
    if !has_cargo_subcommand("mutants") {
        return Err(format!("cargo-mutants is not installed: {INSTALL}"));
    }
    if files.is_empty() {
        files = SAFETY_CORE.iter().map(|f| f.source.to_owned()).collect();
    }
    if !changed {
        return mutate(&files, None, jobs);
    }
    let base = merge_base();
    let touched = changed_since(&base)?;
    let (sources, tests_only) = split_changed(&files, &touched);
    for f in &tests_only {
        println!(
            "mutants: {f}: only its rule tests changed; run `cargo xtask mutants --file {f}` to re-check the whole file"
        );
    }
    if sources.is_empty() {
        println!("mutants: skipped (no safety-core file changed)");
        return Ok(());
    }
    // Only the mutants in the changed lines: a whole file can take many minutes, the
    // lines a change touches usually a few.
    let diff = diff_of(&base, &sources)?;
    let target = build_target_dir();
    std::fs::create_dir_all(&target).map_err(|e| format!("{}: {e}", target.display()))?;
    let diff_path = target.join("changed.diff");
    std::fs::write(&diff_path, diff).map_err(|e| format!("{}: {e}", diff_path.display()))?;
    mutate(&sources, Some(&diff_path), jobs)
}

/// What `cargo xtask ci` runs: the mutants in the lines of safety-core files changed since
/// the merge base. When cargo-mutants is not installed it prints why and returns `Ok`; a
/// caller that records skips asks [`skip_reason`] first.
///
/// # Errors
/// As [`run`].
pub fn run_changed() -> Result<(), String> {
    if let Some(why) = skip_reason() {
        eprintln!("mutants: skipped: {why}");
        return Ok(());
    }
    run(&["--changed".to_owned()])
}

/// Why `cargo xtask ci` must skip the mutants step (cargo-mutants is not installed), or
/// `None` when it can run.
pub fn skip_reason() -> Option<String> {
    (!has_cargo_subcommand("mutants"))
        .then(|| format!("cargo-mutants is not installed; install it with: {INSTALL}"))
}

/// Usage text of the subcommand.
pub const USAGE: &str =
    "usage: cargo xtask mutants [--file crates/patientpay-core/src/F.rs]... [--changed] [--jobs N]";
/// The command that installs cargo-mutants (it compiles for about 5 minutes).
pub const INSTALL: &str = "cargo install --locked cargo-mutants";

fn normalize(path: &str) -> String {
    path.trim_start_matches("./").replace('\\', "/")
}

/// Splits `files` into those whose source changed and those of which only the rule tests
/// changed (reported, not run: whole files are what `cargo xtask mutants` is for).
fn split_changed(files: &[String], touched: &[String]) -> (Vec<String>, Vec<String>) {
    let mut sources = Vec::new();
    let mut tests_only = Vec::new();
    for f in files {
        let tests = SAFETY_CORE
            .iter()
            .find(|s| s.source == f)
            .map_or(&[][..], |s| s.tests);
        if touched.iter().any(|t| t == f) {
            sources.push(f.clone());
        } else if touched.iter().any(|t| tests.contains(&t.as_str())) {
            tests_only.push(f.clone());
        }
    }
    (sources, tests_only)
}

/// The cargo test-target arguments for mutating `files`: `--test=<name>` for each
/// integration test file listed with them that `exists`, and `--lib` (core's unit tests)
/// when a file under `src/` is listed. Passed to every cargo invocation of cargo-mutants,
/// so each mutant builds and runs only these (doc tests are examples, not proofs, and are
/// never run). A file outside [`SAFETY_CORE`] gets all of core's tests but the doc tests.
fn test_targets(files: &[String], exists: impl Fn(&str) -> bool) -> Vec<String> {
    let mut targets: Vec<String> = Vec::new();
    for f in files {
        let tests = SAFETY_CORE
            .iter()
            .find(|s| s.source == f)
            .map_or(&[][..], |s| s.tests);
        for t in tests {
            let arg = match t
                .strip_prefix("crates/patientpay-core/tests/")
                .and_then(|n| n.strip_suffix(".rs"))
            {
                Some(name) => format!("--test={name}"),
                None => "--lib".to_owned(),
            };
            if exists(t) && !targets.contains(&arg) {
                targets.push(arg);
            }
        }
    }
    if targets.is_empty() {
        targets.push("--tests".to_owned());
    }
    targets
}

/// Where cargo-mutants builds: `mutants/` inside the usual target directory, so the
/// third-party dependencies are built once and reused by later runs, and the profile
/// tweaks below never invalidate the normal build.
fn build_target_dir() -> PathBuf {
    let base = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => root().join("target"),
    };
    base.join("mutants")
}

/// Each run copies the tree to a fresh temporary directory, so the workspace crates'
/// artifacts of the previous run (keyed by that path) are never reused: drop them, keep
/// the third-party dependencies.
fn prune_stale_workspace_artifacts(target: &Path) {
    let mut ours: Vec<String> = vec!["patientpay".into(), "libpatientpay".into(), "xtask".into()];
    // Integration test binaries are named after their files.
    if let Ok(tests) = std::fs::read_dir(root().join("crates/patientpay-core/tests")) {
        for t in tests.flatten() {
            let name = t.file_name().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".rs") {
                ours.push(format!("{stem}-"));
            }
        }
    }
    for sub in ["deps", ".fingerprint", "build", "incremental"] {
        let Ok(entries) = std::fs::read_dir(target.join("debug").join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if ours.iter().any(|p| name.starts_with(p.as_str())) {
                let path = entry.path();
                let _ = if path.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
            }
        }
    }
}

fn mutate(requested: &[String], in_diff: Option<&Path>, jobs: Option<u32>) -> Result<(), String> {
    let root = root();
    let mut files = Vec::new();
    for f in requested {
        if root.join(f).is_file() {
            files.push(f.clone());
        } else {
            println!("mutants: {f}: does not exist yet, skipped");
        }
    }
    if files.is_empty() {
        println!("mutants: skipped (none of the requested files exists)");
        return Ok(());
    }
    let target = build_target_dir();
    prune_stale_workspace_artifacts(&target);
    let output = target.clone();
    let mut cmd = cargo();
    cmd.args(["mutants", "--package", PACKAGE, "--test-package", PACKAGE])
        .arg("--output")
        .arg(&output)
        .env("CARGO_TARGET_DIR", &target)
        // Every mutant is an incremental build plus a link: no debug info makes both
        // cheaper, and a failing test's message is all a caught mutant needs.
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_PROFILE_TEST_DEBUG", "0");
    for f in &files {
        cmd.args(["--file", f]);
    }
    for target in test_targets(&files, |t| root.join(t).is_file()) {
        cmd.arg(format!("--cargo-arg={target}"));
    }
    if let Some(diff) = in_diff {
        cmd.arg("--in-diff").arg(diff);
    }
    if let Some(n) = jobs {
        // Parallel builds, each in its own copy of the tree: worth it on an idle machine.
        cmd.arg(format!("--jobs={n}"));
    }
    // A run that finds no mutant (a diff of comments only) writes no outcomes.json: never
    // read the previous run's.
    let outcomes_path = output.join("mutants.out").join("outcomes.json");
    let _ = std::fs::remove_file(&outcomes_path);
    eprintln!(
        "\n==> cargo mutants over {}{}",
        files.join(" "),
        if in_diff.is_some() {
            " (changed lines only)"
        } else {
            ""
        }
    );
    let started = Instant::now();
    let status = cmd
        .status()
        .map_err(|e| format!("cargo mutants: cannot start: {e}"))?;
    eprintln!(
        "<== cargo mutants: {status} in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    // cargo-mutants: 0 all caught, 2 some missed, 3 some timed out; the threshold decides.
    if !matches!(status.code(), Some(0 | 2 | 3)) {
        return Err(format!(
            "cargo mutants failed ({status}); 4 means core's tests fail without any mutation. Logs: {}",
            output.join("mutants.out").join("log").display()
        ));
    }
    // cargo-mutants writes no outcomes.json when the filters leave no mutant.
    if !outcomes_path.exists() && in_diff.is_some() {
        println!("mutants: skipped (the changed lines hold no mutant)");
        return Ok(());
    }
    let tally = if outcomes_path.exists() {
        let text = std::fs::read_to_string(&outcomes_path)
            .map_err(|e| format!("cannot read {}: {e}", outcomes_path.display()))?;
        tally(&text)?
    } else {
        BTreeMap::new()
    };
    report(&files, &tally)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_file_runs_its_own_rule_tests_and_unit_tests_only_when_listed() {
        let files = [
            "crates/patientpay-core/src/money.rs".to_owned(),
            "crates/patientpay-core/src/scrub/views.rs".to_owned(),
            "crates/patientpay-core/src/scrub/matcher.rs".to_owned(),
            "crates/patientpay-core/src/webhook/signature.rs".to_owned(),
        ];
        let all = test_targets(&files, |_| true);
        assert_eq!(
            all,
            [
                "--test=money_rules",
                "--lib",
                "--test=scrub",
                "--test=webhook",
                "--test=mutants_webhook"
            ]
        );
        let existing = test_targets(&files[3..], |t| !t.ends_with("mutants_webhook.rs"));
        assert_eq!(existing, ["--test=webhook", "--lib"]);
        let outcome = ["crates/patientpay-core/src/outcome.rs".to_owned()];
        assert_eq!(test_targets(&outcome, |_| true), ["--test=mutants_outcome"]);
        assert_eq!(
            test_targets(&["crates/patientpay-core/src/nope.rs".to_owned()], |_| true),
            ["--tests"]
        );
    }

    #[test]
    fn every_safety_file_and_rule_test_exists() {
        for f in SAFETY_CORE {
            assert!(root().join(f.source).is_file(), "{}", f.source);
            for t in f.tests {
                assert!(root().join(t).is_file(), "{t}");
            }
        }
    }

    #[test]
    fn changed_sources_run_and_test_only_changes_are_named() {
        let money = "crates/patientpay-core/src/money.rs".to_owned();
        let redact = "crates/patientpay-core/src/redact.rs".to_owned();
        let files = [money.clone(), redact.clone()];
        let (sources, tests_only) = split_changed(
            &files,
            &[
                money.clone(),
                "crates/patientpay-core/tests/mutants_redact.rs".to_owned(),
                "README.md".to_owned(),
            ],
        );
        assert_eq!(sources, [money]);
        assert_eq!(tests_only, [redact]);
        let (sources, tests_only) = split_changed(&files, &["README.md".to_owned()]);
        assert!(sources.is_empty() && tests_only.is_empty());
    }
}
