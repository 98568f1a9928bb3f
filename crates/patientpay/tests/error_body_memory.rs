//! Memory stays flat when a vendor answers errors with huge bodies: 16 concurrent calls
//! each get a 15 MB JSON error answer (500 with a `Content-Length`, 400 chunked), and the
//! process's peak resident memory (`VmHWM`) grows by far less than 16 × 15 MB, because the
//! SDK reads an error body only up to its 64 KiB cap and never parses beyond it.
//!
//! Alone in its file on purpose: nextest runs each test in its own process, so `VmHWM` is
//! this test's peak. The server runs in this process too, so it streams the body from one
//! shared 64 KiB piece instead of holding 15 MB per connection.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use patientpay::careportals::CarePortalsBuilder;
use patientpay::pipeline::{HttpConfig, RetryPolicy};
use patientpay::{Error, ListPaymentMethods, PaymentMethods};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtZW1vcnktcGF0aWVudCJ9.SIGmemory";
/// The size of each error body.
const BODY_BYTES: usize = 15 * 1024 * 1024;
/// Concurrent calls.
const CALLS: usize = 16;
/// Allowed growth of the peak resident memory over the baseline.
const ALLOWED_GROWTH: u64 = 64 * 1024 * 1024;
/// The filler inside the vendor's `message`, looked for in the errors.
const FILLER: u8 = b'z';

/// `VmHWM` (peak resident memory) of this process, in bytes; `None` without `/proc`.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// A server answering every request with a `BODY_BYTES` JSON error in CarePortals' shape:
/// odd connections 500 with `Content-Length`, even ones 400 chunked. Returns its base URL
/// and the count of body bytes it managed to write (the client stops reading early).
async fn huge_error_server() -> (String, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let written = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&written);
    let piece: Arc<Vec<u8>> = Arc::new(vec![FILLER; 64 * 1024]);
    tokio::spawn(async move {
        let mut n = 0u64;
        while let Ok((mut sock, _)) = listener.accept().await {
            n += 1;
            let chunked = n.is_multiple_of(2);
            let piece = Arc::clone(&piece);
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                let mut got = Vec::new();
                let mut buf = [0u8; 4096];
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(k) => got.extend_from_slice(&buf[..k]),
                    }
                }
                let head = br#"{"statusCode":500,"error":"Internal Server Error","message":""#;
                let tail = br#""}"#;
                let filler = BODY_BYTES - head.len() - tail.len();
                let (status, framing) = if chunked {
                    ("400 Bad Request", "transfer-encoding: chunked".to_owned())
                } else {
                    (
                        "500 Internal Server Error",
                        format!("content-length: {BODY_BYTES}"),
                    )
                };
                let start = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n{framing}\r\nconnection: close\r\n\r\n"
                );
                if sock.write_all(start.as_bytes()).await.is_err() {
                    return;
                }
                // The body, in pieces: head, filler, tail (each chunk-framed if chunked).
                let mut parts: Vec<&[u8]> = vec![head];
                let mut left = filler;
                while left > 0 {
                    let k = left.min(piece.len());
                    parts.push(&piece[..k]);
                    left -= k;
                }
                parts.push(tail);
                for part in parts {
                    let ok = if chunked {
                        let frame = format!("{:x}\r\n", part.len());
                        sock.write_all(frame.as_bytes()).await.is_ok()
                            && sock.write_all(part).await.is_ok()
                            && sock.write_all(b"\r\n").await.is_ok()
                    } else {
                        sock.write_all(part).await.is_ok()
                    };
                    if !ok {
                        return;
                    }
                    counter.fetch_add(part.len() as u64, Ordering::Relaxed);
                }
                if chunked {
                    let _ = sock.write_all(b"0\r\n\r\n").await;
                }
            });
        }
    });
    (base, written)
}

fn client(base: &str, max_error_body_bytes: Option<u64>) -> patientpay::careportals::CarePortals {
    let mut config = HttpConfig::default()
        .with_timeout(Duration::from_secs(60))
        .with_retry(RetryPolicy::none());
    if let Some(cap) = max_error_body_bytes {
        config = config.with_max_error_body_bytes(cap);
    }
    CarePortalsBuilder::new()
        .with_token(JWT)
        .with_origin("https://demo.portals.care")
        .with_base_url(base)
        .with_http_config(config)
        .build()
        .unwrap()
}

