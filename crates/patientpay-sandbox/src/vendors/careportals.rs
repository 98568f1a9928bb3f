//! The CarePortals Patient API emulation: a patient's saved payment methods.
//!
//! Routes (from CarePortals' "Payment Methods" page):
//! - `GET /users/payment-methods` → the wallet, an array of Stripe `PaymentMethod` objects
//!   with CarePortals' top-level `last4` and `exp` (`"4/2029"`); NMI methods carry only
//!   `id`, `type`, `last4`, `exp`.
//! - `POST /v2/users/payment-methods` `{"paymentMethodId": "<token>"}` → `201 {last4, type, exp}`.
//! - `DELETE /v2/users/payment-methods/{id}` → `{"success": true}`, or 404
//!   `{"statusCode":404,"message":"Payment method not found"}`.
//!
//! Every non-empty bearer token is a patient with their own wallet; a missing or empty
//! token is 401 `{"statusCode":401,"message":"Unauthorized"}`. Stripe's test tokens work:
//! `pm_card_visa` (visa 4242), `pm_card_mastercard` (mastercard 4444), `pm_card_amex`
//! (amex 0005), `pm_card_chargeDeclined` → 402 "Your card was declined."; any other
//! `pm_…` is accepted as a generated Visa card; any other token is an NMI payment token and
//! becomes an NMI-shaped method. As with Stripe, each use of a test token (`pm_card_…`)
//! creates a new PaymentMethod with a fresh `pm_sbx…` id; any other `pm_…` method's id is
//! the token (Stripe attaches the given PaymentMethod; adding it again is a no-op); an NMI
//! method gets a fresh vault id. The add answer carries no id, so list to find it.
//! Errors use CarePortals' NestJS shape `{statusCode, message[, error]}`.

use std::collections::BTreeMap;

use http::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::{SandboxRequest, SandboxResponse};

/// The token of the seeded demo patient.
const DEMO_TOKEN: &str = crate::credentials::CAREPORTALS_TOKEN;

/// Expiry given to generated cards (Stripe's test cards accept any future date).
const GENERATED_EXP: (u32, u32) = (12, 2034);

/// Initial CarePortals state: wallets keyed by the patient's bearer token, each a list of
/// payment method objects exactly as `GET /users/payment-methods` returns them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Seed {
    /// Wallets by bearer token (the JWT without `Bearer `).
    pub wallets: BTreeMap<String, Vec<Value>>,
}

impl Default for Seed {
    /// The demo patient ([`CAREPORTALS_TOKEN`](crate::credentials::CAREPORTALS_TOKEN)) with
    /// the docs' saved Visa ending 4242.
    fn default() -> Seed {
        let mut wallets = BTreeMap::new();
        wallets.insert(DEMO_TOKEN.to_owned(), vec![doc_visa()]);
        Seed { wallets }
    }
}

/// The saved card of CarePortals' docs, verbatim.
fn doc_visa() -> Value {
    json!({
        "id": "pm_1Rz78FKeCoUxIkZxXhFa0HlF",
        "object": "payment_method",
        "allow_redisplay": "unspecified",
        "billing_details": {
            "address": {
                "city": "San Francisco",
                "country": "US",
                "line1": "123 Main Street",
                "line2": "Apt 4B",
                "postal_code": "94105",
                "state": "CA"
            },
            "email": "jane.doe@example.com",
            "name": "Jane Doe",
            "phone": "+14155552671",
            "tax_id": null
        },
        "card": {
            "brand": "visa",
            "checks": {
                "address_line1_check": "pass",
                "address_postal_code_check": "pass",
                "cvc_check": "pass"
            },
            "country": "US",
            "display_brand": "visa",
            "exp_month": "4",
            "exp_year": "2029",
            "fingerprint": "wkxxH2W0e4S1mvIM",
            "funding": "credit",
            "generated_from": null,
            "last4": "4242",
            "networks": {"available": ["visa"], "preferred": null},
            "regulated_status": "unregulated",
            "three_d_secure_usage": {"supported": true},
            "wallet": null
        },
        "created": 1755915879,
        "customer": "cus_Rwr5mZerq1Q2VL",
        "livemode": false,
        "metadata": {},
        "radar_options": {},
        "type": "card",
        "last4": "4242",
        "exp": "4/2029"
    })
}

/// Live CarePortals state.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct State {
    wallets: BTreeMap<String, Vec<Value>>,
    next_id: u64,
}

impl State {
    pub(crate) fn from_seed(seed: &Seed) -> State {
        State {
            wallets: seed.wallets.clone(),
            next_id: 1,
        }
    }

