//! CareValidate's JSON, 1:1 with its documentation (camelCase as the vendor writes it,
//! and its own spellings: `stripeSetupID`, `postal_code`).
//!
//! Every type is `#[non_exhaustive]`; unknown fields never fail a decode; fields the docs
//! do not promise on every answer are `Option`; vendor vocabularies are open enums whose
//! `Unknown(String)` keeps a new value verbatim. Every answer type keeps the whole answer
//! as it came in [`raw`](ApiResponse::raw) (filled by the client after decoding), so no
//! field the vendor adds is lost.
//!
//! Types holding PHI (e-mail, phone, address) or secrets (NMI token, client secrets) have a
//! hand-written `Debug` that prints `<redacted>` for them.

use std::fmt;

use patientpay_core::VendorData;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod cases;
mod intent;
mod setup;

pub use cases::*;
pub use intent::*;
pub use setup::*;

/// CareValidate's answer envelope: `{status, success, message, error, data}`. Success
/// answers carry `data`; error answers carry `message` and/or `error`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ApiResponse<T> {
    /// The HTTP status, repeated in the body (absent from some answers).
    #[serde(default)]
    pub status: Option<u16>,
    /// `false` when the call failed, even inside a 200.
    #[serde(default)]
    pub success: Option<bool>,
    /// A human-readable message (`"payment Intent initiated successfully"`, `"Invalid request"`).
    #[serde(default)]
    pub message: Option<String>,
    /// The precise error (`"User … does not exist"`), when there is one.
    #[serde(default)]
    pub error: Option<String>,
    /// The payload of a successful call.
    #[serde(default = "none")]
    pub data: Option<T>,
    /// The whole answer as the vendor sent it (every field, known or not). Filled by the
    /// client; empty when the type is decoded by hand. `Debug` shows only its keys.
    #[serde(skip)]
    pub raw: VendorData,
}

fn none<T>() -> Option<T> {
    None
}

impl<T> ApiResponse<T> {
    /// `true` when the body says the call failed (`"success": false`).
    pub fn is_failure(&self) -> bool {
        self.success == Some(false)
    }

    /// The vendor's most precise text: `error` when present and not empty, else `message`.
    pub fn error_message(&self) -> Option<&str> {
        error_message(self.error.as_deref(), self.message.as_deref())
    }
}

pub(crate) fn error_message<'a>(
    error: Option<&'a str>,
    message: Option<&'a str>,
) -> Option<&'a str> {
    [error, message]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|m| !m.is_empty())
}

/// What the client needs of every answer type: whether the body says it failed, and a
/// place for the whole answer.
pub(crate) trait Envelope {
    /// `Some(message)` when the body says `"success": false`.
    fn failure(&self) -> Option<Option<String>>;
    /// Keeps the whole answer.
    fn set_raw(&mut self, raw: VendorData);
}

impl<T> Envelope for ApiResponse<T> {
    fn failure(&self) -> Option<Option<String>> {
        self.is_failure()
            .then(|| self.error_message().map(str::to_owned))
    }
    fn set_raw(&mut self, raw: VendorData) {
        self.raw = raw;
    }
}

impl Envelope for SetupIntentResponse {
    fn failure(&self) -> Option<Option<String>> {
        self.is_failure()
            .then(|| self.error_message().map(str::to_owned))
    }
    fn set_raw(&mut self, raw: VendorData) {
        self.raw = raw;
    }
}

/// Any CareValidate error body: `{success: false, message}`,
/// `{status, success: false, message, error}` or `{status: 401, error}`.
pub type ErrorResponse = ApiResponse<serde_json::Value>;

/// An answer that only says whether it worked: `{"status": 200, "success": true}`
/// (`POST /api/v1/complete-payment-setup`, `POST /api/v1/customer-payment-confirmation`).
pub type StatusResponse = ApiResponse<serde_json::Value>;

/// A JSON number kept as the exact text the vendor wrote (`19.99`, `50`), never through
/// `f64`: map it to [`Money`](patientpay_core::Money) with `Money::parse_decimal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonDecimal(pub String);

impl<'de> Deserialize<'de> for JsonDecimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<serde_json::value::RawValue>::deserialize(d)?;
        let text = raw.get().trim();
        if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
            Ok(JsonDecimal(text.to_owned()))
        } else {
            Err(serde::de::Error::custom("expected a JSON number"))
        }
    }
}

pub(crate) fn expose<S: Serializer>(secret: &SecretString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(secret.expose_secret())
}

/// A client secret for Stripe.js (`pi_…_secret_…`, `seti_…_secret_…`); `Debug` redacts it.
#[derive(Clone, Deserialize, Serialize)]
#[serde(transparent)]
pub struct SecretText(#[serde(serialize_with = "expose")] pub SecretString);

impl SecretText {
    /// The secret's text.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl PartialEq for SecretText {
    fn eq(&self, other: &Self) -> bool {
        self.expose_secret() == other.expose_secret()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn envelopes_parse_and_pick_messages() {
        let e: ErrorResponse =
            serde_json::from_value(json!({"status": 401, "error": "Invalid API key"})).unwrap();
        assert_eq!(e.error_message(), Some("Invalid API key"));
        assert!(!e.is_failure());
        let e: ErrorResponse =
            serde_json::from_value(json!({"success": false, "message": "Amount is required"}))
                .unwrap();
        assert_eq!(e.error_message(), Some("Amount is required"));
        assert!(e.is_failure());
        let e: ErrorResponse = serde_json::from_value(json!({
            "status": 400, "success": false, "message": "Invalid request", "error": "User x does not exist"
        }))
        .unwrap();
        assert_eq!(e.error_message(), Some("User x does not exist"));
        let e: ErrorResponse = serde_json::from_value(
            json!({"success": false, "message": "Invalid request", "error": " "}),
        )
        .unwrap();
        assert_eq!(e.error_message(), Some("Invalid request"));
        let e: ErrorResponse =
            serde_json::from_value(json!({"message": null, "error": null, "data": null})).unwrap();
        assert_eq!(e.error_message(), None);
    }

    #[test]
    fn decimals_keep_their_text() {
        #[derive(Deserialize)]
        struct A {
            amount: JsonDecimal,
        }
        let a: A = serde_json::from_str(r#"{"amount": 19.99}"#).unwrap();
        assert_eq!(a.amount.0, "19.99");
        let a: A = serde_json::from_str(r#"{"amount":9999999999999.99}"#).unwrap();
        assert_eq!(a.amount.0, "9999999999999.99");
        assert!(serde_json::from_str::<A>(r#"{"amount":"19.99"}"#).is_err());
        assert!(serde_json::from_str::<A>(r#"{"amount":null}"#).is_err());
    }
}
