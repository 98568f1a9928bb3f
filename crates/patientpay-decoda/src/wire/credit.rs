//! Wave 2 (`decoda-wave2-openapi.json`): patient credit and the payment table, with the
//! generic page.

use std::fmt;

use patientpay_core::redact::redact_opt;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{PaymentMethodSummary, PaymentStatus, RefundReason, UserType};

// ---------------------------------------------------------------------------------------
// Credit

/// `Page_…_`: one page of a paged list (`data` and the `total` across pages).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PageOf<T> {
    /// This page's items.
    pub data: Vec<T>,
    /// Items across all pages.
    pub total: i64,
}

/// `Page_PatientCreditSummary_`.
pub type PagePatientCreditSummary = PageOf<PatientCreditSummary>;
/// `Page_PaymentTableItem_`.
pub type PagePaymentTableItem = PageOf<PaymentTableItem>;

/// `UserTiny`. PHI: hand-written `Debug` redacts it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserTiny {
    /// Id.
    pub id: String,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Phone.
    #[serde(default)]
    pub phone_number: Option<String>,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Type.
    #[serde(rename = "type")]
    pub user_type: UserType,
    /// Location.
    #[serde(default)]
    pub location_id: Option<String>,
}

impl fmt::Debug for UserTiny {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserTiny")
            .field("id", &self.id)
            .field("first_name", redact_opt(&self.first_name))
            .field("last_name", redact_opt(&self.last_name))
            .field("phone_number", redact_opt(&self.phone_number))
            .field("email", redact_opt(&self.email))
            .field("user_type", &self.user_type)
            .field("location_id", &self.location_id)
            .finish()
    }
}

/// `PatientCreditSummary`. The comment may hold PHI: `Debug` redacts it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PatientCreditSummary {
    /// Id.
    pub id: String,
    /// Patient.
    pub patient_id: String,
    /// What it was worth, in cents.
    pub amount: i64,
    /// What is left, in cents.
    pub amount_remaining: i64,
    /// Staff's comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// Expiry.
    #[serde(default, with = "crate::datetime::nullable")]
    pub expiry_date: Option<OffsetDateTime>,
    /// Member.
    #[serde(default)]
    pub member_id: Option<String>,
    /// When given.
    #[serde(with = "crate::datetime::required")]
    pub created_date: OffsetDateTime,
    /// When updated.
    #[serde(default, with = "crate::datetime::nullable")]
    pub updated_date: Option<OffsetDateTime>,
    /// Who gave it.
    #[serde(default)]
    pub creator: Option<UserTiny>,
}

impl fmt::Debug for PatientCreditSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PatientCreditSummary")
            .field("id", &self.id)
            .field("patient_id", &self.patient_id)
            .field("amount", &self.amount)
            .field("amount_remaining", &self.amount_remaining)
            .field("comment", redact_opt(&self.comment))
            .field("expiry_date", &self.expiry_date)
            .field("member_id", &self.member_id)
            .field("created_date", &self.created_date)
            .field("updated_date", &self.updated_date)
            .field("creator", &self.creator)
            .finish()
    }
}

/// `AvailableCredit`. The comment may hold PHI: `Debug` redacts it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AvailableCredit {
    /// Id.
    pub credit_id: String,
    /// What is left, in cents.
    pub remaining_amount: i64,
    /// What it was worth, in cents.
    pub total_amount: i64,
    /// Comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// Expiry.
    #[serde(default, with = "crate::datetime::nullable")]
    pub expiry_date: Option<OffsetDateTime>,
    /// When given.
    #[serde(with = "crate::datetime::required")]
    pub created_date: OffsetDateTime,
}

impl fmt::Debug for AvailableCredit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AvailableCredit")
            .field("credit_id", &self.credit_id)
            .field("remaining_amount", &self.remaining_amount)
            .field("total_amount", &self.total_amount)
            .field("comment", redact_opt(&self.comment))
            .field("expiry_date", &self.expiry_date)
            .field("created_date", &self.created_date)
            .finish()
    }
}

