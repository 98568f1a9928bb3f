//! Wire ⇄ domain: the only place Decoda's JSON and the unified model meet.
//!
//! - Decoda's integers are minor units. Charges, items and credit balances carry no currency
//!   and are [`DECODA_CURRENCY`] (USD); a payment is in its own `currency` (default USD).
//! - A verified charge keeps every Decoda field the unified [`Charge`] does not name in
//!   `vendor_data` (camelCase keys, `null`s dropped), so it can go back into settle
//!   unchanged — except the embedded `patient` summary, which is PHI, is optional in
//!   `ChargeDetail-Input` and is not needed (Decoda identifies the patient by `patientId`).
//! - Decoda's `ChargeStatus` and `PaymentStatus` map to the vendor-neutral
//!   [`ChargeState`] and [`PaymentState`] ([`charge_state`], [`payment_state`]); an unknown
//!   value is kept verbatim.
//! - Output-only item fields (`item`, `locationId`, `locationName`, `saleDate`) are kept in
//!   the item's `vendor_data` for display and dropped when building the settle body, whose
//!   `ChargeItem` does not have them.

use patientpay_core::domain::{
    Charge, ChargeItem, ChargeState, PartialAddress, Patient, PatientBalance, Payment,
    PaymentState, SettleChargesFromCredit, VendorData, VerifyPatient,
};
use patientpay_core::{Currency, Error, Money, Result};
use serde_json::Value;

use crate::wire;

mod wave2;
pub use wave2::*;

/// The currency of Decoda's amounts that carry none (charges, items, credit balances).
pub const DECODA_CURRENCY: Currency = Currency::USD;

/// Charge keys the unified [`Charge`] names itself (they win over `vendor_data`).
const CHARGE_KEYS: &[&str] = &[
    "id",
    "patientId",
    "total",
    "totalOutstanding",
    "status",
    "description",
    "createdDate",
    "items",
    // PHI (optional in the settle body): never kept.
    "patient",
];
/// Item keys the unified [`ChargeItem`] names itself.
const ITEM_KEYS: &[&str] = &["id", "name", "quantity", "price"];
/// Nullable keys whose absence means a non-null default: a `null` must be kept.
const NULL_MEANS_NULL: &[&str] = &["discountAmount", "discountPercentage"];

/// Checks that `money` is in [`DECODA_CURRENCY`], the only currency Decoda's amounts use.
///
/// # Errors
/// [`Error::InvalidInput`] naming `field`.
pub fn check_currency(field: &'static str, money: Money) -> Result<()> {
    if money.currency() == DECODA_CURRENCY {
        Ok(())
    } else {
        Err(Error::invalid_input(
            field,
            format!(
                "Decoda works in {DECODA_CURRENCY}, not {}",
                money.currency()
            ),
        ))
    }
}

// ---------------------------------------------------------------------------------------
// Enums

/// Decoda's `ChargeStatus` as the vendor-neutral [`ChargeState`].
pub fn charge_state(s: &wire::ChargeStatus) -> ChargeState {
    use wire::ChargeStatus as W;
    match s {
        W::Outstanding => ChargeState::Outstanding,
        W::Paid => ChargeState::Paid,
        W::ExternalSettlement => ChargeState::SettledExternally,
        W::Void => ChargeState::Voided,
        W::WriteOff => ChargeState::WrittenOff,
        W::Refunded => ChargeState::Refunded,
        W::Chargeback => ChargeState::ChargedBack,
        W::PaymentPlan => ChargeState::OnPaymentPlan,
        W::Collections => ChargeState::InCollections,
        other => ChargeState::Unknown(other.as_str().to_owned()),
    }
}

