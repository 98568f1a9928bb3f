//! Bad caller input: every refusal names the field and happens before any request; ids that
//! look like paths, queries or fragments stay one percent-encoded path segment.

mod common;

use patientpay::*;
use patientpay_sandbox::Sandbox;

use common::*;

#[tokio::test]
async fn ids_stay_one_path_segment_on_the_same_host() {
    let sandbox = Sandbox::start().await.unwrap();
    let careportals = provider("careportals", &sandbox.base_url(), http_config());
    // Ids a vendor can hold go as one segment of the same route, on the same host.
    for id in ["a..b", "pm_1Q0PsIJvEtkwdCNYMe8Ok0bw", "card:visa@stripe+1"] {
        sandbox.clear_requests();
        let err = careportals
            .remove_payment_method(RemovePaymentMethod::new(id))
            .await
            .unwrap_err();
        // The sandbox answers 404 for an unknown id: the request reached the right route.
        assert_eq!(err.status(), Some(404), "{id}: {err}");
        let recorded = sandbox.requests();
        assert_eq!(recorded.len(), 1, "{id}");
        assert_eq!(
            recorded[0].path,
            format!(
                "/v2/users/payment-methods/{}",
                id.replace('@', "%40")
                    .replace('+', "%2B")
                    .replace(':', "%3A")
            ),
            "{id}"
        );
        assert!(recorded[0].query.is_empty(), "{id}: no query smuggled in");
        let host = recorded[0].header("host").unwrap();
        assert_eq!(
            format!("http://{host}"),
            sandbox.base_url(),
            "{id}: same host"
        );
    }
    // Anything that cannot be a vendor id — path tricks, queries, fragments, spaces,
    // non-ASCII, encoded slashes, 64 KB ids — is refused before sending (issue: a hostile
    // id used to be sent and fail as a transport error that "may have reached the vendor").
    sandbox.clear_requests();
    let long = "x".repeat(65 * 1024);
    for id in [
        "",
        "   ",
        ".",
        "..",
        "a/b",
        "a?b=c",
        "a#frag",
        "../../admin",
        "pm 1",
        "pm_é😀",
        "%2F",
        long.as_str(),
    ] {
        let err = careportals
            .remove_payment_method(RemovePaymentMethod::new(id))
            .await
            .unwrap_err();
        assert_eq!(err.invalid_field(), Some("id"), "{id:?}: {err}");
        assert!(!err.may_have_been_sent());
    }
    assert!(sandbox.requests().is_empty(), "refused ids send nothing");
}

