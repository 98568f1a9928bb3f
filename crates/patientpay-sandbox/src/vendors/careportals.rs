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
//! - `POST /auth/login` and `POST /patient/auth` (both: the vendor's guide names the second,
//!   the first is what a live integration observed) `{"username", "password"}` → `201
//!   {"token": "<JWT>"}`; wrong credentials → 401 `{"statusCode":401,"message":"Invalid
//!   credentials"}`; a missing field → 400 with NestJS's message list. The username is the
//!   e-mail, also accepted as `email#organization` (CarePortals' username format). 201 is
//!   NestJS's default for a POST; the vendor's pages show no login answer.
//!
//! Auth, as the vendor checks it: the bearer token must be a JWT the sandbox signed (HS256,
//! [`crate::jwt::SIGNING_KEY`]) and not expired, else 401 `{"statusCode":401,
//! "message":"Unauthorized"}`; its `sub` is the patient (any id: a new one has an empty
//! wallet). An `Origin`, when sent, must be one of
//! [`CAREPORTALS_ALLOWED_ORIGINS`](crate::credentials::CAREPORTALS_ALLOWED_ORIGINS), and an
//! `organization` header, when sent, must be
//! [`CAREPORTALS_ORGANIZATION`](crate::credentials::CAREPORTALS_ORGANIZATION) (and the
//! token's); else 403 `{"statusCode":403,"message":…,"error":"Forbidden"}`. Both are
//! optional as on a CarePortals subdomain. Stripe's test tokens work:
//! `pm_card_visa` (visa 4242), `pm_card_mastercard` (mastercard 4444), `pm_card_amex`
//! (amex 0005), `pm_card_chargeDeclined` → 402 "Your card was declined."; any other
//! `pm_…` is accepted as a generated Visa card; any other token is an NMI payment token and
//! becomes an NMI-shaped method. As with Stripe, each use of a test token (`pm_card_…`)
//! creates a new PaymentMethod with a fresh `pm_sbx…` id; any other `pm_…` method's id is
//! the token (Stripe attaches the given PaymentMethod; adding it again is a no-op); an NMI
//! method gets a fresh vault id. The add answer carries no id, so list to find it.
//! Errors use CarePortals' NestJS shape `{statusCode, message[, error]}`.

use std::collections::BTreeMap;

use bytes::Bytes;
use http::Method;
use http::header::{AUTHORIZATION, HeaderName, ORIGIN};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::{SandboxRequest, SandboxResponse};

use crate::credentials;

/// CarePortals' `organization` header (a name known up front: no parsing per lookup).
const ORGANIZATION: HeaderName = HeaderName::from_static("organization");

/// The token of the seeded demo patient.
const DEMO_TOKEN: &str = credentials::CAREPORTALS_TOKEN;

/// Lifetime of the tokens login issues: 720 h, as observed live (30 days).
const LOGIN_TOKEN_SECONDS: i64 = 720 * 3600;

/// Expiry given to generated cards (Stripe's test cards accept any future date).
const GENERATED_EXP: (u32, u32) = (12, 2034);

/// Initial CarePortals state: wallets and the patients who can log in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Seed {
    /// Wallets, each a list of payment method objects exactly as `GET
    /// /users/payment-methods` returns them, keyed by patient id — or by a token the sandbox
    /// issued, which stands for its `sub` (the default seed keys the demo wallet by
    /// [`CAREPORTALS_TOKEN`](crate::credentials::CAREPORTALS_TOKEN)).
    pub wallets: BTreeMap<String, Vec<Value>>,
    /// Patients who can log in.
    pub patients: Vec<SeedPatient>,
}

/// A CarePortals patient with login credentials.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeedPatient {
    /// Patient id (a Mongo-style id, the JWT's `sub`).
    pub id: String,
    /// Login username (the e-mail).
    pub username: String,
    /// Login password.
    pub password: String,
    /// First name.
    #[serde(default)]
    pub first_name: String,
    /// Last name.
    #[serde(default)]
    pub last_name: String,
}

