//! The HTTP client: one connection pool, the timeouts, the retry loop, the size caps, the
//! connection cap and the redirect guard. [`HttpClient::execute`] sends one
//! [`VendorRequest`] and returns the [`VendorResponse`] whatever its status.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use tokio::sync::Semaphore;
use tracing::Instrument;
use url::Url;

use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::pipeline::response::VendorResponse;
use crate::pipeline::retry::{Attempt, Decision, decide};

pub use super::request::{
    DEFAULT_MAX_CONNECTIONS_PER_HOST, DEFAULT_MAX_ERROR_BODY_BYTES, DEFAULT_MAX_RESPONSE_BYTES,
    HttpConfig, VendorRequest,
};

/// The shared HTTP client: one connection pool, cheap to clone, safe to share.
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    config: Arc<HttpConfig>,
    /// One connection-slot semaphore per scheme, host and port. A client talks to one or
    /// two hosts, so a short list scanned without building a key beats a hashed map.
    slots: Arc<Mutex<Vec<Slot>>>,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("config", &self.config)
            .finish()
    }
}

/// The connection slots of one scheme, host and port.
struct Slot {
    scheme: String,
    host: String,
    port: u16,
    permits: Arc<Semaphore>,
}

/// How one attempt failed before a usable response arrived.
enum AttemptError {
    /// Final: no retry can help (size cap, refused redirect).
    Fatal(Error),
    /// The connection was never established: nothing was sent.
    NotSent(Error),
    /// The request may have reached the vendor.
    MaybeSent(Error),
}

impl HttpClient {
    /// A client with rustls (the platform's roots), the given timeouts and no redirects
    /// (a redirected payment call is an error, never something to follow with credentials).
    ///
    /// # Errors
    /// [`Error::Config`] for `http_client` if the TLS stack cannot be set up.
    pub fn new(config: HttpConfig) -> Result<HttpClient> {
        HttpClient::from_reqwest_builder(reqwest::Client::builder(), config)
    }

