//! `cargo xtask mutants [--file F]... [--changed]`: mutation testing of the safety core.
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
use std::process::Command;
use std::time::Instant;

use crate::{cargo, has_cargo_subcommand, root};

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
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--changed" => changed = true,
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
        return mutate(&files, None);
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
    mutate(&sources, Some(&diff_path))
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
    "usage: cargo xtask mutants [--file crates/patientpay-core/src/F.rs]... [--changed]";
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

fn git_output(args: &[&str]) -> Option<(bool, String)> {
    let out = Command::new("git")
        .args(args)
        .current_dir(root())
        .output()
        .ok()?;
    Some((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

fn git(args: &[&str]) -> Option<String> {
    match git_output(args)? {
        (true, out) => Some(out.trim().to_owned()),
        (false, _) => None,
    }
}

/// The merge base with `main`'s upstream, or `HEAD`'s first parent when `main` has no
/// upstream (or the empty tree in a repository of one commit).
fn merge_base() -> String {
    let upstream = git(&[
        "rev-parse",
        "--abbrev-ref",
        "--symbolic-full-name",
        "main@{upstream}",
    ]);
    let base = match upstream {
        Some(up) => git(&["merge-base", "HEAD", &up]),
        None => git(&["rev-parse", "--verify", "--quiet", "HEAD^1"]),
    };
    let base = base.unwrap_or_else(|| EMPTY_TREE.to_owned());
    eprintln!("mutants: changes since {base}");
    base
}

const EMPTY_TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

fn untracked() -> Vec<String> {
    git(&["ls-files", "--others", "--exclude-standard"])
        .unwrap_or_default()
        .lines()
        .map(normalize)
        .collect()
}

/// Files changed (committed, staged, unstaged or untracked) since `base`.
fn changed_since(base: &str) -> Result<Vec<String>, String> {
    let diff = git(&["diff", "--name-only", base])
        .ok_or_else(|| format!("git diff --name-only {base} failed"))?;
    Ok(diff
        .lines()
        .map(normalize)
        .chain(untracked())
        .filter(|l| !l.is_empty())
        .collect())
}

/// The diff of `files` between `base` and the working tree, new untracked files included,
/// in the form `cargo mutants --in-diff` reads.
fn diff_of(base: &str, files: &[String]) -> Result<String, String> {
    let mut args = vec!["diff", base, "--"];
    args.extend(files.iter().map(String::as_str));
    let mut diff = git(&args).ok_or_else(|| format!("git diff {base} failed"))?;
    let new = untracked();
    for f in files.iter().filter(|f| new.contains(f)) {
        // `--no-index` exits 1 when the files differ, which they do.
        if let Some((_, d)) = git_output(&["diff", "--no-index", "--", "/dev/null", f]) {
            diff.push('\n');
            diff.push_str(&d);
        }
    }
    diff.push('\n');
    Ok(diff)
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

fn mutate(requested: &[String], in_diff: Option<&Path>) -> Result<(), String> {
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

/// Mutant results of one file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct FileTally {
    caught: u64,
    timeout: u64,
    missed: Vec<String>,
    unviable: u64,
}

impl FileTally {
    fn killed(&self) -> u64 {
        self.caught + self.timeout
    }
    fn viable(&self) -> u64 {
        self.killed() + self.missed.len() as u64
    }
    fn passes(&self) -> bool {
        self.killed() * 100 >= THRESHOLD_PERCENT * self.viable()
    }
}

fn percent(killed: u64, viable: u64) -> String {
    // One decimal, rounded down, in integers so that 94.96 % never shows as 95.0 %.
    match (killed * 1000).checked_div(viable) {
        Some(tenths) => format!("{}.{}%", tenths / 10, tenths % 10),
        None => "no viable mutants".to_owned(),
    }
}

fn summary_line(label: &str, t: &FileTally) -> String {
    let mut line = format!(
        "mutants: {label}: caught {} of {} viable ({})",
        t.killed(),
        t.viable(),
        percent(t.killed(), t.viable())
    );
    if t.timeout > 0 {
        line.push_str(&format!(", {} of them by timeout", t.timeout));
    }
    line.push_str(&format!("; {} unviable", t.unviable));
    line
}

/// Prints per file and in total; fails when a file is below the threshold.
fn report(files: &[String], tally: &BTreeMap<String, FileTally>) -> Result<(), String> {
    let mut total = FileTally::default();
    let mut failing = Vec::new();
    for f in files {
        let t = tally.get(f).cloned().unwrap_or_default();
        println!("{}", summary_line(f, &t));
        for m in &t.missed {
            println!("    missed: {m}");
        }
        if !t.passes() {
            failing.push(f.clone());
        }
        total.caught += t.caught;
        total.timeout += t.timeout;
        total.unviable += t.unviable;
        total.missed.extend(t.missed);
    }
    println!("{}", summary_line("total", &total));
    if failing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "below {THRESHOLD_PERCENT}% caught: {} (add a test that states the broken rule, or exclude a truly equivalent mutant in .cargo/mutants.toml with its reason)",
            failing.join(", ")
        ))
    }
}

/// Counts outcomes per file from cargo-mutants' `outcomes.json`.
fn tally(text: &str) -> Result<BTreeMap<String, FileTally>, String> {
    let doc = json::parse(text).map_err(|e| format!("outcomes.json: {e}"))?;
    let outcomes = doc
        .get("outcomes")
        .and_then(json::Value::as_array)
        .ok_or("outcomes.json: no `outcomes` array")?;
    let mut by_file: BTreeMap<String, FileTally> = BTreeMap::new();
    for o in outcomes {
        let summary = o.get("summary").and_then(json::Value::as_str).unwrap_or("");
        let Some(mutant) = o.get("scenario").and_then(|s| s.get("Mutant")) else {
            // The baseline: cargo-mutants exits 4 when it fails, checked by the caller.
            continue;
        };
        let file = mutant
            .get("file")
            .and_then(json::Value::as_str)
            .ok_or("outcomes.json: a mutant without `file`")?;
        let t = by_file.entry(normalize(file)).or_default();
        match summary {
            "CaughtMutant" => t.caught += 1,
            "Timeout" => t.timeout += 1,
            "Unviable" => t.unviable += 1,
            "MissedMutant" => t.missed.push(describe(file, mutant)),
            other => return Err(format!("outcomes.json: unexpected summary {other:?}")),
        }
    }
    Ok(by_file)
}

/// `money.rs:215:9: replace Money::is_positive -> bool with true`.
fn describe(file: &str, mutant: &json::Value) -> String {
    let line = mutant
        .get("span")
        .and_then(|s| s.get("start"))
        .and_then(|s| s.get("line"))
        .and_then(json::Value::as_number)
        .unwrap_or("?");
    let name = mutant
        .get("name")
        .and_then(json::Value::as_str)
        .unwrap_or("?");
    let short = file.rsplit('/').next().unwrap_or(file);
    format!("{short}:{line}: {name}")
}

/// A small JSON reader, enough for cargo-mutants' output (xtask has no dependencies).
mod json {
    /// A parsed JSON value; numbers keep their text.
    #[derive(Debug, Clone, PartialEq)]
    pub enum Value {
        Null,
        Bool(bool),
        Number(String),
        String(String),
        Array(Vec<Value>),
        Object(Vec<(String, Value)>),
    }

    impl Value {
        pub fn get(&self, key: &str) -> Option<&Value> {
            match self {
                Value::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
                _ => None,
            }
        }
        pub fn as_str(&self) -> Option<&str> {
            match self {
                Value::String(s) => Some(s),
                _ => None,
            }
        }
        pub fn as_number(&self) -> Option<&str> {
            match self {
                Value::Number(s) => Some(s),
                _ => None,
            }
        }
        pub fn as_array(&self) -> Option<&[Value]> {
            match self {
                Value::Array(a) => Some(a),
                _ => None,
            }
        }
    }

    pub fn parse(text: &str) -> Result<Value, String> {
        let mut p = Parser {
            s: text.as_bytes(),
            i: 0,
        };
        let v = p.value(0)?;
        p.ws();
        if p.i != p.s.len() {
            return Err(format!("trailing characters at byte {}", p.i));
        }
        Ok(v)
    }

    struct Parser<'a> {
        s: &'a [u8],
        i: usize,
    }

    impl Parser<'_> {
        fn ws(&mut self) {
            while self
                .s
                .get(self.i)
                .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            {
                self.i += 1;
            }
        }

        fn err<T>(&self, what: &str) -> Result<T, String> {
            Err(format!("{what} at byte {}", self.i))
        }

        fn eat(&mut self, b: u8) -> Result<(), String> {
            if self.s.get(self.i) == Some(&b) {
                self.i += 1;
                Ok(())
            } else {
                self.err(&format!("expected {:?}", char::from(b)))
            }
        }

        fn literal(&mut self, word: &str, v: Value) -> Result<Value, String> {
            if self.s[self.i..].starts_with(word.as_bytes()) {
                self.i += word.len();
                Ok(v)
            } else {
                self.err("invalid literal")
            }
        }

        fn value(&mut self, depth: usize) -> Result<Value, String> {
            if depth > 128 {
                return self.err("nested too deeply");
            }
            self.ws();
            match self.s.get(self.i) {
                Some(b'{') => {
                    self.i += 1;
                    let mut fields = Vec::new();
                    self.ws();
                    if self.s.get(self.i) == Some(&b'}') {
                        self.i += 1;
                        return Ok(Value::Object(fields));
                    }
                    loop {
                        self.ws();
                        let key = self.string()?;
                        self.ws();
                        self.eat(b':')?;
                        let v = self.value(depth + 1)?;
                        fields.push((key, v));
                        self.ws();
                        match self.s.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {
                                self.i += 1;
                                return Ok(Value::Object(fields));
                            }
                            _ => return self.err("expected ',' or '}'"),
                        }
                    }
                }
                Some(b'[') => {
                    self.i += 1;
                    let mut items = Vec::new();
                    self.ws();
                    if self.s.get(self.i) == Some(&b']') {
                        self.i += 1;
                        return Ok(Value::Array(items));
                    }
                    loop {
                        items.push(self.value(depth + 1)?);
                        self.ws();
                        match self.s.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                return Ok(Value::Array(items));
                            }
                            _ => return self.err("expected ',' or ']'"),
                        }
                    }
                }
                Some(b'"') => Ok(Value::String(self.string()?)),
                Some(b't') => self.literal("true", Value::Bool(true)),
                Some(b'f') => self.literal("false", Value::Bool(false)),
                Some(b'n') => self.literal("null", Value::Null),
                Some(b'-' | b'0'..=b'9') => {
                    let start = self.i;
                    while self.s.get(self.i).is_some_and(|b| {
                        matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                    }) {
                        self.i += 1;
                    }
                    let n = std::str::from_utf8(&self.s[start..self.i]).unwrap_or_default();
                    Ok(Value::Number(n.to_owned()))
                }
                _ => self.err("expected a JSON value"),
            }
        }

        fn hex4(&mut self) -> Result<u32, String> {
            let digits = self
                .s
                .get(self.i..self.i + 4)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u32::from_str_radix(h, 16).ok());
            match digits {
                Some(v) => {
                    self.i += 4;
                    Ok(v)
                }
                None => self.err("bad \\u escape"),
            }
        }

        fn string(&mut self) -> Result<String, String> {
            self.eat(b'"')?;
            let mut out: Vec<u8> = Vec::new();
            loop {
                let Some(&b) = self.s.get(self.i) else {
                    return self.err("unterminated string");
                };
                self.i += 1;
                match b {
                    b'"' => break,
                    b'\\' => {
                        let Some(&e) = self.s.get(self.i) else {
                            return self.err("unterminated escape");
                        };
                        self.i += 1;
                        let c = match e {
                            b'"' => '"',
                            b'\\' => '\\',
                            b'/' => '/',
                            b'b' => '\u{8}',
                            b'f' => '\u{c}',
                            b'n' => '\n',
                            b'r' => '\r',
                            b't' => '\t',
                            b'u' => {
                                let hi = self.hex4()?;
                                let code = if (0xD800..0xDC00).contains(&hi) {
                                    self.eat(b'\\')?;
                                    self.eat(b'u')?;
                                    let lo = self.hex4()?;
                                    if !(0xDC00..0xE000).contains(&lo) {
                                        return self.err("bad surrogate pair");
                                    }
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    hi
                                };
                                char::from_u32(code).unwrap_or('\u{FFFD}')
                            }
                            _ => return self.err("bad escape"),
                        };
                        let mut buf = [0; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                    _ => out.push(b),
                }
            }
            String::from_utf8(out).map_err(|_| format!("invalid UTF-8 before byte {}", self.i))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape cargo-mutants 27 writes (trimmed to the fields this task reads).
    const OUTCOMES: &str = r#"{
      "outcomes": [
        {"scenario": "Baseline", "summary": "Success", "log_path": "log/baseline.log"},
        {"scenario": {"Mutant": {"name": "replace Money::is_positive -> bool with true",
            "package": "patientpay-core", "file": "crates/patientpay-core/src/money.rs",
            "function": {"function_name": "Money::is_positive"},
            "span": {"start": {"line": 215, "column": 9}, "end": {"line": 215, "column": 23}},
            "replacement": "true", "genre": "FnValue"}},
         "summary": "MissedMutant"},
        {"scenario": {"Mutant": {"file": "crates/patientpay-core/src/money.rs", "name": "b"}},
         "summary": "CaughtMutant"},
        {"scenario": {"Mutant": {"file": "crates/patientpay-core/src/money.rs", "name": "c"}},
         "summary": "Unviable"},
        {"scenario": {"Mutant": {"file": "crates/patientpay-core/src/redact.rs", "name": "d \"q\" \u00e9 \ud83d\ude00"}},
         "summary": "Timeout"}
      ],
      "total_mutants": 4, "missed": 1, "caught": 1, "timeout": 1, "unviable": 1, "success": 0,
      "start_time": "2026-12-02T01:00:00Z", "end_time": null, "cargo_mutants_version": "27.1.0"
    }"#;

    #[test]
    fn tallies_outcomes_per_file() {
        let t = tally(OUTCOMES).unwrap();
        let money = &t["crates/patientpay-core/src/money.rs"];
        assert_eq!(money.caught, 1);
        assert_eq!(money.unviable, 1);
        assert_eq!(
            money.missed,
            ["money.rs:215: replace Money::is_positive -> bool with true"]
        );
        assert_eq!(money.viable(), 2);
        assert!(!money.passes());
        let redact = &t["crates/patientpay-core/src/redact.rs"];
        assert_eq!((redact.timeout, redact.viable()), (1, 1));
        assert!(redact.passes());
    }

    #[test]
    fn threshold_is_95_percent_per_file() {
        let t = |caught, missed: usize| FileTally {
            caught,
            missed: vec![String::new(); missed],
            ..FileTally::default()
        };
        assert!(t(19, 1).passes());
        assert!(!t(18, 1).passes());
        assert!(!t(94, 5).passes());
        assert!(t(0, 0).passes());
        assert_eq!(percent(949, 1000), "94.9%");
        assert_eq!(percent(19, 20), "95.0%");
        assert_eq!(percent(0, 0), "no viable mutants");
        assert_eq!(
            summary_line("total", &t(19, 1)),
            "mutants: total: caught 19 of 20 viable (95.0%); 0 unviable"
        );
    }

    #[test]
    fn report_fails_on_a_file_below_the_threshold() {
        let t = tally(OUTCOMES).unwrap();
        let files = [
            "crates/patientpay-core/src/money.rs".to_owned(),
            "crates/patientpay-core/src/redact.rs".to_owned(),
        ];
        let err = report(&files, &t).unwrap_err();
        assert!(
            err.contains("money.rs") && !err.contains("redact.rs"),
            "{err}"
        );
        assert!(report(&files[1..], &t).is_ok());
    }

    #[test]
    fn json_reader_handles_escapes_and_rejects_junk() {
        let v = json::parse(r#"{"a": ["x\"\\\/\n\u00e9\ud83d\ude00", -1.5e3, true, null, {}]}"#)
            .unwrap();
        let a = v.get("a").and_then(json::Value::as_array).unwrap();
        assert_eq!(a[0].as_str(), Some("x\"\\/\né😀"));
        assert_eq!(a[1].as_number(), Some("-1.5e3"));
        assert_eq!(a[2], json::Value::Bool(true));
        assert_eq!(a[3], json::Value::Null);
        assert_eq!(a[4], json::Value::Object(Vec::new()));
        for bad in [
            "",
            "{",
            "[1,]",
            r#"{"a" 1}"#,
            r#""abc"#,
            "tru",
            "[1] x",
            r#""\q""#,
        ] {
            assert!(json::parse(bad).is_err(), "{bad:?}");
        }
    }

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
