//! The HTTP layer every vendor crate uses: one client, base-URL policy, timeouts, retries
//! by retry-safety, a response size cap enforced while streaming, a JSON codec with a
//! content-type check, tracing without secrets or PHI, and sensitive auth headers.
//!
//! A vendor crate builds a [`VendorRequest`], hands it to [`HttpClient::execute`], and gets
//! a [`VendorResponse`] (any HTTP status) or a transport-level [`Error`]. It then either
//! decodes the body with [`VendorResponse::json`] or turns its error shape into an
//! [`Error`] with [`VendorResponse::error`].
//!
//! ```
//! use patientpay_core::http::{BaseUrl, HttpClient, HttpConfig};
//!
//! let base = BaseUrl::parse("https://api.example.com").unwrap();
//! assert!(BaseUrl::parse("http://api.example.com").is_err()); // plain http only on loopback
//! assert!(BaseUrl::parse("http://127.0.0.1:8080").is_ok());
//! let url = base.endpoint(&["v2", "users", "payment-methods", "pm/../x?y"]).unwrap();
//! assert_eq!(url.as_str(), "https://api.example.com/v2/users/payment-methods/pm%2F..%2Fx%3Fy");
//! let client = HttpClient::new(HttpConfig::default()).unwrap();
//! # let _ = client;
//! ```

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::{Bytes, BytesMut};
use http::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use http::{Method, StatusCode};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tracing::Instrument;
use url::Url;

use crate::error::{Error, Result};
use crate::provider::{Operation, RetrySafety};

/// Default cap on a response body: 16 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

// ---------------------------------------------------------------------------------------
// Configuration

/// Retry policy: exponential backoff with full jitter, honouring `Retry-After`.
///
/// Which failures are retried depends on the request's [`RetrySafety`]; see
/// [`HttpClient::execute`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt. Default 2.
    pub max_retries: u32,
    /// Backoff before the first retry. Default 200 ms; doubles each retry.
    pub initial_backoff: Duration,
    /// Upper bound of one backoff. Default 5 s.
    pub max_backoff: Duration,
    /// The longest `Retry-After` the client will wait; a longer one ends the retries and
    /// returns [`Error::RateLimited`] carrying it. Default 30 s.
    pub max_retry_after: Duration,
    /// Randomise each backoff between half and all of it. Default `true`.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// Sets the number of retries.
    pub fn with_max_retries(mut self, n: u32) -> RetryPolicy {
        self.max_retries = n;
        self
    }

    /// Sets the first backoff.
    pub fn with_initial_backoff(mut self, d: Duration) -> RetryPolicy {
        self.initial_backoff = d;
        self
    }

    /// Sets the largest backoff.
    pub fn with_max_backoff(mut self, d: Duration) -> RetryPolicy {
        self.max_backoff = d;
        self
    }

    /// Sets the longest `Retry-After` honoured.
    pub fn with_max_retry_after(mut self, d: Duration) -> RetryPolicy {
        self.max_retry_after = d;
        self
    }

    /// Turns jitter on or off.
    pub fn with_jitter(mut self, jitter: bool) -> RetryPolicy {
        self.jitter = jitter;
        self
    }

    /// The backoff before retry number `retry` (1-based).
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(2_u32.saturating_pow(retry.saturating_sub(1)));
        let capped = exp.min(self.max_backoff);
        if self.jitter && !capped.is_zero() {
            let half = capped / 2;
            let extra = fastrand::u64(0..=half.as_nanos().min(u128::from(u64::MAX)) as u64);
            half + Duration::from_nanos(extra)
        } else {
            capped
        }
    }
}

