//! The CareValidate emulation: `POST /api/v1/payments/intent` and `POST /api/v1/users`
//! (`UPDATE_PAYMENT_INFO`), with the vendor's validations and messages.
//!
//! Written from CareValidate's docs (`carevalidate-payment-intent`,
//! `carevalidate-update-user-payment`), not from the vendor crate. Behaviour:
//!
//! - The `cv-api-key` must be one of the organization keys ([`Seed::api_keys`], by
//!   default [`CAREVALIDATE_API_KEY`](crate::credentials::CAREVALIDATE_API_KEY)); a
//!   missing, blank or unknown one answers 401 `{"status":401,"error":"Invalid API key"}`
//!   on every route, as the vendor's pages show.
//! - Bodies are read as JSON only with a JSON `Content-Type` (as an Express JSON parser
//!   does); otherwise the body counts as empty. A JSON content type with a body that is not
//!   a JSON object answers 400 `{"success":false,"message":"Invalid JSON body"}` (a sandbox
//!   choice; the docs do not show this case).
//! - Intents: a missing or `null` `amount` → 400 "Amount is required"; an amount that is
//!   not a JSON number greater than zero → 400 "Amount must be a positive number";
//!   `paymentMethodTypes` that is not an array of Stripe method types (the list below)
//!   → 400 "Invalid payment method types" (an empty array counts as not given). A created
//!   intent gets a fresh `pi_…_secret_…` and is kept in [`State::intents`] with its exact
//!   amount text and its cents.
//! - Users: a user exists when its e-mail (case-insensitive) is in [`Seed::users`];
//!   the default seed has `john@example.com` and `jane.doe@example.com`, and addresses at
//!   `unknown.example` are the conventional "no such user" and never seeded by default.
//!   Checks, in order: `action` must be `UPDATE_PAYMENT_INFO`; `email`, `data`,
//!   `data.stripeSetupId`, `data.nmiPaymentToken`, `data.shippingAddress` and its six
//!   string fields must be present (`addressLine2` may be `""`) → else 400 with
//!   `error: "<field> is required"` (a sandbox choice); the user must exist → 400
//!   `error: "User {email} does not exist"`; `stripeSetupId` must start with `seti_` → 400
//!   `error: "No such setupintent: '{id}'"`. Every 400 here has the documented shape
//!   `{status: 400, success: false, message: "Invalid request", error}`. A success stores
//!   the user's payment info in [`State::payment_info`].
//!
//! Wave 2 (carevalidate-wave2.md):
//! - `POST /api/v1/payments/setup`, body optional `{metadata: {email?, phone?}}` →
//!   `{"success": true, "paymentSecret": "seti_…_secret_…"}` (a `seti_` prefix, as the text
//!   says "setup intent"; the doc's example shows `pi_`). The `seti_…` id (the secret before
//!   `_secret_`) is kept in [`State::setup_intents`]. A `metadata` that is not an object, or
//!   an e-mail/phone that is not a string → 400 `{success:false, message}`.
//! - `POST /api/v1/complete-payment-setup` `{stripeSetupID, shippingAddress: {line1,
//!   line2?, city, state, country, postal_code}}` → `{"status": 200, "success": true}`; a
//!   missing field → 400 `{success:false, message:"<field> is required"}`; `state` and
//!   `country` must be two letters; an id the setup call did not issue → 400
//!   `{success:false, message:"No such setupintent: '<id>'"}` (the docs show no error body;
//!   Stripe's message). Emits `ADD_PAYMENT_INFO_USING_LINK`.
//! - `POST /api/v1/cases/:caseId/payments` `{amount, description, productId?, status?,
//!   idempotencyKey?, preauthorize?}` → `{success:true, message, data:{result:{paymentId,
//!   status, amount, description, createdAt}}}`; unknown case → 404 `{success:false,
//!   message:"Case not found"}`. `status` defaults to `UNPAID`. Emits `PAYMENT_ADDED`.
//! - `POST /api/v1/customer-payment-confirmation` (caseId, amount, paymentDate, status,
//!   validUntil required; email, phoneNumber, decisionId, description, idempotencyKey
//!   optional) → `{"status": 200, "success": true}`. Emits `PAYMENT_COMPLETED` when
//!   `status` is `PAID`, else `PAYMENT_ADDED`.
//! - Idempotency (both case calls): a key is scoped per organization (API key) and route.
//!   The same key with the same body (compared as JSON) replays the first successful answer
//!   byte for byte and changes nothing (no new payment, no event); the same key with a
//!   different body → 409 `{"status":409,"success":false,"message":"A record with this
//!   idempotencyKey already exists with different parameters"}` (the docs' 409 text is cut
//!   after "A record…"). Failed calls do not use up a key.
//! - Webhooks: the vendor configures them in its dashboard, so the sandbox has an admin
//!   route `POST /__sandbox/carevalidate/webhooks` `{url, secret}` → 201 `{id, url}`
//!   (no API key needed) and [`crate::Sandbox::register_webhook`].

