//! End to end through the capability traits against the sandbox.

use patientpay_core::http::{HttpConfig, RetryPolicy};
use patientpay_core::{
    ChargeState, Currency, Error, ListPaymentMethods, Money, PatientBilling, PaymentMethods,
    PaymentState, SettleChargesFromCredit, VerifyPatient, parse_date,
};
use patientpay_decoda::{Decoda, DecodaBuilder};
use patientpay_sandbox::{Fault, Sandbox, credentials};

const VERIFY: &str = "/billing/payment-link/verify-patient";
const SETTLE: &str = "/billing/payment-terminal/charge/create-patient-credit-settled";

fn usd(m: i64) -> Money {
    Money::from_minor(m, Currency::USD)
}

fn provider(sandbox: &Sandbox) -> Decoda {
    {
        DecodaBuilder::new()
            .with_api_key(credentials::DECODA_API_KEY)
            .with_tenant(credentials::DECODA_TENANT)
            .with_base_url(sandbox.base_url())
            .with_http_config(HttpConfig::default().with_retry(
                RetryPolicy::default().with_initial_backoff(std::time::Duration::from_millis(1)),
            ))
            .build()
            .unwrap()
    }
}

fn maria() -> VerifyPatient {
    VerifyPatient::new(
        "pat_1001",
        "Rivera",
        "+14155550101",
        parse_date("dob", "1985-04-12").unwrap(),
    )
}

#[tokio::test]
async fn verify_settle_verify_moves_the_balance() {
    let sandbox = Sandbox::start().await.unwrap();
    let decoda = provider(&sandbox);

    let before = decoda.verify_patient_balance(maria()).await.unwrap();
    assert_eq!(before.patient.id, "pat_1001");
    assert_eq!(before.patient.last_name.as_deref(), Some("Rivera"));
    assert_eq!(before.patient.credit_balance, Some(usd(15000)));
    assert_eq!(before.total_outstanding, usd(12500));
    assert_eq!(before.charges.len(), 4);
    assert!(
        before.payment_link.ends_with("/l/pl_pat_1001"),
        "{}",
        before.payment_link
    );
    let statuses: Vec<_> = before.charges.iter().map(|c| c.status.clone()).collect();
    assert_eq!(
        statuses,
        [
            ChargeState::Outstanding,
            ChargeState::Outstanding,
            ChargeState::Paid,
            ChargeState::WrittenOff
        ]
    );

    // The outstanding charges, through JSON exactly as the CLI prints and reads them.
    let outstanding: Vec<_> = before
        .charges
        .iter()
        .filter(|c| c.status == ChargeState::Outstanding)
        .cloned()
        .collect();
    let file = serde_json::to_string_pretty(&outstanding).unwrap();
    let from_file: Vec<patientpay_core::Charge> = serde_json::from_str(&file).unwrap();
    assert_eq!(from_file, outstanding);

    sandbox.clear_requests();
    let payment = decoda
        .settle_charges_from_credit(SettleChargesFromCredit::new(usd(9000), from_file))
        .await
        .unwrap();
    assert_eq!(payment.status, PaymentState::Succeeded);
    assert_eq!(payment.amount, usd(9000));
    assert_eq!(payment.medium.as_deref(), Some("CREDIT"));
    assert_eq!(payment.patient_id.as_deref(), Some("pat_1001"));
    assert!(payment.created_at.is_some());

    // What was sent.
    let reqs = sandbox.requests();
    assert_eq!(reqs.len(), 1);
    let sent = &reqs[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path, SETTLE);
    assert_eq!(sent.query, vec![("amount".to_owned(), "9000".to_owned())]);
    assert!(sent.sent_secret("api-key", credentials::DECODA_API_KEY));
    assert!(sent.sent_secret("tenant", credentials::DECODA_TENANT));
    assert_eq!(sent.header("content-type"), Some("application/json"));
    let body = sent.json.as_ref().unwrap().as_array().unwrap().clone();
    assert_eq!(body.len(), 2);
    assert_eq!(body[0]["id"], "ch_1001_1");
    assert_eq!(body[0]["patientId"], "pat_1001");
    assert_eq!(body[0]["totalOutstanding"], 8000);
    assert_eq!(body[0]["total"], 12000);
    assert_eq!(body[0]["status"], "OUTSTANDING");
    assert_eq!(body[0]["items"][0]["price"], 600);
    assert_eq!(body[0]["items"][0]["quantity"], 20);
    assert_eq!(
        body[0]["payments"][0]["payment"]["paymentMethod"]["brand"],
        "visa"
    );
    assert_eq!(body[1]["tips"][0]["amount"], 500);
    assert!(
        body[0].get("patient").is_none_or(|p| p.is_null()),
        "no PHI copy in the body"
    );

    // The balance moved: 8000 of ch_1001_1 paid in full, 1000 off ch_1001_2; credit oldest first.
    let after = decoda.verify_patient_balance(maria()).await.unwrap();
    assert_eq!(after.total_outstanding, usd(3500));
    assert_eq!(after.patient.credit_balance, Some(usd(6000)));
    assert_eq!(after.charges[0].status, ChargeState::Paid);
    assert_eq!(after.charges[0].total_outstanding, usd(0));
    assert_eq!(after.charges[1].status, ChargeState::Outstanding);
    assert_eq!(after.charges[1].total_outstanding, usd(3500));
    sandbox.with_state(|s| {
        let p = s.decoda.patient("pat_1001").unwrap();
        assert_eq!(p.credits[0].amount, 0, "oldest credit used first");
        assert_eq!(p.credits[1].amount, 6000);
    });
    assert_eq!(sandbox.count("POST", VERIFY), 1);
    assert_eq!(sandbox.count("POST", SETTLE), 1);
}

