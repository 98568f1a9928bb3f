//! Wire ⇄ domain for the wave-2 endpoints: saved methods, payin configs and saved-card
//! charges, payment links, refunds, credit and the payment table.

use patientpay_core::domain::{
    CardBrand, Charge, CheckoutSession, ClientSecret, Credit, CreditBalance, Payment,
    PaymentMethodKind, PaymentState, Processor, Refund, RefundPayment, RefundReason,
    SavedPaymentMethod, VendorData,
};
use patientpay_core::{Error, Money, Result};
use serde_json::Value;

use super::{
    DECODA_CURRENCY, charge_to_wire, currency_of, describe, payment_state, payment_state_text,
};
use crate::wire;

/// The payment medium sent for a saved-card payment when the caller names none. Decoda
/// does not document which medium a saved-card charge takes (its guide says only "same idea
/// as setting up the virtual terminal"); `SAVED_PAYMENT_METHOD` is the enum value that
/// names it.
pub const DEFAULT_SAVED_METHOD_MEDIUM: wire::PaymentMedium =
    wire::PaymentMedium::SavedPaymentMethod;

/// The payment medium sent for a checkout component session (the patient pays in the
/// browser component, as on Decoda's payment link).
pub const CHECKOUT_MEDIUM: wire::PaymentMedium = wire::PaymentMedium::PaymentLink;

fn opt_str(map: &mut VendorData, key: &str, value: &Option<String>) {
    if let Some(v) = value {
        map.as_map_mut()
            .insert(key.to_owned(), Value::String(v.clone()));
    }
}

// ---------------------------------------------------------------------------------------
// Saved methods

/// Rainforest's card brand (`VISA`, `AMERICAN_EXPRESS`...) as a [`CardBrand`].
pub fn card_brand(brand: &str) -> CardBrand {
    match brand.to_ascii_uppercase().as_str() {
        "VISA" => CardBrand::Visa,
        "MASTERCARD" => CardBrand::Mastercard,
        "AMERICAN_EXPRESS" | "AMEX" => CardBrand::Amex,
        "DISCOVER" => CardBrand::Discover,
        _ => CardBrand::Unknown(brand.to_owned()),
    }
}

/// The unified saved method of a `PaymentMethodSummary`: `id` is Decoda's `pm_…` (the id
/// to remove it or pay with it), `processor_id` the Rainforest id; an ACH account's
/// `accountNumberLast4` becomes `last4`; everything else Decoda sent (bank, routing number,
/// holder type, description, archived flag, merchant ids, the raw type and brand) is in
/// `vendor_data`.
pub fn saved_method_from_wire(m: wire::PaymentMethodSummary) -> SavedPaymentMethod {
    use wire::PaymentMethodType as T;
    let kind = match &m.method_type {
        Some(T::Card) => PaymentMethodKind::Card,
        Some(T::Ach) => PaymentMethodKind::BankAccount,
        Some(T::ApplePay) => PaymentMethodKind::Wallet,
        Some(other) => PaymentMethodKind::Unknown(other.as_str().to_owned()),
        None => PaymentMethodKind::Unknown("unknown".to_owned()),
    };
    let mut s = SavedPaymentMethod::new(kind, Processor::Rainforest);
    if matches!(m.method_type, Some(T::ApplePay)) {
        s.wallet = Some("apple_pay".to_owned());
    }
    s.brand = m.brand.as_deref().map(card_brand);
    s.last4 = m
        .last4
        .clone()
        .or_else(|| m.account_number_last4.map(|n| format!("{n:04}")));
    s.exp_month = m.exp_month.and_then(|v| u8::try_from(v).ok());
    s.exp_year = m.exp_year.and_then(|v| u16::try_from(v).ok());
    s.processor_id.clone_from(&m.rainforest_payment_method_id);
    s.created_at = m.created_date;
    s.is_default = Some(m.is_default);
    let mut extra = VendorData::default();
    opt_str(&mut extra, "patientId", &m.patient_id);
    opt_str(&mut extra, "brand", &m.brand);
    opt_str(&mut extra, "accountHolderType", &m.account_holder_type);
    opt_str(&mut extra, "bankName", &m.bank_name);
    opt_str(&mut extra, "description", &m.description);
    if let Some(n) = m.account_number_last4 {
        extra
            .as_map_mut()
            .insert("accountNumberLast4".into(), Value::from(n));
    }
    if let Some(n) = m.routing_number {
        extra
            .as_map_mut()
            .insert("routingNumber".into(), Value::from(n));
    }
    if let Some(t) = &m.method_type {
        extra
            .as_map_mut()
            .insert("type".into(), Value::String(t.as_str().to_owned()));
    }
    extra
        .as_map_mut()
        .insert("isArchived".into(), Value::Bool(m.is_archived));
    if let Some(ids) = &m.available_merchant_ids {
        extra.as_map_mut().insert(
            "availableMerchantIds".into(),
            Value::Array(ids.iter().cloned().map(Value::String).collect()),
        );
    }
    s.id = Some(m.id);
    s.vendor_data = extra;
    s
}

