//! # patientpay-core
//!
//! The vendor-neutral heart of [patientpay](https://docs.rs/patientpay): exact [`Money`],
//! the domain types, the [capability traits](capability) ([`PaymentMethods`], [`Checkout`],
//! [`PatientBilling`], [`Webhooks`]) and the [`PaymentProvider`] handle, the one [`Error`]
//! type, and the one request [`pipeline`] every vendor crate runs its endpoints through
//! (timeouts, retries by retry safety, size caps, scrubbing, tracing, money outcomes).
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
pub mod money;
mod open_enum;
mod operation;
mod outcome;
pub mod pipeline;
pub mod provider;
pub mod redact;
pub mod scrub;
pub mod webhook;

/// The pipeline under its wave-1 name (`patientpay_core::http::HttpClient`...).
pub mod http {
    pub use crate::pipeline::*;
}

#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod conformance;

pub use capability::{Checkout, PatientBilling, PaymentMethods};
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub use capability::{MockCheckout, MockPatientBilling, MockPaymentMethods};
pub use domain::capability;
pub use domain::*;
pub use error::{Error, Result};
pub use money::{AmountError, Currency, MajorUnitsJson, Money};
pub use pipeline::{ClientOptions, ResponseMeta, RetrySafety};
pub use provider::{Capabilities, Capability, Operation, PaymentProvider};
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub use webhook::MockWebhooks;
pub use webhook::{
    DedupeStore, InMemoryDedupe, WebhookData, WebhookError, WebhookEvent, WebhookEventKind,
    WebhookSecret, Webhooks,
};

/// Re-exports used by [`open_enum!`]'s expansion; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use serde;
}

pub use async_trait::async_trait;
pub use futures_util;
pub use reqwest;
pub use secrecy;
pub use time;