#[tokio::test]
async fn settle_with_specific_credit_ids() {
    let sandbox = Sandbox::start().await.unwrap();
    let decoda = provider(&sandbox);
    let balance = decoda.verify_patient_balance(maria()).await.unwrap();
    let charge = balance.charges[1].clone();
    let payment = decoda
        .settle_charges_from_credit(
            SettleChargesFromCredit::new(usd(4500), vec![charge]).with_credit_ids(["cr_1001_b"]),
        )
        .await
        .unwrap();
    assert_eq!(payment.amount, usd(4500));
    let sent = sandbox.requests().pop().unwrap();
    assert_eq!(
        sent.query,
        vec![
            ("amount".to_owned(), "4500".to_owned()),
            ("credit_ids".to_owned(), "cr_1001_b".to_owned())
        ]
    );
    sandbox.with_state(|s| {
        let p = s.decoda.patient("pat_1001").unwrap();
        assert_eq!(p.credits[0].amount, 5000, "untouched");
        assert_eq!(p.credits[1].amount, 5500);
    });
}

#[tokio::test]
async fn vendor_errors_are_mapped() {
    let sandbox = Sandbox::start().await.unwrap();
    let decoda = provider(&sandbox);

    // Identity mismatch → 404 with Decoda's text.
    let wrong = VerifyPatient::new(
        "pat_1001",
        "Rivers",
        "+14155550101",
        parse_date("dob", "1985-04-12").unwrap(),
    );
    let e = decoda.verify_patient_balance(wrong).await.unwrap_err();
    assert!(
        matches!(&e, Error::Vendor { status: 404, message, .. } if message == "Patient verification failed"),
        "{e:?}"
    );
    assert!(e.request_id().is_some_and(|id| id.starts_with("sbx_")));
    assert_eq!(sandbox.count("POST", VERIFY), 1, "a 404 is not retried");

    // Wrong key → Auth.
    let bad = DecodaBuilder::new()
        .with_api_key("wrong-key")
        .with_tenant(credentials::DECODA_TENANT)
        .with_base_url(sandbox.base_url())
        .build()
        .unwrap();
    let e = bad.verify_patient_balance(maria()).await.unwrap_err();
    assert!(
        matches!(&e, Error::Auth { status: 401, message: Some(m), .. } if m == "Invalid API key or tenant"),
        "{e:?}"
    );
    let bad_tenant = DecodaBuilder::new()
        .with_api_key(credentials::DECODA_API_KEY)
        .with_tenant("other-tenant")
        .with_base_url(sandbox.base_url())
        .build()
        .unwrap();
    assert!(matches!(
        bad_tenant.verify_patient_balance(maria()).await,
        Err(Error::Auth { .. })
    ));

    // Above the credit balance → 400 in Decoda's shape; nothing changed.
    let okafor = VerifyPatient::new(
        "pat_1003",
        "Okafor",
        "+12025550142",
        parse_date("dob", "1990-07-04").unwrap(),
    );
    let balance = decoda.verify_patient_balance(okafor).await.unwrap();
    let e = decoda
        .settle_charges_from_credit(SettleChargesFromCredit::new(
            usd(100),
            balance.charges.clone(),
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Vendor { status: 400, message, .. } if message == "Insufficient credit balance"),
        "{e:?}"
    );
    assert_eq!(
        e.to_string().split(" (request id").next().unwrap(),
        "decoda settle_charges_from_credit failed: HTTP 400: Insufficient credit balance"
    );

    // A charge that is already PAID is not payable: refused before sending, even when it
    // claims an outstanding amount (Decoda would answer 400 "is not outstanding").
    let maria_balance = decoda.verify_patient_balance(maria()).await.unwrap();
    let paid = maria_balance.charges[2].clone();
    let mut paid_claiming_outstanding = paid.clone();
    paid_claiming_outstanding.total_outstanding = usd(3000);
    let e = decoda
        .settle_charges_from_credit(SettleChargesFromCredit::new(
            usd(100),
            vec![paid_claiming_outstanding],
        ))
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("charges"), "{e}");
    sandbox.with_state(|s| {
        assert_eq!(
            s.decoda.patient("pat_1001").unwrap().credits[0].amount,
            5000
        )
    });

    // A 503 on settle (money-moving) is not retried and its outcome is unknown; on verify
    // it is retried.
    sandbox.inject(Fault::on("POST", SETTLE).status(503).times(1));
    sandbox.clear_requests();
    let e = decoda
        .settle_charges_from_credit(SettleChargesFromCredit::new(
            usd(100),
            vec![maria_balance.charges[0].clone()],
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::OutcomeUnknown {
                status: Some(503),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.may_have_been_sent());
    assert_eq!(sandbox.count("POST", SETTLE), 1);
    sandbox.inject(Fault::on("POST", VERIFY).status(503).times(1));
    decoda.verify_patient_balance(maria()).await.unwrap();
    assert_eq!(sandbox.count("POST", VERIFY), 2);

    // A malformed success body → Decode, without the body.
    sandbox.inject(
        Fault::on("POST", VERIFY)
            .kind(patientpay_sandbox::FaultKind::Malformed)
            .times(1),
    );
    let e = decoda.verify_patient_balance(maria()).await.unwrap_err();
    assert!(matches!(e, Error::Decode { .. }), "{e:?}");
}

#[tokio::test]
async fn invalid_input_sends_nothing() {
    let sandbox = Sandbox::start().await.unwrap();
    let decoda = provider(&sandbox);
    let e = decoda
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("patient"));
    let e = decoda
        .verify_patient_balance(VerifyPatient::new(
            "pat_1001",
            "",
            "+1",
            parse_date("dob", "1985-04-12").unwrap(),
        ))
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("last_name"));
    let e = decoda
        .verify_patient_balance(VerifyPatient::new(
            "pat_1001",
            "Rivera",
            " ",
            parse_date("dob", "1985-04-12").unwrap(),
        ))
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("phone"));
    let charge =
        patientpay_core::Charge::new("pat_1001", ChargeState::Outstanding, usd(100), usd(100));
    let e = decoda
        .settle_charges_from_credit(SettleChargesFromCredit::new(usd(101), vec![charge.clone()]))
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("amount"));
    let e = decoda
        .settle_charges_from_credit(SettleChargesFromCredit::new(usd(-1), vec![charge.clone()]))
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("amount"));
    let e = decoda
        .settle_charges_from_credit(
            SettleChargesFromCredit::new(usd(10), vec![charge]).with_credit_ids([""]),
        )
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("credit_ids"));
    assert!(sandbox.requests().is_empty(), "{:?}", sandbox.requests());
}

