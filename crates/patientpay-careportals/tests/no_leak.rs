//! Runs every operation through success and error paths with everything traced at TRACE
//! into a buffer, formats every request, response and error with `{:?}` and `{}`, and
//! checks that no secret (JWT, NMI token) and no PHI (the seeded patient's billing
//! details, PHI echoed in a vendor message) appears anywhere.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use patientpay_careportals::CarePortalsBuilder;
use patientpay_core::{AddPaymentMethod, ListPaymentMethods, PaymentProvider, RemovePaymentMethod};
use patientpay_sandbox::{Fault, Sandbox, Seed, credentials};

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.NOLEAK-jwt-payload.c2lnbmF0dXJl";
const OTHER_JWT: &str = "eyJhbGciOiJIUzI1NiJ9.NOLEAK-second-patient.c2ln";
const NMI_TOKEN: &str = "nmi-NOLEAK-payment-token-55aa";
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

    // The seeded demo wallet (with the docs' billing details) belongs to our JWT.
    let mut seed = Seed::default();
    let demo = seed
        .careportals
        .wallets
        .remove(credentials::CAREPORTALS_TOKEN)
        .unwrap();
    seed.careportals.wallets.insert(JWT.to_owned(), demo);
    let sandbox = Sandbox::start_with(seed).await.unwrap();

    let builder = CarePortalsBuilder::new()
        .with_token(JWT)
        .with_origin(credentials::CAREPORTALS_ORIGIN)
        .with_base_url(sandbox.base_url())
        .with_http_config(common::http_config());
    let mut out: Vec<String> = vec![format!("{builder:?}")];
    let client = builder.build().unwrap();
    let other = client.for_patient(OTHER_JWT);
    out.push(format!("{client:?} {other:?}"));
    let provider: Box<dyn PaymentProvider> = Box::new(client.clone());
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
            .with_token(format!("{JWT}\n"))
            .with_origin(credentials::CAREPORTALS_ORIGIN)
            .build()
            .unwrap_err(),
    );
    assert_eq!(errors.len(), 9);
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
    for secret in [JWT, OTHER_JWT, NMI_TOKEN, "NOLEAK"] {
        assert!(!all.contains(secret), "secret {secret:?} leaked");
    }
    for phi in PHI {
        assert!(!all.contains(phi), "PHI {phi:?} leaked:\n{all}");
    }
}
