//! `cargo xtask bench`: patientpay against what a user would write by hand and against the
//! raw limit. Each pair is measured interleaved in one run (A, B, B, A, ...), many
//! iterations, and compared by median (the p10–p90 spread of the per-round ratios printed
//! next to it). Ends with one `ratio NAME VALUE` line per figure, VALUE = patientpay's
//! time ÷ the baseline's time (for `alloc_sdk_vs_raw`: allocations per call ÷ the
//! baseline's). See docs/performance.md.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use patientpay::careportals::CarePortalsBuilder;
use patientpay::pipeline::{HttpClient, HttpConfig, VendorResponse};
use patientpay::{ListPaymentMethods, PaymentMethods};
use patientpay_sandbox::credentials::{CAREPORTALS_ORIGIN, CAREPORTALS_TOKEN};
use serde::Deserialize;

/// `Bearer <the sandbox-signed CarePortals JWT>`, built once: the raw side sends it as a
/// hand-written client would keep it, and the sandbox accepts only sandbox-signed tokens.
static BEARER: LazyLock<String> = LazyLock::new(|| format!("Bearer {CAREPORTALS_TOKEN}"));

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() { 0.0 } else { v[v.len() / 2] }
}

fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        return 0.0;
    }
    let idx = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[idx]
}

// ---------------------------------------------------------------------------------------
// Allocation counting: a global allocator that counts, per thread and only while a thread
// has switched counting on, how many allocations it makes and how many bytes it asks for.
// This is the bench binary's only `unsafe`: the library crates stay `#![forbid(unsafe_code)]`
// (this bench is a separate crate target, so their attribute does not apply to it).

/// Forwards every call unchanged to [`System`]; counts `alloc`, `alloc_zeroed` and
/// `realloc` (one allocation each, the requested size as bytes) on threads that switched
/// counting on with [`count_allocations`]. Frees are not counted.
struct CountingAlloc;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

/// Records one allocation of `bytes` if the current thread is counting. Const-initialised
/// thread-local `Cell`s without destructors: touching them never allocates (so the
/// allocator is not re-entered) and never panics (`try_with` is a no-op while a thread's
/// locals are being torn down).
fn note_allocation(bytes: usize) {
    let _ = COUNTING.try_with(|on| {
        if on.get() {
            let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
            let _ = BYTES.try_with(|b| b.set(b.get() + bytes as u64));
        }
    });
}

