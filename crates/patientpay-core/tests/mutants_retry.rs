//! The rules of the retry policy's knobs, stated as tests against the public API. The
//! decision table itself is proven by the unit tests in `src/pipeline/retry.rs`; these
//! prove that each builder changes what it names and that jitter really spreads the
//! waits (`cargo xtask mutants --file crates/patientpay-core/src/pipeline/retry.rs`).

use std::collections::BTreeSet;
use std::time::Duration;

use patientpay_core::pipeline::{Attempt, Decision, RetryPolicy, RetrySafety, decide};

const LEFT: Duration = Duration::from_secs(300);
const MS: Duration = Duration::from_millis(1);

fn gateway_error() -> Attempt {
    Attempt::Answered {
        status: 503,
        retry_after: None,
    }
}

#[test]
fn defaults_are_the_documented_ones() {
    let p = RetryPolicy::default();
    assert_eq!(p.max_retries, 2);
    assert_eq!(p.initial_backoff, Duration::from_millis(200));
    assert_eq!(p.max_backoff, Duration::from_secs(5));
    assert_eq!(p.max_retry_after, Duration::from_secs(30));
    assert!(p.jitter);
}

#[test]
fn with_max_retries_sets_how_many_retries_follow_the_first_attempt() {
    let p = RetryPolicy::default().with_max_retries(5);
    assert_eq!(p.max_retries, 5);
    let s = RetrySafety::Idempotent;
    assert_eq!(
        decide(&p, s, 5, &gateway_error(), MS, LEFT),
        Decision::Retry(MS)
    );
    assert_eq!(decide(&p, s, 6, &gateway_error(), MS, LEFT), Decision::Stop);
    let once = RetryPolicy::default().with_max_retries(0);
    assert_eq!(
        decide(&once, s, 1, &Attempt::NotSent, MS, LEFT),
        Decision::Stop
    );
}

#[test]
fn policy_none_never_retries() {
    let none = RetryPolicy::none();
    assert_eq!(none.max_retries, 0);
    assert_eq!(
        decide(
            &none,
            RetrySafety::Idempotent,
            1,
            &Attempt::NotSent,
            MS,
            LEFT
        ),
        Decision::Stop
    );
}

#[test]
fn with_initial_backoff_sets_the_first_wait_which_then_doubles() {
    let p = RetryPolicy::default()
        .with_jitter(false)
        .with_initial_backoff(Duration::from_millis(50));
    assert_eq!(p.initial_backoff, Duration::from_millis(50));
    assert_eq!(p.backoff(1), Duration::from_millis(50));
    assert_eq!(p.backoff(2), Duration::from_millis(100));
    assert_eq!(p.backoff(3), Duration::from_millis(200));
}

#[test]
fn with_max_backoff_caps_every_wait() {
    let p = RetryPolicy::default()
        .with_jitter(false)
        .with_max_backoff(Duration::from_millis(300));
    assert_eq!(p.max_backoff, Duration::from_millis(300));
    assert_eq!(p.backoff(1), Duration::from_millis(200));
    assert_eq!(p.backoff(2), Duration::from_millis(300));
    assert_eq!(p.backoff(u32::MAX), Duration::from_millis(300));
}

#[test]
fn with_max_retry_after_sets_the_longest_honoured_retry_after() {
    let p = RetryPolicy::default().with_max_retry_after(Duration::from_secs(3));
    assert_eq!(p.max_retry_after, Duration::from_secs(3));
    let ra = |secs| Attempt::Answered {
        status: 429,
        retry_after: Some(Duration::from_secs(secs)),
    };
    let s = RetrySafety::NotIdempotent;
    assert_eq!(
        decide(&p, s, 1, &ra(3), MS, LEFT),
        Decision::Retry(Duration::from_secs(3))
    );
    assert_eq!(decide(&p, s, 1, &ra(4), MS, LEFT), Decision::Stop);
}

#[test]
fn without_jitter_the_wait_is_exact() {
    let p = RetryPolicy::default().with_jitter(false);
    assert!(!p.jitter);
    for _ in 0..20 {
        assert_eq!(p.backoff(2), Duration::from_millis(400));
    }
}

#[test]
fn jitter_draws_between_half_and_all_of_the_wait() {
    let p = RetryPolicy::default().with_jitter(true);
    let full = Duration::from_millis(400);
    let draws: BTreeSet<Duration> = (0..200).map(|_| p.backoff(2)).collect();
    for d in &draws {
        assert!(*d >= full / 2 && *d <= full, "{d:?}");
    }
    // 200 draws from 200 million nanosecond values: all equal only if jitter is off.
    assert!(draws.len() > 1, "jitter must spread the waits: {draws:?}");
}

#[test]
fn a_zero_wait_stays_zero_with_jitter() {
    let p = RetryPolicy::default().with_initial_backoff(Duration::ZERO);
    assert_eq!(p.backoff(1), Duration::ZERO);
    assert_eq!(p.backoff(3), Duration::ZERO);
}
