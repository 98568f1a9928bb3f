//! # patientpay-core
//!
//! The vendor-neutral heart of [patientpay](https://docs.rs/patientpay): exact [`Money`],
//! the unified domain types, the [`PaymentProvider`] trait with [`Capabilities`], the one
//! [`Error`] type, and the [`http`] layer every vendor crate shares (timeouts, retries by
//! retry-safety, size cap, redaction, tracing).
//!
//! Most users depend on the `patientpay` umbrella crate instead, which re-exports all of
//! this and the vendor crates behind features.
//!
//! ```
//! use patientpay_core::{Currency, Error, Money};
//!
//! let amount = Money::parse_positive("amount", "19.99", Currency::USD)?;
//! assert_eq!(amount.minor_units(), 1999);
//! # Ok::<(), Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod domain;
pub mod error;
pub mod http;
pub mod money;
mod open_enum;
pub mod provider;
pub mod redact;

#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod conformance;

pub use domain::*;
pub use error::{Error, Result};
pub use money::{AmountError, Currency, MajorUnitsJson, Money};
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub use provider::MockPaymentProvider;
pub use provider::{Capabilities, Operation, PaymentProvider, RetrySafety};

/// Re-exports used by [`open_enum!`]'s expansion; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use serde;
}

pub use async_trait::async_trait;
pub use secrecy;
pub use time;
