//! HMAC-SHA256 over the raw body, hex signatures, and the one scheme both vendors use.

use aws_lc_rs::{digest, hmac};

use super::{
    DEFAULT_MAX_BODY_BYTES, HeaderMap, MalformedSignature, SIGNATURE_HEX_LEN, WebhookError,
    WebhookSecret,
};

// HMAC and SHA-256 come from aws-lc-rs, the crypto library rustls (reqwest's TLS) already
// compiles into every build: no second SHA-256 implementation (`hmac`, `sha2` and their
// seven helper crates) in a user's dependency tree.

/// HMAC-SHA256 of `message` keyed with `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let tag = hmac::sign(&keyed(key), message);
    let mut out = [0; 32];
    out.copy_from_slice(tag.as_ref());
    out
}

fn keyed(key: &[u8]) -> hmac::Key {
    // HMAC takes keys of any length (longer ones are hashed first).
    hmac::Key::new(hmac::HMAC_SHA256, key)
}

/// The lowercase hex HMAC-SHA256 of `body` keyed with the secret's UTF-8 bytes: what Decoda
/// and CareValidate put in their signature headers. For tests, fixtures and the sandbox.
pub fn hmac_sha256_hex(secret: &WebhookSecret, body: &[u8]) -> String {
    to_hex(&hmac_sha256(secret.expose_secret().as_bytes(), body))
}

/// Lowercase hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// `true` when `signature` is the HMAC-SHA256 of `message` keyed with `key`. The comparison is
/// constant time (aws-lc-rs's `hmac::verify`), and a signature of the wrong length is refused
/// before comparing.
pub fn verify_hmac_sha256(key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    if signature.len() != 32 {
        return false;
    }
    hmac::verify(&keyed(key), message, signature).is_ok()
}

/// The SHA-256 of a body as lowercase hex: a stable dedupe key for deliveries that carry no
/// event id (CareValidate's envelope has none).
pub fn body_fingerprint(body: &[u8]) -> String {
    to_hex(digest::digest(&digest::SHA256, body).as_ref())
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes a 64-digit hex signature (either case; surrounding spaces ignored). The length is
/// checked first.
///
/// # Errors
/// [`WebhookError::MalformedSignature`] (header named `signature`) for an odd or wrong
/// length or a non-hex character.
pub fn decode_signature_hex(text: &str) -> Result<[u8; 32], WebhookError> {
    decode_hex32(text.trim().as_bytes()).map_err(|reason| WebhookError::MalformedSignature {
        header: "signature",
        reason,
    })
}

fn decode_hex32(text: &[u8]) -> Result<[u8; 32], MalformedSignature> {
    if text.len() != SIGNATURE_HEX_LEN {
        return Err(if text.len() % 2 == 1 {
            MalformedSignature::OddLength { len: text.len() }
        } else {
            MalformedSignature::WrongLength { len: text.len() }
        });
    }
    let mut out = [0u8; 32];
    for (i, pair) in text.chunks_exact(2).enumerate() {
        let (Some(hi), Some(lo)) = (hex_value(pair[0]), hex_value(pair[1])) else {
            return Err(MalformedSignature::NotHex);
        };
        out[i] = (hi << 4) | lo;
    }
    Ok(out)
}

/// The signature scheme both vendors use: one header holding the lowercase hex HMAC-SHA256
/// of the signed bytes, keyed with the endpoint secret as UTF-8. Vendor crates say which
/// header and which bytes; this type does the rest the same way for both.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HmacSha256Hex {
    /// The signature header (`Decoda-Signature`, `x-cv-signature`).
    pub header: &'static str,
    /// The largest body accepted, in bytes.
    pub max_body_bytes: usize,
}

impl HmacSha256Hex {
    /// A scheme reading `header`, with the default body limit.
    pub const fn new(header: &'static str) -> HmacSha256Hex {
        HmacSha256Hex {
            header,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// Sets the body limit.
    pub const fn with_max_body_bytes(mut self, limit: usize) -> HmacSha256Hex {
        self.max_body_bytes = limit;
        self
    }

    /// Checks, in this order: the secret is not empty, the body is within the limit, the
    /// header is present and each of its values is 64 hex digits. Returns the decoded
    /// signatures (several values of the header are all accepted, so a sender rotating
    /// secrets may send one per secret).
    ///
    /// # Errors
    /// [`WebhookError::EmptySecret`], [`WebhookError::BodyTooLarge`],
    /// [`WebhookError::MissingSignature`], [`WebhookError::MalformedSignature`].
    pub fn preflight(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        secret: &WebhookSecret,
    ) -> Result<Vec<[u8; 32]>, WebhookError> {
        if secret.is_empty() {
            return Err(WebhookError::EmptySecret);
        }
        if body.len() > self.max_body_bytes {
            return Err(WebhookError::BodyTooLarge {
                limit: self.max_body_bytes,
            });
        }
        let mut signatures = Vec::new();
        for value in headers.get_all(self.header) {
            let text = value
                .to_str()
                .map_err(|_| WebhookError::MalformedSignature {
                    header: self.header,
                    reason: MalformedSignature::NotAscii,
                })?;
            let raw = decode_hex32(text.trim().as_bytes()).map_err(|reason| {
                WebhookError::MalformedSignature {
                    header: self.header,
                    reason,
                }
            })?;
            signatures.push(raw);
        }
        if signatures.is_empty() {
            return Err(WebhookError::MissingSignature {
                header: self.header,
            });
        }
        Ok(signatures)
    }

    /// `true` when any of `signatures` is the HMAC of `message` under `secret` (each compared
    /// in constant time).
    pub fn matches(&self, secret: &WebhookSecret, message: &[u8], signatures: &[[u8; 32]]) -> bool {
        let tag = hmac::sign(&keyed(secret.expose_secret().as_bytes()), message);
        signatures
            .iter()
            .any(|sig| aws_lc_rs::constant_time::verify_slices_are_equal(tag.as_ref(), sig).is_ok())
    }

    /// [`preflight`](Self::preflight) then a match over the raw body: the whole verification
    /// for a vendor that signs the bytes it sends.
    ///
    /// # Errors
    /// As [`preflight`](Self::preflight), and [`WebhookError::SignatureMismatch`].
    pub fn verify_raw(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        secret: &WebhookSecret,
    ) -> Result<(), WebhookError> {
        let signatures = self.preflight(headers, body, secret)?;
        if self.matches(secret, body, &signatures) {
            Ok(())
        } else {
            Err(WebhookError::SignatureMismatch)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_rules() {
        let ok = "a".repeat(64);
        assert_eq!(decode_hex32(ok.as_bytes()), Ok([0xaa; 32]));
        assert_eq!(decode_hex32("AA".repeat(32).as_bytes()), Ok([0xaa; 32]));
        assert_eq!(
            decode_hex32(b"abc"),
            Err(MalformedSignature::OddLength { len: 3 })
        );
        assert_eq!(
            decode_hex32("ab".repeat(31).as_bytes()),
            Err(MalformedSignature::WrongLength { len: 62 })
        );
        let mut bad = "a".repeat(63);
        bad.push('g');
        assert_eq!(
            decode_hex32(bad.as_bytes()),
            Err(MalformedSignature::NotHex)
        );
        assert_eq!(to_hex(&[0x00, 0xff, 0x1a]), "00ff1a");
    }
}
