//! Wire-exact requests of every endpoint, two ways: the request this crate builds (method,
//! path, headers with the key redacted, exact body bytes), and the request the sandbox
//! recorded when it arrived; both snapshotted. Plus the property that every cent amount
//! survives the trip through CareValidate's JSON number exactly.

use patientpay_carevalidate::wire::CreatePaymentIntentRequest;
use patientpay_carevalidate::{
    CareValidate, CareValidateBuilder, CasePaymentStatus, CompletePaymentSetup,
    ConfirmCustomerPayment, CreateCasePayment, CreateSetupIntent, MAX_AMOUNT_MINOR_UNITS,
    MAX_CHARGE_MINOR_UNITS, MIN_CHARGE_MINOR_UNITS,
};
use patientpay_core::pipeline::VendorRequest;
use patientpay_core::{
    Address, CheckoutMethodKind, CreatePaymentIntent, Currency, Money, UpdatePaymentInfo,
    parse_date,
};
use patientpay_sandbox::{RecordedRequest, Sandbox, credentials};
use proptest::prelude::*;

const KEY: &str = "cv-snapshot-key-do-not-print";
const CASE: &str = "3c9a7f2e-1b4d-4e8a-9f6b-000000000001";

/// One client for every case: building one sets up TLS, which is slow to repeat.
fn client() -> &'static CareValidate {
    static CLIENT: std::sync::OnceLock<CareValidate> = std::sync::OnceLock::new();
    CLIENT.get_or_init(|| {
        CareValidateBuilder::new()
            .with_api_key(KEY)
            .build()
            .unwrap()
    })
}

/// `METHOD /path`, the headers sorted (sensitive ones as `<redacted>`), a blank line and
/// the body exactly as sent.
fn render(req: &VendorRequest) -> String {
    let mut headers: Vec<String> = req
        .headers()
        .iter()
        .map(|(name, value)| {
            let shown = if value.is_sensitive() {
                "<redacted>".to_owned()
            } else {
                value.to_str().unwrap_or("<binary>").to_owned()
            };
            format!("{name}: {shown}")
        })
        .collect();
    headers.sort();
    let body = req
        .body()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    let text = format!(
        "{} {}\n{}\n\n{}",
        req.method(),
        req.url().path(),
        headers.join("\n"),
        body
    );
    assert!(!text.contains(KEY), "the key must never be rendered");
    text
}

