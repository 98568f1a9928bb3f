//! The wave-2 contract: every new Decoda answer — successes and error shapes — validates
//! against the schemas of decoda-wave2-openapi.json (and the webhooks spec), strictly
//! (no unknown properties), and the requests the tests send validate too.

mod common;

use std::collections::BTreeSet;

use common::{Http, spec, validate, webhooks_spec};
use patientpay_sandbox::{Sandbox, WebhookVendor};
use reqwest::Method;
use serde_json::{Value, json};

fn check(spec: &Value, schema: &str, v: &Value, what: &str) {
    let errors = validate(spec, schema, v);
    assert!(errors.is_empty(), "{what} as {schema}: {errors:#?}\n{v:#}");
}

fn check_each(spec: &Value, schema: &str, v: &Value, what: &str) {
    let list = v
        .as_array()
        .unwrap_or_else(|| panic!("{what}: not an array: {v}"));
    assert!(!list.is_empty(), "{what}: an empty list checks nothing");
    for item in list {
        check(spec, schema, item, what);
    }
}

#[tokio::test]
async fn every_new_decoda_answer_matches_the_spec() {
    let spec = spec();
    let sandbox = Sandbox::start().await.unwrap();
    let c = Http::new(&sandbox);
    let mut covered = BTreeSet::new();
    let mut ok = |name: &str| {
        covered.insert(name.to_owned());
    };

    // Saved methods.
    for p in ["pat_1001", "pat_1002"] {
        let (s, v) = c
            .decoda(
                Method::GET,
                &format!("/billing/payment/methods?patient_id={p}"),
                None,
            )
            .await;
        assert_eq!(s, 200);
        check_each(&spec, "PaymentMethodSummary", &v, "list");
    }
    ok("list methods");
    let rainforest = json!({
        "paymentMethodId": "mtd_contract", "paymentMethodConfigId": "pmc_1", "fingerprint": "fp",
        "methodType": "ACH", "card": null,
        "ach": {"accountHolderType": "BUSINESS", "accountNumberLast4": "0042", "bankName": "Wells", "routingNumber": "121000248"},
        "applePay": null,
        "billingContact": {"name": null, "addressLine1": null, "addressLine2": null, "city": null, "state": null,
                           "postalCode": null, "country": "US", "email": null, "phone": null},
        "metadata": {"source": "test"}, "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"
    });
    check(&spec, "RainforestPaymentMethod", &rainforest, "request");
    let (s, saved) = c
        .decoda(
            Method::POST,
            "/user/patient/payment-methods/create?patient_id=pat_1003",
            Some(rainforest),
        )
        .await;
    assert_eq!(s, 200);
    check(&spec, "PaymentMethodSummary", &saved, "create");
    assert_eq!(saved["accountNumberLast4"], 42);
    ok("create method");
    let (s, v) = c
        .decoda(
            Method::DELETE,
            &format!(
                "/user/patient/payment-methods/{}?patient_id=pat_1003",
                saved["id"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(
        (s, v),
        (200, json!(true)),
        "the spec's answer is a bare boolean"
    );
    ok("delete method");

    // Payin config and charge-card.
    let req = json!({"paymentMedium": "SAVED_PAYMENT_METHOD",
                     "charges": [{"id": "ch_1001_2", "patientId": "pat_1001", "totalOutstanding": 4500}]});
    check(&spec, "PayinConfigCreate", &req, "request");
    let (s, setup) = c
        .decoda(
            Method::POST,
            "/billing/payment-terminal/payin-config",
            Some(req),
        )
        .await;
    assert_eq!(s, 200);
    check(&spec, "PayinComponentSetupResponse", &setup, "payin-config");
    ok("payin config");
    let body = json!({"payinConfigId": setup["payinConfigId"]});
    check(&spec, "ChargePaymentMethod", &body, "request");
    let (s, paid) = c
        .decoda(
            Method::POST,
            "/billing/payment-terminal/charge-card/pm_1001_visa",
            Some(body),
        )
        .await;
    assert_eq!(s, 200);
    check(&spec, "ChargePaymentMethodResponse", &paid, "charge-card");
    ok("charge card");

    // Charges by id, before and after payments of every kind.
    for id in [
        "ch_1001_1",
        "ch_1001_2",
        "ch_1001_3",
        "ch_1001_4",
        "ch_1002_2",
        "ch_1003_1",
    ] {
        let (s, v) = c
            .decoda(Method::GET, &format!("/billing/charge/get/{id}"), None)
            .await;
        assert_eq!(s, 200);
        check(&spec, "ChargeDetailWithItems", &v, id);
    }
    ok("charge get");

    // Payment links.
    let (s, v) = c
        .decoda(
            Method::GET,
            "/billing/payment-links?phone_number=%2B14155550101",
            None,
        )
        .await;
    assert_eq!(s, 200);
    check_each(&spec, "PublicInvoiceSummary", &v, "payment links");
    ok("payment links");

    // Refund of the card charge and of a credit payment.
    let refund = json!({"paymentId": "pay_1001_card", "providerId": "prov_7", "amount": 100,
                        "reason": "BOOKING_FEE", "description": "fee", "restoreInventory": false});
    check(&spec, "RefundCreate", &refund, "request");
    let (s, v) = c
        .decoda(Method::POST, "/billing/payment/refund", Some(refund))
        .await;
    assert_eq!(s, 200);
    check(&spec, "RefundSummary", &v, "refund");
    let payin_payment = sandbox.with_state(|st| {
        st.decoda
            .payments
            .iter()
            .find(|p| p.payin_id.is_some())
            .unwrap()
            .id
            .clone()
    });
    let (s, v) = c
        .decoda(
            Method::POST,
            "/billing/payment/refund",
            Some(json!({"paymentId": payin_payment, "providerId": "prov_7", "amount": 50, "reason": "DISPUTE"})),
        )
        .await;
    assert_eq!(s, 200);
    check(&spec, "RefundSummary", &v, "refund with rainforest id");
    assert!(v["rainforestRefundId"].is_string());
    ok("refund");

    // Credit.
    let (s, v) = c
        .decoda(Method::GET, "/user/patient/pat_1001/credit/available", None)
        .await;
    assert_eq!(s, 200);
    check(&spec, "AvailableCreditResponse", &v, "credit available");
    let (s, v) = c
        .decoda(
            Method::GET,
            "/user/patient/pat_1001/credit?include_expired=true",
            None,
        )
        .await;
    assert_eq!(s, 200);
    check(&spec, "Page_PatientCreditSummary_", &v, "credit page");
    assert_eq!(v["total"], 4);
    ok("credit");

    // Payment table (every payment kind: seeded card, saved-card, refunded).
    let (s, v) = c.decoda(Method::GET, "/billing/payment/table", None).await;
    assert_eq!(s, 200);
    check(&spec, "PaymentTable", &v, "payment table");
    assert!(v["items"]["total"].as_i64().unwrap() >= 4);
    ok("payment table");

    // Error shapes: 422 validates as HTTPValidationError; 400/404 are {"detail": "..."}.
    for (method, path, body) in [
        (Method::GET, "/billing/payment/methods", None),
        (
            Method::POST,
            "/user/patient/payment-methods/create?patient_id=pat_1001",
            Some(json!({})),
        ),
        (
            Method::POST,
            "/billing/payment-terminal/payin-config",
            Some(json!({"charges": "no"})),
        ),
        (
            Method::POST,
            "/billing/payment-terminal/charge-card/pm_1001_visa",
            Some(json!({})),
        ),
        (
            Method::POST,
            "/billing/payment/refund",
            Some(json!({"amount": "1"})),
        ),
        (
            Method::GET,
            "/user/patient/pat_1001/credit?per_page=0",
            None,
        ),
        (Method::GET, "/billing/payment/table?status=NOPE", None),
        (Method::GET, "/billing/payment-links", None),
        (
            Method::POST,
            "/billing/payment-terminal/payin-config",
            Some(json!([1])),
        ),
    ] {
        let (s, v) = c.decoda(method, path, body).await;
        assert_eq!(s, 422, "{path}: {v}");
        check(&spec, "HTTPValidationError", &v, path);
    }
    let (s, v) = c
        .decoda_with(Method::GET, "/billing/payment/table", None, None, None)
        .await;
    assert_eq!(s, 422);
    check(&spec, "HTTPValidationError", &v, "missing headers");
    for (method, path, body) in [
        (Method::GET, "/billing/charge/get/nope", None),
        (
            Method::DELETE,
            "/user/patient/payment-methods/nope?patient_id=pat_1001",
            None,
        ),
        (
            Method::POST,
            "/billing/payment-terminal/charge-card/pm_1001_visa",
            Some(json!({"payinConfigId": "x"})),
        ),
        (Method::GET, "/user/patient/nope/credit/available", None),
    ] {
        let (s, v) = c.decoda(method, path, body).await;
        assert!(s == 400 || s == 404, "{path}: {s}");
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["detail"], "{path}");
        assert!(v["detail"].is_string(), "{path}");
    }
    ok("errors");
    assert_eq!(covered.len(), 11, "{covered:?}");
}

#[tokio::test]
async fn webhook_management_and_envelopes_match_the_webhooks_spec() {
    let spec = webhooks_spec();
    let sandbox = Sandbox::start().await.unwrap();
    let c = Http::new(&sandbox);
    let create = json!({"subscriptions": ["PAYMENT_CREATED", "REFUND_CREATED", "PATIENT_UPDATED"],
                        "url": "http://127.0.0.1:9/none", "notificationEmail": "ops@example.com"});
    check(&spec, "WebhookCreate", &create, "request");
    let (s, w) = c
        .decoda(Method::POST, "/webhook/decoda/create", Some(create))
        .await;
    assert_eq!(s, 200);
    check(&spec, "WebhookSummary", &w, "create");
    let (_, list) = c.decoda(Method::GET, "/webhook/decoda/list", None).await;
    check_each(&spec, "WebhookSummary", &list, "list");
    let id = w["id"].as_str().unwrap();
    let (_, got) = c
        .decoda(Method::GET, &format!("/webhook/decoda/get/{id}"), None)
        .await;
    check(&spec, "WebhookSummary", &got, "get");
    let (_, up) = c
        .decoda(
            Method::PUT,
            &format!("/webhook/decoda/update/{id}"),
            Some(json!({"url": "http://127.0.0.1:9/other"})),
        )
        .await;
    check(&spec, "WebhookSummary", &up, "update");
    let (s, v) = c
        .decoda(
            Method::POST,
            "/webhook/decoda/create",
            Some(json!({"subscriptions": ["NOPE"], "url": 1})),
        )
        .await;
    assert_eq!(s, 422);
    check(&spec, "HTTPValidationError", &v, "create error");

    // The events the sandbox sends: settle, saved-card charge, refund, saved method.
    sandbox
        .register_webhook(WebhookVendor::Decoda, "http://127.0.0.1:9/none", "s")
        .unwrap();
    c.decoda(
        Method::POST,
        "/billing/payment-terminal/charge/create-patient-credit-settled?amount=100",
        Some(json!([{"id": "ch_1001_2", "patientId": "pat_1001", "totalOutstanding": 4500}])),
    )
    .await;
    c.decoda(
        Method::POST,
        "/billing/payment/refund",
        Some(json!({"paymentId": "pay_1001_card", "providerId": "p", "amount": 1, "reason": "OTHER"})),
    )
    .await;
    let (_, setup) = c
        .decoda(
            Method::POST,
            "/billing/payment-terminal/payin-config",
            Some(json!({"paymentMedium": "SAVED_PAYMENT_METHOD",
                        "charges": [{"id": "ch_1002_1", "patientId": "pat_1002", "totalOutstanding": 6000}]})),
        )
        .await;
    c.decoda(
        Method::POST,
        "/billing/payment-terminal/charge-card/pm_1002_amex",
        Some(json!({"payinConfigId": setup["payinConfigId"]})),
    )
    .await;
    c.decoda(
        Method::POST,
        "/user/patient/payment-methods/create?patient_id=pat_1002",
        Some(
            json!({"paymentMethodId": "mtd_e", "paymentMethodConfigId": "c", "fingerprint": null,
                    "methodType": "APPLE_PAY", "card": null, "ach": null, "applePay": null,
                    "billingContact": null, "metadata": {}, "createdAt": "a", "updatedAt": "b"}),
        ),
    )
    .await;
    sandbox.wait_for_deliveries().await;
    let deliveries = sandbox.deliveries();
    let mut types = BTreeSet::new();
    for d in &deliveries {
        let envelope: Value = serde_json::from_slice(&d.body).unwrap();
        check(
            &spec,
            "WebhookDeliveryAttemptSummary",
            &envelope,
            &d.event_type,
        );
        types.insert(d.event_type.clone());
    }
    assert_eq!(
        types.into_iter().collect::<Vec<_>>(),
        ["PATIENT_UPDATED", "PAYMENT_CREATED", "REFUND_CREATED"]
    );
}
