//! Shared setup for the workspace-level tests: every vendor against one sandbox.
#![allow(dead_code)]

use std::time::Duration;

use patientpay::careportals::CarePortalsBuilder;
use patientpay::carevalidate::CareValidateBuilder;
use patientpay::decoda::DecodaBuilder;
use patientpay::http::{HttpConfig, RetryPolicy};
use patientpay::*;
use patientpay_sandbox::{Sandbox, credentials};

pub const RETRIES: u32 = 2;

pub fn http_config() -> HttpConfig {
    HttpConfig::default()
        .with_timeout(Duration::from_secs(5))
        .with_connect_timeout(Duration::from_secs(2))
        .with_retry(
            RetryPolicy::default()
                .with_max_retries(RETRIES)
                .with_initial_backoff(Duration::from_millis(2))
                .with_max_backoff(Duration::from_millis(10))
                .with_max_retry_after(Duration::from_secs(2)),
        )
}

pub fn provider(vendor: &str, base_url: &str, config: HttpConfig) -> Box<dyn PaymentProvider> {
    match vendor {
        "careportals" => Box::new(
            CarePortalsBuilder::new()
                .with_token(credentials::CAREPORTALS_TOKEN)
                .with_origin(credentials::CAREPORTALS_ORIGIN)
                .with_base_url(base_url)
                .with_http_config(config)
                .build()
                .expect("careportals"),
        ),
        "carevalidate" => Box::new(
            CareValidateBuilder::new()
                .with_api_key(credentials::CAREVALIDATE_API_KEY)
                .with_base_url(base_url)
                .with_http_config(config)
                .build()
                .expect("carevalidate"),
        ),
        "decoda" => Box::new(
            DecodaBuilder::new()
                .with_api_key(credentials::DECODA_API_KEY)
                .with_tenant(credentials::DECODA_TENANT)
                .with_base_url(base_url)
                .with_http_config(config)
                .build()
                .expect("decoda"),
        ),
        other => panic!("unknown vendor {other}"),
    }
}

/// Every (vendor, operation) pair the SDK supports.
pub const SUPPORTED: &[(&str, Operation)] = &[
    ("careportals", Operation::ListPaymentMethods),
    ("careportals", Operation::AddPaymentMethod),
    ("careportals", Operation::RemovePaymentMethod),
    ("carevalidate", Operation::CreatePaymentIntent),
    ("carevalidate", Operation::UpdatePaymentInfo),
    ("decoda", Operation::VerifyPatientBalance),
    ("decoda", Operation::SettleChargesFromCredit),
];

/// The route (method, path pattern) an operation calls.
pub fn route(op: Operation) -> (&'static str, &'static str) {
    match op {
        Operation::ListPaymentMethods => ("GET", "/users/payment-methods"),
        Operation::AddPaymentMethod => ("POST", "/v2/users/payment-methods"),
        Operation::RemovePaymentMethod => ("DELETE", "/v2/users/payment-methods/*"),
        Operation::CreatePaymentIntent => ("POST", "/api/v1/payments/intent"),
        Operation::UpdatePaymentInfo => ("POST", "/api/v1/users"),
        Operation::VerifyPatientBalance => ("POST", "/billing/payment-link/verify-patient"),
        Operation::SettleChargesFromCredit => (
            "POST",
            "/billing/payment-terminal/charge/create-patient-credit-settled",
        ),
        _ => panic!("no route for {op}"),
    }
}

pub fn decoda_patient() -> VerifyPatient {
    let seed = patientpay_sandbox::Seed::default();
    let p = seed
        .decoda
        .patients
        .iter()
        .find(|p| !p.credits.is_empty())
        .expect("a seeded patient with credit");
    VerifyPatient::new(
        p.id.clone(),
        p.last_name.clone(),
        p.phone.clone(),
        parse_date("dob", &p.date_of_birth).expect("seeded dob"),
    )
}

/// A valid request for `op`, prepared against the sandbox's current state (for remove and
/// settle, which need ids read first). Call before injecting faults.
pub async fn valid_request(sandbox: &Sandbox, vendor: &str, op: Operation) -> conformance::Request {
    use conformance::Request;
    let usd = |m| Money::from_minor(m, Currency::USD);
    match op {
        Operation::ListPaymentMethods => Request::List(ListPaymentMethods::new()),
        Operation::AddPaymentMethod => Request::Add(AddPaymentMethod::new("pm_card_visa")),
        Operation::RemovePaymentMethod => {
            let p = provider(vendor, &sandbox.base_url(), http_config());
            let methods = p
                .list_payment_methods(ListPaymentMethods::new())
                .await
                .expect("list for remove");
            let id = methods
                .iter()
                .find_map(|m| m.id.clone())
                .expect("a saved method with an id");
            Request::Remove(RemovePaymentMethod::new(id))
        }
        Operation::CreatePaymentIntent => Request::Intent(
            CreatePaymentIntent::new(usd(1999))
                .with_payment_method_types([PaymentMethodType::Card]),
        ),
        Operation::UpdatePaymentInfo => Request::Update(UpdatePaymentInfo::new(
            "john@example.com",
            "seti_1SNZDLKAXrtjbq2duGldHsHf",
            "nmi_tok_123",
            Address::new(
                "1600 Pennsylvania Avenue NW",
                "Washington",
                "DC",
                "20500",
                "US",
            ),
        )),
        Operation::VerifyPatientBalance => Request::Verify(decoda_patient()),
        Operation::SettleChargesFromCredit => {
            let p = provider(vendor, &sandbox.base_url(), http_config());
            let balance = p
                .verify_patient_balance(decoda_patient())
                .await
                .expect("verify for settle");
            let charges: Vec<Charge> = balance
                .charges
                .into_iter()
                .filter(|c| c.total_outstanding.is_positive())
                .collect();
            Request::Settle(SettleChargesFromCredit::new(usd(100), charges))
        }
        _ => panic!("no request for {op}"),
    }
}
