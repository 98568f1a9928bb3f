//! Snapshots of the requests the client builds (secrets shown as `<redacted>`).

use patientpay_core::pipeline::VendorRequest;
use patientpay_core::{CallOptions, Charge, ChargeState, Currency, Money, SettleChargesFromCredit};
use patientpay_decoda::{DecodaBuilder, map, wire};
use serde_json::{Value, json};

fn client() -> patientpay_decoda::Decoda {
    DecodaBuilder::new()
        .with_api_key("key-SECRET")
        .with_tenant("tenant-SECRET")
        .build()
        .unwrap()
}

fn shown(req: &VendorRequest) -> Value {
    let headers: serde_json::Map<String, Value> = req
        .headers()
        .iter()
        .map(|(k, v)| {
            let value = if v.is_sensitive() {
                "<redacted>".to_owned()
            } else {
                v.to_str().unwrap().to_owned()
            };
            (k.as_str().to_owned(), Value::String(value))
        })
        .collect();
    json!({
        "method": req.method().as_str(),
        "url": req.url().as_str(),
        "headers": headers,
        "body": req.body().map(|b| serde_json::from_slice::<Value>(b).unwrap()),
    })
}

#[test]
fn verify_request() {
    let body = wire::VerifyPatient::new("pat_1001", "Doe", "+15555550100", "1980-01-02");
    let req = client().verify_request(&body, &CallOptions::new()).unwrap();
    let json = shown(&req);
    assert!(!json.to_string().contains("SECRET"));
    insta::assert_json_snapshot!("verify_request", json);
}

#[test]
fn settle_request_from_a_verified_charge() {
    let text = std::fs::read_to_string(format!(
        "{}/tests/fixtures/verify_response_doc_example.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    // As verify_patient_balance reads the answer (the borrowed view, vendor_data as sent)
    // and as the owned model of verify_patient_raw does: the same settle request, the one
    // the snapshot holds since before the view.
    let mut headers = http::HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    let resp = patientpay_core::pipeline::VendorResponse::from_parts(
        "decoda",
        patientpay_core::Operation::VerifyPatientBalance,
        200,
        headers,
        text.clone(),
    );
    let viewed = map::balance_from_response(&resp).unwrap();
    let details: wire::PaymentLinkDetails = serde_json::from_str(&text).unwrap();
    let owned = map::balance_from_wire(details).unwrap();
    let request = |charges| {
        SettleChargesFromCredit::new(Money::from_minor(100, Currency::USD), charges)
            .with_credit_ids(["cr_1", "cr_2"])
    };
    let shown_settle = |request: &SettleChargesFromCredit| {
        let (query, body) = map::settle_to_wire(request).unwrap();
        shown(
            &client()
                .settle_request(&query, &body, &CallOptions::new())
                .unwrap(),
        )
    };
    let from_view = shown_settle(&request(viewed.charges));
    assert_eq!(from_view, shown_settle(&request(owned.charges)));
    insta::assert_json_snapshot!("settle_request_from_doc_example", from_view);
}

#[test]
fn settle_request_from_a_bare_charge() {
    let mut charge = Charge::new(
        "pat_9",
        ChargeState::Outstanding,
        Money::from_minor(5000, Currency::USD),
        Money::from_minor(1999, Currency::USD),
    );
    charge.id = Some("ch_9".into());
    let request =
        SettleChargesFromCredit::new(Money::from_minor(1999, Currency::USD), vec![charge]);
    let (query, body) = map::settle_to_wire(&request).unwrap();
    let req = client()
        .settle_request(&query, &body, &CallOptions::new())
        .unwrap();
    insta::assert_json_snapshot!("settle_request_bare_charge", shown(&req));
}