#[tokio::test]
async fn raw_methods_return_full_models() {
    let sandbox = Sandbox::start().await.unwrap();
    let decoda = DecodaBuilder::new()
        .with_api_key(credentials::DECODA_API_KEY)
        .with_tenant(credentials::DECODA_TENANT)
        .with_base_url(sandbox.base_url())
        .build()
        .unwrap();
    let opts = patientpay_core::CallOptions::new();
    let details = decoda
        .verify_patient_raw(
            &patientpay_decoda::wire::VerifyPatient::new(
                "pat_1001",
                "Rivera",
                "+14155550101",
                "1985-04-12",
            ),
            &opts,
        )
        .await
        .unwrap();
    let c0 = &details.charges[0];
    assert_eq!(
        c0.items[0].item.as_ref().unwrap().unit,
        Some(patientpay_decoda::wire::Unit::Units)
    );
    assert_eq!(
        c0.payments[0].payment.refunds[0].reason,
        patientpay_decoda::wire::RefundReason::Duplicate
    );
    assert_eq!(
        details.charges[3].adjustments[0].adjustment_type,
        patientpay_decoda::wire::AdjustmentType::WriteOff
    );
    assert_eq!(
        details.patient.user_type,
        patientpay_decoda::wire::UserType::Patient
    );
    let input = patientpay_decoda::map::charge_to_wire(
        0,
        &patientpay_decoda::map::charge_from_wire(c0.clone()).unwrap(),
    )
    .unwrap();
    let summary = decoda
        .settle_charges_from_credit_raw(
            &patientpay_decoda::wire::SettleQuery::new(100, vec![]),
            &[input],
            &opts,
        )
        .await
        .unwrap();
    assert_eq!(summary.amount, 100);
    assert_eq!(summary.payment_medium, "CREDIT");
    assert_eq!(
        summary.status,
        patientpay_decoda::wire::PaymentStatus::Succeeded
    );
    assert_eq!(summary.currency, "USD");
}

