//! Views: the text decoded, each byte mapped back to the span of the original it came from.

#[derive(Clone, Copy)]
pub(super) enum Decoder {
    Json,
    Html,
    /// `%XX`; `+` stays `+`.
    Percent,
    /// `%XX`, and `+` is a space (`application/x-www-form-urlencoded`).
    Form,
}

/// The views searched besides the raw text: each first decoder, and after it each of the
/// second ones — the nestings vendors produce (a URL-encoded query or a JSON-escaped value
/// inside a JSON message, a doubly URL-encoded value, URL-encoded JSON, a URL in an HTML
/// attribute).
pub(super) const NESTED: [(Decoder, &[Decoder]); 4] = [
    (
        Decoder::Json,
        &[Decoder::Percent, Decoder::Form, Decoder::Json],
    ),
    (Decoder::Html, &[Decoder::Percent, Decoder::Form]),
    (
        Decoder::Percent,
        &[Decoder::Json, Decoder::Percent, Decoder::Form],
    ),
    (Decoder::Form, &[]),
];

/// At most how many bytes of its input one decoded byte of `decoder` stands for: `\u0041`
/// is 6 bytes for 1, an HTML reference at most 10, `%41` 3.
pub(super) fn expansion(decoder: Decoder) -> usize {
    match decoder {
        Decoder::Json => 6,
        Decoder::Html => 10,
        Decoder::Percent | Decoder::Form => 3,
    }
}

/// At most how many bytes of the raw text one byte of any view stands for.
pub(super) fn max_expansion() -> usize {
    NESTED
        .iter()
        .map(|(first, seconds)| {
            let second = seconds.iter().map(|d| expansion(*d)).max().unwrap_or(1);
            expansion(*first) * second
        })
        .max()
        .unwrap_or(1)
}

/// Maps a span of a view back to the span of the raw text it came from.
pub(super) type SpanMap<'a> = dyn Fn(usize, usize) -> (usize, usize) + 'a;

/// A decoded text: its bytes, and for each the span `[start, end)` of the input it came from.
pub(super) type Decoded = (Vec<u8>, Vec<(usize, usize)>);

/// Calls `f` with the raw text and with every view of [`NESTED`] that decodes something,
/// and a map from a view's span to the raw text's span.
pub(super) fn for_each_view(raw: &[u8], f: &mut dyn FnMut(&[u8], &SpanMap<'_>)) {
    f(raw, &|s, e| (s, e));
    for (first, seconds) in NESTED {
        let Some((b1, s1)) = decode(raw, first) else {
            continue;
        };
        f(&b1, &|s, e| (s1[s].0, s1[e - 1].1));
        for &second in seconds {
            if let Some((b2, s2)) = decode(&b1, second) {
                f(&b2, &|s, e| (s1[s2[s].0].0, s1[s2[e - 1].1 - 1].1));
            }
        }
    }
}

/// `input` decoded by `decoder`, or `None` if there was nothing to decode.
pub(super) fn decode(input: &[u8], decoder: Decoder) -> Option<Decoded> {
    let trigger: &[u8] = match decoder {
        Decoder::Json => b"\\",
        Decoder::Html => b"&",
        Decoder::Percent => b"%",
        Decoder::Form => b"%+",
    };
    if !input.iter().any(|b| trigger.contains(b)) {
        return None;
    }
    let mut bytes = Vec::with_capacity(input.len());
    let mut spans = Vec::with_capacity(input.len());
    let mut changed = false;
    let mut i = 0;
    while i < input.len() {
        let unit = match decoder {
            Decoder::Json => json_escape(input, i),
            Decoder::Html => html_entity(input, i),
            Decoder::Percent => percent_escape(input, i),
            Decoder::Form => percent_escape(input, i)
                .or_else(|| (input[i] == b'+').then_some((Unit::Byte(b' '), 1))),
        };
        let (unit, len) = match unit {
            Some(u) => {
                changed = true;
                u
            }
            None => (Unit::Byte(input[i]), 1),
        };
        let span = (i, i + len);
        match unit {
            Unit::Byte(b) => {
                bytes.push(b);
                spans.push(span);
            }
            Unit::Char(c) => {
                let mut buf = [0; 4];
                for &b in c.encode_utf8(&mut buf).as_bytes() {
                    bytes.push(b);
                    spans.push(span);
                }
            }
        }
        i += len;
    }
    changed.then_some((bytes, spans))
}

pub(super) enum Unit {
    Byte(u8),
    Char(char),
}

pub(super) fn hex(b: u8) -> Option<u32> {
    char::from(b).to_digit(16)
}

/// The value of the 4 hex digits at `at`.
pub(super) fn hex4(input: &[u8], at: usize) -> Option<u32> {
    let digits = input.get(at..at + 4)?;
    digits
        .iter()
        .try_fold(0, |acc, &b| Some(acc * 16 + hex(b)?))
}

/// A JSON string escape at `i`, and its length.
pub(super) fn json_escape(input: &[u8], i: usize) -> Option<(Unit, usize)> {
    if input[i] != b'\\' {
        return None;
    }
    let byte = match *input.get(i + 1)? {
        c @ (b'"' | b'\\' | b'/') => c,
        b'b' => 0x08,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'u' => {
            let unit = hex4(input, i + 2)?;
            if (0xd800..0xdc00).contains(&unit) {
                let low = input
                    .get(i + 6..i + 8)
                    .filter(|p| *p == b"\\u")
                    .and_then(|_| hex4(input, i + 8))
                    .filter(|low| (0xdc00..0xe000).contains(low))?;
                let c = char::from_u32(0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00))?;
                return Some((Unit::Char(c), 12));
            }
            return char::from_u32(unit).map(|c| (Unit::Char(c), 6));
        }
        _ => return None,
    };
    Some((Unit::Byte(byte), 2))
}

/// A `%XX` escape at `i`.
pub(super) fn percent_escape(input: &[u8], i: usize) -> Option<(Unit, usize)> {
    if input[i] != b'%' {
        return None;
    }
    let hi = hex(*input.get(i + 1)?)?;
    let lo = hex(*input.get(i + 2)?)?;
    // Two hex digits are at most 0xff.
    Some((Unit::Byte((hi * 16 + lo) as u8), 3))
}

/// An HTML character reference at `i` (`&amp;`, `&#64;`, `&#x40;`, …), at most 10 bytes.
pub(super) fn html_entity(input: &[u8], i: usize) -> Option<(Unit, usize)> {
    if input[i] != b'&' {
        return None;
    }
    let rest = &input[i + 1..input.len().min(i + 10)];
    let semi = rest.iter().position(|&b| b == b';')?;
    let name = &rest[..semi];
    let c = match name.to_ascii_lowercase().as_slice() {
        b"amp" => '&',
        b"lt" => '<',
        b"gt" => '>',
        b"quot" => '"',
        b"apos" => '\'',
        b"nbsp" => ' ',
        [b'#', b'x', hex_digits @ ..] => number(hex_digits, 16)?,
        [b'#', decimal @ ..] => number(decimal, 10)?,
        _ => return None,
    };
    Some((Unit::Char(c), semi + 2))
}

/// A character reference's number (at most 7 digits, so no overflow).
pub(super) fn number(digits: &[u8], radix: u32) -> Option<char> {
    if digits.is_empty() {
        return None;
    }
    let n = digits.iter().try_fold(0u32, |acc, &b| {
        Some(acc * radix + char::from(b).to_digit(radix)?)
    })?;
    char::from_u32(n)
}
