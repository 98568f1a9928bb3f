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
    ChargeRef, PayinConfig, PaymentRecord, RefundRecord, SeedPatient, SeedPayment,
    SeedPaymentMethod, State, Webhook, charge_json, detail, invalid, is_expired, json_body, now,
    patient_summary, pay_charges, payment_method_json, payment_summary_json, validate_settle_body,
    verr,
};
use crate::{SandboxRequest, SandboxResponse};

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

const PAYMENT_MEDIUMS: &[&str] = &[
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
const REFUND_REASONS: &[&str] = &["DUPLICATE", "DISPUTE", "BOOKING_FEE", "OTHER"];
const PAYMENT_STATUSES: &[&str] = &[
    "CANCELED",
    "CREATED",
    "FAILED",
    "IN_REVIEW",
    "PRESENTING",
    "PROCESSING",
    "SUCCEEDED",
];
const METHOD_TYPES: &[&str] = &["CARD", "ACH", "APPLE_PAY"];
const CARD_TYPES: &[&str] = &["CREDIT", "DEBIT", "PREPAID"];
const CARD_BRANDS: &[&str] = &[
    "VISA",
    "MASTERCARD",
    "DISCOVER",
    "AMERICAN_EXPRESS",
    "OTHER",
];
const CARD_BRAND_DESCS: &[&str] = &[
    "Visa",
    "Mastercard",
    "Discover",
    "American Express",
    "Other",
];
const HOLDER_TYPES: &[&str] = &["INDIVIDUAL", "BUSINESS"];

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
    let segments = req.path_segments();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
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

type Answer = Result<Value, SandboxResponse>;

// ---------------------------------------------------------------------------------------
// Validation, FastAPI style

/// What a field must be.
#[derive(Clone, Copy)]
enum Kind {
    Str,
    Int,
    Bool,
    Enum(&'static [&'static str]),
    Object,
    List,
}

fn enum_message(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// Checks one value against `kind`, pushing pydantic's error when it does not fit.
fn check_kind(v: &Value, kind: Kind, loc: Vec<Value>, errors: &mut Vec<Value>) -> bool {
    let (ok, ty, msg) = match kind {
        Kind::Str => (
            v.is_string(),
            "string_type",
            "Input should be a valid string".to_owned(),
        ),
        Kind::Int => (
            v.is_i64(),
            "int_type",
            "Input should be a valid integer".to_owned(),
        ),
        Kind::Bool => (
            v.is_boolean(),
            "bool_type",
            "Input should be a valid boolean".to_owned(),
        ),
        Kind::Object => (
            v.is_object(),
            "dict_type",
            "Input should be a valid dictionary".to_owned(),
        ),
        Kind::List => (
            v.is_array(),
            "list_type",
            "Input should be a valid list".to_owned(),
        ),
        Kind::Enum(values) => (
            v.as_str().is_some_and(|s| values.contains(&s)),
            "enum",
            format!("Input should be {}", enum_message(values)),
        ),
    };
    if !ok {
        let mut e = verr(ty, loc, &msg, v);
        if let Kind::Enum(values) = kind {
            e["ctx"] = json!({"expected": enum_message(values)});
        }
        errors.push(e);
    }
    ok
}

/// Checks `obj`'s fields: `(name, kind, required, nullable)`.
fn check_fields(
    obj: &Map<String, Value>,
    whole: &Value,
    loc: &[Value],
    specs: &[(&str, Kind, bool, bool)],
    errors: &mut Vec<Value>,
) {
    for &(name, kind, required, nullable) in specs {
        let mut at = loc.to_vec();
        at.push(json!(name));
        match obj.get(name) {
            None if required => errors.push(verr("missing", at, "Field required", whole)),
            None => {}
            Some(Value::Null) if nullable => {}
            Some(v) => {
                check_kind(v, kind, at, errors);
            }
        }
    }
}

/// The body as a JSON object, or FastAPI's 422.
fn object_body(req: &SandboxRequest) -> Result<(Value, Map<String, Value>), SandboxResponse> {
    let body = json_body(req)?;
    match body.as_object() {
        Some(o) => Ok((body.clone(), o.clone())),
        None => Err(invalid(vec![verr(
            "model_attributes_type",
            vec![json!("body")],
            "Input should be a valid dictionary or object to extract fields from",
            &body,
        )])),
    }
}

fn query_one(req: &SandboxRequest, name: &str) -> Option<String> {
    req.query_all(name).last().map(|s| (*s).to_owned())
}

fn required_query(req: &SandboxRequest, name: &str, errors: &mut Vec<Value>) -> Option<String> {
    let v = query_one(req, name);
    if v.is_none() {
        errors.push(verr(
            "missing",
            vec![json!("query"), json!(name)],
            "Field required",
            &Value::Null,
        ));
    }
    v
}

fn int_query(
    req: &SandboxRequest,
    name: &str,
    default: i64,
    bounds: (Option<i64>, Option<i64>),
    errors: &mut Vec<Value>,
) -> i64 {
    let Some(text) = query_one(req, name) else {
        return default;
    };
    let loc = vec![json!("query"), json!(name)];
    let Ok(n) = text.trim().parse::<i64>() else {
        errors.push(verr(
            "int_parsing",
            loc,
            "Input should be a valid integer, unable to parse string as an integer",
            &json!(text),
        ));
        return default;
    };
    if let Some(min) = bounds.0
        && n < min
    {
        let mut e = verr(
            "greater_than_equal",
            loc,
            &format!("Input should be greater than or equal to {min}"),
            &json!(text),
        );
        e["ctx"] = json!({"ge": min});
        errors.push(e);
        return default;
    }
    if let Some(max) = bounds.1
        && n > max
    {
        let mut e = verr(
            "less_than_equal",
            loc,
            &format!("Input should be less than or equal to {max}"),
            &json!(text),
        );
        e["ctx"] = json!({"le": max});
        errors.push(e);
        return default;
    }
    n
}

fn bool_query(req: &SandboxRequest, name: &str, default: bool, errors: &mut Vec<Value>) -> bool {
    let Some(text) = query_one(req, name) else {
        return default;
    };
    // pydantic's accepted spellings.
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "t" | "yes" | "y" | "on" => true,
        "0" | "false" | "f" | "no" | "n" | "off" => false,
        _ => {
            errors.push(verr(
                "bool_parsing",
                vec![json!("query"), json!(name)],
                "Input should be a valid boolean, unable to interpret input",
                &json!(text),
            ));
            default
        }
    }
}

