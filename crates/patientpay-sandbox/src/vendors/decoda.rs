//! The Decoda Health emulation: a FastAPI-style service with one seeded tenant.
//!
//! Routes (both `POST`, headers `API-KEY` and `TENANT` required):
//! - `/billing/payment-link/verify-patient` — body `{patientId, lastName, phoneNumber,
//!   dateOfBirth}`; all four must match a patient exactly, else 404
//!   `{"detail": "Patient verification failed"}`. Answers `PaymentLinkDetails` with every
//!   charge of the patient (in all its states) and a payment link.
//! - `/billing/payment-terminal/charge/create-patient-credit-settled?amount=N[&credit_ids=…]`
//!   — body: a JSON array of `ChargeDetail-Input`. Applies the patient's credit oldest first
//!   (or only the given `credit_ids`) to the charges in order, reduces each charge's
//!   outstanding amount (a charge at zero becomes `PAID`) and the credits, records a
//!   `CREDIT` payment on each charge, and answers a `PaymentSummary` (`SUCCEEDED`). A charge
//!   without an `id` is created for the patient first ("auto-generated if not provided").
//!   Refused with 400 `{"detail": "..."}`: a non-positive amount, an amount above the
//!   charges' outstanding total or above the usable credit, a charge that is not
//!   `OUTSTANDING`, charges of several patients; 404 for an unknown charge, patient or
//!   credit. State persists between calls.
//!
//! Wave 2 (saved methods, payin config and saved-card charges, payment links, refunds,
//! credit, the payment table, charges by id, webhooks) lives in `decoda/wave2.rs` (routing)
//! and `decoda/wave2/` (one file per resource), with its choices where the spec is silent.
//!
//! Layout: this file routes and checks auth, and answers verify; `seed.rs` (seed types),
//! `demo.rs` (the default seed), `state.rs` (live state, events), `answers.rs` (credit
//! arithmetic and answer shapes), `settle.rs` (settling from credit).
//!
//! Errors have FastAPI's shapes: a missing `API-KEY` or `TENANT` header → 422 naming it
//! (`loc: ["header", "API-KEY"]`); a wrong one → 401
//! `{"detail": "Invalid API key or tenant"}`; a malformed request (bad JSON, a missing
//! field, a wrong type, an unknown enum value, a missing or non-integer `amount`) → 422
//! `{"detail": [{"type", "loc", "msg", "input"}]}` — with the refused `input`, as FastAPI
//! sends it, so that clients are tested for not echoing it; another method → 405.
//!
//! ## The default seed
//! Tenant: [`credentials::DECODA_TENANT`], key
//! [`credentials::DECODA_API_KEY`]. Amounts in cents.
//!
//! | Patient | Last name | Phone | Date of birth | Credits | Charges |
//! | --- | --- | --- | --- | --- | --- |
//! | `pat_1001` | Rivera | `+14155550101` | 1985-04-12 | `cr_1001_a` 5000 (2024-01-10), `cr_1001_b` 10000 (2024-03-01) | `ch_1001_1` OUTSTANDING 12000/8000 (card payment 4000 with a 500 refund), `ch_1001_2` OUTSTANDING 4500/4500 (with a tip), `ch_1001_3` PAID 3000/0, `ch_1001_4` WRITE_OFF 2000/0 |
//! | `pat_1002` | Chen | `+13125550188` | 1972-11-30 | `cr_1002_a` 2000 | `ch_1002_1` OUTSTANDING 6000/6000, `ch_1002_2` PAYMENT_PLAN 24000/18000 |
//! | `pat_1003` | Okafor | `+12025550142` | 1990-07-04 | none | `ch_1003_1` OUTSTANDING 15000/15000 |
//!
//! So `pat_1001` owes 12500 and has 15000 of credit; `pat_1002` owes 6000 on settleable
//! charges with 2000 of credit; `pat_1003` has no credit. `pat_1001` also has
//! `cr_1001_used` (2500, used up) and `cr_1001_expired` (1000, expired 2023-01-01), which
//! count for neither the balance nor settling.
//!
//! Saved methods: `pat_1001` `pm_1001_visa` (VISA 4242, default), `pm_1001_mc`
//! (MASTERCARD 4444), `pm_1001_declined` (VISA 0002: charge-card declines it); `pat_1002`
//! `pm_1002_amex` (AMERICAN_EXPRESS 0005, default), `pm_1002_ach` (ACH, Chase, 6789);
//! `pat_1003` none.

use serde_json::{Value, json};

use crate::credentials;
use crate::{SandboxRequest, SandboxResponse};

mod answers;
mod demo;
mod seed;
mod settle;
mod state;
mod wave2;

pub use answers::available_credit;
pub use seed::{
    Seed, SeedAdjustment, SeedCharge, SeedCredit, SeedItem, SeedPatient, SeedPayment,
    SeedPaymentMethod, SeedRefund, SeedTip,
};
pub use settle::ChargeRef;
pub use state::{EMITTED_EVENTS, PayinConfig, PaymentRecord, RefundRecord, State, Webhook};

use answers::*;
use settle::*;

