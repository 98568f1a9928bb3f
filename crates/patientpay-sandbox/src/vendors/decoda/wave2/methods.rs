//! Saved payment methods: list, create from a Rainforest method, archive.

use super::*;

pub(super) fn live_methods(p: &SeedPatient) -> Vec<Value> {
    p.payment_methods
        .iter()
        .filter(|m| !m.is_archived)
        .map(|m| payment_method_json(p, m))
        .collect()
}

pub(super) fn list_methods(state: &mut State, req: &SandboxRequest) -> Answer {
    let mut errors = Vec::new();
    let patient_id = required_query(req, "patient_id", &mut errors);
    done(errors)?;
    let pi = patient_index(state, &patient_id.unwrap_or_default())?;
    Ok(Value::Array(live_methods(&state.patients[pi])))
}

pub(super) fn create_method(state: &mut State, req: &SandboxRequest) -> Answer {
    let mut errors = Vec::new();
    let patient_id = required_query(req, "patient_id", &mut errors);
    let (whole, body) = match object_body(req) {
        Ok(b) => b,
        Err(resp) if errors.is_empty() => return Err(resp),
        Err(_) => return Err(invalid(errors)),
    };
    let at = [json!("body")];
    check_fields(
        &body,
        &whole,
        &at,
        &[
            ("paymentMethodId", Kind::Str, true, false),
            ("paymentMethodConfigId", Kind::Str, true, false),
            ("fingerprint", Kind::Str, true, true),
            ("methodType", Kind::Enum(METHOD_TYPES), true, false),
            ("card", Kind::Object, true, true),
            ("ach", Kind::Object, true, true),
            ("applePay", Kind::Object, true, true),
            ("billingContact", Kind::Object, true, true),
            ("metadata", Kind::Object, true, false),
            ("createdAt", Kind::Str, true, false),
            ("updatedAt", Kind::Str, true, false),
        ],
        &mut errors,
    );
    if let Some(card @ Value::Object(c)) = body.get("card") {
        check_fields(
            c,
            card,
            &[json!("body"), json!("card")],
            &[
                ("type", Kind::Enum(CARD_TYPES), true, false),
                ("brand", Kind::Enum(CARD_BRANDS), true, false),
                ("brandDesc", Kind::Enum(CARD_BRAND_DESCS), true, false),
                ("last4", Kind::Str, true, false),
                ("expMonth", Kind::Int, true, false),
                ("expYear", Kind::Int, true, false),
            ],
            &mut errors,
        );
    }
    if let Some(ach @ Value::Object(a)) = body.get("ach") {
        check_fields(
            a,
            ach,
            &[json!("body"), json!("ach")],
            &[
                ("accountHolderType", Kind::Enum(HOLDER_TYPES), true, false),
                ("accountNumberLast4", Kind::Str, true, false),
                ("bankName", Kind::Str, true, false),
                ("routingNumber", Kind::Str, true, false),
            ],
            &mut errors,
        );
    }
    done(errors)?;
    let pi = patient_index(state, &patient_id.unwrap_or_default())?;
    let str_of = |v: Option<&Value>, k: &str| {
        v.and_then(|o| o.get(k))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let int_of = |v: Option<&Value>, k: &str| v.and_then(|o| o.get(k)).and_then(Value::as_i64);
    let method_type = str_of(Some(&whole), "methodType").unwrap_or_default();
    let card = body.get("card").filter(|c| c.is_object());
    let ach = body.get("ach").filter(|c| c.is_object());
    if method_type == "CARD" && card.is_none() {
        return Err(detail(
            400,
            "Card details are required for a CARD payment method",
        ));
    }
    if method_type == "ACH" && ach.is_none() {
        return Err(detail(
            400,
            "Bank account details are required for an ACH payment method",
        ));
    }
    let rainforest_id = str_of(Some(&whole), "paymentMethodId");
    // Saving the same Rainforest method again answers the method already saved.
    if let Some(existing) = state.patients[pi]
        .payment_methods
        .iter()
        .find(|m| !m.is_archived && m.rainforest_payment_method_id == rainforest_id)
    {
        return Ok(payment_method_json(&state.patients[pi], existing));
    }
    let id = state.fresh_id("pm");
    let patient = &mut state.patients[pi];
    let is_default = !patient.payment_methods.iter().any(|m| !m.is_archived);
    let digits = |s: Option<String>| s.and_then(|s| s.parse::<i64>().ok());
    let method = SeedPaymentMethod {
        id,
        rainforest_payment_method_id: rainforest_id,
        method_type,
        brand: str_of(card, "brand"),
        last4: str_of(card, "last4"),
        exp_month: int_of(card, "expMonth"),
        exp_year: int_of(card, "expYear"),
        account_holder_type: str_of(ach, "accountHolderType"),
        account_number_last4: digits(str_of(ach, "accountNumberLast4")),
        bank_name: str_of(ach, "bankName"),
        routing_number: digits(str_of(ach, "routingNumber")),
        is_default,
        is_archived: false,
        created_date: now(),
    };
    let answer = payment_method_json(patient, &method);
    patient.payment_methods.push(method);
    // No AlertType names a saved payment method; PATIENT_UPDATED with the patient is the
    // nearest documented event.
    let summary = patient_summary(patient);
    state.emit("PATIENT_UPDATED", summary);
    Ok(answer)
}

pub(super) fn delete_method(state: &mut State, req: &SandboxRequest, id: &str) -> Answer {
    let mut errors = Vec::new();
    let patient_id = required_query(req, "patient_id", &mut errors);
    done(errors)?;
    let pi = patient_index(state, &patient_id.unwrap_or_default())?;
    let patient = &mut state.patients[pi];
    let Some(m) = patient.payment_methods.iter_mut().find(|m| m.id == id) else {
        return Err(detail(404, "Payment method not found"));
    };
    m.is_archived = true;
    m.is_default = false;
    Ok(Value::Bool(true))
}
