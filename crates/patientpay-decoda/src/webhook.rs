//! Decoda webhooks: [`DecodaWebhooks`] verifies the `Decoda-Signature` header over the raw
//! body and parses the envelope `{id, type, data, createdDate, alertId}` into a
//! [`WebhookEvent`].
//!
//! **Signature.** Lowercase hex HMAC-SHA256 keyed with the webhook's `secret` (the
//! `WebhookSummary.secret` returned by `POST /webhook/decoda/create`) as UTF-8. Decoda's own
//! examples disagree on *which bytes* are signed (decoda-wave2.md §f): the newer guide and the
//! PHP example hash the raw body; the older Python example hashes `json.dumps(parsed)` and the
//! TypeScript examples hash `JSON.stringify(parsed)`. So verification is:
//! 1. the raw bytes as received (what the guide shows, and what the sandbox sends);
//! 2. only if that fails, and unless [`DecodaWebhooks::raw_only`] was chosen: the body
//!    re-serialized as JavaScript's `JSON.stringify` would (compact, key order kept, integer-
//!    like keys first as JavaScript orders them, non-ASCII kept), then as Python's
//!    `json.dumps` would (`", "` and `": "` separators, key order kept, non-ASCII as `\uXXXX`).
//!
//! Each candidate is compared in constant time. The re-serializations are built from the
//! raw token stream (the workspace's `serde_json` does not keep key order), bounded by the body
//! limit and a nesting depth of 128; they type nothing. A sender that signs bytes it does not
//! send is the only reason for step 2, and each accepted form still needs the secret.
//!
//! **Envelope.** `type` is kept verbatim in [`WebhookEvent::vendor_type`] and mapped to a
//! [`WebhookEventKind`] from both of Decoda's lists (the spec's `AlertType` and the guide's
//! `PAYMENT_COMPLETED`); `data` is typed by `type` where the shape is known — payments, refunds,
//! charges, charge payments, patients — accepting the spec's camelCase and the guide's
//! snake_case (`amount_cents`, `charge_id`, `status: "completed"`). Anything else, or data
//! whose shape does not match, stays raw JSON in [`WebhookData::Other`]; only a body that is
//! not a JSON object with a string `type` is an error.
//!
//! ```
//! use patientpay_core::webhook::{hmac_sha256_hex, Webhooks, WebhookSecret};
//! use patientpay_core::{WebhookData, WebhookEventKind};
//! use patientpay_decoda::webhook::{DecodaWebhooks, SIGNATURE_HEADER};
//!
//! let secret = WebhookSecret::new("whsec_from_webhook_create");
//! let body = br#"{"id":"evt_1","type":"PAYMENT_SUCCEEDED","createdDate":"2026-03-01T10:00:00Z","alertId":"al_1","data":{"id":"pay_1","amount":1999,"status":"SUCCEEDED","paymentMedium":"PAYMENT_LINK","createdDate":"2026-03-01T10:00:00Z"}}"#;
//! let mut headers = http::HeaderMap::new();
//! headers.insert(SIGNATURE_HEADER, hmac_sha256_hex(&secret, body).parse().unwrap());
//!
//! let event = DecodaWebhooks::new().verify_and_parse(&headers, body, &secret)?;
//! assert_eq!(event.kind, WebhookEventKind::PaymentSucceeded);
//! assert_eq!(event.id.as_deref(), Some("evt_1"));
//! let WebhookData::Payment(payment) = &event.data else { panic!("a payment") };
//! assert_eq!(payment.amount.minor_units(), 1999);
//! # Ok::<(), patientpay_core::WebhookError>(())
//! ```

use std::fmt;

use http::HeaderMap;
use patientpay_core::webhook::{
    DEFAULT_MAX_BODY_BYTES, HmacSha256Hex, WebhookData, WebhookError, WebhookEvent,
    WebhookEventKind, WebhookSecret, Webhooks, body_fingerprint,
};
use patientpay_core::{
    Charge, ChargeItem, ChargeState, Currency, Money, PartialAddress, Patient, Payment,
    PaymentState, Refund, RefundReason, VendorData,
};
use serde_json::{Map, Value};

use crate::datetime::{parse_date, parse_datetime};

/// The vendor name events carry.
pub const PROVIDER: &str = "decoda";

