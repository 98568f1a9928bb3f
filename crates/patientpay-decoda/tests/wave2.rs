//! Wave 2 against the sandbox: saved methods, checkout, paying with a saved method,
//! refunds, credit and payment streams, reconcile, and the fault matrix of the three money
//! endpoints.

use std::time::Duration;

use patientpay_core::futures_util::StreamExt;
use patientpay_core::pipeline::{HttpConfig, RetryPolicy};
use patientpay_core::{
    AddPaymentMethod, ChargeState, Checkout, CheckoutSession, CreditBalanceRequest, Currency,
    Error, ListCredits, ListPaymentMethods, ListPayments, Money, MoneyCall, PatientBalance,
    PatientBilling, PatientRef, PayWithSavedMethod, PaymentMethods, PaymentState, Processor,
    Reconcile, ReconcileVerdict, RefundPayment, RefundReason, RemovePaymentMethod,
    SettleChargesFromCredit, StartCheckout, VendorData, VerifyPatient, parse_date,
};
use patientpay_decoda::{Decoda, DecodaBuilder};
use patientpay_sandbox::{Fault, FaultKind, Sandbox, credentials};
use time::OffsetDateTime;

const SETTLE: &str = "/billing/payment-terminal/charge/create-patient-credit-settled";
const PAYIN: &str = "/billing/payment-terminal/payin-config";
const CHARGE_CARD: &str = "/billing/payment-terminal/charge-card/*";
const REFUND: &str = "/billing/payment/refund";

fn usd(m: i64) -> Money {
    Money::from_minor(m, Currency::USD)
}

fn client(sandbox: &Sandbox) -> Decoda {
    DecodaBuilder::new()
        .with_api_key(credentials::DECODA_API_KEY)
        .with_tenant(credentials::DECODA_TENANT)
        .with_base_url(sandbox.base_url())
        .with_http_config(
            HttpConfig::default()
                .with_retry(RetryPolicy::default().with_initial_backoff(Duration::from_millis(1))),
        )
        .build()
        .unwrap()
}

pub const PATIENTS: [(&str, &str, &str, &str); 3] = [
    ("pat_1001", "Rivera", "+14155550101", "1985-04-12"),
    ("pat_1002", "Chen", "+13125550188", "1972-11-30"),
    ("pat_1003", "Okafor", "+12025550142", "1990-07-04"),
];

fn who(i: usize) -> VerifyPatient {
    let (id, last, phone, dob) = PATIENTS[i];
    VerifyPatient::new(id, last, phone, parse_date("dob", dob).unwrap())
}

async fn verify(d: &Decoda, i: usize) -> PatientBalance {
    d.verify_patient_balance(who(i)).await.unwrap()
}

fn rainforest(id: &str) -> VendorData {
    let serde_json::Value::Object(map) = serde_json::json!({
        "paymentMethodId": id, "paymentMethodConfigId": "pmc_1", "fingerprint": "fp_77",
        "methodType": "CARD",
        "card": {"type": "DEBIT", "brand": "MASTERCARD", "brandDesc": "Mastercard",
                 "last4": "5454", "expMonth": 6, "expYear": 2032},
        "ach": null, "applePay": null,
        "billingContact": {"name": "Maria Rivera", "addressLine1": null, "addressLine2": null,
            "city": null, "state": null, "postalCode": "94107", "country": "US",
            "email": null, "phone": "+14155550101"},
        "metadata": {}, "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"
    }) else {
        unreachable!()
    };
    VendorData::from_map(map)
}

