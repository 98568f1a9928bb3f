//! Running one command: validate input, refuse what the provider lacks, build the provider,
//! call it, and shape the JSON answer.

use std::net::SocketAddr;

use patientpay::{
    AddPaymentMethod, Address, Charge, CreatePaymentIntent, Currency, Error, ListPaymentMethods,
    Money, Operation, PaymentMethodType, RemovePaymentMethod, SettleChargesFromCredit,
    UpdatePaymentInfo, VerifyPatient,
};
use serde_json::{Value, json};

use crate::cli::{
    ChargesCommand, Cli, Command, PatientsCommand, PaymentInfoCommand, PaymentIntentsCommand,
    PaymentMethodsCommand,
};
use crate::providers;

/// A failed command: the one line for stderr and the exit code.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure {
            code: if e.is_usage() { 2 } else { 1 },
            message: e.to_string(),
        }
    }
}

fn usage(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        code: 2,
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(|e| Failure {
        message: format!("cannot format the answer as JSON: {e}"),
        code: 1,
    })
}

/// The operation a vendor command needs, and its fully validated request.
enum Call {
    List(ListPaymentMethods),
    Add(AddPaymentMethod),
    Remove(RemovePaymentMethod),
    Intent(CreatePaymentIntent),
    Update(Box<UpdatePaymentInfo>),
    Verify(VerifyPatient),
    Settle(SettleChargesFromCredit),
}

impl Call {
    fn operation(&self) -> Operation {
        match self {
            Call::List(_) => Operation::ListPaymentMethods,
            Call::Add(_) => Operation::AddPaymentMethod,
            Call::Remove(_) => Operation::RemovePaymentMethod,
            Call::Intent(_) => Operation::CreatePaymentIntent,
            Call::Update(_) => Operation::UpdatePaymentInfo,
            Call::Verify(_) => Operation::VerifyPatientBalance,
            Call::Settle(_) => Operation::SettleChargesFromCredit,
        }
    }
}

pub async fn run(cli: Cli) -> Result<Option<Value>, Failure> {
    let call = match &cli.command {
        Command::Demo => return crate::demo::run().await.map(|()| None),
        Command::Sandbox(args) => {
            return run_sandbox(args.port, args.seed.as_deref())
                .await
                .map(|()| None);
        }
        Command::PaymentMethods(PaymentMethodsCommand::List) => {
            Call::List(ListPaymentMethods::new())
        }
        Command::PaymentMethods(PaymentMethodsCommand::Add { token }) => {
            let req = AddPaymentMethod::new(token.clone());
            req.validate()?;
            Call::Add(req)
        }
        Command::PaymentMethods(PaymentMethodsCommand::Remove { id }) => {
            let req = RemovePaymentMethod::new(id.clone());
            req.validate()?;
            Call::Remove(req)
        }
        Command::PaymentIntents(PaymentIntentsCommand::Create {
            amount,
            currency,
            method_types,
        }) => {
            let currency = Currency::from_code(currency)?;
            let amount = Money::parse_positive("--amount", amount, currency)?;
            let types = method_types
                .iter()
                .map(|t| PaymentMethodType::from_wire(t.trim()));
            let req = CreatePaymentIntent::new(amount).with_payment_method_types(types);
            req.validate()?;
            Call::Intent(req)
        }
        Command::PaymentInfo(PaymentInfoCommand::Update(a)) => {
            let mut address = Address::new(&a.line1, &a.city, &a.state, &a.postal_code, &a.country);
            address.line2 = a.line2.clone().filter(|l| !l.is_empty());
            Call::Update(Box::new(UpdatePaymentInfo::new(
                &a.email,
                &a.stripe_setup_id,
                &a.nmi_token,
                address,
            )))
        }
        Command::Patients(PatientsCommand::Verify {
            patient_id,
            last_name,
            phone,
            dob,
        }) => {
            let dob = patientpay::parse_date("--dob", dob)?;
            let req = VerifyPatient::new(patient_id, last_name, phone, dob);
            req.validate()?;
            Call::Verify(req)
        }
        Command::Charges(ChargesCommand::SettleCredit {
            amount,
            charges,
            credit_ids,
        }) => {
            let charges = read_charges(charges)?;
            let currency = charges
                .first()
                .map(|c| c.total_outstanding.currency())
                .unwrap_or(Currency::USD);
            let amount = Money::parse_positive("--amount", amount, currency)?;
            let req = SettleChargesFromCredit::new(amount, charges)
                .with_credit_ids(credit_ids.iter().cloned());
            req.validate()?;
            Call::Settle(req)
        }
    };

    let Some(name) = cli.provider else {
        return Err(usage(
            "no provider: pass --provider careportals|carevalidate|decoda or set PATIENTPAY_PROVIDER",
        ));
    };
    let op = call.operation();
    if !providers::capabilities(name).supports(op) {
        return Err(Error::unsupported(name.as_str(), op).into());
    }
    let provider = providers::build(&cli, name)?;
    let out = execute(provider.as_ref(), call).await?;
    Ok(Some(out))
}

