//! Wave 2 case payments: `POST /api/v1/cases/:caseId/payments` and
//! `POST /api/v1/customer-payment-confirmation`, both with an `idempotencyKey`.

use std::fmt;

use patientpay_core::MajorUnitsJson;
use patientpay_core::redact::{Redacted, redact_opt};
use serde::{Deserialize, Serialize};

use super::{ApiResponse, JsonDecimal};

patientpay_core::open_enum! {
    /// The status of a case payment or a payment confirmation, as CareValidate names it.
    pub enum CasePaymentStatus {
        /// Paid.
        Paid = "PAID",
        /// Not paid yet (the default of a case payment).
        Unpaid = "UNPAID",
        /// Canceled.
        Canceled = "CANCELED",
        /// Disputed by the card holder.
        InDispute = "IN_DISPUTE",
        /// A dispute was lost.
        LostDispute = "LOST_DISPUTE",
        /// Refunded.
        Refund = "REFUND",
        /// Failed.
        Error = "ERROR",
    }
}

/// The body of `POST /api/v1/cases/:caseId/payments`. The description may name a
/// treatment (PHI): redacted in `Debug`.
#[derive(Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateCasePaymentRequest {
    /// The amount in dollars, as an exact JSON number.
    pub amount: MajorUnitsJson,
    /// What the payment is for (the vendor's table marks it required).
    pub description: String,
    /// The product (a UUID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// The payment's status (the vendor's default: `UNPAID`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<CasePaymentStatus>,
    /// Deduplicates repeats (scoped per organization).
    pub idempotency_key: String,
    /// `true`: a Stripe pre-authorisation, captured later (the vendor's default: `false`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preauthorize: Option<bool>,
}

impl fmt::Debug for CreateCasePaymentRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateCasePaymentRequest")
            .field("amount", &self.amount)
            .field("description", &Redacted)
            .field("product_id", &self.product_id)
            .field("status", &self.status)
            .field("idempotency_key", &self.idempotency_key)
            .field("preauthorize", &self.preauthorize)
            .finish()
    }
}

/// `data` of a created case payment: `{result: {...}}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct CasePaymentData {
    /// The payment.
    #[serde(default)]
    pub result: Option<CasePaymentResult>,
}

/// A case payment as the vendor describes it.
#[derive(Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CasePaymentResult {
    /// The payment's id.
    #[serde(default)]
    pub payment_id: Option<String>,
    /// Its status.
    #[serde(default)]
    pub status: Option<CasePaymentStatus>,
    /// The amount in dollars, as the vendor wrote it.
    #[serde(default)]
    pub amount: Option<JsonDecimal>,
    /// The description (PHI: redacted in `Debug`).
    #[serde(default)]
    pub description: Option<String>,
    /// When it was created (ISO 8601).
    #[serde(default)]
    pub created_at: Option<String>,
}

impl fmt::Debug for CasePaymentResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CasePaymentResult")
            .field("payment_id", &self.payment_id)
            .field("status", &self.status)
            .field("amount", &self.amount)
            .field("description", redact_opt(&self.description))
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// The answer to `POST /api/v1/cases/:caseId/payments`.
pub type CasePaymentResponse = ApiResponse<CasePaymentData>;

/// The body of `POST /api/v1/customer-payment-confirmation`. The e-mail, phone and
/// description are PHI: redacted in `Debug`.
#[derive(Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CustomerPaymentConfirmationRequest {
    /// The CareValidate case id.
    pub case_id: String,
    /// The case submitter's e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The case submitter's phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// The case approval decision id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision_id: Option<String>,
    /// The amount in dollars, as an exact JSON number.
    pub amount: MajorUnitsJson,
    /// What the payment was for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When it was paid, `YYYY-MM-DD`.
    pub payment_date: String,
    /// The payment's status.
    pub status: CasePaymentStatus,
    /// Until when it is valid, `YYYY-MM-DD`.
    pub valid_until: String,
    /// Deduplicates repeats (scoped per organization).
    pub idempotency_key: String,
}

impl fmt::Debug for CustomerPaymentConfirmationRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomerPaymentConfirmationRequest")
            .field("case_id", &self.case_id)
            .field("email", redact_opt(&self.email))
            .field("phone_number", redact_opt(&self.phone_number))
            .field("decision_id", &self.decision_id)
            .field("amount", &self.amount)
            .field("description", redact_opt(&self.description))
            .field("payment_date", &self.payment_date)
            .field("status", &self.status)
            .field("valid_until", &self.valid_until)
            .field("idempotency_key", &self.idempotency_key)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use patientpay_core::{Currency, Money};
    use serde_json::json;

    #[test]
    fn case_payment_shapes() {
        let req = CreateCasePaymentRequest {
            amount: Money::from_minor(5000, Currency::USD).to_json_major_units(),
            description: "Semaglutide".into(),
            product_id: None,
            status: None,
            idempotency_key: "k1".into(),
            preauthorize: Some(true),
        };
        assert_eq!(
            serde_json::to_string(&req).unwrap(),
            r#"{"amount":50,"description":"Semaglutide","idempotencyKey":"k1","preauthorize":true}"#
        );
        assert!(!format!("{req:?}").contains("Semaglutide"));
        let ok: CasePaymentResponse = serde_json::from_value(json!({
            "success": true, "message": "Payment created successfully",
            "data": {"result": {"paymentId": "p1", "status": "UNPAID", "amount": 50,
                "description": "Semaglutide", "createdAt": "2026-01-01T00:00:00.000Z", "x": 1}}
        }))
        .unwrap();
        let r = ok.data.unwrap().result.unwrap();
        assert_eq!(r.amount.unwrap().0, "50");
        assert_eq!(r.status, Some(CasePaymentStatus::Unpaid));
        let new: CasePaymentStatus = serde_json::from_str("\"AUTHORIZED\"").unwrap();
        assert_eq!(new.as_str(), "AUTHORIZED");
    }

    #[test]
    fn confirmation_shape() {
        let req = CustomerPaymentConfirmationRequest {
            case_id: "c1".into(),
            email: Some("jane@example.com".into()),
            phone_number: None,
            decision_id: None,
            amount: Money::from_minor(5000, Currency::USD).to_json_major_units(),
            description: None,
            payment_date: "2025-01-01".into(),
            status: CasePaymentStatus::Paid,
            valid_until: "2025-02-01".into(),
            idempotency_key: "k".into(),
        };
        assert_eq!(
            serde_json::to_value(&req).unwrap(),
            json!({"caseId": "c1", "email": "jane@example.com", "amount": 50,
                "paymentDate": "2025-01-01", "status": "PAID", "validUntil": "2025-02-01",
                "idempotencyKey": "k"})
        );
        assert!(!format!("{req:?}").contains("jane"));
    }
}
