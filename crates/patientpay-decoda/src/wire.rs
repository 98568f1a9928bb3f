//! Decoda's JSON, 1:1: every schema the two endpoints reference in Decoda's OpenAPI 3.1 spec
//! (`decoda-openapi-subset.json`), with every field, its type, its nullability and its
//! default.
//!
//! - Money fields are `i64` minor units (cents), as Decoda sends them; [`crate::map`] turns
//!   them into [`patientpay_core::Money`].
//! - Nullable fields are `Option` and are written back as `null`; fields with a default take
//!   it when missing (`total` 0, `status` `OUTSTANDING`, `currency` `USD`...).
//! - Date-times accept FastAPI's forms (see the crate docs for odd values).
//! - Enums are open: an unknown value parses into `Unknown(String)` and is sent back
//!   unchanged; known values parse without allocating.
//! - Unknown fields are ignored. Every type is `#[non_exhaustive]`.
//!
//! Types holding PHI ([`PatientSummary`], [`VerifyPatient`], [`ProviderTiny`]) and free-form
//! [`Meta`] have hand-written `Debug` that shows no personal value.

use std::fmt;

use patientpay_core::open_enum;
use patientpay_core::redact::{Redacted, redact_opt};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, OffsetDateTime};

/// Free-form metadata (`meta`: an object with any properties). `Debug` shows only the keys:
/// the values are the tenant's own and may hold anything.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Meta(pub serde_json::Map<String, serde_json::Value>);

impl fmt::Debug for Meta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Meta")?;
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// `Payment-Input` (identical to [`Payment`]).
pub type PaymentInput = Payment;
/// `Payment-Output` (identical to [`Payment`]).
pub type PaymentOutput = Payment;
/// `ChargePaymentDetail-Input` (identical to [`ChargePaymentDetail`]).
pub type ChargePaymentDetailInput = ChargePaymentDetail;
/// `ChargePaymentDetail-Output` (identical to [`ChargePaymentDetail`]).
pub type ChargePaymentDetailOutput = ChargePaymentDetail;
/// `ChargeItemDetail-Output`.
pub type ChargeItemDetailOutput = ChargeItemDetail;

fn some_zero() -> Option<i64> {
    Some(0)
}

fn some_zero_f64() -> Option<f64> {
    Some(0.0)
}

fn yes() -> bool {
    true
}

fn usd() -> String {
    "USD".to_owned()
}

fn outstanding() -> ChargeStatus {
    ChargeStatus::Outstanding
}

fn product() -> ItemType {
    ItemType::Product
}

open_enum! {
    /// `ChargeStatus` (the spec's full list; others parse as `Unknown`).
    pub enum ChargeStatus {
        /// `OUTSTANDING`.
        Outstanding = "OUTSTANDING",
        /// `PAID`.
        Paid = "PAID",
        /// `EXTERNAL_SETTLEMENT`.
        ExternalSettlement = "EXTERNAL_SETTLEMENT",
        /// `VOID`.
        Void = "VOID",
        /// `WRITE_OFF`.
        WriteOff = "WRITE_OFF",
        /// `REFUNDED`.
        Refunded = "REFUNDED",
        /// `CHARGEBACK`.
        Chargeback = "CHARGEBACK",
        /// `PAYMENT_PLAN`.
        PaymentPlan = "PAYMENT_PLAN",
        /// `COLLECTIONS`.
        Collections = "COLLECTIONS",
    }
}

open_enum! {
    /// `PaymentStatus` (the spec's full list; others parse as `Unknown`).
    pub enum PaymentStatus {
        /// `CANCELED`.
        Canceled = "CANCELED",
        /// `CREATED`.
        Created = "CREATED",
        /// `FAILED`.
        Failed = "FAILED",
        /// `IN_REVIEW`.
        InReview = "IN_REVIEW",
        /// `PRESENTING`.
        Presenting = "PRESENTING",
        /// `PROCESSING`.
        Processing = "PROCESSING",
        /// `SUCCEEDED`.
        Succeeded = "SUCCEEDED",
    }
}

