//! Unit-testing your own code with `MockPaymentMethods` (feature `mock`): one mock per
//! capability, so the code under test takes the capability it needs.
//!
//! `cargo run -p patientpay --example testing_with_mock`

use patientpay::{
    CardBrand, ListPaymentMethods, MockPaymentMethods, PaymentMethodKind, PaymentMethods,
    Processor, Result, SavedPaymentMethod,
};

/// The code under test: does this patient have a card that has not expired?
async fn has_usable_card(methods: &dyn PaymentMethods, year: u16, month: u8) -> Result<bool> {
    let methods = methods
        .list_payment_methods(ListPaymentMethods::new())
        .await?;
    Ok(methods.iter().any(|m| {
        m.kind == PaymentMethodKind::Card
            && matches!((m.exp_year, m.exp_month), (Some(y), Some(mo)) if (y, mo) >= (year, month))
    }))
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut mock = MockPaymentMethods::new();
    mock.expect_list_payment_methods().times(1).returning(|_| {
        let mut card = SavedPaymentMethod::new(PaymentMethodKind::Card, Processor::Stripe);
        card.brand = Some(CardBrand::Visa);
        card.last4 = Some("4242".into());
        card.exp_month = Some(4);
        card.exp_year = Some(2029);
        Ok(vec![card])
    });
    let usable = has_usable_card(&mock, 2026, 11).await?;
    assert!(usable);
    println!("has_usable_card with a mocked Visa expiring 4/2029: {usable}");

    let mut expired = MockPaymentMethods::new();
    expired
        .expect_list_payment_methods()
        .returning(|_| Ok(Vec::new()));
    println!(
        "with an empty wallet: {}",
        has_usable_card(&expired, 2026, 11).await?
    );
    Ok(())
}
