//! A patient's wallet on CarePortals: list, save a card, remove it — one shared client,
//! a cheap handle per patient.
//!
//! `cargo run -p patientpay --example careportals_wallet` (runs against the embedded sandbox).

use patientpay::careportals::CarePortalsBuilder;
use patientpay::{AddPaymentMethod, ListPaymentMethods, PaymentMethods, RemovePaymentMethod};
use patientpay_sandbox::{Sandbox, credentials};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start().await?;

    // One client (one connection pool) for the whole backend...
    let client = CarePortalsBuilder::new()
        .with_token(credentials::CAREPORTALS_TOKEN)
        .with_origin(credentials::CAREPORTALS_ORIGIN)
        .with_base_url(sandbox.base_url())
        .build()?;
    // ...and a cheap handle per patient, carrying that patient's JWT (here: JWTs the
    // sandbox signs, as CarePortals' login would issue them).
    let alice = client.for_patient(credentials::careportals_token_for("patient-alice"));
    let bob = client.for_patient(credentials::careportals_token_for("patient-bob"));

    let card = alice
        .add_payment_method(AddPaymentMethod::new("pm_card_visa"))
        .await?;
    println!(
        "alice saved {:?} ending {}",
        card.brand,
        card.last4.as_deref().unwrap_or("?")
    );
    bob.add_payment_method(AddPaymentMethod::new("pm_card_amex"))
        .await?;

    for (name, patient) in [("alice", &alice), ("bob", &bob)] {
        let methods = patient
            .list_payment_methods(ListPaymentMethods::new())
            .await?;
        println!("{name}: {} saved method(s)", methods.len());
    }

    // The add answer has no id for a Stripe test token (Stripe creates a new PaymentMethod):
    // find the saved card in the list.
    let saved = alice
        .list_payment_methods(ListPaymentMethods::new())
        .await?;
    let id = card.id.or_else(|| {
        saved
            .iter()
            .find(|m| m.last4 == card.last4)
            .and_then(|m| m.id.clone())
    });
    if let Some(id) = id {
        alice
            .remove_payment_method(RemovePaymentMethod::new(id))
            .await?;
        let left = alice
            .list_payment_methods(ListPaymentMethods::new())
            .await?;
        println!("alice after removal: {} saved method(s)", left.len());
    }

    // A declined card is an error that says so.
    if let Err(e) = alice
        .add_payment_method(AddPaymentMethod::new("pm_card_chargeDeclined"))
        .await
    {
        println!("declined: {e}");
    }
    Ok(())
}
