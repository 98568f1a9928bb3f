//! The complete example of docs/sandbox.md, compiled and run (keep the two identical).
#![cfg(all(feature = "sandbox", feature = "careportals"))]

use std::time::Duration;

use patientpay::sandbox::{Fault, Sandbox, SandboxProviders, Seed, credentials};
use patientpay::{AddPaymentMethod, Error, ListPaymentMethods, PaymentMethods};

#[tokio::test]
async fn saving_a_card_is_sent_once_and_reported() -> Result<(), Box<dyn std::error::Error>> {
    // 1. Start on an ephemeral 127.0.0.1 port (stopped when dropped), optionally seeded.
    let mut seed = Seed::default();
    seed.carevalidate
        .users
        .push("new.patient@example.com".into());
    let sandbox = Sandbox::start_with(seed).await?;

    // 2. Call through the capability trait, exactly as production code does.
    let provider: Box<dyn PaymentMethods> = Box::new(sandbox.careportals().build()?);
    let card = provider
        .add_payment_method(AddPaymentMethod::new("pm_card_visa"))
        .await?;
    assert_eq!(card.last4.as_deref(), Some("4242"));
    assert_eq!(
        provider
            .list_payment_methods(ListPaymentMethods::new())
            .await?
            .len(),
        2
    );

    // 3. Assert what your code sent (secret headers are recorded as "<redacted>").
    let sent = &sandbox.requests()[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path, "/v2/users/payment-methods");
    assert_eq!(
        sent.json.as_ref().unwrap()["paymentMethodId"],
        "pm_card_visa"
    );
    let bearer = format!("Bearer {}", credentials::CAREPORTALS_TOKEN);
    assert!(sent.sent_secret("authorization", &bearer));

    // 4. Inject a fault: the next add answers 503. A money-moving call is never resent.
    sandbox.reset();
    sandbox.inject(
        Fault::on("POST", "/v2/users/payment-methods")
            .status(503)
            .times(1),
    );
    let err = provider
        .add_payment_method(AddPaymentMethod::new("pm_card_amex"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Vendor { status: 503, .. }));
    assert!(err.may_have_been_sent());
    assert_eq!(sandbox.count("POST", "/v2/users/payment-methods"), 1);

    // 5. A slow vendor and a per-call timeout.
    sandbox.inject(Fault::on("GET", "/users/payment-methods").delay(Duration::from_secs(2)));
    let err = provider
        .list_payment_methods(ListPaymentMethods::new().with_timeout(Duration::from_millis(100)))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }));
    Ok(())
}

#[test]
fn the_guide_shows_this_exact_code() {
    let guide = include_str!("../../../docs/sandbox.md");
    let this = include_str!("sandbox_guide.rs");
    let start = this.find("use std::time::Duration;").unwrap();
    let end = this
        .find("\n#[test]\nfn the_guide_shows_this_exact_code")
        .unwrap();
    assert!(
        guide.contains(&this[start..end]),
        "docs/sandbox.md and tests/sandbox_guide.rs differ"
    );
}
