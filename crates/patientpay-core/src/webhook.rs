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

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Mutex;

/// The header map and value types the [`Webhooks`] methods take (the `http` crate's), so a
/// receiver need not depend on `http` itself.
pub use ::http::{HeaderMap, HeaderName, HeaderValue};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::redact::REDACTED;
use crate::{Charge, Patient, Payment, Refund, VendorData};

/// The default cap on a webhook body: 1 MiB. Real deliveries are a few KiB; a bigger body is
/// refused with [`WebhookError::BodyTooLarge`] before any hashing.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// The length of an HMAC-SHA256 signature written as hex.
pub const SIGNATURE_HEX_LEN: usize = 64;

type HmacSha256 = Hmac<Sha256>;

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

/// Why a signature header value is not a well-formed signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MalformedSignature {
    /// An odd number of characters: not hex bytes at all.
    OddLength {
        /// How many characters it had.
        len: usize,
    },
    /// An even length other than 64 characters (32 bytes).
    WrongLength {
        /// How many characters it had.
        len: usize,
    },
    /// A character outside `0-9a-fA-F`.
    NotHex,
    /// The header value is not visible ASCII.
    NotAscii,
}

impl fmt::Display for MalformedSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MalformedSignature::OddLength { len } => {
                write!(
                    f,
                    "odd length ({len} characters, expected {SIGNATURE_HEX_LEN} hex digits)"
                )
            }
            MalformedSignature::WrongLength { len } => {
                write!(
                    f,
                    "wrong length ({len} characters, expected {SIGNATURE_HEX_LEN} hex digits)"
                )
            }
            MalformedSignature::NotHex => f.write_str("not hexadecimal"),
            MalformedSignature::NotAscii => f.write_str("not visible ASCII"),
        }
    }
}

/// Why a webhook delivery was refused. `Display` and `Debug` never contain the secret, the
/// signature or any byte of the body.
///
/// Which HTTP status to answer: [`WebhookError::status_code`]; signature problems are
/// [`is_signature_problem`](WebhookError::is_signature_problem) (answer 401: the sender is
/// not who it claims, or the secret is wrong), payload problems
/// [`is_payload_problem`](WebhookError::is_payload_problem) (the sender is authentic but the
/// body could not be read).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signature header is absent.
    #[error("missing signature header `{header}`")]
    MissingSignature {
        /// The header that was expected.
        header: &'static str,
    },
    /// The signature header is present but is not 64 hex digits.
    #[error("malformed signature in `{header}`: {reason}")]
    MalformedSignature {
        /// The header that held it.
        header: &'static str,
        /// What is wrong with it.
        reason: MalformedSignature,
    },
    /// The signature is well formed but does not match the body and secret.
    #[error("signature mismatch")]
    SignatureMismatch,
    /// The verifier was given an empty secret; it refuses rather than verifying with an empty
    /// key.
    #[error("the webhook secret is empty")]
    EmptySecret,
    /// The body is larger than the configured limit; it was not hashed.
    #[error("body is larger than the {limit}-byte limit")]
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The signature matched but the body is not JSON. Only the position is kept.
    #[error("body is not JSON (line {line}, column {column})")]
    NotJson {
        /// 1-based line of the first error (0 when unknown).
        line: usize,
        /// 1-based column of the first error (0 when unknown).
        column: usize,
    },
    /// The signature matched and the body is JSON, but not the vendor's event envelope.
    #[error("body is not a {provider} event envelope: {reason}")]
    BadEnvelope {
        /// The vendor.
        provider: &'static str,
        /// What is missing or of the wrong type, naming fields only (never values).
        reason: Cow<'static, str>,
    },
}

impl WebhookError {
    /// `true` for a missing, malformed or mismatched signature: answer 401 and do not process.
    pub fn is_signature_problem(&self) -> bool {
        matches!(
            self,
            WebhookError::MissingSignature { .. }
                | WebhookError::MalformedSignature { .. }
                | WebhookError::SignatureMismatch
        )
    }

    /// `true` when the signature matched but the body could not be read as an event.
    pub fn is_payload_problem(&self) -> bool {
        matches!(
            self,
            WebhookError::NotJson { .. } | WebhookError::BadEnvelope { .. }
        )
    }