/// Settings of the HTTP layer, shared by every request of one client.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpConfig {
    /// Time allowed to establish a connection. Default 10 s.
    pub connect_timeout: Duration,
    /// Total time allowed for one call, all attempts and backoff included, unless the call
    /// sets its own. Default 30 s.
    pub timeout: Duration,
    /// Retry policy.
    pub retry: RetryPolicy,
    /// Largest response body read, enforced while streaming. Default 16 MiB.
    pub max_response_bytes: u64,
    /// `User-Agent` sent with every request.
    pub user_agent: String,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            user_agent: concat!("patientpay/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

impl HttpConfig {
    /// The defaults.
    pub fn new() -> HttpConfig {
        HttpConfig::default()
    }

    /// Sets the connect timeout.
    pub fn with_connect_timeout(mut self, d: Duration) -> HttpConfig {
        self.connect_timeout = d;
        self
    }

    /// Sets the default total timeout of a call.
    pub fn with_timeout(mut self, d: Duration) -> HttpConfig {
        self.timeout = d;
        self
    }

    /// Sets the retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> HttpConfig {
        self.retry = retry;
        self
    }

    /// Sets the response size cap.
    pub fn with_max_response_bytes(mut self, bytes: u64) -> HttpConfig {
        self.max_response_bytes = bytes;
        self
    }

    /// Sets the `User-Agent`.
    pub fn with_user_agent(mut self, ua: impl Into<String>) -> HttpConfig {
        self.user_agent = ua.into();
        self
    }
}

// ---------------------------------------------------------------------------------------
// Base URLs and paths

/// A vendor base URL that passed the policy: `https://`, or `http://` only to a loopback
/// host (127.0.0.0/8, ::1, `localhost`); no credentials, query or fragment.
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl(Url);

impl BaseUrl {
    /// Parses and checks a base URL.
    ///
    /// # Errors
    /// [`Error::Config`] for `base_url` when it is not a URL, is plain http to a non-loopback
    /// host, or carries credentials, a query or a fragment.
    pub fn parse(text: &str) -> Result<BaseUrl> {
        let url = Url::parse(text.trim())
            .map_err(|e| Error::config("base_url", format!("not a valid URL: {e}")))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => {
                return Err(Error::config(
                    "base_url",
                    "plain http is only allowed for loopback hosts (127.0.0.1, ::1, localhost); use https",
                ));
            }
            other => {
                return Err(Error::config(
                    "base_url",
                    format!("scheme {other:?} is not supported; use https"),
                ));
            }
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::config("base_url", "must not contain credentials"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::config(
                "base_url",
                "must not contain a query or fragment",
            ));
        }
        if url.host().is_none() {
            return Err(Error::config("base_url", "must have a host"));
        }
        Ok(BaseUrl(url))
    }

    /// The URL of `segments` under the base path, each segment percent-encoded as one
    /// path segment (`/`, `?`, `#`, spaces and non-ASCII are escaped).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `id` when a segment is empty, `.` or `..`, which cannot be
    /// one literal path segment.
    pub fn endpoint(&self, segments: &[&str]) -> Result<Url> {
        let mut path = self.0.path().trim_end_matches('/').to_owned();
        for seg in segments {
            if seg.is_empty() || *seg == "." || *seg == ".." {
                return Err(Error::invalid_input(
                    "id",
                    "an empty, `.` or `..` value cannot be used as a path segment",
                ));
            }
            path.push('/');
            path.extend(utf8_percent_encode(seg, PATH_SEGMENT));
        }
        // Only the path changes: the checked base is cloned rather than the whole URL
        // re-parsed (host parsing and IDNA were a tenth of building a request). The path is
        // already escaped (unreserved characters and `%XX` only), so `set_path` keeps it.
        let mut url = self.0.clone();
        url.set_path(&path);
        Ok(url)
    }

    /// The URL as text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The parsed URL.
    pub fn as_url(&self) -> &Url {
        &self.0
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseUrl({})", self.0)
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

/// Everything but RFC 3986 unreserved characters is escaped in a path segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// A header value built from a secret, marked sensitive so that it is never printed by
/// `Debug` of the header map nor logged by the HTTP stack.
///
/// # Errors
/// [`Error::Config`] for `setting` when the secret holds characters a header cannot carry;
/// the message never repeats the secret.
pub fn sensitive_header(
    setting: &'static str,
    prefix: &str,
    secret: &SecretString,
) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("{prefix}{}", secret.expose_secret()))
        .map_err(|_| Error::config(setting, "contains characters not allowed in an HTTP header"))?;
    value.set_sensitive(true);
    Ok(value)
}