    /// The saved methods of the patient with bearer token `token` (empty if none).
    pub fn wallet(&self, token: &str) -> &[Value] {
        self.wallets.get(token).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Replaces the saved methods of the patient with bearer token `token`.
    pub fn set_wallet(&mut self, token: &str, methods: Vec<Value>) {
        self.wallets.insert(token.to_owned(), methods);
    }

    fn next(&mut self) -> u64 {
        let n = self.next_id;
        self.next_id += 1;
        n
    }
}

fn error(status: u16, message: &str) -> SandboxResponse {
    SandboxResponse::json(status, &json!({"statusCode": status, "message": message}))
}

fn not_found_route(req: &SandboxRequest) -> SandboxResponse {
    let message = format!("Cannot {} {}", req.method, req.path);
    SandboxResponse::json(
        404,
        &json!({"statusCode": 404, "message": message, "error": "Not Found"}),
    )
}

/// The bearer token, if a non-empty one was sent.
fn bearer(req: &SandboxRequest) -> Option<String> {
    let value = req.header("authorization")?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

pub(crate) fn handle(state: &mut State, req: &SandboxRequest) -> Option<SandboxResponse> {
    let segments = req.path_segments();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let route = match segs.as_slice() {
        ["users", "payment-methods"] => Route::List,
        ["v2", "users", "payment-methods"] => Route::Add,
        ["v2", "users", "payment-methods", id] => Route::Remove((*id).to_owned()),
        _ => return None,
    };
    let Some(token) = bearer(req) else {
        return Some(error(401, "Unauthorized"));
    };
    Some(match (route, &req.method) {
        (Route::List, &Method::GET) => {
            SandboxResponse::json(200, &Value::Array(state.wallet(&token).to_vec()))
        }
        (Route::Add, &Method::POST) => add(state, &token, req),
        (Route::Remove(id), &Method::DELETE) => remove(state, &token, &id),
        _ => not_found_route(req),
    })
}

enum Route {
    List,
    Add,
    Remove(String),
}

fn add(state: &mut State, token: &str, req: &SandboxRequest) -> SandboxResponse {
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    let pm_token = match body.get("paymentMethodId") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        Some(Value::String(_)) => return bad_request(&["paymentMethodId should not be empty"]),
        _ => {
            return bad_request(&[
                "paymentMethodId must be a string",
                "paymentMethodId should not be empty",
            ]);
        }
    };
    let method = if pm_token.starts_with("pm_") && pm_token.len() > 3 {
        match stripe_card(state, &pm_token) {
            Ok(m) => m,
            Err(declined) => return declined,
        }
    } else {
        nmi_card(state)
    };
    let answer = json!({"last4": method["last4"], "type": method["type"], "exp": method["exp"]});
    let wallet = state.wallets.entry(token.to_owned()).or_default();
    // Attaching a PaymentMethod already attached to this customer changes nothing.
    if !wallet.iter().any(|m| m.get("id") == method.get("id")) {
        wallet.push(method);
    }
    SandboxResponse::json(201, &answer)
}

fn bad_request(messages: &[&str]) -> SandboxResponse {
    SandboxResponse::json(
        400,
        &json!({"statusCode": 400, "message": messages, "error": "Bad Request"}),
    )
}

fn stripe_card(state: &mut State, pm_token: &str) -> Result<Value, SandboxResponse> {
    let n = state.next();
    let (brand, last4, funding) = match pm_token {
        "pm_card_visa" => ("visa", "4242".to_owned(), "credit"),
        "pm_card_mastercard" => ("mastercard", "4444".to_owned(), "credit"),
        "pm_card_amex" => ("amex", "0005".to_owned(), "credit"),
        "pm_card_chargeDeclined" => return Err(error(402, "Your card was declined.")),
        _ => ("visa", format!("{:04}", 1000 + n % 9000), "credit"),
    };
    let (exp_month, exp_year) = GENERATED_EXP;
    // Stripe's test tokens (`pm_card_visa`…) create a new PaymentMethod with a new id each
    // time they are used; a real `pm_…` id is attached as it is.
    let id = if pm_token.starts_with("pm_card_") {
        format!("pm_sbx{n:018}")
    } else {
        pm_token.to_owned()
    };
    Ok(json!({
        "id": id,
        "object": "payment_method",
        "allow_redisplay": "unspecified",
        "billing_details": {
            "address": {"city": null, "country": null, "line1": null, "line2": null, "postal_code": null, "state": null},
            "email": null,
            "name": null,
            "phone": null,
            "tax_id": null
        },
        "card": {
            "brand": brand,
            "checks": {"address_line1_check": null, "address_postal_code_check": null, "cvc_check": "pass"},
            "country": "US",
            "display_brand": brand,
            "exp_month": exp_month,
            "exp_year": exp_year,
            "fingerprint": format!("sbxFp{n:011}"),
            "funding": funding,
            "generated_from": null,
            "last4": last4,
            "networks": {"available": [brand], "preferred": null},
            "regulated_status": "unregulated",
            "three_d_secure_usage": {"supported": true},
            "wallet": null
        },
        "created": 1_755_915_879 + n as i64,
        "customer": "cus_Sandbox0000001",
        "livemode": false,
        "metadata": {},
        "radar_options": {},
        "type": "card",
        "last4": last4,
        "exp": format!("{exp_month}/{exp_year}")
    }))
}

fn nmi_card(state: &mut State) -> Value {
    let n = state.next();
    let (exp_month, exp_year) = GENERATED_EXP;
    json!({
        "id": format!("{}", 7_000_000_000_u64 + n),
        "type": "card",
        "last4": format!("{:04}", 1000 + n % 9000),
        "exp": format!("{exp_month}/{exp_year}")
    })
}

fn remove(state: &mut State, token: &str, id: &str) -> SandboxResponse {
    let Some(wallet) = state.wallets.get_mut(token) else {
        return error(404, "Payment method not found");
    };
    let before = wallet.len();
    wallet.retain(|m| m.get("id").and_then(Value::as_str) != Some(id));
    if wallet.len() == before {
        return error(404, "Payment method not found");
    }
    SandboxResponse::json(200, &json!({"success": true}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http::HeaderMap;

    fn req(method: Method, path: &str, token: Option<&str>, body: &str) -> SandboxRequest {
        let mut headers = HeaderMap::new();
        if let Some(t) = token {
            headers.insert("authorization", format!("Bearer {t}").parse().unwrap());
        }
        SandboxRequest {
            method,
            path: path.to_owned(),
            query: Vec::new(),
            headers,
            body: Bytes::copy_from_slice(body.as_bytes()),
        }
    }

    fn json_of(r: &SandboxResponse) -> Value {
        serde_json::from_slice(&r.body).unwrap()
    }

    #[test]
    fn other_paths_are_not_ours() {
        let mut s = State::from_seed(&Seed::default());
        assert!(handle(&mut s, &req(Method::GET, "/api/v1/users", Some("t"), "")).is_none());
        assert!(handle(&mut s, &req(Method::GET, "/users", Some("t"), "")).is_none());
    }

    #[test]
    fn ids_are_unique_and_wallets_separate() {
        let mut s = State::from_seed(&Seed::default());
        for _ in 0..3 {
            let r = handle(
                &mut s,
                &req(
                    Method::POST,
                    "/v2/users/payment-methods",
                    Some("p1"),
                    r#"{"paymentMethodId":"nmi-tok"}"#,
                ),
            )
            .unwrap();
            assert_eq!(r.status, 201);
        }
        let ids: std::collections::BTreeSet<_> =
            s.wallet("p1").iter().map(|m| m["id"].to_string()).collect();
        assert_eq!(ids.len(), 3);
        assert!(s.wallet("p2").is_empty());
        assert_eq!(s.wallet(DEMO_TOKEN).len(), 1);
        let r = handle(
            &mut s,
            &req(
                Method::POST,
                "/v2/users/payment-methods",
                Some("p1"),
                r#"{"paymentMethodId":"pm_card_amex"}"#,
            ),
        )
        .unwrap();
        assert_eq!(
            json_of(&r),
            json!({"last4": "0005", "type": "card", "exp": "12/2034"})
        );
        handle(
            &mut s,
            &req(
                Method::POST,
                "/v2/users/payment-methods",
                Some("p1"),
                r#"{"paymentMethodId":"pm_card_amex"}"#,
            ),
        )
        .unwrap();
        // Like Stripe, a test token creates a new PaymentMethod on each use...
        assert_eq!(
            s.wallet("p1").len(),
            5,
            "a test token makes a new method each time"
        );
        // ...while a real PaymentMethod id already attached changes nothing.
        for _ in 0..2 {
            handle(
                &mut s,
                &req(
                    Method::POST,
                    "/v2/users/payment-methods",
                    Some("p1"),
                    r#"{"paymentMethodId":"pm_1RealStripeId"}"#,
                ),
            )
            .unwrap();
        }
        assert_eq!(s.wallet("p1").len(), 6, "re-attaching is a no-op");
    }
}
