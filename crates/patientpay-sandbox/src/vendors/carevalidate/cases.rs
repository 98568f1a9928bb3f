//! Wave 2: setup intents and their completion, case payments and payment confirmations
//! (with idempotency-key replay), and the sandbox's webhook registration route.

use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};

use super::*;

/// `len` random characters of `[0-9A-Za-z]`.
pub(super) fn random_alnum(len: usize) -> String {
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
pub(super) fn random_uuid() -> String {
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
pub(super) fn js_now() -> String {
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
pub(super) fn object_body(
    req: &SandboxRequest,
) -> Result<serde_json::Map<String, Value>, SandboxResponse> {
    if !is_json_request(req) || req.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(o)) => Ok(o),
        _ => Err(fail("Invalid JSON body")),
    }
}

pub(super) fn admin_register_webhook(state: &mut State, req: &SandboxRequest) -> SandboxResponse {
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

pub(super) fn create_setup(state: &mut State, req: &SandboxRequest) -> SandboxResponse {
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

pub(super) fn complete_setup(state: &mut State, req: &SandboxRequest) -> SandboxResponse {
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
pub(super) fn idempotent(
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
pub(super) fn positive_amount(
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

pub(super) fn optional_string(
    body: &serde_json::Map<String, Value>,
    name: &str,
) -> Result<Option<String>, SandboxResponse> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(v)) => Ok(Some(v.clone())),
        Some(_) => Err(fail(&format!("{name} must be a string"))),
    }
}

pub(super) fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub(super) fn case_not_found() -> SandboxResponse {
    SandboxResponse::json(404, &json!({"success": false, "message": "Case not found"}))
}

pub(super) fn case_payment(
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
pub(super) fn case_json(c: &SeedCase) -> Value {
    json!({
        "id": c.id, "type": "GLP", "title": c.title, "status": c.status,
        "shortId": c.id.get(c.id.len().saturating_sub(6)..).unwrap_or_default().to_ascii_uppercase(),
        "isArchived": false, "isEscalated": false, "isImported": false,
        "organizationId": "sandbox-organization"
    })
}

pub(super) fn is_date(s: &str) -> bool {
    time::Date::parse(
        s,
        &time::macros::format_description!("[year]-[month]-[day]"),
    )
    .is_ok()
}

pub(super) fn confirmation(
    state: &mut State,
    body: &serde_json::Map<String, Value>,
) -> SandboxResponse {
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