#[tokio::test]
async fn verify_then_settle_succeeds_for_every_patient() {
    let sandbox = Sandbox::start().await.unwrap();
    let d = client(&sandbox);
    // Okafor has no credit: give her some so that her settle can succeed.
    sandbox.with_state(|s| {
        let p = s
            .decoda
            .patients
            .iter_mut()
            .find(|p| p.id == "pat_1003")
            .unwrap();
        p.credits = patientpay_sandbox::vendors::decoda::Seed::default().patients[1]
            .credits
            .clone();
    });
    for (i, patient) in PATIENTS.iter().enumerate() {
        let balance = verify(&d, i).await;
        let payable: i64 = patientpay_core::domain::payable(&balance.charges)
            .map(|c| c.total_outstanding.minor_units())
            .sum();
        assert_eq!(balance.total_outstanding.minor_units(), payable);
        sandbox.clear_requests();
        let payment = d
            .settle_charges_from_credit(SettleChargesFromCredit::new(usd(1000), balance.charges))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", patient.0));
        assert_eq!(payment.amount, usd(1000));
        assert_eq!(payment.status, PaymentState::Succeeded);
        let sent = &sandbox.requests()[0];
        let ids: Vec<&str> = sent
            .json
            .as_ref()
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        if i == 1 {
            // pat_1002: the PAYMENT_PLAN charge ch_1002_2 (18000 outstanding) is not sent.
            assert_eq!(ids, ["ch_1002_1"]);
        }
        assert!(ids.iter().all(|id| {
            sandbox.with_state(|s| {
                s.decoda
                    .patient(patient.0)
                    .unwrap()
                    .charges
                    .iter()
                    .any(|c| c.id == *id)
            })
        }));
    }
    // pat_1002's plan charge is listed but not counted.
    let chen = verify(&d, 1).await;
    assert!(
        chen.charges
            .iter()
            .any(|c| c.status == ChargeState::OnPaymentPlan)
    );
    assert_eq!(chen.total_outstanding, usd(5000));
}

#[tokio::test]
async fn saved_methods_list_add_remove() {
    let sandbox = Sandbox::start().await.unwrap();
    let d = client(&sandbox);
    let maria = PatientRef::id("pat_1001");
    let list = d
        .list_payment_methods(ListPaymentMethods::for_patient(maria.clone()))
        .await
        .unwrap();
    assert_eq!(list.len(), 3);
    let visa = &list[0];
    assert_eq!(visa.id.as_deref(), Some("pm_1001_visa"));
    assert_eq!(visa.processor_id.as_deref(), Some("mtd_sbx_1001_visa"));
    assert_eq!(visa.is_default, Some(true));
    assert!(visa.created_at.is_some());

    let saved = d
        .add_payment_method(
            AddPaymentMethod::from_processor_object(Processor::Rainforest, rainforest("mtd_new"))
                .for_patient(maria.clone()),
        )
        .await
        .unwrap();
    assert_eq!(saved.fingerprint.as_deref(), Some("fp_77"));
    assert_eq!(saved.funding.as_deref(), Some("debit"));
    assert_eq!(saved.processor_id.as_deref(), Some("mtd_new"));
    let body = sandbox.requests().last().unwrap().json.clone().unwrap();
    assert_eq!(
        body,
        serde_json::Value::Object(rainforest("mtd_new").into_map())
    );

    // A token is refused before any request: Decoda needs the Rainforest object.
    sandbox.clear_requests();
    let e = d
        .add_payment_method(AddPaymentMethod::new("pm_card_visa").for_patient(maria.clone()))
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("payment_method"));
    let mut partial = rainforest("x");
    partial.remove("metadata");
    let e = d
        .add_payment_method(
            AddPaymentMethod::from_processor_object(Processor::Rainforest, partial)
                .for_patient(maria.clone()),
        )
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("payment_method"));
    assert!(e.to_string().contains("metadata"), "{e}");
    let e = d
        .list_payment_methods(ListPaymentMethods::for_patient(PatientRef::token("jwt")))
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("patient"));
    assert!(sandbox.requests().is_empty());

    let id = saved.id.unwrap();
    let removed = d
        .remove_payment_method(RemovePaymentMethod::new(id.clone()).for_patient(maria.clone()))
        .await
        .unwrap();
    assert!(removed.removed && !removed.already_removed);

    // `false` is an error, not success.
    sandbox.inject(
        Fault::on("DELETE", "/user/patient/payment-methods/pm_1001_mc")
            .status_body(200, "application/json", "false")
            .times(1),
    );
    let e = d
        .remove_payment_method(RemovePaymentMethod::new("pm_1001_mc").for_patient(maria.clone()))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Vendor { status: 200, .. }), "{e:?}");

    // A 404 answering a retry (the first attempt may have archived it) is "already removed";
    // a first-attempt 404 stays an error.
    sandbox.inject(
        Fault::on("DELETE", "/user/patient/payment-methods/pm_1001_mc")
            .status(503)
            .times(1),
    );
    sandbox.inject(
        Fault::on("DELETE", "/user/patient/payment-methods/pm_1001_mc")
            .status_body(
                404,
                "application/json",
                r#"{"detail":"Payment method not found"}"#,
            )
            .times(1),
    );
    let removed = d
        .remove_payment_method(RemovePaymentMethod::new("pm_1001_mc").for_patient(maria.clone()))
        .await
        .unwrap();
    assert!(removed.already_removed);
    let e = d
        .remove_payment_method(RemovePaymentMethod::new("pm_nope").for_patient(maria))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Vendor { status: 404, .. }), "{e:?}");
}

