//! The [`PatientBilling`] capability: what a patient owes and paying it — verify a patient
//! → their charges; settle charges from the patient's credit; pay with a saved method;
//! refunds; the credit balance; the payment history; and reconciling a money call whose
//! outcome was unknown.

use std::fmt;

use async_trait::async_trait;
use futures_util::stream::BoxStream;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::domain::{CallOptions, Patient, PatientRef, VendorData, require_non_empty};
use crate::error::{Error, Result};
use crate::money::Money;
use crate::redact::Redacted;
use crate::{open_enum, with_options};

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

/// A patient's identity, as checked before showing what they owe. PHI: redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyPatient {
    /// The vendor's patient id.
    pub patient_id: String,
    /// Last name.
    pub last_name: String,
    /// Phone number.
    pub phone: String,
    /// Date of birth.
    pub date_of_birth: Date,
    /// Per-call options.
    pub options: CallOptions,
}

impl VerifyPatient {
    /// A verification request.
    pub fn new(
        patient_id: impl Into<String>,
        last_name: impl Into<String>,
        phone: impl Into<String>,
        date_of_birth: Date,
    ) -> VerifyPatient {
        VerifyPatient {
            patient_id: patient_id.into(),
            last_name: last_name.into(),
            phone: phone.into(),
            date_of_birth,
            options: CallOptions::default(),
        }
    }

    /// Checks the text fields are not empty and the date of birth is not in the future.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `patient_id`, `last_name`, `phone` or `date_of_birth`.
    pub fn validate(&self) -> Result<()> {
        require_non_empty("patient_id", &self.patient_id)?;
        require_non_empty("last_name", &self.last_name)?;
        require_non_empty("phone", &self.phone)?;
        if self.date_of_birth > OffsetDateTime::now_utc().date() {
            return Err(Error::invalid_input(
                "date_of_birth",
                "must not be in the future",
            ));
        }
        Ok(())
    }
}
with_options!(VerifyPatient);

impl fmt::Debug for VerifyPatient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyPatient")
            .field("patient_id", &self.patient_id)
            .field("last_name", &Redacted)
            .field("phone", &Redacted)
            .field("date_of_birth", &Redacted)
            .field("options", &self.options)
            .finish()
    }
}

open_enum! {
    /// Where a charge stands. Serialized with the upper-case names the CLI has always
    /// printed (`OUTSTANDING`, `PAYMENT_PLAN`...), so saved verify output still parses.
    pub enum ChargeState {
        /// Still owed.
        Outstanding = "OUTSTANDING",
        /// Paid in full.
        Paid = "PAID",
        /// Settled outside the vendor.
        SettledExternally = "EXTERNAL_SETTLEMENT",
        /// Voided: nothing is owed.
        Voided = "VOID",
        /// Written off: nothing is owed.
        WrittenOff = "WRITE_OFF",
        /// Refunded.
        Refunded = "REFUNDED",
        /// Charged back by the card holder.
        ChargedBack = "CHARGEBACK",
        /// Being paid in instalments of a payment plan.
        OnPaymentPlan = "PAYMENT_PLAN",
        /// Passed to collections.
        InCollections = "COLLECTIONS",
    }
}

impl ChargeState {
    /// Whether a charge in this state can still be paid by the patient: `Outstanding`
    /// only. A charge on a payment plan is owed, but through the plan's own schedule (the
    /// vendor refuses to settle it directly); collections, paid, voided, written off,
    /// refunded, charged back and settled-externally charges are not payable here, and an
    /// unknown state is not assumed payable.
    pub fn is_payable(&self) -> bool {
        matches!(self, ChargeState::Outstanding)
    }
}

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

/// One line of a charge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChargeItem {
    /// The line's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What was sold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How many.
    pub quantity: i64,
    /// Price of one.
    pub unit_price: Money,
    /// Vendor fields the unified model does not name.
    #[serde(default, skip_serializing_if = "VendorData::is_empty")]
    pub vendor_data: VendorData,
}

impl ChargeItem {
    /// `quantity` × `unit_price`.
    pub fn new(quantity: i64, unit_price: Money) -> ChargeItem {
        ChargeItem {
            id: None,
            name: None,
            quantity,
            unit_price,
            vendor_data: VendorData::default(),
        }
    }
}

/// A charge on a patient's account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Charge {
    /// The charge's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The patient charged.
    pub patient_id: String,
    /// Status.
    pub status: ChargeState,
    /// The charge's total.
    pub total: Money,
    /// What is still owed.
    pub total_outstanding: Money,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When it was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// Its lines.
    #[serde(default)]
    pub items: Vec<ChargeItem>,
    /// Vendor fields the unified model does not name (kept for settling).
    #[serde(default, skip_serializing_if = "VendorData::is_empty")]
    pub vendor_data: VendorData,
}

