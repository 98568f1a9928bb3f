//! # patientpay-careportals
//!
//! The CarePortals Patient API behind patientpay's [`PaymentProvider`]: list, save and
//! remove a patient's payment methods (Stripe or NMI), with the patient's JWT.
//!
//! | Operation | Endpoint |
//! |---|---|
//! | [`list_payment_methods`](PaymentProvider::list_payment_methods) | `GET /users/payment-methods` |
//! | [`add_payment_method`](PaymentProvider::add_payment_method) | `POST /v2/users/payment-methods` |
//! | [`remove_payment_method`](PaymentProvider::remove_payment_method) | `DELETE /v2/users/payment-methods/{id}` |
//!
//! Every other operation returns [`Error::Unsupported`](patientpay_core::Error::Unsupported)
//! without I/O.
//!
//! One [`CarePortals`] client serves many patients: [`CarePortals::for_patient`] gives a
//! cheap handle with another patient's JWT that shares the connection pool.
//!
//! ```no_run
//! use patientpay_careportals::CarePortalsBuilder;
//! use patientpay_core::{AddPaymentMethod, ListPaymentMethods, PaymentProvider, RemovePaymentMethod};
//!
//! # async fn run() -> patientpay_core::Result<()> {
//! // Reads CAREPORTALS_TOKEN, CAREPORTALS_ORIGIN and optionally CAREPORTALS_BASE_URL.
//! let client = CarePortalsBuilder::from_env().build()?;
//! let provider: Box<dyn PaymentProvider> = Box::new(client.for_patient("eyJ...another-patient"));
//!
//! let added = provider.add_payment_method(AddPaymentMethod::new("pm_1Rz78FKeCoUxIkZxXhFa0HlF")).await?;
//! for method in provider.list_payment_methods(ListPaymentMethods::new()).await? {
//!     println!("{} {:?} ending {:?}", method.kind, method.brand, method.last4);
//! }
//! if let Some(id) = added.id {
//!     provider.remove_payment_method(RemovePaymentMethod::new(id)).await?;
//! }
//! # Ok(()) }
//! ```
//!
//! Mapping rules (which processor holds a method, which id an added method gets, how
//! `exp` is read) are documented in the `map` module's source and on
//! [`SavedPaymentMethod`](patientpay_core::SavedPaymentMethod)'s fields: a `pm_`/`card_`/
//! `ba_`/`src_` id is Stripe, anything else NMI; an added `pm_…` token is the saved
//! method's id (Stripe attaches that PaymentMethod), while an NMI token gives `id: None`;
//! `exp` (`"4/2029"`) that does not parse gives no expiry rather than an error.
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

mod config;
mod error;
mod map;
mod provider;
pub mod wire;

pub use config::{CarePortalsBuilder, ENV_BASE_URL, ENV_ORIGIN, ENV_TOKEN, PRODUCTION_BASE_URL};
pub use patientpay_core::PaymentProvider;
pub use provider::{CarePortals, NAME};
