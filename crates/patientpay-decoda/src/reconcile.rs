//! Reconciling a money call whose outcome was unknown, from Decoda's documented reads
//! (there is no `GET` of a payment by id).
//!
//! | call | evidence read | applied when | not applied when |
//! |---|---|---|---|
//! | settle from credit | `GET /billing/payment/table?patient_id=` (newest first, up to [`MAX_PAGES`] pages) | a `CREDIT` payment of the amount created at or after `attempted_at` (minus [`CLOCK_SLACK`]) | none since `attempted_at`; or, without a matching payment, the charges' outstanding total (`GET /billing/charge/get/{id}`) still equals `outstanding_before` |
//! | pay with a saved method, payin config id known | `GET /billing/charge/get/{id}` of each payable charge | a payment with that `payinConfigId` | no charge has one |
//! | pay with a saved method, no config id | the payment table | a payment of the amount with that method since `attempted_at` | none since `attempted_at` |
//! | refund | the payment table row of the payment (`id=`) | a refund of the amount since `attempted_at` | none since `attempted_at`, or none of that amount at all |
//!
//! A matching payment or refund that `FAILED` or was `CANCELED` means nothing moved (not
//! applied). Anything else is [`ReconcileVerdict::Undetermined`], with what was seen.
//! Evidence strings name ids, amounts and times only, never PHI.

use std::time::Duration;

use patientpay_core::domain::{
    CallOptions, MoneyCall, Payment, Reconcile, ReconcileVerdict, Reconciliation,
};
use patientpay_core::{Money, Result};
use time::OffsetDateTime;

use crate::client::{Decoda, NAME, PaymentTableQuery};
use crate::map;

/// Pages of the payment table read at most (of [`PAGE`] rows).
pub const MAX_PAGES: u32 = 5;
/// Rows per payment-table page read by reconciliation.
pub const PAGE: u32 = 100;
/// How much earlier than `attempted_at` a payment may be stamped and still count (the
/// caller's and Decoda's clocks differ).
pub const CLOCK_SLACK: Duration = Duration::from_secs(120);

const CREDIT_MEDIUMS: &[&str] = &["CREDIT", "PATIENT_CREDIT"];

fn since(attempted_at: Option<OffsetDateTime>, created: Option<OffsetDateTime>) -> bool {
    match (attempted_at, created) {
        (None, _) => true,
        (Some(at), Some(c)) => c >= at - CLOCK_SLACK,
        (Some(_), None) => false,
    }
}

fn stamp(t: Option<OffsetDateTime>) -> String {
    t.and_then(|t| {
        t.format(&time::format_description::well_known::Rfc3339)
            .ok()
    })
    .unwrap_or_else(|| "an unknown time".to_owned())
}

fn verdict(v: ReconcileVerdict, evidence: Vec<String>, payment: Option<Payment>) -> Reconciliation {
    let mut r = Reconciliation::new(v, evidence);
    r.payment = payment;
    r
}

/// A payment found: applied, unless it failed or was canceled; not conclusive when
/// `conclusive` is false (found by amount without `attempted_at`).
fn from_payment(p: Payment, what: &str, conclusive: bool) -> Reconciliation {
    let line = format!(
        "{what} {} of {} ({}) created at {}",
        p.id,
        p.amount,
        p.status,
        stamp(p.created_at)
    );
    if !p.status.may_have_moved_money() {
        return verdict(
            ReconcileVerdict::NotApplied,
            vec![line, "it failed or was canceled: nothing moved".into()],
            Some(p),
        );
    }
    if !conclusive {
        return verdict(
            ReconcileVerdict::Undetermined,
            vec![
                line,
                "without attempted_at it may be an earlier payment of the same amount".into(),
            ],
            Some(p),
        );
    }
    verdict(ReconcileVerdict::Applied, vec![line], Some(p))
}