#[tokio::test]
async fn the_sandbox_answer_settles_as_the_owned_model_did() {
    // verify_patient_balance reads the answer through a borrowed view (vendor_data as
    // sent); verify_patient_raw through the owned model. The settle body built from either
    // is the same, and the sandbox takes it.
    let sandbox = Sandbox::start().await.unwrap();
    let decoda = provider(&sandbox);
    let viewed = decoda.verify_patient_balance(maria()).await.unwrap();
    let raw = decoda
        .verify_patient_raw(
            &patientpay_decoda::wire::VerifyPatient::new(
                "pat_1001",
                "Rivera",
                "+14155550101",
                "1985-04-12",
            ),
            &patientpay_core::CallOptions::new(),
        )
        .await
        .unwrap();
    let owned = patientpay_decoda::map::balance_from_wire(raw).unwrap();
    assert_eq!(viewed.patient, owned.patient);
    assert_eq!(viewed.total_outstanding, owned.total_outstanding);
    for c in &viewed.charges {
        assert!(!c.vendor_data.contains_key("patient"), "PHI kept");
    }
    let bodies = |charges: &[patientpay_core::Charge]| -> Vec<serde_json::Value> {
        charges
            .iter()
            .enumerate()
            .map(|(i, c)| {
                serde_json::to_value(patientpay_decoda::map::charge_to_wire(i, c).unwrap()).unwrap()
            })
            .collect()
    };
    assert_eq!(bodies(&viewed.charges), bodies(&owned.charges));
    let request = |b: &patientpay_core::PatientBalance| {
        SettleChargesFromCredit::new(usd(100), b.charges.clone())
    };
    let (q1, b1) = patientpay_decoda::map::settle_to_wire(&request(&viewed)).unwrap();
    let (q2, b2) = patientpay_decoda::map::settle_to_wire(&request(&owned)).unwrap();
    assert_eq!(q1, q2);
    assert_eq!(
        serde_json::to_value(&b1).unwrap(),
        serde_json::to_value(&b2).unwrap()
    );
    sandbox.clear_requests();
    let payment = decoda
        .settle_charges_from_credit(request(&viewed))
        .await
        .unwrap();
    assert_eq!(payment.amount, usd(100));
    let sent: Vec<serde_json::Value> = sandbox
        .requests()
        .iter()
        .filter(|r| r.path == SETTLE)
        .map(|r| r.json.clone().unwrap())
        .collect();
    assert_eq!(sent, [serde_json::to_value(&b2).unwrap()]);
}

/// The verify call registers the last name, phone and date of birth as sent; the pipeline
/// derives the other forms. A vendor echoing any of them has each hidden.
#[tokio::test]
async fn verify_echoes_of_every_phone_and_date_form_are_hidden() {
    let sandbox = Sandbox::start().await.unwrap();
    let decoda = provider(&sandbox);
    let dob = parse_date("dob", "1985-04-12").unwrap();
    let forms = [
        "RIVERA",
        "+14155550101",
        "14155550101",
        "4155550101",
        "(415) 555-0101",
        "415-555-0101",
        "1985-04-12",
        "04/12/1985",
        "4/12/1985",
        "12/04/1985",
        "April 12, 1985",
    ];
    for phone in [
        "+14155550101",
        "+1 (415) 555-0101",
        "415.555.0101",
        "+1 415 555 0101 (mobile)",
    ] {
        let echo = format!("no patient {}", forms.join(" | "));
        sandbox.inject(
            Fault::on("POST", "/billing/payment-link/verify-patient")
                .status_body(
                    404,
                    "application/json",
                    serde_json::to_vec(&serde_json::json!({ "detail": echo })).unwrap(),
                )
                .times(1),
        );
        let e = decoda
            .verify_patient_balance(VerifyPatient::new("pat_1001", "Rivera", phone, dob))
            .await
            .unwrap_err();
        let shown = format!("{e} {e:?}");
        assert!(
            shown.contains("no patient"),
            "the message is shown: {shown}"
        );
        for form in forms {
            assert!(!shown.contains(form), "{phone}: {form} in {shown}");
        }
    }
}