fn done(errors: Vec<Value>) -> Result<(), SandboxResponse> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(invalid(errors))
    }
}

fn patient_index(state: &State, id: &str) -> Result<usize, SandboxResponse> {
    state
        .patients
        .iter()
        .position(|p| p.id == id)
        .ok_or_else(|| detail(404, "Patient not found"))
}

// ---------------------------------------------------------------------------------------
// Saved payment methods

fn live_methods(p: &SeedPatient) -> Vec<Value> {
    p.payment_methods
        .iter()
        .filter(|m| !m.is_archived)
        .map(|m| payment_method_json(p, m))
        .collect()
}

fn list_methods(state: &mut State, req: &SandboxRequest) -> Answer {
    let mut errors = Vec::new();
    let patient_id = required_query(req, "patient_id", &mut errors);
    done(errors)?;
    let pi = patient_index(state, &patient_id.unwrap_or_default())?;
    Ok(Value::Array(live_methods(&state.patients[pi])))
}

fn create_method(state: &mut State, req: &SandboxRequest) -> Answer {
    let mut errors = Vec::new();
    let patient_id = required_query(req, "patient_id", &mut errors);
    let (whole, body) = match object_body(req) {
        Ok(b) => b,
        Err(resp) if errors.is_empty() => return Err(resp),
        Err(_) => return Err(invalid(errors)),
    };
    let at = [json!("body")];
    check_fields(
        &body,
        &whole,
        &at,
        &[
            ("paymentMethodId", Kind::Str, true, false),
            ("paymentMethodConfigId", Kind::Str, true, false),
            ("fingerprint", Kind::Str, true, true),
            ("methodType", Kind::Enum(METHOD_TYPES), true, false),
            ("card", Kind::Object, true, true),
            ("ach", Kind::Object, true, true),
            ("applePay", Kind::Object, true, true),
            ("billingContact", Kind::Object, true, true),
            ("metadata", Kind::Object, true, false),
            ("createdAt", Kind::Str, true, false),
            ("updatedAt", Kind::Str, true, false),
        ],
        &mut errors,
    );
    if let Some(card @ Value::Object(c)) = body.get("card") {
        check_fields(
            c,
            card,
            &[json!("body"), json!("card")],
            &[
                ("type", Kind::Enum(CARD_TYPES), true, false),
                ("brand", Kind::Enum(CARD_BRANDS), true, false),
                ("brandDesc", Kind::Enum(CARD_BRAND_DESCS), true, false),
                ("last4", Kind::Str, true, false),
                ("expMonth", Kind::Int, true, false),
                ("expYear", Kind::Int, true, false),
            ],
            &mut errors,
        );
    }
    if let Some(ach @ Value::Object(a)) = body.get("ach") {
        check_fields(
            a,
            ach,
            &[json!("body"), json!("ach")],
            &[
                ("accountHolderType", Kind::Enum(HOLDER_TYPES), true, false),
                ("accountNumberLast4", Kind::Str, true, false),
                ("bankName", Kind::Str, true, false),
                ("routingNumber", Kind::Str, true, false),
            ],
            &mut errors,
        );
    }
    done(errors)?;
    let pi = patient_index(state, &patient_id.unwrap_or_default())?;
    let str_of = |v: Option<&Value>, k: &str| {
        v.and_then(|o| o.get(k))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let int_of = |v: Option<&Value>, k: &str| v.and_then(|o| o.get(k)).and_then(Value::as_i64);
    let method_type = str_of(Some(&whole), "methodType").unwrap_or_default();
    let card = body.get("card").filter(|c| c.is_object());
    let ach = body.get("ach").filter(|c| c.is_object());
    if method_type == "CARD" && card.is_none() {
        return Err(detail(
            400,
            "Card details are required for a CARD payment method",
        ));
    }
    if method_type == "ACH" && ach.is_none() {
        return Err(detail(
            400,
            "Bank account details are required for an ACH payment method",
        ));
    }
    let rainforest_id = str_of(Some(&whole), "paymentMethodId");
    // Saving the same Rainforest method again answers the method already saved.
    if let Some(existing) = state.patients[pi]
        .payment_methods
        .iter()
        .find(|m| !m.is_archived && m.rainforest_payment_method_id == rainforest_id)
    {
        return Ok(payment_method_json(&state.patients[pi], existing));
    }
    let id = state.fresh_id("pm");
    let patient = &mut state.patients[pi];
    let is_default = !patient.payment_methods.iter().any(|m| !m.is_archived);
    let digits = |s: Option<String>| s.and_then(|s| s.parse::<i64>().ok());
    let method = SeedPaymentMethod {
        id,
        rainforest_payment_method_id: rainforest_id,
        method_type,
        brand: str_of(card, "brand"),
        last4: str_of(card, "last4"),
        exp_month: int_of(card, "expMonth"),
        exp_year: int_of(card, "expYear"),
        account_holder_type: str_of(ach, "accountHolderType"),
        account_number_last4: digits(str_of(ach, "accountNumberLast4")),
        bank_name: str_of(ach, "bankName"),
        routing_number: digits(str_of(ach, "routingNumber")),
        is_default,
        is_archived: false,
        created_date: now(),
    };
    let answer = payment_method_json(patient, &method);
    patient.payment_methods.push(method);
    // No AlertType names a saved payment method; PATIENT_UPDATED with the patient is the
    // nearest documented event.
    let summary = patient_summary(patient);
    state.emit("PATIENT_UPDATED", summary);
    Ok(answer)
}

fn delete_method(state: &mut State, req: &SandboxRequest, id: &str) -> Answer {
    let mut errors = Vec::new();
    let patient_id = required_query(req, "patient_id", &mut errors);
    done(errors)?;
    let pi = patient_index(state, &patient_id.unwrap_or_default())?;
    let patient = &mut state.patients[pi];
    let Some(m) = patient.payment_methods.iter_mut().find(|m| m.id == id) else {
        return Err(detail(404, "Payment method not found"));
    };
    m.is_archived = true;
    m.is_default = false;
    Ok(Value::Bool(true))
}

// ---------------------------------------------------------------------------------------
// Payin config and saved-card charges

/// `validate_settle_body`'s errors, moved under `body.charges`.
fn charges_of(body: &Map<String, Value>, errors: &mut Vec<Value>) -> Option<Vec<ChargeRef>> {
    let list = body.get("charges")?;
    match validate_settle_body(list) {
        Ok(c) => Some(c),
        Err(errs) => {
            for mut e in errs {
                if let Some(loc) = e.get_mut("loc").and_then(Value::as_array_mut) {
                    loc.insert(1, json!("charges"));
                }
                errors.push(e);
            }
            None
        }
    }
}

/// The stored charge index each charge refers to (or `None` to create), and their total
/// outstanding; refuses unknown, non-outstanding or repeated charges.
fn resolve_charges(
    patient: &SeedPatient,
    charges: &[ChargeRef],
) -> Result<(Vec<Option<usize>>, i64), SandboxResponse> {
    let mut targets = Vec::with_capacity(charges.len());
    let mut outstanding: i64 = 0;
    for c in charges {
        if c.patient_id != patient.id {
            return Err(detail(400, "All charges must belong to the same patient"));
        }
        match &c.id {
            Some(id) => {
                let Some(ci) = patient.charges.iter().position(|sc| sc.id == *id) else {
                    return Err(detail(404, &format!("Charge {id} not found")));
                };
                let stored = &patient.charges[ci];
                if stored.status != "OUTSTANDING" {
                    return Err(detail(400, &format!("Charge {id} is not outstanding")));
                }
                if targets.contains(&Some(ci)) {
                    return Err(detail(400, &format!("Charge {id} is listed twice")));
                }
                outstanding = outstanding.saturating_add(stored.total_outstanding);
                targets.push(Some(ci));
            }
            None => {
                if c.total_outstanding < 0 {
                    return Err(detail(400, "totalOutstanding must not be negative"));
                }
                outstanding = outstanding.saturating_add(c.total_outstanding);
                targets.push(None);
            }
        }
    }
    Ok((targets, outstanding))
}

fn payin_config(state: &mut State, req: &SandboxRequest) -> Answer {
    let (whole, body) = object_body(req)?;
    let mut errors = Vec::new();
    check_fields(
        &body,
        &whole,
        &[json!("body")],
        &[
            ("paymentMedium", Kind::Enum(PAYMENT_MEDIUMS), true, false),
            ("charges", Kind::List, true, false),
            ("paymentAmount", Kind::Int, false, true),
            ("savePaymentMethod", Kind::Bool, false, false),
            ("textReceipt", Kind::Bool, false, false),
            ("isSurcharged", Kind::Bool, false, false),
            ("paymentPlan", Kind::Object, false, true),
            ("locationId", Kind::Str, false, true),
            ("creatorId", Kind::Str, false, true),
            ("membershipId", Kind::Str, false, true),
            ("soldByProviderId", Kind::Str, false, true),
            ("merchantAccountId", Kind::Str, false, true),
            ("cartId", Kind::Str, false, true),
        ],
        &mut errors,
    );
    let charges = if body.get("charges").is_some_and(Value::is_array) {
        charges_of(&body, &mut errors)
    } else {
        None
    };
    done(errors)?;
    let charges = charges.unwrap_or_default();
    let Some(first) = charges.first() else {
        return Err(detail(400, "At least one charge is required"));
    };
    let pi = patient_index(state, &first.patient_id.clone())?;
    let (_, outstanding) = resolve_charges(&state.patients[pi], &charges)?;
    let amount = body
        .get("paymentAmount")
        .and_then(Value::as_i64)
        .unwrap_or(outstanding);
    if amount <= 0 {
        return Err(detail(400, "Amount must be greater than zero"));
    }
    if amount > outstanding {
        return Err(detail(
            400,
            "Amount exceeds the outstanding balance of the charges",
        ));
    }
    let id = state.fresh_id("pyc");
    let session_key = format!("sbx_session_{}", id.trim_start_matches("pyc_"));
    let medium = body
        .get("paymentMedium")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    state.payin_configs.push(PayinConfig {
        id: id.clone(),
        session_key: session_key.clone(),
        patient_id: state.patients[pi].id.clone(),
        medium,
        amount,
        charges,
        consumed: false,
    });
    Ok(json!({
        "sessionKey": session_key,
        "payinConfigId": id,
        "paymentMethods": live_methods(&state.patients[pi]),
        "sandbox": true
    }))
}

fn charge_card(state: &mut State, req: &SandboxRequest, method_id: &str) -> Answer {
    let (whole, body) = object_body(req)?;
    let mut errors = Vec::new();
    check_fields(
        &body,
        &whole,
        &[json!("body")],
        &[("payinConfigId", Kind::Str, true, false)],
        &mut errors,
    );
    done(errors)?;
    let config_id = body
        .get("payinConfigId")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(ki) = state.payin_configs.iter().position(|c| c.id == config_id) else {
        return Err(detail(400, "Payin config not found"));
    };
    if state.payin_configs[ki].consumed {
        return Err(detail(400, "Payin config has already been used"));
    }
    let config = state.payin_configs[ki].clone();
    let pi = patient_index(state, &config.patient_id)?;
    let patient = &state.patients[pi];
    let Some(method) = patient
        .payment_methods
        .iter()
        .find(|m| m.id == method_id)
        .cloned()
    else {
        return Err(detail(404, "Payment method not found"));
    };
    if method.is_archived {
        return Err(detail(400, "Payment method is archived"));
    }
    if method.last4.as_deref() == Some("0002") {
        return Err(detail(400, "Your card was declined."));
    }
    // The charges may have changed since the config was made (paid from credit...).
    let (targets, outstanding) = resolve_charges(patient, &config.charges)?;
    if config.amount > outstanding {
        return Err(detail(
            400,
            "Amount exceeds the outstanding balance of the charges",
        ));
    }
    let payment_id = state.fresh_id("pay");
    let payin_id = state.fresh_id("pyi");
    let creating = config.charges.iter().filter(|c| c.id.is_none()).count();
    let new_ids: Vec<String> = (0..creating).map(|_| state.fresh_id("ch")).collect();
    let created = now();
    let template = SeedPayment {
        id: payment_id.clone(),
        amount: 0,
        payment_amount: Some(config.amount),
        medium: config.medium.clone(),
        status: "SUCCEEDED".to_owned(),
        created_date: created.clone(),
        card_brand: method.brand.as_ref().map(|b| b.to_ascii_lowercase()),
        card_last4: method.last4.clone(),
        refunds: Vec::new(),
        payin_id: Some(payin_id.clone()),
        payin_config_id: Some(config.id.clone()),
        payment_method_id: Some(method.id.clone()),
    };
    let patient = &mut state.patients[pi];
    let charge_ids = pay_charges(
        patient,
        &config.charges,
        &targets,
        new_ids,
        config.amount,
        &template,
    );
    let record = PaymentRecord {
        id: payment_id,
        patient_id: patient.id.clone(),
        amount: config.amount,
        medium: config.medium.clone(),
        status: "SUCCEEDED".to_owned(),
        created_date: created,
        payin_id: Some(payin_id.clone()),
        payin_config_id: Some(config.id.clone()),
        payment_method_id: Some(method.id.clone()),
        refunds: Vec::new(),
        credits_used: Vec::new(),
        charge_ids,
    };
    let summary = payment_summary_json(&record);
    state.payments.push(record);
    state.payin_configs[ki].consumed = true;
    state.emit("PAYMENT_CREATED", summary);
    let auth_code = format!("SBX{:03}", state.next_id % 1000);
    Ok(json!({
        "payinId": payin_id,
        "amount": config.amount,
        "status": "SUCCEEDED",
        "authCode": auth_code
    }))
}

// ---------------------------------------------------------------------------------------
// Payment links, charges

fn payment_links(state: &mut State, req: &SandboxRequest) -> Answer {
    let mut errors = Vec::new();
    let phone = required_query(req, "phone_number", &mut errors);
    done(errors)?;
    let phone = phone.unwrap_or_default();
    let mut out = Vec::new();
    for p in state.patients.iter().filter(|p| p.phone == phone) {
        let owed: i64 = p
            .charges
            .iter()
            .filter(|c| c.status == "OUTSTANDING")
            .map(|c| c.total_outstanding)
            .sum();
        if owed > 0 {
            out.push(json!({
                "totalOutstanding": owed,
                "paymentLink": format!("https://pay.decodahealth.com/l/pl_{}", p.id)
            }));
        }
    }
    Ok(Value::Array(out))
}

fn charge(state: &mut State, id: &str) -> Answer {
    for p in &state.patients {
        if let Some(c) = p.charges.iter().find(|c| c.id == id) {
            return Ok(charge_json(p, c, &patient_summary(p)));
        }
    }
    Err(detail(404, "Charge not found"))
}

// ---------------------------------------------------------------------------------------
// Refunds

fn refund_json(payment_id: &str, r: &RefundRecord) -> Value {
    json!({
        "id": r.id,
        "paymentId": payment_id,
        "amount": r.amount,
        "reason": r.reason,
        "createdDate": r.created_date,
        "status": r.status,
        "rainforestRefundId": r.rainforest_refund_id,
        "fee": 0
    })
}

fn refund(state: &mut State, req: &SandboxRequest) -> Answer {
    let (whole, body) = object_body(req)?;
    let mut errors = Vec::new();
    check_fields(
        &body,
        &whole,
        &[json!("body")],
        &[
            ("paymentId", Kind::Str, true, false),
            ("providerId", Kind::Str, true, false),
            ("amount", Kind::Int, true, false),
            ("reason", Kind::Enum(REFUND_REASONS), true, false),
            ("description", Kind::Str, false, true),
            ("locationId", Kind::Str, false, true),
            ("restoreInventory", Kind::Bool, false, false),
        ],
        &mut errors,
    );
    done(errors)?;
    let text = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let payment_id = text("paymentId");
    let amount = body
        .get("amount")
        .and_then(Value::as_i64)
        .unwrap_or_default();
    let Some(xi) = state.payments.iter().position(|p| p.id == payment_id) else {
        return Err(detail(404, "Payment not found"));
    };
    if amount <= 0 {
        return Err(detail(400, "Refund amount must be greater than zero"));
    }
    if state.payments[xi].status != "SUCCEEDED" {
        return Err(detail(400, "Only a succeeded payment can be refunded"));
    }
    if amount > state.payments[xi].refundable() {
        return Err(detail(
            400,
            "Refund amount exceeds the refundable amount of the payment",
        ));
    }
    let id = state.fresh_id("rf");
    let rainforest_refund_id = state.payments[xi]
        .payin_id
        .is_some()
        .then(|| state.fresh_id("rfd"));
    let record = RefundRecord {
        id: id.clone(),
        amount,
        reason: text("reason"),
        description: body
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned),
        created_date: now(),
        status: "SUCCEEDED".to_owned(),
        rainforest_refund_id,
    };
    let payment = &mut state.payments[xi];
    payment.refunds.push(record.clone());
    // A credit payment's refund goes back to the credits it used, newest first.
    let mut back = amount;
    let mut restore: Vec<(String, i64)> = Vec::new();
    for (credit_id, used) in payment.credits_used.iter_mut().rev() {
        let give = back.min(*used);
        if give > 0 {
            *used -= give;
            back -= give;
            restore.push((credit_id.clone(), give));
        }
    }
    let patient_id = payment.patient_id.clone();
    let charge_ids = payment.charge_ids.clone();
    if let Some(p) = state.patients.iter_mut().find(|p| p.id == patient_id) {
        for (credit_id, give) in &restore {
            if let Some(c) = p.credits.iter_mut().find(|c| c.id == *credit_id) {
                c.amount += give;
            }
        }
        // Charges show their payments' refunds.
        for c in p.charges.iter_mut().filter(|c| charge_ids.contains(&c.id)) {
            for pay in c.payments.iter_mut().filter(|x| x.id == payment_id) {
                pay.refunds.push(super::SeedRefund {
                    id: record.id.clone(),
                    amount: record.amount,
                    reason: record.reason.clone(),
                });
            }
        }
    }
    let answer = refund_json(&payment_id, &record);
    state.emit("REFUND_CREATED", answer.clone());
    Ok(answer)
}

