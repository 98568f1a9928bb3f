//! A patient's credit (available, paged history) and the payment table.

use super::*;

pub(super) fn credit_available(state: &mut State, patient_id: &str) -> Answer {
    let pi = patient_index(state, patient_id)?;
    let p = &state.patients[pi];
    let today = now();
    let mut credits: Vec<&SeedCredit> = p
        .credits
        .iter()
        .filter(|c| c.amount > 0 && !is_expired(c, &today))
        .collect();
    credits.sort_by(|a, b| a.created_date.cmp(&b.created_date));
    let list: Vec<Value> = credits
        .iter()
        .map(|c| {
            json!({
                "creditId": c.id,
                "remainingAmount": c.amount,
                "totalAmount": c.total_amount.unwrap_or(c.amount),
                "comment": c.comment,
                "expiryDate": c.expiry_date,
                "createdDate": c.created_date
            })
        })
        .collect();
    Ok(json!({
        "totalAvailable": credits.iter().map(|c| c.amount).sum::<i64>(),
        "count": list.len(),
        "credits": list
    }))
}

pub(super) fn credits(state: &mut State, req: &SandboxRequest, patient_id: &str) -> Answer {
    let mut errors = Vec::new();
    let page = int_query(req, "page", 1, (Some(1), None), &mut errors);
    let per_page = int_query(req, "per_page", 50, (Some(1), Some(100)), &mut errors);
    let include_expired = bool_query(req, "include_expired", false, &mut errors);
    let include_used = bool_query(req, "include_used", true, &mut errors);
    done(errors)?;
    let pi = patient_index(state, patient_id)?;
    let p = &state.patients[pi];
    let today = now();
    let mut all: Vec<&SeedCredit> = p
        .credits
        .iter()
        .filter(|c| include_expired || !is_expired(c, &today))
        .filter(|c| include_used || c.amount > 0)
        .collect();
    // Newest first, as a history reads.
    all.sort_by(|a, b| b.created_date.cmp(&a.created_date));
    let total = all.len();
    let data: Vec<Value> = page_of(&all, page, per_page)
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "patientId": p.id,
                "amount": c.total_amount.unwrap_or(c.amount),
                "amountRemaining": c.amount,
                "comment": c.comment,
                "expiryDate": c.expiry_date,
                "memberId": null,
                "createdDate": c.created_date,
                "updatedDate": null,
                "creator": null
            })
        })
        .collect();
    Ok(json!({"data": data, "total": total}))
}

pub(super) fn page_of<T>(items: &[T], page: i64, per_page: i64) -> &[T] {
    let per = usize::try_from(per_page).unwrap_or(1).max(1);
    let start = usize::try_from(page.saturating_sub(1))
        .unwrap_or(0)
        .saturating_mul(per);
    if start >= items.len() {
        return &[];
    }
    &items[start..items.len().min(start.saturating_add(per))]
}

// ---------------------------------------------------------------------------------------
// Payment table

pub(super) fn payment_table(state: &mut State, req: &SandboxRequest) -> Answer {
    let mut errors = Vec::new();
    let page = int_query(req, "page", 1, (None, None), &mut errors).max(1);
    let per_page = int_query(req, "per_page", 50, (None, None), &mut errors).max(1);
    let direction = query_one(req, "sort_direction");
    if let Some(d) = &direction
        && d != "asc"
        && d != "desc"
    {
        check_kind(
            &json!(d),
            Kind::Enum(&["asc", "desc"]),
            vec![json!("query"), json!("sort_direction")],
            &mut errors,
        );
    }
    let statuses: Vec<String> = req
        .query_all("status")
        .into_iter()
        .map(str::to_owned)
        .collect();
    for s in &statuses {
        check_kind(
            &json!(s),
            Kind::Enum(PAYMENT_STATUSES),
            vec![json!("query"), json!("status"), json!(0)],
            &mut errors,
        );
    }
    done(errors)?;
    let mediums: Vec<&str> = req.query_all("payment_mediums");
    let patient_id = query_one(req, "patient_id");
    let id = query_one(req, "id");
    let mut rows: Vec<&PaymentRecord> = state
        .payments
        .iter()
        .filter(|p| patient_id.as_ref().is_none_or(|x| *x == p.patient_id))
        .filter(|p| id.as_ref().is_none_or(|x| *x == p.id))
        .filter(|p| statuses.is_empty() || statuses.contains(&p.status))
        .filter(|p| mediums.is_empty() || mediums.contains(&p.medium.as_str()))
        .collect();
    rows.sort_by(|a, b| a.created_date.cmp(&b.created_date));
    if direction.as_deref() != Some("asc") {
        rows.reverse();
    }
    let total = rows.len();
    let data: Vec<Value> = page_of(&rows, page, per_page)
        .iter()
        .map(|x| table_item(state, x))
        .collect();
    Ok(json!({
        "items": {"data": data, "total": total},
        "hasInsurancePayments": false
    }))
}

pub(super) fn table_item(state: &State, x: &PaymentRecord) -> Value {
    let patient = state.patient(&x.patient_id);
    let method = x.payment_method_id.as_deref().and_then(|id| {
        patient.and_then(|p| {
            p.payment_methods
                .iter()
                .find(|m| m.id == id)
                .map(|m| payment_method_json(p, m))
        })
    });
    let refunds: Vec<Value> = x
        .refunds
        .iter()
        .map(|r| {
            json!({
                "id": r.id, "amount": r.amount, "reason": r.reason,
                "createdDate": r.created_date, "status": r.status,
                "description": r.description, "creator": null
            })
        })
        .collect();
    json!({
        "id": x.id,
        "firstName": patient.map(|p| p.first_name.clone()),
        "lastName": patient.map(|p| p.last_name.clone()),
        "patientId": x.patient_id,
        "externalPatientId": null,
        "email": patient.and_then(|p| p.email.clone()),
        "phoneNumber": patient.map(|p| p.phone.clone()),
        "comment": null,
        "amount": x.amount,
        "currency": "USD",
        "status": x.status,
        "paymentMedium": x.medium,
        "fee": 0,
        "feeToPatient": 0,
        "paymentMethod": method,
        "createdDate": x.created_date,
        "refunds": refunds,
        "creator": null,
        "isPaymentPlan": false,
        "items": [],
        "isInsurancePayment": false,
        "locationId": "loc_main"
    })
}
