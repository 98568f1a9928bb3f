//! CareValidate webhooks against fixtures signed outside the SDK with CareValidate's documented
//! Node code (`tests/fixtures/webhooks/signatures.txt` has the commands).

use http::{HeaderMap, HeaderValue};
use patientpay_carevalidate::webhook::{
    CareValidatePayload, CareValidateWebhooks, SIGNATURE_HEADER, parse_event,
};
use patientpay_core::webhook::{DEFAULT_MAX_BODY_BYTES, MalformedSignature, hmac_sha256_hex};
use patientpay_core::{
    PaymentState, WebhookData, WebhookError, WebhookEventKind, WebhookSecret, Webhooks,
};
use proptest::prelude::*;

const SECRET: &str = "cvwh_fixture_secret_8c21";
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/webhooks");
const NEEDLES: &[&str] = &[
    "Ignatius",
    "Pemberton",
    "ignatius.pemberton",
    "Mockingbird",
    "90210",
    "Unit 6",
    "moved to Friday",
    SECRET,
];

fn body(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).unwrap()
}

fn signatures() -> Vec<(String, String)> {
    std::fs::read_to_string(format!("{DIR}/signatures.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (f, s) = l.split_once(' ').unwrap();
            (f.to_owned(), s.trim().to_owned())
        })
        .collect()
}

fn sig_of(name: &str) -> String {
    signatures().into_iter().find(|(f, _)| f == name).unwrap().1
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
    CareValidateWebhooks::new()
        .verify_and_parse(&headers(&sig_of(name)), &body(name), &secret())
        .unwrap()
}

fn assert_no_leak(text: &str) {
    for n in NEEDLES {
        assert!(!text.contains(n), "{n} leaked in {text}");
    }
}

#[test]
fn every_fixture_verifies_and_tampering_fails() {
    let hooks = CareValidateWebhooks::new();
    let all = signatures();
    assert_eq!(all.len(), 6);
    for (file, sig) in all {
        let b = body(&file);
        hooks.verify(&headers(&sig), &b, &secret()).unwrap();
        hooks
            .verify(&headers(&sig.to_uppercase()), &b, &secret())
            .unwrap();
        assert_eq!(hmac_sha256_hex(&secret(), &b), sig);
        for i in [0, b.len() / 2, b.len() - 1] {
            let mut t = b.clone();
            t[i] ^= 0x20;
            assert_eq!(
                hooks.verify(&headers(&sig), &t, &secret()),
                Err(WebhookError::SignatureMismatch),
                "{file}@{i}"
            );
        }
        assert_eq!(
            hooks.verify(&headers(&sig), &b, &WebhookSecret::new("other")),
            Err(WebhookError::SignatureMismatch)
        );
        let ev = hooks
            .verify_and_parse(&headers(&sig), &b, &secret())
            .unwrap();
        assert_no_leak(&format!("{ev:?}"));
        if let Some(view) = CareValidatePayload::of(&ev) {
            assert_no_leak(&format!("{view:?}"));
        }
        // no event id: deduped on the body
        assert_eq!(ev.id, None);
        assert_eq!(
            ev.dedupe_key(),
            patientpay_core::webhook::body_fingerprint(&b)
        );
    }
}

#[test]
fn header_refusals() {
    let hooks = CareValidateWebhooks::new();
    let name = "payment_added.json";
    let (b, sig) = (body(name), sig_of(name));
    assert_eq!(
        hooks.verify(&HeaderMap::new(), &b, &secret()),
        Err(WebhookError::MissingSignature {
            header: SIGNATURE_HEADER
        })
    );
    // Node's header name is lower case; any case works
    let mut h = HeaderMap::new();
    h.insert("X-CV-Signature", HeaderValue::from_str(&sig).unwrap());
    hooks.verify(&h, &b, &secret()).unwrap();
    let reason = |s: &str| match hooks.verify(&headers(s), &b, &secret()) {
        Err(WebhookError::MalformedSignature { reason, .. }) => reason,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        reason(&sig[..63]),
        MalformedSignature::OddLength { len: 63 }
    );
    assert_eq!(
        reason(&sig[..40]),
        MalformedSignature::WrongLength { len: 40 }
    );
    assert_eq!(
        reason(&format!("{}x", &sig[..63])),
        MalformedSignature::NotHex
    );
    assert_eq!(
        hooks.verify(&headers(&sig), &b, &WebhookSecret::new(" ")),
        Err(WebhookError::EmptySecret)
    );
    // re-serialized bodies are NOT accepted (CareValidate signs what it sends)
    let pretty =
        serde_json::to_vec_pretty(&serde_json::from_slice::<serde_json::Value>(&b).unwrap())
            .unwrap();
    assert_eq!(
        hooks.verify(&headers(&sig), &pretty, &secret()),
        Err(WebhookError::SignatureMismatch)
    );
}