// ---------------------------------------------------------------------------------------
// Credit

fn credit_available(state: &mut State, patient_id: &str) -> Answer {
    let pi = patient_index(state, patient_id)?;
    let p = &state.patients[pi];
    let today = now();
    let mut credits: Vec<&super::SeedCredit> = p
        .credits
        .iter()
        .filter(|c| c.amount > 0 && !is_expired(c, &today))
        .collect();
    credits.sort_by(|a, b| a.created_date.cmp(&b.created_date));
    let list: Vec<Value> = credits
        .iter()
        .map(|c| {
            json!({
                "creditId": c.id,
                "remainingAmount": c.amount,
                "totalAmount": c.total_amount.unwrap_or(c.amount),
                "comment": c.comment,
                "expiryDate": c.expiry_date,
                "createdDate": c.created_date
            })
        })
        .collect();
    Ok(json!({
        "totalAvailable": credits.iter().map(|c| c.amount).sum::<i64>(),
        "count": list.len(),
        "credits": list
    }))
}

fn credits(state: &mut State, req: &SandboxRequest, patient_id: &str) -> Answer {
    let mut errors = Vec::new();
    let page = int_query(req, "page", 1, (Some(1), None), &mut errors);
    let per_page = int_query(req, "per_page", 50, (Some(1), Some(100)), &mut errors);
    let include_expired = bool_query(req, "include_expired", false, &mut errors);
    let include_used = bool_query(req, "include_used", true, &mut errors);
    done(errors)?;
    let pi = patient_index(state, patient_id)?;
    let p = &state.patients[pi];
    let today = now();
    let mut all: Vec<&super::SeedCredit> = p
        .credits
        .iter()
        .filter(|c| include_expired || !is_expired(c, &today))
        .filter(|c| include_used || c.amount > 0)
        .collect();
    // Newest first, as a history reads.
    all.sort_by(|a, b| b.created_date.cmp(&a.created_date));
    let total = all.len();
    let data: Vec<Value> = page_of(&all, page, per_page)
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "patientId": p.id,
                "amount": c.total_amount.unwrap_or(c.amount),
                "amountRemaining": c.amount,
                "comment": c.comment,
                "expiryDate": c.expiry_date,
                "memberId": null,
                "createdDate": c.created_date,
                "updatedDate": null,
                "creator": null
            })
        })
        .collect();
    Ok(json!({"data": data, "total": total}))
}

