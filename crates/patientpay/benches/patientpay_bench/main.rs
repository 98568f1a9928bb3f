//! `cargo xtask bench`: patientpay against what a user would write by hand and against the
//! raw limit. Each pair is measured interleaved in one run (A B, B A, ...), many rounds,
//! after warm-up; a figure is the median of the per-round ratios, printed with their
//! p10–p90 spread. Also prints the cost curves (parse time vs answer size, throughput and
//! p99 vs concurrency; SVG plots into docs/perf/) and the peak memory of a 16 MiB parse.
//! Ends with one `ratio NAME VALUE` line per figure, VALUE = patientpay's cost ÷ the
//! baseline's. See docs/performance.md.

mod alloc;
mod decoda;
mod parse;
mod sandbox;
mod sdk;
mod servers;
mod stats;
mod svg;

use std::time::{Duration, Instant};

use patientpay::pipeline::HttpConfig;

use crate::stats::{Ratio, median, percentile};

/// Writes `svg` to `docs/perf/<name>` of the repository (a failure is reported, not fatal:
/// the figures are already printed).
pub fn write_plot(name: &str, svg: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/perf");
    let path = dir.join(name);
    match std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, svg)) {
        Ok(()) => println!("plot written: docs/perf/{name}"),
        Err(e) => println!("plot docs/perf/{name} not written: {e}"),
    }
}

/// `sdk_vs_raw_reqwest` at one concurrency: the detail line, and the figure.
async fn sdk_figure(concurrency: usize, rounds: usize, warm: usize) -> Ratio {
    let per_task = 20;
    let r = sdk::sdk_vs_raw(concurrency, rounds, per_task, warm).await;
    let ratio = Ratio::of(&r.sdk, &r.raw);
    let calls = (concurrency * per_task) as f64;
    println!(
        "sdk_vs_raw_reqwest concurrency={concurrency}: sdk {:.0} req/s p50 {:.0}µs p99 {:.0}µs | raw {:.0} req/s p50 {:.0}µs p99 {:.0}µs | {ratio}",
        calls / median(&r.sdk),
        percentile(&r.sdk_lat, 0.5),
        percentile(&r.sdk_lat, 0.99),
        calls / median(&r.raw),
        percentile(&r.raw_lat, 0.5),
        percentile(&r.raw_lat, 0.99),
    );
    ratio
}

/// `PATIENTPAY_BENCH_PROFILE=sdk|raw|sdk32|raw32|typed|value|sandbox|bare|breakdown` runs one side
/// alone for a few seconds, for `perf record` (see docs/performance.md), and prints only
/// how much it did. `PATIENTPAY_BENCH_PROFILE=alloc` prints only the `alloc_sdk_vs_raw`
/// lines (see `main`); `sdkfig` only the two `sdk_vs_raw_reqwest` lines and the figure.
async fn profile_one_side(side: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    match side {
        "sdk" | "raw" => {
            let addr = servers::fixed_server_thread(sdk::careportals_list_body());
            let base = format!("http://{addr}");
            let url = format!("{base}/users/payment-methods");
            let raw = reqwest::Client::new();
            let provider = sdk::careportals(&base, HttpConfig::default());
            let mut calls = 0_u64;
            while Instant::now() < deadline {
                if side == "sdk" {
                    sdk::sdk_call(provider.as_ref()).await;
                } else {
                    sdk::raw_call(&raw, &url).await;
                }
                calls += 1;
            }
            // For `perf stat`: counters ÷ calls = cost per call, server side included.
            println!("{side}: {calls} calls");
        }
        "sdk32" | "raw32" => {
            // 32 tasks sharing one client, as `sdk_vs_raw_reqwest concurrency=32`;
            // `PATIENTPAY_BENCH_BODY=empty` answers `[]`: the per-call cost without a parse.
            let body = if std::env::var("PATIENTPAY_BENCH_BODY").as_deref() == Ok("empty") {
                bytes::Bytes::from_static(b"[]")
            } else {
                sdk::careportals_list_body()
            };
            let addr = servers::fixed_server_thread(body);
            let base = format!("http://{addr}");
            let url = format!("{base}/users/payment-methods");
            let raw = reqwest::Client::new();
            let provider = sdk::careportals(&base, HttpConfig::default());
            let mut tasks = Vec::new();
            for _ in 0..32 {
                let (provider, raw, url) = (provider.clone(), raw.clone(), url.clone());
                let sdk_side = side == "sdk32";
                tasks.push(tokio::spawn(async move {
                    let mut calls = 0_u64;
                    while Instant::now() < deadline {
                        if sdk_side {
                            sdk::sdk_call(provider.as_ref()).await;
                        } else {
                            sdk::raw_call(&raw, &url).await;
                        }
                        calls += 1;
                    }
                    calls
                }));
            }
            let mut calls = 0_u64;
            for t in tasks {
                calls += t.await.expect("task");
            }
            println!("{side}: {calls} calls");
        }
        "typed" | "value" => {
            let body = decoda::verify_body(260);
            let resp = parse::verify_response(&body);
            let mut calls = 0_u64;
            while Instant::now() < deadline {
                calls += 1;
                if side == "typed" {
                    parse::typed_parse(&resp);
                } else {
                    parse::value_parse(&body);
                }
            }
            println!("{side}: {calls} parses");
        }
        "sandbox" | "bare" => {
            // 32 clients for 5 s against the sandbox, or against a bare hyper server
            // answering the sandbox's bytes, for `perf record` of one side.
            let (_sandbox, sandbox_url, bare_url) = sandbox::sandbox_and_bare().await;
            let url = if side == "bare" {
                bare_url
            } else {
                sandbox_url
            };
            let (rps, _) = sandbox::throughput(&url, 32, Duration::from_secs(5)).await;
            println!("{side}: {rps:.0} req/s");
        }
        "breakdown" => sdk::breakdown().await,
        "sdkfig" => {
            // The `sdk_vs_raw_reqwest` figure alone (both concurrencies), to iterate on it.
            let c1 = sdk_figure(1, 400, 5).await;
            let c32 = sdk_figure(32, 80, 5).await;
            println!("ratio sdk_vs_raw_reqwest {:.3}", c1.median.max(c32.median));
        }
        other => panic!("PATIENTPAY_BENCH_PROFILE: unknown side {other:?}"),
    }
}

