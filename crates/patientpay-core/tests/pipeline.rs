//! The request pipeline (`Api` running declared `Endpoint`s) against small loopback servers
//! written in the test: outcome classification of money calls, redirects, bounded error
//! bodies, checked path ids, idempotent removal, the connection cap, scrubbing and metadata.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use http::HeaderMap;
use patientpay_core::pipeline::{
    Api, BaseUrl, Call, Endpoint, HttpClient, HttpConfig, RetryPolicy, RetrySafety, VendorResponse,
    sensitive_header,
};
use patientpay_core::{CallOptions, Error, MetaSlot, Operation};
use secrecy::SecretString;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A server that answers every request with `respond(n)` (n = 0-based request number),
/// counting requests and keeping the peak of concurrent connections.
struct Stub {
    base: String,
    hits: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
    seen: Arc<std::sync::Mutex<Vec<String>>>,
}

async fn stub(delay: Duration, respond: impl Fn(usize) -> Vec<u8> + Send + Sync + 'static) -> Stub {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let live = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let respond = Arc::new(respond);
    let (h, p, s) = (hits.clone(), peak.clone(), seen.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let (h, p, s, live, respond) = (
                h.clone(),
                p.clone(),
                s.clone(),
                live.clone(),
                respond.clone(),
            );
            tokio::spawn(async move {
                let now = live.fetch_add(1, Ordering::SeqCst) + 1;
                p.fetch_max(now, Ordering::SeqCst);
                loop {
                    let mut buf = vec![0u8; 64 * 1024];
                    let mut got = Vec::new();
                    // Read one request (headers + a Content-Length body).
                    let request = loop {
                        let Ok(n) = sock.read(&mut buf).await else {
                            break None;
                        };
                        if n == 0 {
                            break None;
                        }
                        got.extend_from_slice(&buf[..n]);
                        if let Some(end) = find(&got, b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&got[..end]).to_string();
                            let len = head
                                .lines()
                                .find_map(|l| {
                                    l.to_ascii_lowercase()
                                        .strip_prefix("content-length:")
                                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                                })
                                .unwrap_or(0);
                            if got.len() >= end + 4 + len {
                                break Some(String::from_utf8_lossy(&got).to_string());
                            }
                        }
                    };
                    let Some(request) = request else { break };
                    s.lock().unwrap().push(request);
                    let n = h.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(delay).await;
                    if sock.write_all(&respond(n)).await.is_err() {
                        break;
                    }
                }
                live.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    Stub {
        base,
        hits,
        peak,
        seen,
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn answer(status: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\ncontent-length: {}\r\n", body.len());
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    out.into_bytes()
}

fn json(status: &str, body: &str) -> Vec<u8> {
    answer(
        status,
        &[
            ("content-type", "application/json"),
            ("x-request-id", "req_42"),
        ],
        body,
    )
}

const SECRET: &str = "sk_live_SECRET_KEY_123";

fn message_shape(resp: &VendorResponse) -> Option<String> {
    resp.json_lenient()?
        .get("message")?
        .as_str()
        .map(str::to_owned)
}

fn api(base: &str, config: HttpConfig) -> Api {
    let mut auth = HeaderMap::new();
    auth.insert(
        "api-key",
        sensitive_header("API_KEY", "", &SecretString::from(SECRET)).unwrap(),
    );
    Api::new(
        "test",
        HttpClient::new(config).unwrap(),
        BaseUrl::parse(base).unwrap(),
        auth,
        message_shape,
        vec![SecretString::from(SECRET)],
    )
}

fn fast() -> HttpConfig {
    HttpConfig::default()
        .with_timeout(Duration::from_secs(5))
        .with_retry(
            RetryPolicy::default()
                .with_max_retries(2)
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(10)),
        )
}

const SETTLE: Endpoint = Endpoint::post(
    Operation::SettleChargesFromCredit,
    &["settle"],
    RetrySafety::NotIdempotent,
)
.moves_money();
const READ: Endpoint = Endpoint::get(Operation::GetCharge, &["charges", ":charge_id"]);
const REMOVE: Endpoint = Endpoint::delete(Operation::RemovePaymentMethod, &["methods", ":id"]);
const KEYED: Endpoint = Endpoint::post(
    Operation::CreateCasePayment,
    &["cases", "pay"],
    RetrySafety::IdempotencyKeyed,
)
.moves_money();

#[derive(serde::Deserialize, Debug)]
#[allow(dead_code)]
struct Paid {
    id: String,
    amount: i64,
}

#[tokio::test]
async fn undecodable_200_on_a_money_call_is_outcome_unknown_with_status_and_request_id() {
    for body in [
        r#"{"id": "pay_1", "amount": "x"}"#,
        r#"{"id": "pay_1", "amo"#,
        "",
    ] {
        let s = stub(Duration::ZERO, move |_| json("200 OK", body)).await;
        let err = api(&s.base, fast())
            .json::<Paid>(&SETTLE, Call::new())
            .await
            .unwrap_err();
        assert!(err.is_outcome_unknown(), "{body}: {err:?}");
        assert!(err.may_have_been_sent());
        assert_eq!(err.status(), Some(200));
        assert_eq!(err.request_id(), Some("req_42"));
        assert!(err.to_string().contains("outcome unknown"), "{err}");
        assert!(err.next_step().contains("before retrying"));
        assert_eq!(s.hits.load(Ordering::SeqCst), 1);
    }
}

#[tokio::test]
async fn undecodable_200_on_a_read_is_a_plain_decode_error() {
    let s = stub(Duration::ZERO, |_| json("200 OK", r#"{"id": 1}"#)).await;
    let err = api(&s.base, fast())
        .json::<Paid>(&READ, Call::new().param("ch_1"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn over_cap_200_on_a_money_call_is_outcome_unknown() {
    let big = format!(r#"{{"id": "{}", "amount": 1}}"#, "x".repeat(4096));
    let s = stub(Duration::ZERO, move |_| json("200 OK", &big)).await;
    let err = api(&s.base, fast().with_max_response_bytes(1024))
        .json::<Paid>(&SETTLE, Call::new())
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert_eq!(err.status(), Some(200));
    assert_eq!(s.hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_5xx_on_a_money_call_is_outcome_unknown_and_sent_once() {
    let s = stub(Duration::ZERO, |_| {
        json("502 Bad Gateway", r#"{"message": "upstream"}"#)
    })
    .await;
    let err = api(&s.base, fast())
        .send(&SETTLE, Call::new())
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert_eq!(err.status(), Some(502));
    assert_eq!(s.hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_4xx_on_a_money_call_is_a_definite_failure() {
    let s = stub(Duration::ZERO, |_| {
        json("402 Payment Required", r#"{"message": "card declined"}"#)
    })
    .await;
    let err = api(&s.base, fast())
        .send(&SETTLE, Call::new())
        .await
        .unwrap_err();
    assert!(!err.is_outcome_unknown(), "{err:?}");
    assert!(!err.may_have_been_sent());
    assert!(err.to_string().contains("card declined"), "{err}");
}

#[tokio::test]
async fn keyed_money_calls_are_retried_after_a_500_with_the_same_body() {
    let s = stub(Duration::ZERO, |n| {
        if n == 0 {
            json("500 Internal Server Error", r#"{"message": "boom"}"#)
        } else {
            json("200 OK", r#"{"id": "pay_1", "amount": 5}"#)
        }
    })
    .await;
    let (paid, _) = api(&s.base, fast())
        .json::<Paid>(
            &KEYED,
            Call::new()
                .json(&serde_json::json!({"idempotencyKey": "k-1"}))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(paid.id, "pay_1");
    let seen = s.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|r| r.contains(r#""idempotencyKey":"k-1""#)));
}

#[tokio::test]
async fn redirects_are_refused_even_with_a_redirect_following_builder() {
    let target = stub(Duration::ZERO, |_| {
        json("200 OK", r#"{"id": "x", "amount": 1}"#)
    })
    .await;
    let location = format!("{}/elsewhere", target.base);
    let s = stub(Duration::ZERO, move |_| {
        answer("307 Temporary Redirect", &[("location", &location)], "")
    })
    .await;
    let builder = reqwest::Client::builder().redirect(reqwest::redirect::Policy::limited(5));
    let http = HttpClient::from_reqwest_builder(builder, fast()).unwrap();
    let mut auth = HeaderMap::new();
    auth.insert(
        "api-key",
        sensitive_header("API_KEY", "", &SecretString::from(SECRET)).unwrap(),
    );
    let api = Api::new(
        "test",
        http,
        BaseUrl::parse(&s.base).unwrap(),
        auth,
        message_shape,
        vec![],
    );
    let err = api
        .send(&SETTLE, Call::new().json(&[1]).unwrap())
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert!(matches!(
        &err,
        Error::OutcomeUnknown { cause, .. } if matches!(**cause, Error::Redirected { status: 307, .. })
    ));
    // Nothing reached the redirect's target: no credentials, no second POST.
    assert_eq!(target.hits.load(Ordering::SeqCst), 0);
    assert_eq!(s.hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn vendor_echoes_of_secrets_and_phi_are_scrubbed() {
    let s = stub(Duration::ZERO, |_| {
        json(
            "400 Bad Request",
            &format!(r#"{{"message": "bad key {SECRET} for Rivera born 1985-04-12"}}"#),
        )
    })
    .await;
    let err = api(&s.base, fast())
        .send(
            &READ,
            Call::new().param("ch_1").phi(["Rivera", "1985-04-12"]),
        )
        .await
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    for leaked in [SECRET, "Rivera", "1985-04-12"] {
        assert!(!shown.contains(leaked), "{leaked} in {shown}");
    }
    assert!(shown.contains("bad key"), "{shown}");
}

#[tokio::test]
async fn unparseable_error_bodies_are_described_never_shown() {
    let s = stub(Duration::ZERO, |_| {
        answer(
            "503 Service Unavailable",
            &[("content-type", "text/html")],
            "<html>jane@example.com sk_live_other</html>",
        )
    })
    .await;
    let err = api(&s.base, fast().with_retry(RetryPolicy::none()))
        .send(&READ, Call::new().param("ch_1"))
        .await
        .unwrap_err();
    let shown = err.to_string();
    assert!(
        !shown.contains("jane") && !shown.contains("html>"),
        "{shown}"
    );
    assert!(shown.contains("text/html body of"), "{shown}");
}

#[tokio::test]
async fn error_bodies_are_cut_at_the_error_cap() {
    let huge = format!(r#"{{"message": "{}"}}"#, "a".repeat(2 * 1024 * 1024));
    let s = stub(Duration::ZERO, move |_| json("400 Bad Request", &huge)).await;
    let err = api(&s.base, fast())
        .send(&READ, Call::new().param("ch_1"))
        .await
        .unwrap_err();
    // Cut at 64 KiB, the JSON no longer parses: described, not shown.
    assert!(err.to_string().contains("or more bytes"), "{err}");
}

#[tokio::test]
async fn bad_path_ids_are_refused_before_sending() {
    let s = stub(Duration::ZERO, |_| json("200 OK", "{}")).await;
    let api = api(&s.base, fast());
    for bad in ["", "..", "a/b", "a b", "é", "x?y", &"x".repeat(70_000)] {
        let err = api.send(&READ, Call::new().param(bad)).await.unwrap_err();
        assert_eq!(err.invalid_field(), Some("charge_id"), "{bad:?}: {err:?}");
    }
    assert_eq!(s.hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_404_to_a_retried_removal_is_removed_a_first_404_is_not() {
    // First attempt: the server handles it but the answer is lost (503), the retry gets 404.
    let s = stub(Duration::ZERO, |n| {
        if n == 0 {
            json("503 Service Unavailable", "{}")
        } else {
            json("404 Not Found", r#"{"message": "no such method"}"#)
        }
    })
    .await;
    let answer = api(&s.base, fast())
        .send(&REMOVE, Call::new().param("pm_1"))
        .await
        .unwrap();
    assert!(answer.already_gone());
    let s = stub(Duration::ZERO, |_| {
        json("404 Not Found", r#"{"message": "no such method"}"#)
    })
    .await;
    let err = api(&s.base, fast())
        .send(&REMOVE, Call::new().param("pm_1"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
}

#[tokio::test]
async fn the_connection_cap_holds_and_every_call_completes() {
    let s = stub(Duration::from_millis(20), |_| {
        json("200 OK", r#"{"id": "a", "amount": 1}"#)
    })
    .await;
    let api = api(&s.base, fast().with_max_connections_per_host(8));
    let calls = (0..200).map(|i| {
        let api = api.clone();
        tokio::spawn(async move {
            let id = format!("ch_{i}");
            api.json::<Paid>(&READ, Call::new().param(&id))
                .await
                .map(|_| ())
        })
    });
    for c in futures_util::future::join_all(calls).await {
        c.unwrap().unwrap();
    }
    assert_eq!(s.hits.load(Ordering::SeqCst), 200);
    let peak = s.peak.load(Ordering::SeqCst);
    assert!(peak <= 8, "peak {peak} connections");
}

#[tokio::test]
async fn response_metadata_is_readable_on_success() {
    let s = stub(Duration::ZERO, |_| {
        answer(
            "200 OK",
            &[
                ("content-type", "application/json"),
                ("x-request-id", "req_7"),
                ("x-ratelimit-limit", "100"),
                ("x-ratelimit-remaining", "99"),
                ("x-ratelimit-reset", "1767225600"),
            ],
            r#"{"id": "a", "amount": 1}"#,
        )
    })
    .await;
    let slot = MetaSlot::new();
    let options = CallOptions::new().with_meta(&slot);
    api(&s.base, fast())
        .json::<Paid>(&READ, Call::new().param("ch_1").options(&options))
        .await
        .unwrap();
    let meta = slot.get().unwrap();
    assert_eq!(meta.status, 200);
    assert_eq!(meta.request_id.as_deref(), Some("req_7"));
    assert_eq!(meta.attempts, 1);
    let rl = meta.rate_limit.unwrap();
    assert_eq!((rl.limit, rl.remaining), (Some(100), Some(99)));
    assert_eq!(rl.reset.as_deref(), Some("1767225600"));
}

#[tokio::test]
async fn hostile_request_ids_are_dropped() {
    let s = stub(Duration::ZERO, |_| {
        answer(
            "400 Bad Request",
            &[
                ("content-type", "application/json"),
                ("x-request-id", "<script>alert(1)</script> jane@example.com"),
            ],
            r#"{"message": "nope"}"#,
        )
    })
    .await;
    let err = api(&s.base, fast())
        .send(&READ, Call::new().param("ch_1"))
        .await
        .unwrap_err();
    assert_eq!(err.request_id(), None);
    assert!(!format!("{err:?}").contains("jane"));
}