#[test]
fn payment_info_added_production_and_staging() {
    let ev = verified("add_payment_info_production.json");
    assert_eq!(ev.provider, "carevalidate");
    assert_eq!(ev.kind, WebhookEventKind::PaymentInfoAdded);
    assert_eq!(ev.vendor_type, "ADD_PAYMENT_INFO_USING_LINK");
    assert!(ev.created_at.is_some());
    let Some(CareValidatePayload::PaymentInfoAdded(info)) = CareValidatePayload::of(&ev) else {
        panic!()
    };
    assert_eq!(
        info.case_id.as_deref(),
        Some("5d0f3c1e-8a2b-4c6d-9e7f-1a2b3c4d5e6f")
    );
    assert_eq!(
        info.actor.as_ref().unwrap().last_name.as_deref(),
        Some("Pemberton")
    );
    assert!(info.payment_info.is_none());
    assert_eq!(
        info.value_after.as_ref().unwrap().0["stripeSetupID"],
        "seti_1PxQ"
    );

    let ev = verified("add_payment_info_staging.json");
    let Some(CareValidatePayload::PaymentInfoAdded(info)) = CareValidatePayload::of(&ev) else {
        panic!()
    };
    let pi = info.payment_info.unwrap();
    assert_eq!(pi.card_brand.as_deref(), Some("visa"));
    assert_eq!(
        pi.shipping_address.as_ref().unwrap().postal_code.as_deref(),
        Some("90210")
    );
    assert_eq!(pi.billing_address.as_ref().unwrap().line2, None);
}

#[test]
fn payment_events() {
    let ev = verified("payment_added.json");
    assert_eq!(ev.kind, WebhookEventKind::PaymentCreated);
    let WebhookData::Payment(p) = &ev.data else {
        panic!("{:?}", ev.data)
    };
    assert_eq!(p.id, "cvpay_81");
    assert_eq!(p.status, PaymentState::Pending);
    // 1.15 dollars, exactly
    assert_eq!(p.amount.minor_units(), 115);

    // a confirmation payment has no id: the payload stays raw, the case is typed
    let ev = verified("payment_completed.json");
    assert_eq!(ev.kind, WebhookEventKind::PaymentSucceeded);
    assert_eq!(ev.data.raw().unwrap()["payment"]["amount"], 199.99);
    let Some(CareValidatePayload::Case(case)) = CareValidatePayload::of(&ev) else {
        panic!()
    };
    assert_eq!(case.status.as_deref(), Some("APPROVED"));
    assert_eq!(case.short_id.as_deref(), Some("CV-1042"));
    assert!(case.vendor_data.as_map().contains_key("title"));
    assert_no_leak(&format!("{case:?}"));
}

#[test]
fn order_and_unknown_events() {
    let ev = verified("order_tracking_added.json");
    assert_eq!(ev.kind, WebhookEventKind::OrderTrackingAdded);
    assert!(ev.vendor_data.as_map().contains_key("order"));
    let Some(CareValidatePayload::Order(order)) = CareValidatePayload::of(&ev) else {
        panic!()
    };
    assert_eq!(order.tracking_id.as_deref(), Some("1Z999AA10123456784"));
    assert_eq!(order.status.as_deref(), Some("SHIPPED"));

    let ev = verified("unknown_event.json");
    assert_eq!(
        ev.kind,
        WebhookEventKind::Unknown("CALENDAR_EVENT_RESCHEDULED".into())
    );
    assert_eq!(ev.data.raw().unwrap()["note"], "Ignatius moved to Friday");
    assert_no_leak(&format!("{ev:?}"));
}

#[test]
fn bad_bodies() {
    let hooks = CareValidateWebhooks::new();
    let s = secret();
    for (b, reason) in [
        (&b"\"x\""[..], "not a JSON object"),
        (br#"{"payload":{}}"#, "missing field `event`"),
        (br#"{"event":null}"#, "field `event` is not a string"),
    ] {
        assert_eq!(
            hooks.verify_and_parse(&headers(&hmac_sha256_hex(&s, b)), b, &s),
            Err(WebhookError::bad_envelope("carevalidate", reason))
        );
    }
    assert!(matches!(
        hooks.verify_and_parse(&headers(&hmac_sha256_hex(&s, b"")), b"", &s),
        Err(WebhookError::NotJson { .. })
    ));
    let big = vec![b'{'; 10 * 1024 * 1024];
    assert_eq!(
        hooks.verify(&headers(&hmac_sha256_hex(&s, b"")), &big, &s),
        Err(WebhookError::BodyTooLarge {
            limit: DEFAULT_MAX_BODY_BYTES
        })
    );
}

proptest! {
    #[test]
    fn verify_of_sign(body in proptest::collection::vec(any::<u8>(), 0..4096), secret in "[!-~]{1,48}") {
        let secret = WebhookSecret::new(secret);
        let sig = hmac_sha256_hex(&secret, &body);
        prop_assert!(CareValidateWebhooks::new().verify(&headers(&sig), &body, &secret).is_ok());
    }

    #[test]
    fn parser_never_panics(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse_event(&body);
    }

    #[test]
    fn any_payload_parses(event in "[A-Z_]{1,30}", payload in "\\PC{0,200}") {
        let v = serde_json::json!({"event": event, "payload": {"payment": {"paymentId": "p", "amount": payload.len() as f64 / 7.0, "status": payload}, "case": {"id": payload}}});
        let b = serde_json::to_vec(&v).unwrap();
        let ev = parse_event(&b).unwrap();
        let _ = format!("{ev:?} {:?}", CareValidatePayload::of(&ev));
    }
}
