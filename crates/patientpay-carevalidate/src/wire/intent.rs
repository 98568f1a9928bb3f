//! Wave 1: `POST /api/v1/payments/intent` and `POST /api/v1/users` (`UPDATE_PAYMENT_INFO`).

use std::fmt;

use patientpay_core::redact::Redacted;
use patientpay_core::{CheckoutMethodKind, MajorUnitsJson};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::{ApiResponse, SecretText, expose};

/// The body of `POST /api/v1/payments/intent`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreatePaymentIntentRequest {
    /// The amount in major units, as an exact JSON number (`19.99`, `100`).
    pub amount: MajorUnitsJson,
    /// Stripe payment method types, in the caller's order; left out when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub payment_method_types: Vec<CheckoutMethodKind>,
}

impl CreatePaymentIntentRequest {
    /// A request for `amount` (major units) and `payment_method_types`.
    pub fn new(amount: MajorUnitsJson, payment_method_types: Vec<CheckoutMethodKind>) -> Self {
        CreatePaymentIntentRequest {
            amount,
            payment_method_types,
        }
    }
}

/// `data` of a created payment intent. The secret is for the browser only.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PaymentIntentData {
    /// The Stripe client secret (`pi_…_secret_…`).
    pub payment_intent_secret: SecretText,
}

/// The answer to `POST /api/v1/payments/intent`.
pub type PaymentIntentResponse = ApiResponse<PaymentIntentData>;

patientpay_core::open_enum! {
    /// The `action` of `POST /api/v1/users`.
    pub enum UserAction {
        /// Update the user's saved payment setup and shipping address.
        UpdatePaymentInfo = "UPDATE_PAYMENT_INFO",
    }
}

/// The body of `POST /api/v1/users`. `email` is PHI (redacted in `Debug`).
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct UpdateUserRequest {
    /// Always [`UserAction::UpdatePaymentInfo`] for this crate.
    pub action: UserAction,
    /// The user's e-mail.
    pub email: String,
    /// The payment details.
    pub data: PaymentInfoData,
}

impl UpdateUserRequest {
    /// An `UPDATE_PAYMENT_INFO` request for `email`.
    pub fn update_payment_info(email: impl Into<String>, data: PaymentInfoData) -> Self {
        UpdateUserRequest {
            action: UserAction::UpdatePaymentInfo,
            email: email.into(),
            data,
        }
    }
}

impl fmt::Debug for UpdateUserRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdateUserRequest")
            .field("action", &self.action)
            .field("email", &Redacted)
            .field("data", &self.data)
            .finish()
    }
}

/// `data` of `POST /api/v1/users`. The NMI token is a secret.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PaymentInfoData {
    /// The Stripe SetupIntent id (`seti_…`); spelled `stripeSetupId` here.
    pub stripe_setup_id: String,
    /// The NMI payment token.
    #[serde(serialize_with = "expose")]
    pub nmi_payment_token: SecretString,
    /// The shipping address.
    pub shipping_address: ShippingAddress,
}

impl PaymentInfoData {
    /// The payment details.
    pub fn new(
        stripe_setup_id: impl Into<String>,
        nmi_payment_token: SecretString,
        shipping_address: ShippingAddress,
    ) -> Self {
        PaymentInfoData {
            stripe_setup_id: stripe_setup_id.into(),
            nmi_payment_token,
            shipping_address,
        }
    }
}

impl PartialEq for PaymentInfoData {
    fn eq(&self, other: &Self) -> bool {
        self.stripe_setup_id == other.stripe_setup_id
            && self.nmi_payment_token.expose_secret() == other.nmi_payment_token.expose_secret()
            && self.shipping_address == other.shipping_address
    }
}

/// A shipping address as `POST /api/v1/users` writes it (camelCase, every field required,
/// so a missing second line is `""`). PHI: redacted in `Debug` (except the country).
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ShippingAddress {
    /// Street address line 1.
    pub address_line1: String,
    /// Street address line 2 (`""` when none).
    pub address_line2: String,
    /// City.
    pub city: String,
    /// US state abbreviation (`DC`).
    pub state: String,
    /// Country code (`US`).
    pub country: String,
    /// Postal or ZIP code.
    pub postal_code: String,
}