#[tokio::test]
async fn checkout_sessions() {
    let sandbox = Sandbox::start().await.unwrap();
    let d = client(&sandbox);
    let balance = verify(&d, 1).await;
    let session = d
        .start_checkout(
            StartCheckout::pay_charges(balance.charges).for_patient(PatientRef::id("pat_1002")),
        )
        .await
        .unwrap();
    let CheckoutSession::ComponentSession {
        config_id, amount, ..
    } = &session
    else {
        panic!("{session:?}")
    };
    assert!(config_id.starts_with("pyc_"));
    assert_eq!(*amount, Some(usd(6000)));
    assert!(!format!("{session:?}").contains("sbx_session"));
    let body = sandbox.requests().last().unwrap().json.clone().unwrap();
    assert_eq!(body["paymentMedium"], "PAYMENT_LINK");
    assert_eq!(body["paymentAmount"], 6000);
    assert_eq!(body["charges"].as_array().unwrap().len(), 1);
    assert!(body["charges"][0].get("payments").is_none());

    let page = d
        .start_checkout(StartCheckout::pay_outstanding("+13125550188"))
        .await
        .unwrap();
    assert_eq!(
        page,
        CheckoutSession::HostedPage {
            url: "https://pay.decodahealth.com/l/pl_pat_1002".into(),
            outstanding: Some(usd(6000)),
        }
    );
    let e = d
        .start_checkout(StartCheckout::pay_outstanding("+19995550000"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Vendor { status: 200, .. }), "{e:?}");
    for unsupported in [
        StartCheckout::pay(usd(100)),
        StartCheckout::save_for_later(),
    ] {
        let e = d.start_checkout(unsupported).await.unwrap_err();
        assert_eq!(e.invalid_field(), Some("purpose"));
        assert!(
            e.to_string().contains("pay_charges, pay_outstanding"),
            "{e}"
        );
    }
}

