//! The shared HTTP layer against a real loopback server (the sandbox's fault injection
//! answers on any path, so no vendor emulation is involved).

use std::time::{Duration, Instant};

use http::Method;
use patientpay_core::pipeline::{
    BaseUrl, HttpClient, HttpConfig, RetryPolicy, RetrySafety, VendorRequest, sensitive_header,
};
use patientpay_core::{Error, Operation};
use patientpay_sandbox::{Fault, FaultKind, Sandbox};
use secrecy::SecretString;

const PATH: &str = "/test/endpoint";

fn client(retries: u32) -> HttpClient {
    HttpClient::new(
        HttpConfig::default()
            .with_timeout(Duration::from_secs(5))
            .with_retry(
                RetryPolicy::default()
                    .with_max_retries(retries)
                    .with_initial_backoff(Duration::from_millis(5))
                    .with_max_backoff(Duration::from_millis(20))
                    .with_max_retry_after(Duration::from_secs(2)),
            ),
    )
    .unwrap()
}

fn request(sandbox: &Sandbox, op: Operation, method: Method) -> VendorRequest {
    let base = BaseUrl::parse(&sandbox.base_url()).unwrap();
    let url = base.endpoint(&["test", "endpoint"]).unwrap();
    VendorRequest::new("test", op, method, url, safety(op))
}

/// The retry safety the vendor crates declare for these operations.
fn safety(op: Operation) -> RetrySafety {
    match op {
        Operation::ListPaymentMethods
        | Operation::RemovePaymentMethod
        | Operation::VerifyPatientBalance => RetrySafety::Idempotent,
        _ => RetrySafety::NotIdempotent,
    }
}

fn ok_body() -> Fault {
    Fault::on("*", PATH).status_body(200, "application/json", r#"{"ok":true}"#)
}

#[tokio::test]
async fn money_moving_post_is_sent_once_after_500() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(Fault::on("POST", PATH).status(500));
    let resp = client(3)
        .execute(
            request(&sandbox, Operation::SettleChargesFromCredit, Method::POST)
                .json_body(&[1])
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), 500);
    assert_eq!(sandbox.count("POST", PATH), 1);
    let err = resp.error(None);
    assert!(matches!(err, Error::Vendor { status: 500, .. }));
    assert!(err.may_have_been_sent());
}

#[tokio::test]
async fn money_moving_post_is_sent_once_after_reset_and_after_timeout() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(Fault::on("POST", PATH).kind(FaultKind::DropAfterHandling));
    let err = client(3)
        .execute(request(
            &sandbox,
            Operation::CreatePaymentIntent,
            Method::POST,
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                maybe_sent: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(sandbox.count("POST", PATH), 1);

    sandbox.reset();
    sandbox.inject(Fault::on("POST", PATH).delay(Duration::from_secs(3)));
    let err = client(3)
        .execute(
            request(&sandbox, Operation::AddPaymentMethod, Method::POST)
                .timeout(Some(Duration::from_millis(150))),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                maybe_sent: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(sandbox.count("POST", PATH), 1);
}

#[tokio::test]
async fn reads_retry_on_reset_and_5xx_then_succeed() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(Fault::on("GET", PATH).drop_connection().times(1));
    sandbox.inject(Fault::on("GET", PATH).status(503).times(1));
    sandbox.inject(ok_body());
    let resp = client(2)
        .execute(request(
            &sandbox,
            Operation::ListPaymentMethods,
            Method::GET,
        ))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.attempts(), 3);
    assert_eq!(sandbox.count("GET", PATH), 3);
}

#[tokio::test]
async fn reads_do_not_retry_500_and_stop_after_max_retries() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(Fault::on("GET", PATH).status(500));
    let resp = client(2)
        .execute(request(
            &sandbox,
            Operation::ListPaymentMethods,
            Method::GET,
        ))
        .await
        .unwrap();
    assert_eq!(resp.status(), 500);
    assert_eq!(sandbox.count("GET", PATH), 1);

    sandbox.reset();
    sandbox.inject(Fault::on("GET", PATH).status(502));
    let resp = client(2)
        .execute(request(
            &sandbox,
            Operation::ListPaymentMethods,
            Method::GET,
        ))
        .await
        .unwrap();
    assert_eq!(resp.status(), 502);
    assert_eq!(sandbox.count("GET", PATH), 3);
}

#[tokio::test]
async fn retry_after_is_honoured_for_post_on_429() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(Fault::on("POST", PATH).rate_limit(Some("1")).times(1));
    sandbox.inject(ok_body());
    let started = Instant::now();
    let resp = client(2)
        .execute(request(
            &sandbox,
            Operation::SettleChargesFromCredit,
            Method::POST,
        ))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(sandbox.count("POST", PATH), 2);
}

#[tokio::test]
async fn absurd_retry_after_is_not_waited_for() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(Fault::on("GET", PATH).rate_limit(Some("86400")));
    let started = Instant::now();
    let resp = client(2)
        .execute(request(
            &sandbox,
            Operation::ListPaymentMethods,
            Method::GET,
        ))
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(sandbox.count("GET", PATH), 1);
    match resp.error(None) {
        Error::RateLimited { retry_after, .. } => {
            assert_eq!(retry_after, Some(Duration::from_secs(86400)))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn connect_refused_is_retried_even_for_money_moving_posts() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let base = BaseUrl::parse(&format!("http://{addr}")).unwrap();
    let req = VendorRequest::new(
        "test",
        Operation::SettleChargesFromCredit,
        Method::POST,
        base.endpoint(&["x"]).unwrap(),
        RetrySafety::NotIdempotent,
    );
    let err = client(2).execute(req).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                maybe_sent: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.may_have_been_sent());
    assert!(
        !err.to_string().contains(&addr.port().to_string()),
        "no URL in errors: {err}"
    );
}

