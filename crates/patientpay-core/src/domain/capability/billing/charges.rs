//! Verifying a patient and what they owe: [`VerifyPatient`], [`Charge`]s and their
//! [`ChargeState`], the [`PatientBalance`].

use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::domain::{CallOptions, Patient, VendorData, require_non_empty};
use crate::error::{Error, Result};
use crate::money::Money;
use crate::redact::Redacted;
use crate::{open_enum, with_options};

/// A patient's identity, as checked before showing what they owe. PHI: redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyPatient {
    /// The vendor's patient id.
    pub patient_id: String,
    /// Last name.
    pub last_name: String,
    /// Phone number.
    pub phone: String,
    /// Date of birth.
    pub date_of_birth: Date,
    /// Per-call options.
    pub options: CallOptions,
}

impl VerifyPatient {
    /// A verification request.
    pub fn new(
        patient_id: impl Into<String>,
        last_name: impl Into<String>,
        phone: impl Into<String>,
        date_of_birth: Date,
    ) -> VerifyPatient {
        VerifyPatient {
            patient_id: patient_id.into(),
            last_name: last_name.into(),
            phone: phone.into(),
            date_of_birth,
            options: CallOptions::default(),
        }
    }

    /// Checks the text fields are not empty and the date of birth is not in the future.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `patient_id`, `last_name`, `phone` or `date_of_birth`.
    pub fn validate(&self) -> Result<()> {
        require_non_empty("patient_id", &self.patient_id)?;
        require_non_empty("last_name", &self.last_name)?;
        require_non_empty("phone", &self.phone)?;
        if self.date_of_birth > OffsetDateTime::now_utc().date() {
            return Err(Error::invalid_input(
                "date_of_birth",
                "must not be in the future",
            ));
        }
        Ok(())
    }
}
with_options!(VerifyPatient);

impl fmt::Debug for VerifyPatient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyPatient")
            .field("patient_id", &self.patient_id)
            .field("last_name", &Redacted)
            .field("phone", &Redacted)
            .field("date_of_birth", &Redacted)
            .field("options", &self.options)
            .finish()
    }
}

open_enum! {
    /// Where a charge stands. Serialized with the upper-case names the CLI has always
    /// printed (`OUTSTANDING`, `PAYMENT_PLAN`...), so saved verify output still parses.
    pub enum ChargeState {
        /// Still owed.
        Outstanding = "OUTSTANDING",
        /// Paid in full.
        Paid = "PAID",
        /// Settled outside the vendor.
        SettledExternally = "EXTERNAL_SETTLEMENT",
        /// Voided: nothing is owed.
        Voided = "VOID",
        /// Written off: nothing is owed.
        WrittenOff = "WRITE_OFF",
        /// Refunded.
        Refunded = "REFUNDED",
        /// Charged back by the card holder.
        ChargedBack = "CHARGEBACK",
        /// Being paid in instalments of a payment plan.
        OnPaymentPlan = "PAYMENT_PLAN",
        /// Passed to collections.
        InCollections = "COLLECTIONS",
    }
}

impl ChargeState {
    /// Whether a charge in this state can still be paid by the patient: `Outstanding`
    /// only. A charge on a payment plan is owed, but through the plan's own schedule (the
    /// vendor refuses to settle it directly); collections, paid, voided, written off,
    /// refunded, charged back and settled-externally charges are not payable here, and an
    /// unknown state is not assumed payable.
    pub fn is_payable(&self) -> bool {
        matches!(self, ChargeState::Outstanding)
    }
}

/// One line of a charge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChargeItem {
    /// The line's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What was sold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How many.
    pub quantity: i64,
    /// Price of one.
    pub unit_price: Money,
    /// Vendor fields the unified model does not name.
    #[serde(default, skip_serializing_if = "VendorData::is_empty")]
    pub vendor_data: VendorData,
}

impl ChargeItem {
    /// `quantity` × `unit_price`.
    pub fn new(quantity: i64, unit_price: Money) -> ChargeItem {
        ChargeItem {
            id: None,
            name: None,
            quantity,
            unit_price,
            vendor_data: VendorData::default(),
        }
    }
}

/// A charge on a patient's account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Charge {
    /// The charge's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The patient charged.
    pub patient_id: String,
    /// Status.
    pub status: ChargeState,
    /// The charge's total.
    pub total: Money,
    /// What is still owed.
    pub total_outstanding: Money,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When it was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// Its lines.
    #[serde(default)]
    pub items: Vec<ChargeItem>,
    /// Vendor fields the unified model does not name (kept for settling).
    #[serde(default, skip_serializing_if = "VendorData::is_empty")]
    pub vendor_data: VendorData,
}

impl Charge {
    /// A charge with the required fields.
    pub fn new(
        patient_id: impl Into<String>,
        status: ChargeState,
        total: Money,
        total_outstanding: Money,
    ) -> Charge {
        Charge {
            id: None,
            patient_id: patient_id.into(),
            status,
            total,
            total_outstanding,
            description: None,
            created_at: None,
            items: Vec::new(),
            vendor_data: VendorData::default(),
        }
    }
}

/// What a patient owes, after a successful identity check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PatientBalance {
    /// The patient (PHI, redacted in `Debug`).
    pub patient: Patient,
    /// Their charges.
    pub charges: Vec<Charge>,
    /// What the patient can pay now: the sum of the outstanding amounts of the charges
    /// whose state [is payable](ChargeState::is_payable). Charges on a payment plan, in
    /// collections, paid, voided... are listed but not counted.
    pub total_outstanding: Money,
    /// A link where the patient can pay.
    pub payment_link: String,
}

impl PatientBalance {
    /// A balance; `total_outstanding` is computed from the payable charges (see the field).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `charges` when they mix currencies or overflow.
    pub fn new(
        patient: Patient,
        charges: Vec<Charge>,
        payment_link: impl Into<String>,
        currency: crate::Currency,
    ) -> Result<PatientBalance> {
        let total_outstanding = Money::sum(
            "charges",
            currency,
            charges
                .iter()
                .filter(|c| c.status.is_payable() && c.total_outstanding.is_positive())
                .map(|c| c.total_outstanding),
        )?;
        Ok(PatientBalance {
            patient,
            charges,
            total_outstanding,
            payment_link: payment_link.into(),
        })
    }
}

/// The charges of `charges` that can be paid now.
pub fn payable(charges: &[Charge]) -> impl Iterator<Item = &Charge> {
    charges
        .iter()
        .filter(|c| c.status.is_payable() && c.total_outstanding.is_positive())
}
