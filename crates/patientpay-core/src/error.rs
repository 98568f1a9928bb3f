//! The one error type of patientpay.
//!
//! Every failure, from a bad amount typed by a user to a vendor's 503, is an [`Error`]
//! variant that says which layer failed. `Display` is one line that names the provider,
//! the operation, the HTTP status and the vendor's own message where there is one.
//! No variant ever holds a secret, and vendor messages are scrubbed of e-mail addresses
//! and phone numbers before they are stored (see [`crate::redact::scrub_vendor_message`]).
//!
//! Whether a failure moved nothing or may have moved money ([`Error::may_have_been_sent`],
//! [`Error::outcome_unknown`], [`Error::is_retryable`], [`Error::next_step`]...) is decided
//! in a module of its own, `outcome.rs`, the rules of design §4b.
//!
//! ```
//! use patientpay_core::{Error, Operation};
//!
//! let err = Error::from_vendor_status("decoda", Operation::VerifyPatientBalance, 404,
//!     Some("Patient verification failed".into()), Some("req_123".into()), None);
//! assert_eq!(err.status(), Some(404));
//! assert!(!err.is_retryable());
//! assert_eq!(err.to_string(),
//!     "decoda verify_patient_balance failed: HTTP 404: Patient verification failed (request id req_123)");
//! ```

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use crate::operation::Operation;

/// `Result` with [`Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, by layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The caller's input was refused before any request was sent.
    #[error("invalid input for `{field}`: {reason}")]
    InvalidInput {
        /// The field (or CLI flag / config setting) at fault.
        field: Cow<'static, str>,
        /// Why it was refused.
        reason: String,
    },

    /// Configuration is missing or wrong (an environment variable, a base URL...).
    #[error("configuration error in {setting}: {reason}")]
    Config {
        /// The setting or environment variable at fault, e.g. `CAREPORTALS_TOKEN`.
        setting: Cow<'static, str>,
        /// Why it was refused.
        reason: String,
    },

    /// The provider does not offer this operation; nothing was sent.
    #[error("{operation} is not supported by {provider}")]
    Unsupported {
        /// The provider's name.
        provider: &'static str,
        /// The operation asked for.
        operation: Operation,
    },

    /// The vendor refused the credentials (HTTP 401 or 403).
    #[error(
        "{provider} {operation} failed: HTTP {status}: authentication refused{}{}",
        fmt_msg(message),
        fmt_req(request_id)
    )]
    Auth {
        /// The provider's name.
        provider: &'static str,
        /// The operation.
        operation: Operation,
        /// 401 or 403.
        status: u16,
        /// The vendor's own message, scrubbed of PHI.
        message: Option<String>,
        /// The vendor's request id, when it sent one.
        request_id: Option<String>,
    },

    /// The vendor answered with an error status (or an error inside a 2xx body).
    #[error(
        "{provider} {operation} failed: HTTP {status}: {message}{}",
        fmt_req(request_id)
    )]
    Vendor {
        /// The provider's name.
        provider: &'static str,
        /// The operation.
        operation: Operation,
        /// The HTTP status of the answer.
        status: u16,
        /// The vendor's own message (from its error shape), scrubbed of PHI.
        message: String,
        /// The vendor's request id, when it sent one.
        request_id: Option<String>,
    },

    /// The vendor answered 429 and retries (if any) were used up.
    #[error(
        "{provider} {operation} failed: HTTP 429: rate limited{}{}",
        fmt_retry_after(retry_after),
        fmt_req(request_id)
    )]
    RateLimited {
        /// The provider's name.
        provider: &'static str,
        /// The operation.
        operation: Operation,
        /// What the vendor's `Retry-After` asked for, if it sent one.
        retry_after: Option<Duration>,
        /// The vendor's request id, when it sent one.
        request_id: Option<String>,
    },

    /// The request did not complete in time.
    #[error("{provider} {operation} failed: timed out after {}ms{}", after.as_millis(), if *maybe_sent { " (the request may have reached the vendor)" } else { "" })]
    Timeout {
        /// The provider's name.
        provider: &'static str,
        /// The operation.
        operation: Operation,
        /// The timeout that expired.
        after: Duration,
        /// `false` when the connection was never established, so nothing was sent.
        maybe_sent: bool,
    },

    /// The connection failed (refused, reset, DNS, TLS...).
    #[error("{provider} {operation} failed: transport error: {detail}{}", if *maybe_sent { " (the request may have reached the vendor)" } else { "" })]
    Transport {
        /// The provider's name.
        provider: &'static str,
        /// The operation.
        operation: Operation,
        /// What failed, without URLs or headers.
        detail: String,
        /// `false` when the connection was never established, so nothing was sent.
        maybe_sent: bool,
    },

    /// The answer did not have the shape the vendor documents. Never holds the body.
    #[error(
        "{provider} {operation} failed: HTTP {status}: could not decode the response: {detail}"
    )]
    Decode {
        /// The provider's name.
        provider: &'static str,
        /// The operation.
        operation: Operation,
        /// The HTTP status of the answer.
        status: u16,
        /// What and where (`charges[3].status: unexpected type at line 1 column 2034`),
        /// never the offending value.
        detail: String,
    },

    /// The answer was bigger than the configured cap; reading stopped at the cap.
    #[error(
        "{provider} {operation} failed: HTTP {status}: response larger than the {limit}-byte limit"
    )]
    ResponseTooLarge {
        /// The provider's name.
        provider: &'static str,
        /// The operation.
        operation: Operation,
        /// The HTTP status of the answer.
        status: u16,
        /// The cap in bytes.
        limit: u64,
    },

    /// The vendor (or something answering for it) redirected the call. Redirects are never
    /// followed: that would re-send the credentials and the body elsewhere.
    #[error(
        "{provider} {operation} failed: HTTP {status}: the answer is a redirect, which is never followed (check the base URL)"
    )]
    Redirected {
        /// The provider's name.
        provider: &'static str,
        /// The operation.
        operation: Operation,
        /// The 3xx status.
        status: u16,
    },

    /// A money-moving call failed after the request may have reached the vendor: the money
    /// may or may not have moved. Do not retry blindly — reconcile first (see
    /// [`next_step`](Error::next_step)).
    #[error(
        "{provider} {operation}: outcome unknown, the money may have moved: {cause}{}",
        fmt_req_once(cause, request_id)
    )]
    OutcomeUnknown {
        /// The provider's name.
        provider: &'static str,
        /// The operation.
        operation: Operation,
        /// The HTTP status of the answer, when one arrived.
        status: Option<u16>,
        /// The vendor's request id, when it sent one.
        request_id: Option<String>,
        /// What went wrong (a timeout, a 5xx, an undecodable 2xx...).
        cause: Box<Error>,
        /// The vendor's raw answer, bounded and scrubbed of secrets and PHI, for debugging.
        /// Never part of `Display`.
        body: Option<String>,
    },
}

