//! Decoda webhooks against fixtures signed outside the SDK
//! (`tests/fixtures/webhooks/signatures.txt` holds each signature and the command that made it).

use std::collections::HashMap;

use http::{HeaderMap, HeaderValue};
use patientpay_core::webhook::{DEFAULT_MAX_BODY_BYTES, MalformedSignature, hmac_sha256_hex};
use patientpay_core::{
    ChargeState, PaymentState, RefundReason, WebhookData, WebhookError, WebhookEventKind,
    WebhookSecret, Webhooks,
};
use patientpay_decoda::webhook::{DecodaWebhooks, SIGNATURE_HEADER, SignedForm, parse_event};
use proptest::prelude::*;

const SECRET: &str = "whsec_decoda_fixture_3f9a";
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/webhooks");

/// PHI and free text in the fixtures that must never reach Debug or Display.
const NEEDLES: &[&str] = &[
    "Marguerite",
    "Okafor",
    "marguerite.okafor",
    "4155550142",
    "1961",
    "Evergreen",
    "97403",
    "Springfield",
    "prefers mornings",
    "Semaglutide",
    SECRET,
];

fn body(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).unwrap()
}

/// file -> (form, signature)
fn signatures() -> HashMap<String, (String, String)> {
    std::fs::read_to_string(format!("{DIR}/signatures.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut parts = l.split_whitespace();
            let file = parts.next().unwrap().to_owned();
            let form = parts.next().unwrap().to_owned();
            let sig = parts.next().unwrap().to_owned();
            (file, (form, sig))
        })
        .collect()
}

fn headers(sig: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(SIGNATURE_HEADER, HeaderValue::from_str(sig).unwrap());
    h
}

fn secret() -> WebhookSecret {
    WebhookSecret::new(SECRET)
}

fn verified(name: &str) -> patientpay_core::WebhookEvent {
    let sigs = signatures();
    let (_, sig) = &sigs[name];
    DecodaWebhooks::new()
        .verify_and_parse(&headers(sig), &body(name), &secret())
        .unwrap()
}

fn assert_no_leak(text: &str) {
    for needle in NEEDLES {
        assert!(!text.contains(needle), "{needle} leaked in {text}");
    }
}

#[test]
fn every_raw_fixture_verifies_over_its_bytes() {
    let hooks = DecodaWebhooks::new();
    let mut raw = 0;
    for (file, (form, sig)) in signatures() {
        let b = body(&file);
        if form == "raw" {
            raw += 1;
            assert_eq!(
                hooks.verify_form(&headers(&sig), &b, &secret()).unwrap(),
                SignedForm::Raw,
                "{file}"
            );
            // raw-only verification accepts them too
            hooks
                .clone()
                .raw_only()
                .verify(&headers(&sig), &b, &secret())
                .unwrap();
            // and our signer agrees with the independent one
            assert_eq!(hmac_sha256_hex(&secret(), &b), sig, "{file}");
        }
        // every fixture: one flipped byte anywhere, a wrong secret
        for i in [0, b.len() / 2, b.len() - 1] {
            let mut t = b.clone();
            t[i] ^= 0x01;
            assert_eq!(
                hooks.verify(&headers(&sig), &t, &secret()),
                Err(WebhookError::SignatureMismatch),
                "{file} byte {i}"
            );
        }
        assert_eq!(
            hooks.verify(&headers(&sig), &b, &WebhookSecret::new("whsec_other")),
            Err(WebhookError::SignatureMismatch),
            "{file}"
        );
    }
    assert_eq!(raw, 9);
}

