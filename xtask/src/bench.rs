//! `cargo xtask bench`: the build-cost figures, then the bench binary
//! (`crates/patientpay/benches/patientpay_bench/`), then the `build_one_vendor_vs_bare`
//! ratio line. See docs/performance.md.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::{cargo, root, run};

/// Build figures, the bench binary (its output ends with four `ratio` lines), and the
/// fifth `ratio` line. `args` go to the bench binary (`--quick`); `--build-cost-only`
/// runs only the clean-build comparison (two clean release builds) and its `ratio` line.
pub fn bench(args: &[String]) -> Result<(), String> {
    if args.iter().any(|a| a == "--build-cost-only") {
        let vs_bare = build_cost_vs_bare()?;
        println!("ratio build_one_vendor_vs_bare {vs_bare:.3}");
        return Ok(());
    }
    build_times()?;
    let vs_bare = build_cost_vs_bare()?;
    let mut cmd = cargo();
    cmd.args([
        "bench",
        "-p",
        "patientpay",
        "--bench",
        "patientpay_bench",
        "--",
    ])
    .args(args);
    run("bench", cmd)?;
    println!("ratio build_one_vendor_vs_bare {vs_bare:.3}");
    Ok(())
}

/// Compile cost of our own crates for a user who enables one vendor vs all of them: the
/// third-party dependencies are built once (not timed; shared with `cargo bench`), then the
/// patientpay crates are cleaned and rebuilt for each feature set and timed. Also counts
/// the crates each feature set compiles.
fn build_times() -> Result<(), String> {
    let mut warm = cargo();
    warm.args([
        "build",
        "--release",
        "-p",
        "patientpay",
        "--features",
        "full",
    ]);
    run("bench: warm dependency build (not timed)", warm)?;
    let ours = [
        "patientpay",
        "patientpay-core",
        "patientpay-careportals",
        "patientpay-carevalidate",
        "patientpay-decoda",
    ];
    let mut lines = Vec::new();
    for features in ["decoda", "full"] {
        let mut clean = cargo();
        clean.args(["clean", "--release"]);
        for c in ours {
            clean.args(["-p", c]);
        }
        clean.stderr(std::process::Stdio::null());
        run(
            &format!("bench: clean patientpay crates ({features})"),
            clean,
        )?;
        let mut build = cargo();
        build.args([
            "build",
            "--release",
            "-p",
            "patientpay",
            "--no-default-features",
            "--features",
            features,
        ]);
        let started = Instant::now();
        run(&format!("bench: build --features {features}"), build)?;
        let secs = started.elapsed().as_secs_f64();
        let crates = crate_set(cargo().args([
            "tree",
            "-p",
            "patientpay",
            "--no-default-features",
            "--features",
            features,
        ]))?;
        lines.push(format!(
            "build_seconds --features {features}: {secs:.1}s for the patientpay crates; {} crates in the dependency tree",
            crates.len()
        ));
    }
    for l in lines {
        println!("{l}");
    }
    Ok(())
}

