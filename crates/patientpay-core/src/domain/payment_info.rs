//! Updating a user's saved payment setup and shipping address (CareValidate's
//! `UPDATE_PAYMENT_INFO`, an operation only that vendor has: an inherent method of its
//! client, not a capability).

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::domain::{Address, CallOptions, require_non_empty, validate_email};
use crate::error::Result;
use crate::redact::Redacted;
use crate::with_options;

/// Updates a user's saved payment setup and shipping address. The e-mail and address
/// are PHI (redacted in `Debug`); the NMI token is a secret.
#[derive(Clone)]
#[non_exhaustive]
pub struct UpdatePaymentInfo {
    /// The user's e-mail, which identifies them.
    pub email: String,
    /// The Stripe SetupIntent id (`seti_…`).
    pub stripe_setup_id: String,
    /// The NMI payment token.
    pub nmi_payment_token: SecretString,
    /// The shipping address.
    pub shipping_address: Address,
    /// Per-call options.
    pub options: CallOptions,
}

impl UpdatePaymentInfo {
    /// Checks the e-mail's syntax, that the setup id and token are not empty, and the
    /// shipping address ([`Address::validate`]).
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) naming `email`, `stripe_setup_id`, `nmi_payment_token` or a
    /// `shipping_address.*` field.
    pub fn validate(&self) -> Result<()> {
        validate_email("email", &self.email)?;
        require_non_empty("stripe_setup_id", &self.stripe_setup_id)?;
        require_non_empty("nmi_payment_token", self.nmi_payment_token.expose_secret())?;
        self.shipping_address.validate()
    }

    /// An update request.
    pub fn new(
        email: impl Into<String>,
        stripe_setup_id: impl Into<String>,
        nmi_payment_token: impl Into<String>,
        shipping_address: Address,
    ) -> UpdatePaymentInfo {
        UpdatePaymentInfo {
            email: email.into(),
            stripe_setup_id: stripe_setup_id.into(),
            nmi_payment_token: SecretString::from(nmi_payment_token.into()),
            shipping_address,
            options: CallOptions::default(),
        }
    }
}
with_options!(UpdatePaymentInfo);

impl fmt::Debug for UpdatePaymentInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdatePaymentInfo")
            .field("email", &Redacted)
            .field("stripe_setup_id", &self.stripe_setup_id)
            .field("nmi_payment_token", &self.nmi_payment_token)
            .field("shipping_address", &self.shipping_address)
            .field("options", &self.options)
            .finish()
    }
}

/// The vendor's confirmation of a payment-info update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PaymentInfoUpdated {
    /// The vendor's result code (`PAYMENT_SETUP_UPDATED`).
    pub code: String,
}

impl PaymentInfoUpdated {
    /// A confirmation with `code`.
    pub fn new(code: impl Into<String>) -> PaymentInfoUpdated {
        PaymentInfoUpdated { code: code.into() }
    }
}
