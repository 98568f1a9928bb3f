//! `cargo xtask quickstart`: the Rust code a newcomer copies first must compile where they
//! copy it to, a crate of their own outside this workspace.
//!
//! Every Rust code block of [`SOURCES`] (the README and the umbrella crate's `//!` docs) is
//! written, as rustdoc would compile it, into `examples/` of a throwaway crate in a temp dir.
//! That crate's manifest is what the same document shows the user: the `[dependencies]` and
//! `[dev-dependencies]` of its ```toml blocks, with every `patientpay*` dependency pointed at
//! this workspace by path (version kept, so a wrong version in the README fails too). A
//! document without a toml block gets what a user would add first: `patientpay` with its
//! default features and `tokio` (macros, multi-threaded runtime). Nothing else is added: a
//! block that uses `patientpay_sandbox::` compiles only if its document shows that line.
//!
//! Blocks without `no_run`/`ignore`/`compile_fail` are also run, with no vendor credential
//! in the environment, so they can reach nothing but a sandbox they start themselves.
//! The build reuses the workspace's target dir (`CARGO_TARGET_DIR`) and `Cargo.lock`.
//!
//! The files: `markdown.rs` finds the code blocks and writes each as rustdoc would compile
//! it; `manifest.rs` reads the dependencies a document shows and writes the throwaway
//! crate's manifest lines; `runner.rs` builds and runs one block; this file walks the
//! documents and reports.

use std::fmt::Write as _;
use std::path::Path;

use crate::root;

mod manifest;
mod markdown;
mod runner;

use manifest::{Dep, enabled_features, local_dep, shown_manifest, toml_string, umbrella_features};
use markdown::{Block, Kind, attrs, blocks, example_source, markdown_lines};
use runner::build_and_run;

/// The documents whose Rust blocks must compile in a user's crate.
const SOURCES: [(&str, Kind); 2] = [
    ("README.md", Kind::Markdown),
    ("crates/patientpay/src/lib.rs", Kind::InnerDocs),
];

/// The outcome of one block.
struct BlockReport {
    place: String,
    result: Result<String, String>,
}

/// Builds (and runs, where rustdoc would) every Rust block of [`SOURCES`].
pub fn quickstart() -> Result<(), String> {
    let keep = std::env::args().any(|a| a == "--keep");
    let work = std::env::temp_dir().join(format!("patientpay-quickstart-{}", std::process::id()));
    let result = quickstart_in(&work);
    match &result {
        Ok(()) if !keep => {
            let _ = std::fs::remove_dir_all(&work);
        }
        _ => eprintln!("    throwaway crates kept in {}", work.display()),
    }
    result
}

fn quickstart_in(work: &Path) -> Result<(), String> {
    let features = umbrella_features()?;
    let edition = workspace_value("edition").unwrap_or_else(|| "2024".to_owned());
    let mut reports = Vec::new();
    for (source, kind) in SOURCES {
        let path = root().join(source);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let all = blocks(&markdown_lines(&text, kind));
        let rust: Vec<&Block> = all.iter().filter(|b| attrs(&b.info).rust).collect();
        if rust.is_empty() {
            eprintln!("    {source}: no Rust block");
            continue;
        }
        let stem = Path::new(source)
            .file_stem()
            .map(|s| s.to_string_lossy().to_lowercase())
            .unwrap_or_else(|| "doc".into());
        let dir = work.join(format!("{stem}-{}", reports.len()));
        match check_source(source, &dir, &stem, &all, &rust, &features, &edition) {
            Ok(mut r) => reports.append(&mut r),
            Err(e) => reports.push(BlockReport {
                place: source.to_owned(),
                result: Err(e),
            }),
        }
    }
    if reports.is_empty() {
        return Err("no Rust code block found in any of the documents checked".into());
    }
    eprintln!("\n    quick starts:");
    let mut failed = 0;
    for r in &reports {
        match &r.result {
            Ok(what) => eprintln!("    ok     {}: {what}", r.place),
            Err(why) => {
                failed += 1;
                eprintln!("    FAILED {}: {why}", r.place);
            }
        }
    }
    if failed == 0 {
        Ok(())
    } else {
        Err(format!(
            "{failed} of {} quick-start block(s) fail in a crate outside the workspace",
            reports.len()
        ))
    }
}

