//! CarePortals login and the strict checks: sandbox-signed JWTs (signature, expiry),
//! allowed `Origin`, the `organization` header.

mod common;

use patientpay_sandbox::{Sandbox, credentials};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn login(
    sandbox: &Sandbox,
    path: &str,
    body: Value,
    org: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new()
        .post(format!("{}{path}", sandbox.base_url()))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(o) = org {
        req = req.header("organization", o);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    (
        status,
        serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap_or(Value::Null),
    )
}

async fn list(sandbox: &Sandbox, token: &str, headers: &[(&str, &str)]) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new()
        .get(format!("{}/users/payment-methods", sandbox.base_url()))
        .bearer_auth(token);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    (
        status,
        serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap_or(Value::Null),
    )
}

fn claims(token: &str) -> Value {
    use base64::Engine as _;
    let payload = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn login_on_both_paths_issues_a_working_jwt() {
    let sandbox = Sandbox::start().await.unwrap();
    let creds = json!({"username": credentials::CAREPORTALS_USERNAME, "password": credentials::CAREPORTALS_PASSWORD});
    for path in ["/auth/login", "/patient/auth"] {
        let (status, v) = login(
            &sandbox,
            path,
            creds.clone(),
            Some(credentials::CAREPORTALS_ORGANIZATION),
        )
        .await;
        assert_eq!(status, 201, "{path}: {v}");
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["token"]);
        let token = v["token"].as_str().unwrap();
        let c = claims(token);
        assert_eq!(c["sub"], credentials::CAREPORTALS_PATIENT_ID);
        assert_eq!(c["organization"], credentials::CAREPORTALS_ORGANIZATION);
        let lifetime = c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap();
        assert_eq!(lifetime, 720 * 3600);
        // The token opens the demo patient's wallet.
        let (status, wallet) = list(
            &sandbox,
            token,
            &[("origin", credentials::CAREPORTALS_ORIGIN)],
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(wallet[0]["last4"], "4242");
    }
    assert_eq!(sandbox.with_state(|s| s.careportals.tokens_issued), 2);
    // Without the organization header, and with the username#organization form.
    let (status, _) = login(
        &sandbox,
        "/auth/login",
        json!({"username": "JOHN@example.com#sandbox_demo", "password": credentials::CAREPORTALS_PASSWORD}),
        None,
    )
    .await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn login_refusals() {
    let sandbox = Sandbox::start().await.unwrap();
    let (status, v) = login(
        &sandbox,
        "/auth/login",
        json!({"username": "john@example.com", "password": "wrong"}),
        None,
    )
    .await;
    assert_eq!(
        (status.as_u16(), v),
        (
            401,
            json!({"statusCode": 401, "message": "Invalid credentials"})
        )
    );
    let (status, v) = login(
        &sandbox,
        "/patient/auth",
        json!({"username": "john@example.com"}),
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["message"], json!(["password should not be empty"]));
    let (status, v) = login(
        &sandbox,
        "/auth/login",
        json!({"username": "john@example.com", "password": credentials::CAREPORTALS_PASSWORD}),
        Some("other_org"),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(v["statusCode"], 403);
}

#[tokio::test]
async fn only_sandbox_signed_unexpired_tokens_from_allowed_origins() {
    let sandbox = Sandbox::start().await.unwrap();
    let unauthorized = json!({"statusCode": 401, "message": "Unauthorized"});
    // The const token, minted tokens for any patient, the allowed origins.
    assert_eq!(
        list(&sandbox, credentials::CAREPORTALS_TOKEN, &[]).await.0,
        200
    );
    let other = credentials::careportals_token_for("66f1c0de00000000000000ff");
    assert_eq!(
        list(&sandbox, &other, &[]).await,
        (StatusCode::OK, json!([]))
    );
    for origin in credentials::CAREPORTALS_ALLOWED_ORIGINS {
        assert_eq!(
            list(&sandbox, &other, &[("origin", origin)]).await.0,
            200,
            "{origin}"
        );
    }
    // Not a JWT, a forged signature, an expired token.
    let (h, rest) = credentials::CAREPORTALS_TOKEN.split_once('.').unwrap();
    let (p, _sig) = rest.split_once('.').unwrap();
    let forged = format!("{h}.{p}.c2lnbmVkIGJ5IHNvbWVvbmUgZWxzZQ");
    let expired =
        credentials::careportals_token(credentials::CAREPORTALS_PATIENT_ID, 1_000_000_000);
    for token in ["sandbox-patient-jwt", forged.as_str(), expired.as_str()] {
        assert_eq!(
            list(&sandbox, token, &[]).await,
            (StatusCode::UNAUTHORIZED, unauthorized.clone()),
            "{token}"
        );
    }
    // A forged token signed with another key.
    let forged_key = {
        use base64::Engine as _;
        use hmac::{Hmac, Mac};
        let input = format!("{h}.{p}");
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"another key").unwrap();
        mac.update(input.as_bytes());
        let sig =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{input}.{sig}")
    };
    assert_eq!(list(&sandbox, &forged_key, &[]).await.0, 401);
    // A foreign Origin, a wrong organization.
    let (status, v) = list(
        &sandbox,
        credentials::CAREPORTALS_TOKEN,
        &[("origin", "https://evil.example")],
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        v,
        json!({"statusCode": 403, "message": "Origin not allowed", "error": "Forbidden"})
    );
    let (status, v) = list(
        &sandbox,
        credentials::CAREPORTALS_TOKEN,
        &[("organization", "other_org")],
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(v["message"], "Invalid organization");
    assert_eq!(
        list(
            &sandbox,
            credentials::CAREPORTALS_TOKEN,
            &[("organization", credentials::CAREPORTALS_ORGANIZATION)]
        )
        .await
        .0,
        200
    );
    // Add and remove check the same way.
    let resp = reqwest::Client::new()
        .post(format!("{}/v2/users/payment-methods", sandbox.base_url()))
        .bearer_auth(&expired)
        .header("content-type", "application/json")
        .body(r#"{"paymentMethodId":"pm_card_visa"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(
        sandbox.with_state(|s| s
            .careportals
            .wallet(credentials::CAREPORTALS_PATIENT_ID)
            .len()),
        1
    );
}
