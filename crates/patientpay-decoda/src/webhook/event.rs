//! The envelope of a verified delivery and its `data`, typed by event type where Decoda
//! documents the shape (see the parent module's docs for the rules).

use patientpay_core::webhook::{
    WebhookData, WebhookError, WebhookEvent, WebhookEventKind, body_fingerprint,
};
use patientpay_core::{
    Charge, ChargeItem, ChargeState, Currency, Money, PartialAddress, Patient, Payment,
    PaymentState, Refund, RefundReason, VendorData,
};
use serde_json::{Map, Value};

use super::PROVIDER;
use crate::datetime::{parse_date, parse_datetime};

/// Parses a verified Decoda delivery body (see the module docs for the rules).
///
/// # Errors
/// [`WebhookError::NotJson`], or [`WebhookError::BadEnvelope`] when the body is not an object
/// with a string `type`.
pub fn parse_event(body: &[u8]) -> Result<WebhookEvent, WebhookError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| WebhookError::not_json(&e))?;
    let Value::Object(mut envelope) = value else {
        return Err(WebhookError::bad_envelope(PROVIDER, "not a JSON object"));
    };
    let vendor_type = match take_first(&mut envelope, &["type", "eventType", "event_type"]) {
        Some(Value::String(t)) => t,
        Some(_) => {
            return Err(WebhookError::bad_envelope(
                PROVIDER,
                "field `type` is not a string",
            ));
        }
        None => return Err(WebhookError::bad_envelope(PROVIDER, "missing field `type`")),
    };
    let id = take_first(&mut envelope, &["id", "eventId", "event_id"]).and_then(id_text);
    let created_at = take_first(
        &mut envelope,
        &["createdDate", "created_date", "createdAt", "created_at"],
    )
    .as_ref()
    .and_then(Value::as_str)
    .and_then(parse_datetime);
    let data = envelope.remove("data").unwrap_or(Value::Null);
    let kind = event_kind(&vendor_type);
    let data = typed_data(&vendor_type, data);
    let dedupe_key = id.clone().unwrap_or_else(|| body_fingerprint(body));
    let mut event = WebhookEvent::new(PROVIDER, vendor_type, kind, data, dedupe_key);
    event.id = id;
    event.created_at = created_at;
    event.vendor_data = VendorData::from_map(envelope);
    Ok(event)
}

/// The domain kind of a Decoda event type (`AlertType` and the guide's names).
pub fn event_kind(vendor_type: &str) -> WebhookEventKind {
    match vendor_type {
        "PAYMENT_CREATED" => WebhookEventKind::PaymentCreated,
        "PAYMENT_SUCCEEDED" | "PAYMENT_COMPLETED" => WebhookEventKind::PaymentSucceeded,
        "PAYMENT_FAILED" | "RAINFOREST_PAYIN_FAILED" => WebhookEventKind::PaymentFailed,
        "RAINFOREST_PAYIN_PROCESSING" => WebhookEventKind::PaymentProcessing,
        "RAINFOREST_POS_PAYIN_CANCELLED" => WebhookEventKind::PaymentCanceled,
        "REFUND_CREATED" => WebhookEventKind::RefundCreated,
        "REFUND_SUCCEEDED" => WebhookEventKind::RefundSucceeded,
        "REFUND_FAILED" => WebhookEventKind::RefundFailed,
        "CHARGE_CREATED" => WebhookEventKind::ChargeCreated,
        "CHARGE_PAYMENT_CREATED" => WebhookEventKind::ChargePaymentCreated,
        "PATIENT_CREATED" => WebhookEventKind::PatientCreated,
        "PATIENT_UPDATED" => WebhookEventKind::PatientUpdated,
        other => WebhookEventKind::Unknown(other.to_owned()),
    }
}

