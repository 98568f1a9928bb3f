//! # patientpay-sandbox
//!
//! An in-process, stateful emulator of the CarePortals, CareValidate and Decoda patient
//! payment APIs on one loopback port — like stripe-mock, for these three vendors. It is
//! what `patientpay demo` runs on and what your tests can run against.
//!
//! - [`Sandbox::start`] binds an ephemeral `127.0.0.1` port; [`Sandbox::base_url`] is the
//!   base URL to give every vendor client. Dropping the sandbox stops it.
//! - State is seeded from code or JSON ([`Seed`]) and [`Sandbox::reset`] restores it.
//! - [`Sandbox::inject`] adds a [`Fault`] for a route: a status, a delay, a truncated or
//!   malformed body, a dropped connection, a 429 with `Retry-After`, for some calls only.
//! - [`Sandbox::requests`] returns what was received, secrets redacted, from a ring bounded
//!   by [`LogLimits`] (bodies cut to 64 KiB by default).
//! - Auth is checked as each vendor checks it (see [`credentials`]): CarePortals bearer
//!   tokens must be JWTs the sandbox signed ([`credentials::careportals_token_for`] mints
//!   them), CareValidate keys must be known, Decoda headers must be present (422) and right
//!   (401).
//! - On its own state changes the sandbox delivers signed webhooks to registered loopback
//!   receivers ([`Sandbox::register_webhook`], [`Sandbox::deliveries`], [`DeliverySchedule`]).
//! - [`Sandbox::describe`] lists the credentials and sample data of every vendor.
//!
//! The answers are written from the vendors' documentation and Decoda's OpenAPI spec, not
//! from the vendor crates' types (this crate depends on none of them), so a wrong field
//! name in a vendor crate fails its tests here.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! use patientpay_sandbox::{Fault, Sandbox};
//!
//! let sandbox = Sandbox::start().await?;
//! sandbox.inject(Fault::on("POST", "/api/v1/payments/intent").status(503).times(1));
//! assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
//! assert!(sandbox.requests().is_empty());
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

mod describe;
mod fault;
pub mod jwt;
mod server;
pub mod vendors;
pub mod webhooks;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use serde::{Deserialize, Serialize};

pub use describe::SandboxDescription;
pub use fault::{Fault, FaultKind};
pub use webhooks::{Attempt, Delivery, DeliverySchedule, InvalidWebhookUrl, WebhookVendor};

/// Credentials the sandbox accepts.
pub mod credentials {
    /// The Decoda `API-KEY` the sandbox accepts (anything else: 401).
    pub const DECODA_API_KEY: &str = "sandbox-decoda-api-key";
    /// The Decoda `TENANT` the sandbox accepts (anything else: 401).
    pub const DECODA_TENANT: &str = "sandbox-tenant";
    /// The CareValidate `cv-api-key` the sandbox accepts (the seeded organization's key;
    /// [`Seed::carevalidate`](crate::Seed) `api_keys` can add more). Anything else: 401.
    pub const CAREVALIDATE_API_KEY: &str = "sandbox-cv-api-key";
    /// The CarePortals organization of the sandbox (the `organization` header, when sent,
    /// must be this; tokens carry it).
    pub const CAREPORTALS_ORGANIZATION: &str = "sandbox_demo";
    /// The id of the seeded demo CarePortals patient (the `sub` of [`CAREPORTALS_TOKEN`]).
    pub const CAREPORTALS_PATIENT_ID: &str = "66f1c0de0000000000000001";
    /// The demo patient's login username.
    pub const CAREPORTALS_USERNAME: &str = "jane.doe@example.com";
    /// The demo patient's login password.
    pub const CAREPORTALS_PASSWORD: &str = "sandbox-password";
    /// Expiry of the tokens [`careportals_token_for`] mints: 2100-01-01T00:00:00Z.
    pub const FAR_FUTURE_EXP: i64 = 4_102_444_800;
    /// Issue time of the tokens [`careportals_token_for`] mints: 2026-01-01T00:00:00Z.
    pub const FIXED_IAT: i64 = 1_767_225_600;
    /// A CarePortals patient JWT the sandbox accepts: HS256, signed with
    /// [`crate::jwt::SIGNING_KEY`], `sub` = [`CAREPORTALS_PATIENT_ID`], `organization` =
    /// [`CAREPORTALS_ORGANIZATION`], expiring in 2100. Equal to
    /// `careportals_token_for(CAREPORTALS_PATIENT_ID)` (a test checks it).
    pub const CAREPORTALS_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI2NmYxYzBkZTAwMDAwMDAwMDAwMDAwMDEiLCJvcmdhbml6YXRpb24iOiJzYW5kYm94X2RlbW8iLCJpYXQiOjE3NjcyMjU2MDAsImV4cCI6NDEwMjQ0NDgwMH0.nCwCST2uNoUZL7AkqnTWhSKBbKHIeMMKXfYlm3xqKk0";
    /// The `Origin` to send to the CarePortals sandbox (an allowed portal origin).
    pub const CAREPORTALS_ORIGIN: &str = "https://demo.portals.care";
    /// Every `Origin` the CarePortals sandbox accepts (a request without `Origin` is
    /// accepted too, as a server-side caller sends none).
    pub const CAREPORTALS_ALLOWED_ORIGINS: &[&str] = &[
        CAREPORTALS_ORIGIN,
        "https://sandbox_demo.portals.care",
        "https://sandbox-demo.portals.care",
    ];

