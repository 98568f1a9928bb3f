//! CareValidate case webhooks: [`CareValidateWebhooks`] verifies the `x-cv-signature` header
//! over the raw body and parses the envelope `{event, payload, …}` into a [`WebhookEvent`].
//!
//! **Signature** (carevalidate-wave2.md §4): present only when a "Secret Key" is configured
//! for the endpoint in the dashboard; lowercase hex HMAC-SHA256 keyed with that secret of
//! `JSON.stringify(payload)` as UTF-8 — which, as CareValidate's own warning says ("any
//! modification to the raw request body will cause signature validation to fail"), is the
//! raw body as sent. So only the raw bytes are verified; there is no re-serialization
//! fallback (unlike Decoda, CareValidate's docs never disagree on the signed bytes). No
//! timestamp is signed and no event id is sent: dedupe on [`WebhookEvent::dedupe_key`], the
//! SHA-256 of the body (a retry resends the same bytes).
//!
//! **Envelope.** `event` is kept verbatim in [`WebhookEvent::vendor_type`] and mapped to a
//! [`WebhookEventKind`] for the payment and order events. `payload` is the event's data:
//! `payload.payment` with an id, amount (a JSON number of dollars) and status becomes a
//! [`Payment`]; everything else stays raw in [`WebhookData::Other`],
//! with typed, PHI-redacting views in [`CareValidatePayload`] for what the docs show
//! (`ADD_PAYMENT_INFO_USING_LINK`'s activity and payment info, the case of
//! `PAYMENT_COMPLETED`, `ORDER_TRACKING_ADDED`'s `order`). Top-level objects beside `payload`
//! (e.g. `order`) are kept in [`WebhookEvent::vendor_data`].
//!
//! ```
//! use patientpay_core::webhook::{hmac_sha256_hex, Webhooks, WebhookSecret};
//! use patientpay_core::WebhookEventKind;
//! use patientpay_carevalidate::webhook::{CareValidateWebhooks, CareValidatePayload, SIGNATURE_HEADER};
//!
//! let secret = WebhookSecret::new("cv_webhook_secret");
//! let body = br#"{"event":"ADD_PAYMENT_INFO_USING_LINK","payload":{"caseId":"case_1","activity":{"id":"act_1","type":"ADD_PAYMENT_INFO_USING_LINK","timestamp":"2026-03-01T10:00:00.000Z"}}}"#;
//! let mut headers = http::HeaderMap::new();
//! headers.insert(SIGNATURE_HEADER, hmac_sha256_hex(&secret, body).parse().unwrap());
//!
//! let event = CareValidateWebhooks::new().verify_and_parse(&headers, body, &secret)?;
//! assert_eq!(event.kind, WebhookEventKind::PaymentInfoAdded);
//! let Some(CareValidatePayload::PaymentInfoAdded(info)) = CareValidatePayload::of(&event) else { panic!() };
//! assert_eq!(info.case_id.as_deref(), Some("case_1"));
//! # Ok::<(), patientpay_core::WebhookError>(())
//! ```

use std::fmt;

use http::HeaderMap;
use patientpay_core::redact::redact_opt;
use patientpay_core::time::OffsetDateTime;
use patientpay_core::time::format_description::well_known::Rfc3339;
use patientpay_core::webhook::{
    HmacSha256Hex, WebhookData, WebhookError, WebhookEvent, WebhookEventKind, WebhookSecret,
    Webhooks, body_fingerprint,
};
use patientpay_core::{Currency, Money, PartialAddress, Payment, PaymentState, VendorData};
use serde_json::{Map, Value};

/// The vendor name events carry.
pub const PROVIDER: &str = "carevalidate";

/// The header CareValidate puts the signature in.
pub const SIGNATURE_HEADER: &str = "x-cv-signature";

/// Verifies and parses CareValidate webhook deliveries. Implements [`Webhooks`].
#[derive(Debug, Clone)]
pub struct CareValidateWebhooks {
    scheme: HmacSha256Hex,
}

impl Default for CareValidateWebhooks {
    fn default() -> Self {
        CareValidateWebhooks::new()
    }
}