impl Charge {
    /// A charge with the required fields.
    pub fn new(
        patient_id: impl Into<String>,
        status: ChargeState,
        total: Money,
        total_outstanding: Money,
    ) -> Charge {
        Charge {
            id: None,
            patient_id: patient_id.into(),
            status,
            total,
            total_outstanding,
            description: None,
            created_at: None,
            items: Vec::new(),
            vendor_data: VendorData::default(),
        }
    }
}

/// What a patient owes, after a successful identity check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PatientBalance {
    /// The patient (PHI, redacted in `Debug`).
    pub patient: Patient,
    /// Their charges.
    pub charges: Vec<Charge>,
    /// What the patient can pay now: the sum of the outstanding amounts of the charges
    /// whose state [is payable](ChargeState::is_payable). Charges on a payment plan, in
    /// collections, paid, voided... are listed but not counted.
    pub total_outstanding: Money,
    /// A link where the patient can pay.
    pub payment_link: String,
}

impl PatientBalance {
    /// A balance; `total_outstanding` is computed from the payable charges (see the field).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `charges` when they mix currencies or overflow.
    pub fn new(
        patient: Patient,
        charges: Vec<Charge>,
        payment_link: impl Into<String>,
        currency: crate::Currency,
    ) -> Result<PatientBalance> {
        let total_outstanding = Money::sum(
            "charges",
            currency,
            charges
                .iter()
                .filter(|c| c.status.is_payable() && c.total_outstanding.is_positive())
                .map(|c| c.total_outstanding),
        )?;
        Ok(PatientBalance {
            patient,
            charges,
            total_outstanding,
            payment_link: payment_link.into(),
        })
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

/// The charges of `charges` that can be paid now.
pub fn payable(charges: &[Charge]) -> impl Iterator<Item = &Charge> {
    charges
        .iter()
        .filter(|c| c.status.is_payable() && c.total_outstanding.is_positive())
}

// ---------------------------------------------------------------------------------------
// Paying with a saved method

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

// ---------------------------------------------------------------------------------------
// Refunds

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

// ---------------------------------------------------------------------------------------
// Credit

/// Asks for a patient's available credit.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CreditBalanceRequest {
    /// The patient.
    pub patient: PatientRef,
    /// Per-call options.
    pub options: CallOptions,
}

impl CreditBalanceRequest {
    /// The available credit of `patient`.
    pub fn new(patient: PatientRef) -> CreditBalanceRequest {
        CreditBalanceRequest {
            patient,
            options: CallOptions::default(),
        }
    }
}
with_options!(CreditBalanceRequest);

/// One credit of a patient.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Credit {
    /// The credit's id (to settle with specific credits).
    pub id: String,
    /// What it was worth.
    pub amount: Money,
    /// What is left of it.
    pub remaining: Money,
    /// When it was given.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// When it expires.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub expires_at: Option<OffsetDateTime>,
    /// Staff's comment (may hold PHI: redacted in `Debug`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Every other field the vendor sent.
    #[serde(default, skip_serializing_if = "VendorData::is_empty")]
    pub vendor_data: VendorData,
}

impl fmt::Debug for Credit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credit")
            .field("id", &self.id)
            .field("amount", &self.amount)
            .field("remaining", &self.remaining)
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .field("comment", &self.comment.as_ref().map(|_| Redacted))
            .field("vendor_data", &self.vendor_data)
            .finish()
    }
}

impl Credit {
    /// A credit with the required fields.
    pub fn new(id: impl Into<String>, amount: Money, remaining: Money) -> Credit {
        Credit {
            id: id.into(),
            amount,
            remaining,
            created_at: None,
            expires_at: None,
            comment: None,
            vendor_data: VendorData::default(),
        }
    }
}

/// A patient's available credit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreditBalance {
    /// The total available now (non-expired, not fully used).
    pub total_available: Money,
    /// The credits that make it up.
    pub credits: Vec<Credit>,
}

impl CreditBalance {
    /// A balance.
    pub fn new(total_available: Money, credits: Vec<Credit>) -> CreditBalance {
        CreditBalance {
            total_available,
            credits,
        }
    }
}

/// Lists a patient's credits.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ListCredits {
    /// The patient.
    pub patient: PatientRef,
    /// Items per page (the vendor's limit applies; Decoda: 1–100, default 50).
    pub per_page: Option<u32>,
    /// Include expired credits.
    pub include_expired: bool,
    /// Include fully used credits.
    pub include_used: bool,
    /// Per-call options, for every page.
    pub options: CallOptions,
}

impl ListCredits {
    /// Every credit of `patient`, used ones included, expired ones not.
    pub fn new(patient: PatientRef) -> ListCredits {
        ListCredits {
            patient,
            per_page: None,
            include_expired: false,
            include_used: true,
            options: CallOptions::default(),
        }
    }

    /// Sets the page size.
    pub fn with_per_page(mut self, per_page: u32) -> ListCredits {
        self.per_page = Some(per_page);
        self
    }
}
with_options!(ListCredits);

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

// ---------------------------------------------------------------------------------------
// Reconciliation

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