/// Checks that `object` is a Rainforest payment-method object with every field the spec
/// requires, and returns it typed (the object itself is what is sent).
///
/// # Errors
/// [`Error::InvalidInput`] for `payment_method`, naming what is missing or mistyped
/// (never a value).
pub fn rainforest_object(object: &VendorData) -> Result<wire::RainforestPaymentMethod> {
    serde_json::from_value(Value::Object(object.as_map().clone())).map_err(|e| {
        Error::invalid_input(
            "payment_method",
            format!(
                "is not a Rainforest payment-method object: {}",
                describe(&e)
            ),
        )
    })
}

/// The personal values of a Rainforest object (its billing contact), to scrub from errors.
pub fn rainforest_phi(m: &wire::RainforestPaymentMethod) -> Vec<String> {
    let Some(c) = &m.billing_contact else {
        return Vec::new();
    };
    [
        &c.name,
        &c.address_line1,
        &c.address_line2,
        &c.city,
        &c.postal_code,
        &c.email,
        &c.phone,
    ]
    .into_iter()
    .flatten()
    .filter(|v| v.trim().len() > 2)
    .cloned()
    .collect()
}

// ---------------------------------------------------------------------------------------
// Payin configs, checkout and saved-card charges

/// The payin-config body paying the payable `charges` (see
/// [`SettleChargesFromCredit::payable_charges`](patientpay_core::SettleChargesFromCredit::payable_charges))
/// with `medium`, for `amount` cents.
///
/// # Errors
/// [`Error::InvalidInput`] naming `charges[i]` when a charge's `vendor_data` does not
/// have Decoda's shape.
pub fn payin_to_wire(
    charges: &[Charge],
    medium: wire::PaymentMedium,
    amount: Option<i64>,
) -> Result<wire::PayinConfigCreate> {
    let body = charges
        .iter()
        .enumerate()
        .filter(|(_, c)| c.status.is_payable() && c.total_outstanding.is_positive())
        .map(|(i, c)| charge_to_wire(i, c).map(wire::ChargeSummaryInput))
        .collect::<Result<Vec<_>>>()?;
    let mut payin = wire::PayinConfigCreate::new(medium, body);
    payin.payment_amount = amount;
    Ok(payin)
}

/// The component session of a payin config answer.
pub fn component_session(
    setup: wire::PayinComponentSetupResponse,
    amount: Option<Money>,
) -> CheckoutSession {
    CheckoutSession::ComponentSession {
        session_key: ClientSecret::new(setup.session_key),
        config_id: setup.payin_config_id,
        sandbox: setup.sandbox,
        amount,
    }
}

/// The hosted page among the payment links of a phone number: the first with a positive
/// outstanding amount (Decoda may answer one per patient sharing the phone; the first that
/// owes something is taken). `None` when nothing is owed.
pub fn hosted_page(links: Vec<wire::PublicInvoiceSummary>) -> Option<CheckoutSession> {
    links
        .into_iter()
        .find(|l| l.total_outstanding > 0)
        .map(|l| CheckoutSession::HostedPage {
            url: l.payment_link,
            outstanding: Some(Money::from_minor(l.total_outstanding, DECODA_CURRENCY)),
        })
}

/// The unified payment of a charge-card answer. Decoda answers no payment id: `id` is the
/// payin id (also in `payin_id`); `payin_config_id`, `payment_method_id` and `medium` are
/// what was sent.
pub fn payment_from_charge_card(
    resp: wire::ChargePaymentMethodResponse,
    payin_config_id: &str,
    payment_method_id: &str,
    patient_id: &str,
    medium: &str,
) -> Payment {
    let mut p = Payment::new(
        resp.payin_id.clone(),
        payment_state_text(&resp.status),
        Money::from_minor(resp.amount, DECODA_CURRENCY),
    );
    p.payin_id = Some(resp.payin_id);
    p.payin_config_id = Some(payin_config_id.to_owned());
    p.payment_method_id = Some(payment_method_id.to_owned());
    p.patient_id = Some(patient_id.to_owned());
    p.medium = Some(medium.to_owned());
    p.auth_code = resp.auth_code;
    p.vendor_data
        .as_map_mut()
        .insert("status".into(), Value::String(resp.status));
    p
}

