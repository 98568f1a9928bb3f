//! Where in a JSON text a decode failed, as a path (`charges[0].id`).
//!
//! `decode_json` used to re-run a failed parse under `serde_path_to_error` to learn the
//! path. That compiled every answer type's `Deserialize` a second time, for the tracking
//! deserializer (a sixth of a vendor crate's release build, docs/performance.md). This
//! scanner is compiled once: it walks the text up to the byte where serde_json stopped and
//! names the value it was in. Paths are written as `serde_path_to_error` writes them (`.`
//! for the top level, `a.b[2].c`) and equal its paths on data errors (wrong type, missing
//! or repeated field, unknown value), where the position is right after the value (or the
//! object) serde was reading. On syntax errors it names the member the scan was in,
//! where path tracking could only name the enclosing value or `?`.

/// An open object or array on the way to the error.
enum Frame {
    Object {
        /// The member's key, once read.
        key: Option<String>,
        /// The key's `:` was seen: the scan is at or in the member's value.
        colon: bool,
    },
    Array {
        index: usize,
        /// A value of element `index` began.
        began: bool,
    },
}

/// The path of the value at serde_json's error position (`line` 1-based, `column` the
/// bytes from the line's start, as `serde_json::Error` reports them) in `text`.
/// `error_is_the_key`: the error is about the key just read (an unknown field), which
/// then names its member although its `:` was not read yet. `syntax`: a syntax error,
/// whose position is one past the offending byte (serde_json reports where it peeked),
/// so the scan stops before that byte. `checked`: a check that ran after a value was
/// read (`try_from`, `deserialize_with`, a custom `Deserialize`): such an error has no
/// position of its own and serde_json gives it the place where the enclosing object's
/// parse returned; right after that object's `}`, the failed value is its last member
/// (unless a `,` follows: then the closed value is named, which holds the failed one).
pub(super) fn path_at(
    text: &str,
    line: usize,
    column: usize,
    error_is_the_key: bool,
    syntax: bool,
    checked: bool,
) -> String {
    let bytes = text.as_bytes();
    let mut start = 0;
    for _ in 1..line {
        match bytes[start..].iter().position(|&b| b == b'\n') {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    let mut stop = start.saturating_add(column).min(bytes.len());
    if syntax {
        stop = stop.saturating_sub(1);
    }
    let (mut frames, closed_member) = scan(bytes, stop);
    if checked
        && next_byte(bytes, stop) != Some(b',')
        && let Some(member) = closed_member
    {
        // The object (or array) just closed is entered again, at its last member. Before
        // a `,` the position is ambiguous: a check of the closed value itself also lands
        // there (its holder's parse returns just before the `,`), so the value is named,
        // not its last member.
        frames.push(member);
    }
    render(&frames, bytes, stop, error_is_the_key)
}

/// The open frames after reading `bytes[..stop]`, and, if the last byte read closed an
/// object or array, that frame as it was at its last member.
fn scan(bytes: &[u8], stop: usize) -> (Vec<Frame>, Option<Frame>) {
    let mut frames: Vec<Frame> = Vec::new();
    let mut closed = None;
    let mut i = 0;
    while i < stop {
        let b = bytes[i];
        closed = None;
        match b {
            b'{' | b'[' => {
                value_began(&mut frames);
                frames.push(if b == b'{' {
                    Frame::Object {
                        key: None,
                        colon: false,
                    }
                } else {
                    Frame::Array {
                        index: 0,
                        began: false,
                    }
                });
                i += 1;
            }
            b'}' | b']' => {
                closed = frames.pop();
                i += 1;
            }
            b',' => {
                match frames.last_mut() {
                    Some(Frame::Object { key, colon }) => {
                        *key = None;
                        *colon = false;
                    }
                    Some(Frame::Array { index, began }) => {
                        *index += 1;
                        *began = false;
                    }
                    None => {}
                }
                i += 1;
            }
            b':' => {
                if let Some(Frame::Object { colon, .. }) = frames.last_mut() {
                    *colon = true;
                }
                i += 1;
            }
            b'"' => {
                let end = string_end(bytes, i, stop);
                let is_key = matches!(frames.last(), Some(Frame::Object { colon: false, .. }));
                if is_key {
                    if let Some(Frame::Object { key, .. }) = frames.last_mut() {
                        // A key cut off by the error is not named: its member never began.
                        *key = (end <= stop)
                            .then(|| bytes.get(i..end))
                            .flatten()
                            .map(decode_key);
                    }
                } else {
                    value_began(&mut frames);
                }
                i = end;
            }
            b if b.is_ascii_whitespace() => i += 1,
            _ => {
                // A number, a literal, or a stray byte: one token up to a delimiter.
                value_began(&mut frames);
                while i < stop
                    && !matches!(bytes[i], b',' | b':' | b'{' | b'}' | b'[' | b']' | b'"')
                    && !bytes[i].is_ascii_whitespace()
                {
                    i += 1;
                }
            }
        }
    }
    (frames, closed)
}

/// Marks that a value began in the innermost frame.
fn value_began(frames: &mut [Frame]) {
    if let Some(Frame::Array { began, .. }) = frames.last_mut() {
        *began = true;
    }
}

/// The index one past the closing quote of the string opening at `open`, or past `stop`
/// if it does not close before it.
fn string_end(bytes: &[u8], open: usize, stop: usize) -> usize {
    let mut j = open + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            _ => j += 1,
        }
    }
    stop.max(j).saturating_add(1)
}

/// A key's text with its escapes decoded (`raw` includes the quotes).
/// The most characters of one key a path shows: a vendor's key is its text, and an error
/// message stays one short line whatever the vendor sends.
const MAX_KEY_CHARS: usize = 64;

/// The key as a path shows it: decoded, control characters (an escaped newline) as `?`,
/// at most [`MAX_KEY_CHARS`] characters (then `…`).
fn decode_key(raw: &[u8]) -> String {
    let Some(key) = std::str::from_utf8(raw)
        .ok()
        .and_then(|s| serde_json::from_str::<String>(s).ok())
    else {
        return "?".to_owned();
    };
    let mut out: String = key
        .chars()
        .take(MAX_KEY_CHARS)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if key.chars().nth(MAX_KEY_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// `a.b[2].c`, `.` for the top level. The innermost frame's own member counts only once
/// it began: an object's after its `:` (or at its key if the error is the key), an array's element if a value began or the next
/// byte (after whitespace) starts one.
fn render(frames: &[Frame], bytes: &[u8], stop: usize, error_is_the_key: bool) -> String {
    let mut out = String::new();
    let last = frames.len().saturating_sub(1);
    for (n, frame) in frames.iter().enumerate() {
        match frame {
            Frame::Object { key, colon } => {
                if let Some(key) = key
                    && (*colon || n < last || error_is_the_key)
                {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
            }
            Frame::Array { index, began } => {
                let entered =
                    *began || n < last || next_byte(bytes, stop).is_some_and(|b| b != b']');
                if entered {
                    out.push('[');
                    out.push_str(&index.to_string());
                    out.push(']');
                }
            }
        }
    }
    if out.is_empty() {
        out.push('.');
    }
    out
}

/// The first byte from `stop` on that is not whitespace.
fn next_byte(bytes: &[u8], stop: usize) -> Option<u8> {
    bytes
        .get(stop..)
        .unwrap_or_default()
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace())
}
