//! The axum webhook receiver example (`examples/webhook_receiver.rs`), run in-process: against
//! the sandbox's own signed deliveries (a settle, a refund, a CareValidate case payment), and
//! against deliveries signed outside the SDK (the vendor crates' fixtures).
#![cfg(all(feature = "decoda", feature = "carevalidate"))]

#[allow(dead_code, unused_imports)]
#[path = "../examples/webhook_receiver.rs"]
mod receiver;

use std::sync::Arc;

use patientpay::webhook::{DedupeStore, InMemoryDedupe, WebhookEvent, WebhookSecret};
use patientpay::{WebhookData, WebhookEventKind};
use patientpay_sandbox::{Sandbox, WebhookVendor, credentials};
use tokio::sync::mpsc;

const DECODA_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../patientpay-decoda/tests/fixtures/webhooks"
);
const CV_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../patientpay-carevalidate/tests/fixtures/webhooks"
);

fn fixture(dir: &str, file: &str) -> (Vec<u8>, String) {
    let sig = std::fs::read_to_string(format!("{dir}/signatures.txt"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with(&format!("{file} ")))
        .unwrap()
        .split_whitespace()
        .last()
        .unwrap()
        .to_owned();
    (std::fs::read(format!("{dir}/{file}")).unwrap(), sig)
}

struct Running {
    base: String,
    events: mpsc::UnboundedReceiver<WebhookEvent>,
    server: tokio::task::JoinHandle<()>,
}

async fn start(decoda_secret: &str, cv_secret: &str) -> Running {
    let (queue, events) = mpsc::unbounded_channel();
    let dedupe: Arc<dyn DedupeStore> = Arc::new(InMemoryDedupe::new(100));
    let decoda = receiver::Endpoint {
        hooks: Arc::new(patientpay::decoda::webhook::DecodaWebhooks::new()),
        secret: WebhookSecret::new(decoda_secret),
        dedupe: Arc::clone(&dedupe),
        queue: queue.clone(),
    };
    let cv = receiver::Endpoint {
        hooks: Arc::new(patientpay::carevalidate::webhook::CareValidateWebhooks::new()),
        secret: WebhookSecret::new(cv_secret),
        dedupe,
        queue,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, receiver::app(Some(decoda), Some(cv))).await;
    });
    Running {
        base,
        events,
        server,
    }
}

