//! The sandbox serves many concurrent clients without error, and its state stays consistent.

use patientpay_sandbox::{Sandbox, credentials};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eighty_concurrent_clients_across_all_vendors() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url();
    let mut tasks = Vec::new();
    for client_no in 0..80 {
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            // A client (and connection pool) of its own, like separate test processes.
            let http = reqwest::Client::new();
            let token = credentials::careportals_token_for(&format!("patient-{client_no}"));
            for i in 0..5 {
                let r = http
                    .post(format!("{base}/v2/users/payment-methods"))
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(
                        serde_json::json!({"paymentMethodId": format!("pm_client{client_no}_{i}")})
                            .to_string(),
                    )
                    .send()
                    .await
                    .unwrap();
                assert!(r.status().is_success(), "add: {}", r.status());
                let r = http
                    .post(format!("{base}/api/v1/payments/intent"))
                    .header("cv-api-key", credentials::CAREVALIDATE_API_KEY)
                    .header("content-type", "application/json")
                    .body(r#"{"amount": 19.99}"#)
                    .send()
                    .await
                    .unwrap();
                assert!(r.status().is_success(), "intent: {}", r.status());
            }
            let body = http
                .get(format!("{base}/users/payment-methods"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            let list: Vec<serde_json::Value> = serde_json::from_slice(&body).unwrap();
            list.len()
        }));
    }
    for t in tasks {
        assert_eq!(
            t.await.unwrap(),
            5,
            "each patient sees exactly their own five cards"
        );
    }
    assert_eq!(sandbox.requests().len(), 80 * 11);
}
