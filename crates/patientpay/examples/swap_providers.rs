//! The swap: one generic function per capability, written once, run against every vendor of
//! the embedded sandbox that serves it. Vendors are picked at run time from configuration
//! (`Box<dyn PaymentProvider>`) and asked for each capability; a vendor that does not serve
//! one is skipped — nothing in the generic functions names a vendor.
//!
//! `cargo run -p patientpay --example swap_providers` prints one line per capability and
//! vendor: `<capability> <vendor> ok …`.

use patientpay::careportals::CarePortalsBuilder;
use patientpay::carevalidate::CareValidateBuilder;
use patientpay::decoda::DecodaBuilder;
use patientpay::{
    AddPaymentMethod, Capability, Checkout, Currency, Error, ListPaymentMethods, Money,
    PatientBilling, PatientRef, PaymentMethods, PaymentProvider, Processor, RemovePaymentMethod,
    Result, StartCheckout, VendorData, VerifyPatient, WebhookSecret, Webhooks, parse_date,
};
use patientpay_sandbox::{Sandbox, credentials};

// ---------------------------------------------------------------------------------------
// Written once per capability: no vendor named below this line until `main`.

/// List, save, list again, remove: the saved-method round trip.
async fn saved_methods(
    methods: &dyn PaymentMethods,
    patient: &PatientRef,
    save: AddPaymentMethod,
) -> Result<String> {
    let list = || methods.list_payment_methods(ListPaymentMethods::for_patient(patient.clone()));
    let before = list().await?;
    let saved = methods
        .add_payment_method(save.for_patient(patient.clone()))
        .await?;
    let after = list().await?;
    let id = saved
        .id
        .clone()
        .or_else(|| {
            after
                .iter()
                .filter_map(|m| m.id.clone())
                .find(|id| !before.iter().any(|b| b.id.as_deref() == Some(id)))
        })
        .ok_or_else(|| Error::invalid_input("id", "the saved method has no id"))?;
    methods
        .remove_payment_method(RemovePaymentMethod::new(id.clone()).for_patient(patient.clone()))
        .await?;
    Ok(format!(
        "{} saved, saved {} {}, removed it",
        before.len(),
        saved.kind,
        saved.last4.as_deref().unwrap_or("")
    ))
}

/// Start a checkout and say what the browser gets.
async fn start_checkout(checkout: &dyn Checkout, request: StartCheckout) -> Result<String> {
    let session = checkout.start_checkout(request).await?;
    Ok(format!("{} session", session.kind()))
}

/// What the patient owes, and what they can pay now.
async fn what_is_owed(billing: &dyn PatientBilling, who: VerifyPatient) -> Result<String> {
    let balance = billing.verify_patient_balance(who).await?;
    Ok(format!(
        "{} charges, {} payable now",
        balance.charges.len(),
        balance.total_outstanding
    ))
}

/// Verify a signed delivery and type it.
fn receive_webhook(
    webhooks: &dyn Webhooks,
    headers: &http::HeaderMap,
    body: &[u8],
    secret: &WebhookSecret,
) -> Result<String> {
    let event = webhooks
        .verify_and_parse(headers, body, secret)
        .map_err(|e| Error::invalid_input("webhook", e))?;
    Ok(format!("{} event verified", event.vendor_type))
}

// ---------------------------------------------------------------------------------------
// What differs per vendor: configuration and the test data of the sandbox.

/// What your backend would read from its config file.
fn providers(base_url: &str) -> Result<Vec<Box<dyn PaymentProvider>>> {
    Ok(vec![
        Box::new(
            CarePortalsBuilder::new()
                .with_token(credentials::CAREPORTALS_TOKEN)
                .with_origin(credentials::CAREPORTALS_ORIGIN)
                .with_base_url(base_url)
                .build()?,
        ),
        Box::new(
            CareValidateBuilder::new()
                .with_api_key(credentials::CAREVALIDATE_API_KEY)
                .with_base_url(base_url)
                .build()?,
        ),
        Box::new(
            DecodaBuilder::new()
                .with_api_key(credentials::DECODA_API_KEY)
                .with_tenant(credentials::DECODA_TENANT)
                .with_base_url(base_url)
                .build()?,
        ),
    ])
}

/// The sandbox's patient of each vendor, named the way that vendor names patients.
fn sample_patient(vendor: &str) -> PatientRef {
    match vendor {
        "careportals" => PatientRef::token(credentials::CAREPORTALS_TOKEN),
        _ => PatientRef::id("pat_1001"),
    }
}

