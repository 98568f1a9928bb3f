//! [`PaymentProvider`], the vendor-level handle: its name and one accessor per capability.
//!
//! Code that picks a vendor at run time holds a `Box<dyn PaymentProvider>` and asks it for
//! a capability; code that knows what it needs takes the capability trait directly
//! (`&dyn PaymentMethods`, `impl Checkout`...), so a vendor without it does not compile.
//!
//! ```
//! use patientpay_core::{Capabilities, Capability, PaymentProvider};
//!
//! fn describe(provider: &dyn PaymentProvider) -> String {
//!     format!("{} serves {}", provider.name(), provider.capabilities())
//! }
//! let caps = Capabilities::from_capabilities(&[Capability::PaymentMethods, Capability::Checkout]);
//! assert!(caps.supports(Capability::Checkout));
//! assert_eq!(caps.to_string(), "payment_methods, checkout");
//! ```

use std::fmt;

use crate::capability::{Checkout, PatientBilling, PaymentMethods};
pub use crate::operation::Operation;
use crate::webhook::Webhooks;

/// A capability: one job a vendor may serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Capability {
    /// [`PaymentMethods`]: a patient's saved payment methods.
    PaymentMethods,
    /// [`Checkout`]: start a browser-side payment.
    Checkout,
    /// [`PatientBilling`]: what a patient owes and paying it.
    PatientBilling,
    /// [`Webhooks`]: verify and parse the vendor's signed deliveries.
    Webhooks,
}

impl Capability {
    /// Every capability, in declaration order.
    pub const ALL: &'static [Capability] = &[
        Capability::PaymentMethods,
        Capability::Checkout,
        Capability::PatientBilling,
        Capability::Webhooks,
    ];

    /// The snake_case name (`"payment_methods"`), as the CLI and errors print it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Capability::PaymentMethods => "payment_methods",
            Capability::Checkout => "checkout",
            Capability::PatientBilling => "patient_billing",
            Capability::Webhooks => "webhooks",
        }
    }

    const fn bit(self) -> u8 {
        match self {
            Capability::PaymentMethods => 1,
            Capability::Checkout => 2,
            Capability::PatientBilling => 4,
            Capability::Webhooks => 8,
        }
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of [`Capability`]s.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Capabilities(u8);

impl Capabilities {
    /// No capability.
    pub const NONE: Capabilities = Capabilities(0);

    /// The set of the given capabilities.
    pub const fn from_capabilities(caps: &[Capability]) -> Capabilities {
        let mut bits = 0;
        let mut i = 0;
        while i < caps.len() {
            bits |= caps[i].bit();
            i += 1;
        }
        Capabilities(bits)
    }

    /// What `provider` serves, read from its accessors (so the two never disagree).
    pub fn of<P: PaymentProvider + ?Sized>(provider: &P) -> Capabilities {
        let mut caps = Vec::with_capacity(4);
        if provider.payment_methods().is_some() {
            caps.push(Capability::PaymentMethods);
        }
        if provider.checkout().is_some() {
            caps.push(Capability::Checkout);
        }
        if provider.billing().is_some() {
            caps.push(Capability::PatientBilling);
        }
        if provider.webhooks().is_some() {
            caps.push(Capability::Webhooks);
        }
        Capabilities::from_capabilities(&caps)
    }

    /// `true` when `cap` is in the set.
    pub const fn supports(self, cap: Capability) -> bool {
        self.0 & cap.bit() != 0
    }

    /// The capabilities in the set, in declaration order.
    pub fn iter(self) -> impl Iterator<Item = Capability> {
        Capability::ALL
            .iter()
            .copied()
            .filter(move |c| self.supports(*c))
    }
}

impl fmt::Debug for Capabilities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl fmt::Display for Capabilities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(c.as_str())?;
        }
        Ok(())
    }
}

/// A patient-payment vendor, as a handle: its name and the capabilities it serves.
///
/// Each accessor returns the vendor's implementation of that capability, or `None` when the
/// vendor has no such API. [`capabilities`](PaymentProvider::capabilities) is derived from
/// the accessors. Vendor clients implement the capability traits themselves too, so
/// `fn f(m: &impl PaymentMethods)` takes a `CarePortals` directly.
///
/// ```
/// use patientpay_core::{ListPaymentMethods, PatientRef, PaymentProvider, Result, SavedPaymentMethod};
///
/// async fn saved(provider: &dyn PaymentProvider, patient: PatientRef) -> Result<Vec<SavedPaymentMethod>> {
///     match provider.payment_methods() {
///         Some(methods) => methods.list_payment_methods(ListPaymentMethods::for_patient(patient)).await,
///         None => Ok(Vec::new()), // this vendor keeps no saved methods
///     }
/// }
/// ```
pub trait PaymentProvider: Send + Sync {
    /// The vendor's short name (`"careportals"`, `"carevalidate"`, `"decoda"`).
    fn name(&self) -> &'static str;

    /// The vendor's saved payment methods, if it has them.
    fn payment_methods(&self) -> Option<&dyn PaymentMethods>;

    /// The vendor's checkout, if it has one.
    fn checkout(&self) -> Option<&dyn Checkout>;

    /// The vendor's patient billing, if it has it.
    fn billing(&self) -> Option<&dyn PatientBilling>;

    /// The vendor's webhook verification, if it signs webhooks.
    fn webhooks(&self) -> Option<&dyn Webhooks>;

    /// What the vendor serves: derived from the accessors.
    fn capabilities(&self) -> Capabilities {
        Capabilities::of(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_set() {
        let all = Capabilities::from_capabilities(Capability::ALL);
        assert_eq!(all.iter().count(), Capability::ALL.len());
        assert!(!Capabilities::NONE.supports(Capability::Checkout));
        assert_eq!(
            format!(
                "{:?}",
                Capabilities::from_capabilities(&[Capability::Checkout])
            ),
            "{Checkout}"
        );
        for c in Capability::ALL {
            let one = Capabilities::from_capabilities(&[*c]);
            assert_eq!(one.iter().collect::<Vec<_>>(), vec![*c]);
            assert_eq!(one.to_string(), c.as_str());
        }
    }

    #[test]
    fn operation_names_are_unique_snake_case() {
        let mut names: Vec<_> = Operation::ALL.iter().map(|o| o.as_str()).collect();
        assert!(
            names
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        );
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Operation::ALL.len());
    }

    #[test]
    fn trait_is_object_safe() {
        fn _takes(_: &dyn PaymentProvider) {}
        fn _boxed(_: Box<dyn PaymentProvider>) {}
        fn _arc(_: std::sync::Arc<dyn PaymentProvider>) {}
    }
}
