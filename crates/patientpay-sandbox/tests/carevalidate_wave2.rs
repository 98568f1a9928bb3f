//! CareValidate wave 2 over raw HTTP: setup intents, completing a setup, case payments and
//! payment confirmations with idempotency keys.

mod common;

use common::Http;
use patientpay_sandbox::{Sandbox, Seed, credentials};
use serde_json::{Value, json};

const SETUP: &str = "/api/v1/payments/setup";
const COMPLETE: &str = "/api/v1/complete-payment-setup";
const CONFIRM: &str = "/api/v1/customer-payment-confirmation";
const CASE: &str = "3c9a7f2e-1b4d-4e8a-9f6b-000000000001";

fn case_path(id: &str) -> String {
    format!("/api/v1/cases/{id}/payments")
}

fn address() -> Value {
    json!({"line1": "123 Main St", "line2": "Apt 4B", "city": "Atlanta", "state": "GA",
           "country": "US", "postal_code": "30301"})
}

#[tokio::test]
async fn setup_then_complete() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Http::new(&sandbox);
    let (status, v, _) = c
        .cv(
            SETUP,
            &json!({"metadata": {"email": "john@example.com", "phone": "+1404567890"}}),
        )
        .await;
    assert_eq!(status, 200);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["paymentSecret", "success"]);
    assert_eq!(v["success"], true);
    let secret = v["paymentSecret"].as_str().unwrap().to_owned();
    let (seti, rest) = secret.split_once("_secret_").unwrap();
    assert!(seti.starts_with("seti_") && !rest.is_empty(), "{secret}");
    // No body at all is fine ("Minimal" cURL).
    let resp = c
        .http
        .post(format!("{}{SETUP}", c.base))
        .header("cv-api-key", credentials::CAREVALIDATE_API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        c.cv(SETUP, &json!({"metadata": "john"})).await.0,
        400,
        "metadata must be an object"
    );

    let (status, v, _) = c
        .cv(
            COMPLETE,
            &json!({"stripeSetupID": seti, "shippingAddress": address()}),
        )
        .await;
    assert_eq!((status, v), (200, json!({"status": 200, "success": true})));
    let stored = sandbox.with_state(|s| s.carevalidate.setup_intents[0].clone());
    assert_eq!(stored.email.as_deref(), Some("john@example.com"));
    assert_eq!(
        stored
            .completed_with
            .unwrap()
            .get("postal_code")
            .map(String::as_str),
        Some("30301")
    );

    // Errors: unknown id, missing fields, the wave-1 spelling, bad state code.
    let (status, v, _) = c
        .cv(
            COMPLETE,
            &json!({"stripeSetupID": "seti_unknown", "shippingAddress": address()}),
        )
        .await;
    assert_eq!(
        (status, v),
        (
            400,
            json!({"success": false, "message": "No such setupintent: 'seti_unknown'"})
        )
    );
    let (status, v, _) = c
        .cv(
            COMPLETE,
            &json!({"stripeSetupId": seti, "shippingAddress": address()}),
        )
        .await;
    assert_eq!(
        (status, v),
        (
            400,
            json!({"success": false, "message": "stripeSetupID is required"})
        )
    );
    let mut addr = address();
    addr.as_object_mut().unwrap().remove("postal_code");
    addr["postalCode"] = json!("30301");
    let (_, v, _) = c
        .cv(
            COMPLETE,
            &json!({"stripeSetupID": seti, "shippingAddress": addr}),
        )
        .await;
    assert_eq!(v["message"], "shippingAddress.postal_code is required");
    let mut addr = address();
    addr["state"] = json!("Georgia");
    let (_, v, _) = c
        .cv(
            COMPLETE,
            &json!({"stripeSetupID": seti, "shippingAddress": addr}),
        )
        .await;
    assert_eq!(
        v["message"],
        "shippingAddress.state must be a two-letter code"
    );
    let mut addr = address();
    addr.as_object_mut().unwrap().remove("line2");
    assert_eq!(
        c.cv(
            COMPLETE,
            &json!({"stripeSetupID": seti, "shippingAddress": addr})
        )
        .await
        .0,
        200,
        "line2 is optional"
    );
}

