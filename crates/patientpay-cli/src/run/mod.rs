//! Running one command: validate input, pick the vendor (refusing one that lacks what the
//! command needs, before any configuration is read), build the client, call it, and shape
//! the JSON answer. Absent fields are omitted from every answer.
//!
//! One file per command family: `methods.rs` (payment-methods), `carevalidate.rs`
//! (payment-intents, payment-info, cases), `login.rs`, `checkout.rs`, `billing.rs` (patients,
//! charges, payments, reconcile) and `sandbox.rs`; `input.rs` reads what the user typed
//! (ids, files) and names the flag of a refused field. Each family parses its commands into
//! its own call and executes it; this file holds the failure and its exit code, and the
//! dispatch.

use patientpay::{Capability, Error, Operation, PaymentProvider, StartCheckout};
use serde_json::Value;

use crate::cli::{Cli, Command, ProviderName};
use crate::failure::{Failure, usage};
use crate::providers::{self, Client, Needs};

mod billing;
mod carevalidate;
mod checkout;
mod input;
mod login;
mod methods;
mod sandbox;

use input::flag_for_field;

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(|e| Failure {
        message: format!("cannot format the answer as JSON: {e}"),
        code: 1,
    })
}

/// What a capability call answered, as JSON; a refused field is named by its flag.
async fn answer<T: serde::Serialize>(
    call: impl Future<Output = patientpay::Result<T>>,
) -> Result<Value, Failure> {
    to_json(&call.await.map_err(flag_for_field)?)
}

/// The failure of a call the vendor has no API for.
fn unsupported(provider: &dyn PaymentProvider, operation: Operation) -> Failure {
    Failure::from(Error::unsupported(provider.name(), operation))
}

/// A vendor command, validated: one variant per command family.
enum Call {
    Methods(methods::Call),
    CareValidate(carevalidate::Call),
    Login(login::Login),
    Checkout(StartCheckout),
    Billing(billing::Call),
}

impl Call {
    fn needs(&self) -> Needs {
        match self {
            Call::Methods(_) => Needs::Capability(Capability::PaymentMethods),
            Call::CareValidate(c) => c.needs(),
            Call::Login(_) => Needs::Only("patient login", &[ProviderName::Careportals]),
            Call::Checkout(r) => checkout::needs(r),
            Call::Billing(_) => Needs::Capability(Capability::PatientBilling),
        }
    }

    /// Whether the call names no patient where Decoda needs one.
    fn lacks_patient(&self) -> bool {
        match self {
            Call::Methods(c) => c.lacks_patient(),
            Call::Checkout(r) => checkout::lacks_patient(r),
            _ => false,
        }
    }
}

fn parse(cli: &Cli) -> Result<Option<Call>, Failure> {
    Ok(Some(match &cli.command {
        Command::Demo | Command::Sandbox(_) | Command::Webhooks(_) => return Ok(None),
        Command::PaymentMethods(c) => Call::Methods(methods::parse(c)?),
        Command::PaymentIntents(c) => Call::CareValidate(carevalidate::parse_intents(c)?),
        Command::PaymentInfo(c) => Call::CareValidate(carevalidate::parse_payment_info(c)?),
        Command::Cases(c) => Call::CareValidate(carevalidate::parse_cases(c)?),
        Command::Login(args) => Call::Login(login::parse(args)?),
        Command::Checkout(c) => Call::Checkout(checkout::parse(c)?),
        Command::Patients(c) => Call::Billing(billing::parse_patients(c)?),
        Command::Charges(c) => Call::Billing(billing::parse_charges(c)?),
        Command::Payments(c) => Call::Billing(billing::parse_payments(c)?),
    }))
}

pub async fn run(cli: Cli) -> Result<Option<Value>, Failure> {
    match &cli.command {
        Command::Demo => return crate::demo::run().await.map(|()| None),
        Command::Webhooks(w) => return crate::webhooks::run(w, &cli).await,
        Command::Sandbox(args) => {
            return sandbox::run(args.port, args.seed.as_deref())
                .await
                .map(|()| None);
        }
        _ => {}
    }
    let Some(call) = parse(&cli)? else {
        return Ok(None);
    };
    let name = providers::pick(cli.provider, call.needs()).map_err(usage)?;
    if name == ProviderName::Decoda && call.lacks_patient() {
        return Err(usage(
            "invalid input for `--patient-id`: decoda needs the patient: pass --patient-id P",
        ));
    }
    let client = providers::build(&cli, name)?;
    execute(&client, call).await.map(Some)
}

async fn execute(client: &Client, call: Call) -> Result<Value, Failure> {
    match call {
        Call::Methods(c) => methods::execute(client.provider(), c).await,
        Call::CareValidate(c) => carevalidate::execute(client, c).await,
        Call::Login(l) => login::execute(client, l).await,
        Call::Checkout(r) => checkout::execute(client.provider(), r).await,
        Call::Billing(c) => billing::execute(client.provider(), c).await,
    }
}

fn rfc3339(t: patientpay::time::OffsetDateTime) -> Result<Value, Failure> {
    t.format(&patientpay::time::format_description::well_known::Rfc3339)
        .map(Value::String)
        .map_err(|e| Failure {
            message: format!("cannot format a time as RFC 3339: {e}"),
            code: 1,
        })
}
