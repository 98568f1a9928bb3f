//! The CareValidate emulation over raw HTTP (no vendor crate): routes, statuses and shapes
//! as CareValidate documents them.

use patientpay_sandbox::{Sandbox, Seed, credentials};
use serde_json::{Value, json};

const INTENT: &str = "/api/v1/payments/intent";
const USERS: &str = "/api/v1/users";

async fn post(
    sandbox: &Sandbox,
    path: &str,
    key: Option<&str>,
    content_type: &str,
    body: &str,
) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .post(format!("{}{path}", sandbox.base_url()))
        .header("content-type", content_type)
        .body(body.to_owned());
    if let Some(key) = key {
        req = req.header("cv-api-key", key);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap())
}

async fn post_json(sandbox: &Sandbox, path: &str, body: Value) -> (u16, Value) {
    post(
        sandbox,
        path,
        Some(credentials::CAREVALIDATE_API_KEY),
        "application/json",
        &body.to_string(),
    )
    .await
}

fn update_body(email: &str, setup: &str) -> Value {
    json!({"action": "UPDATE_PAYMENT_INFO", "email": email, "data": {
        "stripeSetupId": setup, "nmiPaymentToken": "tok_1", "shippingAddress": {
            "addressLine1": "1600 Pennsylvania Avenue NW", "addressLine2": "", "city": "Washington",
            "state": "DC", "country": "US", "postalCode": "20500"}}})
}

#[tokio::test]
async fn payment_intent_success_shape_and_state() {
    let sandbox = Sandbox::start().await.unwrap();
    let (status, body) = post_json(
        &sandbox,
        INTENT,
        json!({"amount": 100, "paymentMethodTypes": ["affirm", "klarna", "card"]}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], 200);
    assert_eq!(body["success"], true);
    assert_eq!(body["message"], "payment Intent initiated successfully");
    let secret = body["data"]["paymentIntentSecret"]
        .as_str()
        .unwrap()
        .to_owned();
    let (id, rest) = secret.split_once("_secret_").unwrap();
    assert!(
        id.starts_with("pi_") && id.len() > 3 && !rest.is_empty(),
        "{secret}"
    );

    // Exact text of the number is kept, cents computed exactly.
    let (_, second) = post(
        &sandbox,
        INTENT,
        Some(credentials::CAREVALIDATE_API_KEY),
        "application/json",
        r#"{"amount": 19.99}"#,
    )
    .await;
    assert_ne!(
        second["data"]["paymentIntentSecret"],
        body["data"]["paymentIntentSecret"]
    );
    let intents = sandbox.with_state(|s| s.carevalidate.intents.clone());
    assert_eq!(intents.len(), 2);
    assert_eq!(
        (intents[0].amount_text.as_str(), intents[0].amount_cents),
        ("100", 10000)
    );
    assert_eq!(
        intents[0].payment_method_types,
        ["affirm", "klarna", "card"]
    );
    assert_eq!(intents[0].client_secret, secret);
    assert_eq!(
        (intents[1].amount_text.as_str(), intents[1].amount_cents),
        ("19.99", 1999)
    );
    assert!(intents[1].payment_method_types.is_empty());
}

