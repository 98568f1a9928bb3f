//! `typed_parse_vs_value`, the parse cost curve and the peak memory of a 16 MiB parse.

use std::time::Instant;

use bytes::Bytes;
use patientpay::Operation;
use patientpay::decoda::map::balance_from_response;
use patientpay::decoda::wire::PaymentLinkDetails;
use patientpay::pipeline::VendorResponse;

use crate::decoda::{verify_body, verify_body_up_to};
use crate::sdk::response;
use crate::stats::{Ratio, median};
use crate::svg::{Series, line_chart};

/// A verify answer's body as the SDK holds it after `HttpClient::execute`.
pub fn verify_response(b: &[u8]) -> VendorResponse {
    response(
        Operation::VerifyPatientBalance,
        "decoda",
        Bytes::copy_from_slice(b),
    )
}

/// The SDK's own path from bytes to the unified model, as `verify_patient_balance` takes
/// it: `VendorResponse::json` of the borrowed view of the answer (content-type check, then
/// `decode_json`: one UTF-8 check and a `&str` parse), then the map to `PatientBalance`
/// (`decoda::map::balance_from_response`; `vendor_data` kept as JSON text).
pub fn typed_parse(resp: &VendorResponse) {
    let v = balance_from_response(resp).expect("typed parse");
    std::hint::black_box(v);
}

/// The baseline: `serde_json::from_slice::<serde_json::Value>`.
pub fn value_parse(b: &[u8]) {
    let v: serde_json::Value = serde_json::from_slice(b).expect("value parse");
    std::hint::black_box(v);
}

/// The full owned wire model (`PaymentLinkDetails`, what `verify_patient_raw` returns)
/// through plain `serde_json::from_slice`, for reference.
fn typed_from_slice(b: &[u8]) {
    let v: PaymentLinkDetails = serde_json::from_slice(b).expect("typed parse");
    std::hint::black_box(v);
}

/// Interleaves the three parsers (rotating which goes first) after `warm` rotations, and
/// returns each one's times (seconds; each includes dropping the parsed value).
pub fn typed_vs_value(body: &[u8], iterations: usize, warm: usize) -> [Vec<f64>; 3] {
    let resp = verify_response(body);
    let run = |side: usize| match side {
        0 => typed_parse(&resp),
        1 => value_parse(body),
        _ => typed_from_slice(body),
    };
    for _ in 0..warm {
        for side in 0..3 {
            run(side);
        }
    }
    let mut out: [Vec<f64>; 3] = Default::default();
    for i in 0..iterations {
        for k in 0..3 {
            let side = (i + k) % 3;
            let started = Instant::now();
            run(side);
            out[side].push(started.elapsed().as_secs_f64());
        }
    }
    out
}

/// The figure: typed (SDK path) ÷ `Value`, median of per-rotation ratios.
pub fn typed_parse_figure(quick: bool) -> Ratio {
    let body = verify_body(260);
    let [typed, value, plain] = typed_vs_value(&body, if quick { 40 } else { 200 }, 10);
    let ratio = Ratio::of(&typed, &value);
    println!(
        "typed_parse_vs_value: body {} KB, 260 charges; typed (the SDK's verify path: view + map) {:.2} ms, Value (from_slice) {:.2} ms, owned PaymentLinkDetails via plain from_slice {:.2} ms (medians); {ratio}",
        body.len() / 1024,
        median(&typed) * 1e3,
        median(&value) * 1e3,
        median(&plain) * 1e3,
    );
    let resp = verify_response(&body);
    let ((), typed_n, typed_b) = crate::alloc::count_allocations(|| typed_parse(&resp));
    let ((), value_n, value_b) = crate::alloc::count_allocations(|| value_parse(&body));
    println!(
        "alloc typed_parse_vs_value (one parse of the verify body): typed {typed_n} allocations {:.0} KB | Value {value_n} allocations {:.0} KB | ratio {:.3} (allocations)",
        typed_b as f64 / 1024.0,
        value_b as f64 / 1024.0,
        typed_n as f64 / value_n as f64,
    );
    println!(
        "typed_parse_vs_value (owned PaymentLinkDetails via plain from_slice, for reference): {}",
        Ratio::of(&plain, &value)
    );
    ratio
}

/// Seconds to parse (typed SDK path, then `Value`) and seconds to drop the result, one
/// iteration each, alternating which goes first.
fn parse_and_drop(resp: &VendorResponse, body: &[u8], typed_first: bool) -> [(f64, f64); 2] {
    let typed = || {
        let t = Instant::now();
        let v = balance_from_response(resp).expect("typed parse");
        let parsed = t.elapsed().as_secs_f64();
        let t = Instant::now();
        drop(std::hint::black_box(v));
        (parsed, t.elapsed().as_secs_f64())
    };
    let value = || {
        let t = Instant::now();
        let v: serde_json::Value = serde_json::from_slice(body).expect("value parse");
        let parsed = t.elapsed().as_secs_f64();
        let t = Instant::now();
        drop(std::hint::black_box(v));
        (parsed, t.elapsed().as_secs_f64())
    };
    if typed_first {
        let t = typed();
        [t, value()]
    } else {
        let v = value();
        [typed(), v]
    }
}