fn page_of<T>(items: &[T], page: i64, per_page: i64) -> &[T] {
    let per = usize::try_from(per_page).unwrap_or(1).max(1);
    let start = usize::try_from(page.saturating_sub(1))
        .unwrap_or(0)
        .saturating_mul(per);
    if start >= items.len() {
        return &[];
    }
    &items[start..items.len().min(start.saturating_add(per))]
}

// ---------------------------------------------------------------------------------------
// Payment table

fn payment_table(state: &mut State, req: &SandboxRequest) -> Answer {
    let mut errors = Vec::new();
    let page = int_query(req, "page", 1, (None, None), &mut errors).max(1);
    let per_page = int_query(req, "per_page", 50, (None, None), &mut errors).max(1);
    let direction = query_one(req, "sort_direction");
    if let Some(d) = &direction
        && d != "asc"
        && d != "desc"
    {
        check_kind(
            &json!(d),
            Kind::Enum(&["asc", "desc"]),
            vec![json!("query"), json!("sort_direction")],
            &mut errors,
        );
    }
    let statuses: Vec<String> = req
        .query_all("status")
        .into_iter()
        .map(str::to_owned)
        .collect();
    for s in &statuses {
        check_kind(
            &json!(s),
            Kind::Enum(PAYMENT_STATUSES),
            vec![json!("query"), json!("status"), json!(0)],
            &mut errors,
        );
    }
    done(errors)?;
    let mediums: Vec<&str> = req.query_all("payment_mediums");
    let patient_id = query_one(req, "patient_id");
    let id = query_one(req, "id");
    let mut rows: Vec<&PaymentRecord> = state
        .payments
        .iter()
        .filter(|p| patient_id.as_ref().is_none_or(|x| *x == p.patient_id))
        .filter(|p| id.as_ref().is_none_or(|x| *x == p.id))
        .filter(|p| statuses.is_empty() || statuses.contains(&p.status))
        .filter(|p| mediums.is_empty() || mediums.contains(&p.medium.as_str()))
        .collect();
    rows.sort_by(|a, b| a.created_date.cmp(&b.created_date));
    if direction.as_deref() != Some("asc") {
        rows.reverse();
    }
    let total = rows.len();
    let data: Vec<Value> = page_of(&rows, page, per_page)
        .iter()
        .map(|x| table_item(state, x))
        .collect();
    Ok(json!({
        "items": {"data": data, "total": total},
        "hasInsurancePayments": false
    }))
}

