//! A vendor's answer: status, headers, the size-capped body, its decoding, and the
//! [`ResponseMeta`] a caller can read on success.

use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use serde::Deserialize;

pub use crate::domain::{RateLimit, ResponseMeta};
use crate::error::{Error, Result};
use crate::operation::Operation;

/// A vendor's answer, with its body read (up to the size cap: the error-body cap for a
/// non-2xx answer, beyond which the body is cut and [`truncated`](Self::truncated) says so).
#[derive(Clone)]
pub struct VendorResponse {
    provider: &'static str,
    operation: Operation,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    attempts: u32,
    truncated: bool,
    scrubber: Option<crate::scrub::Scrubber>,
}

impl fmt::Debug for VendorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VendorResponse")
            .field("provider", &self.provider)
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("body_bytes", &self.body.len())
            .field("attempts", &self.attempts)
            .finish()
    }
}

impl VendorResponse {
    /// Builds a response by hand (for tests of vendor parsers).
    pub fn from_parts(
        provider: &'static str,
        operation: Operation,
        status: u16,
        headers: HeaderMap,
        body: impl Into<Bytes>,
    ) -> VendorResponse {
        VendorResponse {
            provider,
            operation,
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers,
            body: body.into(),
            attempts: 1,
            truncated: false,
            scrubber: None,
        }
    }

    /// Checks request ids (and anything else read from this answer's headers) against the
    /// secrets and PHI `scrubber` knows: an id holding one of them is dropped.
    pub(crate) fn set_scrubber(&mut self, scrubber: Option<crate::scrub::Scrubber>) {
        self.scrubber = scrubber;
    }

    pub(crate) fn set_attempts(&mut self, attempts: u32) {
        self.attempts = attempts;
    }

    pub(crate) fn set_truncated(&mut self, truncated: bool) {
        self.truncated = truncated;
    }

    /// `true` when the (error) body was longer than the error-body cap and was cut.
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// The content type's essence (`text/html`), lower-cased and bounded, for messages.
    pub fn content_type_essence(&self) -> Option<String> {
        let ct = self.content_type()?;
        let essence: String = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .chars()
            .take(64)
            .filter(|c| c.is_ascii_graphic())
            .collect::<String>()
            .to_ascii_lowercase();
        (!essence.is_empty()).then_some(essence)
    }

