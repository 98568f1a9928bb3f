//! End to end against the in-process sandbox: every operation through its public API
//! (the `Checkout` trait and `PaymentProvider` handle included), state changes, error
//! mapping, what the sandbox recorded; the conformance suites; and the contract test
//! (every sandbox answer parses with this crate's wire types).

use std::time::Duration;

use http::{HeaderName, HeaderValue, Method};
use patientpay_carevalidate::wire::{
    CasePaymentResponse, ErrorResponse, PaymentIntentResponse, SetupIntentResponse, StatusResponse,
    UpdateUserCode, UpdateUserResponse,
};
use patientpay_carevalidate::{
    CareValidate, CareValidateBuilder, CasePaymentStatus, CompletePaymentSetup,
    ConfirmCustomerPayment, CreateCasePayment, CreateSetupIntent,
};
use patientpay_core::pipeline::{
    BaseUrl, HttpClient, HttpConfig, RetryPolicy, RetrySafety, VendorRequest,
};
use patientpay_core::{
    Address, Checkout, CheckoutMethodKind, CheckoutPurpose, CheckoutSession, CreatePaymentIntent,
    Currency, Error, MetaSlot, Money, Operation, PatientRef, PaymentProvider, StartCheckout,
    UpdatePaymentInfo, conformance, parse_date,
};
use patientpay_sandbox::{Fault, Sandbox, credentials};
use serde_json::{Value, json};

const INTENT: &str = "/api/v1/payments/intent";
const USERS: &str = "/api/v1/users";
const SETUP: &str = "/api/v1/payments/setup";
const COMPLETE: &str = "/api/v1/complete-payment-setup";
const CONFIRM: &str = "/api/v1/customer-payment-confirmation";
const CASE: &str = "3c9a7f2e-1b4d-4e8a-9f6b-000000000001";

fn fast_http() -> HttpConfig {
    HttpConfig::default().with_retry(
        RetryPolicy::default()
            .with_initial_backoff(Duration::from_millis(5))
            .with_jitter(false),
    )
}

fn client(sandbox: &Sandbox) -> CareValidate {
    CareValidateBuilder::new()
        .with_api_key(credentials::CAREVALIDATE_API_KEY)
        .with_base_url(sandbox.base_url())
        .with_http_config(fast_http())
        .build()
        .unwrap()
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

fn update(email: &str, setup: &str) -> UpdatePaymentInfo {
    UpdatePaymentInfo::new(email, setup, "nmi_tok_123", white_house())
}

fn date(s: &str) -> patientpay_core::time::Date {
    parse_date("date", s).unwrap()
}

fn intents(sandbox: &Sandbox) -> Vec<patientpay_sandbox::vendors::carevalidate::CreatedIntent> {
    sandbox.with_state(|s| s.carevalidate.intents.clone())
}

#[tokio::test]
async fn checkout_pay_creates_an_intent_with_exact_amount_and_method_types() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    let provider: Box<dyn PaymentProvider> = Box::new(c.clone());
    assert_eq!(provider.name(), "carevalidate");
    assert_eq!(provider.capabilities().to_string(), "checkout, webhooks");
    let checkout = provider.checkout().expect("CareValidate serves checkout");

    let mut request = StartCheckout::pay(usd(1999));
    if let CheckoutPurpose::Pay { method_kinds, .. } = &mut request.purpose {
        method_kinds.extend([CheckoutMethodKind::Klarna, CheckoutMethodKind::Card]);
    }
    let session = checkout.start_checkout(request).await.unwrap();
    let CheckoutSession::ClientSecret {
        secret,
        setup,
        amount,
        message,
    } = &session
    else {
        panic!("{session:?}")
    };
    assert!(!setup);
    assert_eq!(session.kind(), "client_secret");
    assert_eq!(*amount, Some(usd(1999)));
    assert_eq!(
        message.as_deref(),
        Some("payment Intent initiated successfully")
    );
    assert!(secret.payment_intent_id().is_some());

    let created = intents(&sandbox);
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].client_secret, secret.expose_secret());
    assert_eq!(created[0].amount_text, "19.99");
    assert_eq!(created[0].payment_method_types, ["klarna", "card"]);
    let r = &sandbox.requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", INTENT));
    assert!(r.sent_secret("cv-api-key", credentials::CAREVALIDATE_API_KEY));
    assert_eq!(r.header("cv-api-key"), Some("<redacted>"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.json,
        Some(json!({"amount": 19.99, "paymentMethodTypes": ["klarna", "card"]}))
    );

    // The inherent call and its raw twin.
    let intent = c
        .create_payment_intent(CreatePaymentIntent::new(usd(250_000)))
        .await
        .unwrap();
    assert_eq!(intent.amount, usd(250_000));
    let raw = c
        .create_payment_intent_raw(CreatePaymentIntent::new(usd(100)))
        .await
        .unwrap();
    assert_eq!(raw.status, Some(200));
    assert_eq!(raw.raw["message"], "payment Intent initiated successfully");
    assert!(
        raw.raw["data"]["paymentIntentSecret"]
            .as_str()
            .unwrap()
            .starts_with("pi_")
    );
    let amounts: Vec<_> = intents(&sandbox)
        .iter()
        .map(|i| i.amount_text.clone())
        .collect();
    assert_eq!(amounts, ["19.99", "2500", "1"]);
}

