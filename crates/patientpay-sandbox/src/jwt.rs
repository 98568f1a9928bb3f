//! HS256 JWTs for the CarePortals emulation: the sandbox signs the tokens its login issues
//! (and [`crate::credentials::careportals_token`] mints), and verifies every bearer token
//! it receives against its own key, as the vendor does with its own.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The key the sandbox signs CarePortals JWTs with. Public on purpose: it is a test fixture,
/// and a test may want to forge a token the sandbox accepts (or a near miss it refuses).
pub const SIGNING_KEY: &[u8] = b"patientpay-sandbox-careportals-hs256-key";

/// `{"alg":"HS256","typ":"JWT"}`, the header of every token the sandbox issues.
const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// The claims of a sandbox CarePortals JWT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Claims {
    /// The patient id.
    pub sub: String,
    /// The organization the token was issued for.
    pub organization: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expiry (Unix seconds).
    pub exp: i64,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Invalid {
    /// Not three base64url parts, or not JSON where JSON is due, or not HS256.
    Malformed,
    /// The signature is not ours.
    Signature,
    /// `exp` is in the past.
    Expired,
}

/// `HEADER` base64url-encoded, as it appears in every token the sandbox issues.
const HEADER_B64: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// A MAC keyed with [`SIGNING_KEY`]. The keyed state is computed once and cloned: a clone
/// is the same MAC as a fresh `new_from_slice(SIGNING_KEY)`.
fn mac() -> Hmac<Sha256> {
    static KEYED: std::sync::OnceLock<Hmac<Sha256>> = std::sync::OnceLock::new();
    KEYED
        .get_or_init(|| {
            // HMAC accepts keys of any length; this cannot fail.
            Hmac::<Sha256>::new_from_slice(SIGNING_KEY).unwrap_or_else(|_| unreachable!())
        })
        .clone()
}

/// `true` when the base64url header `h` names `alg` `HS256`. The header the sandbox
/// issues is recognised without decoding; any other is decoded and parsed.
fn is_hs256(h: &str) -> bool {
    if h == HEADER_B64 {
        return true;
    }
    URL_SAFE_NO_PAD
        .decode(h)
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .is_some_and(|header| header.get("alg").and_then(|a| a.as_str()) == Some("HS256"))
}

/// Signs `claims` with [`SIGNING_KEY`]. Deterministic: the same claims give the same token.
pub(crate) fn sign(claims: &Claims) -> String {
    let payload = serde_json::to_vec(claims).unwrap_or_default();
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(HEADER),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let mut m = mac();
    m.update(signing_input.as_bytes());
    let sig = m.finalize().into_bytes();
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

/// Verifies signature (constant time), algorithm and expiry against `now` (Unix seconds).
pub(crate) fn verify(token: &str, now: i64) -> Result<Claims, Invalid> {
    let claims = verify_signed(token)?;
    if claims.exp <= now {
        return Err(Invalid::Expired);
    }
    Ok(claims)
}

/// Tokens that verified recently, so that a token sent again is not decoded, parsed and
/// MACed again (a test client sends the same token on every call). Everything but the expiry
/// is a pure function of the token — the key is a constant — so a remembered result is the
/// result; the expiry is checked on every call. A token is compared with the remembered ones
/// in constant time, as the signature is, so timing tells nothing of a valid token's bytes.
#[derive(Default)]
pub(crate) struct Verified {
    recent: std::collections::VecDeque<(String, Claims)>,
}

impl std::fmt::Debug for Verified {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verified")
            .field("tokens", &self.recent.len())
            .finish()
    }
}

impl Verified {
    /// How many tokens are remembered (the oldest is forgotten first).
    const KEEP: usize = 16;

    /// [`verify`], remembering the tokens whose signature, algorithm and claims are good.
    pub(crate) fn verify(&mut self, token: &str, now: i64) -> Result<&Claims, Invalid> {
        let hit = self
            .recent
            .iter()
            .position(|(t, _)| ct_eq(t.as_bytes(), token.as_bytes()));
        let at = match hit {
            Some(at) => at,
            None => {
                let claims = verify_signed(token)?;
                if self.recent.len() >= Self::KEEP {
                    self.recent.pop_front();
                }
                self.recent.push_back((token.to_owned(), claims));
                self.recent.len() - 1
            }
        };
        match self.recent.get(at) {
            Some((_, claims)) if claims.exp > now => Ok(claims),
            _ => Err(Invalid::Expired),
        }
    }
}

/// `a == b` in time that depends only on the lengths.
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y));
    // Opaque to the optimizer, so the fold is not turned into an early exit.
    std::hint::black_box(diff) == 0
}

/// Verifies the format, the algorithm and the signature (constant time), not the expiry.
fn verify_signed(token: &str) -> Result<Claims, Invalid> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Invalid::Malformed);
    };
    if !is_hs256(h) {
        return Err(Invalid::Malformed);
    }
    // An HS256 signature is 32 bytes; a longer one is decoded on the heap to tell bad
    // base64 (malformed) from a wrong signature, exactly as for a short one.
    let mut buf = [0_u8; 64];
    let heap;
    let sig: &[u8] = match URL_SAFE_NO_PAD.decode_slice(s, &mut buf) {
        Ok(n) => &buf[..n],
        Err(base64::DecodeSliceError::OutputSliceTooSmall) => {
            heap = URL_SAFE_NO_PAD.decode(s).map_err(|_| Invalid::Malformed)?;
            &heap
        }
        Err(base64::DecodeSliceError::DecodeError(_)) => return Err(Invalid::Malformed),
    };
    let mut m = mac();
    m.update(h.as_bytes());
    m.update(b".");
    m.update(p.as_bytes());
    m.verify_slice(sig).map_err(|_| Invalid::Signature)?;
    URL_SAFE_NO_PAD
        .decode(p)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(Invalid::Malformed)
}

