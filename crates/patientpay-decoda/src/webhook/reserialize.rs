//! Re-serializations of a JSON body as JavaScript's `JSON.stringify(JSON.parse(body))` and
//! Python's `json.dumps(json.loads(body))` would write them, built from the raw token stream
//! so that key order is kept. Strings are handled as UTF-16 code units (as both languages do),
//! so lone surrogates in `\u` escapes survive. Duplicate keys keep their first position and
//! their last value (as both languages do).

use std::fmt::Write as _;

/// Deeper nesting is refused (the body is not yet authenticated here).
const MAX_DEPTH: usize = 128;

pub(super) enum Json {
    Null,
    Bool(bool),
    /// The number's token as written.
    Num(String),
    Str(Vec<u16>),
    Arr(Vec<Json>),
    Obj(Vec<(Vec<u16>, Json)>),
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

/// Parses strict JSON (RFC 8259); `None` on any error.
pub(super) fn parse(body: &[u8]) -> Option<Json> {
    let mut p = Parser { b: body, i: 0 };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    (p.i == p.b.len()).then_some(v)
}

impl Parser<'_> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &[u8]) -> Option<()> {
        let end = self.i.checked_add(lit.len())?;
        (self.b.get(self.i..end)? == lit).then(|| self.i = end)
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        match *self.b.get(self.i)? {
            b'n' => self.eat(b"null").map(|_| Json::Null),
            b't' => self.eat(b"true").map(|_| Json::Bool(true)),
            b'f' => self.eat(b"false").map(|_| Json::Bool(false)),
            b'"' => self.string().map(Json::Str),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Some(Json::Arr(items));
                }
                loop {
                    self.ws();
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match *self.b.get(self.i)? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(Json::Arr(items));
                        }
                        _ => return None,
                    }
                }
            }
            b'{' => {
                self.i += 1;
                let mut members: Vec<(Vec<u16>, Json)> = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Some(Json::Obj(members));
                }
                loop {
                    self.ws();
                    if self.b.get(self.i) != Some(&b'"') {
                        return None;
                    }
                    let key = self.string()?;
                    self.ws();
                    self.eat(b":")?;
                    self.ws();
                    let v = self.value(depth + 1)?;
                    match members.iter_mut().find(|(k, _)| *k == key) {
                        Some(slot) => slot.1 = v,
                        None => members.push((key, v)),
                    }
                    self.ws();
                    match *self.b.get(self.i)? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(Json::Obj(members));
                        }
                        _ => return None,
                    }
                }
            }
            b'-' | b'0'..=b'9' => self.number().map(Json::Num),
            _ => None,
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.b.get(self.i) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Option<String> {
        let start = self.i;
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        let n = self.digits();
        if n == 0 || (n > 1 && self.b.get(int_start) == Some(&b'0')) {
            return None;
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.b.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.b.get(self.i) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        std::str::from_utf8(self.b.get(start..self.i)?)
            .ok()
            .map(str::to_owned)
    }

    fn hex4(&mut self) -> Option<u16> {
        let s = std::str::from_utf8(self.b.get(self.i..self.i.checked_add(4)?)?).ok()?;
        if !s.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        self.i += 4;
        u16::from_str_radix(s, 16).ok()
    }

    /// A string's UTF-16 code units (the opening quote at `self.i`).
    fn string(&mut self) -> Option<Vec<u16>> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let start = self.i;
            while let Some(&c) = self.b.get(self.i) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.i += 1;
            }
            let run = std::str::from_utf8(self.b.get(start..self.i)?).ok()?;
            out.extend(run.encode_utf16());
            match *self.b.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.i += 1;
                    let esc = *self.b.get(self.i)?;
                    self.i += 1;
                    out.push(match esc {
                        b'"' => 0x22,
                        b'\\' => 0x5c,
                        b'/' => 0x2f,
                        b'b' => 0x08,
                        b'f' => 0x0c,
                        b'n' => 0x0a,
                        b'r' => 0x0d,
                        b't' => 0x09,
                        b'u' => self.hex4()?,
                        _ => return None,
                    });
                }
                _ => return None, // a raw control character
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Style {
    JavaScript,
    Python,
}

/// `JSON.stringify(JSON.parse(body))`.
pub(super) fn javascript_stringify(v: &Json) -> String {
    let mut out = String::new();
    write(v, Style::JavaScript, &mut out);
    out
}

/// `json.dumps(json.loads(body))` with the default separators and `ensure_ascii`.
pub(super) fn python_dumps(v: &Json) -> String {
    let mut out = String::new();
    write(v, Style::Python, &mut out);
    out
}

/// A JavaScript array index (`"0"`, `"17"`, no leading zero, below 2^32 - 1): such
/// keys come first, in numeric order, in a JavaScript object.
fn array_index(key: &[u16]) -> Option<u32> {
    if key.is_empty() || key.len() > 10 || (key.len() > 1 && key[0] == u16::from(b'0')) {
        return None;
    }
    let mut n: u64 = 0;
    for &c in key {
        let d = c.checked_sub(u16::from(b'0')).filter(|d| *d <= 9)?;
        n = n * 10 + u64::from(d);
    }
    u32::try_from(n).ok().filter(|n| *n != u32::MAX)
}