/// `data` typed by event type where Decoda documents the shape; raw otherwise, and raw when
/// the shape does not match (the event is still delivered).
fn typed_data(vendor_type: &str, data: Value) -> WebhookData {
    let Value::Object(obj) = data else {
        return WebhookData::Other(data);
    };
    let typed = match vendor_type {
        "PAYMENT_CREATED" | "PAYMENT_SUCCEEDED" | "PAYMENT_COMPLETED" | "PAYMENT_FAILED" => {
            payment(&obj).map(WebhookData::Payment)
        }
        "REFUND_CREATED" | "REFUND_SUCCEEDED" | "REFUND_FAILED" => {
            refund(&obj).map(WebhookData::Refund)
        }
        "CHARGE_CREATED" => charge(&obj).map(WebhookData::Charge),
        "CHARGE_PAYMENT_CREATED" => charge_payment(&obj),
        "PATIENT_CREATED" | "PATIENT_UPDATED" => patient(&obj).map(WebhookData::Patient),
        _ => None,
    };
    typed.unwrap_or(WebhookData::Other(Value::Object(obj)))
}

// ---------------------------------------------------------------------------------------
// Tolerant field access: camelCase (spec) or snake_case (guide), whichever is present.

fn take_first(map: &mut Map<String, Value>, names: &[&str]) -> Option<Value> {
    let mut found = None;
    for name in names {
        if let Some(v) = map.remove(*name)
            && found.is_none()
        {
            found = Some(v);
        }
    }
    found
}

fn field<'a>(obj: &'a Map<String, Value>, names: &[&str]) -> Option<&'a Value> {
    names
        .iter()
        .find_map(|n| obj.get(*n).filter(|v| !v.is_null()))
}

