//! `Sandbox::describe()`: the credentials and sample data a banner prints, as served now.

use patientpay_sandbox::{Sandbox, credentials};
use serde_json::json;

#[tokio::test]
async fn describes_every_vendor_and_follows_state() {
    let sandbox = Sandbox::start().await.unwrap();
    let d = sandbox.describe();
    assert_eq!(d.base_url, sandbox.base_url());
    let v = serde_json::to_value(&d).unwrap();

    assert_eq!(v["careportals"]["token"], credentials::CAREPORTALS_TOKEN);
    assert_eq!(
        v["careportals"]["organization"],
        credentials::CAREPORTALS_ORGANIZATION
    );
    assert_eq!(
        v["careportals"]["login_paths"],
        json!(["/auth/login", "/patient/auth"])
    );
    let users: Vec<&str> = v["careportals"]["patients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["username"].as_str().unwrap())
        .collect();
    assert_eq!(users, ["jane.doe@example.com", "john@example.com"]);
    assert_eq!(
        v["careportals"]["patients"][0]["password"],
        credentials::CAREPORTALS_PASSWORD
    );
    assert_eq!(
        v["careportals"]["patients"][0]["payment_methods"][0]["last4"],
        "4242"
    );
    assert_eq!(
        v["careportals"]["patients"][1]["token"],
        credentials::careportals_token_for("66f1c0de0000000000000002")
    );

    assert_eq!(
        v["carevalidate"]["api_keys"],
        json!([credentials::CAREVALIDATE_API_KEY])
    );
    assert!(
        v["carevalidate"]["users"]
            .as_array()
            .unwrap()
            .contains(&json!("john@example.com"))
    );
    assert_eq!(v["carevalidate"]["cases"].as_array().unwrap().len(), 3);
    assert_eq!(
        v["carevalidate"]["cases"][0]["id"],
        "3c9a7f2e-1b4d-4e8a-9f6b-000000000001"
    );

    assert_eq!(v["decoda"]["api_key"], credentials::DECODA_API_KEY);
    assert_eq!(v["decoda"]["tenant"], credentials::DECODA_TENANT);
    let maria = &v["decoda"]["patients"][0];
    assert_eq!(maria["id"], "pat_1001");
    assert_eq!(maria["credit_available"], 15000);
    assert_eq!(maria["owes"], 12500);
    assert_eq!(maria["payment_methods"][0]["id"], "pm_1001_visa");
    assert_eq!(maria["payment_methods"][0]["is_default"], true);
    assert_eq!(
        v["decoda"]["patients"][1]["payment_methods"][1]["type"],
        "ACH"
    );

    // It reflects the live state: settle 5000 from credit.
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/billing/payment-terminal/charge/create-patient-credit-settled?amount=4500",
            sandbox.base_url()
        ))
        .header("API-KEY", credentials::DECODA_API_KEY)
        .header("TENANT", credentials::DECODA_TENANT)
        .header("content-type", "application/json")
        .body(
            json!([{"id": "ch_1001_2", "patientId": "pat_1001", "totalOutstanding": 4500}])
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let after = serde_json::to_value(sandbox.describe()).unwrap();
    assert_eq!(after["decoda"]["patients"][0]["credit_available"], 10500);
    assert_eq!(after["decoda"]["patients"][0]["owes"], 8000);
}
