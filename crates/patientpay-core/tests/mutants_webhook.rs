//! The webhook rules that `tests/webhook.rs` (vectors and the verification flow) does not
//! already state, named after the rule each proves. Together with it and the unit tests in
//! `src/webhook/` they kill the viable mutants cargo-mutants makes in `src/webhook/`
//! (`cargo xtask mutants --file crates/patientpay-core/src/webhook/signature.rs`, ...).

use http::{HeaderMap, HeaderValue};
use patientpay_core::webhook::{
    DEFAULT_MAX_BODY_BYTES, HmacSha256Hex, MalformedSignature, decode_signature_hex,
    hmac_sha256_hex, to_hex,
};
use patientpay_core::{
    Charge, ChargeState, Currency, DedupeStore, InMemoryDedupe, Money, Payment, PaymentState,
    Refund, RefundReason, WebhookData, WebhookError, WebhookEvent, WebhookEventKind, WebhookSecret,
};

fn signed(secret: &WebhookSecret, body: &[u8]) -> HeaderMap {
    let mut h = HeaderMap::new();
    let sig = hmac_sha256_hex(secret, body);
    h.insert(
        "x-signature",
        HeaderValue::from_str(&sig).expect("hex is a valid header value"),
    );
    h
}

/// Kills `replace * with +` in `DEFAULT_MAX_BODY_BYTES = 1024 * 1024`.
#[test]
fn the_default_body_limit_is_one_mebibyte() {
    assert_eq!(DEFAULT_MAX_BODY_BYTES, 1_048_576);
    let secret = WebhookSecret::new("whsec_limit");
    let scheme = HmacSha256Hex::new("x-signature");
    assert_eq!(scheme.max_body_bytes, 1_048_576);
    let body = vec![b'x'; 1_048_576];
    assert_eq!(
        scheme.verify_raw(&signed(&secret, &body), &body, &secret),
        Ok(())
    );
    let over = vec![b'x'; 1_048_577];
    assert_eq!(
        scheme.verify_raw(&signed(&secret, &over), &over, &secret),
        Err(WebhookError::BodyTooLarge { limit: 1_048_576 })
    );
}

// ---------------------------------------------------------------------------------------
// Hex signatures

#[test]
fn an_odd_length_is_named_odd_and_an_even_wrong_length_wrong() {
    let reason = |text: &str| match decode_signature_hex(text) {
        Err(WebhookError::MalformedSignature { reason, .. }) => reason,
        other => panic!("{text:?}: {other:?}"),
    };
    // 5 / 2 == 1 and 2 % 2 == 0: a length test written with `/` would swap these.
    assert_eq!(reason("abcde"), MalformedSignature::OddLength { len: 5 });
    assert_eq!(reason("ab"), MalformedSignature::WrongLength { len: 2 });
    assert_eq!(
        reason(&"a".repeat(65)),
        MalformedSignature::OddLength { len: 65 }
    );
    assert_eq!(
        reason(&"a".repeat(66)),
        MalformedSignature::WrongLength { len: 66 }
    );
}

#[test]
fn every_hex_digit_decodes_to_its_value_in_either_case() {
    let lower = "00112233445566778899aabbccddeeff0123456789abcdef0f1e2d3c4b5a6978";
    let expected: [u8; 32] = [
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,
        0xff, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a,
        0x69, 0x78,
    ];
    assert_eq!(decode_signature_hex(lower), Ok(expected));
    assert_eq!(decode_signature_hex(&lower.to_uppercase()), Ok(expected));
    assert_eq!(to_hex(&expected), lower);
}