fn fmt_msg(message: &Option<String>) -> String {
    message
        .as_deref()
        .map(|m| format!(": {m}"))
        .unwrap_or_default()
}

fn fmt_req(request_id: &Option<String>) -> String {
    request_id
        .as_deref()
        .map(|r| format!(" (request id {r})"))
        .unwrap_or_default()
}

/// The request id, unless the cause's own message already shows it.
fn fmt_req_once(cause: &Error, request_id: &Option<String>) -> String {
    if cause.request_id().is_some() {
        String::new()
    } else {
        fmt_req(request_id)
    }
}

fn fmt_retry_after(retry_after: &Option<Duration>) -> String {
    retry_after
        .map(|d| format!(", retry after {}s", d.as_secs()))
        .unwrap_or_default()
}

impl Error {
    /// An [`Error::InvalidInput`] for `field`.
    pub fn invalid_input(field: impl Into<Cow<'static, str>>, reason: impl fmt::Display) -> Error {
        Error::InvalidInput {
            field: field.into(),
            reason: reason.to_string(),
        }
    }

    /// An [`Error::Config`] for `setting`.
    pub fn config(setting: impl Into<Cow<'static, str>>, reason: impl fmt::Display) -> Error {
        Error::Config {
            setting: setting.into(),
            reason: reason.to_string(),
        }
    }

    /// An [`Error::Unsupported`].
    pub fn unsupported(provider: &'static str, operation: Operation) -> Error {
        Error::Unsupported {
            provider,
            operation,
        }
    }

    /// Classifies a vendor's error answer by HTTP status: 401/403 → [`Error::Auth`],
    /// 429 → [`Error::RateLimited`], anything else → [`Error::Vendor`]. `message` is the
    /// vendor's own text from its error shape; it is scrubbed of e-mails and phone numbers.
    pub fn from_vendor_status(
        provider: &'static str,
        operation: Operation,
        status: u16,
        message: Option<String>,
        request_id: Option<String>,
        retry_after: Option<Duration>,
    ) -> Error {
        let message = message
            .map(|m| crate::redact::scrub_vendor_message(&m))
            .filter(|m| !m.is_empty());
        match status {
            401 | 403 => Error::Auth {
                provider,
                operation,
                status,
                message,
                request_id,
            },
            429 => Error::RateLimited {
                provider,
                operation,
                retry_after,
                request_id,
            },
            _ => Error::Vendor {
                provider,
                operation,
                status,
                message: message.unwrap_or_else(|| {
                    http::StatusCode::from_u16(status)
                        .ok()
                        .and_then(|s| s.canonical_reason())
                        .unwrap_or("error")
                        .to_owned()
                }),
                request_id,
            },
        }
    }

