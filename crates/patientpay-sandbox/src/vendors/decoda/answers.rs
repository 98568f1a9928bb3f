//! Credit arithmetic and the JSON shapes of Decoda's answers (`PatientSummary`,
//! `ChargeDetail`, `PaymentSummary`, `PaymentMethodSummary`...).

use serde_json::{Value, json};

use super::*;

/// The patient's available (not expired) credit, in cents.
pub fn available_credit(p: &SeedPatient) -> i64 {
    credit_balance(p)
}

pub(super) fn credit_balance(p: &SeedPatient) -> i64 {
    let now = now();
    p.credits
        .iter()
        .filter(|c| !is_expired(c, &now))
        .map(|c| c.amount)
        .sum()
}

/// `true` when the credit's expiry is before `now` (both FastAPI date-times; compared on
/// their `YYYY-MM-DDTHH:MM:SS` part).
pub(super) fn is_expired(c: &SeedCredit, now: &str) -> bool {
    c.expiry_date
        .as_deref()
        .is_some_and(|e| e.get(..19).unwrap_or(e) < now.get(..19).unwrap_or(now))
}

/// `PatientSummary`.
pub(super) fn patient_summary(p: &SeedPatient) -> Value {
    json!({
        "id": p.id,
        "firstName": p.first_name,
        "lastName": p.last_name,
        "phoneNumber": p.phone,
        "email": p.email,
        "type": "PATIENT",
        "locationId": "loc_main",
        "externalId": null,
        "address": p.address,
        "addressLineTwo": null,
        "city": p.city,
        "state": p.state,
        "zipCode": p.zip_code,
        "country": if p.city.is_some() { Some("US") } else { None },
        "createdDate": p.created_date,
        "addressValid": p.address.is_some(),
        "meta": {},
        "isArchived": false,
        "primaryLocationId": "loc_main",
        "gender": null,
        "pronouns": null,
        "preferredName": null,
        "dateOfBirth": p.date_of_birth,
        "patientMedications": [],
        "patientSource": "MANUALLY_CREATED",
        "leadSource": null,
        "onSchedulingBlacklist": false,
        "surchargeDisabled": false,
        "tags": [{
            "id": "tag_vip",
            "name": "VIP",
            "emoji": "⭐",
            "color": "#FFD700",
            "isActive": true,
            "createdDate": "2023-01-01T00:00:00Z",
            "updatedDate": null
        }],
        "creditBalance": credit_balance(p),
        "preferredProviderId": null,
        "dosespotPatientId": null
    })
}

/// `ChargeDetailWithItems`.
pub(super) fn charge_json(p: &SeedPatient, c: &SeedCharge, summary: &Value) -> Value {
    let items: Vec<Value> = c
        .items
        .iter()
        .map(|i| {
            json!({
                "id": i.id, "itemId": format!("item_{}", i.id), "chargeId": c.id, "name": i.name,
                "description": null, "quantity": i.quantity, "discountAmount": null,
                "discountPercentage": null, "discountReason": null, "price": i.price,
                "soldPackageId": null, "bankedQuantity": null, "bankedItemId": null,
                "issuedDiscountId": null, "soldByProviderId": "prov_7", "taxAmount": 0,
                "pricingId": null, "shipmentIds": null,
                "item": {
                    "id": format!("item_{}", i.id), "name": i.name, "brandName": null,
                    "description": null, "price": i.price, "category": "Aesthetics",
                    "unit": i.unit, "isPhysical": i.item_type == "PRODUCT", "isArchived": false,
                    "internalNotes": null, "sortOrder": null, "allowCustomPricing": false,
                    "type": i.item_type, "externalId": null, "exemptedTaxIds": null, "cost": null
                },
                "locationId": "loc_main", "locationName": "Main Street Clinic",
                "saleDate": c.created_date
            })
        })
        .collect();
    let payments: Vec<Value> = c
        .payments
        .iter()
        .map(|pay| charge_payment_json(p, c, pay))
        .collect();
    let adjustments: Vec<Value> = c
        .adjustments
        .iter()
        .map(|a| {
            json!({
                "chargeId": c.id, "providerId": "prov_7", "locationId": "loc_main", "id": a.id,
                "amount": a.amount, "reason": a.reason, "createdDate": c.created_date,
                "adjustmentType": a.adjustment_type
            })
        })
        .collect();
    let tips: Vec<Value> = c
        .tips
        .iter()
        .map(|t| {
            json!({
                "chargeId": c.id, "amount": t.amount, "providerId": t.provider_id, "id": t.id,
                "provider": {"id": t.provider_id, "firstName": t.provider_first_name, "lastName": null,
                             "email": null, "createdDate": "2022-05-01T00:00:00Z"}
            })
        })
        .collect();
    json!({
        "id": c.id,
        "patientId": p.id,
        "patient": summary,
        "total": c.total,
        "totalOutstanding": c.total_outstanding,
        "description": c.description,
        "status": c.status,
        "discountAmount": 0,
        "discountPercentage": 0.0,
        "externalId": null,
        "externalCreatedDate": null,
        "ruleSetId": null,
        "createdDate": c.created_date,
        "creatorId": "prov_7",
        "items": items,
        "tips": tips,
        "locationId": "loc_main",
        "eventId": null,
        "memberId": null,
        "comment": null,
        "meta": {"source": "sandbox"},
        "merchantAccountId": "ma_main",
        "adjustments": adjustments,
        "payments": payments
    })
}

