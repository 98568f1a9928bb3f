//! The request log: a ring of [`RecordedRequest`]s bounded by [`LogLimits`].

use std::collections::VecDeque;
use std::sync::Arc;

use bytes::Bytes;
use serde::Serialize;

use crate::SandboxRequest;

/// Headers whose values the record replaces with `<redacted>`.
const SECRET_HEADERS: &[&str] = &["authorization", "cv-api-key", "api-key", "tenant", "cookie"];

/// Bounds of the request log, a ring: when a new request would break a bound, the oldest
/// records go first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogLimits {
    /// Most requests kept (default 10,000).
    pub max_requests: usize,
    /// Most bytes kept, counting each record's kept body, path, query and headers
    /// (default 32 MiB). Bodies are parsed as JSON only when the log is read, so the parsed
    /// JSON costs the bound nothing.
    pub max_bytes: usize,
    /// Longest body kept per request (default 64 KiB); a longer body is cut, its original
    /// length kept in [`RecordedRequest::body_len`] and its JSON not parsed.
    pub max_body_bytes: usize,
}

impl LogLimits {
    /// Bounds of `max_requests` records, `max_bytes` in all, `max_body_bytes` per body.
    pub fn new(max_requests: usize, max_bytes: usize, max_body_bytes: usize) -> LogLimits {
        LogLimits {
            max_requests,
            max_bytes,
            max_body_bytes,
        }
    }
}

impl Default for LogLimits {
    fn default() -> LogLimits {
        LogLimits {
            max_requests: 10_000,
            max_bytes: 32 * 1024 * 1024,
            max_body_bytes: 64 * 1024,
        }
    }
}

/// A request the sandbox received, for assertions in tests. Secret headers
/// (`Authorization`, `cv-api-key`, `API-KEY`, `TENANT`) are recorded as `<redacted>`; use
/// [`RecordedRequest::sent_secret`] to check which value was sent.
#[derive(Clone, Serialize)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// Method.
    pub method: String,
    /// Path as sent (percent-encoded).
    pub path: String,
    /// Decoded query pairs.
    pub query: Vec<(String, String)>,
    /// Headers, lowercase names, secrets redacted.
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON, when it is JSON and was not cut.
    pub json: Option<serde_json::Value>,
    /// The body's length in bytes as received (before any cut).
    pub body_len: usize,
    /// The body as kept: at most [`LogLimits::max_body_bytes`] bytes.
    #[serde(skip)]
    pub body: Bytes,
    /// `true` when [`body`](Self::body) is shorter than the body received.
    pub body_truncated: bool,
    #[serde(skip)]
    secrets: Vec<(String, String)>,
}

impl std::fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("body_len", &self.body_len)
            .field("body_truncated", &self.body_truncated)
            .finish()
    }
}

impl RecordedRequest {
    fn from_entry(e: &Entry) -> RecordedRequest {
        let mut headers = Vec::with_capacity(e.header_count);
        let mut secrets = Vec::new();
        for (name, value) in e.headers() {
            let name = String::from_utf8_lossy(name).into_owned();
            let value = String::from_utf8_lossy(value).into_owned();
            if SECRET_HEADERS.contains(&name.as_str()) {
                headers.push((name.clone(), "<redacted>".to_owned()));
                secrets.push((name, value));
            } else {
                headers.push((name, value));
            }
        }
        let truncated = e.body.len() < e.body_len;
        RecordedRequest {
            method: e.method.to_string(),
            path: e.path().to_owned(),
            query: e.query.clone(),
            headers,
            json: if truncated || e.body.is_empty() {
                None
            } else {
                serde_json::from_slice(&e.body).ok()
            },
            body_len: e.body_len,
            body: e.body.clone(),
            body_truncated: truncated,
            secrets,
        }
    }

    /// A (non-secret) header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// `true` when the secret header `name` was sent with exactly `expected`.
    pub fn sent_secret(&self, name: &str, expected: &str) -> bool {
        let name = name.to_ascii_lowercase();
        self.secrets
            .iter()
            .any(|(k, v)| *k == name && v == expected)
    }
}