impl Default for Seed {
    /// The demo patient ([`CAREPORTALS_TOKEN`](crate::credentials::CAREPORTALS_TOKEN),
    /// `jane.doe@example.com` / `sandbox-password`) with the docs' saved Visa ending 4242,
    /// and `john@example.com` / `sandbox-password` with an empty wallet.
    fn default() -> Seed {
        let mut wallets = BTreeMap::new();
        wallets.insert(DEMO_TOKEN.to_owned(), vec![doc_visa()]);
        Seed {
            wallets,
            patients: vec![
                SeedPatient {
                    id: credentials::CAREPORTALS_PATIENT_ID.to_owned(),
                    username: credentials::CAREPORTALS_USERNAME.to_owned(),
                    password: credentials::CAREPORTALS_PASSWORD.to_owned(),
                    first_name: "Jane".to_owned(),
                    last_name: "Doe".to_owned(),
                },
                SeedPatient {
                    id: "66f1c0de0000000000000002".to_owned(),
                    username: "john@example.com".to_owned(),
                    password: credentials::CAREPORTALS_PASSWORD.to_owned(),
                    first_name: "John".to_owned(),
                    last_name: "Doe".to_owned(),
                },
            ],
        }
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
    /// The list answer of each wallet as served, rendered when first listed and forgotten
    /// whenever that wallet changes (every change goes through this module).
    rendered: BTreeMap<String, Bytes>,
    /// Patients who can log in.
    pub patients: Vec<SeedPatient>,
    /// How many tokens login has issued.
    pub tokens_issued: u64,
    /// Bearer tokens that verified recently.
    verified: crate::jwt::Verified,
    next_id: u64,
}

/// The patient id a wallet key stands for: a sandbox token's `sub`, else the key itself.
fn patient_of(key: &str) -> String {
    match crate::jwt::verify(key, i64::MIN) {
        Ok(claims) => claims.sub,
        Err(_) => key.to_owned(),
    }
}

impl State {
    pub(crate) fn from_seed(seed: &Seed) -> State {
        State {
            wallets: seed
                .wallets
                .iter()
                .map(|(k, v)| (patient_of(k), v.clone()))
                .collect(),
            rendered: BTreeMap::new(),
            patients: seed.patients.clone(),
            tokens_issued: 0,
            verified: crate::jwt::Verified::default(),
            next_id: 1,
        }
    }

