//! Needles: the plain forms of each registered value that are searched for.

use std::sync::Arc;

use secrecy::ExposeSecret;

use super::{Entry, MIN_NEEDLE_CHARS, Phi};

/// One searched form. `bounded` ones match only as a whole word.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Needle {
    pub(super) text: String,
    pub(super) bounded: bool,
}

/// Every searched form of `entries`, without duplicates, longest first.
pub(super) fn needles(entries: &[Arc<Entry>]) -> Vec<Needle> {
    let mut forms = Vec::new();
    for entry in entries {
        entry_forms(entry, &mut forms);
    }
    let mut out: Vec<Needle> = Vec::new();
    for Needle { text, bounded } in forms {
        let t = text.trim();
        if t.chars().count() < MIN_NEEDLE_CHARS {
            continue;
        }
        let collapsed = t.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut variants = vec![t.to_owned()];
        if collapsed != t {
            variants.push(collapsed);
        }
        for v in variants {
            if !v.is_ascii() {
                out.push(Needle {
                    text: v.to_lowercase(),
                    bounded,
                });
                out.push(Needle {
                    text: v.to_uppercase(),
                    bounded,
                });
            }
            out.push(Needle { text: v, bounded });
        }
    }
    // One needle per ASCII-case-insensitive text; unbounded (false) sorts first and wins.
    out.sort_by(|a, b| {
        (a.text.to_ascii_lowercase(), a.bounded).cmp(&(b.text.to_ascii_lowercase(), b.bounded))
    });
    out.dedup_by(|later, kept| later.text.eq_ignore_ascii_case(&kept.text));
    out.sort_by_key(|n| std::cmp::Reverse(n.text.len()));
    out
}

pub(super) fn entry_forms(entry: &Entry, out: &mut Vec<Needle>) {
    let mut push = |text: String, bounded: bool| out.push(Needle { text, bounded });
    match entry {
        Entry::Secret(s) => {
            let v = s.expose_secret().trim();
            push(v.to_owned(), false);
            let parts: Vec<&str> = v.split('.').collect();
            if parts.len() == 3 {
                // A JWT: vendors sometimes echo one part (the claims, the signature).
                for p in parts {
                    push(p.to_owned(), false);
                }
            }
        }
        Entry::Phi(kind, s) => {
            let v = s.expose_secret().trim();
            push(v.to_owned(), matches!(kind, Phi::PostalCode));
            match kind {
                Phi::Name => {
                    let words: Vec<&str> = v
                        .split(|c: char| c.is_whitespace() || c == ',')
                        .filter(|w| !w.is_empty())
                        .collect();
                    if words.len() > 1 {
                        for w in words {
                            push(w.to_owned(), true);
                        }
                    }
                }
                Phi::Email => {
                    if let Some((local, _)) = v.rsplit_once('@') {
                        push(local.to_owned(), true);
                    }
                }
                Phi::Phone => phone_forms(v, &mut push),
                Phi::PostalCode => {
                    push(v.replace(' ', ""), true);
                    let b = v.as_bytes();
                    let zip4 = b.len() == 10
                        && b[5] == b'-'
                        && b.iter()
                            .enumerate()
                            .all(|(i, c)| i == 5 || c.is_ascii_digit());
                    if zip4 {
                        push(v[..5].to_owned(), true);
                        push(v.replace('-', ""), true);
                    }
                }
                Phi::Address | Phi::Text => {}
            }
        }
        Entry::DateOfBirth(d) => date_forms(*d, &mut push),
    }
}

pub(super) fn phone_forms(value: &str, push: &mut impl FnMut(String, bool)) {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let national = match digits.len() {
        10 => Some(digits.as_str()),
        11 if digits.starts_with('1') => Some(&digits[1..]),
        _ => None,
    };
    match national {
        Some(n) => {
            let (a, e, s) = (&n[..3], &n[3..6], &n[6..]);
            for form in [
                format!("+1{n}"),
                format!("1{n}"),
                n.to_owned(),
                format!("({a}) {e}-{s}"),
                format!("({a}){e}-{s}"),
                format!("{a}-{e}-{s}"),
                format!("{a}.{e}.{s}"),
                format!("{a} {e} {s}"),
                format!("+1 {a} {e} {s}"),
                format!("+1 ({a}) {e}-{s}"),
                format!("+1-{a}-{e}-{s}"),
                format!("1-{a}-{e}-{s}"),
                format!("+1.{a}.{e}.{s}"),
            ] {
                push(form, false);
            }
            push(format!("{e}-{s}"), true);
        }
        None if digits.len() >= 7 => {
            push(format!("+{digits}"), false);
            push(digits, false);
        }
        None => {}
    }
}

pub(super) fn date_forms(d: time::Date, push: &mut impl FnMut(String, bool)) {
    let (y, m, day) = (d.year(), u8::from(d.month()), d.day());
    let yy = y.rem_euclid(100);
    let month = d.month().to_string();
    let mon = &month[..3];
    for form in [
        format!("{y:04}-{m:02}-{day:02}"),
        format!("{y:04}{m:02}{day:02}"),
        format!("{y:04}/{m:02}/{day:02}"),
        format!("{y:04}.{m:02}.{day:02}"),
        format!("{y:04}-{m}-{day}"),
        format!("{m:02}/{day:02}/{y:04}"),
        format!("{m}/{day}/{y:04}"),
        format!("{m:02}-{day:02}-{y:04}"),
        format!("{m}-{day}-{y:04}"),
        format!("{m:02}.{day:02}.{y:04}"),
        format!("{m:02}{day:02}{y:04}"),
        format!("{m:02}/{day:02}/{yy:02}"),
        format!("{m}/{day}/{yy:02}"),
        format!("{day:02}/{m:02}/{y:04}"),
        format!("{day}/{m}/{y:04}"),
        format!("{day:02}.{m:02}.{y:04}"),
        format!("{day:02}-{m:02}-{y:04}"),
        format!("{month} {day}, {y:04}"),
        format!("{mon} {day}, {y:04}"),
        format!("{month} {day:02}, {y:04}"),
        format!("{mon} {day:02}, {y:04}"),
        format!("{day} {month} {y:04}"),
        format!("{day} {mon} {y:04}"),
        format!("{day:02} {mon} {y:04}"),
        format!("{mon} {day} {y:04}"),
    ] {
        push(form, false);
    }
}
