//! Patient login: username + password → the patient's JWT, as a [`CarePortalsSession`]
//! holding a handle that acts for that patient.
//!
//! The vendor documents the login inconsistently: its authentication guide names
//! `POST /patient/auth`, while a live integration observed `POST /auth/login` with
//! `{"username", "password"}` and the `organization` header, answering `{"token": "<JWT>"}`
//! (and 400 or 401 for bad credentials). This crate defaults to the observed path and lets
//! you choose ([`with_login_path`](crate::CarePortalsBuilder::with_login_path)).
//!
//! The patient id and expiry are read from the JWT's payload (`sub`, `exp`) **without
//! verifying the signature**: only CarePortals can verify its tokens, and the SDK uses them
//! for display and for knowing when to log in again, never to decide who the patient is
//! (CarePortals decides that from the token on every call). The payload also carries the
//! patient's date of birth, e-mail and phone: the SDK reads only `sub` and `exp` from it and
//! never logs it.

use std::fmt;

use patientpay_core::pipeline::Call;
use patientpay_core::time::OffsetDateTime;
use patientpay_core::{Error, Result, require_non_empty};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::client::CarePortals;
use crate::{endpoints, wire};

/// A logged-in patient: a [`CarePortals`] handle acting for them, and what their JWT says
/// about itself.
#[derive(Clone)]
#[non_exhaustive]
pub struct CarePortalsSession {
    /// A handle acting for the patient (its `Authorization` header carries their JWT),
    /// sharing the connection pool of the client that logged in.
    pub handle: CarePortals,
    /// The patient id: the JWT payload's `sub` (else `_id` or `id`), when the token is a
    /// JWT that has one. Read without verifying the signature.
    pub patient_id: Option<String>,
    /// When the token expires: the JWT payload's `exp`, when present. Read without
    /// verifying the signature (a live integration observed 720 hours).
    pub expires_at: Option<OffsetDateTime>,
    token: SecretString,
}

impl CarePortalsSession {
    /// The patient's JWT (a secret: show it only when asked to).
    pub fn token(&self) -> &SecretString {
        &self.token
    }

    /// `true` when the token's `exp` is at or before `now`.
    pub fn is_expired_at(&self, now: OffsetDateTime) -> bool {
        self.expires_at.is_some_and(|exp| exp <= now)
    }
}

impl fmt::Debug for CarePortalsSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CarePortalsSession")
            .field("patient_id", &self.patient_id)
            .field("expires_at", &self.expires_at)
            .field("token", &"<redacted>")
            .finish()
    }
}

impl CarePortals {
    /// Logs a patient in: `POST` the login path (default `/auth/login`) with
    /// `{"username", "password"}` and the `organization` header (when configured), and
    /// returns a session acting for that patient. The password is a secret of this call:
    /// never printed, scrubbed from whatever the vendor echoes; the username (usually the
    /// e-mail) is scrubbed as PHI.
    ///
    /// ```no_run
    /// # async fn f() -> patientpay_core::Result<()> {
    /// use patientpay_careportals::CarePortalsBuilder;
    /// use patientpay_core::{ListPaymentMethods, PaymentMethods};
    /// use secrecy::SecretString;
    ///
    /// let client = CarePortalsBuilder::new().with_organization("your_org").build()?;
    /// let session = client
    ///     .login("jane@example.com", SecretString::from("the password".to_owned()))
    ///     .await?;
    /// println!("patient {:?}, expires {:?}", session.patient_id, session.expires_at);
    /// let cards = session.handle.list_payment_methods(ListPaymentMethods::new()).await?;
    /// # let _ = cards; Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `username` or `password` when empty (nothing sent);
    /// [`Error::Auth`] for bad credentials (the vendor's 401/403, and its 400, which a live
    /// integration observed for bad credentials); [`Error::Decode`] when the answer has no
    /// token; otherwise the pipeline's errors.
    pub async fn login(
        &self,
        username: impl Into<String>,
        password: SecretString,
    ) -> Result<CarePortalsSession> {
        let username = username.into();
        require_non_empty("username", &username)?;
        if username.chars().any(char::is_control) {
            return Err(Error::invalid_input(
                "username",
                "must not contain control characters",
            ));
        }
        require_non_empty("password", password.expose_secret())?;
        let segments = self.login_segments();
        let endpoint = endpoints::login(segments.len())
            .ok_or_else(|| Error::config(crate::ENV_LOGIN_PATH, "has too many segments"))?;
        let body = wire::LoginBody::new(username.clone(), password.clone());
        let mut call = Call::new();
        for segment in segments {
            call = call.param(segment);
        }
        // The username as sent and as a vendor may print it back URL-encoded
        // (`jane%40example.com`).
        let call = call
            .json(&body)?
            .secret(&password)
            .phi([username.clone(), url_encoded(&username)]);
        let answer = self
            .bare_api()
            .send(endpoint, call)
            .await
            .map_err(bad_credentials)?;
        let decoded = answer.decode::<wire::LoginAnswer>()?;
        let token = decoded
            .token
            .filter(|t| !t.expose_secret().trim().is_empty())
            .ok_or_else(|| answer.invalid("the login answer has no `token`"))?;
        let claims = Claims::read(token.expose_secret());
        Ok(CarePortalsSession {
            handle: self.for_patient_token(token.clone()),
            patient_id: claims.patient_id,
            expires_at: claims.expires_at,
            token,
        })
    }
}

