//! What one request is: the HTTP layer's settings ([`HttpConfig`]) and a request ready to
//! send ([`VendorRequest`]: method, URL, headers, body, operation, retry safety). The
//! client that sends it is in [`client`](super::client).

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::Method;
use http::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use url::Url;

use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::pipeline::retry::{RetryPolicy, RetrySafety};

/// Default cap on a response body: 16 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;
/// Default cap on an error body: 64 KiB.
pub const DEFAULT_MAX_ERROR_BODY_BYTES: u64 = 64 * 1024;
/// Default cap on requests in flight to one host: 64.
pub const DEFAULT_MAX_CONNECTIONS_PER_HOST: usize = 64;

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
    /// Largest error body read (a non-2xx answer); the rest is not read. Error bodies are
    /// only parsed for the vendor's message, so they need far less room. Default 64 KiB.
    pub max_error_body_bytes: u64,
    /// Most requests in flight at once to one host, across every handle sharing this
    /// client; further calls wait for a free slot within their own timeout. Default 64.
    ///
    /// It bounds the sockets too, but not to the exact number: a call frees its slot when
    /// it has read its answer, a moment before the connection is back in the pool, so the
    /// next call may open a new socket while the old one returns (idle sockets beyond the
    /// cap are then closed). Measured with 2,000 concurrent calls: 66–69 sockets at most
    /// for a cap of 64, 4–5 for a cap of 4 — never growing with the number of callers
    /// (`crates/patientpay/tests/connection_cap.rs`). Count a few more than the cap when
    /// sizing file descriptors.
    pub max_connections_per_host: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            user_agent: concat!("patientpay/", env!("CARGO_PKG_VERSION")).to_owned(),
            max_error_body_bytes: DEFAULT_MAX_ERROR_BODY_BYTES,
            max_connections_per_host: DEFAULT_MAX_CONNECTIONS_PER_HOST,
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

    /// Sets the error-body cap.
    pub fn with_max_error_body_bytes(mut self, bytes: u64) -> HttpConfig {
        self.max_error_body_bytes = bytes;
        self
    }

    /// Sets the connection cap per host (at least 1).
    pub fn with_max_connections_per_host(mut self, n: usize) -> HttpConfig {
        self.max_connections_per_host = n.max(1);
        self
    }
}

/// One request to a vendor, as a vendor crate describes it.
#[derive(Clone)]
pub struct VendorRequest {
    pub(super) provider: &'static str,
    pub(super) operation: Operation,
    pub(super) method: Method,
    pub(super) url: Url,
    pub(super) headers: HeaderMap,
    pub(super) body: Option<Bytes>,
    pub(super) timeout: Option<Duration>,
    pub(super) retry_safety: RetrySafety,
    pub(super) scrubber: Option<crate::scrub::Scrubber>,
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
    /// A request for `operation` with the given retry safety. Vendor crates do not build
    /// these: they declare an [`Endpoint`](crate::pipeline::Endpoint) and the
    /// [`Api`](crate::pipeline::Api) builds it.
    pub fn new(
        provider: &'static str,
        operation: Operation,
        method: Method,
        url: Url,
        retry_safety: RetrySafety,
    ) -> VendorRequest {
        VendorRequest {
            provider,
            operation,
            method,
            url,
            headers: HeaderMap::new(),
            body: None,
            timeout: None,
            retry_safety,
            scrubber: None,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> VendorRequest {
        self.headers.append(name, value);
        self
    }

    /// Adds every header of `headers` (the client's auth headers, built once).
    pub fn headers_from(mut self, headers: &HeaderMap) -> VendorRequest {
        if self.headers.is_empty() {
            // The usual case (the auth headers come first): one clone of the map.
            self.headers = headers.clone();
            return self;
        }
        for (name, value) in headers {
            self.headers.append(name.clone(), value.clone());
        }
        self
    }

    /// Adds `Accept: application/json`.
    pub fn accept_json(self) -> VendorRequest {
        self.header(ACCEPT, HeaderValue::from_static("application/json"))
    }

    /// Sets raw body bytes with their content type.
    pub fn body_bytes(mut self, content_type: &'static str, body: Bytes) -> VendorRequest {
        self.body = Some(body);
        self.headers
            .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        self
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

    /// The scrubber that checks what the answer's headers carry (request ids) against this
    /// call's secrets and PHI.
    pub fn with_scrubber(mut self, scrubber: crate::scrub::Scrubber) -> VendorRequest {
        self.scrubber = Some(scrubber);
        self
    }

    /// The retry safety.
    pub fn safety(&self) -> RetrySafety {
        self.retry_safety
    }
}
