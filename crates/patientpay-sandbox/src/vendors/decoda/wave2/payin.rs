//! Payin configs, saved-card charges, payment links by phone and a charge by id.

use super::*;

/// `validate_settle_body`'s errors, moved under `body.charges`.
pub(super) fn charges_of(
    body: &Map<String, Value>,
    errors: &mut Vec<Value>,
) -> Option<Vec<ChargeRef>> {
    let list = body.get("charges")?;
    match validate_settle_body(list) {
        Ok(c) => Some(c),
        Err(errs) => {
            for mut e in errs {
                if let Some(loc) = e.get_mut("loc").and_then(Value::as_array_mut) {
                    loc.insert(1, json!("charges"));
                }
                errors.push(e);
            }
            None
        }
    }
}

/// The stored charge index each charge refers to (or `None` to create), and their total
/// outstanding; refuses unknown, non-outstanding or repeated charges.
pub(super) fn resolve_charges(
    patient: &SeedPatient,
    charges: &[ChargeRef],
) -> Result<(Vec<Option<usize>>, i64), SandboxResponse> {
    let mut targets = Vec::with_capacity(charges.len());
    let mut outstanding: i64 = 0;
    for c in charges {
        if c.patient_id != patient.id {
            return Err(detail(400, "All charges must belong to the same patient"));
        }
        match &c.id {
            Some(id) => {
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
    Ok((targets, outstanding))
}

pub(super) fn payin_config(state: &mut State, req: &SandboxRequest) -> Answer {
    let (whole, body) = object_body(req)?;
    let mut errors = Vec::new();
    check_fields(
        &body,
        &whole,
        &[json!("body")],
        &[
            ("paymentMedium", Kind::Enum(PAYMENT_MEDIUMS), true, false),
            ("charges", Kind::List, true, false),
            ("paymentAmount", Kind::Int, false, true),
            ("savePaymentMethod", Kind::Bool, false, false),
            ("textReceipt", Kind::Bool, false, false),
            ("isSurcharged", Kind::Bool, false, false),
            ("paymentPlan", Kind::Object, false, true),
            ("locationId", Kind::Str, false, true),
            ("creatorId", Kind::Str, false, true),
            ("membershipId", Kind::Str, false, true),
            ("soldByProviderId", Kind::Str, false, true),
            ("merchantAccountId", Kind::Str, false, true),
            ("cartId", Kind::Str, false, true),
        ],
        &mut errors,
    );
    let charges = if body.get("charges").is_some_and(Value::is_array) {
        charges_of(&body, &mut errors)
    } else {
        None
    };
    done(errors)?;
    let charges = charges.unwrap_or_default();
    let Some(first) = charges.first() else {
        return Err(detail(400, "At least one charge is required"));
    };
    let pi = patient_index(state, &first.patient_id.clone())?;
    let (_, outstanding) = resolve_charges(&state.patients[pi], &charges)?;
    let amount = body
        .get("paymentAmount")
        .and_then(Value::as_i64)
        .unwrap_or(outstanding);
    if amount <= 0 {
        return Err(detail(400, "Amount must be greater than zero"));
    }
    if amount > outstanding {
        return Err(detail(
            400,
            "Amount exceeds the outstanding balance of the charges",
        ));
    }
    let id = state.fresh_id("pyc");
    let session_key = format!("sbx_session_{}", id.trim_start_matches("pyc_"));
    let medium = body
        .get("paymentMedium")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    state.payin_configs.push(PayinConfig {
        id: id.clone(),
        session_key: session_key.clone(),
        patient_id: state.patients[pi].id.clone(),
        medium,
        amount,
        charges,
        consumed: false,
    });
    Ok(json!({
        "sessionKey": session_key,
        "payinConfigId": id,
        "paymentMethods": live_methods(&state.patients[pi]),
        "sandbox": true
    }))
}

pub(super) fn charge_card(state: &mut State, req: &SandboxRequest, method_id: &str) -> Answer {
    let (whole, body) = object_body(req)?;
    let mut errors = Vec::new();
    check_fields(
        &body,
        &whole,
        &[json!("body")],
        &[("payinConfigId", Kind::Str, true, false)],
        &mut errors,
    );
    done(errors)?;
    let config_id = body
        .get("payinConfigId")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(ki) = state.payin_configs.iter().position(|c| c.id == config_id) else {
        return Err(detail(400, "Payin config not found"));
    };
    if state.payin_configs[ki].consumed {
        return Err(detail(400, "Payin config has already been used"));
    }
    let config = state.payin_configs[ki].clone();
    let pi = patient_index(state, &config.patient_id)?;
    let patient = &state.patients[pi];
    let Some(method) = patient
        .payment_methods
        .iter()
        .find(|m| m.id == method_id)
        .cloned()
    else {
        return Err(detail(404, "Payment method not found"));
    };
    if method.is_archived {
        return Err(detail(400, "Payment method is archived"));
    }
    if method.last4.as_deref() == Some("0002") {
        return Err(detail(400, "Your card was declined."));
    }
    // The charges may have changed since the config was made (paid from credit...).
    let (targets, outstanding) = resolve_charges(patient, &config.charges)?;
    if config.amount > outstanding {
        return Err(detail(
            400,
            "Amount exceeds the outstanding balance of the charges",
        ));
    }
    let payment_id = state.fresh_id("pay");
    let payin_id = state.fresh_id("pyi");
    let creating = config.charges.iter().filter(|c| c.id.is_none()).count();
    let new_ids: Vec<String> = (0..creating).map(|_| state.fresh_id("ch")).collect();
    let created = now();
    let template = SeedPayment {
        id: payment_id.clone(),
        amount: 0,
        payment_amount: Some(config.amount),
        medium: config.medium.clone(),
        status: "SUCCEEDED".to_owned(),
        created_date: created.clone(),
        card_brand: method.brand.as_ref().map(|b| b.to_ascii_lowercase()),
        card_last4: method.last4.clone(),
        refunds: Vec::new(),
        payin_id: Some(payin_id.clone()),
        payin_config_id: Some(config.id.clone()),
        payment_method_id: Some(method.id.clone()),
    };
    let patient = &mut state.patients[pi];
    let charge_ids = pay_charges(
        patient,
        &config.charges,
        &targets,
        new_ids,
        config.amount,
        &template,
    );
    let record = PaymentRecord {
        id: payment_id,
        patient_id: patient.id.clone(),
        amount: config.amount,
        medium: config.medium.clone(),
        status: "SUCCEEDED".to_owned(),
        created_date: created,
        payin_id: Some(payin_id.clone()),
        payin_config_id: Some(config.id.clone()),
        payment_method_id: Some(method.id.clone()),
        refunds: Vec::new(),
        credits_used: Vec::new(),
        charge_ids,
    };
    let summary = payment_summary_json(&record);
    state.payments.push(record);
    state.payin_configs[ki].consumed = true;
    state.emit("PAYMENT_CREATED", summary);
    let auth_code = format!("SBX{:03}", state.next_id % 1000);
    Ok(json!({
        "payinId": payin_id,
        "amount": config.amount,
        "status": "SUCCEEDED",
        "authCode": auth_code
    }))
}

// ---------------------------------------------------------------------------------------
// Payment links, charges

pub(super) fn payment_links(state: &mut State, req: &SandboxRequest) -> Answer {
    let mut errors = Vec::new();
    let phone = required_query(req, "phone_number", &mut errors);
    done(errors)?;
    let phone = phone.unwrap_or_default();
    let mut out = Vec::new();
    for p in state.patients.iter().filter(|p| p.phone == phone) {
        let owed: i64 = p
            .charges
            .iter()
            .filter(|c| c.status == "OUTSTANDING")
            .map(|c| c.total_outstanding)
            .sum();
        if owed > 0 {
            out.push(json!({
                "totalOutstanding": owed,
                "paymentLink": format!("https://pay.decodahealth.com/l/pl_{}", p.id)
            }));
        }
    }
    Ok(Value::Array(out))
}

pub(super) fn charge(state: &mut State, id: &str) -> Answer {
    for p in &state.patients {
        if let Some(c) = p.charges.iter().find(|c| c.id == id) {
            return Ok(charge_json(p, c, &patient_summary(p)));
        }
    }
    Err(detail(404, "Charge not found"))
}