/// What the ring keeps of one request: built on the request path with one copy and no
/// parsing (the path and the header names and values back to back in one buffer, the body
/// cut to [`LogLimits::max_body_bytes`]); turned into a [`RecordedRequest`] (redacted, JSON
/// parsed) only when a test reads the log.
#[derive(Debug)]
pub(crate) struct Entry {
    method: http::Method,
    /// The path, then per header: name length and value length (`u32` little endian each),
    /// the name (lowercase, as `http` keeps it) and the value bytes. Shared by the entries
    /// of byte-identical heads (a client repeating one call): see [`RequestLog::record`].
    head: Arc<[u8]>,
    path_len: usize,
    header_count: usize,
    query: Vec<(String, String)>,
    /// The kept body: a copy, so that neither a cut body nor a small one keeps the whole
    /// received buffer alive.
    body: Bytes,
    body_len: usize,
}

/// Writes `req`'s path and headers into `out` (cleared first) in [`Entry::head`]'s layout;
/// returns the number of headers.
fn write_head(req: &SandboxRequest, out: &mut Vec<u8>) -> usize {
    out.clear();
    out.extend_from_slice(req.path.as_bytes());
    let mut header_count = 0;
    for (name, value) in &req.headers {
        let (name, value) = (name.as_str().as_bytes(), value.as_bytes());
        // Header names and values are far below 4 GiB (hyper refuses long heads).
        out.extend_from_slice(&u32::try_from(name.len()).unwrap_or(u32::MAX).to_le_bytes());
        out.extend_from_slice(&u32::try_from(value.len()).unwrap_or(u32::MAX).to_le_bytes());
        out.extend_from_slice(name);
        out.extend_from_slice(value);
        header_count += 1;
    }
    header_count
}

impl Entry {
    #[cfg(test)]
    pub(crate) fn new(req: &SandboxRequest, max_body: usize) -> Entry {
        let mut head = Vec::new();
        let header_count = write_head(req, &mut head);
        Entry::with_head(req, max_body, Arc::from(head), header_count)
    }

    fn with_head(
        req: &SandboxRequest,
        max_body: usize,
        head: Arc<[u8]>,
        header_count: usize,
    ) -> Entry {
        let kept = &req.body[..req.body.len().min(max_body)];
        Entry {
            method: req.method.clone(),
            head,
            path_len: req.path.len(),
            header_count,
            query: req.query.clone(),
            body: if kept.is_empty() {
                Bytes::new()
            } else {
                Bytes::copy_from_slice(kept)
            },
            body_len: req.body.len(),
        }
    }

    /// The path as received.
    fn path(&self) -> &str {
        // The bytes were copied from a `&str`: always UTF-8.
        std::str::from_utf8(self.head.get(..self.path_len).unwrap_or_default()).unwrap_or_default()
    }

    /// The headers, in the order received: (name, value) bytes.
    fn headers(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        let mut rest = self.head.get(self.path_len..).unwrap_or_default();
        std::iter::from_fn(move || {
            let (lens, tail) = rest.split_at_checked(8)?;
            let (n, v) = lens.split_at(4);
            let n = u32::from_le_bytes(n.try_into().ok()?) as usize;
            let v = u32::from_le_bytes(v.try_into().ok()?) as usize;
            let (name, tail) = tail.split_at_checked(n)?;
            let (value, tail) = tail.split_at_checked(v)?;
            rest = tail;
            Some((name, value))
        })
    }

    /// What this entry costs the log's byte bound: the bytes it holds (a shared head counted
    /// whole for each entry, so the bound errs on the safe side), plus 64 for itself.
    fn cost(&self) -> usize {
        let query: usize = self.query.iter().map(|(k, v)| k.len() + v.len()).sum();
        query + self.head.len() + self.body.len() + 64
    }

    /// `true` when this is a `method` (case-insensitive) request to `path` (exact, or a
    /// prefix ending in `*`).
    pub(crate) fn matches(&self, method: &str, path: &str) -> bool {
        self.method.as_str().eq_ignore_ascii_case(method)
            && crate::fault::path_matches(path, self.path())
    }
}

/// How many distinct recent heads [`RequestLog::record`] compares a new head with.
const RECENT_HEADS: usize = 4;

/// The request log: a ring bounded by count and bytes.
#[derive(Debug)]
pub(crate) struct RequestLog {
    limits: LogLimits,
    entries: VecDeque<(Entry, usize)>,
    /// The last few distinct heads recorded (most recent last), shared with their entries.
    recent: Vec<Arc<[u8]>>,
    /// Where the next head is written before it is compared with [`Self::recent`].
    scratch: Vec<u8>,
    pub(crate) bytes: usize,
    pub(crate) dropped: u64,
}