// SAFETY: each method passes its arguments unchanged to `System`, which upholds the
// `GlobalAlloc` contract, and returns its result unchanged; the only added work is
// `note_allocation`, which neither allocates nor unwinds.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation(layout.size());
        // SAFETY: the caller upholds `alloc`'s contract (non-zero size), passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation(layout.size());
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, i.e. from `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation(new_size);
        // SAFETY: `ptr` came from `System` with `layout`; the caller upholds the rest.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

/// Allocations and bytes the current thread asks for while `f` runs to completion.
fn count_allocations<T>(f: impl FnOnce() -> T) -> (T, u64, u64) {
    let (n0, b0) = (ALLOCS.with(Cell::get), BYTES.with(Cell::get));
    COUNTING.with(|on| on.set(true));
    let out = f();
    COUNTING.with(|on| on.set(false));
    (out, ALLOCS.with(Cell::get) - n0, BYTES.with(Cell::get) - b0)
}

/// Mean allocations and bytes per call, SDK side then raw side, over `calls` calls of each on the five-card CarePortals list. The server runs on its own thread and
/// runtime, so its allocations are not counted; the client runs on a current-thread
/// runtime, so everything the client does (its connection task included) is counted.
fn alloc_per_call(calls: usize) -> [(f64, f64); 2] {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        rt.block_on(async {
            let addr = fixed_server(careportals_list_body()).await;
            tx.send(addr).expect("send server address");
            std::future::pending::<()>().await
        });
    });
    let addr = rx.recv().expect("server address");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let base = format!("http://{addr}");
    let url = format!("{base}/users/payment-methods");
    let raw = reqwest::Client::new();
    let provider: Arc<dyn PaymentMethods> = Arc::new(
        CarePortalsBuilder::new()
            .with_token(CAREPORTALS_TOKEN)
            .with_origin(CAREPORTALS_ORIGIN)
            .with_base_url(&base)
            .with_http_client(HttpClient::new(HttpConfig::default()).expect("http client"))
            .build()
            .expect("provider"),
    );
    for _ in 0..50 {
        rt.block_on(sdk_call(provider.as_ref()));
        rt.block_on(raw_call(&raw, &url));
    }
    // One batch per side (not interleaved per call): work a connection task leaves for
    // later is then counted with its own side, not with the next call of the other side.
    [0, 1].map(|side| {
        let ((), n, b) = count_allocations(|| {
            rt.block_on(async {
                for _ in 0..calls {
                    if side == 0 {
                        sdk_call(provider.as_ref()).await;
                    } else {
                        raw_call(&raw, &url).await;
                    }
                }
            })
        });
        (n as f64 / calls as f64, b as f64 / calls as f64)
    })
}

/// `p10–p90` of per-round ratios `a[i] / b[i]` (pairs measured back to back).
fn spread(a: &[f64], b: &[f64]) -> String {
    let r: Vec<f64> = a.iter().zip(b).map(|(a, b)| a / b).collect();
    format!(
        "p10–p90 of per-round ratios {:.3}–{:.3}",
        percentile(r.clone(), 0.1),
        percentile(r, 0.9)
    )
}

// ---------------------------------------------------------------------------------------
// A bare hyper server answering every request with one fixed JSON body.

async fn fixed_server(body: Bytes) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let body = body.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |_req: Request<Incoming>| {
                    let body = body.clone();
                    async move {
                        let mut resp = Response::new(Full::new(body));
                        resp.headers_mut()
                            .insert("content-type", "application/json".parse().expect("static"));
                        Ok::<_, Infallible>(resp)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    addr
}

/// The CarePortals list answer a user's page would fetch: five saved cards shaped like the
/// vendor doc's example.
fn careportals_list_body() -> Bytes {
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
/// SDK's unified form carries (id, kind, brand, last4, expiry, billing details).
#[derive(Deserialize)]
#[allow(dead_code)]
struct HandAddress {
    line1: Option<String>,
    line2: Option<String>,
    city: Option<String>,
    state: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandBilling {
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    address: Option<HandAddress>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandCard {
    brand: String,
    exp_month: serde_json::Value,
    exp_year: serde_json::Value,
    last4: String,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandMethod {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    card: Option<HandCard>,
    last4: Option<String>,
    exp: Option<String>,
    billing_details: Option<HandBilling>,
}

async fn raw_call(client: &reqwest::Client, url: &str) -> usize {
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

async fn sdk_call(provider: &dyn PaymentMethods) -> usize {
    provider
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .expect("sdk call")
        .len()
}

/// Times `rounds` rounds of `per_task` sequential calls in each of `concurrency` tasks, for
/// both sides interleaved. Returns (sdk round times, raw round times, sdk latencies, raw latencies).
async fn sdk_vs_raw(
    concurrency: usize,
    rounds: usize,
    per_task: usize,
) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let addr = fixed_server(careportals_list_body()).await;
    let base = format!("http://{addr}");
    let url = format!("{base}/users/payment-methods");
    let raw = reqwest::Client::new();
    let provider: Arc<dyn PaymentMethods> = Arc::new(
        CarePortalsBuilder::new()
            .with_token(CAREPORTALS_TOKEN)
            .with_origin(CAREPORTALS_ORIGIN)
            .with_base_url(&base)
            .with_http_client(HttpClient::new(HttpConfig::default()).expect("http client"))
            .build()
            .expect("provider"),
    );
    // Warm both pools.
    for _ in 0..50 {
        sdk_call(provider.as_ref()).await;
        raw_call(&raw, &url).await;
    }
    let (mut sdk_rounds, mut raw_rounds, mut sdk_lat, mut raw_lat) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
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
            if side == 0 {
                sdk_rounds.push(elapsed);
                sdk_lat.extend(lats);
            } else {
                raw_rounds.push(elapsed);
                raw_lat.extend(lats);
            }
        }
    }
    (sdk_rounds, raw_rounds, sdk_lat, raw_lat)
}

// ---------------------------------------------------------------------------------------
// Typed parse of a large Decoda verify-patient answer vs serde_json::Value.

fn large_verify_body(charges: usize) -> Vec<u8> {
    let patient = |i: usize| {
        serde_json::json!({
            "id": format!("pat_{i:06}"), "type": "PATIENT", "createdDate": "2023-11-07T05:31:56Z",
            "firstName": "Jane", "lastName": "Rivera", "phoneNumber": "+14155550123", "email": "jane.rivera@example.com",
            "locationId": "loc_1", "externalId": null, "address": "123 Main Street", "addressLineTwo": "Apt 4B",
            "city": "San Francisco", "state": "CA", "zipCode": "94105", "country": "US", "addressValid": true,
            "meta": {"source": "import"}, "isArchived": false, "primaryLocationId": "loc_1", "gender": "F",
            "dateOfBirth": "1985-04-12", "patientMedications": ["med_1"], "patientSource": "SELF_SCHEDULING",
            "onSchedulingBlacklist": false, "surchargeDisabled": false,
            "tags": [{"id": "tag_1", "name": "VIP", "isActive": true, "createdDate": "2023-11-07T05:31:56Z", "emoji": null, "color": "#ff0000", "updatedDate": null}],
            "creditBalance": 12500, "preferredProviderId": "prov_1"
        })
    };
    let item = |c: usize, j: usize| {
        serde_json::json!({
            "chargeId": format!("ch_{c:06}"), "quantity": 1 + j as i64, "price": 4500 + j as i64, "id": format!("ci_{c:06}_{j}"),
            "itemId": format!("item_{j}"), "name": "Botox 20u", "description": "Neurotoxin treatment",
            "discountAmount": 0, "discountPercentage": 0.0, "discountReason": null, "soldPackageId": null,
            "bankedQuantity": null, "bankedItemId": null, "issuedDiscountId": null, "soldByProviderId": "prov_1",
            "taxAmount": 0, "pricingId": null, "shipmentIds": [],
            "item": {"name": "Botox", "price": 4500, "id": format!("item_{j}"), "brandName": "Allergan", "description": null,
                     "category": "Injectables", "unit": if j.is_multiple_of(2) { "UNITS" } else { "VIALS" }, "isPhysical": true, "isArchived": false,
                     "internalNotes": null, "taxable": false, "sortOrder": 1, "allowCustomPricing": false, "type": "SERVICE"},
            "locationId": "loc_1", "locationName": "Main clinic", "saleDate": "2023-11-07T05:31:56Z"
        })
    };
    let payment = |c: usize, k: usize| {
        serde_json::json!({
            "paymentId": format!("pay_{c:06}_{k}"), "amount": 1000, "chargeId": format!("ch_{c:06}"),
            "payment": {"id": format!("pay_{c:06}_{k}"), "amount": 1000, "status": "SUCCEEDED", "paymentMedium": "CARD",
                "createdDate": "2023-11-07T05:31:56Z", "feeToPatient": 0, "patientId": format!("pat_{c:06}"), "payinId": null,
                "currency": "USD", "payinConfigId": null, "paymentMethodId": "pmeth_1", "stripePaymentIntentId": "pi_123",
                "failedReason": null, "updatedDate": "2023-11-07T05:31:56Z", "fee": 30,
                "paymentMethod": {"id": "pmeth_1", "patientId": format!("pat_{c:06}"), "rainforestPaymentMethodId": null, "brand": "visa",
                    "last4": "4242", "expMonth": 4, "expYear": 2029, "accountHolderType": null, "accountNumberLast4": null,
                    "bankName": null, "routingNumber": null, "description": null, "type": "CARD", "isDefault": true, "isArchived": false},
                "refunds": [{"id": "ref_1", "paymentId": format!("pay_{c:06}_{k}"), "amount": 100, "reason": "OTHER",
                    "createdDate": "2023-11-07T05:31:56Z", "status": "SUCCEEDED", "rainforestRefundId": null, "fee": 0}]},
            "createdDate": "2023-11-07T05:31:56Z"
        })
    };
    let adjustment = |c: usize, k: usize| {
        serde_json::json!({"chargeId": format!("ch_{c:06}"), "id": format!("adj_{c:06}_{k}"), "amount": 500,
            "createdDate": "2023-11-07T05:31:56Z", "adjustmentType": "ADJUSTMENT", "providerId": "prov_1", "locationId": "loc_1", "reason": "courtesy"})
    };
    let charges: Vec<_> = (0..charges)
        .map(|c| {
            serde_json::json!({
                "patientId": "pat_000001", "totalOutstanding": 8000, "items": (0..3).map(|j| item(c, j)).collect::<Vec<_>>(),
                "adjustments": (0..2).map(|k| adjustment(c, k)).collect::<Vec<_>>(),
                "payments": (0..2).map(|k| payment(c, k)).collect::<Vec<_>>(),
                "id": format!("ch_{c:06}"), "patient": patient(1), "total": 10000, "description": "Treatment",
                "status": if c.is_multiple_of(3) { "PAID" } else { "OUTSTANDING" }, "discountAmount": 0, "discountPercentage": 0.0,
                "externalId": null, "externalCreatedDate": null, "ruleSetId": null, "createdDate": "2023-11-07T05:31:56Z",
                "creatorId": "prov_1", "tips": [{"chargeId": format!("ch_{c:06}"), "amount": 200, "providerId": "prov_1", "id": "tip_1", "provider": null}],
                "locationId": "loc_1", "eventId": null, "memberId": null, "comment": null, "meta": {}, "merchantAccountId": null
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({"charges": charges, "patient": patient(1), "paymentLink": "https://pay.decodahealth.com/l/abc"}))
        .expect("json")
}

/// The SDK's own path from bytes to the typed model: `VendorResponse::json` (content-type
/// check, then `decode_json`: one UTF-8 check and a `&str` parse), on a response whose body
/// is already in memory, as it is after `HttpClient::execute`.
fn typed_parse(resp: &VendorResponse) {
    let v: patientpay::decoda::wire::PaymentLinkDetails = resp.json().expect("typed parse");
    std::hint::black_box(v);
}

fn verify_response(b: &[u8]) -> VendorResponse {
    VendorResponse::from_parts(
        "decoda",
        patientpay::Operation::VerifyPatientBalance,
        200,
        json_headers(),
        Bytes::copy_from_slice(b),
    )
}

fn json_headers() -> hyper::HeaderMap {
    let mut h = hyper::HeaderMap::new();
    h.insert("content-type", "application/json".parse().expect("static"));
    h
}

/// The baseline: `serde_json::from_slice::<serde_json::Value>`.
fn value_parse(b: &[u8]) {
    let v: serde_json::Value = serde_json::from_slice(b).expect("value parse");
    std::hint::black_box(v);
}

/// The same typed models through plain `serde_json::from_slice` (for reference: what a
/// caller bypassing the SDK's decoder would get).
fn typed_from_slice(b: &[u8]) {
    let v: patientpay::decoda::wire::PaymentLinkDetails =
        serde_json::from_slice(b).expect("typed parse");
    std::hint::black_box(v);
}

/// Interleaves the three parsers (rotating which goes first) and returns each one's times.
fn typed_vs_value(body: &[u8], iterations: usize) -> [Vec<f64>; 3] {
    let resp = verify_response(body);
    let run = |side: usize| match side {
        0 => typed_parse(&resp),
        1 => value_parse(body),
        _ => typed_from_slice(body),
    };
    for _ in 0..5 {
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

// ---------------------------------------------------------------------------------------
// Sandbox throughput vs a bare hyper JSON server under the same client load.

async fn throughput(
    url: &str,
    token: bool,
    concurrency: usize,
    duration: Duration,
) -> (f64, Vec<f64>) {
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
                let mut req = client.get(&url).header("origin", CAREPORTALS_ORIGIN);
                if token {
                    req = req.header("authorization", BEARER.as_str());
                }
                let resp = req.send().await.expect("send");
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

/// `PATIENTPAY_BENCH_PROFILE=sdk|raw|typed|value|sandbox|bare` runs one side alone for a
/// few seconds, for `perf record` (see docs/performance.md), and prints only how much it
/// did.
async fn profile_one_side(side: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    match side {
        "sdk" | "raw" => {
            let addr = fixed_server(careportals_list_body()).await;
            let base = format!("http://{addr}");
            let url = format!("{base}/users/payment-methods");
            let raw = reqwest::Client::new();
            let provider: Arc<dyn PaymentMethods> = Arc::new(
                CarePortalsBuilder::new()
                    .with_token(CAREPORTALS_TOKEN)
                    .with_origin(CAREPORTALS_ORIGIN)
                    .with_base_url(&base)
                    .with_http_client(HttpClient::new(HttpConfig::default()).expect("http client"))
                    .build()
                    .expect("provider"),
            );
            let mut calls = 0_u64;
            while Instant::now() < deadline {
                if side == "sdk" {
                    sdk_call(provider.as_ref()).await;
                } else {
                    raw_call(&raw, &url).await;
                }
                calls += 1;
            }
            // For `perf stat`: counters ÷ calls = cost per call, server side included.
            println!("{side}: {calls} calls");
        }
        "typed" | "value" => {
            let body = large_verify_body(260);
            let resp = verify_response(&body);
            let mut calls = 0_u64;
            while Instant::now() < deadline {
                calls += 1;
                if side == "typed" {
                    typed_parse(&resp);
                } else {
                    value_parse(&body);
                }
            }
            println!("{side}: {calls} parses");
        }
        "sandbox" | "bare" => {
            // 32 clients for 5 s against the sandbox, or against a bare hyper server
            // answering the sandbox's bytes, for `perf record` of one side.
            let sandbox = patientpay_sandbox::Sandbox::start().await.expect("sandbox");
            let mut url = format!("{}/users/payment-methods", sandbox.base_url());
            if side == "bare" {
                let sample = reqwest::Client::new()
                    .get(&url)
                    .header("authorization", BEARER.as_str())
                    .send()
                    .await
                    .expect("sample")
                    .bytes()
                    .await
                    .expect("sample body");
                url = format!(
                    "http://{}/users/payment-methods",
                    fixed_server(sample).await
                );
            }
            let (rps, _) = throughput(&url, side == "sandbox", 32, Duration::from_secs(5)).await;
            println!("{side}: {rps:.0} req/s");
        }
        "breakdown" => breakdown().await,
        other => panic!("PATIENTPAY_BENCH_PROFILE: unknown side {other:?}"),
    }
}

/// `PATIENTPAY_BENCH_PROFILE=breakdown`: where an SDK call's extra time goes. Means of
/// 2000 sequential, interleaved calls: the SDK and raw calls on the five-card body and on an
/// empty list (`[]`: transport and per-call overhead without the parse), and the parse alone.
async fn breakdown() {
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
        let cp = CarePortalsBuilder::new()
            .with_token(CAREPORTALS_TOKEN)
            .with_origin(CAREPORTALS_ORIGIN)
            .with_base_url(&base)
            .with_http_client(HttpClient::new(HttpConfig::default()).expect("http client"))
            .build()
            .expect("provider");
        for _ in 0..100 {
            sdk_call(&cp).await;
            raw_call(&raw, &url).await;
        }
        let (n, mut sdk, mut rawt) = (2000, 0.0, 0.0);
        for i in 0..n {
            for side in if i % 2 == 0 { [0, 1] } else { [1, 0] } {
                let t = Instant::now();
                if side == 0 {
                    sdk_call(&cp).await;
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
    let resp = VendorResponse::from_parts(
        "careportals",
        patientpay::Operation::ListPaymentMethods,
        200,
        json_headers(),
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
        "parse alone (5 cards, hot loop): full wire::PaymentMethod model {full:.1} µs, hand-written 5-field struct {hand:.1} µs"
    ));
    for l in lines {
        println!("{l}");
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if let Ok(side) = std::env::var("PATIENTPAY_BENCH_PROFILE") {
        runtime.block_on(profile_one_side(&side));
        return;
    }
    let (worst, parse_ratio, sandbox_ratio) = runtime.block_on(async {
        println!("patientpay bench{} — medians of interleaved runs", if quick { " (quick)" } else { "" });

        // 1. SDK vs raw reqwest.
        let mut worst = 0.0_f64;
        for (concurrency, rounds, per_task) in [(1, if quick { 40 } else { 200 }, 20), (32, if quick { 10 } else { 40 }, 20)] {
            let (sdk, raw, sdk_lat, raw_lat) = sdk_vs_raw(concurrency, rounds, per_task).await;
            let ratio = median(sdk.clone()) / median(raw.clone());
            let calls = (concurrency * per_task) as f64;
            let noise = spread(&sdk, &raw);
            println!(
                "sdk_vs_raw_reqwest concurrency={concurrency}: sdk {:.0} req/s p50 {:.0}µs p99 {:.0}µs | raw {:.0} req/s p50 {:.0}µs p99 {:.0}µs | ratio {ratio:.3} ({noise})",
                calls / median(sdk),
                percentile(sdk_lat.clone(), 0.5),
                percentile(sdk_lat, 0.99),
                calls / median(raw),
                percentile(raw_lat.clone(), 0.5),
                percentile(raw_lat, 0.99),
            );
            worst = worst.max(ratio);
        }

        // 2. Typed parse vs Value.
        let body = large_verify_body(260);
        let [typed, value, plain] = typed_vs_value(&body, if quick { 20 } else { 100 });
        let parse_ratio = median(typed.clone()) / median(value.clone());
        println!(
            "typed_parse_vs_value: body {} KB, 260 charges; typed (VendorResponse::json) {:.2} ms, Value (from_slice) {:.2} ms, typed via plain from_slice {:.2} ms (medians); ratio {parse_ratio:.3} ({})",
            body.len() / 1024,
            median(typed.clone()) * 1e3,
            median(value.clone()) * 1e3,
            median(plain.clone()) * 1e3,
            spread(&typed, &value),
        );
        let resp = verify_response(&body);
        let ((), typed_n, typed_b) = count_allocations(|| typed_parse(&resp));
        let ((), value_n, value_b) = count_allocations(|| value_parse(&body));
        println!(
            "alloc typed_parse_vs_value (one parse of the verify body): typed {typed_n} allocations {:.0} KB | Value {value_n} allocations {:.0} KB | ratio {:.3} (allocations)",
            typed_b as f64 / 1024.0,
            value_b as f64 / 1024.0,
            typed_n as f64 / value_n as f64,
        );
        println!(
            "typed_parse_vs_value (plain from_slice, for reference): {:.3}",
            median(plain) / median(value)
        );

        // 3. Sandbox vs bare hyper.
        let sandbox = patientpay_sandbox::Sandbox::start().await.expect("sandbox");
        let sandbox_url = format!("{}/users/payment-methods", sandbox.base_url());
        let sample = reqwest::Client::new()
            .get(&sandbox_url)
            .header("authorization", BEARER.as_str())
            .send()
            .await
            .expect("sample")
            .bytes()
            .await
            .expect("sample body");
        let bare = fixed_server(sample).await;
        let bare_url = format!("http://{bare}/users/payment-methods");
        let secs = Duration::from_millis(if quick { 500 } else { 2000 });
        let (mut bare_rps, mut sbx_rps) = (Vec::new(), Vec::new());
        let (mut bare_lat, mut sbx_lat) = (Vec::new(), Vec::new());
        for round in 0..if quick { 2_usize } else { 5 } {
            for side in if round.is_multiple_of(2) { [0, 1] } else { [1, 0] } {
                if side == 0 {
                    let (rps, lat) = throughput(&bare_url, false, 32, secs).await;
                    bare_rps.push(rps);
                    bare_lat.extend(lat);
                } else {
                    sandbox.clear_requests();
                    let (rps, lat) = throughput(&sandbox_url, true, 32, secs).await;
                    sbx_rps.push(rps);
                    sbx_lat.extend(lat);
                }
            }
        }
        let sandbox_ratio = median(bare_rps.clone()) / median(sbx_rps.clone());
        let noise = spread(&bare_rps, &sbx_rps);
        println!(
            "sandbox_vs_raw_hyper: bare {:.0} req/s p50 {:.0}µs p99 {:.0}µs | sandbox {:.0} req/s p50 {:.0}µs p99 {:.0}µs (32 clients) | ratio {sandbox_ratio:.3} ({noise})",
            median(bare_rps),
            percentile(bare_lat.clone(), 0.5),
            percentile(bare_lat, 0.99),
            median(sbx_rps),
            percentile(sbx_lat.clone(), 0.5),
            percentile(sbx_lat, 0.99)
        );

        (worst, parse_ratio, sandbox_ratio)
    });

    // 4. Allocations per call (outside the multi-thread runtime: it runs its own
    // current-thread runtimes so that only the client's allocations are counted).
    let [(sdk_n, sdk_b), (raw_n, raw_b)] = alloc_per_call(if quick { 100 } else { 500 });
    let alloc_ratio = sdk_n / raw_n;
    println!(
        "alloc_sdk_vs_raw (CarePortals list, 5 cards, per call, client side): sdk {sdk_n:.1} allocations {:.1} KB | raw {raw_n:.1} allocations {:.1} KB | ratio {alloc_ratio:.3} (allocations), {:.3} (bytes)",
        sdk_b / 1024.0,
        raw_b / 1024.0,
        sdk_b / raw_b,
    );

    println!("ratio sdk_vs_raw_reqwest {worst:.3}");
    println!("ratio typed_parse_vs_value {parse_ratio:.3}");
    println!("ratio sandbox_vs_raw_hyper {sandbox_ratio:.3}");
    println!("ratio alloc_sdk_vs_raw {alloc_ratio:.3}");
}