/// [`ChargeState`] back into Decoda's `ChargeStatus` (for the settle and payin bodies).
pub fn charge_status(s: &ChargeState) -> wire::ChargeStatus {
    use wire::ChargeStatus as W;
    match s {
        ChargeState::Outstanding => W::Outstanding,
        ChargeState::Paid => W::Paid,
        ChargeState::SettledExternally => W::ExternalSettlement,
        ChargeState::Voided => W::Void,
        ChargeState::WrittenOff => W::WriteOff,
        ChargeState::Refunded => W::Refunded,
        ChargeState::ChargedBack => W::Chargeback,
        ChargeState::OnPaymentPlan => W::PaymentPlan,
        ChargeState::InCollections => W::Collections,
        other => W::from_wire(other.as_str()),
    }
}

/// Decoda's `PaymentStatus` as the vendor-neutral [`PaymentState`].
pub fn payment_state(s: &wire::PaymentStatus) -> PaymentState {
    use wire::PaymentStatus as W;
    match s {
        W::Canceled => PaymentState::Canceled,
        W::Created => PaymentState::Pending,
        W::Failed => PaymentState::Failed,
        W::InReview => PaymentState::InReview,
        W::Presenting => PaymentState::AwaitingPatient,
        W::Processing => PaymentState::Processing,
        W::Succeeded => PaymentState::Succeeded,
        other => PaymentState::Unknown(other.as_str().to_owned()),
    }
}

/// A status Decoda sends as a plain string (charge-card, the payment table): a
/// `PaymentStatus` value, or kept verbatim.
pub fn payment_state_text(s: &str) -> PaymentState {
    payment_state(&wire::PaymentStatus::from_wire(s))
}

// ---------------------------------------------------------------------------------------
// Verify

/// The verify body for `request` (the date of birth as `YYYY-MM-DD`).
pub fn verify_to_wire(request: &VerifyPatient) -> wire::VerifyPatient {
    let d = request.date_of_birth;
    wire::VerifyPatient::new(
        request.patient_id.as_str(),
        request.last_name.as_str(),
        request.phone.as_str(),
        format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()),
    )
}

/// The unified balance of a verify answer.
///
/// # Errors
/// A description (no values) when the amounts overflow.
pub fn balance_from_wire(details: wire::PaymentLinkDetails) -> Result<PatientBalance, String> {
    let patient = patient_from_wire(&details.patient);
    let charges = details
        .charges
        .into_iter()
        .map(charge_from_wire)
        .collect::<Result<Vec<_>, _>>()?;
    PatientBalance::new(patient, charges, details.payment_link, DECODA_CURRENCY)
        .map_err(|e| e.to_string())
}

/// The unified patient of a `PatientSummary`.
pub fn patient_from_wire(p: &wire::PatientSummary) -> Patient {
    let mut patient = Patient::new(p.id.as_str());
    patient.first_name.clone_from(&p.first_name);
    patient.last_name.clone_from(&p.last_name);
    patient.email.clone_from(&p.email);
    patient.phone.clone_from(&p.phone_number);
    patient.date_of_birth = p.date_of_birth;
    patient.credit_balance = p
        .credit_balance
        .map(|c| Money::from_minor(c, DECODA_CURRENCY));
    let any_address = [
        &p.address,
        &p.address_line_two,
        &p.city,
        &p.state,
        &p.zip_code,
        &p.country,
    ]
    .iter()
    .any(|f| f.is_some());
    if any_address {
        let mut a = PartialAddress::default();
        a.line1.clone_from(&p.address);
        a.line2.clone_from(&p.address_line_two);
        a.city.clone_from(&p.city);
        a.state.clone_from(&p.state);
        a.postal_code.clone_from(&p.zip_code);
        a.country.clone_from(&p.country);
        patient.address = Some(a);
    }
    patient
}

