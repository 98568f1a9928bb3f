//! The [`PaymentProvider`] trait, its [`Operation`]s and [`Capabilities`].
//!
//! ```
//! use patientpay_core::{Capabilities, Operation};
//!
//! let caps = Capabilities::from_operations(&[Operation::VerifyPatientBalance, Operation::SettleChargesFromCredit]);
//! assert!(caps.supports(Operation::VerifyPatientBalance));
//! assert!(!caps.supports(Operation::AddPaymentMethod));
//! assert_eq!(caps.to_string(), "verify_patient_balance, settle_charges_from_credit");
//! ```

use std::fmt;

use async_trait::async_trait;

use crate::domain::{
    AddPaymentMethod, CreatePaymentIntent, ListPaymentMethods, PatientBalance, Payment,
    PaymentInfoUpdated, PaymentIntent, RemovePaymentMethod, RemovedPaymentMethod,
    SavedPaymentMethod, SettleChargesFromCredit, UpdatePaymentInfo, VerifyPatient,
};
use crate::error::Result;

/// Whether a request may be sent again after a failure that might have reached the vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetrySafety {
    /// Reads, deletes and identity checks: retried on connect errors, resets, 429 and
    /// 502/503/504.
    Idempotent,
    /// Money-moving or state-changing POSTs: retried only when the request surely never
    /// arrived (connect refused, DNS) or on 429; never after a timeout, a reset after
    /// sending, or a 5xx.
    NotIdempotent,
}

macro_rules! operations {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $bit:literal, $safety:ident; )*) => {
        /// One operation of [`PaymentProvider`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Operation {
            $( $(#[$doc])* $variant, )*
        }

        impl Operation {
            /// Every operation, in trait order.
            pub const ALL: &'static [Operation] = &[$(Operation::$variant),*];

            /// The snake_case name (`"create_payment_intent"`), as used in errors and traces.
            pub const fn as_str(self) -> &'static str {
                match self { $(Operation::$variant => $name,)* }
            }

            /// Whether a failed attempt may be retried when it may have reached the vendor.
            pub const fn retry_safety(self) -> RetrySafety {
                match self { $(Operation::$variant => RetrySafety::$safety,)* }
            }

            const fn bit(self) -> u16 {
                match self { $(Operation::$variant => 1 << $bit,)* }
            }
        }
    };
}

operations! {
    /// List a patient's saved payment methods.
    ListPaymentMethods = "list_payment_methods", 0, Idempotent;
    /// Save a new payment method (a processor token) for a patient.
    AddPaymentMethod = "add_payment_method", 1, NotIdempotent;
    /// Remove a saved payment method.
    RemovePaymentMethod = "remove_payment_method", 2, Idempotent;
    /// Create a payment intent whose client secret goes to the browser.
    CreatePaymentIntent = "create_payment_intent", 3, NotIdempotent;
    /// Update a user's saved payment setup and shipping address.
    UpdatePaymentInfo = "update_payment_info", 4, NotIdempotent;
    /// Verify a patient's identity and read their outstanding balance.
    VerifyPatientBalance = "verify_patient_balance", 5, Idempotent;
    /// Settle charges from the patient's credit balance (moves money).
    SettleChargesFromCredit = "settle_charges_from_credit", 6, NotIdempotent;
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The set of [`Operation`]s a provider supports.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Capabilities(u16);

impl Capabilities {
    /// No operation.
    pub const NONE: Capabilities = Capabilities(0);

    /// The set of the given operations.
    pub const fn from_operations(ops: &[Operation]) -> Capabilities {
        let mut bits = 0;
        let mut i = 0;
        while i < ops.len() {
            bits |= ops[i].bit();
            i += 1;
        }
        Capabilities(bits)
    }

    /// `true` when `op` is in the set.
    pub const fn supports(self, op: Operation) -> bool {
        self.0 & op.bit() != 0
    }

    /// The operations in the set, in trait order.
    pub fn operations(self) -> impl Iterator<Item = Operation> {
        Operation::ALL
            .iter()
            .copied()
            .filter(move |op| self.supports(*op))
    }
}

impl fmt::Debug for Capabilities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.operations()).finish()
    }
}