    /// The vendor's raw answer kept by an [`Error::OutcomeUnknown`] (bounded, scrubbed).
    pub fn kept_body(&self) -> Option<&str> {
        match self {
            Error::OutcomeUnknown { body, .. } => body.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status of the vendor's answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Auth { status, .. }
            | Error::Vendor { status, .. }
            | Error::Decode { status, .. }
            | Error::ResponseTooLarge { status, .. }
            | Error::Redirected { status, .. } => Some(*status),
            Error::RateLimited { .. } => Some(429),
            Error::OutcomeUnknown { status, .. } => *status,
            _ => None,
        }
    }

    /// The vendor's request id, when it sent one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Auth { request_id, .. }
            | Error::Vendor { request_id, .. }
            | Error::RateLimited { request_id, .. }
            | Error::OutcomeUnknown { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The provider involved, when the error came from one.
    pub fn provider(&self) -> Option<&'static str> {
        match self {
            Error::Unsupported { provider, .. }
            | Error::Auth { provider, .. }
            | Error::Vendor { provider, .. }
            | Error::RateLimited { provider, .. }
            | Error::Timeout { provider, .. }
            | Error::Transport { provider, .. }
            | Error::Decode { provider, .. }
            | Error::ResponseTooLarge { provider, .. }
            | Error::Redirected { provider, .. }
            | Error::OutcomeUnknown { provider, .. } => Some(provider),
            _ => None,
        }
    }

    /// The operation involved, when the error came from one.
    pub fn operation(&self) -> Option<Operation> {
        match self {
            Error::Unsupported { operation, .. }
            | Error::Auth { operation, .. }
            | Error::Vendor { operation, .. }
            | Error::RateLimited { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Decode { operation, .. }
            | Error::ResponseTooLarge { operation, .. }
            | Error::Redirected { operation, .. }
            | Error::OutcomeUnknown { operation, .. } => Some(*operation),
            _ => None,
        }
    }

    /// The field named by an [`Error::InvalidInput`].
    pub fn invalid_field(&self) -> Option<&str> {
        match self {
            Error::InvalidInput { field, .. } => Some(field),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_statuses() {
        let op = Operation::ListPaymentMethods;
        assert!(matches!(
            Error::from_vendor_status("x", op, 401, None, None, None),
            Error::Auth { .. }
        ));
        assert!(matches!(
            Error::from_vendor_status("x", op, 403, None, None, None),
            Error::Auth { .. }
        ));
        assert!(matches!(
            Error::from_vendor_status("x", op, 429, None, None, Some(Duration::from_secs(3))),
            Error::RateLimited {
                retry_after: Some(_),
                ..
            }
        ));
        let e = Error::from_vendor_status("x", op, 503, None, None, None);
        assert_eq!(
            e.to_string(),
            "x list_payment_methods failed: HTTP 503: Service Unavailable"
        );
        assert!(e.is_retryable());
        assert!(e.may_have_been_sent());
        assert_eq!(e.status(), Some(503));
    }

    #[test]
    fn display_is_one_line() {
        let e = Error::from_vendor_status(
            "carevalidate",
            Operation::UpdatePaymentInfo,
            400,
            Some("User jane.doe@unknown.example does not exist".into()),
            None,
            None,
        );
        let s = e.to_string();
        assert!(!s.contains('\n'));
        assert!(!s.contains("jane.doe"), "{s}");
        assert!(s.contains("does not exist"), "{s}");
        let e = Error::Auth {
            provider: "decoda",
            operation: Operation::VerifyPatientBalance,
            status: 401,
            message: Some("Invalid API key".into()),
            request_id: Some("r1".into()),
        };
        assert_eq!(
            e.to_string(),
            "decoda verify_patient_balance failed: HTTP 401: authentication refused: Invalid API key (request id r1)"
        );
        assert_eq!(e.request_id(), Some("r1"));
    }

    #[test]
    fn usage_errors() {
        assert!(Error::invalid_input("amount", "bad").is_usage());
        assert!(Error::config("DECODA_API_KEY", "missing").is_usage());
        assert!(Error::unsupported("decoda", Operation::AddPaymentMethod).is_usage());
        assert_eq!(
            Error::unsupported("decoda", Operation::AddPaymentMethod).to_string(),
            "add_payment_method is not supported by decoda"
        );
    }
}