    /// The saved methods of a patient (by id, or by a sandbox token), empty if none.
    pub fn wallet(&self, patient: &str) -> &[Value] {
        self.wallets
            .get(&patient_of(patient))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Replaces the saved methods of a patient (by id, or by a sandbox token).
    pub fn set_wallet(&mut self, patient: &str, methods: Vec<Value>) {
        let patient = patient_of(patient);
        self.rendered.remove(&patient);
        self.wallets.insert(patient, methods);
    }

    /// The list answer's body for `patient` (an id): the wallet as JSON, rendered once per
    /// change of the wallet.
    fn wallet_json(&mut self, patient: &str) -> Bytes {
        if let Some(body) = self.rendered.get(patient) {
            return body.clone();
        }
        let Some(wallet) = self.wallets.get(patient) else {
            // A patient without a wallet: nothing to remember.
            return Bytes::from_static(b"[]");
        };
        let body = Bytes::from(serde_json::to_vec(wallet).unwrap_or_default());
        self.rendered.insert(patient.to_owned(), body.clone());
        body
    }

    /// Every wallet, by patient id.
    pub fn wallets(&self) -> &BTreeMap<String, Vec<Value>> {
        &self.wallets
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

fn forbidden(message: &str) -> SandboxResponse {
    SandboxResponse::json(
        403,
        &json!({"statusCode": 403, "message": message, "error": "Forbidden"}),
    )
}

/// The bearer token, if a non-empty one was sent.
fn bearer(req: &SandboxRequest) -> Option<&str> {
    let value = req.headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The `Origin` and `organization` checks every CarePortals route makes.
fn check_origin_and_organization(req: &SandboxRequest) -> Result<(), SandboxResponse> {
    if let Some(origin) = req.headers.get(ORIGIN) {
        let ok = origin.to_str().is_ok_and(|o| {
            credentials::CAREPORTALS_ALLOWED_ORIGINS
                .iter()
                .any(|a| a.eq_ignore_ascii_case(o.trim()))
        });
        if !ok {
            return Err(forbidden("Origin not allowed"));
        }
    }
    if let Some(org) = req.headers.get(&ORGANIZATION)
        && org.to_str().ok().map(str::trim) != Some(credentials::CAREPORTALS_ORGANIZATION)
    {
        return Err(forbidden("Invalid organization"));
    }
    Ok(())
}

/// The patient id of a valid sandbox token.
fn authenticate(state: &mut State, req: &SandboxRequest) -> Result<String, SandboxResponse> {
    let token = bearer(req).ok_or_else(|| error(401, "Unauthorized"))?;
    let claims = state
        .verified
        .verify(token, crate::jwt::now())
        .map_err(|_| error(401, "Unauthorized"))?;
    if claims.organization != credentials::CAREPORTALS_ORGANIZATION {
        return Err(error(401, "Unauthorized"));
    }
    Ok(claims.sub.clone())
}

pub(crate) fn handle(state: &mut State, req: &SandboxRequest) -> Option<SandboxResponse> {
    let route = match req.path.as_str() {
        // The fixed paths as clients send them: what the segments below decode them to.
        "/users/payment-methods" => Route::List,
        "/v2/users/payment-methods" => Route::Add,
        "/auth/login" | "/patient/auth" => Route::Login,
        _ => {
            let segments = req.segments();
            let segs: Vec<&str> = segments.iter().map(AsRef::as_ref).collect();
            match segs.as_slice() {
                ["users", "payment-methods"] => Route::List,
                ["v2", "users", "payment-methods"] => Route::Add,
                ["v2", "users", "payment-methods", id] => Route::Remove((*id).to_owned()),
                ["auth", "login"] | ["patient", "auth"] => Route::Login,
                _ => return None,
            }
        }
    };
    if let Err(resp) = check_origin_and_organization(req) {
        return Some(resp);
    }
    if let Route::Login = route {
        return Some(if req.method == Method::POST {
            login(state, req)
        } else {
            not_found_route(req)
        });
    }
    let patient = match authenticate(state, req) {
        Ok(p) => p,
        Err(resp) => return Some(resp),
    };
    Some(match (route, &req.method) {
        (Route::List, &Method::GET) => {
            SandboxResponse::json_bytes(200, state.wallet_json(&patient))
        }
        (Route::Add, &Method::POST) => add(state, &patient, req),
        (Route::Remove(id), &Method::DELETE) => remove(state, &patient, &id),
        _ => not_found_route(req),
    })
}

fn login(state: &mut State, req: &SandboxRequest) -> SandboxResponse {
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    let field = |name: &str| match body.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    let (username, password) = match (field("username"), field("password")) {
        (Some(u), Some(p)) => (u, p),
        (u, p) => {
            let mut messages = Vec::new();
            if u.is_none() {
                messages.push("username should not be empty");
            }
            if p.is_none() {
                messages.push("password should not be empty");
            }
            return bad_request(&messages);
        }
    };
    let wanted = username.trim().to_ascii_lowercase();
    let suffix = format!("#{}", credentials::CAREPORTALS_ORGANIZATION);
    let wanted = wanted.strip_suffix(&suffix).unwrap_or(&wanted);
    let Some(patient) = state
        .patients
        .iter()
        .find(|p| p.username.to_ascii_lowercase() == wanted && p.password == password)
    else {
        return error(401, "Invalid credentials");
    };
    let now = crate::jwt::now();
    let token = crate::jwt::sign(&crate::jwt::Claims {
        sub: patient.id.clone(),
        organization: credentials::CAREPORTALS_ORGANIZATION.to_owned(),
        iat: now,
        exp: now + LOGIN_TOKEN_SECONDS,
    });
    state.tokens_issued += 1;
    SandboxResponse::json(201, &json!({ "token": token }))
}

enum Route {
    Login,
    List,
    Add,
    Remove(String),
}

fn add(state: &mut State, patient: &str, req: &SandboxRequest) -> SandboxResponse {
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
    state.rendered.remove(patient);
    let wallet = state.wallets.entry(patient.to_owned()).or_default();
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

fn remove(state: &mut State, patient: &str, id: &str) -> SandboxResponse {
    state.rendered.remove(patient);
    let Some(wallet) = state.wallets.get_mut(patient) else {
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
            let jwt = crate::credentials::careportals_token_for(t);
            headers.insert("authorization", format!("Bearer {jwt}").parse().unwrap());
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
    fn the_rendered_list_follows_every_change_of_the_wallet() {
        let mut s = State::from_seed(&Seed::default());
        let list = |s: &mut State| {
            let r = handle(
                s,
                &req(Method::GET, "/users/payment-methods", Some("p1"), ""),
            )
            .unwrap();
            assert_eq!(r.status, 200);
            json_of(&r)
        };
        assert_eq!(list(&mut s), json!([]));
        let add = r#"{"paymentMethodId":"pm_card_visa"}"#;
        handle(
            &mut s,
            &req(Method::POST, "/v2/users/payment-methods", Some("p1"), add),
        )
        .unwrap();
        let one = list(&mut s);
        assert_eq!(one.as_array().unwrap().len(), 1);
        assert_eq!(list(&mut s), one, "listing twice answers the same");
        s.set_wallet("p1", vec![json!({"id": "x", "type": "card"})]);
        assert_eq!(list(&mut s), json!([{"id": "x", "type": "card"}]));
        let path = "/v2/users/payment-methods/x";
        handle(&mut s, &req(Method::DELETE, path, Some("p1"), "")).unwrap();
        assert_eq!(list(&mut s), json!([]));
        // The demo patient's list is the seeded wallet, exactly.
        let demo = crate::credentials::CAREPORTALS_PATIENT_ID;
        let r = handle(
            &mut s,
            &req(Method::GET, "/users/payment-methods", Some(demo), ""),
        )
        .unwrap();
        assert_eq!(json_of(&r), Value::Array(s.wallet(demo).to_vec()));
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