#[tokio::test]
async fn save_for_later_then_complete_the_setup() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    let session = c
        .start_checkout(StartCheckout::new(CheckoutPurpose::SaveForLater {
            email: Some("john@example.com".into()),
            phone: Some("+1404567890".into()),
        }))
        .await
        .unwrap();
    let CheckoutSession::ClientSecret {
        secret,
        setup: true,
        amount: None,
        ..
    } = &session
    else {
        panic!("{session:?}")
    };
    assert_eq!(session.kind(), "setup_secret");
    let r = &sandbox.requests()[0];
    assert_eq!(r.path, SETUP);
    assert_eq!(
        r.json,
        Some(json!({"metadata": {"email": "john@example.com", "phone": "+1404567890"}}))
    );
    let setup = sandbox.with_state(|s| s.carevalidate.setup_intents[0].clone());
    assert_eq!(setup.client_secret, secret.expose_secret());
    assert_eq!(setup.email.as_deref(), Some("john@example.com"));

    // Without metadata: `{}`.
    let raw = c
        .create_setup_intent_raw(CreateSetupIntent::new())
        .await
        .unwrap();
    assert_eq!(raw.success, Some(true));
    assert!(raw.raw.contains_key("paymentSecret"));
    assert_eq!(sandbox.requests()[1].json, Some(json!({})));

    // The browser confirms the setup intent; the backend completes it with its id.
    let done = c
        .complete_payment_setup(CompletePaymentSetup::new(
            setup.id.clone(),
            Address::new("123 Main St", "Atlanta", "ga", "30301", "us").with_line2("Apt 4B"),
        ))
        .await
        .unwrap();
    assert_eq!(done.vendor_data["success"], true);
    let completed = sandbox
        .with_state(|s| s.carevalidate.setup_intents[0].completed_with.clone())
        .unwrap();
    assert_eq!(completed["postal_code"], "30301");
    assert_eq!(completed["state"], "GA");
    assert_eq!(completed["line2"], "Apt 4B");
    assert_eq!(
        sandbox.requests()[2].json,
        Some(
            json!({"stripeSetupID": setup.id, "shippingAddress": {"line1": "123 Main St", "line2": "Apt 4B",
            "city": "Atlanta", "state": "GA", "country": "US", "postal_code": "30301"}})
        )
    );

    // The page does not print its 200 body: an empty 200 or a 204 is success too, but
    // `success: false` is not.
    for (status, body) in [(200, ""), (204, "")] {
        sandbox.inject(
            Fault::on("POST", COMPLETE)
                .status_body(status, "application/json", body)
                .times(1),
        );
        let done = c
            .complete_payment_setup(CompletePaymentSetup::new("seti_1", white_house()))
            .await
            .unwrap();
        assert!(done.vendor_data.is_empty());
    }
    sandbox.inject(
        Fault::on("POST", COMPLETE)
            .status_body(
                200,
                "application/json",
                r#"{"status":400,"success":false,"message":"Setup not confirmed"}"#,
            )
            .times(1),
    );
    let err = c
        .complete_payment_setup(CompletePaymentSetup::new("seti_1", white_house()))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Vendor { status: 200, message, .. } if message == "Setup not confirmed"),
        "{err:?}"
    );

    // An id the vendor never issued is the vendor's error.
    let err = c
        .complete_payment_setup(CompletePaymentSetup::new("seti_unknown", white_house()))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Vendor { status: 400, message, .. } if message == "No such setupintent: 'seti_unknown'"),
        "{err:?}"
    );
}

