//! The file-size rule: non-test lines, generated and test-only files exempt, the allow-list.

use std::collections::BTreeSet;
use std::path::Path;

use super::{SourceFile, read_sources, source_roots};

/// Most lines of non-test code a hand-written file may have.
pub const MAX_LINES: usize = 600;

/// Files over [`MAX_LINES`] when the check was added, each with why it may be for now. The
/// lead empties this list when the splits named here are merged; an entry whose file is no
/// longer over the limit fails the step, so the list cannot outlive its reason.
pub(super) const ALLOWED_OVER: &[(&str, &str)] = &[
    // Empty: every file over the limit when this check was written (core scrub.rs and
    // webhook.rs, the sandbox's vendor files and lib.rs, xtask mutants.rs) has been split.
    // An entry names the file and why it may stay over the limit.
];

/// Whether `text` says it is generated (`@generated` in its first five lines).
pub(super) fn is_generated(text: &str) -> bool {
    text.lines().take(5).any(|l| l.contains("@generated"))
}

/// `#[cfg(test)]` directly above `mod name;`: the name of that test-only module.
pub(super) fn out_of_line_test_mod(next: Option<&str>) -> Option<String> {
    let decl = next?.trim();
    let decl = decl.strip_prefix("pub(crate) ").unwrap_or(decl);
    let decl = decl.strip_prefix("pub(super) ").unwrap_or(decl);
    let name = decl.strip_prefix("mod ")?.strip_suffix(';')?.trim();
    (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .then(|| name.to_owned())
}

/// Whether `line` opens an inline module (`mod tests {`, `pub(crate) mod tests {`).
fn opens_inline_mod(line: Option<&str>) -> bool {
    let Some(decl) = line.map(str::trim) else {
        return false;
    };
    let decl = decl.strip_prefix("pub(crate) ").unwrap_or(decl);
    let decl = decl.strip_prefix("pub(super) ").unwrap_or(decl);
    decl.strip_prefix("mod ")
        .is_some_and(|rest| rest.trim_end().ends_with('{'))
}

/// The lines of non-test code: those before the first line that is `#[cfg(test)]` and opens
/// the file's inline test module. A `#[cfg(test)]` over anything else (an out-of-line
/// `mod x;`, a `use`, a helper) does not end the count, so it cannot hide the code below it.
pub(super) fn non_test_lines(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.trim_end() == "#[cfg(test)]" && opens_inline_mod(lines.get(i + 1).copied()) {
            return lines[..i].to_vec();
        }
    }
    lines
}

/// The files (relative paths) declared as test-only modules (`#[cfg(test)] mod tests;`).
pub(super) fn test_only_files(files: &[SourceFile]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for f in files {
        let lines: Vec<&str> = f.text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.trim() != "#[cfg(test)]" {
                continue;
            }
            let Some(name) = out_of_line_test_mod(lines.get(i + 1).copied()) else {
                continue;
            };
            // `a/mod.rs`, `lib.rs`, `main.rs` declare children in their folder; `a.rs` in `a/`.
            let (dir, stem) = match f.rel.rsplit_once('/') {
                Some((dir, file)) => (dir, file.trim_end_matches(".rs")),
                None => ("", f.rel.trim_end_matches(".rs")),
            };
            let base = if matches!(stem, "mod" | "lib" | "main") {
                dir.to_owned()
            } else {
                format!("{dir}/{stem}")
            };
            out.insert(format!("{base}/{name}.rs"));
            out.insert(format!("{base}/{name}/mod.rs"));
        }
    }
    out
}

/// `(file, non-test lines)` of every hand-written file over `max`.
pub(super) fn oversized(files: &[SourceFile], max: usize) -> Vec<(String, usize)> {
    let tests = test_only_files(files);
    files
        .iter()
        .filter(|f| !is_generated(&f.text) && !tests.contains(&f.rel))
        .map(|f| (f.rel.clone(), non_test_lines(&f.text).len()))
        .filter(|(_, n)| *n > max)
        .collect()
}

/// The file-size step.
pub(super) fn file_size_in(workspace: &Path) -> Result<(), String> {
    let mut over = Vec::new();
    let mut checked = 0;
    for (_, src) in source_roots(workspace)? {
        let files = read_sources(workspace, &src)?;
        checked += files.len();
        over.extend(oversized(&files, MAX_LINES));
    }
    let mut problems = Vec::new();
    for (file, lines) in &over {
        match ALLOWED_OVER.iter().find(|(f, _)| f == file) {
            Some((_, why)) => eprintln!("    allowed  {file}: {lines} lines ({why})"),
            None => {
                eprintln!("    TOO BIG  {file}: {lines} non-test lines (limit {MAX_LINES})");
                problems.push(format!("{file} ({lines})"));
            }
        }
    }
    for (file, why) in ALLOWED_OVER {
        if !over.iter().any(|(f, _)| f == file) {
            eprintln!(
                "    STALE    {file}: allowed ({why}) but no longer over {MAX_LINES} lines \
                 (or gone): remove it from ALLOWED_OVER in xtask/src/structure/size.rs"
            );
            problems.push(format!("stale allow-list entry {file}"));
        }
    }
    let allowed = over
        .iter()
        .filter(|(f, _)| ALLOWED_OVER.iter().any(|(a, _)| a == f))
        .count();
    eprintln!(
        "    {checked} files checked, {} over {MAX_LINES} non-test lines ({allowed} allowed for now)",
        over.len()
    );
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "over {MAX_LINES} non-test lines: {}",
            problems.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_test_lines_stop_at_the_first_cfg_test() {
        let text = "a\nb\n#[cfg(test)]\nmod tests;\nc\n#[cfg(test)]\nuse x::y;\nd\n#[cfg(test)]\nmod tests {\n}\n";
        assert_eq!(
            non_test_lines(text),
            [
                "a",
                "b",
                "#[cfg(test)]",
                "mod tests;",
                "c",
                "#[cfg(test)]",
                "use x::y;",
                "d"
            ]
        );
        assert_eq!(
            non_test_lines("x\n    #[cfg(test)]\n    mod t {\ny\n").len(),
            4,
            "only a line that is #[cfg(test)]"
        );
    }

    #[test]
    fn oversized_files_are_listed_generated_and_test_files_exempt() {
        let big = "fn f() {}\n".repeat(5);
        let file = |rel: &str, text: String| SourceFile {
            rel: rel.to_owned(),
            text,
        };
        let files = vec![
            file("crates/x/src/big.rs", big.clone()),
            file("crates/x/src/small.rs", "fn f() {}\n".repeat(4)),
            file(
                "crates/x/src/gen.rs",
                format!("// @generated by cargo xtask codegen\n{big}"),
            ),
            file(
                "crates/x/src/d/mod.rs",
                "#[cfg(test)]\nmod tests;\n".to_owned(),
            ),
            file("crates/x/src/d/tests.rs", big.clone()),
            file(
                "crates/x/src/t.rs",
                format!("fn g() {{}}\n#[cfg(test)]\nmod tests {{\n{big}}}\n"),
            ),
        ];
        assert_eq!(
            oversized(&files, 4),
            [("crates/x/src/big.rs".to_owned(), 5)]
        );
    }
}
