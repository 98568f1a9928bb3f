//! Refunds: [`RefundPayment`] asks, [`Refund`] answers, [`RefundReason`] says why.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::payments::PaymentState;
use crate::domain::{CallOptions, VendorData};
#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;
use crate::money::Money;
use crate::{open_enum, with_options};

open_enum! {
    /// Why a payment is refunded.
    pub enum RefundReason {
        /// The patient was charged twice.
        Duplicate = "DUPLICATE",
        /// The patient disputed the payment.
        Dispute = "DISPUTE",
        /// A booking fee is returned.
        BookingFee = "BOOKING_FEE",
        /// Anything else (say what in the description).
        Other = "OTHER",
    }
}

/// Refunds (part of) a payment.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RefundPayment {
    /// The payment to refund.
    pub payment_id: String,
    /// The provider (clinician) user the refund is made by, as the vendor requires.
    pub provider_id: String,
    /// How much (positive; at most what is left to refund of the payment).
    pub amount: Money,
    /// Why.
    pub reason: RefundReason,
    /// A note (shown to staff; do not put PHI here).
    pub description: Option<String>,
    /// The location the refund is booked at.
    pub location_id: Option<String>,
    /// Put sold inventory back in stock.
    pub restore_inventory: bool,
    /// Per-call options.
    pub options: CallOptions,
}

impl RefundPayment {
    /// Refunds `amount` of payment `payment_id`.
    pub fn new(
        payment_id: impl Into<String>,
        provider_id: impl Into<String>,
        amount: Money,
        reason: RefundReason,
    ) -> RefundPayment {
        RefundPayment {
            payment_id: payment_id.into(),
            provider_id: provider_id.into(),
            amount,
            reason,
            description: None,
            location_id: None,
            restore_inventory: false,
            options: CallOptions::default(),
        }
    }

    /// Adds a description.
    pub fn with_description(mut self, description: impl Into<String>) -> RefundPayment {
        self.description = Some(description.into());
        self
    }

    /// Checks ids and amount.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `payment_id`, `provider_id` or `amount`.
    pub fn validate(&self) -> Result<()> {
        crate::domain::check_id("payment_id", &self.payment_id)?;
        crate::domain::check_id("provider_id", &self.provider_id)?;
        self.amount.ensure_positive("amount")?;
        if let Some(id) = &self.location_id {
            crate::domain::check_id("location_id", id)?;
        }
        Ok(())
    }
}
with_options!(RefundPayment);

/// A refund.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Refund {
    /// The refund's id.
    pub id: String,
    /// The refunded payment.
    pub payment_id: String,
    /// How much.
    pub amount: Money,
    /// Why.
    pub reason: RefundReason,
    /// Where it stands.
    pub status: PaymentState,
    /// When it was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// The processor's refund id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processor_refund_id: Option<String>,
    /// The fee of the refund.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<Money>,
    /// Every other field the vendor sent.
    #[serde(default, skip_serializing_if = "VendorData::is_empty")]
    pub vendor_data: VendorData,
}

impl Refund {
    /// A refund with the required fields.
    pub fn new(
        id: impl Into<String>,
        payment_id: impl Into<String>,
        amount: Money,
        reason: RefundReason,
        status: PaymentState,
    ) -> Refund {
        Refund {
            id: id.into(),
            payment_id: payment_id.into(),
            amount,
            reason,
            status,
            created_at: None,
            processor_refund_id: None,
            fee: None,
            vendor_data: VendorData::default(),
        }
    }
}