impl CareValidateWebhooks {
    /// Raw-body verification with the default 1 MiB body limit. "Full Case Data" mode
    /// payloads carry the whole case (communications, documents...): raise the limit with
    /// [`with_max_body_bytes`](Self::with_max_body_bytes) if yours are larger.
    pub fn new() -> CareValidateWebhooks {
        CareValidateWebhooks {
            scheme: HmacSha256Hex::new(SIGNATURE_HEADER),
        }
    }

    /// Sets the body limit (bytes); a larger body is refused before hashing.
    pub fn with_max_body_bytes(mut self, limit: usize) -> CareValidateWebhooks {
        self.scheme = self.scheme.with_max_body_bytes(limit);
        self
    }
}

impl Webhooks for CareValidateWebhooks {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn verify(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        secret: &WebhookSecret,
    ) -> Result<(), WebhookError> {
        self.scheme.verify_raw(headers, body, secret)
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

/// The domain kind of a CareValidate event name.
pub fn event_kind(event: &str) -> WebhookEventKind {
    match event {
        "PAYMENT_ADDED" => WebhookEventKind::PaymentCreated,
        "PAYMENT_COMPLETED" => WebhookEventKind::PaymentSucceeded,
        "ADD_PAYMENT_INFO_USING_LINK" => WebhookEventKind::PaymentInfoAdded,
        "PAYMENT_INFO_LINK_SENT" => WebhookEventKind::PaymentInfoLinkSent,
        "ORDER_CREATED" => WebhookEventKind::OrderCreated,
        "ORDER_STATUS_CHANGED" => WebhookEventKind::OrderStatusChanged,
        "ORDER_TRACKING_ADDED" => WebhookEventKind::OrderTrackingAdded,
        other => WebhookEventKind::Unknown(other.to_owned()),
    }
}

/// Parses a verified CareValidate delivery body.
///
/// # Errors
/// [`WebhookError::NotJson`], or [`WebhookError::BadEnvelope`] when the body is not an object
/// with a string `event`.
pub fn parse_event(body: &[u8]) -> Result<WebhookEvent, WebhookError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| WebhookError::not_json(&e))?;
    let Value::Object(mut envelope) = value else {
        return Err(WebhookError::bad_envelope(PROVIDER, "not a JSON object"));
    };
    let event = match envelope.remove("event") {
        Some(Value::String(e)) => e,
        Some(_) => {
            return Err(WebhookError::bad_envelope(
                PROVIDER,
                "field `event` is not a string",
            ));
        }
        None => {
            return Err(WebhookError::bad_envelope(
                PROVIDER,
                "missing field `event`",
            ));
        }
    };
    let payload = envelope.remove("payload").unwrap_or(Value::Null);
    let created_at = payload
        .pointer("/activity/timestamp")
        .or_else(|| envelope.get("timestamp"))
        .and_then(Value::as_str)
        .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok());
    let data = match payload
        .get("payment")
        .and_then(Value::as_object)
        .and_then(payment)
    {
        Some(p) if matches!(event.as_str(), "PAYMENT_ADDED" | "PAYMENT_COMPLETED") => {
            WebhookData::Payment(p)
        }
        _ => WebhookData::Other(payload),
    };
    let mut ev = WebhookEvent::new(
        PROVIDER,
        event.clone(),
        event_kind(&event),
        data,
        body_fingerprint(body),
    );
    ev.created_at = created_at;
    ev.vendor_data = VendorData::from_map(envelope);
    Ok(ev)
}

