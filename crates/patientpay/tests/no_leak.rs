//! Secrets and PHI never leave the process except in the requests themselves: every
//! operation of every vendor, through success and error paths, at TRACE, with `Debug` and
//! `Display` of every request, answer and error captured.

use std::io::Write;
use std::sync::{Arc, Mutex};

use patientpay::careportals::CarePortalsBuilder;
use patientpay::carevalidate::CareValidateBuilder;
use patientpay::decoda::DecodaBuilder;
use patientpay::*;
use patientpay_sandbox::{Fault, Sandbox, Seed, credentials};

/// A JWT the (strict) sandbox accepts: signed by it, for a patient of this test.
static JWT: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| credentials::careportals_token_for("zz9-secret-patient"));
const CV_KEY: &str = "CVKEY-ZZ9-SECRET";
const NMI_TOKEN: &str = "nmitok-ZZ9-SECRET";
const NMI_TOKEN_2: &str = "nmitok2-ZZ9-SECRET";
const FIRST: &str = "Quetzalia";
const LAST: &str = "Xylobrandt";
const PHONE: &str = "+15417770199";
const DOB: &str = "1971-03-14";
const EMAIL: &str = "quetzalia.x@example.com";
const STREET: &str = "742 Evergreen Terrace Zq";
const CITY: &str = "Springfieldqz";
const ZIP: &str = "97403";

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn seed() -> Seed {
    let mut seed = Seed::default();
    let p = seed
        .decoda
        .patients
        .iter_mut()
        .find(|p| !p.credits.is_empty())
        .expect("patient with credit");
    p.first_name = FIRST.into();
    p.last_name = LAST.into();
    p.phone = PHONE.into();
    p.date_of_birth = DOB.into();
    p.email = Some(EMAIL.into());
    p.address = Some(STREET.into());
    p.city = Some(CITY.into());
    p.zip_code = Some(ZIP.into());
    seed.carevalidate.users.push(EMAIL.into());
    // The sandbox checks cv-api-key as CareValidate does: accept this test's key.
    seed.carevalidate.api_keys.push(CV_KEY.into());
    seed
}

