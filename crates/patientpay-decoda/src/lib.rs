//! # patientpay-decoda
//!
//! [Decoda Health](https://api.decodahealth.com) for patientpay. [`Decoda`] serves three
//! capabilities of `patientpay-core`:
//! [`PatientBilling`](patientpay_core::PatientBilling),
//! [`PaymentMethods`](patientpay_core::PaymentMethods) and
//! [`Checkout`](patientpay_core::Checkout), and is a
//! [`PaymentProvider`] handle.
//!
//! | Operation | Decoda endpoint ([`endpoints`]) |
//! | --- | --- |
//! | `PatientBilling::verify_patient_balance` | `POST /billing/payment-link/verify-patient` |
//! | `PatientBilling::settle_charges_from_credit` (moves money) | `POST /billing/payment-terminal/charge/create-patient-credit-settled?amount=&credit_ids=` |
//! | `PatientBilling::pay_with_saved_method` (moves money) | `POST /billing/payment-terminal/payin-config`, then `POST /billing/payment-terminal/charge-card/{payment_method_id}` |
//! | `PatientBilling::refund_payment` (moves money) | `POST /billing/payment/refund` |
//! | `PatientBilling::credit_balance` | `GET /user/patient/{id}/credit/available` |
//! | `PatientBilling::credits` (a stream of pages) | `GET /user/patient/{id}/credit?page=&per_page=` |
//! | `PatientBilling::payments` (a stream of pages) | `GET /billing/payment/table?patient_id=` |
//! | `PatientBilling::reconcile` | the payment table and `GET /billing/charge/get/{id}` ([`reconcile`]) |
//! | `PaymentMethods::list_payment_methods` | `GET /billing/payment/methods?patient_id=` |
//! | `PaymentMethods::add_payment_method` | `POST /user/patient/payment-methods/create?patient_id=` |
//! | `PaymentMethods::remove_payment_method` | `DELETE /user/patient/payment-methods/{id}?patient_id=` |
//! | `Checkout::start_checkout` (`pay_charges`) | `POST /billing/payment-terminal/payin-config` |
//! | `Checkout::start_checkout` (`pay_outstanding`) | `GET /billing/payment-links?phone_number=` |
//!
//! ```no_run
//! use patientpay_core::{
//!     Currency, ListPaymentMethods, Money, PatientBilling, PatientRef, PaymentMethods,
//!     SettleChargesFromCredit, VerifyPatient,
//! };
//! use patientpay_decoda::DecodaBuilder;
//!
//! # async fn run() -> patientpay_core::Result<()> {
//! // DECODA_API_KEY, DECODA_TENANT and optionally DECODA_BASE_URL.
//! let decoda = DecodaBuilder::from_env().build()?;
//! let dob = patientpay_core::parse_date("dob", "1985-04-12")?;
//! let balance = decoda
//!     .verify_patient_balance(VerifyPatient::new("pat_1001", "Rivera", "+14155550101", dob))
//!     .await?;
//! println!("owes {}", balance.total_outstanding);
//! // The verified charges go back unchanged: only the payable ones are sent.
//! let payment = decoda
//!     .settle_charges_from_credit(SettleChargesFromCredit::new(
//!         Money::from_minor(2500, Currency::USD),
//!         balance.charges,
//!     ))
//!     .await?;
//! println!("{} {}", payment.id, payment.status);
//! let cards = decoda
//!     .list_payment_methods(ListPaymentMethods::for_patient(PatientRef::id("pat_1001")))
//!     .await?;
//! println!("{} saved methods", cards.len());
//! # Ok(()) }
//! ```
//!
//! ## Choices where Decoda's docs are silent or disagree
//! - **Patients** are named by id ([`PatientRef::Id`](patientpay_core::PatientRef)); a
//!   patient token is refused with `InvalidInput` for `patient` before any request.
//! - **Units**: Decoda's amounts are integer minor units; charges, items, credits and refunds
//!   carry no currency and are USD ([`map::DECODA_CURRENCY`]); a payment is in its own
//!   `currency`. An amount in another currency is refused before sending.
//! - **What is owed**: `total_outstanding` sums only the charges whose state is payable
//!   (`OUTSTANDING`); settle, pay-with-saved-method and checkout send only those charges,
//!   so a patient on a payment plan settles what verify returned unchanged.
//! - **Saved-card payment medium**: undocumented; `SAVED_PAYMENT_METHOD` is sent unless the
//!   request names another ([`map::DEFAULT_SAVED_METHOD_MEDIUM`]). A checkout component
//!   session is created with `PAYMENT_LINK` ([`map::CHECKOUT_MEDIUM`]).
//! - **Charge-card answer**: it has no payment id; the returned `Payment`'s `id` is the
//!   payin id. Its `status` is a plain string, mapped to `PaymentState` when it is a
//!   `PaymentStatus` value and kept verbatim otherwise.
//! - **Payment links by phone**: a list; the first with a positive outstanding amount is the
//!   hosted page.
//! - **Retries**: reads, the identity check, the archive (DELETE) and the payin config (it
//!   moves no money) are retried; settle, charge-card and refund never once they may have
//!   arrived, and any failure after that is `OutcomeUnknown`; saving a method is not retried
//!   after it may have arrived (Decoda documents no deduplication).
//! - **Removal**: Decoda archives and answers a boolean; `false` is an error, a 404 to a
//!   retry is "already removed".
//! - **Dates**: FastAPI's forms (with or without offset or fraction; naive means UTC). A
//!   **required** date-time that does not parse fails the answer naming the field; a
//!   **nullable** one becomes `None`.
//!
//! ## PHI and secrets
//! The `API-KEY` and `TENANT` are secrets (sensitive headers built once, scrubbed from every
//! vendor text). Names, dates of birth (ISO and US forms), phones, e-mails and addresses are
//! redacted in every `Debug`, never traced, and scrubbed from errors; FastAPI's 422 `input`
//! echoes are never read; an error body that is not Decoda's JSON shape is never shown.
//!
//! The full Decoda models are in [`wire`]; the `*_raw` methods of [`Decoda`] return them.
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod billing;
mod client;
mod config;
mod datetime;
pub mod endpoints;
mod error;
pub mod map;
mod methods;
pub mod reconcile;
pub mod webhook;
pub mod wire;

pub use billing::{DEFAULT_PER_PAGE, MAX_PER_PAGE};
pub use client::{Decoda, NAME, PaymentTableQuery};
pub use config::{
    DecodaBuilder, ENV_API_KEY, ENV_BASE_URL, ENV_ENVIRONMENT, ENV_MAX_RETRIES, ENV_TENANT,
    ENV_TIMEOUT, PRODUCTION_BASE_URL,
};
pub use patientpay_core::PaymentProvider;