    /// A far-future (2100) sandbox JWT for CarePortals patient `patient_id`, deterministic.
    /// Any patient id works: a new id is a patient with an empty wallet.
    pub fn careportals_token_for(patient_id: &str) -> String {
        careportals_token(patient_id, FAR_FUTURE_EXP)
    }

    /// A sandbox JWT for `patient_id` expiring at `exp` (Unix seconds), e.g. an expired one.
    pub fn careportals_token(patient_id: &str, exp: i64) -> String {
        crate::jwt::sign(&crate::jwt::Claims {
            sub: patient_id.to_owned(),
            organization: CAREPORTALS_ORGANIZATION.to_owned(),
            iat: FIXED_IAT.min(exp),
            exp,
        })
    }
}

/// Initial state of every emulated vendor. Missing parts take their defaults (the
/// documented demo data), so `{}` is a valid seed file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Seed {
    /// CarePortals wallets.
    pub careportals: vendors::careportals::Seed,
    /// CareValidate users.
    pub carevalidate: vendors::carevalidate::Seed,
    /// Decoda patients, charges and credits.
    pub decoda: vendors::decoda::Seed,
}

impl Seed {
    /// Reads a seed from a JSON file.
    ///
    /// # Errors
    /// An I/O error, or `InvalidData` when the JSON does not match [`Seed`].
    pub fn from_json_file(path: impl AsRef<Path>) -> std::io::Result<Seed> {
        let bytes = std::fs::read(path)?;
        Seed::from_json(&bytes)
    }

    /// Reads a seed from JSON bytes.
    ///
    /// # Errors
    /// `InvalidData` when the JSON does not match [`Seed`].
    pub fn from_json(bytes: &[u8]) -> std::io::Result<Seed> {
        serde_json::from_slice(bytes)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }
}

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
        self.path
            .trim_start_matches('/')
            .split('/')
            .map(percent_decode)
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
    /// (default 32 MiB).
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

/// How a sandbox runs: its seed, log bounds, connection limits and webhook retries.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// The initial state.
    pub seed: Seed,
    /// Request-log bounds.
    pub log: LogLimits,
    /// A connection that has not sent a whole request head within this time is closed
    /// (default 30 s, hyper's own default; it also closes idle keep-alive connections).
    pub header_read_timeout: Duration,
    /// Retries of webhook deliveries (default fast: 10, 20, 40 ms).
    pub delivery: DeliverySchedule,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            seed: Seed::default(),
            log: LogLimits::default(),
            header_read_timeout: Duration::from_secs(30),
            delivery: DeliverySchedule::default(),
        }
    }
}

impl Options {
    /// Options with `seed`, the rest default.
    pub fn with_seed(seed: Seed) -> Options {
        Options {
            seed,
            ..Options::default()
        }
    }

    /// Sets the webhook retry schedule.
    pub fn delivery(mut self, schedule: DeliverySchedule) -> Options {
        self.delivery = schedule;
        self
    }

    /// Sets the request-log bounds.
    pub fn log(mut self, limits: LogLimits) -> Options {
        self.log = limits;
        self
    }

