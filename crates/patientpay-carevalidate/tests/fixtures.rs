//! The vendor's documented JSON (tests/fixtures, written from the docs) through this
//! crate: request bodies are built as documented, every answer shape parses with the wire
//! types, and the unified form of each (success and error) is snapshotted.
//!
//! `case_payment_request.json` and `case_payment_success.json` are written from the field
//! tables of the case-payments page (it shows no literal example); `complete_setup_success`
//! is the answer the page describes (`status`, `success`) but does not print in full.

use patientpay_carevalidate::wire::{
    CasePaymentResponse, ErrorResponse, PaymentIntentResponse, SetupIntentResponse, StatusResponse,
    UpdateUserCode, UpdateUserResponse,
};
use patientpay_carevalidate::{
    CareValidate, CareValidateBuilder, CasePaymentStatus, CompletePaymentSetup,
    ConfirmCustomerPayment, CreateCasePayment, CreateSetupIntent,
};
use patientpay_core::pipeline::{HttpConfig, RetryPolicy, VendorRequest};
use patientpay_core::{
    Address, CheckoutMethodKind, CreatePaymentIntent, Currency, Error, Money, Operation,
    UpdatePaymentInfo, parse_date,
};
use patientpay_sandbox::{Fault, Sandbox};
use serde_json::{Value, json};

const CASE: &str = "3c9a7f2e-1b4d-4e8a-9f6b-000000000001";

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

fn white_house() -> Address {
    Address::new(
        "1600 Pennsylvania Avenue NW",
        "Washington",
        "DC",
        "20500",
        "US",
    )
}

fn date(s: &str) -> patientpay_core::time::Date {
    parse_date("date", s).unwrap()
}

fn documented_case_payment() -> CreateCasePayment {
    CreateCasePayment::new(CASE, usd(12999), "Compounded Semaglutide, month 1")
        .with_product_id("5f0c2b1e-8a4d-4c3b-9e7f-1a2b3c4d5e6f")
        .with_status(CasePaymentStatus::Unpaid)
        .with_preauthorize(true)
        .with_idempotency_key("case-pay-key-1")
}

fn documented_confirmation() -> ConfirmCustomerPayment {
    ConfirmCustomerPayment::new(
        "your-case-id",
        usd(5000),
        date("2025-01-01"),
        CasePaymentStatus::Paid,
        date("2025-02-01"),
    )
    .with_decision_id("your-decision-id")
    .with_description("Payment for Compounded Semaglutide")
    .with_idempotency_key("unique-payment-key-123")
}