/// The unified charge of a verified charge; Decoda's other fields go to `vendor_data`.
///
/// # Errors
/// A description when the charge cannot be re-encoded (not expected for parsed input).
pub fn charge_from_wire(mut c: wire::ChargeDetailWithItems) -> Result<Charge, String> {
    let items = std::mem::take(&mut c.items);
    // PHI, optional in the settle body: not kept.
    c.patient = None;
    let mut charge = Charge::new(
        c.patient_id.as_str(),
        charge_state(&c.status),
        Money::from_minor(c.total, DECODA_CURRENCY),
        Money::from_minor(c.total_outstanding, DECODA_CURRENCY),
    );
    charge.id = c.id.take();
    charge.description = c.description.take();
    charge.created_at = c.created_date;
    charge.items = items
        .into_iter()
        .map(item_from_wire)
        .collect::<Result<Vec<_>, _>>()?;
    // `patient` (PHI) was cleared above and is never kept.
    charge.vendor_data = vendor_data(&c, CHARGE_KEYS)?;
    Ok(charge)
}

fn item_from_wire(mut i: wire::ChargeItemDetail) -> Result<ChargeItem, String> {
    let mut item = ChargeItem::new(i.quantity, Money::from_minor(i.price, DECODA_CURRENCY));
    item.id = i.id.take();
    item.name = i.name.take();
    item.vendor_data = vendor_data(&i, ITEM_KEYS)?;
    Ok(item)
}

/// `value`'s JSON object without `named` keys and without `null`s that mean "absent",
/// kept as JSON text (no `Value` per field; parsed only if a caller reads it).
fn vendor_data<T: serde::Serialize>(value: &T, named: &[&str]) -> Result<VendorData, String> {
    VendorData::from_serialized(value, |k, v| {
        !named.contains(&k) && (v.get() != "null" || NULL_MEANS_NULL.contains(&k))
    })
    .map_err(|e| format!("cannot keep vendor fields: {}", describe(&e)))
}

// ---------------------------------------------------------------------------------------
// Settle

/// Decoda's own checks on a settle request, after [`SettleChargesFromCredit::validate`]:
/// amounts in [`DECODA_CURRENCY`], every charge of one non-empty patient id.
///
/// # Errors
/// [`Error::InvalidInput`] naming `amount`, `charges[i].patient_id` or `charges[i].total`.
pub fn check_settle(request: &SettleChargesFromCredit) -> Result<()> {
    if request.amount.currency() != DECODA_CURRENCY {
        return Err(Error::invalid_input(
            "amount",
            format!(
                "Decoda settles in {DECODA_CURRENCY}, not {}",
                request.amount.currency()
            ),
        ));
    }
    let first = request
        .charges
        .first()
        .map(|c| c.patient_id.as_str())
        .unwrap_or_default();
    for (i, c) in request.charges.iter().enumerate() {
        if c.patient_id.trim().is_empty() {
            return Err(Error::invalid_input(
                format!("charges[{i}].patient_id"),
                "must not be empty",
            ));
        }
        if c.patient_id != first {
            return Err(Error::invalid_input(
                format!("charges[{i}].patient_id"),
                "all charges must belong to the same patient",
            ));
        }
        if c.total.currency() != DECODA_CURRENCY {
            return Err(Error::invalid_input(
                format!("charges[{i}].total"),
                format!("must be in {DECODA_CURRENCY}"),
            ));
        }
        if c.total_outstanding.minor_units() < 0 {
            return Err(Error::invalid_input(
                format!("charges[{i}].total_outstanding"),
                "must not be negative",
            ));
        }
        for (j, item) in c.items.iter().enumerate() {
            if item.unit_price.currency() != DECODA_CURRENCY {
                return Err(Error::invalid_input(
                    format!("charges[{i}].items[{j}].unit_price"),
                    format!("must be in {DECODA_CURRENCY}"),
                ));
            }
        }
    }
    Ok(())
}

