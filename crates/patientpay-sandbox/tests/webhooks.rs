//! Webhook deliveries: signed with a second HMAC implementation checked here, retried on
//! non-2xx, Decoda's schedule under tokio's paused clock, CareValidate's admin route.

mod common;

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use common::Http;
use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full};
use patientpay_sandbox::{DeliverySchedule, Options, Sandbox, WebhookVendor, credentials};
use reqwest::Method;
use serde_json::{Value, json};

/// What the receiver got: (signature header name → value, raw body).
type Received = Arc<Mutex<Vec<(http::HeaderMap, Bytes)>>>;

/// A loopback receiver answering the given statuses in turn (then 200).
async fn receiver(statuses: Vec<u16>) -> (String, Received) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks/in", listener.local_addr().unwrap());
    let got: Received = Arc::default();
    let plan = Arc::new(Mutex::new(VecDeque::from(statuses)));
    let store = Arc::clone(&got);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let store = Arc::clone(&store);
            let plan = Arc::clone(&plan);
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(move |req: http::Request<hyper::body::Incoming>| {
                        let store = Arc::clone(&store);
                        let plan = Arc::clone(&plan);
                        async move {
                            let (parts, body) = req.into_parts();
                            let body = body.collect().await.unwrap().to_bytes();
                            store.lock().unwrap().push((parts.headers, body));
                            let status = plan.lock().unwrap().pop_front().unwrap_or(200);
                            let mut resp =
                                http::Response::new(Full::new(Bytes::from_static(b"ok")));
                            *resp.status_mut() = http::StatusCode::from_u16(status).unwrap();
                            Ok::<_, Infallible>(resp)
                        }
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (url, got)
}

/// HMAC-SHA256 hex, computed here independently of the sandbox's signer.
fn hex_hmac(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const SETTLE: &str = "/billing/payment-terminal/charge/create-patient-credit-settled";

async fn settle(c: &Http) -> Value {
    let (status, v) = c
        .decoda(
            Method::POST,
            &format!("{SETTLE}?amount=1000"),
            Some(json!([{"id": "ch_1001_2", "patientId": "pat_1001", "totalOutstanding": 4500}])),
        )
        .await;
    assert_eq!(status, 200);
    v
}

#[tokio::test]
async fn decoda_events_are_signed_and_retried_until_2xx() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Http::new(&sandbox);
    let (url, got) = receiver(vec![500, 503]).await;
    let (_, hook) = c
        .decoda(
            Method::POST,
            "/webhook/decoda/create",
            Some(json!({"subscriptions": ["PAYMENT_CREATED", "REFUND_CREATED"], "url": url})),
        )
        .await;
    let secret = hook["secret"].as_str().unwrap().to_owned();

    let payment = settle(&c).await;
    sandbox.wait_for_deliveries().await;
    let deliveries = sandbox.deliveries();
    assert_eq!(deliveries.len(), 1);
    let d = &deliveries[0];
    let statuses: Vec<Option<u16>> = d.attempts.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Some(500), Some(503), Some(200)]);
    assert!(d.delivered && d.finished);
    assert_eq!(d.last_status(), Some(200));
    assert_eq!(d.event_type, "PAYMENT_CREATED");

    let received = got.lock().unwrap().clone();
    assert_eq!(received.len(), 3, "one POST per attempt");
    for (headers, body) in &received {
        assert_eq!(body, &received[0].1, "every attempt sends the same bytes");
        let sig = headers["decoda-signature"].to_str().unwrap();
        assert_eq!(sig, hex_hmac(&secret, body));
        assert_eq!(sig, sig.to_ascii_lowercase());
        assert_eq!(headers["content-type"], "application/json");
    }
    let envelope: Value = serde_json::from_slice(&received[0].1).unwrap();
    let keys: Vec<&String> = envelope.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["alertId", "createdDate", "data", "id", "type"]);
    assert_eq!(envelope["type"], "PAYMENT_CREATED");
    assert_eq!(envelope["id"], d.event_id.as_str());
    assert_eq!(envelope["data"]["id"], payment["id"]);
    assert_eq!(envelope["data"]["amount"], 1000);

    // A refund is delivered too; a saved method (PATIENT_UPDATED) is not subscribed to.
    let (status, _) = c
        .decoda(
            Method::POST,
            "/billing/payment/refund",
            Some(json!({"paymentId": payment["id"], "providerId": "prov_7", "amount": 400, "reason": "OTHER"})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = c
        .decoda(
            Method::POST,
            "/user/patient/payment-methods/create?patient_id=pat_1001",
            Some(json!({"paymentMethodId": "mtd_w", "paymentMethodConfigId": "c", "fingerprint": null,
                        "methodType": "CARD", "card": {"type": "DEBIT", "brand": "VISA", "brandDesc": "Visa",
                        "last4": "1881", "expMonth": 1, "expYear": 2030}, "ach": null, "applePay": null,
                        "billingContact": null, "metadata": {}, "createdAt": "x", "updatedAt": "y"})),
        )
        .await;
    assert_eq!(status, 200);
    sandbox.wait_for_deliveries().await;
    let types: Vec<String> = sandbox
        .deliveries()
        .iter()
        .map(|d| d.event_type.clone())
        .collect();
    assert_eq!(types, ["PAYMENT_CREATED", "REFUND_CREATED"]);
    let last = got.lock().unwrap().last().cloned().unwrap();
    let refund: Value = serde_json::from_slice(&last.1).unwrap();
    assert_eq!(refund["data"]["amount"], 400);
    assert_eq!(refund["data"]["paymentId"], payment["id"]);
    // A tampered body would not verify (the check above is not vacuous).
    let mut tampered = last.1.to_vec();
    tampered[10] ^= 1;
    assert_ne!(
        hex_hmac(&secret, &tampered),
        last.0["decoda-signature"].to_str().unwrap()
    );
}

#[tokio::test]
async fn unreachable_receivers_exhaust_the_schedule() {
    let opts = Options::default().delivery(DeliverySchedule::with_delays([
        Duration::from_millis(5),
        Duration::from_millis(5),
    ]));
    let sandbox = Sandbox::start_with_options("127.0.0.1:0".parse().unwrap(), opts)
        .await
        .unwrap();
    // A port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    sandbox
        .register_webhook(
            WebhookVendor::Decoda,
            &format!("http://127.0.0.1:{port}/x"),
            "s3cret",
        )
        .unwrap();
    settle(&Http::new(&sandbox)).await;
    sandbox.wait_for_deliveries().await;
    let d = &sandbox.deliveries()[0];
    assert_eq!(d.attempts.len(), 3);
    assert!(
        d.attempts
            .iter()
            .all(|a| a.status.is_none() && a.error.is_some())
    );
    assert!(d.finished && !d.delivered);
    // Only loopback URLs can be registered.
    assert!(
        sandbox
            .register_webhook(
                WebhookVendor::CareValidate,
                "https://hooks.example.com/",
                "s"
            )
            .is_err()
    );
}

#[tokio::test(start_paused = true)]
async fn decoda_schedule_under_a_paused_clock() {
    let opts = Options::default().delivery(DeliverySchedule::decoda());
    let sandbox = Sandbox::start_with_options("127.0.0.1:0".parse().unwrap(), opts)
        .await
        .unwrap();
    let (url, got) = receiver(vec![500; 10]).await;
    sandbox
        .register_webhook(WebhookVendor::Decoda, &url, "s3cret")
        .unwrap();
    settle(&Http::new(&sandbox)).await;
    sandbox.wait_for_deliveries().await;
    let d = &sandbox.deliveries()[0];
    let at: Vec<u64> = d.attempts.iter().map(|a| a.at.as_secs()).collect();
    // 1 s, 5 s, 15 s, 60 s, 5 min, 15 min between attempts.
    assert_eq!(at, [0, 1, 6, 21, 81, 381, 1281]);
    assert!(d.attempts.iter().all(|a| a.status == Some(500)));
    assert!(!d.delivered && d.finished);
    assert_eq!(got.lock().unwrap().len(), 7);
}

#[tokio::test]
async fn carevalidate_events_through_the_admin_route() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Http::new(&sandbox);
    let (url, got) = receiver(vec![]).await;
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/__sandbox/carevalidate/webhooks",
            sandbox.base_url()
        ))
        .header("content-type", "application/json")
        .body(json!({"url": url, "secret": "cv-secret"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);

    let (_, setup, _) = c
        .cv(
            "/api/v1/payments/setup",
            &json!({"metadata": {"email": "john@example.com"}}),
        )
        .await;
    let seti = setup["paymentSecret"]
        .as_str()
        .unwrap()
        .split("_secret_")
        .next()
        .unwrap()
        .to_owned();
    let address = json!({"line1": "1 A St", "city": "Atlanta", "state": "GA", "country": "US", "postal_code": "30301"});
    let (status, _, _) = c
        .cv(
            "/api/v1/complete-payment-setup",
            &json!({"stripeSetupID": seti, "shippingAddress": address}),
        )
        .await;
    assert_eq!(status, 200);
    let case = "/api/v1/cases/3c9a7f2e-1b4d-4e8a-9f6b-000000000001/payments";
    let body = json!({"amount": 25, "description": "Visit", "idempotencyKey": "wh-1"});
    c.cv(case, &body).await;
    c.cv(case, &body).await; // a replay creates nothing and sends nothing
    sandbox.wait_for_deliveries().await;

    let received = got.lock().unwrap().clone();
    let events: Vec<String> = received
        .iter()
        .map(|(_, b)| {
            serde_json::from_slice::<Value>(b).unwrap()["event"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(events, ["ADD_PAYMENT_INFO_USING_LINK", "PAYMENT_ADDED"]);
    for (headers, body) in &received {
        assert_eq!(
            headers["x-cv-signature"].to_str().unwrap(),
            hex_hmac("cv-secret", body)
        );
        let v: Value = serde_json::from_slice(body).unwrap();
        assert!(v["payload"].is_object());
    }
    let first: Value = serde_json::from_slice(&received[0].1).unwrap();
    assert_eq!(
        first["payload"]["caseId"],
        "3c9a7f2e-1b4d-4e8a-9f6b-000000000001"
    );
    assert_eq!(
        first["payload"]["paymentInfo"]["shippingAddress"]["postalCode"],
        "30301"
    );
    let second: Value = serde_json::from_slice(&received[1].1).unwrap();
    assert_eq!(second["payload"]["payment"]["amount"], 25);
    assert!(
        sandbox
            .deliveries()
            .iter()
            .all(|d| d.vendor == WebhookVendor::CareValidate)
    );

    // The admin route refuses non-loopback URLs; the Rust API registers too.
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/__sandbox/carevalidate/webhooks",
            sandbox.base_url()
        ))
        .header("content-type", "application/json")
        .body(json!({"url": "http://10.1.2.3/", "secret": "x"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let _ = credentials::CAREVALIDATE_API_KEY;
}
