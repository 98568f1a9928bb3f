//! Decoda's JSON from the docs and the spec: every shape parses with the wire types, maps
//! to the unified model, and (where the spec says so) validates against the spec.

mod common;

use common::{fixture, spec, validate, validate_with};
use patientpay_core::{Charge, ChargeState, PaymentState};
use patientpay_decoda::{map, wire};

fn details(name: &str) -> wire::PaymentLinkDetails {
    serde_json::from_str(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The unified balance of a fixture as `verify_patient_balance` reads it (the borrowed
/// view of the answer, `vendor_data` as sent).
fn balance(name: &str) -> patientpay_core::PatientBalance {
    let mut headers = http::HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    let resp = patientpay_core::pipeline::VendorResponse::from_parts(
        "decoda",
        patientpay_core::Operation::VerifyPatientBalance,
        200,
        headers,
        fixture(name),
    );
    map::balance_from_response(&resp).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn doc_examples_validate_against_the_spec() {
    let spec = spec();
    for (name, schema) in [
        ("verify_response_doc_example.json", "PaymentLinkDetails"),
        ("verify_request_doc_example.json", "VerifyPatient"),
        ("settle_response_doc_example.json", "PaymentSummary"),
        ("verify_response_minimal.json", "PaymentLinkDetails"),
        ("settle_response_minimal.json", "PaymentSummary"),
        ("error_422_validation.json", "HTTPValidationError"),
    ] {
        let value: serde_json::Value = serde_json::from_str(&fixture(name)).unwrap();
        let errors = validate_with(&spec, schema, &value, false);
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
    // Strictly, the docs' example differs from the spec only by `taxable` on ItemTiny.
    let doc: serde_json::Value =
        serde_json::from_str(&fixture("verify_response_doc_example.json")).unwrap();
    let strict = validate(&spec, "PaymentLinkDetails", &doc);
    assert_eq!(strict.len(), 1, "{strict:#?}");
    assert!(strict[0].contains("items[0].item"), "{strict:#?}");
    let body: Vec<serde_json::Value> =
        serde_json::from_str(&fixture("settle_request_doc_example.json")).unwrap();
    for c in &body {
        let errors = validate(&spec, "ChargeDetail-Input", c);
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

#[test]
fn verify_doc_example_maps() {
    let d = details("verify_response_doc_example.json");
    assert_eq!(
        d.charges[0].items[0].item.as_ref().unwrap().unit,
        Some(wire::Unit::Ampoules)
    );
    assert_eq!(
        d.charges[0].payments[0]
            .payment
            .payment_method
            .as_ref()
            .unwrap()
            .method_type,
        Some(wire::PaymentMethodType::Card)
    );
    assert!(map::balance_from_wire(d).is_ok());
    let balance = balance("verify_response_doc_example.json");
    insta::assert_json_snapshot!("verify_doc_example_unified", balance);
}

#[test]
fn minimal_answers_take_the_spec_defaults() {
    let d = details("verify_response_minimal.json");
    let c = &d.charges[0];
    assert_eq!(
        (c.total, c.status.clone()),
        (0, wire::ChargeStatus::Outstanding)
    );
    assert_eq!(
        (c.discount_amount, c.discount_percentage),
        (Some(0), Some(0.0))
    );
    assert!(
        c.items.is_empty()
            && c.tips.is_empty()
            && c.payments.is_empty()
            && c.adjustments.is_empty()
    );
    assert!(map::balance_from_wire(d).is_ok());
    let balance = balance("verify_response_minimal.json");
    insta::assert_json_snapshot!("verify_minimal_unified", balance);

    let p: wire::PaymentSummary =
        serde_json::from_str(&fixture("settle_response_minimal.json")).unwrap();
    assert_eq!(
        (p.currency.as_str(), p.fee, p.fee_to_patient),
        ("USD", 0, 0)
    );
    let payment = map::payment_from_wire(p).unwrap();
    insta::assert_json_snapshot!("settle_minimal_unified", payment);

    let item: wire::ItemTiny = serde_json::from_str(r#"{"name":"x","price":1}"#).unwrap();
    assert!(item.is_physical && !item.is_archived && !item.allow_custom_pricing);
    assert_eq!(item.item_type, wire::ItemType::Product);
}

#[test]
fn settle_doc_example_maps() {
    let p: wire::PaymentSummary =
        serde_json::from_str(&fixture("settle_response_doc_example.json")).unwrap();
    assert_eq!(p.status, wire::PaymentStatus::Canceled);
    insta::assert_json_snapshot!(
        "settle_doc_example_unified",
        map::payment_from_wire(p).unwrap()
    );
    let unknown: wire::PaymentSummary =
        serde_json::from_str(&fixture("settle_response_unknown_status.json")).unwrap();
    assert_eq!(
        unknown.updated_date, None,
        "an odd nullable date-time is dropped, not fatal"
    );
    let payment = map::payment_from_wire(unknown).unwrap();
    assert_eq!(payment.status, PaymentState::Unknown("SETTLING".into()));
    insta::assert_json_snapshot!("settle_unknown_status_unified", payment);
}

#[test]
fn settle_doc_example_body_round_trips() {
    let text = fixture("settle_request_doc_example.json");
    let body: Vec<wire::ChargeDetailInput> = serde_json::from_str(&text).unwrap();
    let original: serde_json::Value = serde_json::from_str(&text).unwrap();
    let again = serde_json::to_value(&body).unwrap();
    // Every field the docs show comes back with the same value (dates normalised to RFC 3339).
    // (Nullable fields the docs leave out come back as `null`.)
    fn contains(got: &serde_json::Value, want: &serde_json::Value, at: &str) {
        match (want, got) {
            (serde_json::Value::Object(w), serde_json::Value::Object(g)) => {
                for (k, v) in w {
                    contains(
                        g.get(k).unwrap_or(&serde_json::Value::Null),
                        v,
                        &format!("{at}.{k}"),
                    );
                }
            }
            (serde_json::Value::Array(w), serde_json::Value::Array(g)) => {
                assert_eq!(w.len(), g.len(), "{at}");
                for (i, (w, g)) in w.iter().zip(g).enumerate() {
                    contains(g, w, &format!("{at}[{i}]"));
                }
            }
            (w, g) if w.is_number() && g.is_number() => assert_eq!(w.as_f64(), g.as_f64(), "{at}"),
            (w, g) => assert_eq!(w, g, "{at}"),
        }
    }
    contains(&again, &original, "body");
}

#[test]
fn every_enum_value_parses_and_unknown_ones_round_trip() {
    let text = fixture("verify_response_every_enum.json");
    let d = details("verify_response_every_enum.json");
    let spec = spec();
    let known = |name: &str| -> Vec<String> {
        spec["components"]["schemas"][name]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    macro_rules! check_enum {
        ($ty:ty, $name:literal, $values:expr, $unknown:literal) => {{
            let values: Vec<$ty> = $values;
            let mut seen_known = std::collections::BTreeSet::new();
            for v in &values {
                if v.is_unknown() {
                    assert_eq!(v.as_str(), $unknown);
                } else {
                    seen_known.insert(v.as_str().to_owned());
                }
            }
            let spec_values: std::collections::BTreeSet<String> =
                known($name).into_iter().collect();
            assert_eq!(seen_known, spec_values, $name);
            assert_eq!(<$ty>::KNOWN.len(), spec_values.len(), $name);
            assert!(
                values.iter().any(|v| v.is_unknown()),
                "{} has an unknown value",
                $name
            );
        }};
    }
    check_enum!(
        wire::ChargeStatus,
        "ChargeStatus",
        d.charges.iter().map(|c| c.status.clone()).collect(),
        "ON_HOLD"
    );
    check_enum!(
        wire::Unit,
        "Unit",
        d.charges
            .iter()
            .filter_map(|c| c.items[0].item.as_ref().unwrap().unit.clone())
            .collect(),
        "LIGHT_YEARS"
    );
    check_enum!(
        wire::ItemType,
        "ItemType",
        d.charges
            .iter()
            .map(|c| c.items[0].item.as_ref().unwrap().item_type.clone())
            .collect(),
        "GIFT_CARD"
    );
    check_enum!(
        wire::AdjustmentType,
        "AdjustmentType",
        d.charges
            .iter()
            .map(|c| c.adjustments[0].adjustment_type.clone())
            .collect(),
        "GOODWILL"
    );
    check_enum!(
        wire::PaymentStatus,
        "PaymentStatus",
        d.charges
            .iter()
            .map(|c| c.payments[0].payment.status.clone())
            .collect(),
        "DISPUTED"
    );
    check_enum!(
        wire::PaymentMethodType,
        "PaymentMethodType",
        d.charges
            .iter()
            .filter_map(|c| c.payments[0]
                .payment
                .payment_method
                .as_ref()
                .unwrap()
                .method_type
                .clone())
            .collect(),
        "GOOGLE_PAY"
    );
    check_enum!(
        wire::RefundReason,
        "RefundReason",
        d.charges
            .iter()
            .map(|c| c.payments[0].payment.refunds[0].reason.clone())
            .collect(),
        "FRAUD"
    );
    check_enum!(
        wire::UserType,
        "UserType",
        d.charges
            .iter()
            .map(|c| c.patient.as_ref().unwrap().user_type.clone())
            .collect(),
        "ROBOT"
    );
    check_enum!(
        wire::PatientSource,
        "PatientSource",
        d.charges
            .iter()
            .filter_map(|c| c.patient.as_ref().unwrap().patient_source.clone())
            .collect(),
        "BILLBOARD"
    );
    // Odd nullable date-times are dropped; required ones parsed in every FastAPI form.
    assert!(
        d.charges
            .iter()
            .all(|c| c.external_created_date.is_none() && c.payments[0].created_date.is_none())
    );
    // Serializing the parsed answer writes the unknown values back verbatim.
    let again = serde_json::to_string(&d).unwrap();
    for unknown in [
        "ON_HOLD",
        "LIGHT_YEARS",
        "GIFT_CARD",
        "GOODWILL",
        "DISPUTED",
        "GOOGLE_PAY",
        "FRAUD",
        "ROBOT",
        "BILLBOARD",
    ] {
        assert!(
            text.contains(unknown) && again.contains(&format!("\"{unknown}\"")),
            "{unknown}"
        );
    }
    // And through the unified model into settle, as verify_patient_balance reads it.
    assert!(map::balance_from_wire(d).is_ok());
    let balance = balance("verify_response_every_enum.json");
    let on_hold: &Charge = balance
        .charges
        .iter()
        .find(|c| c.status == ChargeState::Unknown("ON_HOLD".into()))
        .unwrap();
    let input = map::charge_to_wire(0, on_hold).unwrap();
    let json = serde_json::to_value(&input).unwrap();
    assert_eq!(json["status"], "ON_HOLD");
    assert!(json["adjustments"][0]["adjustmentType"].is_string());
}

#[test]
fn error_shapes_parse() {
    let e: wire::HttpValidationError =
        serde_json::from_str(&fixture("error_422_validation.json")).unwrap();
    let detail = e.detail.unwrap();
    assert_eq!(detail.len(), 3);
    assert_eq!(
        detail[2].loc,
        [
            wire::LocPart::Name("body".into()),
            wire::LocPart::Index(0),
            wire::LocPart::Name("totalOutstanding".into())
        ]
    );
    assert_eq!(detail[0].error_type, "missing");
    assert!(
        !format!("{detail:?}").contains("Doe"),
        "FastAPI's `input` is not kept"
    );
    for name in ["error_401_detail.json", "error_404_detail.json"] {
        let v: serde_json::Value = serde_json::from_str(&fixture(name)).unwrap();
        assert!(v["detail"].is_string(), "{name}");
    }
}

#[test]
fn required_date_time_failures_name_the_field_not_the_value() {
    let text = fixture("verify_response_minimal.json").replace("2023-11-07T05:31:56Z", "Jane Doe");
    let e = patientpay_core::pipeline::decode_json::<wire::PaymentLinkDetails>(text.as_bytes())
        .unwrap_err();
    assert!(
        e.contains("patient.createdDate") && !e.contains("Jane"),
        "{e}"
    );
}
