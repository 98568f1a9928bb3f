//! Runs every operation through success and error paths with everything traced at TRACE
//! into a buffer, formats every request, response and error with `{:?}` and `{}`, and
//! checks that no secret (JWTs, the login password, NMI and Stripe tokens) and no PHI (the
//! seeded patient's billing details, the login username) appears anywhere — even when the
//! vendor echoes them back in its error messages.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use patientpay_careportals::CarePortalsBuilder;
use patientpay_core::{
    AddPaymentMethod, ListPaymentMethods, PatientRef, PaymentMethods, RemovePaymentMethod,
};
use patientpay_sandbox::{Fault, Sandbox, Seed, credentials};
use secrecy::{ExposeSecret, SecretString};

const NMI_TOKEN: &str = "nmi-NOLEAK-payment-token-55aa";
const STRIPE_TOKEN: &str = "pm_NOLEAKstripe0000001";
const PASSWORD: &str = credentials::CAREPORTALS_PASSWORD;
const USERNAME: &str = credentials::CAREPORTALS_USERNAME;
const PHI: &[&str] = &[
    "Jane Doe",
    "jane.doe@example.com",
    "+14155552671",
    "4155552671",
    "123 Main Street",
    "Apt 4B",
    "San Francisco",
    "94105",
];

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
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

