//! The webhook primitive against independent vectors, and the shared verification rules.
//!
//! RFC 4231 (HMAC-SHA256 test cases 1-7) gives the primitive's vectors; the expected values
//! were also recomputed outside the SDK with
//! `python3 -c 'import hmac,hashlib; print(hmac.new(KEY, MSG, hashlib.sha256).hexdigest())'`.

use http::{HeaderMap, HeaderValue};
use patientpay_core::webhook::{
    DEFAULT_MAX_BODY_BYTES, HmacSha256Hex, MalformedSignature, body_fingerprint,
    decode_signature_hex, hmac_sha256, hmac_sha256_hex, to_hex, verify_hmac_sha256,
};
use patientpay_core::{
    Currency, DedupeStore, InMemoryDedupe, Money, Patient, Payment, PaymentState, WebhookData,
    WebhookError, WebhookEvent, WebhookEventKind, WebhookSecret, Webhooks,
};
use proptest::prelude::*;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// FIPS 180-2 appendix B.1 and the empty message: SHA-256 of a body.
#[test]
fn body_fingerprints_are_sha256() {
    assert_eq!(
        patientpay_core::webhook::body_fingerprint(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        patientpay_core::webhook::body_fingerprint(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

/// RFC 4231 section 4, HMAC-SHA-256 outputs.
#[test]
fn rfc4231_vectors() {
    let cases: Vec<(Vec<u8>, Vec<u8>, &str)> = vec![
        (
            vec![0x0b; 20],
            b"Hi There".to_vec(),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        ),
        (
            b"Jefe".to_vec(),
            b"what do ya want for nothing?".to_vec(),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (
            vec![0xaa; 20],
            vec![0xdd; 50],
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        ),
        (
            (1u8..=25).collect(),
            vec![0xcd; 50],
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        ),
        (
            vec![0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
        (
            vec![0xaa; 131],
            b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".to_vec(),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        ),
    ];
    for (key, msg, expected) in &cases {
        assert_eq!(to_hex(&hmac_sha256(key, msg)), *expected);
        assert!(verify_hmac_sha256(key, msg, &unhex(expected)));
        let mut wrong = unhex(expected);
        wrong[31] ^= 1;
        assert!(!verify_hmac_sha256(key, msg, &wrong));
    }
    // Test case 5 is truncated to 128 bits in the RFC: our verifier refuses truncated tags.
    let tc5 = hmac_sha256(&[0x0c; 20], b"Test With Truncation");
    assert_eq!(to_hex(&tc5[..16]), "a3b6167473100ee06e0c796c2955552b");
    assert!(!verify_hmac_sha256(
        &[0x0c; 20],
        b"Test With Truncation",
        &tc5[..16]
    ));
    // Test case 2's key is text: the string form agrees.
    assert_eq!(
        hmac_sha256_hex(&WebhookSecret::new("Jefe"), b"what do ya want for nothing?"),
        cases[1].2
    );
}

const HEADER: &str = "x-test-signature";
const SECRET: &str = "whsec_core_test";
const BODY: &[u8] = br#"{"id":"evt_1"}"#;
/// python3 -c 'import hmac,hashlib; print(hmac.new(b"whsec_core_test", b"{\"id\":\"evt_1\"}", hashlib.sha256).hexdigest())'
const BODY_SIG: &str = "d59868a901daf77d1bb8f3ae145150dc1e3291a41888706d59b09014cb344a1b";

fn headers(sig: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(HEADER, HeaderValue::from_str(sig).unwrap());
    h
}

#[test]
fn scheme_accepts_the_independent_signature_in_either_case() {
    let scheme = HmacSha256Hex::new(HEADER);
    let secret = WebhookSecret::new(SECRET);
    assert_eq!(hmac_sha256_hex(&secret, BODY), BODY_SIG);
    scheme
        .verify_raw(&headers(BODY_SIG), BODY, &secret)
        .unwrap();
    scheme
        .verify_raw(&headers(&BODY_SIG.to_uppercase()), BODY, &secret)
        .unwrap();
    // several values (secret rotation): any match is enough
    let mut two = headers(&"0".repeat(64));
    two.append(HEADER, HeaderValue::from_static(BODY_SIG));
    scheme.verify_raw(&two, BODY, &secret).unwrap();
}

#[test]
fn scheme_refusals_are_precise() {
    let scheme = HmacSha256Hex::new(HEADER);
    let secret = WebhookSecret::new(SECRET);
    let err =
        |h: &HeaderMap, body: &[u8], s: &WebhookSecret| scheme.verify_raw(h, body, s).unwrap_err();

    assert_eq!(
        err(&HeaderMap::new(), BODY, &secret),
        WebhookError::MissingSignature { header: HEADER }
    );
    let mut tampered = BODY.to_vec();
    tampered[3] ^= 0x01;
    assert_eq!(
        err(&headers(BODY_SIG), &tampered, &secret),
        WebhookError::SignatureMismatch
    );
    assert_eq!(
        err(&headers(BODY_SIG), BODY, &WebhookSecret::new("wrong")),
        WebhookError::SignatureMismatch
    );
    assert_eq!(
        err(&headers(&BODY_SIG[..63]), BODY, &secret),
        WebhookError::MalformedSignature {
            header: HEADER,
            reason: MalformedSignature::OddLength { len: 63 }
        }
    );
    assert_eq!(
        err(&headers(&BODY_SIG[..62]), BODY, &secret),
        WebhookError::MalformedSignature {
            header: HEADER,
            reason: MalformedSignature::WrongLength { len: 62 }
        }
    );
    let non_hex = format!("{}zz", &BODY_SIG[..62]);
    assert_eq!(
        err(&headers(&non_hex), BODY, &secret),
        WebhookError::MalformedSignature {
            header: HEADER,
            reason: MalformedSignature::NotHex
        }
    );
    let mut opaque = HeaderMap::new();
    opaque.insert(HEADER, HeaderValue::from_bytes(&[0xff; 64]).unwrap());
    assert!(matches!(
        err(&opaque, BODY, &secret),
        WebhookError::MalformedSignature {
            reason: MalformedSignature::NotAscii,
            ..
        }
    ));
    assert_eq!(
        err(&headers(BODY_SIG), BODY, &WebhookSecret::new("")),
        WebhookError::EmptySecret
    );
    // an empty body is verified like any other (its signature is well defined)
    let empty_sig = hmac_sha256_hex(&secret, b"");
    scheme
        .verify_raw(&headers(&empty_sig), b"", &secret)
        .unwrap();
    assert_eq!(
        err(&headers(BODY_SIG), b"", &secret),
        WebhookError::SignatureMismatch
    );
}

#[test]
fn ten_megabyte_body_is_refused_before_hashing() {
    let big = vec![b'a'; 10 * 1024 * 1024];
    let secret = WebhookSecret::new(SECRET);
    let scheme = HmacSha256Hex::new(HEADER);
    // the signature header is not even looked at
    assert_eq!(
        scheme
            .verify_raw(&HeaderMap::new(), &big, &secret)
            .unwrap_err(),
        WebhookError::BodyTooLarge {
            limit: DEFAULT_MAX_BODY_BYTES
        }
    );
    // a receiver that raises the limit gets a normal verification
    let roomy = HmacSha256Hex::new(HEADER).with_max_body_bytes(16 * 1024 * 1024);
    let sig = hmac_sha256_hex(&secret, &big);
    roomy.verify_raw(&headers(&sig), &big, &secret).unwrap();
}

#[test]
fn error_helpers_pick_the_status() {
    let sig = WebhookError::SignatureMismatch;
    assert!(sig.is_signature_problem() && !sig.is_payload_problem());
    assert_eq!(sig.status_code(), 401);
    let payload = WebhookError::bad_envelope("decoda", "missing field `type`");
    assert!(payload.is_payload_problem() && !payload.is_signature_problem());
    assert_eq!(payload.status_code(), 422);
    assert_eq!(WebhookError::BodyTooLarge { limit: 1 }.status_code(), 413);
    assert_eq!(WebhookError::EmptySecret.status_code(), 500);
    let not_json =
        serde_json::from_slice::<serde_json::Value>(b"{\"ssn\": 123-45-6789}").unwrap_err();
    let e = WebhookError::not_json(&not_json);
    assert_eq!(e.to_string(), "body is not JSON (line 1, column 12)");
    assert!(!format!("{e:?}").contains("6789"));
}

#[test]
fn decode_signature_hex_checks_length_first() {
    assert!(decode_signature_hex(BODY_SIG).is_ok());
    assert!(decode_signature_hex(&format!("  {BODY_SIG} ")).is_ok());
    assert!(matches!(
        decode_signature_hex("xyz"),
        Err(WebhookError::MalformedSignature {
            reason: MalformedSignature::OddLength { len: 3 },
            ..
        })
    ));
}

#[test]
fn fingerprint_is_sha256() {
    // python3 -c 'import hashlib; print(hashlib.sha256(b"abc").hexdigest())'
    assert_eq!(
        body_fingerprint(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn event_debug_hides_phi_and_raw_values() {
    let mut patient = Patient::new("pat_1");
    patient.first_name = Some("Jolene".into());
    patient.email = Some("jolene@example.test".into());
    let ev = WebhookEvent::new(
        "decoda",
        "PATIENT_UPDATED",
        WebhookEventKind::PatientUpdated,
        WebhookData::Patient(patient),
        "evt_9",
    );
    let dbg = format!("{ev:?}");
    assert!(
        dbg.contains("PatientUpdated") && dbg.contains("pat_1"),
        "{dbg}"
    );
    assert!(!dbg.contains("Jolene") && !dbg.contains("jolene@"), "{dbg}");

    let raw =
        serde_json::json!({"activity": {"actor": {"email": "nurse@example.test"}}, "caseId": "c1"});
    let ev = WebhookEvent::new(
        "carevalidate",
        "SOMETHING_NEW",
        WebhookEventKind::Unknown("SOMETHING_NEW".into()),
        WebhookData::Other(raw),
        "fp",
    );
    let dbg = format!("{ev:?}");
    assert!(dbg.contains("activity") && dbg.contains("caseId"), "{dbg}");
    assert!(!dbg.contains("nurse@") && !dbg.contains("c1"), "{dbg}");

    let mut p = Payment::new(
        "pay_1",
        PaymentState::Failed,
        Money::from_minor(1999, Currency::USD),
    );
    p.failed_reason = Some("card of Jolene declined".into());
    let ev = WebhookEvent::new(
        "decoda",
        "PAYMENT_FAILED",
        WebhookEventKind::PaymentFailed,
        WebhookData::Payment(p),
        "e",
    );
    let dbg = format!("{ev:?}");
    assert!(
        dbg.contains("pay_1") && dbg.contains("1999") || dbg.contains("19.99"),
        "{dbg}"
    );
    assert!(!dbg.contains("Jolene"), "{dbg}");
    // the JSON form (for the CLI) carries the data
    let json = serde_json::to_value(&ev).unwrap();
    assert_eq!(json["kind"], "payment_failed");
    assert_eq!(json["data"]["payment"]["id"], "pay_1");
    assert_eq!(json["dedupe_key"], "e");
}

#[test]
fn dedupe_through_the_trait_object() {
    let store: std::sync::Arc<dyn DedupeStore> = std::sync::Arc::new(InMemoryDedupe::new(100));
    assert!(store.first_seen("decoda", "evt_1"));
    assert!(!store.first_seen("decoda", "evt_1"));
    assert!(store.first_seen("decoda", "evt_2"));
}

#[cfg(feature = "mock")]
#[test]
fn mock_webhooks() {
    let mut mock = patientpay_core::MockWebhooks::new();
    mock.expect_provider().return_const("mock");
    mock.expect_verify()
        .returning(|_, _, _| Err(WebhookError::SignatureMismatch));
    let hooks: &dyn Webhooks = &mock;
    assert_eq!(hooks.provider(), "mock");
    assert_eq!(
        hooks.verify(&HeaderMap::new(), b"{}", &WebhookSecret::new("s")),
        Err(WebhookError::SignatureMismatch)
    );
}

proptest! {
    #[test]
    fn verify_of_sign_holds(body in proptest::collection::vec(any::<u8>(), 0..2048), secret in "[ -~]{1,64}") {
        let secret = WebhookSecret::new(secret);
        prop_assume!(!secret.is_empty());
        let sig = hmac_sha256_hex(&secret, &body);
        let scheme = HmacSha256Hex::new(HEADER);
        prop_assert!(scheme.verify_raw(&headers(&sig), &body, &secret).is_ok());
        let mut flipped = body.clone();
        if let Some(b) = flipped.first_mut() {
            *b ^= 0x80;
            prop_assert_eq!(scheme.verify_raw(&headers(&sig), &flipped, &secret), Err(WebhookError::SignatureMismatch));
        }
    }

    #[test]
    fn arbitrary_header_values_never_panic(sig in "\\PC{0,80}") {
        let scheme = HmacSha256Hex::new(HEADER);
        if let Ok(v) = HeaderValue::from_str(&sig) {
            let mut h = HeaderMap::new();
            h.insert(HEADER, v);
            let r = scheme.verify_raw(&h, BODY, &WebhookSecret::new(SECRET));
            prop_assert!(r.is_err() || sig.trim().eq_ignore_ascii_case(BODY_SIG));
        }
    }
}
