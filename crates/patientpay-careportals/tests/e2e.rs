//! End to end through `Box<dyn PaymentProvider>` against the sandbox.

mod common;

use common::{client, client_for};
use patientpay_core::{
    AddPaymentMethod, CardBrand, Error, ListPaymentMethods, Operation, PaymentMethodKind,
    PaymentProvider, Processor, RemovePaymentMethod,
};
use patientpay_sandbox::{Fault, Sandbox, credentials};

const DOC_CARD: &str = "pm_1Rz78FKeCoUxIkZxXhFa0HlF";

#[tokio::test]
async fn list_add_remove_through_the_trait() {
    let sandbox = Sandbox::start().await.unwrap();
    let provider: Box<dyn PaymentProvider> = Box::new(client(&sandbox));
    assert_eq!(provider.name(), "careportals");

    let listed = provider
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    let doc = &listed[0];
    assert_eq!(doc.id.as_deref(), Some(DOC_CARD));
    assert_eq!(doc.kind, PaymentMethodKind::Card);
    assert_eq!(doc.brand, Some(CardBrand::Visa));
    assert_eq!(doc.last4.as_deref(), Some("4242"));
    assert_eq!((doc.exp_month, doc.exp_year), (Some(4), Some(2029)));
    assert_eq!(doc.processor, Processor::Stripe);
    assert_eq!(
        doc.billing_details.as_ref().and_then(|b| b.name.as_deref()),
        Some("Jane Doe")
    );

    let added = provider
        .add_payment_method(AddPaymentMethod::new("pm_card_mastercard"))
        .await
        .unwrap();
    // A Stripe test token creates a new PaymentMethod whose id the add answer does not
    // carry: it is found by listing.
    assert_eq!(added.id, None);
    assert_eq!(added.last4.as_deref(), Some("4444"));
    assert_eq!(added.processor, Processor::Stripe);
    assert!(added.exp_month.is_some() && added.exp_year.is_some());

    let listed = provider
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
    let mc = listed
        .iter()
        .find(|m| m.id.as_deref() != Some(DOC_CARD))
        .unwrap();
    assert_eq!(mc.brand, Some(CardBrand::Mastercard));
    let mc_id = mc.id.clone().expect("a listed method has its id");
    assert!(
        mc_id.starts_with("pm_") && mc_id != "pm_card_mastercard",
        "{mc_id}"
    );

    let removed = provider
        .remove_payment_method(RemovePaymentMethod::new(DOC_CARD))
        .await
        .unwrap();
    assert!(removed.removed);
    assert_eq!(removed.id, DOC_CARD);
    let listed = provider
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .unwrap();
    assert_eq!(
        listed.iter().map(|m| m.id.clone()).collect::<Vec<_>>(),
        vec![Some(mc_id.clone())]
    );

    // What the sandbox saw: the documented routes, headers and body.
    let reqs = sandbox.requests();
    let methods_paths: Vec<(String, String)> = reqs
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    assert_eq!(
        methods_paths,
        [
            ("GET", "/users/payment-methods"),
            ("POST", "/v2/users/payment-methods"),
            ("GET", "/users/payment-methods"),
            (
                "DELETE",
                "/v2/users/payment-methods/pm_1Rz78FKeCoUxIkZxXhFa0HlF"
            ),
            ("GET", "/users/payment-methods"),
        ]
        .map(|(m, p)| (m.to_owned(), p.to_owned()))
    );
    for r in &reqs {
        assert!(
            r.sent_secret(
                "authorization",
                &format!("Bearer {}", credentials::CAREPORTALS_TOKEN)
            ),
            "{r:?}"
        );
        assert_eq!(r.header("authorization"), Some("<redacted>"));
        assert_eq!(r.header("origin"), Some(credentials::CAREPORTALS_ORIGIN));
        assert_eq!(r.header("accept"), Some("application/json"));
    }
    assert_eq!(
        reqs[1].json,
        Some(serde_json::json!({"paymentMethodId": "pm_card_mastercard"}))
    );
    assert_eq!(reqs[1].header("content-type"), Some("application/json"));
    assert_eq!(sandbox.count("GET", "/users/payment-methods"), 3);
}