/// `CALLS` concurrent list calls; returns every error and the growth of `VmHWM` over the
/// peak before the calls.
async fn concurrent_calls(client: &patientpay::careportals::CarePortals) -> (Vec<Error>, u64) {
    let baseline = peak_rss().unwrap();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..CALLS {
        let client = client.clone();
        set.spawn(async move { client.list_payment_methods(ListPaymentMethods::new()).await });
    }
    let mut errors = Vec::new();
    while let Some(done) = set.join_next().await {
        errors.push(done.unwrap().expect_err("a 15 MB error answer is an error"));
    }
    let peak = peak_rss().unwrap();
    println!(
        "VmHWM before {:.1} MiB, after {CALLS} concurrent calls {:.1} MiB",
        baseline as f64 / 1048576.0,
        peak as f64 / 1048576.0
    );
    (errors, peak.saturating_sub(baseline))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_concurrent_15_mb_error_answers_keep_memory_flat() {
    if peak_rss().is_none() {
        println!("skipped: /proc/self/status is not available here, so peak memory cannot be read");
        return;
    }
    let (base, written) = huge_error_server().await;
    let client = client(&base, None);

    // Warm up (runtime, connection pool, tracing callsites) with two calls, one of each
    // framing, before the baseline.
    for _ in 0..2 {
        let e = client
            .list_payment_methods(ListPaymentMethods::new())
            .await
            .unwrap_err();
        assert!(matches!(e.status(), Some(400 | 500)), "{e:?}");
    }
    let (errors, growth) = concurrent_calls(&client).await;
    println!(
        "default 64 KiB error-body cap: growth {:.1} MiB; the server wrote {:.1} MiB of body in \
         all before the client hung up",
        growth as f64 / 1048576.0,
        written.load(Ordering::Relaxed) as f64 / 1048576.0
    );
    assert!(
        growth < ALLOWED_GROWTH,
        "peak RSS grew by {growth} bytes with {CALLS} concurrent 15 MB error answers \
         (allowed: {ALLOWED_GROWTH}; reading them whole would take {})",
        CALLS * BODY_BYTES
    );

    // Typed errors: the status kept, the body never in Display or Debug.
    let mut statuses = Vec::new();
    let filler_run = String::from_utf8(vec![FILLER; 32]).unwrap();
    for e in &errors {
        let Error::Vendor {
            status, message, ..
        } = e
        else {
            panic!("a vendor error: {e:?}");
        };
        statuses.push(*status);
        let shown = format!("{e}\n{e:?}");
        assert!(
            !shown.contains(&filler_run),
            "the error body is not shown: {shown:.300}"
        );
        assert!(
            shown.len() < 2048,
            "a one-line error, not the body: {} bytes",
            shown.len()
        );
        assert!(message.len() < 512, "{message:.300}");
        assert!(e.to_string().contains(&status.to_string()), "{e}");
    }
    assert_eq!(statuses.len(), CALLS);
    assert!(
        statuses.contains(&400) && statuses.contains(&500),
        "both framings were answered: {statuses:?}"
    );

    // The measurement can fail: with the error-body cap raised to one byte under the body
    // size the same calls read (almost) whole bodies — then cut them, so nothing is parsed
    // and the control stays quick — and the peak shows it.
    let (_, growth_whole) = concurrent_calls(&client_with_whole_bodies(&base)).await;
    println!(
        "error-body cap 15 MiB - 1 (control): growth {:.1} MiB",
        growth_whole as f64 / 1048576.0
    );
    assert!(
        growth_whole > 2 * ALLOWED_GROWTH,
        "the control reads {CALLS} bodies of 15 MB whole, so VmHWM must grow by more than \
         {} bytes; it grew by {growth_whole}: the measurement would not see a regression",
        2 * ALLOWED_GROWTH
    );
}

fn client_with_whole_bodies(base: &str) -> patientpay::careportals::CarePortals {
    client(base, Some(BODY_BYTES as u64 - 1))
}