impl RequestLog {
    pub(crate) fn new(limits: LogLimits) -> RequestLog {
        RequestLog {
            limits,
            entries: VecDeque::new(),
            recent: Vec::new(),
            scratch: Vec::new(),
            bytes: 0,
            dropped: 0,
        }
    }

    /// Records `req`, dropping the oldest entries as the bounds require. A head
    /// byte-identical to a recent one (the same call repeated) shares that one's buffer:
    /// an entry is then a small struct, so a full ring of repeated calls stays in the CPU
    /// caches instead of touching ten thousand cold buffers.
    pub(crate) fn record(&mut self, req: &SandboxRequest) {
        if self.limits.max_requests == 0 {
            self.dropped += 1;
            return;
        }
        let header_count = write_head(req, &mut self.scratch);
        let head = match self.recent.iter().position(|h| **h == *self.scratch) {
            Some(at) => Arc::clone(&self.recent[at]),
            None => {
                let head: Arc<[u8]> = Arc::from(self.scratch.as_slice());
                if self.recent.len() >= RECENT_HEADS {
                    self.recent.remove(0);
                }
                self.recent.push(Arc::clone(&head));
                head
            }
        };
        // A large head is not kept around as scratch space.
        if self.scratch.capacity() > 64 * 1024 {
            self.scratch = Vec::new();
        }
        let entry = Entry::with_head(req, self.limits.max_body_bytes, head, header_count);
        self.push(entry);
    }

    fn push(&mut self, entry: Entry) {
        let cost = entry.cost();
        while !self.entries.is_empty()
            && (self.entries.len() >= self.limits.max_requests
                || self.bytes + cost > self.limits.max_bytes)
        {
            if let Some((_, c)) = self.entries.pop_front() {
                self.bytes -= c;
                self.dropped += 1;
            }
        }
        if self.limits.max_requests == 0 || cost > self.limits.max_bytes {
            self.dropped += 1;
            return;
        }
        self.bytes += cost;
        self.entries.push_back((entry, cost));
    }

    /// Every entry as a [`RecordedRequest`], oldest first.
    pub(crate) fn records(&self) -> Vec<RecordedRequest> {
        self.entries
            .iter()
            .map(|(e, _)| RecordedRequest::from_entry(e))
            .collect()
    }

    /// How many entries match `method` and `path` (see [`Entry::matches`]).
    pub(crate) fn count(&self, method: &str, path: &str) -> usize {
        self.entries
            .iter()
            .filter(|(e, _)| e.matches(method, path))
            .count()
    }

