//! A conformance suite every [`PaymentProvider`] must pass (object_store's `integration.rs`
//! idea). Vendor crates run it from their tests, against the sandbox.
//!
//! The checks need no vendor state: they assert the trait's promises that hold before any
//! I/O. Point the provider at a server that records requests (or at a closed port) and
//! assert afterwards that nothing was sent.
//!
//! ```no_run
//! # async fn f(provider: &dyn patientpay_core::PaymentProvider) {
//! patientpay_core::conformance::check_provider(provider).await;
//! # }
//! ```

use crate::domain::*;
use crate::{Currency, Error, Money, Operation, PaymentProvider};

/// Runs every check; panics with a message naming the failed promise.
pub async fn check_provider(provider: &dyn PaymentProvider) {
    check_name(provider);
    check_unsupported_refused(provider).await;
    check_invalid_input_refused(provider).await;
}

/// The name is a short lowercase identifier.
pub fn check_name(provider: &dyn PaymentProvider) {
    let name = provider.name();
    assert!(
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'),
        "provider name {name:?} must be a short lowercase identifier"
    );
}

fn valid_requests(op: Operation) -> Option<Box<dyn FnOnce() -> Request + Send>> {
    let usd = |m| Money::from_minor(m, Currency::USD);
    Some(match op {
        Operation::ListPaymentMethods => Box::new(|| Request::List(ListPaymentMethods::new())),
        Operation::AddPaymentMethod => {
            Box::new(|| Request::Add(AddPaymentMethod::new("pm_card_visa")))
        }
        Operation::RemovePaymentMethod => {
            Box::new(|| Request::Remove(RemovePaymentMethod::new("pm_1")))
        }
        Operation::CreatePaymentIntent => {
            Box::new(move || Request::Intent(CreatePaymentIntent::new(usd(1999))))
        }
        Operation::UpdatePaymentInfo => Box::new(|| {
            Request::Update(UpdatePaymentInfo::new(
                "john@example.com",
                "seti_1",
                "nmi_tok",
                Address::new(
                    "1600 Pennsylvania Avenue NW",
                    "Washington",
                    "DC",
                    "20500",
                    "US",
                ),
            ))
        }),
        Operation::VerifyPatientBalance => Box::new(|| {
            Request::Verify(VerifyPatient::new(
                "p1",
                "Doe",
                "+14155552671",
                time::macros::date!(1990 - 01 - 31),
            ))
        }),
        Operation::SettleChargesFromCredit => Box::new(move || {
            Request::Settle(SettleChargesFromCredit::new(
                usd(100),
                vec![Charge::new(
                    "p1",
                    ChargeStatus::Outstanding,
                    usd(100),
                    usd(100),
                )],
            ))
        }),
    })
}

/// A request for any operation.
#[derive(Debug)]
#[allow(missing_docs)]
pub enum Request {
    List(ListPaymentMethods),
    Add(AddPaymentMethod),
    Remove(RemovePaymentMethod),
    Intent(CreatePaymentIntent),
    Update(UpdatePaymentInfo),
    Verify(VerifyPatient),
    Settle(SettleChargesFromCredit),
}

/// Sends `request` through the matching trait method, discarding the success value.
///
/// # Errors
/// Whatever the provider returns.
pub async fn call(provider: &dyn PaymentProvider, request: Request) -> Result<(), Error> {
    match request {
        Request::List(r) => provider.list_payment_methods(r).await.map(drop),
        Request::Add(r) => provider.add_payment_method(r).await.map(drop),
        Request::Remove(r) => provider.remove_payment_method(r).await.map(drop),
        Request::Intent(r) => provider.create_payment_intent(r).await.map(drop),
        Request::Update(r) => provider.update_payment_info(r).await.map(drop),
        Request::Verify(r) => provider.verify_patient_balance(r).await.map(drop),
        Request::Settle(r) => provider.settle_charges_from_credit(r).await.map(drop),
    }
}

/// Every operation outside `capabilities()` returns `Unsupported` naming the provider and
/// the operation.
pub async fn check_unsupported_refused(provider: &dyn PaymentProvider) {
    let caps = provider.capabilities();
    for &op in Operation::ALL {
        if caps.supports(op) {
            continue;
        }
        let Some(make) = valid_requests(op) else {
            continue;
        };
        match call(provider, make()).await {
            Err(Error::Unsupported {
                provider: p,
                operation,
            }) => {
                assert_eq!(p, provider.name(), "Unsupported must name the provider");
                assert_eq!(operation, op, "Unsupported must name the operation");
            }
            other => panic!(
                "{} {op}: expected Unsupported, got {other:?}",
                provider.name()
            ),
        }
    }
}

/// Every supported operation refuses obviously bad input with `InvalidInput` naming a field.
pub async fn check_invalid_input_refused(provider: &dyn PaymentProvider) {
    let caps = provider.capabilities();
    let usd = |m| Money::from_minor(m, Currency::USD);
    let bad: Vec<(Operation, Request, &str)> = vec![
        (
            Operation::AddPaymentMethod,
            Request::Add(AddPaymentMethod::new("   ")),
            "token",
        ),
        (
            Operation::RemovePaymentMethod,
            Request::Remove(RemovePaymentMethod::new("")),
            "id",
        ),
        (
            Operation::CreatePaymentIntent,
            Request::Intent(CreatePaymentIntent::new(usd(0))),
            "amount",
        ),
        (
            Operation::CreatePaymentIntent,
            Request::Intent(CreatePaymentIntent::new(usd(-5))),
            "amount",
        ),
        (
            Operation::VerifyPatientBalance,
            Request::Verify(VerifyPatient::new(
                "",
                "Doe",
                "1",
                time::macros::date!(1990 - 01 - 01),
            )),
            "patient_id",
        ),
        (
            Operation::VerifyPatientBalance,
            Request::Verify(VerifyPatient::new(
                "p1",
                "Doe",
                "1",
                time::macros::date!(2999 - 01 - 01),
            )),
            "date_of_birth",
        ),
        (
            Operation::SettleChargesFromCredit,
            Request::Settle(SettleChargesFromCredit::new(usd(100), vec![])),
            "charges",
        ),
    ];
    for (op, request, field) in bad {
        if !caps.supports(op) {
            continue;
        }
        match call(provider, request).await {
            Err(Error::InvalidInput { field: f, .. }) => {
                assert_eq!(f, field, "{} {op}: wrong field named", provider.name());
            }
            other => panic!(
                "{} {op}: expected InvalidInput for {field}, got {other:?}",
                provider.name()
            ),
        }
    }
}