fn workspace_value(key: &str) -> Option<String> {
    let text = std::fs::read_to_string(root().join("Cargo.toml")).ok()?;
    text.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
    })
}

#[allow(clippy::too_many_arguments)]
fn check_source(
    source: &str,
    dir: &Path,
    stem: &str,
    all: &[Block],
    rust: &[&Block],
    features: &[(String, Vec<String>)],
    edition: &str,
) -> Result<Vec<BlockReport>, String> {
    let shown = shown_manifest(all);
    let (deps, dev_deps, note) = if shown.dependencies.is_empty()
        && shown.dev_dependencies.is_empty()
    {
        (
            vec![
                Dep {
                    name: "patientpay".into(),
                    value: "\"0.1\"".into(),
                },
                Dep {
                    name: "tokio".into(),
                    value: "{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }"
                        .into(),
                },
            ],
            Vec::new(),
            format!(
                "{source} shows no [dependencies]; assuming a user's `patientpay = \"0.1\"` and \
                 `tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}`"
            ),
        )
    } else {
        (
            shown.dependencies,
            shown.dev_dependencies,
            format!(
                "{source}: the dependencies its {} toml block(s) show",
                shown.toml_blocks
            ),
        )
    };
    eprintln!("    {note}");
    let all_deps: Vec<&Dep> = deps.iter().chain(dev_deps.iter()).collect();
    let on = enabled_features(&all_deps, features);

    // rustdoc compiles a doc test with the crate's own `feature` cfgs; the throwaway crate
    // declares the umbrella's feature names, on exactly when the umbrella has them on, so a
    // block's `#[cfg(feature = "decoda")]` means what it means in the doc test.
    let mut manifest = String::new();
    let _ = writeln!(
        manifest,
        "[package]\nname = \"patientpay-quickstart-{stem}\"\nversion = \"0.0.0\"\n\
         edition = \"{edition}\"\npublish = false\n\n[workspace]\n\n[features]"
    );
    let default: Vec<String> = features
        .iter()
        .filter(|(n, _)| n != "default" && on.contains(n))
        .map(|(n, _)| toml_string(n))
        .collect();
    let _ = writeln!(manifest, "default = [{}]", default.join(", "));
    for (name, _) in features.iter().filter(|(n, _)| n != "default") {
        let _ = writeln!(manifest, "{name} = []");
    }
    let _ = writeln!(manifest, "\n[dependencies]");
    for d in &deps {
        let _ = writeln!(manifest, "{}", local_dep(d)?);
    }
    let _ = writeln!(manifest, "\n[dev-dependencies]");
    for d in &dev_deps {
        let _ = writeln!(manifest, "{}", local_dep(d)?);
    }

    let examples = dir.join("examples");
    std::fs::create_dir_all(&examples)
        .map_err(|e| format!("cannot create {}: {e}", examples.display()))?;
    std::fs::write(dir.join("Cargo.toml"), &manifest)
        .map_err(|e| format!("cannot write the throwaway manifest: {e}"))?;
    // The workspace's lock file: the same versions as the workspace build, so the shared
    // target dir already holds most of what this crate needs.
    let _ = std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock"));
    std::fs::create_dir_all(dir.join("src")).map_err(|e| format!("cannot create src/: {e}"))?;
    std::fs::write(dir.join("src/lib.rs"), "")
        .map_err(|e| format!("cannot write src/lib.rs: {e}"))?;

    let mut reports = Vec::new();
    for (k, block) in rust.iter().enumerate() {
        let a = attrs(&block.info);
        let place = format!(
            "{source}:{} (```{})",
            block.first_line.saturating_sub(1),
            if block.info.is_empty() {
                "rust"
            } else {
                &block.info
            }
        );
        if a.ignore {
            reports.push(BlockReport {
                place,
                result: Ok("not compiled (marked ignore)".into()),
            });
            continue;
        }
        if a.compile_fail {
            reports.push(BlockReport {
                place,
                result: Ok("not compiled (marked compile_fail)".into()),
            });
            continue;
        }
        let name = format!("quickstart_{stem}_{}", k + 1);
        let (code, line_map) = example_source(source, block);
        std::fs::write(examples.join(format!("{name}.rs")), code)
            .map_err(|e| format!("cannot write example {name}: {e}"))?;
        let result = build_and_run(dir, &name, source, &line_map, &a);
        reports.push(BlockReport { place, result });
    }
    Ok(reports)
}
