//! Secrets and PHI never reach traces, `Debug` or `Display` — success and error paths,
//! the in-process sandbox included.

use std::io::Write;
use std::sync::{Arc, Mutex};

use patientpay_core::{
    Charge, ChargeState, Currency, Money, PatientBilling, SettleChargesFromCredit, VerifyPatient,
    parse_date,
};
use patientpay_decoda::DecodaBuilder;
use patientpay_sandbox::{Fault, Sandbox, credentials};

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

/// PHI of the seeded patients and the secrets in use.
const NEVER: &[&str] = &[
    credentials::DECODA_API_KEY,
    credentials::DECODA_TENANT,
    "wrong-key-SECRET",
    "Rivera",
    "Maria",
    "4155550101",
    "1985-04-12",
    "maria.rivera",
    "Evergreen",
    "94107",
    "Okafor",
    "2025550142",
    "1990-07-04",
    "Riverz",
];

#[tokio::test(flavor = "current_thread")]
async fn nothing_secret_or_personal_is_printed() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .without_time()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let sandbox = Sandbox::start().await.unwrap();
    let decoda = DecodaBuilder::new()
        .with_api_key(credentials::DECODA_API_KEY)
        .with_tenant(credentials::DECODA_TENANT)
        .with_base_url(sandbox.base_url())
        .build()
        .unwrap();
    let provider: &dyn PatientBilling = &decoda;
    let mut printed = String::new();
    let mut show = |label: &str, debug: String, display: Option<String>| {
        printed.push_str(&format!("{label}: {debug}\n"));
        if let Some(d) = display {
            printed.push_str(&format!("{label}: {d}\n"));
        }
    };
    let dob = parse_date("dob", "1985-04-12").unwrap();

    // Success: verify, settle.
    let verify = VerifyPatient::new("pat_1001", "Rivera", "+14155550101", dob);
    show("verify request", format!("{verify:?}"), None);
    let balance = provider.verify_patient_balance(verify).await.unwrap();
    show("balance", format!("{balance:?}"), None);
    let settle = SettleChargesFromCredit::new(
        Money::from_minor(1000, Currency::USD),
        vec![balance.charges[0].clone()],
    );
    show("settle request", format!("{settle:?}"), None);
    let payment = provider.settle_charges_from_credit(settle).await.unwrap();
    show("payment", format!("{payment:?}"), None);

    // Raw models.
    let raw_body = patientpay_decoda::wire::VerifyPatient::new(
        "pat_1001",
        "Rivera",
        "+14155550101",
        "1985-04-12",
    );
    show("raw body", format!("{raw_body:?}"), None);
    let opts = patientpay_core::CallOptions::new();
    let raw = decoda.verify_patient_raw(&raw_body, &opts).await.unwrap();
    show("raw details", format!("{raw:?}"), None);
    let req = decoda.verify_request(&raw_body, &opts).unwrap();
    show(
        "vendor request",
        format!("{req:?} {:?}", req.headers()),
        None,
    );
    show("client", format!("{decoda:?}"), None);

    // Errors: failed verification, 422, auth, 400, 5xx, decode, invalid input.
    let mut errors = Vec::new();
    errors.push(
        provider
            .verify_patient_balance(VerifyPatient::new(
                "pat_1001",
                "Riverz",
                "+14155550101",
                dob,
            ))
            .await
            .unwrap_err(),
    );
    let bad_body = patientpay_decoda::wire::VerifyPatient::new(
        "pat_1001",
        "Rivera",
        "+14155550101",
        "1985-04-12",
    );
    let mut v = serde_json::to_value(&bad_body).unwrap();
    v.as_object_mut().unwrap().remove("patientId");
    sandbox.inject(Fault::on("POST", "/billing/payment-link/verify-patient").status_body(
        422,
        "application/json",
        serde_json::to_vec(&serde_json::json!({"detail": [
            {"type": "missing", "loc": ["body", "patientId"], "msg": "Field required", "input": v},
            {"type": "string_type", "loc": ["body", "dateOfBirth"], "msg": "Input should be a valid string", "input": "1985-04-12"}
        ]}))
        .unwrap(),
    ).times(1));
    errors.push(
        provider
            .verify_patient_balance(VerifyPatient::new(
                "pat_1001",
                "Rivera",
                "+14155550101",
                dob,
            ))
            .await
            .unwrap_err(),
    );
    let wrong = DecodaBuilder::new()
        .with_api_key("wrong-key-SECRET")
        .with_tenant(credentials::DECODA_TENANT)
        .with_base_url(sandbox.base_url())
        .build()
        .unwrap();
    show("wrong client", format!("{wrong:?}"), None);
    errors.push(
        wrong
            .verify_patient_balance(VerifyPatient::new(
                "pat_1001",
                "Rivera",
                "+14155550101",
                dob,
            ))
            .await
            .unwrap_err(),
    );
    let okafor = VerifyPatient::new(
        "pat_1003",
        "Okafor",
        "+12025550142",
        parse_date("dob", "1990-07-04").unwrap(),
    );
    let poor = provider.verify_patient_balance(okafor).await.unwrap();
    show("okafor", format!("{poor:?}"), None);
    errors.push(
        provider
            .settle_charges_from_credit(SettleChargesFromCredit::new(
                Money::from_minor(100, Currency::USD),
                poor.charges,
            ))
            .await
            .unwrap_err(),
    );
    sandbox.inject(
        Fault::on("POST", "/billing/payment-link/verify-patient")
            .status(500)
            .times(1),
    );
    errors.push(
        provider
            .verify_patient_balance(VerifyPatient::new(
                "pat_1001",
                "Rivera",
                "+14155550101",
                dob,
            ))
            .await
            .unwrap_err(),
    );
    sandbox.inject(
        Fault::on("POST", "/billing/payment-link/verify-patient")
            .status_body(
                404,
                "text/plain",
                "no patient RIVERA 1985-04-12 +14155550101 maria.rivera@example.com",
            )
            .times(1),
    );
    errors.push(
        provider
            .verify_patient_balance(VerifyPatient::new(
                "pat_1001",
                "Rivera",
                "+14155550101",
                dob,
            ))
            .await
            .unwrap_err(),
    );
    sandbox.inject(Fault::on("POST", "/billing/payment-link/verify-patient").status_body(
        200,
        "application/json",
        r#"{"charges": [], "patient": {"id": "p", "type": "PATIENT", "createdDate": "Rivera"}, "paymentLink": "x"}"#,
    ).times(1));
    errors.push(
        provider
            .verify_patient_balance(VerifyPatient::new(
                "pat_1001",
                "Rivera",
                "+14155550101",
                dob,
            ))
            .await
            .unwrap_err(),
    );
    errors.push(
        provider
            .verify_patient_balance(VerifyPatient::new("pat_1001", "Rivera", "", dob))
            .await
            .unwrap_err(),
    );
    let mut charge = Charge::new(
        "pat_1001",
        ChargeState::Outstanding,
        Money::from_minor(10, Currency::USD),
        Money::from_minor(10, Currency::USD),
    );
    charge
        .vendor_data
        .as_map_mut()
        .insert("items".into(), serde_json::json!("Maria Rivera"));
    charge
        .vendor_data
        .as_map_mut()
        .insert("payments".into(), serde_json::json!("Maria Rivera"));
    errors.push(
        provider
            .settle_charges_from_credit(SettleChargesFromCredit::new(
                Money::from_minor(10, Currency::USD),
                vec![charge],
            ))
            .await
            .unwrap_err(),
    );
    assert_eq!(errors.len(), 9);
    for (i, e) in errors.iter().enumerate() {
        show(&format!("error {i}"), format!("{e:?}"), Some(e.to_string()));
    }
    assert!(
        matches!(
            errors[4],
            patientpay_core::Error::Vendor { status: 500, .. }
        ),
        "{:?}",
        errors[4]
    );
    assert!(
        matches!(
            errors[5],
            patientpay_core::Error::Vendor { status: 404, .. }
        ),
        "{:?}",
        errors[5]
    );
    assert!(
        matches!(errors[6], patientpay_core::Error::Decode { .. }),
        "{:?}",
        errors[6]
    );
    // The 422 lists fields, not values.
    assert!(
        errors[1]
            .to_string()
            .contains("body.patientId: Field required"),
        "{}",
        errors[1]
    );

    drop(_guard);
    let traces = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(
        traces.contains("patientpay.http"),
        "the capture works: {traces}"
    );
    assert!(
        traces.contains("sandbox request"),
        "the sandbox is captured too"
    );
    for needle in NEVER {
        assert!(!traces.contains(needle), "{needle} in traces:\n{traces}");
        assert!(!printed.contains(needle), "{needle} printed:\n{printed}");
    }
}