/// Scans the patient's payments, newest first, for one matching `want`; stops at the
/// first row older than `attempted_at`. Returns the match, the rows read, and whether the
/// scan reached back past `attempted_at` (or the end of the table).
async fn scan(
    d: &Decoda,
    patient: &str,
    attempted_at: Option<OffsetDateTime>,
    options: &CallOptions,
    want: impl Fn(&Payment) -> bool,
) -> Result<(Option<Payment>, u64, bool)> {
    let mut read = 0u64;
    for page in 1..=MAX_PAGES {
        let (rows, total) = d
            .table_page(
                &PaymentTableQuery::for_patient(patient, page, PAGE),
                options,
            )
            .await?;
        let n = rows.len() as u64;
        read += n;
        for p in rows {
            if !since(attempted_at, p.created_at) {
                return Ok((None, read, true));
            }
            if want(&p) {
                return Ok((Some(p), read, true));
            }
        }
        if n < u64::from(PAGE) || read >= total {
            return Ok((None, read, true));
        }
    }
    Ok((None, read, false))
}

pub(crate) async fn reconcile(d: &Decoda, req: Reconcile) -> Result<Reconciliation> {
    let patient = req.patient.require_id(NAME)?.to_owned();
    let at = req.attempted_at;
    match &req.call {
        MoneyCall::SettleFromCredit(settle) => {
            let amount = settle.amount;
            let (found, read, covered) = scan(d, &patient, at, &req.options, |p| {
                p.amount == amount
                    && p.medium
                        .as_deref()
                        .is_some_and(|m| CREDIT_MEDIUMS.iter().any(|c| c.eq_ignore_ascii_case(m)))
            })
            .await?;
            if let Some(p) = found {
                return Ok(from_payment(p, "credit payment", at.is_some()));
            }
            let none = format!(
                "no credit payment of {amount} since {} among the {read} latest payments",
                stamp(at)
            );
            if let Some(before) = req.outstanding_before {
                return outstanding_check(d, settle, before, none, &req.options).await;
            }
            if at.is_some() && covered {
                return Ok(verdict(ReconcileVerdict::NotApplied, vec![none], None));
            }
            Ok(verdict(
                ReconcileVerdict::Undetermined,
                vec![
                    none,
                    "give attempted_at (or outstanding_before) to tell it apart".into(),
                ],
                None,
            ))
        }
        MoneyCall::PayWithSavedMethod {
            request,
            payin_config_id: Some(config),
        } => by_payin_config(d, request, config, &req.options).await,
        MoneyCall::PayWithSavedMethod {
            request,
            payin_config_id: None,
        } => {
            let amount = request.amount_to_charge()?;
            let method = request.payment_method_id.clone();
            let (found, read, covered) = scan(d, &patient, at, &req.options, |p| {
                p.amount == amount && p.payment_method_id.as_deref() == Some(method.as_str())
            })
            .await?;
            if let Some(p) = found {
                return Ok(from_payment(p, "payment", at.is_some()));
            }
            let none = format!(
                "no payment of {amount} with method {method} since {} among the {read} latest payments",
                stamp(at)
            );
            let v = if at.is_some() && covered {
                ReconcileVerdict::NotApplied
            } else {
                ReconcileVerdict::Undetermined
            };
            Ok(verdict(v, vec![none], None))
        }
        MoneyCall::Refund(refund) => refund_check(d, refund, at, &req.options).await,
        _ => Ok(verdict(
            ReconcileVerdict::Undetermined,
            vec!["Decoda cannot reconcile this kind of call".into()],
            None,
        )),
    }
}