#[tokio::test]
async fn updates_payment_info_and_the_vendor_keeps_it() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    let updated = c
        .update_payment_info(update("John@Example.com", "seti_1SNZDLKAXrtjbq2duGldHsHf"))
        .await
        .unwrap();
    assert_eq!(updated.code, "PAYMENT_SETUP_UPDATED");
    let saved = sandbox
        .with_state(|s| s.carevalidate.payment_info.get("john@example.com").cloned())
        .unwrap();
    assert_eq!(saved.stripe_setup_id, "seti_1SNZDLKAXrtjbq2duGldHsHf");
    assert_eq!(saved.nmi_payment_token, "nmi_tok_123");
    assert_eq!(saved.shipping_address["addressLine2"], "");
    let raw = c
        .update_payment_info_raw(update("jane.doe@example.com", "seti_2"))
        .await
        .unwrap();
    assert_eq!(raw.data.unwrap().code, UpdateUserCode::PaymentSetupUpdated);
    assert_eq!(raw.raw["data"]["code"], "PAYMENT_SETUP_UPDATED");
    assert_eq!(sandbox.count("POST", USERS), 2);
    assert_eq!(
        sandbox.requests()[0].json,
        Some(
            json!({"action": "UPDATE_PAYMENT_INFO", "email": "John@Example.com", "data": {
            "stripeSetupId": "seti_1SNZDLKAXrtjbq2duGldHsHf", "nmiPaymentToken": "nmi_tok_123",
            "shippingAddress": {"addressLine1": "1600 Pennsylvania Avenue NW", "addressLine2": "",
                "city": "Washington", "state": "DC", "country": "US", "postalCode": "20500"}}})
        )
    );
}

