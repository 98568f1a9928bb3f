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

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::ci::target_dir;
use crate::root;

/// The documents whose Rust blocks must compile in a user's crate.
const SOURCES: [(&str, Kind); 2] = [
    ("README.md", Kind::Markdown),
    ("crates/patientpay/src/lib.rs", Kind::InnerDocs),
];

/// How long one runnable block may take against the sandbox.
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// Environment variables a run must not inherit (a developer's real credentials).
const CREDENTIAL_PREFIXES: [&str; 4] = ["CAREPORTALS_", "CAREVALIDATE_", "DECODA_", "PATIENTPAY_"];

#[derive(Clone, Copy)]
enum Kind {
    /// A markdown file.
    Markdown,
    /// A Rust file whose `//!` lines are the markdown.
    InnerDocs,
}

/// One fenced code block: its info string, first content line (1-based, in the source
/// file) and its lines.
struct Block {
    info: String,
    first_line: usize,
    lines: Vec<String>,
}

/// What rustdoc would do with a block (its `LangString`).
#[derive(Default)]
struct Attrs {
    rust: bool,
    no_run: bool,
    ignore: bool,
    compile_fail: bool,
    should_panic: bool,
}

fn attrs(info: &str) -> Attrs {
    let mut a = Attrs::default();
    let mut seen_rust = false;
    let mut seen_other = false;
    for token in info
        .split(|c: char| c == ',' || c.is_whitespace())
        .map(|t| t.trim_matches(|c| c == '{' || c == '}' || c == '.'))
        .filter(|t| !t.is_empty())
    {
        match token {
            "rust" => seen_rust = true,
            "no_run" => {
                a.no_run = true;
                seen_rust = true;
            }
            "should_panic" => {
                a.should_panic = true;
                seen_rust = true;
            }
            "compile_fail" => {
                a.compile_fail = true;
                seen_rust = true;
            }
            "test_harness" | "standalone_crate" => seen_rust = true,
            t if t == "ignore" || t.starts_with("ignore-") => {
                a.ignore = true;
                seen_rust = true;
            }
            t if t.starts_with("edition") => seen_rust = true,
            t if t.len() == 5
                && t.starts_with('E')
                && t[1..].chars().all(|c| c.is_ascii_digit()) =>
            {
                seen_rust = true
            }
            _ => seen_other = true,
        }
    }
    a.rust = seen_rust || !seen_other;
    a
}

/// The markdown lines of a source, with their 1-based line numbers in the file.
fn markdown_lines(text: &str, kind: Kind) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| match kind {
            Kind::Markdown => Some((i + 1, l.to_owned())),
            Kind::InnerDocs => {
                let rest = l.trim_start().strip_prefix("//!")?;
                Some((i + 1, rest.strip_prefix(' ').unwrap_or(rest).to_owned()))
            }
        })
        .collect()
}

/// Fenced code blocks (``` or ~~~, three or more), as CommonMark delimits them.
fn blocks(lines: &[(usize, String)]) -> Vec<Block> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let (_, line) = &lines[i];
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim_start();
        let fence_char = match trimmed.chars().next() {
            Some(c @ ('`' | '~')) => c,
            _ => {
                i += 1;
                continue;
            }
        };
        let fence_len = trimmed.chars().take_while(|c| *c == fence_char).count();
        if fence_len < 3 || indent > 3 {
            i += 1;
            continue;
        }
        let info = trimmed[fence_len..].trim().to_owned();
        let mut body = Vec::new();
        let mut j = i + 1;
        while j < lines.len() {
            let t = lines[j].1.trim();
            if t.chars().take_while(|c| *c == fence_char).count() >= fence_len
                && t.chars().all(|c| c == fence_char)
            {
                break;
            }
            let l = &lines[j].1;
            let strip = l.len() - l.trim_start().len();
            body.push(l[strip.min(indent)..].to_owned());
            j += 1;
        }
        out.push(Block {
            info,
            first_line: lines.get(i + 1).map_or(lines[i].0 + 1, |l| l.0),
            lines: body,
        });
        i = j + 1;
    }
    out
}

