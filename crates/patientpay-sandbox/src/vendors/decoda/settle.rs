//! Settling charges from patient credit (`create-patient-credit-settled`) and the
//! validation of its `ChargeDetail-Input` list, shared with the payin config.

use serde::Serialize;
use serde_json::{Value, json};

use super::*;

/// One charge of a settle or payin-config body (`ChargeSummary-Input`), after validation.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ChargeRef {
    /// An existing charge's id; `None` creates the charge when paid.
    pub id: Option<String>,
    /// The patient.
    pub patient_id: String,
    /// Total, in cents.
    pub total: i64,
    /// Outstanding, in cents.
    pub total_outstanding: i64,
    /// Description.
    pub description: Option<String>,
}

pub(super) fn validate_settle_body(body: &Value) -> Result<Vec<ChargeRef>, Vec<Value>> {
    let Some(list) = body.as_array() else {
        return Err(vec![verr(
            "list_type",
            vec![json!("body")],
            "Input should be a valid list",
            body,
        )]);
    };
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (i, c) in list.iter().enumerate() {
        let at = |field: &str| vec![json!("body"), json!(i), json!(field)];
        let Some(obj) = c.as_object() else {
            errors.push(verr(
                "model_attributes_type",
                vec![json!("body"), json!(i)],
                "Input should be a valid dictionary or object to extract fields from",
                c,
            ));
            continue;
        };
        let patient_id = match obj.get("patientId") {
            Some(Value::String(s)) => Some(s.clone()),
            None => {
                errors.push(verr("missing", at("patientId"), "Field required", c));
                None
            }
            Some(other) => {
                errors.push(verr(
                    "string_type",
                    at("patientId"),
                    "Input should be a valid string",
                    other,
                ));
                None
            }
        };
        let int_field = |name: &str, required: bool, errors: &mut Vec<Value>| -> Option<i64> {
            match obj.get(name) {
                Some(v) if v.is_i64() => v.as_i64(),
                None if !required => Some(0),
                None => {
                    errors.push(verr("missing", at(name), "Field required", c));
                    None
                }
                Some(other) => {
                    errors.push(verr(
                        "int_type",
                        at(name),
                        "Input should be a valid integer",
                        other,
                    ));
                    None
                }
            }
        };
        let total_outstanding = int_field("totalOutstanding", true, &mut errors);
        let total = int_field("total", false, &mut errors);
        let id = match obj.get("id") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                errors.push(verr(
                    "string_type",
                    at("id"),
                    "Input should be a valid string",
                    other,
                ));
                None
            }
        };
        if let Some(status) = obj.get("status")
            && !status
                .as_str()
                .is_some_and(|s| CHARGE_STATUSES.contains(&s))
        {
            let expected: Vec<String> = CHARGE_STATUSES.iter().map(|s| format!("'{s}'")).collect();
            let (last, rest) = expected
                .split_last()
                .map(|(l, r)| (l.clone(), r.join(", ")))
                .unwrap_or_default();
            errors.push(verr(
                "enum",
                at("status"),
                &format!("Input should be {rest} or {last}"),
                status,
            ));
        }
        for list_field in ["items", "tips", "payments", "adjustments"] {
            if let Some(v) = obj.get(list_field)
                && !v.is_array()
            {
                errors.push(verr(
                    "list_type",
                    at(list_field),
                    "Input should be a valid list",
                    v,
                ));
            }
        }
        let description = obj
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let (Some(patient_id), Some(total_outstanding), Some(total)) =
            (patient_id, total_outstanding, total)
        {
            out.push(ChargeRef {
                id,
                patient_id,
                total,
                total_outstanding,
                description,
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

pub(super) fn settle(state: &mut State, req: &SandboxRequest) -> SandboxResponse {
    // FastAPI validates the query and the body together and lists every failure.
    let mut errors = Vec::new();
    let amount = match req.query_all("amount").first() {
        None => {
            errors.push(verr(
                "missing",
                vec![json!("query"), json!("amount")],
                "Field required",
                &Value::Null,
            ));
            None
        }
        Some(text) => match text.trim().parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(verr(
                    "int_parsing",
                    vec![json!("query"), json!("amount")],
                    "Input should be a valid integer, unable to parse string as an integer",
                    &json!(text),
                ));
                None
            }
        },
    };
    let credit_ids: Vec<String> = req
        .query_all("credit_ids")
        .into_iter()
        .map(str::to_owned)
        .collect();
    let charges = match json_body(req) {
        Err(resp) => return resp,
        Ok(body) => match validate_settle_body(&body) {
            Ok(c) => Some(c),
            Err(mut e) => {
                errors.append(&mut e);
                None
            }
        },
    };
    let (Some(amount), Some(charges), true) = (amount, charges, errors.is_empty()) else {
        return invalid(errors);
    };
    match apply_credit(state, amount, &credit_ids, &charges) {
        Ok(summary) => SandboxResponse::json(200, &summary),
        Err(resp) => resp,
    }
}

/// Checks everything, then changes the state: nothing changes when the answer is an error.
pub(super) fn apply_credit(
    state: &mut State,
    amount: i64,
    credit_ids: &[String],
    charges: &[ChargeRef],
) -> Result<Value, SandboxResponse> {
    if amount <= 0 {
        return Err(detail(400, "Amount must be greater than zero"));
    }
    let Some(first) = charges.first() else {
        return Err(detail(400, "At least one charge is required"));
    };
    if charges.iter().any(|c| c.patient_id != first.patient_id) {
        return Err(detail(400, "All charges must belong to the same patient"));
    }
    let Some(pi) = state.patients.iter().position(|p| p.id == first.patient_id) else {
        return Err(detail(404, "Patient not found"));
    };
    // Which stored charge each body charge is (None: a new charge to create).
    let mut targets: Vec<Option<usize>> = Vec::with_capacity(charges.len());
    let mut outstanding: i64 = 0;
    for c in charges {
        match &c.id {
            Some(id) => {
                let patient = &state.patients[pi];
                let Some(ci) = patient.charges.iter().position(|sc| sc.id == *id) else {
                    return Err(detail(404, &format!("Charge {id} not found")));
                };
                let stored = &patient.charges[ci];
                if stored.status != "OUTSTANDING" {
                    return Err(detail(400, &format!("Charge {id} is not outstanding")));
                }
                if targets.contains(&Some(ci)) {
                    return Err(detail(400, &format!("Charge {id} is listed twice")));
                }
                outstanding = outstanding.saturating_add(stored.total_outstanding);
                targets.push(Some(ci));
            }
            None => {
                if c.total_outstanding < 0 {
                    return Err(detail(400, "totalOutstanding must not be negative"));
                }
                outstanding = outstanding.saturating_add(c.total_outstanding);
                targets.push(None);
            }
        }
    }
    if amount > outstanding {
        return Err(detail(
            400,
            "Amount exceeds the outstanding balance of the charges",
        ));
    }
    // Credits to use, oldest first.
    let patient = &state.patients[pi];
    let mut usable: Vec<usize> = if credit_ids.is_empty() {
        (0..patient.credits.len()).collect()
    } else {
        let mut v = Vec::new();
        for id in credit_ids {
            let Some(k) = patient.credits.iter().position(|c| c.id == *id) else {
                return Err(detail(404, &format!("Credit {id} not found")));
            };
            if !v.contains(&k) {
                v.push(k);
            }
        }
        v
    };
    let today = now();
    usable.retain(|&k| patient.credits[k].amount > 0 && !is_expired(&patient.credits[k], &today));
    usable.sort_by(|&a, &b| {
        patient.credits[a]
            .created_date
            .cmp(&patient.credits[b].created_date)
    });
    let available: i64 = usable.iter().map(|&k| patient.credits[k].amount).sum();
    if amount > available {
        return Err(detail(400, "Insufficient credit balance"));
    }

    // Apply.
    let payment_id = state.fresh_id("pay");
    let created = now();
    let creating = charges.iter().filter(|c| c.id.is_none()).count();
    let new_ids: Vec<String> = (0..creating).map(|_| state.fresh_id("ch")).collect();
    let patient = &mut state.patients[pi];
    let mut left = amount;
    let mut credits_used = Vec::new();
    for &k in &usable {
        let take = left.min(patient.credits[k].amount);
        patient.credits[k].amount -= take;
        left -= take;
        if take > 0 {
            credits_used.push((patient.credits[k].id.clone(), take));
        }
        if left == 0 {
            break;
        }
    }
    let template = SeedPayment {
        id: payment_id.clone(),
        amount: 0,
        payment_amount: Some(amount),
        medium: "CREDIT".to_owned(),
        status: "SUCCEEDED".to_owned(),
        created_date: created.clone(),
        card_brand: None,
        card_last4: None,
        refunds: Vec::new(),
        payin_id: None,
        payin_config_id: None,
        payment_method_id: None,
    };
    let charge_ids = pay_charges(patient, charges, &targets, new_ids, amount, &template);
    let patient_id = patient.id.clone();
    let record = PaymentRecord {
        id: payment_id.clone(),
        patient_id: patient_id.clone(),
        amount,
        medium: template.medium.clone(),
        status: template.status.clone(),
        created_date: created.clone(),
        payin_id: None,
        payin_config_id: None,
        payment_method_id: None,
        refunds: Vec::new(),
        credits_used,
        charge_ids,
    };
    let summary = payment_summary_json(&record);
    state.payments.push(record);
    state.emit("PAYMENT_CREATED", summary);
    let patient = &state.patients[pi];
    Ok(json!({
        "id": payment_id,
        "patientId": patient.id,
        "payinId": null,
        "amount": amount,
        "status": "SUCCEEDED",
        "currency": "USD",
        "payinConfigId": null,
        "paymentMedium": "CREDIT",
        "paymentMethodId": null,
        "stripePaymentIntentId": null,
        "failedReason": null,
        "updatedDate": null,
        "createdDate": created,
        "fee": 0,
        "feeToPatient": 0
    }))
}

/// Applies `amount` to the charges in order (creating those without an id, named by
/// `new_ids`), recording `template` (with the part applied) on each charge it pays; a charge
/// at zero becomes `PAID`. Returns the ids of the charges paid.
pub(super) fn pay_charges(
    patient: &mut SeedPatient,
    charges: &[ChargeRef],
    targets: &[Option<usize>],
    new_ids: Vec<String>,
    amount: i64,
    template: &SeedPayment,
) -> Vec<String> {
    let mut new_ids = new_ids.into_iter();
    let mut left = amount;
    let mut paid = Vec::new();
    for (c, target) in charges.iter().zip(targets) {
        let ci = match target {
            Some(ci) => *ci,
            None => {
                let id = new_ids.next().unwrap_or_default();
                patient.charges.push(SeedCharge {
                    id,
                    description: c.description.clone(),
                    status: "OUTSTANDING".to_owned(),
                    total: c.total.max(c.total_outstanding),
                    total_outstanding: c.total_outstanding,
                    created_date: template.created_date.clone(),
                    items: Vec::new(),
                    payments: Vec::new(),
                    adjustments: Vec::new(),
                    tips: Vec::new(),
                });
                patient.charges.len() - 1
            }
        };
        let stored = &mut patient.charges[ci];
        let applied = left.min(stored.total_outstanding);
        if applied > 0 {
            stored.total_outstanding -= applied;
            left -= applied;
            let mut payment = template.clone();
            payment.amount = applied;
            stored.payments.push(payment);
            paid.push(stored.id.clone());
        }
        if stored.total_outstanding == 0 {
            stored.status = "PAID".to_owned();
        }
    }
    paid
}
