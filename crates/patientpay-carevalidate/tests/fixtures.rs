//! The vendor's documented JSON (tests/fixtures, written from the docs) through this
//! crate: request bodies are built byte-for-byte as documented, every answer shape parses
//! with the wire types, and the unified form of each is snapshotted.

use patientpay_carevalidate::wire::{
    ErrorResponse, PaymentIntentResponse, UpdateUserCode, UpdateUserResponse,
};
use patientpay_carevalidate::{CareValidate, CareValidateBuilder};
use patientpay_core::http::VendorRequest;
use patientpay_core::{
    Address, CreatePaymentIntent, Currency, Error, Money, Operation, PaymentMethodType,
    PaymentProvider, UpdatePaymentInfo,
};
use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn fixture_json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

fn client() -> CareValidate {
    CareValidateBuilder::new()
        .with_api_key("cv-fixture-key")
        .build()
        .unwrap()
}

fn body_json(req: &VendorRequest) -> Value {
    serde_json::from_slice(req.body().expect("a body")).unwrap()
}

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD)
}

#[test]
fn documented_intent_requests_are_built_exactly() {
    let c = client();
    let basic = c
        .create_payment_intent_request(&CreatePaymentIntent::new(usd(10000)))
        .unwrap();
    assert_eq!(body_json(&basic), fixture_json("intent_request_basic.json"));
    assert_eq!(basic.body().unwrap().as_ref(), br#"{"amount":100}"#);

    let methods = CreatePaymentIntent::new(usd(10000)).with_payment_method_types([
        PaymentMethodType::Affirm,
        PaymentMethodType::Klarna,
        PaymentMethodType::Card,
    ]);
    let req = c.create_payment_intent_request(&methods).unwrap();
    assert_eq!(body_json(&req), fixture_json("intent_request_methods.json"));

    let minimal = c
        .create_payment_intent_request(&CreatePaymentIntent::new(usd(250_000)))
        .unwrap();
    assert_eq!(
        body_json(&minimal),
        fixture_json("intent_request_minimal.json")
    );
    assert_eq!(minimal.body().unwrap().as_ref(), br#"{"amount":2500}"#);
}

#[test]
fn documented_update_request_is_built_exactly() {
    // The doc's example, whose setup id and token it shows as "<redacted>".
    let req = UpdatePaymentInfo::new(
        "john@example.com",
        "<redacted>",
        "<redacted>",
        Address::new(
            "1600 Pennsylvania Avenue NW",
            "Washington",
            "DC",
            "20500",
            "US",
        ),
    );
    let built = client().update_payment_info_request(&req).unwrap();
    assert_eq!(body_json(&built), fixture_json("update_request.json"));
    assert_eq!(built.url().path(), "/api/v1/users");
}

#[test]
fn every_answer_shape_parses_with_the_wire_types() {
    let ok: PaymentIntentResponse = serde_json::from_str(&fixture("intent_success.json")).unwrap();
    assert_eq!(ok.status, Some(200));
    assert_eq!(ok.success, Some(true));
    assert!(ok.data.is_some());
    let extra: PaymentIntentResponse =
        serde_json::from_str(&fixture("intent_success_extra_fields.json")).unwrap();
    assert_eq!(extra.message, None);
    let upd: UpdateUserResponse = serde_json::from_str(&fixture("update_success.json")).unwrap();
    assert_eq!(upd.data.unwrap().code, UpdateUserCode::PaymentSetupUpdated);
    for (name, want) in [
        ("intent_error_amount_required.json", "Amount is required"),
        (
            "intent_error_amount_positive.json",
            "Amount must be a positive number",
        ),
        (
            "intent_error_method_types.json",
            "Invalid payment method types",
        ),
        ("error_auth.json", "Invalid API key"),
        ("error_internal.json", "Internal server error"),
        ("error_in_200.json", "Amount must be a positive number"),
        ("update_error_user.json", "User {email} does not exist"),
        (
            "update_error_setup.json",
            "No such setupintent: 'seti_1SNZDLKAXrtjbq2duGldHsHf'",
        ),
    ] {
        let e: ErrorResponse = serde_json::from_str(&fixture(name)).unwrap();
        assert_eq!(e.error_message(), Some(want), "{name}");
        // The operation's own answer type reads error bodies too (data is optional).
        let as_intent: PaymentIntentResponse = serde_json::from_str(&fixture(name)).unwrap();
        assert!(as_intent.data.is_none(), "{name}");
        let as_update: UpdateUserResponse = serde_json::from_str(&fixture(name)).unwrap();
        assert!(as_update.data.is_none(), "{name}");
    }
}

fn describe_intent(intent: &patientpay_core::PaymentIntent) -> Value {
    json!({
        "client_secret": intent.client_secret.expose_secret(),
        "payment_intent_id": intent.client_secret.payment_intent_id(),
        "amount": intent.amount,
        "message": intent.message,
        "debug": format!("{intent:?}"),
    })
}

fn describe_error(e: &Error) -> Value {
    let kind = match e {
        Error::InvalidInput { .. } => "InvalidInput",
        Error::Config { .. } => "Config",
        Error::Unsupported { .. } => "Unsupported",
        Error::Auth { .. } => "Auth",
        Error::Vendor { .. } => "Vendor",
        Error::RateLimited { .. } => "RateLimited",
        Error::Timeout { .. } => "Timeout",
        Error::Transport { .. } => "Transport",
        Error::Decode { .. } => "Decode",
        Error::ResponseTooLarge { .. } => "ResponseTooLarge",
        _ => "other",
    };
    json!({
        "kind": kind,
        "status": e.status(),
        "retryable": e.is_retryable(),
        "request_id": e.request_id(),
        // The sandbox's request ids vary; the rest of the line is what the user reads.
        "display": match e.request_id() {
            Some(id) => e.to_string().replace(id, "[request_id]"),
            None => e.to_string(),
        },
    })
}

/// The unified form of each success shape, through the provider's response mapping.
#[tokio::test]
async fn unified_success_forms() {
    // The sandbox answers with the fixture verbatim (a fault), so the provider's own
    // status check, decoding and mapping run on exactly the documented bytes.
    let sandbox = patientpay_sandbox::Sandbox::start().await.unwrap();
    for (name, status) in [
        ("intent_success.json", 200),
        ("intent_success_extra_fields.json", 200),
    ] {
        sandbox.reset();
        sandbox.inject(
            patientpay_sandbox::Fault::on("POST", "/api/v1/payments/intent")
                .status_body(status, "application/json", fixture(name))
                .times(1),
        );
        let provider = CareValidateBuilder::new()
            .with_api_key("cv-fixture-key")
            .with_base_url(sandbox.base_url())
            .build()
            .unwrap();
        let intent = provider
            .create_payment_intent(CreatePaymentIntent::new(usd(1999)))
            .await
            .unwrap();
        insta::assert_json_snapshot!(format!("unified_{}", name.trim_end_matches(".json")), describe_intent(&intent), {
            ".client_secret" => "[client_secret]",
        });
        assert_eq!(
            intent.client_secret.expose_secret(),
            "pi_3SG0o8GkkQS2eXzh0BKpSaq0_secret_CBrwqmT726jzfcnvCt0qBcS9e"
        );
    }
    sandbox.reset();
    sandbox.inject(
        patientpay_sandbox::Fault::on("POST", "/api/v1/users")
            .status_body(200, "application/json", fixture("update_success.json"))
            .times(1),
    );
    let provider = CareValidateBuilder::new()
        .with_api_key("cv-fixture-key")
        .with_base_url(sandbox.base_url())
        .build()
        .unwrap();
    let updated = provider
        .update_payment_info(UpdatePaymentInfo::new(
            "john@example.com",
            "seti_1",
            "tok",
            Address::new(
                "1600 Pennsylvania Avenue NW",
                "Washington",
                "DC",
                "20500",
                "US",
            ),
        ))
        .await
        .unwrap();
    insta::assert_json_snapshot!("unified_update_success", updated);
}

/// Each documented error shape, as the error a user sees.
#[tokio::test]
async fn unified_error_forms() {
    let sandbox = patientpay_sandbox::Sandbox::start().await.unwrap();
    let provider = CareValidateBuilder::new()
        .with_api_key("cv-fixture-key")
        .with_base_url(sandbox.base_url())
        .with_http_config(
            patientpay_core::http::HttpConfig::default()
                .with_retry(patientpay_core::http::RetryPolicy::none()),
        )
        .build()
        .unwrap();
    let update = || {
        UpdatePaymentInfo::new(
            "john@example.com",
            "seti_1",
            "tok",
            Address::new(
                "1600 Pennsylvania Avenue NW",
                "Washington",
                "DC",
                "20500",
                "US",
            ),
        )
    };
    let cases: &[(&str, &str, u16, Operation)] = &[
        (
            "intent_error_amount_required.json",
            "/api/v1/payments/intent",
            400,
            Operation::CreatePaymentIntent,
        ),
        (
            "intent_error_amount_positive.json",
            "/api/v1/payments/intent",
            400,
            Operation::CreatePaymentIntent,
        ),
        (
            "intent_error_method_types.json",
            "/api/v1/payments/intent",
            400,
            Operation::CreatePaymentIntent,
        ),
        (
            "error_auth.json",
            "/api/v1/payments/intent",
            401,
            Operation::CreatePaymentIntent,
        ),
        (
            "error_internal.json",
            "/api/v1/payments/intent",
            500,
            Operation::CreatePaymentIntent,
        ),
        (
            "error_in_200.json",
            "/api/v1/payments/intent",
            200,
            Operation::CreatePaymentIntent,
        ),
        (
            "update_error_user.json",
            "/api/v1/users",
            400,
            Operation::UpdatePaymentInfo,
        ),
        (
            "update_error_user_real_email.json",
            "/api/v1/users",
            400,
            Operation::UpdatePaymentInfo,
        ),
        (
            "update_error_setup.json",
            "/api/v1/users",
            400,
            Operation::UpdatePaymentInfo,
        ),
        (
            "error_auth.json",
            "/api/v1/users",
            401,
            Operation::UpdatePaymentInfo,
        ),
        (
            "error_internal.json",
            "/api/v1/users",
            500,
            Operation::UpdatePaymentInfo,
        ),
    ];
    for &(name, path, status, op) in cases {
        sandbox.reset();
        sandbox.inject(
            patientpay_sandbox::Fault::on("POST", path)
                .status_body(status, "application/json", fixture(name))
                .times(1),
        );
        let err = match op {
            Operation::CreatePaymentIntent => provider
                .create_payment_intent(CreatePaymentIntent::new(usd(1999)))
                .await
                .unwrap_err(),
            _ => provider.update_payment_info(update()).await.unwrap_err(),
        };
        assert_eq!(err.operation(), Some(op));
        assert_eq!(err.provider(), Some("carevalidate"));
        assert_eq!(
            sandbox.count("POST", path),
            1,
            "{name}: an error answer is not retried"
        );
        insta::assert_json_snapshot!(
            format!("error_{}_{}", op.as_str(), name.trim_end_matches(".json")),
            describe_error(&err),
            { ".request_id" => "[request_id]" }
        );
    }
}
