//! Conformance suites, one per capability (object_store's `integration.rs` idea): every
//! vendor serving a capability runs its suite from its tests, against the sandbox. A suite
//! panics with a message naming the broken promise.
//!
//! ```no_run
//! # async fn f(methods: &dyn patientpay_core::PaymentMethods) {
//! use patientpay_core::{AddPaymentMethod, PatientRef, conformance};
//!
//! conformance::payment_methods(
//!     methods,
//!     PatientRef::id("pat_1001"),
//!     PatientRef::token("a-patient-jwt"),
//!     AddPaymentMethod::new("pm_card_visa"),
//! )
//! .await;
//! # }
//! ```

use crate::domain::*;
use crate::{
    Capabilities, Checkout, Currency, Error, Money, PatientBilling, PaymentMethods, PaymentProvider,
};

/// The handle's promises: a short lowercase name, and `capabilities()` equal to what the
/// accessors return.
pub fn check_provider(provider: &dyn PaymentProvider) {
    let name = provider.name();
    assert!(
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'),
        "provider name {name:?} must be a short lowercase identifier"
    );
    assert_eq!(
        provider.capabilities(),
        Capabilities::of(provider),
        "{name}: capabilities() must be derived from the accessors"
    );
}

fn expect_invalid<T: std::fmt::Debug>(what: &str, result: crate::Result<T>, field: &str) {
    match result {
        Err(Error::InvalidInput { field: f, .. }) => {
            assert_eq!(f, field, "{what}: InvalidInput must name `{field}`")
        }
        other => panic!("{what}: expected InvalidInput for `{field}`, got {other:?}"),
    }
}

/// [`PaymentMethods`]: list, save, list again (the saved method is there), remove it, list
/// again (it is gone); bad input refused before any I/O, naming the field; the kind of
/// patient reference the vendor cannot use (`wrong_patient`) refused for `patient`.
///
/// `patient` must be a patient of the sandbox whose saved methods may change; `save` is a
/// request this vendor accepts (a Stripe test token, a Rainforest object...), its patient
/// is set to `patient` by the suite.
pub async fn payment_methods(
    methods: &dyn PaymentMethods,
    patient: PatientRef,
    wrong_patient: PatientRef,
    save: AddPaymentMethod,
) {
    let list = || methods.list_payment_methods(ListPaymentMethods::for_patient(patient.clone()));
    let before = list().await.expect("list before saving");
    let saved = methods
        .add_payment_method(save.for_patient(patient.clone()))
        .await
        .expect("save a payment method");
    let after = list().await.expect("list after saving");
    assert_eq!(
        after.len(),
        before.len() + 1,
        "the saved method must be listed"
    );
    let id = saved
        .id
        .clone()
        .or_else(|| {
            after
                .iter()
                .filter_map(|m| m.id.clone())
                .find(|id| !before.iter().any(|b| b.id.as_deref() == Some(id)))
        })
        .expect("the saved method has an id, in the answer or in the list");
    assert!(
        after.iter().any(|m| m.id.as_deref() == Some(id.as_str())),
        "the saved method's id must be in the list"
    );
    let removed = methods
        .remove_payment_method(RemovePaymentMethod::new(id.clone()).for_patient(patient.clone()))
        .await
        .expect("remove the saved method");
    assert!(removed.removed, "a removal answer says removed");
    assert_eq!(removed.id, id, "the removal names the removed method");
    let last = list().await.expect("list after removing");
    assert!(
        !last.iter().any(|m| m.id.as_deref() == Some(id.as_str())),
        "a removed method must not be listed"
    );
    assert_eq!(last.len(), before.len(), "removal restores the list");

    expect_invalid(
        "save with an empty token",
        methods
            .add_payment_method(AddPaymentMethod::new("  ").for_patient(patient.clone()))
            .await,
        "token",
    );
    expect_invalid(
        "remove with an empty id",
        methods
            .remove_payment_method(RemovePaymentMethod::new("").for_patient(patient.clone()))
            .await,
        "id",
    );
    expect_invalid(
        "remove with a path-escaping id",
        methods
            .remove_payment_method(
                RemovePaymentMethod::new("../../admin").for_patient(patient.clone()),
            )
            .await,
        "id",
    );
    expect_invalid(
        "list with the wrong kind of patient reference",
        methods
            .list_payment_methods(ListPaymentMethods::for_patient(wrong_patient))
            .await,
        "patient",
    );
}

/// [`Checkout`]: each of `sessions` (requests the vendor serves) starts a session with a
/// usable secret or URL; a zero amount is refused before any I/O.
pub async fn checkout(checkout: &dyn Checkout, sessions: Vec<StartCheckout>) {
    assert!(
        !sessions.is_empty(),
        "give at least one request the vendor serves"
    );
    for request in sessions {
        let purpose = request.purpose.name();
        let session = checkout
            .start_checkout(request)
            .await
            .unwrap_or_else(|e| panic!("start a `{purpose}` checkout: {e}"));
        match &session {
            CheckoutSession::ClientSecret { secret, .. } => {
                assert!(!secret.expose_secret().is_empty(), "an empty client secret")
            }
            CheckoutSession::ComponentSession {
                session_key,
                config_id,
                ..
            } => {
                assert!(
                    !session_key.expose_secret().is_empty(),
                    "an empty session key"
                );
                assert!(!config_id.is_empty(), "an empty payin config id");
            }
            CheckoutSession::HostedPage { url, .. } => {
                assert!(url.starts_with("http"), "a hosted page must be a URL")
            }
        }
        assert!(!session.kind().is_empty());
    }
    match checkout
        .start_checkout(StartCheckout::pay(Money::zero(Currency::USD)))
        .await
    {
        Err(Error::InvalidInput { field, .. }) => assert!(
            field == "amount" || field == "purpose",
            "a zero-amount checkout names `amount` (or `purpose` when paying an amount is not served), named `{field}`"
        ),
        other => panic!("a zero-amount checkout must be refused, got {other:?}"),
    }
}

/// [`PatientBilling`]: verify returns a balance whose `total_outstanding` is the sum of the
/// payable charges; a settle of nothing or of a zero amount is refused before any I/O.
pub async fn patient_billing(billing: &dyn PatientBilling, verify: VerifyPatient) {
    let balance = billing
        .verify_patient_balance(verify)
        .await
        .expect("verify the patient");
    let currency = balance.total_outstanding.currency();
    let payable: i64 = payable(&balance.charges)
        .map(|c| c.total_outstanding.minor_units())
        .sum();
    assert_eq!(
        balance.total_outstanding,
        Money::from_minor(payable, currency),
        "total_outstanding must be the sum of the payable charges"
    );
    expect_invalid(
        "settle with no charges",
        billing
            .settle_charges_from_credit(SettleChargesFromCredit::new(
                Money::from_minor(100, currency),
                vec![],
            ))
            .await,
        "charges",
    );
    if payable > 0 {
        expect_invalid(
            "settle a zero amount",
            billing
                .settle_charges_from_credit(SettleChargesFromCredit::new(
                    Money::zero(currency),
                    balance.charges.clone(),
                ))
                .await,
            "amount",
        );
        expect_invalid(
            "settle more than is payable",
            billing
                .settle_charges_from_credit(SettleChargesFromCredit::new(
                    Money::from_minor(payable + 1, currency),
                    balance.charges,
                ))
                .await,
            "amount",
        );
    }
}