#[test]
fn spec_payment_is_typed() {
    let ev = verified("payment_succeeded_spec.json");
    assert_eq!(ev.provider, "decoda");
    assert_eq!(ev.id.as_deref(), Some("wda_01HS2M8Q5R"));
    assert_eq!(ev.dedupe_key(), "wda_01HS2M8Q5R");
    assert_eq!(ev.kind, WebhookEventKind::PaymentSucceeded);
    assert_eq!(ev.vendor_type, "PAYMENT_SUCCEEDED");
    assert_eq!(
        ev.created_at.unwrap(),
        time::macros::datetime!(2026-03-02 14:05:00 UTC)
    );
    assert_eq!(ev.vendor_data["alertId"], "alrt_9001");
    let WebhookData::Payment(p) = &ev.data else {
        panic!("{:?}", ev.data)
    };
    assert_eq!(p.id, "pay_7Hq2");
    assert_eq!(p.status, PaymentState::Succeeded);
    assert_eq!(p.amount.minor_units(), 12500);
    assert_eq!(p.amount.currency().code(), "USD");
    assert_eq!(p.fee.unwrap().minor_units(), 363);
    assert_eq!(p.medium.as_deref(), Some("SAVED_PAYMENT_METHOD"));
    assert_eq!(p.patient_id.as_deref(), Some("pat_3141"));
    assert_eq!(p.payin_id.as_deref(), Some("pyi_88"));
    assert_eq!(p.payin_config_id.as_deref(), Some("pcfg_12"));
    assert_eq!(p.payment_method_id.as_deref(), Some("pm_dec_4"));
    // naive FastAPI date-time read as UTC
    assert_eq!(
        p.created_at.unwrap().unix_timestamp(),
        time::macros::datetime!(2026-03-02 14:04:58 UTC).unix_timestamp()
    );
}

#[test]
fn guide_snake_case_payments_are_typed() {
    let ev = verified("payment_completed_guide.json");
    assert_eq!(ev.kind, WebhookEventKind::PaymentSucceeded);
    assert_eq!(ev.vendor_type, "PAYMENT_COMPLETED");
    assert!(ev.created_at.is_some());
    let p = ev.data.payment().unwrap();
    assert_eq!(p.id, "pay_5f1c");
    assert_eq!(p.amount.minor_units(), 4999);
    assert_eq!(p.status, PaymentState::Succeeded);
    assert_eq!(p.vendor_data["charge_id"], "chg_77");
    assert_eq!(p.vendor_data["payment_method"], "card");

    let ev = verified("payment_failed_guide.json");
    assert_eq!(ev.kind, WebhookEventKind::PaymentFailed);
    let p = ev.data.payment().unwrap();
    assert_eq!(p.status, PaymentState::Failed);
    assert_eq!(
        p.failed_reason.as_deref(),
        Some("Card of Marguerite Okafor declined")
    );
    assert_no_leak(&format!("{ev:?}"));
}

#[test]
fn refund_charge_charge_payment_and_patient_are_typed() {
    let ev = verified("refund_created.json");
    assert_eq!(ev.kind, WebhookEventKind::RefundCreated);
    let r = ev.data.refund().unwrap();
    assert_eq!(
        (r.id.as_str(), r.payment_id.as_str()),
        ("ref_41", "pay_7Hq2")
    );
    assert_eq!(r.amount.minor_units(), 2500);
    assert_eq!(r.reason, RefundReason::Duplicate);
    assert_eq!(r.status, PaymentState::Processing);
    assert_eq!(r.processor_refund_id.as_deref(), Some("rf_rain_1"));

    let ev = verified("charge_created.json");
    assert_eq!(ev.kind, WebhookEventKind::ChargeCreated);
    let WebhookData::Charge(c) = &ev.data else {
        panic!()
    };
    assert_eq!(c.id.as_deref(), Some("chg_77"));
    assert_eq!(c.status, ChargeState::Outstanding);
    assert_eq!(c.total_outstanding.minor_units(), 15000);
    assert!(c.vendor_data.as_map().contains_key("patient"));
    assert_no_leak(&format!("{ev:?}"));

    let ev = verified("charge_payment_created.json");
    assert_eq!(ev.kind, WebhookEventKind::ChargePaymentCreated);
    let WebhookData::ChargePayment { charge_id, payment } = &ev.data else {
        panic!()
    };
    assert_eq!(charge_id, "chg_77");
    assert_eq!(payment.id, "pay_7Hq2");
    assert_eq!(payment.amount.minor_units(), 12500);

    let ev = verified("patient_updated.json");
    assert_eq!(ev.kind, WebhookEventKind::PatientUpdated);
    let WebhookData::Patient(p) = &ev.data else {
        panic!()
    };
    assert_eq!(p.id, "pat_3141");
    assert_eq!(p.last_name.as_deref(), Some("Okafor"));
    assert_eq!(p.phone.as_deref(), Some("+14155550142"));
    assert_eq!(p.date_of_birth, Some(time::macros::date!(1961 - 07 - 04)));
    let a = p.address.as_ref().unwrap();
    assert_eq!(a.postal_code.as_deref(), Some("97403"));
    assert_eq!(p.credit_balance.unwrap().minor_units(), 5000);
    assert_no_leak(&format!("{ev:?}"));
    assert_no_leak(&format!("{:?}", ev.data));
}