#[test]
fn documented_requests_are_built_exactly() {
    let c = client();
    let basic = c
        .create_payment_intent_request(&CreatePaymentIntent::new(usd(10000)))
        .unwrap();
    assert_eq!(body_json(&basic), fixture_json("intent_request_basic.json"));
    assert_eq!(basic.body().unwrap().as_ref(), br#"{"amount":100}"#);
    let methods = CreatePaymentIntent::new(usd(10000)).with_payment_method_types([
        CheckoutMethodKind::Affirm,
        CheckoutMethodKind::Klarna,
        CheckoutMethodKind::Card,
    ]);
    assert_eq!(
        body_json(&c.create_payment_intent_request(&methods).unwrap()),
        fixture_json("intent_request_methods.json")
    );
    let minimal = c
        .create_payment_intent_request(&CreatePaymentIntent::new(usd(250_000)))
        .unwrap();
    assert_eq!(
        body_json(&minimal),
        fixture_json("intent_request_minimal.json")
    );

    // The doc's example, whose setup id and token it shows as "<redacted>".
    let update = UpdatePaymentInfo::new(
        "john@example.com",
        "<redacted>",
        "<redacted>",
        white_house(),
    );
    let built = c.update_payment_info_request(&update).unwrap();
    assert_eq!(body_json(&built), fixture_json("update_request.json"));
    assert_eq!(built.url().path(), "/api/v1/users");

    let setup = c
        .create_setup_intent_request(
            &CreateSetupIntent::new()
                .with_email("testemail@example.com")
                .with_phone("+1404567890"),
        )
        .unwrap();
    assert_eq!(
        body_json(&setup),
        fixture_json("setup_request_metadata.json")
    );
    assert_eq!(setup.url().path(), "/api/v1/payments/setup");

    let complete = c
        .complete_payment_setup_request(&CompletePaymentSetup::new(
            "seti_1Example00000000000000000",
            Address::new("123 Main St", "Atlanta", "GA", "30301", "US").with_line2("Apt 4B"),
        ))
        .unwrap();
    assert_eq!(
        body_json(&complete),
        fixture_json("complete_setup_request.json")
    );
    assert_eq!(complete.url().path(), "/api/v1/complete-payment-setup");

    let case = c
        .create_case_payment_request(&documented_case_payment())
        .unwrap();
    assert_eq!(body_json(&case), fixture_json("case_payment_request.json"));
    assert_eq!(case.url().path(), format!("/api/v1/cases/{CASE}/payments"));

    let confirmation = c
        .confirm_customer_payment_request(&documented_confirmation())
        .unwrap();
    assert_eq!(
        body_json(&confirmation),
        fixture_json("confirmation_request.json")
    );
    assert_eq!(
        confirmation.url().path(),
        "/api/v1/customer-payment-confirmation"
    );
}

#[test]
fn every_answer_shape_parses_with_the_wire_types() {
    let ok: PaymentIntentResponse = serde_json::from_str(&fixture("intent_success.json")).unwrap();
    assert_eq!((ok.status, ok.success), (Some(200), Some(true)));
    assert!(ok.data.is_some());
    let extra: PaymentIntentResponse =
        serde_json::from_str(&fixture("intent_success_extra_fields.json")).unwrap();
    assert_eq!(extra.message, None);
    let upd: UpdateUserResponse = serde_json::from_str(&fixture("update_success.json")).unwrap();
    assert_eq!(upd.data.unwrap().code, UpdateUserCode::PaymentSetupUpdated);
    let setup: SetupIntentResponse = serde_json::from_str(&fixture("setup_success.json")).unwrap();
    assert!(
        setup
            .payment_secret
            .unwrap()
            .expose_secret()
            .contains("_secret_")
    );
    for name in ["complete_setup_success.json", "confirmation_success.json"] {
        let s: StatusResponse = serde_json::from_str(&fixture(name)).unwrap();
        assert_eq!((s.status, s.success), (Some(200), Some(true)), "{name}");
    }
    let case: CasePaymentResponse =
        serde_json::from_str(&fixture("case_payment_success.json")).unwrap();
    assert_eq!(
        case.data.unwrap().result.unwrap().amount.unwrap().0,
        "129.99"
    );
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
        (
            "error_conflict.json",
            "A record with this idempotencyKey already exists with different parameters",
        ),
        ("update_error_user.json", "User {email} does not exist"),
        (
            "update_error_setup.json",
            "No such setupintent: 'seti_1SNZDLKAXrtjbq2duGldHsHf'",
        ),
    ] {
        let e: ErrorResponse = serde_json::from_str(&fixture(name)).unwrap();
        assert_eq!(e.error_message(), Some(want), "{name}");
        // Each operation's own answer type reads error bodies too.
        assert!(
            serde_json::from_str::<PaymentIntentResponse>(&fixture(name))
                .unwrap()
                .data
                .is_none()
        );
        assert!(
            serde_json::from_str::<UpdateUserResponse>(&fixture(name))
                .unwrap()
                .data
                .is_none()
        );
        assert!(
            serde_json::from_str::<CasePaymentResponse>(&fixture(name))
                .unwrap()
                .data
                .is_none()
        );
        assert!(
            serde_json::from_str::<SetupIntentResponse>(&fixture(name))
                .unwrap()
                .payment_secret
                .is_none()
        );
    }
}

