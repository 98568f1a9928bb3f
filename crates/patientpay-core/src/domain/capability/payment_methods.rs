//! The [`PaymentMethods`] capability: a patient's saved payment methods — list, save from a
//! processor token, remove.
//!
//! Served by CarePortals (the patient's JWT: [`PatientRef::Token`]) and Decoda (the
//! patient's id: [`PatientRef::Id`]).

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::domain::{BillingDetails, CallOptions, PatientRef, VendorData, require_non_empty};
use crate::error::{Error, Result};
use crate::{open_enum, with_options};

/// A patient's saved payment methods.
///
/// Write your code once against `&dyn PaymentMethods` (or `impl PaymentMethods`) and run it
/// on any vendor that serves it; name the patient with a [`PatientRef`] the vendor accepts
/// (a vendor refuses the other kind with [`Error::InvalidInput`] for `patient`).
///
/// ```
/// use patientpay_core::{ListPaymentMethods, PatientRef, PaymentMethods, Result};
///
/// async fn count_cards(methods: &dyn PaymentMethods, patient: PatientRef) -> Result<usize> {
///     let saved = methods.list_payment_methods(ListPaymentMethods::for_patient(patient)).await?;
///     Ok(saved.iter().filter(|m| m.kind == patientpay_core::PaymentMethodKind::Card).count())
/// }
/// ```
///
/// # Errors
/// Every method returns the [`Error`] of the layer that failed.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait PaymentMethods: Send + Sync {
    /// Lists the patient's saved payment methods (archived ones excluded).
    async fn list_payment_methods(
        &self,
        request: ListPaymentMethods,
    ) -> Result<Vec<SavedPaymentMethod>>;

    /// Saves a payment method from what the processor's browser component produced (a
    /// Stripe `pm_…`/NMI token, or a processor payment-method object).
    async fn add_payment_method(&self, request: AddPaymentMethod) -> Result<SavedPaymentMethod>;

    /// Removes (or archives) a saved payment method. Removing one that a retry finds
    /// already gone is reported as removed.
    async fn remove_payment_method(
        &self,
        request: RemovePaymentMethod,
    ) -> Result<RemovedPaymentMethod>;
}

open_enum! {
    /// What kind of instrument a saved payment method is.
    pub enum PaymentMethodKind {
        /// A credit or debit card.
        Card = "card",
        /// A bank account (ACH, SEPA debit...).
        BankAccount = "bank_account",
        /// A wallet or pay-later account (Link, Cash App, Apple Pay...).
        Wallet = "wallet",
    }
}

open_enum! {
    /// A card network brand, as Stripe names them.
    pub enum CardBrand {
        /// Visa.
        Visa = "visa",
        /// Mastercard.
        Mastercard = "mastercard",
        /// American Express.
        Amex = "amex",
        /// Discover.
        Discover = "discover",
        /// Diners Club.
        Diners = "diners",
        /// JCB.
        Jcb = "jcb",
        /// UnionPay.
        UnionPay = "unionpay",
        /// Cartes Bancaires.
        CartesBancaires = "cartes_bancaires",
        /// eftpos Australia.
        EftposAu = "eftpos_au",
        /// Interac.
        Interac = "interac",
    }
}

open_enum! {
    /// The payment processor behind a saved method.
    pub enum Processor {
        /// Stripe.
        Stripe = "stripe",
        /// NMI.
        Nmi = "nmi",
        /// Rainforest (Decoda's processor).
        Rainforest = "rainforest",
    }
}

/// A payment method saved for a patient.
///
/// Fields a vendor does not send are `None`; everything else the vendor sent stays in
/// [`vendor_data`](SavedPaymentMethod::vendor_data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SavedPaymentMethod {
    /// The vendor's id, used to remove it or pay with it. `None` when the vendor's answer
    /// has no id (CarePortals' add answer, for an NMI token).
    pub id: Option<String>,
    /// Card, bank account, wallet or another kind (kept verbatim).
    pub kind: PaymentMethodKind,
    /// Card brand, for cards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<CardBrand>,
    /// Last four digits of the card or account number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last4: Option<String>,
    /// Expiry month, 1–12.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp_month: Option<u8>,
    /// Expiry year, four digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp_year: Option<u16>,
    /// The processor that holds it.
    pub processor: Processor,
    /// The processor's own id for it, when it differs from `id` (Decoda keeps the
    /// Rainforest id beside its own `pm_…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processor_id: Option<String>,
    /// The card fingerprint (the same card saved twice has the same one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// `credit`, `debit`, `prepaid` or `unknown`, as the processor says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding: Option<String>,
    /// The wallet it came from (`apple_pay`, `google_pay`, `link`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wallet: Option<String>,
    /// The processor's customer the method is attached to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// When it was saved.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// Whether it is the patient's default method, when the vendor says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_default: Option<bool>,
    /// Billing details saved with it (PHI, redacted in `Debug`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_details: Option<BillingDetails>,
    /// Every other field the vendor sent (keys only in `Debug`).
    #[serde(default, skip_serializing_if = "VendorData::is_empty")]
    pub vendor_data: VendorData,
}

impl SavedPaymentMethod {
    /// A method of `kind` at `processor`, with every optional field empty.
    pub fn new(kind: PaymentMethodKind, processor: Processor) -> SavedPaymentMethod {
        SavedPaymentMethod {
            id: None,
            kind,
            brand: None,
            last4: None,
            exp_month: None,
            exp_year: None,
            processor,
            processor_id: None,
            fingerprint: None,
            funding: None,
            wallet: None,
            customer: None,
            created_at: None,
            is_default: None,
            billing_details: None,
            vendor_data: VendorData::default(),
        }
    }
}