fn text(obj: &Map<String, Value>, name: &str) -> Option<String> {
    match obj.get(name)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Case payment status (`PAID, UNPAID, CANCELED, IN_DISPUTE, LOST_DISPUTE, REFUND, ERROR`)
/// in domain words; the dispute and refund states are kept verbatim.
fn payment_state(raw: &str) -> PaymentState {
    match raw {
        "PAID" => PaymentState::Succeeded,
        "UNPAID" => PaymentState::Pending,
        "CANCELED" => PaymentState::Canceled,
        "ERROR" => PaymentState::Failed,
        other => PaymentState::from_wire(other),
    }
}

/// `{paymentId, status, amount, description, createdAt}` (the case-payments answer's
/// shape). `amount` is a JSON number of dollars, read exactly from its text.
fn payment(obj: &Map<String, Value>) -> Option<Payment> {
    let id = text(obj, "paymentId").or_else(|| text(obj, "id"))?;
    let amount = match obj.get("amount")? {
        Value::Number(n) => Money::parse_decimal(&n.to_string(), Currency::USD).ok()?,
        Value::String(s) => Money::parse_decimal(s, Currency::USD).ok()?,
        _ => return None,
    };
    let status = payment_state(&text(obj, "status")?);
    let mut p = Payment::new(id, status, amount);
    p.created_at = obj
        .get("createdAt")
        .and_then(Value::as_str)
        .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok());
    p.vendor_data = VendorData::from_map(
        obj.iter()
            .filter(|(k, _)| {
                !matches!(
                    k.as_str(),
                    "paymentId" | "id" | "amount" | "status" | "createdAt"
                )
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    );
    Some(p)
}

// ---------------------------------------------------------------------------------------
// Typed views of documented payloads.

/// A typed view of a CareValidate payload, for the shapes the docs show.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CareValidatePayload {
    /// `ADD_PAYMENT_INFO_USING_LINK`: the patient added payment info through a setup link.
    PaymentInfoAdded(Box<PaymentInfoAdded>),
    /// `PAYMENT_ADDED` / `PAYMENT_COMPLETED` (and any event with `payload.case`): the case.
    Case(Box<Case>),
    /// `ORDER_TRACKING_ADDED` (and any event with a top-level `order`): the order.
    Order(Order),
}

impl CareValidatePayload {
    /// The typed view of `event`'s payload, when it is a CareValidate event of a documented
    /// shape.
    pub fn of(event: &WebhookEvent) -> Option<CareValidatePayload> {
        if event.provider != PROVIDER {
            return None;
        }
        if let Some(order) = event
            .vendor_data
            .as_map()
            .get("order")
            .and_then(Value::as_object)
        {
            return Some(CareValidatePayload::Order(Order::from_json(order)));
        }
        let payload = match &event.data {
            WebhookData::Other(Value::Object(p)) => p,
            _ => return None,
        };
        if event.vendor_type == "ADD_PAYMENT_INFO_USING_LINK" {
            return Some(CareValidatePayload::PaymentInfoAdded(Box::new(
                PaymentInfoAdded::from_json(payload),
            )));
        }
        payload
            .get("case")
            .and_then(Value::as_object)
            .map(|c| CareValidatePayload::Case(Box::new(Case::from_json(c))))
    }
}

/// A person in an activity (`actor`, `targetUser`). PHI: redacted in `Debug`.
#[derive(Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Person {
    /// User id.
    pub id: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// E-mail.
    pub email: Option<String>,
}

impl Person {
    fn from_json(obj: &Map<String, Value>) -> Person {
        Person {
            id: text(obj, "id"),
            first_name: text(obj, "firstName"),
            last_name: text(obj, "lastName"),
            email: text(obj, "email"),
        }
    }
}

impl fmt::Debug for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Person")
            .field("id", &self.id)
            .field("first_name", redact_opt(&self.first_name))
            .field("last_name", redact_opt(&self.last_name))
            .field("email", redact_opt(&self.email))
            .finish()
    }
}

/// The card and addresses the patient entered (staging docs only). Addresses are PHI.
#[derive(Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct PaymentInfo {
    /// `**** **** **** 4242`.
    pub masked_card_number: Option<String>,
    /// `visa`...
    pub card_brand: Option<String>,
    /// Shipping address.
    pub shipping_address: Option<PartialAddress>,
    /// Billing address.
    pub billing_address: Option<PartialAddress>,
}

impl fmt::Debug for PaymentInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaymentInfo")
            .field("masked_card_number", &self.masked_card_number)
            .field("card_brand", &self.card_brand)
            .field("shipping_address", &self.shipping_address)
            .field("billing_address", &self.billing_address)
            .finish()
    }
}

fn address(obj: &Map<String, Value>) -> PartialAddress {
    let mut a = PartialAddress::default();
    a.line1 = text(obj, "addressLine1");
    a.line2 = text(obj, "addressLine2");
    a.city = text(obj, "city");
    a.state = text(obj, "state");
    a.postal_code = text(obj, "postalCode");
    a.country = text(obj, "country");
    a
}

