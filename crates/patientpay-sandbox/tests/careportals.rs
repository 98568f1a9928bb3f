//! The CarePortals emulation over raw HTTP: routes, statuses and shapes as CarePortals'
//! "Payment Methods" page documents them (no vendor crate involved).

use patientpay_sandbox::{Sandbox, Seed, credentials};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

struct Api {
    http: Client,
    base: String,
}

impl Api {
    fn new(sandbox: &Sandbox) -> Api {
        Api {
            http: Client::new(),
            base: sandbox.base_url(),
        }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        jwt: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, String, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("accept", "application/json, text/plain, */*")
            .header("origin", credentials::CAREPORTALS_ORIGIN);
        if let Some(jwt) = jwt {
            // A short name stands for that patient's sandbox-signed token.
            let jwt = if jwt.trim().is_empty() || jwt.contains('.') {
                jwt.to_owned()
            } else {
                credentials::careportals_token_for(jwt)
            };
            req = req.header("authorization", format!("Bearer {jwt}"));
        }
        if let Some(body) = body {
            req = req
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let text = resp.text().await.unwrap();
        let value = serde_json::from_str(&text).unwrap_or(Value::Null);
        (status, ct, value)
    }

    async fn list(&self, jwt: &str) -> Vec<Value> {
        let (status, ct, body) = self
            .call(Method::GET, "/users/payment-methods", Some(jwt), None)
            .await;
        assert_eq!(status, 200);
        assert!(ct.starts_with("application/json"), "{ct}");
        body.as_array().expect("the list is a JSON array").clone()
    }

    async fn add(&self, jwt: &str, token: &str) -> (StatusCode, Value) {
        let (s, _, b) = self
            .call(
                Method::POST,
                "/v2/users/payment-methods",
                Some(jwt),
                Some(json!({"paymentMethodId": token})),
            )
            .await;
        (s, b)
    }
}

const ME: &str = credentials::CAREPORTALS_TOKEN;

#[tokio::test]
async fn default_seed_is_the_docs_example() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let list = api.list(ME).await;
    assert_eq!(list.len(), 1);
    let pm = &list[0];
    assert_eq!(pm["id"], "pm_1Rz78FKeCoUxIkZxXhFa0HlF");
    assert_eq!(pm["object"], "payment_method");
    assert_eq!(pm["type"], "card");
    assert_eq!(pm["last4"], "4242");
    assert_eq!(pm["exp"], "4/2029");
    assert_eq!(pm["card"]["brand"], "visa");
    assert_eq!(
        pm["card"]["exp_month"], "4",
        "the docs show exp_month as a string"
    );
    assert_eq!(pm["card"]["exp_year"], "2029");
    assert_eq!(pm["card"]["last4"], "4242");
    assert_eq!(pm["billing_details"]["address"]["postal_code"], "94105");
    assert_eq!(pm["customer"], "cus_Rwr5mZerq1Q2VL");
    // A seed file can replace it.
    let seed = Seed::from_json(br#"{"careportals": {"wallets": {"p": []}}}"#).unwrap();
    sandbox.load(&seed);
    assert!(api.list(ME).await.is_empty());
}

#[tokio::test]
async fn add_test_tokens_then_list_then_remove() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let jwt = "patient-a";
    assert!(
        api.list(jwt).await.is_empty(),
        "a new patient has an empty wallet"
    );

