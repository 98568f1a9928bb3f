//! Wire ⇄ domain: the only place Decoda's JSON and the unified model meet.
//!
//! - Decoda's integers are minor units. Charges, items and credit balances carry no currency
//!   and are [`DECODA_CURRENCY`] (USD); a payment is in its own `currency` (default USD).
//! - A verified charge keeps every Decoda field the unified [`Charge`] does not name in
//!   `vendor_data` (camelCase keys, top-level `null`s dropped), so it can go back into
//!   settle unchanged — except the embedded `patient` summary, which is PHI, is optional in
//!   `ChargeDetail-Input` and is not needed (Decoda identifies the patient by `patientId`).
//!   `verify_patient_balance` ([`balance_from_response`]) keeps them as Decoda sent them,
//!   through a borrowed view of the answer (`wire::verified`); [`balance_from_wire`], from
//!   the owned model, keeps the owned model re-serialized. Both give the same settle body.
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
use patientpay_core::pipeline::VendorResponse;
use patientpay_core::{Currency, Error, Money, Result};
use serde_json::Value;

use crate::wire;
use crate::wire::verified::{
    NULL_MEANS_NULL, VerifiedCharge, VerifiedDetails, VerifiedItem, VerifiedPatient, owned,
};

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

/// The unified balance of a verify answer's body, read as
/// [`verify_patient_balance`](patientpay_core::PatientBilling::verify_patient_balance)
/// reads it: through a borrowed view of the answer, not the owned
/// [`wire::PaymentLinkDetails`] ([`balance_from_wire`]); the fields the unified model does
/// not name are kept in `vendor_data` as Decoda sent them.
///
/// # Errors
/// [`Error::Decode`] when the body is not a verify answer (saying what and where, never
/// the values) or the amounts overflow.
pub fn balance_from_response(resp: &VendorResponse) -> Result<PatientBalance> {
    let details: VerifyAnswer<'_> = resp.json()?;
    balance_from_verified(details).map_err(|d| resp.decode_error(d))
}

/// The verify answer as `verify_patient_balance` decodes it: the borrowed view, each
/// charge and item mapped to the unified one as soon as it is read.
pub(crate) type VerifyAnswer<'a> = VerifiedDetails<'a, Mapped<Charge>>;

/// A unified value mapped from its view while the answer is read (no `Vec` of views).
pub(crate) struct Mapped<T>(T);

impl<'de> serde::Deserialize<'de> for Mapped<ChargeItem> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        VerifiedItem::deserialize(d).map(|i| Mapped(item_from_verified(i)))
    }
}

impl<'de> serde::Deserialize<'de> for Mapped<Charge> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        VerifiedCharge::<'de, Mapped<ChargeItem>>::deserialize(d)
            .map(|c| Mapped(charge_from_verified(c)))
    }
}

/// The unified balance of the decoded verify answer.
pub(crate) fn balance_from_verified(details: VerifyAnswer<'_>) -> Result<PatientBalance, String> {
    let patient = patient_from_verified(details.patient);
    // Same layout: collected in place.
    let charges = details.charges.into_iter().map(|c| c.0).collect();
    PatientBalance::new(
        patient,
        charges,
        details.payment_link.into_owned(),
        DECODA_CURRENCY,
    )
    .map_err(|e| e.to_string())
}

fn patient_from_verified(p: VerifiedPatient<'_>) -> Patient {
    let mut patient = Patient::new(p.id.into_owned());
    patient.first_name = owned(p.first_name);
    patient.last_name = owned(p.last_name);
    patient.email = owned(p.email);
    patient.phone = owned(p.phone_number);
    patient.date_of_birth = p.date_of_birth;
    patient.credit_balance = p
        .credit_balance
        .map(|c| Money::from_minor(c, DECODA_CURRENCY));
    patient.address = address_from_parts([
        owned(p.address),
        owned(p.address_line_two),
        owned(p.city),
        owned(p.state),
        owned(p.zip_code),
        owned(p.country),
    ]);
    patient
}