/// What arrived at the sandbox: method, path, query, headers (the host's port varies and
/// is left out; secrets are `<redacted>` by the sandbox), the body bytes.
fn render_recorded(r: &RecordedRequest) -> String {
    let mut headers: Vec<String> = r
        .headers
        .iter()
        .filter(|(k, _)| k != "host")
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    headers.sort();
    let query: Vec<String> = r.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let text = format!(
        "{} {}{}\n{}\n\n{}",
        r.method,
        r.path,
        if query.is_empty() {
            String::new()
        } else {
            format!("?{}", query.join("&"))
        },
        headers.join("\n"),
        String::from_utf8_lossy(&r.body)
    );
    assert!(!text.contains(credentials::CAREVALIDATE_API_KEY));
    text
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

fn atlanta() -> Address {
    Address::new("123 Main St", "Atlanta", "GA", "30301", "US").with_line2("Apt 4B")
}

fn case_payment() -> CreateCasePayment {
    CreateCasePayment::new(CASE, usd(12999), "Compounded Semaglutide, month 1")
        .with_product_id("5f0c2b1e-8a4d-4c3b-9e7f-1a2b3c4d5e6f")
        .with_status(CasePaymentStatus::Unpaid)
        .with_preauthorize(true)
        .with_idempotency_key("case-pay-key-1")
}

fn confirmation() -> ConfirmCustomerPayment {
    let d = |s| parse_date("date", s).unwrap();
    ConfirmCustomerPayment::new(
        CASE,
        usd(5000),
        d("2025-01-01"),
        CasePaymentStatus::Paid,
        d("2025-02-01"),
    )
    .with_decision_id("your-decision-id")
    .with_description("Payment for Compounded Semaglutide")
    .with_idempotency_key("unique-payment-key-123")
}

#[test]
fn intent_requests_for_the_issue_amounts() {
    let c = client();
    for (label, text) in [
        ("0_50", "0.50"),
        ("1_15", "1.15"),
        ("19_99", "19.99"),
        ("100", "100"),
        ("2500", "2500"),
        ("999999_99", "999999.99"),
    ] {
        let amount = Money::parse_positive("amount", text, Currency::USD).unwrap();
        let req = c
            .create_payment_intent_request(&CreatePaymentIntent::new(amount))
            .unwrap();
        let minimal = amount.to_minimal_decimal_string();
        assert_eq!(
            req.body().unwrap().as_ref(),
            format!("{{\"amount\":{minimal}}}").as_bytes()
        );
        insta::assert_snapshot!(format!("intent_request_{label}"), render(&req));
    }
}

#[test]
fn intent_request_with_method_types_in_the_callers_order() {
    let req = client()
        .create_payment_intent_request(
            &CreatePaymentIntent::new(usd(1999)).with_payment_method_types([
                CheckoutMethodKind::Affirm,
                CheckoutMethodKind::Klarna,
                CheckoutMethodKind::Card,
                CheckoutMethodKind::UsBankAccount,
            ]),
        )
        .unwrap();
    insta::assert_snapshot!("intent_request_with_method_types", render(&req));
}

#[test]
fn update_requests() {
    let c = client();
    let base = UpdatePaymentInfo::new(
        "john@example.com",
        "seti_1SNZDLKAXrtjbq2duGldHsHf",
        "nmi-token-in-body",
        white_house(),
    );
    insta::assert_snapshot!(
        "update_request_without_line2",
        render(&c.update_payment_info_request(&base).unwrap())
    );
    let mut with_line2 = base.clone();
    with_line2.shipping_address = with_line2.shipping_address.with_line2("West Wing, Suite 1");
    insta::assert_snapshot!(
        "update_request_with_line2",
        render(&c.update_payment_info_request(&with_line2).unwrap())
    );
}

#[test]
fn wave2_requests() {
    let c = client();
    insta::assert_snapshot!(
        "setup_request_minimal",
        render(
            &c.create_setup_intent_request(&CreateSetupIntent::new())
                .unwrap()
        )
    );
    insta::assert_snapshot!(
        "setup_request_metadata",
        render(
            &c.create_setup_intent_request(
                &CreateSetupIntent::new()
                    .with_email("testemail@example.com")
                    .with_phone("+1404567890")
            )
            .unwrap()
        )
    );
    insta::assert_snapshot!(
        "complete_setup_request",
        render(
            &c.complete_payment_setup_request(&CompletePaymentSetup::new(
                "seti_1Example00000000000000000",
                atlanta()
            ))
            .unwrap()
        )
    );
    insta::assert_snapshot!(
        "complete_setup_request_without_line2",
        render(
            &c.complete_payment_setup_request(&CompletePaymentSetup::new("seti_1", white_house()))
                .unwrap()
        )
    );
    insta::assert_snapshot!(
        "case_payment_request",
        render(&c.create_case_payment_request(&case_payment()).unwrap())
    );
    insta::assert_snapshot!(
        "case_payment_request_minimal",
        render(
            &c.create_case_payment_request(
                &CreateCasePayment::new(CASE, usd(50), "Consult").with_idempotency_key("k-min")
            )
            .unwrap()
        )
    );
    insta::assert_snapshot!(
        "confirmation_request",
        render(&c.confirm_customer_payment_request(&confirmation()).unwrap())
    );
}

#[test]
fn a_generated_key_is_a_fresh_uuid_per_logical_call() {
    let c = client();
    let key = |req: &VendorRequest| -> String {
        let v: serde_json::Value = serde_json::from_slice(req.body().unwrap()).unwrap();
        v["idempotencyKey"].as_str().unwrap().to_owned()
    };
    let plain = CreateCasePayment::new(CASE, usd(5000), "Consult");
    let (a, b) = (
        key(&c.create_case_payment_request(&plain).unwrap()),
        key(&c.create_case_payment_request(&plain).unwrap()),
    );
    assert_ne!(a, b);
    assert_eq!(a.len(), 36, "{a}");
    assert_eq!(&a[14..15], "4", "{a}");
}

/// Every endpoint as the sandbox received it.
#[tokio::test]
async fn recorded_requests_of_every_endpoint() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = CareValidateBuilder::new()
        .with_api_key(credentials::CAREVALIDATE_API_KEY)
        .with_base_url(sandbox.base_url())
        .with_user_agent("patientpay-snapshot")
        .build()
        .unwrap();
    c.create_payment_intent(
        CreatePaymentIntent::new(usd(1999)).with_payment_method_types([CheckoutMethodKind::Card]),
    )
    .await
    .unwrap();
    let secret = c
        .create_setup_intent(
            CreateSetupIntent::new()
                .with_email("john@example.com")
                .with_phone("+1404567890"),
        )
        .await
        .unwrap();
    let seti = secret
        .expose_secret()
        .split("_secret_")
        .next()
        .unwrap()
        .to_owned();
    c.complete_payment_setup(CompletePaymentSetup::new(seti.clone(), atlanta()))
        .await
        .unwrap();
    c.update_payment_info(UpdatePaymentInfo::new(
        "john@example.com",
        "seti_1SNZDLKAXrtjbq2duGldHsHf",
        "nmi-token-in-body",
        white_house(),
    ))
    .await
    .unwrap();
    c.create_case_payment(case_payment()).await.unwrap();
    c.confirm_customer_payment(confirmation()).await.unwrap();
    let recorded = sandbox.requests();
    let names = [
        "recorded_intent",
        "recorded_setup",
        "recorded_complete_setup",
        "recorded_update",
        "recorded_case_payment",
        "recorded_confirmation",
    ];
    assert_eq!(recorded.len(), names.len(), "{recorded:?}");
    for (name, r) in names.iter().zip(&recorded) {
        assert!(
            r.sent_secret("cv-api-key", credentials::CAREVALIDATE_API_KEY),
            "{name}"
        );
        let text = render_recorded(r).replace(&seti, "[seti]");
        insta::assert_snapshot!(*name, text);
    }
}