use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use http::Method;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::{SandboxRequest, SandboxResponse};

/// `POST` path of payment intents.
pub const PAYMENT_INTENT_PATH: &str = "/api/v1/payments/intent";
/// `POST` path of user updates.
pub const USERS_PATH: &str = "/api/v1/users";
/// `POST` path of setup intents.
pub const SETUP_PATH: &str = "/api/v1/payments/setup";
/// `POST` path of completing a setup.
pub const COMPLETE_SETUP_PATH: &str = "/api/v1/complete-payment-setup";
/// `POST` path of payment confirmations.
pub const CONFIRMATION_PATH: &str = "/api/v1/customer-payment-confirmation";
/// The sandbox-only route that registers a webhook endpoint.
pub const ADMIN_WEBHOOKS_PATH: &str = "/__sandbox/carevalidate/webhooks";

/// The payment statuses of case payments and confirmations.
pub const PAYMENT_STATUSES: &[&str] = &[
    "PAID",
    "UNPAID",
    "CANCELED",
    "IN_DISPUTE",
    "LOST_DISPUTE",
    "REFUND",
    "ERROR",
];

/// Stripe's payment method types the sandbox accepts in `paymentMethodTypes`.
pub const STRIPE_PAYMENT_METHOD_TYPES: &[&str] = &[
    "acss_debit",
    "affirm",
    "afterpay_clearpay",
    "alipay",
    "alma",
    "amazon_pay",
    "au_becs_debit",
    "bacs_debit",
    "bancontact",
    "billie",
    "blik",
    "boleto",
    "card",
    "card_present",
    "cashapp",
    "crypto",
    "customer_balance",
    "eps",
    "fpx",
    "giropay",
    "grabpay",
    "ideal",
    "interac_present",
    "kakao_pay",
    "klarna",
    "konbini",
    "kr_card",
    "link",
    "mobilepay",
    "multibanco",
    "naver_pay",
    "nz_bank_account",
    "oxxo",
    "p24",
    "pay_by_bank",
    "payco",
    "paynow",
    "paypal",
    "pix",
    "promptpay",
    "revolut_pay",
    "samsung_pay",
    "satispay",
    "sepa_debit",
    "sofort",
    "swish",
    "twint",
    "us_bank_account",
    "wechat_pay",
    "zip",
];

/// Initial CareValidate state.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Seed {
    /// E-mails of the users that exist (compared case-insensitively).
    pub users: Vec<String>,
    /// The organization API keys (`cv-api-key`) accepted.
    pub api_keys: Vec<String>,
    /// Cases.
    pub cases: Vec<SeedCase>,
}

/// A CareValidate case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeedCase {
    /// Case id (a UUID).
    pub id: String,
    /// The submitter's e-mail.
    pub email: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// `OPEN`, `ASSIGNED`, `IN_PROGRESS`, `APPROVED`, `REJECTED` or `NO_DECISION`.
    #[serde(default = "default_case_status")]
    pub status: String,
}

fn default_case_status() -> String {
    "OPEN".to_owned()
}

impl Default for Seed {
    /// Users `john@example.com` and `jane.doe@example.com`; key
    /// [`CAREVALIDATE_API_KEY`](crate::credentials::CAREVALIDATE_API_KEY); three cases.
    fn default() -> Self {
        let case = |n: u32, email: &str, title: &str, status: &str| SeedCase {
            id: format!("3c9a7f2e-1b4d-4e8a-9f6b-{n:012}"),
            email: email.to_owned(),
            title: title.to_owned(),
            status: status.to_owned(),
        };
        Seed {
            users: vec![
                "john@example.com".to_owned(),
                "jane.doe@example.com".to_owned(),
            ],
            api_keys: vec![crate::credentials::CAREVALIDATE_API_KEY.to_owned()],
            cases: vec![
                case(1, "john@example.com", "GLP-1 weight loss", "APPROVED"),
                case(2, "john@example.com", "GLP-1 follow-up", "IN_PROGRESS"),
                case(3, "jane.doe@example.com", "Hair loss consultation", "OPEN"),
            ],
        }
    }
}

/// A setup intent the sandbox created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SetupIntent {
    /// `seti_…`.
    pub id: String,
    /// The `paymentSecret` handed back (`seti_…_secret_…`).
    pub client_secret: String,
    /// `metadata.email`, if sent.
    pub email: Option<String>,
    /// `metadata.phone`, if sent.
    pub phone: Option<String>,
    /// The `shippingAddress` it was completed with (wire names), once completed.
    pub completed_with: Option<BTreeMap<String, String>>,
}

