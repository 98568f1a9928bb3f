//! No secret and no PHI in any output: every operation through its success and error
//! paths, with everything traced at TRACE level (the in-process sandbox included) into a
//! buffer, plus `{:?}` and `{}` of every request, answer and error.

use std::io::Write;
use std::sync::{Arc, Mutex};

use patientpay_carevalidate::{
    CareValidateBuilder, CasePaymentStatus, CompletePaymentSetup, ConfirmCustomerPayment,
    CreateCasePayment, CreateSetupIntent,
};
use patientpay_core::pipeline::{HttpConfig, RetryPolicy};
use patientpay_core::{
    Address, Checkout, CheckoutMethodKind, CheckoutPurpose, CreatePaymentIntent, Currency, Money,
    StartCheckout, UpdatePaymentInfo, parse_date,
};
use patientpay_sandbox::{Fault, FaultKind, Sandbox, Seed};

const API_KEY: &str = "cv-LEAKCHECK-KEY-5e1f9a";
const EMAIL: &str = "leakcheck.patient@example.com";
const EMAIL_URL_ENCODED: &str = "leakcheck.patient%40example.com";
const UNKNOWN_EMAIL: &str = "leakcheck.nobody@unknown.example";
const PHONE: &str = "+14045550199";
const TOKEN: &str = "nmi-LEAKCHECK-TOKEN-77c3";
const LINE1: &str = "742 Leakcheck Terrace";
const LINE2: &str = "Apt Leakcheck 9";
const CITY: &str = "Leakcheckville";
const ZIP: &str = "97531-2468";
const DESCRIPTION: &str = "Leakcheck Semaglutide";
const CASE: &str = "3c9a7f2e-1b4d-4e8a-9f6b-000000000001";
const CASE_PAYMENTS: &str = "/api/v1/cases/3c9a7f2e-1b4d-4e8a-9f6b-000000000001/payments";

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Buffer {
    type Writer = Buffer;
    fn make_writer(&'a self) -> Buffer {
        self.clone()
    }
}

fn address() -> Address {
    Address::new(LINE1, CITY, "OR", ZIP, "US").with_line2(LINE2)
}

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD)
}