async fn post(url: &str, header: &str, sig: Option<&str>, body: &[u8]) -> u16 {
    let mut req = reqwest::Client::new().post(url).body(body.to_vec());
    if let Some(sig) = sig {
        req = req.header(header, sig);
    }
    req.send().await.unwrap().status().as_u16()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_receives_the_sandboxs_settle_and_refund_deliveries() {
    let events = receiver::demo().await.unwrap();
    let settle = events
        .iter()
        .find(|e| e.vendor_type == "PAYMENT_CREATED")
        .expect("the settle's PAYMENT_CREATED delivery");
    assert_eq!(settle.provider, "decoda");
    assert_eq!(settle.kind, WebhookEventKind::PaymentCreated);
    let WebhookData::Payment(p) = &settle.data else {
        panic!("{:?}", settle.data)
    };
    assert!(p.amount.is_positive());
    assert!(settle.id.is_some());
    let refund = events
        .iter()
        .find(|e| e.vendor_type == "REFUND_CREATED")
        .expect("the refund's REFUND_CREATED delivery");
    assert_eq!(refund.kind, WebhookEventKind::RefundCreated);
    assert_eq!(refund.data.refund().unwrap().payment_id, p.id);
}

#[tokio::test(flavor = "multi_thread")]
async fn sandbox_deliveries_for_a_settle_a_refund_and_a_case_payment() {
    let mut app = start("whsec_rx_decoda", "whsec_rx_cv").await;
    let sandbox = Sandbox::start().await.unwrap();
    sandbox
        .register_webhook(
            WebhookVendor::Decoda,
            &format!("{}/webhooks/decoda", app.base),
            "whsec_rx_decoda",
        )
        .unwrap();
    sandbox
        .register_webhook(
            WebhookVendor::CareValidate,
            &format!("{}/webhooks/carevalidate", app.base),
            "whsec_rx_cv",
        )
        .unwrap();

    // A settle through the SDK (the sandbox emits PAYMENT_CREATED), then a refund of it.
    use patientpay::decoda::DecodaBuilder;
    use patientpay::{
        Money, PatientBilling, RefundPayment, RefundReason, SettleChargesFromCredit, VerifyPatient,
        parse_date,
    };
    let seed = patientpay_sandbox::Seed::default();
    let decoda = DecodaBuilder::new()
        .with_api_key(credentials::DECODA_API_KEY)
        .with_tenant(credentials::DECODA_TENANT)
        .with_base_url(sandbox.base_url())
        .build()
        .unwrap();
    let p = seed
        .decoda
        .patients
        .iter()
        .find(|p| !p.credits.is_empty())
        .unwrap();
    let balance = decoda
        .verify_patient_balance(VerifyPatient::new(
            &p.id,
            &p.last_name,
            &p.phone,
            parse_date("dob", &p.date_of_birth).unwrap(),
        ))
        .await
        .unwrap();
    let credit = balance.patient.credit_balance.unwrap();
    let amount = Money::from_minor(
        credit
            .minor_units()
            .min(balance.total_outstanding.minor_units()),
        credit.currency(),
    );
    let payment = decoda
        .settle_charges_from_credit(SettleChargesFromCredit::new(amount, balance.charges))
        .await
        .unwrap();
    let refund = decoda
        .refund_payment(RefundPayment::new(
            payment.id.clone(),
            "prov_sandbox",
            Money::from_minor(1, payment.amount.currency()),
            RefundReason::Other,
        ))
        .await;

    // A CareValidate case payment (the sandbox emits PAYMENT_ADDED).
    let status = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/cases/3c9a7f2e-1b4d-4e8a-9f6b-000000000001/payments",
            sandbox.base_url().as_str().trim_end_matches('/')
        ))
        .header("cv-api-key", credentials::CAREVALIDATE_API_KEY)
        .header("content-type", "application/json")
        .body(
            serde_json::json!({"amount": 19.99, "description": "Consult", "idempotencyKey": "rx-1"})
                .to_string(),
        )
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "{status}");

    sandbox.wait_for_deliveries().await;
    let deliveries = sandbox.deliveries();
    assert!(
        deliveries.iter().all(|d| d.last_status() == Some(200)),
        "every delivery answered 200: {deliveries:?}"
    );
    let mut got = Vec::new();
    while let Ok(e) = app.events.try_recv() {
        got.push(e);
    }
    let settle = got
        .iter()
        .find(|e| e.provider == "decoda" && e.kind == WebhookEventKind::PaymentCreated)
        .expect("settle delivery");
    assert_eq!(settle.data.payment().unwrap().id, payment.id);
    let case_payment = got
        .iter()
        .find(|e| e.provider == "carevalidate" && e.vendor_type == "PAYMENT_ADDED")
        .expect("case payment delivery");
    assert_eq!(
        case_payment.data.payment().unwrap().amount.minor_units(),
        1999
    );
    // The refund's delivery.
    let refund = refund.unwrap();
    let r = got
        .iter()
        .find(|e| e.provider == "decoda" && e.kind == WebhookEventKind::RefundCreated)
        .expect("refund delivery");
    assert_eq!(r.data.refund().unwrap().id, refund.id);
    assert_eq!(r.data.refund().unwrap().payment_id, payment.id);
    sandbox.shutdown().await;
    app.server.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn independently_signed_deliveries_verify_dedupe_and_refuse() {
    let mut app = start("whsec_decoda_fixture_3f9a", "cvwh_fixture_secret_8c21").await;
    let decoda_url = format!("{}/webhooks/decoda", app.base);
    let cv_url = format!("{}/webhooks/carevalidate", app.base);

    // a refund delivery, signed outside the SDK
    let (body, sig) = fixture(DECODA_DIR, "refund_created.json");
    assert_eq!(
        post(&decoda_url, "Decoda-Signature", Some(&sig), &body).await,
        200
    );
    let e = app.events.recv().await.unwrap();
    assert_eq!(e.kind, WebhookEventKind::RefundCreated);
    assert_eq!(e.data.refund().unwrap().amount.minor_units(), 2500);
    // redelivered: acknowledged, not queued again
    assert_eq!(
        post(&decoda_url, "Decoda-Signature", Some(&sig), &body).await,
        200
    );
    // a settle's payment delivery
    let (body2, sig2) = fixture(DECODA_DIR, "payment_succeeded_spec.json");
    assert_eq!(
        post(&decoda_url, "Decoda-Signature", Some(&sig2), &body2).await,
        200
    );
    let e = app.events.recv().await.unwrap();
    assert_eq!(e.kind, WebhookEventKind::PaymentSucceeded);
    assert!(app.events.try_recv().is_err(), "the redelivery was queued");

    // tampered, unsigned, malformed, wrong vendor's header: 401, nothing queued
    let mut tampered = body.clone();
    tampered[10] ^= 1;
    assert_eq!(
        post(&decoda_url, "Decoda-Signature", Some(&sig), &tampered).await,
        401
    );
    assert_eq!(
        post(&decoda_url, "Decoda-Signature", None, &body).await,
        401
    );
    assert_eq!(
        post(&decoda_url, "Decoda-Signature", Some(&sig[..10]), &body).await,
        401
    );
    assert_eq!(
        post(&decoda_url, "x-cv-signature", Some(&sig), &body).await,
        401
    );
    // over the limit: 413
    let big = vec![b' '; 2 * 1024 * 1024 - 1];
    let status = post(&decoda_url, "Decoda-Signature", Some(&sig), &big).await;
    assert!(status == 413, "{status}");

    // CareValidate
    let (body, sig) = fixture(CV_DIR, "add_payment_info_staging.json");
    assert_eq!(
        post(&cv_url, "x-cv-signature", Some(&sig), &body).await,
        200
    );
    let e = app.events.recv().await.unwrap();
    assert_eq!(e.kind, WebhookEventKind::PaymentInfoAdded);
    assert_eq!(
        post(&cv_url, "x-cv-signature", Some(&sig), &body[1..]).await,
        401
    );
    assert!(app.events.try_recv().is_err());
    app.server.abort();
}