/// What the browser component of each vendor's processor produced, to save a method from.
fn sample_saved_method(vendor: &str) -> AddPaymentMethod {
    match vendor {
        "careportals" => AddPaymentMethod::new("pm_card_visa"),
        _ => {
            let object = serde_json::json!({
                "paymentMethodId": "mtd_swap_example_visa",
                "paymentMethodConfigId": "pmc_swap_example",
                "fingerprint": "fp_swap_example",
                "methodType": "CARD",
                "card": {"type": "CREDIT", "brand": "VISA", "brandDesc": "Visa", "last4": "4242", "expMonth": 12, "expYear": 2030},
                "ach": null,
                "applePay": null,
                "billingContact": null,
                "metadata": {},
                "createdAt": "2026-12-01T10:00:00Z",
                "updatedAt": "2026-12-01T10:00:00Z"
            });
            let serde_json::Value::Object(map) = object else {
                unreachable!("a JSON object literal")
            };
            AddPaymentMethod::from_processor_object(
                Processor::Rainforest,
                VendorData::from_map(map),
            )
        }
    }
}

/// A checkout each vendor serves.
fn sample_checkout(vendor: &str) -> StartCheckout {
    match vendor {
        "decoda" => StartCheckout::pay_outstanding("+14155550101"),
        _ => StartCheckout::pay(Money::from_minor(1999, Currency::USD)),
    }
}

fn sample_verify() -> Result<VerifyPatient> {
    Ok(VerifyPatient::new(
        "pat_1001",
        "Rivera",
        "+14155550101",
        parse_date("dob", "1985-04-12")?,
    ))
}

/// A delivery as each vendor signs it (the sandbox's webhook test data).
fn sample_delivery(vendor: &str, secret: &WebhookSecret) -> (http::HeaderMap, Vec<u8>) {
    let (header, body) = match vendor {
        "decoda" => (
            "decoda-signature",
            br#"{"id":"evt_swap_1","type":"PAYMENT_SUCCEEDED","data":{"id":"pay_1","amount":2500,"currency":"USD","status":"SUCCEEDED"},"createdDate":"2026-12-01T10:00:00Z","alertId":"alr_1"}"#.to_vec(),
        ),
        _ => (
            "x-cv-signature",
            br#"{"event":"PAYMENT_COMPLETED","payload":{"case":{"id":"case_1","status":"APPROVED"}}}"#.to_vec(),
        ),
    };
    let mut headers = http::HeaderMap::new();
    let signature = patientpay::webhook::hmac_sha256_hex(secret, &body);
    if let Ok(value) = http::HeaderValue::from_str(&signature) {
        headers.insert(header, value);
    }
    (headers, body)
}

fn line(capability: Capability, vendor: &str, outcome: Result<String>) -> bool {
    match outcome {
        Ok(text) => {
            println!("{capability} {vendor} ok {text}");
            true
        }
        Err(e) => {
            println!("{capability} {vendor} FAILED {e}");
            false
        }
    }
}

#[tokio::main]
async fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start().await?;
    let providers = providers(&sandbox.base_url())?;
    let secret = WebhookSecret::new("whsec_swap_example");
    let mut ok = true;
    for p in &providers {
        if let Some(methods) = p.payment_methods() {
            let outcome = saved_methods(
                methods,
                &sample_patient(p.name()),
                sample_saved_method(p.name()),
            )
            .await;
            ok &= line(Capability::PaymentMethods, p.name(), outcome);
        }
    }
    for p in &providers {
        if let Some(checkout) = p.checkout() {
            let outcome = start_checkout(checkout, sample_checkout(p.name())).await;
            ok &= line(Capability::Checkout, p.name(), outcome);
        }
    }
    for p in &providers {
        if let Some(billing) = p.billing() {
            let outcome = what_is_owed(billing, sample_verify()?).await;
            ok &= line(Capability::PatientBilling, p.name(), outcome);
        }
    }
    for p in &providers {
        if let Some(webhooks) = p.webhooks() {
            let (headers, body) = sample_delivery(p.name(), &secret);
            let outcome = receive_webhook(webhooks, &headers, &body, &secret);
            ok &= line(Capability::Webhooks, p.name(), outcome);
        }
    }
    if !ok {
        return Err("a capability failed on a vendor (see above)".into());
    }
    Ok(())
}
