//! # patientpay-carevalidate
//!
//! The [CareValidate](https://carevalidate.com) provider of
//! [patientpay](https://docs.rs/patientpay): create Stripe payment intents
//! (`POST /api/v1/payments/intent`) and update a user's saved payment setup and shipping
//! address (`POST /api/v1/users`, `UPDATE_PAYMENT_INFO`) with your organisation's
//! `cv-api-key`, behind the vendor-neutral [`PaymentProvider`](patientpay_core::PaymentProvider) trait.
//!
//! - Amounts are [`Money`](patientpay_core::Money) and go to the vendor as an exact JSON
//!   number of dollars (1999 cents → `19.99`, never `19.989999…`). Only USD is accepted,
//!   up to [`MAX_AMOUNT_MINOR_UNITS`].
//! - Requests are checked before any I/O; each refusal names the field.
//! - The API key, the NMI token and the intent's client secret are secret types; e-mails
//!   and addresses print `<redacted>` in `Debug`; the vendor's messages are scrubbed of
//!   e-mail addresses.
//! - Other operations return [`Error::Unsupported`](patientpay_core::Error::Unsupported)
//!   without I/O; see [`CAPABILITIES`].
//!
//! ```no_run
//! use patientpay_carevalidate::{CareValidateBuilder, Environment};
//! use patientpay_core::{Address, CreatePaymentIntent, Currency, Money, PaymentMethodType,
//!     PaymentProvider, UpdatePaymentInfo};
//!
//! # async fn run() -> patientpay_core::Result<()> {
//! // Reads CAREVALIDATE_API_KEY (and CAREVALIDATE_BASE_URL when set).
//! let provider: Box<dyn PaymentProvider> = Box::new(
//!     CareValidateBuilder::from_env().with_environment(Environment::Staging).build()?,
//! );
//!
//! let amount = Money::parse_positive("amount", "19.99", Currency::USD)?;
//! let intent = provider
//!     .create_payment_intent(
//!         CreatePaymentIntent::new(amount)
//!             .with_payment_method_types([PaymentMethodType::Card, PaymentMethodType::Klarna]),
//!     )
//!     .await?;
//! let for_the_browser = intent.client_secret.expose_secret();
//! # let _ = for_the_browser;
//!
//! let updated = provider
//!     .update_payment_info(UpdatePaymentInfo::new(
//!         "john@example.com",
//!         "seti_1SNZDLKAXrtjbq2duGldHsHf",
//!         "nmi-token-from-collect-js",
//!         Address::new("1600 Pennsylvania Avenue NW", "Washington", "DC", "20500", "US"),
//!     ))
//!     .await?;
//! assert_eq!(updated.code, "PAYMENT_SETUP_UPDATED");
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod config;
mod error;
mod map;
mod provider;
pub mod wire;

pub use config::{
    API_KEY_ENV, BASE_URL_ENV, CareValidateBuilder, Environment, PRODUCTION_BASE_URL,
    STAGING_BASE_URL,
};
pub use map::{CURRENCY, MAX_AMOUNT_MINOR_UNITS, US_STATE_CODES};
pub use provider::{CAPABILITIES, CareValidate, NAME};