/// The names of the crates in a `cargo tree` (normal dependencies, deduplicated).
fn crate_set(tree: &mut Command) -> Result<BTreeSet<String>, String> {
    let out = tree
        .args(["-e", "normal", "--prefix", "none", "--format", "{p}"])
        .output()
        .map_err(|e| format!("cargo tree: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo tree failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect())
}

/// The bare project's dependencies: the workspace's own lines for reqwest, serde,
/// serde_json and tokio (same versions, same features as patientpay-core uses).
fn bare_dependencies(workspace_toml: &str) -> Result<String, String> {
    let mut deps = String::new();
    for name in ["reqwest", "serde", "serde_json", "tokio"] {
        let line = workspace_toml
            .lines()
            .find(|l| l.split('=').next().map(str::trim) == Some(name))
            .ok_or_else(|| format!("no `{name} = ...` line in the workspace Cargo.toml"))?;
        deps.push_str(line);
        deps.push('\n');
    }
    Ok(deps)
}

const BARE_LIB: &str = r#"//! What a user writes without patientpay: one reqwest call, parsed with serde.

/// The part of an answer this client reads.
#[derive(serde::Deserialize)]
pub struct Balance {
    /// Amount owed, minor units.
    pub total: i64,
}

/// GET `url` and parse the answer.
pub async fn fetch(
    client: &reqwest::Client,
    url: &str,
) -> Result<Balance, Box<dyn std::error::Error + Send + Sync>> {
    let bytes = client.get(url).send().await?.bytes().await?;
    Ok(serde_json::from_slice(&bytes)?)
}

/// A runtime to call it on.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().build()
}
"#;

/// Writes the bare project (reqwest + rustls + serde + serde_json + tokio, the workspace's
/// versions: Cargo.lock copied from the workspace) into `dir`.
fn write_bare_project(dir: &Path) -> Result<(), String> {
    let root = root();
    let ws =
        std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| format!("Cargo.toml: {e}"))?;
    let manifest = format!(
        "[package]\nname = \"bare-reqwest\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{}\n# Not a member of the patientpay workspace.\n[workspace]\n",
        bare_dependencies(&ws)?
    );
    let io = |e: std::io::Error| format!("bare project {}: {e}", dir.display());
    std::fs::create_dir_all(dir.join("src")).map_err(io)?;
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(io)?;
    std::fs::write(dir.join("src/lib.rs"), BARE_LIB).map_err(io)?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(io)?;
    Ok(())
}

/// Seconds per compile unit from `cargo build --timings`' HTML report (its `UNIT_DATA`
/// array: each unit's `"name": ...` then its `"duration": ...`), summed per crate name.
/// Empty when the report is missing or its format changed (the figures then say 0.0s).
fn unit_seconds(target_dir: &Path) -> Vec<(String, f64)> {
    let Ok(html) = std::fs::read_to_string(target_dir.join("cargo-timings/cargo-timing.html"))
    else {
        return Vec::new();
    };
    let Some(data) = html.split("UNIT_DATA = ").nth(1) else {
        return Vec::new();
    };
    let mut out: Vec<(String, f64)> = Vec::new();
    for unit in data.split("\"name\":").skip(1) {
        let name = unit.trim_start().trim_start_matches('"');
        let name = name.split('"').next().unwrap_or_default().to_owned();
        let secs = unit
            .split("\"duration\":")
            .nth(1)
            .and_then(|d| d.split([',', '}']).next())
            .and_then(|d| d.trim().parse::<f64>().ok())
            .unwrap_or(0.0);
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some(e) => e.1 += secs,
            None => out.push((name, secs)),
        }
        if unit.contains("];") {
            break;
        }
    }
    out
}

/// A clean release build, dependencies included, into a fresh `target_dir` (removed before
/// and after): wall-clock seconds and per-crate unit seconds.
fn clean_build(
    step: &str,
    mut cmd: Command,
    target_dir: &Path,
) -> Result<(f64, Vec<(String, f64)>), String> {
    let _ = std::fs::remove_dir_all(target_dir);
    cmd.env("CARGO_TARGET_DIR", target_dir)
        .env_remove("CARGO_INCREMENTAL");
    let started = Instant::now();
    run(step, cmd)?;
    let secs = started.elapsed().as_secs_f64();
    let units = unit_seconds(target_dir);
    let _ = std::fs::remove_dir_all(target_dir);
    Ok((secs, units))
}

