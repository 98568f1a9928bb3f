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
//! | `mock`         | —             | [`MockPaymentProvider`] (mockall) for unit tests |
//!
//! The default features enable all three vendors. A build with one vendor feature compiles
//! no other vendor crate.
//!
//! Everything in [`patientpay_core`] is re-exported at the root: [`Money`], the domain
//! types, [`Error`], [`Capabilities`] and the [`http`] layer.
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
