//! The git questions of `--changed`: the merge base, what changed since, its diff.

use std::process::Command;

use super::normalize;
use crate::root;

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
pub(super) fn merge_base() -> String {
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
pub(super) fn changed_since(base: &str) -> Result<Vec<String>, String> {
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
pub(super) fn diff_of(base: &str, files: &[String]) -> Result<String, String> {
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