/// The header Decoda puts the signature in.
pub const SIGNATURE_HEADER: &str = "Decoda-Signature";

/// Which bytes a delivery's signature was found to cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignedForm {
    /// The raw body, as received.
    Raw,
    /// `JSON.stringify` of the parsed body (Decoda's TypeScript examples).
    JavaScriptStringify,
    /// `json.dumps` of the parsed body with Python's default separators (Decoda's older
    /// Python example).
    PythonJsonDumps,
}

/// Verifies and parses Decoda webhook deliveries. Implements [`Webhooks`].
#[derive(Debug, Clone)]
pub struct DecodaWebhooks {
    scheme: HmacSha256Hex,
    reserialized_fallback: bool,
}

impl Default for DecodaWebhooks {
    fn default() -> Self {
        DecodaWebhooks::new()
    }
}

impl DecodaWebhooks {
    /// Raw-body verification with the documented re-serialization fallback, and the default
    /// 1 MiB body limit.
    pub fn new() -> DecodaWebhooks {
        DecodaWebhooks {
            scheme: HmacSha256Hex::new(SIGNATURE_HEADER)
                .with_max_body_bytes(DEFAULT_MAX_BODY_BYTES),
            reserialized_fallback: true,
        }
    }

    /// Accepts only signatures over the raw body (no re-serialization fallback).
    pub fn raw_only(mut self) -> DecodaWebhooks {
        self.reserialized_fallback = false;
        self
    }

    /// Sets the body limit (bytes); a larger body is refused before hashing.
    pub fn with_max_body_bytes(mut self, limit: usize) -> DecodaWebhooks {
        self.scheme = self.scheme.with_max_body_bytes(limit);
        self
    }

    /// Verifies and says which bytes the signature covered.
    ///
    /// # Errors
    /// As [`Webhooks::verify`].
    pub fn verify_form(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        secret: &WebhookSecret,
    ) -> Result<SignedForm, WebhookError> {
        let signatures = self.scheme.preflight(headers, body, secret)?;
        if self.scheme.matches(secret, body, &signatures) {
            return Ok(SignedForm::Raw);
        }
        if self.reserialized_fallback
            && let Some(tree) = reserialize::parse(body)
        {
            let js = reserialize::javascript_stringify(&tree);
            if self.scheme.matches(secret, js.as_bytes(), &signatures) {
                return Ok(SignedForm::JavaScriptStringify);
            }
            let py = reserialize::python_dumps(&tree);
            if self.scheme.matches(secret, py.as_bytes(), &signatures) {
                return Ok(SignedForm::PythonJsonDumps);
            }
        }
        Err(WebhookError::SignatureMismatch)
    }
}

impl Webhooks for DecodaWebhooks {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn verify(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        secret: &WebhookSecret,
    ) -> Result<(), WebhookError> {
        self.verify_form(headers, body, secret).map(|_| ())
    }

