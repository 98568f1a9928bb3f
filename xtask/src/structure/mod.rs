//! Two `cargo xtask ci` steps that keep the source readable (issue 14, "a structure you can
//! read"), with a small line-based scanner of Rust text (no parser):
//!
//! - **file size**: no hand-written `.rs` file under `crates/*/src/` or `xtask/src/` has more
//!   than [`size::MAX_LINES`] lines of non-test code: every line before the `#[cfg(test)]`
//!   that opens the file's inline test module (a `#[cfg(test)]` over an out-of-line `mod x;`
//!   marks the file of `x` as test code, exempt; over anything else it counts as code). A file
//!   with `@generated` in its first five lines is exempt. Files over the limit when the check
//!   was added are listed, each with its reason, in [`size::ALLOWED_OVER`].
//! - **module cycles**: per crate, the graph between the top-level modules of `src/` (the
//!   first path component below `src/`), with an edge `a -> b` when non-test code of `a`
//!   names `crate::b…` (also inside `use crate::{b, …}` groups) or reaches `b` through
//!   `super::` up to the crate root. Edges inside one top-level module (a module and its
//!   children) do not count, nor does the crate root (`lib.rs`/`main.rs`, whose re-exports
//!   name every module), nor a path naming an item the root re-exports (`crate::Error`). Any
//!   cycle fails the step and is printed (`a -> b -> a`), with where each edge is written.
//!
//! The files: `size.rs` counts lines; `scan.rs` reads Rust text (comments and literals
//! blanked, then the paths that reach the crate root); `graph.rs` builds each crate's module
//! graph and finds its cycles.

use std::path::{Path, PathBuf};

mod graph;
mod scan;
mod size;

/// One source file, as the checks see it.
struct SourceFile {
    /// Path relative to the workspace root, with `/` separators.
    rel: String,
    text: String,
}

/// The `src/` folders checked: `crates/*/src` and `xtask/src`, each with its crate's name.
fn source_roots(workspace: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let crates = workspace.join("crates");
    let entries =
        std::fs::read_dir(&crates).map_err(|e| format!("cannot read {}: {e}", crates.display()))?;
    let mut roots: Vec<(String, PathBuf)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("src").is_dir())
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, p.join("src"))
        })
        .collect();
    roots.push(("xtask".to_owned(), workspace.join("xtask/src")));
    roots.sort();
    Ok(roots)
}

/// Every `.rs` file below `dir`, sorted.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            rust_files(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    Ok(())
}

fn read_sources(workspace: &Path, src: &Path) -> Result<Vec<SourceFile>, String> {
    let mut paths = Vec::new();
    rust_files(src, &mut paths)?;
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
            let rel = p
                .strip_prefix(workspace)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            Ok(SourceFile { rel, text })
        })
        .collect()
}

/// The file-size step: `Err` lists the files over [`size::MAX_LINES`].
pub fn file_size() -> Result<(), String> {
    size::file_size_in(&crate::root())
}

/// The module-cycles step: `Err` lists the cycles.
pub fn module_cycles() -> Result<(), String> {
    graph::module_cycles_in(&crate::root())
}

#[cfg(test)]
mod tests {
    use super::{file_size, module_cycles};

    /// The two steps on this checkout (`cargo nextest run -p xtask --run-ignored only`).
    #[test]
    #[ignore = "reads the whole workspace; run on purpose"]
    fn on_this_tree() {
        let size = file_size();
        let cycles = module_cycles();
        assert!(size.is_ok() && cycles.is_ok(), "{size:?} {cycles:?}");
    }
}
