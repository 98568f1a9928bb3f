//! # patientpay-carevalidate
//!
//! The [CareValidate](https://carevalidate.com) provider of
//! [patientpay](https://docs.rs/patientpay), with your organisation's `cv-api-key`. It
//! serves the [`Checkout`](patientpay_core::Checkout) capability (a Stripe payment intent to
//! pay now, or a setup intent to save a card), and has inherent methods for what only
//! CareValidate does: finishing a payment setup, `UPDATE_PAYMENT_INFO`, case payments and
//! payment confirmations.
//!
//! | operation | endpoint | money | retried after it may have arrived |
//! |---|---|---|---|
//! | [`Checkout::start_checkout`](patientpay_core::Checkout::start_checkout) `Pay`, [`CareValidate::create_payment_intent`] | `POST /api/v1/payments/intent` | yes | no |
//! | `start_checkout` `SaveForLater`, [`CareValidate::create_setup_intent`] | `POST /api/v1/payments/setup` | no | no |
//! | [`CareValidate::complete_payment_setup`] | `POST /api/v1/complete-payment-setup` | no | no |
//! | [`CareValidate::update_payment_info`] | `POST /api/v1/users` (`UPDATE_PAYMENT_INFO`) | no | no |
//! | [`CareValidate::create_case_payment`] | `POST /api/v1/cases/:caseId/payments` | yes | yes: same `idempotencyKey` |
//! | [`CareValidate::confirm_customer_payment`] | `POST /api/v1/customer-payment-confirmation` | yes | yes: same `idempotencyKey` |
//!
//! Each operation has a `*_raw` twin returning the vendor's answer with every field
//! (`raw`), and a `*_request` twin returning the request it would send, unsent.
//!
//! - Amounts are [`Money`](patientpay_core::Money) and go to the vendor as an exact JSON
//!   number of dollars (1999 cents → `19.99`, never `19.989999…`). Only USD is accepted.
//!   Amounts CareValidate charges through Stripe (intents, case payments) must be within
//!   Stripe's USD limits, $0.50 to $999,999.99 ([`MIN_CHARGE_MINOR_UNITS`],
//!   [`MAX_CHARGE_MINOR_UNITS`]); a confirmation of a payment made elsewhere only needs to
//!   be positive and exact ([`MAX_AMOUNT_MINOR_UNITS`]).
//! - Requests are checked before any I/O; each refusal names the field.
//! - Money outcomes: on a money endpoint, a 5xx, a timeout or reset after sending, or a 200
//!   that cannot be read (or contradicts the request) is
//!   [`Error::OutcomeUnknown`](patientpay_core::Error::OutcomeUnknown), never a definite
//!   failure. `"success": false` inside a 200 is the vendor's own (definite) error.
//! - The API key, the NMI token and client secrets are secret types; e-mails, phones,
//!   addresses and payment descriptions print `<redacted>` in `Debug`; what the vendor
//!   echoes is scrubbed of the request's own values.
//!
//! ```no_run
//! use patientpay_carevalidate::{CareValidateBuilder, CreateCasePayment, Environment};
//! use patientpay_core::{Checkout, CheckoutSession, Currency, Money, StartCheckout};
//!
//! # async fn run() -> patientpay_core::Result<()> {
//! // Reads CAREVALIDATE_API_KEY (and CAREVALIDATE_BASE_URL, _ENVIRONMENT... when set).
//! let carevalidate = CareValidateBuilder::from_env()
//!     .with_environment(Environment::Staging)
//!     .build()?;
//!
//! // Through the capability trait, as for any vendor:
//! let checkout: &dyn Checkout = &carevalidate;
//! let amount = Money::parse_positive("amount", "19.99", Currency::USD)?;
//! if let CheckoutSession::ClientSecret { secret, .. } =
//!     checkout.start_checkout(StartCheckout::pay(amount)).await?
//! {
//!     let for_stripe_js = secret.expose_secret();
//!     # let _ = for_stripe_js;
//! }
//!
//! // A case payment: keep the key to repeat the call safely after an unknown outcome.
//! let key = patientpay_carevalidate::new_idempotency_key();
//! let payment = carevalidate
//!     .create_case_payment(
//!         CreateCasePayment::new("3c9a7f2e-1b4d-4e8a-9f6b-000000000001", amount, "Consultation")
//!             .with_idempotency_key(key),
//!     )
//!     .await?;
//! println!("payment {}", payment.payment_id);
//! # Ok(()) }
//! ```
//!
//! ## Where the vendor's pages are silent or disagree
//! - `POST /api/v1/payments/setup` answers `{success, paymentSecret}` (no `data` wrapper);
//!   its example secret has a `pi_` prefix although it is a setup intent. The SDK takes the
//!   secret as it comes. With no metadata it sends `{}` (the "Minimal" example sends no
//!   body).
//! - `POST /api/v1/complete-payment-setup` spells `stripeSetupID` and `postal_code`, unlike
//!   wave 1's `stripeSetupId`/`postalCode`; the SDK writes each as documented. Its answer is
//!   not shown in full; anything 2xx without `"success": false` (an empty body included) is
//!   success. Its `state` must
//!   be two letters in every country (the vendor's table).
//! - Case payments and confirmations carry an `idempotencyKey` (per organization). The SDK
//!   always sends one (the caller's, or a random UUID per logical call) and the same on
//!   every retry, so these two money calls are retried after a 5xx or a reset — the only
//!   ones that are. A 409 (the docs' text is cut after "A record…") is reported as the key
//!   having been used for another request. Confirmations always send `caseId` and
//!   `validUntil`, which every version of that page accepts.
//! - Only the vendor's JSON error shapes are shown as its message; any other body (a
//!   proxy's page) is described by status, type and length.
//! - The checkout is per organisation: a [`StartCheckout`](patientpay_core::StartCheckout)
//!   naming a patient is refused for `patient` instead of being sent without it.
//! - [`PaymentProvider::webhooks`](patientpay_core::PaymentProvider::webhooks) is the
//!   [`webhook::CareValidateWebhooks`] verifier (`x-cv-signature`, HMAC-SHA256 of the raw
//!   body), with its default body limit.
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod config;
pub mod endpoints;
mod error;
mod map;
mod types;
pub mod webhook;
pub mod wire;

pub use client::{CareValidate, NAME};
#[allow(deprecated)]
pub use config::{API_KEY_ENV, BASE_URL_ENV};
pub use config::{
    CareValidateBuilder, ENV_API_KEY, ENV_BASE_URL, ENV_ENVIRONMENT, ENV_MAX_RETRIES, ENV_TIMEOUT,
    Environment, PRODUCTION_BASE_URL, STAGING_BASE_URL,
};
pub use patientpay_core::US_STATE_CODES;
pub use types::{
    CURRENCY, CasePayment, CasePaymentStatus, CompletePaymentSetup, ConfirmCustomerPayment,
    CreateCasePayment, CreateSetupIntent, CustomerPaymentConfirmed, MAX_AMOUNT_MINOR_UNITS,
    MAX_CHARGE_MINOR_UNITS, MAX_IDEMPOTENCY_KEY_LEN, MIN_CHARGE_MINOR_UNITS, PaymentSetupCompleted,
    new_idempotency_key,
};