/// A payment created on a case (`POST /api/v1/cases/:caseId/payments`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CasePayment {
    /// `paymentId`.
    pub payment_id: String,
    /// The case.
    pub case_id: String,
    /// The amount as written in the request.
    pub amount_text: String,
    /// The amount in cents.
    pub amount_cents: i64,
    /// `description`.
    pub description: String,
    /// `status`.
    pub status: String,
    /// `productId`.
    pub product_id: Option<String>,
    /// `preauthorize`.
    pub preauthorize: bool,
    /// `idempotencyKey`.
    pub idempotency_key: Option<String>,
    /// `createdAt`.
    pub created_at: String,
}

/// A webhook endpoint registered through the admin route or the Rust API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Webhook {
    /// Id.
    pub id: String,
    /// Where events go.
    pub url: String,
    /// The signing secret.
    #[serde(skip)]
    pub secret: String,
}

/// A payment intent the sandbox created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CreatedIntent {
    /// The client secret handed back (`pi_…_secret_…`).
    pub client_secret: String,
    /// The `amount` exactly as the JSON number was written (`"19.99"`).
    pub amount_text: String,
    /// The amount in cents, computed exactly from the decimal text and rounded half up
    /// to the cent (as `Math.round(amount * 100)` would for these values).
    pub amount_cents: i64,
    /// `paymentMethodTypes` as sent, in order (empty when left out).
    pub payment_method_types: Vec<String>,
}

/// A user's saved payment info after `UPDATE_PAYMENT_INFO`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PaymentInfo {
    /// `stripeSetupId`.
    pub stripe_setup_id: String,
    /// `nmiPaymentToken`.
    pub nmi_payment_token: String,
    /// `shippingAddress` fields by their wire names.
    pub shipping_address: BTreeMap<String, String>,
}

/// Live CareValidate state.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct State {
    /// E-mails of existing users, lowercase.
    pub users: Vec<String>,
    /// Accepted API keys (one per organization).
    pub api_keys: Vec<String>,
    /// Cases.
    pub cases: Vec<SeedCase>,
    /// Every intent created, oldest first.
    pub intents: Vec<CreatedIntent>,
    /// Saved payment info by lowercase e-mail.
    pub payment_info: BTreeMap<String, PaymentInfo>,
    /// Every setup intent created, oldest first.
    pub setup_intents: Vec<SetupIntent>,
    /// Every case payment created, oldest first.
    pub case_payments: Vec<CasePayment>,
    /// Every payment confirmation accepted (the request bodies), oldest first.
    pub confirmations: Vec<Value>,
    /// Registered webhook endpoints.
    pub webhooks: Vec<Webhook>,
    /// (API key, route, idempotencyKey) → (the request body, the first answer).
    idempotency: BTreeMap<(String, String, String), (Value, SandboxResponse)>,
    outbox: Vec<crate::webhooks::Outgoing>,
    next_id: u64,
}

impl State {
    pub(crate) fn from_seed(seed: &Seed) -> State {
        State {
            users: seed
                .users
                .iter()
                .map(|u| u.trim().to_ascii_lowercase())
                .collect(),
            api_keys: seed.api_keys.clone(),
            cases: seed.cases.clone(),
            next_id: 1,
            ..State::default()
        }
    }

    /// The case `id`.
    pub fn case(&self, id: &str) -> Option<&SeedCase> {
        self.cases.iter().find(|c| c.id == id)
    }

    pub(crate) fn register_webhook(&mut self, url: &str, secret: &str) -> String {
        let id = format!("cvwh_sbx_{:06}", self.next());
        self.webhooks.push(Webhook {
            id: id.clone(),
            url: url.to_owned(),
            secret: secret.to_owned(),
        });
        id
    }

    pub(crate) fn take_events(&mut self) -> Vec<crate::webhooks::Outgoing> {
        std::mem::take(&mut self.outbox)
    }

    fn next(&mut self) -> u64 {
        let n = self.next_id;
        self.next_id += 1;
        n
    }

    /// Queues `{event, payload}` for every registered endpoint.
    fn emit(&mut self, event: &str, payload: Value) {
        if self.webhooks.is_empty() {
            return;
        }
        let body = bytes::Bytes::from(
            serde_json::to_vec(&json!({"event": event, "payload": payload})).unwrap_or_default(),
        );
        let n = self.next();
        for w in &self.webhooks {
            self.outbox.push(crate::webhooks::Outgoing {
                vendor: crate::webhooks::WebhookVendor::CareValidate,
                event_id: format!("cvevt_sbx_{n:06}"),
                event_type: event.to_owned(),
                url: w.url.clone(),
                secret: w.secret.clone(),
                body: body.clone(),
            });
        }
    }

    /// `true` when `email` is a user.
    pub fn user_exists(&self, email: &str) -> bool {
        let email = email.trim().to_ascii_lowercase();
        self.users.contains(&email)
    }
}