#[tokio::test]
async fn nmi_tokens_and_per_patient_wallets() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = client(&sandbox);
    let alice: Box<dyn PaymentProvider> = Box::new(base.for_patient("jwt-of-alice"));
    let bob: Box<dyn PaymentProvider> = Box::new(base.for_patient("jwt-of-bob"));

    assert!(
        alice
            .list_payment_methods(ListPaymentMethods::new())
            .await
            .unwrap()
            .is_empty()
    );
    let nmi = alice
        .add_payment_method(AddPaymentMethod::new("00000000-000000-000000-000000000000"))
        .await
        .unwrap();
    assert_eq!(nmi.id, None, "the add answer has no id for an NMI token");
    assert_eq!(nmi.processor, Processor::Nmi);
    assert_eq!(nmi.kind, PaymentMethodKind::Card);
    let amex = bob
        .add_payment_method(AddPaymentMethod::new("pm_card_amex"))
        .await
        .unwrap();
    assert_eq!(amex.last4.as_deref(), Some("0005"));

    let alices = alice
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .unwrap();
    assert_eq!(alices.len(), 1);
    assert_eq!(alices[0].processor, Processor::Nmi);
    assert_eq!(alices[0].last4, nmi.last4);
    let nmi_id = alices[0]
        .id
        .clone()
        .expect("listed NMI methods carry an id");
    let bobs = bob
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .unwrap();
    assert_eq!(bobs.len(), 1);
    assert_eq!(bobs[0].brand, Some(CardBrand::Amex));

    // Bob cannot remove Alice's method; Alice can, once.
    let e = bob
        .remove_payment_method(RemovePaymentMethod::new(nmi_id.clone()))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(404));
    alice
        .remove_payment_method(RemovePaymentMethod::new(nmi_id.clone()))
        .await
        .unwrap();
    assert!(
        alice
            .list_payment_methods(ListPaymentMethods::new())
            .await
            .unwrap()
            .is_empty()
    );

    // Each handle sent its own JWT over the shared pool.
    let reqs = sandbox.requests();
    assert!(
        reqs.iter()
            .filter(|r| r.sent_secret("authorization", "Bearer jwt-of-alice"))
            .count()
            == 5
    );
    assert!(
        reqs.iter()
            .filter(|r| r.sent_secret("authorization", "Bearer jwt-of-bob"))
            .count()
            == 3
    );
    sandbox.with_state(|s| {
        assert!(s.careportals.wallet("jwt-of-alice").is_empty());
        assert_eq!(s.careportals.wallet("jwt-of-bob").len(), 1);
        assert_eq!(
            s.careportals.wallet(credentials::CAREPORTALS_TOKEN).len(),
            1
        );
    });
}

#[tokio::test]
async fn error_mapping() {
    let sandbox = Sandbox::start().await.unwrap();
    let provider: Box<dyn PaymentProvider> = Box::new(client(&sandbox));

    // 402 decline → Vendor error carrying the vendor's message; nothing saved.
    let e = provider
        .add_payment_method(AddPaymentMethod::new("pm_card_chargeDeclined"))
        .await
        .unwrap_err();
    match &e {
        Error::Vendor {
            provider,
            operation,
            status,
            message,
            ..
        } => {
            assert_eq!(
                (*provider, *operation, *status),
                ("careportals", Operation::AddPaymentMethod, 402)
            );
            assert_eq!(message, "Your card was declined.");
        }
        other => panic!("{other:?}"),
    }
    assert!(!e.is_retryable());
    assert_eq!(
        sandbox.count("POST", "/v2/users/payment-methods"),
        1,
        "a decline is not retried"
    );

    // Unknown id → 404 Vendor error.
    let e = provider
        .remove_payment_method(RemovePaymentMethod::new("pm_nope"))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Vendor { status: 404, message, .. } if message == "Payment method not found"),
        "{e}"
    );

    // Ids with reserved characters travel as one segment and come back 404, not elsewhere.
    let e = provider
        .remove_payment_method(RemovePaymentMethod::new("a/b?c#d"))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(404));
    assert_eq!(
        sandbox.count("DELETE", "/v2/users/payment-methods/a%2Fb%3Fc%23d"),
        1
    );

    // A refused JWT → Auth.
    sandbox.inject(
        Fault::on("GET", "/users/payment-methods")
            .status_body(
                401,
                "application/json",
                r#"{"statusCode":401,"message":"Unauthorized"}"#,
            )
            .times(1),
    );
    let e = provider
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Auth { status: 401, message: Some(m), .. } if m == "Unauthorized"),
        "{e}"
    );

    // `{success: false}` on a 200 is an error.
    sandbox.inject(
        Fault::on("DELETE", "/v2/users/payment-methods/*")
            .status_body(200, "application/json", r#"{"success": false}"#)
            .times(1),
    );
    let e = provider
        .remove_payment_method(RemovePaymentMethod::new(DOC_CARD))
        .await
        .unwrap_err();
    assert!(matches!(&e, Error::Vendor { status: 200, .. }), "{e}");
    assert!(e.to_string().contains("success: false"), "{e}");

    // A 503 on a read is retried, then succeeds.
    sandbox.clear_requests();
    sandbox.inject(
        Fault::on("GET", "/users/payment-methods")
            .status(503)
            .times(1),
    );
    assert_eq!(
        provider
            .list_payment_methods(ListPaymentMethods::new())
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(sandbox.count("GET", "/users/payment-methods"), 2);

    // A 503 on an add is not retried (it may have saved the card).
    sandbox.clear_requests();
    sandbox.inject(
        Fault::on("POST", "/v2/users/payment-methods")
            .status(503)
            .times(1),
    );
    let e = provider
        .add_payment_method(AddPaymentMethod::new("pm_card_visa"))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_eq!(sandbox.count("POST", "/v2/users/payment-methods"), 1);

    // Malformed success bodies are decode errors that name the place, not the content.
    sandbox.inject(
        Fault::on("GET", "/users/payment-methods")
            .status_body(200, "application/json", r#"[{"id":"pm_1","type":42}]"#)
            .times(1),
    );
    let e = provider
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Decode { .. }), "{e}");
    assert!(e.to_string().contains("[0].type"), "{e}");
}