// ---------------------------------------------------------------------------------------
// Requests and responses

/// One request to a vendor, as a vendor crate describes it.
#[derive(Clone)]
pub struct VendorRequest {
    provider: &'static str,
    operation: Operation,
    method: Method,
    url: Url,
    headers: HeaderMap,
    body: Option<Bytes>,
    timeout: Option<Duration>,
    retry_safety: RetrySafety,
}

impl fmt::Debug for VendorRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // No URL, headers or body: they may carry ids, secrets or PHI.
        f.debug_struct("VendorRequest")
            .field("provider", &self.provider)
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("body_bytes", &self.body.as_ref().map(Bytes::len))
            .field("timeout", &self.timeout)
            .field("retry_safety", &self.retry_safety)
            .finish()
    }
}

impl VendorRequest {
    /// A request for `operation`; its retry-safety comes from
    /// [`Operation::retry_safety`].
    pub fn new(
        provider: &'static str,
        operation: Operation,
        method: Method,
        url: Url,
    ) -> VendorRequest {
        VendorRequest {
            provider,
            operation,
            method,
            url,
            headers: HeaderMap::new(),
            body: None,
            timeout: None,
            retry_safety: operation.retry_safety(),
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> VendorRequest {
        self.headers.append(name, value);
        self
    }

    /// Adds `Accept: application/json`.
    pub fn accept_json(self) -> VendorRequest {
        self.header(ACCEPT, HeaderValue::from_static("application/json"))
    }

    /// Serializes `body` as the JSON body and sets `Content-Type: application/json`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `body` if it cannot be serialized.
    pub fn json_body<T: Serialize + ?Sized>(mut self, body: &T) -> Result<VendorRequest> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::invalid_input("body", format!("cannot be serialized: {e}")))?;
        self.body = Some(Bytes::from(bytes));
        self.headers
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Ok(self)
    }

    /// Sets this call's total timeout (`None` keeps the client's).
    pub fn timeout(mut self, timeout: Option<Duration>) -> VendorRequest {
        self.timeout = timeout;
        self
    }

    /// Overrides the retry-safety derived from the operation.
    pub fn retry_safety(mut self, safety: RetrySafety) -> VendorRequest {
        self.retry_safety = safety;
        self
    }

    /// The URL (for tests and snapshots).
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The headers (sensitive ones print as `Sensitive` in `Debug`).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body bytes.
    pub fn body(&self) -> Option<&Bytes> {
        self.body.as_ref()
    }

    /// The operation.
    pub fn operation(&self) -> Operation {
        self.operation
    }
}

/// A vendor's answer, with its body read (up to the size cap).
#[derive(Clone)]
pub struct VendorResponse {
    provider: &'static str,
    operation: Operation,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    attempts: u32,
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
        .map(|s| s.chars().take(128).collect())
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

    /// A short text body (first line, at most 300 characters) for vendors that answer
    /// errors as text; `None` for HTML pages, binary or empty bodies.
    pub fn text_message(&self) -> Option<String> {
        if self
            .content_type()
            .is_some_and(|ct| contains_ignore_ascii_case(ct, "html"))
        {
            return None;
        }
        let text = std::str::from_utf8(&self.body).ok()?.trim();
        if text.is_empty() || text.starts_with('<') {
            return None;
        }
        let line = text.lines().next().unwrap_or(text);
        Some(line.chars().take(300).collect())
    }

