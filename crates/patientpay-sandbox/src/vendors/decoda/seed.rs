//! The Decoda seed: patients with their credits, charges, payments and saved methods.

use serde::{Deserialize, Serialize};

/// Initial Decoda state: the tenant's patients. `{}` (or a missing `decoda` key) gives the
/// documented demo patients.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Seed {
    /// The tenant's patients.
    pub patients: Vec<SeedPatient>,
}

/// A patient with their credits and charges.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeedPatient {
    /// Patient id.
    pub id: String,
    /// First name.
    pub first_name: String,
    /// Last name (matched exactly by verify).
    pub last_name: String,
    /// Phone (matched exactly by verify).
    pub phone: String,
    /// Date of birth, `YYYY-MM-DD` (matched exactly by verify).
    pub date_of_birth: String,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Street address.
    #[serde(default)]
    pub address: Option<String>,
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// State.
    #[serde(default)]
    pub state: Option<String>,
    /// ZIP code.
    #[serde(default)]
    pub zip_code: Option<String>,
    /// When the patient was created (a FastAPI date-time).
    #[serde(default = "default_created")]
    pub created_date: String,
    /// Credits; `amount` is what is left of each.
    #[serde(default)]
    pub credits: Vec<SeedCredit>,
    /// Charges.
    #[serde(default)]
    pub charges: Vec<SeedCharge>,
    /// Saved payment methods (Decoda `PaymentMethodSummary`), archived ones included.
    #[serde(default)]
    pub payment_methods: Vec<SeedPaymentMethod>,
}

/// A saved payment method of a patient.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeedPaymentMethod {
    /// Decoda's id (`pm_…`), the path id of charge-card and delete.
    pub id: String,
    /// Rainforest's payment method id.
    #[serde(default)]
    pub rainforest_payment_method_id: Option<String>,
    /// `CARD`, `ACH` or `APPLE_PAY`.
    #[serde(default = "default_method_type")]
    pub method_type: String,
    /// Card brand as Rainforest names it (`VISA`...).
    #[serde(default)]
    pub brand: Option<String>,
    /// Card last four digits.
    #[serde(default)]
    pub last4: Option<String>,
    /// Card expiry month.
    #[serde(default)]
    pub exp_month: Option<i64>,
    /// Card expiry year.
    #[serde(default)]
    pub exp_year: Option<i64>,
    /// ACH `INDIVIDUAL` or `BUSINESS`.
    #[serde(default)]
    pub account_holder_type: Option<String>,
    /// ACH account last four digits.
    #[serde(default)]
    pub account_number_last4: Option<i64>,
    /// ACH bank name.
    #[serde(default)]
    pub bank_name: Option<String>,
    /// ACH routing number.
    #[serde(default)]
    pub routing_number: Option<i64>,
    /// The patient's default method.
    #[serde(default)]
    pub is_default: bool,
    /// Archived (removed).
    #[serde(default)]
    pub is_archived: bool,
    /// When it was saved.
    #[serde(default = "default_created")]
    pub created_date: String,
}

pub(super) fn default_method_type() -> String {
    "CARD".to_owned()
}

/// A credit on a patient's account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeedCredit {
    /// Credit id (for `credit_ids`).
    pub id: String,
    /// What is left of it, in cents.
    pub amount: i64,
    /// When it was granted; credits are used oldest first.
    pub created_date: String,
    /// What it was when granted, in cents (defaults to `amount`).
    #[serde(default)]
    pub total_amount: Option<i64>,
    /// Comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// Expiry (a FastAPI date-time); an expired credit is not available.
    #[serde(default)]
    pub expiry_date: Option<String>,
}

/// A charge.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeedCharge {
    /// Charge id.
    pub id: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// A `ChargeStatus` value.
    pub status: String,
    /// Total, in cents.
    pub total: i64,
    /// Still owed, in cents.
    pub total_outstanding: i64,
    /// When it was created (a FastAPI date-time).
    #[serde(default = "default_created")]
    pub created_date: String,
    /// Lines.
    #[serde(default)]
    pub items: Vec<SeedItem>,
    /// Payments applied to it.
    #[serde(default)]
    pub payments: Vec<SeedPayment>,
    /// Adjustments (write-offs...).
    #[serde(default)]
    pub adjustments: Vec<SeedAdjustment>,
    /// Tips.
    #[serde(default)]
    pub tips: Vec<SeedTip>,
}

/// A charge line with its inventory item.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeedItem {
    /// Line id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Quantity.
    pub quantity: i64,
    /// Unit price, in cents.
    pub price: i64,
    /// A `Unit` value.
    #[serde(default)]
    pub unit: Option<String>,
    /// An `ItemType` value.
    #[serde(default = "default_item_type")]
    pub item_type: String,
}

/// A payment applied to a charge.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeedPayment {
    /// Payment id.
    pub id: String,
    /// The part of the payment applied to this charge, in cents.
    pub amount: i64,
    /// The whole payment, in cents (defaults to `amount`).
    #[serde(default)]
    pub payment_amount: Option<i64>,
    /// `paymentMedium` (`CARD`, `CREDIT`...).
    pub medium: String,
    /// A `PaymentStatus` value.
    pub status: String,
    /// When it was made.
    pub created_date: String,
    /// Card brand, for card payments (adds a `paymentMethod`).
    #[serde(default)]
    pub card_brand: Option<String>,
    /// Card last four digits.
    #[serde(default)]
    pub card_last4: Option<String>,
    /// Refunds of it.
    #[serde(default)]
    pub refunds: Vec<SeedRefund>,
    /// Rainforest payin id (saved-card charges).
    #[serde(default)]
    pub payin_id: Option<String>,
    /// Rainforest payin config id (saved-card charges).
    #[serde(default)]
    pub payin_config_id: Option<String>,
    /// The saved method charged (its Decoda id).
    #[serde(default)]
    pub payment_method_id: Option<String>,
}

/// A refund of a payment.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeedRefund {
    /// Refund id.
    pub id: String,
    /// Amount, in cents.
    pub amount: i64,
    /// A `RefundReason` value.
    pub reason: String,
}

/// An adjustment of a charge.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeedAdjustment {
    /// Adjustment id.
    pub id: String,
    /// Amount, in cents.
    pub amount: i64,
    /// An `AdjustmentType` value.
    pub adjustment_type: String,
    /// Reason.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A tip on a charge.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeedTip {
    /// Tip id.
    pub id: String,
    /// Amount, in cents.
    pub amount: i64,
    /// The provider tipped.
    pub provider_id: String,
    /// The provider's first name.
    pub provider_first_name: String,
}

pub(super) fn default_created() -> String {
    "2023-06-01T09:00:00Z".to_owned()
}

pub(super) fn default_item_type() -> String {
    "PRODUCT".to_owned()
}
