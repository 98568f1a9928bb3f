//! Decoda wave 2 (decoda-wave2.md, decoda-wave2-openapi.json,
//! decoda-wave2-webhooks-openapi.json): saved payment methods, payin configs and
//! saved-card charges, payment links by phone, refunds, credit, the payment table, a
//! charge by id, and webhook management. Same headers, same error shapes as wave 1:
//! FastAPI's 422 `{"detail":[{type, loc, msg, input}]}` for a malformed request, 400/404
//! `{"detail": "..."}` for a refused or unknown one.
//!
//! Choices where the spec is silent (each also noted where it is made):
//! - Lists leave archived payment methods out; archiving twice answers `true` again.
//! - A saved card ending `0002` declines: charge-card answers 400 `{"detail":"Your card was
//!   declined."}` and nothing changes (the payin config stays usable).
//! - Charge-card answers `status: "SUCCEEDED"` and an `authCode`; the payment's
//!   `paymentMedium` is the payin config's.
//! - An unknown `payinConfigId` → 400 `{"detail":"Payin config not found"}`; a used one →
//!   400 `{"detail":"Payin config has already been used"}`.
//! - Payment links by phone: `[]` when no patient has that phone or nothing is owed; else one
//!   `PublicInvoiceSummary` with the patient's outstanding total and verify's link.
//! - A refund of a credit payment gives the credit back to the credits it used, newest
//!   first; a refund does not change the charges. `rainforestRefundId` is set for payments
//!   with a payin.

use serde_json::{Map, Value, json};

use super::{
    ChargeRef, PayinConfig, PaymentRecord, RefundRecord, SeedCredit, SeedPatient, SeedPayment,
    SeedPaymentMethod, SeedRefund, State, Webhook, charge_json, detail, invalid, is_expired,
    json_body, now, patient_summary, pay_charges, payment_method_json, payment_summary_json,
    validate_settle_body, verr,
};
use crate::{SandboxRequest, SandboxResponse};

mod credit;
mod methods;
mod payin;
mod refunds;
mod validate;
mod webhooks;

use credit::*;
use methods::*;
use payin::*;
use refunds::*;
use validate::*;
use webhooks::*;

/// The spec's `AlertType` (webhook subscriptions and envelope `type`).
pub(crate) const ALERT_TYPES: &[&str] = &[
    "PATIENT_CREATED",
    "PATIENT_UPDATED",
    "APPOINTMENT_CANCELLED",
    "APPOINTMENT_UPDATED",
    "APPOINTMENT_REQUEST",
    "APPOINTMENT_SCHEDULED",
    "SELF_SCHEDULED_APPOINTMENT",
    "SELF_SCHEDULED_APPOINTMENT_CANCELLED",
    "SELF_SCHEDULED_APPOINTMENT_UPDATED",
    "BLOCK_CREATED",
    "BLOCK_CANCELLED",
    "BLOCK_UPDATED",
    "SHIFT_CREATED",
    "SHIFT_CANCELLED",
    "SHIFT_UPDATED",
    "PAYMENT_CREATED",
    "PAYMENT_FAILED",
    "PAYMENT_SUCCEEDED",
    "PLANNED_PAYMENT_FAILED",
    "PLANNED_PAYMENT_SUCCEEDED",
    "CHARGE_CREATED",
    "REFUND_CREATED",
    "REFUND_FAILED",
    "REFUND_SUCCEEDED",
    "ADJUSTMENT_CREATED",
    "ADJUSTMENT_FAILED",
    "ADJUSTMENT_SUCCEEDED",
    "INVOICE_UPDATED",
    "INVOICE_STATUS_UPDATE",
    "INVOICE_SET_UPDATED",
    "CHARGE_PAYMENT_CREATED",
    "CALL_RECEIVED",
    "CALL_MADE",
    "MESSAGE_RECEIVED",
    "MESSAGE_SENT",
    "MESSAGE_DELIVERED",
    "MESSAGE_FAILED",
    "EMAIL_RECEIVED",
    "EMAIL_SENT",
    "MAIL_SENT",
    "MAIL_DELIVERY_FAILED",
    "FORM_SUBMITTED",
    "NOTIFICATION",
    "APPOINTMENT_CHECKLIST_UPDATED",
    "LOW_PATIENT_REVIEW",
    "RAINFOREST_DEPOSIT_IN_REVIEW",
    "RAINFOREST_DEPOSIT_SUCCEEDED",
    "RAINFOREST_DEPOSIT_FAILED",
    "CHAT_UPDATE",
    "RAINFOREST_PAYIN_FAILED",
    "RAINFOREST_PAYIN_PROCESSING",
    "RAINFOREST_POS_PAYIN_CANCELLED",
    "STOCK_LOW",
    "STOCK_ADDED",
    "STOCK_ARCHIVED",
    "STOCK_LINKED_TO_ITEM",
    "STOCK_UNLINKED_FROM_ITEM",
    "STOCK_UPDATED",
    "STOCK_DRAWDOWN",
    "STOCK_PARTIAL_DRAWDOWN",
    "SHIPMENT_RECEIVED",
    "SHIPMENT_UPDATED",
    "SHIPMENT_ARCHIVED",
    "ITEM_CREATED",
    "ITEM_UPDATED",
    "ITEM_ARCHIVED",
    "SUPPLIER_LINKED_TO_STOCK",
    "SUPPLIER_UNLINKED_FROM_STOCK",
    "SUPPLIER_TO_STOCK_UPDATED",
    "PO_CREATED",
    "PO_PLACED",
    "PO_CANCELLED",
    "PO_COMPLETED",
    "PO_ARCHIVED",
    "INVENTORY_ACTION",
    "NOTE_CREATED",
    "NOTE_UPDATED",
];

