//! `sdk_vs_raw_reqwest`: the SDK's CarePortals list call against what a user would write
//! by hand with reqwest, reading the same information; and the `breakdown` profile.

use std::sync::{Arc, LazyLock};
use std::time::Instant;

use bytes::Bytes;
use patientpay::careportals::CarePortalsBuilder;
use patientpay::pipeline::{HttpClient, HttpConfig, VendorResponse};
use patientpay::{ListPaymentMethods, PaymentMethods};
use patientpay_sandbox::credentials::{CAREPORTALS_ORIGIN, CAREPORTALS_TOKEN};
use serde::Deserialize;

use crate::servers::{fixed_server, fixed_server_thread};

/// `Bearer <the sandbox-signed CarePortals JWT>`, built once: the raw side sends it as a
/// hand-written client would keep it, and the sandbox accepts only sandbox-signed tokens.
pub static BEARER: LazyLock<String> = LazyLock::new(|| format!("Bearer {CAREPORTALS_TOKEN}"));

/// The CarePortals list answer a user's page would fetch: five saved cards shaped like the
/// vendor doc's example.
pub fn careportals_list_body() -> Bytes {
    let one = |i: usize| {
        serde_json::json!({
            "id": format!("pm_1Rz78FKeCoUxIkZxXhFa0H{i:02}"),
            "object": "payment_method",
            "allow_redisplay": "unspecified",
            "billing_details": {
                "address": {"city": "San Francisco", "country": "US", "line1": "123 Main Street", "line2": "Apt 4B", "postal_code": "94105", "state": "CA"},
                "email": "jane@example.com", "name": "Jane Doe", "phone": "+14155552671", "tax_id": null
            },
            "card": {
                "brand": "visa",
                "checks": {"address_line1_check": "pass", "address_postal_code_check": "pass", "cvc_check": "pass"},
                "country": "US", "display_brand": "visa", "exp_month": "4", "exp_year": "2029",
                "fingerprint": "wkxxH2W0e4S1mvIM", "funding": "credit", "generated_from": null, "last4": "4242",
                "networks": {"available": ["visa"], "preferred": null},
                "regulated_status": "unregulated", "three_d_secure_usage": {"supported": true}, "wallet": null
            },
            "created": 1755915879, "customer": "cus_Rwr5mZerq1Q2VL", "livemode": false, "metadata": {},
            "radar_options": {}, "type": "card", "last4": "4242", "exp": "4/2029"
        })
    };
    Bytes::from(serde_json::to_vec(&(0..5).map(one).collect::<Vec<_>>()).expect("json"))
}

/// What a user would write by hand for the same call, reading the same information the
/// SDK's unified form types (see [`HandMethod`]).
#[derive(Deserialize)]
#[allow(dead_code)]
pub struct HandAddress {
    line1: Option<String>,
    line2: Option<String>,
    city: Option<String>,
    state: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
}

/// Billing details of [`HandMethod`].
#[derive(Deserialize)]
#[allow(dead_code)]
pub struct HandBilling {
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    address: Option<HandAddress>,
}

/// The wallet of [`HandCard`] (its type, as the SDK's `wallet`).
#[derive(Deserialize)]
#[allow(dead_code)]
pub struct HandWallet {
    #[serde(rename = "type")]
    kind: String,
}

/// The card of [`HandMethod`].
#[derive(Deserialize)]
#[allow(dead_code)]
pub struct HandCard {
    brand: String,
    exp_month: serde_json::Value,
    exp_year: serde_json::Value,
    last4: String,
    fingerprint: Option<String>,
    funding: Option<String>,
    wallet: Option<HandWallet>,
}

