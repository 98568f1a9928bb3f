//! A small scanner of Rust text: comments and literals blanked, tokens, and the paths that
//! reach the crate root (`crate::x`, `crate::{x, …}`, `super::…::x`).

/// Rust text with comments and string and char literals blanked (newlines kept, so line
/// numbers stay), so that a path in a comment, a doc link or a string is not read as code.
pub(super) fn code_only(text: &str) -> String {
    fn blank(out: &mut String, ch: char) {
        out.push(if ch == '\n' { '\n' } else { ' ' });
    }
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        let next = c.get(i + 1).copied();
        let after_ident = i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_');
        if ch == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                out.push(' ');
                i += 1;
            }
            continue;
        }
        if ch == '/' && next == Some('*') {
            let mut depth = 0usize;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth = depth.saturating_sub(1);
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
            continue;
        }
        // Raw strings: r"…", r#"…"#, br"…".
        if !after_ident && (ch == 'r' || (ch == 'b' && next == Some('r'))) {
            let start = if ch == 'b' { i + 2 } else { i + 1 };
            let mut j = start;
            while c.get(j) == Some(&'#') {
                j += 1;
            }
            if c.get(j) == Some(&'"') {
                let hashes = j - start;
                let mut k = j + 1;
                while k < c.len() {
                    if c[k] == '"' && (0..hashes).all(|h| c.get(k + 1 + h) == Some(&'#')) {
                        k += 1 + hashes;
                        break;
                    }
                    k += 1;
                }
                let end = k.min(c.len());
                for &x in &c[i..end] {
                    blank(&mut out, x);
                }
                i = end;
                continue;
            }
        }
        if ch == '"' {
            out.push(' ');
            i += 1;
            while i < c.len() {
                let x = c[i];
                i += 1;
                if x == '"' {
                    out.push(' ');
                    break;
                }
                blank(&mut out, x);
                if x == '\\' && i < c.len() {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
            continue;
        }
        if ch == '\'' {
            // A char literal ('x', '\n', '\u{1F600}'); anything else is a lifetime.
            let end = if next == Some('\\') {
                let mut k = i + 3;
                while k < c.len() && c[k] != '\'' && c[k] != '\n' {
                    k += 1;
                }
                Some(k + 1)
            } else if c.get(i + 2) == Some(&'\'') {
                Some(i + 3)
            } else {
                None
            };
            if let Some(end) = end {
                let end = end.min(c.len());
                for &x in &c[i..end] {
                    blank(&mut out, x);
                }
                i = end;
                continue;
            }
        }
        out.push(ch);
        i += 1;
    }
    out
}

/// A token of [`code_only`] text, with its 1-based line.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Ident(String),
    /// `::`
    PathSep,
    Open,
    Close,
    Comma,
    Dollar,
    Other,
}

pub(super) fn tokens(code: &str) -> Vec<(Tok, usize)> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch.is_alphabetic() || ch == '_' {
            // `r#name` is the identifier `name`.
            if ch == 'r' && c.get(i + 1) == Some(&'#') {
                i += 2;
            }
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push((Tok::Ident(c[start..i].iter().collect()), line));
        } else if ch.is_ascii_digit() {
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push((Tok::Other, line));
        } else {
            let tok = match ch {
                ':' if c.get(i + 1) == Some(&':') => {
                    i += 1;
                    Tok::PathSep
                }
                '{' => Tok::Open,
                '}' => Tok::Close,
                ',' => Tok::Comma,
                '$' => Tok::Dollar,
                _ => Tok::Other,
            };
            out.push((tok, line));
            i += 1;
        }
    }
    out
}

pub(super) fn is_ident(t: Option<&(Tok, usize)>, name: &str) -> bool {
    matches!(t, Some((Tok::Ident(n), _)) if n == name)
}

/// The first segments of the path(s) starting at `toks[j]`: `x` of `x::…`, or each
/// element's first segment of a `{a, b::c, …}` group.
pub(super) fn path_heads(toks: &[(Tok, usize)], j: usize) -> Vec<(String, usize)> {
    match toks.get(j) {
        Some((Tok::Ident(x), line)) => vec![(x.clone(), *line)],
        Some((Tok::Open, _)) => {
            let mut heads = Vec::new();
            let mut depth = 1;
            let mut at_start = true;
            for (t, line) in &toks[j + 1..] {
                match t {
                    Tok::Open => depth += 1,
                    Tok::Close => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    Tok::Comma if depth == 1 => at_start = true,
                    Tok::Ident(x) if depth == 1 && at_start => {
                        heads.push((x.clone(), *line));
                        at_start = false;
                    }
                    _ if depth == 1 => at_start = false,
                    _ => {}
                }
            }
            heads
        }
        _ => Vec::new(),
    }
}

/// The names a file's code reaches at the crate root — `crate::x…`, `crate::{x, …}`, or
/// `super::…x` where the `super`s climb to the root — with their lines. `module` is the
/// file's module path (`a/b.rs`: `["a", "b"]`); inline `mod m { … }` blocks are followed.
pub(super) fn root_references(module: &[String], code: &str) -> Vec<(String, usize)> {
    let toks = tokens(code);
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut inline: Vec<(String, usize)> = Vec::new();
    for (i, (t, _)) in toks.iter().enumerate() {
        match t {
            Tok::Open => depth += 1,
            Tok::Close => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Tok::Ident(kw) if kw == "mod" => {
                if let (Some((Tok::Ident(name), _)), Some((Tok::Open, _))) =
                    (toks.get(i + 1), toks.get(i + 2))
                {
                    inline.push((name.clone(), depth + 1));
                }
            }
            Tok::Ident(kw) if kw == "crate" => {
                let macro_path = i > 0 && toks[i - 1].0 == Tok::Dollar;
                let in_path = i > 0 && toks[i - 1].0 == Tok::PathSep;
                if !macro_path && !in_path && toks.get(i + 1).map(|t| &t.0) == Some(&Tok::PathSep) {
                    out.extend(path_heads(&toks, i + 2));
                }
            }
            Tok::Ident(kw) if kw == "super" => {
                if i > 0 && toks[i - 1].0 == Tok::PathSep {
                    continue; // counted from the first `super`
                }
                let mut j = i;
                let mut ups = 0;
                while is_ident(toks.get(j), "super")
                    && toks.get(j + 1).map(|t| &t.0) == Some(&Tok::PathSep)
                {
                    ups += 1;
                    j += 2;
                }
                if ups > 0 && ups >= module.len() + inline.len() {
                    out.extend(path_heads(&toks, j));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_lifetimes_are_read_right() {
        let code = code_only(
            "let a = 'x'; let q = '\\''; fn f<'a>(s: &'a str) {}\nlet r = r#\"crate::b\"#; /* crate::c /* nested */ crate::d */ crate::e::E",
        );
        let refs: Vec<String> = root_references(&["a".to_owned()], &code)
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(refs, ["e"]);
        assert_eq!(code.lines().count(), 2, "newlines are kept");
    }
}
