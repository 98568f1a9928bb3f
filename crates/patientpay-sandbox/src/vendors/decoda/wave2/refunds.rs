//! Refunds of payments (a credit payment's refund gives the credit back).

use super::*;

pub(super) fn refund_json(payment_id: &str, r: &RefundRecord) -> Value {
    json!({
        "id": r.id,
        "paymentId": payment_id,
        "amount": r.amount,
        "reason": r.reason,
        "createdDate": r.created_date,
        "status": r.status,
        "rainforestRefundId": r.rainforest_refund_id,
        "fee": 0
    })
}

pub(super) fn refund(state: &mut State, req: &SandboxRequest) -> Answer {
    let (whole, body) = object_body(req)?;
    let mut errors = Vec::new();
    check_fields(
        &body,
        &whole,
        &[json!("body")],
        &[
            ("paymentId", Kind::Str, true, false),
            ("providerId", Kind::Str, true, false),
            ("amount", Kind::Int, true, false),
            ("reason", Kind::Enum(REFUND_REASONS), true, false),
            ("description", Kind::Str, false, true),
            ("locationId", Kind::Str, false, true),
            ("restoreInventory", Kind::Bool, false, false),
        ],
        &mut errors,
    );
    done(errors)?;
    let text = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let payment_id = text("paymentId");
    let amount = body
        .get("amount")
        .and_then(Value::as_i64)
        .unwrap_or_default();
    let Some(xi) = state.payments.iter().position(|p| p.id == payment_id) else {
        return Err(detail(404, "Payment not found"));
    };
    if amount <= 0 {
        return Err(detail(400, "Refund amount must be greater than zero"));
    }
    if state.payments[xi].status != "SUCCEEDED" {
        return Err(detail(400, "Only a succeeded payment can be refunded"));
    }
    if amount > state.payments[xi].refundable() {
        return Err(detail(
            400,
            "Refund amount exceeds the refundable amount of the payment",
        ));
    }
    let id = state.fresh_id("rf");
    let rainforest_refund_id = state.payments[xi]
        .payin_id
        .is_some()
        .then(|| state.fresh_id("rfd"));
    let record = RefundRecord {
        id: id.clone(),
        amount,
        reason: text("reason"),
        description: body
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned),
        created_date: now(),
        status: "SUCCEEDED".to_owned(),
        rainforest_refund_id,
    };
    let payment = &mut state.payments[xi];
    payment.refunds.push(record.clone());
    // A credit payment's refund goes back to the credits it used, newest first.
    let mut back = amount;
    let mut restore: Vec<(String, i64)> = Vec::new();
    for (credit_id, used) in payment.credits_used.iter_mut().rev() {
        let give = back.min(*used);
        if give > 0 {
            *used -= give;
            back -= give;
            restore.push((credit_id.clone(), give));
        }
    }
    let patient_id = payment.patient_id.clone();
    let charge_ids = payment.charge_ids.clone();
    if let Some(p) = state.patients.iter_mut().find(|p| p.id == patient_id) {
        for (credit_id, give) in &restore {
            if let Some(c) = p.credits.iter_mut().find(|c| c.id == *credit_id) {
                c.amount += give;
            }
        }
        // Charges show their payments' refunds.
        for c in p.charges.iter_mut().filter(|c| charge_ids.contains(&c.id)) {
            for pay in c.payments.iter_mut().filter(|x| x.id == payment_id) {
                pay.refunds.push(SeedRefund {
                    id: record.id.clone(),
                    amount: record.amount,
                    reason: record.reason.clone(),
                });
            }
        }
    }
    let answer = refund_json(&payment_id, &record);
    state.emit("REFUND_CREATED", answer.clone());
    Ok(answer)
}