#[tokio::test]
async fn pay_with_saved_method_refund_and_reconcile() {
    let sandbox = Sandbox::start().await.unwrap();
    let d = client(&sandbox);
    let maria = PatientRef::id("pat_1001");
    let balance = verify(&d, 0).await;
    let pay = PayWithSavedMethod::new(maria.clone(), "pm_1001_visa", balance.charges.clone())
        .with_amount(usd(2500));
    let started = OffsetDateTime::now_utc();
    let payment = d.pay_with_saved_method(pay.clone()).await.unwrap();
    assert_eq!(payment.amount, usd(2500));
    assert_eq!(payment.status, PaymentState::Succeeded);
    assert!(
        payment
            .payin_id
            .as_deref()
            .is_some_and(|p| p.starts_with("pyi_"))
    );
    let config = payment.payin_config_id.clone().unwrap();
    assert!(payment.auth_code.is_some());
    let payin_body = sandbox
        .requests()
        .into_iter()
        .find(|r| r.path == PAYIN)
        .unwrap()
        .json
        .unwrap();
    assert_eq!(payin_body["paymentMedium"], "SAVED_PAYMENT_METHOD");
    let after = verify(&d, 0).await;
    assert_eq!(after.total_outstanding, usd(12500 - 2500));

    // Reconcile by payin config id: applied.
    let r = d
        .reconcile(
            Reconcile::new(
                maria.clone(),
                MoneyCall::PayWithSavedMethod {
                    request: pay.clone(),
                    payin_config_id: Some(config.clone()),
                },
            )
            .attempted_at(started),
        )
        .await
        .unwrap();
    assert_eq!(r.verdict, ReconcileVerdict::Applied, "{r}");
    assert!(r.to_string().contains(&config), "{r}");
    let r = d
        .reconcile(Reconcile::new(
            maria.clone(),
            MoneyCall::PayWithSavedMethod {
                request: pay.clone(),
                payin_config_id: Some("pyc_never".into()),
            },
        ))
        .await
        .unwrap();
    assert_eq!(r.verdict, ReconcileVerdict::NotApplied, "{r}");

    // A declined card is a definite failure.
    let e = d
        .pay_with_saved_method(PayWithSavedMethod::new(
            maria.clone(),
            "pm_1001_declined",
            after.charges.clone(),
        ))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Vendor { status: 400, .. }), "{e:?}");
    assert!(!e.may_have_been_sent());

    // Refund part of the card payment; find the Decoda payment id in the table.
    let page = d
        .payments(ListPayments::new(maria.clone()))
        .next()
        .await
        .unwrap()
        .unwrap();
    let row = page
        .items
        .iter()
        .find(|p| p.medium.as_deref() == Some("SAVED_PAYMENT_METHOD"))
        .unwrap();
    let refund = RefundPayment::new(row.id.clone(), "prov_7", usd(500), RefundReason::Duplicate);
    let before_refund = OffsetDateTime::now_utc();
    let done = d.refund_payment(refund.clone()).await.unwrap();
    assert_eq!(done.amount, usd(500));
    assert_eq!(done.payment_id, row.id);
    assert_eq!(done.reason, RefundReason::Duplicate);
    let body = sandbox.requests().last().unwrap().json.clone().unwrap();
    assert_eq!(body["reason"], "DUPLICATE");
    assert_eq!(body["amount"], 500);
    let r = d
        .reconcile(
            Reconcile::new(maria.clone(), MoneyCall::Refund(refund.clone()))
                .attempted_at(before_refund),
        )
        .await
        .unwrap();
    assert_eq!(r.verdict, ReconcileVerdict::Applied, "{r}");
    let mut other = refund;
    other.amount = usd(499);
    let r = d
        .reconcile(Reconcile::new(maria, MoneyCall::Refund(other)).attempted_at(before_refund))
        .await
        .unwrap();
    assert_eq!(r.verdict, ReconcileVerdict::NotApplied, "{r}");
}

#[tokio::test]
async fn credit_balance_and_streams_of_pages() {
    let sandbox = Sandbox::start().await.unwrap();
    let d = client(&sandbox);
    let maria = PatientRef::id("pat_1001");
    let balance = d
        .credit_balance(CreditBalanceRequest::new(maria.clone()))
        .await
        .unwrap();
    assert_eq!(balance.total_available, usd(15000));
    assert_eq!(balance.credits.len(), 2);

    // Three non-expired credits, one per page: three requests for the whole stream...
    sandbox.clear_requests();
    let pages: Vec<_> = d
        .credits(ListCredits::new(maria.clone()).with_per_page(1))
        .collect()
        .await;
    assert_eq!(pages.len(), 3);
    assert!(pages.iter().all(|p| p.as_ref().unwrap().items.len() == 1));
    assert_eq!(sandbox.count("GET", "/user/patient/pat_1001/credit"), 3);
    // ...and `.take(n)` reads exactly n pages.
    sandbox.clear_requests();
    let first: Vec<_> = d
        .credits(ListCredits::new(maria.clone()).with_per_page(1))
        .take(2)
        .collect()
        .await;
    assert_eq!(first.len(), 2);
    assert_eq!(sandbox.count("GET", "/user/patient/pat_1001/credit"), 2);
    // A short page ends the stream.
    sandbox.clear_requests();
    let all: Vec<_> = d.credits(ListCredits::new(maria.clone())).collect().await;
    assert_eq!(all.len(), 1);
    assert_eq!(sandbox.requests().len(), 1);
    // Bad input: one error, nothing sent.
    let bad: Vec<_> = d
        .credits(ListCredits::new(maria.clone()).with_per_page(0))
        .collect()
        .await;
    assert_eq!(bad.len(), 1);
    assert_eq!(
        bad[0].as_ref().unwrap_err().invalid_field(),
        Some("per_page")
    );
    assert_eq!(sandbox.requests().len(), 1);

    let payments: Vec<_> = d
        .payments(ListPayments::new(maria).with_per_page(1))
        .take(2)
        .collect()
        .await;
    assert_eq!(payments.len(), 2);
    let p = &payments[0].as_ref().unwrap().items[0];
    assert!(!format!("{p:?}").contains("Rivera"));
    assert!(p.vendor_data.as_map().contains_key("refunds"));
}