    /// An [`Error::Decode`] for this response.
    pub fn decode_error(&self, detail: impl Into<String>) -> Error {
        Error::Decode {
            provider: self.provider,
            operation: self.operation,
            status: self.status.as_u16(),
            detail: detail.into(),
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
/// parse time of a large answer (see docs/performance.md). Invalid UTF-8 is reported as
/// malformed JSON, as `from_slice` would.
///
/// # Errors
/// A one-line description of the problem.
pub fn decode_json<'a, T: Deserialize<'a>>(body: &'a [u8]) -> std::result::Result<T, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err("empty response body".to_owned());
    }
    let parsed = match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str::<T>(text),
        Err(_) => serde_json::from_slice::<T>(body),
    };
    match parsed {
        Ok(v) => Ok(v),
        Err(_) => {
            // Slow path only on failure: re-run with path tracking to say where.
            let de = &mut serde_json::Deserializer::from_slice(body);
            match serde_path_to_error::deserialize::<_, T>(de) {
                Ok(v) => Ok(v),
                Err(e) => {
                    let path = e.path().to_string();
                    let inner = e.into_inner();
                    Err(describe_json_error(&path, &inner))
                }
            }
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

// ---------------------------------------------------------------------------------------
// The client

/// The shared HTTP client: one connection pool, cheap to clone, safe to share.
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    config: Arc<HttpConfig>,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("config", &self.config)
            .finish()
    }
}

/// How one attempt failed before a response arrived.
enum AttemptError {
    /// Final: no retry can help (size cap).
    Fatal(Error),
    /// The connection was never established: nothing was sent.
    NotSent(Error),
    /// The request may have reached the vendor.
    MaybeSent(Error),
}

impl HttpClient {
    /// A client with rustls (the platform's roots), the given timeouts, no redirects
    /// (a redirected payment call is an error, not something to follow silently).
    ///
    /// # Errors
    /// [`Error::Config`] for `http_client` if the TLS stack cannot be set up.
    pub fn new(config: HttpConfig) -> Result<HttpClient> {
        let client = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(config.user_agent.clone())
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| {
                Error::config("http_client", format!("cannot build the HTTP client: {e}"))
            })?;
        Ok(HttpClient {
            client,
            config: Arc::new(config),
        })
    }

    /// Uses a `reqwest::Client` you built (proxies, custom roots...). Its own timeouts and
    /// redirect policy apply in addition to `config`'s.
    pub fn with_reqwest_client(client: reqwest::Client, config: HttpConfig) -> HttpClient {
        HttpClient {
            client,
            config: Arc::new(config),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &HttpConfig {
        &self.config
    }

    /// Sends `request`, retrying as its retry-safety allows, and reads the body up to the
    /// size cap. Returns the answer whatever its HTTP status.
    ///
    /// Retries (up to [`RetryPolicy::max_retries`]):
    /// - [`RetrySafety::Idempotent`]: connect errors, connection resets, 429, 502, 503, 504.
    /// - [`RetrySafety::NotIdempotent`]: connect errors (nothing was sent) and 429 only.
    ///
    /// A `Retry-After` longer than [`RetryPolicy::max_retry_after`] is not waited for.
    /// Timeouts are never retried: the call's total timeout covers every attempt.
    ///
    /// # Errors
    /// [`Error::Timeout`], [`Error::Transport`] or [`Error::ResponseTooLarge`].
    pub async fn execute(&self, request: VendorRequest) -> Result<VendorResponse> {
        let span = tracing::debug_span!(
            "patientpay.http",
            provider = request.provider,
            operation = request.operation.as_str(),
            method = %request.method,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let total = request.timeout.unwrap_or(self.config.timeout);
        let started = Instant::now();
        let provider = request.provider;
        let operation = request.operation;
        let result =
            match tokio::time::timeout(total, self.execute_with_retries(&request, started, total))
                .instrument(span.clone())
                .await
            {
                Ok(result) => result,
                Err(_) => Err(Error::Timeout {
                    provider,
                    operation,
                    after: total,
                    maybe_sent: true,
                }),
            };
        if span.is_disabled() {
            // Tracing off (or this level filtered out): nothing to record, and the request
            // id lookup below allocates.
            return result;
        }
        span.record("elapsed_ms", started.elapsed().as_millis() as u64);
        match &result {
            Ok(resp) => {
                span.record("status", resp.status());
                span.record("attempts", resp.attempts);
                if let Some(id) = resp.request_id() {
                    span.record("request_id", id.as_str());
                }
                span.in_scope(|| tracing::debug!(status = resp.status(), "vendor answered"));
            }
            Err(e) => {
                // Error Display never holds secrets or PHI (see `Error`).
                span.in_scope(|| tracing::debug!(error = %e, "vendor call failed"));
            }
        }
        result
    }

    async fn execute_with_retries(
        &self,
        request: &VendorRequest,
        started: Instant,
        total: Duration,
    ) -> Result<VendorResponse> {
        let policy = &self.config.retry;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let remaining = total.saturating_sub(started.elapsed());
            let outcome = self.attempt(request, remaining).await;
            let can_retry = attempt <= policy.max_retries;
            let (wait, last) = match outcome {
                Ok(mut resp) => {
                    resp.attempts = attempt;
                    if !can_retry || !status_is_retryable(resp.status, request.retry_safety) {
                        return Ok(resp);
                    }
                    match resp.retry_after() {
                        Some(ra) if ra > policy.max_retry_after => return Ok(resp),
                        Some(ra) => (ra, Ok(resp)),
                        None => (policy.backoff(attempt), Ok(resp)),
                    }
                }
                Err(AttemptError::Fatal(e)) => return Err(e),
                Err(AttemptError::NotSent(e)) => {
                    if !can_retry {
                        return Err(e);
                    }
                    (policy.backoff(attempt), Err(e))
                }
                Err(AttemptError::MaybeSent(e)) => {
                    let retryable = request.retry_safety == RetrySafety::Idempotent
                        && !matches!(e, Error::Timeout { .. });
                    if !can_retry || !retryable {
                        return Err(e);
                    }
                    (policy.backoff(attempt), Err(e))
                }
            };
            if wait >= total.saturating_sub(started.elapsed()) {
                // Waiting would outlast the call's total timeout: report what the vendor
                // said (a 429 with its Retry-After, a 503...) instead of a bare timeout.
                return last;
            }
            tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt(
        &self,
        request: &VendorRequest,
        remaining: Duration,
    ) -> std::result::Result<VendorResponse, AttemptError> {
        let provider = request.provider;
        let operation = request.operation;
        // No per-request reqwest timeout: the call's total timeout in `execute` already
        // bounds every attempt, headers and body, and a second timer per request (reqwest
        // then also wraps the body in a timed body, polled on every frame) was a measurable
        // part of the per-call overhead (docs/performance.md).
        let mut builder = self
            .client
            .request(request.method.clone(), request.url.clone())
            .headers(request.headers.clone());
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let mut response = builder
            .send()
            .await
            .map_err(|e| classify_reqwest_error(provider, operation, remaining, &e))?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let cap = self.config.max_response_bytes;
        let too_large = || {
            AttemptError::Fatal(Error::ResponseTooLarge {
                provider,
                operation,
                limit: cap,
            })
        };
        if response.content_length().is_some_and(|len| len > cap) {
            return Err(too_large());
        }
        let read_err =
            |e: reqwest::Error| classify_reqwest_error(provider, operation, remaining, &e);
        // Most answers arrive in one frame: keep it as is (no copy) unless a second follows.
        let body = match response.chunk().await.map_err(read_err)? {
            None => Bytes::new(),
            Some(first) if first.len() as u64 > cap => return Err(too_large()),
            Some(first) => match response.chunk().await.map_err(read_err)? {
                None => first,
                Some(second) => {
                    let initial = response
                        .content_length()
                        .unwrap_or(64 * 1024)
                        .min(cap)
                        .min(1024 * 1024);
                    let mut buf = BytesMut::with_capacity(initial as usize);
                    let mut next = Some(second);
                    buf.extend_from_slice(&first);
                    while let Some(chunk) = next {
                        if (buf.len() + chunk.len()) as u64 > cap {
                            return Err(too_large());
                        }
                        buf.extend_from_slice(&chunk);
                        next = response.chunk().await.map_err(read_err)?;
                    }
                    buf.freeze()
                }
            },
        };
        Ok(VendorResponse {
            provider,
            operation,
            status,
            headers,
            body,
            attempts: 1,
        })
    }
}

fn status_is_retryable(status: StatusCode, safety: RetrySafety) -> bool {
    match safety {
        RetrySafety::Idempotent => matches!(status.as_u16(), 429 | 502 | 503 | 504),
        RetrySafety::NotIdempotent => status.as_u16() == 429,
    }
}

fn classify_reqwest_error(
    provider: &'static str,
    operation: Operation,
    timeout: Duration,
    e: &reqwest::Error,
) -> AttemptError {
    let connect = e.is_connect();
    if e.is_timeout() {
        let err = Error::Timeout {
            provider,
            operation,
            after: timeout,
            maybe_sent: !connect,
        };
        return if connect {
            AttemptError::NotSent(err)
        } else {
            AttemptError::MaybeSent(err)
        };
    }
    let detail = describe_reqwest_error(e);
    let err = Error::Transport {
        provider,
        operation,
        detail,
        maybe_sent: !connect,
    };
    if connect {
        AttemptError::NotSent(err)
    } else {
        AttemptError::MaybeSent(err)
    }
}

/// The error chain's messages without the URL (which reqwest includes in its own Display).
fn describe_reqwest_error(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let kind = if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "reading the response body failed"
    } else if e.is_request() {
        "sending the request failed"
    } else {
        "HTTP error"
    };
    let mut causes = Vec::new();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !text.is_empty() && !causes.contains(&text) {
            causes.push(text);
        }
        source = s.source();
    }
    if causes.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {}", causes.join(": "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_policy() {
        assert!(BaseUrl::parse("https://api.decodahealth.com").is_ok());
        for ok in [
            "http://127.0.0.1:1",
            "http://127.5.6.7",
            "http://[::1]:80",
            "http://localhost:9/x",
            "http://LOCALHOST",
        ] {
            assert!(BaseUrl::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://api.decodahealth.com",
            "http://10.0.0.1",
            "http://localhost.evil.com",
            "ftp://x",
            "https://user:pw@x.com",
            "https://x.com/?q=1",
            "not a url",
        ] {
            let e = BaseUrl::parse(bad).unwrap_err();
            assert!(matches!(e, Error::Config { .. }), "{bad}");
        }
        let e = BaseUrl::parse("http://api.example.com").unwrap_err();
        assert!(e.to_string().contains("https"), "{e}");
    }

    #[test]
    fn segments_cannot_escape() {
        let base = BaseUrl::parse("https://h.example/base/").unwrap();
        for (id, want) in [
            ("a/b", "https://h.example/base/a%2Fb"),
            ("a?b#c", "https://h.example/base/a%3Fb%23c"),
            ("../../x", "https://h.example/base/..%2F..%2Fx"),
            ("a b", "https://h.example/base/a%20b"),
            ("é", "https://h.example/base/%C3%A9"),
            ("@evil.com", "https://h.example/base/%40evil.com"),
            ("a..b", "https://h.example/base/a..b"),
        ] {
            let url = base.endpoint(&[id]).unwrap();
            assert_eq!(url.as_str(), want);
            assert_eq!(url.host_str(), Some("h.example"));
            assert_eq!(url.path_segments().unwrap().count(), 2);
        }
        for bad in ["", ".", ".."] {
            assert!(base.endpoint(&[bad]).is_err());
        }
    }

    #[test]
    fn backoff_grows_and_caps() {
        let p = RetryPolicy::default().with_jitter(false);
        assert_eq!(p.backoff(1), Duration::from_millis(200));
        assert_eq!(p.backoff(2), Duration::from_millis(400));
        assert_eq!(p.backoff(40), Duration::from_secs(5));
        let j = RetryPolicy::default();
        for _ in 0..100 {
            let d = j.backoff(2);
            assert!(d >= Duration::from_millis(200) && d <= Duration::from_millis(400));
        }
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
    fn sensitive_headers_hide_in_debug() {
        let v =
            sensitive_header("X", "Bearer ", &SecretString::from("jwt-SECRET".to_owned())).unwrap();
        assert!(v.is_sensitive());
        let mut map = HeaderMap::new();
        map.insert("authorization", v);
        assert!(!format!("{map:?}").contains("jwt-SECRET"));
        let bad = sensitive_header("X", "", &SecretString::from("a\nb".to_owned())).unwrap_err();
        assert!(!bad.to_string().contains("a\nb"));
    }
}
