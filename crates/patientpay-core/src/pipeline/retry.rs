//! When to try a request again: the [`RetryPolicy`] (how many times, how long to wait) and
//! [`decide`], the pure decision that the pipeline applies after every attempt.
//!
//! The rules (docs/reliability.md has the table):
//! - [`RetrySafety::Idempotent`] (reads, deletes, identity checks): retried after a
//!   connect error, a reset after sending, 429, 502, 503 and 504.
//! - [`RetrySafety::IdempotencyKeyed`] (money calls that carry an idempotency key the
//!   vendor deduplicates on): as idempotent, and also after a 500 — the key makes a repeat
//!   harmless.
//! - [`RetrySafety::NotIdempotent`] (money-moving and state-changing POSTs without a key):
//!   retried only when the request surely never arrived (connect error) or on 429; never
//!   after a reset after sending or a 5xx.
//! - Never after the call's total timeout; never when the wait would outlast what is left
//!   of it; never when the vendor's `Retry-After` is longer than
//!   [`RetryPolicy::max_retry_after`].
//!
//! ```
//! use std::time::Duration;
//! use patientpay_core::pipeline::{Attempt, Decision, RetryPolicy, RetrySafety, decide};
//!
//! let policy = RetryPolicy::default();
//! let left = Duration::from_secs(30);
//! let backoff = Duration::from_millis(200);
//! let reset = Attempt::MaybeSent { timed_out: false };
//! assert_eq!(decide(&policy, RetrySafety::Idempotent, 1, &reset, backoff, left), Decision::Retry(backoff));
//! assert_eq!(decide(&policy, RetrySafety::NotIdempotent, 1, &reset, backoff, left), Decision::Stop);
//! ```

use std::time::Duration;

/// Whether a request may be sent again after a failure that might have reached the vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetrySafety {
    /// Reads, deletes and identity checks: retried on connect errors, resets, 429 and
    /// 502/503/504.
    Idempotent,
    /// Money-moving or state-changing POSTs: retried only when the request surely never
    /// arrived (connect refused, DNS) or on 429; never after a timeout, a reset after
    /// sending, or a 5xx.
    NotIdempotent,
    /// Money-moving POSTs that carry an idempotency key the vendor deduplicates on: the
    /// same key on every attempt makes a repeat harmless, so they are retried as
    /// idempotent calls, 500 included.
    IdempotencyKeyed,
}

/// Retry policy: exponential backoff with full jitter, honouring `Retry-After`.
///
/// Which failures are retried depends on the request's [`RetrySafety`]; see
/// [`HttpClient::execute`](crate::pipeline::HttpClient::execute).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt. Default 2.
    pub max_retries: u32,
    /// Backoff before the first retry. Default 200 ms; doubles each retry.
    pub initial_backoff: Duration,
    /// Upper bound of one backoff. Default 5 s.
    pub max_backoff: Duration,
    /// The longest `Retry-After` the client will wait; a longer one ends the retries and
    /// returns [`Error::RateLimited`](crate::Error::RateLimited) carrying it. Default 30 s.
    pub max_retry_after: Duration,
    /// Randomise each backoff between half and all of it. Default `true`.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// Sets the number of retries.
    pub fn with_max_retries(mut self, n: u32) -> RetryPolicy {
        self.max_retries = n;
        self
    }

    /// Sets the first backoff.
    pub fn with_initial_backoff(mut self, d: Duration) -> RetryPolicy {
        self.initial_backoff = d;
        self
    }

    /// Sets the largest backoff.
    pub fn with_max_backoff(mut self, d: Duration) -> RetryPolicy {
        self.max_backoff = d;
        self
    }

    /// Sets the longest `Retry-After` honoured.
    pub fn with_max_retry_after(mut self, d: Duration) -> RetryPolicy {
        self.max_retry_after = d;
        self
    }

    /// Turns jitter on or off.
    pub fn with_jitter(mut self, jitter: bool) -> RetryPolicy {
        self.jitter = jitter;
        self
    }

    /// The backoff before retry number `retry` (1-based).
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(2_u32.saturating_pow(retry.saturating_sub(1)));
        let capped = exp.min(self.max_backoff);
        if self.jitter && !capped.is_zero() {
            let half = capped / 2;
            let extra = fastrand::u64(0..=half.as_nanos().min(u128::from(u64::MAX)) as u64);
            half + Duration::from_nanos(extra)
        } else {
            capped
        }
    }
}

