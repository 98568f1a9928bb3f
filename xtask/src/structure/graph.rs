//! Each crate's graph between its top-level modules, and the cycles in it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use super::scan::{code_only, root_references};
use super::size::{non_test_lines, test_only_files};
use super::{read_sources, source_roots};

/// A file's module path below `src/` (`a.rs`, `a/mod.rs`: `["a"]`; `a/b.rs`: `["a", "b"]`);
/// `None` for the crate root.
pub(super) fn module_path(rel_to_src: &str) -> Option<Vec<String>> {
    let without = rel_to_src.strip_suffix(".rs")?;
    let mut parts: Vec<String> = without.split('/').map(str::to_owned).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts.is_empty() || (parts.len() == 1 && (parts[0] == "lib" || parts[0] == "main")) {
        return None;
    }
    Some(parts)
}

/// The graph between top-level modules: `from -> to -> where` (the first place written).
pub(super) type Graph = BTreeMap<String, BTreeMap<String, String>>;

/// A file of one crate, for the module graph.
pub(super) struct CrateFile {
    /// Path relative to the crate's `src/`.
    pub(super) below_src: String,
    pub(super) text: String,
    /// Path to show (relative to the workspace).
    pub(super) shown: String,
}

/// The top-level module graph of one crate; `test_only` files (by their shown path) are left
/// out.
pub(super) fn module_graph(files: &[CrateFile], test_only: &BTreeSet<String>) -> Graph {
    let paths: Vec<(Vec<String>, &CrateFile)> = files
        .iter()
        .filter(|f| !test_only.contains(&f.shown))
        .filter_map(|f| module_path(&f.below_src).map(|p| (p, f)))
        .collect();
    let tops: BTreeSet<&str> = paths.iter().map(|(p, _)| p[0].as_str()).collect();
    let mut graph = Graph::new();
    for (path, file) in &paths {
        let own = &path[0];
        graph.entry(own.clone()).or_default();
        let code = code_only(&non_test_lines(&file.text).join("\n"));
        for (target, line) in root_references(path, &code) {
            if target != *own && tops.contains(target.as_str()) {
                graph
                    .entry(own.clone())
                    .or_default()
                    .entry(target)
                    .or_insert_with(|| format!("{}:{line}", file.shown));
            }
        }
    }
    graph
}

pub(super) fn reachable(graph: &Graph, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_owned()];
    while let Some(n) = todo.pop() {
        for next in graph.get(&n).into_iter().flat_map(|m| m.keys()) {
            if seen.insert(next.clone()) {
                todo.push(next.clone());
            }
        }
    }
    seen
}

/// The shortest cycle `[start, …, start]` through `start` inside `group`, breadth-first.
fn shortest_cycle(graph: &Graph, group: &BTreeSet<&String>, start: &String) -> Option<Vec<String>> {
    let mut parent: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start.clone()]);
    while let Some(n) = queue.pop_front() {
        let nexts: Vec<&String> = graph.get(&n).into_iter().flat_map(|m| m.keys()).collect();
        if nexts.contains(&start) {
            let mut path = vec![start.clone(), n.clone()];
            let mut at = n;
            while let Some(p) = parent.get(&at) {
                path.push(p.clone());
                at = p.clone();
            }
            path.reverse();
            return Some(path);
        }
        for x in nexts {
            if group.contains(x) && x != start && !parent.contains_key(x) {
                parent.insert(x.clone(), n.clone());
                queue.push_back(x.clone());
            }
        }
    }
    None
}

/// The cycles of `graph`: for each group of modules that reach each other, the shortest
/// cycle through each of its modules (each cycle once, from its first module by name), as
/// `[a, b, …, a]`.
pub(super) fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    let reach: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|n| (n, reachable(graph, n))).collect();
    let mut out: Vec<Vec<String>> = Vec::new();
    for start in graph.keys() {
        if !reach[start].contains(start) {
            continue;
        }
        let group: BTreeSet<&String> = graph
            .keys()
            .filter(|n| reach[start].contains(*n) && reach[*n].contains(start))
            .collect();
        let Some(mut cycle) = shortest_cycle(graph, &group, start) else {
            continue;
        };
        // The same cycle found from another of its modules: start it at its first by name.
        cycle.pop();
        let first = (0..cycle.len()).min_by_key(|i| &cycle[*i]).unwrap_or(0);
        cycle.rotate_left(first);
        cycle.push(cycle[0].clone());
        if !out.contains(&cycle) {
            out.push(cycle);
        }
    }
    out
}

