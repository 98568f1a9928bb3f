//! Patients: how a caller names one ([`PatientRef`]), what a vendor says about one
//! ([`Patient`]), their addresses and billing details. Everything here that is PHI prints
//! `<redacted>` in `Debug`.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::domain::require_non_empty;
use crate::error::{Error, Result};
use crate::money::Money;
use crate::redact::{Redacted, redact_opt};

/// `YYYY-MM-DD` serde for dates (time's default is a tuple).
pub(crate) mod ymd {
    time::serde::format_description!(pub(crate) iso_date, Date, "[year]-[month]-[day]");
}

// ---------------------------------------------------------------------------------------
// Naming a patient

/// How a caller names the patient a call is about, the same way for every vendor of a
/// capability.
///
/// Vendors identify patients differently: CarePortals by the patient's own session token
/// (a JWT: the call acts *as* the patient), Decoda by the patient's id (the call acts for
/// the clinic). A vendor given the kind of reference it cannot use refuses the call with
/// [`Error::InvalidInput`] for `patient` before any I/O — never a silent call for the wrong
/// person.
///
/// ```
/// use patientpay_core::PatientRef;
///
/// let by_id = PatientRef::id("pat_1001");
/// assert_eq!(by_id.patient_id(), Some("pat_1001"));
/// let by_token = PatientRef::token("eyJhbGciOi...");
/// assert!(by_token.patient_id().is_none());
/// assert!(!format!("{by_token:?}").contains("eyJ")); // the token is a secret
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub enum PatientRef {
    /// The vendor's patient id (Decoda `patient_id`).
    Id(String),
    /// The patient's own session token (CarePortals patient JWT). A secret.
    Token(SecretString),
}

impl PatientRef {
    /// A reference by the vendor's patient id.
    pub fn id(id: impl Into<String>) -> PatientRef {
        PatientRef::Id(id.into())
    }

    /// A reference by the patient's session token (a JWT).
    pub fn token(token: impl Into<String>) -> PatientRef {
        PatientRef::Token(SecretString::from(token.into()))
    }

    /// The patient id, for [`PatientRef::Id`].
    pub fn patient_id(&self) -> Option<&str> {
        match self {
            PatientRef::Id(id) => Some(id),
            PatientRef::Token(_) => None,
        }
    }

    /// The session token, for [`PatientRef::Token`].
    pub fn session_token(&self) -> Option<&SecretString> {
        match self {
            PatientRef::Token(t) => Some(t),
            PatientRef::Id(_) => None,
        }
    }

    /// What kind of reference this is, in words (`"a patient id"`, `"a patient token"`).
    pub fn kind(&self) -> &'static str {
        match self {
            PatientRef::Id(_) => "a patient id",
            PatientRef::Token(_) => "a patient token",
        }
    }

    /// The patient id a vendor that names patients by id needs, checked: not empty, at
    /// most 128 characters, no control characters or surrounding whitespace.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `patient` when this is a token (naming `provider`, which
    /// needs an id) or the id is malformed.
    pub fn require_id(&self, provider: &str) -> Result<&str> {
        match self {
            PatientRef::Id(id) => {
                crate::domain::check_id("patient", id)?;
                Ok(id)
            }
            PatientRef::Token(_) => Err(Error::invalid_input(
                "patient",
                format!(
                    "{provider} names patients by id: use PatientRef::id(..), not a patient token"
                ),
            )),
        }
    }

    /// The session token a vendor that acts as the patient needs.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `patient` when this is an id (naming `provider`, which
    /// needs the patient's token) or the token is empty.
    pub fn require_token(&self, provider: &str) -> Result<&SecretString> {
        match self {
            PatientRef::Token(t) if !t.expose_secret().trim().is_empty() => Ok(t),
            PatientRef::Token(_) => Err(Error::invalid_input(
                "patient",
                "the patient token is empty",
            )),
            PatientRef::Id(_) => Err(Error::invalid_input(
                "patient",
                format!(
                    "{provider} acts as the patient: use PatientRef::token(<the patient's JWT>), not a patient id"
                ),
            )),
        }
    }
}

impl fmt::Debug for PatientRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatientRef::Id(id) => f.debug_tuple("Id").field(id).finish(),
            PatientRef::Token(_) => f.write_str("Token(<redacted>)"),
        }
    }
}

impl PartialEq for PatientRef {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (PatientRef::Id(a), PatientRef::Id(b)) => a == b,
            (PatientRef::Token(a), PatientRef::Token(b)) => a.expose_secret() == b.expose_secret(),
            _ => false,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Addresses and billing details (PHI)

/// US state, district, territory and military codes accepted as `state` when the country is US.
pub const US_STATE_CODES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI", "UM", "AA", "AE", "AP",
];

/// Checks e-mail syntax (`name@example.com`, at most 254 characters, no spaces).
///
/// # Errors
/// [`Error::InvalidInput`] naming `field`; the reason never repeats the address.
pub fn validate_email(field: &'static str, email: &str) -> Result<()> {
    let bad = |reason: &str| Err(Error::invalid_input(field, reason));
    let email = email.trim();
    if email.is_empty() {
        return bad("must not be empty");
    }
    if email.len() > 254 {
        return bad("is longer than 254 characters");
    }
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("must not contain spaces");
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return bad("must be an e-mail address like name@example.com");
    };
    let domain_ok = domain.contains('.')
        && domain
            .split('.')
            .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'))
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    if local.is_empty() || local.contains('@') || local.len() > 64 || !domain_ok {
        return bad("must be an e-mail address like name@example.com");
    }
    Ok(())
}