/// Lists the patient's saved payment methods.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ListPaymentMethods {
    /// The patient. `None`: the patient the client acts for (a CarePortals handle made
    /// with a patient's JWT); a vendor that needs a patient refuses `None`.
    pub patient: Option<PatientRef>,
    /// Per-call options.
    pub options: CallOptions,
}

impl ListPaymentMethods {
    /// A list request for the patient the client acts for.
    pub fn new() -> ListPaymentMethods {
        ListPaymentMethods::default()
    }

    /// A list request for `patient`.
    pub fn for_patient(patient: PatientRef) -> ListPaymentMethods {
        ListPaymentMethods {
            patient: Some(patient),
            options: CallOptions::default(),
        }
    }
}
with_options!(ListPaymentMethods);

/// What the browser produced to save a method from.
#[derive(Clone)]
#[non_exhaustive]
pub enum PaymentMethodSource {
    /// A processor token or payment-method id (Stripe `pm_…`, NMI payment token). A secret.
    Token(SecretString),
    /// A processor's payment-method object, as its browser component returned it (Decoda:
    /// the Rainforest payment-method object). Kept as JSON; PHI inside, so `Debug` shows
    /// only its keys.
    ProcessorObject {
        /// The processor that produced it.
        processor: Processor,
        /// The object.
        object: VendorData,
    },
}

impl std::fmt::Debug for PaymentMethodSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PaymentMethodSource::Token(_) => f.write_str("Token(<redacted>)"),
            PaymentMethodSource::ProcessorObject { processor, object } => f
                .debug_struct("ProcessorObject")
                .field("processor", processor)
                .field("object", object)
                .finish(),
        }
    }
}

/// Saves a payment method for a patient.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AddPaymentMethod {
    /// The patient (`None`: the patient the client acts for).
    pub patient: Option<PatientRef>,
    /// What to save.
    pub source: PaymentMethodSource,
    /// Per-call options.
    pub options: CallOptions,
}

impl AddPaymentMethod {
    /// Saves a processor token (Stripe `pm_…` id or NMI payment token, created in the
    /// browser) for the patient the client acts for.
    pub fn new(token: impl Into<String>) -> AddPaymentMethod {
        AddPaymentMethod {
            patient: None,
            source: PaymentMethodSource::Token(SecretString::from(token.into())),
            options: CallOptions::default(),
        }
    }

    /// Saves a processor's payment-method object (e.g. the Rainforest object Decoda's
    /// browser component produced).
    pub fn from_processor_object(processor: Processor, object: VendorData) -> AddPaymentMethod {
        AddPaymentMethod {
            patient: None,
            source: PaymentMethodSource::ProcessorObject { processor, object },
            options: CallOptions::default(),
        }
    }

    /// Names the patient.
    pub fn for_patient(mut self, patient: PatientRef) -> AddPaymentMethod {
        self.patient = Some(patient);
        self
    }

    /// The token, when the source is one.
    pub fn token(&self) -> Option<&SecretString> {
        match &self.source {
            PaymentMethodSource::Token(t) => Some(t),
            PaymentMethodSource::ProcessorObject { .. } => None,
        }
    }

    /// Checks the source is not empty.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `token` (empty) or `payment_method` (an empty object).
    pub fn validate(&self) -> Result<()> {
        match &self.source {
            PaymentMethodSource::Token(t) => require_non_empty("token", t.expose_secret()),
            PaymentMethodSource::ProcessorObject { object, .. } if object.is_empty() => Err(
                Error::invalid_input("payment_method", "the processor object is empty"),
            ),
            PaymentMethodSource::ProcessorObject { .. } => Ok(()),
        }
    }
}
with_options!(AddPaymentMethod);

/// Removes a saved payment method.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RemovePaymentMethod {
    /// The patient (`None`: the patient the client acts for).
    pub patient: Option<PatientRef>,
    /// The saved method's id.
    pub id: String,
    /// Per-call options.
    pub options: CallOptions,
}

impl RemovePaymentMethod {
    /// A remove request for `id`, for the patient the client acts for.
    pub fn new(id: impl Into<String>) -> RemovePaymentMethod {
        RemovePaymentMethod {
            patient: None,
            id: id.into(),
            options: CallOptions::default(),
        }
    }

    /// Names the patient.
    pub fn for_patient(mut self, patient: PatientRef) -> RemovePaymentMethod {
        self.patient = Some(patient);
        self
    }

    /// Checks the id is not empty.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `id`.
    pub fn validate(&self) -> Result<()> {
        require_non_empty("id", &self.id)
    }
}
with_options!(RemovePaymentMethod);

/// The answer to a removal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RemovedPaymentMethod {
    /// Always `true`: a failed removal is an error.
    pub removed: bool,
    /// The removed method's id.
    pub id: String,
    /// `true` when the vendor said "not found" to a retry after an earlier attempt that
    /// may have removed it: the SDK reports it removed (the method is gone either way).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub already_removed: bool,
}

impl RemovedPaymentMethod {
    /// The method `id` was removed.
    pub fn new(id: impl Into<String>) -> RemovedPaymentMethod {
        RemovedPaymentMethod {
            removed: true,
            id: id.into(),
            already_removed: false,
        }
    }
}