open_enum! {
    /// `UserType` (the spec's full list; others parse as `Unknown`).
    pub enum UserType {
        /// `PROVIDER`.
        Provider = "PROVIDER",
        /// `PATIENT`.
        Patient = "PATIENT",
        /// `ASSISTANT`.
        Assistant = "ASSISTANT",
    }
}

open_enum! {
    /// `Unit` (the spec's full list; others parse as `Unknown`).
    pub enum Unit {
        /// `AMPOULES`.
        Ampoules = "AMPOULES",
        /// `APPLICATORS`.
        Applicators = "APPLICATORS",
        /// `BOTTLES`.
        Bottles = "BOTTLES",
        /// `BOXES`.
        Boxes = "BOXES",
        /// `CAPSULES`.
        Capsules = "CAPSULES",
        /// `CUPS`.
        Cups = "CUPS",
        /// `DOSES`.
        Doses = "DOSES",
        /// `G_PER_ML`.
        GPerMl = "G_PER_ML",
        /// `GRAMS`.
        Grams = "GRAMS",
        /// `IU`.
        Iu = "IU",
        /// `IU_PER_ML`.
        IuPerMl = "IU_PER_ML",
        /// `OUNCES`.
        Ounces = "OUNCES",
        /// `FLUID_OUNCES`.
        FluidOunces = "FLUID_OUNCES",
        /// `KG`.
        Kg = "KG",
        /// `KITS`.
        Kits = "KITS",
        /// `LITERS`.
        Liters = "LITERS",
        /// `MCG`.
        Mcg = "MCG",
        /// `MG`.
        Mg = "MG",
        /// `MG_PER_ML`.
        MgPerMl = "MG_PER_ML",
        /// `ML`.
        Ml = "ML",
        /// `MMOL`.
        Mmol = "MMOL",
        /// `MICROGRAM_PER_ML`.
        MicrogramPerMl = "MICROGRAM_PER_ML",
        /// `PACKS`.
        Packs = "PACKS",
        /// `PAIRS`.
        Pairs = "PAIRS",
        /// `PATCHES`.
        Patches = "PATCHES",
        /// `PERCENTAGE`.
        Percentage = "PERCENTAGE",
        /// `PIECES`.
        Pieces = "PIECES",
        /// `POUCHES`.
        Pouches = "POUCHES",
        /// `ROLLS`.
        Rolls = "ROLLS",
        /// `SACHETS`.
        Sachets = "SACHETS",
        /// `SHEETS`.
        Sheets = "SHEETS",
        /// `SPRAYS`.
        Sprays = "SPRAYS",
        /// `STRIPS`.
        Strips = "STRIPS",
        /// `SYRINGES`.
        Syringes = "SYRINGES",
        /// `TABLETS`.
        Tablets = "TABLETS",
        /// `TABLETS_PER_DAY`.
        TabletsPerDay = "TABLETS_PER_DAY",
        /// `TESTS`.
        Tests = "TESTS",
        /// `TUBES`.
        Tubes = "TUBES",
        /// `UNITS`.
        Units = "UNITS",
        /// `VIALS`.
        Vials = "VIALS",
        /// `TREATMENTS`.
        Treatments = "TREATMENTS",
        /// `SESSIONS`.
        Sessions = "SESSIONS",
        /// `PULSES`.
        Pulses = "PULSES",
        /// `JOULES`.
        Joules = "JOULES",
        /// `CENTIMETERS`.
        Centimeters = "CENTIMETERS",
        /// `THREAD_COUNT`.
        ThreadCount = "THREAD_COUNT",
        /// `INJECTIONS`.
        Injections = "INJECTIONS",
        /// `WRINKLE_UNITS`.
        WrinkleUnits = "WRINKLE_UNITS",
        /// `POUNDS`.
        Pounds = "POUNDS",
        /// `FEET`.
        Feet = "FEET",
        /// `INCHES`.
        Inches = "INCHES",
    }
}

open_enum! {
    /// `ItemType` (the spec's full list; others parse as `Unknown`).
    pub enum ItemType {
        /// `ITEM`.
        Item = "ITEM",
        /// `PRODUCT`.
        Product = "PRODUCT",
        /// `MEDICATION`.
        Medication = "MEDICATION",
        /// `SERVICE`.
        Service = "SERVICE",
        /// `PACKAGE`.
        Package = "PACKAGE",
        /// `MEMBERSHIP`.
        Membership = "MEMBERSHIP",
    }
}