    /// The HTTP status a receiver should answer with: 401 for signature problems, 413 for a
    /// body over the limit, 422 for a verified body that is not an event (non-2xx makes the
    /// vendor retry and, for Decoda, finally e-mail the endpoint's notification address), 500
    /// for an empty secret (a configuration error on the receiver's side).
    pub fn status_code(&self) -> ::http::StatusCode {
        match self {
            WebhookError::MissingSignature { .. }
            | WebhookError::MalformedSignature { .. }
            | WebhookError::SignatureMismatch => ::http::StatusCode::UNAUTHORIZED,
            WebhookError::BodyTooLarge { .. } => ::http::StatusCode::PAYLOAD_TOO_LARGE,
            WebhookError::NotJson { .. } | WebhookError::BadEnvelope { .. } => {
                ::http::StatusCode::UNPROCESSABLE_ENTITY
            }
            WebhookError::EmptySecret => ::http::StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A [`WebhookError::NotJson`] from a `serde_json` error, keeping only its position
    /// (`serde_json`'s messages can quote the input).
    pub fn not_json(error: &serde_json::Error) -> WebhookError {
        WebhookError::NotJson {
            line: error.line(),
            column: error.column(),
        }
    }

    /// A [`WebhookError::BadEnvelope`]; `reason` must name fields only, never values.
    pub fn bad_envelope(
        provider: &'static str,
        reason: impl Into<Cow<'static, str>>,
    ) -> WebhookError {
        WebhookError::BadEnvelope {
            provider,
            reason: reason.into(),
        }
    }
}

/// HMAC-SHA256 of `message` keyed with `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = keyed(key);
    mac.update(message);
    mac.finalize().into_bytes().into()
}

fn keyed(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length (longer ones are hashed first), so this cannot fail.
    match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable_hmac(),
    }
}

#[cold]
fn unreachable_hmac() -> ! {
    // `Hmac::new_from_slice` only fails for fixed-key-size MACs, never for HMAC.
    unreachable!("HMAC accepts keys of any length")
}

/// The lowercase hex HMAC-SHA256 of `body` keyed with the secret's UTF-8 bytes: what Decoda
/// and CareValidate put in their signature headers. For tests, fixtures and the sandbox.
pub fn hmac_sha256_hex(secret: &WebhookSecret, body: &[u8]) -> String {
    to_hex(&hmac_sha256(secret.expose_secret().as_bytes(), body))
}

/// Lowercase hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// `true` when `signature` is the HMAC-SHA256 of `message` keyed with `key`. The comparison is
/// constant time (`hmac`'s `verify_slice`), and a signature of the wrong length is refused
/// before comparing.
pub fn verify_hmac_sha256(key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    if signature.len() != 32 {
        return false;
    }
    let mut mac = keyed(key);
    mac.update(message);
    mac.verify_slice(signature).is_ok()
}

/// The SHA-256 of a body as lowercase hex: a stable dedupe key for deliveries that carry no
/// event id (CareValidate's envelope has none).
pub fn body_fingerprint(body: &[u8]) -> String {
    to_hex(&Sha256::digest(body))
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes a 64-digit hex signature (either case; surrounding spaces ignored). The length is
/// checked first.
///
/// # Errors
/// [`WebhookError::MalformedSignature`] (header named `signature`) for an odd or wrong
/// length or a non-hex character.
pub fn decode_signature_hex(text: &str) -> Result<[u8; 32], WebhookError> {
    decode_hex32(text.trim().as_bytes()).map_err(|reason| WebhookError::MalformedSignature {
        header: "signature",
        reason,
    })
}

fn decode_hex32(text: &[u8]) -> Result<[u8; 32], MalformedSignature> {
    if text.len() != SIGNATURE_HEX_LEN {
        return Err(if text.len() % 2 == 1 {
            MalformedSignature::OddLength { len: text.len() }
        } else {
            MalformedSignature::WrongLength { len: text.len() }
        });
    }
    let mut out = [0u8; 32];
    for (i, pair) in text.chunks_exact(2).enumerate() {
        let (Some(hi), Some(lo)) = (hex_value(pair[0]), hex_value(pair[1])) else {
            return Err(MalformedSignature::NotHex);
        };
        out[i] = (hi << 4) | lo;
    }
    Ok(out)
}

/// The signature scheme both vendors use: one header holding the lowercase hex HMAC-SHA256
/// of the signed bytes, keyed with the endpoint secret as UTF-8. Vendor crates say which
/// header and which bytes; this type does the rest the same way for both.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HmacSha256Hex {
    /// The signature header (`Decoda-Signature`, `x-cv-signature`).
    pub header: &'static str,
    /// The largest body accepted, in bytes.
    pub max_body_bytes: usize,
}