#[tokio::test]
async fn case_payments_are_created_once_per_key() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    let request = CreateCasePayment::new(CASE, usd(12999), "Semaglutide month 1")
        .with_preauthorize(true)
        .with_idempotency_key("order-1001");
    let first = c.create_case_payment(request.clone()).await.unwrap();
    assert_eq!(first.amount, usd(12999));
    assert_eq!(first.status, Some(CasePaymentStatus::Unpaid));
    assert_eq!(first.idempotency_key, "order-1001");
    assert!(first.created_at.is_some());
    assert_eq!(
        first.message.as_deref(),
        Some("Payment created successfully")
    );
    assert_eq!(
        first.vendor_data["data"]["result"]["paymentId"],
        first.payment_id.as_str()
    );
    // The same logical call again: the vendor replays the first payment.
    let again = c.create_case_payment(request.clone()).await.unwrap();
    assert_eq!(again.payment_id, first.payment_id);
    let payments = sandbox.with_state(|s| s.carevalidate.case_payments.clone());
    assert_eq!(payments.len(), 1);
    assert_eq!(payments[0].amount_text, "129.99");
    assert!(payments[0].preauthorize);
    // The same key for another payment: a definite error naming the key's reuse.
    let err = c
        .create_case_payment(
            CreateCasePayment::new(CASE, usd(5000), "Other").with_idempotency_key("order-1001"),
        )
        .await
        .unwrap_err();
    match &err {
        Error::Vendor {
            status: 409,
            message,
            ..
        } => {
            assert!(
                message.contains("idempotency key `order-1001` was already used"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.may_have_been_sent());
    assert!(!err.is_outcome_unknown());
    assert_eq!(
        sandbox.with_state(|s| s.carevalidate.case_payments.len()),
        1
    );
    // Without a key, each logical call gets its own.
    let a = c
        .create_case_payment(CreateCasePayment::new(CASE, usd(5000), "A"))
        .await
        .unwrap();
    let b = c
        .create_case_payment(CreateCasePayment::new(CASE, usd(5000), "A"))
        .await
        .unwrap();
    assert_ne!(a.idempotency_key, b.idempotency_key);
    assert_ne!(a.payment_id, b.payment_id);
    // An unknown case is the vendor's 404.
    let err = c
        .create_case_payment(CreateCasePayment::new(
            "3c9a7f2e-1b4d-4e8a-9f6b-000000000999",
            usd(5000),
            "A",
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Vendor { status: 404, message, .. } if message == "Case not found"),
        "{err:?}"
    );
    let raw = c
        .create_case_payment_raw(CreateCasePayment::new(CASE, usd(50), "R"))
        .await
        .unwrap();
    assert_eq!(raw.data.unwrap().result.unwrap().amount.unwrap().0, "0.5");
}

#[tokio::test]
async fn confirms_customer_payments() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    let request = ConfirmCustomerPayment::new(
        CASE,
        usd(5000),
        date("2025-01-01"),
        CasePaymentStatus::Paid,
        date("2025-02-01"),
    )
    .with_email("john@example.com")
    .with_description("Payment for Compounded Semaglutide")
    .with_idempotency_key("confirm-1");
    let done = c.confirm_customer_payment(request.clone()).await.unwrap();
    assert_eq!(done.idempotency_key, "confirm-1");
    assert_eq!(done.vendor_data["success"], true);
    c.confirm_customer_payment(request).await.unwrap();
    let confirmations = sandbox.with_state(|s| s.carevalidate.confirmations.clone());
    assert_eq!(confirmations.len(), 1, "replayed, not recorded twice");
    assert_eq!(
        confirmations[0],
        json!({"caseId": CASE, "email": "john@example.com", "amount": 50, "description": "Payment for Compounded Semaglutide",
            "paymentDate": "2025-01-01", "status": "PAID", "validUntil": "2025-02-01", "idempotencyKey": "confirm-1"})
    );
    assert_eq!(sandbox.count("POST", CONFIRM), 2);
}

#[tokio::test]
async fn refuses_bad_input_before_any_request() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    let checkout: &dyn Checkout = &c;
    for (req, field) in [
        (StartCheckout::pay(usd(0)), "amount"),
        (StartCheckout::pay(usd(49)), "amount"),
        (StartCheckout::pay(usd(100_000_000)), "amount"),
        (
            StartCheckout::pay(Money::from_minor(1999, Currency::EUR)),
            "amount",
        ),
        (
            StartCheckout::pay(usd(100)).for_patient(PatientRef::id("pat_1")),
            "patient",
        ),
        (StartCheckout::pay_outstanding("+14045550123"), "purpose"),
        (StartCheckout::pay_charges(vec![]), "purpose"),
        (
            StartCheckout::new(CheckoutPurpose::SaveForLater {
                email: Some("nope".into()),
                phone: None,
            }),
            "email",
        ),
        (
            StartCheckout::new(CheckoutPurpose::SaveForLater {
                email: None,
                phone: Some("12".into()),
            }),
            "phone",
        ),
    ] {
        let err = checkout.start_checkout(req).await.unwrap_err();
        assert_eq!(err.invalid_field(), Some(field), "{err}");
        assert!(err.is_usage());
    }
    let err = checkout
        .start_checkout(StartCheckout::pay_outstanding("+1"))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("it can start: pay, save_for_later"),
        "{err}"
    );
    for (req, field) in [
        (update("not-an-email", "seti_1"), "email"),
        (update("john@example.com", ""), "stripe_setup_id"),
        (
            UpdatePaymentInfo::new("john@example.com", "seti_1", " ", white_house()),
            "nmi_payment_token",
        ),
        (
            UpdatePaymentInfo::new(
                "john@example.com",
                "seti_1",
                "t",
                Address::new("1 Main", "W", "ZZ", "20500", "US"),
            ),
            "shipping_address.state",
        ),
    ] {
        assert_eq!(
            c.update_payment_info(req)
                .await
                .unwrap_err()
                .invalid_field(),
            Some(field)
        );
    }
    for (req, field) in [
        (
            CompletePaymentSetup::new("", white_house()),
            "stripe_setup_id",
        ),
        (
            CompletePaymentSetup::new("seti/../x", white_house()),
            "stripe_setup_id",
        ),
        (
            CompletePaymentSetup::new("seti_1", Address::new("", "W", "DC", "20500", "US")),
            "shipping_address.line1",
        ),
        (
            CompletePaymentSetup::new("seti_1", Address::new("1 Main", "W", "DC", "20500", "USA")),
            "shipping_address.country",
        ),
        (
            CompletePaymentSetup::new("seti_1", Address::new("1 Main", "W", "DC", "2050", "US")),
            "shipping_address.postal_code",
        ),
    ] {
        assert_eq!(
            c.complete_payment_setup(req)
                .await
                .unwrap_err()
                .invalid_field(),
            Some(field)
        );
    }
    for (req, field) in [
        (
            CreateCasePayment::new("../cases", usd(5000), "d"),
            "case_id",
        ),
        (CreateCasePayment::new(CASE, usd(49), "d"), "amount"),
        (
            CreateCasePayment::new(CASE, usd(100_000_000), "d"),
            "amount",
        ),
        (CreateCasePayment::new(CASE, usd(5000), ""), "description"),
        (
            CreateCasePayment::new(CASE, usd(5000), "d").with_idempotency_key("a b"),
            "idempotency_key",
        ),
    ] {
        assert_eq!(
            c.create_case_payment(req)
                .await
                .unwrap_err()
                .invalid_field(),
            Some(field)
        );
    }
    let conf = |paid, until| {
        ConfirmCustomerPayment::new(
            CASE,
            usd(5000),
            date(paid),
            CasePaymentStatus::Paid,
            date(until),
        )
    };
    for (req, field) in [
        (conf("2025-02-01", "2025-01-01"), "valid_until"),
        (conf("2025-01-01", "2025-02-01").with_email("x"), "email"),
        (
            ConfirmCustomerPayment::new(
                "",
                usd(5000),
                date("2025-01-01"),
                CasePaymentStatus::Paid,
                date("2025-01-02"),
            ),
            "case_id",
        ),
        (
            ConfirmCustomerPayment::new(
                CASE,
                usd(0),
                date("2025-01-01"),
                CasePaymentStatus::Paid,
                date("2025-01-02"),
            ),
            "amount",
        ),
    ] {
        assert_eq!(
            c.confirm_customer_payment(req)
                .await
                .unwrap_err()
                .invalid_field(),
            Some(field)
        );
    }
    assert!(sandbox.requests().is_empty(), "{:?}", sandbox.requests());
}

