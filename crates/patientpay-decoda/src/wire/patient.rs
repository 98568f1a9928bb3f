//! Patients and the verify call: `PatientSummary`, `PatientTagSummary`, `VerifyPatient`,
//! `PaymentLinkDetails`.

use std::fmt;

use patientpay_core::redact::{Redacted, redact_opt};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::{ChargeDetailWithItems, Meta, PatientSource, UserType};

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
