//! The fault matrix: every vendor, every operation, every transport and HTTP fault. Each
//! case asserts the error kind (or success) and how many requests the server saw — the
//! attempts table in docs/reliability.md is this test's expectations.

mod common;

use std::time::Duration;

use patientpay::{Error, Operation, RetrySafety};
use patientpay_sandbox::{Fault, FaultKind, Sandbox};

use common::*;

#[derive(Debug, Clone, Copy)]
enum Expect {
    Ok,
    Vendor(u16),
    RateLimited,
    Transport,
    Timeout,
    Decode,
    DecodeOrVendor,
    TooLarge,
}

fn check(expect: Expect, result: &Result<(), Error>) -> bool {
    match (expect, result) {
        (Expect::Ok, Ok(())) => true,
        (
            Expect::Vendor(s),
            Err(Error::Vendor {
                status, message, ..
            }),
        ) => *status == s && !message.contains('<'),
        (Expect::RateLimited, Err(Error::RateLimited { .. })) => true,
        (
            Expect::Transport,
            Err(Error::Transport {
                maybe_sent: true, ..
            }),
        ) => true,
        (Expect::Timeout, Err(Error::Timeout { .. })) => true,
        (Expect::Decode, Err(Error::Decode { .. })) => true,
        (Expect::DecodeOrVendor, Err(Error::Decode { .. } | Error::Vendor { .. })) => true,
        (Expect::TooLarge, Err(Error::ResponseTooLarge { .. })) => true,
        _ => false,
    }
}

struct Case {
    name: &'static str,
    fault: fn(&'static str, &'static str) -> Vec<Fault>,
    /// Attempts seen by the server for (idempotent, not idempotent) operations.
    attempts: (usize, usize),
    expect: Expect,
    per_call_timeout: Option<Duration>,
    /// The outcome for money-moving operations, when it differs from `expect`.
    expect_money: Option<Expect>,
}