enum Route {
    Intent,
    Users,
    Setup,
    CompleteSetup,
    CasePayment(String),
    Confirmation,
    AdminWebhooks,
}

pub(crate) fn handle(state: &mut State, req: &SandboxRequest) -> Option<SandboxResponse> {
    let path = req.path.trim_end_matches('/');
    if req.method != Method::POST {
        return None;
    }
    let route = match path {
        PAYMENT_INTENT_PATH => Route::Intent,
        USERS_PATH => Route::Users,
        SETUP_PATH => Route::Setup,
        COMPLETE_SETUP_PATH => Route::CompleteSetup,
        CONFIRMATION_PATH => Route::Confirmation,
        ADMIN_WEBHOOKS_PATH => Route::AdminWebhooks,
        _ => {
            let segments = req.path_segments();
            match segments
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .as_slice()
            {
                ["api", "v1", "cases", case_id, "payments"] if !case_id.is_empty() => {
                    Route::CasePayment((*case_id).to_owned())
                }
                _ => return None,
            }
        }
    };
    if let Route::AdminWebhooks = route {
        return Some(admin_register_webhook(state, req));
    }
    let key = req.header("cv-api-key").map(str::trim).unwrap_or_default();
    if key.is_empty() || !state.api_keys.iter().any(|k| k == key) {
        return Some(SandboxResponse::json(
            401,
            &json!({"status": 401, "error": "Invalid API key"}),
        ));
    }
    let key = key.to_owned();
    Some(match route {
        Route::Intent => create_intent(state, req),
        Route::Users => update_user(state, req),
        Route::Setup => create_setup(state, req),
        Route::CompleteSetup => complete_setup(state, req),
        Route::CasePayment(case_id) => idempotent(state, req, &key, path, |state, body| {
            case_payment(state, &case_id, body)
        }),
        Route::Confirmation => idempotent(state, req, &key, path, confirmation),
        Route::AdminWebhooks => admin_register_webhook(state, req),
    })
}

fn is_json_request(req: &SandboxRequest) -> bool {
    req.header("content-type").is_some_and(|ct| {
        ct.trim()
            .to_ascii_lowercase()
            .starts_with("application/json")
    })
}

fn fail(message: &str) -> SandboxResponse {
    SandboxResponse::json(400, &json!({"success": false, "message": message}))
}

/// The fields of an intent body, with `amount` kept as its exact JSON text.
#[derive(Deserialize, Default)]
struct IntentBody {
    #[serde(default)]
    amount: Option<Box<RawValue>>,
    #[serde(default, rename = "paymentMethodTypes")]
    payment_method_types: Option<Value>,
}

fn create_intent(state: &mut State, req: &SandboxRequest) -> SandboxResponse {
    let body = if is_json_request(req) && !req.body.iter().all(u8::is_ascii_whitespace) {
        match serde_json::from_slice::<IntentBody>(&req.body) {
            Ok(body) => body,
            Err(_) => return fail("Invalid JSON body"),
        }
    } else {
        IntentBody::default()
    };
    let Some(raw) = body.amount else {
        return fail("Amount is required");
    };
    let amount_text = raw.get().trim().to_owned();
    if amount_text == "null" {
        return fail("Amount is required");
    }
    let Some(amount_cents) = json_number_to_cents(&amount_text).filter(|c| *c > 0) else {
        return fail("Amount must be a positive number");
    };
    let payment_method_types = match body.payment_method_types {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => {
            let mut types = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(t) if STRIPE_PAYMENT_METHOD_TYPES.contains(&t.as_str()) => {
                        types.push(t)
                    }
                    _ => return fail("Invalid payment method types"),
                }
            }
            types
        }
        Some(_) => return fail("Invalid payment method types"),
    };
    let client_secret = new_client_secret();
    state.intents.push(CreatedIntent {
        client_secret: client_secret.clone(),
        amount_text,
        amount_cents,
        payment_method_types,
    });
    SandboxResponse::json(
        200,
        &json!({
            "status": 200,
            "success": true,
            "message": "payment Intent initiated successfully",
            "data": {"paymentIntentSecret": client_secret}
        }),
    )
}