fn is_us(country: &str) -> bool {
    country.trim().eq_ignore_ascii_case("US")
}

impl Address {
    /// Checks a shipping address: line 1, city and postal code present; a 2-letter country;
    /// in the US a real state code and a ZIP code, elsewhere a non-empty state. Fields are
    /// named `shipping_address.*`; reasons never repeat the value.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field.
    pub fn validate(&self) -> Result<()> {
        let address = self;
        require_non_empty("shipping_address.line1", &address.line1)?;
        require_non_empty("shipping_address.city", &address.city)?;
        let country = address.country.trim();
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(Error::invalid_input(
                "shipping_address.country",
                "must be a 2-letter ISO 3166-1 country code such as US",
            ));
        }
        let state = address.state.trim();
        if is_us(country) {
            if !US_STATE_CODES
                .iter()
                .any(|code| code.eq_ignore_ascii_case(state))
            {
                return Err(Error::invalid_input(
                    "shipping_address.state",
                    "must be a US state abbreviation such as DC or NY when the country is US",
                ));
            }
        } else {
            require_non_empty("shipping_address.state", state)?;
        }
        let postal = address.postal_code.trim();
        require_non_empty("shipping_address.postal_code", postal)?;
        if is_us(country) && !is_us_zip(postal) {
            return Err(Error::invalid_input(
                "shipping_address.postal_code",
                "must be a US ZIP code (12345 or 12345-6789) when the country is US",
            ));
        }
        Ok(())
    }
}

fn is_us_zip(zip: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match zip.split_once('-') {
        Some((five, four)) => digits(five, 5) && digits(four, 4),
        None => digits(zip, 5),
    }
}

/// A postal address. PHI: every field prints `<redacted>` in `Debug`.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Address {
    /// Street address.
    pub line1: String,
    /// Apartment, suite...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// State, province or region (a US state code such as `DC` in the US).
    pub state: String,
    /// Postal or ZIP code.
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 country code (`US`).
    pub country: String,
}

impl Address {
    /// An address without a second line.
    pub fn new(
        line1: impl Into<String>,
        city: impl Into<String>,
        state: impl Into<String>,
        postal_code: impl Into<String>,
        country: impl Into<String>,
    ) -> Address {
        Address {
            line1: line1.into(),
            line2: None,
            city: city.into(),
            state: state.into(),
            postal_code: postal_code.into(),
            country: country.into(),
        }
    }

    /// Sets the second line.
    pub fn with_line2(mut self, line2: impl Into<String>) -> Address {
        self.line2 = Some(line2.into());
        self
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Address")
            .field("line1", &Redacted)
            .field("line2", redact_opt(&self.line2))
            .field("city", &Redacted)
            .field("state", &Redacted)
            .field("postal_code", &Redacted)
            .field("country", &self.country)
            .finish()
    }
}

/// The billing details saved with a payment method. PHI: redacted in `Debug`.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BillingDetails {
    /// Cardholder name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Billing address; any part may be missing, so parts are optional here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<PartialAddress>,
}

impl fmt::Debug for BillingDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BillingDetails")
            .field("name", redact_opt(&self.name))
            .field("email", redact_opt(&self.email))
            .field("phone", redact_opt(&self.phone))
            .field("address", &self.address)
            .finish()
    }
}

/// An address whose parts may each be missing (processors return what the patient typed).
/// PHI: redacted in `Debug`.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PartialAddress {
    /// Street address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line1: Option<String>,
    /// Apartment, suite...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

impl fmt::Debug for PartialAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PartialAddress")
            .field("line1", redact_opt(&self.line1))
            .field("line2", redact_opt(&self.line2))
            .field("city", redact_opt(&self.city))
            .field("state", redact_opt(&self.state))
            .field("postal_code", redact_opt(&self.postal_code))
            .field("country", &self.country)
            .finish()
    }
}

/// Parses a `YYYY-MM-DD` calendar date (Feb 30 is refused).
///
/// # Errors
/// [`Error::InvalidInput`] naming `field`; the message never repeats the input.
pub fn parse_date(field: &'static str, text: &str) -> Result<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), &format)
        .map_err(|_| Error::invalid_input(field, "must be a real calendar date in YYYY-MM-DD form"))
}

/// A patient as the vendor describes them. PHI: redacted in `Debug`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Patient {
    /// The vendor's patient id.
    pub id: String,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Date of birth (`YYYY-MM-DD` in JSON).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "ymd::iso_date::option"
    )]
    pub date_of_birth: Option<Date>,
    /// Address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<PartialAddress>,
    /// The patient's credit balance, when the vendor reports one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_balance: Option<Money>,
}

impl Patient {
    /// A patient with only an id.
    pub fn new(id: impl Into<String>) -> Patient {
        Patient {
            id: id.into(),
            first_name: None,
            last_name: None,
            email: None,
            phone: None,
            date_of_birth: None,
            address: None,
            credit_balance: None,
        }
    }
}

impl fmt::Debug for Patient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Patient")
            .field("id", &self.id)
            .field("first_name", redact_opt(&self.first_name))
            .field("last_name", redact_opt(&self.last_name))
            .field("email", redact_opt(&self.email))
            .field("phone", redact_opt(&self.phone))
            .field("date_of_birth", redact_opt(&self.date_of_birth))
            .field("address", &self.address)
            .field("credit_balance", &self.credit_balance)
            .finish()
    }
}
