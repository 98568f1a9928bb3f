//! Webhook deliveries: signed POSTs of the sandbox's own events to registered loopback
//! URLs, in background tasks, retried on a [`DeliverySchedule`].
//!
//! - Decoda: the envelope `{id, type, data, createdDate, alertId}` (decoda-wave2.md §f),
//!   header `Decoda-Signature` = lowercase hex HMAC-SHA256 of the raw body keyed with the
//!   webhook's `secret` (UTF-8).
//! - CareValidate: `{event, payload}` (carevalidate-wave2.md §4), header `x-cv-signature` =
//!   lowercase hex HMAC-SHA256 of the body (`JSON.stringify(payload)`, which is the raw body).
//!
//! Bodies are compact JSON, signed over exactly the bytes sent. Only `http://` loopback
//! URLs are accepted (`127.0.0.0/8`, `::1`, `localhost`): the sandbox never calls out.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use sha2::Sha256;

/// Which vendor's scheme a webhook endpoint uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum WebhookVendor {
    /// Decoda: `Decoda-Signature`, envelope `{id, type, data, createdDate, alertId}`.
    Decoda,
    /// CareValidate: `x-cv-signature`, envelope `{event, payload}`.
    CareValidate,
}

impl WebhookVendor {
    /// The signature header's name.
    pub fn signature_header(self) -> &'static str {
        match self {
            WebhookVendor::Decoda => "Decoda-Signature",
            WebhookVendor::CareValidate => "x-cv-signature",
        }
    }
}

/// When failed deliveries are retried: after the first attempt, one retry per delay.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliverySchedule {
    /// Wait before each retry (so `delays.len() + 1` attempts at most).
    pub delays: Vec<Duration>,
    /// Per-attempt limit for connecting, sending and reading the status.
    pub attempt_timeout: Duration,
}

impl Default for DeliverySchedule {
    /// Fast, for tests: retries after 10 ms, 20 ms and 40 ms; 2 s per attempt.
    fn default() -> DeliverySchedule {
        DeliverySchedule {
            delays: vec![
                Duration::from_millis(10),
                Duration::from_millis(20),
                Duration::from_millis(40),
            ],
            attempt_timeout: Duration::from_secs(2),
        }
    }
}

impl DeliverySchedule {
    /// Decoda's documented schedule: retry after 1 s, then 5 s, 15 s, 60 s, 5 min, 15 min
    /// (webhook-events.mdx; its "6 attempts" is read as 6 retries, 7 attempts in all), 5 s
    /// per attempt ("respond within 5 seconds"). For fidelity tests under tokio's paused clock.
    pub fn decoda() -> DeliverySchedule {
        DeliverySchedule {
            delays: [1, 5, 15, 60, 300, 900]
                .into_iter()
                .map(Duration::from_secs)
                .collect(),
            attempt_timeout: Duration::from_secs(5),
        }
    }

    /// The given retry delays, 2 s per attempt.
    pub fn with_delays(delays: impl IntoIterator<Item = Duration>) -> DeliverySchedule {
        DeliverySchedule {
            delays: delays.into_iter().collect(),
            ..DeliverySchedule::default()
        }
    }

    /// No retries: one attempt only.
    pub fn once() -> DeliverySchedule {
        DeliverySchedule::with_delays([])
    }
}

/// One attempt of a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Attempt {
    /// When, measured from the first attempt (tokio's clock: exact under a paused clock).
    pub at: Duration,
    /// The receiver's status, when it answered.
    pub status: Option<u16>,
    /// Why there was no status (connect refused, timeout...).
    pub error: Option<String>,
}

/// A webhook event the sandbox sent (or is sending) to one endpoint.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Delivery {
    /// The event id (Decoda's envelope `id`; for CareValidate, whose envelope has none, a
    /// sandbox id kept only here).
    pub event_id: String,
    /// The vendor scheme.
    pub vendor: WebhookVendor,
    /// Decoda `type` or CareValidate `event`.
    pub event_type: String,
    /// Where it goes.
    pub url: String,
    /// The exact body sent.
    #[serde(skip)]
    pub body: Bytes,
    /// The signature header's value sent with it.
    pub signature: String,
    /// Attempts so far.
    pub attempts: Vec<Attempt>,
    /// A 2xx was received.
    pub delivered: bool,
    /// No more attempts will be made (delivered, or the schedule is exhausted).
    pub finished: bool,
}

impl Delivery {
    /// The status of the last attempt, when it got one.
    pub fn last_status(&self) -> Option<u16> {
        self.attempts.last().and_then(|a| a.status)
    }
}

/// An event ready to send, produced by a vendor emulation while handling a request.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    pub(crate) vendor: WebhookVendor,
    pub(crate) event_id: String,
    pub(crate) event_type: String,
    pub(crate) url: String,
    pub(crate) secret: String,
    pub(crate) body: Bytes,
}

/// Lowercase hex HMAC-SHA256 of `body` keyed with `secret`'s UTF-8 bytes.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(digest.len() * 2);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Why a webhook URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("webhook URL refused: {0} (the sandbox delivers only to http:// loopback URLs)")]
pub struct InvalidWebhookUrl(pub String);

