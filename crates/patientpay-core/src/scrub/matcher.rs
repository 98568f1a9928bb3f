//! Matching: the rolling-hash search over every view, and the rounds of replacement.

use std::borrow::Cow;

use super::generic::{find_digit_runs, find_emails};
use super::needles::Needle;
use super::views::{SpanMap, for_each_view};
use super::{MARKER, MAX_PASSES};

/// The needles, grouped by byte length and searched with a rolling hash: one pass over a
/// view per distinct length, so the work is linear in the text for each length (plus a
/// byte-for-byte check of each candidate). The hash base is random per matcher, so a
/// vendor cannot craft text whose windows all collide.
pub(super) enum Matcher {
    /// Nothing registered: only the generic patterns apply.
    Empty,
    Ready {
        groups: Vec<Group>,
        base: u64,
        /// The longest needle, in bytes.
        max_len: usize,
    },
}

/// The needles of one byte length.
pub(super) struct Group {
    len: usize,
    /// `base^(len - 1)`, to take the leaving byte out of the rolling hash.
    pub(super) pow: u64,
    /// One bit per value of a hash's top 12 bits: most windows are refused by this alone.
    filter: Vec<u64>,
    /// Hash of the ASCII-lower-cased needle → (needle, whole-word only).
    table: std::collections::HashMap<u64, Vec<(Vec<u8>, bool)>>,
}

impl Group {
    /// `false` when no needle of this group has hash `h`; `true` when one may have.
    pub(super) fn may_hold(&self, h: u64) -> bool {
        let (word, bit) = filter_bit(h);
        self.filter[word] & bit != 0
    }
}

pub(super) fn hash(bytes: &[u8], base: u64) -> u64 {
    bytes.iter().fold(0u64, |h, b| {
        h.wrapping_mul(base)
            .wrapping_add(u64::from(b.to_ascii_lowercase()))
    })
}

pub(super) fn filter_bit(h: u64) -> (usize, u64) {
    let top = (h >> 52) as usize;
    (top / 64, 1 << (top % 64))
}

impl Matcher {
    pub(super) fn build(needles: &[Needle]) -> Matcher {
        // Odd, so that it is invertible modulo 2^64; 1 would make anagrams collide.
        Matcher::build_with_base(needles, fastrand::u64(2..) | 1)
    }

    pub(super) fn build_with_base(needles: &[Needle], base: u64) -> Matcher {
        if needles.is_empty() {
            return Matcher::Empty;
        }
        let mut groups: Vec<Group> = Vec::new();
        for n in needles {
            let bytes = n.text.as_bytes().to_ascii_lowercase();
            let len = bytes.len();
            let group = match groups.iter().position(|g| g.len == len) {
                Some(i) => &mut groups[i],
                None => {
                    let pow = (1..len).fold(1u64, |p, _| p.wrapping_mul(base));
                    groups.push(Group {
                        len,
                        pow,
                        filter: vec![0; 64],
                        table: Default::default(),
                    });
                    let last = groups.len() - 1;
                    &mut groups[last]
                }
            };
            let h = hash(&bytes, base);
            let (word, bit) = filter_bit(h);
            group.filter[word] |= bit;
            group.table.entry(h).or_default().push((bytes, n.bounded));
        }
        let max_len = groups.iter().map(|g| g.len).max().unwrap_or(0);
        Matcher::Ready {
            groups,
            base,
            max_len,
        }
    }

    pub(super) fn max_len(&self) -> usize {
        match self {
            Matcher::Ready { max_len, .. } => *max_len,
            Matcher::Empty => 0,
        }
    }

    /// Every occurrence (overlapping ones too) of every needle in `view`.
    pub(super) fn find(&self, view: &[u8], push: &mut dyn FnMut(usize, usize)) {
        let Matcher::Ready { groups, base, .. } = self else {
            return;
        };
        let word = |i: Option<&u8>| i.is_some_and(u8::is_ascii_alphanumeric);
        for g in groups {
            if view.len() < g.len {
                continue;
            }
            let mut h = hash(&view[..g.len], *base);
            for start in 0..=view.len() - g.len {
                let end = start + g.len;
                if start > 0 {
                    let out = u64::from(view[start - 1].to_ascii_lowercase());
                    let inn = u64::from(view[end - 1].to_ascii_lowercase());
                    h = h
                        .wrapping_sub(out.wrapping_mul(g.pow))
                        .wrapping_mul(*base)
                        .wrapping_add(inn);
                }
                if !g.may_hold(h) {
                    continue;
                }
                let Some(candidates) = g.table.get(&h) else {
                    continue;
                };
                let window = &view[start..end];
                let hit = candidates.iter().any(|(needle, bounded)| {
                    window.eq_ignore_ascii_case(needle)
                        && !(*bounded
                            && (word(start.checked_sub(1).and_then(|p| view.get(p)))
                                || word(view.get(end))))
                });
                if hit {
                    push(start, end);
                }
            }
        }
    }
}

/// Scrubs until nothing changes. `generic`: also the generic patterns. `tail`: hide the
/// text's last that many characters (in the first round).
pub(super) fn scrub_with(
    matcher: &Matcher,
    text: &str,
    generic: bool,
    tail: Option<usize>,
) -> String {
    let mut current = Cow::Borrowed(text);
    let mut tail = tail;
    for _ in 0..MAX_PASSES {
        match pass(matcher, &current, generic, tail.take()) {
            Some(next) => current = Cow::Owned(next),
            None => return current.into_owned(),
        }
    }
    MARKER.to_owned()
}

/// One round: every span to hide is found in every view, mapped back, merged and replaced.
/// `None` when nothing would change (every merged span is already exactly a marker).
pub(super) fn pass(
    matcher: &Matcher,
    text: &str,
    generic: bool,
    tail: Option<usize>,
) -> Option<String> {
    let mut spans: Vec<(usize, usize)> = text
        .match_indices(MARKER)
        .map(|(i, m)| (i, i + m.len()))
        .collect();
    let mut found = |view: &[u8], map: &SpanMap<'_>| {
        let mut push = |s: usize, e: usize| spans.push(map(s, e));
        matcher.find(view, &mut push);
        if generic {
            find_emails(view, &mut push);
            find_digit_runs(view, &mut push);
        }
    };
    for_each_view(text.as_bytes(), &mut found);
    if let Some(start) = tail.and_then(|chars| tail_start(text, chars)) {
        spans.push((start, text.len()));
    }
    for span in &mut spans {
        *span = (
            floor_char_boundary(text, span.0),
            ceil_char_boundary(text, span.1),
        );
    }
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    if merged.iter().all(|&(s, e)| &text[s..e] == MARKER) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (s, e) in merged {
        out.push_str(&text[last..s]);
        out.push_str(MARKER);
        last = e;
    }
    out.push_str(&text[last..]);
    Some(out)
}

/// Where the last `chars` characters of `text` start (`None` for an empty text).
pub(super) fn tail_start(text: &str, chars: usize) -> Option<usize> {
    if text.is_empty() {
        return None;
    }
    let start = text
        .char_indices()
        .rev()
        .nth(chars.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    Some(start)
}

/// The last char boundary at or before `i` (at most the text's length).
pub(super) fn floor_char_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The first char boundary at or after `i` (at most the text's length).
pub(super) fn ceil_char_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}