/// `alloc_sdk_vs_raw`: prints the CarePortals and Decoda lines and returns the worse ratio.
/// Runs outside any multi-thread runtime (current-thread runtimes of its own, so that only
/// the client's allocations are counted).
fn alloc_figures(calls: usize) -> f64 {
    let [cp_sdk, cp_raw] = alloc::careportals_per_call(calls);
    let cp = cp_sdk.allocs / cp_raw.allocs;
    println!(
        "alloc_sdk_vs_raw (CarePortals list, 5 cards, per call, client side): sdk {:.1} allocations {:.1} KB | raw {:.1} allocations {:.1} KB | ratio {cp:.3} (allocations), {:.3} (bytes)",
        cp_sdk.allocs,
        cp_sdk.bytes / 1024.0,
        cp_raw.allocs,
        cp_raw.bytes / 1024.0,
        cp_sdk.bytes / cp_raw.bytes,
    );
    let charges = 10;
    let [dc_sdk, dc_raw] = alloc::decoda_per_call(calls / 5, charges);
    let dc = dc_sdk.allocs / dc_raw.allocs;
    let body = decoda::verify_body(charges);
    let resp = parse::verify_response(&body);
    let ((), parse_n, _) = alloc::count_allocations(|| parse::typed_parse(&resp));
    println!(
        "alloc_sdk_vs_raw (Decoda verify, {charges} charges, {} KB, per call, client side): sdk {:.1} allocations {:.1} KB (the parse and map alone: {parse_n}) | raw {:.1} allocations {:.1} KB | ratio {dc:.3} (allocations), {:.3} (bytes)",
        body.len() / 1024,
        dc_sdk.allocs,
        dc_sdk.bytes / 1024.0,
        dc_raw.allocs,
        dc_raw.bytes / 1024.0,
        dc_sdk.bytes / dc_raw.bytes,
    );
    cp.max(dc)
}

fn main() {
    if std::env::var("PATIENTPAY_BENCH_CHILD").as_deref() == Ok("rss") {
        let path = std::env::args().nth(1).expect("body path");
        parse::rss_child(&path);
        return;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    if std::env::var("PATIENTPAY_BENCH_PROFILE").as_deref() == Ok("alloc") {
        // The allocation figures alone (no runtime of the bench's own).
        println!(
            "ratio alloc_sdk_vs_raw {:.3}",
            alloc_figures(if quick { 100 } else { 500 })
        );
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if let Ok(side) = std::env::var("PATIENTPAY_BENCH_PROFILE") {
        runtime.block_on(profile_one_side(&side));
        return;
    }
    println!(
        "patientpay bench{} — medians of per-round ratios of interleaved runs",
        if quick { " (quick)" } else { "" }
    );
    let (sdk_ratio, parse_ratio, sandbox_ratio) = runtime.block_on(async {
        // 1. SDK vs raw reqwest, c=1 and c=32; the worse one is the figure.
        let c1 = sdk_figure(1, if quick { 80 } else { 400 }, if quick { 2 } else { 5 }).await;
        let c32 = sdk_figure(32, if quick { 20 } else { 80 }, if quick { 2 } else { 5 }).await;
        let sdk_ratio = c1.median.max(c32.median);
        // 2. Typed parse vs Value.
        let parse_ratio = parse::typed_parse_figure(quick);
        // 3. Sandbox vs bare hyper.
        let sandbox_ratio = sandbox::sandbox_figure(quick).await;
        // Cost curves.
        parse::parse_curve(quick);
        sandbox::concurrency_curve(quick).await;
        (sdk_ratio, parse_ratio, sandbox_ratio)
    });
    drop(runtime);

    // Peak memory of a 16 MiB parse, in a fresh child process.
    parse::memory_figure();

    // 4. Allocations per call (outside the multi-thread runtime: current-thread runtimes
    // of their own, so that only the client's allocations are counted).
    let alloc_ratio = alloc_figures(if quick { 100 } else { 500 });

    println!("ratio sdk_vs_raw_reqwest {sdk_ratio:.3}");
    println!("ratio typed_parse_vs_value {:.3}", parse_ratio.median);
    println!("ratio sandbox_vs_raw_hyper {:.3}", sandbox_ratio.median);
    println!("ratio alloc_sdk_vs_raw {alloc_ratio:.3}");
}