fn charge_from_verified(c: VerifiedCharge<'_, Mapped<ChargeItem>>) -> Charge {
    let mut charge = Charge::new(
        c.patient_id.into_owned(),
        charge_state(&c.status),
        Money::from_minor(c.total, DECODA_CURRENCY),
        Money::from_minor(c.total_outstanding, DECODA_CURRENCY),
    );
    charge.id = owned(c.id);
    charge.description = owned(c.description);
    charge.created_at = c.created_date;
    // Same layout: collected in place.
    charge.items = c.items.into_iter().map(|i| i.0).collect();
    // Everything else but the embedded `patient` (PHI, never read), as sent.
    charge.vendor_data = c.kept;
    charge
}

fn item_from_verified(i: VerifiedItem<'_>) -> ChargeItem {
    let mut item = ChargeItem::new(i.quantity, Money::from_minor(i.price, DECODA_CURRENCY));
    item.id = owned(i.id);
    item.name = owned(i.name);
    item.vendor_data = i.kept;
    item
}

/// The unified balance of the owned verify answer (the one
/// [`verify_patient_raw`](crate::Decoda::verify_patient_raw) returns). `vendor_data` holds
/// the owned model re-serialized: the fields it types, with their defaults, and not the
/// fields it does not know; [`balance_from_response`] keeps them as sent instead. Both
/// give the same settle body ([`settle_to_wire`]).
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