/// `text` percent-encoded as in a query string (everything but unreserved characters).
fn url_encoded(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A 400 from the login is bad credentials (as a live integration observed); our own
/// request is never malformed (both fields are checked before sending).
fn bad_credentials(err: Error) -> Error {
    match err {
        Error::Vendor {
            provider,
            operation,
            status: 400,
            message,
            request_id,
        } => Error::Auth {
            provider,
            operation,
            status: 400,
            message: Some(message),
            request_id,
        },
        other => other,
    }
}

/// What the SDK reads from a JWT's payload. Only these fields are deserialized: the rest of
/// the payload (PHI) is skipped without being kept.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Claims {
    pub(crate) patient_id: Option<String>,
    pub(crate) expires_at: Option<OffsetDateTime>,
}

#[derive(Deserialize)]
struct RawClaims {
    #[serde(default)]
    sub: Option<serde_json::Value>,
    #[serde(default, rename = "_id")]
    underscore_id: Option<serde_json::Value>,
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    exp: Option<serde_json::Value>,
}

fn id_text(v: Option<serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Claims {
    /// The claims of `token`'s payload, unverified; empty when it is not a JWT.
    pub(crate) fn read(token: &str) -> Claims {
        let mut parts = token.split('.');
        let (Some(_), Some(payload), Some(_), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Claims::default();
        };
        let Some(bytes) = base64url_decode(payload) else {
            return Claims::default();
        };
        let Ok(raw) = serde_json::from_slice::<RawClaims>(&bytes) else {
            return Claims::default();
        };
        let exp = raw.exp.and_then(|v| match v {
            serde_json::Value::Number(n) => n.as_i64(),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        });
        Claims {
            patient_id: id_text(raw.sub)
                .or_else(|| id_text(raw.underscore_id))
                .or_else(|| id_text(raw.id)),
            expires_at: exp.and_then(|e| OffsetDateTime::from_unix_timestamp(e).ok()),
        }
    }
}

/// Decodes base64url (RFC 4648 §5), with or without `=` padding, as JWTs use it. Written
/// here rather than pulling a crate for one 20-line function on one code path.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        } as u32)
    }
    let text = text.trim_end_matches('=').as_bytes();
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.chunks(4) {
        let mut acc: u32 = 0;
        for (i, c) in chunk.iter().enumerate() {
            acc |= value(*c)? << (18 - 6 * i as u32);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoding() {
        assert_eq!(
            url_encoded("jane.doe@example.com"),
            "jane.doe%40example.com"
        );
        assert_eq!(url_encoded("a b+é"), "a%20b%2B%C3%A9");
    }

    #[test]
    fn base64url() {
        assert_eq!(base64url_decode("").unwrap(), b"");
        assert_eq!(base64url_decode("Zg").unwrap(), b"f");
        assert_eq!(base64url_decode("Zm8").unwrap(), b"fo");
        assert_eq!(base64url_decode("Zm9v").unwrap(), b"foo");
        assert_eq!(base64url_decode("Zm9vYg==").unwrap(), b"foob");
        assert_eq!(base64url_decode("-_8").unwrap(), [0xfb, 0xff]);
        assert!(base64url_decode("Z").is_none());
        assert!(base64url_decode("Zm9v+A").is_none());
        assert!(base64url_decode("a b").is_none());
    }

    #[test]
    fn claims_from_a_jwt() {
        // {"alg":"HS256","typ":"JWT"} . {"sub":"66f1","email":"j@x.example","dob":"1992-11-11","exp":4102444800} . sig
        let payload = "eyJzdWIiOiI2NmYxIiwiZW1haWwiOiJqQHguZXhhbXBsZSIsImRvYiI6IjE5OTItMTEtMTEiLCJleHAiOjQxMDI0NDQ4MDB9";
        let token = format!("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{payload}.c2ln");
        let c = Claims::read(&token);
        assert_eq!(c.patient_id.as_deref(), Some("66f1"));
        assert_eq!(
            c.expires_at.map(|t| t.unix_timestamp()),
            Some(4_102_444_800)
        );
        assert!(
            !format!("{c:?}").contains("j@x"),
            "only sub and exp are kept"
        );
        // {"_id":7,"exp":"12"}
        let c = Claims::read("e30.eyJfaWQiOjcsImV4cCI6IjEyIn0.x");
        assert_eq!(c.patient_id.as_deref(), Some("7"));
        assert_eq!(c.expires_at.map(|t| t.unix_timestamp()), Some(12));
        for not in [
            "",
            "opaque-token",
            "a.b",
            "a.!!.c",
            "a.e30.c.d",
            "a.bm90IGpzb24.c",
        ] {
            assert_eq!(Claims::read(not), Claims::default(), "{not}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_token_reads_without_panicking(token in "\\PC{0,80}") {
            let _ = Claims::read(&token);
            let _ = base64url_decode(&token);
        }
    }
}