#[tokio::test(flavor = "current_thread")]
async fn nothing_secret_or_personal_reaches_logs_or_formatting() {
    let buffer = Buffer::default();
    let subscriber = tracing_subscriber::fmt()
        .without_time()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(buffer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut seed =
        Seed::from_json(format!(r#"{{"carevalidate": {{"users": ["{EMAIL}"]}}}}"#).as_bytes())
            .unwrap();
    seed.carevalidate.api_keys = vec![API_KEY.to_owned()];
    let sandbox = Sandbox::start_with(seed).await.unwrap();
    let builder = CareValidateBuilder::new()
        .with_api_key(API_KEY)
        .with_base_url(sandbox.base_url())
        .with_http_config(HttpConfig::default().with_retry(RetryPolicy::none()));
    let mut printed = vec![format!("{builder:?}")];
    let client = builder.build().unwrap();
    printed.push(format!("{client:?}"));
    let mut secrets: Vec<String> = Vec::new();
    let note = |printed: &mut Vec<String>, e: patientpay_core::Error| {
        printed.extend([
            format!("{e:?}"),
            format!("{e}"),
            e.kept_body().unwrap_or_default().to_owned(),
        ]);
    };

    // Payment intents: success, vendor error, a 200 that cannot be read, input error.
    let intent_req =
        CreatePaymentIntent::new(usd(1999)).with_payment_method_types([CheckoutMethodKind::Card]);
    printed.push(format!("{intent_req:?}"));
    printed.push(format!(
        "{:?}",
        client.create_payment_intent_request(&intent_req).unwrap()
    ));
    let intent = client
        .create_payment_intent(intent_req.clone())
        .await
        .unwrap();
    secrets.push(intent.client_secret.expose_secret().to_owned());
    printed.push(format!("{intent:?}"));
    let raw = client
        .create_payment_intent_raw(intent_req.clone())
        .await
        .unwrap();
    secrets.push(
        raw.data
            .as_ref()
            .unwrap()
            .payment_intent_secret
            .expose_secret()
            .to_owned(),
    );
    printed.push(format!("{raw:?}"));
    let bad_types = CreatePaymentIntent::new(usd(100))
        .with_payment_method_types([CheckoutMethodKind::Unknown("not_a_type".into())]);
    note(
        &mut printed,
        client.create_payment_intent(bad_types).await.unwrap_err(),
    );
    for kind in [FaultKind::Truncate] {
        sandbox.inject(
            Fault::on("POST", "/api/v1/payments/intent")
                .kind(kind)
                .times(1),
        );
        note(
            &mut printed,
            client
                .create_payment_intent(intent_req.clone())
                .await
                .unwrap_err(),
        );
    }
    sandbox.inject(
        Fault::on("POST", "/api/v1/payments/intent")
            .status_body(200, "application/json", r#"{"status":"x","data":{"paymentIntentSecret":"pi_LEAK1_secret_LEAKCHECKSECRET"}}"#)
            .times(1),
    );
    secrets.push("LEAKCHECKSECRET".into());
    note(
        &mut printed,
        client
            .create_payment_intent(intent_req.clone())
            .await
            .unwrap_err(),
    );
    note(
        &mut printed,
        client
            .create_payment_intent(CreatePaymentIntent::new(Money::from_minor(
                5,
                Currency::EUR,
            )))
            .await
            .unwrap_err(),
    );

    // Setup intents with metadata, through the trait; the vendor echoing the e-mail
    // URL-encoded and plain.
    let session = client
        .start_checkout(StartCheckout::new(CheckoutPurpose::SaveForLater {
            email: Some(EMAIL.into()),
            phone: Some(PHONE.into()),
        }))
        .await
        .unwrap();
    printed.push(format!("{session:?}"));
    let setup_req = CreateSetupIntent::new().with_email(EMAIL).with_phone(PHONE);
    printed.push(format!("{setup_req:?}"));
    printed.push(format!(
        "{:?}",
        client.create_setup_intent_request(&setup_req).unwrap()
    ));
    let setup = client
        .create_setup_intent_raw(setup_req.clone())
        .await
        .unwrap();
    let setup_secret = setup
        .payment_secret
        .as_ref()
        .unwrap()
        .expose_secret()
        .to_owned();
    secrets.push(setup_secret.clone());
    printed.push(format!("{setup:?}"));
    for echo in [
        format!(r#"{{"success":false,"message":"No customer {EMAIL_URL_ENCODED} ({PHONE})"}}"#),
        format!(r#"{{"success":false,"message":"No customer {EMAIL}"}}"#),
    ] {
        sandbox.inject(
            Fault::on("POST", "/api/v1/payments/setup")
                .status_body(400, "application/json", echo)
                .times(1),
        );
        note(
            &mut printed,
            client
                .create_setup_intent(setup_req.clone())
                .await
                .unwrap_err(),
        );
    }

    // Completing the setup: success, unknown id, input error.
    let seti = setup_secret.split("_secret_").next().unwrap().to_owned();
    let complete = CompletePaymentSetup::new(seti, address());
    printed.push(format!("{complete:?}"));
    printed.push(format!(
        "{:?}",
        client.complete_payment_setup_request(&complete).unwrap()
    ));
    printed.push(format!(
        "{:?}",
        client.complete_payment_setup(complete).await.unwrap()
    ));
    sandbox.inject(
        Fault::on("POST", "/api/v1/complete-payment-setup")
            .status_body(
                400,
                "application/json",
                format!(r#"{{"success":false,"message":"Bad address {LINE1}, {CITY} {ZIP}"}}"#),
            )
            .times(1),
    );
    note(
        &mut printed,
        client
            .complete_payment_setup(CompletePaymentSetup::new("seti_x", address()))
            .await
            .unwrap_err(),
    );
    note(
        &mut printed,
        client
            .complete_payment_setup(CompletePaymentSetup::new(
                "seti_x",
                Address::new(LINE1, CITY, "OR", "Leakcheckzip", "US"),
            ))
            .await
            .unwrap_err(),
    );

    // Payment info: success, unknown user (the vendor echoes the e-mail), bad setup id,
    // server error, input errors.
    let ok = UpdatePaymentInfo::new(EMAIL, "seti_leakcheck", TOKEN, address());
    printed.push(format!("{ok:?}"));
    printed.push(format!(
        "{:?}",
        client.update_payment_info_request(&ok).unwrap()
    ));
    printed.push(format!(
        "{:?}",
        client.update_payment_info(ok.clone()).await.unwrap()
    ));
    printed.push(format!(
        "{:?}",
        client.update_payment_info_raw(ok.clone()).await.unwrap()
    ));
    for req in [
        UpdatePaymentInfo::new(UNKNOWN_EMAIL, "seti_leakcheck", TOKEN, address()),
        UpdatePaymentInfo::new(EMAIL, "pi_not_setup", TOKEN, address()),
    ] {
        note(
            &mut printed,
            client.update_payment_info(req).await.unwrap_err(),
        );
    }
    sandbox.inject(
        Fault::on("POST", "/api/v1/users")
            .status_body(
                400,
                "application/json",
                format!(r#"{{"success":false,"message":"token {TOKEN} refused"}}"#),
            )
            .times(1),
    );
    note(
        &mut printed,
        client.update_payment_info(ok.clone()).await.unwrap_err(),
    );
    for req in [
        UpdatePaymentInfo::new(format!("{EMAIL} x"), "seti_1", TOKEN, address()),
        UpdatePaymentInfo::new(
            EMAIL,
            "seti_1",
            TOKEN,
            Address::new(LINE1, CITY, "Leakcheckstate", ZIP, "US"),
        ),
    ] {
        note(
            &mut printed,
            client.update_payment_info(req).await.unwrap_err(),
        );
    }

    // Case payments and confirmations: success, echoes in errors and in an unreadable 200.
    let pay = CreateCasePayment::new(CASE, usd(5000), DESCRIPTION);
    printed.push(format!("{pay:?}"));
    printed.push(format!(
        "{:?}",
        client.create_case_payment(pay.clone()).await.unwrap()
    ));
    printed.push(format!(
        "{:?}",
        client.create_case_payment_raw(pay.clone()).await.unwrap()
    ));
    sandbox.inject(
        Fault::on("POST", CASE_PAYMENTS)
            .status_body(
                200,
                "application/json",
                format!(
                    r#"{{"success":true,"data":{{"result":{{"description":"{DESCRIPTION}","amo"#
                ),
            )
            .times(1),
    );
    note(
        &mut printed,
        client.create_case_payment(pay.clone()).await.unwrap_err(),
    );
    let d = |s| parse_date("d", s).unwrap();
    let confirm = ConfirmCustomerPayment::new(
        CASE,
        usd(5000),
        d("2025-01-01"),
        CasePaymentStatus::Paid,
        d("2025-02-01"),
    )
    .with_email(EMAIL)
    .with_phone_number(PHONE)
    .with_description(DESCRIPTION);
    printed.push(format!("{confirm:?}"));
    printed.push(format!(
        "{:?}",
        client.confirm_customer_payment_request(&confirm).unwrap()
    ));
    printed.push(format!(
        "{:?}",
        client
            .confirm_customer_payment(confirm.clone())
            .await
            .unwrap()
    ));
    sandbox.inject(
        Fault::on("POST", "/api/v1/customer-payment-confirmation")
            .status_body(500, "application/json", format!(r#"{{"success":false,"message":"failed for {EMAIL_URL_ENCODED} {PHONE} {DESCRIPTION}"}}"#))
            .times(1),
    );
    note(
        &mut printed,
        client
            .confirm_customer_payment(confirm.with_idempotency_key("leak-2"))
            .await
            .unwrap_err(),
    );

    // A wrong key.
    let wrong = CareValidateBuilder::new()
        .with_api_key("cv-LEAKCHECK-WRONG")
        .with_base_url(sandbox.base_url())
        .build()
        .unwrap();
    note(
        &mut printed,
        wrong.create_payment_intent(intent_req).await.unwrap_err(),
    );
    printed.push(format!("{:?}", sandbox.requests()));
    drop(sandbox);

    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("patientpay.http"),
        "the capture must see the HTTP layer's spans:\n{logs}"
    );
    assert!(
        logs.contains("sandbox request"),
        "the capture must see the sandbox:\n{logs}"
    );
    let everything = format!("{logs}\n{}", printed.join("\n"));
    let mut needles = vec![
        API_KEY,
        "cv-LEAKCHECK-WRONG",
        TOKEN,
        EMAIL,
        EMAIL_URL_ENCODED,
        "leakcheck.patient",
        UNKNOWN_EMAIL,
        "leakcheck.nobody",
        PHONE,
        "4045550199",
        LINE1,
        LINE2,
        CITY,
        ZIP,
        "97531",
        "Leakcheckstate",
        "Leakcheckzip",
        DESCRIPTION,
    ];
    needles.extend(secrets.iter().map(String::as_str));
    for secret in needles {
        assert!(
            !everything.contains(secret),
            "{secret:?} leaked into:\n{everything}"
        );
    }
}