/// The cents of a JSON number's text, exactly, rounded half up to the cent; `None` for
/// text that is not a JSON number or does not fit.
pub fn json_number_to_cents(text: &str) -> Option<i64> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i32>().ok()?),
        None => (rest, 0),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, f),
        None => (mantissa, ""),
    };
    let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int_part.is_empty()
        || !digits_ok(int_part)
        || !digits_ok(frac_part)
        || (mantissa.contains('.') && frac_part.is_empty())
        || (int_part.len() > 1 && int_part.starts_with('0'))
    {
        return None;
    }
    // value = digits × 10^(exponent - frac_len); cents = value × 100.
    let digits: String = format!("{int_part}{frac_part}");
    let digits = digits.trim_start_matches('0');
    let shift = i64::from(exponent) - frac_part.len() as i64 + 2;
    let cents: i64 = if digits.is_empty() {
        0
    } else if shift >= 0 {
        let base: i64 = digits.parse().ok()?;
        base.checked_mul(10_i64.checked_pow(u32::try_from(shift).ok()?)?)?
    } else {
        let cut = usize::try_from(-shift).ok()?;
        if cut > digits.len() {
            // The first dropped digit is a leading zero: less than half a cent.
            0
        } else {
            let (kept, dropped) = digits.split_at(digits.len() - cut);
            let base: i64 = if kept.is_empty() {
                0
            } else {
                kept.parse().ok()?
            };
            let round_up = dropped.as_bytes().first().is_some_and(|b| *b >= b'5');
            base.checked_add(i64::from(round_up))?
        }
    };
    Some(if negative { -cents } else { cents })
}

fn new_client_secret() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let state = std::collections::hash_map::RandomState::new();
    let word = |salt: u64, len: usize| {
        let mut out = String::with_capacity(len);
        let mut i = 0u64;
        while out.len() < len {
            let mut h = state.build_hasher();
            h.write_u64(n);
            h.write_u64(salt);
            h.write_u64(i);
            let mut v = h.finish();
            for _ in 0..10 {
                if out.len() == len {
                    break;
                }
                const ALPHABET: &[u8] =
                    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
                out.push(char::from(ALPHABET[(v % 62) as usize]));
                v /= 62;
            }
            i += 1;
        }
        out
    };
    let id = word(1, 24);
    let secret = word(2, 25);
    format!("pi_{id}_secret_{secret}")
}

fn invalid_request(error: &str) -> SandboxResponse {
    SandboxResponse::json(
        400,
        &json!({"status": 400, "success": false, "message": "Invalid request", "error": error}),
    )
}

fn required_str<'a>(
    obj: &'a serde_json::Map<String, Value>,
    name: &str,
) -> Result<&'a str, SandboxResponse> {
    match obj.get(name) {
        Some(Value::String(s)) => Ok(s.as_str()),
        _ => Err(invalid_request(&format!("{name} is required"))),
    }
}

fn required_non_empty<'a>(
    obj: &'a serde_json::Map<String, Value>,
    name: &str,
) -> Result<&'a str, SandboxResponse> {
    let s = required_str(obj, name)?;
    if s.trim().is_empty() {
        Err(invalid_request(&format!("{name} is required")))
    } else {
        Ok(s)
    }
}

fn required_object<'a>(
    obj: &'a serde_json::Map<String, Value>,
    name: &str,
) -> Result<&'a serde_json::Map<String, Value>, SandboxResponse> {
    match obj.get(name) {
        Some(Value::Object(o)) => Ok(o),
        _ => Err(invalid_request(&format!("{name} is required"))),
    }
}

fn update_user(state: &mut State, req: &SandboxRequest) -> SandboxResponse {
    match try_update_user(state, req) {
        Ok(resp) | Err(resp) => resp,
    }
}

fn try_update_user(
    state: &mut State,
    req: &SandboxRequest,
) -> Result<SandboxResponse, SandboxResponse> {
    let empty = serde_json::Map::new();
    let parsed;
    let body = if is_json_request(req) && !req.body.iter().all(u8::is_ascii_whitespace) {
        parsed = match serde_json::from_slice::<Value>(&req.body) {
            Ok(Value::Object(o)) => o,
            _ => return Err(fail("Invalid JSON body")),
        };
        &parsed
    } else {
        &empty
    };
    match body.get("action") {
        Some(Value::String(a)) if a == "UPDATE_PAYMENT_INFO" => {}
        Some(Value::String(_)) => return Err(invalid_request("Invalid action")),
        _ => return Err(invalid_request("action is required")),
    }
    let email = required_non_empty(body, "email")?;
    let data = required_object(body, "data")?;
    let setup_id = required_non_empty(data, "stripeSetupId")?;
    let token = required_non_empty(data, "nmiPaymentToken")?;
    let address = required_object(data, "shippingAddress")?;
    let mut shipping_address = BTreeMap::new();
    for field in [
        "addressLine1",
        "addressLine2",
        "city",
        "state",
        "country",
        "postalCode",
    ] {
        let value = if field == "addressLine2" {
            required_str(address, field)?
        } else {
            required_non_empty(address, field)?
        };
        shipping_address.insert(field.to_owned(), value.to_owned());
    }
    if !state.user_exists(email) {
        return Err(invalid_request(&format!("User {email} does not exist")));
    }
    if !setup_id.starts_with("seti_") {
        return Err(invalid_request(&format!(
            "No such setupintent: '{setup_id}'"
        )));
    }
    state.payment_info.insert(
        email.trim().to_ascii_lowercase(),
        PaymentInfo {
            stripe_setup_id: setup_id.to_owned(),
            nmi_payment_token: token.to_owned(),
            shipping_address,
        },
    );
    Ok(SandboxResponse::json(
        200,
        &json!({"status": 200, "success": true, "data": {"code": "PAYMENT_SETUP_UPDATED"}}),
    ))
}

