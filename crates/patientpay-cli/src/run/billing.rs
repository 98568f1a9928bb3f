//! `patients verify|credit`, `charges settle-credit|pay`, `payments refund|reconcile`: the
//! [`PatientBilling`](patientpay::PatientBilling) capability.

use std::path::Path;

use patientpay::{
    Charge, CreditBalanceRequest, Currency, Money, MoneyCall, Operation, PatientRef,
    PayWithSavedMethod, PaymentProvider, Reconcile, RefundPayment, RefundReason,
    SettleChargesFromCredit, VerifyPatient,
};
use serde_json::Value;

use super::input::{flag_for_field, read_charges};
use super::{Failure, answer, unsupported, usage};
use crate::cli::{
    ChargesCommand, PatientsCommand, PaymentsCommand, ReconcileCommand, RefundReasonName,
};

/// A billing command, validated.
pub(super) enum Call {
    Verify(VerifyPatient),
    Settle(SettleChargesFromCredit),
    Pay(PayWithSavedMethod),
    Refund(RefundPayment),
    Credit(CreditBalanceRequest),
    Reconcile(Box<Reconcile>),
}

fn reason(r: RefundReasonName) -> RefundReason {
    match r {
        RefundReasonName::Duplicate => RefundReason::Duplicate,
        RefundReasonName::Dispute => RefundReason::Dispute,
        RefundReasonName::BookingFee => RefundReason::BookingFee,
        RefundReasonName::Other => RefundReason::Other,
    }
}

fn since(text: &Option<String>) -> Result<Option<patientpay::time::OffsetDateTime>, Failure> {
    text.as_deref()
        .map(|t| {
            patientpay::time::OffsetDateTime::parse(t.trim(), &patientpay::time::format_description::well_known::Rfc3339)
                .map_err(|_| {
                    usage("invalid input for `--since`: must be an RFC 3339 time, e.g. 2026-12-02T10:00:00Z")
                })
        })
        .transpose()
}

fn charges_money(charges: &[Charge], flag: &'static str, amount: &str) -> Result<Money, Failure> {
    let currency = charges
        .first()
        .map(|c| c.total_outstanding.currency())
        .unwrap_or(Currency::USD);
    Ok(Money::parse_positive(flag, amount, currency)?)
}

fn first_patient(charges: &[Charge]) -> Result<PatientRef, Failure> {
    charges
        .first()
        .map(|c| PatientRef::id(c.patient_id.clone()))
        .ok_or_else(|| usage("invalid input for `--charges`: the file holds no charge"))
}

/// The saved-method payment of the charges in the file `charges`: what `charges pay` sends
/// and what `payments reconcile pay` looks for.
fn pay_request(
    charges: &Path,
    payment_method_id: &str,
    amount: Option<&str>,
) -> Result<PayWithSavedMethod, Failure> {
    let charges = read_charges(charges)?;
    let who = first_patient(&charges)?;
    let amount = amount
        .map(|a| charges_money(&charges, "--amount", a))
        .transpose()?;
    let mut request = PayWithSavedMethod::new(who, payment_method_id, charges);
    if let Some(a) = amount {
        request = request.with_amount(a);
    }
    Ok(request)
}

pub(super) fn parse_patients(command: &PatientsCommand) -> Result<Call, Failure> {
    Ok(match command {
        PatientsCommand::Verify {
            patient_id,
            last_name,
            phone,
            dob,
        } => {
            let dob = patientpay::parse_date("--dob", dob)?;
            let req = VerifyPatient::new(patient_id, last_name, phone, dob);
            req.validate().map_err(flag_for_field)?;
            Call::Verify(req)
        }
        PatientsCommand::Credit { patient_id } => {
            patientpay::domain::check_id("--patient-id", patient_id)?;
            Call::Credit(CreditBalanceRequest::new(PatientRef::id(
                patient_id.clone(),
            )))
        }
    })
}