    let mut amex_id = String::new();
    for (token, brand, last4) in [
        ("pm_card_visa", "visa", "4242"),
        ("pm_card_mastercard", "mastercard", "4444"),
        ("pm_card_amex", "amex", "0005"),
    ] {
        let (status, body) = api.add(jwt, token).await;
        assert_eq!(status, 201, "{token}");
        let obj = body.as_object().unwrap();
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["exp", "last4", "type"], "{token}: {body}");
        assert_eq!(body["last4"], last4);
        assert_eq!(body["type"], "card");
        let exp = body["exp"].as_str().unwrap();
        let (m, y) = exp.split_once('/').unwrap();
        assert!(
            (1..=12).contains(&m.parse::<u8>().unwrap()) && y.len() == 4,
            "{exp}"
        );
        let list = api.list(jwt).await;
        // Like Stripe, a test token creates a new PaymentMethod with a fresh id.
        let saved = list.last().expect("saved");
        let id = saved["id"].as_str().unwrap();
        assert!(id.starts_with("pm_sbx") && id != token, "{id}");
        if token == "pm_card_amex" {
            amex_id = id.to_owned();
        }
        assert_eq!(saved["card"]["brand"], brand);
        assert_eq!(saved["card"]["last4"], last4);
        assert!(
            saved["card"]["exp_month"].is_u64(),
            "generated cards carry Stripe's integer exp_month"
        );
        assert_eq!(saved["last4"], last4);
        assert_eq!(saved["exp"], exp);
    }
    // Another Stripe id: a generated card under that id; adding it again is a no-op.
    let (status, body) = api.add(jwt, "pm_1QAnotherRealLookingId").await;
    assert_eq!(status, 201);
    assert_eq!(body["type"], "card");
    api.add(jwt, "pm_1QAnotherRealLookingId").await;
    assert_eq!(api.list(jwt).await.len(), 4);

    // NMI tokens: NMI-shaped methods with fresh, unique ids.
    api.add(jwt, "nmi-token-1").await;
    api.add(jwt, "nmi-token-2").await;
    let list = api.list(jwt).await;
    let nmi: Vec<&Value> = list.iter().filter(|m| m.get("object").is_none()).collect();
    assert_eq!(nmi.len(), 2);
    for m in &nmi {
        let mut keys: Vec<&str> = m.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["exp", "id", "last4", "type"]);
    }
    assert_ne!(nmi[0]["id"], nmi[1]["id"]);

    // Remove: success, gone from the next list, then 404.
    let amex_path = format!("/v2/users/payment-methods/{amex_id}");
    let (status, _, body) = api.call(Method::DELETE, &amex_path, Some(jwt), None).await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({"success": true}));
    assert!(
        !api.list(jwt)
            .await
            .iter()
            .any(|m| m["id"] == amex_id.as_str())
    );
    let (status, _, body) = api.call(Method::DELETE, &amex_path, Some(jwt), None).await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"statusCode": 404, "message": "Payment method not found"})
    );

    // Other patients are untouched.
    assert_eq!(api.list(ME).await.len(), 1);
    sandbox.with_state(|s| assert_eq!(s.careportals.wallet(jwt).len(), 5));
}

#[tokio::test]
async fn declines_validation_and_auth() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);

    let (status, body) = api.add(ME, "pm_card_chargeDeclined").await;
    assert_eq!(status, 402);
    assert_eq!(
        body,
        json!({"statusCode": 402, "message": "Your card was declined."})
    );
    assert_eq!(api.list(ME).await.len(), 1, "a declined card is not saved");

    for bad in [
        json!({}),
        json!({"paymentMethodId": ""}),
        json!({"paymentMethodId": 42}),
    ] {
        let (status, _, body) = api
            .call(
                Method::POST,
                "/v2/users/payment-methods",
                Some(ME),
                Some(bad.clone()),
            )
            .await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(body["statusCode"], 400);
        assert_eq!(body["error"], "Bad Request");
        assert!(
            body["message"].as_array().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
    }

    for (method, path) in [
        (Method::GET, "/users/payment-methods"),
        (Method::POST, "/v2/users/payment-methods"),
        (
            Method::DELETE,
            "/v2/users/payment-methods/pm_1Rz78FKeCoUxIkZxXhFa0HlF",
        ),
    ] {
        for jwt in [None, Some(""), Some("   ")] {
            let (status, ct, body) = api.call(method.clone(), path, jwt, None).await;
            assert_eq!(status, 401, "{method} {path} {jwt:?}");
            assert!(ct.starts_with("application/json"));
            assert_eq!(body, json!({"statusCode": 401, "message": "Unauthorized"}));
        }
    }
    // The seeded card survived the unauthenticated DELETE.
    assert_eq!(api.list(ME).await.len(), 1);
}

#[tokio::test]
async fn ids_are_one_percent_encoded_segment_and_wrong_routes_are_404() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    sandbox.with_state(|s| {
        s.careportals.set_wallet(
            "p",
            vec![json!({"id": "odd/id ?#", "type": "card", "last4": "1111", "exp": "1/2030"})],
        )
    });
    let (status, _, _) = api
        .call(
            Method::DELETE,
            "/v2/users/payment-methods/odd%2Fid%20%3F%23",
            Some("p"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert!(api.list("p").await.is_empty());

    // The list has no /v2; add and remove have no un-versioned form; wrong methods 404.
    for (method, path) in [
        (Method::GET, "/v2/users/payment-methods"),
        (Method::POST, "/users/payment-methods"),
        (Method::PUT, "/v2/users/payment-methods/pm_1"),
    ] {
        let (status, _, body) = api.call(method.clone(), path, Some(ME), None).await;
        assert_eq!(status, 404, "{method} {path}");
        assert_eq!(body["message"], format!("Cannot {method} {path}"));
    }
    // Paths outside CarePortals' routes are not answered by it.
    let (status, _, body) = api
        .call(
            Method::GET,
            "/users/payment-methods/extra/deep",
            Some(ME),
            None,
        )
        .await;
    assert_eq!(status, 404);
    assert!(body.get("statusCode").is_none(), "{body}");
    // reset restores the seed.
    sandbox.reset();
    assert_eq!(api.list(ME).await.len(), 1);
}
