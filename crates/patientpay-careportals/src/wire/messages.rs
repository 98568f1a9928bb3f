//! The request bodies and small answers of CarePortals' endpoints: add, remove, login, and
//! the error shape.

use std::fmt;

use patientpay_core::redact::Redacted;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};

use super::PaymentMethodType;

/// The body of `POST /v2/users/payment-methods`: `{"paymentMethodId": "<token>"}`.
/// The token is a secret: it is exposed only when the body is serialized.
#[derive(Clone)]
#[non_exhaustive]
pub struct AddPaymentMethodBody {
    /// Stripe `pm_…` id or NMI payment token.
    pub payment_method_id: SecretString,
}

impl AddPaymentMethodBody {
    /// The body for `token`.
    pub fn new(token: SecretString) -> AddPaymentMethodBody {
        AddPaymentMethodBody {
            payment_method_id: token,
        }
    }
}

impl Serialize for AddPaymentMethodBody {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("AddPaymentMethodBody", 1)?;
        st.serialize_field("paymentMethodId", self.payment_method_id.expose_secret())?;
        st.end()
    }
}

impl fmt::Debug for AddPaymentMethodBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AddPaymentMethodBody")
            .field("paymentMethodId", &Redacted)
            .finish()
    }
}

/// The answer to an add: `{last4, type, exp}`. It has no id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AddedPaymentMethod {
    /// Last four digits.
    #[serde(default)]
    pub last4: Option<String>,
    /// The kind of method.
    #[serde(rename = "type")]
    pub kind: PaymentMethodType,
    /// Expiry as `"M/YYYY"`.
    #[serde(default)]
    pub exp: Option<String>,
    /// Every other field, kept verbatim.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// The answer to a removal: `{success}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RemovalResult {
    /// `true` when the method was removed.
    pub success: bool,
    /// A message, when CarePortals explains a `success: false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl RemovalResult {
    /// `{success: true}`: what a retried removal that found the method gone stands for.
    pub(crate) fn gone() -> RemovalResult {
        RemovalResult {
            success: true,
            message: None,
        }
    }
}

/// A message that is one string or, from request validation, a list of strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum ErrorMessage {
    /// One message.
    One(String),
    /// Several messages (one per failed validation).
    Many(Vec<String>),
}

impl ErrorMessage {
    /// The message as one line (several are joined with `"; "`).
    pub fn to_line(&self) -> String {
        match self {
            ErrorMessage::One(m) => m.clone(),
            ErrorMessage::Many(ms) => ms.join("; "),
        }
    }
}

/// CarePortals' JSON error shape: `{"statusCode": 404, "message": "…", "error": "Not Found"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ErrorBody {
    /// The HTTP status, repeated.
    #[serde(default)]
    pub status_code: Option<u16>,
    /// The message.
    #[serde(default)]
    pub message: Option<ErrorMessage>,
    /// The status's reason phrase (`"Bad Request"`), when sent.
    #[serde(default)]
    pub error: Option<String>,
}

/// The body of the patient login (`POST /auth/login`, or `/patient/auth` as the vendor's
/// guide names it): `{"username": "…", "password": "…"}`. The password is a secret, exposed
/// only when the body is serialized; the username (usually the e-mail) is PHI. Neither is
/// printed by `Debug`.
#[derive(Clone)]
#[non_exhaustive]
pub struct LoginBody {
    /// The patient's username (usually the e-mail, or `email#organization`).
    pub username: String,
    /// The patient's password.
    pub password: SecretString,
}

impl LoginBody {
    /// The body for `username` and `password`.
    pub fn new(username: impl Into<String>, password: SecretString) -> LoginBody {
        LoginBody {
            username: username.into(),
            password,
        }
    }
}

impl Serialize for LoginBody {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("LoginBody", 2)?;
        st.serialize_field("username", &self.username)?;
        st.serialize_field("password", self.password.expose_secret())?;
        st.end()
    }
}

impl fmt::Debug for LoginBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginBody")
            .field("username", &Redacted)
            .field("password", &Redacted)
            .finish()
    }
}

/// The answer to a login: `{"token": "<JWT>"}` (the field name comes from a live
/// integration's notes; the vendor's pages do not show the answer). Other fields are
/// ignored. The token is a secret.
#[derive(Clone, Deserialize)]
#[non_exhaustive]
pub struct LoginAnswer {
    /// The patient's JWT.
    #[serde(default)]
    pub token: Option<SecretString>,
}

impl fmt::Debug for LoginAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginAnswer")
            .field("token", &self.token.as_ref().map(|_| Redacted))
            .finish()
    }
}