#[test]
fn unknown_type_is_not_an_error() {
    let ev = verified("unknown_type.json");
    assert_eq!(
        ev.kind,
        WebhookEventKind::Unknown("APPOINTMENT_SCHEDULED".into())
    );
    assert_eq!(ev.vendor_type, "APPOINTMENT_SCHEDULED");
    assert_eq!(ev.data.raw().unwrap()["id"], "appt_1");
    assert_eq!(ev.vendor_data["newTopLevelField"], true);
    assert_no_leak(&format!("{ev:?}"));
}

#[test]
fn reserialized_signatures_are_accepted_as_a_fallback_only() {
    let sigs = signatures();
    let hooks = DecodaWebhooks::new();
    let (_, py) = &sigs["signed_python_dumps.json"];
    let (_, js) = &sigs["signed_js_stringify.json"];
    let py_body = body("signed_python_dumps.json");
    let js_body = body("signed_js_stringify.json");
    assert_eq!(
        hooks
            .verify_form(&headers(py), &py_body, &secret())
            .unwrap(),
        SignedForm::PythonJsonDumps
    );
    assert_eq!(
        hooks
            .verify_form(&headers(js), &js_body, &secret())
            .unwrap(),
        SignedForm::JavaScriptStringify
    );
    // the raw bytes were not what was signed
    assert_ne!(&hmac_sha256_hex(&secret(), &py_body), py);
    assert_ne!(&hmac_sha256_hex(&secret(), &js_body), js);
    // raw-only verifiers refuse them
    for (sig, b) in [(py, &py_body), (js, &js_body)] {
        assert_eq!(
            hooks.clone().raw_only().verify(&headers(sig), b, &secret()),
            Err(WebhookError::SignatureMismatch)
        );
    }
    // the fallback still needs the secret
    assert_eq!(
        hooks.verify(&headers(py), &py_body, &WebhookSecret::new("x")),
        Err(WebhookError::SignatureMismatch)
    );
    // and a tampered value fails in every form
    let tampered = String::from_utf8(py_body.clone())
        .unwrap()
        .replace("700", "701");
    assert_eq!(
        hooks.verify(&headers(py), tampered.as_bytes(), &secret()),
        Err(WebhookError::SignatureMismatch)
    );
    let ev = hooks
        .verify_and_parse(&headers(js), &js_body, &secret())
        .unwrap();
    assert_eq!(ev.data.payment().unwrap().amount.minor_units(), 800);
}

#[test]
fn a_body_whose_reserialization_differs_verifies_raw() {
    // whitespace, key order (type before id), \u escapes incl. a surrogate pair, "\/"
    let name = "raw_whitespace_unicode.json";
    let b = body(name);
    let text = String::from_utf8(b.clone()).unwrap();
    assert!(text.contains("\\ud83d\\ude00") && text.contains("  ") && text.contains("\\/"));
    let sigs = signatures();
    let (_, sig) = &sigs[name];
    let hooks = DecodaWebhooks::new();
    assert_eq!(
        hooks.verify_form(&headers(sig), &b, &secret()).unwrap(),
        SignedForm::Raw
    );
    // serde_json's re-serialization differs, and its signature does not match
    let reser =
        serde_json::to_vec(&serde_json::from_slice::<serde_json::Value>(&b).unwrap()).unwrap();
    assert_ne!(reser, b);
    assert_ne!(&hmac_sha256_hex(&secret(), &reser), sig);
    let ev = hooks.parse_verified(&b).unwrap();
    assert_eq!(ev.data.payment().unwrap().id, "pay_ws");
    assert_eq!(
        ev.data.payment().unwrap().vendor_data["note"],
        "café ☃ 😀 /"
    );
}

