//! A summary of what the sandbox serves — credentials and sample data of every vendor — for
//! banners (`patientpay sandbox`) and docs. Serializes to JSON.

use serde::Serialize;

use crate::credentials;
use crate::vendors::State;

/// What the sandbox serves now: base URL, credentials and sample data per vendor.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct SandboxDescription {
    /// The base URL of every vendor.
    pub base_url: String,
    /// CarePortals.
    pub careportals: CarePortalsDescription,
    /// CareValidate.
    pub carevalidate: CareValidateDescription,
    /// Decoda.
    pub decoda: DecodaDescription,
}

/// CarePortals credentials and patients.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct CarePortalsDescription {
    /// The `organization` header value.
    pub organization: String,
    /// The `Origin` to send.
    pub origin: String,
    /// Every accepted `Origin`.
    pub allowed_origins: Vec<String>,
    /// The demo patient's far-future JWT ([`credentials::CAREPORTALS_TOKEN`]).
    pub token: String,
    /// The login paths (both answer).
    pub login_paths: Vec<String>,
    /// Patients who can log in, with their saved cards.
    pub patients: Vec<CarePortalsPatient>,
}

/// A CarePortals patient.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct CarePortalsPatient {
    /// Patient id (the JWT's `sub`).
    pub id: String,
    /// Login username.
    pub username: String,
    /// Login password.
    pub password: String,
    /// A far-future JWT for this patient.
    pub token: String,
    /// Saved cards: `id`, `last4`, `exp`.
    pub payment_methods: Vec<SavedCard>,
}

/// A saved card, in brief.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct SavedCard {
    /// Id.
    pub id: String,
    /// `CARD`/`ACH`/... (Decoda) or `card` (CarePortals).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Brand.
    pub brand: Option<String>,
    /// Last four digits.
    pub last4: Option<String>,
    /// The patient's default (Decoda).
    pub is_default: bool,
}

/// CareValidate credentials, users and cases.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct CareValidateDescription {
    /// Accepted `cv-api-key` values.
    pub api_keys: Vec<String>,
    /// Users (e-mails) that exist.
    pub users: Vec<String>,
    /// Cases.
    pub cases: Vec<CareValidateCase>,
    /// The sandbox-only route registering a webhook endpoint.
    pub webhook_admin_path: String,
}

/// A CareValidate case.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct CareValidateCase {
    /// Case id.
    pub id: String,
    /// Submitter e-mail.
    pub email: String,
    /// Title.
    pub title: String,
    /// Status.
    pub status: String,
}

/// Decoda credentials and patients.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct DecodaDescription {
    /// `API-KEY`.
    pub api_key: String,
    /// `TENANT`.
    pub tenant: String,
    /// Patients with what identifies them, what they owe, their credit and saved methods.
    pub patients: Vec<DecodaPatient>,
}

/// A Decoda patient.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct DecodaPatient {
    /// Patient id.
    pub id: String,
    /// Last name (for verify).
    pub last_name: String,
    /// Phone (for verify and payment links).
    pub phone: String,
    /// Date of birth (for verify).
    pub date_of_birth: String,
    /// Available credit, in cents.
    pub credit_available: i64,
    /// Owed on `OUTSTANDING` charges, in cents.
    pub owes: i64,
    /// Credits: id and remaining cents.
    pub credits: Vec<(String, i64)>,
    /// Outstanding charges: id and outstanding cents.
    pub outstanding_charges: Vec<(String, i64)>,
    /// Saved methods (not archived).
    pub payment_methods: Vec<SavedCard>,
}

pub(crate) fn describe(base_url: &str, state: &State) -> SandboxDescription {
    let cp = &state.careportals;
    let careportals = CarePortalsDescription {
        organization: credentials::CAREPORTALS_ORGANIZATION.to_owned(),
        origin: credentials::CAREPORTALS_ORIGIN.to_owned(),
        allowed_origins: credentials::CAREPORTALS_ALLOWED_ORIGINS
            .iter()
            .map(|o| (*o).to_owned())
            .collect(),
        token: credentials::CAREPORTALS_TOKEN.to_owned(),
        login_paths: vec!["/auth/login".to_owned(), "/patient/auth".to_owned()],
        patients: cp
            .patients
            .iter()
            .map(|p| CarePortalsPatient {
                id: p.id.clone(),
                username: p.username.clone(),
                password: p.password.clone(),
                token: credentials::careportals_token_for(&p.id),
                payment_methods: cp
                    .wallet(&p.id)
                    .iter()
                    .map(|m| SavedCard {
                        id: m["id"].as_str().unwrap_or_default().to_owned(),
                        kind: m["type"].as_str().map(str::to_owned),
                        brand: m["card"]["brand"].as_str().map(str::to_owned),
                        last4: m["last4"].as_str().map(str::to_owned),
                        is_default: false,
                    })
                    .collect(),
            })
            .collect(),
    };
    let cv = &state.carevalidate;
    let carevalidate = CareValidateDescription {
        api_keys: cv.api_keys.clone(),
        users: cv.users.clone(),
        cases: cv
            .cases
            .iter()
            .map(|c| CareValidateCase {
                id: c.id.clone(),
                email: c.email.clone(),
                title: c.title.clone(),
                status: c.status.clone(),
            })
            .collect(),
        webhook_admin_path: crate::vendors::carevalidate::ADMIN_WEBHOOKS_PATH.to_owned(),
    };
    let decoda = DecodaDescription {
        api_key: credentials::DECODA_API_KEY.to_owned(),
        tenant: credentials::DECODA_TENANT.to_owned(),
        patients: state
            .decoda
            .patients
            .iter()
            .map(|p| {
                let outstanding: Vec<(String, i64)> = p
                    .charges
                    .iter()
                    .filter(|c| c.status == "OUTSTANDING")
                    .map(|c| (c.id.clone(), c.total_outstanding))
                    .collect();
                DecodaPatient {
                    id: p.id.clone(),
                    last_name: p.last_name.clone(),
                    phone: p.phone.clone(),
                    date_of_birth: p.date_of_birth.clone(),
                    credit_available: crate::vendors::decoda::available_credit(p),
                    owes: outstanding.iter().map(|(_, a)| a).sum(),
                    credits: p.credits.iter().map(|c| (c.id.clone(), c.amount)).collect(),
                    outstanding_charges: outstanding,
                    payment_methods: p
                        .payment_methods
                        .iter()
                        .filter(|m| !m.is_archived)
                        .map(|m| SavedCard {
                            id: m.id.clone(),
                            kind: Some(m.method_type.clone()),
                            brand: m.brand.clone().or_else(|| m.bank_name.clone()),
                            last4: m
                                .last4
                                .clone()
                                .or_else(|| m.account_number_last4.map(|n| format!("{n:04}"))),
                            is_default: m.is_default,
                        })
                        .collect(),
                }
            })
            .collect(),
    };
    SandboxDescription {
        base_url: base_url.to_owned(),
        careportals,
        carevalidate,
        decoda,
    }
}
