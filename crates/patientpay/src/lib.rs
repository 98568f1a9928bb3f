//! # patientpay
//!
//! One typed, async SDK for the patient-payment APIs of several care platforms, behind one
//! [`PaymentProvider`] trait:
//!
//! | feature        | vendor        | operations |
//! |----------------|---------------|------------|
//! | `careportals`  | CarePortals   | list / add / remove a patient's saved payment methods |
//! | `carevalidate` | CareValidate  | create a payment intent; update a user's payment info |
//! | `decoda`       | Decoda Health | verify a patient's balance; settle charges from credit |
//! | `full`         | all three     | |
//! | `mock`         | —             | `MockPaymentProvider` (mockall) for unit tests |
//! | `sandbox`      | —             | [`sandbox`]: the in-process vendor emulator, with builders wired to it |
//!
//! The default features enable all three vendors. A build with one vendor feature compiles
//! no other vendor crate.
//!
//! Everything in [`patientpay_core`] is re-exported at the root: [`Money`], the domain
//! types, [`Error`], [`Capabilities`] and the [`http`] layer.
//!
//! ## Quick start
//!
//! Build a provider from its builder (credentials from the environment with `from_env()`, or
//! set explicitly), then use it only through `dyn PaymentProvider`. Here against the
//! in-process sandbox, so the example runs anywhere:
//!
//! ```
//! # #[cfg(feature = "decoda")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use patientpay::decoda::DecodaBuilder;
//! use patientpay::{Money, PaymentProvider, SettleChargesFromCredit, VerifyPatient, parse_date};
//!
//! let sandbox = patientpay_sandbox::Sandbox::start().await?;
//! let provider: Box<dyn PaymentProvider> = Box::new(
//!     DecodaBuilder::new()
//!         .with_api_key("sandbox-decoda-api-key")
//!         .with_tenant("sandbox-tenant")
//!         .with_base_url(sandbox.base_url()) // production: leave out
//!         .build()?,
//! );
//!
//! let who = VerifyPatient::new("pat_1001", "Rivera", "+14155550101", parse_date("dob", "1985-04-12")?);
//! let balance = provider.verify_patient_balance(who).await?;
//! assert_eq!(balance.total_outstanding.to_string(), "125.00 USD");
//!
//! let amount = Money::parse_positive("amount", "25.00", balance.total_outstanding.currency())?;
//! let payment = provider
//!     .settle_charges_from_credit(SettleChargesFromCredit::new(amount, balance.charges))
//!     .await?;
//! assert_eq!(payment.amount.minor_units(), 2500);
//! # Ok(()) }
//! # #[cfg(not(feature = "decoda"))]
//! # fn main() {}
//! ```
//!
//! Errors say which layer failed ([`Error`]); money-moving calls are never sent twice after
//! they may have reached the vendor; secrets and PHI never appear in `Debug`, errors or traces.
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use patientpay_core::*;

/// CarePortals: a patient's saved payment methods.
#[cfg(feature = "careportals")]
#[cfg_attr(docsrs, doc(cfg(feature = "careportals")))]
pub mod careportals {
    pub use patientpay_careportals::*;
}

/// CareValidate: payment intents and payment-info updates.
#[cfg(feature = "carevalidate")]
#[cfg_attr(docsrs, doc(cfg(feature = "carevalidate")))]
pub mod carevalidate {
    pub use patientpay_carevalidate::*;
}

/// Decoda Health: patient balances and settling charges from credit.
#[cfg(feature = "decoda")]
#[cfg_attr(docsrs, doc(cfg(feature = "decoda")))]
pub mod decoda {
    pub use patientpay_decoda::*;
}

/// The in-process sandbox of all three vendors, with provider builders wired to it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use patientpay::sandbox::{Sandbox, SandboxProviders};
/// use patientpay::{ListPaymentMethods, PaymentProvider};
///
/// let sandbox = Sandbox::start().await?;
/// let provider: Box<dyn PaymentProvider> = Box::new(sandbox.careportals().build()?);
/// let saved = provider.list_payment_methods(ListPaymentMethods::new()).await?;
/// assert_eq!(sandbox.count("GET", "/users/payment-methods"), 1);
/// # let _ = saved;
/// # Ok(()) }
/// ```
#[cfg(feature = "sandbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "sandbox")))]
pub mod sandbox {
    pub use patientpay_sandbox::*;

    /// Builders for each enabled vendor, pointed at a running [`Sandbox`] with the
    /// credentials it accepts. Change anything with the builders' `with_*` methods.
    pub trait SandboxProviders {
        /// A CarePortals builder for the sandbox's default patient.
        #[cfg(feature = "careportals")]
        fn careportals(&self) -> crate::careportals::CarePortalsBuilder;
        /// A CareValidate builder for the sandbox.
        #[cfg(feature = "carevalidate")]
        fn carevalidate(&self) -> crate::carevalidate::CareValidateBuilder;
        /// A Decoda builder for the sandbox's tenant.
        #[cfg(feature = "decoda")]
        fn decoda(&self) -> crate::decoda::DecodaBuilder;
    }

    impl SandboxProviders for Sandbox {
        #[cfg(feature = "careportals")]
        fn careportals(&self) -> crate::careportals::CarePortalsBuilder {
            crate::careportals::CarePortalsBuilder::new()
                .with_token(credentials::CAREPORTALS_TOKEN)
                .with_origin(credentials::CAREPORTALS_ORIGIN)
                .with_base_url(self.base_url())
        }

        #[cfg(feature = "carevalidate")]
        fn carevalidate(&self) -> crate::carevalidate::CareValidateBuilder {
            crate::carevalidate::CareValidateBuilder::new()
                .with_api_key(credentials::CAREVALIDATE_API_KEY)
                .with_base_url(self.base_url())
        }

        #[cfg(feature = "decoda")]
        fn decoda(&self) -> crate::decoda::DecodaBuilder {
            crate::decoda::DecodaBuilder::new()
                .with_api_key(credentials::DECODA_API_KEY)
                .with_tenant(credentials::DECODA_TENANT)
                .with_base_url(self.base_url())
        }
    }
}

/// The README's Rust code, compiled as a doc test so the quick start cannot rot.
#[cfg(all(doctest, feature = "decoda"))]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