/// A block line as rustdoc compiles it: `# x` is the hidden line `x`, a lone `#` an empty
/// hidden line, `##x` the shown line `#x`.
fn compiled_line(line: &str) -> String {
    let trimmed = line.trim();
    if trimmed.starts_with("##") {
        line.replacen("##", "#", 1)
    } else if let Some(hidden) = trimmed.strip_prefix("# ") {
        hidden.to_owned()
    } else if trimmed == "#" {
        String::new()
    } else {
        line.to_owned()
    }
}

/// The example file for one block, and for each of its lines the source line it came from.
fn example_source(source: &str, block: &Block) -> (String, Vec<Option<usize>>) {
    let code: Vec<(usize, String)> = block
        .lines
        .iter()
        .enumerate()
        .map(|(k, l)| (block.first_line + k, compiled_line(l)))
        .collect();
    let mut out: Vec<(String, Option<usize>)> = vec![
        (
            format!("// {source}:{} (```{})", block.first_line, block.info),
            None,
        ),
        ("#![allow(unused)]".to_owned(), None),
    ];
    // Crate attributes at the top stay outside `main`, as rustdoc keeps them.
    let mut rest = code.as_slice();
    while let Some(((n, l), tail)) = rest.split_first() {
        let t = l.trim();
        if t.starts_with("#![") || t.is_empty() {
            out.push((l.clone(), Some(*n)));
            rest = tail;
        } else {
            break;
        }
    }
    let joined: String = rest.iter().map(|(_, l)| format!("{l}\n")).collect();
    let has_main = joined.contains("fn main");
    // rustdoc: a block ending in `(())` without a main is wrapped in a fn returning Result.
    let returns_result = !has_main && joined.trim_end().ends_with("(())");
    if !has_main {
        out.push((
            if returns_result {
                "fn main() { fn _inner() -> core::result::Result<(), impl core::fmt::Debug> {"
            } else {
                "fn main() {"
            }
            .to_owned(),
            None,
        ));
    }
    out.extend(rest.iter().map(|(n, l)| (l.clone(), Some(*n))));
    if !has_main {
        out.push((
            if returns_result {
                "} _inner().unwrap() }"
            } else {
                "}"
            }
            .to_owned(),
            None,
        ));
    }
    let text = out.iter().map(|(l, _)| format!("{l}\n")).collect();
    (text, out.into_iter().map(|(_, n)| n).collect())
}

/// One `name = value` line of a `[dependencies]`-like table.
struct Dep {
    name: String,
    value: String,
}

/// The `[dependencies]` and `[dev-dependencies]` lines of a document's ```toml blocks.
#[derive(Default)]
struct ShownManifest {
    dependencies: Vec<Dep>,
    dev_dependencies: Vec<Dep>,
    toml_blocks: usize,
}

fn shown_manifest(all: &[Block]) -> ShownManifest {
    let mut m = ShownManifest::default();
    for b in all.iter().filter(|b| {
        b.info
            .split(|c: char| c == ',' || c.is_whitespace())
            .next()
            .is_some_and(|t| t == "toml")
    }) {
        m.toml_blocks += 1;
        let mut table = String::new();
        let mut pending: Option<Dep> = None;
        for line in b.lines.iter().map(|l| compiled_line(l)) {
            let t = line.trim();
            if let Some(p) = pending.as_mut() {
                // A value spread over lines (an array or inline table): until brackets close.
                p.value.push(' ');
                p.value.push_str(t);
                if balanced(&p.value) {
                    push_dep(&mut m, &table, pending.take());
                }
                continue;
            }
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            if t.starts_with('[') {
                table = t.trim_matches(|c| c == '[' || c == ']').trim().to_owned();
                continue;
            }
            if let Some((k, v)) = t.split_once('=') {
                let dep = Dep {
                    name: k.trim().trim_matches('"').to_owned(),
                    value: v.trim().to_owned(),
                };
                if balanced(&dep.value) {
                    push_dep(&mut m, &table, Some(dep));
                } else {
                    pending = Some(dep);
                }
            }
        }
    }
    m
}

