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

mod cases;
mod intents;
mod state;

pub use intents::json_number_to_cents;
pub use state::{
    CasePayment, CreatedIntent, PaymentInfo, Seed, SeedCase, SetupIntent, State, Webhook,
};

use cases::*;
use intents::*;

use http::Method;
use serde_json::json;

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