open_enum! {
    /// `AdjustmentType` (the spec's full list; others parse as `Unknown`).
    pub enum AdjustmentType {
        /// `WRITE_OFF`.
        WriteOff = "WRITE_OFF",
        /// `ADJUSTMENT`.
        Adjustment = "ADJUSTMENT",
        /// `EXTERNAL_SETTLEMENT`.
        ExternalSettlement = "EXTERNAL_SETTLEMENT",
    }
}

open_enum! {
    /// `PaymentMethodType` (the spec's full list; others parse as `Unknown`).
    pub enum PaymentMethodType {
        /// `CARD`.
        Card = "CARD",
        /// `ACH`.
        Ach = "ACH",
        /// `APPLE_PAY`.
        ApplePay = "APPLE_PAY",
    }
}

open_enum! {
    /// `PatientSource` (the spec's full list; others parse as `Unknown`).
    pub enum PatientSource {
        /// `SELF_SCHEDULING`.
        SelfScheduling = "SELF_SCHEDULING",
        /// `CALL`.
        Call = "CALL",
        /// `TEXT`.
        Text = "TEXT",
        /// `MANUALLY_CREATED`.
        ManuallyCreated = "MANUALLY_CREATED",
        /// `UPLOADED_FROM_FILE`.
        UploadedFromFile = "UPLOADED_FROM_FILE",
        /// `FORM`.
        Form = "FORM",
        /// `SEED_DATA`.
        SeedData = "SEED_DATA",
        /// `DEMO`.
        Demo = "DEMO",
        /// `EXTERNAL_INTEGRATION`.
        ExternalIntegration = "EXTERNAL_INTEGRATION",
        /// `OTHER`.
        Other = "OTHER",
    }
}

open_enum! {
    /// `RefundReason` (the spec's full list; others parse as `Unknown`).
    pub enum RefundReason {
        /// `DUPLICATE`.
        Duplicate = "DUPLICATE",
        /// `DISPUTE`.
        Dispute = "DISPUTE",
        /// `BOOKING_FEE`.
        BookingFee = "BOOKING_FEE",
        /// `OTHER`.
        Other = "OTHER",
    }
}

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

/// `ChargeDetail-Input`: one charge in the settle body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChargeDetailInput {
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
    /// List of Items in the Charge.
    #[serde(default)]
    pub items: Vec<ChargeItem>,
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
    /// List of Payments in the Charge.
    #[serde(default)]
    pub payments: Vec<ChargePaymentDetail>,
    /// List of Adjustments in the Charge.
    #[serde(default)]
    pub adjustments: Vec<AdjustmentSummary>,
}

/// `ChargeDetailWithItems`: a charge as verify returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChargeDetailWithItems {
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
    /// List of Items in the Charge (with the inventory item and sale details).
    #[serde(default)]
    pub items: Vec<ChargeItemDetail>,
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