#[tokio::test]
async fn reconcile_settle_after_an_unknown_outcome() {
    let sandbox = Sandbox::start().await.unwrap();
    let d = client(&sandbox);
    let maria = PatientRef::id("pat_1001");
    let balance = verify(&d, 0).await;
    let settle = SettleChargesFromCredit::new(usd(700), balance.charges.clone());

    // Not handled (500 before the vendor did anything): not applied.
    let at = OffsetDateTime::now_utc();
    sandbox.inject(Fault::on("POST", SETTLE).status(500).times(1));
    let e = d
        .settle_charges_from_credit(settle.clone())
        .await
        .unwrap_err();
    assert!(e.is_outcome_unknown(), "{e:?}");
    let mut rec =
        Reconcile::new(maria.clone(), MoneyCall::SettleFromCredit(settle.clone())).attempted_at(at);
    rec.outstanding_before = Some(balance.total_outstanding);
    let r = d.reconcile(rec.clone()).await.unwrap();
    assert_eq!(r.verdict, ReconcileVerdict::NotApplied, "{r}");

    // Handled, then the connection dropped: applied, with the payment.
    sandbox.inject(
        Fault::on("POST", SETTLE)
            .kind(FaultKind::DropAfterHandling)
            .times(1),
    );
    let e = d
        .settle_charges_from_credit(settle.clone())
        .await
        .unwrap_err();
    assert!(e.is_outcome_unknown(), "{e:?}");
    let r = d.reconcile(rec).await.unwrap();
    assert_eq!(r.verdict, ReconcileVerdict::Applied, "{r}");
    let p = r.payment.unwrap();
    assert_eq!(p.amount, usd(700));
    assert!(!r.evidence.iter().any(|e| e.contains("Rivera")));
    // Without attempted_at nor outstanding_before a match is not conclusive.
    let r = d
        .reconcile(Reconcile::new(maria, MoneyCall::SettleFromCredit(settle)))
        .await
        .unwrap();
    assert_eq!(r.verdict, ReconcileVerdict::Undetermined, "{r}");
}

/// One money call of the three, against a fresh sandbox state.
async fn money_call(d: &Decoda, which: &str, timeout: Option<Duration>) -> Result<(), Error> {
    let maria = PatientRef::id("pat_1001");
    let balance = verify(d, 0).await;
    match which {
        "settle" => {
            let mut s = SettleChargesFromCredit::new(usd(100), balance.charges);
            if let Some(t) = timeout {
                s = s.with_timeout(t);
            }
            d.settle_charges_from_credit(s).await.map(|_| ())
        }
        "charge_card" => {
            let mut p = PayWithSavedMethod::new(maria, "pm_1001_visa", balance.charges)
                .with_amount(usd(100));
            if let Some(t) = timeout {
                p = p.with_timeout(t);
            }
            d.pay_with_saved_method(p).await.map(|_| ())
        }
        _ => {
            let mut r = RefundPayment::new("pay_1001_b12", "prov_7", usd(100), RefundReason::Other);
            if let Some(t) = timeout {
                r = r.with_timeout(t);
            }
            d.refund_payment(r).await.map(|_| ())
        }
    }
}

