//! The [`PatientBilling`] capability: what a patient owes and paying it — verify a patient
//! → their charges; settle charges from the patient's credit; pay with a saved method;
//! refunds; the credit balance; the payment history; and reconciling a money call whose
//! outcome was unknown.

//!
//! The request and answer types sit beside the trait, one file per concern: verify and
//! charges (`charges.rs`), payments (`payments.rs`), refunds (`refunds.rs`), credit
//! (`credit.rs`) and reconciliation (`reconcile.rs`); all are re-exported here.

use async_trait::async_trait;
use futures_util::stream::BoxStream;
use serde::{Deserialize, Serialize};

#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;

mod charges;
mod credit;
mod payments;
mod reconcile;
mod refunds;

pub use charges::{Charge, ChargeItem, ChargeState, PatientBalance, VerifyPatient, payable};
pub use credit::{Credit, CreditBalance, CreditBalanceRequest, ListCredits};
pub use payments::{
    ListPayments, PayWithSavedMethod, Payment, PaymentState, SettleChargesFromCredit,
};
pub use reconcile::{MoneyCall, Reconcile, ReconcileVerdict, Reconciliation};
pub use refunds::{Refund, RefundPayment, RefundReason};

/// What a patient owes, and paying it.
///
/// Every method that moves money (`settle_charges_from_credit`, `pay_with_saved_method`,
/// `refund_payment`) is never retried once the request may have reached the vendor; when
/// its outcome is unknown it returns [`Error::OutcomeUnknown`], and
/// [`reconcile`](PatientBilling::reconcile) tells afterwards whether it happened.
///
/// ```
/// use patientpay_core::{PatientBilling, PatientBalance, Result, VerifyPatient};
///
/// async fn owed(billing: &dyn PatientBilling, who: VerifyPatient) -> Result<PatientBalance> {
///     billing.verify_patient_balance(who).await
/// }
/// ```
///
/// # Errors
/// Every method returns the [`Error`] of the layer that failed.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait PatientBilling: Send + Sync {
    /// Verifies a patient's identity and returns their charges, what they can pay now and a
    /// payment link.
    async fn verify_patient_balance(&self, request: VerifyPatient) -> Result<PatientBalance>;

    /// Settles charges from the patient's credit balance. Moves money. Charges with nothing
    /// payable are left out of the request, so what verify returned can be passed as is.
    async fn settle_charges_from_credit(&self, request: SettleChargesFromCredit)
    -> Result<Payment>;

    /// Charges a saved payment method for charges. Moves money.
    async fn pay_with_saved_method(&self, request: PayWithSavedMethod) -> Result<Payment>;

    /// Refunds (part of) a payment. Moves money.
    async fn refund_payment(&self, request: RefundPayment) -> Result<Refund>;

    /// The patient's available credit.
    async fn credit_balance(&self, request: CreditBalanceRequest) -> Result<CreditBalance>;

    /// The patient's credits, page by page (a stream: `.take(n)` reads only `n` pages).
    fn credits<'a>(&'a self, request: ListCredits) -> BoxStream<'a, Result<Page<Credit>>>;

    /// The patient's payments, page by page, newest first.
    fn payments<'a>(&'a self, request: ListPayments) -> BoxStream<'a, Result<Page<Payment>>>;

    /// Finds out whether a money call whose outcome was unknown happened.
    async fn reconcile(&self, request: Reconcile) -> Result<Reconciliation>;
}

/// One page of a paged list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The page number, from 1.
    pub page: u32,
    /// The total number of items across pages, when the vendor says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

impl<T> Page<T> {
    /// A page.
    pub fn new(items: Vec<T>, page: u32, total: Option<u64>) -> Page<T> {
        Page { items, page, total }
    }
}
