//! The webhook rules that `tests/webhook.rs` (vectors and the verification flow) does not
//! already state, named after the rule each proves. Together with it and the unit tests in
//! `src/webhook/` they kill the viable mutants cargo-mutants makes in `src/webhook/`
//! (`cargo xtask mutants --file crates/patientpay-core/src/webhook/signature.rs`, ...).

use http::{HeaderMap, HeaderValue};
use patientpay_core::webhook::{DEFAULT_MAX_BODY_BYTES, HmacSha256Hex, hmac_sha256_hex};
use patientpay_core::{WebhookError, WebhookSecret};

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
