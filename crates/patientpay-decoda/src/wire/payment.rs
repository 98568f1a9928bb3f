//! Payments, saved payment methods and refunds: `Payment`, `PaymentSummary`,
//! `PaymentMethodSummary`, `RefundSummary`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{PaymentMethodType, PaymentStatus, RefundReason, usd};

/// `Payment-Input` / `Payment-Output`: the spec's two variants are identical, so one type
/// serves both (aliases [`PaymentInput`](super::PaymentInput), [`PaymentOutput`](super::PaymentOutput)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Payment {
    /// The unique identifier for the payment.
    pub id: String,
    /// The ID of the patient associated with the payment.
    #[serde(default)]
    pub patient_id: Option<String>,
    /// The ID of the payin associated with the payment.
    #[serde(default)]
    pub payin_id: Option<String>,
    /// The total amount of the payment.
    pub amount: i64,
    /// The current status of the payment.
    pub status: PaymentStatus,
    /// The currency in which the payment was made.
    #[serde(default = "usd")]
    pub currency: String,
    /// The configuration ID for the payin.
    #[serde(default)]
    pub payin_config_id: Option<String>,
    /// The name of the payment medium.
    pub payment_medium: String,
    /// The ID of the payment method used.
    #[serde(default)]
    pub payment_method_id: Option<String>,
    /// Stripe's payment intent ID if used.
    #[serde(default)]
    pub stripe_payment_intent_id: Option<String>,
    /// Reason for payment failure if applicable.
    #[serde(default)]
    pub failed_reason: Option<String>,
    /// The date and time the payment was last updated.
    #[serde(default, with = "crate::datetime::nullable")]
    pub updated_date: Option<OffsetDateTime>,
    /// The date and time the payment was created.
    #[serde(with = "crate::datetime::required")]
    pub created_date: OffsetDateTime,
    /// The fee charged by the payment processor.
    #[serde(default)]
    pub fee: i64,
    /// The fee charged to the patient for the transaction.
    #[serde(default)]
    pub fee_to_patient: i64,
    /// Summary of the payment method used.
    #[serde(default)]
    pub payment_method: Option<PaymentMethodSummary>,
    /// List of refunds associated with the payment.
    #[serde(default)]
    pub refunds: Vec<RefundSummary>,
}

/// `PaymentMethodSummary`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PaymentMethodSummary {
    /// Id.
    pub id: String,
    /// Patientid.
    #[serde(default)]
    pub patient_id: Option<String>,
    /// Rainforestpaymentmethodid.
    #[serde(default)]
    pub rainforest_payment_method_id: Option<String>,
    /// Brand.
    #[serde(default)]
    pub brand: Option<String>,
    /// Last4.
    #[serde(default)]
    pub last4: Option<String>,
    /// Expmonth.
    #[serde(default)]
    pub exp_month: Option<i64>,
    /// Expyear.
    #[serde(default)]
    pub exp_year: Option<i64>,
    /// Accountholdertype.
    #[serde(default)]
    pub account_holder_type: Option<String>,
    /// Accountnumberlast4.
    #[serde(default)]
    pub account_number_last4: Option<i64>,
    /// Bankname.
    #[serde(default)]
    pub bank_name: Option<String>,
    /// Routingnumber.
    #[serde(default)]
    pub routing_number: Option<i64>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// type.
    #[serde(rename = "type", default)]
    pub method_type: Option<PaymentMethodType>,
    /// Isdefault.
    #[serde(default)]
    pub is_default: bool,
    /// Isarchived.
    #[serde(default)]
    pub is_archived: bool,
    /// Availablemerchantids.
    #[serde(default)]
    pub available_merchant_ids: Option<Vec<String>>,
    /// Createddate.
    #[serde(default, with = "crate::datetime::nullable")]
    pub created_date: Option<OffsetDateTime>,
}

/// `PaymentSummary`: the settle answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PaymentSummary {
    /// The unique identifier for the payment.
    pub id: String,
    /// The ID of the patient associated with the payment.
    #[serde(default)]
    pub patient_id: Option<String>,
    /// The ID of the payin associated with the payment.
    #[serde(default)]
    pub payin_id: Option<String>,
    /// The total amount of the payment.
    pub amount: i64,
    /// The current status of the payment.
    pub status: PaymentStatus,
    /// The currency in which the payment was made.
    #[serde(default = "usd")]
    pub currency: String,
    /// The configuration ID for the payin.
    #[serde(default)]
    pub payin_config_id: Option<String>,
    /// The name of the payment medium.
    pub payment_medium: String,
    /// The ID of the payment method used.
    #[serde(default)]
    pub payment_method_id: Option<String>,
    /// Stripe's payment intent ID if used.
    #[serde(default)]
    pub stripe_payment_intent_id: Option<String>,
    /// Reason for payment failure if applicable.
    #[serde(default)]
    pub failed_reason: Option<String>,
    /// The date and time the payment was last updated.
    #[serde(default, with = "crate::datetime::nullable")]
    pub updated_date: Option<OffsetDateTime>,
    /// The date and time the payment was created.
    #[serde(with = "crate::datetime::required")]
    pub created_date: OffsetDateTime,
    /// The fee charged by the payment processor.
    #[serde(default)]
    pub fee: i64,
    /// The fee charged to the patient for the transaction.
    #[serde(default)]
    pub fee_to_patient: i64,
}

/// `RefundSummary`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RefundSummary {
    /// Id.
    pub id: String,
    /// Paymentid.
    pub payment_id: String,
    /// Amount.
    pub amount: i64,
    /// reason.
    pub reason: RefundReason,
    /// Createddate.
    #[serde(with = "crate::datetime::required")]
    pub created_date: OffsetDateTime,
    /// status.
    pub status: PaymentStatus,
    /// Rainforestrefundid.
    #[serde(default)]
    pub rainforest_refund_id: Option<String>,
    /// Fee.
    #[serde(default)]
    pub fee: i64,
}