#[tokio::test]
async fn payment_intent_errors_use_the_vendor_messages() {
    let sandbox = Sandbox::start().await.unwrap();
    let cases = [
        (r#"{}"#, "Amount is required"),
        (r#"{"amount": null}"#, "Amount is required"),
        (r#"{"paymentMethodTypes": ["card"]}"#, "Amount is required"),
        (r#"{"amount": 0}"#, "Amount must be a positive number"),
        (r#"{"amount": -1.5}"#, "Amount must be a positive number"),
        (r#"{"amount": "10"}"#, "Amount must be a positive number"),
        (r#"{"amount": true}"#, "Amount must be a positive number"),
        (r#"{"amount": 0.001}"#, "Amount must be a positive number"),
        (
            r#"{"amount": 5, "paymentMethodTypes": ["card", "crypto_coin"]}"#,
            "Invalid payment method types",
        ),
        (
            r#"{"amount": 5, "paymentMethodTypes": [1]}"#,
            "Invalid payment method types",
        ),
        (
            r#"{"amount": 5, "paymentMethodTypes": "card"}"#,
            "Invalid payment method types",
        ),
    ];
    for (body, message) in cases {
        let (status, answer) = post(
            &sandbox,
            INTENT,
            Some(credentials::CAREVALIDATE_API_KEY),
            "application/json",
            body,
        )
        .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(
            answer,
            json!({"success": false, "message": message}),
            "{body}"
        );
    }
    // Not JSON by content type: the body is ignored, as a JSON body parser does.
    let (status, answer) = post(
        &sandbox,
        INTENT,
        Some(credentials::CAREVALIDATE_API_KEY),
        "text/plain",
        r#"{"amount": 5}"#,
    )
    .await;
    assert_eq!(
        (status, answer["message"].as_str()),
        (400, Some("Amount is required"))
    );
    assert!(sandbox.with_state(|s| s.carevalidate.intents.is_empty()));
}

#[tokio::test]
async fn missing_or_blank_key_is_refused_on_both_routes() {
    let sandbox = Sandbox::start().await.unwrap();
    let wave2 = [
        "/api/v1/payments/setup",
        "/api/v1/complete-payment-setup",
        "/api/v1/cases/3c9a7f2e-1b4d-4e8a-9f6b-000000000001/payments",
        "/api/v1/customer-payment-confirmation",
    ];
    for path in [INTENT, USERS].into_iter().chain(wave2) {
        for key in [None, Some(""), Some("   "), Some("wrong-key")] {
            let (status, body) =
                post(&sandbox, path, key, "application/json", r#"{"amount": 5}"#).await;
            assert_eq!(status, 401);
            assert_eq!(body, json!({"status": 401, "error": "Invalid API key"}));
        }
    }
    assert_eq!(sandbox.count("POST", INTENT), 4);
    assert!(sandbox.with_state(
        |s| s.carevalidate.case_payments.is_empty() && s.carevalidate.setup_intents.is_empty()
    ));
    let recorded = sandbox.requests();
    assert!(
        recorded
            .iter()
            .all(|r| r.header("cv-api-key").is_none_or(|v| v == "<redacted>"))
    );
}

#[tokio::test]
async fn update_payment_info_success_and_state() {
    let sandbox = Sandbox::start().await.unwrap();
    let (status, body) = post_json(
        &sandbox,
        USERS,
        update_body("john@example.com", "seti_1SNZDLKAXrtjbq2duGldHsHf"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"status": 200, "success": true, "data": {"code": "PAYMENT_SETUP_UPDATED"}})
    );
    let saved = sandbox
        .with_state(|s| s.carevalidate.payment_info.get("john@example.com").cloned())
        .unwrap();
    assert_eq!(saved.stripe_setup_id, "seti_1SNZDLKAXrtjbq2duGldHsHf");
    assert_eq!(saved.nmi_payment_token, "tok_1");
    assert_eq!(saved.shipping_address["postalCode"], "20500");
    // E-mails match case-insensitively; the second seeded user exists too.
    let (status, _) = post_json(
        &sandbox,
        USERS,
        update_body("JANE.DOE@example.com", "seti_2"),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn update_payment_info_documented_errors() {
    let sandbox = Sandbox::start().await.unwrap();
    let (status, body) = post_json(
        &sandbox,
        USERS,
        update_body("jane.doe@unknown.example", "seti_1"),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"status": 400, "success": false, "message": "Invalid request", "error": "User jane.doe@unknown.example does not exist"})
    );
    let (status, body) =
        post_json(&sandbox, USERS, update_body("john@example.com", "pi_123")).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"status": 400, "success": false, "message": "Invalid request", "error": "No such setupintent: 'pi_123'"})
    );
    // Missing fields, wrong action (sandbox choices, same shape).
    let mut no_token = update_body("john@example.com", "seti_1");
    no_token["data"]
        .as_object_mut()
        .unwrap()
        .remove("nmiPaymentToken");
    let mut no_line2 = update_body("john@example.com", "seti_1");
    no_line2["data"]["shippingAddress"]
        .as_object_mut()
        .unwrap()
        .remove("addressLine2");
    let mut wrong_action = update_body("john@example.com", "seti_1");
    wrong_action["action"] = json!("DELETE_USER");
    for (body, error) in [
        (no_token, "nmiPaymentToken is required"),
        (no_line2, "addressLine2 is required"),
        (wrong_action, "Invalid action"),
        (json!({}), "action is required"),
    ] {
        let (status, answer) = post_json(&sandbox, USERS, body).await;
        assert_eq!(status, 400);
        assert_eq!(answer["message"], "Invalid request");
        assert_eq!(answer["error"], error);
        assert_eq!(answer["success"], false);
    }
    let (status, answer) = post(
        &sandbox,
        USERS,
        Some(credentials::CAREVALIDATE_API_KEY),
        "application/json",
        "{not json",
    )
    .await;
    assert_eq!((status, answer["success"].as_bool()), (400, Some(false)));
    assert!(sandbox.with_state(|s| s.carevalidate.payment_info.is_empty()));
}

#[tokio::test]
async fn seed_decides_which_users_exist() {
    let seed = Seed::from_json(br#"{"carevalidate": {"users": ["only@clinic.example"]}}"#).unwrap();
    let sandbox = Sandbox::start_with(seed).await.unwrap();
    let (status, _) = post_json(
        &sandbox,
        USERS,
        update_body("only@clinic.example", "seti_1"),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) =
        post_json(&sandbox, USERS, update_body("john@example.com", "seti_1")).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "User john@example.com does not exist");
    // Reset restores the seeded state.
    sandbox.reset();
    assert!(sandbox.with_state(|s| s.carevalidate.payment_info.is_empty()));
}

#[tokio::test]
async fn other_methods_and_paths_are_not_carevalidate_routes() {
    let sandbox = Sandbox::start().await.unwrap();
    let resp = reqwest::Client::new()
        .get(format!("{}{INTENT}", sandbox.base_url()))
        .header("cv-api-key", credentials::CAREVALIDATE_API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
}