/// The settle query and body of a (validated) request.
///
/// # Errors
/// [`Error::InvalidInput`] naming `charges[i]` when a charge's `vendor_data` does not have
/// Decoda's shape.
pub fn settle_to_wire(
    request: &SettleChargesFromCredit,
) -> Result<(wire::SettleQuery, Vec<wire::ChargeDetailInput>)> {
    // Only charges that can be paid now are sent (`payable_charges`: outstanding with a
    // positive amount). Verify also lists paid, written-off and payment-plan charges, which
    // Decoda refuses to settle ("Charge … is not outstanding"): leaving them out lets the
    // verify answer be passed to settle unchanged.
    let body = request
        .charges
        .iter()
        .enumerate()
        .filter(|(_, c)| c.status.is_payable() && c.total_outstanding.is_positive())
        .map(|(i, c)| charge_to_wire(i, c))
        .collect::<Result<Vec<_>>>()?;
    Ok((
        wire::SettleQuery::new(request.amount.minor_units(), request.credit_ids.clone()),
        body,
    ))
}

/// A unified charge back into Decoda's `ChargeDetail-Input`.
///
/// # Errors
/// [`Error::InvalidInput`] naming `charges[index]`.
pub fn charge_to_wire(index: usize, c: &Charge) -> Result<wire::ChargeDetailInput> {
    let mut map = c.vendor_data.as_map().clone();
    let opt = |v: &Option<String>| v.as_ref().map_or(Value::Null, |s| Value::String(s.clone()));
    map.insert("id".into(), opt(&c.id));
    map.insert("patientId".into(), Value::String(c.patient_id.clone()));
    map.insert("total".into(), Value::from(c.total.minor_units()));
    map.insert(
        "totalOutstanding".into(),
        Value::from(c.total_outstanding.minor_units()),
    );
    map.insert(
        "status".into(),
        Value::String(charge_status(&c.status).as_str().to_owned()),
    );
    map.insert("description".into(), opt(&c.description));
    map.remove("createdDate");
    let items = c
        .items
        .iter()
        .map(|item| {
            let mut m = item.vendor_data.as_map().clone();
            m.insert("id".into(), opt(&item.id));
            m.insert("name".into(), opt(&item.name));
            m.insert("quantity".into(), Value::from(item.quantity));
            m.insert("price".into(), Value::from(item.unit_price.minor_units()));
            Value::Object(m)
        })
        .collect();
    map.insert("items".into(), Value::Array(items));
    let mut wire: wire::ChargeDetailInput =
        serde_json::from_value(Value::Object(map)).map_err(|e| {
            Error::invalid_input(
                format!("charges[{index}]"),
                format!("vendor_data is not a Decoda charge: {}", describe(&e)),
            )
        })?;
    wire.created_date = c.created_at;
    Ok(wire)
}

/// A serde error without the offending value (it may be PHI).
pub(crate) fn describe(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    if msg.starts_with("missing field") {
        msg.split(" at line ")
            .next()
            .unwrap_or("missing field")
            .to_owned()
    } else if msg.starts_with("invalid type") || msg.starts_with("invalid value") {
        let expected = msg.split(", expected ").nth(1).unwrap_or("another value");
        format!("a field has the wrong type, expected {expected}")
    } else {
        "a field has an unexpected value".to_owned()
    }
}

/// The unified payment of a settle answer (`PaymentSummary`).
///
/// # Errors
/// A description when the currency is not an ISO 4217 code this crate knows.
pub fn payment_from_wire(p: wire::PaymentSummary) -> Result<Payment, String> {
    let currency = currency_of(&p.currency)?;
    let mut payment = Payment::new(
        p.id,
        payment_state(&p.status),
        Money::from_minor(p.amount, currency),
    );
    payment.fee = Some(Money::from_minor(p.fee, currency));
    payment.fee_to_patient = Some(Money::from_minor(p.fee_to_patient, currency));
    payment.medium = Some(p.payment_medium);
    payment.patient_id = p.patient_id;
    payment.created_at = Some(p.created_date);
    payment.failed_reason = p.failed_reason;
    payment.payin_id = p.payin_id;
    payment.payin_config_id = p.payin_config_id;
    payment.payment_method_id = p.payment_method_id;
    payment.processor_payment_id = p.stripe_payment_intent_id;
    if let Some(updated) = p.updated_date.and_then(|d| {
        d.format(&time::format_description::well_known::Rfc3339)
            .ok()
    }) {
        payment
            .vendor_data
            .as_map_mut()
            .insert("updatedDate".into(), Value::String(updated));
    }
    Ok(payment)
}