/// Checks that `url` is an `http://` loopback URL and returns the socket address.
pub(crate) fn loopback_target(url: &str) -> Result<(SocketAddr, String), InvalidWebhookUrl> {
    let parsed = url::Url::parse(url).map_err(|e| InvalidWebhookUrl(e.to_string()))?;
    if parsed.scheme() != "http" {
        return Err(InvalidWebhookUrl(format!(
            "scheme {} is not http",
            parsed.scheme()
        )));
    }
    let ip: IpAddr = match parsed.host() {
        Some(url::Host::Ipv4(ip)) if ip.is_loopback() => IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) if ip.is_loopback() => IpAddr::V6(ip),
        Some(url::Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") => {
            IpAddr::from([127, 0, 0, 1])
        }
        _ => return Err(InvalidWebhookUrl("host is not loopback".to_owned())),
    };
    let port = parsed.port_or_known_default().unwrap_or(80);
    let mut path = parsed.path().to_owned();
    if let Some(q) = parsed.query() {
        path.push('?');
        path.push_str(q);
    }
    Ok((SocketAddr::new(ip, port), path))
}

/// The shared registry of deliveries.
#[derive(Debug, Default)]
pub(crate) struct Deliveries {
    pub(crate) list: Mutex<Vec<Delivery>>,
    pub(crate) changed: tokio::sync::Notify,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Deliveries {
    pub(crate) fn snapshot(&self) -> Vec<Delivery> {
        lock(&self.list).clone()
    }

    pub(crate) fn all_finished(&self) -> bool {
        lock(&self.list).iter().all(|d| d.finished)
    }

    fn update(&self, index: usize, f: impl FnOnce(&mut Delivery)) {
        if let Some(d) = lock(&self.list).get_mut(index) {
            f(d);
        }
        self.changed.notify_waiters();
    }
}

/// Starts delivering `out` in a background task.
pub(crate) fn spawn(
    deliveries: Arc<Deliveries>,
    schedule: DeliverySchedule,
    mut stop: tokio::sync::watch::Receiver<bool>,
    out: Outgoing,
) {
    let signature = sign(&out.secret, &out.body);
    let index = {
        let mut list = lock(&deliveries.list);
        list.push(Delivery {
            event_id: out.event_id.clone(),
            vendor: out.vendor,
            event_type: out.event_type.clone(),
            url: out.url.clone(),
            body: out.body.clone(),
            signature: signature.clone(),
            attempts: Vec::new(),
            delivered: false,
            finished: false,
        });
        list.len() - 1
    };
    tokio::spawn(async move {
        let start = tokio::time::Instant::now();
        let mut delays = schedule.delays.iter();
        loop {
            let result = tokio::time::timeout(schedule.attempt_timeout, post(&out, &signature))
                .await
                .unwrap_or_else(|_| Err("timed out".to_owned()));
            let at = start.elapsed();
            let (status, error) = match result {
                Ok(s) => (Some(s), None),
                Err(e) => (None, Some(e)),
            };
            let ok = status.is_some_and(|s| (200..300).contains(&s));
            tracing::debug!(event = %out.event_id, url = %out.url, ?status, "sandbox webhook attempt");
            let next = if ok { None } else { delays.next().copied() };
            deliveries.update(index, |d| {
                d.attempts.push(Attempt { at, status, error });
                d.delivered = ok;
                d.finished = next.is_none();
            });
            let Some(wait) = next else { break };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.wait_for(|stopped| *stopped) => {
                    deliveries.update(index, |d| d.finished = true);
                    break;
                }
            }
        }
    });
}

async fn post(out: &Outgoing, signature: &str) -> Result<u16, String> {
    let (addr, path) = loopback_target(&out.url).map_err(|e| e.to_string())?;
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    let driver = tokio::spawn(async move {
        let _ = conn.await;
    });
    let req = http::Request::post(path)
        .header(http::header::HOST, addr.to_string())
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::USER_AGENT, "patientpay-sandbox-webhooks")
        .header(out.vendor.signature_header(), signature)
        .body(Full::new(out.body.clone()))
        .map_err(|e| e.to_string())?;
    let result = match sender.send_request(req).await {
        Ok(resp) => {
            let status = resp.status().as_u16();
            // Read (and drop) the answer so the receiver is not cut off mid-write.
            let _ = resp.into_body().collect().await;
            Ok(status)
        }
        Err(e) => Err(format!("send: {e}")),
    };
    driver.abort();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_case_2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn only_loopback_http() {
        assert!(loopback_target("http://127.0.0.1:9/hook?x=1").is_ok());
        assert_eq!(
            loopback_target("http://127.0.0.1:9/hook?x=1").unwrap().1,
            "/hook?x=1"
        );
        assert!(loopback_target("http://localhost:9/").is_ok());
        assert!(loopback_target("http://[::1]:9/").is_ok());
        assert!(loopback_target("https://127.0.0.1/").is_err());
        assert!(loopback_target("http://example.com/").is_err());
        assert!(loopback_target("http://10.0.0.1/").is_err());
        assert!(loopback_target("not a url").is_err());
    }
}