#[tokio::test]
async fn case_payments_and_idempotent_replay() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Http::new(&sandbox);
    let body =
        json!({"amount": 19.99, "description": "Semaglutide, month 1", "idempotencyKey": "k-1"});
    let (status, v, first_bytes) = c.cv(&case_path(CASE), &body).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["success"], true);
    assert!(v["message"].is_string());
    let result = &v["data"]["result"];
    assert_eq!(result["amount"], json!(19.99));
    assert_eq!(result["status"], "UNPAID");
    assert_eq!(result["description"], "Semaglutide, month 1");
    assert!(result["createdAt"].as_str().unwrap().ends_with('Z'));
    let keys: Vec<&String> = result.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["amount", "createdAt", "description", "paymentId", "status"]
    );

    // Same key, same body: the first answer byte for byte, nothing new created.
    let (status, _, again) = c.cv(&case_path(CASE), &body).await;
    assert_eq!(status, 200);
    assert_eq!(again, first_bytes);
    assert_eq!(
        sandbox.with_state(|s| s.carevalidate.case_payments.len()),
        1
    );
    // Same key, another body: 409.
    let mut other = body.clone();
    other["amount"] = json!(20);
    let (status, v, _) = c.cv(&case_path(CASE), &other).await;
    assert_eq!(status, 409);
    assert_eq!(v["success"], false);
    assert!(v["message"].as_str().unwrap().starts_with("A record"));
    // The key is scoped per organization: another org's key is its own.
    let mut seed = Seed::default();
    seed.carevalidate.api_keys.push("second-org-key".into());
    let two = Sandbox::start_with(seed).await.unwrap();
    let c2 = Http::new(&two);
    let (_, a, _) = c2.cv(&case_path(CASE), &body).await;
    let (status, b, _) = c2
        .cv_with(&case_path(CASE), Some("second-org-key"), &other)
        .await;
    assert_eq!(status, 200);
    assert_ne!(
        a["data"]["result"]["paymentId"],
        b["data"]["result"]["paymentId"]
    );
    // Without a key, each call creates a payment.
    let plain = json!({"amount": 5, "description": "x", "status": "PAID", "preauthorize": true,
                       "productId": "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"});
    c.cv(&case_path(CASE), &plain).await;
    c.cv(&case_path(CASE), &plain).await;
    let payments = sandbox.with_state(|s| s.carevalidate.case_payments.clone());
    assert_eq!(payments.len(), 3);
    assert!(payments[2].preauthorize);
    assert_eq!(payments[2].status, "PAID");
    assert_eq!(payments[0].amount_cents, 1999);
}

#[tokio::test]
async fn case_payment_errors() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Http::new(&sandbox);
    for (body, message) in [
        (json!({"description": "d"}), "Amount is required"),
        (
            json!({"amount": -1, "description": "d"}),
            "Amount must be a positive number",
        ),
        (
            json!({"amount": "5", "description": "d"}),
            "Amount must be a positive number",
        ),
        (json!({"amount": 5}), "Description is required"),
        (
            json!({"amount": 5, "description": "d", "status": "DONE"}),
            "Invalid status",
        ),
        (
            json!({"amount": 5, "description": "d", "productId": "p-1"}),
            "productId must be a UUID",
        ),
        (
            json!({"amount": 5, "description": "d", "preauthorize": "yes"}),
            "preauthorize must be a boolean",
        ),
    ] {
        let (status, v, _) = c.cv(&case_path(CASE), &body).await;
        assert_eq!(
            (status, v),
            (400, json!({"success": false, "message": message})),
            "{body}"
        );
    }
    let (status, v, _) = c
        .cv(
            &case_path("00000000-0000-4000-8000-000000000000"),
            &json!({"amount": 5, "description": "d"}),
        )
        .await;
    assert_eq!(
        (status, v),
        (404, json!({"success": false, "message": "Case not found"}))
    );
    // A failed call does not use up its key.
    let key = json!({"amount": 5, "idempotencyKey": "k-err"});
    assert_eq!(c.cv(&case_path(CASE), &key).await.0, 400);
    let mut fixed = key.clone();
    fixed["description"] = json!("d");
    assert_eq!(c.cv(&case_path(CASE), &fixed).await.0, 200);
    assert!(sandbox.with_state(|s| s.carevalidate.case_payments.len() == 1));
}

#[tokio::test]
async fn payment_confirmation() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Http::new(&sandbox);
    let body = json!({"caseId": CASE, "decisionId": "d-1", "amount": 50, "paymentDate": "2025-01-01",
                      "validUntil": "2025-02-01", "status": "PAID",
                      "description": "Payment for Compounded Semaglutide",
                      "idempotencyKey": "unique-payment-key-123"});
    let (status, v, first) = c.cv(CONFIRM, &body).await;
    assert_eq!((status, v), (200, json!({"status": 200, "success": true})));
    let (_, _, again) = c.cv(CONFIRM, &body).await;
    assert_eq!(again, first);
    assert_eq!(
        sandbox.with_state(|s| s.carevalidate.confirmations.len()),
        1
    );
    let mut other = body.clone();
    other["amount"] = json!(51);
    assert_eq!(c.cv(CONFIRM, &other).await.0, 409);
    // The same key on the case-payments route is a different record.
    let (status, _, _) = c
        .cv(
            &case_path(CASE),
            &json!({"amount": 50, "description": "d", "idempotencyKey": "unique-payment-key-123"}),
        )
        .await;
    assert_eq!(status, 200);

    for (field, value, message) in [
        ("caseId", Value::Null, "caseId is required"),
        (
            "paymentDate",
            json!("01/01/2025"),
            "paymentDate must be a date (YYYY-MM-DD)",
        ),
        ("validUntil", Value::Null, "validUntil is required"),
        ("status", json!("paid"), "Invalid status"),
        ("amount", json!(0), "Amount must be a positive number"),
    ] {
        let mut b = body.clone();
        b.as_object_mut().unwrap().remove("idempotencyKey");
        b[field] = value;
        let (status, v, _) = c.cv(CONFIRM, &b).await;
        assert_eq!(
            (status, v),
            (400, json!({"success": false, "message": message})),
            "{field}"
        );
    }
    let mut b = body.clone();
    b.as_object_mut().unwrap().remove("idempotencyKey");
    b["caseId"] = json!("nope");
    assert_eq!(c.cv(CONFIRM, &b).await.0, 404);
}