#[tokio::test]
async fn vendor_and_auth_errors_read_clearly() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    let err = c
        .update_payment_info(update("jane.doe@unknown.example", "seti_1"))
        .await
        .unwrap_err();
    match &err {
        Error::Vendor {
            status: 400,
            message,
            request_id,
            ..
        } => {
            // The e-mail the vendor echoed is hidden (with the scrubber's marker).
            assert!(
                message.starts_with("User ") && message.ends_with(" does not exist"),
                "{message}"
            );
            assert!(
                !message.contains("jane") && !message.contains("unknown.example"),
                "{message}"
            );
            assert!(request_id.is_some());
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.to_string().contains("jane.doe"), "{err}");
    let err = c
        .update_payment_info(update("john@example.com", "pi_not_a_setup"))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string().split(" (request id").next().unwrap(),
        "carevalidate update_payment_info failed: HTTP 400: No such setupintent: 'pi_not_a_setup'"
    );
    let err = c
        .create_payment_intent(
            CreatePaymentIntent::new(usd(100))
                .with_payment_method_types([CheckoutMethodKind::Unknown("bitcoin_maybe".into())]),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Vendor { status: 400, message, .. } if message == "Invalid payment method types"),
        "{err:?}"
    );
    assert!(!err.is_outcome_unknown(), "a 400 is a definite failure");
    assert!(intents(&sandbox).is_empty());

    sandbox.clear_requests();
    // A wrong key: the sandbox's 401 `{"status":401,"error":"Invalid API key"}`, on every route.
    let wrong = CareValidateBuilder::new()
        .with_api_key("cv-wrong-key")
        .with_base_url(sandbox.base_url())
        .build()
        .unwrap();
    let errors = [
        wrong
            .create_payment_intent(CreatePaymentIntent::new(usd(100)))
            .await
            .unwrap_err(),
        wrong
            .create_setup_intent(CreateSetupIntent::new())
            .await
            .unwrap_err(),
        wrong
            .update_payment_info(update("john@example.com", "seti_1"))
            .await
            .unwrap_err(),
        wrong
            .complete_payment_setup(CompletePaymentSetup::new("seti_1", white_house()))
            .await
            .unwrap_err(),
        wrong
            .create_case_payment(CreateCasePayment::new(CASE, usd(5000), "d"))
            .await
            .unwrap_err(),
        wrong
            .confirm_customer_payment(ConfirmCustomerPayment::new(
                CASE,
                usd(5000),
                date("2025-01-01"),
                CasePaymentStatus::Paid,
                date("2025-01-02"),
            ))
            .await
            .unwrap_err(),
    ];
    for err in errors {
        assert!(
            matches!(&err, Error::Auth { status: 401, message: Some(m), .. } if m == "Invalid API key"),
            "{err:?}"
        );
        assert!(!err.may_have_been_sent());
        assert!(!format!("{err:?}{err}").contains("cv-wrong-key"));
    }
    assert_eq!(sandbox.requests().len(), 6, "a 401 is not retried");
    assert_eq!(sandbox.count("POST", INTENT), 1);
    assert_eq!(sandbox.count("POST", COMPLETE), 1);
}

