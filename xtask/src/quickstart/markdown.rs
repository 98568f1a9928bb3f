//! Markdown code blocks as rustdoc reads them: the fences, the info string's attributes,
//! hidden lines, and the example file a block becomes.

#[derive(Clone, Copy)]
pub(super) enum Kind {
    /// A markdown file.
    Markdown,
    /// A Rust file whose `//!` lines are the markdown.
    InnerDocs,
}

/// One fenced code block: its info string, first content line (1-based, in the source
/// file) and its lines.
pub(super) struct Block {
    pub(super) info: String,
    pub(super) first_line: usize,
    pub(super) lines: Vec<String>,
}

/// What rustdoc would do with a block (its `LangString`).
#[derive(Default)]
pub(super) struct Attrs {
    pub(super) rust: bool,
    pub(super) no_run: bool,
    pub(super) ignore: bool,
    pub(super) compile_fail: bool,
    pub(super) should_panic: bool,
}

pub(super) fn attrs(info: &str) -> Attrs {
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
pub(super) fn markdown_lines(text: &str, kind: Kind) -> Vec<(usize, String)> {
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
pub(super) fn blocks(lines: &[(usize, String)]) -> Vec<Block> {
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
pub(super) fn compiled_line(line: &str) -> String {
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
pub(super) fn example_source(source: &str, block: &Block) -> (String, Vec<Option<usize>>) {
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
}