/// Parse time per charge against the number of charges (typed SDK path and `Value`, the
/// parse alone and with dropping the result), printed with the linearity check and
/// plotted to `docs/perf/parse_curve.svg`.
pub fn parse_curve(quick: bool) {
    let sizes = [1_usize, 10, 100, 1_000, 10_000];
    // Per size: typed parse, typed parse + drop, Value parse, Value parse + drop (µs/charge).
    let mut pts: [Vec<(f64, f64)>; 4] = Default::default();
    for &n in &sizes {
        let body = verify_body(n);
        let resp = verify_response(&body);
        // About 40 MB of parsing per side and size (8 MB quick), at least 5 iterations (3
        // quick), after one warm-up iteration.
        let budget: usize = if quick { 8 << 20 } else { 40 << 20 };
        let iterations = (budget / body.len()).clamp(if quick { 3 } else { 5 }, 2_000);
        let _ = parse_and_drop(&resp, &body, true);
        let mut t: [Vec<f64>; 4] = Default::default();
        for i in 0..iterations {
            let [(tp, td), (vp, vd)] = parse_and_drop(&resp, &body, i % 2 == 0);
            for (k, x) in [tp, tp + td, vp, vp + vd].into_iter().enumerate() {
                t[k].push(x);
            }
        }
        let per: Vec<f64> = t.iter().map(|v| median(v) / n as f64 * 1e6).collect();
        println!(
            "parse_curve charges={n}: body {} KB; µs per charge: typed parse {:.2}, typed parse+drop {:.2}, Value parse {:.2}, Value parse+drop {:.2}; {iterations} iterations",
            body.len() / 1024,
            per[0],
            per[1],
            per[2],
            per[3],
        );
        for (k, p) in per.into_iter().enumerate() {
            pts[k].push((n as f64, p));
        }
    }
    let at = |k: usize, n: f64| pts[k].iter().find(|p| p.0 == n).map_or(0.0, |p| p.1);
    for (k, what) in [(0, "typed parse"), (1, "typed parse+drop")] {
        let (a, b) = (at(k, 100.0), at(k, 10_000.0));
        let spread = a.max(b) / a.min(b);
        println!(
            "parse_curve linear ({what}): time/charge at 10,000 charges ÷ at 100 = {:.3} ({} the 1.5× bound)",
            b / a,
            if spread <= 1.5 { "within" } else { "OUTSIDE" }
        );
    }
    let ticks: Vec<f64> = sizes.iter().map(|&n| n as f64).collect();
    let [tp, td, vp, vd] = pts;
    let svg = line_chart(
        "Decoda verify answer: parse time per charge",
        "charges in the answer (log scale)",
        "µs per charge (median)",
        &ticks,
        &[
            Series {
                name: "typed (SDK verify path: view + map), parse",
                points: tp,
            },
            Series {
                name: "typed, parse + drop",
                points: td,
            },
            Series {
                name: "serde_json::Value, parse",
                points: vp,
            },
            Series {
                name: "serde_json::Value, parse + drop",
                points: vd,
            },
        ],
    );
    crate::write_plot("parse_curve.svg", &svg);
}

/// Kilobytes of a `/proc/self/status` line (`VmRSS`, `VmHWM`).
fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| {
            l.strip_prefix(field)?
                .strip_prefix(':')?
                .trim()
                .strip_suffix("kB")?
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

/// The child side of the memory figure (`PATIENTPAY_BENCH_CHILD=rss <file>`), in a fresh
/// process that has done nothing else: RSS before the body exists, the body read into
/// memory, the typed parse (SDK path), and the peak (`VmHWM`) reached by then. Prints one
/// line of kilobytes for the parent.
pub fn rss_child(path: &str) {
    let before = status_kb("VmRSS");
    let body = Bytes::from(std::fs::read(path).expect("read the body"));
    let with_body = status_kb("VmRSS");
    let len = body.len();
    let resp = response(Operation::VerifyPatientBalance, "decoda", body);
    let parsed = balance_from_response(&resp).expect("typed parse");
    let after_parse = status_kb("VmRSS");
    let peak = status_kb("VmHWM");
    let charges = parsed.charges.len();
    drop(parsed);
    println!("{before} {with_body} {after_parse} {peak} {len} {charges}");
}

/// Peak RSS while parsing a verify answer just under 16 MiB (the SDK's default body cap),
/// measured in a fresh child process; the figure is (peak − RSS before the body) ÷ body
/// size, i.e. the body itself plus everything the parse needs at its peak.
pub fn memory_figure() -> f64 {
    let (charges, body) = verify_body_up_to(16 << 20);
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("verify-16mib.json");
    std::fs::write(&path, &body).expect("write the body");
    drop(body);
    let exe = std::env::current_exe().expect("current exe");
    let out = std::process::Command::new(exe)
        .env("PATIENTPAY_BENCH_CHILD", "rss")
        .arg(&path)
        .output()
        .expect("run the child");
    let _ = std::fs::remove_file(&path);
    let line = String::from_utf8_lossy(&out.stdout);
    let v: Vec<u64> = line
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    let [before, with_body, after_parse, peak, len, parsed] = v[..] else {
        panic!(
            "memory child said {line:?} (stderr {})",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let mib = |kb: u64| kb as f64 / 1024.0;
    let body_mib = len as f64 / (1 << 20) as f64;
    let ratio = peak.saturating_sub(before) as f64 * 1024.0 / len as f64;
    println!(
        "peak_rss_parse_16mib: body {body_mib:.2} MiB ({charges} charges, {parsed} parsed); RSS before the body {:.1} MiB, with the body {:.1} MiB, after the parse {:.1} MiB, peak {:.1} MiB; (peak − before) ÷ body = {ratio:.2} (target ≤ 4), the parse alone (peak − with the body) ÷ body = {:.2}",
        mib(before),
        mib(with_body),
        mib(after_parse),
        mib(peak),
        peak.saturating_sub(with_body) as f64 * 1024.0 / len as f64,
    );
    ratio
}