/// One saved method as a hand-written client reads it: every field the SDK's unified
/// `SavedPaymentMethod` types (id, kind, processor from `object`, brand, last4, expiry,
/// fingerprint, funding, wallet type, customer, created time, billing details). What it
/// does not do is keep the other fields (`vendor_data`): that cost stays on the SDK side.
#[derive(Deserialize)]
#[allow(dead_code)]
pub struct HandMethod {
    id: String,
    object: Option<String>,
    #[serde(rename = "type")]
    kind: String,
    card: Option<HandCard>,
    last4: Option<String>,
    exp: Option<String>,
    customer: Option<String>,
    created: Option<i64>,
    billing_details: Option<HandBilling>,
}

/// The hand-written call: one GET with the three headers, `.bytes()`, `from_slice`.
pub async fn raw_call(client: &reqwest::Client, url: &str) -> usize {
    let resp = client
        .get(url)
        .header("authorization", BEARER.as_str())
        .header("accept", "application/json")
        .header("origin", CAREPORTALS_ORIGIN)
        .send()
        .await
        .expect("raw send");
    let bytes = resp.bytes().await.expect("raw body");
    let methods: Vec<HandMethod> = serde_json::from_slice(&bytes).expect("raw parse");
    methods.len()
}

/// The SDK's call through the capability trait.
pub async fn sdk_call(provider: &dyn PaymentMethods) -> usize {
    provider
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .expect("sdk call")
        .len()
}

/// A CarePortals client on `base` with `config` (its connection cap among them).
pub fn careportals(base: &str, config: HttpConfig) -> Arc<dyn PaymentMethods> {
    Arc::new(
        CarePortalsBuilder::new()
            .with_token(CAREPORTALS_TOKEN)
            .with_origin(CAREPORTALS_ORIGIN)
            .with_base_url(base)
            .with_http_client(HttpClient::new(config).expect("http client"))
            .build()
            .expect("provider"),
    )
}

/// Round times of both sides and every call's latency, SDK then raw.
pub struct Rounds {
    /// Seconds per SDK round.
    pub sdk: Vec<f64>,
    /// Seconds per raw round.
    pub raw: Vec<f64>,
    /// Microseconds per SDK call.
    pub sdk_lat: Vec<f64>,
    /// Microseconds per raw call.
    pub raw_lat: Vec<f64>,
}

/// Times `rounds` rounds of `per_task` sequential calls in each of `concurrency` tasks, for
/// both sides interleaved (A B, then B A), after warming both pools with 50 calls and
/// `warm_rounds` discarded rounds. The server runs on a thread of its own.
pub async fn sdk_vs_raw(
    concurrency: usize,
    rounds: usize,
    per_task: usize,
    warm_rounds: usize,
) -> Rounds {
    let addr = fixed_server_thread(careportals_list_body());
    let base = format!("http://{addr}");
    let url = format!("{base}/users/payment-methods");
    let raw = reqwest::Client::new();
    let provider = careportals(&base, HttpConfig::default());
    for _ in 0..50 {
        sdk_call(provider.as_ref()).await;
        raw_call(&raw, &url).await;
    }
    let mut out = Rounds {
        sdk: Vec::new(),
        raw: Vec::new(),
        sdk_lat: Vec::new(),
        raw_lat: Vec::new(),
    };
    for round in 0..warm_rounds + rounds {
        for side in if round.is_multiple_of(2) {
            [0, 1]
        } else {
            [1, 0]
        } {
            let started = Instant::now();
            let mut tasks = Vec::with_capacity(concurrency);
            for _ in 0..concurrency {
                let provider = Arc::clone(&provider);
                let raw = raw.clone();
                let url = url.clone();
                tasks.push(tokio::spawn(async move {
                    let mut lat = Vec::with_capacity(per_task);
                    for _ in 0..per_task {
                        let t = Instant::now();
                        if side == 0 {
                            sdk_call(provider.as_ref()).await;
                        } else {
                            raw_call(&raw, &url).await;
                        }
                        lat.push(t.elapsed().as_secs_f64() * 1e6);
                    }
                    lat
                }));
            }
            let mut lats = Vec::new();
            for t in tasks {
                lats.extend(t.await.expect("task"));
            }
            let elapsed = started.elapsed().as_secs_f64();
            if round < warm_rounds {
                continue;
            }
            let (times, lat) = if side == 0 {
                (&mut out.sdk, &mut out.sdk_lat)
            } else {
                (&mut out.raw, &mut out.raw_lat)
            };
            times.push(elapsed);
            lat.extend(lats);
        }
    }
    out
}