    /// Sets the header-read timeout.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Options {
        self.header_read_timeout = timeout;
        self
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
    fn from_request(req: &SandboxRequest, max_body: usize) -> RecordedRequest {
        let mut headers = Vec::new();
        let mut secrets = Vec::new();
        for (name, value) in &req.headers {
            let name = name.as_str().to_ascii_lowercase();
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            if SECRET_HEADERS.contains(&name.as_str()) {
                headers.push((name.clone(), "<redacted>".to_owned()));
                secrets.push((name, value));
            } else {
                headers.push((name, value));
            }
        }
        let truncated = req.body.len() > max_body;
        RecordedRequest {
            method: req.method.to_string(),
            path: req.path.clone(),
            query: req.query.clone(),
            headers,
            json: if truncated {
                None
            } else {
                serde_json::from_slice(&req.body).ok()
            },
            body_len: req.body.len(),
            // A copy, so that a cut body does not keep the whole received buffer alive.
            body: Bytes::copy_from_slice(&req.body[..req.body.len().min(max_body)]),
            body_truncated: truncated,
            secrets,
        }
    }

    /// What this record costs the log's byte bound.
    fn cost(&self) -> usize {
        let headers: usize = self
            .headers
            .iter()
            .chain(&self.secrets)
            .map(|(k, v)| k.len() + v.len())
            .sum();
        let query: usize = self.query.iter().map(|(k, v)| k.len() + v.len()).sum();
        // The parsed JSON is counted as twice the body it came from.
        let json = if self.json.is_some() {
            2 * self.body.len()
        } else {
            0
        };
        self.path.len() + query + headers + self.body.len() + json + 64
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

/// The request log: a ring bounded by count and bytes.
#[derive(Debug)]
struct RequestLog {
    limits: LogLimits,
    entries: VecDeque<(RecordedRequest, usize)>,
    bytes: usize,
    dropped: u64,
}

impl RequestLog {
    fn new(limits: LogLimits) -> RequestLog {
        RequestLog {
            limits,
            entries: VecDeque::new(),
            bytes: 0,
            dropped: 0,
        }
    }

    fn push(&mut self, rec: RecordedRequest) {
        let cost = rec.cost();
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
        self.entries.push_back((rec, cost));
    }

    fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }
}

pub(crate) struct Shared {
    seed: Seed,
    options: Options,
    vendors: Mutex<vendors::State>,
    faults: Mutex<Vec<fault::Rule>>,
    requests: Mutex<RequestLog>,
    deliveries: Arc<webhooks::Deliveries>,
    stop_deliveries: tokio::sync::watch::Sender<bool>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a lock in one connection must not take the sandbox down.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    pub(crate) fn record(&self, req: &SandboxRequest) {
        let rec = RecordedRequest::from_request(req, self.options.log.max_body_bytes);
        lock(&self.requests).push(rec);
    }

    pub(crate) fn header_read_timeout(&self) -> Duration {
        self.options.header_read_timeout
    }

    pub(crate) fn next_fault(&self, req: &SandboxRequest) -> Option<FaultKind> {
        fault::next(&mut lock(&self.faults), req)
    }

    pub(crate) fn handle(&self, req: &SandboxRequest) -> SandboxResponse {
        let (resp, events) = {
            let mut state = lock(&self.vendors);
            let resp = vendors::dispatch(&mut state, req).unwrap_or_else(|| {
                SandboxResponse::json(404, &serde_json::json!({"detail": "Not Found"}))
            });
            (resp, state.take_events())
        };
        self.send(events);
        resp
    }

    fn send(&self, events: Vec<webhooks::Outgoing>) {
        for out in events {
            webhooks::spawn(
                Arc::clone(&self.deliveries),
                self.options.delivery.clone(),
                self.stop_deliveries.subscribe(),
                out,
            );
        }
    }
}

/// A running sandbox. Stops when dropped or on [`Sandbox::shutdown`].
pub struct Sandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("addr", &self.addr).finish()
    }
}

impl Sandbox {
    /// Starts with the default seed on an ephemeral `127.0.0.1` port.
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub async fn start() -> std::io::Result<Sandbox> {
        Sandbox::start_with(Seed::default()).await
    }

