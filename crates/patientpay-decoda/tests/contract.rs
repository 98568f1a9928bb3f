//! The contract: every answer of the sandbox — each success and each documented error
//! shape — validates against Decoda's spec and parses with this crate's wire types.

mod common;

use common::{spec, validate};
use http::{HeaderValue, Method};
use patientpay_core::Operation;
use patientpay_core::pipeline::{
    BaseUrl, HttpClient, HttpConfig, RetryPolicy, VendorRequest, VendorResponse,
};
use patientpay_decoda::wire;
use patientpay_sandbox::{Sandbox, credentials};
use serde_json::{Value, json};

const VERIFY: &str = "/billing/payment-link/verify-patient";
const SETTLE: &str = "/billing/payment-terminal/charge/create-patient-credit-settled";

async fn raw(sandbox: &Sandbox, path_and_query: &str, key: &str, body: &[u8]) -> VendorResponse {
    raw_with(sandbox, Method::POST, path_and_query, key, Some(body)).await
}

/// One request to the sandbox, as is (no retry), with `API-KEY` = `key`.
pub async fn raw_with(
    sandbox: &Sandbox,
    method: Method,
    path_and_query: &str,
    key: &str,
    body: Option<&[u8]>,
) -> VendorResponse {
    let client = HttpClient::new(HttpConfig::default().with_retry(RetryPolicy::none())).unwrap();
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut url = BaseUrl::parse(&sandbox.base_url())
        .unwrap()
        .endpoint(&segments)
        .unwrap();
    if !query.is_empty() {
        url.set_query(Some(query));
    }
    let mut req = VendorRequest::new(
        "decoda",
        Operation::VerifyPatientBalance,
        method,
        url,
        patientpay_core::RetrySafety::Idempotent,
    )
    .header(
        http::header::HeaderName::from_static("api-key"),
        HeaderValue::from_str(key).unwrap(),
    )
    .header(
        http::header::HeaderName::from_static("tenant"),
        HeaderValue::from_static(credentials::DECODA_TENANT),
    );
    if let Some(body) = body {
        let payload: Value =
            serde_json::from_slice(body).expect("JSON payloads only (core sends JSON bodies)");
        req = req.json_body(&payload).unwrap();
    }
    client.execute(req).await.unwrap()
}

fn body(resp: &VendorResponse) -> Value {
    serde_json::from_slice(resp.body()).unwrap()
}

#[tokio::test]
async fn every_sandbox_answer_matches_the_spec_and_parses() {
    let spec = spec();
    let sandbox = Sandbox::start().await.unwrap();
    let key = credentials::DECODA_API_KEY;

    // Verify success, for every seeded patient.
    let mut all_charges = Vec::new();
    for (id, last, phone, dob) in [
        ("pat_1001", "Rivera", "+14155550101", "1985-04-12"),
        ("pat_1002", "Chen", "+13125550188", "1972-11-30"),
        ("pat_1003", "Okafor", "+12025550142", "1990-07-04"),
    ] {
        let req =
            json!({"patientId": id, "lastName": last, "phoneNumber": phone, "dateOfBirth": dob});
        assert!(validate(&spec, "VerifyPatient", &req).is_empty());
        let resp = raw(&sandbox, VERIFY, key, req.to_string().as_bytes()).await;
        assert_eq!(resp.status(), 200);
        let v = body(&resp);
        let errors = validate(&spec, "PaymentLinkDetails", &v);
        assert!(errors.is_empty(), "{id}: {errors:#?}");
        let parsed: wire::PaymentLinkDetails = resp.json().unwrap();
        assert_eq!(parsed.patient.id, id);
        all_charges.push(v["charges"].clone());
    }

    // Settle success (after a settle, verify still validates: credit payments recorded).
    let charge = all_charges[0][0].clone();
    let settle_body = json!([charge]);
    let resp = raw(
        &sandbox,
        &format!("{SETTLE}?amount=500"),
        key,
        settle_body.to_string().as_bytes(),
    )
    .await;
    assert_eq!(
        resp.status(),
        200,
        "{:?}",
        String::from_utf8_lossy(resp.body())
    );
    let errors = validate(&spec, "PaymentSummary", &body(&resp));
    assert!(errors.is_empty(), "{errors:#?}");
    let summary: wire::PaymentSummary = resp.json().unwrap();
    assert_eq!(
        (summary.amount, summary.status),
        (500, wire::PaymentStatus::Succeeded)
    );
    let again = json!({"patientId": "pat_1001", "lastName": "Rivera", "phoneNumber": "+14155550101", "dateOfBirth": "1985-04-12"});
    let resp = raw(&sandbox, VERIFY, key, again.to_string().as_bytes()).await;
    let errors = validate(&spec, "PaymentLinkDetails", &body(&resp));
    assert!(errors.is_empty(), "{errors:#?}");
    let parsed: wire::PaymentLinkDetails = resp.json().unwrap();
    assert_eq!(
        parsed.charges[0]
            .payments
            .last()
            .unwrap()
            .payment
            .payment_medium,
        "CREDIT"
    );

    // 422s: FastAPI's HTTPValidationError.
    let bad_requests: Vec<(String, Vec<u8>)> = vec![
        (VERIFY.into(), br#"{"patientId": "pat_1001"}"#.to_vec()),
        (
            VERIFY.into(),
            br#"{"patientId": 5, "lastName": "x", "phoneNumber": "1", "dateOfBirth": "x"}"#
                .to_vec(),
        ),
        (VERIFY.into(), b"[1]".to_vec()),
        (SETTLE.into(), b"[]".to_vec()),
        (format!("{SETTLE}?amount=ten"), b"[]".to_vec()),
        (format!("{SETTLE}?amount=1"), br#"{"a": 1}"#.to_vec()),
        (
            format!("{SETTLE}?amount=1"),
            br#"[{"patientId": "pat_1001", "status": "NOPE"}]"#.to_vec(),
        ),
    ];
    for (path, payload) in bad_requests {
        let resp = raw(&sandbox, &path, key, &payload).await;
        assert_eq!(
            resp.status(),
            422,
            "{path} {}",
            String::from_utf8_lossy(&payload)
        );
        let v = body(&resp);
        let errors = validate(&spec, "HTTPValidationError", &v);
        assert!(errors.is_empty(), "{errors:#?}");
        let parsed: wire::HttpValidationError = resp.json().unwrap();
        assert!(!parsed.detail.unwrap().is_empty());
    }

    // {"detail": "..."} answers: 401, 404, 400.
    let verify_ok = again.to_string();
    let cases: Vec<(String, &str, Vec<u8>, u16)> = vec![
        (VERIFY.into(), "wrong", verify_ok.clone().into_bytes(), 401),
        (
            VERIFY.into(),
            key,
            verify_ok.replace("Rivera", "Rivers").into_bytes(),
            404,
        ),
        (
            format!("{SETTLE}?amount=999999"),
            key,
            settle_body.to_string().into_bytes(),
            400,
        ),
        (
            format!("{SETTLE}?amount=0"),
            key,
            settle_body.to_string().into_bytes(),
            400,
        ),
        (
            format!("{SETTLE}?amount=100&credit_ids=cr_nope"),
            key,
            settle_body.to_string().into_bytes(),
            404,
        ),
    ];
    for (path, k, payload, status) in cases {
        let resp = raw(&sandbox, &path, k, &payload).await;
        assert_eq!(resp.status(), status, "{path}");
        let v = body(&resp);
        assert!(
            v["detail"].is_string() && v.as_object().unwrap().len() == 1,
            "{v}"
        );
    }
}
