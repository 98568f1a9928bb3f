//! The outcome classification of errors (design §4b), stated as tests against the public
//! API: which failures definitely moved nothing, which may have moved money, which are worth
//! retrying, which are the caller's own mistake, and what to do next.
//!
//! These tests kill every viable mutant cargo-mutants makes in `src/outcome.rs`
//! (`cargo xtask mutants --file crates/patientpay-core/src/outcome.rs`). Each test is named
//! after the rule it proves.

use std::time::Duration;

use patientpay_core::{Error, Operation};

const OP: Operation = Operation::SettleChargesFromCredit;

fn timeout(maybe_sent: bool) -> Error {
    Error::Timeout {
        provider: "decoda",
        operation: OP,
        after: Duration::from_millis(1500),
        maybe_sent,
    }
}

fn transport(maybe_sent: bool) -> Error {
    Error::Transport {
        provider: "decoda",
        operation: OP,
        detail: "connection reset".into(),
        maybe_sent,
    }
}

fn vendor(status: u16) -> Error {
    Error::Vendor {
        provider: "decoda",
        operation: OP,
        status,
        message: "nope".into(),
        request_id: Some("req_v".into()),
    }
}

fn decode(status: u16) -> Error {
    Error::Decode {
        provider: "decoda",
        operation: OP,
        status,
        detail: "expected an object at line 1 column 1".into(),
    }
}

fn too_large(status: u16) -> Error {
    Error::ResponseTooLarge {
        provider: "decoda",
        operation: OP,
        status,
        limit: 16,
    }
}

fn redirected() -> Error {
    Error::Redirected {
        provider: "decoda",
        operation: OP,
        status: 302,
    }
}

fn auth(status: u16) -> Error {
    Error::Auth {
        provider: "decoda",
        operation: OP,
        status,
        message: None,
        request_id: None,
    }
}

fn rate_limited() -> Error {
    Error::RateLimited {
        provider: "decoda",
        operation: OP,
        retry_after: Some(Duration::from_secs(2)),
        request_id: None,
    }
}

fn unknown() -> Error {
    Error::outcome_unknown(vendor(503), Some("{\"error\":\"boom\"}".into()))
}

/// The caller's own mistakes: refused before sending.
fn usage_errors() -> Vec<Error> {
    vec![
        Error::invalid_input("amount", "must be positive"),
        Error::config("DECODA_API_KEY", "missing"),
        Error::unsupported("decoda", Operation::AddPaymentMethod),
    ]
}

/// One error of every variant, with the statuses on both sides of each boundary.
fn every_kind() -> Vec<Error> {
    let mut all = usage_errors();
    all.extend([
        timeout(false),
        timeout(true),
        transport(false),
        transport(true),
        vendor(400),
        vendor(499),
        vendor(500),
        vendor(503),
        decode(200),
        decode(400),
        too_large(200),
        too_large(500),
        redirected(),
        auth(401),
        auth(403),
        rate_limited(),
        unknown(),
    ]);
    all
}

// ---------------------------------------------------------------------------------------
// May the request have reached the vendor?

#[test]
fn a_timeout_before_the_connection_was_made_sent_nothing() {
    assert!(!timeout(false).may_have_been_sent());
    assert!(!transport(false).may_have_been_sent());
}

#[test]
fn a_timeout_or_reset_after_connecting_may_have_been_sent() {
    assert!(timeout(true).may_have_been_sent());
    assert!(transport(true).may_have_been_sent());
}

#[test]
fn a_4xx_answer_is_a_definite_refusal() {
    for status in [400, 404, 409, 422, 499] {
        assert!(!vendor(status).may_have_been_sent(), "{status}");
    }
}

#[test]
fn a_5xx_answer_may_have_moved_money() {
    for status in [500, 502, 503, 504, 599] {
        assert!(vendor(status).may_have_been_sent(), "{status}");
    }
}

#[test]
fn a_2xx_that_cannot_be_read_means_the_vendor_did_what_was_asked() {
    for status in [200, 201, 299] {
        assert!(decode(status).may_have_been_sent(), "{status}");
        assert!(too_large(status).may_have_been_sent(), "{status}");
    }
}

#[test]
fn an_unreadable_answer_outside_2xx_is_not_a_sign_that_money_moved() {
    for status in [199, 300, 400, 500] {
        assert!(!decode(status).may_have_been_sent(), "{status}");
        assert!(!too_large(status).may_have_been_sent(), "{status}");
    }
}

#[test]
fn a_redirect_may_have_been_acted_on() {
    assert!(redirected().may_have_been_sent());
}

#[test]
fn an_unknown_outcome_may_have_been_sent() {
    assert!(unknown().may_have_been_sent());
}

#[test]
fn refusals_before_sending_auth_and_rate_limits_sent_nothing() {
    let mut definite = usage_errors();
    definite.extend([auth(401), auth(403), rate_limited()]);
    for e in definite {
        assert!(!e.may_have_been_sent(), "{e:?}");
    }
}

// ---------------------------------------------------------------------------------------
// The outcome-unknown wrapper

#[test]
fn outcome_unknown_keeps_the_cause_and_copies_its_identity() {
    let e = Error::outcome_unknown(vendor(503), Some("{\"error\":\"boom\"}".into()));
    assert!(e.is_outcome_unknown());
    assert_eq!(e.provider(), Some("decoda"));
    assert_eq!(e.operation(), Some(OP));
    assert_eq!(e.status(), Some(503));
    assert_eq!(e.request_id(), Some("req_v"));
    assert_eq!(e.kept_body(), Some("{\"error\":\"boom\"}"));
    let Error::OutcomeUnknown { cause, .. } = &e else {
        panic!("{e:?}");
    };
    assert!(
        matches!(**cause, Error::Vendor { status: 503, .. }),
        "{cause:?}"
    );
}

