//! CareValidate seed and live state: users, API keys, cases, intents, setups, payments,
//! confirmations, webhooks and the idempotency store.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::*;

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

pub(super) fn default_case_status() -> String {
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
    pub(super) idempotency: BTreeMap<(String, String, String), (Value, SandboxResponse)>,
    pub(super) outbox: Vec<crate::webhooks::Outgoing>,
    pub(super) next_id: u64,
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

    pub(super) fn next(&mut self) -> u64 {
        let n = self.next_id;
        self.next_id += 1;
        n
    }

    /// Queues `{event, payload}` for every registered endpoint.
    pub(super) fn emit(&mut self, event: &str, payload: Value) {
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
