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
//! credit, the payment table, charges by id, webhooks) lives in `decoda/wave2.rs`, with its
//! choices where the spec is silent.
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

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::credentials;
use crate::{SandboxRequest, SandboxResponse};

mod wave2;

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

/// Initial Decoda state: the tenant's patients. `{}` (or a missing `decoda` key) gives the
/// documented demo patients.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Seed {
    /// The tenant's patients.
    pub patients: Vec<SeedPatient>,
}

/// A patient with their credits and charges.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeedPatient {
    /// Patient id.
    pub id: String,
    /// First name.
    pub first_name: String,
    /// Last name (matched exactly by verify).
    pub last_name: String,
    /// Phone (matched exactly by verify).
    pub phone: String,
    /// Date of birth, `YYYY-MM-DD` (matched exactly by verify).
    pub date_of_birth: String,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Street address.
    #[serde(default)]
    pub address: Option<String>,
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// State.
    #[serde(default)]
    pub state: Option<String>,
    /// ZIP code.
    #[serde(default)]
    pub zip_code: Option<String>,
    /// When the patient was created (a FastAPI date-time).
    #[serde(default = "default_created")]
    pub created_date: String,
    /// Credits; `amount` is what is left of each.
    #[serde(default)]
    pub credits: Vec<SeedCredit>,
    /// Charges.
    #[serde(default)]
    pub charges: Vec<SeedCharge>,
    /// Saved payment methods (Decoda `PaymentMethodSummary`), archived ones included.
    #[serde(default)]
    pub payment_methods: Vec<SeedPaymentMethod>,
}

/// A saved payment method of a patient.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeedPaymentMethod {
    /// Decoda's id (`pm_…`), the path id of charge-card and delete.
    pub id: String,
    /// Rainforest's payment method id.
    #[serde(default)]
    pub rainforest_payment_method_id: Option<String>,
    /// `CARD`, `ACH` or `APPLE_PAY`.
    #[serde(default = "default_method_type")]
    pub method_type: String,
    /// Card brand as Rainforest names it (`VISA`...).
    #[serde(default)]
    pub brand: Option<String>,
    /// Card last four digits.
    #[serde(default)]
    pub last4: Option<String>,
    /// Card expiry month.
    #[serde(default)]
    pub exp_month: Option<i64>,
    /// Card expiry year.
    #[serde(default)]
    pub exp_year: Option<i64>,
    /// ACH `INDIVIDUAL` or `BUSINESS`.
    #[serde(default)]
    pub account_holder_type: Option<String>,
    /// ACH account last four digits.
    #[serde(default)]
    pub account_number_last4: Option<i64>,
    /// ACH bank name.
    #[serde(default)]
    pub bank_name: Option<String>,
    /// ACH routing number.
    #[serde(default)]
    pub routing_number: Option<i64>,
    /// The patient's default method.
    #[serde(default)]
    pub is_default: bool,
    /// Archived (removed).
    #[serde(default)]
    pub is_archived: bool,
    /// When it was saved.
    #[serde(default = "default_created")]
    pub created_date: String,
}

fn default_method_type() -> String {
    "CARD".to_owned()
}

/// A credit on a patient's account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeedCredit {
    /// Credit id (for `credit_ids`).
    pub id: String,
    /// What is left of it, in cents.
    pub amount: i64,
    /// When it was granted; credits are used oldest first.
    pub created_date: String,
    /// What it was when granted, in cents (defaults to `amount`).
    #[serde(default)]
    pub total_amount: Option<i64>,
    /// Comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// Expiry (a FastAPI date-time); an expired credit is not available.
    #[serde(default)]
    pub expiry_date: Option<String>,
}

/// A charge.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeedCharge {
    /// Charge id.
    pub id: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// A `ChargeStatus` value.
    pub status: String,
    /// Total, in cents.
    pub total: i64,
    /// Still owed, in cents.
    pub total_outstanding: i64,
    /// When it was created (a FastAPI date-time).
    #[serde(default = "default_created")]
    pub created_date: String,
    /// Lines.
    #[serde(default)]
    pub items: Vec<SeedItem>,
    /// Payments applied to it.
    #[serde(default)]
    pub payments: Vec<SeedPayment>,
    /// Adjustments (write-offs...).
    #[serde(default)]
    pub adjustments: Vec<SeedAdjustment>,
    /// Tips.
    #[serde(default)]
    pub tips: Vec<SeedTip>,
}

/// A charge line with its inventory item.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeedItem {
    /// Line id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Quantity.
    pub quantity: i64,
    /// Unit price, in cents.
    pub price: i64,
    /// A `Unit` value.
    #[serde(default)]
    pub unit: Option<String>,
    /// An `ItemType` value.
    #[serde(default = "default_item_type")]
    pub item_type: String,
}