// ---------------------------------------------------------------------------------------
// Refunds

/// [`RefundReason`] as Decoda's `RefundReason`.
pub fn refund_reason(r: &RefundReason) -> wire::RefundReason {
    match r {
        RefundReason::Duplicate => wire::RefundReason::Duplicate,
        RefundReason::Dispute => wire::RefundReason::Dispute,
        RefundReason::BookingFee => wire::RefundReason::BookingFee,
        RefundReason::Other => wire::RefundReason::Other,
        other => wire::RefundReason::from_wire(other.as_str()),
    }
}

/// Decoda's `RefundReason` as a [`RefundReason`].
pub fn refund_reason_from_wire(r: &wire::RefundReason) -> RefundReason {
    match r {
        wire::RefundReason::Duplicate => RefundReason::Duplicate,
        wire::RefundReason::Dispute => RefundReason::Dispute,
        wire::RefundReason::BookingFee => RefundReason::BookingFee,
        wire::RefundReason::Other => RefundReason::Other,
        other => RefundReason::Unknown(other.as_str().to_owned()),
    }
}

/// The refund body of a (validated) request.
pub fn refund_to_wire(r: &RefundPayment) -> wire::RefundCreate {
    wire::RefundCreate {
        payment_id: r.payment_id.clone(),
        provider_id: r.provider_id.clone(),
        amount: r.amount.minor_units(),
        reason: refund_reason(&r.reason),
        description: r.description.clone(),
        location_id: r.location_id.clone(),
        restore_inventory: r.restore_inventory,
    }
}

/// The unified refund of a `RefundSummary` (in [`DECODA_CURRENCY`]: the answer has none).
pub fn refund_from_wire(r: wire::RefundSummary) -> Refund {
    let mut out = Refund::new(
        r.id,
        r.payment_id,
        Money::from_minor(r.amount, DECODA_CURRENCY),
        refund_reason_from_wire(&r.reason),
        payment_state(&r.status),
    );
    out.created_at = Some(r.created_date);
    out.processor_refund_id = r.rainforest_refund_id;
    out.fee = Some(Money::from_minor(r.fee, DECODA_CURRENCY));
    out
}

// ---------------------------------------------------------------------------------------
// Credit

/// The unified credit of a `PatientCreditSummary`.
pub fn credit_from_summary(c: wire::PatientCreditSummary) -> Credit {
    let mut out = Credit::new(
        c.id,
        Money::from_minor(c.amount, DECODA_CURRENCY),
        Money::from_minor(c.amount_remaining, DECODA_CURRENCY),
    );
    out.created_at = Some(c.created_date);
    out.expires_at = c.expiry_date;
    out.comment = c.comment;
    out.vendor_data
        .as_map_mut()
        .insert("patientId".into(), Value::String(c.patient_id));
    opt_str(&mut out.vendor_data, "memberId", &c.member_id);
    if let Some(creator) = c.creator {
        out.vendor_data
            .as_map_mut()
            .insert("creatorId".into(), Value::String(creator.id));
    }
    out
}

/// The unified balance of an `AvailableCreditResponse`.
pub fn credit_balance_from_wire(r: wire::AvailableCreditResponse) -> CreditBalance {
    let credits = r
        .credits
        .into_iter()
        .map(|c| {
            let mut out = Credit::new(
                c.credit_id,
                Money::from_minor(c.total_amount, DECODA_CURRENCY),
                Money::from_minor(c.remaining_amount, DECODA_CURRENCY),
            );
            out.created_at = Some(c.created_date);
            out.expires_at = c.expiry_date;
            out.comment = c.comment;
            out
        })
        .collect();
    CreditBalance::new(
        Money::from_minor(r.total_available, DECODA_CURRENCY),
        credits,
    )
}

// ---------------------------------------------------------------------------------------
// Payment table

