//! Wave 2 (`decoda-wave2-openapi.json`): the Rainforest payment-method object, payin
//! configs and saved-card charges, payment links by phone, refunds.

use std::fmt;

use patientpay_core::open_enum;
use patientpay_core::redact::{Redacted, redact_opt};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{ChargeSummaryInput, PaymentMethodSummary, RefundReason};

open_enum! {
    /// `PaymentMedium` (the spec's full list; others parse as `Unknown`).
    pub enum PaymentMedium {
        /// `POS`.
        Pos = "POS",
        /// `VIRTUAL_TERMINAL`.
        VirtualTerminal = "VIRTUAL_TERMINAL",
        /// `PAYMENT_LINK`.
        PaymentLink = "PAYMENT_LINK",
        /// `PAYMENT_PLAN`.
        PaymentPlan = "PAYMENT_PLAN",
        /// `SUBSCRIPTION`.
        Subscription = "SUBSCRIPTION",
        /// `SAVED_PAYMENT_METHOD`.
        SavedPaymentMethod = "SAVED_PAYMENT_METHOD",
        /// `MEMBERSHIP`.
        Membership = "MEMBERSHIP",
        /// `EMBEDDED_TERMINAL`.
        EmbeddedTerminal = "EMBEDDED_TERMINAL",
        /// `CASH`.
        Cash = "CASH",
        /// `CHECK`.
        Check = "CHECK",
        /// `CARE_CREDIT`.
        CareCredit = "CARE_CREDIT",
        /// `PATIENT_CREDIT`.
        PatientCredit = "PATIENT_CREDIT",
    }
}

open_enum! {
    /// `PaymentPlanFrequency`.
    pub enum PaymentPlanFrequency {
        /// `WEEKLY`.
        Weekly = "WEEKLY",
        /// `BIWEEKLY`.
        Biweekly = "BIWEEKLY",
        /// `MONTHLY`.
        Monthly = "MONTHLY",
    }
}

// ---------------------------------------------------------------------------------------
// Saving a method: the Rainforest payment-method object

/// `RainforestPaymentMethod`: what Rainforest's browser component (or Decoda's hosted
/// store-details embed) produced; the body of `POST /user/patient/payment-methods/create`.
/// All fields are required by the spec (the nullable ones may be `null`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RainforestPaymentMethod {
    /// Rainforest's payment method id.
    pub payment_method_id: String,
    /// Rainforest's payment method config id.
    pub payment_method_config_id: String,
    /// The card fingerprint.
    pub fingerprint: Option<String>,
    /// `CARD`, `ACH` or `APPLE_PAY`.
    pub method_type: super::PaymentMethodType,
    /// Card details, for a card.
    pub card: Option<RainforestCard>,
    /// Bank account details, for ACH.
    pub ach: Option<RainforestAch>,
    /// Apple Pay details.
    pub apple_pay: Option<ApplePay>,
    /// The billing contact (PHI).
    pub billing_contact: Option<BillingContact>,
    /// Rainforest metadata.
    pub metadata: serde_json::Map<String, serde_json::Value>,
    /// When Rainforest created it.
    pub created_at: String,
    /// When Rainforest last updated it.
    pub updated_at: String,
}

/// `RainforestCard`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RainforestCard {
    /// `CREDIT`, `DEBIT` or `PREPAID`.
    #[serde(rename = "type")]
    pub card_type: String,
    /// `VISA`, `MASTERCARD`, `DISCOVER`, `AMERICAN_EXPRESS`, `OTHER`.
    pub brand: String,
    /// `Visa`, `Mastercard`...
    pub brand_desc: String,
    /// Last four digits.
    pub last4: String,
    /// Expiry month.
    pub exp_month: i64,
    /// Expiry year.
    pub exp_year: i64,
}

/// `RainforestACH`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RainforestAch {
    /// `INDIVIDUAL` or `BUSINESS`.
    pub account_holder_type: String,
    /// Last four digits of the account number.
    pub account_number_last4: String,
    /// The bank.
    pub bank_name: String,
    /// The routing number.
    pub routing_number: String,
}

/// `ApplePay`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ApplePay {
    /// `CREDIT`, `DEBIT` or `PREPAID`.
    #[serde(rename = "type")]
    pub card_type: String,
    /// The card brand.
    pub brand: String,
    /// The brand's display name.
    pub brand_desc: String,
    /// Description.
    pub description: String,
}

/// `BillingContact`. PHI: hand-written `Debug` redacts it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BillingContact {
    /// Name.
    pub name: Option<String>,
    /// Address line 1.
    pub address_line1: Option<String>,
    /// Address line 2.
    pub address_line2: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State.
    pub state: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
}

impl fmt::Debug for BillingContact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BillingContact")
            .field("name", redact_opt(&self.name))
            .field("address_line1", redact_opt(&self.address_line1))
            .field("address_line2", redact_opt(&self.address_line2))
            .field("city", redact_opt(&self.city))
            .field("state", redact_opt(&self.state))
            .field("postal_code", redact_opt(&self.postal_code))
            .field("country", &self.country)
            .field("email", redact_opt(&self.email))
            .field("phone", redact_opt(&self.phone))
            .finish()
    }
}

