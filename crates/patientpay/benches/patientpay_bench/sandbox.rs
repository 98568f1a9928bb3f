//! `sandbox_vs_raw_hyper` (reqwest clients against the sandbox and against a bare hyper
//! server answering the same bytes) and the SDK's throughput and p99 latency against
//! concurrency, against both servers, with the SDK's connection cap in effect.

use std::sync::Arc;
use std::time::{Duration, Instant};

use patientpay::PaymentMethods;
use patientpay::pipeline::HttpConfig;
use patientpay_sandbox::Sandbox;
use patientpay_sandbox::credentials::CAREPORTALS_ORIGIN;

use crate::sdk::{BEARER, careportals, sdk_call};
use crate::servers::fixed_server;
use crate::stats::{Ratio, median, percentile};
use crate::svg::{Series, line_chart};

/// `concurrency` reqwest tasks sharing one client hammer `url` for `duration`: requests/s
/// and every request's latency (µs). Every request carries the headers the sandbox checks
/// (`Origin` and the CarePortals bearer token), whichever server it goes to: the two servers
/// are compared on the same requests, and the bare one ignores them.
pub async fn throughput(url: &str, concurrency: usize, duration: Duration) -> (f64, Vec<f64>) {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + duration;
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let client = client.clone();
        let url = url.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while Instant::now() < deadline {
                let t = Instant::now();
                let resp = client
                    .get(&url)
                    .header("origin", CAREPORTALS_ORIGIN)
                    .header("authorization", BEARER.as_str())
                    .send()
                    .await
                    .expect("send");
                assert!(resp.status().is_success(), "status {}", resp.status());
                let _ = resp.bytes().await.expect("body");
                lat.push(t.elapsed().as_secs_f64() * 1e6);
            }
            lat
        }));
    }
    let started = Instant::now();
    let mut lats = Vec::new();
    for t in tasks {
        lats.extend(t.await.expect("task"));
    }
    (lats.len() as f64 / started.elapsed().as_secs_f64(), lats)
}

/// The sandbox and the URL of its CarePortals list, and a bare server answering the bytes
/// the sandbox answers there (sampled once). Both on the caller's runtime, like the
/// clients: the two servers get the same share of the machine.
pub async fn sandbox_and_bare() -> (Sandbox, String, String) {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let sandbox_url = format!("{}/users/payment-methods", sandbox.base_url());
    let sample = reqwest::Client::new()
        .get(&sandbox_url)
        .header("authorization", BEARER.as_str())
        .header("origin", CAREPORTALS_ORIGIN)
        .send()
        .await
        .expect("sample")
        .bytes()
        .await
        .expect("sample body");
    let bare = fixed_server(sample).await;
    (
        sandbox,
        sandbox_url,
        format!("http://{bare}/users/payment-methods"),
    )
}

/// The figure: bare requests/s ÷ sandbox requests/s (32 clients), median of per-window
/// ratios, windows alternating which server goes first.
pub async fn sandbox_figure(quick: bool) -> Ratio {
    let (sandbox, sandbox_url, bare_url) = sandbox_and_bare().await;
    // Many short windows rather than a few long ones: the median of 25 per-window ratios
    // moved by less between runs than the median of 9 one-second windows (whose p10–p90
    // spanned 0.83–1.13 in one run).
    let secs = Duration::from_millis(if quick { 300 } else { 400 });
    let (mut bare_rps, mut sbx_rps) = (Vec::new(), Vec::new());
    let (mut bare_lat, mut sbx_lat) = (Vec::new(), Vec::new());
    // One discarded warm-up window per side.
    let _ = throughput(&bare_url, 32, Duration::from_millis(200)).await;
    let _ = throughput(&sandbox_url, 32, Duration::from_millis(200)).await;
    for round in 0..if quick { 5_usize } else { 25 } {
        for side in if round.is_multiple_of(2) {
            [0, 1]
        } else {
            [1, 0]
        } {
            if side == 0 {
                let (rps, lat) = throughput(&bare_url, 32, secs).await;
                bare_rps.push(rps);
                bare_lat.extend(lat);
            } else {
                sandbox.clear_requests();
                let (rps, lat) = throughput(&sandbox_url, 32, secs).await;
                sbx_rps.push(rps);
                sbx_lat.extend(lat);
            }
        }
    }
    sandbox.clear_requests();
    let ratio = Ratio::of(&bare_rps, &sbx_rps);
    println!(
        "sandbox_vs_raw_hyper: bare {:.0} req/s p50 {:.0}µs p99 {:.0}µs | sandbox {:.0} req/s p50 {:.0}µs p99 {:.0}µs (32 clients) | {ratio}",
        median(&bare_rps),
        percentile(&bare_lat, 0.5),
        percentile(&bare_lat, 0.99),
        median(&sbx_rps),
        percentile(&sbx_lat, 0.5),
        percentile(&sbx_lat, 0.99)
    );
    ratio
}

