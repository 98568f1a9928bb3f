//! Wave 2: the API key, the tenant, the patient's last name, phone and date of birth (ISO
//! and US forms) never reach an error's `Display`/`Debug` or a trace, whatever the vendor
//! echoes — on every new endpoint, on success and on error.

use std::io::Write;
use std::sync::{Arc, Mutex};

use patientpay_core::futures_util::StreamExt;
use patientpay_core::{
    AddPaymentMethod, Checkout, CreditBalanceRequest, Currency, ListCredits, ListPaymentMethods,
    ListPayments, Money, PatientBilling, PatientRef, PayWithSavedMethod, PaymentMethods, Processor,
    RefundPayment, RefundReason, RemovePaymentMethod, StartCheckout, VendorData, VerifyPatient,
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

const NEVER: &[&str] = &[
    credentials::DECODA_API_KEY,
    credentials::DECODA_TENANT,
    "Rivera",
    "RIVERA",
    "Maria",
    "4155550101",
    "+14155550101",
    "1985-04-12",
    "04/12/1985",
    "maria.rivera",
];

/// An error body echoing what the vendor was sent (`sent`) and the client's secrets.
fn echo(sent: &str) -> String {
    format!(
        r#"{{"detail":"No match for {sent}; key {} tenant {}"}}"#,
        credentials::DECODA_API_KEY,
        credentials::DECODA_TENANT
    )
}

/// What each route was sent that is personal, in the forms a vendor may echo it.
const VERIFY_ECHO: &str =
    "Rivera / RIVERA, +14155550101 or 4155550101, born 1985-04-12 (04/12/1985)";
const PHONE_ECHO: &str = "+14155550101 or 4155550101";
const CONTACT_ECHO: &str = "Maria Rivera, maria.rivera@example.com, +14155550101";

#[tokio::test(flavor = "current_thread")]
async fn nothing_secret_or_personal_is_printed_on_wave2_paths() {
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
    let d = DecodaBuilder::new()
        .with_api_key(credentials::DECODA_API_KEY)
        .with_tenant(credentials::DECODA_TENANT)
        .with_base_url(sandbox.base_url())
        .with_max_retries(0)
        .build()
        .unwrap();
    let maria = PatientRef::id("pat_1001");
    let dob = parse_date("dob", "1985-04-12").unwrap();
    let mut printed = String::new();
    let mut show = |what: String| {
        printed.push_str(&what);
        printed.push('\n');
    };

    // Success paths (answers hold names, phones, e-mails: Debug must not show them).
    let balance = d
        .verify_patient_balance(VerifyPatient::new(
            "pat_1001",
            "Rivera",
            "+14155550101",
            dob,
        ))
        .await
        .unwrap();
    show(format!("{balance:?}"));
    let methods = d
        .list_payment_methods(ListPaymentMethods::for_patient(maria.clone()))
        .await
        .unwrap();
    show(format!("{methods:?}"));
    let page = d
        .payments(ListPayments::new(maria.clone()))
        .next()
        .await
        .unwrap()
        .unwrap();
    show(format!("{page:?}"));
    let credits = d
        .credits(ListCredits::new(maria.clone()))
        .next()
        .await
        .unwrap()
        .unwrap();
    show(format!("{credits:?}"));
    let raw = d
        .payment_table_raw(
            &patientpay_decoda::PaymentTableQuery::for_patient("pat_1001", 1, 10),
            &Default::default(),
        )
        .await
        .unwrap();
    show(format!("{raw:?}"));
    let session = d
        .start_checkout(StartCheckout::pay_outstanding("+14155550101"))
        .await
        .unwrap();
    show(format!("{session:?}"));

    // Error paths: every new endpoint answers an echo of the request's PHI and the secrets.
    let routes = [
        ("POST", "/billing/payment-link/verify-patient", VERIFY_ECHO),
        ("GET", "/billing/payment/methods", "pat_1001"),
        ("POST", "/user/patient/payment-methods/create", CONTACT_ECHO),
        (
            "DELETE",
            "/user/patient/payment-methods/pm_1001_visa",
            "pm_1001_visa",
        ),
        ("POST", "/billing/payment-terminal/payin-config", "pat_1001"),
        ("GET", "/billing/payment-links", PHONE_ECHO),
        ("POST", "/billing/payment/refund", "pay_1001_b12"),
        ("GET", "/user/patient/pat_1001/credit/available", "pat_1001"),
        ("GET", "/user/patient/pat_1001/credit", "pat_1001"),
        ("GET", "/billing/payment/table", "pat_1001"),
    ];
    for status in [400, 404, 422, 500] {
        for (method, path, sent) in routes {
            sandbox.inject(Fault::on(method, path).status_body(
                status,
                "application/json",
                echo(sent),
            ));
        }
        let mut errors = Vec::new();
        errors.push(
            d.verify_patient_balance(VerifyPatient::new(
                "pat_1001",
                "Rivera",
                "+14155550101",
                dob,
            ))
            .await
            .unwrap_err(),
        );
        errors.push(
            d.list_payment_methods(ListPaymentMethods::for_patient(maria.clone()))
                .await
                .unwrap_err(),
        );
        let mut object = VendorData::default();
        if let serde_json::Value::Object(m) = serde_json::json!({
            "paymentMethodId": "mtd_1", "paymentMethodConfigId": "pmc", "fingerprint": null,
            "methodType": "CARD", "card": null, "ach": null, "applePay": null,
            "billingContact": {"name": "Maria Rivera", "addressLine1": null, "addressLine2": null,
                "city": null, "state": null, "postalCode": null, "country": null,
                "email": "maria.rivera@example.com", "phone": "+14155550101"},
            "metadata": {}, "createdAt": "x", "updatedAt": "x"
        }) {
            object = VendorData::from_map(m);
        }
        errors.push(
            d.add_payment_method(
                AddPaymentMethod::from_processor_object(Processor::Rainforest, object)
                    .for_patient(maria.clone()),
            )
            .await
            .unwrap_err(),
        );
        errors.push(
            d.remove_payment_method(
                RemovePaymentMethod::new("pm_1001_visa").for_patient(maria.clone()),
            )
            .await
            .unwrap_err(),
        );
        errors.push(
            d.pay_with_saved_method(PayWithSavedMethod::new(
                maria.clone(),
                "pm_1001_visa",
                balance.charges.clone(),
            ))
            .await
            .unwrap_err(),
        );
        errors.push(
            d.start_checkout(StartCheckout::pay_outstanding("+14155550101"))
                .await
                .unwrap_err(),
        );
        errors.push(
            d.refund_payment(RefundPayment::new(
                "pay_1001_b12",
                "prov_7",
                Money::from_minor(100, Currency::USD),
                RefundReason::Other,
            ))
            .await
            .unwrap_err(),
        );
        errors.push(
            d.credit_balance(CreditBalanceRequest::new(maria.clone()))
                .await
                .unwrap_err(),
        );
        errors.push(
            d.credits(ListCredits::new(maria.clone()))
                .next()
                .await
                .unwrap()
                .unwrap_err(),
        );
        errors.push(
            d.payments(ListPayments::new(maria.clone()))
                .next()
                .await
                .unwrap()
                .unwrap_err(),
        );
        for e in &errors {
            show(format!("{e}"));
            show(format!("{e:?}"));
            if let Some(b) = e.kept_body() {
                show(b.to_owned());
            }
        }
        assert!(
            errors
                .iter()
                .any(|e| e.to_string().contains("No match for")),
            "the vendor's message is kept (scrubbed): {errors:?}"
        );
        sandbox.clear_faults();
    }

    let traces = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(traces.contains("patientpay.http"), "{traces}");
    for needle in NEVER {
        assert!(!traces.contains(needle), "{needle} in traces:\n{traces}");
        assert!(!printed.contains(needle), "{needle} printed:\n{printed}");
    }
}