async fn execute(provider: &dyn patientpay::PaymentProvider, call: Call) -> Result<Value, Failure> {
    Ok(match call {
        Call::List(r) => to_json(&provider.list_payment_methods(r).await?)?,
        Call::Add(r) => to_json(&provider.add_payment_method(r).await?)?,
        Call::Remove(r) => to_json(&provider.remove_payment_method(r).await?)?,
        Call::Intent(r) => {
            let intent = provider.create_payment_intent(r).await?;
            // Handing the client secret to a browser is the point of this call, so it is
            // printed; it is never logged.
            json!({
                "client_secret": intent.client_secret.expose_secret(),
                "payment_intent_id": intent.client_secret.payment_intent_id(),
                "amount": intent.amount,
            })
        }
        Call::Update(r) => to_json(&provider.update_payment_info(*r).await?)?,
        Call::Verify(r) => to_json(&provider.verify_patient_balance(r).await?)?,
        Call::Settle(r) => to_json(&provider.settle_charges_from_credit(r).await?)?,
    })
}

fn read_charges(path: &std::path::Path) -> Result<Vec<Charge>, Failure> {
    let bytes = std::fs::read(path).map_err(|e| {
        usage(format!(
            "invalid input for `--charges`: cannot read {}: {e}",
            path.display()
        ))
    })?;
    // The file is what `patients verify` printed: either the whole document or its
    // `charges` array. Decoding errors never echo values (they may be PHI).
    let value: Value = patientpay::http::decode_json(&bytes)
        .map_err(|e| usage(format!("invalid input for `--charges`: {e}")))?;
    let array = match value {
        Value::Object(mut o) if o.contains_key("charges") => {
            o.remove("charges").unwrap_or(Value::Null)
        }
        other => other,
    };
    let bytes = serde_json::to_vec(&array)
        .map_err(|e| usage(format!("invalid input for `--charges`: {e}")))?;
    patientpay::http::decode_json::<Vec<Charge>>(&bytes).map_err(|e| {
        usage(format!(
            "invalid input for `--charges`: not a charges array as `patients verify` prints it: {e}"
        ))
    })
}

async fn run_sandbox(port: u16, seed: Option<&std::path::Path>) -> Result<(), Failure> {
    let seed = match seed {
        Some(path) => patientpay_sandbox::Seed::from_json_file(path).map_err(|e| {
            usage(format!(
                "invalid input for `--seed`: {}: {e}",
                path.display()
            ))
        })?,
        None => patientpay_sandbox::Seed::default(),
    };
    let sandbox = patientpay_sandbox::Sandbox::start_on(
        SocketAddr::from(([127, 0, 0, 1], port)),
        seed.clone(),
    )
    .await
    .map_err(|e| Failure {
        message: format!("cannot start the sandbox on 127.0.0.1:{port}: {e}"),
        code: 1,
    })?;
    let info = crate::demo::sandbox_info(&sandbox, &seed);
    println!(
        "{}",
        serde_json::to_string_pretty(&info).unwrap_or_default()
    );
    eprintln!(
        "sandbox listening on {} (all three vendors); try:\n  PATIENTPAY_PROVIDER=decoda DECODA_API_KEY={} DECODA_TENANT={} patientpay --base-url {} patients verify ...\nCtrl-C stops it.",
        sandbox.base_url(),
        patientpay_sandbox::credentials::DECODA_API_KEY,
        patientpay_sandbox::credentials::DECODA_TENANT,
        sandbox.base_url()
    );
    let _ = tokio::signal::ctrl_c().await;
    eprintln!("stopping the sandbox");
    sandbox.shutdown().await;
    Ok(())
}
