//! Decoda wave 2 over raw HTTP: saved methods, payin config + saved-card charge, payment
//! links, refunds, credit, the payment table, a charge by id, webhook management.

mod common;

use common::Http;
use reqwest::Method;
use serde_json::{Value, json};

use patientpay_sandbox::Sandbox;

const SETTLE: &str = "/billing/payment-terminal/charge/create-patient-credit-settled";

pub fn rainforest_card(id: &str, last4: &str) -> Value {
    json!({
        "paymentMethodId": id,
        "paymentMethodConfigId": "pmc_sbx_1",
        "fingerprint": null,
        "methodType": "CARD",
        "card": {"type": "CREDIT", "brand": "DISCOVER", "brandDesc": "Discover", "last4": last4,
                 "expMonth": 7, "expYear": 2032},
        "ach": null,
        "applePay": null,
        "billingContact": null,
        "metadata": {},
        "createdAt": "2026-01-01T00:00:00Z",
        "updatedAt": "2026-01-01T00:00:00Z"
    })
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn saved_methods_list_save_and_archive() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Http::new(&sandbox);
    let list = "/billing/payment/methods?patient_id=pat_1001";
    let (status, v) = c.decoda(Method::GET, list, None).await;
    assert_eq!(status, 200);
    assert_eq!(ids(&v), ["pm_1001_visa", "pm_1001_mc", "pm_1001_declined"]);
    assert_eq!(v[0]["isDefault"], true);
    assert_eq!(v[0]["last4"], "4242");
    assert_eq!(v[0]["expYear"], 2030);
    assert_eq!(v[0]["type"], "CARD");
    let (_, ach) = c
        .decoda(
            Method::GET,
            "/billing/payment/methods?patient_id=pat_1002",
            None,
        )
        .await;
    assert_eq!(ach[1]["type"], "ACH");
    assert_eq!(ach[1]["routingNumber"], 21000021);
    assert_eq!(ach[1]["accountNumberLast4"], 6789);

    // Save a Rainforest method: a new Decoda id, listed after.
    let create = "/user/patient/payment-methods/create?patient_id=pat_1003";
    let (status, saved) = c
        .decoda(
            Method::POST,
            create,
            Some(rainforest_card("mtd_rf_1", "1117")),
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    let id = saved["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("pm_"), "{id}");
    assert_eq!(saved["rainforestPaymentMethodId"], "mtd_rf_1");
    assert_eq!(saved["patientId"], "pat_1003");
    assert_eq!(saved["brand"], "DISCOVER");
    assert_eq!(saved["isDefault"], true, "the first method is the default");
    // Saving the same Rainforest method again answers the saved one.
    let (_, again) = c
        .decoda(
            Method::POST,
            create,
            Some(rainforest_card("mtd_rf_1", "1117")),
        )
        .await;
    assert_eq!(again["id"], id.as_str());
    let (_, v) = c
        .decoda(
            Method::GET,
            "/billing/payment/methods?patient_id=pat_1003",
            None,
        )
        .await;
    assert_eq!(ids(&v), std::slice::from_ref(&id));

    // Archive: `true`, gone from the list; again `true`; unknown id 404.
    let del = format!("/user/patient/payment-methods/{id}?patient_id=pat_1003");
    assert_eq!(
        c.decoda(Method::DELETE, &del, None).await,
        (200, json!(true))
    );
    assert_eq!(
        c.decoda(Method::DELETE, &del, None).await,
        (200, json!(true))
    );
    let (_, v) = c
        .decoda(
            Method::GET,
            "/billing/payment/methods?patient_id=pat_1003",
            None,
        )
        .await;
    assert_eq!(v, json!([]));
    assert_eq!(
        c.decoda(
            Method::DELETE,
            "/user/patient/payment-methods/pm_nope?patient_id=pat_1003",
            None
        )
        .await,
        (404, json!({"detail": "Payment method not found"}))
    );
    // Another patient's method is not found either.
    assert_eq!(
        c.decoda(
            Method::DELETE,
            "/user/patient/payment-methods/pm_1001_visa?patient_id=pat_1002",
            None
        )
        .await
        .0,
        404
    );
}

#[tokio::test]
async fn saved_methods_errors() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Http::new(&sandbox);
    assert_eq!(
        c.decoda(Method::GET, "/billing/payment/methods", None)
            .await,
        (
            422,
            json!({"detail": [{"type": "missing", "loc": ["query", "patient_id"], "msg": "Field required", "input": null}]})
        )
    );
    assert_eq!(
        c.decoda(
            Method::GET,
            "/billing/payment/methods?patient_id=pat_x",
            None
        )
        .await,
        (404, json!({"detail": "Patient not found"}))
    );
    let mut body = rainforest_card("mtd_x", "1111");
    body.as_object_mut()
        .unwrap()
        .remove("paymentMethodConfigId");
    body["methodType"] = json!("CHEQUE");
    body["card"]["expMonth"] = json!("07");
    let (status, v) = c
        .decoda(
            Method::POST,
            "/user/patient/payment-methods/create?patient_id=pat_1001",
            Some(body),
        )
        .await;
    assert_eq!(status, 422);
    let locs: Vec<&Value> = v["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["loc"])
        .collect();
    assert_eq!(
        locs,
        [
            &json!(["body", "paymentMethodConfigId"]),
            &json!(["body", "methodType"]),
            &json!(["body", "card", "expMonth"])
        ]
    );
    assert_eq!(v["detail"][1]["type"], "enum");
    assert_eq!(
        v["detail"][1]["msg"],
        "Input should be 'CARD', 'ACH' or 'APPLE_PAY'"
    );
    // A CARD without card details is refused with 400, nothing saved.
    let mut body = rainforest_card("mtd_y", "1111");
    body["card"] = Value::Null;
    let (status, _) = c
        .decoda(
            Method::POST,
            "/user/patient/payment-methods/create?patient_id=pat_1001",
            Some(body),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        sandbox.with_state(|s| s.decoda.patient("pat_1001").unwrap().payment_methods.len()),
        3
    );
    // Wrong method on a wave-2 route: 405.
    assert_eq!(
        c.decoda(
            Method::POST,
            "/billing/payment/methods?patient_id=pat_1001",
            None
        )
        .await
        .0,
        405
    );
}

async fn payin_config(c: &Http, charge_id: &str, outstanding: i64) -> (u16, Value) {
    c.decoda(
        Method::POST,
        "/billing/payment-terminal/payin-config",
        Some(json!({
            "paymentMedium": "SAVED_PAYMENT_METHOD",
            "charges": [{"id": charge_id, "patientId": "pat_1001", "totalOutstanding": outstanding}]
        })),
    )
    .await
}

#[tokio::test]
async fn charge_a_saved_card_through_a_payin_config() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Http::new(&sandbox);
    let (status, setup) = payin_config(&c, "ch_1001_2", 4500).await;
    assert_eq!(status, 200, "{setup}");
    assert_eq!(setup["sandbox"], true);
    assert!(!setup["sessionKey"].as_str().unwrap().is_empty());
    assert_eq!(ids(&setup["paymentMethods"]).len(), 3);
    let config = setup["payinConfigId"].as_str().unwrap().to_owned();

    // A declined card changes nothing and leaves the config usable.
    let (status, v) = c
        .decoda(
            Method::POST,
            "/billing/payment-terminal/charge-card/pm_1001_declined",
            Some(json!({"payinConfigId": config})),
        )
        .await;
    assert_eq!(
        (status, v),
        (400, json!({"detail": "Your card was declined."}))
    );

    let (status, paid) = c
        .decoda(
            Method::POST,
            "/billing/payment-terminal/charge-card/pm_1001_visa",
            Some(json!({"payinConfigId": config})),
        )
        .await;
    assert_eq!(status, 200, "{paid}");
    assert_eq!(paid["amount"], 4500);
    assert_eq!(paid["status"], "SUCCEEDED");
    assert!(paid["authCode"].is_string());
    let payin = paid["payinId"].as_str().unwrap().to_owned();

    // The charge shows the payment with the payin and the payin config.
    let (status, charge) = c
        .decoda(Method::GET, "/billing/charge/get/ch_1001_2", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(charge["totalOutstanding"], 0);
    assert_eq!(charge["status"], "PAID");
    let payment = &charge["payments"][0]["payment"];
    assert_eq!(payment["payinId"], payin.as_str());
    assert_eq!(payment["payinConfigId"], config.as_str());
    assert_eq!(payment["paymentMethodId"], "pm_1001_visa");
    assert_eq!(payment["paymentMethod"]["last4"], "4242");
    assert_eq!(payment["paymentMedium"], "SAVED_PAYMENT_METHOD");

    // A config pays once; unknown configs and a missing field are refused.
    let used = c
        .decoda(
            Method::POST,
            "/billing/payment-terminal/charge-card/pm_1001_visa",
            Some(json!({"payinConfigId": config})),
        )
        .await;
    assert_eq!(
        used,
        (400, json!({"detail": "Payin config has already been used"}))
    );
    let unknown = c
        .decoda(
            Method::POST,
            "/billing/payment-terminal/charge-card/pm_1001_visa",
            Some(json!({"payinConfigId": "pyc_nope"})),
        )
        .await;
    assert_eq!(unknown, (400, json!({"detail": "Payin config not found"})));
    let (status, v) = c
        .decoda(
            Method::POST,
            "/billing/payment-terminal/charge-card/pm_1001_visa",
            Some(json!({"chargeId": "ch_1001_2", "amount": 4500})),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(v["detail"][0]["loc"], json!(["body", "payinConfigId"]));

    // A paid charge cannot be put in a new config; an unknown method is 404.
    assert_eq!(payin_config(&c, "ch_1001_2", 4500).await.0, 400);
    let (_, setup) = payin_config(&c, "ch_1001_1", 8000).await;
    let (status, _) = c
        .decoda(
            Method::POST,
            "/billing/payment-terminal/charge-card/pm_other",
            Some(json!({"payinConfigId": setup["payinConfigId"]})),
        )
        .await;
    assert_eq!(status, 404);

    // The payment is in the table.
    let (_, table) = c
        .decoda(
            Method::GET,
            "/billing/payment/table?patient_id=pat_1001&payment_mediums=SAVED_PAYMENT_METHOD",
            None,
        )
        .await;
    assert_eq!(table["items"]["total"], 1);
    assert_eq!(table["items"]["data"][0]["amount"], 4500);
    assert_eq!(
        table["items"]["data"][0]["paymentMethod"]["id"],
        "pm_1001_visa"
    );
}

#[tokio::test]
async fn payin_config_errors_and_partial_amount() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Http::new(&sandbox);
    let (status, v) = c
        .decoda(
            Method::POST,
            "/billing/payment-terminal/payin-config",
            Some(json!({"paymentMedium": "BITCOIN", "charges": [{"patientId": "pat_1001"}]})),
        )
        .await;
    assert_eq!(status, 422);
    let locs: Vec<&Value> = v["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["loc"])
        .collect();
    assert_eq!(
        locs,
        [
            &json!(["body", "paymentMedium"]),
            &json!(["body", "charges", 0, "totalOutstanding"])
        ]
    );
    let (status, _) = c
        .decoda(
            Method::POST,
            "/billing/payment-terminal/payin-config",
            Some(json!({"paymentMedium": "SAVED_PAYMENT_METHOD", "charges": []})),
        )
        .await;
    assert_eq!(status, 400);
    // A partial payment: 3000 of 8000.
    let (_, setup) = c
        .decoda(
            Method::POST,
            "/billing/payment-terminal/payin-config",
            Some(json!({
                "paymentMedium": "SAVED_PAYMENT_METHOD", "paymentAmount": 3000,
                "charges": [{"id": "ch_1001_1", "patientId": "pat_1001", "totalOutstanding": 8000}]
            })),
        )
        .await;
    let (status, paid) = c
        .decoda(
            Method::POST,
            "/billing/payment-terminal/charge-card/pm_1001_mc",
            Some(json!({"payinConfigId": setup["payinConfigId"]})),
        )
        .await;
    assert_eq!((status, paid["amount"].clone()), (200, json!(3000)));
    let (_, charge) = c
        .decoda(Method::GET, "/billing/charge/get/ch_1001_1", None)
        .await;
    assert_eq!(charge["totalOutstanding"], 5000);
    assert_eq!(charge["status"], "OUTSTANDING");
    // Over the outstanding: refused.
    let (status, _) = c
        .decoda(
            Method::POST,
            "/billing/payment-terminal/payin-config",
            Some(json!({
                "paymentMedium": "SAVED_PAYMENT_METHOD", "paymentAmount": 5001,
                "charges": [{"id": "ch_1001_1", "patientId": "pat_1001", "totalOutstanding": 5000}]
            })),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        c.decoda(Method::GET, "/billing/charge/get/ch_nope", None)
            .await,
        (404, json!({"detail": "Charge not found"}))
    );
}

#[tokio::test]
async fn payment_links_by_phone() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Http::new(&sandbox);
    let (status, v) = c
        .decoda(
            Method::GET,
            "/billing/payment-links?phone_number=%2B14155550101",
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        v,
        json!([{"totalOutstanding": 12500, "paymentLink": "https://pay.decodahealth.com/l/pl_pat_1001"}])
    );
    let (_, v) = c
        .decoda(
            Method::GET,
            "/billing/payment-links?phone_number=%2B19995550000",
            None,
        )
        .await;
    assert_eq!(v, json!([]));
    assert_eq!(
        c.decoda(Method::GET, "/billing/payment-links", None)
            .await
            .0,
        422
    );
}

#[tokio::test]
async fn refunds_reduce_the_refundable_amount_and_give_credit_back() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Http::new(&sandbox);
    let refund = |payment: &str, amount: i64| json!({"paymentId": payment, "providerId": "prov_7", "amount": amount, "reason": "DUPLICATE"});
    // Seeded card payment of 4000 with a 500 refund: 3500 refundable.
    let (status, r) = c
        .decoda(
            Method::POST,
            "/billing/payment/refund",
            Some(refund("pay_1001_card", 3000)),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["paymentId"], "pay_1001_card");
    assert_eq!(r["amount"], 3000);
    assert_eq!(r["reason"], "DUPLICATE");
    assert_eq!(r["status"], "SUCCEEDED");
    assert!(r["id"].as_str().unwrap().starts_with("rf_"));
    let over = c
        .decoda(
            Method::POST,
            "/billing/payment/refund",
            Some(refund("pay_1001_card", 501)),
        )
        .await;
    assert_eq!(
        over,
        (
            400,
            json!({"detail": "Refund amount exceeds the refundable amount of the payment"})
        )
    );
    assert_eq!(
        c.decoda(
            Method::POST,
            "/billing/payment/refund",
            Some(refund("pay_1001_card", 500))
        )
        .await
        .0,
        200
    );
    assert_eq!(
        sandbox.with_state(|s| s.decoda.payment("pay_1001_card").unwrap().refundable()),
        0
    );
    assert_eq!(
        c.decoda(
            Method::POST,
            "/billing/payment/refund",
            Some(refund("pay_nope", 1))
        )
        .await,
        (404, json!({"detail": "Payment not found"}))
    );
    assert_eq!(
        c.decoda(
            Method::POST,
            "/billing/payment/refund",
            Some(refund("pay_1001_b12", 0))
        )
        .await
        .0,
        400
    );
    let mut bad = refund("pay_1001_b12", 100);
    bad["reason"] = json!("duplicate");
    bad.as_object_mut().unwrap().remove("providerId");
    let (status, v) = c
        .decoda(Method::POST, "/billing/payment/refund", Some(bad))
        .await;
    assert_eq!(status, 422);
    assert_eq!(v["detail"][0]["loc"], json!(["body", "providerId"]));
    assert_eq!(
        v["detail"][1]["msg"],
        "Input should be 'DUPLICATE', 'DISPUTE', 'BOOKING_FEE' or 'OTHER'"
    );
    // The charge shows the refunds of its payment.
    let (_, charge) = c
        .decoda(Method::GET, "/billing/charge/get/ch_1001_1", None)
        .await;
    assert_eq!(
        charge["payments"][0]["payment"]["refunds"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // A credit payment: settle 2000 of pat_1002's credit, refund 500 → 500 available again.
    let (status, settled) = c
        .decoda(
            Method::POST,
            &format!("{SETTLE}?amount=2000"),
            Some(json!([{"id": "ch_1002_1", "patientId": "pat_1002", "totalOutstanding": 6000}])),
        )
        .await;
    assert_eq!(status, 200);
    let (_, avail) = c
        .decoda(Method::GET, "/user/patient/pat_1002/credit/available", None)
        .await;
    assert_eq!(avail["totalAvailable"], 0);
    let (status, _) = c
        .decoda(
            Method::POST,
            "/billing/payment/refund",
            Some(refund(settled["id"].as_str().unwrap(), 500)),
        )
        .await;
    assert_eq!(status, 200);
    let (_, avail) = c
        .decoda(Method::GET, "/user/patient/pat_1002/credit/available", None)
        .await;
    assert_eq!(avail["totalAvailable"], 500);
    assert_eq!(avail["credits"][0]["creditId"], "cr_1002_a");
}

#[tokio::test]
async fn credit_available_and_paged_history() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Http::new(&sandbox);
    let (status, v) = c
        .decoda(Method::GET, "/user/patient/pat_1001/credit/available", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(v["totalAvailable"], 15000);
    assert_eq!(v["count"], 2, "used and expired credits are not available");
    assert_eq!(v["credits"][0]["creditId"], "cr_1001_a");
    assert_eq!(v["credits"][1]["totalAmount"], 10000);

    let page = |q: &str| format!("/user/patient/pat_1001/credit{q}");
    let (_, v) = c.decoda(Method::GET, &page(""), None).await;
    assert_eq!(v["total"], 3, "used included, expired not, by default");
    let (_, v) = c
        .decoda(Method::GET, &page("?page=1&per_page=2"), None)
        .await;
    assert_eq!(
        (v["total"].clone(), v["data"].as_array().unwrap().len()),
        (json!(3), 2)
    );
    let (_, v2) = c
        .decoda(Method::GET, &page("?page=2&per_page=2"), None)
        .await;
    assert_eq!(v2["data"].as_array().unwrap().len(), 1);
    assert_ne!(v["data"][0]["id"], v2["data"][0]["id"]);
    let (_, v) = c.decoda(Method::GET, &page("?page=9"), None).await;
    assert_eq!(v, json!({"data": [], "total": 3}));
    let (_, v) = c
        .decoda(
            Method::GET,
            &page("?include_expired=true&include_used=false"),
            None,
        )
        .await;
    assert_eq!(v["total"], 3);
    let (status, v) = c
        .decoda(Method::GET, &page("?per_page=101&page=0"), None)
        .await;
    assert_eq!(status, 422);
    assert_eq!(v["detail"][0]["type"], "greater_than_equal");
    assert_eq!(v["detail"][1]["type"], "less_than_equal");
    assert_eq!(v["detail"][1]["loc"], json!(["query", "per_page"]));
    assert_eq!(
        c.decoda(Method::GET, "/user/patient/pat_x/credit/available", None)
            .await,
        (404, json!({"detail": "Patient not found"}))
    );
}

#[tokio::test]
async fn settle_records_a_payment_and_uses_credit() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Http::new(&sandbox);
    let table = "/billing/payment/table?patient_id=pat_1001";
    let (_, before) = c.decoda(Method::GET, table, None).await;
    assert_eq!(before["items"]["total"], 2);
    assert_eq!(before["hasInsurancePayments"], false);
    let (status, settled) = c
        .decoda(
            Method::POST,
            &format!("{SETTLE}?amount=6000"),
            Some(json!([{"id": "ch_1001_1", "patientId": "pat_1001", "totalOutstanding": 8000}])),
        )
        .await;
    assert_eq!(status, 200);
    let (_, after) = c.decoda(Method::GET, table, None).await;
    assert_eq!(after["items"]["total"], 3);
    let newest = &after["items"]["data"][0];
    assert_eq!(newest["id"], settled["id"]);
    assert_eq!(newest["amount"], 6000);
    assert_eq!(newest["paymentMedium"], "CREDIT");
    let (_, asc) = c
        .decoda(
            Method::GET,
            &format!("{table}&sort_direction=asc&per_page=1"),
            None,
        )
        .await;
    assert_eq!(asc["items"]["data"].as_array().unwrap().len(), 1);
    assert_eq!(asc["items"]["data"][0]["id"], "pay_1001_b12");
    let (_, avail) = c
        .decoda(Method::GET, "/user/patient/pat_1001/credit/available", None)
        .await;
    assert_eq!(
        avail["totalAvailable"], 9000,
        "oldest credit first: 5000 + 1000 used"
    );
    assert_eq!(avail["credits"][0]["creditId"], "cr_1001_b");
    let (status, _) = c
        .decoda(Method::GET, &format!("{table}&status=DONE"), None)
        .await;
    assert_eq!(status, 422);
    let (_, only) = c
        .decoda(Method::GET, &format!("{table}&status=FAILED"), None)
        .await;
    assert_eq!(only["items"]["total"], 0);
}

#[tokio::test]
async fn webhook_management() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Http::new(&sandbox);
    let (status, w) = c
        .decoda(
            Method::POST,
            "/webhook/decoda/create",
            Some(json!({"subscriptions": ["PAYMENT_CREATED"], "url": "http://127.0.0.1:9/hook"})),
        )
        .await;
    assert_eq!(status, 200, "{w}");
    assert!(w["secret"].as_str().unwrap().len() >= 16);
    assert_eq!(w["subscriptions"], json!(["PAYMENT_CREATED"]));
    assert_eq!(w["isArchived"], false);
    let id = w["id"].as_str().unwrap().to_owned();
    let (_, list) = c.decoda(Method::GET, "/webhook/decoda/list", None).await;
    assert_eq!(ids(&list), std::slice::from_ref(&id));
    let (_, got) = c
        .decoda(Method::GET, &format!("/webhook/decoda/get/{id}"), None)
        .await;
    assert_eq!(got, w);
    let (status, updated) = c
        .decoda(
            Method::PUT,
            &format!("/webhook/decoda/update/{id}"),
            Some(json!({"subscriptions": ["REFUND_CREATED"]})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(updated["subscriptions"], json!(["REFUND_CREATED"]));
    assert!(updated["updatedDate"].is_string());
    assert_eq!(
        c.decoda(
            Method::DELETE,
            &format!("/webhook/decoda/delete/{id}"),
            None
        )
        .await,
        (200, json!(true))
    );
    let (_, list) = c.decoda(Method::GET, "/webhook/decoda/list", None).await;
    assert_eq!(list, json!([]));
    let (_, list) = c
        .decoda(
            Method::GET,
            "/webhook/decoda/list?include_archived=true",
            None,
        )
        .await;
    assert_eq!(list[0]["isArchived"], true);
    // Not loopback: refused; an unknown AlertType: 422; unknown id: 404.
    let (status, _) = c
        .decoda(
            Method::POST,
            "/webhook/decoda/create",
            Some(json!({"subscriptions": [], "url": "https://example.com/hook"})),
        )
        .await;
    assert_eq!(status, 400);
    let (status, v) = c
        .decoda(
            Method::POST,
            "/webhook/decoda/create",
            Some(json!({"subscriptions": ["PAYMENT_COMPLETED"], "url": "http://127.0.0.1:9/"})),
        )
        .await;
    assert_eq!(status, 422, "PAYMENT_COMPLETED is not an AlertType");
    assert_eq!(v["detail"][0]["loc"], json!(["body", "subscriptions", 0]));
    assert_eq!(
        c.decoda(Method::GET, "/webhook/decoda/get/wh_nope", None)
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn wave2_routes_check_headers_like_fastapi() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = Http::new(&sandbox);
    let path = "/billing/payment/methods?patient_id=pat_1001";
    let (status, v) = c
        .decoda_with(
            Method::GET,
            path,
            None,
            Some(patientpay_sandbox::credentials::DECODA_TENANT),
            None,
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(v["detail"][0]["loc"], json!(["header", "API-KEY"]));
    let (status, v) = c
        .decoda_with(Method::GET, path, Some("nope"), Some("nope"), None)
        .await;
    assert_eq!(
        (status, v),
        (401, json!({"detail": "Invalid API key or tenant"}))
    );
}
