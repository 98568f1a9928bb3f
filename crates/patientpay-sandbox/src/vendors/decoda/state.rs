//! Live Decoda state: patients, the payment table, payin configs, webhooks and the outbox.

use serde::Serialize;
use serde_json::Value;

use super::*;

/// Live Decoda state (changes as credit is applied, cards are charged, refunds made).
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct State {
    /// The patients, with their current charges, credits and saved methods.
    pub patients: Vec<SeedPatient>,
    /// Every payment (the payment table), oldest first.
    pub payments: Vec<PaymentRecord>,
    /// Payin configs created by `POST /billing/payment-terminal/payin-config`.
    pub payin_configs: Vec<PayinConfig>,
    /// Registered webhooks.
    pub webhooks: Vec<Webhook>,
    pub(super) outbox: Vec<crate::webhooks::Outgoing>,
    pub(super) next_id: u64,
}

/// A payment of the tenant.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct PaymentRecord {
    /// Payment id.
    pub id: String,
    /// Who paid.
    pub patient_id: String,
    /// The whole payment, in cents.
    pub amount: i64,
    /// `paymentMedium` as stored (`CARD`, `CREDIT`, `SAVED_PAYMENT_METHOD`...).
    pub medium: String,
    /// A `PaymentStatus`.
    pub status: String,
    /// When.
    pub created_date: String,
    /// Rainforest payin id (saved-card charges).
    pub payin_id: Option<String>,
    /// Rainforest payin config id (saved-card charges).
    pub payin_config_id: Option<String>,
    /// The saved method charged.
    pub payment_method_id: Option<String>,
    /// Refunds of it.
    pub refunds: Vec<RefundRecord>,
    /// Credits it used: (credit id, cents), in order (credit payments only).
    pub credits_used: Vec<(String, i64)>,
    /// The charges it paid.
    pub charge_ids: Vec<String>,
}

impl PaymentRecord {
    /// What can still be refunded, in cents.
    pub fn refundable(&self) -> i64 {
        self.amount - self.refunds.iter().map(|r| r.amount).sum::<i64>()
    }
}

/// A refund of a payment.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct RefundRecord {
    /// Refund id.
    pub id: String,
    /// Cents.
    pub amount: i64,
    /// A `RefundReason`.
    pub reason: String,
    /// Description.
    pub description: Option<String>,
    /// When.
    pub created_date: String,
    /// A `PaymentStatus`.
    pub status: String,
    /// Rainforest's refund id (card payments).
    pub rainforest_refund_id: Option<String>,
}

/// A payin config (a Rainforest component session) and what it will charge.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct PayinConfig {
    /// `payinConfigId`.
    pub id: String,
    /// `sessionKey`.
    pub session_key: String,
    /// The patient.
    pub patient_id: String,
    /// `paymentMedium`.
    pub medium: String,
    /// What it charges, in cents.
    pub amount: i64,
    /// The charges (an existing one by id; one without id is created when charged).
    pub charges: Vec<ChargeRef>,
    /// Used by a charge-card call (a payin config pays once).
    pub consumed: bool,
}

/// A registered Decoda webhook (`WebhookSummary`).
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Webhook {
    /// Id.
    pub id: String,
    /// `AlertType` values subscribed to.
    pub subscriptions: Vec<String>,
    /// Where events go.
    pub url: String,
    /// The signing secret.
    #[serde(skip)]
    pub secret: String,
    /// `notificationEmail`.
    pub notification_email: Option<String>,
    /// When created.
    pub created_date: String,
    /// When last updated.
    pub updated_date: Option<String>,
    /// Archived (deleted).
    pub is_archived: bool,
}

/// The event types the sandbox emits (subscribed to by `State::register_webhook`).
pub const EMITTED_EVENTS: &[&str] = &["PAYMENT_CREATED", "REFUND_CREATED", "PATIENT_UPDATED"];

