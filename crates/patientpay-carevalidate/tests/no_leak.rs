//! No secret and no PHI in any output: every operation through its success and error
//! paths, with everything traced at TRACE level (the in-process sandbox included) into a
//! buffer, plus `{:?}` and `{}` of every request, response and error.

use std::io::Write;
use std::sync::{Arc, Mutex};

use patientpay_carevalidate::CareValidateBuilder;
use patientpay_core::http::{HttpConfig, RetryPolicy};
use patientpay_core::{
    Address, CreatePaymentIntent, Currency, Money, PaymentMethodType, PaymentProvider,
    UpdatePaymentInfo,
};
use patientpay_sandbox::{Fault, Sandbox, Seed};

const API_KEY: &str = "cv-LEAKCHECK-KEY-5e1f9a";
const EMAIL: &str = "leakcheck.patient@example.com";
const UNKNOWN_EMAIL: &str = "leakcheck.nobody@unknown.example";
const TOKEN: &str = "nmi-LEAKCHECK-TOKEN-77c3";
const LINE1: &str = "742 Leakcheck Terrace";
const LINE2: &str = "Apt Leakcheck 9";
const CITY: &str = "Leakcheckville";
const ZIP: &str = "97531-2468";

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

    let seed =
        Seed::from_json(format!(r#"{{"carevalidate": {{"users": ["{EMAIL}"]}}}}"#).as_bytes())
            .unwrap();
    let sandbox = Sandbox::start_with(seed).await.unwrap();
    let builder = CareValidateBuilder::new()
        .with_api_key(API_KEY)
        .with_base_url(sandbox.base_url())
        .with_http_config(HttpConfig::default().with_retry(RetryPolicy::none()));
    let mut printed = vec![format!("{builder:?}")];
    let client = builder.build().unwrap();
    printed.push(format!("{client:?}"));
    let provider: Box<dyn PaymentProvider> = Box::new(client.clone());

    // Payment intent: success, vendor error, auth error, input error.
    let intent_req = CreatePaymentIntent::new(Money::from_minor(1999, Currency::USD))
        .with_payment_method_types([PaymentMethodType::Card]);
    printed.push(format!("{intent_req:?}"));
    printed.push(format!(
        "{:?}",
        client.create_payment_intent_request(&intent_req).unwrap()
    ));
    let intent = provider
        .create_payment_intent(intent_req.clone())
        .await
        .unwrap();
    let client_secret = intent.client_secret.expose_secret().to_owned();
    printed.push(format!("{intent:?}"));
    let bad_types = CreatePaymentIntent::new(Money::from_minor(1, Currency::USD))
        .with_payment_method_types([PaymentMethodType::Unknown("not_a_type".into())]);
    let e = provider.create_payment_intent(bad_types).await.unwrap_err();
    printed.extend([format!("{e:?}"), format!("{e}")]);
    sandbox.inject(
        Fault::on("POST", "/api/v1/payments/intent")
            .status_body(
                401,
                "application/json",
                r#"{"status":401,"error":"Invalid API key"}"#,
            )
            .times(1),
    );
    let e = provider
        .create_payment_intent(intent_req)
        .await
        .unwrap_err();
    printed.extend([format!("{e:?}"), format!("{e}")]);
    let e = provider
        .create_payment_intent(CreatePaymentIntent::new(Money::from_minor(
            5,
            Currency::EUR,
        )))
        .await
        .unwrap_err();
    printed.extend([format!("{e:?}"), format!("{e}")]);

    // Payment info: success, unknown user (the vendor echoes the e-mail), bad setup id,
    // server error, input errors.
    let ok = UpdatePaymentInfo::new(EMAIL, "seti_leakcheck", TOKEN, address());
    printed.push(format!("{ok:?}"));
    printed.push(format!(
        "{:?}",
        client.update_payment_info_request(&ok).unwrap()
    ));
    let updated = provider.update_payment_info(ok.clone()).await.unwrap();
    printed.push(format!("{updated:?}"));
    for req in [
        UpdatePaymentInfo::new(UNKNOWN_EMAIL, "seti_leakcheck", TOKEN, address()),
        UpdatePaymentInfo::new(EMAIL, "pi_not_setup", TOKEN, address()),
    ] {
        let e = provider.update_payment_info(req).await.unwrap_err();
        printed.extend([format!("{e:?}"), format!("{e}")]);
    }
    sandbox.inject(Fault::on("POST", "/api/v1/users").times(1));
    let e = provider.update_payment_info(ok.clone()).await.unwrap_err();
    printed.extend([format!("{e:?}"), format!("{e}")]);
    for req in [
        UpdatePaymentInfo::new(format!("{EMAIL} x"), "seti_1", TOKEN, address()),
        UpdatePaymentInfo::new(
            EMAIL,
            "seti_1",
            TOKEN,
            Address::new(LINE1, CITY, "Leakcheckstate", ZIP, "US"),
        ),
        UpdatePaymentInfo::new(
            EMAIL,
            "seti_1",
            TOKEN,
            Address::new(LINE1, CITY, "OR", "Leakcheckzip", "US"),
        ),
    ] {
        let e = provider.update_payment_info(req).await.unwrap_err();
        printed.extend([format!("{e:?}"), format!("{e}")]);
    }
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
    for secret in [
        API_KEY,
        TOKEN,
        client_secret.as_str(),
        EMAIL,
        "leakcheck.patient",
        UNKNOWN_EMAIL,
        "leakcheck.nobody",
        LINE1,
        LINE2,
        CITY,
        ZIP,
        "97531",
        "Leakcheckstate",
        "Leakcheckzip",
    ] {
        assert!(
            !everything.contains(secret),
            "{secret:?} leaked into:\n{everything}"
        );
    }
}
