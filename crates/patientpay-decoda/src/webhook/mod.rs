//! Decoda webhooks: [`DecodaWebhooks`] verifies the `Decoda-Signature` header over the raw
//! body and parses the envelope `{id, type, data, createdDate, alertId}` into a
//! [`WebhookEvent`].
//!
//! **Signature.** Lowercase hex HMAC-SHA256 keyed with the webhook's `secret` (the
//! `WebhookSummary.secret` returned by `POST /webhook/decoda/create`) as UTF-8. Decoda's own
//! examples disagree on *which bytes* are signed (decoda-wave2.md §f): the newer guide and the
//! PHP example hash the raw body; the older Python example hashes `json.dumps(parsed)` and the
//! TypeScript examples hash `JSON.stringify(parsed)`. So verification is:
//! 1. the raw bytes as received (what the guide shows, and what the sandbox sends);
//! 2. only if that fails, and unless [`DecodaWebhooks::raw_only`] was chosen: the body
//!    re-serialized as JavaScript's `JSON.stringify` would (compact, key order kept, integer-
//!    like keys first as JavaScript orders them, non-ASCII kept), then as Python's
//!    `json.dumps` would (`", "` and `": "` separators, key order kept, non-ASCII as `\uXXXX`).
//!
//! Each candidate is compared in constant time. The re-serializations are built from the
//! raw token stream (the workspace's `serde_json` does not keep key order), bounded by the body
//! limit and a nesting depth of 128; they type nothing. A sender that signs bytes it does not
//! send is the only reason for step 2, and each accepted form still needs the secret.
//!
//! **Envelope.** `type` is kept verbatim in [`WebhookEvent::vendor_type`] and mapped to a
//! [`WebhookEventKind`] from both of Decoda's lists (the spec's `AlertType` and the guide's
//! `PAYMENT_COMPLETED`); `data` is typed by `type` where the shape is known — payments, refunds,
//! charges, charge payments, patients — accepting the spec's camelCase and the guide's
//! snake_case (`amount_cents`, `charge_id`, `status: "completed"`). Anything else, or data
//! whose shape does not match, stays raw JSON in [`WebhookData::Other`]; only a body that is
//! not a JSON object with a string `type` is an error.
//!
//! ```
//! use patientpay_core::webhook::{hmac_sha256_hex, Webhooks, WebhookSecret};
//! use patientpay_core::{WebhookData, WebhookEventKind};
//! use patientpay_decoda::webhook::{DecodaWebhooks, SIGNATURE_HEADER};
//!
//! let secret = WebhookSecret::new("whsec_from_webhook_create");
//! let body = br#"{"id":"evt_1","type":"PAYMENT_SUCCEEDED","createdDate":"2026-03-01T10:00:00Z","alertId":"al_1","data":{"id":"pay_1","amount":1999,"status":"SUCCEEDED","paymentMedium":"PAYMENT_LINK","createdDate":"2026-03-01T10:00:00Z"}}"#;
//! let mut headers = http::HeaderMap::new();
//! headers.insert(SIGNATURE_HEADER, hmac_sha256_hex(&secret, body).parse().unwrap());
//!
//! let event = DecodaWebhooks::new().verify_and_parse(&headers, body, &secret)?;
//! assert_eq!(event.kind, WebhookEventKind::PaymentSucceeded);
//! assert_eq!(event.id.as_deref(), Some("evt_1"));
//! let WebhookData::Payment(payment) = &event.data else { panic!("a payment") };
//! assert_eq!(payment.amount.minor_units(), 1999);
//! # Ok::<(), patientpay_core::WebhookError>(())
//! ```
//!
//! The files: this one verifies ([`DecodaWebhooks`], [`SignedForm`]); `event.rs` reads the
//! envelope and types `data` ([`parse_event`], [`event_kind`]); `reserialize.rs` rebuilds
//! the JavaScript and Python forms of a body for the fallback.

use std::fmt;

