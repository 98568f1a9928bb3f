//! Finding out whether a money call whose outcome was unknown happened: [`Reconcile`] →
//! [`Reconciliation`].

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::payments::{PayWithSavedMethod, Payment, SettleChargesFromCredit};
use super::refunds::RefundPayment;
use crate::domain::{CallOptions, PatientRef};
#[cfg(doc)]
use crate::error::Error;
use crate::money::Money;
use crate::{open_enum, with_options};

/// A money call whose outcome is to be found out.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum MoneyCall {
    /// A settle from credit.
    SettleFromCredit(SettleChargesFromCredit),
    /// A saved-method payment; `payin_config_id` is the configuration the attempt used, when
    /// known (it is in the [`Error::OutcomeUnknown`]'s reconcile hint).
    PayWithSavedMethod {
        /// The request that was sent.
        request: PayWithSavedMethod,
        /// The payin configuration id the attempt used.
        payin_config_id: Option<String>,
    },
    /// A refund.
    Refund(RefundPayment),
}

/// Asks whether a money call happened.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Reconcile {
    /// The patient.
    pub patient: PatientRef,
    /// What was attempted.
    pub call: MoneyCall,
    /// When it was attempted (payments created before this are not evidence).
    pub attempted_at: Option<OffsetDateTime>,
    /// The patient's payable total before the call, when known (for a settle, the
    /// `total_outstanding` of the verify it was based on).
    pub outstanding_before: Option<Money>,
    /// Per-call options, for every lookup.
    pub options: CallOptions,
}

impl Reconcile {
    /// Reconciles `call` for `patient`.
    pub fn new(patient: PatientRef, call: MoneyCall) -> Reconcile {
        Reconcile {
            patient,
            call,
            attempted_at: None,
            outstanding_before: None,
            options: CallOptions::default(),
        }
    }

    /// Sets when the call was attempted.
    pub fn attempted_at(mut self, at: OffsetDateTime) -> Reconcile {
        self.attempted_at = Some(at);
        self
    }
}
with_options!(Reconcile);

open_enum! {
    /// Whether a money call happened.
    pub enum ReconcileVerdict {
        /// It happened: the money moved.
        Applied = "applied",
        /// It did not happen: nothing moved, it is safe to try again.
        NotApplied = "not applied",
        /// The evidence does not tell: check by hand before trying again.
        Undetermined = "unknown",
    }
}

/// What reconciliation found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reconciliation {
    /// The verdict.
    pub verdict: ReconcileVerdict,
    /// The evidence, in words (ids and amounts, never PHI).
    pub evidence: Vec<String>,
    /// The matching payment, when one was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<Payment>,
}

impl Reconciliation {
    /// A reconciliation.
    pub fn new(verdict: ReconcileVerdict, evidence: Vec<String>) -> Reconciliation {
        Reconciliation {
            verdict,
            evidence,
            payment: None,
        }
    }
}

impl fmt::Display for Reconciliation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.verdict)?;
        for e in &self.evidence {
            write!(f, "; {e}")?;
        }
        Ok(())
    }
}