#[tokio::test]
async fn fault_matrix_of_the_money_endpoints() {
    let sandbox = Sandbox::start().await.unwrap();
    let d = client(&sandbox);
    for (which, path, method_path) in [
        ("settle", SETTLE, SETTLE),
        (
            "charge_card",
            CHARGE_CARD,
            "/billing/payment-terminal/charge-card/pm_1001_visa",
        ),
        ("refund", REFUND, REFUND),
    ] {
        let faults: Vec<(&str, Fault, Option<Duration>)> = vec![
            ("500", Fault::on("POST", path).status(500), None),
            ("reset", Fault::on("POST", path).drop_connection(), None),
            (
                "reset after handling",
                Fault::on("POST", path).kind(FaultKind::DropAfterHandling),
                None,
            ),
            (
                "timeout",
                Fault::on("POST", path).delay(Duration::from_secs(3)),
                Some(Duration::from_millis(300)),
            ),
            (
                "malformed 200",
                Fault::on("POST", path).kind(FaultKind::Malformed),
                None,
            ),
            (
                "truncated 200",
                Fault::on("POST", path).kind(FaultKind::Truncate),
                None,
            ),
        ];
        for (name, fault, timeout) in faults {
            sandbox.reset();
            sandbox.clear_faults();
            sandbox.inject(fault.times(1));
            let e = money_call(&d, which, timeout).await.unwrap_err();
            assert!(
                matches!(e, Error::OutcomeUnknown { .. }),
                "{which} {name}: {e:?}"
            );
            assert!(e.may_have_been_sent(), "{which} {name}");
            assert_eq!(
                sandbox.count("POST", method_path),
                1,
                "{which} {name}: a money call is sent once"
            );
            if name == "malformed 200" {
                assert_eq!(e.status(), Some(200), "{which}");
                assert!(
                    e.request_id().is_some_and(|id| id.starts_with("sbx_")),
                    "{which}: {e:?}"
                );
                assert!(e.kept_body().is_some(), "{which}");
            }
            if name == "500" {
                assert_eq!(e.status(), Some(500), "{which}");
            }
            assert!(e.to_string().contains("outcome unknown"), "{e}");
        }
    }
}

#[tokio::test]
async fn contradicting_answers_are_outcome_unknown() {
    let sandbox = Sandbox::start().await.unwrap();
    let d = client(&sandbox);
    let answers = [
        (
            "settle",
            SETTLE,
            r#"{"id":"pay_x","amount":99,"status":"SUCCEEDED","paymentMedium":"CREDIT","createdDate":"2026-01-01T00:00:00Z","currency":"USD"}"#,
        ),
        (
            "settle",
            SETTLE,
            r#"{"id":"pay_x","amount":100,"status":"SUCCEEDED","paymentMedium":"CREDIT","createdDate":"2026-01-01T00:00:00Z","currency":"EUR"}"#,
        ),
        (
            "settle",
            SETTLE,
            r#"{"id":"pay_x","amount":100,"status":"SUCCEEDED","paymentMedium":"CREDIT","createdDate":"2026-01-01T00:00:00Z","patientId":"pat_other"}"#,
        ),
        (
            "settle",
            SETTLE,
            r#"{"id":"pay_x","amount":-100,"status":"SUCCEEDED","paymentMedium":"CREDIT","createdDate":"2026-01-01T00:00:00Z"}"#,
        ),
        (
            "charge_card",
            CHARGE_CARD,
            r#"{"payinId":"pyi_x","amount":101,"status":"SUCCEEDED"}"#,
        ),
        (
            "refund",
            REFUND,
            r#"{"id":"rf_x","paymentId":"pay_1001_b12","amount":90,"reason":"OTHER","createdDate":"2026-01-01T00:00:00Z","status":"SUCCEEDED"}"#,
        ),
        (
            "refund",
            REFUND,
            r#"{"id":"rf_x","paymentId":"pay_other","amount":100,"reason":"OTHER","createdDate":"2026-01-01T00:00:00Z","status":"SUCCEEDED"}"#,
        ),
    ];
    for (which, path, body) in answers {
        sandbox.reset();
        sandbox.clear_faults();
        sandbox.inject(
            Fault::on("POST", path)
                .status_body(200, "application/json", body)
                .times(1),
        );
        let e = money_call(&d, which, None).await.unwrap_err();
        assert!(e.is_outcome_unknown(), "{which} {body}: {e:?}");
        assert!(e.may_have_been_sent());
        assert!(e.to_string().contains("contradicts"), "{e}");
        assert!(
            e.kept_body().is_some_and(|b| b.contains("\"amount\"")),
            "{e:?}"
        );
    }
}

