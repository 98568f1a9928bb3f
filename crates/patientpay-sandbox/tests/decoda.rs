//! The Decoda emulation over raw HTTP, without the vendor crate.

use patientpay_sandbox::{Sandbox, Seed, credentials};
use serde_json::{Value, json};

const VERIFY: &str = "/billing/payment-link/verify-patient";
const SETTLE: &str = "/billing/payment-terminal/charge/create-patient-credit-settled";

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    fn new(sandbox: &Sandbox) -> Client {
        Client {
            http: reqwest::Client::new(),
            base: sandbox.base_url(),
        }
    }

    async fn post(
        &self,
        path: &str,
        key: Option<&str>,
        tenant: Option<&str>,
        body: &[u8],
    ) -> (u16, Value) {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body.to_vec());
        if let Some(k) = key {
            req = req.header("API-KEY", k);
        }
        if let Some(t) = tenant {
            req = req.header("TENANT", t);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        assert_eq!(resp.headers()["content-type"], "application/json");
        (
            status,
            serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap(),
        )
    }

    async fn call(&self, path: &str, body: &Value) -> (u16, Value) {
        self.post(
            path,
            Some(credentials::DECODA_API_KEY),
            Some(credentials::DECODA_TENANT),
            body.to_string().as_bytes(),
        )
        .await
    }
}

fn maria() -> Value {
    json!({"patientId": "pat_1001", "lastName": "Rivera", "phoneNumber": "+14155550101", "dateOfBirth": "1985-04-12"})
}

#[tokio::test]
async fn auth_routes_and_methods() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Client::new(&sandbox);
    let body = maria().to_string();
    // A missing header is FastAPI's 422 naming it; a wrong one is 401.
    for (key, tenant, missing) in [
        (None, Some(credentials::DECODA_TENANT), vec!["API-KEY"]),
        (Some(credentials::DECODA_API_KEY), None, vec!["TENANT"]),
        (None, None, vec!["TENANT", "API-KEY"]),
    ] {
        let (status, v) = c.post(VERIFY, key, tenant, body.as_bytes()).await;
        let detail: Vec<Value> = missing
            .iter()
            .map(|h| json!({"type": "missing", "loc": ["header", h], "msg": "Field required", "input": null}))
            .collect();
        assert_eq!((status, v), (422, json!({ "detail": detail })));
    }
    for (key, tenant) in [
        (Some("wrong"), Some(credentials::DECODA_TENANT)),
        (Some(credentials::DECODA_API_KEY), Some("other")),
    ] {
        let (status, v) = c.post(VERIFY, key, tenant, body.as_bytes()).await;
        assert_eq!(
            (status, v),
            (401, json!({"detail": "Invalid API key or tenant"}))
        );
    }
    let resp = reqwest::Client::new()
        .get(format!("{}{VERIFY}", sandbox.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 405);
    let (status, _) = c.call("/billing/unknown", &json!({})).await;
    assert_eq!(status, 404, "not a Decoda route: the sandbox's generic 404");
}

#[tokio::test]
async fn verify_matches_all_four_fields() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Client::new(&sandbox);
    let (status, v) = c.call(VERIFY, &maria()).await;
    assert_eq!(status, 200);
    assert_eq!(v["patient"]["id"], "pat_1001");
    assert_eq!(v["patient"]["type"], "PATIENT");
    assert_eq!(v["patient"]["creditBalance"], 15000);
    assert_eq!(v["patient"]["dateOfBirth"], "1985-04-12");
    assert!(v["paymentLink"].as_str().unwrap().starts_with("https://"));
    let statuses: Vec<&str> = v["charges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["OUTSTANDING", "OUTSTANDING", "PAID", "WRITE_OFF"]
    );
    assert_eq!(v["charges"][0]["totalOutstanding"], 8000);
    assert_eq!(v["charges"][0]["items"][0]["item"]["unit"], "UNITS");
    assert_eq!(
        v["charges"][0]["payments"][0]["payment"]["refunds"][0]["reason"],
        "DUPLICATE"
    );
    assert_eq!(v["charges"][1]["tips"][0]["provider"]["firstName"], "Dana");
    assert_eq!(
        v["charges"][3]["adjustments"][0]["adjustmentType"],
        "WRITE_OFF"
    );
    for field in ["patientId", "lastName", "phoneNumber", "dateOfBirth"] {
        let mut wrong = maria();
        wrong[field] = json!(format!("{}x", wrong[field].as_str().unwrap()));
        let (status, v) = c.call(VERIFY, &wrong).await;
        assert_eq!(
            (status, v),
            (404, json!({"detail": "Patient verification failed"})),
            "{field}"
        );
    }
}

