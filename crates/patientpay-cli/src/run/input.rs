//! What the user typed: `--patient-id`, the JSON files (`--charges`, `--rainforest-method`),
//! and the flag to name when the SDK refuses a field.

use patientpay::{Charge, Error, PatientRef};
use serde_json::Value;

use super::{Failure, usage};

/// `--patient-id`, checked as an id the vendor can hold (named by its flag).
pub(super) fn patient(id: &Option<String>) -> Result<Option<PatientRef>, Failure> {
    match id {
        Some(id) => {
            patientpay::domain::check_id("--patient-id", id)?;
            Ok(Some(PatientRef::id(id.clone())))
        }
        None => Ok(None),
    }
}

/// Names the flag the user typed instead of the SDK's field.
pub(super) fn flag_for_field(e: Error) -> Error {
    match e {
        Error::InvalidInput { field, reason } => {
            let flag = match field.as_ref() {
                "date_of_birth" => "--dob".to_owned(),
                "nmi_payment_token" => "--nmi-token".to_owned(),
                "stripe_setup_id" => "--stripe-setup-id".to_owned(),
                "payment_method_id" => "--payment-method-id".to_owned(),
                "credit_ids" => "--credit-id".to_owned(),
                "patient_id" | "patient" => "--patient-id".to_owned(),
                // `payment-methods remove ID`: the positional argument.
                "id" => "ID".to_owned(),
                "last_name" => "--last-name".to_owned(),
                f if f.starts_with("shipping_address.") => {
                    format!("--{}", f["shipping_address.".len()..].replace('_', "-"))
                }
                f if f.starts_with("--") => f.to_owned(),
                f => format!("--{}", f.replace('_', "-")),
            };
            Error::invalid_input(flag, reason)
        }
        other => other,
    }
}

pub(super) fn rename_field(e: Error, from: &str, to: &'static str) -> Error {
    match e {
        Error::InvalidInput { field, reason } if field == from => Error::invalid_input(to, reason),
        other => flag_for_field(other),
    }
}

pub(super) fn read_json<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
    flag: &str,
) -> Result<T, Failure> {
    let bytes = std::fs::read(path).map_err(|e| {
        usage(format!(
            "invalid input for `{flag}`: cannot read {}: {e}",
            path.display()
        ))
    })?;
    patientpay::pipeline::decode_json(&bytes)
        .map_err(|e| usage(format!("invalid input for `{flag}`: {e}")))
}

pub(super) fn read_charges(path: &std::path::Path) -> Result<Vec<Charge>, Failure> {
    // The file is what `patients verify` printed: either the whole document or its
    // `charges` array. Decoding errors never echo values (they may be PHI).
    let value: Value = read_json(path, "--charges")?;
    let array = match value {
        Value::Object(mut o) if o.contains_key("charges") => {
            o.remove("charges").unwrap_or(Value::Null)
        }
        other => other,
    };
    let bytes = serde_json::to_vec(&array)
        .map_err(|e| usage(format!("invalid input for `--charges`: {e}")))?;
    patientpay::pipeline::decode_json::<Vec<Charge>>(&bytes).map_err(|e| {
        usage(format!(
            "invalid input for `--charges`: not a charges array as `patients verify` prints it: {e}"
        ))
    })
}
