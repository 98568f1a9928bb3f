//! # patientpay-careportals
//!
//! The CarePortals Patient API as patientpay's [`PaymentMethods`] capability: list, save and
//! remove a patient's saved payment methods (Stripe or NMI), acting as the patient with
//! their JWT; plus patient login.
//!
//! | Operation | Endpoint |
//! |---|---|
//! | [`list_payment_methods`](PaymentMethods::list_payment_methods) | `GET /users/payment-methods` |
//! | [`add_payment_method`](PaymentMethods::add_payment_method) | `POST /v2/users/payment-methods` `{"paymentMethodId"}` |
//! | [`remove_payment_method`](PaymentMethods::remove_payment_method) | `DELETE /v2/users/payment-methods/{id}` |
//! | [`CarePortals::login`] | `POST /auth/login` `{"username", "password"}` (configurable) |
//!
//! As a [`PaymentProvider`], CarePortals serves `payment_methods()` only (`checkout()`,
//! `billing()` and `webhooks()` are `None`: its pages document no such API for a backend).
//!
//! The patient: CarePortals acts *as* the patient, so a request's `patient` is `None` (the
//! patient this handle acts for: the builder's JWT, [`CarePortals::for_patient`] or
//! [`CarePortals::login`]) or `Some(PatientRef::token(jwt))`; a `PatientRef::id(..)` is
//! refused with `InvalidInput` for `patient`. One client serves many patients: every handle
//! shares its connection pool.
//!
//! ```no_run
//! use patientpay_careportals::CarePortalsBuilder;
//! use patientpay_core::{
//!     AddPaymentMethod, ListPaymentMethods, PatientRef, PaymentMethods, RemovePaymentMethod,
//! };
//!
//! # async fn run() -> patientpay_core::Result<()> {
//! // Reads CAREPORTALS_TOKEN, CAREPORTALS_ORGANIZATION, CAREPORTALS_ORIGIN, CAREPORTALS_BASE_URL...
//! let client = CarePortalsBuilder::from_env().build()?;
//! let methods: &dyn PaymentMethods = &client;
//!
//! methods.add_payment_method(AddPaymentMethod::new("pm_1Rz78FKeCoUxIkZxXhFa0HlF")).await?;
//! for method in methods.list_payment_methods(ListPaymentMethods::new()).await? {
//!     println!("{} {:?} ending {:?}", method.kind, method.brand, method.last4);
//! }
//! // Another patient, for one call:
//! let theirs = ListPaymentMethods::for_patient(PatientRef::token("eyJ...another-patient"));
//! let _ = methods.list_payment_methods(theirs).await?;
//! methods
//!     .remove_payment_method(RemovePaymentMethod::new("pm_1Rz78FKeCoUxIkZxXhFa0HlF"))
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! ## Choices where the vendor's pages are silent or disagree
//! - **Which processor holds a method**: not said. A `pm_`/`card_`/`ba_`/`src_` id, or
//!   `"object": "payment_method"`, is Stripe; anything else NMI.
//! - **The id of an added method**: the add answer has none. A real Stripe `pm_…` id is
//!   attached as is, so it is the saved id; Stripe test tokens (`pm_card_…`) and NMI tokens
//!   give `id: None` (list to find the new method).
//! - **`exp`** (`"4/2029"`) that does not parse gives no expiry rather than an error; the
//!   card's `exp_month` is accepted as a number (Stripe) or a string (the docs).
//! - **Reconciliation fields** (`fingerprint`, `funding`, `wallet`, `customer`,
//!   `created_at`) are typed on [`SavedPaymentMethod`](patientpay_core::SavedPaymentMethod);
//!   every other field of the Stripe object stays in its `vendor_data`; the `*_raw`
//!   methods return the full [`wire`] objects.
//! - **Removal**: retried like any idempotent call; a 404 answering a *retry* means the
//!   earlier attempt removed it (reported removed, `already_removed: true`); a first-attempt
//!   404 stays an error. `{"success": false}` on a 200 is an error.
//! - **The `organization` header**: required on every call by the authentication guide and
//!   the Public API pages, only on custom domains by the Patient API pages. A server has no
//!   portal subdomain, so it is sent on every request when configured, and the builder
//!   needs at least one of organization and `Origin`.
//! - **Login**: the guide names `POST /patient/auth`, a live integration observed
//!   `POST /auth/login` answering `{"token"}` and 400/401 for bad credentials. The default
//!   is the observed path ([`with_login_path`](CarePortalsBuilder::with_login_path) picks
//!   another); 400, 401 and 403 are [`Error::Auth`](patientpay_core::Error::Auth). The
//!   patient id and expiry come from the JWT payload (`sub`, `exp`), read **without
//!   verifying** the signature (only CarePortals can), never logged.
//! - **Error messages** are shown only from CarePortals' JSON error shape
//!   (`{statusCode, message}`); any other body is described by status, type and length.
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

mod client;
mod config;
mod endpoints;
mod error;
mod login;
mod map;
mod settings;
pub mod wire;

pub use client::CarePortals;
pub use config::CarePortalsBuilder;
pub use login::CarePortalsSession;
pub use patientpay_core::{PaymentMethods, PaymentProvider};
pub use settings::{
    DEFAULT_LOGIN_PATH, ENV_BASE_URL, ENV_ENVIRONMENT, ENV_LOGIN_PATH, ENV_MAX_RETRIES,
    ENV_ORGANIZATION, ENV_ORIGIN, ENV_PASSWORD, ENV_PREFIX, ENV_TIMEOUT, ENV_TOKEN, NAME,
    PRODUCTION_BASE_URL,
};