impl State {
    pub(crate) fn from_seed(seed: &Seed) -> State {
        let mut payments: Vec<PaymentRecord> = Vec::new();
        for p in &seed.patients {
            for c in &p.charges {
                for pay in &c.payments {
                    if let Some(rec) = payments.iter_mut().find(|r| r.id == pay.id) {
                        rec.charge_ids.push(c.id.clone());
                        if pay.payment_amount.is_none() {
                            rec.amount += pay.amount;
                        }
                        for r in &pay.refunds {
                            if !rec.refunds.iter().any(|x| x.id == r.id) {
                                rec.refunds.push(seed_refund(r, pay));
                            }
                        }
                        continue;
                    }
                    payments.push(PaymentRecord {
                        id: pay.id.clone(),
                        patient_id: p.id.clone(),
                        amount: pay.payment_amount.unwrap_or(pay.amount),
                        medium: pay.medium.clone(),
                        status: pay.status.clone(),
                        created_date: pay.created_date.clone(),
                        payin_id: pay.payin_id.clone(),
                        payin_config_id: pay.payin_config_id.clone(),
                        payment_method_id: pay.payment_method_id.clone(),
                        refunds: pay.refunds.iter().map(|r| seed_refund(r, pay)).collect(),
                        credits_used: Vec::new(),
                        charge_ids: vec![c.id.clone()],
                    });
                }
            }
        }
        payments.sort_by(|a, b| a.created_date.cmp(&b.created_date));
        State {
            patients: seed.patients.clone(),
            payments,
            next_id: 1,
            ..State::default()
        }
    }

    /// The patient `id`.
    pub fn patient(&self, id: &str) -> Option<&SeedPatient> {
        self.patients.iter().find(|p| p.id == id)
    }

    /// The payment `id`.
    pub fn payment(&self, id: &str) -> Option<&PaymentRecord> {
        self.payments.iter().find(|p| p.id == id)
    }

    pub(super) fn fresh_id(&mut self, prefix: &str) -> String {
        let id = format!("{prefix}_sbx_{:06}", self.next_id);
        self.next_id += 1;
        id
    }

    pub(crate) fn register_webhook(&mut self, url: &str, secret: &str) -> String {
        let id = self.fresh_id("wh");
        self.webhooks.push(Webhook {
            id: id.clone(),
            subscriptions: EMITTED_EVENTS.iter().map(|e| (*e).to_owned()).collect(),
            url: url.to_owned(),
            secret: secret.to_owned(),
            notification_email: None,
            created_date: now(),
            updated_date: None,
            is_archived: false,
        });
        id
    }

    pub(crate) fn take_events(&mut self) -> Vec<crate::webhooks::Outgoing> {
        std::mem::take(&mut self.outbox)
    }

    /// Queues the envelope `{id, type, data, createdDate, alertId}` for every live webhook
    /// subscribed to `event_type`.
    pub(super) fn emit(&mut self, event_type: &str, data: Value) {
        let targets: Vec<(String, String)> = self
            .webhooks
            .iter()
            .filter(|w| !w.is_archived && w.subscriptions.iter().any(|s| s == event_type))
            .map(|w| (w.url.clone(), w.secret.clone()))
            .collect();
        if targets.is_empty() {
            return;
        }
        let event_id = self.fresh_id("evt");
        let alert_id = self.fresh_id("alrt");
        let envelope = json!({
            "id": event_id,
            "type": event_type,
            "data": data,
            "createdDate": now(),
            "alertId": alert_id
        });
        let body = bytes::Bytes::from(serde_json::to_vec(&envelope).unwrap_or_default());
        for (url, secret) in targets {
            self.outbox.push(crate::webhooks::Outgoing {
                vendor: crate::webhooks::WebhookVendor::Decoda,
                event_id: event_id.clone(),
                event_type: event_type.to_owned(),
                url,
                secret,
                body: body.clone(),
            });
        }
    }
}

pub(super) fn seed_refund(r: &SeedRefund, pay: &SeedPayment) -> RefundRecord {
    RefundRecord {
        id: r.id.clone(),
        amount: r.amount,
        reason: r.reason.clone(),
        description: None,
        created_date: pay.created_date.clone(),
        status: "SUCCEEDED".to_owned(),
        rainforest_refund_id: None,
    }
}