/// The settle's charges' outstanding total now, against `before`.
async fn outstanding_check(
    d: &Decoda,
    settle: &patientpay_core::SettleChargesFromCredit,
    before: Money,
    none: String,
    options: &CallOptions,
) -> Result<Reconciliation> {
    let mut now: i64 = 0;
    let mut ids = Vec::new();
    for c in settle.payable_charges() {
        let Some(id) = &c.id else {
            return Ok(verdict(
                ReconcileVerdict::Undetermined,
                vec![none, "a charge without an id cannot be read back".into()],
                None,
            ));
        };
        let charge = d.get_charge_raw(id, options).await?;
        now = now.saturating_add(charge.total_outstanding);
        ids.push(id.clone());
    }
    let now = Money::from_minor(now, map::DECODA_CURRENCY);
    let line = format!("outstanding of {} is {now}, was {before}", ids.join(", "));
    let v = if now == before {
        ReconcileVerdict::NotApplied
    } else if before.minor_units() - now.minor_units() == settle.amount.minor_units() {
        ReconcileVerdict::Applied
    } else {
        ReconcileVerdict::Undetermined
    };
    Ok(verdict(v, vec![none, line], None))
}

async fn by_payin_config(
    d: &Decoda,
    request: &patientpay_core::PayWithSavedMethod,
    config: &str,
    options: &CallOptions,
) -> Result<Reconciliation> {
    let mut read = Vec::new();
    for c in patientpay_core::domain::payable(&request.charges) {
        let Some(id) = &c.id else { continue };
        let charge = d.get_charge_raw(id, options).await?;
        read.push(id.clone());
        for cp in &charge.payments {
            if cp.payment.payin_config_id.as_deref() == Some(config) {
                let p = map::payment_from_output(&cp.payment).map_err(|detail| {
                    patientpay_core::Error::Decode {
                        provider: NAME,
                        operation: patientpay_core::Operation::GetCharge,
                        status: 200,
                        detail,
                    }
                })?;
                // The payin config is unique to the attempt: conclusive.
                let mut r = from_payment(p, &format!("charge {id} has payment"), true);
                r.evidence.push(format!("its payin config is {config}"));
                return Ok(r);
            }
        }
    }
    if read.is_empty() {
        return Ok(verdict(
            ReconcileVerdict::Undetermined,
            vec!["none of the charges has an id to read back".into()],
            None,
        ));
    }
    Ok(verdict(
        ReconcileVerdict::NotApplied,
        vec![format!(
            "no payment with payin config {config} on charges {}",
            read.join(", ")
        )],
        None,
    ))
}

async fn refund_check(
    d: &Decoda,
    refund: &patientpay_core::RefundPayment,
    at: Option<OffsetDateTime>,
    options: &CallOptions,
) -> Result<Reconciliation> {
    let mut query = PaymentTableQuery::for_patient("", 1, PAGE);
    query.patient_id = None;
    query.payment_id = Some(refund.payment_id.clone());
    let table = d.payment_table_raw(&query, options).await?;
    let Some(row) = table
        .items
        .data
        .into_iter()
        .find(|r| r.id == refund.payment_id)
    else {
        return Ok(verdict(
            ReconcileVerdict::Undetermined,
            vec![format!(
                "payment {} is not in the payment table",
                refund.payment_id
            )],
            None,
        ));
    };
    let amount = refund.amount.minor_units();
    let same: Vec<_> = row.refunds.iter().filter(|r| r.amount == amount).collect();
    if let Some(r) = same.iter().find(|r| since(at, Some(r.created_date)))
        && at.is_some()
    {
        let line = format!(
            "payment {} has refund {} of {} ({}) created at {}",
            row.id,
            r.id,
            refund.amount,
            r.status,
            stamp(Some(r.created_date))
        );
        let moved = map::payment_state(&r.status).may_have_moved_money();
        let v = if moved {
            ReconcileVerdict::Applied
        } else {
            ReconcileVerdict::NotApplied
        };
        return Ok(verdict(v, vec![line], None));
    }
    let line = format!(
        "payment {} has {} refund(s), {} of {}",
        row.id,
        row.refunds.len(),
        same.len(),
        refund.amount
    );
    let v = if at.is_some() || same.is_empty() {
        ReconcileVerdict::NotApplied
    } else {
        ReconcileVerdict::Undetermined
    };
    Ok(verdict(v, vec![line], None))
}