fn cases() -> Vec<Case> {
    let n = RETRIES as usize + 1;
    vec![
        Case {
            name: "500",
            fault: |m, p| vec![Fault::on(m, p).status(500)],
            attempts: (1, 1),
            expect: Expect::Vendor(500),
            per_call_timeout: None,
            expect_money: None,
        },
        Case {
            name: "502",
            fault: |m, p| vec![Fault::on(m, p).status(502)],
            attempts: (n, 1),
            expect: Expect::Vendor(502),
            per_call_timeout: None,
            expect_money: None,
        },
        Case {
            name: "503",
            fault: |m, p| vec![Fault::on(m, p).status(503)],
            attempts: (n, 1),
            expect: Expect::Vendor(503),
            per_call_timeout: None,
            expect_money: None,
        },
        Case {
            name: "504",
            fault: |m, p| vec![Fault::on(m, p).status(504)],
            attempts: (n, 1),
            expect: Expect::Vendor(504),
            per_call_timeout: None,
            expect_money: None,
        },
        Case {
            name: "503 once then success",
            fault: |m, p| vec![Fault::on(m, p).status(503).times(1)],
            attempts: (2, 1),
            expect: Expect::Ok,
            per_call_timeout: None,
            expect_money: Some(Expect::Vendor(503)),
        },
        Case {
            name: "429 without Retry-After",
            fault: |m, p| vec![Fault::on(m, p).rate_limit(None)],
            attempts: (n, n),
            expect: Expect::RateLimited,
            per_call_timeout: None,
            expect_money: None,
        },
        Case {
            name: "429 Retry-After 0 once",
            fault: |m, p| vec![Fault::on(m, p).rate_limit(Some("0")).times(1)],
            attempts: (2, 2),
            expect: Expect::Ok,
            per_call_timeout: None,
            expect_money: None,
        },
        Case {
            name: "429 Retry-After HTTP date once",
            fault: |m, p| {
                vec![
                    Fault::on(m, p)
                        .rate_limit(Some("Wed, 21 Oct 2015 07:28:00 GMT"))
                        .times(1),
                ]
            },
            attempts: (2, 2),
            expect: Expect::Ok,
            per_call_timeout: None,
            expect_money: None,
        },
        Case {
            name: "429 absurd Retry-After",
            fault: |m, p| vec![Fault::on(m, p).rate_limit(Some("86400"))],
            attempts: (1, 1),
            expect: Expect::RateLimited,
            per_call_timeout: None,
            expect_money: None,
        },
        Case {
            name: "drop before handling",
            fault: |m, p| vec![Fault::on(m, p).drop_connection()],
            attempts: (n, 1),
            expect: Expect::Transport,
            per_call_timeout: None,
            expect_money: None,
        },
        Case {
            name: "drop after handling",
            fault: |m, p| vec![Fault::on(m, p).kind(FaultKind::DropAfterHandling)],
            attempts: (n, 1),
            expect: Expect::Transport,
            per_call_timeout: None,
            expect_money: None,
        },
        Case {
            name: "truncated body",
            fault: |m, p| vec![Fault::on(m, p).kind(FaultKind::Truncate)],
            attempts: (n, 1),
            expect: Expect::Transport,
            per_call_timeout: None,
            expect_money: None,
        },
        Case {
            name: "slow headers past the per-call timeout",
            fault: |m, p| vec![Fault::on(m, p).delay(Duration::from_secs(3))],
            attempts: (1, 1),
            expect: Expect::Timeout,
            per_call_timeout: Some(Duration::from_millis(200)),
            expect_money: None,
        },
        Case {
            name: "slow body past the per-call timeout",
            fault: |m, p| vec![Fault::on(m, p).kind(FaultKind::SlowBody(Duration::from_secs(3)))],
            attempts: (1, 1),
            expect: Expect::Timeout,
            per_call_timeout: Some(Duration::from_millis(300)),
            expect_money: None,
        },
        Case {
            name: "HTML error page",
            fault: |m, p| {
                vec![Fault::on(m, p).status_body(
                    500,
                    "text/html",
                    "<html><body><h1>500 Internal Server Error</h1></body></html>",
                )]
            },
            attempts: (1, 1),
            expect: Expect::Vendor(500),
            per_call_timeout: None,
            expect_money: None,
        },
        Case {
            name: "text/plain 200",
            fault: |m, p| vec![Fault::on(m, p).status_body(200, "text/plain", "OK")],
            attempts: (1, 1),
            expect: Expect::Decode,
            per_call_timeout: None,
            expect_money: None,
        },
        Case {
            name: "empty 200",
            fault: |m, p| vec![Fault::on(m, p).status_body(200, "application/json", "")],
            attempts: (1, 1),
            expect: Expect::Decode,
            per_call_timeout: None,
            expect_money: None,
        },
        Case {
            name: "truncated JSON 200",
            fault: |m, p| vec![Fault::on(m, p).kind(FaultKind::Malformed)],
            attempts: (1, 1),
            expect: Expect::Decode,
            per_call_timeout: None,
            expect_money: None,
        },
        Case {
            name: "JSON of the wrong shape",
            fault: |m, p| {
                vec![Fault::on(m, p).status_body(
                    200,
                    "application/json",
                    r#"{"unexpected": [1, 2, 3]}"#,
                )]
            },
            attempts: (1, 1),
            expect: Expect::DecodeOrVendor,
            per_call_timeout: None,
            expect_money: None,
        },
        Case {
            name: "null body",
            fault: |m, p| vec![Fault::on(m, p).status_body(200, "application/json", "null")],
            attempts: (1, 1),
            expect: Expect::DecodeOrVendor,
            per_call_timeout: None,
            expect_money: None,
        },
        Case {
            name: "non-UTF-8 bytes",
            fault: |m, p| {
                vec![Fault::on(m, p).status_body(
                    200,
                    "application/json",
                    vec![0xff, 0xfe, 0x7b, 0x80],
                )]
            },
            attempts: (1, 1),
            expect: Expect::Decode,
            per_call_timeout: None,
            expect_money: None,
        },
        Case {
            name: "100 MB body",
            fault: |m, p| {
                vec![Fault::on(m, p).kind(FaultKind::HugeBody {
                    bytes: 100 * 1024 * 1024,
                    content_length: false,
                })]
            },
            attempts: (1, 1),
            expect: Expect::TooLarge,
            per_call_timeout: None,
            expect_money: None,
        },
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_under_every_fault() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut failures = Vec::new();
    let mut checked = 0;
    for &(vendor, op) in SUPPORTED {
        let (method, path) = route(op);
        for case in cases() {
            sandbox.reset();
            let request = with_timeout(
                valid_request(&sandbox, vendor, op).await,
                case.per_call_timeout,
            );
            sandbox.clear_requests();
            for f in (case.fault)(method, path) {
                sandbox.inject(f);
            }
            let provider = provider(vendor, &sandbox.base_url(), http_config());
            let result =
                tokio::time::timeout(Duration::from_secs(20), common::call(&provider, request))
                    .await
                    .unwrap_or_else(|_| {
                        panic!(
                            "{vendor} {op} / {}: did not finish in bounded time",
                            case.name
                        )
                    });
            let seen = sandbox.count(method, path);
            // A money call that may have moved money reports OutcomeUnknown wrapping the
            // failure the matrix expects; anything else that may have been sent is a bug.
            let result = match result {
                Err(Error::OutcomeUnknown { cause, .. }) if moves_money(op) => Err(*cause),
                Err(e) if moves_money(op) && e.may_have_been_sent() => {
                    failures.push(format!(
                        "{vendor} {op} / {}: may have moved money but is not OutcomeUnknown: {e}",
                        case.name
                    ));
                    Err(e)
                }
                other => other,
            };
            let (want, expect) = match safety(op) {
                RetrySafety::Idempotent => (case.attempts.0, case.expect),
                _ => (case.attempts.1, case.expect_money.unwrap_or(case.expect)),
            };
            checked += 1;
            if !check(expect, &result) || seen != want {
                failures.push(format!(
                    "{vendor} {op} / {}: expected {expect:?} after {want} attempt(s), got {:?} after {seen}",
                    case.name, result.as_ref().map_err(ToString::to_string)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn with_timeout(request: common::Request, timeout: Option<Duration>) -> common::Request {
    use common::Request::*;
    let Some(t) = timeout else { return request };
    match request {
        List(r) => List(r.with_timeout(t)),
        Add(r) => Add(r.with_timeout(t)),
        Remove(r) => Remove(r.with_timeout(t)),
        Intent(r) => Intent(r.with_timeout(t)),
        Update(r) => Update(r.with_timeout(t)),
        Verify(r) => Verify(r.with_timeout(t)),
        Settle(r) => Settle(r.with_timeout(t)),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_refused_is_a_transport_error_for_every_operation() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let a = l.local_addr().unwrap();
        drop(l);
        format!("http://{a}")
    };
    for &(vendor, op) in SUPPORTED {
        sandbox.reset();
        let request = valid_request(&sandbox, vendor, op).await;
        let provider = provider(vendor, &closed, http_config());
        let err = common::call(&provider, request).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::Transport {
                    maybe_sent: false,
                    ..
                }
            ),
            "{vendor} {op}: {err:?}"
        );
        assert!(err.is_retryable() && !err.may_have_been_sent());
    }
}

/// A server that accepts connections and closes them at once, before reading anything.
/// The client has written its request by then (the connection was up), so a money-moving
/// call must not be resent; reads are retried.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_before_the_request_is_read() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let sandbox = Sandbox::start().await.expect("sandbox");
    for &(vendor, op) in SUPPORTED {
        sandbox.reset();
        let request = valid_request(&sandbox, vendor, op).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&accepted);
        let server = tokio::spawn(async move {
            loop {
                if let Ok((stream, _)) = listener.accept().await {
                    counter.fetch_add(1, Ordering::SeqCst);
                    drop(stream);
                }
            }
        });
        let provider = provider(vendor, &format!("http://{addr}"), http_config());
        let err = common::call(&provider, request).await.unwrap_err();
        server.abort();
        let err = match err {
            Error::OutcomeUnknown { cause, .. } if moves_money(op) => *cause,
            other => other,
        };
        assert!(
            matches!(err, Error::Transport { .. }),
            "{vendor} {op}: {err:?}"
        );
        let want = if safety(op) == RetrySafety::Idempotent {
            RETRIES as usize + 1
        } else {
            1
        };
        assert_eq!(
            accepted.load(Ordering::SeqCst),
            want,
            "{vendor} {op}: connections; {err:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_total_timeout_bounds_every_operation() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    for &(vendor, op) in SUPPORTED {
        sandbox.reset();
        let request = valid_request(&sandbox, vendor, op).await;
        let (method, path) = route(op);
        sandbox.inject(Fault::on(method, path).delay(Duration::from_secs(5)));
        let provider = provider(
            vendor,
            &sandbox.base_url(),
            http_config().with_timeout(Duration::from_millis(250)),
        );
        let started = std::time::Instant::now();
        let err = common::call(&provider, request).await.unwrap_err();
        assert_eq!(
            err.is_outcome_unknown(),
            moves_money(op),
            "{vendor} {op}: {err:?}"
        );
        let err = match err {
            Error::OutcomeUnknown { cause, .. } => *cause,
            other => other,
        };
        assert!(
            matches!(err, Error::Timeout { .. }),
            "{vendor} {op}: {err:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{vendor} {op}: bounded"
        );
        assert_eq!(
            sandbox.count(method, path),
            1,
            "{vendor} {op}: timeouts are never retried"
        );
    }
}

#[test]
fn money_moving_operations_are_not_idempotent() {
    for op in [
        Operation::AddPaymentMethod,
        Operation::CreatePaymentIntent,
        Operation::UpdatePaymentInfo,
        Operation::SettleChargesFromCredit,
    ] {
        assert_eq!(safety(op), RetrySafety::NotIdempotent, "{op}");
    }
}