impl HmacSha256Hex {
    /// A scheme reading `header`, with the default body limit.
    pub const fn new(header: &'static str) -> HmacSha256Hex {
        HmacSha256Hex {
            header,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// Sets the body limit.
    pub const fn with_max_body_bytes(mut self, limit: usize) -> HmacSha256Hex {
        self.max_body_bytes = limit;
        self
    }

    /// Checks, in this order: the secret is not empty, the body is within the limit, the
    /// header is present and each of its values is 64 hex digits. Returns the decoded
    /// signatures (several values of the header are all accepted, so a sender rotating
    /// secrets may send one per secret).
    ///
    /// # Errors
    /// [`WebhookError::EmptySecret`], [`WebhookError::BodyTooLarge`],
    /// [`WebhookError::MissingSignature`], [`WebhookError::MalformedSignature`].
    pub fn preflight(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        secret: &WebhookSecret,
    ) -> Result<Vec<[u8; 32]>, WebhookError> {
        if secret.is_empty() {
            return Err(WebhookError::EmptySecret);
        }
        if body.len() > self.max_body_bytes {
            return Err(WebhookError::BodyTooLarge {
                limit: self.max_body_bytes,
            });
        }
        let mut signatures = Vec::new();
        for value in headers.get_all(self.header) {
            let text = value
                .to_str()
                .map_err(|_| WebhookError::MalformedSignature {
                    header: self.header,
                    reason: MalformedSignature::NotAscii,
                })?;
            let raw = decode_hex32(text.trim().as_bytes()).map_err(|reason| {
                WebhookError::MalformedSignature {
                    header: self.header,
                    reason,
                }
            })?;
            signatures.push(raw);
        }
        if signatures.is_empty() {
            return Err(WebhookError::MissingSignature {
                header: self.header,
            });
        }
        Ok(signatures)
    }

    /// `true` when any of `signatures` is the HMAC of `message` under `secret` (each compared
    /// in constant time).
    pub fn matches(&self, secret: &WebhookSecret, message: &[u8], signatures: &[[u8; 32]]) -> bool {
        let mut mac = keyed(secret.expose_secret().as_bytes());
        mac.update(message);
        signatures
            .iter()
            .any(|sig| mac.clone().verify_slice(sig).is_ok())
    }

    /// [`preflight`](Self::preflight) then a match over the raw body: the whole verification
    /// for a vendor that signs the bytes it sends.
    ///
    /// # Errors
    /// As [`preflight`](Self::preflight), and [`WebhookError::SignatureMismatch`].
    pub fn verify_raw(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        secret: &WebhookSecret,
    ) -> Result<(), WebhookError> {
        let signatures = self.preflight(headers, body, secret)?;
        if self.matches(secret, body, &signatures) {
            Ok(())
        } else {
            Err(WebhookError::SignatureMismatch)
        }
    }
}

crate::open_enum! {
    /// What happened, in domain words. The vendor's own name is kept in
    /// [`WebhookEvent::vendor_type`]; a vendor type with no domain meaning here is
    /// `Unknown(<vendor type>)`.
    pub enum WebhookEventKind {
        /// A payment was created (Decoda `PAYMENT_CREATED`, CareValidate `PAYMENT_ADDED`).
        PaymentCreated = "payment_created",
        /// A payment is being processed (Decoda `RAINFOREST_PAYIN_PROCESSING`).
        PaymentProcessing = "payment_processing",
        /// A payment succeeded (Decoda `PAYMENT_SUCCEEDED`/`PAYMENT_COMPLETED`, CareValidate
        /// `PAYMENT_COMPLETED`).
        PaymentSucceeded = "payment_succeeded",
        /// A payment failed (Decoda `PAYMENT_FAILED`, `RAINFOREST_PAYIN_FAILED`).
        PaymentFailed = "payment_failed",
        /// A payment was canceled (Decoda `RAINFOREST_POS_PAYIN_CANCELLED`).
        PaymentCanceled = "payment_canceled",
        /// A refund was created (Decoda `REFUND_CREATED`).
        RefundCreated = "refund_created",
        /// A refund succeeded (Decoda `REFUND_SUCCEEDED`).
        RefundSucceeded = "refund_succeeded",
        /// A refund failed (Decoda `REFUND_FAILED`).
        RefundFailed = "refund_failed",
        /// A charge was created on a patient's account (Decoda `CHARGE_CREATED`).
        ChargeCreated = "charge_created",
        /// A payment was applied to a charge (Decoda `CHARGE_PAYMENT_CREATED`).
        ChargePaymentCreated = "charge_payment_created",
        /// A payment method was saved for a patient.
        PaymentMethodSaved = "payment_method_saved",
        /// The patient entered payment details through a link (CareValidate
        /// `ADD_PAYMENT_INFO_USING_LINK`).
        PaymentInfoAdded = "payment_info_added",
        /// A payment-details link was sent to the patient (CareValidate `PAYMENT_INFO_LINK_SENT`).
        PaymentInfoLinkSent = "payment_info_link_sent",
        /// A patient was created (Decoda `PATIENT_CREATED`).
        PatientCreated = "patient_created",
        /// A patient was updated (Decoda `PATIENT_UPDATED`).
        PatientUpdated = "patient_updated",
        /// An order was created (CareValidate `ORDER_CREATED`).
        OrderCreated = "order_created",
        /// An order's status changed (CareValidate `ORDER_STATUS_CHANGED`).
        OrderStatusChanged = "order_status_changed",
        /// An order got a tracking number (CareValidate `ORDER_TRACKING_ADDED`).
        OrderTrackingAdded = "order_tracking_added",
    }
}

/// The object an event is about, typed where the vendor documents its shape.
///
/// `Debug` shows ids, statuses and amounts only: names, e-mails, phones, addresses, dates
/// of birth, descriptions and raw JSON values are never printed.
#[derive(Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WebhookData {
    /// A payment.
    Payment(Payment),
    /// A payment applied to a charge.
    ChargePayment {
        /// The charge paid.
        charge_id: String,
        /// The payment.
        payment: Payment,
    },
    /// A charge on the patient's account.
    Charge(Charge),
    /// A refund of a payment.
    Refund(Refund),
    /// A patient.
    Patient(Patient),
    /// Anything else (adjustments, invoices, payins, case activity...), as the vendor sent
    /// it; vendor crates offer typed views of what they document.
    Other(serde_json::Value),
}

impl WebhookData {
    /// The payment, for [`WebhookData::Payment`] and [`WebhookData::ChargePayment`].
    pub fn payment(&self) -> Option<&Payment> {
        match self {
            WebhookData::Payment(p) | WebhookData::ChargePayment { payment: p, .. } => Some(p),
            _ => None,
        }
    }

