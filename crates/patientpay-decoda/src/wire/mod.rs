//! Decoda's JSON, 1:1: every schema our endpoints reference in Decoda's OpenAPI 3.1 spec
//! (wave 1: `decoda-openapi-subset.json`; wave 2: `decoda-wave2-openapi.json`), with every
//! field, its type, its nullability and its default.
//!
//! - Money fields are `i64` minor units (cents), as Decoda sends them; [`crate::map`] turns
//!   them into [`patientpay_core::Money`].
//! - Nullable fields are `Option` and are written back as `null`; fields with a default take
//!   it when missing (`total` 0, `status` `OUTSTANDING`, `currency` `USD`...).
//! - Date-times accept FastAPI's forms (see the crate docs for odd values).
//! - Enums are open: an unknown value parses into `Unknown(String)` and is sent back
//!   unchanged; known values parse without allocating.
//! - Unknown fields are ignored. Every type is `#[non_exhaustive]`.
//! - The spec's twins are one type: `ChargeDetail-Input` and `ChargeDetailWithItems` are
//!   [`ChargeDetail`] over their item type ([`ChargeDetailInput`],
//!   [`ChargeDetailWithItems`]); `ChargeSummary-Input` is the input charge without its
//!   payments and adjustments ([`ChargeSummaryInput`]); `Payment-Input`/`-Output` and
//!   `ChargePaymentDetail-Input`/`-Output` are identical and are one type each.
//!
//! Types holding PHI ([`PatientSummary`], [`VerifyPatient`], [`ProviderTiny`],
//! [`UserTiny`], [`PaymentTableItem`], [`BillingContact`]...) and free-form [`Meta`] have
//! hand-written `Debug` that shows no personal value.

use std::fmt;

use patientpay_core::open_enum;
use serde::{Deserialize, Serialize};

mod billing;
mod charge;
mod credit;
mod error;
mod patient;
mod payment;
pub(crate) mod verified;

pub use billing::*;
pub use charge::*;
pub use credit::*;
pub use error::*;
pub use patient::*;
pub use payment::*;

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

pub(crate) fn some_zero() -> Option<i64> {
    Some(0)
}

pub(crate) fn some_zero_f64() -> Option<f64> {
    Some(0.0)
}

pub(crate) fn yes() -> bool {
    true
}

pub(crate) fn usd() -> String {
    "USD".to_owned()
}

pub(crate) fn outstanding() -> ChargeStatus {
    ChargeStatus::Outstanding
}

pub(crate) fn product() -> ItemType {
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