// ---------------------------------------------------------------------------------------
// Wave 2

/// `len` random characters of `[0-9A-Za-z]`.
fn random_alnum(len: usize) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let state = std::collections::hash_map::RandomState::new();
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = String::with_capacity(len);
    let mut i = 0u64;
    while out.len() < len {
        let mut h = state.build_hasher();
        h.write_u64(n);
        h.write_u64(i);
        let mut v = h.finish();
        for _ in 0..10 {
            if out.len() == len {
                break;
            }
            out.push(char::from(ALPHABET[(v % 62) as usize]));
            v /= 62;
        }
        i += 1;
    }
    out
}

/// A random version-4-shaped UUID.
fn random_uuid() -> String {
    let state = std::collections::hash_map::RandomState::new();
    let mut h = state.build_hasher();
    h.write_u64(1);
    let a = h.finish();
    let mut h = state.build_hasher();
    h.write_u64(2);
    let b = h.finish();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

/// Now as JavaScript's `Date.toISOString()` writes it.
fn js_now() -> String {
    let t = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// The body as a JSON object: an empty object when there is no JSON body (as Express's
/// JSON parser leaves `req.body`), or the 400 answer for a JSON body that is not an object.
fn object_body(req: &SandboxRequest) -> Result<serde_json::Map<String, Value>, SandboxResponse> {
    if !is_json_request(req) || req.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(o)) => Ok(o),
        _ => Err(fail("Invalid JSON body")),
    }
}

fn admin_register_webhook(state: &mut State, req: &SandboxRequest) -> SandboxResponse {
    let body = match object_body(req) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let (Some(url), Some(secret)) = (
        body.get("url").and_then(Value::as_str),
        body.get("secret").and_then(Value::as_str),
    ) else {
        return fail("url and secret are required");
    };
    if let Err(e) = crate::webhooks::loopback_target(url) {
        return fail(&e.to_string());
    }
    let id = state.register_webhook(url, secret);
    SandboxResponse::json(201, &json!({"id": id, "url": url}))
}

fn create_setup(state: &mut State, req: &SandboxRequest) -> SandboxResponse {
    let body = match object_body(req) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let (mut email, mut phone) = (None, None);
    match body.get("metadata") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (name, slot) in [("email", &mut email), ("phone", &mut phone)] {
                match m.get(name) {
                    None | Some(Value::Null) => {}
                    Some(Value::String(v)) => *slot = Some(v.clone()),
                    Some(_) => return fail(&format!("metadata.{name} must be a string")),
                }
            }
        }
        Some(_) => return fail("metadata must be an object"),
    }
    let id = format!("seti_{}", random_alnum(24));
    let client_secret = format!("{id}_secret_{}", random_alnum(25));
    state.setup_intents.push(SetupIntent {
        id,
        client_secret: client_secret.clone(),
        email,
        phone,
        completed_with: None,
    });
    SandboxResponse::json(
        200,
        &json!({"success": true, "paymentSecret": client_secret}),
    )
}

