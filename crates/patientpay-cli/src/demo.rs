//! `patientpay demo`: every capability on every vendor that serves it, against the embedded
//! sandbox — no network, no credentials, no setup. The vendors are held as
//! `Box<dyn PaymentProvider>` and asked for each capability: the same code runs on each.

use patientpay::careportals::CarePortalsBuilder;
use patientpay::carevalidate::CareValidateBuilder;
use patientpay::decoda::DecodaBuilder;
use patientpay::futures_util::StreamExt;
use patientpay::{
    AddPaymentMethod, Address, Capability, CheckoutMethodKind, CheckoutSession,
    CreditBalanceRequest, Currency, Error, ListPaymentMethods, ListPayments, Money, PatientRef,
    PayWithSavedMethod, PaymentProvider, Processor, RefundPayment, RefundReason,
    RemovePaymentMethod, SettleChargesFromCredit, StartCheckout, UpdatePaymentInfo, VendorData,
    VerifyPatient, WebhookSecret,
};
use patientpay_sandbox::{Sandbox, Seed};
use serde_json::Value;

use crate::failure::Failure;

/// What `patientpay sandbox` prints: where it listens, the credentials and sample data of
/// every vendor.
pub fn sandbox_info(sandbox: &Sandbox, _seed: &Seed) -> Value {
    serde_json::to_value(sandbox.describe()).unwrap_or(Value::Null)
}

fn fail(step: &str, e: Error) -> Failure {
    Failure {
        message: format!("demo step `{step}` failed: {e}"),
        code: 1,
    }
}

fn say(capability: Capability, vendor: &str, text: impl AsRef<str>) {
    println!("{capability:<16} {vendor:<12} {}", text.as_ref());
}

fn sample_patient(vendor: &str) -> PatientRef {
    match vendor {
        "careportals" => PatientRef::token(patientpay_sandbox::credentials::CAREPORTALS_TOKEN),
        _ => PatientRef::id("pat_1001"),
    }
}

fn sample_saved_method(vendor: &str) -> AddPaymentMethod {
    match vendor {
        "careportals" => AddPaymentMethod::new("pm_card_mastercard"),
        _ => {
            let object = serde_json::json!({
                "paymentMethodId": "mtd_demo_visa",
                "paymentMethodConfigId": "pmc_demo",
                "fingerprint": "fp_demo",
                "methodType": "CARD",
                "card": {"type": "CREDIT", "brand": "VISA", "brandDesc": "Visa", "last4": "4242", "expMonth": 12, "expYear": 2030},
                "ach": null, "applePay": null, "billingContact": null, "metadata": {},
                "createdAt": "2026-12-01T10:00:00Z", "updatedAt": "2026-12-01T10:00:00Z"
            });
            let map = match object {
                Value::Object(map) => map,
                _ => serde_json::Map::new(),
            };
            AddPaymentMethod::from_processor_object(
                Processor::Rainforest,
                VendorData::from_map(map),
            )
        }
    }
}

fn verify() -> Result<VerifyPatient, Failure> {
    let dob = patientpay::parse_date("dob", "1985-04-12").map_err(|e| fail("seed", e))?;
    Ok(VerifyPatient::new(
        "pat_1001",
        "Rivera",
        "+14155550101",
        dob,
    ))
}