/// A payment applied to a charge.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeedPayment {
    /// Payment id.
    pub id: String,
    /// The part of the payment applied to this charge, in cents.
    pub amount: i64,
    /// The whole payment, in cents (defaults to `amount`).
    #[serde(default)]
    pub payment_amount: Option<i64>,
    /// `paymentMedium` (`CARD`, `CREDIT`...).
    pub medium: String,
    /// A `PaymentStatus` value.
    pub status: String,
    /// When it was made.
    pub created_date: String,
    /// Card brand, for card payments (adds a `paymentMethod`).
    #[serde(default)]
    pub card_brand: Option<String>,
    /// Card last four digits.
    #[serde(default)]
    pub card_last4: Option<String>,
    /// Refunds of it.
    #[serde(default)]
    pub refunds: Vec<SeedRefund>,
    /// Rainforest payin id (saved-card charges).
    #[serde(default)]
    pub payin_id: Option<String>,
    /// Rainforest payin config id (saved-card charges).
    #[serde(default)]
    pub payin_config_id: Option<String>,
    /// The saved method charged (its Decoda id).
    #[serde(default)]
    pub payment_method_id: Option<String>,
}

/// A refund of a payment.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeedRefund {
    /// Refund id.
    pub id: String,
    /// Amount, in cents.
    pub amount: i64,
    /// A `RefundReason` value.
    pub reason: String,
}

/// An adjustment of a charge.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeedAdjustment {
    /// Adjustment id.
    pub id: String,
    /// Amount, in cents.
    pub amount: i64,
    /// An `AdjustmentType` value.
    pub adjustment_type: String,
    /// Reason.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A tip on a charge.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeedTip {
    /// Tip id.
    pub id: String,
    /// Amount, in cents.
    pub amount: i64,
    /// The provider tipped.
    pub provider_id: String,
    /// The provider's first name.
    pub provider_first_name: String,
}

fn default_created() -> String {
    "2023-06-01T09:00:00Z".to_owned()
}

fn default_item_type() -> String {
    "PRODUCT".to_owned()
}

fn s(v: &str) -> String {
    v.to_owned()
}

fn item(
    id: &str,
    name: &str,
    quantity: i64,
    price: i64,
    unit: Option<&str>,
    item_type: &str,
) -> SeedItem {
    SeedItem {
        id: s(id),
        name: s(name),
        quantity,
        price,
        unit: unit.map(s),
        item_type: s(item_type),
    }
}

fn charge(
    id: &str,
    description: &str,
    status: &str,
    total: i64,
    outstanding: i64,
    created: &str,
) -> SeedCharge {
    SeedCharge {
        id: s(id),
        description: Some(s(description)),
        status: s(status),
        total,
        total_outstanding: outstanding,
        created_date: s(created),
        items: Vec::new(),
        payments: Vec::new(),
        adjustments: Vec::new(),
        tips: Vec::new(),
    }
}

fn saved_card(
    id: &str,
    brand: &str,
    last4: &str,
    exp_month: i64,
    exp_year: i64,
    is_default: bool,
) -> SeedPaymentMethod {
    SeedPaymentMethod {
        id: s(id),
        rainforest_payment_method_id: Some(format!("mtd_sbx_{}", id.trim_start_matches("pm_"))),
        method_type: s("CARD"),
        brand: Some(s(brand)),
        last4: Some(s(last4)),
        exp_month: Some(exp_month),
        exp_year: Some(exp_year),
        account_holder_type: None,
        account_number_last4: None,
        bank_name: None,
        routing_number: None,
        is_default,
        is_archived: false,
        created_date: s("2024-01-02T09:30:00Z"),
    }
}

fn card_payment(id: &str, amount: i64, created: &str) -> SeedPayment {
    SeedPayment {
        id: s(id),
        amount,
        payment_amount: None,
        medium: s("CARD"),
        status: s("SUCCEEDED"),
        created_date: s(created),
        card_brand: Some(s("visa")),
        card_last4: Some(s("4242")),
        refunds: Vec::new(),
        payin_id: None,
        payin_config_id: None,
        payment_method_id: None,
    }
}

