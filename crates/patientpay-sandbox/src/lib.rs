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
//! - [`Sandbox::requests`] returns what was received, secrets redacted.
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

mod fault;
mod server;
pub mod vendors;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use serde::{Deserialize, Serialize};

pub use fault::{Fault, FaultKind};

/// Credentials the sandbox accepts.
pub mod credentials {
    /// The Decoda `API-KEY` the sandbox accepts.
    pub const DECODA_API_KEY: &str = "sandbox-decoda-api-key";
    /// The Decoda `TENANT` the sandbox accepts.
    pub const DECODA_TENANT: &str = "sandbox-tenant";
    /// A CareValidate `cv-api-key` the sandbox accepts (any non-empty key is accepted).
    pub const CAREVALIDATE_API_KEY: &str = "sandbox-cv-api-key";
    /// A CarePortals patient JWT the sandbox accepts (any non-empty bearer token is a patient).
    pub const CAREPORTALS_TOKEN: &str = "sandbox-patient-jwt";
    /// The `Origin` to send to the CarePortals sandbox.
    pub const CAREPORTALS_ORIGIN: &str = "https://demo.portals.care";
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

/// A request the sandbox received, for assertions in tests. Secret headers
/// (`Authorization`, `cv-api-key`, `API-KEY`, `TENANT`) are recorded as `<redacted>`; use
/// [`RecordedRequest::sent_secret`] to check which value was sent.
#[derive(Clone, Serialize)]
pub struct RecordedRequest {
    /// Method.
    pub method: String,
    /// Path as sent (percent-encoded).
    pub path: String,
    /// Decoded query pairs.
    pub query: Vec<(String, String)>,
    /// Headers, lowercase names, secrets redacted.
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON, when it is JSON.
    pub json: Option<serde_json::Value>,
    /// Body length in bytes.
    pub body_len: usize,
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
            .finish()
    }
}

impl RecordedRequest {
    fn from_request(req: &SandboxRequest) -> RecordedRequest {
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
        RecordedRequest {
            method: req.method.to_string(),
            path: req.path.clone(),
            query: req.query.clone(),
            headers,
            json: serde_json::from_slice(&req.body).ok(),
            body_len: req.body.len(),
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

pub(crate) struct Shared {
    seed: Seed,
    vendors: Mutex<vendors::State>,
    faults: Mutex<Vec<fault::Rule>>,
    requests: Mutex<Vec<RecordedRequest>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a lock in one connection must not take the sandbox down.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    pub(crate) fn record(&self, req: &SandboxRequest) {
        lock(&self.requests).push(RecordedRequest::from_request(req));
    }

    pub(crate) fn next_fault(&self, req: &SandboxRequest) -> Option<FaultKind> {
        fault::next(&mut lock(&self.faults), req)
    }

    pub(crate) fn handle(&self, req: &SandboxRequest) -> SandboxResponse {
        let mut state = lock(&self.vendors);
        vendors::dispatch(&mut state, req).unwrap_or_else(|| {
            SandboxResponse::json(404, &serde_json::json!({"detail": "Not Found"}))
        })
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
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            vendors: Mutex::new(vendors::State::from_seed(&seed)),
            seed,
            faults: Mutex::new(Vec::new()),
            requests: Mutex::new(Vec::new()),
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

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// How many requests matched `method` and `path` (exact, or a prefix ending in `*`).
    pub fn count(&self, method: &str, path: &str) -> usize {
        lock(&self.shared.requests)
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method) && fault::path_matches(path, &r.path))
            .count()
    }

    /// Forgets recorded requests.
    pub fn clear_requests(&self) {
        lock(&self.shared.requests).clear();
    }

    /// Restores the seeded state and clears faults and recorded requests.
    pub fn reset(&self) {
        *lock(&self.shared.vendors) = vendors::State::from_seed(&self.shared.seed);
        self.clear_faults();
        self.clear_requests();
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
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
