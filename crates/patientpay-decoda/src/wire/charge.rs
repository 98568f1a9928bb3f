//! Charges: `ChargeDetail-Input` / `ChargeDetailWithItems` (one generic type), their
//! items, payments, tips and adjustments, and the settle query.

use std::fmt;

use patientpay_core::redact::{Redacted, redact_opt};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{
    AdjustmentType, ChargeStatus, ItemType, Meta, PatientSummary, Payment, Unit, outstanding,
    product, some_zero, some_zero_f64, yes,
};

/// `AdjustmentSummary`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AdjustmentSummary {
    /// Chargeid.
    pub charge_id: String,
    /// Providerid.
    #[serde(default)]
    pub provider_id: Option<String>,
    /// Locationid.
    #[serde(default)]
    pub location_id: Option<String>,
    /// Unique identifier for the adjustment.
    pub id: String,
    /// Amount of the adjustment.
    pub amount: i64,
    /// Reason for the adjustment.
    #[serde(default)]
    pub reason: Option<String>,
    /// Date when the adjustment was created.
    #[serde(with = "crate::datetime::required")]
    pub created_date: OffsetDateTime,
    /// Type of the adjustment.
    pub adjustment_type: AdjustmentType,
}

/// A charge: `ChargeDetail-Input` (`I` = [`ChargeItem`], [`ChargeDetailInput`]: what
/// settle takes) and `ChargeDetailWithItems` (`I` = [`ChargeItemDetail`],
/// [`ChargeDetailWithItems`]: what verify and `GET /billing/charge/get/{id}` answer). The
/// spec's two schemas differ only in their item type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChargeDetail<I> {
    /// A unique identifier for the charge. Auto-generated if not provided.
    #[serde(default)]
    pub id: Option<String>,
    /// Identifier of the patient being charged.
    pub patient_id: String,
    /// Summary details of the patient being charged.
    #[serde(default)]
    pub patient: Option<PatientSummary>,
    /// Total amount of the charge.
    #[serde(default)]
    pub total: i64,
    /// Total outstanding amount that is yet to be paid.
    pub total_outstanding: i64,
    /// Description of the charge.
    #[serde(default)]
    pub description: Option<String>,
    /// Current status of the charge.
    #[serde(default = "outstanding")]
    pub status: ChargeStatus,
    /// Any discount applied to the total outstanding.
    #[serde(default = "some_zero")]
    pub discount_amount: Option<i64>,
    /// Percentage of discount applied to the charge.
    #[serde(default = "some_zero_f64")]
    pub discount_percentage: Option<f64>,
    /// External identifier for the charge, if applicable.
    #[serde(default)]
    pub external_id: Option<String>,
    /// The creation date of the charge in your external system, if applicable.
    #[serde(default, with = "crate::datetime::nullable")]
    pub external_created_date: Option<OffsetDateTime>,
    /// Identifier for the RuleSet applied to this Charge, if any.
    #[serde(default)]
    pub rule_set_id: Option<String>,
    /// The date when the charge was created.
    #[serde(default, with = "crate::datetime::nullable")]
    pub created_date: Option<OffsetDateTime>,
    /// Identifier of the Provider who created the charge (i.e. the Clinician, or relevant Biller).
    #[serde(default)]
    pub creator_id: Option<String>,
    /// List of Items in the Charge (with the inventory item and sale details, in the
    /// output form).
    #[serde(default = "Vec::new")]
    pub items: Vec<I>,
    /// List of Tips in the Charge.
    #[serde(default)]
    pub tips: Vec<TipDetail>,
    /// Identifier of the Location where the charge was created.
    #[serde(default)]
    pub location_id: Option<String>,
    /// Identifier of the Event this charge is associated with, if any.
    #[serde(default)]
    pub event_id: Option<String>,
    /// Identifier of the Member this charge is associated with, if any.
    #[serde(default)]
    pub member_id: Option<String>,
    /// Any additional comments about the charge.
    #[serde(default)]
    pub comment: Option<String>,
    /// Any additional metadata about the charge relevant to your system.
    #[serde(default)]
    pub meta: Option<Meta>,
    /// Identifier of the MerchantAccount this charge is associated with.
    #[serde(default)]
    pub merchant_account_id: Option<String>,
    /// List of Adjustments in the Charge.
    #[serde(default)]
    pub adjustments: Vec<AdjustmentSummary>,
    /// List of Payments in the Charge.
    #[serde(default)]
    pub payments: Vec<ChargePaymentDetail>,
}

/// `ChargeDetail-Input`: one charge in the settle body.
pub type ChargeDetailInput = ChargeDetail<ChargeItem>;
/// `ChargeDetailWithItems`: a charge as verify and the charge read return it.
pub type ChargeDetailWithItems = ChargeDetail<ChargeItemDetail>;