fn json_headers() -> hyper::HeaderMap {
    let mut h = hyper::HeaderMap::new();
    h.insert("content-type", "application/json".parse().expect("static"));
    h
}

/// A response as `HttpClient::execute` leaves it: status 200, JSON, body in memory.
pub fn response(
    operation: patientpay::Operation,
    vendor: &'static str,
    body: Bytes,
) -> VendorResponse {
    VendorResponse::from_parts(vendor, operation, 200, json_headers(), body)
}

/// `PATIENTPAY_BENCH_PROFILE=breakdown`: where an SDK call's extra time goes. Means of
/// 2000 sequential, interleaved calls: the SDK and raw calls on the five-card body and on an
/// empty list (`[]`: transport and per-call overhead without the parse), and the parse alone.
pub async fn breakdown() {
    let body = careportals_list_body();
    let mut lines = Vec::new();
    for (label, answer) in [
        ("5 cards", body.clone()),
        ("empty list", Bytes::from_static(b"[]")),
    ] {
        let addr = fixed_server(answer).await;
        let base = format!("http://{addr}");
        let url = format!("{base}/users/payment-methods");
        let raw = reqwest::Client::new();
        let cp = careportals(&base, HttpConfig::default());
        for _ in 0..100 {
            sdk_call(cp.as_ref()).await;
            raw_call(&raw, &url).await;
        }
        let (n, mut sdk, mut rawt) = (2000, 0.0, 0.0);
        for i in 0..n {
            for side in if i % 2 == 0 { [0, 1] } else { [1, 0] } {
                let t = Instant::now();
                if side == 0 {
                    sdk_call(cp.as_ref()).await;
                    sdk += t.elapsed().as_secs_f64();
                } else {
                    raw_call(&raw, &url).await;
                    rawt += t.elapsed().as_secs_f64();
                }
            }
        }
        lines.push(format!(
            "{label}: sdk call {:.1} µs, raw call {:.1} µs, difference {:.1} µs",
            sdk / n as f64 * 1e6,
            rawt / n as f64 * 1e6,
            (sdk - rawt) / n as f64 * 1e6
        ));
    }
    let cp = CarePortalsBuilder::new()
        .with_token(CAREPORTALS_TOKEN)
        .with_origin(CAREPORTALS_ORIGIN)
        .with_base_url("http://127.0.0.1:9")
        .build()
        .expect("provider");
    let n = 20_000;
    let t = Instant::now();
    for _ in 0..n {
        let r = cp
            .list_payment_methods_request(&ListPaymentMethods::new())
            .expect("request");
        std::hint::black_box(r);
    }
    lines.push(format!(
        "building the request alone (hot loop): {:.2} µs",
        t.elapsed().as_secs_f64() / n as f64 * 1e6
    ));
    let resp = response(
        patientpay::Operation::ListPaymentMethods,
        "careportals",
        body.clone(),
    );
    let t = Instant::now();
    for _ in 0..n {
        let v: Vec<patientpay::careportals::wire::PaymentMethod> = resp.json().expect("full");
        std::hint::black_box(v);
    }
    let full = t.elapsed().as_secs_f64() / n as f64 * 1e6;
    let t = Instant::now();
    for _ in 0..n {
        let v: Vec<HandMethod> = serde_json::from_slice(&body).expect("hand");
        std::hint::black_box(v);
    }
    let hand = t.elapsed().as_secs_f64() / n as f64 * 1e6;
    lines.push(format!(
        "parse alone (5 cards, hot loop): full wire::PaymentMethod model {full:.1} µs, hand-written struct {hand:.1} µs"
    ));
    for l in lines {
        println!("{l}");
    }
}