/// The unified payment of a payment-table row. The payer's name, e-mail and phone are not
/// kept (PHI the payment does not need); the method's Decoda id is `payment_method_id`,
/// the refunds and flags are in `vendor_data`.
///
/// # Errors
/// A description when the currency is not an ISO 4217 code this crate knows.
pub fn payment_from_table(row: wire::PaymentTableItem) -> Result<Payment, String> {
    let currency = currency_of(&row.currency)?;
    let mut p = Payment::new(
        row.id,
        payment_state_text(&row.status),
        Money::from_minor(row.amount, currency),
    );
    p.fee = Some(Money::from_minor(row.fee, currency));
    p.fee_to_patient = Some(Money::from_minor(row.fee_to_patient, currency));
    p.medium = Some(row.payment_medium);
    p.patient_id = row.patient_id;
    p.created_at = Some(row.created_date);
    p.payment_method_id = row.payment_method.map(|m| m.id);
    let refunds: Vec<Value> = row
        .refunds
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id,
                "amount": r.amount,
                "reason": r.reason.as_str(),
                "status": r.status.as_str(),
                "createdDate": r.created_date
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
            })
        })
        .collect();
    p.vendor_data
        .as_map_mut()
        .insert("refunds".into(), Value::Array(refunds));
    p.vendor_data
        .as_map_mut()
        .insert("isPaymentPlan".into(), Value::Bool(row.is_payment_plan));
    p.vendor_data.as_map_mut().insert(
        "isInsurancePayment".into(),
        Value::Bool(row.is_insurance_payment),
    );
    opt_str(&mut p.vendor_data, "locationId", &row.location_id);
    Ok(p)
}

/// `true` when `state` means nothing moved.
pub fn nothing_moved(state: &PaymentState) -> bool {
    !state.may_have_moved_money()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_methods_map_fully() {
        let m: wire::PaymentMethodSummary = serde_json::from_value(serde_json::json!({
            "id": "pm_1", "patientId": "pat_1", "rainforestPaymentMethodId": "mtd_1",
            "brand": "AMERICAN_EXPRESS", "last4": "0005", "expMonth": 3, "expYear": 2028,
            "accountHolderType": null, "accountNumberLast4": null, "bankName": null,
            "routingNumber": null, "description": null, "type": "CARD", "isDefault": true,
            "createdDate": "2024-01-02T09:30:00Z"
        }))
        .unwrap();
        let s = saved_method_from_wire(m);
        assert_eq!(s.id.as_deref(), Some("pm_1"));
        assert_eq!(s.processor_id.as_deref(), Some("mtd_1"));
        assert_eq!(s.brand, Some(CardBrand::Amex));
        assert_eq!((s.exp_month, s.exp_year), (Some(3), Some(2028)));
        assert_eq!(s.is_default, Some(true));
        assert!(s.created_at.is_some());
        assert_eq!(s.vendor_data["isArchived"], false);
        let ach: wire::PaymentMethodSummary = serde_json::from_value(serde_json::json!({
            "id": "pm_2", "patientId": "pat_1", "rainforestPaymentMethodId": null,
            "brand": null, "last4": null, "expMonth": null, "expYear": null,
            "accountHolderType": "INDIVIDUAL", "accountNumberLast4": 89, "bankName": "Chase",
            "routingNumber": 21000021, "description": null, "type": "ACH"
        }))
        .unwrap();
        let s = saved_method_from_wire(ach);
        assert_eq!(s.kind, PaymentMethodKind::BankAccount);
        assert_eq!(s.last4.as_deref(), Some("0089"));
        assert_eq!(s.vendor_data["bankName"], "Chase");
        assert_eq!(s.is_default, Some(false));
    }

    #[test]
    fn hosted_page_takes_the_first_that_owes() {
        let links = vec![
            wire::PublicInvoiceSummary {
                total_outstanding: 0,
                payment_link: "https://a".into(),
            },
            wire::PublicInvoiceSummary {
                total_outstanding: 500,
                payment_link: "https://b".into(),
            },
            wire::PublicInvoiceSummary {
                total_outstanding: 900,
                payment_link: "https://c".into(),
            },
        ];
        match hosted_page(links) {
            Some(CheckoutSession::HostedPage { url, outstanding }) => {
                assert_eq!(url, "https://b");
                assert_eq!(outstanding, Some(Money::from_minor(500, DECODA_CURRENCY)));
            }
            other => panic!("{other:?}"),
        }
        assert!(hosted_page(Vec::new()).is_none());
    }

    #[test]
    fn refund_reasons_round_trip() {
        for r in [
            RefundReason::Duplicate,
            RefundReason::Dispute,
            RefundReason::BookingFee,
            RefundReason::Other,
            RefundReason::Unknown("GOODWILL".into()),
        ] {
            assert_eq!(refund_reason_from_wire(&refund_reason(&r)), r);
        }
    }

    #[test]
    fn a_rainforest_object_missing_fields_is_refused_by_name() {
        let mut o = VendorData::default();
        o.as_map_mut()
            .insert("paymentMethodId".into(), Value::String("mtd".into()));
        let e = rainforest_object(&o).unwrap_err();
        assert_eq!(e.invalid_field(), Some("payment_method"));
        assert!(e.to_string().contains("missing field"), "{e}");
    }
}