/// `PatientSummary`. PHI: hand-written `Debug` redacts it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PatientSummary {
    /// The unique identifier for the user.
    pub id: String,
    /// The user's first name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// The user's last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// The user's phone number.
    #[serde(default)]
    pub phone_number: Option<String>,
    /// The user's email address.
    #[serde(default)]
    pub email: Option<String>,
    /// The type of user.
    #[serde(rename = "type")]
    pub user_type: UserType,
    /// The location of the user.
    #[serde(default)]
    pub location_id: Option<String>,
    /// The user's external identifier if available.
    #[serde(default)]
    pub external_id: Option<String>,
    /// The user's primary address.
    #[serde(default)]
    pub address: Option<String>,
    /// Additional address information.
    #[serde(default)]
    pub address_line_two: Option<String>,
    /// The city of the user's address.
    #[serde(default)]
    pub city: Option<String>,
    /// The state of the user's address.
    #[serde(default)]
    pub state: Option<String>,
    /// The postal code of the user's address.
    #[serde(default)]
    pub zip_code: Option<String>,
    /// The country of the user's address.
    #[serde(default)]
    pub country: Option<String>,
    /// The date and time when the user was created.
    #[serde(with = "crate::datetime::required")]
    pub created_date: OffsetDateTime,
    /// Whether the user's address is valid.
    #[serde(default)]
    pub address_valid: Option<bool>,
    /// Any additional metadata about the user relevant to your system.
    #[serde(default)]
    pub meta: Option<Meta>,
    /// Whether the user is archived.
    #[serde(default)]
    pub is_archived: Option<bool>,
    /// The primary location of the user.
    #[serde(default)]
    pub primary_location_id: Option<String>,
    /// The gender of the patient.
    #[serde(default)]
    pub gender: Option<String>,
    /// The patient's pronouns (e.g., 'he/him', 'she/her', 'they/them').
    #[serde(default)]
    pub pronouns: Option<String>,
    /// The patient's preferred name or nickname.
    #[serde(default)]
    pub preferred_name: Option<String>,
    /// The date of birth of the patient.
    #[serde(default, with = "crate::datetime::date_nullable")]
    pub date_of_birth: Option<Date>,
    /// List of patient's self-reported medications.
    #[serde(default)]
    pub patient_medications: Option<Vec<String>>,
    /// The source of the patient.
    #[serde(default)]
    pub patient_source: Option<PatientSource>,
    /// Flexible lead source for tracking patient acquisition.
    #[serde(default)]
    pub lead_source: Option<String>,
    /// Whether the patient is on the scheduling blacklist.
    #[serde(default)]
    pub on_scheduling_blacklist: Option<bool>,
    /// Whether surcharges are disabled for this patient.
    #[serde(default)]
    pub surcharge_disabled: Option<bool>,
    /// List of patient tags.
    #[serde(default)]
    pub tags: Option<Vec<PatientTagSummary>>,
    /// Patient's credit balance in cents.
    #[serde(default)]
    pub credit_balance: Option<i64>,
    /// The preferred provider ID for this patient.
    #[serde(default)]
    pub preferred_provider_id: Option<String>,
    /// DoseSpot Patient ID for e-prescribing integration.
    #[serde(default)]
    pub dosespot_patient_id: Option<String>,
}

/// `PatientTagSummary`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PatientTagSummary {
    /// Unique identifier for the patient tag.
    pub id: String,
    /// Name of the patient tag.
    pub name: String,
    /// Emoji associated with the tag.
    #[serde(default)]
    pub emoji: Option<String>,
    /// Color code for the tag (hex format).
    #[serde(default)]
    pub color: Option<String>,
    /// Whether the tag is active.
    pub is_active: bool,
    /// Date and time when the tag was created.
    #[serde(with = "crate::datetime::required")]
    pub created_date: OffsetDateTime,
    /// Date and time when the tag was last updated.
    #[serde(default, with = "crate::datetime::nullable")]
    pub updated_date: Option<OffsetDateTime>,
}

/// `Payment-Input` / `Payment-Output`: the spec's two variants are identical, so one type
/// serves both (aliases [`PaymentInput`], [`PaymentOutput`]).
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

/// `PaymentLinkDetails`: the verify answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PaymentLinkDetails {
    /// Charges.
    pub charges: Vec<ChargeDetailWithItems>,
    /// patient.
    pub patient: PatientSummary,
    /// Paymentlink.
    pub payment_link: String,
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

/// `VerifyPatient`: the verify body (the date of birth as `YYYY-MM-DD` text). PHI: hand-written `Debug` redacts it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VerifyPatient {
    /// Patientid.
    pub patient_id: String,
    /// Lastname.
    pub last_name: String,
    /// Phonenumber.
    pub phone_number: String,
    /// Dateofbirth.
    pub date_of_birth: String,
}

impl VerifyPatient {
    /// A verify body; `date_of_birth` is `YYYY-MM-DD` text.
    pub fn new(
        patient_id: impl Into<String>,
        last_name: impl Into<String>,
        phone_number: impl Into<String>,
        date_of_birth: impl Into<String>,
    ) -> VerifyPatient {
        VerifyPatient {
            patient_id: patient_id.into(),
            last_name: last_name.into(),
            phone_number: phone_number.into(),
            date_of_birth: date_of_birth.into(),
        }
    }
}

