//! `payment-methods list|add|remove`: the [`PaymentMethods`](patientpay::PaymentMethods)
//! capability.

use patientpay::{
    AddPaymentMethod, ListPaymentMethods, Operation, PaymentProvider, Processor,
    RemovePaymentMethod, VendorData,
};
use serde_json::Value;

use super::input::{flag_for_field, patient, read_json, rename_field};
use super::{Failure, answer, unsupported, usage};
use crate::cli::PaymentMethodsCommand;

/// A payment-methods command, validated.
pub(super) enum Call {
    List(ListPaymentMethods),
    Add(AddPaymentMethod),
    Remove(RemovePaymentMethod),
}

impl Call {
    /// Whether no patient is named (Decoda needs one).
    pub(super) fn lacks_patient(&self) -> bool {
        match self {
            Call::List(r) => r.patient.is_none(),
            Call::Add(r) => r.patient.is_none(),
            Call::Remove(r) => r.patient.is_none(),
        }
    }
}

pub(super) fn parse(command: &PaymentMethodsCommand) -> Result<Call, Failure> {
    Ok(match command {
        PaymentMethodsCommand::List { patient_id } => {
            let mut req = ListPaymentMethods::new();
            req.patient = patient(patient_id)?;
            Call::List(req)
        }
        PaymentMethodsCommand::Add {
            token,
            rainforest_method,
            patient_id,
        } => {
            let mut req = match (token, rainforest_method) {
                (Some(token), None) => AddPaymentMethod::new(token.clone()),
                (None, Some(path)) => {
                    let object: VendorData = read_json(path, "--rainforest-method")?;
                    AddPaymentMethod::from_processor_object(Processor::Rainforest, object)
                }
                _ => {
                    return Err(usage(
                        "invalid input for `--token`: pass --token TOKEN (CarePortals) or --rainforest-method FILE (Decoda)",
                    ));
                }
            };
            if let Some(p) = patient(patient_id)? {
                req = req.for_patient(p);
            }
            req.validate()
                .map_err(|e| rename_field(e, "token", "--token"))?;
            Call::Add(req)
        }
        PaymentMethodsCommand::Remove { id, patient_id } => {
            let mut req = RemovePaymentMethod::new(id.clone());
            if let Some(p) = patient(patient_id)? {
                req = req.for_patient(p);
            }
            req.validate().map_err(flag_for_field)?;
            Call::Remove(req)
        }
    })
}

pub(super) async fn execute(provider: &dyn PaymentProvider, call: Call) -> Result<Value, Failure> {
    let operation = match &call {
        Call::List(_) => Operation::ListPaymentMethods,
        Call::Add(_) => Operation::AddPaymentMethod,
        Call::Remove(_) => Operation::RemovePaymentMethod,
    };
    let methods = provider
        .payment_methods()
        .ok_or_else(|| unsupported(provider, operation))?;
    match call {
        Call::List(r) => answer(methods.list_payment_methods(r)).await,
        Call::Add(r) => answer(methods.add_payment_method(r)).await,
        Call::Remove(r) => answer(methods.remove_payment_method(r)).await,
    }
}