#[tokio::test]
async fn an_over_cap_200_on_a_money_endpoint_is_outcome_unknown() {
    let sandbox = Sandbox::start().await.unwrap();
    let d = DecodaBuilder::new()
        .with_api_key(credentials::DECODA_API_KEY)
        .with_tenant(credentials::DECODA_TENANT)
        .with_base_url(sandbox.base_url())
        .with_http_config(HttpConfig::default().with_max_response_bytes(64 * 1024))
        .build()
        .unwrap();
    for (which, path, counted) in [
        ("settle", SETTLE, SETTLE),
        (
            "charge_card",
            CHARGE_CARD,
            "/billing/payment-terminal/charge-card/pm_1001_visa",
        ),
        ("refund", REFUND, REFUND),
    ] {
        for content_length in [true, false] {
            sandbox.reset();
            sandbox.clear_faults();
            sandbox.inject(
                Fault::on("POST", path)
                    .kind(FaultKind::HugeBody {
                        bytes: 1024 * 1024,
                        content_length,
                    })
                    .times(1),
            );
            let e = money_call(&d, which, None).await.unwrap_err();
            assert!(e.is_outcome_unknown(), "{which}: {e:?}");
            assert_eq!(e.status(), Some(200), "{which}");
            assert_eq!(sandbox.count("POST", counted), 1, "{which}");
        }
    }
}

#[derive(Clone, Default)]
struct Logs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn an_unknown_charge_card_outcome_logs_the_payin_config_and_reconciles_with_it() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .without_time()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let sandbox = Sandbox::start().await.unwrap();
    let d = client(&sandbox);
    let maria = PatientRef::id("pat_1001");
    let balance = verify(&d, 0).await;
    let pay = PayWithSavedMethod::new(maria.clone(), "pm_1001_mc", balance.charges);
    sandbox.inject(
        Fault::on("POST", CHARGE_CARD)
            .kind(FaultKind::DropAfterHandling)
            .times(1),
    );
    let at = OffsetDateTime::now_utc();
    let e = d.pay_with_saved_method(pay.clone()).await.unwrap_err();
    assert!(e.is_outcome_unknown(), "{e:?}");
    let config = sandbox.with_state(|s| s.decoda.payin_configs.last().unwrap().id.clone());
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains(&config), "{text}");
    let r = d
        .reconcile(
            Reconcile::new(
                maria.clone(),
                MoneyCall::PayWithSavedMethod {
                    request: pay.clone(),
                    payin_config_id: Some(config),
                },
            )
            .attempted_at(at),
        )
        .await
        .unwrap();
    assert_eq!(r.verdict, ReconcileVerdict::Applied, "{r}");
    assert_eq!(r.payment.unwrap().amount, usd(12500));
    // Without the config id: found in the payment table by method and amount.
    let r = d
        .reconcile(
            Reconcile::new(
                maria,
                MoneyCall::PayWithSavedMethod {
                    request: pay,
                    payin_config_id: None,
                },
            )
            .attempted_at(at),
        )
        .await
        .unwrap();
    assert_eq!(r.verdict, ReconcileVerdict::Applied, "{r}");
}