    /// The refund, for [`WebhookData::Refund`].
    pub fn refund(&self) -> Option<&Refund> {
        match self {
            WebhookData::Refund(r) => Some(r),
            _ => None,
        }
    }

    /// The raw JSON, for [`WebhookData::Other`].
    pub fn raw(&self) -> Option<&serde_json::Value> {
        match self {
            WebhookData::Other(v) => Some(v),
            _ => None,
        }
    }
}

/// A `Debug` view of a JSON value that shows its shape (object keys, array length) but no
/// value.
struct JsonShape<'a>(&'a serde_json::Value);

impl fmt::Debug for JsonShape<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            serde_json::Value::Object(map) => {
                f.write_str("Object")?;
                f.debug_set().entries(map.keys()).finish()
            }
            serde_json::Value::Array(items) => write!(f, "Array(len {})", items.len()),
            serde_json::Value::Null => f.write_str("Null"),
            _ => f.write_str(REDACTED),
        }
    }
}

struct PaymentView<'a>(&'a Payment);

impl fmt::Debug for PaymentView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.0;
        f.debug_struct("Payment")
            .field("id", &p.id)
            .field("status", &p.status)
            .field("amount", &p.amount)
            .field("fee", &p.fee)
            .field("medium", &p.medium)
            .field("patient_id", &p.patient_id)
            .field("created_at", &p.created_at)
            .field("failed_reason", crate::redact::redact_opt(&p.failed_reason))
            .finish()
    }
}