pub async fn run() -> Result<(), Failure> {
    let sandbox = Sandbox::start().await.map_err(|e| Failure {
        message: format!("cannot start the embedded sandbox: {e}"),
        code: 1,
    })?;
    let base = sandbox.base_url();
    let creds = sandbox.describe();
    println!("patientpay demo — embedded sandbox at {base} (no network, no real credentials)\n");

    // One shared connection pool for every provider.
    let http = patientpay::pipeline::HttpClient::new(patientpay::pipeline::HttpConfig::default())
        .map_err(|e| fail("http client", e))?;
    let providers: Vec<Box<dyn PaymentProvider>> = vec![
        Box::new(
            CarePortalsBuilder::new()
                .with_token(patientpay_sandbox::credentials::CAREPORTALS_TOKEN)
                .with_origin(creds.careportals.origin.clone())
                .with_base_url(&base)
                .with_http_client(http.clone())
                .build()
                .map_err(|e| fail("careportals config", e))?,
        ),
        Box::new(
            CareValidateBuilder::new()
                .with_api_key(patientpay_sandbox::credentials::CAREVALIDATE_API_KEY)
                .with_base_url(&base)
                .with_http_client(http.clone())
                .build()
                .map_err(|e| fail("carevalidate config", e))?,
        ),
        Box::new(
            DecodaBuilder::new()
                .with_api_key(patientpay_sandbox::credentials::DECODA_API_KEY)
                .with_tenant(patientpay_sandbox::credentials::DECODA_TENANT)
                .with_base_url(&base)
                .with_http_client(http.clone())
                .build()
                .map_err(|e| fail("decoda config", e))?,
        ),
    ];
    for p in &providers {
        println!("{:<12} serves {}", p.name(), p.capabilities());
    }
    println!("\nEach capability below runs the same code on every vendor that serves it:\n");

    // PaymentMethods: list, save, list, remove.
    let cap = Capability::PaymentMethods;
    for p in &providers {
        let Some(methods) = p.payment_methods() else {
            continue;
        };
        let n = p.name();
        let patient = sample_patient(n);
        let list =
            || methods.list_payment_methods(ListPaymentMethods::for_patient(patient.clone()));
        let before = list().await.map_err(|e| fail("list", e))?;
        let saved = methods
            .add_payment_method(sample_saved_method(n).for_patient(patient.clone()))
            .await
            .map_err(|e| fail("save", e))?;
        let after = list().await.map_err(|e| fail("list", e))?;
        let id = saved.id.clone().or_else(|| {
            after
                .iter()
                .filter_map(|m| m.id.clone())
                .find(|id| !before.iter().any(|b| b.id.as_deref() == Some(id)))
        });
        say(
            cap,
            n,
            format!(
                "{} saved; saved a {}{} ending {}",
                before.len(),
                saved
                    .brand
                    .as_ref()
                    .map(|b| format!("{b} "))
                    .unwrap_or_default(),
                saved.kind,
                saved.last4.as_deref().unwrap_or("?")
            ),
        );
        if let Some(id) = id {
            let removed = methods
                .remove_payment_method(RemovePaymentMethod::new(id).for_patient(patient.clone()))
                .await
                .map_err(|e| fail("remove", e))?;
            say(
                cap,
                n,
                format!("removed {}; {} saved again", removed.id, before.len()),
            );
        }
    }
    println!();

    // Checkout: what the browser gets, per vendor.
    let cap = Capability::Checkout;
    let usd = |minor| Money::from_minor(minor, Currency::USD);
    let balance_for_checkout = match providers.iter().find_map(|p| p.billing()) {
        Some(b) => Some(
            b.verify_patient_balance(verify()?)
                .await
                .map_err(|e| fail("verify", e))?,
        ),
        None => None,
    };
    for p in &providers {
        let Some(checkout) = p.checkout() else {
            continue;
        };
        let n = p.name();
        let mut requests = vec![
            StartCheckout::new(patientpay::CheckoutPurpose::Pay {
                amount: usd(1999),
                method_kinds: vec![CheckoutMethodKind::Card, CheckoutMethodKind::Klarna],
            }),
            StartCheckout::save_for_later(),
            StartCheckout::pay_outstanding("+14155550101"),
        ];
        if let Some(b) = &balance_for_checkout {
            requests.push(
                StartCheckout::pay_charges(b.charges.clone())
                    .for_patient(PatientRef::id("pat_1001")),
            );
        }
        for request in requests {
            let purpose = request.purpose.name();
            match checkout.start_checkout(request).await {
                Ok(session) => say(cap, n, format!("{purpose}: {}", describe(&session))),
                Err(Error::InvalidInput { .. }) => {} // a purpose this vendor does not serve
                Err(e) => return Err(fail("checkout", e)),
            }
        }
    }
    println!();

    // PatientBilling: verify, settle from credit, pay with a saved card, refund, credit.
    let cap = Capability::PatientBilling;
    for p in &providers {
        let Some(billing) = p.billing() else {
            continue;
        };
        let n = p.name();
        let balance = billing
            .verify_patient_balance(verify()?)
            .await
            .map_err(|e| fail("verify", e))?;
        say(
            cap,
            n,
            format!(
                "verified: {} charge(s), {} payable now; pay at {}",
                balance.charges.len(),
                balance.total_outstanding,
                balance.payment_link
            ),
        );
        let payment = billing
            .settle_charges_from_credit(SettleChargesFromCredit::new(
                usd(2500),
                balance.charges.clone(),
            ))
            .await
            .map_err(|e| fail("settle", e))?;
        say(
            cap,
            n,
            format!(
                "settled {} from credit: payment {} {}",
                payment.amount, payment.id, payment.status
            ),
        );
        let patient = PatientRef::id(balance.patient.id.clone());
        let credit = billing
            .credit_balance(CreditBalanceRequest::new(patient.clone()))
            .await
            .map_err(|e| fail("credit", e))?;
        say(
            cap,
            n,
            format!(
                "credit left: {} in {} credit(s)",
                credit.total_available,
                credit.credits.len()
            ),
        );
        let again = billing
            .verify_patient_balance(verify()?)
            .await
            .map_err(|e| fail("verify", e))?;
        let card = match p.payment_methods() {
            Some(m) => m
                .list_payment_methods(ListPaymentMethods::for_patient(patient.clone()))
                .await
                .map_err(|e| fail("list", e))?
                .into_iter()
                .find_map(|m| m.id),
            None => None,
        };
        if let (Some(card), true) = (card, again.total_outstanding.is_positive()) {
            let paid = billing
                .pay_with_saved_method(
                    PayWithSavedMethod::new(patient.clone(), card.clone(), again.charges.clone())
                        .with_amount(usd(1000.min(again.total_outstanding.minor_units()))),
                )
                .await
                .map_err(|e| fail("pay with saved card", e))?;
            say(
                cap,
                n,
                format!(
                    "charged saved card {card}: payin {} {} {}",
                    paid.payin_id.as_deref().unwrap_or(&paid.id),
                    paid.amount,
                    paid.status
                ),
            );
            // The payment history (a paged stream) links the payin to the payment to refund.
            let mut pages = billing.payments(ListPayments::new(patient.clone()));
            let mut payment_id = None;
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| fail("payments", e))?;
                payment_id = page
                    .items
                    .iter()
                    .find(|x| x.payin_id.is_some() && x.payin_id == paid.payin_id)
                    .or_else(|| page.items.iter().find(|x| x.amount == paid.amount))
                    .map(|x| x.id.clone());
                if payment_id.is_some() {
                    break;
                }
            }
            let payment_id = payment_id.unwrap_or_else(|| paid.id.clone());
            let refund = billing
                .refund_payment(
                    RefundPayment::new(payment_id, "prv_sandbox", usd(500), RefundReason::Other)
                        .with_description("demo partial refund"),
                )
                .await
                .map_err(|e| fail("refund", e))?;
            say(
                cap,
                n,
                format!(
                    "refunded {} of {}: {}",
                    refund.amount, refund.payment_id, refund.status
                ),
            );
        }
        let mut wrong = verify()?;
        wrong.last_name = "Wrong-Name".into();
        if let Err(e) = billing.verify_patient_balance(wrong).await {
            say(
                cap,
                n,
                format!("a failed verification is a definite vendor error: {e}"),
            );
        }
    }
    println!();

    // Webhooks: verify a signed delivery over its raw bytes and type it.
    let cap = Capability::Webhooks;
    let secret = WebhookSecret::new("whsec_demo");
    for p in &providers {
        let Some(webhooks) = p.webhooks() else {
            continue;
        };
        let n = p.name();
        let (header, body): (&str, &[u8]) = match n {
            "decoda" => (
                "decoda-signature",
                br#"{"id":"evt_demo_1","type":"PAYMENT_SUCCEEDED","data":{"id":"pay_1","amount":2500,"currency":"USD","status":"SUCCEEDED"},"createdDate":"2026-12-01T10:00:00Z","alertId":"alr_1"}"#,
            ),
            _ => (
                "x-cv-signature",
                br#"{"event":"PAYMENT_COMPLETED","payload":{"case":{"id":"case_1","status":"APPROVED"}}}"#,
            ),
        };
        let mut headers =
            http_headers(header, &patientpay::webhook::hmac_sha256_hex(&secret, body));
        match webhooks.verify_and_parse(&headers, body, &secret) {
            Ok(event) => say(
                cap,
                n,
                format!(
                    "signed {} delivery verified over its raw bytes",
                    event.vendor_type
                ),
            ),
            Err(e) => say(cap, n, format!("unexpected: {e}")),
        }
        headers = http_headers(header, &"0".repeat(64));
        if let Err(e) = webhooks.verify_and_parse(&headers, body, &secret) {
            say(cap, n, format!("a forged signature is refused: {e}"));
        }
    }
    println!();

    // Vendor-only operations stay on the vendor's client.
    println!("Vendor-only operations (inherent methods, outside the capability traits):");
    let cv = CareValidateBuilder::new()
        .with_api_key(patientpay_sandbox::credentials::CAREVALIDATE_API_KEY)
        .with_base_url(&base)
        .with_http_client(http.clone())
        .build()
        .map_err(|e| fail("carevalidate config", e))?;
    let updated = cv
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
    println!("  carevalidate UPDATE_PAYMENT_INFO: {}", updated.code);
    if let Some(m) = providers[0].payment_methods() {
        match m
            .add_payment_method(AddPaymentMethod::new("pm_card_chargeDeclined"))
            .await
        {
            Err(e) => println!("  careportals: a declined card is a definite failure: {e}"),
            Ok(_) => println!("  careportals: unexpected: the declined test card was accepted"),
        }
    }

    println!(
        "\ndemo finished: {} requests served by the sandbox",
        sandbox.requests().len()
    );
    sandbox.shutdown().await;
    Ok(())
}

fn http_headers(name: &'static str, value: &str) -> patientpay::reqwest::header::HeaderMap {
    let mut headers = patientpay::reqwest::header::HeaderMap::new();
    if let Ok(v) = patientpay::reqwest::header::HeaderValue::from_str(value) {
        headers.insert(name, v);
    }
    headers
}

fn describe(session: &CheckoutSession) -> String {
    match session {
        CheckoutSession::ClientSecret { setup, amount, .. } => format!(
            "a {} client secret for Stripe.js{} (never logged)",
            if *setup {
                "setup-intent"
            } else {
                "payment-intent"
            },
            amount.map(|a| format!(" for {a}")).unwrap_or_default()
        ),
        CheckoutSession::ComponentSession {
            config_id, amount, ..
        } => format!(
            "a Rainforest component session (payin config {config_id}){}",
            amount.map(|a| format!(" for {a}")).unwrap_or_default()
        ),
        CheckoutSession::HostedPage { url, outstanding } => format!(
            "a hosted payment page {url}{}",
            outstanding
                .map(|a| format!(" ({a} owed)"))
                .unwrap_or_default()
        ),
        other => other.kind().to_owned(),
    }
}