/// The unified payment of a `Payment-Output` (a charge's payment, as the charge read and
/// verify return it); its refunds and method stay in `vendor_data`.
///
/// # Errors
/// A description when the currency is not an ISO 4217 code this crate knows.
pub fn payment_from_output(p: &wire::Payment) -> Result<Payment, String> {
    let currency = currency_of(&p.currency)?;
    let mut payment = Payment::new(
        p.id.clone(),
        payment_state(&p.status),
        Money::from_minor(p.amount, currency),
    );
    payment.fee = Some(Money::from_minor(p.fee, currency));
    payment.fee_to_patient = Some(Money::from_minor(p.fee_to_patient, currency));
    payment.medium = Some(p.payment_medium.clone());
    payment.patient_id.clone_from(&p.patient_id);
    payment.created_at = Some(p.created_date);
    payment.failed_reason.clone_from(&p.failed_reason);
    payment.payin_id.clone_from(&p.payin_id);
    payment.payin_config_id.clone_from(&p.payin_config_id);
    payment.payment_method_id.clone_from(&p.payment_method_id);
    payment
        .processor_payment_id
        .clone_from(&p.stripe_payment_intent_id);
    if !p.refunds.is_empty() {
        payment.vendor_data.as_map_mut().insert(
            "refunds".into(),
            serde_json::to_value(&p.refunds).map_err(|e| e.to_string())?,
        );
    }
    Ok(payment)
}