/// `AvailableCreditResponse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AvailableCreditResponse {
    /// The total available, in cents.
    pub total_available: i64,
    /// The credits.
    pub credits: Vec<AvailableCredit>,
    /// How many.
    pub count: i64,
}

// ---------------------------------------------------------------------------------------
// Payment table

/// `PaymentTable`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PaymentTable {
    /// One page of payments.
    pub items: PagePaymentTableItem,
    /// Whether insurance payments exist.
    pub has_insurance_payments: bool,
}

/// `TableRefund-Output`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TableRefund {
    /// Id.
    pub id: String,
    /// Cents.
    pub amount: i64,
    /// Why.
    pub reason: RefundReason,
    /// When.
    #[serde(with = "crate::datetime::required")]
    pub created_date: OffsetDateTime,
    /// Status.
    pub status: PaymentStatus,
    /// Note.
    #[serde(default)]
    pub description: Option<String>,
    /// Who.
    #[serde(default)]
    pub creator: Option<UserTiny>,
}

/// `ItemWithQuantity`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ItemWithQuantity {
    /// Item name.
    pub item_name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Charge.
    #[serde(default)]
    pub charge_id: Option<String>,
    /// Discount reason.
    #[serde(default)]
    pub discount_reason: Option<String>,
    /// Discount, in cents.
    #[serde(default)]
    pub discount_amount: Option<i64>,
    /// Discount percentage.
    #[serde(default)]
    pub discount_percentage: Option<f64>,
    /// Quantity.
    pub quantity: i64,
    /// Unit.
    #[serde(default)]
    pub unit: Option<String>,
    /// Price of one, in cents.
    pub price_per_item: i64,
    /// Tax, in cents.
    #[serde(default)]
    pub tax_amount: Option<i64>,
    /// Item type.
    #[serde(default)]
    pub item_type: Option<String>,
}

/// `PaymentTableItem`: one row of `GET /billing/payment/table`. PHI (names, e-mail,
/// phone): hand-written `Debug` redacts it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PaymentTableItem {
    /// Payment id.
    pub id: String,
    /// Payer's first name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Payer's last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Patient.
    #[serde(default)]
    pub patient_id: Option<String>,
    /// External patient id.
    #[serde(default)]
    pub external_patient_id: Option<String>,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone.
    #[serde(default)]
    pub phone_number: Option<String>,
    /// Comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// Cents.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// A plain string in the spec (`PaymentStatus` values in practice).
    pub status: String,
    /// How it was paid.
    pub payment_medium: String,
    /// Processor fee, in cents.
    pub fee: i64,
    /// Fee charged to the patient, in cents.
    pub fee_to_patient: i64,
    /// The method used.
    #[serde(default)]
    pub payment_method: Option<PaymentMethodSummary>,
    /// When.
    #[serde(with = "crate::datetime::required")]
    pub created_date: OffsetDateTime,
    /// Refunds of it.
    pub refunds: Vec<TableRefund>,
    /// Who took it.
    #[serde(default)]
    pub creator: Option<UserTiny>,
    /// Part of a payment plan.
    pub is_payment_plan: bool,
    /// Items paid.
    #[serde(default)]
    pub items: Vec<ItemWithQuantity>,
    /// An insurance payment.
    pub is_insurance_payment: bool,
    /// Location.
    #[serde(default)]
    pub location_id: Option<String>,
}

impl fmt::Debug for PaymentTableItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaymentTableItem")
            .field("id", &self.id)
            .field("first_name", redact_opt(&self.first_name))
            .field("last_name", redact_opt(&self.last_name))
            .field("patient_id", &self.patient_id)
            .field("email", redact_opt(&self.email))
            .field("phone_number", redact_opt(&self.phone_number))
            .field("comment", redact_opt(&self.comment))
            .field("amount", &self.amount)
            .field("currency", &self.currency)
            .field("status", &self.status)
            .field("payment_medium", &self.payment_medium)
            .field("created_date", &self.created_date)
            .field("refunds", &self.refunds)
            .field("is_payment_plan", &self.is_payment_plan)
            .finish_non_exhaustive()
    }
}