#[tokio::test]
async fn conformance_suites_pass() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    conformance::check_provider(&c);
    conformance::checkout(
        &c,
        vec![
            StartCheckout::pay(usd(1999)),
            StartCheckout::pay(usd(50)),
            StartCheckout::save_for_later(),
            StartCheckout::new(CheckoutPurpose::SaveForLater {
                email: Some("jane.doe@example.com".into()),
                phone: None,
            }),
        ],
    )
    .await;
    assert_eq!(intents(&sandbox).len(), 2);
    assert_eq!(
        sandbox.with_state(|s| s.carevalidate.setup_intents.len()),
        2
    );
    let provider: &dyn PaymentProvider = &c;
    assert!(provider.payment_methods().is_none());
    assert!(provider.billing().is_none());
    let webhooks = provider.webhooks().expect("CareValidate signs webhooks");
    assert_eq!(webhooks.provider(), "carevalidate");
    let secret = patientpay_core::WebhookSecret::new("cv-webhook-secret");
    let body = br#"{"event":"PAYMENT_COMPLETED","payload":{"case":{"id":"c1"}}}"#;
    let mut headers = http::HeaderMap::new();
    let signature = patientpay_core::webhook::hmac_sha256_hex(&secret, body);
    headers.insert("x-cv-signature", signature.parse().unwrap());
    assert!(webhooks.verify(&headers, body, &secret).is_ok());
    assert!(
        webhooks.verify(&headers, b"{}", &secret).is_err(),
        "another body fails"
    );
}

#[tokio::test]
async fn response_metadata_of_successful_calls() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    let slot = MetaSlot::new();
    c.start_checkout(StartCheckout::pay(usd(1999)).with_meta(&slot))
        .await
        .unwrap();
    let meta = slot.get().expect("the pipeline fills the slot");
    assert_eq!((meta.status, meta.attempts), (200, 1));
    assert!(
        meta.request_id
            .as_deref()
            .is_some_and(|id| id.starts_with("sbx_")),
        "{meta:?}"
    );
    let slot = MetaSlot::new();
    sandbox.inject(Fault::on("POST", &format!("/api/v1/cases/{CASE}/payments")).times(1));
    c.create_case_payment(CreateCasePayment::new(CASE, usd(5000), "d").with_meta(&slot))
        .await
        .unwrap();
    assert_eq!(slot.get().unwrap().attempts, 2, "the retry is counted");
}

#[tokio::test]
async fn clones_share_the_pool_and_the_client_is_shareable() {
    let sandbox = Sandbox::start().await.unwrap();
    let shared = HttpClient::new(fast_http()).unwrap();
    let a = CareValidateBuilder::new()
        .with_api_key(credentials::CAREVALIDATE_API_KEY)
        .with_base_url(sandbox.base_url())
        .with_http_client(shared.clone())
        .build()
        .unwrap();
    let b = a.clone();
    let (x, y) = tokio::join!(
        a.create_payment_intent(CreatePaymentIntent::new(usd(100))),
        b.create_payment_intent(CreatePaymentIntent::new(usd(200)))
    );
    assert_ne!(x.unwrap().client_secret, y.unwrap().client_secret);
}