    /// A client built from your `reqwest::ClientBuilder` (proxies, custom roots, local
    /// address...). Whatever the builder says, redirects are turned off, and the connect
    /// timeout and `User-Agent` of `config` are applied: a vendor's 3xx is never followed
    /// with its credentials or a payment body (it is returned as an error instead).
    ///
    /// ```
    /// use patientpay_core::pipeline::{HttpClient, HttpConfig};
    ///
    /// let builder = reqwest::Client::builder().redirect(reqwest::redirect::Policy::limited(10));
    /// let client = HttpClient::from_reqwest_builder(builder, HttpConfig::default())?;
    /// # let _ = client;
    /// # Ok::<(), patientpay_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] for `http_client` if the client cannot be built.
    pub fn from_reqwest_builder(
        builder: reqwest::ClientBuilder,
        config: HttpConfig,
    ) -> Result<HttpClient> {
        let client = builder
            .connect_timeout(config.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(config.user_agent.clone())
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(config.max_connections_per_host)
            .build()
            .map_err(|e| {
                Error::config("http_client", format!("cannot build the HTTP client: {e}"))
            })?;
        Ok(HttpClient {
            client,
            config: Arc::new(config),
            slots: Arc::default(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &HttpConfig {
        &self.config
    }

    fn slot(&self, url: &Url) -> Arc<Semaphore> {
        let (scheme, host, port) = (
            url.scheme(),
            url.host_str().unwrap_or(""),
            url.port_or_known_default().unwrap_or(0),
        );
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(slot) = slots
            .iter()
            .find(|s| s.port == port && s.host == host && s.scheme == scheme)
        {
            return Arc::clone(&slot.permits);
        }
        let permits = Arc::new(Semaphore::new(self.config.max_connections_per_host));
        slots.push(Slot {
            scheme: scheme.to_owned(),
            host: host.to_owned(),
            port,
            permits: Arc::clone(&permits),
        });
        permits
    }

    /// Sends `request`, retrying as its retry safety allows (see
    /// [`decide`]), and reads the body up to the size cap (the
    /// error-body cap for non-2xx answers). Returns the answer whatever its HTTP status.
    /// The call's total timeout covers every attempt, the wait for a connection slot and
    /// the backoff.
    ///
    /// # Errors
    /// [`Error::Timeout`], [`Error::Transport`], [`Error::ResponseTooLarge`] or
    /// [`Error::Redirected`].
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
                span.record("attempts", resp.attempts());
                let id = resp.request_id();
                if let Some(id) = &id {
                    span.record("request_id", id.as_str());
                }
                span.in_scope(|| {
                    tracing::debug!(
                        status = resp.status(),
                        request_id = id.as_deref().unwrap_or("-"),
                        "vendor answered"
                    )
                });
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
        let slot = self.slot(&request.url);
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let outcome = {
                // Held for the attempt only: backoff does not keep a connection slot.
                let _permit = slot.acquire().await.map_err(|_| Error::Transport {
                    provider: request.provider,
                    operation: request.operation,
                    detail: "the HTTP client is shutting down".to_owned(),
                    maybe_sent: false,
                })?;
                let remaining = total.saturating_sub(started.elapsed());
                self.attempt(request, remaining).await
            };
            let (seen, result) = match outcome {
                Ok(mut resp) => {
                    resp.set_attempts(attempt);
                    let seen = Attempt::Answered {
                        status: resp.status(),
                        retry_after: resp.retry_after(),
                    };
                    (seen, Ok(resp))
                }
                Err(AttemptError::Fatal(e)) => (Attempt::Final, Err(e)),
                Err(AttemptError::NotSent(e)) => (Attempt::NotSent, Err(e)),
                Err(AttemptError::MaybeSent(e)) => {
                    let timed_out = matches!(e, Error::Timeout { .. });
                    (Attempt::MaybeSent { timed_out }, Err(e))
                }
            };
            let remaining = total.saturating_sub(started.elapsed());
            match decide(
                policy,
                request.retry_safety,
                attempt,
                &seen,
                policy.backoff(attempt),
                remaining,
            ) {
                Decision::Stop => return result,
                Decision::Retry(wait) => {
                    tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, "retrying");
                    tokio::time::sleep(wait).await;
                }
            }
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
        // A `reqwest::Request` with its header map set whole: `RequestBuilder::headers`
        // would merge the map in entry by entry (a lookup and an append per header, on
        // every call).
        let mut outgoing = reqwest::Request::new(request.method.clone(), request.url.clone());
        *outgoing.headers_mut() = request.headers.clone();
        if let Some(body) = &request.body {
            *outgoing.body_mut() = Some(body.clone().into());
        }
        let mut response = self
            .client
            .execute(outgoing)
            .await
            .map_err(|e| classify_reqwest_error(provider, operation, remaining, &e))?;
        let status = response.status();
        if status.is_redirection() || response.url() != &request.url {
            // Never followed: following would re-send the credentials and the body to
            // wherever the vendor (or whoever answers for it) points.
            return Err(AttemptError::Fatal(Error::Redirected {
                provider,
                operation,
                status: status.as_u16(),
            }));
        }
        let headers = std::mem::take(response.headers_mut());
        let success = status.is_success();
        let cap = if success {
            self.config.max_response_bytes
        } else {
            self.config.max_error_body_bytes
        };
        let too_large = || {
            AttemptError::Fatal(Error::ResponseTooLarge {
                provider,
                operation,
                status: status.as_u16(),
                limit: cap,
            })
        };
        let announced_too_large = response.content_length().is_some_and(|len| len > cap);
        if success && announced_too_large {
            return Err(too_large());
        }
        let read_err =
            |e: reqwest::Error| classify_reqwest_error(provider, operation, remaining, &e);
        // An error body over its cap is cut, not read on: the vendor's message is in its
        // first bytes if anywhere, and a huge error page must not cost memory.
        let mut truncated = false;
        let body = {
            // Most answers arrive in one frame: keep it as is (no copy) unless a second
            // follows.
            match response.chunk().await.map_err(read_err)? {
                None => Bytes::new(),
                Some(first) if first.len() as u64 > cap => {
                    if success {
                        return Err(too_large());
                    }
                    truncated = true;
                    first.slice(..cap as usize)
                }
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
                                if success {
                                    return Err(too_large());
                                }
                                let room = cap as usize - buf.len();
                                buf.extend_from_slice(&chunk[..room]);
                                truncated = true;
                                break;
                            }
                            buf.extend_from_slice(&chunk);
                            next = response.chunk().await.map_err(read_err)?;
                        }
                        buf.freeze()
                    }
                },
            }
        };
        let mut resp =
            VendorResponse::from_parts(provider, operation, status.as_u16(), headers, body);
        resp.set_scrubber(request.scrubber.clone());
        resp.set_truncated(truncated);
        Ok(resp)
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