    /// Starts with `seed` on an ephemeral `127.0.0.1` port.
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub async fn start_with(seed: Seed) -> std::io::Result<Sandbox> {
        Sandbox::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), seed).await
    }

    /// Starts with `seed` on `addr` (port 0 = any free port).
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub async fn start_on(addr: SocketAddr, seed: Seed) -> std::io::Result<Sandbox> {
        Sandbox::start_with_options(addr, Options::with_seed(seed)).await
    }

    /// Starts on `addr` (port 0 = any free port) with `options`.
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub async fn start_with_options(
        addr: SocketAddr,
        options: Options,
    ) -> std::io::Result<Sandbox> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (stop_deliveries, _) = tokio::sync::watch::channel(false);
        let shared = Arc::new(Shared {
            vendors: Mutex::new(vendors::State::from_seed(&options.seed)),
            seed: options.seed.clone(),
            requests: Mutex::new(RequestLog::new(options.log)),
            options,
            faults: Mutex::new(Vec::new()),
            deliveries: Arc::new(webhooks::Deliveries::default()),
            stop_deliveries,
        });
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(server::serve(listener, Arc::clone(&shared), stopped));
        Ok(Sandbox {
            addr,
            shared,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL for every vendor client, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Adds a fault. Faults are checked in the order added; the first that applies wins.
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).push(fault::Rule::new(fault));
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// The requests received so far that the log still holds (it is a ring bounded by
    /// [`LogLimits`]), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests)
            .entries
            .iter()
            .map(|(r, _)| r.clone())
            .collect()
    }

    /// How many requests the log has dropped to stay within its bounds.
    pub fn requests_dropped(&self) -> u64 {
        lock(&self.shared.requests).dropped
    }

    /// The bytes the log holds now, as counted against [`LogLimits::max_bytes`].
    pub fn requests_bytes(&self) -> usize {
        lock(&self.shared.requests).bytes
    }

    /// How many logged requests matched `method` and `path` (exact, or a prefix ending in `*`).
    pub fn count(&self, method: &str, path: &str) -> usize {
        lock(&self.shared.requests)
            .entries
            .iter()
            .filter(|(r, _)| {
                r.method.eq_ignore_ascii_case(method) && fault::path_matches(path, &r.path)
            })
            .count()
    }

    /// Every webhook delivery so far (in progress or finished), oldest first.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.shared.deliveries.snapshot()
    }

    /// Waits until every webhook delivery so far is finished (delivered or out of retries).
    pub async fn wait_for_deliveries(&self) {
        loop {
            let changed = self.shared.deliveries.changed.notified();
            if self.shared.deliveries.all_finished() {
                return;
            }
            changed.await;
        }
    }

    /// Registers a webhook endpoint as the vendor's dashboard or API would, and returns its
    /// id. Decoda endpoints subscribe to every event type the sandbox emits (use
    /// `POST /webhook/decoda/create` to choose); CareValidate has one secret per endpoint.
    ///
    /// # Errors
    /// [`InvalidWebhookUrl`] when `url` is not an `http://` loopback URL.
    pub fn register_webhook(
        &self,
        vendor: WebhookVendor,
        url: &str,
        secret: &str,
    ) -> Result<String, InvalidWebhookUrl> {
        webhooks::loopback_target(url)?;
        let mut state = lock(&self.shared.vendors);
        Ok(match vendor {
            WebhookVendor::Decoda => state.decoda.register_webhook(url, secret),
            WebhookVendor::CareValidate => state.carevalidate.register_webhook(url, secret),
        })
    }

    /// The credentials and sample data of every vendor, as served now (for banners).
    pub fn describe(&self) -> SandboxDescription {
        describe::describe(&self.base_url(), &lock(&self.shared.vendors))
    }

    /// Forgets recorded requests.
    pub fn clear_requests(&self) {
        lock(&self.shared.requests).clear();
    }

    /// Forgets finished webhook deliveries.
    pub fn clear_deliveries(&self) {
        lock(&self.shared.deliveries.list).retain(|d| !d.finished);
    }

    /// Restores the seeded state and clears faults and recorded requests.
    pub fn reset(&self) {
        *lock(&self.shared.vendors) = vendors::State::from_seed(&self.shared.seed);
        self.clear_faults();
        self.clear_requests();
        self.clear_deliveries();
    }

    /// Replaces the state with `seed` (also used by later [`reset`](Sandbox::reset)s is the
    /// original seed; this changes only the current state).
    pub fn load(&self, seed: &Seed) {
        *lock(&self.shared.vendors) = vendors::State::from_seed(seed);
    }

    /// Runs `f` with the emulated vendors' state, to read or change it from a test.
    pub fn with_state<R>(&self, f: impl FnOnce(&mut vendors::State) -> R) -> R {
        f(&mut lock(&self.shared.vendors))
    }

    /// Stops accepting connections and waits for the server task to end.
    pub async fn shutdown(mut self) {
        let _ = self.shared.stop_deliveries.send(true);
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.shared.stop_deliveries.send(true);
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