fn write(v: &Json, style: Style, out: &mut String) {
    let (comma, colon) = match style {
        Style::JavaScript => (",", ":"),
        Style::Python => (", ", ": "),
    };
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Num(token) => number(token, style, out),
        Json::Str(units) => string(units, style, out),
        Json::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(comma);
                }
                write(item, style, out);
            }
            out.push(']');
        }
        Json::Obj(members) => {
            let mut order: Vec<&(Vec<u16>, Json)> = members.iter().collect();
            if style == Style::JavaScript {
                // Stable: integer-like keys first (ascending), then insertion order.
                order.sort_by_key(|(k, _)| array_index(k).map_or((1, 0), |n| (0, n)));
            }
            out.push('{');
            for (i, (k, item)) in order.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(comma);
                }
                string(k, style, out);
                out.push_str(colon);
                write(item, style, out);
            }
            out.push('}');
        }
    }
}

fn string(units: &[u16], style: Style, out: &mut String) {
    out.push('"');
    for decoded in char::decode_utf16(units.iter().copied()) {
        match decoded {
            Err(lone) => {
                let _ = write!(out, "\\u{:04x}", lone.unpaired_surrogate());
            }
            Ok(c) => match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\u{08}' => out.push_str("\\b"),
                '\u{0c}' => out.push_str("\\f"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if u32::from(c) < 0x20 => {
                    let _ = write!(out, "\\u{:04x}", u32::from(c));
                }
                c if style == Style::Python && !(' '..='~').contains(&c) => {
                    let mut buf = [0u16; 2];
                    for unit in c.encode_utf16(&mut buf) {
                        let _ = write!(out, "\\u{unit:04x}");
                    }
                }
                c => out.push(c),
            },
        }
    }
    out.push('"');
}

fn number(token: &str, style: Style, out: &mut String) {
    let integral = !token.contains(['.', 'e', 'E']);
    if style == Style::Python && integral {
        // Python ints are exact; "-0" is int 0.
        out.push_str(if token == "-0" { "0" } else { token });
        return;
    }
    let Ok(x) = token.parse::<f64>() else {
        out.push_str(token);
        return;
    };
    if !x.is_finite() {
        // JSON.stringify writes null; Python writes Infinity.
        out.push_str(match style {
            Style::JavaScript => "null",
            Style::Python if x > 0.0 => "Infinity",
            Style::Python => "-Infinity",
        });
        return;
    }
    let sci = format!("{x:e}"); // shortest round-trip digits, e.g. "1.5e-7"
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    match style {
        Style::JavaScript => {
            if x == 0.0 {
                out.push('0');
            } else if (-6..21).contains(&exp) {
                let _ = write!(out, "{x}");
            } else {
                let sign = if exp >= 0 { "+" } else { "-" };
                let _ = write!(out, "{mantissa}e{sign}{}", exp.unsigned_abs());
            }
        }
        Style::Python => {
            if (-4..16).contains(&exp) {
                let plain = format!("{x}");
                out.push_str(&plain);
                if !plain.contains('.') {
                    out.push_str(".0");
                }
            } else {
                let sign = if exp >= 0 { "+" } else { "-" };
                let _ = write!(out, "{mantissa}e{sign}{:02}", exp.unsigned_abs());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js(s: &str) -> String {
        javascript_stringify(&parse(s.as_bytes()).unwrap())
    }
    fn py(s: &str) -> String {
        python_dumps(&parse(s.as_bytes()).unwrap())
    }

    // Expected values: node -e 'console.log(JSON.stringify(JSON.parse(S)))' and
    // python3 -c 'import json,sys; print(json.dumps(json.loads(S)))'.
    #[test]
    fn javascript_form() {
        assert_eq!(
            js(r#" { "b" : 1 , "a" : [ true, null ] } "#),
            r#"{"b":1,"a":[true,null]}"#
        );
        assert_eq!(
            js(r#"{"b":1,"2":0,"10":0,"a":0}"#),
            r#"{"2":0,"10":0,"b":1,"a":0}"#
        );
        assert_eq!(
            js(r#"{"s":"caf\u00e9 \/ \u2028 \ud83d\ude00 \ud800"}"#),
            "{\"s\":\"café / \u{2028} 😀 \\ud800\"}"
        );
        assert_eq!(
            js("[1.50, 1e2, 1E21, 0.0000001, -0, 1.5e-7, 100000000000000000000]"),
            "[1.5,100,1e+21,1e-7,0,1.5e-7,100000000000000000000]"
        );
        assert_eq!(js(r#"{"a":1,"a":2,"b":3}"#), r#"{"a":2,"b":3}"#);
        assert_eq!(js("\"\\u001f\\u007f\""), "\"\\u001f\u{7f}\"");
    }

    #[test]
    fn python_form() {
        assert_eq!(
            py(r#"{"b":1,"2":0,"a":[true,null]}"#),
            r#"{"b": 1, "2": 0, "a": [true, null]}"#
        );
        assert_eq!(
            py(r#"{"s":"café 😀 \ud800"}"#),
            r#"{"s": "caf\u00e9 \ud83d\ude00 \ud800"}"#
        );
        assert_eq!(
            py("[1.50, 1e2, 1e16, 0.0001, 0.00001, -0, 12345678901234567890]"),
            "[1.5, 100.0, 1e+16, 0.0001, 1e-05, 0, 12345678901234567890]"
        );
        assert_eq!(py("\"\\u007f\""), "\"\\u007f\"");
    }

    #[test]
    fn refuses_what_json_refuses() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "01",
            "1.",
            "\"\u{1}\"",
            "nul",
            "{} x",
            "\"\\x\"",
        ] {
            assert!(parse(bad.as_bytes()).is_none(), "{bad:?}");
        }
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(parse(deep.as_bytes()).is_none());
        let ok = "[".repeat(100) + &"]".repeat(100);
        assert!(parse(ok.as_bytes()).is_some());
    }
}