#[tokio::test(flavor = "current_thread")]
async fn no_secret_or_phi_in_traces_debug_or_display() {
    let buffer = Buffer::default();
    let subscriber = tracing_subscriber::fmt()
        .without_time()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(buffer.clone())
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    // Sandbox-issued JWTs (the sandbox verifies them); the seeded demo wallet (with the
    // docs' billing details) belongs to the first.
    let jwt = credentials::careportals_token_for("66f1c0de0000000000000a01");
    let other_jwt = credentials::careportals_token_for("66f1c0de0000000000000a02");
    let (jwt, other_jwt) = (jwt.as_str(), other_jwt.as_str());
    let mut seed = Seed::default();
    let demo = seed
        .careportals
        .wallets
        .remove(credentials::CAREPORTALS_TOKEN)
        .unwrap();
    seed.careportals.wallets.insert(jwt.to_owned(), demo);
    let sandbox = Sandbox::start_with(seed).await.unwrap();

    let builder = CarePortalsBuilder::new()
        .with_token(jwt)
        .with_organization(credentials::CAREPORTALS_ORGANIZATION)
        .with_origin(credentials::CAREPORTALS_ORIGIN)
        .with_base_url(sandbox.base_url())
        .with_http_config(common::http_config());
    let mut out: Vec<String> = vec![format!("{builder:?}")];
    let client = builder.build().unwrap();
    let other = client.for_patient(other_jwt);
    out.push(format!("{client:?} {other:?} {:?}", client.patient()));
    let provider: Box<dyn PaymentMethods> = Box::new(client.clone());
    tracing::info!("start");

    // Successes.
    let list = ListPaymentMethods::new();
    out.push(format!(
        "{list:?} {:?}",
        client.list_payment_methods_request(&list).unwrap()
    ));
    let listed = provider.list_payment_methods(list).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(
        listed[0].billing_details.is_some(),
        "the PHI is really there to leak"
    );
    out.push(format!("{listed:?}"));
    let raw = client
        .list_payment_methods_raw(ListPaymentMethods::new())
        .await
        .unwrap();
    out.push(format!("{raw:?}"));

    let add = AddPaymentMethod::new(NMI_TOKEN);
    out.push(format!(
        "{add:?} {:?}",
        client.add_payment_method_request(&add).unwrap()
    ));
    let added = provider.add_payment_method(add).await.unwrap();
    out.push(format!("{added:?}"));
    let added_raw = client
        .add_payment_method_raw(AddPaymentMethod::new(NMI_TOKEN))
        .await
        .unwrap();
    out.push(format!("{added_raw:?}"));
    out.push(format!(
        "{:?}",
        other
            .add_payment_method(AddPaymentMethod::new("pm_card_visa"))
            .await
            .unwrap()
    ));

    let remove = RemovePaymentMethod::new("pm_1Rz78FKeCoUxIkZxXhFa0HlF");
    out.push(format!(
        "{remove:?} {:?}",
        client.remove_payment_method_request(&remove).unwrap()
    ));
    let removed = provider.remove_payment_method(remove).await.unwrap();
    out.push(format!("{removed:?}"));
    let per_call = ListPaymentMethods::for_patient(PatientRef::token(other_jwt));
    out.push(format!(
        "{per_call:?} {:?}",
        client.list_payment_methods_request(&per_call).unwrap()
    ));
    out.push(format!(
        "{:?}",
        provider.list_payment_methods(per_call).await.unwrap()
    ));

    // Login: the password and username are a secret and PHI of the call; the token a secret.
    let session = client
        .login(USERNAME, SecretString::from(PASSWORD.to_owned()))
        .await
        .unwrap();
    out.push(format!("{session:?} {:?}", session.handle));
    let session_token = session.token().expose_secret().to_owned();

    // Errors: decline, unknown id, refused JWT, PHI echoed by the vendor, success:false,
    // malformed body, bad input, empty JWT, unsupported.
    let mut errors = Vec::new();
    errors.push(
        provider
            .add_payment_method(AddPaymentMethod::new("pm_card_chargeDeclined"))
            .await
            .unwrap_err(),
    );
    errors.push(
        provider
            .remove_payment_method(RemovePaymentMethod::new("pm_gone"))
            .await
            .unwrap_err(),
    );
    sandbox.inject(
        Fault::on("GET", "/users/payment-methods")
            .status_body(
                401,
                "application/json",
                r#"{"statusCode":401,"message":"Unauthorized"}"#,
            )
            .times(1),
    );
    errors.push(
        provider
            .list_payment_methods(ListPaymentMethods::new())
            .await
            .unwrap_err(),
    );
    sandbox.inject(
        Fault::on("POST", "/v2/users/payment-methods")
            .status_body(
                400,
                "application/json",
                // Core scrubs e-mails and phone numbers from vendor messages (it cannot
                // recognise names), so that is what a vendor echo is tested with.
                r#"{"statusCode":400,"message":"Card holder jane.doe@example.com (+14155552671) already has this card"}"#,
            )
            .times(1),
    );
    errors.push(
        provider
            .add_payment_method(AddPaymentMethod::new(NMI_TOKEN))
            .await
            .unwrap_err(),
    );
    sandbox.inject(
        Fault::on("DELETE", "/v2/users/payment-methods/*")
            .status_body(200, "application/json", r#"{"success":false}"#)
            .times(1),
    );
    errors.push(
        provider
            .remove_payment_method(RemovePaymentMethod::new("x1"))
            .await
            .unwrap_err(),
    );
    sandbox.inject(
        Fault::on("GET", "/users/payment-methods")
            .status_body(
                200,
                "application/json",
                r#"[{"id":"pm_1","type":"card","billing_details":{"name":["Jane Doe"]}}]"#,
            )
            .times(1),
    );
    errors.push(
        provider
            .list_payment_methods(ListPaymentMethods::new())
            .await
            .unwrap_err(),
    );
    errors.push(
        provider
            .add_payment_method(AddPaymentMethod::new(format!(" {NMI_TOKEN}")))
            .await
            .unwrap_err(),
    );
    errors.push(
        client
            .for_patient(" ")
            .list_payment_methods(ListPaymentMethods::new())
            .await
            .unwrap_err(),
    );
    errors.push(
        CarePortalsBuilder::new()
            .with_token(format!("{jwt}\n"))
            .with_origin(credentials::CAREPORTALS_ORIGIN)
            .build()
            .unwrap_err(),
    );
    // The vendor echoes everything it was sent: the JWT, the payment token, the password
    // and the username, plain and URL-encoded.
    let echo = |what: &str| {
        format!(
            r#"{{"statusCode":400,"message":"echo {what} / {}"}}"#,
            what.replace('@', "%40")
        )
    };
    sandbox.inject(
        Fault::on("GET", "/users/payment-methods")
            .status_body(400, "application/json", echo(jwt))
            .times(1),
    );
    errors.push(
        provider
            .list_payment_methods(ListPaymentMethods::new())
            .await
            .unwrap_err(),
    );
    sandbox.inject(
        Fault::on("GET", "/users/payment-methods")
            .status_body(400, "application/json", echo(other_jwt))
            .times(1),
    );
    errors.push(
        provider
            .list_payment_methods(ListPaymentMethods::for_patient(PatientRef::token(
                other_jwt,
            )))
            .await
            .unwrap_err(),
    );
    sandbox.inject(
        Fault::on("POST", "/v2/users/payment-methods")
            .status_body(400, "application/json", echo(STRIPE_TOKEN))
            .times(1),
    );
    errors.push(
        provider
            .add_payment_method(AddPaymentMethod::new(STRIPE_TOKEN))
            .await
            .unwrap_err(),
    );
    sandbox.inject(
        Fault::on("POST", "/auth/login")
            .status_body(
                401,
                "application/json",
                echo(&format!("{USERNAME} {PASSWORD}")),
            )
            .times(1),
    );
    errors.push(
        client
            .login(USERNAME, SecretString::from(PASSWORD.to_owned()))
            .await
            .unwrap_err(),
    );
    errors.push(
        client
            .login(
                USERNAME,
                SecretString::from("wrong-NOLEAK-password".to_owned()),
            )
            .await
            .unwrap_err(),
    );
    sandbox.inject(
        Fault::on("GET", "/users/payment-methods")
            .status_body(400, "application/json", echo(&session_token))
            .times(1),
    );
    errors.push(
        session
            .handle
            .list_payment_methods(ListPaymentMethods::new())
            .await
            .unwrap_err(),
    );
    assert_eq!(errors.len(), 15);
    for e in &errors {
        tracing::error!(error = %e, debug = ?e, "caller logs the error");
        out.push(format!("{e} | {e:?}"));
    }
    drop(sandbox);

    let traced = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(
        traced.contains("patientpay.http"),
        "the HTTP layer's spans were captured"
    );
    assert!(
        traced.contains("sandbox request"),
        "the in-process sandbox was captured"
    );
    let all = format!("{traced}\n{}", out.join("\n"));
    assert!(
        all.contains("echo [redacted]"),
        "the echoes were really there:\n{all}"
    );
    let payload = |t: &str| t.split('.').nth(1).unwrap().to_owned();
    for secret in [
        jwt,
        other_jwt,
        &payload(jwt),
        &payload(other_jwt),
        &session_token,
        &payload(&session_token),
        NMI_TOKEN,
        STRIPE_TOKEN,
        PASSWORD,
        "NOLEAK",
    ] {
        assert!(!all.contains(secret), "secret {secret:?} leaked");
    }
    for phi in PHI.iter().chain(&["jane.doe%40example.com"]) {
        assert!(!all.contains(phi), "PHI {phi:?} leaked:\n{all}");
    }
}