fn id_text(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn text(obj: &Map<String, Value>, names: &[&str]) -> Option<String> {
    field(obj, names).and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// An integer amount of minor units; a JSON number with a fraction is refused (no floats on
/// an amount path), a decimal string is read exactly.
fn minor_units(obj: &Map<String, Value>, names: &[&str]) -> Option<i64> {
    match field(obj, names)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
}

fn currency(obj: &Map<String, Value>) -> Option<Currency> {
    match text(obj, &["currency"]) {
        None => Some(Currency::USD),
        Some(code) => Currency::from_code(&code.to_ascii_uppercase()).ok(),
    }
}

fn money(obj: &Map<String, Value>, names: &[&str], currency: Currency) -> Option<Money> {
    minor_units(obj, names).map(|m| Money::from_minor(m, currency))
}

fn datetime(obj: &Map<String, Value>, names: &[&str]) -> Option<time::OffsetDateTime> {
    field(obj, names)
        .and_then(Value::as_str)
        .and_then(parse_datetime)
}

/// Payment status from the spec's `PaymentStatus` or the guide's lower-case words
/// (`pending`, `completed`, `failed`); anything else is kept verbatim as `Unknown`.
fn payment_state(raw: &str) -> PaymentState {
    let upper = raw.to_ascii_uppercase();
    match upper.as_str() {
        "COMPLETED" | "SUCCEEDED" | "SUCCESS" | "PAID" => PaymentState::Succeeded,
        "PENDING" | "CREATED" => PaymentState::Pending,
        "FAILED" => PaymentState::Failed,
        "PROCESSING" => PaymentState::Processing,
        "CANCELED" | "CANCELLED" => PaymentState::Canceled,
        "IN_REVIEW" => PaymentState::InReview,
        "PRESENTING" => PaymentState::AwaitingPatient,
        _ => PaymentState::Unknown(raw.to_owned()),
    }
}

fn rest(obj: &Map<String, Value>, known: &[&str]) -> VendorData {
    VendorData::from_map(
        obj.iter()
            .filter(|(k, _)| !known.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

const PAYMENT_ID: &[&str] = &["id", "paymentId", "payment_id"];
const AMOUNT: &[&str] = &["amount", "amountCents", "amount_cents"];
const STATUS: &[&str] = &["status"];
const FEE: &[&str] = &["fee", "feeCents", "fee_cents"];
const FEE_TO_PATIENT: &[&str] = &["feeToPatient", "fee_to_patient"];
const MEDIUM: &[&str] = &["paymentMedium", "payment_medium"];
const PATIENT_ID: &[&str] = &["patientId", "patient_id"];
const CREATED: &[&str] = &["createdDate", "created_date", "createdAt", "created_at"];
const FAILED_REASON: &[&str] = &[
    "failedReason",
    "failed_reason",
    "failureReason",
    "failure_reason",
];
const PAYIN_ID: &[&str] = &["payinId", "payin_id"];
const PAYIN_CONFIG_ID: &[&str] = &["payinConfigId", "payin_config_id"];
const PAYMENT_METHOD_ID: &[&str] = &["paymentMethodId", "payment_method_id"];
const STRIPE_PI: &[&str] = &["stripePaymentIntentId", "stripe_payment_intent_id"];

/// `PaymentSummary` / `PaymentWithCharges` / `Payment-Output` (camelCase) or the guide's
/// snake_case payment (`payment_id`/`id`, `amount_cents`, `status`, `failure_reason`,
/// `charge_id`). Needs an id, an integer amount and a status.
fn payment(obj: &Map<String, Value>) -> Option<Payment> {
    let id = text(obj, PAYMENT_ID)?;
    let currency = currency(obj)?;
    let amount = money(obj, AMOUNT, currency)?;
    let status = payment_state(&text(obj, STATUS)?);
    let mut p = Payment::new(id, status, amount);
    p.fee = money(obj, FEE, currency);
    p.fee_to_patient = money(obj, FEE_TO_PATIENT, currency);
    p.medium = text(obj, MEDIUM);
    p.patient_id = text(obj, PATIENT_ID);
    p.created_at = datetime(obj, CREATED);
    p.failed_reason = text(obj, FAILED_REASON);
    p.payin_id = text(obj, PAYIN_ID);
    p.payin_config_id = text(obj, PAYIN_CONFIG_ID);
    p.payment_method_id = text(obj, PAYMENT_METHOD_ID);
    p.processor_payment_id = text(obj, STRIPE_PI);
    let known: Vec<&str> = [
        PAYMENT_ID,
        AMOUNT,
        STATUS,
        FEE,
        FEE_TO_PATIENT,
        MEDIUM,
        PATIENT_ID,
        CREATED,
        FAILED_REASON,
        PAYIN_ID,
        PAYIN_CONFIG_ID,
        PAYMENT_METHOD_ID,
        STRIPE_PI,
        &["currency"],
    ]
    .concat();
    p.vendor_data = rest(obj, &known);
    Some(p)
}

const REFUND_ID: &[&str] = &["id", "refundId", "refund_id"];
const REFUND_PAYMENT_ID: &[&str] = &["paymentId", "payment_id"];
const REASON: &[&str] = &["reason"];
const RAINFOREST_REFUND_ID: &[&str] = &["rainforestRefundId", "rainforest_refund_id"];

/// `RefundSummary`: id, paymentId, amount, reason, status (+ createdDate, rainforestRefundId,
/// fee). A missing reason reads as `OTHER`.
fn refund(obj: &Map<String, Value>) -> Option<Refund> {
    let id = text(obj, REFUND_ID)?;
    let payment_id = text(obj, REFUND_PAYMENT_ID)?;
    let currency = currency(obj)?;
    let amount = money(obj, AMOUNT, currency)?;
    let status = payment_state(&text(obj, STATUS)?);
    let reason = text(obj, REASON)
        .map(|r| RefundReason::from_wire(&r.to_ascii_uppercase()))
        .unwrap_or(RefundReason::Other);
    let mut r = Refund::new(id, payment_id, amount, reason, status);
    r.created_at = datetime(obj, CREATED);
    r.processor_refund_id = text(obj, RAINFOREST_REFUND_ID);
    r.fee = money(obj, FEE, currency);
    let known: Vec<&str> = [
        REFUND_ID,
        REFUND_PAYMENT_ID,
        AMOUNT,
        STATUS,
        REASON,
        CREATED,
        RAINFOREST_REFUND_ID,
        FEE,
        &["currency"],
    ]
    .concat();
    r.vendor_data = rest(obj, &known);
    Some(r)
}

const CHARGE_ID: &[&str] = &["id", "chargeId", "charge_id"];
const TOTAL: &[&str] = &["total", "totalCents", "total_cents"];
const OUTSTANDING: &[&str] = &["totalOutstanding", "total_outstanding"];
const DESCRIPTION: &[&str] = &["description"];
const ITEMS: &[&str] = &["items"];

/// `ChargeSummary`: patientId and totalOutstanding required (+ id, total, status,
/// description, createdDate, items).
fn charge(obj: &Map<String, Value>) -> Option<Charge> {
    let patient_id = text(obj, PATIENT_ID)?;
    let currency = currency(obj)?;
    let outstanding = money(obj, OUTSTANDING, currency)?;
    let total = money(obj, TOTAL, currency).unwrap_or(outstanding);
    let status = text(obj, STATUS)
        .map(|s| ChargeState::from_wire(&s.to_ascii_uppercase()))
        .unwrap_or(ChargeState::Outstanding);
    let mut c = Charge::new(patient_id, status, total, outstanding);
    c.id = text(obj, CHARGE_ID);
    c.description = text(obj, DESCRIPTION);
    c.created_at = datetime(obj, CREATED);
    if let Some(Value::Array(items)) = field(obj, ITEMS) {
        c.items = items
            .iter()
            .filter_map(|i| i.as_object().and_then(|i| charge_item(i, currency)))
            .collect();
    }
    let known: Vec<&str> = [
        CHARGE_ID,
        PATIENT_ID,
        TOTAL,
        OUTSTANDING,
        STATUS,
        DESCRIPTION,
        CREATED,
        ITEMS,
        &["currency"],
    ]
    .concat();
    c.vendor_data = rest(obj, &known);
    Some(c)
}

fn charge_item(obj: &Map<String, Value>, currency: Currency) -> Option<ChargeItem> {
    let quantity = field(obj, &["quantity"])
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let price = money(obj, &["price", "unitPrice", "unit_price", "cost"], currency)?;
    let mut item = ChargeItem::new(quantity, price);
    item.id = text(obj, &["id"]);
    item.name = text(obj, &["name"]);
    item.vendor_data = rest(
        obj,
        &[
            "id",
            "name",
            "quantity",
            "price",
            "unitPrice",
            "unit_price",
            "cost",
        ],
    );
    Some(item)
}

/// `ChargePaymentUpdate`: `{paymentId, chargeId, amount, paymentMedium, payment}`; the
/// nested `payment` (`Payment-Output`) is the payment. Without a nested payment, the flat
/// fields are read as one (the guide's snake_case `{payment_id, charge_id, amount_cents,
/// status}`).
fn charge_payment(obj: &Map<String, Value>) -> Option<WebhookData> {
    let charge_id = text(obj, &["chargeId", "charge_id"])?;
    let payment = match field(obj, &["payment"]) {
        Some(Value::Object(nested)) => payment(nested)?,
        _ => {
            let mut flat = obj.clone();
            flat.remove("chargeId");
            flat.remove("charge_id");
            payment(&flat)?
        }
    };
    Some(WebhookData::ChargePayment { charge_id, payment })
}

/// `PatientSummary` (camelCase) or snake_case: id plus names, contact, date of birth,
/// address and credit balance (cents).
fn patient(obj: &Map<String, Value>) -> Option<Patient> {
    let mut p = Patient::new(text(obj, &["id", "patientId", "patient_id"])?);
    p.first_name = text(obj, &["firstName", "first_name"]);
    p.last_name = text(obj, &["lastName", "last_name"]);
    p.email = text(obj, &["email"]);
    p.phone = text(obj, &["phoneNumber", "phone_number", "phone"]);
    p.date_of_birth = text(obj, &["dateOfBirth", "date_of_birth"]).and_then(|d| parse_date(&d));
    let mut address = PartialAddress::default();
    address.line1 = text(
        obj,
        &[
            "address",
            "addressLineOne",
            "address_line_one",
            "address_line1",
        ],
    );
    address.line2 = text(
        obj,
        &["addressLineTwo", "address_line_two", "address_line2"],
    );
    address.city = text(obj, &["city"]);
    address.state = text(obj, &["state"]);
    address.postal_code = text(obj, &["zipCode", "zip_code", "postalCode", "postal_code"]);
    address.country = text(obj, &["country"]);
    if address != PartialAddress::default() {
        p.address = Some(address);
    }
    p.credit_balance = money(obj, &["creditBalance", "credit_balance"], Currency::USD);
    Some(p)
}