#[test]
fn characters_next_to_the_hex_ranges_are_not_hex() {
    for bad in ['/', ':', '@', 'G', '`', 'g'] {
        let text = format!("{}{bad}", "a".repeat(63));
        assert!(
            matches!(
                decode_signature_hex(&text),
                Err(WebhookError::MalformedSignature {
                    reason: MalformedSignature::NotHex,
                    ..
                })
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn malformed_signatures_say_what_is_wrong() {
    assert_eq!(
        MalformedSignature::OddLength { len: 3 }.to_string(),
        "odd length (3 characters, expected 64 hex digits)"
    );
    assert_eq!(
        MalformedSignature::WrongLength { len: 62 }.to_string(),
        "wrong length (62 characters, expected 64 hex digits)"
    );
    assert_eq!(MalformedSignature::NotHex.to_string(), "not hexadecimal");
    assert_eq!(
        MalformedSignature::NotAscii.to_string(),
        "not visible ASCII"
    );
    let e = WebhookError::MalformedSignature {
        header: "Decoda-Signature",
        reason: MalformedSignature::NotHex,
    };
    assert_eq!(
        e.to_string(),
        "malformed signature in `Decoda-Signature`: not hexadecimal"
    );
}

#[test]
fn the_signature_header_is_checked_against_the_exact_body_and_secret() {
    let secret = WebhookSecret::new("whsec_exact");
    let scheme = HmacSha256Hex::new("x-signature");
    let body = br#"{"id":"evt_1"}"#;
    let h = signed(&secret, body);
    assert_eq!(scheme.verify_raw(&h, body, &secret), Ok(()));
    assert_eq!(
        scheme.verify_raw(&h, br#"{"id":"evt_2"}"#, &secret),
        Err(WebhookError::SignatureMismatch)
    );
    assert_eq!(
        scheme.verify_raw(&h, body, &WebhookSecret::new("whsec_other")),
        Err(WebhookError::SignatureMismatch)
    );
}

// ---------------------------------------------------------------------------------------
// Errors

#[test]
fn only_signature_problems_are_signature_problems() {
    let signature = [
        WebhookError::MissingSignature { header: "h" },
        WebhookError::MalformedSignature {
            header: "h",
            reason: MalformedSignature::NotHex,
        },
        WebhookError::SignatureMismatch,
    ];
    let payload = [
        WebhookError::NotJson { line: 1, column: 1 },
        WebhookError::bad_envelope("decoda", "missing field `type`"),
    ];
    let neither = [
        WebhookError::EmptySecret,
        WebhookError::BodyTooLarge { limit: 1 },
    ];
    for e in &signature {
        assert!(e.is_signature_problem() && !e.is_payload_problem(), "{e:?}");
        assert_eq!(e.status_code(), 401, "{e:?}");
    }
    for e in &payload {
        assert!(e.is_payload_problem() && !e.is_signature_problem(), "{e:?}");
        assert_eq!(e.status_code(), 422, "{e:?}");
    }
    for e in &neither {
        assert!(
            !e.is_payload_problem() && !e.is_signature_problem(),
            "{e:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Events

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD)
}

#[test]
fn event_data_accessors_return_their_own_variant_only() {
    let payment = Payment::new("pay_1", PaymentState::Succeeded, usd(1999));
    let refund = Refund::new(
        "re_1",
        "pay_1",
        usd(500),
        RefundReason::Duplicate,
        PaymentState::Succeeded,
    );
    let raw = serde_json::json!({"k": 1});
    let p = WebhookData::Payment(payment.clone());
    let cp = WebhookData::ChargePayment {
        charge_id: "ch_1".into(),
        payment: payment.clone(),
    };
    let r = WebhookData::Refund(refund.clone());
    let o = WebhookData::Other(raw.clone());
    assert_eq!(p.payment(), Some(&payment));
    assert_eq!(cp.payment(), Some(&payment));
    assert_eq!(r.payment(), None);
    assert_eq!(o.payment(), None);
    assert_eq!(r.refund(), Some(&refund));
    assert_eq!(p.refund(), None);
    assert_eq!(o.raw(), Some(&raw));
    assert_eq!(p.raw(), None);
    assert_eq!(r.raw(), None);
}

#[test]
fn the_dedupe_key_is_the_one_given() {
    let ev = WebhookEvent::new(
        "decoda",
        "PAYMENT_CREATED",
        WebhookEventKind::PaymentCreated,
        WebhookData::Other(serde_json::Value::Null),
        "evt_42",
    );
    assert_eq!(ev.dedupe_key(), "evt_42");
}

#[test]
fn event_debug_shows_ids_statuses_and_amounts() {
    let ev = WebhookEvent::new(
        "decoda",
        "PAYMENT_SUCCEEDED",
        WebhookEventKind::PaymentSucceeded,
        WebhookData::ChargePayment {
            charge_id: "ch_7".into(),
            payment: Payment::new("pay_7", PaymentState::Succeeded, usd(1999)),
        },
        "evt_7",
    );
    let dbg = format!("{ev:?}");
    for shown in [
        "WebhookEvent",
        "decoda",
        "PaymentSucceeded",
        "PAYMENT_SUCCEEDED",
        "ChargePayment",
        "ch_7",
        "Payment",
        "pay_7",
        "Succeeded",
    ] {
        assert!(dbg.contains(shown), "{shown} in {dbg}");
    }
    let mut charge = Charge::new("pat_3", ChargeState::Outstanding, usd(5000), usd(2500));
    charge.description = Some("visit of Jolene".into());
    let dbg = format!("{:?}", WebhookData::Charge(charge));
    assert!(
        dbg.contains("Charge") && dbg.contains("pat_3") && dbg.contains("Outstanding"),
        "{dbg}"
    );
    assert!(!dbg.contains("Jolene"), "{dbg}");
    let refund = Refund::new(
        "re_3",
        "pay_3",
        usd(100),
        RefundReason::Other,
        PaymentState::Pending,
    );
    let dbg = format!("{:?}", WebhookData::Refund(refund));
    assert!(dbg.contains("re_3") && dbg.contains("pay_3"), "{dbg}");
}

#[test]
fn raw_json_debug_shows_only_its_shape() {
    let dbg = |v: serde_json::Value| format!("{:?}", WebhookData::Other(v));
    assert_eq!(
        dbg(serde_json::json!({"b": "secret", "a": 1})),
        r#"Other(Object{"a", "b"})"#
    );
    assert_eq!(dbg(serde_json::json!([1, 2])), "Other(Array(len 2))");
    assert_eq!(dbg(serde_json::Value::Null), "Other(Null)");
    assert_eq!(dbg(serde_json::json!("Jolene")), "Other(<redacted>)");
    assert_eq!(dbg(serde_json::json!(1234)), "Other(<redacted>)");
}

// ---------------------------------------------------------------------------------------
// Dedupe

#[test]
fn an_in_memory_dedupe_store_is_empty_until_it_sees_a_key() {
    let store = InMemoryDedupe::new(3);
    assert!(store.is_empty());
    assert_eq!(store.len(), 0);
    assert!(store.first_seen("decoda", "evt_1"));
    assert!(!store.is_empty());
    assert_eq!(store.len(), 1);
    assert_eq!(
        format!("{store:?}"),
        "InMemoryDedupe { capacity: 3, len: 1 }"
    );
}
