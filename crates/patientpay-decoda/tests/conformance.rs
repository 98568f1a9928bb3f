//! The core conformance suites against the sandbox.

use patientpay_core::{
    AddPaymentMethod, ChargeState, CheckoutSession, Currency, Money, PatientBilling, PatientRef,
    Processor, StartCheckout, VendorData, VerifyPatient, conformance, parse_date,
};
use patientpay_decoda::{Decoda, DecodaBuilder};
use patientpay_sandbox::{Sandbox, credentials};

fn client(sandbox: &Sandbox) -> Decoda {
    DecodaBuilder::new()
        .with_api_key(credentials::DECODA_API_KEY)
        .with_tenant(credentials::DECODA_TENANT)
        .with_base_url(sandbox.base_url())
        .build()
        .unwrap()
}

/// A Rainforest payment-method object as the browser component produces it.
pub fn rainforest_card(id: &str) -> VendorData {
    let v = serde_json::json!({
        "paymentMethodId": id,
        "paymentMethodConfigId": "pmc_sbx_1",
        "fingerprint": "fp_4242",
        "methodType": "CARD",
        "card": {"type": "CREDIT", "brand": "VISA", "brandDesc": "Visa", "last4": "4242",
                 "expMonth": 12, "expYear": 2031},
        "ach": null,
        "applePay": null,
        "billingContact": null,
        "metadata": {},
        "createdAt": "2026-01-01T00:00:00Z",
        "updatedAt": "2026-01-01T00:00:00Z"
    });
    let serde_json::Value::Object(map) = v else {
        unreachable!()
    };
    VendorData::from_map(map)
}

#[tokio::test]
async fn check_provider_sends_nothing() {
    let sandbox = Sandbox::start().await.unwrap();
    let decoda = client(&sandbox);
    conformance::check_provider(&decoda);
    assert!(sandbox.requests().is_empty(), "{:?}", sandbox.requests());
    assert_eq!(patientpay_core::PaymentProvider::name(&decoda), "decoda");
}

#[tokio::test]
async fn payment_methods_suite() {
    let sandbox = Sandbox::start().await.unwrap();
    let decoda = client(&sandbox);
    conformance::payment_methods(
        &decoda,
        PatientRef::id("pat_1001"),
        PatientRef::token("a-careportals-jwt"),
        AddPaymentMethod::from_processor_object(
            Processor::Rainforest,
            rainforest_card("mtd_conformance_1"),
        ),
    )
    .await;
}

#[tokio::test]
async fn checkout_suite() {
    let sandbox = Sandbox::start().await.unwrap();
    let decoda = client(&sandbox);
    let dob = parse_date("dob", "1985-04-12").unwrap();
    let balance = decoda
        .verify_patient_balance(VerifyPatient::new(
            "pat_1001",
            "Rivera",
            "+14155550101",
            dob,
        ))
        .await
        .unwrap();
    assert!(
        balance
            .charges
            .iter()
            .any(|c| c.status != ChargeState::Outstanding)
    );
    conformance::checkout(
        &decoda,
        vec![
            StartCheckout::pay_charges(balance.charges.clone())
                .for_patient(PatientRef::id("pat_1001")),
            StartCheckout::pay_outstanding("+14155550101"),
        ],
    )
    .await;
    let session = patientpay_core::Checkout::start_checkout(
        &decoda,
        StartCheckout::pay_charges(balance.charges).for_patient(PatientRef::id("pat_1001")),
    )
    .await
    .unwrap();
    match session {
        CheckoutSession::ComponentSession {
            amount, sandbox, ..
        } => {
            assert_eq!(amount, Some(Money::from_minor(12500, Currency::USD)));
            assert!(sandbox);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn patient_billing_suite() {
    let sandbox = Sandbox::start().await.unwrap();
    let decoda = client(&sandbox);
    for (id, last, phone, dob) in [
        ("pat_1001", "Rivera", "+14155550101", "1985-04-12"),
        ("pat_1002", "Chen", "+13125550188", "1972-11-30"),
        ("pat_1003", "Okafor", "+12025550142", "1990-07-04"),
    ] {
        let dob = parse_date("dob", dob).unwrap();
        conformance::patient_billing(&decoda, VerifyPatient::new(id, last, phone, dob)).await;
    }
}