/// `build_one_vendor_vs_bare`: a clean release build including dependencies of
/// `patientpay --no-default-features --features decoda` against the bare project, each in
/// a fresh target dir under `target/bench-build/`. Prints both times, the crates only the
/// SDK pulls and their compile-unit seconds; returns SDK seconds ÷ bare seconds.
fn build_cost_vs_bare() -> Result<f64, String> {
    let work = root().join("target/bench-build");
    let bare_dir = work.join("bare-project");
    write_bare_project(&bare_dir)?;
    let manifest = bare_dir.join("Cargo.toml");
    let mut bare = cargo();
    bare.args(["build", "--release", "--timings", "--manifest-path"])
        .arg(&manifest);
    let (bare_secs, bare_units) = clean_build(
        "bench: clean build, bare reqwest project",
        bare,
        &work.join("bare-target"),
    )?;
    let mut sdk = cargo();
    sdk.args([
        "build",
        "--release",
        "--timings",
        "-p",
        "patientpay",
        "--no-default-features",
        "--features",
        "decoda",
    ]);
    let (sdk_secs, sdk_units) = clean_build(
        "bench: clean build, patientpay --features decoda",
        sdk,
        &work.join("sdk-target"),
    )?;
    let sdk_crates = crate_set(cargo().args([
        "tree",
        "-p",
        "patientpay",
        "--no-default-features",
        "--features",
        "decoda",
    ]))?;
    let bare_crates = crate_set(cargo().arg("tree").arg("--manifest-path").arg(&manifest))?;
    let _ = std::fs::remove_dir_all(&work);
    let extra: Vec<&String> = sdk_crates.difference(&bare_crates).collect();
    let unit = |name: &str| {
        sdk_units
            .iter()
            .find(|(n, _)| n == name)
            .map_or(0.0, |u| u.1)
    };
    let ours: Vec<String> = extra
        .iter()
        .filter(|n| n.starts_with("patientpay"))
        .map(|n| format!("{n} {:.1}s", unit(n)))
        .collect();
    let theirs: Vec<String> = extra
        .iter()
        .filter(|n| !n.starts_with("patientpay"))
        .map(|n| format!("{n} {:.1}s", unit(n)))
        .collect();
    let total = |u: &[(String, f64)]| u.iter().map(|x| x.1).sum::<f64>();
    println!(
        "build_one_vendor_vs_bare: clean release builds including dependencies, fresh target dirs: patientpay --no-default-features --features decoda {sdk_secs:.1}s ({} crates, {:.0}s of compile units) | bare reqwest+rustls+serde+serde_json+tokio {bare_secs:.1}s ({} crates, {:.0}s of compile units) | ratio {:.3}",
        sdk_crates.len(),
        total(&sdk_units),
        bare_crates.len(),
        total(&bare_units),
        sdk_secs / bare_secs
    );
    println!(
        "build_one_vendor_vs_bare: crates only the SDK pulls, with their compile-unit seconds (build scripts included; units overlap on 2 cores, so they do not add up to wall time): ours: {}; third-party: {}",
        ours.join(", "),
        theirs.join(", ")
    );
    Ok(sdk_secs / bare_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_seconds_reads_cargo_timings_and_sums_per_crate() {
        let dir = std::env::temp_dir().join(format!("xtask-timings-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("cargo-timings")).unwrap();
        let html = r#"<script>
const UNIT_DATA = [
  {
    "i": 0,
    "name": "ring",
    "target": " build-script-build \"custom-build\"",
    "features": [],
    "start": 0.5,
    "duration": 1.25,
    "sections": null
  },
  {
    "i": 1,
    "name": "ring",
    "start": 2.0,
    "duration": 3.5,
    "sections": null
  },
  {"i": 2, "name": "xtask", "start": 6.0, "duration": 0.75}
];
const CONCURRENCY_DATA = [{"t": 0.99, "active": 1}];
</script>"#;
        std::fs::write(dir.join("cargo-timings/cargo-timing.html"), html).unwrap();
        let units = unit_seconds(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            units,
            vec![("ring".to_owned(), 4.75), ("xtask".to_owned(), 0.75)]
        );
        assert!(unit_seconds(Path::new("/nonexistent")).is_empty());
    }

    #[test]
    fn bare_project_takes_the_workspace_dependency_lines() {
        let ws = "[workspace.dependencies]\nreqwest = { version = \"0.13\", features = [\"rustls\"] }\n\
                  serde = \"1\"\nserde_json = \"1\"\nserde_path_to_error = \"0.1\"\ntokio = \"1\"\n";
        let deps = bare_dependencies(ws).unwrap();
        assert!(deps.contains("reqwest = { version = \"0.13\", features = [\"rustls\"] }"));
        assert!(!deps.contains("serde_path_to_error"));
        assert_eq!(deps.lines().count(), 4);
        assert!(bare_dependencies("serde = \"1\"").is_err());
    }
}
