//! Why a delivery was refused, and which HTTP status to answer.

use std::borrow::Cow;
use std::fmt;

use super::SIGNATURE_HEX_LEN;

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