impl fmt::Debug for ShippingAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShippingAddress")
            .field("address_line1", &Redacted)
            .field("address_line2", &Redacted)
            .field("city", &Redacted)
            .field("state", &Redacted)
            .field("country", &self.country)
            .field("postal_code", &Redacted)
            .finish()
    }
}

patientpay_core::open_enum! {
    /// The result code of `POST /api/v1/users`.
    pub enum UpdateUserCode {
        /// The payment setup and shipping address were saved.
        PaymentSetupUpdated = "PAYMENT_SETUP_UPDATED",
    }
}

/// `data` of a successful `POST /api/v1/users`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct UpdateUserData {
    /// The result code.
    pub code: UpdateUserCode,
}

/// The answer to `POST /api/v1/users`.
pub type UpdateUserResponse = ApiResponse<UpdateUserData>;

#[cfg(test)]
mod tests {
    use super::*;
    use patientpay_core::{Currency, Money};
    use serde_json::json;

    #[test]
    fn intent_request_shapes() {
        let usd = |m| Money::from_minor(m, Currency::USD).to_json_major_units();
        let basic = CreatePaymentIntentRequest::new(usd(10000), vec![]);
        assert_eq!(serde_json::to_string(&basic).unwrap(), r#"{"amount":100}"#);
        let with = CreatePaymentIntentRequest::new(
            usd(1999),
            vec![
                CheckoutMethodKind::Affirm,
                CheckoutMethodKind::Klarna,
                CheckoutMethodKind::Card,
                CheckoutMethodKind::Unknown("new_wallet".into()),
            ],
        );
        assert_eq!(
            serde_json::to_string(&with).unwrap(),
            r#"{"amount":19.99,"paymentMethodTypes":["affirm","klarna","card","new_wallet"]}"#
        );
    }

    #[test]
    fn update_request_shape_and_debug() {
        let req = UpdateUserRequest::update_payment_info(
            "john@example.com",
            PaymentInfoData::new(
                "seti_1",
                SecretString::from("nmi-SECRET".to_owned()),
                ShippingAddress {
                    address_line1: "1600 Pennsylvania Avenue NW".into(),
                    address_line2: String::new(),
                    city: "Washington".into(),
                    state: "DC".into(),
                    country: "US".into(),
                    postal_code: "20500".into(),
                },
            ),
        );
        let v = serde_json::to_value(&req).unwrap();
        assert_eq!(
            v,
            json!({"action": "UPDATE_PAYMENT_INFO", "email": "john@example.com", "data": {
                "stripeSetupId": "seti_1", "nmiPaymentToken": "nmi-SECRET", "shippingAddress": {
                    "addressLine1": "1600 Pennsylvania Avenue NW", "addressLine2": "", "city": "Washington",
                    "state": "DC", "country": "US", "postalCode": "20500"}}})
        );
        let dbg = format!("{req:?}");
        for leaked in [
            "john@",
            "nmi-SECRET",
            "Pennsylvania",
            "Washington",
            "20500",
            "DC",
        ] {
            assert!(!dbg.contains(leaked), "{leaked} in {dbg}");
        }
    }

    #[test]
    fn answers_parse() {
        let ok: PaymentIntentResponse = serde_json::from_value(json!({
            "status": 200, "success": true, "message": "payment Intent initiated successfully",
            "data": {"paymentIntentSecret": "pi_1_secret_2"}, "extra": [1, 2]
        }))
        .unwrap();
        assert!(!ok.is_failure());
        let data = ok.data.unwrap();
        assert_eq!(data.payment_intent_secret.expose_secret(), "pi_1_secret_2");
        assert!(!format!("{data:?}").contains("secret_2"));

        let u: UpdateUserResponse = serde_json::from_value(json!({
            "status": 200, "success": true, "data": {"code": "PAYMENT_SETUP_UPDATED"}
        }))
        .unwrap();
        assert_eq!(u.data.unwrap().code, UpdateUserCode::PaymentSetupUpdated);
        let u: UpdateUserResponse = serde_json::from_value(
            json!({"success": true, "data": {"code": "PAYMENT_SETUP_QUEUED"}}),
        )
        .unwrap();
        let code = u.data.unwrap().code;
        assert_eq!(code, UpdateUserCode::Unknown("PAYMENT_SETUP_QUEUED".into()));
        assert_eq!(code.as_str(), "PAYMENT_SETUP_QUEUED");
    }
}
