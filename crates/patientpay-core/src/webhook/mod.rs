//! Webhooks: verify a signed delivery over its **raw bytes**, then parse it into a typed,
//! vendor-neutral [`WebhookEvent`].
//!
//! Vendor crates implement [`Webhooks`] (Decoda: `Decoda-Signature`, CareValidate:
//! `x-cv-signature`); this module holds what they share: the [`WebhookSecret`], the HMAC-SHA256
//! primitive with a constant-time comparison ([`verify_hmac_sha256`]), the header and hex
//! parsing rules ([`HmacSha256Hex`]), the typed [`WebhookError`], the domain event and an
//! optional replay guard ([`DedupeStore`], [`InMemoryDedupe`]).
//!
//! Rules every implementation follows:
//! - the body size is checked first (default [`DEFAULT_MAX_BODY_BYTES`]), then the signature
//!   header, then the signature over the bytes exactly as received; nothing is typed before the
//!   signature matched;
//! - a signature is 64 hex digits (either case); its length is checked before any comparison,
//!   and the comparison is constant time (`hmac`'s `verify_slice`);
//! - an event type this version does not know is **not** an error: it arrives as
//!   [`WebhookEventKind::Unknown`] with its data as raw JSON;
//! - no error and no `Debug` output contains the secret or any byte of the body.
//!
//! Both vendors deliver **at least once** and neither signs a timestamp, so the same event
//! can arrive several times (retries after a timeout, manual resends) and a captured delivery
//! can be replayed. Feed [`WebhookEvent::dedupe_key`] to a [`DedupeStore`] to process each
//! event once.
//!
//! ```
//! use patientpay_core::webhook::{hmac_sha256_hex, verify_hmac_sha256, WebhookSecret};
//!
//! let secret = WebhookSecret::new("whsec_test");
//! let body = br#"{"id":"evt_1","type":"PAYMENT_SUCCEEDED"}"#;
//! let signature = hmac_sha256_hex(&secret, body);
//! assert_eq!(signature.len(), 64);
//! let raw = patientpay_core::webhook::decode_signature_hex(&signature)?;
//! assert!(verify_hmac_sha256(secret.expose_secret().as_bytes(), body, &raw));
//! assert!(!verify_hmac_sha256(b"other secret", body, &raw));
//! # Ok::<(), patientpay_core::webhook::WebhookError>(())
//! ```
//!
//! The module is split by concern: the secret and the [`Webhooks`] trait here; the typed
//! errors in `error.rs`; HMAC, hex and the [`HmacSha256Hex`] scheme in `signature.rs`; the
//! domain event in `event.rs`; the replay guard in `dedupe.rs`. Everything is re-exported
//! here, so paths are `patientpay_core::webhook::…`.

use std::fmt;

/// The header map and value types the [`Webhooks`] methods take (the `http` crate's), so a
/// receiver need not depend on `http` itself.
pub use ::http::{HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::redact::REDACTED;

mod dedupe;
mod error;
mod event;
mod signature;

pub use dedupe::{DedupeStore, InMemoryDedupe};
pub use error::{MalformedSignature, WebhookError};
pub use event::{WebhookData, WebhookEvent, WebhookEventKind};
pub use signature::{
    HmacSha256Hex, body_fingerprint, decode_signature_hex, hmac_sha256, hmac_sha256_hex, to_hex,
    verify_hmac_sha256,
};

/// The default cap on a webhook body: 1 MiB. Real deliveries are a few KiB; a bigger body is
/// refused with [`WebhookError::BodyTooLarge`] before any hashing.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// The length of an HMAC-SHA256 signature written as hex.
pub const SIGNATURE_HEX_LEN: usize = 64;

/// A webhook endpoint's signing secret (Decoda's `WebhookSummary.secret`, CareValidate's
/// dashboard "Secret Key"). Its `Debug` never shows the value.
#[derive(Clone)]
pub struct WebhookSecret(SecretString);

impl WebhookSecret {
    /// Wraps a secret; it is used as UTF-8 bytes for the HMAC key, as both vendors document.
    pub fn new(secret: impl Into<String>) -> WebhookSecret {
        WebhookSecret(SecretString::from(secret.into()))
    }

    /// The secret itself, for building the HMAC key.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }

    /// `true` for an empty (or whitespace-only) secret, which every verifier refuses: an
    /// empty key would let anyone sign.
    pub fn is_empty(&self) -> bool {
        self.0.expose_secret().trim().is_empty()
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WebhookSecret({REDACTED})")
    }
}

impl From<String> for WebhookSecret {
    fn from(secret: String) -> WebhookSecret {
        WebhookSecret::new(secret)
    }
}

impl From<&str> for WebhookSecret {
    fn from(secret: &str) -> WebhookSecret {
        WebhookSecret::new(secret)
    }
}

impl From<SecretString> for WebhookSecret {
    fn from(secret: SecretString) -> WebhookSecret {
        WebhookSecret(secret)
    }
}

/// The `Webhooks` capability: verify a signed delivery over its raw bytes and parse it into a
/// [`WebhookEvent`]. Served by Decoda and CareValidate. Synchronous: nothing here does I/O.
///
/// ```
/// use patientpay_core::webhook::{Webhooks, WebhookError, WebhookSecret};
///
/// /// What an HTTP handler does with any vendor's deliveries.
/// fn handle(hooks: &dyn Webhooks, headers: &http::HeaderMap, body: &[u8], secret: &WebhookSecret) -> u16 {
///     match hooks.verify_and_parse(headers, body, secret) {
///         Ok(_event) => 200, // enqueue, answer fast
///         Err(e) => e.status_code().as_u16(),
///     }
/// }
/// ```
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait Webhooks: Send + Sync {
    /// The vendor's short name (`"decoda"`, `"carevalidate"`).
    fn provider(&self) -> &'static str;

    /// Verifies the signature of a delivery without parsing it, for receivers that enqueue
    /// the raw body and parse later with [`parse_verified`](Self::parse_verified).
    ///
    /// # Errors
    /// [`WebhookError::EmptySecret`], [`WebhookError::BodyTooLarge`],
    /// [`WebhookError::MissingSignature`], [`WebhookError::MalformedSignature`],
    /// [`WebhookError::SignatureMismatch`].
    fn verify(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        secret: &WebhookSecret,
    ) -> Result<(), WebhookError>;

    /// Parses a body **already verified** by [`verify`](Self::verify). Never call it on bytes
    /// that were not verified.
    ///
    /// # Errors
    /// [`WebhookError::BodyTooLarge`], [`WebhookError::NotJson`],
    /// [`WebhookError::BadEnvelope`]. An unknown event type is not an error.
    fn parse_verified(&self, body: &[u8]) -> Result<WebhookEvent, WebhookError>;

    /// [`verify`](Self::verify), then [`parse_verified`](Self::parse_verified).
    ///
    /// # Errors
    /// Those of both.
    fn verify_and_parse(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        secret: &WebhookSecret,
    ) -> Result<WebhookEvent, WebhookError> {
        self.verify(headers, body, secret)?;
        self.parse_verified(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_is_redacted() {
        let s = WebhookSecret::from("whsec_topsecret");
        assert_eq!(format!("{s:?}"), "WebhookSecret(<redacted>)");
        assert!(WebhookSecret::new("  ").is_empty());
    }

    #[test]
    fn trait_is_object_safe() {
        fn _takes(_: &dyn Webhooks) {}
        fn _arc(_: std::sync::Arc<dyn Webhooks>) {}
        fn _store(_: std::sync::Arc<dyn DedupeStore>) {}
    }
}
