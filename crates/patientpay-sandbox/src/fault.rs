//! Fault injection: per route, per number of calls.

use std::time::Duration;

use crate::SandboxRequest;

/// What a fault does to a matching request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// Answer `status` with `body` (and `content_type`) without touching state.
    Status {
        /// HTTP status.
        status: u16,
        /// Body bytes.
        body: Vec<u8>,
        /// `Content-Type`.
        content_type: String,
    },
    /// Wait before handling the request normally (slow headers).
    Delay(Duration),
    /// Handle normally, but send half the body, wait, then the rest (slow body).
    SlowBody(Duration),
    /// Handle normally, then cut the body in half and close the connection mid-body.
    Truncate,
    /// Answer 200 with `application/json` whose body is not JSON.
    Malformed,
    /// Close the connection without answering; the request was not handled.
    DropConnection,
    /// Handle the request (state changes!), then close the connection without answering:
    /// the case where a payment went through but the client never heard.
    DropAfterHandling,
    /// Answer 429, with `Retry-After` when given (seconds or an HTTP date).
    RateLimit {
        /// The `Retry-After` header's value.
        retry_after: Option<String>,
    },
    /// Answer 200 `application/json` with a body of `bytes` bytes, streamed lazily;
    /// with `content_length` the header announces the size up front.
    HugeBody {
        /// Body size.
        bytes: u64,
        /// Send `Content-Length`.
        content_length: bool,
    },
}

/// A fault for one route: `Fault::on("POST", "/api/v1/payments/intent").status(500).times(1)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    method: Option<String>,
    path: String,
    kind: FaultKind,
    after: u32,
    times: Option<u32>,
}

impl Fault {
    /// A fault on `method` (or `"*"` for any) and `path` (exact, or a prefix ending in `*`).
    /// Until a kind is set it answers 500.
    pub fn on(method: &str, path: &str) -> Fault {
        Fault {
            method: (method != "*").then(|| method.to_ascii_uppercase()),
            path: path.to_owned(),
            kind: FaultKind::Status {
                status: 500,
                body: br#"{"success":false,"message":"Internal server error"}"#.to_vec(),
                content_type: "application/json".to_owned(),
            },
            after: 0,
            times: None,
        }
    }

    /// Sets what the fault does.
    pub fn kind(mut self, kind: FaultKind) -> Fault {
        self.kind = kind;
        self
    }

    /// Answers `status` with a small JSON body.
    pub fn status(self, status: u16) -> Fault {
        self.status_body(
            status,
            "application/json",
            format!(r#"{{"statusCode":{status},"message":"injected fault"}}"#),
        )
    }

    /// Answers `status` with `body` of `content_type`.
    pub fn status_body(self, status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Fault {
        self.kind(FaultKind::Status {
            status,
            body: body.into(),
            content_type: content_type.to_owned(),
        })
    }

    /// Waits `delay` before answering normally.
    pub fn delay(self, delay: Duration) -> Fault {
        self.kind(FaultKind::Delay(delay))
    }

    /// Closes the connection without answering (nothing handled).
    pub fn drop_connection(self) -> Fault {
        self.kind(FaultKind::DropConnection)
    }

    /// Answers 429 with an optional `Retry-After`.
    pub fn rate_limit(self, retry_after: Option<&str>) -> Fault {
        self.kind(FaultKind::RateLimit {
            retry_after: retry_after.map(str::to_owned),
        })
    }

    /// Lets the first `n` matching calls through before the fault applies.
    pub fn after(mut self, n: u32) -> Fault {
        self.after = n;
        self
    }

    /// Applies to `n` calls, then expires.
    pub fn times(mut self, n: u32) -> Fault {
        self.times = Some(n);
        self
    }
}

#[derive(Debug)]
pub(crate) struct Rule {
    fault: Fault,
    seen: u32,
    applied: u32,
}

impl Rule {
    pub(crate) fn new(fault: Fault) -> Rule {
        Rule {
            fault,
            seen: 0,
            applied: 0,
        }
    }
}

pub(crate) fn path_matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => pattern == path,
    }
}

pub(crate) fn next(rules: &mut [Rule], req: &SandboxRequest) -> Option<FaultKind> {
    for rule in rules.iter_mut() {
        let f = &rule.fault;
        if f.method
            .as_deref()
            .is_some_and(|m| m != req.method.as_str())
            || !path_matches(&f.path, &req.path)
        {
            continue;
        }
        if f.times.is_some_and(|t| rule.applied >= t) {
            continue;
        }
        rule.seen += 1;
        if rule.seen <= f.after {
            continue;
        }
        rule.applied += 1;
        return Some(f.kind.clone());
    }
    None
}