pub(super) const PAYMENT_MEDIUMS: &[&str] = &[
    "POS",
    "VIRTUAL_TERMINAL",
    "PAYMENT_LINK",
    "PAYMENT_PLAN",
    "SUBSCRIPTION",
    "SAVED_PAYMENT_METHOD",
    "MEMBERSHIP",
    "EMBEDDED_TERMINAL",
    "CASH",
    "CHECK",
    "CARE_CREDIT",
    "PATIENT_CREDIT",
];
pub(super) const REFUND_REASONS: &[&str] = &["DUPLICATE", "DISPUTE", "BOOKING_FEE", "OTHER"];
pub(super) const PAYMENT_STATUSES: &[&str] = &[
    "CANCELED",
    "CREATED",
    "FAILED",
    "IN_REVIEW",
    "PRESENTING",
    "PROCESSING",
    "SUCCEEDED",
];
pub(super) const METHOD_TYPES: &[&str] = &["CARD", "ACH", "APPLE_PAY"];
pub(super) const CARD_TYPES: &[&str] = &["CREDIT", "DEBIT", "PREPAID"];
pub(super) const CARD_BRANDS: &[&str] = &[
    "VISA",
    "MASTERCARD",
    "DISCOVER",
    "AMERICAN_EXPRESS",
    "OTHER",
];
pub(super) const CARD_BRAND_DESCS: &[&str] = &[
    "Visa",
    "Mastercard",
    "Discover",
    "American Express",
    "Other",
];
pub(super) const HOLDER_TYPES: &[&str] = &["INDIVIDUAL", "BUSINESS"];

/// A wave-2 route.
pub(super) enum Route {
    ListMethods,
    CreateMethod,
    DeleteMethod(String),
    PayinConfig,
    ChargeCard(String),
    PaymentLinks,
    Refund,
    CreditAvailable(String),
    Credits(String),
    PaymentTable,
    Charge(String),
    WebhookCreate,
    WebhookList,
    WebhookGet(String),
    WebhookUpdate(String),
    WebhookDelete(String),
}

pub(super) enum Routed {
    NotOurs,
    WrongMethod,
    Route(Route),
}

pub(super) fn route(req: &SandboxRequest) -> Routed {
    use http::Method as M;
    let segments = req.segments();
    let segs: Vec<&str> = segments.iter().map(AsRef::as_ref).collect();
    let m = &req.method;
    let (route, method) = match segs.as_slice() {
        ["billing", "payment", "methods"] => (Route::ListMethods, M::GET),
        ["user", "patient", "payment-methods", "create"] => (Route::CreateMethod, M::POST),
        ["user", "patient", "payment-methods", id] => {
            (Route::DeleteMethod((*id).into()), M::DELETE)
        }
        ["billing", "payment-terminal", "payin-config"] => (Route::PayinConfig, M::POST),
        ["billing", "payment-terminal", "charge-card", id] => {
            (Route::ChargeCard((*id).into()), M::POST)
        }
        ["billing", "payment-links"] => (Route::PaymentLinks, M::GET),
        ["billing", "payment", "refund"] => (Route::Refund, M::POST),
        ["user", "patient", id, "credit", "available"] => {
            (Route::CreditAvailable((*id).into()), M::GET)
        }
        ["user", "patient", id, "credit"] => (Route::Credits((*id).into()), M::GET),
        ["billing", "payment", "table"] => (Route::PaymentTable, M::GET),
        ["billing", "charge", "get", id] => (Route::Charge((*id).into()), M::GET),
        ["webhook", "decoda", "create"] => (Route::WebhookCreate, M::POST),
        ["webhook", "decoda", "list"] => (Route::WebhookList, M::GET),
        ["webhook", "decoda", "get", id] => (Route::WebhookGet((*id).into()), M::GET),
        ["webhook", "decoda", "update", id] => (Route::WebhookUpdate((*id).into()), M::PUT),
        ["webhook", "decoda", "delete", id] => (Route::WebhookDelete((*id).into()), M::DELETE),
        _ => return Routed::NotOurs,
    };
    if *m == method {
        Routed::Route(route)
    } else {
        Routed::WrongMethod
    }
}

pub(super) fn handle(state: &mut State, req: &SandboxRequest, route: Route) -> SandboxResponse {
    let result = match route {
        Route::ListMethods => list_methods(state, req),
        Route::CreateMethod => create_method(state, req),
        Route::DeleteMethod(id) => delete_method(state, req, &id),
        Route::PayinConfig => payin_config(state, req),
        Route::ChargeCard(id) => charge_card(state, req, &id),
        Route::PaymentLinks => payment_links(state, req),
        Route::Refund => refund(state, req),
        Route::CreditAvailable(id) => credit_available(state, &id),
        Route::Credits(id) => credits(state, req, &id),
        Route::PaymentTable => payment_table(state, req),
        Route::Charge(id) => charge(state, &id),
        Route::WebhookCreate => webhook_create(state, req),
        Route::WebhookList => webhook_list(state, req),
        Route::WebhookGet(id) => webhook_get(state, &id),
        Route::WebhookUpdate(id) => webhook_update(state, req, &id),
        Route::WebhookDelete(id) => webhook_delete(state, &id),
    };
    match result {
        Ok(v) => SandboxResponse::json(200, &v),
        Err(resp) => resp,
    }
}

pub(super) type Answer = Result<Value, SandboxResponse>;
