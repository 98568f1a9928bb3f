//! `checkout start`: the [`Checkout`](patientpay::Checkout) capability; the flags say which
//! kind of session is wanted, and each kind has one vendor.

use patientpay::{
    Capability, CheckoutMethodKind, CheckoutPurpose, CheckoutSession, Currency, Money, Operation,
    PaymentProvider, StartCheckout,
};
use serde_json::{Value, json};

use super::input::{flag_for_field, patient, read_charges};
use super::{Failure, unsupported, usage};
use crate::cli::{CheckoutCommand, ProviderName};
use crate::providers::Needs;

pub(super) fn parse(command: &CheckoutCommand) -> Result<StartCheckout, Failure> {
    Ok(match command {
        CheckoutCommand::Start {
            amount,
            currency,
            method_types,
            setup,
            patient_id,
            charges,
            phone,
        } => {
            let purpose = match (amount, setup, charges, phone) {
                (Some(amount), false, None, None) => {
                    let currency = Currency::from_code(currency)?;
                    CheckoutPurpose::Pay {
                        amount: Money::parse_positive("--amount", amount, currency)?,
                        method_kinds: method_types
                            .iter()
                            .map(|t| CheckoutMethodKind::from_wire(t.trim()))
                            .collect(),
                    }
                }
                (None, true, None, None) => CheckoutPurpose::SaveForLater {
                    email: None,
                    phone: None,
                },
                (None, false, Some(path), None) => CheckoutPurpose::PayCharges {
                    charges: read_charges(path)?,
                    amount: None,
                },
                (None, false, None, Some(phone)) => CheckoutPurpose::PayOutstanding {
                    phone: phone.clone(),
                },
                _ => {
                    return Err(usage(
                        "invalid input for `checkout start`: pass exactly one of --amount A, --setup (CareValidate), --charges FILE with --patient-id P, or --phone P (Decoda)",
                    ));
                }
            };
            let mut req = StartCheckout::new(purpose);
            req.patient = patient(patient_id)?;
            req
        }
    })
}

pub(super) fn needs(request: &StartCheckout) -> Needs {
    const CAREVALIDATE: &[ProviderName] = &[ProviderName::Carevalidate];
    const DECODA: &[ProviderName] = &[ProviderName::Decoda];
    match &request.purpose {
        CheckoutPurpose::Pay { .. } => Needs::Only("checkout start --amount", CAREVALIDATE),
        CheckoutPurpose::SaveForLater { .. } => Needs::Only("checkout start --setup", CAREVALIDATE),
        CheckoutPurpose::PayCharges { .. } => Needs::Only("checkout start --charges", DECODA),
        CheckoutPurpose::PayOutstanding { .. } => Needs::Only("checkout start --phone", DECODA),
        _ => Needs::Capability(Capability::Checkout),
    }
}

/// Whether charges are to be paid with no patient named (Decoda needs one).
pub(super) fn lacks_patient(request: &StartCheckout) -> bool {
    matches!(request.purpose, CheckoutPurpose::PayCharges { .. }) && request.patient.is_none()
}

pub(super) async fn execute(
    provider: &dyn PaymentProvider,
    request: StartCheckout,
) -> Result<Value, Failure> {
    let checkout = provider
        .checkout()
        .ok_or_else(|| unsupported(provider, Operation::StartCheckout))?;
    let session = checkout
        .start_checkout(request)
        .await
        .map_err(flag_for_field)?;
    Ok(session_json(&session))
}

/// A checkout session as JSON, with its `kind`. The secret is printed: handing it to the
/// browser is the point of the call (it is never logged).
fn session_json(session: &CheckoutSession) -> Value {
    let mut out = json!({ "kind": session.kind() });
    match session {
        CheckoutSession::ClientSecret {
            secret,
            amount,
            message,
            ..
        } => {
            out["client_secret"] = json!(secret.expose_secret());
            if let Some(id) = secret.payment_intent_id() {
                out["payment_intent_id"] = json!(id);
            }
            if let Some(a) = amount {
                out["amount"] = json!(a);
            }
            if let Some(m) = message {
                out["message"] = json!(m);
            }
        }
        CheckoutSession::ComponentSession {
            session_key,
            config_id,
            sandbox,
            amount,
        } => {
            out["session_key"] = json!(session_key.expose_secret());
            out["payin_config_id"] = json!(config_id);
            out["sandbox"] = json!(sandbox);
            if let Some(a) = amount {
                out["amount"] = json!(a);
            }
        }
        CheckoutSession::HostedPage { url, outstanding } => {
            out["url"] = json!(url);
            if let Some(o) = outstanding {
                out["outstanding"] = json!(o);
            }
        }
        _ => {}
    }
    out
}