impl fmt::Display for Capabilities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, op) in self.operations().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(op.as_str())?;
        }
        Ok(())
    }
}

/// A patient-payment vendor behind one interface.
///
/// Write your code against `&dyn PaymentProvider` (or `Box<dyn PaymentProvider>`,
/// `Arc<dyn PaymentProvider>`) and any vendor can be swapped in. Each method validates its
/// request before any I/O and returns [`Error::InvalidInput`](crate::Error::InvalidInput)
/// naming the field. A vendor that lacks an operation returns
/// [`Error::Unsupported`](crate::Error::Unsupported) without I/O; ask
/// [`capabilities`](PaymentProvider::capabilities) first to avoid that.
///
/// There are no default method bodies on purpose: every vendor states its "no" explicitly.
///
/// ```
/// use patientpay_core::{Operation, PaymentProvider, Result, SavedPaymentMethod, ListPaymentMethods};
///
/// async fn saved_cards(provider: &dyn PaymentProvider) -> Result<Vec<SavedPaymentMethod>> {
///     if !provider.capabilities().supports(Operation::ListPaymentMethods) {
///         return Ok(Vec::new());
///     }
///     provider.list_payment_methods(ListPaymentMethods::new()).await
/// }
/// ```
///
/// # Errors
/// Every method returns the [`Error`](crate::Error) of the layer that failed.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait PaymentProvider: Send + Sync {
    /// The vendor's short name (`"careportals"`, `"carevalidate"`, `"decoda"`).
    fn name(&self) -> &'static str;

    /// The operations this provider supports.
    fn capabilities(&self) -> Capabilities;

    /// Lists the patient's saved payment methods.
    async fn list_payment_methods(
        &self,
        request: ListPaymentMethods,
    ) -> Result<Vec<SavedPaymentMethod>>;

    /// Saves a payment method from a processor token (Stripe `pm_…` or an NMI token).
    async fn add_payment_method(&self, request: AddPaymentMethod) -> Result<SavedPaymentMethod>;

    /// Removes a saved payment method.
    async fn remove_payment_method(
        &self,
        request: RemovePaymentMethod,
    ) -> Result<RemovedPaymentMethod>;

    /// Creates a payment intent; its client secret goes to the browser.
    async fn create_payment_intent(&self, request: CreatePaymentIntent) -> Result<PaymentIntent>;

    /// Updates a user's saved payment setup and shipping address.
    async fn update_payment_info(&self, request: UpdatePaymentInfo) -> Result<PaymentInfoUpdated>;

    /// Verifies a patient's identity and returns their outstanding charges and payment link.
    async fn verify_patient_balance(&self, request: VerifyPatient) -> Result<PatientBalance>;

    /// Settles charges from the patient's credit balance. Moves money: never retried once
    /// it may have reached the vendor.
    async fn settle_charges_from_credit(&self, request: SettleChargesFromCredit)
    -> Result<Payment>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_set() {
        let caps = Capabilities::from_operations(Operation::ALL);
        assert_eq!(caps.operations().count(), Operation::ALL.len());
        assert!(!Capabilities::NONE.supports(Operation::ListPaymentMethods));
        assert_eq!(
            format!(
                "{:?}",
                Capabilities::from_operations(&[Operation::AddPaymentMethod])
            ),
            "{AddPaymentMethod}"
        );
    }

    #[test]
    fn money_moving_operations_are_not_idempotent() {
        for op in [
            Operation::AddPaymentMethod,
            Operation::CreatePaymentIntent,
            Operation::UpdatePaymentInfo,
            Operation::SettleChargesFromCredit,
        ] {
            assert_eq!(op.retry_safety(), RetrySafety::NotIdempotent, "{op}");
        }
    }

    #[test]
    fn trait_is_object_safe() {
        fn _takes(_: &dyn PaymentProvider) {}
        fn _boxed(_: Box<dyn PaymentProvider>) {}
        fn _arc(_: std::sync::Arc<dyn PaymentProvider>) {}
    }
}