impl fmt::Debug for VerifyPatient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyPatient")
            .field("patient_id", &self.patient_id)
            .field("last_name", &Redacted)
            .field("phone_number", &Redacted)
            .field("date_of_birth", &Redacted)
            .finish()
    }
}

impl fmt::Debug for PatientSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PatientSummary")
            .field("id", &self.id)
            .field("user_type", &self.user_type)
            .field("first_name", redact_opt(&self.first_name))
            .field("last_name", redact_opt(&self.last_name))
            .field("phone_number", redact_opt(&self.phone_number))
            .field("email", redact_opt(&self.email))
            .field("location_id", &self.location_id)
            .field("external_id", &self.external_id)
            .field("address", redact_opt(&self.address))
            .field("address_line_two", redact_opt(&self.address_line_two))
            .field("city", redact_opt(&self.city))
            .field("state", redact_opt(&self.state))
            .field("zip_code", redact_opt(&self.zip_code))
            .field("country", &self.country)
            .field("created_date", &self.created_date)
            .field("address_valid", &self.address_valid)
            .field("meta", &self.meta)
            .field("is_archived", &self.is_archived)
            .field("primary_location_id", &self.primary_location_id)
            .field("gender", redact_opt(&self.gender))
            .field("pronouns", redact_opt(&self.pronouns))
            .field("preferred_name", redact_opt(&self.preferred_name))
            .field("date_of_birth", redact_opt(&self.date_of_birth))
            .field("patient_medications", redact_opt(&self.patient_medications))
            .field("patient_source", &self.patient_source)
            .field("lead_source", &self.lead_source)
            .field("on_scheduling_blacklist", &self.on_scheduling_blacklist)
            .field("surcharge_disabled", &self.surcharge_disabled)
            .field("tags", &self.tags)
            .field("credit_balance", &self.credit_balance)
            .field("preferred_provider_id", &self.preferred_provider_id)
            .field("dosespot_patient_id", &self.dosespot_patient_id)
            .finish()
    }
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

impl ChargeDetailInput {
    /// A charge of `patient_id` with `total_outstanding` cents owed; every other field takes
    /// the spec's default.
    pub fn new(patient_id: impl Into<String>, total_outstanding: i64) -> ChargeDetailInput {
        ChargeDetailInput {
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

// ---------------------------------------------------------------------------------------
// Errors (FastAPI)

/// One part of a validation error's location: a field name or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LocPart {
    /// A field name (`body`, `patientId`...).
    Name(String),
    /// An array index.
    Index(i64),
}

impl fmt::Display for LocPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LocPart::Name(n) => f.write_str(n),
            LocPart::Index(i) => write!(f, "{i}"),
        }
    }
}

impl Serialize for LocPart {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            LocPart::Name(n) => s.serialize_str(n),
            LocPart::Index(i) => s.serialize_i64(*i),
        }
    }
}

impl<'de> Deserialize<'de> for LocPart {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = LocPart;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an integer")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LocPart, E> {
                Ok(LocPart::Name(v.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LocPart, E> {
                Ok(LocPart::Index(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LocPart, E> {
                i64::try_from(v)
                    .map(LocPart::Index)
                    .map_err(|_| E::custom("index out of range"))
            }
        }
        d.deserialize_any(V)
    }
}

/// `ValidationError`: one FastAPI validation failure. FastAPI may add an `input` field
/// holding the value it refused; it is deliberately not modelled, so it is never kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ValidationError {
    /// Location: `["body", "patientId"]`, `["query", "amount"]`, `["body", 0, "id"]`.
    pub loc: Vec<LocPart>,
    /// Message.
    pub msg: String,
    /// Error type (`missing`, `string_type`...).
    #[serde(rename = "type")]
    pub error_type: String,
}

/// `HTTPValidationError`: FastAPI's 422 answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HttpValidationError {
    /// The failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Vec<ValidationError>>,
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