fn describe_error(e: &Error) -> Value {
    let kind = match e {
        Error::InvalidInput { .. } => "InvalidInput",
        Error::Auth { .. } => "Auth",
        Error::Vendor { .. } => "Vendor",
        Error::RateLimited { .. } => "RateLimited",
        Error::Timeout { .. } => "Timeout",
        Error::Transport { .. } => "Transport",
        Error::Decode { .. } => "Decode",
        Error::ResponseTooLarge { .. } => "ResponseTooLarge",
        Error::OutcomeUnknown { .. } => "OutcomeUnknown",
        _ => "other",
    };
    json!({
        "kind": kind,
        "status": e.status(),
        "retryable": e.is_retryable(),
        "may_have_been_sent": e.may_have_been_sent(),
        "request_id": e.request_id(),
        // The sandbox's request ids vary; the rest of the line is what the user reads.
        "display": match e.request_id() {
            Some(id) => e.to_string().replace(id, "[request_id]"),
            None => e.to_string(),
        },
    })
}

async fn sandbox_answering(path: &str, status: u16, body: String) -> (Sandbox, CareValidate) {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(
        Fault::on("POST", path)
            .status_body(status, "application/json", body)
            .times(1),
    );
    let c = CareValidateBuilder::new()
        .with_api_key("cv-fixture-key")
        .with_base_url(sandbox.base_url())
        .with_http_config(HttpConfig::default().with_retry(RetryPolicy::none()))
        .build()
        .unwrap();
    (sandbox, c)
}

/// The unified form of each success shape: the sandbox answers with the fixture verbatim
/// (a fault), so status check, decoding and mapping run on exactly the documented bytes.
#[tokio::test]
async fn unified_success_forms() {
    for name in ["intent_success.json", "intent_success_extra_fields.json"] {
        let (_sb, c) = sandbox_answering("/api/v1/payments/intent", 200, fixture(name)).await;
        let intent = c
            .create_payment_intent(CreatePaymentIntent::new(usd(1999)))
            .await
            .unwrap();
        assert_eq!(
            intent.client_secret.expose_secret(),
            "pi_3SG0o8GkkQS2eXzh0BKpSaq0_secret_CBrwqmT726jzfcnvCt0qBcS9e"
        );
        insta::assert_json_snapshot!(
            format!("unified_{}", name.trim_end_matches(".json")),
            json!({
                "payment_intent_id": intent.client_secret.payment_intent_id(),
                "amount": intent.amount,
                "message": intent.message,
                "debug": format!("{intent:?}"),
            })
        );
    }
    let (_sb, c) = sandbox_answering("/api/v1/users", 200, fixture("update_success.json")).await;
    let updated = c
        .update_payment_info(UpdatePaymentInfo::new(
            "john@example.com",
            "seti_1",
            "tok",
            white_house(),
        ))
        .await
        .unwrap();
    insta::assert_json_snapshot!("unified_update_success", updated);

    let (_sb, c) =
        sandbox_answering("/api/v1/payments/setup", 200, fixture("setup_success.json")).await;
    let secret = c
        .create_setup_intent(CreateSetupIntent::new())
        .await
        .unwrap();
    assert_eq!(
        secret.expose_secret(),
        "pi_3SG0o8GkkQS2eXzh0BKpSaq0_secret_CBrwqmT726jzfcnvCt0qBcS9e"
    );
    insta::assert_snapshot!("unified_setup_success", format!("{secret:?}"));

    let (_sb, c) = sandbox_answering(
        "/api/v1/complete-payment-setup",
        200,
        fixture("complete_setup_success.json"),
    )
    .await;
    let done = c
        .complete_payment_setup(CompletePaymentSetup::new("seti_1", white_house()))
        .await
        .unwrap();
    insta::assert_json_snapshot!("unified_complete_setup_success", done.vendor_data);

    let path = format!("/api/v1/cases/{CASE}/payments");
    let (_sb, c) = sandbox_answering(&path, 200, fixture("case_payment_success.json")).await;
    let paid = c
        .create_case_payment(documented_case_payment())
        .await
        .unwrap();
    insta::assert_json_snapshot!(
        "unified_case_payment_success",
        json!({
            "payment_id": paid.payment_id,
            "status": paid.status.as_ref().map(CasePaymentStatus::as_str),
            "amount": paid.amount,
            "created_at": paid.created_at.map(|t| t.unix_timestamp()),
            "message": paid.message,
            "idempotency_key": paid.idempotency_key,
            "vendor_data_keys": paid.vendor_data.as_map().keys().collect::<Vec<_>>(),
            "debug": format!("{paid:?}"),
        })
    );

    let (_sb, c) = sandbox_answering(
        "/api/v1/customer-payment-confirmation",
        200,
        fixture("confirmation_success.json"),
    )
    .await;
    let done = c
        .confirm_customer_payment(documented_confirmation())
        .await
        .unwrap();
    insta::assert_json_snapshot!(
        "unified_confirmation_success",
        json!({
            "idempotency_key": done.idempotency_key, "vendor_data": done.vendor_data,
        })
    );
}