    /// A description of a body that is not the vendor's error shape, built from its content
    /// type and length only — never its content, which may echo secrets or PHI:
    /// `"text/html body of 1234 bytes (not shown)"` (the status is already in the error).
    pub fn describe_unparsed(&self) -> String {
        let len = self.body.len();
        let more = if self.truncated { " or more" } else { "" };
        match (self.content_type_essence(), len) {
            (_, 0) => "empty body".to_owned(),
            (Some(ct), _) => format!("{ct} body of {len}{more} bytes (not shown)"),
            (None, _) => format!("body of {len}{more} bytes (not shown)"),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    /// `true` for 2xx.
    pub fn is_success(&self) -> bool {
        self.status.is_success()
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// How many attempts were made to get this answer.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The vendor's request id, from the usual headers.
    pub fn request_id(&self) -> Option<String> {
        [
            "x-request-id",
            "request-id",
            "x-amzn-requestid",
            "x-correlation-id",
        ]
        .iter()
        .find_map(|h| self.headers.get(*h))
        .and_then(|v| v.to_str().ok())
        .and_then(|raw| match &self.scrubber {
            // A hostile vendor can echo a secret as its "request id".
            Some(s) => s.scrub_request_id(raw.trim()),
            None => sanitize_id_header(raw).map(str::to_owned),
        })
    }

    /// The `Retry-After` header as a duration (seconds or an HTTP date).
    pub fn retry_after(&self) -> Option<Duration> {
        parse_retry_after(self.headers.get(RETRY_AFTER)?)
    }

    /// `true` when the content type says JSON (`application/json`, `…+json`).
    pub fn is_json(&self) -> bool {
        self.content_type().is_some_and(content_type_is_json)
    }

    /// The trimmed `Content-Type`, as sent (compare it case-insensitively).
    fn content_type(&self) -> Option<&str> {
        self.headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    }

    /// Decodes a success body into `T`: the content type must be JSON (or absent), the body
    /// non-empty and of the right shape.
    ///
    /// # Errors
    /// [`Error::Decode`] saying what and where, never the body's content.
    ///
    /// `T` may borrow from the body (`&str`, `Cow<str>` fields): a caller that needs only a
    /// few fields of a large answer does not have to copy them.
    pub fn json<'a, T: Deserialize<'a>>(&'a self) -> Result<T> {
        if let Some(ct) = self.content_type()
            && !content_type_is_json(ct)
        {
            let ct: String = ct
                .split(';')
                .next()
                .unwrap_or("")
                .chars()
                .take(64)
                .collect::<String>()
                .to_ascii_lowercase();
            return Err(
                self.decode_error(format!("expected a JSON response, got content-type {ct}"))
            );
        }
        decode_json(&self.body).map_err(|detail| self.decode_error(detail))
    }

    /// The body as JSON whatever the content type (for error shapes), if it parses.
    pub fn json_lenient(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// An [`Error::Decode`] for this response. `detail` passes the call's scrubber (the
    /// generic patterns when the response has none): a decode detail names the vendor's
    /// JSON keys (`charges[0].id`), and a vendor may key an object by an e-mail or an id
    /// of the patient.
    pub fn decode_error(&self, detail: impl Into<String>) -> Error {
        let detail = detail.into();
        let detail = match &self.scrubber {
            Some(scrubber) => scrubber.scrub(&detail),
            None => crate::scrub::Scrubber::new().scrub(&detail),
        };
        Error::Decode {
            provider: self.provider,
            operation: self.operation,
            status: self.status.as_u16(),
            detail,
        }
    }

    /// Classifies this (error) answer with the vendor's own `message`: 401/403 → `Auth`,
    /// 429 → `RateLimited`, else `Vendor` (see [`Error::from_vendor_status`]).
    pub fn error(&self, message: Option<String>) -> Error {
        Error::from_vendor_status(
            self.provider,
            self.operation,
            self.status.as_u16(),
            message,
            self.request_id(),
            self.retry_after(),
        )
    }
}

fn content_type_is_json(ct: &str) -> bool {
    ct.get(..16)
        .is_some_and(|p| p.eq_ignore_ascii_case("application/json"))
        || contains_ignore_ascii_case(ct, "+json")
}

fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Decodes JSON into `T`. On failure, says where and what kind of problem, never the
/// offending value (it may be PHI).
///
/// The body is checked as UTF-8 once, then parsed from `&str`: `serde_json::from_slice`
/// would validate every string and key again as it meets it, which is a seventh of the
/// parse time of a large answer (see docs/performance.md). A body that is not UTF-8 is
/// malformed JSON, as `from_slice` would also find, and is refused without a parse.
///
/// # Errors
/// A one-line description of the problem.
pub fn decode_json<'a, T: Deserialize<'a>>(body: &'a [u8]) -> std::result::Result<T, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err("empty response body".to_owned());
    }
    // Not UTF-8 is not JSON: refused without parsing, so each answer type is compiled for
    // one reader (`&str`) instead of also for `&[u8]` (a third of a vendor crate's
    // release build time went to the extra copies).
    let Ok(text) = std::str::from_utf8(body) else {
        return Err("malformed JSON (the body is not UTF-8)".to_owned());
    };
    match serde_json::from_str::<T>(text) {
        Ok(v) => Ok(v),
        Err(e) => {
            // Where: scanned from the text up to serde_json's position, not by a second
            // parse with path tracking (which would compile each `T` twice).
            let msg = if e.is_data() {
                e.to_string()
            } else {
                String::new()
            };
            let error_is_the_key = msg.starts_with("unknown field");
            let checked = e.is_data()
                && !(msg.starts_with("missing field") || msg.starts_with("invalid length"));
            let path = super::json_path::path_at(
                text,
                e.line(),
                e.column(),
                error_is_the_key,
                e.is_syntax(),
                checked,
            );
            Err(describe_json_error(&path, &e))
        }
    }
}

fn describe_json_error(path: &str, e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Io => "I/O error".to_owned(),
        Category::Eof => "truncated JSON".to_owned(),
        Category::Syntax => "malformed JSON".to_owned(),
        Category::Data => {
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or("");
            if msg.starts_with("missing field")
                || msg.starts_with("duplicate field")
                || msg.starts_with("invalid length")
            {
                msg.to_owned()
            } else if let Some(rest) = msg.strip_prefix("invalid type: ") {
                // "invalid type: string \"Jane\", expected u32" → keep the kinds only.
                let got = rest.split([' ', ',']).next().unwrap_or("value");
                let expected = rest.split(", expected ").nth(1).unwrap_or("another type");
                format!("invalid type: got {got}, expected {expected}")
            } else if msg.starts_with("invalid value") {
                let expected = msg.split(", expected ").nth(1).unwrap_or("another value");
                format!("invalid value, expected {expected}")
            } else {
                "unexpected value".to_owned()
            }
        }
    };
    let location = if path.is_empty() || path == "." {
        "top level".to_owned()
    } else {
        format!("`{path}`")
    };
    format!(
        "{what} at {location} (line {}, column {})",
        e.line(),
        e.column()
    )
}

fn parse_retry_after(value: &HeaderValue) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(text).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

impl ResponseMeta {
    /// The metadata of `response`.
    pub fn of(response: &VendorResponse) -> ResponseMeta {
        ResponseMeta {
            status: response.status(),
            request_id: response.request_id(),
            attempts: response.attempts(),
            rate_limit: RateLimit::from_headers(response.headers()),
        }
    }
}

impl RateLimit {
    /// The rate-limit headers in `headers`, if any is there.
    pub fn from_headers(headers: &HeaderMap) -> Option<RateLimit> {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        let number = |name: &str| text(name).and_then(|v| v.parse::<u64>().ok());
        let limit = number("x-ratelimit-limit");
        let remaining = number("x-ratelimit-remaining");
        let reset = text("x-ratelimit-reset")
            .and_then(sanitize_id_header)
            .map(str::to_owned);
        if limit.is_none() && remaining.is_none() && reset.is_none() {
            return None;
        }
        Some(RateLimit {
            limit,
            remaining,
            reset,
        })
    }
}

pub use crate::scrub::MAX_REQUEST_ID_LEN;

/// A header value kept only if it looks like an id (see
/// [`sanitize_request_id`](crate::scrub::sanitize_request_id)): 1 to [`MAX_REQUEST_ID_LEN`]
/// bytes of visible ASCII without quotes, backslashes or angle brackets. A hostile or buggy
/// vendor can put anything in a header; anything else is dropped, never copied into an error
/// or a trace.
pub fn sanitize_id_header(raw: &str) -> Option<&str> {
    let raw = raw.trim();
    crate::scrub::sanitize_request_id(raw).map(|_| raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_that_is_not_utf8_is_malformed_json_and_never_echoed() {
        let err = decode_json::<serde_json::Value>(b"{\"name\": \"Jane \xff Doe\"}").unwrap_err();
        assert_eq!(err, "malformed JSON (the body is not UTF-8)");
        let err = decode_json::<u32>(b"\"x\"").unwrap_err();
        assert!(err.contains("invalid type"), "{err}");
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(
            parse_retry_after(&HeaderValue::from_static("7")),
            Some(Duration::from_secs(7))
        );
        let future = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
        let d = parse_retry_after(&HeaderValue::from_str(&future).unwrap()).unwrap();
        assert!(
            d > Duration::from_secs(100) && d <= Duration::from_secs(120),
            "{d:?}"
        );
        assert_eq!(
            parse_retry_after(&HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT")),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after(&HeaderValue::from_static("soon")), None);
    }

    #[test]
    fn decode_errors_never_echo_values() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct P {
            age: u32,
            name: String,
        }
        let e = decode_json::<P>(br#"{"age": "Jane Secret", "name": "x"}"#).unwrap_err();
        assert!(!e.contains("Jane"), "{e}");
        assert!(e.contains("`age`"), "{e}");
        let e = decode_json::<P>(br#"{"age": 3}"#).unwrap_err();
        assert!(e.contains("missing field `name`"), "{e}");
        assert!(
            decode_json::<P>(br#"{"age": 3, "na"#)
                .unwrap_err()
                .contains("truncated")
        );
        assert!(decode_json::<P>(b"").unwrap_err().contains("empty"));
        assert!(
            decode_json::<P>(b"<html>")
                .unwrap_err()
                .contains("malformed")
        );
        assert!(
            decode_json::<P>(&[0xff, 0xfe, 0x00])
                .unwrap_err()
                .contains("malformed")
        );
    }

    #[test]
    fn a_decode_detail_naming_a_vendor_key_is_scrubbed_and_bounded() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct P {
            age: u32,
        }
        type Keyed = std::collections::HashMap<String, P>;
        let resp = |body: &'static str| {
            VendorResponse::from_parts(
                "v",
                Operation::ListPaymentMethods,
                200,
                HeaderMap::new(),
                body,
            )
        };
        // A key the call registered (the patient's member id) and a generic pattern.
        let mut r = resp(r#"{"MBR-778812": {"age": "x"}}"#);
        r.set_scrubber(Some(
            crate::scrub::Scrubber::new().with_secret("MBR-778812"),
        ));
        let e = r.json::<Keyed>().unwrap_err().to_string();
        assert!(
            !e.contains("MBR-778812") && e.contains("invalid type"),
            "{e}"
        );
        let e = resp(r#"{"jane@x.example": {"age": "x"}}"#)
            .json::<Keyed>()
            .unwrap_err()
            .to_string();
        assert!(!e.contains("jane@x.example"), "{e}");
        // A control character stays out of the one-line message; a long key is cut.
        let e = resp("{\"a\\nb\": {\"age\": \"x\"}}")
            .json::<Keyed>()
            .unwrap_err()
            .to_string();
        assert!(e.contains("`a?b.age`") && !e.contains('\n'), "{e}");
        let long: &'static str =
            Box::leak(format!(r#"{{"{}": {{"age": "x"}}}}"#, "k".repeat(5000)).into_boxed_str());
        let e = resp(long).json::<Keyed>().unwrap_err().to_string();
        assert!(
            e.len() < 300 && e.contains(&format!("{}….age", "k".repeat(64))),
            "{e}"
        );
    }

    #[test]
    fn request_ids_must_look_like_ids() {
        assert_eq!(sanitize_id_header(" req_123-abc "), Some("req_123-abc"));
        assert_eq!(sanitize_id_header(""), None);
        assert_eq!(sanitize_id_header("a b"), None);
        assert_eq!(sanitize_id_header("<script>"), None);
        assert_eq!(sanitize_id_header("x\"y"), None);
        assert_eq!(sanitize_id_header("é"), None);
        assert!(sanitize_id_header(&"a".repeat(MAX_REQUEST_ID_LEN)).is_some());
        assert_eq!(
            sanitize_id_header(&"a".repeat(MAX_REQUEST_ID_LEN + 1)),
            None
        );
        assert_eq!(sanitize_id_header("!~"), Some("!~"));
        assert_eq!(sanitize_id_header("\u{7f}"), None);
    }

    #[test]
    fn unparsed_bodies_are_described_not_shown() {
        let mut h = HeaderMap::new();
        h.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        let r =
            VendorResponse::from_parts("x", Operation::GetCharge, 502, h, "<h1>jane@x.com</h1>");
        let d = r.describe_unparsed();
        assert_eq!(d, "text/html body of 19 bytes (not shown)");
        let empty =
            VendorResponse::from_parts("x", Operation::GetCharge, 500, HeaderMap::new(), "");
        assert_eq!(empty.describe_unparsed(), "empty body");
    }
}