/// `ADD_PAYMENT_INFO_USING_LINK`'s payload: `{activity, caseId, paymentInfo?}`.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct PaymentInfoAdded {
    /// The case.
    pub case_id: Option<String>,
    /// The activity's id.
    pub activity_id: Option<String>,
    /// When it happened.
    pub timestamp: Option<OffsetDateTime>,
    /// Who did it.
    pub actor: Option<Person>,
    /// Whom it concerns.
    pub target_user: Option<Person>,
    /// What was entered (staging docs; production omits it).
    pub payment_info: Option<PaymentInfo>,
    /// `activity.valueAfter` (e.g. the Stripe setup id), raw.
    pub value_after: Option<RawJson>,
}

impl PaymentInfoAdded {
    fn from_json(p: &Map<String, Value>) -> PaymentInfoAdded {
        let activity = p.get("activity").and_then(Value::as_object);
        let person = |name: &str| {
            activity
                .and_then(|a| a.get(name))
                .and_then(Value::as_object)
                .map(Person::from_json)
        };
        PaymentInfoAdded {
            case_id: text(p, "caseId"),
            activity_id: activity.and_then(|a| text(a, "id")),
            timestamp: activity
                .and_then(|a| a.get("timestamp"))
                .and_then(Value::as_str)
                .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok()),
            actor: person("actor"),
            target_user: person("targetUser"),
            payment_info: p
                .get("paymentInfo")
                .and_then(Value::as_object)
                .map(|i| PaymentInfo {
                    masked_card_number: text(i, "maskedCardNumber"),
                    card_brand: text(i, "cardBrand"),
                    shipping_address: i
                        .get("shippingAddress")
                        .and_then(Value::as_object)
                        .map(address),
                    billing_address: i
                        .get("billingAddress")
                        .and_then(Value::as_object)
                        .map(address),
                }),
            value_after: activity
                .and_then(|a| a.get("valueAfter"))
                .filter(|v| !v.is_null())
                .cloned()
                .map(RawJson),
        }
    }
}

/// Raw JSON whose `Debug` shows only its shape.
#[derive(Clone, PartialEq)]
pub struct RawJson(pub Value);

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Value::Object(m) => {
                f.write_str("RawJson")?;
                f.debug_set().entries(m.keys()).finish()
            }
            Value::Array(a) => write!(f, "RawJson(array of {})", a.len()),
            _ => f.write_str("RawJson(<redacted>)"),
        }
    }
}

/// The case of a case event (`payload.case`): ids and workflow state. The title and
/// everything else are kept raw in `vendor_data` (keys only in `Debug`).
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Case {
    /// Case id (UUID).
    pub id: Option<String>,
    /// The short id shown to staff.
    pub short_id: Option<String>,
    /// Case type (`GLP`...).
    pub case_type: Option<String>,
    /// `OPEN | ASSIGNED | IN_PROGRESS | APPROVED | REJECTED | NO_DECISION`, verbatim.
    pub status: Option<String>,
    /// The organization.
    pub organization_id: Option<String>,
    /// Every other field.
    pub vendor_data: VendorData,
}

impl Case {
    fn from_json(c: &Map<String, Value>) -> Case {
        Case {
            id: text(c, "id"),
            short_id: text(c, "shortId"),
            case_type: text(c, "type"),
            status: text(c, "status"),
            organization_id: text(c, "organizationId"),
            vendor_data: VendorData::from_map(
                c.iter()
                    .filter(|(k, _)| {
                        !matches!(
                            k.as_str(),
                            "id" | "shortId" | "type" | "status" | "organizationId"
                        )
                    })
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
        }
    }
}

/// `ORDER_TRACKING_ADDED`'s top-level `order`: `{id, status, trackingId, message, createdAt}`.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Order {
    /// Order id.
    pub id: Option<String>,
    /// Order status, verbatim.
    pub status: Option<String>,
    /// The carrier's tracking id.
    pub tracking_id: Option<String>,
    /// When it was created.
    pub created_at: Option<OffsetDateTime>,
}

impl Order {
    fn from_json(o: &Map<String, Value>) -> Order {
        Order {
            id: text(o, "id"),
            status: text(o, "status"),
            tracking_id: text(o, "trackingId"),
            created_at: o
                .get("createdAt")
                .and_then(Value::as_str)
                .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok()),
        }
    }
}
