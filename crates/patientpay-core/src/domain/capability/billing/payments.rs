//! Paying charges: from the patient's credit ([`SettleChargesFromCredit`]) or with a saved
//! method ([`PayWithSavedMethod`]); the resulting [`Payment`] and its [`PaymentState`]; the
//! payment history ([`ListPayments`]).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::charges::{Charge, payable};
#[cfg(doc)]
use super::{ChargeState, PatientBilling};
use crate::domain::{CallOptions, PatientRef, VendorData};
use crate::error::{Error, Result};
use crate::money::Money;
use crate::{open_enum, with_options};

open_enum! {
    /// Where a payment stands. Serialized with the upper-case names the CLI has always
    /// printed.
    pub enum PaymentState {
        /// Canceled before it completed.
        Canceled = "CANCELED",
        /// Created, not yet processed.
        Pending = "CREATED",
        /// Failed: no money moved.
        Failed = "FAILED",
        /// Held for review.
        InReview = "IN_REVIEW",
        /// Presented to the patient, waiting for them (a terminal or a page).
        AwaitingPatient = "PRESENTING",
        /// Processing: the money is moving.
        Processing = "PROCESSING",
        /// Succeeded.
        Succeeded = "SUCCEEDED",
    }
}

impl PaymentState {
    /// `true` when money has moved or may still move (everything but failed and canceled).
    pub fn may_have_moved_money(&self) -> bool {
        !matches!(self, PaymentState::Failed | PaymentState::Canceled)
    }
}

/// Settles charges from the patient's credit balance.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SettleChargesFromCredit {
    /// How much credit to apply (positive, not above the charges' outstanding total).
    pub amount: Money,
    /// The charges to settle, as returned by
    /// [`verify_patient_balance`](PatientBilling::verify_patient_balance).
    pub charges: Vec<Charge>,
    /// Specific credits to use; empty lets the vendor apply credits oldest first.
    pub credit_ids: Vec<String>,
    /// Per-call options.
    pub options: CallOptions,
}

impl SettleChargesFromCredit {
    /// Settles `charges` with `amount` of credit.
    pub fn new(amount: Money, charges: Vec<Charge>) -> SettleChargesFromCredit {
        SettleChargesFromCredit {
            amount,
            charges,
            credit_ids: Vec::new(),
            options: CallOptions::default(),
        }
    }

    /// Uses only these credits.
    pub fn with_credit_ids<S: Into<String>>(
        mut self,
        ids: impl IntoIterator<Item = S>,
    ) -> SettleChargesFromCredit {
        self.credit_ids = ids.into_iter().map(Into::into).collect();
        self
    }

    /// The charges that can be paid now ([payable](ChargeState::is_payable) with a positive
    /// outstanding amount): the ones a vendor is sent.
    pub fn payable_charges(&self) -> impl Iterator<Item = &Charge> {
        payable(&self.charges)
    }

    /// Checks: at least one payable charge; amount positive, in the charges' currency and
    /// not above their payable outstanding total; credit ids not empty strings.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `charges`, `amount` or `credit_ids`.
    pub fn validate(&self) -> Result<()> {
        if self.charges.is_empty() {
            return Err(Error::invalid_input(
                "charges",
                "at least one charge is needed",
            ));
        }
        if self.payable_charges().next().is_none() {
            return Err(Error::invalid_input(
                "charges",
                "none of the charges has anything payable (all are paid, on a payment plan, voided...)",
            ));
        }
        self.amount.ensure_positive("amount")?;
        let outstanding = Money::sum(
            "charges",
            self.amount.currency(),
            self.payable_charges().map(|c| c.total_outstanding),
        )
        .map_err(|_| {
            Error::invalid_input(
                "amount",
                format!(
                    "must be in the charges' currency ({})",
                    self.charges[0].total_outstanding.currency()
                ),
            )
        })?;
        if self.amount.minor_units() > outstanding.minor_units() {
            return Err(Error::invalid_input(
                "amount",
                format!(
                    "{} is more than the charges' outstanding total {}",
                    self.amount, outstanding
                ),
            ));
        }
        if self.credit_ids.iter().any(|id| id.trim().is_empty()) {
            return Err(Error::invalid_input(
                "credit_ids",
                "must not contain an empty id",
            ));
        }
        Ok(())
    }
}
with_options!(SettleChargesFromCredit);

