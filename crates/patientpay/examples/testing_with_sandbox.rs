//! Testing your own code against the sandbox: start it, call through the trait, inject a
//! fault, and assert what your code sent. (In your crate this would be a `#[tokio::test]`.)
//!
//! `cargo run -p patientpay --example testing_with_sandbox`

use std::time::Duration;

use patientpay::carevalidate::CareValidateBuilder;
use patientpay::pipeline::{HttpConfig, RetryPolicy};
use patientpay::{Checkout, CheckoutSession, Currency, Error, Money, StartCheckout};
use patientpay_sandbox::{Fault, Sandbox, credentials};

/// The code under test: start a checkout for an order total, on any `Checkout` vendor.
async fn start_checkout(checkout: &dyn Checkout, total: &str) -> patientpay::Result<String> {
    let amount = Money::parse_positive("total", total, Currency::USD)?;
    match checkout.start_checkout(StartCheckout::pay(amount)).await? {
        CheckoutSession::ClientSecret { secret, .. } => Ok(secret.expose_secret().to_owned()),
        other => Ok(other.kind().to_owned()),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start().await?;
    let provider = CareValidateBuilder::new()
        .with_api_key(credentials::CAREVALIDATE_API_KEY)
        .with_base_url(sandbox.base_url())
        .with_http_config(
            HttpConfig::default()
                .with_retry(RetryPolicy::default().with_initial_backoff(Duration::from_millis(10))),
        )
        .build()?;

    // 1. The happy path, and what was sent on the wire.
    let secret = start_checkout(&provider, "19.99").await?;
    assert!(secret.contains("_secret_"));
    let sent = sandbox.requests().pop().ok_or("no request recorded")?;
    assert_eq!(sent.path, "/api/v1/payments/intent");
    assert_eq!(
        sent.json.as_ref().map(|b| b["amount"].to_string()),
        Some("19.99".to_owned())
    );
    assert!(sent.sent_secret("cv-api-key", credentials::CAREVALIDATE_API_KEY));
    println!("checkout started; the sandbox saw amount 19.99 and the right key");

    // 2. A 503 on a money-moving call: the outcome is unknown (the vendor may have created
    // the intent), it is said so, and the call is never sent twice.
    sandbox.reset();
    sandbox.inject(
        Fault::on("POST", "/api/v1/payments/intent")
            .status(503)
            .times(1),
    );
    let err = start_checkout(&provider, "19.99")
        .await
        .expect_err("the fault applies");
    assert!(matches!(
        err,
        Error::OutcomeUnknown {
            status: Some(503),
            ..
        }
    ));
    assert_eq!(sandbox.count("POST", "/api/v1/payments/intent"), 1);
    println!(
        "503 reported as: {err} (sent once; next: {})",
        err.next_step()
    );

    // 3. A 429 with Retry-After is retried for you.
    sandbox.reset();
    sandbox.inject(
        Fault::on("POST", "/api/v1/payments/intent")
            .rate_limit(Some("0"))
            .times(1),
    );
    start_checkout(&provider, "5.00").await?;
    assert_eq!(sandbox.count("POST", "/api/v1/payments/intent"), 2);
    println!("429 then success: retried once, as Retry-After allowed");
    Ok(())
}