fn table_item(state: &State, x: &PaymentRecord) -> Value {
    let patient = state.patient(&x.patient_id);
    let method = x.payment_method_id.as_deref().and_then(|id| {
        patient.and_then(|p| {
            p.payment_methods
                .iter()
                .find(|m| m.id == id)
                .map(|m| payment_method_json(p, m))
        })
    });
    let refunds: Vec<Value> = x
        .refunds
        .iter()
        .map(|r| {
            json!({
                "id": r.id, "amount": r.amount, "reason": r.reason,
                "createdDate": r.created_date, "status": r.status,
                "description": r.description, "creator": null
            })
        })
        .collect();
    json!({
        "id": x.id,
        "firstName": patient.map(|p| p.first_name.clone()),
        "lastName": patient.map(|p| p.last_name.clone()),
        "patientId": x.patient_id,
        "externalPatientId": null,
        "email": patient.and_then(|p| p.email.clone()),
        "phoneNumber": patient.map(|p| p.phone.clone()),
        "comment": null,
        "amount": x.amount,
        "currency": "USD",
        "status": x.status,
        "paymentMedium": x.medium,
        "fee": 0,
        "feeToPatient": 0,
        "paymentMethod": method,
        "createdDate": x.created_date,
        "refunds": refunds,
        "creator": null,
        "isPaymentPlan": false,
        "items": [],
        "isInsurancePayment": false,
        "locationId": "loc_main"
    })
}