#[tokio::test]
async fn size_cap_holds_on_a_100_mb_body_without_buffering_it() {
    let sandbox = Sandbox::start().await.unwrap();
    // Streamed without Content-Length: the cap must trip while reading.
    sandbox.inject(Fault::on("GET", PATH).kind(FaultKind::HugeBody {
        bytes: 100 * 1024 * 1024,
        content_length: false,
    }));
    let started = Instant::now();
    let err = client(0)
        .execute(request(
            &sandbox,
            Operation::VerifyPatientBalance,
            Method::GET,
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit, .. } if limit == 16 * 1024 * 1024),
        "{err:?}"
    );
    // Reading 100 MB on loopback would take far longer than reading 16 MB; the point is
    // that the error arrives once the cap is reached, before the body ends.
    assert!(started.elapsed() < Duration::from_secs(20));

    // With Content-Length announced, nothing is read at all.
    sandbox.reset();
    sandbox.inject(Fault::on("GET", PATH).kind(FaultKind::HugeBody {
        bytes: 100 * 1024 * 1024,
        content_length: true,
    }));
    let err = client(0)
        .execute(request(
            &sandbox,
            Operation::VerifyPatientBalance,
            Method::GET,
        ))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn json_codec_checks_content_type_and_shape() {
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Shape {
        ok: bool,
    }
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(0);
    let cases: Vec<(Fault, &str)> = vec![
        (
            Fault::on("GET", PATH).status_body(200, "text/plain", "ok"),
            "content-type text/plain",
        ),
        (
            Fault::on("GET", PATH).status_body(200, "text/html", "<html>"),
            "content-type text/html",
        ),
        (
            Fault::on("GET", PATH).status_body(200, "application/json", ""),
            "empty response body",
        ),
        (
            Fault::on("GET", PATH).status_body(200, "application/json", r#"{"ok": tr"#),
            "truncated JSON",
        ),
        (
            Fault::on("GET", PATH).status_body(200, "application/json", r#"{"ok": null}"#),
            "`ok`",
        ),
        (
            Fault::on("GET", PATH).status_body(200, "application/json", r#"[1,2]"#),
            "invalid type",
        ),
        (
            Fault::on("GET", PATH).status_body(200, "application/json", vec![0xff, 0xfe]),
            "malformed JSON",
        ),
    ];
    for (fault, want) in cases {
        sandbox.reset();
        sandbox.inject(fault);
        let resp = c
            .execute(request(
                &sandbox,
                Operation::ListPaymentMethods,
                Method::GET,
            ))
            .await
            .unwrap();
        let err = resp.json::<Shape>().unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
        assert!(err.to_string().contains(want), "{want}: {err}");
    }
    sandbox.reset();
    sandbox.inject(ok_body());
    let resp = c
        .execute(request(
            &sandbox,
            Operation::ListPaymentMethods,
            Method::GET,
        ))
        .await
        .unwrap();
    assert!(resp.json::<Shape>().unwrap().ok);
}

#[tokio::test]
async fn truncated_body_is_a_transport_error_and_reads_retry_it() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(Fault::on("GET", PATH).kind(FaultKind::Truncate).times(1));
    sandbox.inject(ok_body());
    let resp = client(1)
        .execute(request(
            &sandbox,
            Operation::ListPaymentMethods,
            Method::GET,
        ))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(sandbox.count("GET", PATH), 2);
}

#[tokio::test]
async fn sensitive_headers_reach_the_server_but_no_debug() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(ok_body());
    let secret = SecretString::from("jwt-VERY-SECRET".to_owned());
    let req = request(&sandbox, Operation::ListPaymentMethods, Method::GET).header(
        http::header::AUTHORIZATION,
        sensitive_header("TOKEN", "Bearer ", &secret).unwrap(),
    );
    assert!(!format!("{req:?}").contains("VERY-SECRET"));
    assert!(!format!("{:?}", req.headers()).contains("VERY-SECRET"));
    let c = client(0);
    assert!(!format!("{c:?}").contains("VERY-SECRET"));
    c.execute(req).await.unwrap();
    let recorded = &sandbox.requests()[0];
    assert!(recorded.sent_secret("authorization", "Bearer jwt-VERY-SECRET"));
    assert!(!format!("{recorded:?}").contains("VERY-SECRET"));
}

#[tokio::test]
async fn per_call_timeout_overrides_the_client_default() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(Fault::on("GET", PATH).delay(Duration::from_millis(400)));
    let started = Instant::now();
    let err = client(0)
        .execute(
            request(&sandbox, Operation::ListPaymentMethods, Method::GET)
                .timeout(Some(Duration::from_millis(100))),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(390));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_retry_after_beyond_the_total_timeout_returns_the_429_at_once() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(Fault::on("GET", PATH).rate_limit(Some("1")));
    let c = HttpClient::new(
        HttpConfig::default()
            .with_timeout(Duration::from_millis(500))
            .with_retry(
                RetryPolicy::default()
                    .with_max_retries(2)
                    .with_max_retry_after(Duration::from_secs(2)),
            ),
    )
    .unwrap();
    let started = Instant::now();
    let resp = c
        .execute(request(
            &sandbox,
            Operation::ListPaymentMethods,
            Method::GET,
        ))
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(450),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(sandbox.count("GET", PATH), 1);
    match resp.error(None) {
        Error::RateLimited { retry_after, .. } => {
            assert_eq!(retry_after, Some(Duration::from_secs(1)))
        }
        other => panic!("{other:?}"),
    }
}