/// Each documented error shape, as the error a user sees.
#[tokio::test]
async fn unified_error_forms() {
    let intent = "/api/v1/payments/intent";
    let users = "/api/v1/users";
    let case = format!("/api/v1/cases/{CASE}/payments");
    let cases: Vec<(&str, &str, u16, Operation)> = vec![
        (
            "intent_error_amount_required.json",
            intent,
            400,
            Operation::CreatePaymentIntent,
        ),
        (
            "intent_error_amount_positive.json",
            intent,
            400,
            Operation::CreatePaymentIntent,
        ),
        (
            "intent_error_method_types.json",
            intent,
            400,
            Operation::CreatePaymentIntent,
        ),
        (
            "error_auth.json",
            intent,
            401,
            Operation::CreatePaymentIntent,
        ),
        (
            "error_internal.json",
            intent,
            500,
            Operation::CreatePaymentIntent,
        ),
        (
            "error_in_200.json",
            intent,
            200,
            Operation::CreatePaymentIntent,
        ),
        (
            "update_error_user.json",
            users,
            400,
            Operation::UpdatePaymentInfo,
        ),
        (
            "update_error_user_real_email.json",
            users,
            400,
            Operation::UpdatePaymentInfo,
        ),
        (
            "update_error_setup.json",
            users,
            400,
            Operation::UpdatePaymentInfo,
        ),
        ("error_auth.json", users, 401, Operation::UpdatePaymentInfo),
        (
            "error_internal.json",
            users,
            500,
            Operation::UpdatePaymentInfo,
        ),
        (
            "error_conflict.json",
            &case,
            409,
            Operation::CreateCasePayment,
        ),
        (
            "error_internal.json",
            &case,
            500,
            Operation::CreateCasePayment,
        ),
    ];
    for (name, path, status, op) in cases {
        let (sandbox, c) = sandbox_answering(path, status, fixture(name)).await;
        let err = match op {
            Operation::CreatePaymentIntent => c
                .create_payment_intent(CreatePaymentIntent::new(usd(1999)))
                .await
                .unwrap_err(),
            Operation::CreateCasePayment => c
                .create_case_payment(documented_case_payment())
                .await
                .unwrap_err(),
            _ => c
                .update_payment_info(UpdatePaymentInfo::new(
                    "john@example.com",
                    "seti_1",
                    "tok",
                    white_house(),
                ))
                .await
                .unwrap_err(),
        };
        assert_eq!(err.operation(), Some(op));
        assert_eq!(err.provider(), Some("carevalidate"));
        assert_eq!(
            sandbox.count("POST", path),
            1,
            "{name}: not retried (retries are off)"
        );
        insta::assert_json_snapshot!(
            format!("error_{}_{}", op.as_str(), name.trim_end_matches(".json")),
            describe_error(&err),
            { ".request_id" => "[request_id]" }
        );
    }
}