    /// Forgets every entry.
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.recent.clear();
        self.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, HeaderValue, Method};

    fn request(body: &'static [u8]) -> SandboxRequest {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_static("Bearer s3cret"));
        headers.append("x-many", HeaderValue::from_static("one"));
        headers.append("x-many", HeaderValue::from_static("two"));
        headers.insert(
            "x-bytes",
            HeaderValue::from_bytes(b"caf\xc3\xa9 \xff").unwrap(),
        );
        headers.insert("api-key", HeaderValue::from_static(""));
        SandboxRequest {
            method: Method::POST,
            path: "/a/b".to_owned(),
            query: vec![("q".to_owned(), "1".to_owned())],
            headers,
            body: Bytes::from_static(body),
        }
    }

    #[test]
    fn an_entry_reads_back_as_the_request_with_secrets_redacted() {
        let req = request(br#"{"amount": 5}"#);
        let rec = RecordedRequest::from_entry(&Entry::new(&req, 1024));
        assert_eq!(rec.method, "POST");
        assert_eq!(rec.path, "/a/b");
        assert_eq!(rec.query, req.query);
        let expected: Vec<(String, String)> = req
            .headers
            .iter()
            .map(|(n, v)| {
                let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
                let secret = SECRET_HEADERS.contains(&n.as_str());
                (n.to_string(), if secret { "<redacted>".into() } else { v })
            })
            .collect();
        assert_eq!(rec.headers, expected);
        assert_eq!(rec.header("X-Bytes"), Some("café \u{fffd}"));
        assert!(rec.sent_secret("Authorization", "Bearer s3cret"));
        assert!(rec.sent_secret("api-key", ""));
        assert!(!rec.sent_secret("authorization", "Bearer other"));
        assert_eq!(rec.json, Some(serde_json::json!({"amount": 5})));
        assert_eq!((rec.body_len, rec.body_truncated), (13, false));
        assert_eq!(&rec.body[..], &req.body[..]);
    }

    #[test]
    fn a_cut_body_is_kept_as_its_prefix_and_not_parsed() {
        let req = request(br#"{"amount": 5}"#);
        let entry = Entry::new(&req, 4);
        let rec = RecordedRequest::from_entry(&entry);
        assert_eq!(
            (&rec.body[..], rec.body_len, rec.body_truncated),
            (&b"{\"am"[..], 13, true)
        );
        assert_eq!(rec.json, None);
        // The cost is the bytes held: path, query, headers with their lengths, kept body.
        let head: usize = req
            .headers
            .iter()
            .map(|(n, v)| 8 + n.as_str().len() + v.len())
            .sum();
        assert_eq!(entry.cost(), 4 + 2 + head + 4 + 64);
        let empty = RecordedRequest::from_entry(&Entry::new(&request(b""), 4));
        assert_eq!(
            (empty.json, empty.body_len, empty.body_truncated),
            (None, 0, false)
        );
        let not_json = RecordedRequest::from_entry(&Entry::new(&request(b"amount=5"), 64));
        assert_eq!(not_json.json, None);
    }

    #[test]
    fn a_full_ring_keeps_the_newest_and_repeated_heads_share_one_buffer() {
        let mut log = RequestLog::new(LogLimits::new(2, 1 << 20, 1024));
        for (i, path) in ["/first", "/second/longer/path", "/3"].iter().enumerate() {
            let mut req = request(b"");
            req.path = (*path).to_owned();
            req.headers.insert("x-i", HeaderValue::from(i));
            log.record(&req);
        }
        let recs = log.records();
        assert_eq!(log.dropped, 1);
        let seen: Vec<(&str, Option<&str>)> = recs
            .iter()
            .map(|r| (r.path.as_str(), r.header("x-i")))
            .collect();
        assert_eq!(
            seen,
            [("/second/longer/path", Some("1")), ("/3", Some("2"))]
        );
        assert!(recs[1].sent_secret("authorization", "Bearer s3cret"));
        let costs: usize = log.entries.iter().map(|(e, _)| e.cost()).sum();
        assert_eq!(log.bytes, costs);
        // The same head twice: one buffer; a different one (another token): its own.
        let mut log = RequestLog::new(LogLimits::new(10, 1 << 20, 1024));
        log.record(&request(b"1"));
        log.record(&request(b"2"));
        let mut other = request(b"3");
        other
            .headers
            .insert("authorization", HeaderValue::from_static("Bearer other"));
        log.record(&other);
        let heads: Vec<&Arc<[u8]>> = log.entries.iter().map(|(e, _)| &e.head).collect();
        assert!(Arc::ptr_eq(heads[0], heads[1]));
        assert!(!Arc::ptr_eq(heads[1], heads[2]));
        let recs = log.records();
        assert!(recs[1].sent_secret("authorization", "Bearer s3cret"));
        assert!(recs[2].sent_secret("authorization", "Bearer other"));
        assert_eq!(recs[1].body, Bytes::from_static(b"2"));
        // More distinct heads than RECENT_HEADS are all recorded right.
        for i in 0..(2 * RECENT_HEADS) {
            let mut req = request(b"");
            req.path = format!("/p{i}");
            log.record(&req);
        }
        let paths: Vec<String> = log.records().into_iter().map(|r| r.path).collect();
        assert_eq!(paths.len(), 10);
        assert_eq!(
            paths[2..],
            (0..8).map(|i| format!("/p{i}")).collect::<Vec<_>>()[..]
        );
        log.clear();
        assert_eq!(
            (log.records().len(), log.bytes, log.recent.len()),
            (0, 0, 0)
        );
        let mut none = RequestLog::new(LogLimits::new(0, 1 << 20, 1024));
        none.record(&request(b""));
        assert_eq!((none.records().len(), none.dropped), (0, 1));
    }

    #[test]
    fn entries_match_by_method_and_path_pattern() {
        let entry = Entry::new(&request(b""), 0);
        assert!(entry.matches("post", "/a/b"));
        assert!(entry.matches("POST", "/a/*"));
        assert!(!entry.matches("GET", "/a/b"));
        assert!(!entry.matches("POST", "/a"));
    }
}
