//! The capability traits: one per job a patient-payment backend does, each served by the
//! vendors that offer it, with its request and answer types.
//!
//! | capability | what | vendors |
//! |---|---|---|
//! | [`PaymentMethods`] | a patient's saved methods: list, save, remove | CarePortals, Decoda |
//! | [`Checkout`] | start a browser-side payment (client secret, component session, hosted page) | CareValidate, Decoda |
//! | [`PatientBilling`] | what a patient owes; settle from credit, pay with a saved method, refunds, credit, reconcile | Decoda |
//!
//! A vendor client implements each trait it serves, so calling a capability a vendor lacks
//! is a compile error. [`PaymentProvider`](crate::PaymentProvider) is the vendor-level handle
//! for code that picks a vendor at run time.

pub mod billing;
pub mod checkout;
pub mod payment_methods;

#[cfg(feature = "mock")]
pub use billing::MockPatientBilling;
pub use billing::PatientBilling;
pub use checkout::Checkout;
#[cfg(feature = "mock")]
pub use checkout::MockCheckout;
#[cfg(feature = "mock")]
pub use payment_methods::MockPaymentMethods;
pub use payment_methods::PaymentMethods;
