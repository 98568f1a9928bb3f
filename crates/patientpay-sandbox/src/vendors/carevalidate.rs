//! The CareValidate emulation: `POST /api/v1/payments/intent` and `POST /api/v1/users`
//! (`UPDATE_PAYMENT_INFO`), with the vendor's validations and messages.
//!
//! Written from CareValidate's docs (`carevalidate-payment-intent`,
//! `carevalidate-update-user-payment`), not from the vendor crate. Behaviour:
//!
//! - Any non-empty `cv-api-key` is accepted; a missing or blank one answers
//!   401 `{"status":401,"error":"Invalid API key"}`.
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
}

impl Default for Seed {
    fn default() -> Self {
        Seed {
            users: vec![
                "john@example.com".to_owned(),
                "jane.doe@example.com".to_owned(),
            ],
        }
    }
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
    /// Every intent created, oldest first.
    pub intents: Vec<CreatedIntent>,
    /// Saved payment info by lowercase e-mail.
    pub payment_info: BTreeMap<String, PaymentInfo>,
}

impl State {
    pub(crate) fn from_seed(seed: &Seed) -> State {
        State {
            users: seed
                .users
                .iter()
                .map(|u| u.trim().to_ascii_lowercase())
                .collect(),
            intents: Vec::new(),
            payment_info: BTreeMap::new(),
        }
    }

    /// `true` when `email` is a user.
    pub fn user_exists(&self, email: &str) -> bool {
        let email = email.trim().to_ascii_lowercase();
        self.users.contains(&email)
    }
}

pub(crate) fn handle(state: &mut State, req: &SandboxRequest) -> Option<SandboxResponse> {
    let path = req.path.trim_end_matches('/');
    if req.method != Method::POST || (path != PAYMENT_INTENT_PATH && path != USERS_PATH) {
        return None;
    }
    if req.header("cv-api-key").is_none_or(|k| k.trim().is_empty()) {
        return Some(SandboxResponse::json(
            401,
            &json!({"status": 401, "error": "Invalid API key"}),
        ));
    }
    Some(if path == PAYMENT_INTENT_PATH {
        create_intent(state, req)
    } else {
        update_user(state, req)
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