use http::HeaderMap;
use patientpay_core::webhook::{
    DEFAULT_MAX_BODY_BYTES, HmacSha256Hex, WebhookError, WebhookEvent, WebhookSecret, Webhooks,
};
#[cfg(doc)]
use patientpay_core::webhook::{WebhookData, WebhookEventKind};

mod event;
mod reserialize;

pub use event::{event_kind, parse_event};

/// The vendor name events carry.
pub const PROVIDER: &str = "decoda";

/// The header Decoda puts the signature in.
pub const SIGNATURE_HEADER: &str = "Decoda-Signature";

/// Which bytes a delivery's signature was found to cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignedForm {
    /// The raw body, as received.
    Raw,
    /// `JSON.stringify` of the parsed body (Decoda's TypeScript examples).
    JavaScriptStringify,
    /// `json.dumps` of the parsed body with Python's default separators (Decoda's older
    /// Python example).
    PythonJsonDumps,
}

/// Verifies and parses Decoda webhook deliveries. Implements [`Webhooks`].
#[derive(Debug, Clone)]
pub struct DecodaWebhooks {
    scheme: HmacSha256Hex,
    reserialized_fallback: bool,
}

impl Default for DecodaWebhooks {
    fn default() -> Self {
        DecodaWebhooks::new()
    }
}

impl DecodaWebhooks {
    /// Raw-body verification with the documented re-serialization fallback, and the default
    /// 1 MiB body limit.
    pub fn new() -> DecodaWebhooks {
        DecodaWebhooks {
            scheme: HmacSha256Hex::new(SIGNATURE_HEADER)
                .with_max_body_bytes(DEFAULT_MAX_BODY_BYTES),
            reserialized_fallback: true,
        }
    }

    /// Accepts only signatures over the raw body (no re-serialization fallback).
    pub fn raw_only(mut self) -> DecodaWebhooks {
        self.reserialized_fallback = false;
        self
    }

    /// Sets the body limit (bytes); a larger body is refused before hashing.
    pub fn with_max_body_bytes(mut self, limit: usize) -> DecodaWebhooks {
        self.scheme = self.scheme.with_max_body_bytes(limit);
        self
    }

    /// Verifies and says which bytes the signature covered.
    ///
    /// # Errors
    /// As [`Webhooks::verify`].
    pub fn verify_form(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        secret: &WebhookSecret,
    ) -> Result<SignedForm, WebhookError> {
        let signatures = self.scheme.preflight(headers, body, secret)?;
        if self.scheme.matches(secret, body, &signatures) {
            return Ok(SignedForm::Raw);
        }
        if self.reserialized_fallback
            && let Some(tree) = reserialize::parse(body)
        {
            let js = reserialize::javascript_stringify(&tree);
            if self.scheme.matches(secret, js.as_bytes(), &signatures) {
                return Ok(SignedForm::JavaScriptStringify);
            }
            let py = reserialize::python_dumps(&tree);
            if self.scheme.matches(secret, py.as_bytes(), &signatures) {
                return Ok(SignedForm::PythonJsonDumps);
            }
        }
        Err(WebhookError::SignatureMismatch)
    }
}

impl Webhooks for DecodaWebhooks {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn verify(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        secret: &WebhookSecret,
    ) -> Result<(), WebhookError> {
        self.verify_form(headers, body, secret).map(|_| ())
    }

    fn parse_verified(&self, body: &[u8]) -> Result<WebhookEvent, WebhookError> {
        if body.len() > self.scheme.max_body_bytes {
            return Err(WebhookError::BodyTooLarge {
                limit: self.scheme.max_body_bytes,
            });
        }
        parse_event(body)
    }
}

impl fmt::Display for SignedForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SignedForm::Raw => "raw body",
            SignedForm::JavaScriptStringify => "JSON.stringify re-serialization",
            SignedForm::PythonJsonDumps => "json.dumps re-serialization",
        })
    }
}
