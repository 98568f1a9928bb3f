//! # patientpay-decoda
//!
//! [Decoda Health](https://api.decodahealth.com) for patientpay: let a patient look up what
//! they owe (an identity check → outstanding charges and a payment link) and settle charges
//! from the patient's credit balance.
//!
//! | Operation | Decoda endpoint |
//! | --- | --- |
//! | [`verify_patient_balance`](PaymentProvider::verify_patient_balance) | `POST /billing/payment-link/verify-patient` |
//! | [`settle_charges_from_credit`](PaymentProvider::settle_charges_from_credit) | `POST /billing/payment-terminal/charge/create-patient-credit-settled` |
//!
//! Every other [`PaymentProvider`] method returns
//! [`Error::Unsupported`](patientpay_core::Error::Unsupported) without any request.
//!
//! ```no_run
//! use patientpay_core::{PaymentProvider, SettleChargesFromCredit, VerifyPatient, Money, Currency};
//! use patientpay_decoda::DecodaBuilder;
//!
//! # async fn run() -> patientpay_core::Result<()> {
//! // DECODA_API_KEY, DECODA_TENANT and optionally DECODA_BASE_URL.
//! let decoda: Box<dyn PaymentProvider> = Box::new(DecodaBuilder::from_env().build()?);
//! let dob = patientpay_core::parse_date("dob", "1985-04-12")?;
//! let balance = decoda
//!     .verify_patient_balance(VerifyPatient::new("pat_1001", "Rivera", "+14155550101", dob))
//!     .await?;
//! println!("owes {}", balance.total_outstanding);
//! // The verified charges go back unchanged.
//! let payment = decoda
//!     .settle_charges_from_credit(SettleChargesFromCredit::new(
//!         Money::from_minor(2500, Currency::USD),
//!         balance.charges,
//!     ))
//!     .await?;
//! println!("{} {}", payment.id, payment.status);
//! # Ok(()) }
//! ```
//!
//! ## Money, dates and odd values
//! Decoda's amounts are integer minor units; charges, items and credit balances are USD
//! ([`map::DECODA_CURRENCY`]), a payment is in its own `currency`. Date-times are parsed in
//! FastAPI's forms (with or without offset or fraction; naive means UTC). A **required**
//! date-time that does not parse fails the answer with
//! [`Error::Decode`](patientpay_core::Error::Decode) naming the field; a **nullable** one
//! becomes `None`, so one odd timestamp never hides what a patient owes.
//!
//! ## Settling what verify returned
//! [`Charge::vendor_data`](patientpay_core::Charge::vendor_data) keeps every Decoda field
//! the unified charge does not name (payments, tips, adjustments, meta, rule set...), so a
//! verified charge — even after a trip through JSON — goes back into settle intact. The
//! charge's embedded patient summary (PHI) is not kept; Decoda identifies the patient by
//! `patientId`.
//!
//! ## PHI and secrets
//! The `API-KEY` and `TENANT` are secrets (sensitive headers, redacted in `Debug`). Names,
//! dates of birth, phones, e-mails and addresses are redacted in every `Debug`, never
//! traced, and never copied into errors: FastAPI's 422 `input` echoes are not read.
//!
//! The full Decoda models are in [`wire`]; [`Decoda::verify_patient_raw`] and
//! [`Decoda::settle_charges_from_credit_raw`] return them.
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod config;
mod datetime;
mod error;
pub mod map;
mod provider;
pub mod wire;

pub use config::{DecodaBuilder, ENV_API_KEY, ENV_BASE_URL, ENV_TENANT, PRODUCTION_BASE_URL};
pub use patientpay_core::PaymentProvider;
pub use provider::{CAPABILITIES, Decoda, NAME};