#[test]
fn outcome_unknown_of_an_error_without_a_provider_names_no_vendor() {
    let e = Error::outcome_unknown(Error::invalid_input("amount", "x"), None);
    assert_eq!(e.provider(), Some("unknown"));
    assert_eq!(e.operation(), Some(Operation::Reconcile));
    assert_eq!(e.status(), None);
    assert_eq!(e.request_id(), None);
}

#[test]
fn outcome_unknown_drops_an_empty_body() {
    assert_eq!(
        Error::outcome_unknown(timeout(true), Some(String::new())).kept_body(),
        None
    );
    assert_eq!(
        Error::outcome_unknown(timeout(true), None).kept_body(),
        None
    );
    assert_eq!(
        Error::outcome_unknown(timeout(true), Some(" ".into())).kept_body(),
        Some(" ")
    );
}

#[test]
fn outcome_unknown_is_never_wrapped_twice() {
    let once = unknown();
    let twice = Error::outcome_unknown(once, Some("other body".into()));
    let Error::OutcomeUnknown { cause, body, .. } = &twice else {
        panic!("{twice:?}");
    };
    assert!(
        matches!(**cause, Error::Vendor { status: 503, .. }),
        "{cause:?}"
    );
    assert_eq!(body.as_deref(), Some("{\"error\":\"boom\"}"));
}

#[test]
fn only_the_outcome_unknown_variant_is_outcome_unknown() {
    for e in every_kind() {
        let expected = matches!(e, Error::OutcomeUnknown { .. });
        assert_eq!(e.is_outcome_unknown(), expected, "{e:?}");
    }
    assert!(unknown().is_outcome_unknown());
}

// ---------------------------------------------------------------------------------------
// Retryable

#[test]
fn rate_limits_timeouts_and_transport_failures_are_retryable() {
    for e in [
        rate_limited(),
        timeout(false),
        timeout(true),
        transport(false),
        transport(true),
    ] {
        assert!(e.is_retryable(), "{e:?}");
    }
}

#[test]
fn the_transient_5xx_are_retryable_and_no_other_status_is() {
    for status in [500, 502, 503, 504] {
        assert!(vendor(status).is_retryable(), "{status}");
    }
    for status in [400, 404, 409, 499, 501, 505, 599] {
        assert!(!vendor(status).is_retryable(), "{status}");
    }
}

#[test]
fn an_unknown_outcome_is_never_retryable_blindly() {
    assert!(!unknown().is_retryable());
    assert!(!Error::outcome_unknown(timeout(true), None).is_retryable());
}

#[test]
fn usage_auth_decode_and_redirect_errors_are_not_retryable() {
    let mut never = usage_errors();
    never.extend([auth(401), decode(200), too_large(200), redirected()]);
    for e in never {
        assert!(!e.is_retryable(), "{e:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Usage errors

#[test]
fn input_config_and_unsupported_are_usage_errors() {
    for e in usage_errors() {
        assert!(e.is_usage(), "{e:?}");
    }
}

#[test]
fn errors_from_a_vendor_or_the_network_are_not_usage_errors() {
    for e in every_kind().into_iter().skip(usage_errors().len()) {
        assert!(!e.is_usage(), "{e:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Next step

#[test]
fn an_unknown_outcome_says_reconcile_before_retrying() {
    assert_eq!(
        unknown().next_step(),
        "check the patient's payments (reconcile) before retrying: the money may have moved"
    );
}

#[test]
fn a_failure_after_sending_says_retry_only_if_safe() {
    for e in [timeout(true), transport(true)] {
        assert_eq!(
            e.next_step(),
            "the request may have arrived: retry only if the operation is safe to repeat",
            "{e:?}"
        );
    }
}

#[test]
fn a_failure_before_sending_says_nothing_was_sent() {
    for e in [timeout(false), transport(false)] {
        assert_eq!(
            e.next_step(),
            "nothing was sent: check connectivity and retry",
            "{e:?}"
        );
    }
}

#[test]
fn a_5xx_says_retry_later_and_a_4xx_says_retrying_will_not_help() {
    for status in [500, 503, 599] {
        assert_eq!(
            vendor(status).next_step(),
            "the vendor failed: retry later if the operation is safe to repeat",
            "{status}"
        );
    }
    let refused =
        "the vendor refused the request: see its message; retrying the same request will not help";
    for status in [400, 499] {
        assert_eq!(vendor(status).next_step(), refused, "{status}");
    }
    assert_eq!(decode(200).next_step(), refused);
}

#[test]
fn every_other_error_names_its_own_next_step() {
    let cases = [
        (
            Error::invalid_input("amount", "x"),
            "fix the input named in the message; nothing was sent",
        ),
        (
            Error::config("DECODA_API_KEY", "missing"),
            "fix the setting named in the message; nothing was sent",
        ),
        (
            Error::unsupported("decoda", Operation::AddPaymentMethod),
            "use a vendor that serves this operation",
        ),
        (
            auth(401),
            "check the credentials (and the environment) for this vendor",
        ),
        (
            rate_limited(),
            "wait for the time the vendor asked, then retry",
        ),
        (
            redirected(),
            "check the base URL: the vendor answered with a redirect",
        ),
        (
            too_large(200),
            "raise the response size cap if the answer is legitimate",
        ),
    ];
    for (e, step) in cases {
        assert_eq!(e.next_step(), step, "{e:?}");
    }
}