// ---------------------------------------------------------------------------------------
// Webhook management

fn webhook_json(w: &Webhook) -> Value {
    json!({
        "id": w.id,
        "subscriptions": w.subscriptions,
        "url": w.url,
        "createdDate": w.created_date,
        "updatedDate": w.updated_date,
        "secret": w.secret,
        "notificationEmail": w.notification_email,
        "isArchived": w.is_archived
    })
}

fn check_subscriptions(body: &Map<String, Value>, errors: &mut Vec<Value>) {
    if let Some(Value::Array(items)) = body.get("subscriptions") {
        for (i, item) in items.iter().enumerate() {
            check_kind(
                item,
                Kind::Enum(ALERT_TYPES),
                vec![json!("body"), json!("subscriptions"), json!(i)],
                errors,
            );
        }
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn webhook_secret() -> String {
    use std::hash::{BuildHasher, Hasher};
    let state = std::collections::hash_map::RandomState::new();
    let mut out = String::from("whsec_");
    for i in 0..2u64 {
        let mut h = state.build_hasher();
        h.write_u64(i);
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

fn webhook_create(state: &mut State, req: &SandboxRequest) -> Answer {
    let (whole, body) = object_body(req)?;
    let mut errors = Vec::new();
    check_fields(
        &body,
        &whole,
        &[json!("body")],
        &[
            ("subscriptions", Kind::List, true, false),
            ("url", Kind::Str, true, false),
            ("notificationEmail", Kind::Str, false, true),
        ],
        &mut errors,
    );
    check_subscriptions(&body, &mut errors);
    done(errors)?;
    let url = body.get("url").and_then(Value::as_str).unwrap_or_default();
    if let Err(e) = crate::webhooks::loopback_target(url) {
        return Err(detail(400, &e.to_string()));
    }
    let id = state.fresh_id("wh");
    let w = Webhook {
        id,
        subscriptions: strings(body.get("subscriptions")),
        url: url.to_owned(),
        secret: webhook_secret(),
        notification_email: body
            .get("notificationEmail")
            .and_then(Value::as_str)
            .map(str::to_owned),
        created_date: now(),
        updated_date: None,
        is_archived: false,
    };
    let answer = webhook_json(&w);
    state.webhooks.push(w);
    Ok(answer)
}

fn webhook_list(state: &mut State, req: &SandboxRequest) -> Answer {
    let mut errors = Vec::new();
    let archived = bool_query(req, "include_archived", false, &mut errors);
    done(errors)?;
    Ok(Value::Array(
        state
            .webhooks
            .iter()
            .filter(|w| archived || !w.is_archived)
            .map(webhook_json)
            .collect(),
    ))
}

fn webhook_index(state: &State, id: &str) -> Result<usize, SandboxResponse> {
    state
        .webhooks
        .iter()
        .position(|w| w.id == id)
        .ok_or_else(|| detail(404, "Webhook not found"))
}

fn webhook_get(state: &mut State, id: &str) -> Answer {
    let i = webhook_index(state, id)?;
    Ok(webhook_json(&state.webhooks[i]))
}

fn webhook_update(state: &mut State, req: &SandboxRequest, id: &str) -> Answer {
    let (whole, body) = object_body(req)?;
    let mut errors = Vec::new();
    check_fields(
        &body,
        &whole,
        &[json!("body")],
        &[
            ("subscriptions", Kind::List, false, true),
            ("url", Kind::Str, false, true),
            ("notificationEmail", Kind::Str, false, true),
        ],
        &mut errors,
    );
    check_subscriptions(&body, &mut errors);
    done(errors)?;
    let i = webhook_index(state, id)?;
    if let Some(url) = body.get("url").and_then(Value::as_str) {
        if let Err(e) = crate::webhooks::loopback_target(url) {
            return Err(detail(400, &e.to_string()));
        }
        state.webhooks[i].url = url.to_owned();
    }
    if body.get("subscriptions").is_some_and(Value::is_array) {
        state.webhooks[i].subscriptions = strings(body.get("subscriptions"));
    }
    if let Some(e) = body.get("notificationEmail").and_then(Value::as_str) {
        state.webhooks[i].notification_email = Some(e.to_owned());
    }
    state.webhooks[i].updated_date = Some(now());
    Ok(webhook_json(&state.webhooks[i]))
}

fn webhook_delete(state: &mut State, id: &str) -> Answer {
    let i = webhook_index(state, id)?;
    state.webhooks[i].is_archived = true;
    Ok(Value::Bool(true))
}