/// Sends a raw request to the sandbox through core's HTTP client (no vendor-crate mapping),
/// so that every answer — success or documented error — can be parsed with the wire types.
async fn raw(sandbox: &Sandbox, path: &[&str], key: Option<&str>, body: Value) -> (u16, Vec<u8>) {
    let http = HttpClient::new(HttpConfig::default().with_retry(RetryPolicy::none())).unwrap();
    let url = BaseUrl::parse(&sandbox.base_url())
        .unwrap()
        .endpoint(path)
        .unwrap();
    let mut req = VendorRequest::new(
        "carevalidate",
        Operation::CreatePaymentIntent,
        Method::POST,
        url,
        RetrySafety::NotIdempotent,
    )
    .json_body(&body)
    .unwrap();
    if let Some(key) = key {
        req = req.header(
            HeaderName::from_static("cv-api-key"),
            HeaderValue::from_str(key).unwrap(),
        );
    }
    let resp = http.execute(req).await.unwrap();
    (resp.status(), resp.body().to_vec())
}

/// Path, key sent, body, expected status, expected vendor message.
type ErrorCase<'a> = (&'a [&'a str], Option<&'a str>, Value, u16, &'a str);

#[tokio::test]
async fn contract_every_sandbox_answer_parses_with_the_wire_types() {
    let sandbox = Sandbox::start().await.unwrap();
    let key = Some(credentials::CAREVALIDATE_API_KEY);
    let intent: &[&str] = &["api", "v1", "payments", "intent"];
    let users: &[&str] = &["api", "v1", "users"];
    let setup: &[&str] = &["api", "v1", "payments", "setup"];
    let complete: &[&str] = &["api", "v1", "complete-payment-setup"];
    let case: &[&str] = &["api", "v1", "cases", CASE, "payments"];
    let confirm: &[&str] = &["api", "v1", "customer-payment-confirmation"];

    let (status, body) = raw(
        &sandbox,
        intent,
        key,
        json!({"amount": 19.99, "paymentMethodTypes": ["card"]}),
    )
    .await;
    assert_eq!(status, 200);
    let ok: PaymentIntentResponse = serde_json::from_slice(&body).unwrap();
    assert_eq!((ok.status, ok.success), (Some(200), Some(true)));
    assert!(
        ok.data
            .unwrap()
            .payment_intent_secret
            .expose_secret()
            .starts_with("pi_")
    );

    let good_update = json!({"action": "UPDATE_PAYMENT_INFO", "email": "john@example.com", "data": {
        "stripeSetupId": "seti_1", "nmiPaymentToken": "tok", "shippingAddress": {
            "addressLine1": "1600 Pennsylvania Avenue NW", "addressLine2": "", "city": "Washington",
            "state": "DC", "country": "US", "postalCode": "20500"}}});
    let (status, body) = raw(&sandbox, users, key, good_update.clone()).await;
    assert_eq!(status, 200);
    let ok: UpdateUserResponse = serde_json::from_slice(&body).unwrap();
    assert_eq!(ok.data.unwrap().code, UpdateUserCode::PaymentSetupUpdated);

    let (status, body) = raw(
        &sandbox,
        setup,
        key,
        json!({"metadata": {"email": "john@example.com"}}),
    )
    .await;
    assert_eq!(status, 200);
    let ok: SetupIntentResponse = serde_json::from_slice(&body).unwrap();
    assert_eq!(ok.success, Some(true));
    let secret = ok.payment_secret.unwrap().expose_secret().to_owned();
    let seti = secret.split("_secret_").next().unwrap();

    let address = json!({"line1": "123 Main St", "city": "Atlanta", "state": "GA", "country": "US", "postal_code": "30301"});
    let (status, body) = raw(
        &sandbox,
        complete,
        key,
        json!({"stripeSetupID": seti, "shippingAddress": address}),
    )
    .await;
    assert_eq!(status, 200);
    let ok: StatusResponse = serde_json::from_slice(&body).unwrap();
    assert_eq!((ok.status, ok.success), (Some(200), Some(true)));

    let pay = json!({"amount": 50, "description": "Consult", "idempotencyKey": "contract-1"});
    let (status, body) = raw(&sandbox, case, key, pay.clone()).await;
    assert_eq!(status, 200);
    let ok: CasePaymentResponse = serde_json::from_slice(&body).unwrap();
    let result = ok.data.unwrap().result.unwrap();
    assert_eq!(result.amount.unwrap().0, "50");
    assert_eq!(result.status, Some(CasePaymentStatus::Unpaid));
    assert!(result.payment_id.is_some() && result.created_at.is_some());

    let confirmation = json!({"caseId": CASE, "amount": 50, "paymentDate": "2025-01-01", "status": "PAID",
        "validUntil": "2025-02-01", "idempotencyKey": "contract-2"});
    let (status, body) = raw(&sandbox, confirm, key, confirmation.clone()).await;
    assert_eq!(status, 200);
    let ok: StatusResponse = serde_json::from_slice(&body).unwrap();
    assert_eq!(ok.success, Some(true));

    let mut unknown_user = good_update.clone();
    unknown_user["email"] = json!("someone@unknown.example");
    let mut conflict = pay.clone();
    conflict["amount"] = json!(60);
    let errors: Vec<ErrorCase> = vec![
        (intent, key, json!({}), 400, "Amount is required"),
        (
            intent,
            key,
            json!({"amount": -5}),
            400,
            "Amount must be a positive number",
        ),
        (
            intent,
            key,
            json!({"amount": 5, "paymentMethodTypes": ["card", "nope"]}),
            400,
            "Invalid payment method types",
        ),
        (intent, None, json!({"amount": 5}), 401, "Invalid API key"),
        (
            intent,
            Some("wrong"),
            json!({"amount": 5}),
            401,
            "Invalid API key",
        ),
        (users, None, good_update.clone(), 401, "Invalid API key"),
        (
            users,
            key,
            unknown_user,
            400,
            "User someone@unknown.example does not exist",
        ),
        (setup, Some("wrong"), json!({}), 401, "Invalid API key"),
        (
            setup,
            key,
            json!({"metadata": "x"}),
            400,
            "metadata must be an object",
        ),
        (
            complete,
            key,
            json!({"shippingAddress": address}),
            400,
            "stripeSetupID is required",
        ),
        (
            complete,
            key,
            json!({"stripeSetupID": "seti_nope", "shippingAddress": address}),
            400,
            "No such setupintent: 'seti_nope'",
        ),
        (
            case,
            key,
            json!({"description": "x"}),
            400,
            "Amount is required",
        ),
        (
            case,
            key,
            conflict,
            409,
            "A record with this idempotencyKey already exists with different parameters",
        ),
        (
            &[
                "api",
                "v1",
                "cases",
                "3c9a7f2e-1b4d-4e8a-9f6b-000000000999",
                "payments",
            ],
            key,
            json!({"amount": 5, "description": "x"}),
            404,
            "Case not found",
        ),
        (
            confirm,
            key,
            json!({"caseId": CASE, "amount": 5}),
            400,
            "paymentDate is required",
        ),
        (confirm, Some("wrong"), confirmation, 401, "Invalid API key"),
    ];
    for (path, key, body, want_status, want_message) in errors {
        let (status, answer) = raw(&sandbox, path, key, body.clone()).await;
        assert_eq!(status, want_status, "{body}");
        let parsed: ErrorResponse = serde_json::from_slice(&answer).unwrap();
        assert_eq!(parsed.error_message(), Some(want_message), "{body}");
        if want_status == 401 {
            assert_eq!(parsed.status, Some(401));
        } else {
            assert_eq!(parsed.success, Some(false), "{body}");
        }
        // Every operation's own answer type reads error bodies too.
        serde_json::from_slice::<PaymentIntentResponse>(&answer).unwrap();
        serde_json::from_slice::<UpdateUserResponse>(&answer).unwrap();
        serde_json::from_slice::<SetupIntentResponse>(&answer).unwrap();
        serde_json::from_slice::<CasePaymentResponse>(&answer).unwrap();
        serde_json::from_slice::<StatusResponse>(&answer).unwrap();
    }
}
