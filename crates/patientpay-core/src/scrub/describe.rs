//! Request ids and unparseable error bodies: what of a vendor's answer may be shown.

use super::{MAX_CONTENT_TYPE_LEN, MAX_REQUEST_ID_LEN, Scrubber};

/// A vendor's request id if it looks like one: 1 to [`MAX_REQUEST_ID_LEN`] bytes, each
/// visible ASCII (`0x21`–`0x7E`, so no spaces or control characters) and none of
/// `"` `'` `` ` `` `\` `<` `>`. Anything else is dropped (`None`): a hostile or buggy vendor
/// can put anything in a header. Accepts `&str`, `&[u8]` or an `http::HeaderValue`.
///
/// To also refuse an id that holds one of the client's secrets, use
/// [`Scrubber::scrub_request_id`].
///
/// ```
/// use patientpay_core::scrub::sanitize_request_id;
/// assert_eq!(sanitize_request_id("req_8f3K2x").as_deref(), Some("req_8f3K2x"));
/// assert_eq!(sanitize_request_id("<script>"), None);
/// assert_eq!(sanitize_request_id(b"id\r\nx"), None);
/// ```
pub fn sanitize_request_id(raw: impl AsRef<[u8]>) -> Option<String> {
    let raw = raw.as_ref();
    let ok = (1..=MAX_REQUEST_ID_LEN).contains(&raw.len())
        && raw
            .iter()
            .all(|&b| (0x21..=0x7e).contains(&b) && !b"\"'`\\<>".contains(&b));
    if ok {
        // Visible ASCII is valid UTF-8.
        String::from_utf8(raw.to_vec()).ok()
    } else {
        None
    }
}

/// The message for an error answer whose body is not the vendor's error shape: built from
/// the status, the media type and the length only, never from the body.
///
/// The media type (without parameters) is shown only if it is a well-formed
/// `type/subtype` of a registered top-level type, at most [`MAX_CONTENT_TYPE_LEN`] bytes,
/// and holds no generic pattern; [`Scrubber::describe_unparseable_body`] also checks it
/// against the registered values.
///
/// ```
/// use patientpay_core::scrub::describe_unparseable_body;
/// assert_eq!(describe_unparseable_body(502, Some("text/html; charset=utf-8"), 1234),
///            "HTTP 502 text/html body of 1234 bytes (not shown)");
/// assert_eq!(describe_unparseable_body(500, None, 1), "HTTP 500 body of 1 byte (not shown)");
/// ```
pub fn describe_unparseable_body(status: u16, content_type: Option<&str>, len: usize) -> String {
    Scrubber::new().describe_unparseable_body(status, content_type, len)
}

pub(super) fn describe(status: u16, media_type: Option<&str>, len: usize) -> String {
    let unit = if len == 1 { "byte" } else { "bytes" };
    match media_type {
        Some(t) => format!("HTTP {status} {t} body of {len} {unit} (not shown)"),
        None => format!("HTTP {status} body of {len} {unit} (not shown)"),
    }
}

/// The lower-cased `type/subtype` of a `Content-Type` value, if it is one.
pub(super) fn media_type(content_type: &str) -> Option<String> {
    const TOP_LEVEL: [&str; 10] = [
        "application",
        "audio",
        "example",
        "font",
        "image",
        "message",
        "model",
        "multipart",
        "text",
        "video",
    ];
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence.len() > MAX_CONTENT_TYPE_LEN {
        return None;
    }
    let (top, sub) = essence.split_once('/')?;
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$&+-.^_".contains(&b);
    let ok = TOP_LEVEL.contains(&top) && !sub.is_empty() && sub.bytes().all(token);
    ok.then_some(essence)
}
