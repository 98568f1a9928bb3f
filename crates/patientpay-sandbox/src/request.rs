//! The request and answer types handlers see.

use std::borrow::Cow;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};

/// A request as the sandbox received it.
#[derive(Debug, Clone)]
pub struct SandboxRequest {
    /// Method.
    pub method: Method,
    /// Path, percent-decoding not applied.
    pub path: String,
    /// Decoded query pairs, in order (repeated keys repeat).
    pub query: Vec<(String, String)>,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
}

impl SandboxRequest {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Every value of query parameter `name`.
    pub fn query_all(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The path's segments, percent-decoded.
    pub fn path_segments(&self) -> Vec<String> {
        self.segments().into_iter().map(Cow::into_owned).collect()
    }

    /// The path's segments, percent-decoded, borrowed from the path where there is nothing
    /// to decode (the routes' common case: no allocation per segment).
    pub(crate) fn segments(&self) -> Vec<Cow<'_, str>> {
        self.path
            .trim_start_matches('/')
            .split('/')
            .map(|s| {
                // Only `%` escapes (and `&`, which the form decoder below stops at) change
                // a segment.
                if s.contains(['%', '&']) {
                    Cow::Owned(percent_decode(s))
                } else {
                    Cow::Borrowed(s)
                }
            })
            .collect()
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// An answer of the sandbox.
#[derive(Debug, Clone)]
pub struct SandboxResponse {
    /// Status.
    pub status: StatusCode,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// Extra headers.
    pub headers: Vec<(&'static str, String)>,
    /// Body.
    pub body: Bytes,
}

impl SandboxResponse {
    /// A JSON answer.
    pub fn json(status: u16, value: &serde_json::Value) -> SandboxResponse {
        SandboxResponse {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            content_type: "application/json",
            headers: Vec::new(),
            body: Bytes::from(serde_json::to_vec(value).unwrap_or_default()),
        }
    }

    /// A JSON answer whose body is already rendered.
    pub(crate) fn json_bytes(status: u16, body: Bytes) -> SandboxResponse {
        SandboxResponse {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            content_type: "application/json",
            headers: Vec::new(),
            body,
        }
    }

    /// A plain-text answer.
    pub fn text(status: u16, text: &str) -> SandboxResponse {
        SandboxResponse {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            content_type: "text/plain; charset=utf-8",
            headers: Vec::new(),
            body: Bytes::copy_from_slice(text.as_bytes()),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> SandboxResponse {
        self.headers.push((name, value.into()));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrowed_segments_decode_as_the_form_decoder_does() {
        for path in [
            "/users/payment-methods",
            "/v2/users/payment-methods/pm%2F1",
            "/v2/users/payment-methods/a+b",
            "/v2/users/payment-methods/a%20b",
            "/x/a&b/c=d",
            "/x/%E2%82%AC/%zz/",
            "",
            "//",
        ] {
            let req = SandboxRequest {
                method: Method::GET,
                path: path.to_owned(),
                query: Vec::new(),
                headers: HeaderMap::new(),
                body: Bytes::new(),
            };
            let old: Vec<String> = path
                .trim_start_matches('/')
                .split('/')
                .map(percent_decode)
                .collect();
            assert_eq!(req.path_segments(), old, "{path}");
        }
    }
}
