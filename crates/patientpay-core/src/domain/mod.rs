//! The unified domain: what a backend asks for and gets back, whatever the vendor.
//!
//! Requests are built with `new(...)` and `with_*` methods and validated by the provider
//! before any I/O. Responses have public fields and a `new(...)` for the required ones, so a
//! test (or a mock) can build them. Types holding PHI print `<redacted>` for it in `Debug`;
//! secrets are [`secrecy`] types.
//!
//! The types of each capability live beside its trait in [`capability`] (a child of this
//! module, so the two never depend on each other in a circle); this module
//! holds what they share (patients, addresses, per-call options) and re-exports them all,
//! so `patientpay_core::domain::X` names every domain type.

pub mod capability;
mod common;
mod json_text;
mod meta;
mod patient;
mod payment_info;
mod vendor_data;

pub use capability::billing::*;
pub use capability::checkout::*;
pub use capability::payment_methods::*;
pub use common::*;
pub use json_text::JsonText;
pub use meta::{RateLimit, ResponseMeta};
pub use patient::*;
pub use payment_info::*;
pub use vendor_data::{VendorData, VendorDataBuilder};

#[cfg(test)]
mod tests;
