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

mod coarse_timer;
mod describe;
mod fault;
pub mod jwt;
mod log;
mod request;
mod server;
pub mod vendors;
pub mod webhooks;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use describe::SandboxDescription;
pub use fault::{Fault, FaultKind};
pub use log::{LogLimits, RecordedRequest};
pub use request::{SandboxRequest, SandboxResponse};
pub use webhooks::{Attempt, Delivery, DeliverySchedule, InvalidWebhookUrl, WebhookVendor};

use log::RequestLog;

/// Credentials the sandbox accepts.
pub mod credentials;

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

/// How a sandbox runs: its seed, log bounds, connection limits and webhook retries.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// The initial state.
    pub seed: Seed,
    /// Request-log bounds.
    pub log: LogLimits,
    /// A connection that has not sent a whole request head within this time is closed
    /// (default 30 s, hyper's own default; it also closes idle keep-alive connections),
    /// at most an eighth of the timeout later.
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
        lock(&self.requests).record(req);
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
        lock(&self.shared.requests).records()
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
        lock(&self.shared.requests).count(method, path)
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