#[test]
fn signature_header_refusals() {
    let hooks = DecodaWebhooks::new();
    let name = "payment_succeeded_spec.json";
    let b = body(name);
    let sigs = signatures();
    let sig = &sigs[name].1;
    // uppercase hex is accepted
    hooks
        .verify(&headers(&sig.to_uppercase()), &b, &secret())
        .unwrap();
    // header name is case-insensitive
    let mut lower = HeaderMap::new();
    lower.insert("decoda-signature", HeaderValue::from_str(sig).unwrap());
    hooks.verify(&lower, &b, &secret()).unwrap();
    assert_eq!(
        hooks.verify(&HeaderMap::new(), &b, &secret()),
        Err(WebhookError::MissingSignature {
            header: SIGNATURE_HEADER
        })
    );
    let malformed = |s: &str| match hooks.verify(&headers(s), &b, &secret()) {
        Err(WebhookError::MalformedSignature { reason, .. }) => reason,
        other => panic!("{s}: {other:?}"),
    };
    assert_eq!(
        malformed(&sig[..63]),
        MalformedSignature::OddLength { len: 63 }
    );
    assert_eq!(
        malformed(&sig[..32]),
        MalformedSignature::WrongLength { len: 32 }
    );
    assert_eq!(
        malformed(&format!("{sig}00")),
        MalformedSignature::WrongLength { len: 66 }
    );
    assert_eq!(
        malformed(&format!("{}g", &sig[..63])),
        MalformedSignature::NotHex
    );
    assert_eq!(
        malformed(&format!("sha256={}", &sig[..57])),
        MalformedSignature::NotHex
    );
    // a signature for another body
    let other = hmac_sha256_hex(&secret(), b"{}");
    assert_eq!(
        hooks.verify(&headers(&other), &b, &secret()),
        Err(WebhookError::SignatureMismatch)
    );
    assert_eq!(
        hooks.verify(&headers(sig), &b, &WebhookSecret::new("")),
        Err(WebhookError::EmptySecret)
    );
}