/// `concurrency` tasks calling the SDK's `list_payment_methods` for `duration`: calls/s
/// and every call's latency (µs).
async fn sdk_throughput(
    provider: &Arc<dyn PaymentMethods>,
    concurrency: usize,
    duration: Duration,
) -> (f64, Vec<f64>) {
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let provider = Arc::clone(provider);
            tokio::spawn(async move {
                let mut lat = Vec::new();
                while Instant::now() < deadline {
                    let t = Instant::now();
                    sdk_call(provider.as_ref()).await;
                    lat.push(t.elapsed().as_secs_f64() * 1e6);
                }
                lat
            })
        })
        .collect();
    let mut lats = Vec::new();
    for t in tasks {
        lats.extend(t.await.expect("task"));
    }
    (lats.len() as f64 / started.elapsed().as_secs_f64(), lats)
}

/// SDK throughput and p99 latency at concurrency 1, 8, 32, 128 and 512 against the sandbox
/// and against bare hyper (the sandbox's bytes), default `HttpConfig` (connection cap 64
/// per host: above it, calls wait for a connection). Printed, and plotted to
/// `docs/perf/concurrency_throughput.svg` and `docs/perf/concurrency_p99.svg`.
pub async fn concurrency_curve(quick: bool) {
    let levels = [1_usize, 8, 32, 128, 512];
    let (sandbox, sandbox_url, bare_url) = sandbox_and_bare().await;
    let base = |url: &str| url.trim_end_matches("/users/payment-methods").to_owned();
    let config = HttpConfig::default();
    let cap = config.max_connections_per_host;
    let on_sandbox = careportals(&base(&sandbox_url), config.clone());
    let on_bare = careportals(&base(&bare_url), config);
    let window = Duration::from_millis(if quick { 300 } else { 1500 });
    let mut rps: [Vec<(f64, f64)>; 2] = Default::default();
    let mut p99: [Vec<(f64, f64)>; 2] = Default::default();
    for (i, &c) in levels.iter().enumerate() {
        let mut line = format!("concurrency_curve c={c} (cap {cap}):");
        for side in if i % 2 == 0 { [0, 1] } else { [1, 0] } {
            let provider = if side == 0 { &on_sandbox } else { &on_bare };
            let _ = sdk_throughput(provider, c, Duration::from_millis(100)).await;
            sandbox.clear_requests();
            let (r, lat) = sdk_throughput(provider, c, window).await;
            sandbox.clear_requests();
            let (p50, q99) = (percentile(&lat, 0.5), percentile(&lat, 0.99));
            line.push_str(&format!(
                " | {} {r:.0} calls/s p50 {p50:.0}µs p99 {q99:.0}µs",
                if side == 0 { "sandbox" } else { "bare" }
            ));
            rps[side].push((c as f64, r));
            p99[side].push((c as f64, q99 / 1000.0));
        }
        println!("{line}");
    }
    for v in rps.iter_mut().chain(p99.iter_mut()) {
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    let ticks: Vec<f64> = levels.iter().map(|&c| c as f64).collect();
    let [rs, rb] = rps;
    let [ps, pb] = p99;
    crate::write_plot(
        "concurrency_throughput.svg",
        &line_chart(
            &format!("SDK list_payment_methods: throughput (connection cap {cap})"),
            "concurrent callers (log scale)",
            "calls per second",
            &ticks,
            &[
                Series {
                    name: "SDK → sandbox",
                    points: rs,
                },
                Series {
                    name: "SDK → bare hyper",
                    points: rb,
                },
            ],
        ),
    );
    crate::write_plot(
        "concurrency_p99.svg",
        &line_chart(
            &format!("SDK list_payment_methods: p99 latency (connection cap {cap})"),
            "concurrent callers (log scale)",
            "p99 latency (ms)",
            &ticks,
            &[
                Series {
                    name: "SDK → sandbox",
                    points: ps,
                },
                Series {
                    name: "SDK → bare hyper",
                    points: pb,
                },
            ],
        ),
    );
}
