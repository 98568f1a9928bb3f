//! `patientpay demo`: a patient checkout through every vendor, against the embedded
//! sandbox, via `Box<dyn PaymentProvider>` — no network, no credentials, no setup.

use patientpay::careportals::CarePortalsBuilder;
use patientpay::carevalidate::CareValidateBuilder;
use patientpay::decoda::DecodaBuilder;
use patientpay::{
    AddPaymentMethod, Address, Currency, ListPaymentMethods, Money, PaymentMethodType,
    PaymentProvider, RemovePaymentMethod, SettleChargesFromCredit, UpdatePaymentInfo,
    VerifyPatient,
};
use patientpay_sandbox::{Sandbox, Seed, credentials};
use serde_json::{Value, json};

use crate::run::Failure;

/// What `patientpay sandbox` prints: where it listens, what it accepts, who is seeded.
pub fn sandbox_info(sandbox: &Sandbox, seed: &Seed) -> Value {
    json!({
        "base_url": sandbox.base_url(),
        "credentials": {
            "CAREPORTALS_TOKEN": credentials::CAREPORTALS_TOKEN,
            "CAREPORTALS_ORIGIN": credentials::CAREPORTALS_ORIGIN,
            "CAREVALIDATE_API_KEY": credentials::CAREVALIDATE_API_KEY,
            "DECODA_API_KEY": credentials::DECODA_API_KEY,
            "DECODA_TENANT": credentials::DECODA_TENANT,
        },
        "notes": {
            "careportals": "any non-empty bearer token is a patient with their own wallet; test tokens pm_card_visa, pm_card_mastercard, pm_card_amex, pm_card_chargeDeclined",
            "carevalidate": "any non-empty cv-api-key is accepted",
        },
        "decoda_patients": decoda_patients(seed),
    })
}

/// The seeded Decoda patients with the four fields verification needs.
pub fn decoda_patients(seed: &Seed) -> Vec<Value> {
    seed.decoda
        .patients
        .iter()
        .map(|p| {
            json!({
                "patient_id": p.id,
                "last_name": p.last_name,
                "phone": p.phone,
                "dob": p.date_of_birth,
                "credit_balance": Money::from_minor(p.credits.iter().map(|c| c.amount).sum(), Currency::USD).to_decimal_string(),
            })
        })
        .collect()
}

fn fail(step: &str, e: patientpay::Error) -> Failure {
    Failure {
        message: format!("demo step `{step}` failed: {e}"),
        code: 1,
    }
}

fn say(vendor: &str, text: impl AsRef<str>) {
    println!("[{vendor:<12}] {}", text.as_ref());
}

