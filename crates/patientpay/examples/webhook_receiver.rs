//! Receiving Decoda and CareValidate webhooks in axum: take the **raw** body (`Bytes`) and the
//! headers, verify the signature over those exact bytes, drop redeliveries, hand the event to
//! a worker and answer 2xx at once; a bad signature gets 401 and nothing is processed.
//!
//! `cargo run -p patientpay --example webhook_receiver` runs a self-contained demo: it starts
//! the embedded sandbox, registers this receiver for Decoda deliveries, settles a patient's
//! charges from credit and refunds part of the payment, and prints the events received.
//! `cargo run -p patientpay --example webhook_receiver -- serve` serves on 127.0.0.1:3000 (or
//! `WEBHOOK_PORT`) with the secrets from `DECODA_WEBHOOK_SECRET` / `CAREVALIDATE_WEBHOOK_SECRET`.
//!
//! Never put a JSON body extractor (`Json<T>`) on a webhook route: the signature covers the
//! bytes as sent, and a re-serialized body does not verify.
#![cfg_attr(not(all(feature = "decoda", feature = "carevalidate")), allow(unused))]

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use patientpay::webhook::{DedupeStore, InMemoryDedupe, WebhookEvent, WebhookSecret, Webhooks};
use tokio::sync::mpsc;

/// One vendor's endpoint: its verifier, secret, the shared dedupe store and the work queue.
#[derive(Clone)]
pub struct Endpoint {
    /// The vendor's verifier.
    pub hooks: Arc<dyn Webhooks>,
    /// The endpoint's signing secret.
    pub secret: WebhookSecret,
    /// Replay / redelivery guard (vendors deliver at least once).
    pub dedupe: Arc<dyn DedupeStore>,
    /// Where verified, first-seen events go; a worker processes them after the 2xx.
    pub queue: mpsc::UnboundedSender<WebhookEvent>,
}

/// `POST /webhooks/decoda` and `POST /webhooks/carevalidate` (each only when configured).
pub fn app(decoda: Option<Endpoint>, carevalidate: Option<Endpoint>) -> Router {
    let mut router = Router::new();
    if let Some(e) = decoda {
        router = router.route("/webhooks/decoda", post(receive).with_state(e));
    }
    if let Some(e) = carevalidate {
        router = router.route("/webhooks/carevalidate", post(receive).with_state(e));
    }
    router
}