// ---------------------------------------------------------------------------------------
// Payin configs and saved-card charges

/// `PaymentPlanCreateWithoutID`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PaymentPlanCreate {
    /// Paid now.
    pub initial_amount: i64,
    /// The charges the plan pays.
    pub charge_ids: Vec<String>,
    /// How often.
    pub frequency: PaymentPlanFrequency,
    /// How many instalments.
    pub installments: i64,
    /// Each instalment.
    pub installment_amount: i64,
    /// Location.
    #[serde(default)]
    pub location_id: Option<String>,
    /// First instalment date (`YYYY-MM-DD`).
    #[serde(default)]
    pub start_date: Option<String>,
}

/// `PayinConfigCreate`: the body of `POST /billing/payment-terminal/payin-config`. Options
/// left `None`/`false` are not sent (the spec's defaults apply).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PayinConfigCreate {
    /// What to collect, in cents (`None`: the charges' outstanding total).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_amount: Option<i64>,
    /// Save the method used.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub save_payment_method: bool,
    /// Text a receipt.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub text_receipt: bool,
    /// How the payment is made.
    pub payment_medium: PaymentMedium,
    /// A payment plan to create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_plan: Option<PaymentPlanCreate>,
    /// Add the surcharge.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_surcharged: bool,
    /// Location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
    /// The provider creating it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creator_id: Option<String>,
    /// Membership.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub membership_id: Option<String>,
    /// Membership start.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::datetime::nullable"
    )]
    pub membership_start_date: Option<OffsetDateTime>,
    /// The provider who sold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sold_by_provider_id: Option<String>,
    /// Merchant account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_account_id: Option<String>,
    /// Cart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cart_id: Option<String>,
    /// The charges to pay.
    pub charges: Vec<ChargeSummaryInput>,
}

impl PayinConfigCreate {
    /// A payin config paying `charges` with `payment_medium`.
    pub fn new(payment_medium: PaymentMedium, charges: Vec<ChargeSummaryInput>) -> Self {
        PayinConfigCreate {
            payment_amount: None,
            save_payment_method: false,
            text_receipt: false,
            payment_medium,
            payment_plan: None,
            is_surcharged: false,
            location_id: None,
            creator_id: None,
            membership_id: None,
            membership_start_date: None,
            sold_by_provider_id: None,
            merchant_account_id: None,
            cart_id: None,
            charges,
        }
    }
}

/// `PayinComponentSetupResponse`. The session key authorises the browser component:
/// `Debug` hides it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PayinComponentSetupResponse {
    /// The Rainforest session key.
    pub session_key: String,
    /// The payin config id (for charge-card and reconciliation).
    pub payin_config_id: String,
    /// The patient's saved methods.
    #[serde(default)]
    pub payment_methods: Vec<PaymentMethodSummary>,
    /// A sandbox session.
    pub sandbox: bool,
}

impl fmt::Debug for PayinComponentSetupResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PayinComponentSetupResponse")
            .field("session_key", &Redacted)
            .field("payin_config_id", &self.payin_config_id)
            .field("payment_methods", &self.payment_methods.len())
            .field("sandbox", &self.sandbox)
            .finish()
    }
}

/// `ChargePaymentMethod`: the body of `POST /billing/payment-terminal/charge-card/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChargePaymentMethod {
    /// From `POST /billing/payment-terminal/payin-config` (not the Decoda charge id).
    pub payin_config_id: String,
}

impl ChargePaymentMethod {
    /// The body for `payin_config_id`.
    pub fn new(payin_config_id: impl Into<String>) -> Self {
        ChargePaymentMethod {
            payin_config_id: payin_config_id.into(),
        }
    }
}

/// `ChargePaymentMethodResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChargePaymentMethodResponse {
    /// Rainforest's payin id.
    pub payin_id: String,
    /// What was charged, in cents.
    pub amount: i64,
    /// A plain string in the spec (values undocumented).
    pub status: String,
    /// The authorization code.
    #[serde(default)]
    pub auth_code: Option<String>,
}

/// `PublicInvoiceSummary`: one answer of `GET /billing/payment-links?phone_number=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PublicInvoiceSummary {
    /// What is owed, in cents.
    pub total_outstanding: i64,
    /// The hosted payment page.
    pub payment_link: String,
}

// ---------------------------------------------------------------------------------------
// Refunds

/// `RefundCreate`: the body of `POST /billing/payment/refund`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RefundCreate {
    /// The payment.
    pub payment_id: String,
    /// The provider user making the refund.
    pub provider_id: String,
    /// How much, in cents.
    pub amount: i64,
    /// Why.
    pub reason: RefundReason,
    /// A note.
    pub description: Option<String>,
    /// Location.
    pub location_id: Option<String>,
    /// Put inventory back.
    #[serde(default)]
    pub restore_inventory: bool,
}