fn complete_setup(state: &mut State, req: &SandboxRequest) -> SandboxResponse {
    let body = match object_body(req) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let setup_id = match body.get("stripeSetupID") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        _ => return fail("stripeSetupID is required"),
    };
    let Some(Value::Object(address)) = body.get("shippingAddress") else {
        return fail("shippingAddress is required");
    };
    let mut fields = BTreeMap::new();
    for (name, required) in [
        ("line1", true),
        ("line2", false),
        ("city", true),
        ("state", true),
        ("country", true),
        ("postal_code", true),
    ] {
        match address.get(name) {
            Some(Value::String(v)) if !v.trim().is_empty() => {
                fields.insert(name.to_owned(), v.clone());
            }
            None | Some(Value::Null) if !required => {}
            Some(Value::String(_)) if !required => {}
            _ => return fail(&format!("shippingAddress.{name} is required")),
        }
    }
    for name in ["state", "country"] {
        let v = fields.get(name).map(String::as_str).unwrap_or_default();
        if v.len() != 2 || !v.bytes().all(|b| b.is_ascii_alphabetic()) {
            return fail(&format!("shippingAddress.{name} must be a two-letter code"));
        }
    }
    let Some(intent) = state.setup_intents.iter_mut().find(|s| s.id == setup_id) else {
        return fail(&format!("No such setupintent: '{setup_id}'"));
    };
    intent.completed_with = Some(fields.clone());
    let email = intent.email.clone();
    let case_id = email.as_deref().and_then(|e| {
        state
            .cases
            .iter()
            .find(|c| c.email.eq_ignore_ascii_case(e))
            .map(|c| c.id.clone())
    });
    // The staging page's payload (production omits paymentInfo); the card is Stripe's test
    // Visa, since the sandbox has no Stripe Elements step.
    let address = json!({
        "addressLine1": fields.get("line1"), "addressLine2": fields.get("line2"),
        "city": fields.get("city"), "state": fields.get("state"),
        "country": fields.get("country"), "postalCode": fields.get("postal_code")
    });
    let payload = json!({
        "activity": {
            "id": random_uuid(), "type": "ADD_PAYMENT_INFO_USING_LINK", "isPHI": false,
            "isRestricted": false, "timestamp": js_now(), "valueBefore": null,
            "valueAfter": {"stripeSetupID": setup_id},
            "actor": {"id": null, "firstName": null, "lastName": null, "email": email},
            "targetUser": {"id": null, "firstName": null, "lastName": null, "email": email}
        },
        "caseId": case_id,
        "paymentInfo": {
            "maskedCardNumber": "**** **** **** 4242", "cardBrand": "visa",
            "shippingAddress": address, "billingAddress": address
        }
    });
    state.emit("ADD_PAYMENT_INFO_USING_LINK", payload);
    SandboxResponse::json(200, &json!({"status": 200, "success": true}))
}

/// Runs `f` under CareValidate's idempotency rules for `idempotencyKey` in the body.
fn idempotent(
    state: &mut State,
    req: &SandboxRequest,
    api_key: &str,
    route: &str,
    f: impl FnOnce(&mut State, &serde_json::Map<String, Value>) -> SandboxResponse,
) -> SandboxResponse {
    let body = match object_body(req) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let key = match body.get("idempotencyKey") {
        None | Some(Value::Null) => None,
        Some(Value::String(k)) if !k.is_empty() => Some(k.clone()),
        Some(_) => return fail("idempotencyKey must be a non-empty string"),
    };
    let Some(key) = key else {
        return f(state, &body);
    };
    let slot = (api_key.to_owned(), route.to_owned(), key);
    let value = Value::Object(body.clone());
    if let Some((first_body, first_answer)) = state.idempotency.get(&slot) {
        return if *first_body == value {
            first_answer.clone()
        } else {
            SandboxResponse::json(
                409,
                &json!({
                    "status": 409,
                    "success": false,
                    "message": "A record with this idempotencyKey already exists with different parameters"
                }),
            )
        };
    }
    let answer = f(state, &body);
    if answer.status.is_success() {
        state.idempotency.insert(slot, (value, answer.clone()));
    }
    answer
}

/// A positive JSON number's exact text and cents, or the vendor's message.
fn positive_amount(
    body: &serde_json::Map<String, Value>,
) -> Result<(String, i64), SandboxResponse> {
    match body.get("amount") {
        None | Some(Value::Null) => Err(fail("Amount is required")),
        Some(v @ Value::Number(_)) => {
            let text = v.to_string();
            match json_number_to_cents(&text) {
                Some(c) if c > 0 => Ok((text, c)),
                _ => Err(fail("Amount must be a positive number")),
            }
        }
        Some(_) => Err(fail("Amount must be a positive number")),
    }
}

fn optional_string(
    body: &serde_json::Map<String, Value>,
    name: &str,
) -> Result<Option<String>, SandboxResponse> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(v)) => Ok(Some(v.clone())),
        Some(_) => Err(fail(&format!("{name} must be a string"))),
    }
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn case_not_found() -> SandboxResponse {
    SandboxResponse::json(404, &json!({"success": false, "message": "Case not found"}))
}