    fn parse_verified(&self, body: &[u8]) -> Result<WebhookEvent, WebhookError> {
        if body.len() > self.scheme.max_body_bytes {
            return Err(WebhookError::BodyTooLarge {
                limit: self.scheme.max_body_bytes,
            });
        }
        parse_event(body)
    }
}

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
    event.vendor_data = VendorData(envelope);
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
    VendorData(
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

// ---------------------------------------------------------------------------------------

/// Re-serializations of a JSON body as JavaScript's `JSON.stringify(JSON.parse(body))` and
/// Python's `json.dumps(json.loads(body))` would write them, built from the raw token stream
/// so that key order is kept. Strings are handled as UTF-16 code units (as both languages do),
/// so lone surrogates in `\u` escapes survive. Duplicate keys keep their first position and
/// their last value (as both languages do).
mod reserialize {
    use std::fmt::Write as _;

    /// Deeper nesting is refused (the body is not yet authenticated here).
    const MAX_DEPTH: usize = 128;

    pub(super) enum Json {
        Null,
        Bool(bool),
        /// The number's token as written.
        Num(String),
        Str(Vec<u16>),
        Arr(Vec<Json>),
        Obj(Vec<(Vec<u16>, Json)>),
    }

    struct Parser<'a> {
        b: &'a [u8],
        i: usize,
    }

    /// Parses strict JSON (RFC 8259); `None` on any error.
    pub(super) fn parse(body: &[u8]) -> Option<Json> {
        let mut p = Parser { b: body, i: 0 };
        p.ws();
        let v = p.value(0)?;
        p.ws();
        (p.i == p.b.len()).then_some(v)
    }

    impl Parser<'_> {
        fn ws(&mut self) {
            while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
                self.i += 1;
            }
        }

        fn eat(&mut self, lit: &[u8]) -> Option<()> {
            let end = self.i.checked_add(lit.len())?;
            (self.b.get(self.i..end)? == lit).then(|| self.i = end)
        }

        fn value(&mut self, depth: usize) -> Option<Json> {
            if depth > MAX_DEPTH {
                return None;
            }
            match *self.b.get(self.i)? {
                b'n' => self.eat(b"null").map(|_| Json::Null),
                b't' => self.eat(b"true").map(|_| Json::Bool(true)),
                b'f' => self.eat(b"false").map(|_| Json::Bool(false)),
                b'"' => self.string().map(Json::Str),
                b'[' => {
                    self.i += 1;
                    let mut items = Vec::new();
                    self.ws();
                    if self.b.get(self.i) == Some(&b']') {
                        self.i += 1;
                        return Some(Json::Arr(items));
                    }
                    loop {
                        self.ws();
                        items.push(self.value(depth + 1)?);
                        self.ws();
                        match *self.b.get(self.i)? {
                            b',' => self.i += 1,
                            b']' => {
                                self.i += 1;
                                return Some(Json::Arr(items));
                            }
                            _ => return None,
                        }
                    }
                }
                b'{' => {
                    self.i += 1;
                    let mut members: Vec<(Vec<u16>, Json)> = Vec::new();
                    self.ws();
                    if self.b.get(self.i) == Some(&b'}') {
                        self.i += 1;
                        return Some(Json::Obj(members));
                    }
                    loop {
                        self.ws();
                        if self.b.get(self.i) != Some(&b'"') {
                            return None;
                        }
                        let key = self.string()?;
                        self.ws();
                        self.eat(b":")?;
                        self.ws();
                        let v = self.value(depth + 1)?;
                        match members.iter_mut().find(|(k, _)| *k == key) {
                            Some(slot) => slot.1 = v,
                            None => members.push((key, v)),
                        }
                        self.ws();
                        match *self.b.get(self.i)? {
                            b',' => self.i += 1,
                            b'}' => {
                                self.i += 1;
                                return Some(Json::Obj(members));
                            }
                            _ => return None,
                        }
                    }
                }
                b'-' | b'0'..=b'9' => self.number().map(Json::Num),
                _ => None,
            }
        }

        fn digits(&mut self) -> usize {
            let start = self.i;
            while let Some(b'0'..=b'9') = self.b.get(self.i) {
                self.i += 1;
            }
            self.i - start
        }

        fn number(&mut self) -> Option<String> {
            let start = self.i;
            if self.b.get(self.i) == Some(&b'-') {
                self.i += 1;
            }
            let int_start = self.i;
            let n = self.digits();
            if n == 0 || (n > 1 && self.b.get(int_start) == Some(&b'0')) {
                return None;
            }
            if self.b.get(self.i) == Some(&b'.') {
                self.i += 1;
                if self.digits() == 0 {
                    return None;
                }
            }
            if let Some(b'e' | b'E') = self.b.get(self.i) {
                self.i += 1;
                if let Some(b'+' | b'-') = self.b.get(self.i) {
                    self.i += 1;
                }
                if self.digits() == 0 {
                    return None;
                }
            }
            std::str::from_utf8(self.b.get(start..self.i)?)
                .ok()
                .map(str::to_owned)
        }

        fn hex4(&mut self) -> Option<u16> {
            let s = std::str::from_utf8(self.b.get(self.i..self.i.checked_add(4)?)?).ok()?;
            if !s.bytes().all(|c| c.is_ascii_hexdigit()) {
                return None;
            }
            self.i += 4;
            u16::from_str_radix(s, 16).ok()
        }

        /// A string's UTF-16 code units (the opening quote at `self.i`).
        fn string(&mut self) -> Option<Vec<u16>> {
            self.i += 1;
            let mut out = Vec::new();
            loop {
                let start = self.i;
                while let Some(&c) = self.b.get(self.i) {
                    if c == b'"' || c == b'\\' || c < 0x20 {
                        break;
                    }
                    self.i += 1;
                }
                let run = std::str::from_utf8(self.b.get(start..self.i)?).ok()?;
                out.extend(run.encode_utf16());
                match *self.b.get(self.i)? {
                    b'"' => {
                        self.i += 1;
                        return Some(out);
                    }
                    b'\\' => {
                        self.i += 1;
                        let esc = *self.b.get(self.i)?;
                        self.i += 1;
                        out.push(match esc {
                            b'"' => 0x22,
                            b'\\' => 0x5c,
                            b'/' => 0x2f,
                            b'b' => 0x08,
                            b'f' => 0x0c,
                            b'n' => 0x0a,
                            b'r' => 0x0d,
                            b't' => 0x09,
                            b'u' => self.hex4()?,
                            _ => return None,
                        });
                    }
                    _ => return None, // a raw control character
                }
            }
        }
    }

    #[derive(Clone, Copy, PartialEq)]
    enum Style {
        JavaScript,
        Python,
    }

    /// `JSON.stringify(JSON.parse(body))`.
    pub(super) fn javascript_stringify(v: &Json) -> String {
        let mut out = String::new();
        write(v, Style::JavaScript, &mut out);
        out
    }

    /// `json.dumps(json.loads(body))` with the default separators and `ensure_ascii`.
    pub(super) fn python_dumps(v: &Json) -> String {
        let mut out = String::new();
        write(v, Style::Python, &mut out);
        out
    }

    /// A JavaScript array index (`"0"`, `"17"`, no leading zero, below 2^32 - 1): such
    /// keys come first, in numeric order, in a JavaScript object.
    fn array_index(key: &[u16]) -> Option<u32> {
        if key.is_empty() || key.len() > 10 || (key.len() > 1 && key[0] == u16::from(b'0')) {
            return None;
        }
        let mut n: u64 = 0;
        for &c in key {
            let d = c.checked_sub(u16::from(b'0')).filter(|d| *d <= 9)?;
            n = n * 10 + u64::from(d);
        }
        u32::try_from(n).ok().filter(|n| *n != u32::MAX)
    }

    fn write(v: &Json, style: Style, out: &mut String) {
        let (comma, colon) = match style {
            Style::JavaScript => (",", ":"),
            Style::Python => (", ", ": "),
        };
        match v {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(token) => number(token, style, out),
            Json::Str(units) => string(units, style, out),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(comma);
                    }
                    write(item, style, out);
                }
                out.push(']');
            }
            Json::Obj(members) => {
                let mut order: Vec<&(Vec<u16>, Json)> = members.iter().collect();
                if style == Style::JavaScript {
                    // Stable: integer-like keys first (ascending), then insertion order.
                    order.sort_by_key(|(k, _)| array_index(k).map_or((1, 0), |n| (0, n)));
                }
                out.push('{');
                for (i, (k, item)) in order.into_iter().enumerate() {
                    if i > 0 {
                        out.push_str(comma);
                    }
                    string(k, style, out);
                    out.push_str(colon);
                    write(item, style, out);
                }
                out.push('}');
            }
        }
    }

    fn string(units: &[u16], style: Style, out: &mut String) {
        out.push('"');
        for decoded in char::decode_utf16(units.iter().copied()) {
            match decoded {
                Err(lone) => {
                    let _ = write!(out, "\\u{:04x}", lone.unpaired_surrogate());
                }
                Ok(c) => match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\u{08}' => out.push_str("\\b"),
                    '\u{0c}' => out.push_str("\\f"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c if u32::from(c) < 0x20 => {
                        let _ = write!(out, "\\u{:04x}", u32::from(c));
                    }
                    c if style == Style::Python && !(' '..='~').contains(&c) => {
                        let mut buf = [0u16; 2];
                        for unit in c.encode_utf16(&mut buf) {
                            let _ = write!(out, "\\u{unit:04x}");
                        }
                    }
                    c => out.push(c),
                },
            }
        }
        out.push('"');
    }

    fn number(token: &str, style: Style, out: &mut String) {
        let integral = !token.contains(['.', 'e', 'E']);
        if style == Style::Python && integral {
            // Python ints are exact; "-0" is int 0.
            out.push_str(if token == "-0" { "0" } else { token });
            return;
        }
        let Ok(x) = token.parse::<f64>() else {
            out.push_str(token);
            return;
        };
        if !x.is_finite() {
            // JSON.stringify writes null; Python writes Infinity.
            out.push_str(match style {
                Style::JavaScript => "null",
                Style::Python if x > 0.0 => "Infinity",
                Style::Python => "-Infinity",
            });
            return;
        }
        let sci = format!("{x:e}"); // shortest round-trip digits, e.g. "1.5e-7"
        let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        match style {
            Style::JavaScript => {
                if x == 0.0 {
                    out.push('0');
                } else if (-6..21).contains(&exp) {
                    let _ = write!(out, "{x}");
                } else {
                    let sign = if exp >= 0 { "+" } else { "-" };
                    let _ = write!(out, "{mantissa}e{sign}{}", exp.unsigned_abs());
                }
            }
            Style::Python => {
                if (-4..16).contains(&exp) {
                    let plain = format!("{x}");
                    out.push_str(&plain);
                    if !plain.contains('.') {
                        out.push_str(".0");
                    }
                } else {
                    let sign = if exp >= 0 { "+" } else { "-" };
                    let _ = write!(out, "{mantissa}e{sign}{:02}", exp.unsigned_abs());
                }
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn js(s: &str) -> String {
            javascript_stringify(&parse(s.as_bytes()).unwrap())
        }
        fn py(s: &str) -> String {
            python_dumps(&parse(s.as_bytes()).unwrap())
        }

        // Expected values: node -e 'console.log(JSON.stringify(JSON.parse(S)))' and
        // python3 -c 'import json,sys; print(json.dumps(json.loads(S)))'.
        #[test]
        fn javascript_form() {
            assert_eq!(
                js(r#" { "b" : 1 , "a" : [ true, null ] } "#),
                r#"{"b":1,"a":[true,null]}"#
            );
            assert_eq!(
                js(r#"{"b":1,"2":0,"10":0,"a":0}"#),
                r#"{"2":0,"10":0,"b":1,"a":0}"#
            );
            assert_eq!(
                js(r#"{"s":"caf\u00e9 \/ \u2028 \ud83d\ude00 \ud800"}"#),
                "{\"s\":\"café / \u{2028} 😀 \\ud800\"}"
            );
            assert_eq!(
                js("[1.50, 1e2, 1E21, 0.0000001, -0, 1.5e-7, 100000000000000000000]"),
                "[1.5,100,1e+21,1e-7,0,1.5e-7,100000000000000000000]"
            );
            assert_eq!(js(r#"{"a":1,"a":2,"b":3}"#), r#"{"a":2,"b":3}"#);
            assert_eq!(js("\"\\u001f\\u007f\""), "\"\\u001f\u{7f}\"");
        }

        #[test]
        fn python_form() {
            assert_eq!(
                py(r#"{"b":1,"2":0,"a":[true,null]}"#),
                r#"{"b": 1, "2": 0, "a": [true, null]}"#
            );
            assert_eq!(
                py(r#"{"s":"café 😀 \ud800"}"#),
                r#"{"s": "caf\u00e9 \ud83d\ude00 \ud800"}"#
            );
            assert_eq!(
                py("[1.50, 1e2, 1e16, 0.0001, 0.00001, -0, 12345678901234567890]"),
                "[1.5, 100.0, 1e+16, 0.0001, 1e-05, 0, 12345678901234567890]"
            );
            assert_eq!(py("\"\\u007f\""), "\"\\u007f\"");
        }

        #[test]
        fn refuses_what_json_refuses() {
            for bad in [
                "",
                "{",
                "[1,]",
                "{\"a\" 1}",
                "01",
                "1.",
                "\"\u{1}\"",
                "nul",
                "{} x",
                "\"\\x\"",
            ] {
                assert!(parse(bad.as_bytes()).is_none(), "{bad:?}");
            }
            let deep = "[".repeat(200) + &"]".repeat(200);
            assert!(parse(deep.as_bytes()).is_none());
            let ok = "[".repeat(100) + &"]".repeat(100);
            assert!(parse(ok.as_bytes()).is_some());
        }
    }
}

impl fmt::Display for SignedForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SignedForm::Raw => "raw body",
            SignedForm::JavaScriptStringify => "JSON.stringify re-serialization",
            SignedForm::PythonJsonDumps => "json.dumps re-serialization",
        })
    }
}