fn balanced(v: &str) -> bool {
    let open = v.matches(['{', '[']).count();
    let close = v.matches(['}', ']']).count();
    open <= close
}

fn push_dep(m: &mut ShownManifest, table: &str, dep: Option<Dep>) {
    let Some(dep) = dep else { return };
    let list = match table {
        "dependencies" => &mut m.dependencies,
        "dev-dependencies" => &mut m.dev_dependencies,
        _ => return,
    };
    // A later block showing the same dependency again replaces the earlier line.
    list.retain(|d| d.name != dep.name);
    list.push(dep);
}

/// `name = value` with a `patientpay*` dependency pointed at this workspace by path.
fn local_dep(dep: &Dep) -> Result<String, String> {
    if !dep.name.starts_with("patientpay") {
        return Ok(format!("{} = {}", dep.name, dep.value));
    }
    let dir = root().join("crates").join(&dep.name);
    if !dir.join("Cargo.toml").is_file() {
        return Err(format!(
            "the document shows a dependency `{}` that is no crate of this workspace",
            dep.name
        ));
    }
    let path = toml_string(&dir.to_string_lossy());
    let v = dep.value.trim();
    if let Some(inner) = v.strip_prefix('{') {
        Ok(format!(
            "{} = {{ path = {path}, {}",
            dep.name,
            inner.trim_start()
        ))
    } else if v.starts_with('"') {
        Ok(format!("{} = {{ version = {v}, path = {path} }}", dep.name))
    } else {
        Err(format!(
            "cannot read the dependency line `{} = {v}`",
            dep.name
        ))
    }
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The `[features]` table of the umbrella crate: name -> what it enables.
fn umbrella_features() -> Result<Vec<(String, Vec<String>)>, String> {
    let path = root().join("crates/patientpay/Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut out = Vec::new();
    let mut in_features = false;
    let mut pending: Option<(String, String)> = None;
    for line in text.lines() {
        let t = line.trim();
        if let Some((name, value)) = pending.as_mut() {
            value.push_str(t);
            if value.contains(']') {
                out.push((name.clone(), quoted(value)));
                pending = None;
            }
            continue;
        }
        if t.starts_with('[') {
            in_features = t == "[features]";
            continue;
        }
        if !in_features || t.starts_with('#') {
            continue;
        }
        if let Some((k, v)) = t.split_once('=') {
            let (k, v) = (k.trim().to_owned(), v.trim().to_owned());
            if v.contains(']') {
                out.push((k, quoted(&v)));
            } else {
                pending = Some((k, v));
            }
        }
    }
    Ok(out)
}

/// The double-quoted strings of `s`.
fn quoted(s: &str) -> Vec<String> {
    s.split('"').skip(1).step_by(2).map(str::to_owned).collect()
}

/// The umbrella features a dependency line enables, expanded through the features table.
fn enabled_features(deps: &[&Dep], table: &[(String, Vec<String>)]) -> BTreeSet<String> {
    let mut on = BTreeSet::new();
    for dep in deps.iter().filter(|d| d.name == "patientpay") {
        let flat: String = dep.value.chars().filter(|c| !c.is_whitespace()).collect();
        if !flat.contains("default-features=false") {
            on.insert("default".to_owned());
        }
        if let Some(start) = flat.find("features=[") {
            let list = &flat[start + "features=[".len()..];
            let list = list.split(']').next().unwrap_or("");
            on.extend(quoted(list));
        }
    }
    let mut todo: Vec<String> = on.iter().cloned().collect();
    while let Some(f) = todo.pop() {
        if let Some((_, enables)) = table.iter().find(|(n, _)| *n == f) {
            for e in enables {
                if !e.contains(['/', ':']) && on.insert(e.clone()) {
                    todo.push(e.clone());
                }
            }
        }
    }
    on
}

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

fn throwaway_cargo(dir: &Path) -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(dir).env("CARGO_TARGET_DIR", target_dir());
    c
}

fn build_and_run(
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
fn first_error(stderr: &str, name: &str, source: &str, line_map: &[Option<usize>]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_lines_compile_as_rustdoc_does() {
        assert_eq!(compiled_line("# let x = 1;"), "let x = 1;");
        assert_eq!(compiled_line("    # use a::b;"), "use a::b;");
        assert_eq!(compiled_line("#"), "");
        assert_eq!(compiled_line("##[derive(Debug)]"), "#[derive(Debug)]");
        assert_eq!(compiled_line("#[tokio::main]"), "#[tokio::main]");
        assert_eq!(
            compiled_line("let s = \"# not hidden\";"),
            "let s = \"# not hidden\";"
        );
    }

    #[test]
    fn info_strings_are_read_as_rustdoc_reads_them() {
        assert!(attrs("").rust);
        assert!(attrs("rust").rust);
        let a = attrs("rust,no_run");
        assert!(a.rust && a.no_run && !a.ignore);
        assert!(attrs("no_run").rust);
        assert!(attrs("ignore").ignore);
        assert!(attrs("compile_fail,E0433").compile_fail);
        assert!(!attrs("toml").rust);
        assert!(!attrs("sh").rust);
        assert!(!attrs("text").rust);
    }

    #[test]
    fn inner_doc_blocks_keep_their_file_line_numbers() {
        let src = "//! # Title\n//!\n//! ```\n//! # fn main() {}\n//! ```\nfn x() {}\n";
        let b = blocks(&markdown_lines(src, Kind::InnerDocs));
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].first_line, 4);
        assert_eq!(b[0].lines, vec!["# fn main() {}".to_owned()]);
    }

    #[test]
    fn a_block_without_main_is_wrapped_and_lines_map_back() {
        let block = Block {
            info: "rust".into(),
            first_line: 10,
            lines: vec!["let x = 1;".into(), "# assert_eq!(x, 1);".into()],
        };
        let (code, map) = example_source("README.md", &block);
        assert!(code.contains("fn main() {\nlet x = 1;\nassert_eq!(x, 1);\n}\n"));
        let at = code.lines().position(|l| l == "assert_eq!(x, 1);").unwrap();
        assert_eq!(map[at], Some(11));
    }

    #[test]
    fn shown_dependencies_point_at_the_workspace() {
        let md = "```toml\n[dependencies]\npatientpay = { version = \"0.1\", default-features = false, features = [\"decoda\"] }\ntokio = \"1\"\n[dev-dependencies]\npatientpay = { version = \"0.1\", features = [\"sandbox\"] }\n```\n";
        let all = blocks(&markdown_lines(md, Kind::Markdown));
        let m = shown_manifest(&all);
        assert_eq!(m.dependencies.len(), 2);
        assert_eq!(m.dev_dependencies.len(), 1);
        let line = local_dep(&m.dependencies[0]).unwrap();
        assert!(line.starts_with("patientpay = { path = \""), "{line}");
        assert!(
            line.ends_with(
                "version = \"0.1\", default-features = false, features = [\"decoda\"] }"
            )
        );
        assert_eq!(local_dep(&m.dependencies[1]).unwrap(), "tokio = \"1\"");
        let table = vec![
            ("default".to_owned(), vec!["careportals".to_owned()]),
            (
                "careportals".to_owned(),
                vec!["dep:patientpay-careportals".to_owned()],
            ),
            (
                "decoda".to_owned(),
                vec!["dep:patientpay-decoda".to_owned()],
            ),
            (
                "sandbox".to_owned(),
                vec!["dep:patientpay-sandbox".to_owned()],
            ),
        ];
        let deps: Vec<&Dep> = m.dependencies.iter().chain(&m.dev_dependencies).collect();
        let on = enabled_features(&deps, &table);
        // The dev-dependency line keeps the default features on.
        let on: Vec<&str> = on.iter().map(String::as_str).collect();
        assert_eq!(on, ["careportals", "decoda", "default", "sandbox"]);
    }
}
