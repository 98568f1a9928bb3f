//! The dependencies a document shows in its ```toml blocks, pointed at this workspace, and
//! the umbrella features they enable.

use std::collections::BTreeSet;

use super::markdown::{Block, compiled_line};
use crate::root;

/// One `name = value` line of a `[dependencies]`-like table.
pub(super) struct Dep {
    pub(super) name: String,
    pub(super) value: String,
}

/// The `[dependencies]` and `[dev-dependencies]` lines of a document's ```toml blocks.
#[derive(Default)]
pub(super) struct ShownManifest {
    pub(super) dependencies: Vec<Dep>,
    pub(super) dev_dependencies: Vec<Dep>,
    pub(super) toml_blocks: usize,
}

pub(super) fn shown_manifest(all: &[Block]) -> ShownManifest {
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

pub(super) fn balanced(v: &str) -> bool {
    let open = v.matches(['{', '[']).count();
    let close = v.matches(['}', ']']).count();
    open <= close
}

pub(super) fn push_dep(m: &mut ShownManifest, table: &str, dep: Option<Dep>) {
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
pub(super) fn local_dep(dep: &Dep) -> Result<String, String> {
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

pub(super) fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The `[features]` table of the umbrella crate: name -> what it enables.
pub(super) fn umbrella_features() -> Result<Vec<(String, Vec<String>)>, String> {
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
pub(super) fn quoted(s: &str) -> Vec<String> {
    s.split('"').skip(1).step_by(2).map(str::to_owned).collect()
}

/// The umbrella features a dependency line enables, expanded through the features table.
pub(super) fn enabled_features(deps: &[&Dep], table: &[(String, Vec<String>)]) -> BTreeSet<String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quickstart::markdown::{Kind, blocks, markdown_lines};

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
