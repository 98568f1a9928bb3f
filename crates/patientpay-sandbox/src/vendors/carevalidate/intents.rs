//! Wave 1: payment intents and the user update (`UPDATE_PAYMENT_INFO`).

use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use super::*;

/// The fields of an intent body, with `amount` kept as its exact JSON text.
#[derive(Deserialize, Default)]
pub(super) struct IntentBody {
    #[serde(default)]
    amount: Option<Box<RawValue>>,
    #[serde(default, rename = "paymentMethodTypes")]
    payment_method_types: Option<Value>,
}

pub(super) fn create_intent(state: &mut State, req: &SandboxRequest) -> SandboxResponse {
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

pub(super) fn new_client_secret() -> String {
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

pub(super) fn invalid_request(error: &str) -> SandboxResponse {
    SandboxResponse::json(
        400,
        &json!({"status": 400, "success": false, "message": "Invalid request", "error": error}),
    )
}

pub(super) fn required_str<'a>(
    obj: &'a serde_json::Map<String, Value>,
    name: &str,
) -> Result<&'a str, SandboxResponse> {
    match obj.get(name) {
        Some(Value::String(s)) => Ok(s.as_str()),
        _ => Err(invalid_request(&format!("{name} is required"))),
    }
}

pub(super) fn required_non_empty<'a>(
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

pub(super) fn required_object<'a>(
    obj: &'a serde_json::Map<String, Value>,
    name: &str,
) -> Result<&'a serde_json::Map<String, Value>, SandboxResponse> {
    match obj.get(name) {
        Some(Value::Object(o)) => Ok(o),
        _ => Err(invalid_request(&format!("{name} is required"))),
    }
}

pub(super) fn update_user(state: &mut State, req: &SandboxRequest) -> SandboxResponse {
    match try_update_user(state, req) {
        Ok(resp) | Err(resp) => resp,
    }
}

pub(super) fn try_update_user(
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