fn case_payment(
    state: &mut State,
    case_id: &str,
    body: &serde_json::Map<String, Value>,
) -> SandboxResponse {
    let run = || -> Result<CasePayment, SandboxResponse> {
        let (amount_text, amount_cents) = positive_amount(body)?;
        let description = match optional_string(body, "description")? {
            Some(d) if !d.trim().is_empty() => d,
            _ => return Err(fail("Description is required")),
        };
        let product_id = optional_string(body, "productId")?;
        if product_id.as_deref().is_some_and(|p| !is_uuid(p)) {
            return Err(fail("productId must be a UUID"));
        }
        let status = optional_string(body, "status")?.unwrap_or_else(|| "UNPAID".to_owned());
        if !PAYMENT_STATUSES.contains(&status.as_str()) {
            return Err(fail("Invalid status"));
        }
        let preauthorize = match body.get("preauthorize") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(fail("preauthorize must be a boolean")),
        };
        Ok(CasePayment {
            payment_id: random_uuid(),
            case_id: case_id.to_owned(),
            amount_text,
            amount_cents,
            description,
            status,
            product_id,
            preauthorize,
            idempotency_key: optional_string(body, "idempotencyKey")?,
            created_at: js_now(),
        })
    };
    let payment = match run() {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    if state.case(case_id).is_none() {
        return case_not_found();
    }
    let amount: Value = serde_json::from_str(&payment.amount_text).unwrap_or(Value::Null);
    let result = json!({
        "paymentId": payment.payment_id,
        "status": payment.status,
        "amount": amount,
        "description": payment.description,
        "createdAt": payment.created_at
    });
    let case = state.case(case_id).map(case_json).unwrap_or(Value::Null);
    state.emit("PAYMENT_ADDED", json!({"case": case, "payment": result}));
    state.case_payments.push(payment);
    SandboxResponse::json(
        200,
        &json!({
            "success": true,
            "message": "Payment created successfully",
            "data": {"result": result}
        }),
    )
}

/// The case as webhook payloads carry it (the documented subset of `payload.case`).
fn case_json(c: &SeedCase) -> Value {
    json!({
        "id": c.id, "type": "GLP", "title": c.title, "status": c.status,
        "shortId": c.id.get(c.id.len().saturating_sub(6)..).unwrap_or_default().to_ascii_uppercase(),
        "isArchived": false, "isEscalated": false, "isImported": false,
        "organizationId": "sandbox-organization"
    })
}

fn is_date(s: &str) -> bool {
    time::Date::parse(
        s,
        &time::macros::format_description!("[year]-[month]-[day]"),
    )
    .is_ok()
}

fn confirmation(state: &mut State, body: &serde_json::Map<String, Value>) -> SandboxResponse {
    let run = || -> Result<String, SandboxResponse> {
        let case_id = match optional_string(body, "caseId")? {
            Some(c) if !c.trim().is_empty() => c,
            _ => return Err(fail("caseId is required")),
        };
        positive_amount(body)?;
        for name in ["paymentDate", "validUntil"] {
            match optional_string(body, name)? {
                Some(d) if is_date(&d) => {}
                Some(_) => return Err(fail(&format!("{name} must be a date (YYYY-MM-DD)"))),
                None => return Err(fail(&format!("{name} is required"))),
            }
        }
        match optional_string(body, "status")? {
            Some(s) if PAYMENT_STATUSES.contains(&s.as_str()) => {}
            Some(_) => return Err(fail("Invalid status")),
            None => return Err(fail("status is required")),
        }
        for name in [
            "email",
            "phoneNumber",
            "decisionId",
            "description",
            "idempotencyKey",
        ] {
            optional_string(body, name)?;
        }
        Ok(case_id)
    };
    let case_id = match run() {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let Some(case) = state.case(&case_id).map(case_json) else {
        return case_not_found();
    };
    let paid = body.get("status").and_then(Value::as_str) == Some("PAID");
    let payment = json!({
        "amount": body.get("amount"), "status": body.get("status"),
        "paymentDate": body.get("paymentDate"), "validUntil": body.get("validUntil"),
        "description": body.get("description"), "decisionId": body.get("decisionId")
    });
    state.emit(
        if paid {
            "PAYMENT_COMPLETED"
        } else {
            "PAYMENT_ADDED"
        },
        json!({"case": case, "payment": payment}),
    );
    state.confirmations.push(Value::Object(body.clone()));
    SandboxResponse::json(200, &json!({"status": 200, "success": true}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_from_json_numbers() {
        for (text, cents) in [
            ("19.99", Some(1999)),
            ("100", Some(10000)),
            ("0.29", Some(29)),
            ("0.01", Some(1)),
            ("99999999.99", Some(9_999_999_999)),
            ("1e2", Some(10000)),
            ("1.5E1", Some(1500)),
            ("1999e-2", Some(1999)),
            ("0.005", Some(1)),
            ("0.004", Some(0)),
            ("0.0001", Some(0)),
            ("19.989999999999998", Some(1999)),
            ("-5", Some(-500)),
            ("0", Some(0)),
            ("\"19.99\"", None),
            ("true", None),
            ("1.", None),
            (".5", None),
            ("01", None),
            ("1e999", None),
        ] {
            assert_eq!(json_number_to_cents(text), cents, "{text}");
        }
    }

    #[test]
    fn secrets_are_fresh() {
        let a = new_client_secret();
        let b = new_client_secret();
        assert_ne!(a, b);
        assert!(a.starts_with("pi_") && a.contains("_secret_"), "{a}");
        let (id, secret) = a.split_once("_secret_").unwrap();
        assert_eq!(id.len(), 3 + 24);
        assert_eq!(secret.len(), 25);
    }
}