impl fmt::Debug for WebhookData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookData::Payment(p) => f.debug_tuple("Payment").field(&PaymentView(p)).finish(),
            WebhookData::ChargePayment { charge_id, payment } => f
                .debug_struct("ChargePayment")
                .field("charge_id", charge_id)
                .field("payment", &PaymentView(payment))
                .finish(),
            WebhookData::Charge(c) => f
                .debug_struct("Charge")
                .field("id", &c.id)
                .field("patient_id", &c.patient_id)
                .field("status", &c.status)
                .field("total", &c.total)
                .field("total_outstanding", &c.total_outstanding)
                .field("description", crate::redact::redact_opt(&c.description))
                .field("items", &c.items.len())
                .field("vendor_data", &c.vendor_data)
                .finish(),
            WebhookData::Refund(r) => f
                .debug_struct("Refund")
                .field("id", &r.id)
                .field("payment_id", &r.payment_id)
                .field("amount", &r.amount)
                .field("reason", &r.reason)
                .field("status", &r.status)
                .field("created_at", &r.created_at)
                .field("vendor_data", &r.vendor_data)
                .finish(),
            WebhookData::Patient(p) => f.debug_tuple("Patient").field(p).finish(),
            WebhookData::Other(v) => f.debug_tuple("Other").field(&JsonShape(v)).finish(),
        }
    }
}

/// A verified, parsed webhook delivery.
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct WebhookEvent {
    /// The vendor (`"decoda"`, `"carevalidate"`).
    pub provider: &'static str,
    /// The vendor's event id (Decoda `id`); `None` when the vendor sends none (CareValidate).
    pub id: Option<String>,
    /// What happened, in domain words.
    pub kind: WebhookEventKind,
    /// The vendor's event type exactly as sent (`"PAYMENT_SUCCEEDED"`).
    pub vendor_type: String,
    /// When the vendor created the event, if it says.
    #[serde(with = "time::serde::rfc3339::option")]
    pub created_at: Option<OffsetDateTime>,
    /// The object the event is about.
    pub data: WebhookData,
    /// Envelope fields the unified model does not name (Decoda `alertId`, CareValidate
    /// top-level `order`...). `Debug` shows only the keys.
    #[serde(skip_serializing_if = "VendorData::is_empty")]
    pub vendor_data: VendorData,
    /// A stable key for [`DedupeStore`]: the event id when there is one, else the SHA-256 of
    /// the body.
    pub dedupe_key: String,
}

impl WebhookEvent {
    /// An event. `dedupe_key` is the vendor's event id when it has one; vendors without
    /// event ids pass [`body_fingerprint`] of the body.
    pub fn new(
        provider: &'static str,
        vendor_type: impl Into<String>,
        kind: WebhookEventKind,
        data: WebhookData,
        dedupe_key: impl Into<String>,
    ) -> WebhookEvent {
        WebhookEvent {
            provider,
            id: None,
            kind,
            vendor_type: vendor_type.into(),
            created_at: None,
            data,
            vendor_data: VendorData::default(),
            dedupe_key: dedupe_key.into(),
        }
    }

    /// The key to feed a [`DedupeStore`].
    pub fn dedupe_key(&self) -> &str {
        &self.dedupe_key
    }
}

impl fmt::Debug for WebhookEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookEvent")
            .field("provider", &self.provider)
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("vendor_type", &self.vendor_type)
            .field("created_at", &self.created_at)
            .field("data", &self.data)
            .field("vendor_data", &self.vendor_data)
            .finish_non_exhaustive()
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

/// Replay and redelivery protection. Webhooks are delivered **at least once**: a receiver
/// that must act once per event asks the store before acting.
///
/// Call [`first_seen`](Self::first_seen) after verification; process only when it returns
/// `true`; if processing then fails, call [`forget`](Self::forget) so the vendor's retry is
/// processed. A store shared by several receiver instances (a database table with a unique
/// key) gives the same guarantee across instances; [`InMemoryDedupe`] is per process.
pub trait DedupeStore: Send + Sync {
    /// Records `(provider, event_key)` and returns `true` if it was not recorded before.
    fn first_seen(&self, provider: &str, event_key: &str) -> bool;

    /// Forgets `(provider, event_key)`, so its next delivery counts as first seen.
    fn forget(&self, provider: &str, event_key: &str);
}

type DedupeKey = (String, String);