async fn receive(State(e): State<Endpoint>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let event = match e.hooks.verify_and_parse(&headers, &body, &e.secret) {
        Ok(event) => event,
        // 401 for signature problems, 413 too large, 422 verified but unreadable. The error
        // names no secret and no body content, so it may be logged.
        Err(err) => {
            eprintln!("webhook refused: {err}");
            return err.status_code();
        }
    };
    if !e.dedupe.first_seen(event.provider, event.dedupe_key()) {
        return StatusCode::OK; // a redelivery: already queued once
    }
    let (provider, key) = (event.provider, event.dedupe_key().to_owned());
    if e.queue.send(event).is_err() {
        // The worker is gone: forget the event so the vendor's retry is processed.
        e.dedupe.forget(provider, &key);
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    StatusCode::OK
}

#[cfg(all(feature = "decoda", feature = "carevalidate"))]
fn endpoints(
    decoda_secret: Option<WebhookSecret>,
    carevalidate_secret: Option<WebhookSecret>,
) -> (
    Option<Endpoint>,
    Option<Endpoint>,
    mpsc::UnboundedReceiver<WebhookEvent>,
) {
    let (queue, events) = mpsc::unbounded_channel();
    let dedupe: Arc<dyn DedupeStore> = Arc::new(InMemoryDedupe::new(10_000));
    let endpoint = |hooks: Arc<dyn Webhooks>, secret| Endpoint {
        hooks,
        secret,
        dedupe: Arc::clone(&dedupe),
        queue: queue.clone(),
    };
    let decoda = decoda_secret.map(|s| {
        endpoint(
            Arc::new(patientpay::decoda::webhook::DecodaWebhooks::new()),
            s,
        )
    });
    let carevalidate = carevalidate_secret.map(|s| {
        endpoint(
            Arc::new(patientpay::carevalidate::webhook::CareValidateWebhooks::new()),
            s,
        )
    });
    (decoda, carevalidate, events)
}

/// The demo: the sandbox delivers a settle's and a refund's events to this receiver.
#[cfg(all(feature = "decoda", feature = "carevalidate"))]
pub async fn demo() -> Result<Vec<WebhookEvent>, Box<dyn std::error::Error>> {
    use patientpay::decoda::DecodaBuilder;
    use patientpay::{
        Money, PatientBilling, RefundPayment, RefundReason, SettleChargesFromCredit, VerifyPatient,
        parse_date,
    };
    use patientpay_sandbox::{Sandbox, Seed, WebhookVendor, credentials};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks/decoda", listener.local_addr()?);
    let secret = "whsec_example_receiver";
    let (decoda_ep, cv_ep, mut events) = endpoints(Some(WebhookSecret::new(secret)), None);
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app(decoda_ep, cv_ep)).await;
    });

    let seed = Seed::default();
    let sandbox = Sandbox::start_with(seed.clone()).await?;
    sandbox.register_webhook(WebhookVendor::Decoda, &url, secret)?;
    let decoda = DecodaBuilder::new()
        .with_api_key(credentials::DECODA_API_KEY)
        .with_tenant(credentials::DECODA_TENANT)
        .with_base_url(sandbox.base_url())
        .build()?;
    let p = seed
        .decoda
        .patients
        .iter()
        .find(|p| !p.credits.is_empty())
        .ok_or("no seeded patient with credit")?;
    let who = VerifyPatient::new(
        &p.id,
        &p.last_name,
        &p.phone,
        parse_date("dob", &p.date_of_birth)?,
    );
    let balance = decoda.verify_patient_balance(who).await?;
    let credit = balance
        .patient
        .credit_balance
        .ok_or("the seeded patient has no credit")?;
    let amount = Money::from_minor(
        credit
            .minor_units()
            .min(balance.total_outstanding.minor_units()),
        credit.currency(),
    );
    let payment = decoda
        .settle_charges_from_credit(SettleChargesFromCredit::new(amount, balance.charges))
        .await?;
    println!(
        "settled {} from credit: payment {}",
        payment.amount, payment.id
    );
    let refund = RefundPayment::new(
        payment.id.clone(),
        "prov_sandbox",
        Money::from_minor(1, payment.amount.currency()),
        RefundReason::Other,
    );
    match decoda.refund_payment(refund).await {
        Ok(r) => println!("refunded {} of {}: refund {}", r.amount, r.payment_id, r.id),
        Err(e) => println!("refund refused by the sandbox: {e}"),
    }
    sandbox.wait_for_deliveries().await;
    sandbox.shutdown().await;
    server.abort();
    let mut received = Vec::new();
    while let Ok(event) = events.try_recv() {
        println!(
            "received {} {} ({}) id={}",
            event.provider,
            event.vendor_type,
            event.kind,
            event.id.as_deref().unwrap_or("-")
        );
        received.push(event);
    }
    if received.is_empty() {
        return Err("no delivery reached the receiver".into());
    }
    Ok(received)
}

#[cfg(all(feature = "decoda", feature = "carevalidate"))]
async fn serve() -> Result<(), Box<dyn std::error::Error>> {
    let secret = |name: &str| std::env::var(name).ok().map(WebhookSecret::new);
    let (decoda, carevalidate, mut events) = endpoints(
        secret("DECODA_WEBHOOK_SECRET"),
        secret("CAREVALIDATE_WEBHOOK_SECRET"),
    );
    if decoda.is_none() && carevalidate.is_none() {
        return Err("set DECODA_WEBHOOK_SECRET and/or CAREVALIDATE_WEBHOOK_SECRET".into());
    }
    let port: u16 = std::env::var("WEBHOOK_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);
    tokio::spawn(async move {
        // The worker: do the real processing here, after the vendor got its 2xx. Log ids
        // and kinds only; `{event:?}` is PHI-free too.
        while let Some(event) = events.recv().await {
            println!("{} {} {}", event.provider, event.kind, event.dedupe_key());
        }
    });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    eprintln!("receiving webhooks on http://127.0.0.1:{port}/webhooks/{{decoda,carevalidate}}");
    axum::serve(listener, app(decoda, carevalidate)).await?;
    Ok(())
}

#[cfg(all(feature = "decoda", feature = "carevalidate"))]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().nth(1).as_deref() == Some("serve") {
        serve().await
    } else {
        demo().await.map(|_| ())
    }
}

#[cfg(not(all(feature = "decoda", feature = "carevalidate")))]
fn main() {
    eprintln!("this example needs the `decoda` and `carevalidate` features");
}
