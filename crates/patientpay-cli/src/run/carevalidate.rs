//! CareValidate's own commands: `payment-intents create`, `payment-info update|complete`,
//! `cases pay` (inherent methods of its client, outside the shared capabilities).

use patientpay::carevalidate::{CompletePaymentSetup, CreateCasePayment};
use patientpay::{
    Address, CheckoutMethodKind, CreatePaymentIntent, Currency, Money, Operation, UpdatePaymentInfo,
};
use serde_json::{Value, json};

use super::input::flag_for_field;
use super::{Failure, answer, rfc3339, to_json, unsupported};
use crate::cli::{CasesCommand, PaymentInfoCommand, PaymentIntentsCommand, ProviderName};
use crate::providers::{Client, Needs};

/// A CareValidate command, validated.
pub(super) enum Call {
    Intent(CreatePaymentIntent),
    Update(Box<UpdatePaymentInfo>),
    Complete(Box<CompletePaymentSetup>),
    CasePay(Box<CreateCasePayment>),
}

impl Call {
    pub(super) fn needs(&self) -> Needs {
        const CAREVALIDATE: &[ProviderName] = &[ProviderName::Carevalidate];
        match self {
            Call::Complete(_) => Needs::Only("payment setup completion", CAREVALIDATE),
            Call::CasePay(_) => Needs::Only("case payments", CAREVALIDATE),
            Call::Intent(_) => Needs::Only("payment intents", CAREVALIDATE),
            Call::Update(_) => Needs::Only("payment-info updates", CAREVALIDATE),
        }
    }

    fn operation(&self) -> Operation {
        match self {
            Call::Intent(_) => Operation::CreatePaymentIntent,
            Call::Update(_) => Operation::UpdatePaymentInfo,
            Call::Complete(_) => Operation::CompletePaymentSetup,
            Call::CasePay(_) => Operation::CreateCasePayment,
        }
    }
}

pub(super) fn parse_intents(command: &PaymentIntentsCommand) -> Result<Call, Failure> {
    Ok(match command {
        PaymentIntentsCommand::Create {
            amount,
            currency,
            method_types,
        } => {
            let currency = Currency::from_code(currency)?;
            let amount = Money::parse_positive("--amount", amount, currency)?;
            let types = method_types
                .iter()
                .map(|t| CheckoutMethodKind::from_wire(t.trim()));
            let req = CreatePaymentIntent::new(amount).with_payment_method_types(types);
            req.validate()?;
            Call::Intent(req)
        }
    })
}

pub(super) fn parse_payment_info(command: &PaymentInfoCommand) -> Result<Call, Failure> {
    Ok(match command {
        PaymentInfoCommand::Update(a) => {
            let mut address = Address::new(&a.line1, &a.city, &a.state, &a.postal_code, &a.country);
            address.line2 = a.line2.clone().filter(|l| !l.is_empty());
            let req = UpdatePaymentInfo::new(&a.email, &a.stripe_setup_id, &a.nmi_token, address);
            req.validate().map_err(flag_for_field)?;
            Call::Update(Box::new(req))
        }
        PaymentInfoCommand::Complete(a) => {
            let mut address = Address::new(&a.line1, &a.city, &a.state, &a.postal_code, &a.country);
            address.line2 = a.line2.clone().filter(|l| !l.is_empty());
            let req = CompletePaymentSetup::new(&a.stripe_setup_id, address);
            req.validate().map_err(flag_for_field)?;
            Call::Complete(Box::new(req))
        }
    })
}

pub(super) fn parse_cases(command: &CasesCommand) -> Result<Call, Failure> {
    Ok(match command {
        CasesCommand::Pay {
            case_id,
            amount,
            description,
            idempotency_key,
        } => {
            let amount = Money::parse_positive("--amount", amount, Currency::USD)?;
            let mut req = CreateCasePayment::new(case_id, amount, description);
            if let Some(k) = idempotency_key {
                req = req.with_idempotency_key(k.clone());
            }
            req.validate().map_err(flag_for_field)?;
            Call::CasePay(Box::new(req))
        }
    })
}

pub(super) async fn execute(client: &Client, call: Call) -> Result<Value, Failure> {
    let Client::CareValidate(cv) = client else {
        return Err(unsupported(client.provider(), call.operation()));
    };
    Ok(match call {
        Call::Intent(r) => {
            let intent = cv.create_payment_intent(r).await.map_err(flag_for_field)?;
            // Handing the client secret to a browser is the point of this call, so it is
            // printed; it is never logged.
            let mut out = json!({
                "client_secret": intent.client_secret.expose_secret(),
                "amount": intent.amount,
            });
            if let Some(id) = intent.client_secret.payment_intent_id() {
                out["payment_intent_id"] = json!(id);
            }
            out
        }
        Call::Update(r) => answer(cv.update_payment_info(*r)).await?,
        Call::Complete(r) => {
            let done = cv
                .complete_payment_setup(*r)
                .await
                .map_err(flag_for_field)?;
            json!({ "completed": true, "vendor_data": to_json(&done.vendor_data)? })
        }
        Call::CasePay(r) => {
            let p = cv.create_case_payment(*r).await.map_err(flag_for_field)?;
            let mut out = json!({
                "payment_id": p.payment_id,
                "amount": p.amount,
                "idempotency_key": p.idempotency_key,
            });
            if let Some(s) = &p.status {
                out["status"] = to_json(s)?;
            }
            if let Some(t) = p.created_at {
                out["created_at"] = rfc3339(t)?;
            }
            if let Some(m) = &p.message {
                out["message"] = json!(m);
            }
            out
        }
    })
}