/// The unified address of a Decoda patient's six address fields (`address`,
/// `addressLineTwo`, `city`, `state`, `zipCode`, `country`), or `None` when all are absent.
fn address_from_parts(parts: [Option<String>; 6]) -> Option<PartialAddress> {
    if parts.iter().all(Option::is_none) {
        return None;
    }
    let [line1, line2, city, state, postal_code, country] = parts;
    let mut a = PartialAddress::default();
    a.line1 = line1;
    a.line2 = line2;
    a.city = city;
    a.state = state;
    a.postal_code = postal_code;
    a.country = country;
    Some(a)
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
    patient.address = address_from_parts([
        p.address.clone(),
        p.address_line_two.clone(),
        p.city.clone(),
        p.state.clone(),
        p.zip_code.clone(),
        p.country.clone(),
    ]);
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

    // -----------------------------------------------------------------------------------
    // The borrowed view (`verify_patient_balance`) against the owned model.

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    fn response(body: &str) -> VendorResponse {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        VendorResponse::from_parts(
            "decoda",
            patientpay_core::Operation::VerifyPatientBalance,
            200,
            headers,
            body.to_owned(),
        )
    }

    fn viewed(body: &str) -> PatientBalance {
        balance_from_response(&response(body)).unwrap()
    }

    fn owned_model(body: &str) -> PatientBalance {
        balance_from_wire(serde_json::from_str(body).unwrap()).unwrap()
    }

    /// Every charge's settle body (payable or not), directly and through JSON (as the
    /// CLI passes a verified charge on).
    fn settle_bodies(balance: &PatientBalance) -> Vec<Value> {
        balance
            .charges
            .iter()
            .enumerate()
            .flat_map(|(i, c)| {
                let back: Charge =
                    serde_json::from_str(&serde_json::to_string(c).unwrap()).unwrap();
                [c, &back].map(|c| serde_json::to_value(charge_to_wire(i, c).unwrap()).unwrap())
            })
            .collect()
    }

    /// A verify answer holding [`CHARGE`] twice (once paid, once with fields the owned
    /// model does not know at every level).
    fn answer_with_charges() -> String {
        let paid = CHARGE.replace("\"OUTSTANDING\"", "\"PAID\"").replace(
            "\"refunds\": []",
            "\"refunds\": [], \"futureNested\": {\"a\": [1, null]}",
        );
        format!(
            r#"{{"charges": [{CHARGE}, {paid}], "patient": {{"id": "pat_1", "type": "PATIENT",
               "createdDate": "2023-01-01T00:00:00Z", "firstName": "Jane", "zipCode": "94107",
               "dateOfBirth": "1990-01-05", "creditBalance": 7500}}, "paymentLink": "https://pay/l/1"}}"#
        )
    }

    #[test]
    fn the_view_settles_as_the_owned_model_did() {
        let bodies = [
            fixture("verify_response_doc_example.json"),
            fixture("verify_response_every_enum.json"),
            fixture("verify_response_minimal.json"),
            answer_with_charges(),
        ];
        for body in &bodies {
            let (new, old) = (viewed(body), owned_model(body));
            assert_eq!(new.patient, old.patient);
            assert_eq!(new.payment_link, old.payment_link);
            assert_eq!(new.total_outstanding, old.total_outstanding);
            assert_eq!(new.charges.len(), old.charges.len());
            for (n, o) in new.charges.iter().zip(&old.charges) {
                assert_eq!(
                    (
                        &n.id,
                        &n.patient_id,
                        &n.status,
                        n.total,
                        n.total_outstanding
                    ),
                    (
                        &o.id,
                        &o.patient_id,
                        &o.status,
                        o.total,
                        o.total_outstanding
                    )
                );
                assert_eq!(
                    (&n.description, n.created_at),
                    (&o.description, o.created_at)
                );
                assert_eq!(n.items.len(), o.items.len());
                for (n, o) in n.items.iter().zip(&o.items) {
                    assert_eq!(
                        (&n.id, &n.name, n.quantity, n.unit_price),
                        (&o.id, &o.name, o.quantity, o.unit_price)
                    );
                }
            }
            assert!(!new.charges.is_empty());
            assert_eq!(settle_bodies(&new), settle_bodies(&old), "{body}");
            let request =
                |b: &PatientBalance| SettleChargesFromCredit::new(usd(100), b.charges.clone());
            let (new_query, new_body) = settle_to_wire(&request(&new)).unwrap();
            let (old_query, old_body) = settle_to_wire(&request(&old)).unwrap();
            assert_eq!(new_query, old_query);
            assert_eq!(
                serde_json::to_value(new_body).unwrap(),
                serde_json::to_value(old_body).unwrap()
            );
        }
    }

    #[test]
    fn the_view_keeps_fields_as_sent_but_never_the_patient() {
        let balance = viewed(&answer_with_charges());
        let (outstanding, paid) = (&balance.charges[0], &balance.charges[1]);
        assert_eq!(paid.status, ChargeState::Paid);
        let kept = serde_json::to_string(&outstanding.vendor_data).unwrap();
        assert!(!outstanding.vendor_data.contains_key("patient"));
        assert!(!kept.contains("Jane"), "{kept}");
        for k in CHARGE_KEYS {
            assert!(!outstanding.vendor_data.contains_key(k), "{k} duplicated");
        }
        for k in ITEM_KEYS {
            assert!(
                !outstanding.items[0].vendor_data.contains_key(k),
                "{k} duplicated"
            );
        }
        // As sent: unknown fields at the top and nested, a null meaning null; nothing the
        // answer did not hold (the owned model wrote its defaults).
        assert_eq!(outstanding.vendor_data["someFutureField"], 1);
        assert_eq!(outstanding.vendor_data["discountAmount"], Value::Null);
        assert!(outstanding.vendor_data.contains_key("discountAmount"));
        assert!(!outstanding.vendor_data.contains_key("discountPercentage"));
        assert!(!outstanding.vendor_data.contains_key("externalId"));
        assert_eq!(
            paid.vendor_data["payments"][0]["payment"]["futureNested"],
            serde_json::json!({"a": [1, null]})
        );
        assert_eq!(
            paid.vendor_data["payments"][0]["createdDate"],
            Value::Null,
            "a nested null is part of the value, kept"
        );
        assert_eq!(outstanding.items[0].vendor_data["item"]["unit"], "UNITS");
        assert_eq!(outstanding.items[0].vendor_data["locationName"], "Main");
        assert_eq!(balance.patient.credit_balance, Some(usd(7500)));
        assert_eq!(balance.patient.date_of_birth, Some(date!(1990 - 01 - 05)));
        let old = owned_model(&answer_with_charges());
        assert_eq!(old.charges[0].vendor_data["discountPercentage"], 0.0);
        assert!(!old.charges[0].vendor_data.contains_key("someFutureField"));
    }

    #[test]
    fn a_malformed_kept_part_fails_settle_not_verify() {
        // The owned model refused the whole answer; the view keeps the part as sent, and
        // building the settle body refuses it, naming the charge, without the value.
        let body =
            answer_with_charges().replacen("\"tips\": [", "\"tips\": \"Jane Doe\", \"x\": [", 1);
        assert!(serde_json::from_str::<wire::PaymentLinkDetails>(&body).is_err());
        let balance = viewed(&body);
        assert_eq!(balance.charges[0].vendor_data["tips"], "Jane Doe");
        let e = charge_to_wire(0, &balance.charges[0]).unwrap_err();
        assert_eq!(e.invalid_field(), Some("charges[0]"));
        assert!(!e.to_string().contains("Jane"), "{e}");
    }

    #[test]
    fn an_unknown_status_is_kept() {
        let body = answer_with_charges().replacen("\"OUTSTANDING\"", "\"ON_HOLD\"", 1);
        let balance = viewed(&body);
        assert_eq!(
            balance.charges[0].status,
            ChargeState::Unknown("ON_HOLD".into())
        );
        let input = charge_to_wire(0, &balance.charges[0]).unwrap();
        assert_eq!(serde_json::to_value(&input).unwrap()["status"], "ON_HOLD");
    }

    #[test]
    fn a_bad_answer_is_a_scrubbed_decode_error() {
        let good = answer_with_charges();
        for (bad, why) in [
            (good.replacen("\"totalOutstanding\": 3000", "\"totalOutstanding\": \"Jane Doe\"", 1), "invalid type: got string"),
            (good.replacen("\"ruleSetId\": \"rs_9\",", "\"ruleSetId\": \"rs_9\", \"ruleSetId\": \"Jane Doe\",", 1), "duplicate field `ruleSetId`"),
            (good.replacen("\"patientId\": \"pat_1\", \"total\"", "\"patientId\": \"pat_1\", \"patientId\": \"Jane Doe\", \"total\"", 1), "duplicate field `patientId`"),
            (good.replacen("\"quantity\": 2", "\"quantity\": 2, \"quantity\": 3", 1), "duplicate field `quantity`"),
            (good.replacen("\"price\": 2500, \"chargeId\"", "\"chargeId\"", 1), "missing field `price`"),
            (good.replacen("\"paymentLink\"", "\"link\"", 1), "missing field `paymentLink`"),
            (good.replacen("\"createdDate\": \"2023-01-01T00:00:00Z\", \"firstName\": \"Jane\", \"zipCode\"", "\"createdDate\": \"Jane Doe\", \"firstName\": \"Jane\", \"zipCode\"", 1), "`patient.createdDate`"),
            (good.replacen("\"type\": \"PATIENT\",\n               \"createdDate\"", "\"createdDate\"", 1), "missing field `type`"),
            (good[..good.len() / 2].to_owned(), "truncated JSON"),
            ("Jane Doe".to_owned(), "malformed JSON"),
            (String::new(), "empty response body"),
        ] {
            let e = balance_from_response(&response(&bad)).unwrap_err();
            let Error::Decode { detail, .. } = &e else {
                panic!("{bad}: {e:?}");
            };
            assert!(detail.contains(why), "{why}: {detail}");
            assert!(!e.to_string().contains("Jane"), "{e}");
        }
        let mut html = response(&good);
        html = VendorResponse::from_parts(
            "decoda",
            patientpay_core::Operation::VerifyPatientBalance,
            200,
            http::HeaderMap::from_iter([(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("text/html"),
            )]),
            html.body().clone(),
        );
        assert!(matches!(
            balance_from_response(&html),
            Err(Error::Decode { .. })
        ));
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