/// `ChargePaymentDetail-Output` with its `Payment-Output`.
pub(super) fn charge_payment_json(p: &SeedPatient, c: &SeedCharge, pay: &SeedPayment) -> Value {
    let saved = pay
        .payment_method_id
        .as_deref()
        .and_then(|id| p.payment_methods.iter().find(|m| m.id == id));
    let method = match (saved, &pay.card_brand, &pay.card_last4) {
        (Some(m), _, _) => payment_method_json(p, m),
        (None, Some(brand), last4) => json!({
            "id": format!("pm_{}", pay.id), "patientId": p.id, "rainforestPaymentMethodId": null,
            "brand": brand, "last4": last4, "expMonth": 12, "expYear": 2030,
            "accountHolderType": null, "accountNumberLast4": null, "bankName": null,
            "routingNumber": null, "description": null, "type": "CARD", "isDefault": true,
            "isArchived": false, "availableMerchantIds": null, "createdDate": null
        }),
        _ => Value::Null,
    };
    let refunds: Vec<Value> = pay
        .refunds
        .iter()
        .map(|r| {
            json!({
                "id": r.id, "paymentId": pay.id, "amount": r.amount, "reason": r.reason,
                "createdDate": pay.created_date, "status": "SUCCEEDED", "rainforestRefundId": null, "fee": 0
            })
        })
        .collect();
    json!({
        "paymentId": pay.id,
        "amount": pay.amount,
        "createdDate": pay.created_date,
        "chargeId": c.id,
        "payment": {
            "id": pay.id,
            "patientId": p.id,
            "payinId": pay.payin_id,
            "amount": pay.payment_amount.unwrap_or(pay.amount),
            "status": pay.status,
            "currency": "USD",
            "payinConfigId": pay.payin_config_id,
            "paymentMedium": pay.medium,
            "paymentMethodId": method.get("id").cloned().unwrap_or(Value::Null),
            "stripePaymentIntentId": null,
            "failedReason": null,
            "updatedDate": null,
            "createdDate": pay.created_date,
            "fee": 0,
            "feeToPatient": 0,
            "paymentMethod": method,
            "refunds": refunds
        }
    })
}

/// `PaymentSummary` of a payment (the settle answer's shape and webhook `data`).
pub(super) fn payment_summary_json(p: &PaymentRecord) -> Value {
    json!({
        "id": p.id,
        "patientId": p.patient_id,
        "payinId": p.payin_id,
        "amount": p.amount,
        "status": p.status,
        "currency": "USD",
        "payinConfigId": p.payin_config_id,
        "paymentMedium": p.medium,
        "paymentMethodId": p.payment_method_id,
        "stripePaymentIntentId": null,
        "failedReason": null,
        "updatedDate": null,
        "createdDate": p.created_date,
        "fee": 0,
        "feeToPatient": 0
    })
}

/// `PaymentMethodSummary`.
pub(super) fn payment_method_json(p: &SeedPatient, m: &SeedPaymentMethod) -> Value {
    json!({
        "id": m.id,
        "patientId": p.id,
        "rainforestPaymentMethodId": m.rainforest_payment_method_id,
        "brand": m.brand,
        "last4": m.last4,
        "expMonth": m.exp_month,
        "expYear": m.exp_year,
        "accountHolderType": m.account_holder_type,
        "accountNumberLast4": m.account_number_last4,
        "bankName": m.bank_name,
        "routingNumber": m.routing_number,
        "description": null,
        "type": m.method_type,
        "isDefault": m.is_default,
        "isArchived": m.is_archived,
        "availableMerchantIds": ["ma_main"],
        "createdDate": m.created_date
    })
}