const VERIFY_PATH: &str = "/billing/payment-link/verify-patient";
const SETTLE_PATH: &str = "/billing/payment-terminal/charge/create-patient-credit-settled";

/// The spec's `ChargeStatus` values, for request validation.
const CHARGE_STATUSES: &[&str] = &[
    "OUTSTANDING",
    "PAID",
    "EXTERNAL_SETTLEMENT",
    "VOID",
    "WRITE_OFF",
    "REFUNDED",
    "CHARGEBACK",
    "PAYMENT_PLAN",
    "COLLECTIONS",
];

// ---------------------------------------------------------------------------------------
// Routing

pub(crate) fn handle(state: &mut State, req: &SandboxRequest) -> Option<SandboxResponse> {
    let path = req.path.trim_end_matches('/');
    let route = if path == VERIFY_PATH || path == SETTLE_PATH {
        if req.method != http::Method::POST {
            return Some(detail(405, "Method Not Allowed"));
        }
        None
    } else {
        match wave2::route(req) {
            wave2::Routed::NotOurs => return None,
            wave2::Routed::WrongMethod => return Some(detail(405, "Method Not Allowed")),
            wave2::Routed::Route(r) => Some(r),
        }
    };
    if let Err(resp) = check_auth(req) {
        return Some(resp);
    }
    Some(match route {
        Some(r) => wave2::handle(state, req, r),
        None if path == VERIFY_PATH => verify(state, req),
        None => settle(state, req),
    })
}

/// FastAPI's checks of the two required headers: a missing one is a 422 naming it (both
/// when both are missing), a wrong one a 401.
fn check_auth(req: &SandboxRequest) -> Result<(), SandboxResponse> {
    let mut missing = Vec::new();
    for name in ["TENANT", "API-KEY"] {
        if req.headers.get(name).is_none() {
            missing.push(verr(
                "missing",
                vec![json!("header"), json!(name)],
                "Field required",
                &Value::Null,
            ));
        }
    }
    if !missing.is_empty() {
        return Err(invalid(missing));
    }
    if req.header("api-key") != Some(credentials::DECODA_API_KEY)
        || req.header("tenant") != Some(credentials::DECODA_TENANT)
    {
        return Err(detail(401, "Invalid API key or tenant"));
    }
    Ok(())
}

fn detail(status: u16, message: &str) -> SandboxResponse {
    SandboxResponse::json(status, &json!({ "detail": message }))
}

fn invalid(errors: Vec<Value>) -> SandboxResponse {
    SandboxResponse::json(422, &json!({ "detail": errors }))
}

fn verr(kind: &str, loc: Vec<Value>, msg: &str, input: &Value) -> Value {
    json!({"type": kind, "loc": loc, "msg": msg, "input": input})
}

/// Parses the JSON body as FastAPI would, or answers its 422.
fn json_body(req: &SandboxRequest) -> Result<Value, SandboxResponse> {
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return Err(invalid(vec![verr(
            "missing",
            vec![json!("body")],
            "Field required",
            &Value::Null,
        )]));
    }
    serde_json::from_slice(&req.body).map_err(|e| {
        invalid(vec![json!({
            "type": "json_invalid",
            "loc": ["body", e.column()],
            "msg": "JSON decode error",
            "input": {},
            "ctx": {"error": "Expecting value"}
        })])
    })
}

fn now() -> String {
    let t = time::OffsetDateTime::now_utc();
    // FastAPI's naive form with microseconds.
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

// ---------------------------------------------------------------------------------------
// Verify

fn verify(state: &mut State, req: &SandboxRequest) -> SandboxResponse {
    let body = match json_body(req) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let Some(obj) = body.as_object() else {
        return invalid(vec![verr(
            "model_attributes_type",
            vec![json!("body")],
            "Input should be a valid dictionary or object to extract fields from",
            &body,
        )]);
    };
    let mut errors = Vec::new();
    let mut fields: Vec<&str> = Vec::new();
    for name in ["patientId", "lastName", "phoneNumber", "dateOfBirth"] {
        match obj.get(name) {
            None => errors.push(verr(
                "missing",
                vec![json!("body"), json!(name)],
                "Field required",
                &body,
            )),
            Some(Value::String(v)) => fields.push(v),
            Some(other) => errors.push(verr(
                "string_type",
                vec![json!("body"), json!(name)],
                "Input should be a valid string",
                other,
            )),
        }
    }
    if !errors.is_empty() {
        return invalid(errors);
    }
    let [patient_id, last_name, phone, dob] = [fields[0], fields[1], fields[2], fields[3]];
    let Some(patient) = state.patients.iter().find(|p| {
        p.id == patient_id && p.last_name == last_name && p.phone == phone && p.date_of_birth == dob
    }) else {
        return detail(404, "Patient verification failed");
    };
    let summary = patient_summary(patient);
    let charges: Vec<Value> = patient
        .charges
        .iter()
        .map(|c| charge_json(patient, c, &summary))
        .collect();
    SandboxResponse::json(
        200,
        &json!({
            "charges": charges,
            "patient": summary,
            "paymentLink": format!("https://pay.decodahealth.com/l/pl_{}", patient.id),
        }),
    )
}