struct Lru {
    /// key → the stamp of its newest entry in `order`.
    stamps: HashMap<DedupeKey, u64>,
    /// Keys oldest first; an entry whose stamp is not the key's current stamp is stale.
    order: VecDeque<(DedupeKey, u64)>,
    next: u64,
}

/// An in-memory, least-recently-seen-evicting [`DedupeStore`] holding at most `capacity`
/// event keys. Per process and lost on restart: size it to cover the vendor's retry window
/// (Decoda retries for about 30 minutes).
pub struct InMemoryDedupe {
    capacity: usize,
    inner: Mutex<Lru>,
}

impl InMemoryDedupe {
    /// A store remembering the `capacity` most recently seen keys (at least 1).
    pub fn new(capacity: usize) -> InMemoryDedupe {
        InMemoryDedupe {
            capacity: capacity.max(1),
            inner: Mutex::new(Lru {
                stamps: HashMap::new(),
                order: VecDeque::new(),
                next: 0,
            }),
        }
    }

    /// How many keys it holds now.
    pub fn len(&self) -> usize {
        self.lock().stamps.len()
    }

    /// `true` when it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Lru> {
        // A panic while holding the lock leaves the maps consistent (every step is a single
        // insert/remove), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Default for InMemoryDedupe {
    /// 10 000 keys.
    fn default() -> Self {
        InMemoryDedupe::new(10_000)
    }
}

impl fmt::Debug for InMemoryDedupe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InMemoryDedupe")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}

impl DedupeStore for InMemoryDedupe {
    fn first_seen(&self, provider: &str, event_key: &str) -> bool {
        let mut lru = self.lock();
        let key = (provider.to_owned(), event_key.to_owned());
        let stamp = lru.next;
        lru.next += 1;
        let first = lru.stamps.insert(key.clone(), stamp).is_none();
        lru.order.push_back((key, stamp));
        while lru.stamps.len() > self.capacity {
            let Some((old, old_stamp)) = lru.order.pop_front() else {
                break;
            };
            if lru.stamps.get(&old) == Some(&old_stamp) {
                lru.stamps.remove(&old);
            }
        }
        // Drop stale entries so `order` stays within twice the capacity.
        if lru.order.len() > 2 * self.capacity {
            let Lru { stamps, order, .. } = &mut *lru;
            order.retain(|(k, s)| stamps.get(k) == Some(s));
        }
        first
    }

    fn forget(&self, provider: &str, event_key: &str) {
        let mut lru = self.lock();
        lru.stamps
            .remove(&(provider.to_owned(), event_key.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lru_evicts_least_recently_seen() {
        let store = InMemoryDedupe::new(2);
        assert!(store.first_seen("decoda", "a"));
        assert!(store.first_seen("decoda", "b"));
        assert!(!store.first_seen("decoda", "a")); // a is now newest
        assert!(store.first_seen("decoda", "c")); // evicts b
        assert_eq!(store.len(), 2);
        assert!(!store.first_seen("decoda", "a"));
        assert!(store.first_seen("decoda", "b"));
        // provider is part of the key
        assert!(store.first_seen("carevalidate", "b"));
    }

    #[test]
    fn lru_order_stays_bounded() {
        let store = InMemoryDedupe::new(3);
        for _ in 0..1000 {
            store.first_seen("p", "same");
        }
        assert!(store.lock().order.len() <= 6);
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn forget_allows_reprocessing() {
        let store = InMemoryDedupe::new(10);
        assert!(store.first_seen("p", "e"));
        store.forget("p", "e");
        assert!(store.first_seen("p", "e"));
    }

    #[test]
    fn hex_rules() {
        let ok = "a".repeat(64);
        assert_eq!(decode_hex32(ok.as_bytes()), Ok([0xaa; 32]));
        assert_eq!(decode_hex32("AA".repeat(32).as_bytes()), Ok([0xaa; 32]));
        assert_eq!(
            decode_hex32(b"abc"),
            Err(MalformedSignature::OddLength { len: 3 })
        );
        assert_eq!(
            decode_hex32("ab".repeat(31).as_bytes()),
            Err(MalformedSignature::WrongLength { len: 62 })
        );
        let mut bad = "a".repeat(63);
        bad.push('g');
        assert_eq!(
            decode_hex32(bad.as_bytes()),
            Err(MalformedSignature::NotHex)
        );
        assert_eq!(to_hex(&[0x00, 0xff, 0x1a]), "00ff1a");
    }

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