#[tokio::test]
async fn every_refusal_names_its_field_before_any_request() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url();
    let careportals = provider("careportals", &base, http_config());
    let carevalidate = provider("carevalidate", &base, http_config());
    let decoda = provider("decoda", &base, http_config());
    let usd = |m| Money::from_minor(m, Currency::USD);
    let addr = || {
        Address::new(
            "1600 Pennsylvania Avenue NW",
            "Washington",
            "DC",
            "20500",
            "US",
        )
    };

    let mut cases: Vec<(&str, Result<(), Error>)> = Vec::new();
    cases.push((
        "token",
        careportals
            .add_payment_method(AddPaymentMethod::new(""))
            .await
            .map(drop),
    ));
    cases.push((
        "token",
        careportals
            .add_payment_method(AddPaymentMethod::new(" \t "))
            .await
            .map(drop),
    ));
    cases.push((
        "amount",
        carevalidate
            .create_payment_intent(CreatePaymentIntent::new(usd(0)))
            .await
            .map(drop),
    ));
    cases.push((
        "amount",
        carevalidate
            .create_payment_intent(CreatePaymentIntent::new(usd(-100)))
            .await
            .map(drop),
    ));
    cases.push((
        "amount",
        carevalidate
            .create_payment_intent(CreatePaymentIntent::new(Money::from_minor(
                100,
                Currency::EUR,
            )))
            .await
            .map(drop),
    ));
    cases.push((
        "amount",
        carevalidate
            .create_payment_intent(CreatePaymentIntent::new(usd(i64::MAX)))
            .await
            .map(drop),
    ));
    for email in ["", "not-an-email", "a@", "@b.com", "a b@c.com", "a@b"] {
        cases.push((
            "email",
            carevalidate
                .update_payment_info(UpdatePaymentInfo::new(email, "seti_1", "tok", addr()))
                .await
                .map(drop),
        ));
    }
    cases.push((
        "stripe_setup_id",
        carevalidate
            .update_payment_info(UpdatePaymentInfo::new("a@b.com", " ", "tok", addr()))
            .await
            .map(drop),
    ));
    cases.push((
        "nmi_payment_token",
        carevalidate
            .update_payment_info(UpdatePaymentInfo::new("a@b.com", "seti_1", "", addr()))
            .await
            .map(drop),
    ));
    let mut bad_country = addr();
    bad_country.country = "USA".into();
    cases.push((
        "shipping_address.country",
        carevalidate
            .update_payment_info(UpdatePaymentInfo::new(
                "a@b.com",
                "seti_1",
                "t",
                bad_country,
            ))
            .await
            .map(drop),
    ));
    let mut bad_state = addr();
    bad_state.state = "XX".into();
    cases.push((
        "shipping_address.state",
        carevalidate
            .update_payment_info(UpdatePaymentInfo::new("a@b.com", "seti_1", "t", bad_state))
            .await
            .map(drop),
    ));
    let dob = parse_date("dob", "1990-01-31").unwrap();
    cases.push((
        "patient_id",
        decoda
            .verify_patient_balance(VerifyPatient::new("", "Doe", "1", dob))
            .await
            .map(drop),
    ));
    cases.push((
        "last_name",
        decoda
            .verify_patient_balance(VerifyPatient::new("p", " ", "1", dob))
            .await
            .map(drop),
    ));
    cases.push((
        "phone",
        decoda
            .verify_patient_balance(VerifyPatient::new("p", "Doe", "", dob))
            .await
            .map(drop),
    ));
    let tomorrow = time::OffsetDateTime::now_utc().date().next_day().unwrap();
    cases.push((
        "date_of_birth",
        decoda
            .verify_patient_balance(VerifyPatient::new("p", "Doe", "1", tomorrow))
            .await
            .map(drop),
    ));
    let charge = Charge::new("p1", ChargeState::Outstanding, usd(5000), usd(3000));
    cases.push((
        "charges",
        decoda
            .settle_charges_from_credit(SettleChargesFromCredit::new(usd(100), vec![]))
            .await
            .map(drop),
    ));
    cases.push((
        "amount",
        decoda
            .settle_charges_from_credit(SettleChargesFromCredit::new(usd(0), vec![charge.clone()]))
            .await
            .map(drop),
    ));
    cases.push((
        "amount",
        decoda
            .settle_charges_from_credit(SettleChargesFromCredit::new(
                usd(3001),
                vec![charge.clone()],
            ))
            .await
            .map(drop),
    ));
    cases.push((
        "amount",
        decoda
            .settle_charges_from_credit(SettleChargesFromCredit::new(
                Money::from_minor(100, Currency::EUR),
                vec![charge.clone()],
            ))
            .await
            .map(drop),
    ));
    cases.push((
        "credit_ids",
        decoda
            .settle_charges_from_credit(
                SettleChargesFromCredit::new(usd(100), vec![charge]).with_credit_ids([""]),
            )
            .await
            .map(drop),
    ));

    for (field, result) in cases {
        match result {
            Err(Error::InvalidInput { field: f, reason }) => {
                assert!(
                    f.starts_with(field),
                    "expected a refusal naming {field}, got {f}: {reason}"
                );
                assert!(!reason.is_empty());
            }
            other => panic!("expected InvalidInput naming {field}, got {other:?}"),
        }
    }
    assert!(
        sandbox.requests().is_empty(),
        "nothing was sent: {:?}",
        sandbox.requests()
    );
}

#[test]
fn dates_and_amounts_are_checked_exactly() {
    for bad in [
        "2023-02-30",
        "2023-13-01",
        "2023-00-10",
        "1990/01/31",
        "31-01-1990",
        "",
        "yesterday",
    ] {
        assert_eq!(
            parse_date("date_of_birth", bad)
                .unwrap_err()
                .invalid_field(),
            Some("date_of_birth"),
            "{bad}"
        );
    }
    assert!(parse_date("date_of_birth", "2024-02-29").is_ok());
    for bad in [
        "0",
        "-1",
        "92233720368547758.08",
        "0.001",
        "1e3",
        "NaN",
        "1,000.00",
        "",
        " ",
        "$5",
        "5 USD",
    ] {
        let err = Money::parse_positive("amount", bad, Currency::USD).unwrap_err();
        assert_eq!(err.invalid_field(), Some("amount"), "{bad}");
    }
}