#[tokio::test]
async fn empty_or_refused_jwt() {
    let sandbox = Sandbox::start().await.unwrap();
    // The client refuses an empty JWT itself (the sandbox's own 401 is covered by the
    // contract test).
    let provider: Box<dyn PaymentProvider> = Box::new(client(&sandbox).for_patient("  "));
    let e = provider
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Config { setting, .. } if setting == "CAREPORTALS_TOKEN"),
        "{e}"
    );
    assert!(
        sandbox.requests().is_empty(),
        "an empty JWT is refused before any I/O"
    );

    // A JWT the vendor refuses with a text body → Auth carrying that text.
    let provider: Box<dyn PaymentProvider> = Box::new(client_for(&sandbox, "expired-jwt"));
    sandbox.inject(
        Fault::on("POST", "/v2/users/payment-methods")
            .status_body(403, "text/plain", "Forbidden resource")
            .times(1),
    );
    let e = provider
        .add_payment_method(AddPaymentMethod::new("pm_card_visa"))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Auth { status: 403, message: Some(m), .. } if m == "Forbidden resource"),
        "{e}"
    );
}

#[tokio::test]
async fn raw_methods_expose_the_full_vendor_objects() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    let raw = c
        .list_payment_methods_raw(ListPaymentMethods::new())
        .await
        .unwrap();
    let card = raw[0].card.as_ref().unwrap();
    assert_eq!(card.fingerprint.as_deref(), Some("wkxxH2W0e4S1mvIM"));
    assert_eq!(raw[0].customer.as_deref(), Some("cus_Rwr5mZerq1Q2VL"));
    assert_eq!(raw[0].exp.as_deref(), Some("4/2029"));
    assert!(raw[0].other.contains_key("radar_options"));
    let added = c
        .add_payment_method_raw(AddPaymentMethod::new("pm_card_visa"))
        .await
        .unwrap();
    assert_eq!(added.last4.as_deref(), Some("4242"));
    let new_id = c
        .list_payment_methods_raw(ListPaymentMethods::new())
        .await
        .unwrap()
        .into_iter()
        .filter_map(|m| m.id)
        .find(|id| id.starts_with("pm_sbx"))
        .expect("the new card");
    let removed = c
        .remove_payment_method_raw(RemovePaymentMethod::new(new_id))
        .await
        .unwrap();
    assert!(removed.success);
}

#[tokio::test]
async fn conformance_suite_sends_nothing() {
    let sandbox = Sandbox::start().await.unwrap();
    let provider = client(&sandbox);
    patientpay_core::conformance::check_provider(&provider).await;
    assert!(sandbox.requests().is_empty(), "{:?}", sandbox.requests());
    let caps: Vec<Operation> = provider.capabilities().operations().collect();
    assert_eq!(
        caps,
        [
            Operation::ListPaymentMethods,
            Operation::AddPaymentMethod,
            Operation::RemovePaymentMethod
        ]
    );
}

/// A vendor that echoes the token it was sent (as Stripe's "No such PaymentMethod: 'pm_…'"
/// does) must not carry it into the error.
#[tokio::test]
async fn an_echoed_token_is_hidden_from_errors() {
    let sandbox = patientpay_sandbox::Sandbox::start().await.unwrap();
    sandbox.inject(
        patientpay_sandbox::Fault::on("POST", "/v2/users/payment-methods").status_body(
            400,
            "application/json",
            r#"{"statusCode":400,"message":"No such PaymentMethod: 'pm_SECRET_echo_42'"}"#,
        ),
    );
    let provider = patientpay_careportals::CarePortalsBuilder::new()
        .with_token(patientpay_sandbox::credentials::CAREPORTALS_TOKEN)
        .with_origin(patientpay_sandbox::credentials::CAREPORTALS_ORIGIN)
        .with_base_url(sandbox.base_url())
        .build()
        .unwrap();
    let err = patientpay_core::PaymentProvider::add_payment_method(
        &provider,
        patientpay_core::AddPaymentMethod::new("pm_SECRET_echo_42"),
    )
    .await
    .unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains("pm_SECRET_echo_42"), "{text}");
    assert!(text.contains("No such PaymentMethod"), "{text}");
}
