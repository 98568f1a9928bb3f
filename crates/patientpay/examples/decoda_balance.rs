//! A patient looks up what they owe on Decoda (identity check → charges + payment link), then
//! settles part of it from their credit balance.
//!
//! `cargo run -p patientpay --example decoda_balance` (runs against the embedded sandbox).

use patientpay::decoda::DecodaBuilder;
use patientpay::{Money, PatientBilling, SettleChargesFromCredit, VerifyPatient, parse_date};
use patientpay_sandbox::{Sandbox, Seed, credentials};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let seed = Seed::default();
    let sandbox = Sandbox::start_with(seed.clone()).await?;
    let decoda = DecodaBuilder::new()
        .with_api_key(credentials::DECODA_API_KEY)
        .with_tenant(credentials::DECODA_TENANT)
        .with_base_url(sandbox.base_url())
        .build()?;

    // The four facts the patient types into your page (here: a seeded sandbox patient).
    let p = seed
        .decoda
        .patients
        .iter()
        .find(|p| !p.credits.is_empty())
        .ok_or("no seeded patient with credit")?;
    let who = VerifyPatient::new(
        &p.id,
        &p.last_name,
        &p.phone,
        parse_date("dob", &p.date_of_birth)?,
    );

    let balance = decoda.verify_patient_balance(who.clone()).await?;
    println!(
        "{} charge(s), {} outstanding; pay at {}",
        balance.charges.len(),
        balance.total_outstanding,
        balance.payment_link
    );
    for c in &balance.charges {
        println!(
            "  {} {:<12} total {} outstanding {}",
            c.id.as_deref().unwrap_or("-"),
            c.status,
            c.total,
            c.total_outstanding
        );
    }

    // Settle up to the credit balance, passing the charges exactly as they came back: the
    // SDK sends only those with something payable (not paid ones, not payment plans).
    let credit = balance
        .patient
        .credit_balance
        .unwrap_or(Money::zero(balance.total_outstanding.currency()));
    let amount = Money::from_minor(
        credit
            .minor_units()
            .min(balance.total_outstanding.minor_units()),
        credit.currency(),
    );
    if amount.is_positive() {
        let payment = decoda
            .settle_charges_from_credit(SettleChargesFromCredit::new(amount, balance.charges))
            .await?;
        println!(
            "settled {} from credit: payment {} {}",
            payment.amount, payment.id, payment.status
        );
    }
    let after = decoda.verify_patient_balance(who).await?;
    println!("now {} outstanding", after.total_outstanding);
    Ok(())
}