impl Default for Seed {
    fn default() -> Self {
        let mut ch_1001_1 = charge(
            "ch_1001_1",
            "Botox, 20 units",
            "OUTSTANDING",
            12000,
            8000,
            "2024-02-10T15:20:00.123456",
        );
        ch_1001_1.items.push(item(
            "ci_1001_1",
            "Botox",
            20,
            600,
            Some("UNITS"),
            "MEDICATION",
        ));
        let mut pay = card_payment("pay_1001_card", 4000, "2024-02-10T15:45:00+00:00");
        pay.refunds.push(SeedRefund {
            id: s("rf_1001_1"),
            amount: 500,
            reason: s("DUPLICATE"),
        });
        ch_1001_1.payments.push(pay);
        let mut ch_1001_2 = charge(
            "ch_1001_2",
            "HydraFacial",
            "OUTSTANDING",
            4500,
            4500,
            "2024-03-05T11:00:00Z",
        );
        ch_1001_2.items.push(item(
            "ci_1001_2",
            "HydraFacial",
            1,
            4500,
            Some("SESSIONS"),
            "SERVICE",
        ));
        ch_1001_2.tips.push(SeedTip {
            id: s("tip_1001_2"),
            amount: 500,
            provider_id: s("prov_7"),
            provider_first_name: s("Dana"),
        });
        let mut ch_1001_3 = charge(
            "ch_1001_3",
            "Vitamin B12 shot",
            "PAID",
            3000,
            0,
            "2023-12-01T10:00:00Z",
        );
        ch_1001_3.items.push(item(
            "ci_1001_3",
            "Vitamin B12",
            1,
            3000,
            Some("INJECTIONS"),
            "MEDICATION",
        ));
        ch_1001_3
            .payments
            .push(card_payment("pay_1001_b12", 3000, "2023-12-01T10:05:00Z"));
        let mut ch_1001_4 = charge(
            "ch_1001_4",
            "Consultation",
            "WRITE_OFF",
            2000,
            0,
            "2023-11-20T08:30:00",
        );
        ch_1001_4
            .items
            .push(item("ci_1001_4", "Consultation", 1, 2000, None, "SERVICE"));
        ch_1001_4.adjustments.push(SeedAdjustment {
            id: s("adj_1001_4"),
            amount: 2000,
            adjustment_type: s("WRITE_OFF"),
            reason: Some(s("Courtesy")),
        });

        let mut ch_1002_1 = charge(
            "ch_1002_1",
            "Semaglutide, 1 month",
            "OUTSTANDING",
            6000,
            6000,
            "2024-04-02T09:00:00Z",
        );
        ch_1002_1.items.push(item(
            "ci_1002_1",
            "Semaglutide",
            1,
            6000,
            Some("MG"),
            "MEDICATION",
        ));
        let mut ch_1002_2 = charge(
            "ch_1002_2",
            "Laser package",
            "PAYMENT_PLAN",
            24000,
            18000,
            "2024-01-20T14:00:00Z",
        );
        ch_1002_2.items.push(item(
            "ci_1002_2",
            "Laser hair removal, 6 sessions",
            1,
            24000,
            Some("SESSIONS"),
            "PACKAGE",
        ));
        ch_1002_2
            .payments
            .push(card_payment("pay_1002_plan", 6000, "2024-01-20T14:10:00Z"));

        let mut ch_1003_1 = charge(
            "ch_1003_1",
            "Dermal filler",
            "OUTSTANDING",
            15000,
            15000,
            "2024-05-11T16:00:00Z",
        );
        ch_1003_1.items.push(item(
            "ci_1003_1",
            "Filler syringe",
            2,
            7500,
            Some("SYRINGES"),
            "PRODUCT",
        ));

        Seed {
            patients: vec![
                SeedPatient {
                    id: s("pat_1001"),
                    first_name: s("Maria"),
                    last_name: s("Rivera"),
                    phone: s("+14155550101"),
                    date_of_birth: s("1985-04-12"),
                    email: Some(s("maria.rivera@example.com")),
                    address: Some(s("742 Evergreen Terrace")),
                    city: Some(s("San Francisco")),
                    state: Some(s("CA")),
                    zip_code: Some(s("94107")),
                    created_date: s("2023-01-05T12:00:00Z"),
                    credits: vec![
                        SeedCredit {
                            id: s("cr_1001_a"),
                            amount: 5000,
                            created_date: s("2024-01-10T10:00:00Z"),
                            total_amount: Some(5000),
                            comment: Some(s("Membership credit")),
                            expiry_date: None,
                        },
                        SeedCredit {
                            id: s("cr_1001_b"),
                            amount: 10000,
                            created_date: s("2024-03-01T10:00:00Z"),
                            total_amount: Some(10000),
                            comment: Some(s("Gift card")),
                            expiry_date: Some(s("2099-12-31T23:59:59Z")),
                        },
                        SeedCredit {
                            id: s("cr_1001_used"),
                            amount: 0,
                            created_date: s("2023-06-15T10:00:00Z"),
                            total_amount: Some(2500),
                            comment: Some(s("Referral credit, used")),
                            expiry_date: None,
                        },
                        SeedCredit {
                            id: s("cr_1001_expired"),
                            amount: 1000,
                            created_date: s("2022-01-01T10:00:00Z"),
                            total_amount: Some(1000),
                            comment: Some(s("Promotion, expired")),
                            expiry_date: Some(s("2023-01-01T00:00:00Z")),
                        },
                    ],
                    charges: vec![ch_1001_1, ch_1001_2, ch_1001_3, ch_1001_4],
                    payment_methods: vec![
                        saved_card("pm_1001_visa", "VISA", "4242", 12, 2030, true),
                        saved_card("pm_1001_mc", "MASTERCARD", "4444", 8, 2029, false),
                        saved_card("pm_1001_declined", "VISA", "0002", 1, 2031, false),
                    ],
                },
                SeedPatient {
                    id: s("pat_1002"),
                    first_name: s("James"),
                    last_name: s("Chen"),
                    phone: s("+13125550188"),
                    date_of_birth: s("1972-11-30"),
                    email: Some(s("james.chen@example.com")),
                    address: None,
                    city: Some(s("Chicago")),
                    state: Some(s("IL")),
                    zip_code: None,
                    created_date: s("2023-03-14T08:00:00.5"),
                    credits: vec![SeedCredit {
                        id: s("cr_1002_a"),
                        amount: 2000,
                        created_date: s("2024-02-01T10:00:00Z"),
                        total_amount: Some(2000),
                        comment: None,
                        expiry_date: None,
                    }],
                    charges: vec![ch_1002_1, ch_1002_2],
                    payment_methods: vec![
                        saved_card("pm_1002_amex", "AMERICAN_EXPRESS", "0005", 3, 2028, true),
                        SeedPaymentMethod {
                            id: s("pm_1002_ach"),
                            rainforest_payment_method_id: Some(s("mtd_sbx_1002_ach")),
                            method_type: s("ACH"),
                            brand: None,
                            last4: None,
                            exp_month: None,
                            exp_year: None,
                            account_holder_type: Some(s("INDIVIDUAL")),
                            account_number_last4: Some(6789),
                            bank_name: Some(s("Chase")),
                            routing_number: Some(21000021),
                            is_default: false,
                            is_archived: false,
                            created_date: s("2024-02-01T10:05:00Z"),
                        },
                    ],
                },
                SeedPatient {
                    id: s("pat_1003"),
                    first_name: s("Aisha"),
                    last_name: s("Okafor"),
                    phone: s("+12025550142"),
                    date_of_birth: s("1990-07-04"),
                    email: None,
                    address: None,
                    city: None,
                    state: None,
                    zip_code: None,
                    created_date: s("2023-09-09T09:09:09Z"),
                    credits: Vec::new(),
                    charges: vec![ch_1003_1],
                    payment_methods: Vec::new(),
                },
            ],
        }
    }
}

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
    outbox: Vec<crate::webhooks::Outgoing>,
    next_id: u64,
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

    fn fresh_id(&mut self, prefix: &str) -> String {
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
    fn emit(&mut self, event_type: &str, data: Value) {
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

fn seed_refund(r: &SeedRefund, pay: &SeedPayment) -> RefundRecord {
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

/// The patient's available (not expired) credit, in cents.
pub fn available_credit(p: &SeedPatient) -> i64 {
    credit_balance(p)
}

fn credit_balance(p: &SeedPatient) -> i64 {
    let now = now();
    p.credits
        .iter()
        .filter(|c| !is_expired(c, &now))
        .map(|c| c.amount)
        .sum()
}

/// `true` when the credit's expiry is before `now` (both FastAPI date-times; compared on
/// their `YYYY-MM-DDTHH:MM:SS` part).
fn is_expired(c: &SeedCredit, now: &str) -> bool {
    c.expiry_date
        .as_deref()
        .is_some_and(|e| e.get(..19).unwrap_or(e) < now.get(..19).unwrap_or(now))
}

/// `PatientSummary`.
fn patient_summary(p: &SeedPatient) -> Value {
    json!({
        "id": p.id,
        "firstName": p.first_name,
        "lastName": p.last_name,
        "phoneNumber": p.phone,
        "email": p.email,
        "type": "PATIENT",
        "locationId": "loc_main",
        "externalId": null,
        "address": p.address,
        "addressLineTwo": null,
        "city": p.city,
        "state": p.state,
        "zipCode": p.zip_code,
        "country": if p.city.is_some() { Some("US") } else { None },
        "createdDate": p.created_date,
        "addressValid": p.address.is_some(),
        "meta": {},
        "isArchived": false,
        "primaryLocationId": "loc_main",
        "gender": null,
        "pronouns": null,
        "preferredName": null,
        "dateOfBirth": p.date_of_birth,
        "patientMedications": [],
        "patientSource": "MANUALLY_CREATED",
        "leadSource": null,
        "onSchedulingBlacklist": false,
        "surchargeDisabled": false,
        "tags": [{
            "id": "tag_vip",
            "name": "VIP",
            "emoji": "⭐",
            "color": "#FFD700",
            "isActive": true,
            "createdDate": "2023-01-01T00:00:00Z",
            "updatedDate": null
        }],
        "creditBalance": credit_balance(p),
        "preferredProviderId": null,
        "dosespotPatientId": null
    })
}

/// `ChargeDetailWithItems`.
fn charge_json(p: &SeedPatient, c: &SeedCharge, summary: &Value) -> Value {
    let items: Vec<Value> = c
        .items
        .iter()
        .map(|i| {
            json!({
                "id": i.id, "itemId": format!("item_{}", i.id), "chargeId": c.id, "name": i.name,
                "description": null, "quantity": i.quantity, "discountAmount": null,
                "discountPercentage": null, "discountReason": null, "price": i.price,
                "soldPackageId": null, "bankedQuantity": null, "bankedItemId": null,
                "issuedDiscountId": null, "soldByProviderId": "prov_7", "taxAmount": 0,
                "pricingId": null, "shipmentIds": null,
                "item": {
                    "id": format!("item_{}", i.id), "name": i.name, "brandName": null,
                    "description": null, "price": i.price, "category": "Aesthetics",
                    "unit": i.unit, "isPhysical": i.item_type == "PRODUCT", "isArchived": false,
                    "internalNotes": null, "sortOrder": null, "allowCustomPricing": false,
                    "type": i.item_type, "externalId": null, "exemptedTaxIds": null, "cost": null
                },
                "locationId": "loc_main", "locationName": "Main Street Clinic",
                "saleDate": c.created_date
            })
        })
        .collect();
    let payments: Vec<Value> = c
        .payments
        .iter()
        .map(|pay| charge_payment_json(p, c, pay))
        .collect();
    let adjustments: Vec<Value> = c
        .adjustments
        .iter()
        .map(|a| {
            json!({
                "chargeId": c.id, "providerId": "prov_7", "locationId": "loc_main", "id": a.id,
                "amount": a.amount, "reason": a.reason, "createdDate": c.created_date,
                "adjustmentType": a.adjustment_type
            })
        })
        .collect();
    let tips: Vec<Value> = c
        .tips
        .iter()
        .map(|t| {
            json!({
                "chargeId": c.id, "amount": t.amount, "providerId": t.provider_id, "id": t.id,
                "provider": {"id": t.provider_id, "firstName": t.provider_first_name, "lastName": null,
                             "email": null, "createdDate": "2022-05-01T00:00:00Z"}
            })
        })
        .collect();
    json!({
        "id": c.id,
        "patientId": p.id,
        "patient": summary,
        "total": c.total,
        "totalOutstanding": c.total_outstanding,
        "description": c.description,
        "status": c.status,
        "discountAmount": 0,
        "discountPercentage": 0.0,
        "externalId": null,
        "externalCreatedDate": null,
        "ruleSetId": null,
        "createdDate": c.created_date,
        "creatorId": "prov_7",
        "items": items,
        "tips": tips,
        "locationId": "loc_main",
        "eventId": null,
        "memberId": null,
        "comment": null,
        "meta": {"source": "sandbox"},
        "merchantAccountId": "ma_main",
        "adjustments": adjustments,
        "payments": payments
    })
}

/// `ChargePaymentDetail-Output` with its `Payment-Output`.
fn charge_payment_json(p: &SeedPatient, c: &SeedCharge, pay: &SeedPayment) -> Value {
    let saved = pay
        .payment_method_id
        .as_deref()
        .and_then(|id| p.payment_methods.iter().find(|m| m.id == id));
    let method = match (saved, &pay.card_brand, &pay.card_last4) {
        (Some(m), _, _) => payment_method_json(p, m),
        (None, Some(brand), last4) => json!({
            "id": format!("pm_{}", pay.id), "patientId": p.id, "rainforestPaymentMethodId": null,
            "brand": brand, "last4": last4, "expMonth": 12, "expYear": 2030,
            "accountHolderType": null, "accountNumberLast4": null, "bankName": null,
            "routingNumber": null, "description": null, "type": "CARD", "isDefault": true,
            "isArchived": false, "availableMerchantIds": null, "createdDate": null
        }),
        _ => Value::Null,
    };
    let refunds: Vec<Value> = pay
        .refunds
        .iter()
        .map(|r| {
            json!({
                "id": r.id, "paymentId": pay.id, "amount": r.amount, "reason": r.reason,
                "createdDate": pay.created_date, "status": "SUCCEEDED", "rainforestRefundId": null, "fee": 0
            })
        })
        .collect();
    json!({
        "paymentId": pay.id,
        "amount": pay.amount,
        "createdDate": pay.created_date,
        "chargeId": c.id,
        "payment": {
            "id": pay.id,
            "patientId": p.id,
            "payinId": pay.payin_id,
            "amount": pay.payment_amount.unwrap_or(pay.amount),
            "status": pay.status,
            "currency": "USD",
            "payinConfigId": pay.payin_config_id,
            "paymentMedium": pay.medium,
            "paymentMethodId": method.get("id").cloned().unwrap_or(Value::Null),
            "stripePaymentIntentId": null,
            "failedReason": null,
            "updatedDate": null,
            "createdDate": pay.created_date,
            "fee": 0,
            "feeToPatient": 0,
            "paymentMethod": method,
            "refunds": refunds
        }
    })
}

// ---------------------------------------------------------------------------------------
// Settle

/// One charge of a settle or payin-config body (`ChargeSummary-Input`), after validation.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ChargeRef {
    /// An existing charge's id; `None` creates the charge when paid.
    pub id: Option<String>,
    /// The patient.
    pub patient_id: String,
    /// Total, in cents.
    pub total: i64,
    /// Outstanding, in cents.
    pub total_outstanding: i64,
    /// Description.
    pub description: Option<String>,
}

fn validate_settle_body(body: &Value) -> Result<Vec<ChargeRef>, Vec<Value>> {
    let Some(list) = body.as_array() else {
        return Err(vec![verr(
            "list_type",
            vec![json!("body")],
            "Input should be a valid list",
            body,
        )]);
    };
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (i, c) in list.iter().enumerate() {
        let at = |field: &str| vec![json!("body"), json!(i), json!(field)];
        let Some(obj) = c.as_object() else {
            errors.push(verr(
                "model_attributes_type",
                vec![json!("body"), json!(i)],
                "Input should be a valid dictionary or object to extract fields from",
                c,
            ));
            continue;
        };
        let patient_id = match obj.get("patientId") {
            Some(Value::String(s)) => Some(s.clone()),
            None => {
                errors.push(verr("missing", at("patientId"), "Field required", c));
                None
            }
            Some(other) => {
                errors.push(verr(
                    "string_type",
                    at("patientId"),
                    "Input should be a valid string",
                    other,
                ));
                None
            }
        };
        let int_field = |name: &str, required: bool, errors: &mut Vec<Value>| -> Option<i64> {
            match obj.get(name) {
                Some(v) if v.is_i64() => v.as_i64(),
                None if !required => Some(0),
                None => {
                    errors.push(verr("missing", at(name), "Field required", c));
                    None
                }
                Some(other) => {
                    errors.push(verr(
                        "int_type",
                        at(name),
                        "Input should be a valid integer",
                        other,
                    ));
                    None
                }
            }
        };
        let total_outstanding = int_field("totalOutstanding", true, &mut errors);
        let total = int_field("total", false, &mut errors);
        let id = match obj.get("id") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                errors.push(verr(
                    "string_type",
                    at("id"),
                    "Input should be a valid string",
                    other,
                ));
                None
            }
        };
        if let Some(status) = obj.get("status")
            && !status
                .as_str()
                .is_some_and(|s| CHARGE_STATUSES.contains(&s))
        {
            let expected: Vec<String> = CHARGE_STATUSES.iter().map(|s| format!("'{s}'")).collect();
            let (last, rest) = expected
                .split_last()
                .map(|(l, r)| (l.clone(), r.join(", ")))
                .unwrap_or_default();
            errors.push(verr(
                "enum",
                at("status"),
                &format!("Input should be {rest} or {last}"),
                status,
            ));
        }
        for list_field in ["items", "tips", "payments", "adjustments"] {
            if let Some(v) = obj.get(list_field)
                && !v.is_array()
            {
                errors.push(verr(
                    "list_type",
                    at(list_field),
                    "Input should be a valid list",
                    v,
                ));
            }
        }
        let description = obj
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let (Some(patient_id), Some(total_outstanding), Some(total)) =
            (patient_id, total_outstanding, total)
        {
            out.push(ChargeRef {
                id,
                patient_id,
                total,
                total_outstanding,
                description,
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn settle(state: &mut State, req: &SandboxRequest) -> SandboxResponse {
    // FastAPI validates the query and the body together and lists every failure.
    let mut errors = Vec::new();
    let amount = match req.query_all("amount").first() {
        None => {
            errors.push(verr(
                "missing",
                vec![json!("query"), json!("amount")],
                "Field required",
                &Value::Null,
            ));
            None
        }
        Some(text) => match text.trim().parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(verr(
                    "int_parsing",
                    vec![json!("query"), json!("amount")],
                    "Input should be a valid integer, unable to parse string as an integer",
                    &json!(text),
                ));
                None
            }
        },
    };
    let credit_ids: Vec<String> = req
        .query_all("credit_ids")
        .into_iter()
        .map(str::to_owned)
        .collect();
    let charges = match json_body(req) {
        Err(resp) => return resp,
        Ok(body) => match validate_settle_body(&body) {
            Ok(c) => Some(c),
            Err(mut e) => {
                errors.append(&mut e);
                None
            }
        },
    };
    let (Some(amount), Some(charges), true) = (amount, charges, errors.is_empty()) else {
        return invalid(errors);
    };
    match apply_credit(state, amount, &credit_ids, &charges) {
        Ok(summary) => SandboxResponse::json(200, &summary),
        Err(resp) => resp,
    }
}

/// Checks everything, then changes the state: nothing changes when the answer is an error.
fn apply_credit(
    state: &mut State,
    amount: i64,
    credit_ids: &[String],
    charges: &[ChargeRef],
) -> Result<Value, SandboxResponse> {
    if amount <= 0 {
        return Err(detail(400, "Amount must be greater than zero"));
    }
    let Some(first) = charges.first() else {
        return Err(detail(400, "At least one charge is required"));
    };
    if charges.iter().any(|c| c.patient_id != first.patient_id) {
        return Err(detail(400, "All charges must belong to the same patient"));
    }
    let Some(pi) = state.patients.iter().position(|p| p.id == first.patient_id) else {
        return Err(detail(404, "Patient not found"));
    };
    // Which stored charge each body charge is (None: a new charge to create).
    let mut targets: Vec<Option<usize>> = Vec::with_capacity(charges.len());
    let mut outstanding: i64 = 0;
    for c in charges {
        match &c.id {
            Some(id) => {
                let patient = &state.patients[pi];
                let Some(ci) = patient.charges.iter().position(|sc| sc.id == *id) else {
                    return Err(detail(404, &format!("Charge {id} not found")));
                };
                let stored = &patient.charges[ci];
                if stored.status != "OUTSTANDING" {
                    return Err(detail(400, &format!("Charge {id} is not outstanding")));
                }
                if targets.contains(&Some(ci)) {
                    return Err(detail(400, &format!("Charge {id} is listed twice")));
                }
                outstanding = outstanding.saturating_add(stored.total_outstanding);
                targets.push(Some(ci));
            }
            None => {
                if c.total_outstanding < 0 {
                    return Err(detail(400, "totalOutstanding must not be negative"));
                }
                outstanding = outstanding.saturating_add(c.total_outstanding);
                targets.push(None);
            }
        }
    }
    if amount > outstanding {
        return Err(detail(
            400,
            "Amount exceeds the outstanding balance of the charges",
        ));
    }
    // Credits to use, oldest first.
    let patient = &state.patients[pi];
    let mut usable: Vec<usize> = if credit_ids.is_empty() {
        (0..patient.credits.len()).collect()
    } else {
        let mut v = Vec::new();
        for id in credit_ids {
            let Some(k) = patient.credits.iter().position(|c| c.id == *id) else {
                return Err(detail(404, &format!("Credit {id} not found")));
            };
            if !v.contains(&k) {
                v.push(k);
            }
        }
        v
    };
    let today = now();
    usable.retain(|&k| patient.credits[k].amount > 0 && !is_expired(&patient.credits[k], &today));
    usable.sort_by(|&a, &b| {
        patient.credits[a]
            .created_date
            .cmp(&patient.credits[b].created_date)
    });
    let available: i64 = usable.iter().map(|&k| patient.credits[k].amount).sum();
    if amount > available {
        return Err(detail(400, "Insufficient credit balance"));
    }

    // Apply.
    let payment_id = state.fresh_id("pay");
    let created = now();
    let creating = charges.iter().filter(|c| c.id.is_none()).count();
    let new_ids: Vec<String> = (0..creating).map(|_| state.fresh_id("ch")).collect();
    let patient = &mut state.patients[pi];
    let mut left = amount;
    let mut credits_used = Vec::new();
    for &k in &usable {
        let take = left.min(patient.credits[k].amount);
        patient.credits[k].amount -= take;
        left -= take;
        if take > 0 {
            credits_used.push((patient.credits[k].id.clone(), take));
        }
        if left == 0 {
            break;
        }
    }
    let template = SeedPayment {
        id: payment_id.clone(),
        amount: 0,
        payment_amount: Some(amount),
        medium: "CREDIT".to_owned(),
        status: "SUCCEEDED".to_owned(),
        created_date: created.clone(),
        card_brand: None,
        card_last4: None,
        refunds: Vec::new(),
        payin_id: None,
        payin_config_id: None,
        payment_method_id: None,
    };
    let charge_ids = pay_charges(patient, charges, &targets, new_ids, amount, &template);
    let patient_id = patient.id.clone();
    let record = PaymentRecord {
        id: payment_id.clone(),
        patient_id: patient_id.clone(),
        amount,
        medium: template.medium.clone(),
        status: template.status.clone(),
        created_date: created.clone(),
        payin_id: None,
        payin_config_id: None,
        payment_method_id: None,
        refunds: Vec::new(),
        credits_used,
        charge_ids,
    };
    let summary = payment_summary_json(&record);
    state.payments.push(record);
    state.emit("PAYMENT_CREATED", summary);
    let patient = &state.patients[pi];
    Ok(json!({
        "id": payment_id,
        "patientId": patient.id,
        "payinId": null,
        "amount": amount,
        "status": "SUCCEEDED",
        "currency": "USD",
        "payinConfigId": null,
        "paymentMedium": "CREDIT",
        "paymentMethodId": null,
        "stripePaymentIntentId": null,
        "failedReason": null,
        "updatedDate": null,
        "createdDate": created,
        "fee": 0,
        "feeToPatient": 0
    }))
}

/// Applies `amount` to the charges in order (creating those without an id, named by
/// `new_ids`), recording `template` (with the part applied) on each charge it pays; a charge
/// at zero becomes `PAID`. Returns the ids of the charges paid.
fn pay_charges(
    patient: &mut SeedPatient,
    charges: &[ChargeRef],
    targets: &[Option<usize>],
    new_ids: Vec<String>,
    amount: i64,
    template: &SeedPayment,
) -> Vec<String> {
    let mut new_ids = new_ids.into_iter();
    let mut left = amount;
    let mut paid = Vec::new();
    for (c, target) in charges.iter().zip(targets) {
        let ci = match target {
            Some(ci) => *ci,
            None => {
                let id = new_ids.next().unwrap_or_default();
                patient.charges.push(SeedCharge {
                    id,
                    description: c.description.clone(),
                    status: "OUTSTANDING".to_owned(),
                    total: c.total.max(c.total_outstanding),
                    total_outstanding: c.total_outstanding,
                    created_date: template.created_date.clone(),
                    items: Vec::new(),
                    payments: Vec::new(),
                    adjustments: Vec::new(),
                    tips: Vec::new(),
                });
                patient.charges.len() - 1
            }
        };
        let stored = &mut patient.charges[ci];
        let applied = left.min(stored.total_outstanding);
        if applied > 0 {
            stored.total_outstanding -= applied;
            left -= applied;
            let mut payment = template.clone();
            payment.amount = applied;
            stored.payments.push(payment);
            paid.push(stored.id.clone());
        }
        if stored.total_outstanding == 0 {
            stored.status = "PAID".to_owned();
        }
    }
    paid
}

/// `PaymentSummary` of a payment (the settle answer's shape and webhook `data`).
fn payment_summary_json(p: &PaymentRecord) -> Value {
    json!({
        "id": p.id,
        "patientId": p.patient_id,
        "payinId": p.payin_id,
        "amount": p.amount,
        "status": p.status,
        "currency": "USD",
        "payinConfigId": p.payin_config_id,
        "paymentMedium": p.medium,
        "paymentMethodId": p.payment_method_id,
        "stripePaymentIntentId": null,
        "failedReason": null,
        "updatedDate": null,
        "createdDate": p.created_date,
        "fee": 0,
        "feeToPatient": 0
    })
}

/// `PaymentMethodSummary`.
fn payment_method_json(p: &SeedPatient, m: &SeedPaymentMethod) -> Value {
    json!({
        "id": m.id,
        "patientId": p.id,
        "rainforestPaymentMethodId": m.rainforest_payment_method_id,
        "brand": m.brand,
        "last4": m.last4,
        "expMonth": m.exp_month,
        "expYear": m.exp_year,
        "accountHolderType": m.account_holder_type,
        "accountNumberLast4": m.account_number_last4,
        "bankName": m.bank_name,
        "routingNumber": m.routing_number,
        "description": null,
        "type": m.method_type,
        "isDefault": m.is_default,
        "isArchived": m.is_archived,
        "availableMerchantIds": ["ma_main"],
        "createdDate": m.created_date
    })
}