/// Unix seconds now.
pub(crate) fn now() -> i64 {
    // Seconds since the epoch, without building a calendar date (checked on every request).
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> Claims {
        Claims {
            sub: "p1".into(),
            organization: "org".into(),
            iat: 0,
            exp,
        }
    }

    #[test]
    fn round_trip_and_refusals() {
        let t = sign(&claims(100));
        assert_eq!(verify(&t, 99), Ok(claims(100)));
        assert_eq!(verify(&t, 100), Err(Invalid::Expired));
        // One flipped character in the payload breaks the signature.
        let mut parts: Vec<String> = t.split('.').map(str::to_owned).collect();
        let forged = sign(&Claims {
            sub: "p2".into(),
            ..claims(100)
        });
        parts[1] = forged.split('.').nth(1).unwrap().to_owned();
        assert_eq!(verify(&parts.join("."), 0), Err(Invalid::Signature));
        assert_eq!(verify("a.b", 0), Err(Invalid::Malformed));
        assert_eq!(verify("sandbox-patient-jwt", 0), Err(Invalid::Malformed));
        // alg none is refused even with a "valid" empty signature.
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
            t.split('.').nth(1).unwrap()
        );
        assert_eq!(verify(&none, 0), Err(Invalid::Malformed));
    }

    #[test]
    fn the_fast_header_is_the_issued_header() {
        assert_eq!(URL_SAFE_NO_PAD.encode(HEADER), HEADER_B64);
        // Another spelling of an HS256 header is parsed and accepted too; other algs not.
        let other = URL_SAFE_NO_PAD.encode(r#"{"typ":"JWT","alg":"HS256"}"#);
        assert!(is_hs256(&other));
        assert!(!is_hs256(&URL_SAFE_NO_PAD.encode(r#"{"alg":"HS512"}"#)));
        assert!(!is_hs256(&URL_SAFE_NO_PAD.encode(r#"["HS256"]"#)));
        assert!(!is_hs256("not base64!"));
        // A signature of the wrong length is a signature mismatch, bad base64 is malformed.
        let t = sign(&claims(100));
        let (input, _) = t.rsplit_once('.').unwrap();
        let long = format!("{input}.{}", URL_SAFE_NO_PAD.encode([7_u8; 100]));
        assert_eq!(verify(&long, 0), Err(Invalid::Signature));
        let short = format!("{input}.{}", URL_SAFE_NO_PAD.encode([7_u8; 8]));
        assert_eq!(verify(&short, 0), Err(Invalid::Signature));
        assert_eq!(verify(&format!("{input}.***"), 0), Err(Invalid::Malformed));
    }

    #[test]
    fn now_is_the_unix_time() {
        let t = time::OffsetDateTime::now_utc().unix_timestamp();
        assert!((now() - t).abs() <= 1, "{} vs {t}", now());
    }

    #[test]
    fn remembered_tokens_verify_exactly_as_fresh_ones() {
        let mut v = Verified::default();
        let good = sign(&claims(100));
        for _ in 0..3 {
            assert_eq!(v.verify(&good, 99), Ok(&claims(100)));
        }
        // Still expired at 100 once remembered, and good again for an earlier clock.
        assert_eq!(v.verify(&good, 100), Err(Invalid::Expired));
        assert_eq!(v.verify(&good, 0), Ok(&claims(100)));
        // A token differing in one character of its signature is not a hit.
        let at = good.rfind('.').unwrap() + 1;
        let other = if &good[at..=at] == "A" { "B" } else { "A" };
        let forged = format!("{}{other}{}", &good[..at], &good[at + 1..]);
        assert_eq!(v.verify(&forged, 0), Err(Invalid::Signature));
        assert_eq!(v.verify("a.b", 0), Err(Invalid::Malformed));
        // Failures are not remembered; good tokens beyond KEEP push the oldest out.
        assert_eq!(v.recent.len(), 1);
        for i in 0..(Verified::KEEP as i64 + 4) {
            let t = sign(&claims(1000 + i));
            assert_eq!(v.verify(&t, 0), Ok(&claims(1000 + i)));
        }
        assert_eq!(v.recent.len(), Verified::KEEP);
        assert_eq!(
            v.verify(&good, 99),
            Ok(&claims(100)),
            "forgotten, then verified again"
        );
        assert!(ct_eq(b"abc", b"abc") && !ct_eq(b"abc", b"abd") && !ct_eq(b"abc", b"ab"));
    }

    #[test]
    fn independent_hmac_check() {
        // The signature is HMAC-SHA256 over "header.payload", checked with a fresh MAC.
        let t = sign(&claims(5));
        let (input, sig) = t.rsplit_once('.').unwrap();
        let mut m = Hmac::<Sha256>::new_from_slice(SIGNING_KEY).unwrap();
        m.update(input.as_bytes());
        assert_eq!(URL_SAFE_NO_PAD.encode(m.finalize().into_bytes()), sig);
    }
}

#[cfg(test)]
mod demo_token {
    #[test]
    fn the_const_is_the_minted_token_and_verifies() {
        use crate::credentials::*;
        assert_eq!(
            CAREPORTALS_TOKEN,
            careportals_token_for(CAREPORTALS_PATIENT_ID)
        );
        let claims = super::verify(CAREPORTALS_TOKEN, super::now()).unwrap();
        assert_eq!(claims.sub, CAREPORTALS_PATIENT_ID);
        assert_eq!(claims.organization, CAREPORTALS_ORGANIZATION);
        assert_eq!(claims.exp, FAR_FUTURE_EXP);
    }
}