/// A Decoda currency code.
///
/// # Errors
/// A description (no value) when it is not an ISO 4217 code this crate knows.
pub fn currency_of(code: &str) -> Result<Currency, String> {
    Currency::from_code(code).map_err(|_| "`currency`: unknown ISO 4217 currency code".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn usd(m: i64) -> Money {
        Money::from_minor(m, Currency::USD)
    }

    const CHARGE: &str = r#"{
        "id": "ch_1", "patientId": "pat_1", "total": 5000, "totalOutstanding": 3000,
        "status": "OUTSTANDING", "description": "Botox", "createdDate": "2024-01-15T10:00:00.123456",
        "discountAmount": null, "ruleSetId": "rs_9", "meta": {"visit": "v1"},
        "patient": {"id": "pat_1", "type": "PATIENT", "createdDate": "2023-01-01T00:00:00Z", "firstName": "Jane"},
        "items": [{"id": "it_1", "name": "Botox 20u", "quantity": 2, "price": 2500, "chargeId": "ch_1",
                   "item": {"name": "Botox", "price": 2500, "unit": "UNITS", "type": "MEDICATION"},
                   "saleDate": "2024-01-15T10:00:00Z", "locationName": "Main"}],
        "payments": [{"paymentId": "pay_0", "amount": 2000, "chargeId": "ch_1", "createdDate": null,
                      "payment": {"id": "pay_0", "amount": 2000, "status": "SUCCEEDED", "paymentMedium": "CARD",
                                  "createdDate": "2024-01-16T00:00:00+00:00", "refunds": []}}],
        "tips": [{"chargeId": "ch_1", "amount": 500, "providerId": "prov_1"}],
        "adjustments": [],
        "someFutureField": 1
    }"#;

    #[test]
    fn verified_charge_round_trips_into_settle() {
        let wire_charge: wire::ChargeDetailWithItems = serde_json::from_str(CHARGE).unwrap();
        let charge = charge_from_wire(wire_charge.clone()).unwrap();
        assert_eq!(charge.id.as_deref(), Some("ch_1"));
        assert_eq!(charge.total, usd(5000));
        assert_eq!(charge.total_outstanding, usd(3000));
        assert_eq!(charge.status, ChargeState::Outstanding);
        assert_eq!(
            charge.created_at,
            Some(datetime!(2024-01-15 10:00:00.123456 UTC))
        );
        assert_eq!(charge.items[0].unit_price, usd(2500));
        assert_eq!(charge.items[0].quantity, 2);
        let keys: Vec<&str> = charge
            .vendor_data
            .as_map()
            .keys()
            .map(String::as_str)
            .collect();
        for k in [
            "ruleSetId",
            "meta",
            "payments",
            "tips",
            "adjustments",
            "discountAmount",
            "discountPercentage",
        ] {
            assert!(keys.contains(&k), "{k} missing from {keys:?}");
        }
        for k in ["patient", "id", "total", "items", "externalId"] {
            assert!(!keys.contains(&k), "{k} should not be in {keys:?}");
        }
        // Through JSON, as the CLI does.
        let json = serde_json::to_string(&charge).unwrap();
        let back: Charge = serde_json::from_str(&json).unwrap();
        let input = charge_to_wire(0, &back).unwrap();
        assert_eq!(input.id.as_deref(), Some("ch_1"));
        assert_eq!(input.patient_id, "pat_1");
        assert_eq!(input.total, 5000);
        assert_eq!(input.total_outstanding, 3000);
        assert_eq!(input.status, wire::ChargeStatus::Outstanding);
        assert_eq!(input.discount_amount, None);
        assert_eq!(input.discount_percentage, Some(0.0));
        assert_eq!(input.rule_set_id.as_deref(), Some("rs_9"));
        assert_eq!(input.created_date, wire_charge.created_date);
        assert_eq!(input.items.len(), 1);
        assert_eq!(input.items[0].price, 2500);
        assert_eq!(input.items[0].charge_id.as_deref(), Some("ch_1"));
        assert_eq!(input.payments, wire_charge.payments);
        assert_eq!(input.tips, wire_charge.tips);
        assert!(input.patient.is_none());
        let body = serde_json::to_value(&input).unwrap();
        assert!(
            body["items"][0].get("saleDate").is_none(),
            "output-only item fields are dropped"
        );
        assert_eq!(body["meta"]["visit"], "v1");
    }

    #[test]
    fn unknown_status_round_trips() {
        let json = CHARGE.replace("\"OUTSTANDING\"", "\"ON_HOLD\"");
        let charge = charge_from_wire(serde_json::from_str(&json).unwrap()).unwrap();
        assert_eq!(charge.status, ChargeState::Unknown("ON_HOLD".into()));
        let input = charge_to_wire(0, &charge).unwrap();
        assert_eq!(serde_json::to_value(&input).unwrap()["status"], "ON_HOLD");
    }

    #[test]
    fn bad_vendor_data_names_the_charge() {
        let mut charge = Charge::new("p1", ChargeState::Outstanding, usd(1), usd(1));
        charge
            .vendor_data
            .as_map_mut()
            .insert("payments".into(), Value::String("Jane Doe".into()));
        let e = charge_to_wire(3, &charge).unwrap_err();
        assert_eq!(e.invalid_field(), Some("charges[3]"));
        assert!(!e.to_string().contains("Jane"), "{e}");
        // A bare unified charge (no vendor_data) is a valid ChargeDetail-Input.
        let bare = Charge::new("p1", ChargeState::Outstanding, usd(100), usd(100));
        let input = charge_to_wire(0, &bare).unwrap();
        assert_eq!(input.total_outstanding, 100);
        assert!(input.items.is_empty());
    }

    #[test]
    fn settle_checks_name_fields() {
        let c = Charge::new("p1", ChargeState::Outstanding, usd(100), usd(100));
        let eur = SettleChargesFromCredit::new(
            Money::from_minor(50, Currency::EUR),
            vec![Charge::new(
                "p1",
                ChargeState::Outstanding,
                Money::from_minor(100, Currency::EUR),
                Money::from_minor(100, Currency::EUR),
            )],
        );
        assert_eq!(
            check_settle(&eur).unwrap_err().invalid_field(),
            Some("amount")
        );
        let two = SettleChargesFromCredit::new(
            usd(50),
            vec![
                c.clone(),
                Charge::new("p2", ChargeState::Outstanding, usd(1), usd(1)),
            ],
        );
        assert_eq!(
            check_settle(&two).unwrap_err().invalid_field(),
            Some("charges[1].patient_id")
        );
        let blank = SettleChargesFromCredit::new(
            usd(50),
            vec![Charge::new(
                " ",
                ChargeState::Outstanding,
                usd(100),
                usd(100),
            )],
        );
        assert_eq!(
            check_settle(&blank).unwrap_err().invalid_field(),
            Some("charges[0].patient_id")
        );
        assert!(check_settle(&SettleChargesFromCredit::new(usd(50), vec![c.clone()])).is_ok());
        let (query, body) = settle_to_wire(
            &SettleChargesFromCredit::new(usd(50), vec![c]).with_credit_ids(["cr_1", "cr_2"]),
        )
        .unwrap();
        assert_eq!(
            query,
            wire::SettleQuery::new(50, vec!["cr_1".into(), "cr_2".into()])
        );
        assert_eq!(body.len(), 1);
    }

    #[test]
    fn verify_body_and_patient() {
        let req = VerifyPatient::new("pat_1", "Doe", "+14155552671", date!(1990 - 01 - 05));
        let body = serde_json::to_value(verify_to_wire(&req)).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"patientId": "pat_1", "lastName": "Doe", "phoneNumber": "+14155552671", "dateOfBirth": "1990-01-05"})
        );
        let p: wire::PatientSummary = serde_json::from_str(
            r#"{"id":"pat_1","type":"PATIENT","createdDate":"2023-01-01T00:00:00Z","firstName":"Jane","lastName":"Doe",
                "zipCode":"94107","dateOfBirth":"1990-01-05","creditBalance":7500}"#,
        )
        .unwrap();
        let patient = patient_from_wire(&p);
        assert_eq!(patient.credit_balance, Some(usd(7500)));
        assert_eq!(patient.date_of_birth, Some(date!(1990 - 01 - 05)));
        assert_eq!(
            patient
                .address
                .as_ref()
                .and_then(|a| a.postal_code.as_deref()),
            Some("94107")
        );
        assert_eq!(
            patient.address.as_ref().and_then(|a| a.line1.as_deref()),
            None
        );
        let none: wire::PatientSummary = serde_json::from_str(
            r#"{"id":"pat_2","type":"PATIENT","createdDate":"2023-01-01T00:00:00Z"}"#,
        )
        .unwrap();
        assert!(patient_from_wire(&none).address.is_none());
    }

    #[test]
    fn payments_use_their_currency() {
        let p: wire::PaymentSummary = serde_json::from_str(
            r#"{"id":"pay_1","amount":1999,"status":"SUCCEEDED","paymentMedium":"CREDIT","createdDate":"2024-01-01T00:00:00Z","currency":"CAD","fee":30}"#,
        )
        .unwrap();
        let pay = payment_from_wire(p).unwrap();
        assert_eq!(pay.amount, Money::from_minor(1999, Currency::CAD));
        assert_eq!(pay.fee, Some(Money::from_minor(30, Currency::CAD)));
        assert_eq!(
            pay.fee_to_patient,
            Some(Money::from_minor(0, Currency::CAD))
        );
        assert_eq!(pay.medium.as_deref(), Some("CREDIT"));
        let p: wire::PaymentSummary = serde_json::from_str(
            r#"{"id":"pay_1","amount":1,"status":"NEW_STATE","paymentMedium":"CREDIT","createdDate":"2024-01-01T00:00:00Z","currency":"ZZZ"}"#,
        )
        .unwrap();
        assert!(payment_from_wire(p).unwrap_err().contains("currency"));
    }
}
