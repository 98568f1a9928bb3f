//! The verified, parsed delivery in domain words, and `Debug` views that print no PHI.

use std::fmt;

use serde::Serialize;
use time::OffsetDateTime;

use crate::redact::REDACTED;
use crate::{Charge, Patient, Payment, Refund, VendorData};

crate::open_enum! {
    /// What happened, in domain words. The vendor's own name is kept in
    /// [`WebhookEvent::vendor_type`]; a vendor type with no domain meaning here is
    /// `Unknown(<vendor type>)`.
    pub enum WebhookEventKind {
        /// A payment was created (Decoda `PAYMENT_CREATED`, CareValidate `PAYMENT_ADDED`).
        PaymentCreated = "payment_created",
        /// A payment is being processed (Decoda `RAINFOREST_PAYIN_PROCESSING`).
        PaymentProcessing = "payment_processing",
        /// A payment succeeded (Decoda `PAYMENT_SUCCEEDED`/`PAYMENT_COMPLETED`, CareValidate
        /// `PAYMENT_COMPLETED`).
        PaymentSucceeded = "payment_succeeded",
        /// A payment failed (Decoda `PAYMENT_FAILED`, `RAINFOREST_PAYIN_FAILED`).
        PaymentFailed = "payment_failed",
        /// A payment was canceled (Decoda `RAINFOREST_POS_PAYIN_CANCELLED`).
        PaymentCanceled = "payment_canceled",
        /// A refund was created (Decoda `REFUND_CREATED`).
        RefundCreated = "refund_created",
        /// A refund succeeded (Decoda `REFUND_SUCCEEDED`).
        RefundSucceeded = "refund_succeeded",
        /// A refund failed (Decoda `REFUND_FAILED`).
        RefundFailed = "refund_failed",
        /// A charge was created on a patient's account (Decoda `CHARGE_CREATED`).
        ChargeCreated = "charge_created",
        /// A payment was applied to a charge (Decoda `CHARGE_PAYMENT_CREATED`).
        ChargePaymentCreated = "charge_payment_created",
        /// A payment method was saved for a patient.
        PaymentMethodSaved = "payment_method_saved",
        /// The patient entered payment details through a link (CareValidate
        /// `ADD_PAYMENT_INFO_USING_LINK`).
        PaymentInfoAdded = "payment_info_added",
        /// A payment-details link was sent to the patient (CareValidate `PAYMENT_INFO_LINK_SENT`).
        PaymentInfoLinkSent = "payment_info_link_sent",
        /// A patient was created (Decoda `PATIENT_CREATED`).
        PatientCreated = "patient_created",
        /// A patient was updated (Decoda `PATIENT_UPDATED`).
        PatientUpdated = "patient_updated",
        /// An order was created (CareValidate `ORDER_CREATED`).
        OrderCreated = "order_created",
        /// An order's status changed (CareValidate `ORDER_STATUS_CHANGED`).
        OrderStatusChanged = "order_status_changed",
        /// An order got a tracking number (CareValidate `ORDER_TRACKING_ADDED`).
        OrderTrackingAdded = "order_tracking_added",
    }
}

/// The object an event is about, typed where the vendor documents its shape.
///
/// `Debug` shows ids, statuses and amounts only: names, e-mails, phones, addresses, dates
/// of birth, descriptions and raw JSON values are never printed.
#[derive(Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WebhookData {
    /// A payment.
    Payment(Payment),
    /// A payment applied to a charge.
    ChargePayment {
        /// The charge paid.
        charge_id: String,
        /// The payment.
        payment: Payment,
    },
    /// A charge on the patient's account.
    Charge(Charge),
    /// A refund of a payment.
    Refund(Refund),
    /// A patient.
    Patient(Patient),
    /// Anything else (adjustments, invoices, payins, case activity...), as the vendor sent
    /// it; vendor crates offer typed views of what they document.
    Other(serde_json::Value),
}

impl WebhookData {
    /// The payment, for [`WebhookData::Payment`] and [`WebhookData::ChargePayment`].
    pub fn payment(&self) -> Option<&Payment> {
        match self {
            WebhookData::Payment(p) | WebhookData::ChargePayment { payment: p, .. } => Some(p),
            _ => None,
        }
    }

    /// The refund, for [`WebhookData::Refund`].
    pub fn refund(&self) -> Option<&Refund> {
        match self {
            WebhookData::Refund(r) => Some(r),
            _ => None,
        }
    }

    /// The raw JSON, for [`WebhookData::Other`].
    pub fn raw(&self) -> Option<&serde_json::Value> {
        match self {
            WebhookData::Other(v) => Some(v),
            _ => None,
        }
    }
}

