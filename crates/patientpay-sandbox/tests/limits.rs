//! The request log is a ring bounded by count and bytes with bodies cut; slow request heads
//! are cut off.

use std::time::Duration;

use patientpay_sandbox::{LogLimits, Options, Sandbox, credentials};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn intent(sandbox: &Sandbox, body: String) {
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/payments/intent", sandbox.base_url()))
        .header("cv-api-key", credentials::CAREVALIDATE_API_KEY)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success() || resp.status() == 400);
}

async fn start(limits: LogLimits) -> Sandbox {
    Sandbox::start_with_options(
        "127.0.0.1:0".parse().unwrap(),
        Options::default().log(limits),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn count_bound_drops_the_oldest() {
    let sandbox = start(LogLimits::new(5, 1 << 20, 1024)).await;
    for i in 0..8 {
        intent(&sandbox, format!(r#"{{"amount": {}}}"#, i + 1)).await;
    }
    let logged = sandbox.requests();
    assert_eq!(logged.len(), 5);
    assert_eq!(sandbox.requests_dropped(), 3);
    let amounts: Vec<i64> = logged
        .iter()
        .map(|r| r.json.as_ref().unwrap()["amount"].as_i64().unwrap())
        .collect();
    assert_eq!(amounts, [4, 5, 6, 7, 8]);
}

#[tokio::test]
async fn bodies_are_cut_and_bytes_bounded() {
    let sandbox = start(LogLimits::new(1000, 100 * 1024, 16 * 1024)).await;
    // A 1 MiB body: kept as its first 16 KiB, original length recorded, JSON not parsed.
    let big = format!(r#"{{"amount": 1, "pad": "{}"}}"#, "x".repeat(1 << 20));
    intent(&sandbox, big.clone()).await;
    let r = &sandbox.requests()[0];
    assert_eq!(r.body_len, big.len());
    assert_eq!(r.body.len(), 16 * 1024);
    assert!(r.body_truncated);
    assert!(r.json.is_none());
    assert_eq!(&r.body[..], &big.as_bytes()[..16 * 1024]);
    // Ten more: the log stays under its byte bound by dropping the oldest.
    for _ in 0..10 {
        intent(&sandbox, big.clone()).await;
    }
    assert!(
        sandbox.requests_bytes() <= 100 * 1024,
        "{}",
        sandbox.requests_bytes()
    );
    let kept = sandbox.requests().len();
    assert!((1..11).contains(&kept), "{kept}");
    assert_eq!(sandbox.requests_dropped(), 11 - kept as u64);
    // A small body is kept whole and parsed.
    intent(&sandbox, r#"{"amount": 2}"#.into()).await;
    let last = sandbox.requests().pop().unwrap();
    assert!(!last.body_truncated);
    assert_eq!(last.json.unwrap()["amount"], 2);
}

#[tokio::test]
async fn a_slow_request_head_is_cut_off() {
    let sandbox = Sandbox::start_with_options(
        "127.0.0.1:0".parse().unwrap(),
        Options::default().header_read_timeout(Duration::from_millis(200)),
    )
    .await
    .unwrap();
    let mut stream = tokio::net::TcpStream::connect(sandbox.addr())
        .await
        .unwrap();
    stream
        .write_all(b"GET /users/payment-methods HTTP/1.1\r\nhost: x\r\n")
        .await
        .unwrap();
    // The server closes the connection; the guard only keeps a broken build from hanging.
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the sandbox kept a half-sent request open");
    assert!(sandbox.requests().is_empty(), "nothing was handled");
    // A normal request still works.
    let resp = reqwest::Client::new()
        .get(format!("{}/users/payment-methods", sandbox.base_url()))
        .bearer_auth(credentials::CAREPORTALS_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}