#[tokio::test]
async fn verify_validation_errors_have_fastapi_shape() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Client::new(&sandbox);
    let mut missing = maria();
    missing.as_object_mut().unwrap().remove("lastName");
    let (status, v) = c.call(VERIFY, &missing).await;
    assert_eq!(status, 422);
    assert_eq!(v["detail"][0]["loc"], json!(["body", "lastName"]));
    assert_eq!(v["detail"][0]["type"], "missing");
    assert_eq!(v["detail"][0]["msg"], "Field required");
    let mut wrong_type = maria();
    wrong_type["phoneNumber"] = json!(4155550101_u64);
    let (status, v) = c.call(VERIFY, &wrong_type).await;
    assert_eq!(
        (status, v["detail"][0]["type"].as_str()),
        (422, Some("string_type"))
    );
    let (status, v) = c
        .post(
            VERIFY,
            Some(credentials::DECODA_API_KEY),
            Some(credentials::DECODA_TENANT),
            b"{not json",
        )
        .await;
    assert_eq!(
        (status, v["detail"][0]["type"].as_str()),
        (422, Some("json_invalid"))
    );
    let (status, v) = c
        .post(
            VERIFY,
            Some(credentials::DECODA_API_KEY),
            Some(credentials::DECODA_TENANT),
            b"",
        )
        .await;
    assert_eq!(
        (status, v["detail"][0]["loc"].clone()),
        (422, json!(["body"]))
    );
}