/// `ChargeSummary-Input`: a charge as the payin config takes it — `ChargeDetail-Input`
/// without `payments` and `adjustments` (which this wrapper leaves out when serializing).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ChargeSummaryInput(pub ChargeDetailInput);

impl Serialize for ChargeSummaryInput {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut value = serde_json::to_value(&self.0).map_err(serde::ser::Error::custom)?;
        if let serde_json::Value::Object(map) = &mut value {
            map.remove("payments");
            map.remove("adjustments");
        }
        value.serialize(s)
    }
}

/// `ChargeItem`: a charge line as settle takes it (the input form of [`ChargeItemDetail`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChargeItem {
    /// Unique identifier for the charge item.
    #[serde(default)]
    pub id: Option<String>,
    /// Optional unique identifier for the item.
    #[serde(default)]
    pub item_id: Option<String>,
    /// Identifier of the charge this item is associated with (optional when creating charge).
    #[serde(default)]
    pub charge_id: Option<String>,
    /// Name of the item (None for items with associated inventory item).
    #[serde(default)]
    pub name: Option<String>,
    /// Description of the item.
    #[serde(default)]
    pub description: Option<String>,
    /// Quantity of the item being charged.
    pub quantity: i64,
    /// Discount amount for the item.
    #[serde(default)]
    pub discount_amount: Option<i64>,
    /// Discount percentage for the item.
    #[serde(default)]
    pub discount_percentage: Option<f64>,
    /// Reason for discount.
    #[serde(default)]
    pub discount_reason: Option<String>,
    /// Price of the item in cents.
    pub price: i64,
    /// Unique identifier for the sold package usage.
    #[serde(default)]
    pub sold_package_id: Option<String>,
    /// Quantity to bank for later use.
    #[serde(default)]
    pub banked_quantity: Option<i64>,
    /// ID of banked item being used (for tracking usage).
    #[serde(default)]
    pub banked_item_id: Option<String>,
    /// Unique identifier for the specific issued discount instance used.
    #[serde(default)]
    pub issued_discount_id: Option<String>,
    /// Unique identifier for the provider who sold the item.
    #[serde(default)]
    pub sold_by_provider_id: Option<String>,
    /// Tax amount for the item in cents.
    #[serde(default)]
    pub tax_amount: Option<i64>,
    /// Unique identifier for the pricing for the item.
    #[serde(default)]
    pub pricing_id: Option<String>,
    /// Optional list of shipment IDs to reduce the stock quantity of.
    #[serde(default)]
    pub shipment_ids: Option<Vec<String>>,
}

/// `ChargeItemDetail-Output`: a charge line as verify returns it ([`ChargeItem`] plus the
/// inventory item, location and sale date).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChargeItemDetail {
    /// Unique identifier for the charge item.
    #[serde(default)]
    pub id: Option<String>,
    /// Optional unique identifier for the item.
    #[serde(default)]
    pub item_id: Option<String>,
    /// Identifier of the charge this item is associated with (optional when creating charge).
    #[serde(default)]
    pub charge_id: Option<String>,
    /// Name of the item (None for items with associated inventory item).
    #[serde(default)]
    pub name: Option<String>,
    /// Description of the item.
    #[serde(default)]
    pub description: Option<String>,
    /// Quantity of the item being charged.
    pub quantity: i64,
    /// Discount amount for the item.
    #[serde(default)]
    pub discount_amount: Option<i64>,
    /// Discount percentage for the item.
    #[serde(default)]
    pub discount_percentage: Option<f64>,
    /// Reason for discount.
    #[serde(default)]
    pub discount_reason: Option<String>,
    /// Price of the item in cents.
    pub price: i64,
    /// Unique identifier for the sold package usage.
    #[serde(default)]
    pub sold_package_id: Option<String>,
    /// Quantity to bank for later use.
    #[serde(default)]
    pub banked_quantity: Option<i64>,
    /// ID of banked item being used (for tracking usage).
    #[serde(default)]
    pub banked_item_id: Option<String>,
    /// Unique identifier for the specific issued discount instance used.
    #[serde(default)]
    pub issued_discount_id: Option<String>,
    /// Unique identifier for the provider who sold the item.
    #[serde(default)]
    pub sold_by_provider_id: Option<String>,
    /// Tax amount for the item in cents.
    #[serde(default)]
    pub tax_amount: Option<i64>,
    /// Unique identifier for the pricing for the item.
    #[serde(default)]
    pub pricing_id: Option<String>,
    /// Optional list of shipment IDs to reduce the stock quantity of.
    #[serde(default)]
    pub shipment_ids: Option<Vec<String>>,
    /// Details of the item (None for custom charge items).
    #[serde(default)]
    pub item: Option<ItemTiny>,
    /// Location ID where the sale occurred.
    #[serde(default)]
    pub location_id: Option<String>,
    /// Location name where the sale occurred.
    #[serde(default)]
    pub location_name: Option<String>,
    /// Date when the sale occurred.
    #[serde(default, with = "crate::datetime::nullable")]
    pub sale_date: Option<OffsetDateTime>,
}

