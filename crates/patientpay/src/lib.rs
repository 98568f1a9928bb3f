//! # patientpay
//!
//! One typed, async SDK for the patient-payment APIs of several care platforms. Write your
//! code once against a **capability trait** and swap vendors behind it:
//!
//! | capability | what | vendors |
//! |---|---|---|
//! | [`PaymentMethods`] | a patient's saved payment methods: list, save, remove | CarePortals, Decoda |
//! | [`Checkout`] | start a browser-side payment: client secret, component session or hosted page | CareValidate, Decoda |
//! | [`PatientBilling`] | what a patient owes; settle from credit, pay with a saved method, refunds, credit, reconcile | Decoda |
//! | [`Webhooks`] | verify a signed delivery over its raw bytes, parse a typed event | CareValidate, Decoda |
//!
//! Each vendor client implements the traits it serves (calling one it lacks does not
//! compile); [`PaymentProvider`] is the vendor handle for code that picks a vendor at run
//! time (`provider.payment_methods()` is `None` for a vendor without saved methods).
//!
//! | feature | adds |
//! |---|---|
//! | `careportals` | [`careportals`]: `CarePortals` (PaymentMethods; patient login) |
//! | `carevalidate` | [`carevalidate`]: `CareValidate` (Checkout, Webhooks; payment-info updates, case payments) |
//! | `decoda` | [`decoda`]: `Decoda` (PaymentMethods, Checkout, PatientBilling, Webhooks) |
//! | `full` | all three |
//! | `mock` | `MockPaymentMethods`, `MockCheckout`, `MockPatientBilling`, `MockWebhooks` (mockall) |
//! | `sandbox` | [`sandbox`]: the in-process vendor emulator, with builders wired to it |
//!
//! The default features enable all three vendors. A build with one vendor feature compiles
//! no other vendor crate. Everything in [`patientpay_core`] is re-exported at the root, and
//! so is [`reqwest`] (pass your own `reqwest::ClientBuilder` with
//! `with_reqwest_builder` without matching versions by hand).
//!
//! ## Quick start
//!
//! ```no_run
//! use patientpay::decoda::DecodaBuilder;
//! use patientpay::{PatientBilling, VerifyPatient, parse_date};
//!
//! #[tokio::main]
//! async fn main() -> patientpay::Result<()> {
//!     // DECODA_API_KEY and DECODA_TENANT from the environment.
//!     let decoda = DecodaBuilder::from_env().build()?;
//!     let dob = parse_date("dob", "1985-04-12")?;
//!     let balance = decoda
//!         .verify_patient_balance(VerifyPatient::new("pat_1001", "Rivera", "+14155550101", dob))
//!         .await?;
//!     println!("owes {} — pay at {}", balance.total_outstanding, balance.payment_link);
//!     Ok(())
//! }
//! ```
//!
//! Code written once for a capability runs on every vendor that serves it:
//!
//! ```
//! use patientpay::{ListPaymentMethods, PatientRef, PaymentMethods, Result};
//!
//! async fn card_count(methods: &dyn PaymentMethods, patient: PatientRef) -> Result<usize> {
//!     Ok(methods.list_payment_methods(ListPaymentMethods::for_patient(patient)).await?.len())
//! }
//! ```
//!
//! `examples/swap_providers.rs` runs every capability on every vendor of the embedded
//! sandbox; the [`sandbox`] module (feature `sandbox`) shows how to test against it.
//!
//! Errors say which layer failed and what to do ([`Error::next_step`]); a money call is
//! never sent twice after it may have reached the vendor, and when its outcome is unknown it
//! says so ([`Error::OutcomeUnknown`]) instead of reporting a failure; secrets and PHI never
//! appear in `Debug`, errors or traces, whatever the vendor echoes.
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
/// use patientpay::{ListPaymentMethods, PaymentMethods};
///
/// let sandbox = Sandbox::start().await?;
/// let careportals = sandbox.careportals().build()?;
/// let saved = careportals.list_payment_methods(ListPaymentMethods::new()).await?;
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