/// What a JavaScript backend does with the number: parse it as a double, then
/// `Math.round(amount * 100)`.
fn js_cents(json_number: &str) -> i64 {
    let value: f64 = serde_json::from_str(json_number).unwrap();
    (value * 100.0).round() as i64
}

fn amount_text(minor: i64) -> String {
    let body = CreatePaymentIntentRequest::new(usd(minor).to_json_major_units(), vec![]);
    let body = serde_json::to_string(&body).unwrap();
    body.strip_prefix("{\"amount\":")
        .and_then(|s| s.strip_suffix('}'))
        .unwrap()
        .to_owned()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn every_cent_amount_round_trips_exactly(minor in 1..=MAX_AMOUNT_MINOR_UNITS) {
        let number = amount_text(minor);
        // Exact as text: the decimal is precisely `minor` cents, no binary noise.
        prop_assert_eq!(Money::parse_decimal(&number, Currency::USD).unwrap().minor_units(), minor);
        prop_assert!(!number.contains('e') && !number.contains('E'));
        // Exact as a double: the shortest text of the parsed double is the same decimal,
        // and the vendor's cents come back unchanged.
        let as_double: f64 = serde_json::from_str(&number).unwrap();
        prop_assert_eq!(Money::parse_decimal(&format!("{as_double}"), Currency::USD).unwrap().minor_units(), minor);
        prop_assert_eq!(js_cents(&number), minor);
    }

    #[test]
    fn every_chargeable_amount_is_sent_exactly(minor in MIN_CHARGE_MINOR_UNITS..=MAX_CHARGE_MINOR_UNITS) {
        let req = client().create_payment_intent_request(&CreatePaymentIntent::new(usd(minor))).unwrap();
        let v: serde_json::Value = serde_json::from_slice(req.body().unwrap()).unwrap();
        prop_assert_eq!(js_cents(&v["amount"].to_string()), minor);
    }

    #[test]
    fn amounts_outside_stripes_limits_are_refused(minor in prop_oneof![i64::MIN..MIN_CHARGE_MINOR_UNITS, (MAX_CHARGE_MINOR_UNITS + 1)..=i64::MAX]) {
        let err = client().create_payment_intent_request(&CreatePaymentIntent::new(usd(minor))).unwrap_err();
        prop_assert_eq!(err.invalid_field(), Some("amount"));
    }
}

#[test]
fn the_bound_is_where_doubles_stop_being_exact() {
    // Just past the bound a 16-digit amount no longer survives a double.
    let past = "90071992547409.91";
    let as_double: f64 = serde_json::from_str(past).unwrap();
    assert_ne!(format!("{as_double}"), past);
    // At the bound it does.
    let at = "9999999999999.99";
    let as_double: f64 = serde_json::from_str(at).unwrap();
    assert_eq!(format!("{as_double}"), at);
    assert_eq!(js_cents(at), MAX_AMOUNT_MINOR_UNITS);
    assert_eq!(amount_text(MAX_AMOUNT_MINOR_UNITS), at);
}
