//! Snapshots of every request this crate builds (method, path, headers with the key
//! redacted, exact body bytes), and the property that every cent amount survives the
//! trip through CareValidate's JSON number exactly.

use patientpay_carevalidate::{CareValidate, CareValidateBuilder, MAX_AMOUNT_MINOR_UNITS};
use patientpay_core::http::VendorRequest;
use patientpay_core::{
    Address, CreatePaymentIntent, Currency, Money, PaymentMethodType, UpdatePaymentInfo,
};
use proptest::prelude::*;

const KEY: &str = "cv-snapshot-key-do-not-print";

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

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD)
}

#[test]
fn intent_requests_for_the_issue_amounts() {
    let c = client();
    for (label, text) in [
        ("0_01", "0.01"),
        ("0_29", "0.29"),
        ("1_15", "1.15"),
        ("19_99", "19.99"),
        ("100", "100"),
        ("2500", "2500"),
        ("99999999_99", "99999999.99"),
    ] {
        let amount = Money::parse_positive("amount", text, Currency::USD).unwrap();
        let req = c
            .create_payment_intent_request(&CreatePaymentIntent::new(amount))
            .unwrap();
        assert_eq!(
            req.body().unwrap().as_ref(),
            format!("{{\"amount\":{text}}}").as_bytes()
        );
        insta::assert_snapshot!(format!("intent_request_{label}"), render(&req));
    }
}

#[test]
fn intent_request_with_method_types_in_the_callers_order() {
    let req = client()
        .create_payment_intent_request(
            &CreatePaymentIntent::new(usd(1999)).with_payment_method_types([
                PaymentMethodType::Affirm,
                PaymentMethodType::Klarna,
                PaymentMethodType::Card,
                PaymentMethodType::UsBankAccount,
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
        Address::new(
            "1600 Pennsylvania Avenue NW",
            "Washington",
            "DC",
            "20500",
            "US",
        ),
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

/// What a JavaScript backend does with the number: parse it as a double, then
/// `Math.round(amount * 100)`.
fn js_cents(json_number: &str) -> i64 {
    let value: f64 = serde_json::from_str(json_number).unwrap();
    (value * 100.0).round() as i64
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn every_cent_amount_round_trips_exactly(minor in 1..=MAX_AMOUNT_MINOR_UNITS) {
        let req = client().create_payment_intent_request(&CreatePaymentIntent::new(usd(minor))).unwrap();
        let body = std::str::from_utf8(req.body().unwrap()).unwrap();
        let number = body.strip_prefix("{\"amount\":").and_then(|s| s.strip_suffix('}')).unwrap();
        // Exact as text: the decimal is precisely `minor` cents, no binary noise.
        prop_assert_eq!(Money::parse_decimal(number, Currency::USD).unwrap().minor_units(), minor);
        prop_assert!(!number.contains('e') && !number.contains('E'));
        // Exact as a double: the shortest text of the parsed double is the same decimal,
        // and the vendor's cents come back unchanged.
        let as_double: f64 = serde_json::from_str(number).unwrap();
        prop_assert_eq!(Money::parse_decimal(&format!("{as_double}"), Currency::USD).unwrap().minor_units(), minor);
        prop_assert_eq!(js_cents(number), minor);
    }

    #[test]
    fn small_amounts_round_trip_exactly(minor in 1i64..=10_000_000) {
        let req = client().create_payment_intent_request(&CreatePaymentIntent::new(usd(minor))).unwrap();
        let v: serde_json::Value = serde_json::from_slice(req.body().unwrap()).unwrap();
        prop_assert_eq!(js_cents(&v["amount"].to_string()), minor);
    }

    #[test]
    fn amounts_above_the_bound_are_refused(minor in (MAX_AMOUNT_MINOR_UNITS + 1)..=i64::MAX) {
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
}