#[tokio::test(flavor = "current_thread")]
async fn nothing_secret_or_personal_is_traced_or_printed() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        // Timestamps would be noise (and can contain a needle like `1971` by chance).
        .without_time()
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let seed = seed();
    let patient = seed
        .decoda
        .patients
        .iter()
        .find(|p| p.last_name == LAST)
        .unwrap()
        .clone();
    let sandbox = Sandbox::start_with(seed).await.unwrap();
    let base = sandbox.base_url();
    let mut printed = String::new();
    let mut show =
        |label: &str, d: &dyn std::fmt::Debug| printed.push_str(&format!("{label}: {d:?}\n"));

    let careportals = CarePortalsBuilder::new()
        .with_token(JWT.as_str())
        .with_origin(credentials::CAREPORTALS_ORIGIN)
        .with_base_url(&base)
        .build()
        .unwrap();
    let carevalidate = CareValidateBuilder::new()
        .with_api_key(CV_KEY)
        .with_base_url(&base)
        .build()
        .unwrap();
    let decoda = DecodaBuilder::new()
        .with_api_key(credentials::DECODA_API_KEY)
        .with_tenant(credentials::DECODA_TENANT)
        .with_base_url(&base)
        .build()
        .unwrap();
    show("careportals", &careportals);
    show("carevalidate", &carevalidate);
    show("decoda", &decoda);
    show(
        "builder",
        &CarePortalsBuilder::new().with_token(JWT.as_str()),
    );
    show("builder", &CareValidateBuilder::new().with_api_key(CV_KEY));
    show(
        "builder",
        &DecodaBuilder::new()
            .with_api_key(credentials::DECODA_API_KEY)
            .with_tenant(credentials::DECODA_TENANT),
    );

    let mut errors: Vec<Error> = Vec::new();

    // CarePortals: success and errors.
    let add = AddPaymentMethod::new(NMI_TOKEN);
    show("add request", &add);
    let added = careportals.add_payment_method(add).await.unwrap();
    show("added", &added);
    let list = careportals
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .unwrap();
    show("list", &list);
    errors.push(
        careportals
            .add_payment_method(AddPaymentMethod::new("pm_card_chargeDeclined"))
            .await
            .unwrap_err(),
    );
    errors.push(
        careportals
            .remove_payment_method(RemovePaymentMethod::new("pm_missing"))
            .await
            .unwrap_err(),
    );
    let stranger = careportals.for_patient("");
    show("stranger", &stranger);
    if let Err(e) = stranger
        .list_payment_methods(ListPaymentMethods::new())
        .await
    {
        errors.push(e);
    }

    // CareValidate.
    let intent = carevalidate
        .create_payment_intent(CreatePaymentIntent::new(Money::from_minor(
            1999,
            Currency::USD,
        )))
        .await
        .unwrap();
    let client_secret = intent.client_secret.expose_secret().to_owned();
    show("intent", &intent);
    let address = Address::new(STREET, CITY, "OR", ZIP, "US").with_line2("Apt Zq9");
    let update = UpdatePaymentInfo::new(
        EMAIL,
        "seti_1SNZDLKAXrtjbq2duGldHsHf",
        NMI_TOKEN_2,
        address.clone(),
    );
    show("update request", &update);
    show(
        "update answer",
        &carevalidate.update_payment_info(update).await.unwrap(),
    );
    let unknown_user = UpdatePaymentInfo::new(
        "quetzalia.x@unknown.example",
        "seti_1",
        NMI_TOKEN_2,
        address.clone(),
    );
    errors.push(
        carevalidate
            .update_payment_info(unknown_user)
            .await
            .unwrap_err(),
    );
    sandbox.inject(
        Fault::on("POST", "/api/v1/payments/intent")
            .status(500)
            .times(1),
    );
    errors.push(
        carevalidate
            .create_payment_intent(CreatePaymentIntent::new(Money::from_minor(
                5,
                Currency::USD,
            )))
            .await
            .unwrap_err(),
    );
    let bad_key = CareValidateBuilder::new()
        .with_api_key(" ")
        .with_base_url(&base)
        .build();
    if let Err(e) = bad_key {
        errors.push(e);
    }

    // Decoda.
    let dob = parse_date("dob", DOB).unwrap();
    let verify = VerifyPatient::new(patient.id.clone(), LAST, PHONE, dob);
    show("verify request", &verify);
    let balance = decoda.verify_patient_balance(verify.clone()).await.unwrap();
    show("balance", &balance);
    let charges: Vec<Charge> = balance
        .charges
        .iter()
        .filter(|c| c.total_outstanding.is_positive())
        .cloned()
        .collect();
    let settle =
        SettleChargesFromCredit::new(Money::from_minor(100, Currency::USD), charges.clone());
    show("settle request", &settle);
    show(
        "payment",
        &decoda.settle_charges_from_credit(settle).await.unwrap(),
    );
    let mut wrong = verify.clone();
    wrong.last_name = format!("{LAST}x");
    errors.push(decoda.verify_patient_balance(wrong).await.unwrap_err());
    let mut wrong_dob = verify.clone();
    wrong_dob.date_of_birth = parse_date("dob", "1971-03-15").unwrap();
    errors.push(decoda.verify_patient_balance(wrong_dob).await.unwrap_err());
    errors.push(
        decoda
            .settle_charges_from_credit(
                SettleChargesFromCredit::new(Money::from_minor(1, Currency::USD), charges.clone())
                    .with_credit_ids(["no-such-credit"]),
            )
            .await
            .unwrap_err(),
    );
    let wrong_tenant = DecodaBuilder::new()
        .with_api_key("nope")
        .with_tenant("nope")
        .with_base_url(&base)
        .build()
        .unwrap();
    errors.push(
        wrong_tenant
            .verify_patient_balance(verify.clone())
            .await
            .unwrap_err(),
    );
    sandbox.inject(Fault::on("POST", "/billing/payment-link/verify-patient").status_body(422, "application/json",
        format!(r#"{{"detail":[{{"loc":["body","lastName"],"msg":"bad value","type":"value_error","input":"{LAST}"}}]}}"#)));
    errors.push(
        decoda
            .verify_patient_balance(verify.clone())
            .await
            .unwrap_err(),
    );
    errors.push(
        decoda
            .verify_patient_balance(VerifyPatient::new(
                "p",
                LAST,
                PHONE,
                parse_date("d", "2999-01-01").unwrap(),
            ))
            .await
            .unwrap_err(),
    );

    for e in &errors {
        printed.push_str(&format!("{e}\n{e:?}\n"));
    }
    printed.push_str(&format!("{:?}\n", sandbox.requests()));

    drop(_guard);
    let traced = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        traced.contains("patientpay.http"),
        "the SDK's spans were captured:\n{traced}"
    );
    assert!(errors.len() >= 10, "{} errors", errors.len());
    let secrets = [
        JWT.as_str(),
        CV_KEY,
        NMI_TOKEN,
        NMI_TOKEN_2,
        credentials::DECODA_API_KEY,
        credentials::DECODA_TENANT,
        client_secret.as_str(),
    ];
    let phi = [
        FIRST,
        LAST,
        PHONE,
        "5417770199",
        DOB,
        "1971",
        EMAIL,
        "quetzalia.x",
        STREET,
        "Evergreen",
        CITY,
        "Apt Zq9",
    ];
    for needle in secrets.iter().chain(phi.iter()) {
        assert!(
            !traced.contains(needle),
            "{needle} in traces:\n{}",
            context(&traced, needle)
        );
        assert!(
            !printed.contains(needle),
            "{needle} in Debug/Display:\n{}",
            context(&printed, needle)
        );
    }
}

fn context(haystack: &str, needle: &str) -> String {
    haystack
        .lines()
        .filter(|l| l.contains(needle))
        .take(5)
        .collect::<Vec<_>>()
        .join("\n")
}