/// The module-cycles step.
pub(super) fn module_cycles_in(workspace: &Path) -> Result<(), String> {
    let mut found = Vec::new();
    for (name, src) in source_roots(workspace)? {
        let sources = read_sources(workspace, &src)?;
        let test_only = test_only_files(&sources);
        let src_rel = src
            .strip_prefix(workspace)
            .unwrap_or(&src)
            .to_string_lossy()
            .replace('\\', "/");
        let files: Vec<CrateFile> = sources
            .into_iter()
            .map(|f| CrateFile {
                below_src: f
                    .rel
                    .strip_prefix(&format!("{src_rel}/"))
                    .unwrap_or(&f.rel)
                    .to_owned(),
                text: f.text,
                shown: f.rel,
            })
            .collect();
        let graph = module_graph(&files, &test_only);
        let edges: usize = graph.values().map(BTreeMap::len).sum();
        let crate_cycles = cycles(&graph);
        eprintln!(
            "    {name}: {} top-level modules, {edges} edges, {} cycle(s)",
            graph.len(),
            crate_cycles.len()
        );
        for cycle in crate_cycles {
            let mut line = format!("{name}: {}", cycle.join(" -> "));
            for pair in cycle.windows(2) {
                if let Some(at) = graph.get(&pair[0]).and_then(|m| m.get(&pair[1])) {
                    let _ = write!(line, "\n        {} -> {}: {at}", pair[0], pair[1]);
                }
            }
            eprintln!("    CYCLE {line}");
            found.push(format!("{name}: {}", cycle.join(" -> ")));
        }
    }
    if found.is_empty() {
        Ok(())
    } else {
        Err(format!("module cycle(s): {}", found.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A crate from `(path below src/, text)` pairs.
    fn graph_of(files: &[(&str, &str)]) -> Graph {
        let files: Vec<CrateFile> = files
            .iter()
            .map(|(p, t)| CrateFile {
                below_src: (*p).to_owned(),
                text: (*t).to_owned(),
                shown: format!("src/{p}"),
            })
            .collect();
        module_graph(&files, &BTreeSet::new())
    }

    fn cycle_lines(files: &[(&str, &str)]) -> Vec<String> {
        cycles(&graph_of(files))
            .into_iter()
            .map(|c| c.join(" -> "))
            .collect()
    }

    #[test]
    fn a_cycle_through_crate_and_super_paths_is_found() {
        let files = [
            ("lib.rs", "mod a;\nmod b;\npub use a::A;\npub use b::B;\n"),
            ("a.rs", "use crate::b::B;\npub struct A(B);\n"),
            ("b.rs", "pub struct B;\nfn f() -> super::a::A { todo!() }\n"),
        ];
        assert_eq!(cycle_lines(&files), ["a -> b -> a"]);
        let g = graph_of(&files);
        assert_eq!(g["a"]["b"], "src/a.rs:1");
        assert_eq!(g["b"]["a"], "src/b.rs:2");
    }

    #[test]
    fn a_longer_cycle_is_printed_in_order() {
        let files = [
            ("a.rs", "use crate::b;"),
            ("b/mod.rs", "mod x;"),
            ("b/x.rs", "use crate::{c::C, money};"),
            ("c.rs", "fn f() { crate::a::g() }"),
            ("money.rs", ""),
        ];
        assert_eq!(cycle_lines(&files), ["a -> b -> c -> a"]);
    }

    #[test]
    fn no_cycle_when_edges_point_one_way() {
        let files = [
            ("lib.rs", "pub use a::*; pub use b::*; use crate::b::x;"),
            (
                "a.rs",
                "use crate::{b::{self, B}, Error};\nuse super::b::C;",
            ),
            (
                "b.rs",
                "use crate::Error; // crate::a::A in a comment\nconst S: &str = \"crate::a::A\";",
            ),
            (
                "b/inner.rs",
                "use super::super::b::B; use super::B; use crate::b::C;",
            ),
        ];
        let g = graph_of(&files);
        assert_eq!(g["a"].keys().collect::<Vec<_>>(), ["b"]);
        assert!(g["b"].is_empty(), "{g:?}");
        assert!(cycle_lines(&files).is_empty());
    }

    #[test]
    fn test_code_and_macro_paths_do_not_count() {
        let files = [
            ("a.rs", "use crate::b::B;\n"),
            (
                "b.rs",
                "macro_rules! m { () => { $crate::a::A } }\n#[cfg(test)]\nmod tests {\n    use crate::a::A;\n}\n",
            ),
        ];
        assert!(cycle_lines(&files).is_empty());
        // An inline module's `super` is its file's module, not the crate root.
        let files = [
            ("a.rs", "use crate::b::B;\n"),
            (
                "b.rs",
                "mod inner {\n    use super::B;\n}\nfn f() { super::a::g() }\n",
            ),
        ];
        assert_eq!(cycle_lines(&files), ["a -> b -> a"]);
        let files = [
            ("a.rs", "use crate::b::B;\n"),
            ("b.rs", "mod inner {\n    use super::a::A;\n}\n"),
        ];
        assert!(cycle_lines(&files).is_empty(), "super:: of b::inner is b");
    }

    #[test]
    fn module_paths() {
        assert_eq!(module_path("a.rs"), Some(vec!["a".to_owned()]));
        assert_eq!(module_path("a/mod.rs"), Some(vec!["a".to_owned()]));
        assert_eq!(
            module_path("a/b.rs"),
            Some(vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(module_path("lib.rs"), None);
        assert_eq!(module_path("main.rs"), None);
    }
}