pub(super) fn parse_charges(command: &ChargesCommand) -> Result<Call, Failure> {
    Ok(match command {
        ChargesCommand::SettleCredit {
            amount,
            charges,
            credit_ids,
        } => {
            let charges = read_charges(charges)?;
            let amount = charges_money(&charges, "--amount", amount)?;
            let req = SettleChargesFromCredit::new(amount, charges)
                .with_credit_ids(credit_ids.iter().cloned());
            req.validate().map_err(flag_for_field)?;
            Call::Settle(req)
        }
        ChargesCommand::Pay {
            payment_method_id,
            charges,
            amount,
            payment_medium,
        } => {
            let mut req = pay_request(charges, payment_method_id, amount.as_deref())?;
            if let Some(m) = payment_medium {
                req = req.with_payment_medium(m.clone());
            }
            req.validate().map_err(flag_for_field)?;
            Call::Pay(req)
        }
    })
}

pub(super) fn parse_payments(command: &PaymentsCommand) -> Result<Call, Failure> {
    Ok(match command {
        PaymentsCommand::Refund {
            payment_id,
            provider_id,
            amount,
            reason: r,
            description,
        } => {
            let amount = Money::parse_positive("--amount", amount, Currency::USD)?;
            let mut req = RefundPayment::new(payment_id, provider_id, amount, reason(*r));
            if let Some(d) = description {
                req = req.with_description(d.clone());
            }
            req.validate().map_err(flag_for_field)?;
            Call::Refund(req)
        }
        PaymentsCommand::Reconcile(rc) => {
            let reconcile = match rc {
                ReconcileCommand::Settle {
                    amount,
                    charges,
                    since: s,
                } => {
                    let charges = read_charges(charges)?;
                    let who = first_patient(&charges)?;
                    let amount = charges_money(&charges, "--amount", amount)?;
                    let mut r = Reconcile::new(
                        who,
                        MoneyCall::SettleFromCredit(SettleChargesFromCredit::new(amount, charges)),
                    );
                    r.attempted_at = since(s)?;
                    r
                }
                ReconcileCommand::Pay {
                    payment_method_id,
                    charges,
                    payin_config_id,
                    amount,
                    since: s,
                } => {
                    let request = pay_request(charges, payment_method_id, amount.as_deref())?;
                    let mut r = Reconcile::new(
                        request.patient.clone(),
                        MoneyCall::PayWithSavedMethod {
                            request,
                            payin_config_id: payin_config_id.clone(),
                        },
                    );
                    r.attempted_at = since(s)?;
                    r
                }
                ReconcileCommand::Refund {
                    patient_id,
                    payment_id,
                    provider_id,
                    amount,
                    reason: rr,
                    since: s,
                } => {
                    let amount = Money::parse_positive("--amount", amount, Currency::USD)?;
                    let mut r = Reconcile::new(
                        PatientRef::id(patient_id.clone()),
                        MoneyCall::Refund(RefundPayment::new(
                            payment_id,
                            provider_id,
                            amount,
                            reason(*rr),
                        )),
                    );
                    r.attempted_at = since(s)?;
                    r
                }
            };
            Call::Reconcile(Box::new(reconcile))
        }
    })
}

pub(super) async fn execute(provider: &dyn PaymentProvider, call: Call) -> Result<Value, Failure> {
    let billing = provider
        .billing()
        .ok_or_else(|| unsupported(provider, Operation::VerifyPatientBalance))?;
    match call {
        Call::Verify(r) => answer(billing.verify_patient_balance(r)).await,
        Call::Settle(r) => answer(billing.settle_charges_from_credit(r)).await,
        Call::Pay(r) => answer(billing.pay_with_saved_method(r)).await,
        Call::Refund(r) => answer(billing.refund_payment(r)).await,
        Call::Credit(r) => answer(billing.credit_balance(r)).await,
        Call::Reconcile(r) => answer(billing.reconcile(*r)).await,
    }
}