/// `ChargePaymentDetail-Input` / `-Output`: identical but for the `Payment` variant, which
/// is itself identical, so one type serves both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChargePaymentDetail {
    /// The unique identifier for the payment.
    pub payment_id: String,
    /// The amount of the payment.
    pub amount: i64,
    /// The date and time the payment was created.
    #[serde(default, with = "crate::datetime::nullable")]
    pub created_date: Option<OffsetDateTime>,
    /// The unique identifier for the charge.
    pub charge_id: String,
    /// Detailed information about the payment.
    pub payment: Payment,
}

/// `ItemTiny`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ItemTiny {
    /// Unique identifier for the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Name of the item.
    pub name: String,
    /// Optional brand name of the item.
    #[serde(default)]
    pub brand_name: Option<String>,
    /// Optional description of the item.
    #[serde(default)]
    pub description: Option<String>,
    /// Price of the item in cents.
    pub price: i64,
    /// Category name (references category.name).
    #[serde(default)]
    pub category: Option<String>,
    /// Unit of measurement for the item.
    #[serde(default)]
    pub unit: Option<Unit>,
    /// Whether the item is physical.
    #[serde(default = "yes")]
    pub is_physical: bool,
    /// Whether the item is archived.
    #[serde(default)]
    pub is_archived: bool,
    /// Optional internal notes for the item.
    #[serde(default)]
    pub internal_notes: Option<String>,
    /// Optional sort order for the item.
    #[serde(default)]
    pub sort_order: Option<i64>,
    /// Whether custom pricing is allowed for this item.
    #[serde(default)]
    pub allow_custom_pricing: bool,
    /// Type of item (PRODUCT, MEDICATION, etc.).
    #[serde(rename = "type", default = "product")]
    pub item_type: ItemType,
    /// Optional external ID for the item.
    #[serde(default)]
    pub external_id: Option<String>,
    /// List of tax IDs that this item is exempted from (excludes from scope-based taxes).
    #[serde(default)]
    pub exempted_tax_ids: Option<Vec<String>>,
    /// Cost of the item in cents.
    #[serde(default)]
    pub cost: Option<i64>,
}

/// `ProviderTiny`. PHI: hand-written `Debug` redacts it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ProviderTiny {
    /// Id.
    pub id: String,
    /// Firstname.
    pub first_name: String,
    /// Lastname.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Email.
    #[serde(default)]
    pub email: Option<String>,
    /// Createddate.
    #[serde(default, with = "crate::datetime::nullable")]
    pub created_date: Option<OffsetDateTime>,
}

/// `TipDetail`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TipDetail {
    /// Charge ID this tip belongs to.
    pub charge_id: String,
    /// Tip amount in cents.
    pub amount: i64,
    /// Provider ID receiving the tip.
    pub provider_id: String,
    /// Unique identifier for the tip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Provider receiving the tip.
    #[serde(default)]
    pub provider: Option<ProviderTiny>,
}

impl fmt::Debug for ProviderTiny {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderTiny")
            .field("id", &self.id)
            .field("first_name", &Redacted)
            .field("last_name", redact_opt(&self.last_name))
            .field("email", redact_opt(&self.email))
            .field("created_date", &self.created_date)
            .finish()
    }
}

impl<I> ChargeDetail<I> {
    /// A charge of `patient_id` with `total_outstanding` cents owed; every other field takes
    /// the spec's default.
    pub fn new(patient_id: impl Into<String>, total_outstanding: i64) -> ChargeDetail<I> {
        ChargeDetail {
            id: None,
            patient_id: patient_id.into(),
            patient: None,
            total: 0,
            total_outstanding,
            description: None,
            status: ChargeStatus::Outstanding,
            discount_amount: some_zero(),
            discount_percentage: some_zero_f64(),
            external_id: None,
            external_created_date: None,
            rule_set_id: None,
            created_date: None,
            creator_id: None,
            items: Vec::new(),
            tips: Vec::new(),
            location_id: None,
            event_id: None,
            member_id: None,
            comment: None,
            meta: None,
            merchant_account_id: None,
            payments: Vec::new(),
            adjustments: Vec::new(),
        }
    }
}

/// The query of the settle call (`amount` in minor units, repeated `credit_ids`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SettleQuery {
    /// Credit to apply, in minor units.
    pub amount: i64,
    /// Specific credits to use; empty lets Decoda apply credits oldest first.
    pub credit_ids: Vec<String>,
}

impl SettleQuery {
    /// A query for `amount` minor units and the given credits.
    pub fn new(amount: i64, credit_ids: Vec<String>) -> SettleQuery {
        SettleQuery { amount, credit_ids }
    }
}
