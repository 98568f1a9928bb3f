//! Wave 2 setup mode: `POST /api/v1/payments/setup` and `POST /api/v1/complete-payment-setup`.

use std::fmt;

use patientpay_core::VendorData;
use patientpay_core::redact::{Redacted, redact_opt};
use serde::{Deserialize, Serialize};

use super::SecretText;

/// The body of `POST /api/v1/payments/setup`: optional `metadata`. The SDK sends `{}` when
/// there is no metadata (the vendor's "Minimal" example sends no body at all; an empty
/// JSON object is the same request to a JSON API and keeps `Content-Type` truthful).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct CreateSetupIntentRequest {
    /// Stored with the setup intent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<SetupMetadata>,
}

/// `metadata` of a setup intent. PHI: redacted in `Debug`.
#[derive(Clone, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct SetupMetadata {
    /// The patient's e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The patient's phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl SetupMetadata {
    /// Metadata with these optional values.
    pub fn new(email: Option<String>, phone: Option<String>) -> SetupMetadata {
        SetupMetadata { email, phone }
    }
}

impl fmt::Debug for SetupMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetupMetadata")
            .field("email", redact_opt(&self.email))
            .field("phone", redact_opt(&self.phone))
            .finish()
    }
}

/// The answer to `POST /api/v1/payments/setup`: `{success, paymentSecret}` — no `status`
/// and no `data` wrapper, unlike the intent's answer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SetupIntentResponse {
    /// The HTTP status, if the vendor repeats it.
    #[serde(default)]
    pub status: Option<u16>,
    /// `false` when the call failed.
    #[serde(default)]
    pub success: Option<bool>,
    /// A message, on errors.
    #[serde(default)]
    pub message: Option<String>,
    /// The precise error, on errors.
    #[serde(default)]
    pub error: Option<String>,
    /// The setup intent's client secret for Stripe Elements (`seti_…_secret_…`; the
    /// vendor's example shows a `pi_` prefix).
    #[serde(default)]
    pub payment_secret: Option<SecretText>,
    /// The whole answer as the vendor sent it. Filled by the client.
    #[serde(skip)]
    pub raw: VendorData,
}

impl SetupIntentResponse {
    /// `true` when the body says the call failed.
    pub fn is_failure(&self) -> bool {
        self.success == Some(false)
    }

    /// The vendor's most precise text.
    pub fn error_message(&self) -> Option<&str> {
        super::error_message(self.error.as_deref(), self.message.as_deref())
    }
}

/// The body of `POST /api/v1/complete-payment-setup`. Note the vendor's spellings:
/// `stripeSetupID` (capital `ID`, unlike wave 1's `stripeSetupId`) and a snake_case
/// `shippingAddress` (`line1`, `postal_code`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CompletePaymentSetupRequest {
    /// The Stripe setup intent id (`seti_…`).
    #[serde(rename = "stripeSetupID")]
    pub stripe_setup_id: String,
    /// The shipping address.
    #[serde(rename = "shippingAddress")]
    pub shipping_address: SetupShippingAddress,
}

/// `shippingAddress` of a completed setup. PHI: redacted in `Debug` (except the country).
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SetupShippingAddress {
    /// Street address.
    pub line1: String,
    /// Apartment, suite... (left out when none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// Two-letter state code.
    pub state: String,
    /// Two-letter country code.
    pub country: String,
    /// Postal code.
    pub postal_code: String,
}

impl fmt::Debug for SetupShippingAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetupShippingAddress")
            .field("line1", &Redacted)
            .field("line2", redact_opt(&self.line2))
            .field("city", &Redacted)
            .field("state", &Redacted)
            .field("country", &self.country)
            .field("postal_code", &Redacted)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn setup_shapes() {
        let none = CreateSetupIntentRequest::default();
        assert_eq!(serde_json::to_string(&none).unwrap(), "{}");
        let with = CreateSetupIntentRequest {
            metadata: Some(SetupMetadata::new(Some("a@b.co".into()), None)),
        };
        assert_eq!(
            serde_json::to_string(&with).unwrap(),
            r#"{"metadata":{"email":"a@b.co"}}"#
        );
        assert!(!format!("{with:?}").contains("a@b.co"));
        let ok: SetupIntentResponse = serde_json::from_value(
            json!({"success": true, "paymentSecret": "seti_1_secret_2", "new": 1}),
        )
        .unwrap();
        assert_eq!(
            ok.payment_secret.unwrap().expose_secret(),
            "seti_1_secret_2"
        );
    }

    #[test]
    fn complete_shape_uses_the_vendors_spellings() {
        let req = CompletePaymentSetupRequest {
            stripe_setup_id: "seti_1".into(),
            shipping_address: SetupShippingAddress {
                line1: "123 Main St".into(),
                line2: None,
                city: "Atlanta".into(),
                state: "GA".into(),
                country: "US".into(),
                postal_code: "30301".into(),
            },
        };
        assert_eq!(
            serde_json::to_value(&req).unwrap(),
            json!({"stripeSetupID": "seti_1", "shippingAddress": {"line1": "123 Main St",
                "city": "Atlanta", "state": "GA", "country": "US", "postal_code": "30301"}})
        );
        let dbg = format!("{req:?}");
        assert!(!dbg.contains("Main") && !dbg.contains("Atlanta") && !dbg.contains("30301"));
    }
}