/// A `Debug` view of a JSON value that shows its shape (object keys, array length) but no
/// value.
struct JsonShape<'a>(&'a serde_json::Value);

impl fmt::Debug for JsonShape<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            serde_json::Value::Object(map) => {
                f.write_str("Object")?;
                f.debug_set().entries(map.keys()).finish()
            }
            serde_json::Value::Array(items) => write!(f, "Array(len {})", items.len()),
            serde_json::Value::Null => f.write_str("Null"),
            _ => f.write_str(REDACTED),
        }
    }
}

struct PaymentView<'a>(&'a Payment);

impl fmt::Debug for PaymentView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.0;
        f.debug_struct("Payment")
            .field("id", &p.id)
            .field("status", &p.status)
            .field("amount", &p.amount)
            .field("fee", &p.fee)
            .field("medium", &p.medium)
            .field("patient_id", &p.patient_id)
            .field("created_at", &p.created_at)
            .field("failed_reason", crate::redact::redact_opt(&p.failed_reason))
            .finish()
    }
}

impl fmt::Debug for WebhookData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookData::Payment(p) => f.debug_tuple("Payment").field(&PaymentView(p)).finish(),
            WebhookData::ChargePayment { charge_id, payment } => f
                .debug_struct("ChargePayment")
                .field("charge_id", charge_id)
                .field("payment", &PaymentView(payment))
                .finish(),
            WebhookData::Charge(c) => f
                .debug_struct("Charge")
                .field("id", &c.id)
                .field("patient_id", &c.patient_id)
                .field("status", &c.status)
                .field("total", &c.total)
                .field("total_outstanding", &c.total_outstanding)
                .field("description", crate::redact::redact_opt(&c.description))
                .field("items", &c.items.len())
                .field("vendor_data", &c.vendor_data)
                .finish(),
            WebhookData::Refund(r) => f
                .debug_struct("Refund")
                .field("id", &r.id)
                .field("payment_id", &r.payment_id)
                .field("amount", &r.amount)
                .field("reason", &r.reason)
                .field("status", &r.status)
                .field("created_at", &r.created_at)
                .field("vendor_data", &r.vendor_data)
                .finish(),
            WebhookData::Patient(p) => f.debug_tuple("Patient").field(p).finish(),
            WebhookData::Other(v) => f.debug_tuple("Other").field(&JsonShape(v)).finish(),
        }
    }
}

/// A verified, parsed webhook delivery.
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct WebhookEvent {
    /// The vendor (`"decoda"`, `"carevalidate"`).
    pub provider: &'static str,
    /// The vendor's event id (Decoda `id`); `None` when the vendor sends none (CareValidate).
    pub id: Option<String>,
    /// What happened, in domain words.
    pub kind: WebhookEventKind,
    /// The vendor's event type exactly as sent (`"PAYMENT_SUCCEEDED"`).
    pub vendor_type: String,
    /// When the vendor created the event, if it says.
    #[serde(with = "time::serde::rfc3339::option")]
    pub created_at: Option<OffsetDateTime>,
    /// The object the event is about.
    pub data: WebhookData,
    /// Envelope fields the unified model does not name (Decoda `alertId`, CareValidate
    /// top-level `order`...). `Debug` shows only the keys.
    #[serde(skip_serializing_if = "VendorData::is_empty")]
    pub vendor_data: VendorData,
    /// A stable key for [`DedupeStore`](super::DedupeStore): the event id when there is one, else the SHA-256 of
    /// the body.
    pub dedupe_key: String,
}

impl WebhookEvent {
    /// An event. `dedupe_key` is the vendor's event id when it has one; vendors without
    /// event ids pass [`body_fingerprint`](super::body_fingerprint) of the body.
    pub fn new(
        provider: &'static str,
        vendor_type: impl Into<String>,
        kind: WebhookEventKind,
        data: WebhookData,
        dedupe_key: impl Into<String>,
    ) -> WebhookEvent {
        WebhookEvent {
            provider,
            id: None,
            kind,
            vendor_type: vendor_type.into(),
            created_at: None,
            data,
            vendor_data: VendorData::default(),
            dedupe_key: dedupe_key.into(),
        }
    }

    /// The key to feed a [`DedupeStore`](super::DedupeStore).
    pub fn dedupe_key(&self) -> &str {
        &self.dedupe_key
    }
}

impl fmt::Debug for WebhookEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookEvent")
            .field("provider", &self.provider)
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("vendor_type", &self.vendor_type)
            .field("created_at", &self.created_at)
            .field("data", &self.data)
            .field("vendor_data", &self.vendor_data)
            .finish_non_exhaustive()
    }
}