#[test]
fn empty_and_non_json_bodies() {
    let hooks = DecodaWebhooks::new();
    let s = secret();
    let empty_sig = hmac_sha256_hex(&s, b"");
    assert_eq!(
        hooks.verify_and_parse(&headers(&empty_sig), b"", &s),
        Err(WebhookError::NotJson { line: 1, column: 0 })
    );
    assert_eq!(
        hooks.verify_and_parse(&headers(&hmac_sha256_hex(&s, b"x")), b"", &s),
        Err(WebhookError::SignatureMismatch)
    );
    for (b, reason) in [
        (&b"[1,2]"[..], "not a JSON object"),
        (br#"{"id":"e","data":{}}"#, "missing field `type`"),
        (br#"{"id":"e","type":7}"#, "field `type` is not a string"),
    ] {
        let err = hooks
            .verify_and_parse(&headers(&hmac_sha256_hex(&s, b)), b, &s)
            .unwrap_err();
        assert_eq!(err, WebhookError::bad_envelope("decoda", reason));
        assert!(err.is_payload_problem());
    }
    let secret_in_body = format!(r#"{{"type": {SECRET}}}"#);
    let err = hooks
        .verify_and_parse(
            &headers(&hmac_sha256_hex(&s, secret_in_body.as_bytes())),
            secret_in_body.as_bytes(),
            &s,
        )
        .unwrap_err();
    assert!(matches!(err, WebhookError::NotJson { .. }));
    assert_no_leak(&format!("{err} {err:?}"));
}

#[test]
fn ten_megabyte_body_is_bounded() {
    let big = vec![b' '; 10 * 1024 * 1024];
    let hooks = DecodaWebhooks::new();
    let sig = hmac_sha256_hex(&secret(), &big);
    assert_eq!(
        hooks.verify(&headers(&sig), &big, &secret()),
        Err(WebhookError::BodyTooLarge {
            limit: DEFAULT_MAX_BODY_BYTES
        })
    );
    assert_eq!(
        hooks.parse_verified(&big),
        Err(WebhookError::BodyTooLarge {
            limit: DEFAULT_MAX_BODY_BYTES
        })
    );
    let small = DecodaWebhooks::new().with_max_body_bytes(64);
    assert!(matches!(
        small.verify(&headers(&sig), &body("refund_created.json"), &secret()),
        Err(WebhookError::BodyTooLarge { limit: 64 })
    ));
}

#[test]
fn odd_data_stays_raw_instead_of_failing() {
    // a payment event whose data has a fractional amount, a string status and no id
    for data in [
        r#"{"id":"p","amount":19.99,"status":"SUCCEEDED"}"#,
        r#"{"amount":100,"status":"SUCCEEDED"}"#,
        r#"{"id":"p","amount":100,"status":"SUCCEEDED","currency":"ZZZ"}"#,
        r#""just text""#,
        "null",
    ] {
        let b = format!(r#"{{"id":"e1","type":"PAYMENT_SUCCEEDED","data":{data}}}"#);
        let ev = parse_event(b.as_bytes()).unwrap();
        assert_eq!(ev.kind, WebhookEventKind::PaymentSucceeded);
        assert!(
            matches!(ev.data, WebhookData::Other(_)),
            "{data}: {:?}",
            ev.data
        );
    }
    // no id: deduped on the body's SHA-256
    let ev = parse_event(br#"{"type":"PAYMENT_CREATED","data":{}}"#).unwrap();
    assert_eq!(ev.id, None);
    assert_eq!(ev.dedupe_key().len(), 64);
}

#[test]
fn errors_and_events_never_show_the_secret_or_phi() {
    let hooks = DecodaWebhooks::new();
    for (file, (_, sig)) in signatures() {
        let b = body(&file);
        if let Ok(ev) = hooks.verify_and_parse(&headers(&sig), &b, &secret()) {
            assert_no_leak(&format!("{ev:?}"));
        }
        let mut t = b.clone();
        t[1] ^= 1;
        let err = hooks
            .verify_and_parse(&headers(&sig), &t, &secret())
            .unwrap_err();
        assert_no_leak(&format!("{err} {err:?}"));
        assert!(!format!("{err} {err:?}").contains(&sig[..16]));
    }
    assert_no_leak(&format!("{hooks:?} {:?}", secret()));
}

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        "\\PC{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            proptest::collection::btree_map("[a-zA-Z_]{0,8}", inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn verify_of_sign(body in proptest::collection::vec(any::<u8>(), 0..4096), secret in "[!-~]{1,48}") {
        let secret = WebhookSecret::new(secret);
        let sig = hmac_sha256_hex(&secret, &body);
        prop_assert_eq!(DecodaWebhooks::new().verify_form(&headers(&sig), &body, &secret), Ok(SignedForm::Raw));
    }

    /// Arbitrary bytes with a wrong signature: the fallback runs on unauthenticated input and
    /// must refuse without panicking.
    #[test]
    fn unauthenticated_garbage_never_panics(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let sig = "0".repeat(64);
        prop_assert_eq!(DecodaWebhooks::new().verify(&headers(&sig), &body, &secret()), Err(WebhookError::SignatureMismatch));
    }

    /// A valid signature over arbitrary bytes: parsing never panics.
    #[test]
    fn envelope_parser_never_panics(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let sig = hmac_sha256_hex(&secret(), &body);
        let _ = DecodaWebhooks::new().verify_and_parse(&headers(&sig), &body, &secret());
    }

    /// Arbitrary JSON under a known type: either typed or raw, never an error.
    #[test]
    fn any_data_under_any_known_type_parses(data in arbitrary_json(), t in prop::sample::select(vec![
        "PAYMENT_CREATED", "PAYMENT_SUCCEEDED", "PAYMENT_COMPLETED", "PAYMENT_FAILED", "REFUND_CREATED",
        "REFUND_SUCCEEDED", "CHARGE_CREATED", "CHARGE_PAYMENT_CREATED", "PATIENT_CREATED", "PATIENT_UPDATED",
        "RAINFOREST_PAYIN_PROCESSING", "SOMETHING_NEW",
    ])) {
        let b = serde_json::to_vec(&serde_json::json!({"id": "e", "type": t, "data": data})).unwrap();
        let ev = parse_event(&b).unwrap();
        prop_assert_eq!(ev.vendor_type.as_str(), t);
        let _ = format!("{ev:?}");
    }

    /// The fallback against an independent serializer: a sender that signs serde_json's
    /// compact form (which is JavaScript's form for integers within 2^53 and no
    /// integer-like keys) but sends a pretty-printed body is accepted as JSON.stringify.
    #[test]
    fn compact_signature_over_a_pretty_body(data in json_without_floats()) {
        let v = serde_json::json!({"type": "X", "data": data});
        let signed = serde_json::to_vec(&v).unwrap();
        let sent = serde_json::to_vec_pretty(&v).unwrap();
        let sig = hmac_sha256_hex(&secret(), &signed);
        prop_assert_eq!(DecodaWebhooks::new().verify_form(&headers(&sig), &sent, &secret()), Ok(SignedForm::JavaScriptStringify));
        prop_assert_eq!(DecodaWebhooks::new().raw_only().verify(&headers(&sig), &sent, &secret()), Err(WebhookError::SignatureMismatch));
    }
}

fn json_without_floats() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        (-(1i64 << 53)..(1i64 << 53)).prop_map(serde_json::Value::from),
        "\\PC{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            proptest::collection::btree_map("[a-zA-Z_]{0,8}", inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}
