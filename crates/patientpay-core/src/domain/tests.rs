use crate::Currency;
use crate::domain::*;
use crate::money::Money;

#[test]
fn phi_is_redacted_in_debug() {
    let addr = Address::new(
        "1600 Pennsylvania Avenue NW",
        "Washington",
        "DC",
        "20500",
        "US",
    )
    .with_line2("Suite 9");
    let req = UpdatePaymentInfo::new("jane@example.com", "seti_1", "nmi-tok-SECRET", addr);
    let dbg = format!("{req:?}");
    for leaked in [
        "Pennsylvania",
        "Washington",
        "20500",
        "jane@",
        "Suite",
        "nmi-tok-SECRET",
    ] {
        assert!(!dbg.contains(leaked), "{leaked} in {dbg}");
    }
    let v = VerifyPatient::new(
        "p1",
        "Doe",
        "+14155552671",
        time::macros::date!(1990 - 01 - 31),
    );
    let dbg = format!("{v:?}");
    for leaked in ["Doe", "4155552671", "1990"] {
        assert!(!dbg.contains(leaked), "{leaked} in {dbg}");
    }
    let mut p = Patient::new("p1");
    p.first_name = Some("Jane".into());
    p.date_of_birth = Some(time::macros::date!(1990 - 01 - 31));
    let dbg = format!("{p:?}");
    assert!(!dbg.contains("Jane") && !dbg.contains("1990"), "{dbg}");
    let add = AddPaymentMethod::new("pm_SECRET_TOKEN");
    assert!(!format!("{add:?}").contains("pm_SECRET_TOKEN"));
    let cs = ClientSecret::new("pi_123_secret_abc");
    assert_eq!(format!("{cs:?}"), "ClientSecret(<redacted>)");
    assert_eq!(cs.payment_intent_id(), Some("pi_123"));
}

#[test]
fn validation_names_fields() {
    assert_eq!(
        AddPaymentMethod::new("  ")
            .validate()
            .unwrap_err()
            .invalid_field(),
        Some("token")
    );
    assert_eq!(
        RemovePaymentMethod::new("")
            .validate()
            .unwrap_err()
            .invalid_field(),
        Some("id")
    );
    let zero = CreatePaymentIntent::new(Money::zero(Currency::USD));
    assert_eq!(zero.validate().unwrap_err().invalid_field(), Some("amount"));
    let future = VerifyPatient::new("p", "Doe", "1", time::macros::date!(2999 - 01 - 01));
    assert_eq!(
        future.validate().unwrap_err().invalid_field(),
        Some("date_of_birth")
    );
    assert_eq!(
        parse_date("dob", "2023-02-30").unwrap_err().invalid_field(),
        Some("dob")
    );
    assert!(parse_date("dob", "2024-02-29").is_ok());
}

#[test]
fn update_validation_names_fields() {
    let addr = || {
        Address::new(
            "1600 Pennsylvania Avenue NW",
            "Washington",
            "DC",
            "20500",
            "US",
        )
    };
    let ok = UpdatePaymentInfo::new("john@example.com", "seti_1", "tok", addr());
    assert!(ok.validate().is_ok());
    for email in ["", "a", "a@b", "a b@c.com", "@c.com", "a@-c.com"] {
        let r = UpdatePaymentInfo::new(email, "seti_1", "tok", addr());
        assert_eq!(
            r.validate().unwrap_err().invalid_field(),
            Some("email"),
            "{email:?}"
        );
    }
    let mut a = addr();
    a.state = "ZZ".into();
    let r = UpdatePaymentInfo::new("j@x.com", "seti_1", "tok", a);
    assert_eq!(
        r.validate().unwrap_err().invalid_field(),
        Some("shipping_address.state")
    );
    let mut a = addr();
    a.postal_code = "2050".into();
    let r = UpdatePaymentInfo::new("j@x.com", "seti_1", "tok", a);
    assert_eq!(
        r.validate().unwrap_err().invalid_field(),
        Some("shipping_address.postal_code")
    );
    let mut a = addr();
    a.country = "Canada".into();
    let r = UpdatePaymentInfo::new("j@x.com", "seti_1", "tok", a);
    assert_eq!(
        r.validate().unwrap_err().invalid_field(),
        Some("shipping_address.country")
    );
    let mut a = Address::new("10 Downing St", "London", "", "SW1A 2AA", "GB");
    assert_eq!(
        a.validate().unwrap_err().invalid_field(),
        Some("shipping_address.state")
    );
    a.state = "England".into();
    assert!(a.validate().is_ok());
    let r = UpdatePaymentInfo::new("j@x.com", " ", "tok", addr());
    assert_eq!(
        r.validate().unwrap_err().invalid_field(),
        Some("stripe_setup_id")
    );
    let r = UpdatePaymentInfo::new("j@x.com", "seti_1", "", addr());
    assert_eq!(
        r.validate().unwrap_err().invalid_field(),
        Some("nmi_payment_token")
    );
}

#[test]
fn settle_validation() {
    let usd = |m| Money::from_minor(m, Currency::USD);
    let charge = Charge::new("p1", ChargeState::Outstanding, usd(5000), usd(3000));
    assert_eq!(
        SettleChargesFromCredit::new(usd(100), vec![])
            .validate()
            .unwrap_err()
            .invalid_field(),
        Some("charges")
    );
    assert!(
        SettleChargesFromCredit::new(usd(3000), vec![charge.clone()])
            .validate()
            .is_ok()
    );
    assert_eq!(
        SettleChargesFromCredit::new(usd(3001), vec![charge.clone()])
            .validate()
            .unwrap_err()
            .invalid_field(),
        Some("amount")
    );
    assert_eq!(
        SettleChargesFromCredit::new(Money::from_minor(10, Currency::EUR), vec![charge.clone()])
            .validate()
            .unwrap_err()
            .invalid_field(),
        Some("amount")
    );
    assert_eq!(
        SettleChargesFromCredit::new(usd(0), vec![charge])
            .validate()
            .unwrap_err()
            .invalid_field(),
        Some("amount")
    );
}

#[test]
fn charge_round_trips_through_json() {
    let usd = |m| Money::from_minor(m, Currency::USD);
    let mut charge = Charge::new(
        "p1",
        ChargeState::Unknown("ON_HOLD".into()),
        usd(5000),
        usd(3000),
    );
    charge.id = Some("ch_1".into());
    charge.items.push(ChargeItem::new(2, usd(2500)));
    charge
        .vendor_data
        .as_map_mut()
        .insert("ruleSetId".into(), serde_json::json!("rs_1"));
    let json = serde_json::to_string(&charge).unwrap();
    let back: Charge = serde_json::from_str(&json).unwrap();
    assert_eq!(back, charge);
    assert_eq!(
        format!("{:?}", charge.vendor_data),
        "VendorData{\"ruleSetId\"}"
    );
}

#[test]
fn patient_dates_are_iso_in_json() {
    let mut p = Patient::new("p1");
    p.date_of_birth = Some(time::macros::date!(1990 - 01 - 31));
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["date_of_birth"], "1990-01-31");
    assert_eq!(serde_json::from_value::<Patient>(json).unwrap(), p);
}