async fn charges_of(c: &Client) -> Vec<Value> {
    c.call(VERIFY, &maria()).await.1["charges"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn settle_applies_credit_oldest_first_and_state_persists() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Client::new(&sandbox);
    let charges = charges_of(&c).await;
    let body = json!([charges[0], charges[1]]);
    let (status, v) = c.call(&format!("{SETTLE}?amount=9000"), &body).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["amount"], 9000);
    assert_eq!(v["status"], "SUCCEEDED");
    assert_eq!(v["paymentMedium"], "CREDIT");
    assert_eq!(v["currency"], "USD");
    assert_eq!(v["patientId"], "pat_1001");
    assert!(v["createdDate"].is_string() && v["id"].is_string());
    let after = c.call(VERIFY, &maria()).await.1;
    assert_eq!(after["patient"]["creditBalance"], 6000);
    assert_eq!(after["charges"][0]["status"], "PAID");
    assert_eq!(after["charges"][0]["totalOutstanding"], 0);
    assert_eq!(after["charges"][1]["totalOutstanding"], 3500);
    let credit_payment = after["charges"][0]["payments"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(credit_payment["amount"], 8000);
    assert_eq!(credit_payment["payment"]["paymentMedium"], "CREDIT");
    assert_eq!(credit_payment["payment"]["amount"], 9000);
    sandbox.with_state(|s| {
        let p = s.decoda.patient("pat_1001").unwrap();
        assert_eq!((p.credits[0].amount, p.credits[1].amount), (0, 6000));
    });
    // A PAID charge cannot be settled again.
    let (status, v) = c
        .call(&format!("{SETTLE}?amount=100"), &json!([charges[0]]))
        .await;
    assert_eq!(
        (status, v),
        (
            400,
            json!({"detail": "Charge ch_1001_1 is not outstanding"})
        )
    );
    // Reset restores the seed.
    sandbox.reset();
    assert_eq!(
        c.call(VERIFY, &maria()).await.1["patient"]["creditBalance"],
        15000
    );
}

#[tokio::test]
async fn settle_with_credit_ids_and_refusals() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Client::new(&sandbox);
    let charges = charges_of(&c).await;
    let one = json!([charges[1]]);
    let (status, _) = c
        .call(&format!("{SETTLE}?amount=4500&credit_ids=cr_1001_b"), &one)
        .await;
    assert_eq!(status, 200);
    sandbox.with_state(|s| {
        let p = s.decoda.patient("pat_1001").unwrap();
        assert_eq!((p.credits[0].amount, p.credits[1].amount), (5000, 5500));
    });
    let two = json!([charges[0]]);
    for (query, status, detail) in [
        (
            "amount=8001",
            400,
            "Amount exceeds the outstanding balance of the charges",
        ),
        ("amount=0", 400, "Amount must be greater than zero"),
        ("amount=-5", 400, "Amount must be greater than zero"),
        (
            "amount=6000&credit_ids=cr_1001_a",
            400,
            "Insufficient credit balance",
        ),
        (
            "amount=10&credit_ids=cr_other",
            404,
            "Credit cr_other not found",
        ),
    ] {
        let (s, v) = c.call(&format!("{SETTLE}?{query}"), &two).await;
        assert_eq!((s, v), (status, json!({"detail": detail})), "{query}");
    }
    let (s, v) = c
        .call(
            &format!("{SETTLE}?amount=10"),
            &json!([{"id": "ch_nope", "patientId": "pat_1001", "totalOutstanding": 10}]),
        )
        .await;
    assert_eq!(
        (s, v["detail"].as_str()),
        (404, Some("Charge ch_nope not found"))
    );
    let (s, v) = c
        .call(&format!("{SETTLE}?amount=10"), &json!([charges[0], {"id": "ch_1002_1", "patientId": "pat_1002", "totalOutstanding": 10}]))
        .await;
    assert_eq!(
        (s, v["detail"].as_str()),
        (400, Some("All charges must belong to the same patient"))
    );
    // Nothing changed by the refusals.
    sandbox.with_state(|s| {
        assert_eq!(
            s.decoda.patient("pat_1001").unwrap().credits[0].amount,
            5000
        )
    });
    // A charge without an id is created, then settled.
    let (s, v) = c
        .call(
            &format!("{SETTLE}?amount=700"),
            &json!([{"patientId": "pat_1001", "totalOutstanding": 700, "total": 700}]),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let after = charges_of(&c).await;
    let created = after.last().unwrap();
    assert_eq!(
        (
            created["status"].as_str(),
            created["totalOutstanding"].as_i64()
        ),
        (Some("PAID"), Some(0))
    );
}

#[tokio::test]
async fn settle_validation_errors_have_fastapi_shape() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Client::new(&sandbox);
    let (s, v) = c.call(SETTLE, &json!([])).await;
    assert_eq!(
        (s, v["detail"][0]["loc"].clone()),
        (422, json!(["query", "amount"]))
    );
    let (s, v) = c.call(&format!("{SETTLE}?amount=1.5"), &json!([])).await;
    assert_eq!(
        (s, v["detail"][0]["type"].as_str()),
        (422, Some("int_parsing"))
    );
    let (s, v) = c
        .call(&format!("{SETTLE}?amount=1"), &json!({"patientId": "x"}))
        .await;
    assert_eq!(
        (s, v["detail"][0]["type"].as_str()),
        (422, Some("list_type"))
    );
    let (s, v) = c
        .call(
            &format!("{SETTLE}?amount=1"),
            &json!([{"patientId": 1, "status": "NOPE"}]),
        )
        .await;
    assert_eq!(s, 422);
    let locs: Vec<Value> = v["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["loc"].clone())
        .collect();
    assert!(locs.contains(&json!(["body", 0, "patientId"])), "{locs:?}");
    assert!(
        locs.contains(&json!(["body", 0, "totalOutstanding"])),
        "{locs:?}"
    );
    assert!(locs.contains(&json!(["body", 0, "status"])), "{locs:?}");
}

#[test]
fn default_seed_is_printable_and_reloadable() {
    let seed = Seed::default();
    let json = serde_json::to_value(&seed.decoda).unwrap();
    assert_eq!(json["patients"].as_array().unwrap().len(), 3);
    assert_eq!(json["patients"][0]["credits"][0]["id"], "cr_1001_a");
    let back = Seed::from_json(br#"{"decoda": {"patients": []}}"#).unwrap();
    assert!(back.decoda.patients.is_empty());
    let defaulted = Seed::from_json(b"{}").unwrap();
    assert_eq!(defaulted.decoda.patients.len(), 3);
}
