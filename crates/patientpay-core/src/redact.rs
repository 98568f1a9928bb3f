//! Redaction helpers: how PHI and secrets are kept out of `Debug`, errors and traces.
//!
//! PHI fields (names, dates of birth, phones, e-mails, addresses) print as `<redacted>` in
//! hand-written `Debug` impls; secrets are [`secrecy`] types whose `Debug` never shows the
//! value. Vendor messages that may echo a patient's input are scrubbed before they are
//! stored in an [`Error`](crate::Error).

use std::fmt;

/// The text every redacted value prints as.
pub const REDACTED: &str = "<redacted>";

/// A `Debug` stand-in for a PHI value: prints `<redacted>`.
#[derive(Clone, Copy)]
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// A `Debug` stand-in for an optional PHI value: `None` stays visible (it helps debugging
/// to know a field was absent), a present value prints `Some(<redacted>)`.
pub fn redact_opt<T>(value: &Option<T>) -> &'static dyn fmt::Debug {
    if value.is_some() {
        &SomeRedacted
    } else {
        &NoneValue
    }
}

struct SomeRedacted;
impl fmt::Debug for SomeRedacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Some({REDACTED})")
    }
}

struct NoneValue;
impl fmt::Debug for NoneValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("None")
    }
}

/// Masks e-mail addresses and phone-like digit runs (7 or more digits, allowing `+ - . ( )`
/// and spaces between them) in a vendor's message, so that an error such as
/// `User jane@x.example does not exist` never carries the patient's data into logs.
///
/// ```
/// use patientpay_core::redact::scrub_vendor_message;
/// assert_eq!(scrub_vendor_message("User jane.doe@unknown.example does not exist"),
///            "User <redacted> does not exist");
/// assert_eq!(scrub_vendor_message("no patient with phone +1 (415) 555-2671"),
///            "no patient with phone <redacted>");
/// assert_eq!(scrub_vendor_message("Amount must be a positive number"),
///            "Amount must be a positive number");
/// ```
pub fn scrub_vendor_message(message: &str) -> String {
    let words: Vec<&str> = message.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for word in words {
        if is_email_like(word) {
            out.push(REDACTED.to_owned());
        } else {
            out.push(word.to_owned());
        }
    }
    scrub_digit_runs(&out.join(" "))
}

/// Replaces every ASCII-case-insensitive occurrence of each of `values` (the request's own
/// secrets and personal values) in `text` by `<redacted>`: a vendor that echoes what it was
/// sent ("No such PaymentMethod: 'pm_…'", "Rivera does not match") must not carry it into an
/// error or a log. Empty values are ignored.
///
/// ```
/// use patientpay_core::redact::hide_values;
/// assert_eq!(hide_values("No patient RIVERA born 1985-04-12", &["Rivera", "1985-04-12"]),
///            "No patient <redacted> born <redacted>");
/// ```
pub fn hide_values(text: &str, values: &[&str]) -> String {
    let mut out = text.to_owned();
    for needle in values.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let lower = out.to_ascii_lowercase();
        let target = needle.to_ascii_lowercase();
        let mut result = String::with_capacity(out.len());
        let mut last = 0;
        for (start, _) in lower.match_indices(&target) {
            // ASCII lowering keeps byte offsets, so they index `out` too.
            result.push_str(&out[last..start]);
            result.push_str(REDACTED);
            last = start + target.len();
        }
        result.push_str(&out[last..]);
        out = result;
    }
    out
}

fn is_email_like(word: &str) -> bool {
    let w = word.trim_matches(|c: char| {
        matches!(
            c,
            '\'' | '"' | ',' | '.' | ';' | ':' | '(' | ')' | '<' | '>'
        )
    });
    match w.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
        }
        None => false,
    }
}

/// Replaces runs that hold 7+ digits (with phone punctuation inside) by `<redacted>`.
fn scrub_digit_runs(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit()
            || (c == '+' || c == '(')
                && chars
                    .get(i + 1)
                    .is_some_and(|n| n.is_ascii_digit() || *n == '(')
        {
            // Extend over digits and phone punctuation.
            let mut j = i;
            let mut digits = 0;
            let mut last_digit_end = i;
            while j < chars.len() {
                let d = chars[j];
                if d.is_ascii_digit() {
                    digits += 1;
                    last_digit_end = j + 1;
                } else if !matches!(d, '+' | '-' | '.' | '(' | ')' | ' ') {
                    break;
                }
                j += 1;
            }
            if digits >= 7 {
                out.push_str(REDACTED);
                i = last_digit_end;
                continue;
            }
            // Not a phone: copy up to the end of the digit run only.
            out.extend(&chars[i..last_digit_end.max(i + 1)]);
            i = last_digit_end.max(i + 1);
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs() {
        assert_eq!(
            scrub_vendor_message("No such setupintent: 'seti_1SNZ'"),
            "No such setupintent: 'seti_1SNZ'"
        );
        assert_eq!(
            scrub_vendor_message("call 4155552671 now"),
            "call <redacted> now"
        );
        assert_eq!(
            scrub_vendor_message("dob 1990-01-31 wrong"),
            "dob <redacted> wrong"
        );
        assert_eq!(
            scrub_vendor_message("amount 1999 too high"),
            "amount 1999 too high"
        );
        assert_eq!(
            scrub_vendor_message("HTTP 404: not found"),
            "HTTP 404: not found"
        );
        assert_eq!(scrub_vendor_message("'x@y.example'"), "<redacted>");
    }

    #[test]
    fn debug_helpers() {
        assert_eq!(format!("{:?}", Redacted), "<redacted>");
        assert_eq!(format!("{:?}", redact_opt(&Some(1))), "Some(<redacted>)");
        assert_eq!(format!("{:?}", redact_opt::<u8>(&None)), "None");
    }
}