/// A payment (for example, credit applied to charges).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Payment {
    /// The payment's id.
    pub id: String,
    /// Status.
    pub status: PaymentState,
    /// Amount paid.
    pub amount: Money,
    /// The processor's fee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<Money>,
    /// The fee charged to the patient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_to_patient: Option<Money>,
    /// How it was paid (`"CREDIT"`, `"CARD"`...), as the vendor names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium: Option<String>,
    /// The patient who paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_id: Option<String>,
    /// When it was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// Why it failed, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_reason: Option<String>,
    /// The processor payin id (Decoda `payinId`), for reconciliation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payin_id: Option<String>,
    /// The payin configuration the payment was made with (Decoda `payinConfigId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payin_config_id: Option<String>,
    /// The saved payment method used (Decoda `paymentMethodId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_id: Option<String>,
    /// The processor's own payment id (Stripe `pi_…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processor_payment_id: Option<String>,
    /// The processor's authorization code, for card payments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_code: Option<String>,
    /// Every other field the vendor sent (keys only in `Debug`).
    #[serde(default, skip_serializing_if = "VendorData::is_empty")]
    pub vendor_data: VendorData,
}

impl Payment {
    /// A payment with the required fields.
    pub fn new(id: impl Into<String>, status: PaymentState, amount: Money) -> Payment {
        Payment {
            id: id.into(),
            status,
            amount,
            fee: None,
            fee_to_patient: None,
            medium: None,
            patient_id: None,
            created_at: None,
            failed_reason: None,
            payin_id: None,
            payin_config_id: None,
            payment_method_id: None,
            processor_payment_id: None,
            auth_code: None,
            vendor_data: VendorData::default(),
        }
    }
}

/// Charges a saved payment method for a patient's charges.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PayWithSavedMethod {
    /// The patient.
    pub patient: PatientRef,
    /// The saved method's id (as [`SavedPaymentMethod::id`](crate::SavedPaymentMethod)).
    pub payment_method_id: String,
    /// The charges to pay, as `verify_patient_balance` returned them; only payable ones are
    /// sent.
    pub charges: Vec<Charge>,
    /// Pay only this much (`None`: everything payable on the charges).
    pub amount: Option<Money>,
    /// The vendor's name for how the payment is made, overriding the vendor's default
    /// (Decoda: `SAVED_PAYMENT_METHOD`; see the vendor crate's docs).
    pub payment_medium: Option<String>,
    /// Per-call options.
    pub options: CallOptions,
}

impl PayWithSavedMethod {
    /// Pays everything payable on `charges` with the saved method.
    pub fn new(
        patient: PatientRef,
        payment_method_id: impl Into<String>,
        charges: Vec<Charge>,
    ) -> PayWithSavedMethod {
        PayWithSavedMethod {
            patient,
            payment_method_id: payment_method_id.into(),
            charges,
            amount: None,
            payment_medium: None,
            options: CallOptions::default(),
        }
    }

    /// Pays only `amount`.
    pub fn with_amount(mut self, amount: Money) -> PayWithSavedMethod {
        self.amount = Some(amount);
        self
    }

    /// Overrides the payment medium sent to the vendor.
    pub fn with_payment_medium(mut self, medium: impl Into<String>) -> PayWithSavedMethod {
        self.payment_medium = Some(medium.into());
        self
    }

    /// What will be charged: `amount`, or the payable total of the charges.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `charges` (none payable, mixed currencies) or `amount`
    /// (not positive, another currency, above the payable total).
    pub fn amount_to_charge(&self) -> Result<Money> {
        let first = payable(&self.charges).next().ok_or_else(|| {
            Error::invalid_input("charges", "none of the charges has anything payable")
        })?;
        let total = Money::sum(
            "charges",
            first.total_outstanding.currency(),
            payable(&self.charges).map(|c| c.total_outstanding),
        )?;
        match self.amount {
            None => Ok(total),
            Some(a) => {
                a.ensure_positive("amount")?;
                if a.currency() != total.currency() {
                    return Err(Error::invalid_input(
                        "amount",
                        format!("must be in the charges' currency ({})", total.currency()),
                    ));
                }
                if a.minor_units() > total.minor_units() {
                    return Err(Error::invalid_input(
                        "amount",
                        format!("{a} is more than the charges' payable total {total}"),
                    ));
                }
                Ok(a)
            }
        }
    }

    /// Checks the method id and the amount.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `payment_method_id`, `charges` or `amount`.
    pub fn validate(&self) -> Result<()> {
        crate::domain::check_id("payment_method_id", &self.payment_method_id)?;
        self.amount_to_charge().map(|_| ())
    }
}
with_options!(PayWithSavedMethod);

/// Lists a patient's payments.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ListPayments {
    /// The patient.
    pub patient: PatientRef,
    /// Items per page.
    pub per_page: Option<u32>,
    /// Per-call options, for every page.
    pub options: CallOptions,
}

impl ListPayments {
    /// The payments of `patient`.
    pub fn new(patient: PatientRef) -> ListPayments {
        ListPayments {
            patient,
            per_page: None,
            options: CallOptions::default(),
        }
    }

    /// Sets the page size.
    pub fn with_per_page(mut self, per_page: u32) -> ListPayments {
        self.per_page = Some(per_page);
        self
    }
}
with_options!(ListPayments);