pub async fn run() -> Result<(), Failure> {
    let seed = Seed::default();
    let sandbox = Sandbox::start_with(seed.clone())
        .await
        .map_err(|e| Failure {
            message: format!("cannot start the embedded sandbox: {e}"),
            code: 1,
        })?;
    let base = sandbox.base_url();
    println!("patientpay demo — embedded sandbox at {base} (no network, no real credentials)\n");

    // One shared connection pool for every provider.
    let http = patientpay::http::HttpClient::new(patientpay::http::HttpConfig::default())
        .map_err(|e| fail("http client", e))?;
    let providers: Vec<Box<dyn PaymentProvider>> = vec![
        Box::new(
            CarePortalsBuilder::new()
                .with_token(credentials::CAREPORTALS_TOKEN)
                .with_origin(credentials::CAREPORTALS_ORIGIN)
                .with_base_url(&base)
                .with_http_client(http.clone())
                .build()
                .map_err(|e| fail("careportals config", e))?,
        ),
        Box::new(
            CareValidateBuilder::new()
                .with_api_key(credentials::CAREVALIDATE_API_KEY)
                .with_base_url(&base)
                .with_http_client(http.clone())
                .build()
                .map_err(|e| fail("carevalidate config", e))?,
        ),
        Box::new(
            DecodaBuilder::new()
                .with_api_key(credentials::DECODA_API_KEY)
                .with_tenant(credentials::DECODA_TENANT)
                .with_base_url(&base)
                .with_http_client(http.clone())
                .build()
                .map_err(|e| fail("decoda config", e))?,
        ),
    ];
    for p in &providers {
        say(p.name(), format!("supports: {}", p.capabilities()));
    }
    println!();
    let [careportals, carevalidate, decoda] = &providers[..] else {
        return Err(Failure {
            message: "expected three providers".into(),
            code: 1,
        });
    };

    // CarePortals: save a card, list, remove.
    let n = careportals.name();
    let before = careportals
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .map_err(|e| fail("careportals list", e))?;
    let added = careportals
        .add_payment_method(AddPaymentMethod::new("pm_card_mastercard"))
        .await
        .map_err(|e| fail("careportals add", e))?;
    say(
        n,
        format!(
            "saved a {} ending {} exp {}/{}",
            added.kind,
            added.last4.as_deref().unwrap_or("????"),
            added.exp_month.map(|m| m.to_string()).unwrap_or_default(),
            added.exp_year.map(|y| y.to_string()).unwrap_or_default(),
        ),
    );
    let listed = careportals
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .map_err(|e| fail("careportals list", e))?;
    say(
        n,
        format!(
            "wallet holds {} method(s): {}",
            listed.len(),
            listed
                .iter()
                .map(|m| format!(
                    "{} {}",
                    m.brand
                        .as_ref()
                        .map(|b| b.as_str())
                        .unwrap_or(m.kind.as_str()),
                    m.last4.as_deref().unwrap_or("")
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    // The add answer carries no id for a Stripe test token (Stripe makes a new
    // PaymentMethod): the new id is the one the list did not have before.
    let new_id = added.id.clone().or_else(|| {
        listed
            .iter()
            .filter_map(|m| m.id.clone())
            .find(|id| !before.iter().any(|b| b.id.as_deref() == Some(id.as_str())))
    });
    if let Some(id) = new_id {
        let removed = careportals
            .remove_payment_method(RemovePaymentMethod::new(id))
            .await
            .map_err(|e| fail("careportals remove", e))?;
        let after = careportals
            .list_payment_methods(ListPaymentMethods::new())
            .await
            .map_err(|e| fail("careportals list", e))?;
        say(
            n,
            format!("removed {} → {} method(s) left", removed.id, after.len()),
        );
    }
    match careportals
        .add_payment_method(AddPaymentMethod::new("pm_card_chargeDeclined"))
        .await
    {
        Err(e) => say(n, format!("a declined card is reported as an error: {e}")),
        Ok(_) => say(n, "unexpected: the declined test card was accepted"),
    }
    println!();

    // CareValidate: a payment intent and a payment-info update.
    let n = carevalidate.name();
    let amount =
        Money::parse_positive("amount", "19.99", Currency::USD).map_err(|e| fail("amount", e))?;
    let intent = carevalidate
        .create_payment_intent(
            patientpay::CreatePaymentIntent::new(amount)
                .with_payment_method_types([PaymentMethodType::Card, PaymentMethodType::Klarna]),
        )
        .await
        .map_err(|e| fail("carevalidate intent", e))?;
    say(
        n,
        format!(
            "payment intent {} for {} created; its client secret goes to the browser (never logged)",
            intent
                .client_secret
                .payment_intent_id()
                .unwrap_or("(id not shown)"),
            intent.amount
        ),
    );
    let updated = carevalidate
        .update_payment_info(UpdatePaymentInfo::new(
            "john@example.com",
            "seti_1SNZDLKAXrtjbq2duGldHsHf",
            "nmi_demo_token",
            Address::new(
                "1600 Pennsylvania Avenue NW",
                "Washington",
                "DC",
                "20500",
                "US",
            ),
        ))
        .await
        .map_err(|e| fail("carevalidate update", e))?;
    say(n, format!("payment info updated: {}", updated.code));
    println!();

    // Decoda: verify, settle from credit, verify again.
    let n = decoda.name();
    let Some(patient) = seed.decoda.patients.iter().find(|p| !p.credits.is_empty()) else {
        return Err(Failure {
            message: "the sandbox seed has no Decoda patient with credit".into(),
            code: 1,
        });
    };
    let dob = patientpay::parse_date("date_of_birth", &patient.date_of_birth)
        .map_err(|e| fail("decoda seed", e))?;
    let verify = || {
        VerifyPatient::new(
            patient.id.clone(),
            patient.last_name.clone(),
            patient.phone.clone(),
            dob,
        )
    };
    let balance = decoda
        .verify_patient_balance(verify())
        .await
        .map_err(|e| fail("decoda verify", e))?;
    let outstanding: Vec<_> = balance
        .charges
        .iter()
        .filter(|c| c.total_outstanding.is_positive())
        .cloned()
        .collect();
    say(
        n,
        format!(
            "patient {} verified: {} charge(s), {} outstanding, credit {}; pay at {}",
            balance.patient.id,
            balance.charges.len(),
            balance.total_outstanding,
            balance
                .patient
                .credit_balance
                .map(|m| m.to_string())
                .unwrap_or_else(|| "n/a".into()),
            balance.payment_link
        ),
    );
    let credit = balance
        .patient
        .credit_balance
        .unwrap_or(Money::zero(Currency::USD));
    let settle_amount = Money::from_minor(
        credit
            .minor_units()
            .min(balance.total_outstanding.minor_units()),
        balance.total_outstanding.currency(),
    );
    let payment = decoda
        .settle_charges_from_credit(SettleChargesFromCredit::new(settle_amount, outstanding))
        .await
        .map_err(|e| fail("decoda settle", e))?;
    say(
        n,
        format!(
            "settled {} from credit: payment {} {}",
            payment.amount, payment.id, payment.status
        ),
    );
    let after = decoda
        .verify_patient_balance(verify())
        .await
        .map_err(|e| fail("decoda verify", e))?;
    say(
        n,
        format!(
            "verified again: outstanding {} → {}, credit now {}",
            balance.total_outstanding,
            after.total_outstanding,
            after
                .patient
                .credit_balance
                .map(|m| m.to_string())
                .unwrap_or_else(|| "n/a".into())
        ),
    );
    match decoda
        .add_payment_method(AddPaymentMethod::new("pm_card_visa"))
        .await
    {
        Err(e) => say(
            n,
            format!("an unsupported operation is refused before any request: {e}"),
        ),
        Ok(_) => say(n, "unexpected: decoda accepted add_payment_method"),
    }
    let mut wrong = verify();
    wrong.last_name = "Wrong-Name".into();
    match decoda.verify_patient_balance(wrong).await {
        Err(e) => say(n, format!("a failed verification is a vendor error: {e}")),
        Ok(_) => say(
            n,
            "unexpected: verification with a wrong last name succeeded",
        ),
    }

    println!(
        "\ndemo finished: {} requests served by the sandbox",
        sandbox.requests().len()
    );
    sandbox.shutdown().await;
    Ok(())
}