/// How one attempt ended, as the retry decision sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Attempt {
    /// The vendor answered with this HTTP status (and maybe a `Retry-After`).
    Answered {
        /// The status.
        status: u16,
        /// The vendor's `Retry-After`, parsed.
        retry_after: Option<Duration>,
    },
    /// The connection was never established: nothing was sent.
    NotSent,
    /// The request may have reached the vendor (a reset or an error after sending).
    MaybeSent {
        /// `true` when the call's total timeout expired.
        timed_out: bool,
    },
    /// No retry can help (the answer was over the size cap, a redirect was refused...).
    Final,
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Return this attempt's result.
    Stop,
    /// Wait this long, then try again.
    Retry(Duration),
}

/// `true` when an answer with `status` may be retried under `safety`.
pub fn status_is_retryable(status: u16, safety: RetrySafety) -> bool {
    match safety {
        RetrySafety::Idempotent => matches!(status, 429 | 502 | 503 | 504),
        RetrySafety::IdempotencyKeyed => matches!(status, 429 | 500 | 502 | 503 | 504),
        RetrySafety::NotIdempotent => status == 429,
    }
}

/// The retry decision after attempt number `attempt` (1-based) ended as `outcome`, with
/// `backoff` the policy's wait for this retry and `remaining` what is left of the call's
/// total timeout. Pure: the pipeline does the waiting.
pub fn decide(
    policy: &RetryPolicy,
    safety: RetrySafety,
    attempt: u32,
    outcome: &Attempt,
    backoff: Duration,
    remaining: Duration,
) -> Decision {
    if attempt > policy.max_retries {
        return Decision::Stop;
    }
    let wait = match *outcome {
        Attempt::Final => return Decision::Stop,
        Attempt::Answered {
            status,
            retry_after,
        } => {
            if !status_is_retryable(status, safety) {
                return Decision::Stop;
            }
            match retry_after {
                Some(ra) if ra > policy.max_retry_after => return Decision::Stop,
                Some(ra) => ra,
                None => backoff,
            }
        }
        Attempt::NotSent => backoff,
        Attempt::MaybeSent { timed_out } => {
            if timed_out || safety == RetrySafety::NotIdempotent {
                return Decision::Stop;
            }
            backoff
        }
    };
    if wait >= remaining {
        // Waiting would outlast the call's total timeout: report what the vendor said (a
        // 429 with its Retry-After, a 503...) instead of a bare timeout.
        return Decision::Stop;
    }
    Decision::Retry(wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        let p = RetryPolicy::default().with_jitter(false);
        assert_eq!(p.backoff(1), Duration::from_millis(200));
        assert_eq!(p.backoff(2), Duration::from_millis(400));
        assert_eq!(p.backoff(40), Duration::from_secs(5));
        let j = RetryPolicy::default();
        for _ in 0..100 {
            let d = j.backoff(2);
            assert!(d >= Duration::from_millis(200) && d <= Duration::from_millis(400));
        }
    }

    const LEFT: Duration = Duration::from_secs(30);
    const B: Duration = Duration::from_millis(200);

    fn answered(status: u16) -> Attempt {
        Attempt::Answered {
            status,
            retry_after: None,
        }
    }

    #[test]
    fn money_posts_are_never_retried_after_they_may_have_arrived() {
        let p = RetryPolicy::default();
        let s = RetrySafety::NotIdempotent;
        for status in [500, 502, 503, 504] {
            assert_eq!(decide(&p, s, 1, &answered(status), B, LEFT), Decision::Stop);
        }
        let reset = Attempt::MaybeSent { timed_out: false };
        assert_eq!(decide(&p, s, 1, &reset, B, LEFT), Decision::Stop);
        assert_eq!(
            decide(&p, s, 1, &Attempt::NotSent, B, LEFT),
            Decision::Retry(B)
        );
        assert_eq!(
            decide(&p, s, 1, &answered(429), B, LEFT),
            Decision::Retry(B)
        );
    }

    #[test]
    fn reads_retry_on_gateway_errors_and_resets_not_on_500() {
        let p = RetryPolicy::default();
        let s = RetrySafety::Idempotent;
        for status in [429, 502, 503, 504] {
            assert_eq!(
                decide(&p, s, 1, &answered(status), B, LEFT),
                Decision::Retry(B)
            );
        }
        for status in [200, 400, 401, 404, 409, 422, 500, 501] {
            assert_eq!(
                decide(&p, s, 1, &answered(status), B, LEFT),
                Decision::Stop,
                "{status}"
            );
        }
        let reset = Attempt::MaybeSent { timed_out: false };
        assert_eq!(decide(&p, s, 1, &reset, B, LEFT), Decision::Retry(B));
    }

    #[test]
    fn keyed_money_calls_retry_on_500_and_resets() {
        let p = RetryPolicy::default();
        let s = RetrySafety::IdempotencyKeyed;
        assert_eq!(
            decide(&p, s, 1, &answered(500), B, LEFT),
            Decision::Retry(B)
        );
        let reset = Attempt::MaybeSent { timed_out: false };
        assert_eq!(decide(&p, s, 1, &reset, B, LEFT), Decision::Retry(B));
        assert_eq!(decide(&p, s, 1, &answered(409), B, LEFT), Decision::Stop);
    }

    #[test]
    fn timeouts_and_final_outcomes_stop() {
        let p = RetryPolicy::default();
        let t = Attempt::MaybeSent { timed_out: true };
        for s in [
            RetrySafety::Idempotent,
            RetrySafety::IdempotencyKeyed,
            RetrySafety::NotIdempotent,
        ] {
            assert_eq!(decide(&p, s, 1, &t, B, LEFT), Decision::Stop);
            assert_eq!(decide(&p, s, 1, &Attempt::Final, B, LEFT), Decision::Stop);
        }
    }

    #[test]
    fn attempts_are_bounded_by_max_retries() {
        let p = RetryPolicy::default().with_max_retries(2);
        let s = RetrySafety::Idempotent;
        assert_eq!(
            decide(&p, s, 2, &answered(503), B, LEFT),
            Decision::Retry(B)
        );
        assert_eq!(decide(&p, s, 3, &answered(503), B, LEFT), Decision::Stop);
        let none = RetryPolicy::none();
        assert_eq!(
            decide(&none, s, 1, &Attempt::NotSent, B, LEFT),
            Decision::Stop
        );
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap_and_the_deadline() {
        let p = RetryPolicy::default().with_max_retry_after(Duration::from_secs(10));
        let s = RetrySafety::NotIdempotent;
        let ra = |secs| Attempt::Answered {
            status: 429,
            retry_after: Some(Duration::from_secs(secs)),
        };
        assert_eq!(
            decide(&p, s, 1, &ra(7), B, LEFT),
            Decision::Retry(Duration::from_secs(7))
        );
        assert_eq!(
            decide(&p, s, 1, &ra(10), B, LEFT),
            Decision::Retry(Duration::from_secs(10))
        );
        assert_eq!(decide(&p, s, 1, &ra(11), B, LEFT), Decision::Stop);
        // The wait would outlast the call: stop now (equal counts as outlasting).
        assert_eq!(
            decide(&p, s, 1, &ra(7), B, Duration::from_secs(7)),
            Decision::Stop
        );
        assert_eq!(
            decide(&p, s, 1, &ra(7), B, Duration::from_secs(8)),
            Decision::Retry(Duration::from_secs(7))
        );
        assert_eq!(decide(&p, s, 1, &Attempt::NotSent, B, B), Decision::Stop);
    }
}
