//! The outcome classification of errors (design §4b): did a failed call move nothing, or
//! may it have moved money?
//!
//! Three outcomes, never two: a call succeeded, **definitely failed** (nothing moved: the
//! input was refused before sending, the connection was never established, the vendor
//! refused the request with a 4xx), or its outcome is **unknown** (a timeout or reset after
//! sending, a 5xx, a redirect, a 2xx that cannot be read). The rules live here, as methods
//! of [`Error`], so that mutation testing of the safety core (`cargo xtask mutants`) can
//! measure them as one small file:
//!
//! * [`Error::may_have_been_sent`] — the request may have reached the vendor;
//! * [`Error::outcome_unknown`] / [`Error::is_outcome_unknown`] — the wrapper a money-moving
//!   call's failure becomes once it may have been sent (the CLI exits 3 for it);
//! * [`Error::is_retryable`] — trying the same call later may succeed;
//! * [`Error::is_usage`] — the caller's own mistake, nothing was sent (the CLI exits 2);
//! * [`Error::next_step`] — what to do next, in words.

use crate::error::Error;
use crate::operation::Operation;

impl Error {
    /// Wraps `cause`, a failure of a money-moving call after the request may have reached
    /// the vendor, as [`Error::OutcomeUnknown`] (an `OutcomeUnknown` stays as it is).
    pub fn outcome_unknown(cause: Error, body: Option<String>) -> Error {
        if let Error::OutcomeUnknown { .. } = cause {
            return cause;
        }
        Error::OutcomeUnknown {
            provider: cause.provider().unwrap_or("unknown"),
            operation: cause.operation().unwrap_or(Operation::Reconcile),
            status: cause.status(),
            request_id: cause.request_id().map(str::to_owned),
            cause: Box::new(cause),
            body: body.filter(|b| !b.is_empty()),
        }
    }

    /// `true` for [`Error::OutcomeUnknown`]: a money call that may have moved money (the
    /// CLI exits 3 for it).
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, Error::OutcomeUnknown { .. })
    }

    /// What the caller should do next, in words.
    pub fn next_step(&self) -> &'static str {
        match self {
            Error::OutcomeUnknown { .. } => {
                "check the patient's payments (reconcile) before retrying: the money may have moved"
            }
            Error::InvalidInput { .. } => "fix the input named in the message; nothing was sent",
            Error::Config { .. } => "fix the setting named in the message; nothing was sent",
            Error::Unsupported { .. } => "use a vendor that serves this operation",
            Error::Auth { .. } => "check the credentials (and the environment) for this vendor",
            Error::RateLimited { .. } => "wait for the time the vendor asked, then retry",
            Error::Redirected { .. } => "check the base URL: the vendor answered with a redirect",
            Error::ResponseTooLarge { .. } => {
                "raise the response size cap if the answer is legitimate"
            }
            Error::Timeout { .. } | Error::Transport { .. } if self.may_have_been_sent() => {
                "the request may have arrived: retry only if the operation is safe to repeat"
            }
            Error::Timeout { .. } | Error::Transport { .. } => {
                "nothing was sent: check connectivity and retry"
            }
            Error::Vendor { status, .. } if *status >= 500 => {
                "the vendor failed: retry later if the operation is safe to repeat"
            }
            Error::Vendor { .. } | Error::Decode { .. } => {
                "the vendor refused the request: see its message; retrying the same request will not help"
            }
        }
    }

    /// `true` when trying the same call again later may succeed (rate limits, timeouts,
    /// transport failures, 5xx). The SDK already retried what was safe to retry; this is
    /// for the caller's own policy. For money-moving calls, check idempotency first.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. } | Error::Timeout { .. } | Error::Transport { .. } => true,
            Error::Vendor { status, .. } => matches!(status, 500 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// `true` when a request that failed may nevertheless have reached the vendor — for a
    /// money-moving call, check the vendor's state before trying again.
    pub fn may_have_been_sent(&self) -> bool {
        match self {
            Error::Timeout { maybe_sent, .. } | Error::Transport { maybe_sent, .. } => *maybe_sent,
            Error::Vendor { status, .. } => *status >= 500,
            // A 2xx that could not be read: the vendor did what was asked.
            Error::ResponseTooLarge { status, .. } | Error::Decode { status, .. } => {
                is_success(*status)
            }
            Error::Redirected { .. } | Error::OutcomeUnknown { .. } => true,
            _ => false,
        }
    }

    /// `true` for errors caused by the caller's input, configuration or an unsupported
    /// operation: nothing was sent (the CLI exits 2 for these).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Error::InvalidInput { .. } | Error::Config { .. } | Error::Unsupported { .. }
        )
    }
}

/// `true` for a 2xx status: the vendor says it did what was asked.
fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}
