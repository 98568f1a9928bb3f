//! Wave 2 contract and wire shape: every new answer of the sandbox validates against
//! `decoda-wave2-openapi.json` and parses with this crate's wire types; every new request,
//! as the sandbox received it, is snapshotted (method, path, query, headers, body).

mod common;

use common::{spec_wave2, validate};
use patientpay_core::futures_util::StreamExt;
use patientpay_core::{
    AddPaymentMethod, CallOptions, Checkout, CreditBalanceRequest, Currency, ListCredits,
    ListPaymentMethods, ListPayments, Money, PatientBilling, PatientRef, PayWithSavedMethod,
    PaymentMethods, Processor, RefundPayment, RefundReason, RemovePaymentMethod, StartCheckout,
    VendorData, VerifyPatient, parse_date,
};
use patientpay_decoda::{Decoda, DecodaBuilder, PaymentTableQuery, wire};
use patientpay_sandbox::{RecordedRequest, Sandbox, credentials};
use serde_json::{Value, json};

fn client(sandbox: &Sandbox) -> Decoda {
    DecodaBuilder::new()
        .with_api_key(credentials::DECODA_API_KEY)
        .with_tenant(credentials::DECODA_TENANT)
        .with_base_url(sandbox.base_url())
        .build()
        .unwrap()
}

fn rainforest() -> VendorData {
    let Value::Object(map) = json!({
        "paymentMethodId": "mtd_contract", "paymentMethodConfigId": "pmc_1", "fingerprint": null,
        "methodType": "ACH", "card": null,
        "ach": {"accountHolderType": "INDIVIDUAL", "accountNumberLast4": "6789",
                "bankName": "Chase", "routingNumber": "021000021"},
        "applePay": null, "billingContact": null, "metadata": {"source": "test"},
        "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"
    }) else {
        unreachable!()
    };
    VendorData::from_map(map)
}

/// The request as received, wire-exact, with the secret headers shown as redacted.
fn shown(r: &RecordedRequest) -> Value {
    let headers: serde_json::Map<String, Value> = r
        .headers
        .iter()
        .filter(|(k, _)| ["accept", "content-type", "api-key", "tenant"].contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    assert!(r.sent_secret("api-key", credentials::DECODA_API_KEY));
    assert!(r.sent_secret("tenant", credentials::DECODA_TENANT));
    json!({
        "method": r.method,
        "path": r.path,
        "query": r.query,
        "headers": headers,
        "body": r.json,
    })
}

fn check(spec: &Value, schema: &str, value: &Value) {
    let errors = match value {
        Value::Array(items) => items
            .iter()
            .flat_map(|v| validate(spec, schema, v))
            .collect(),
        v => validate(spec, schema, v),
    };
    assert!(errors.is_empty(), "{schema}: {errors:?}\n{value}");
}

#[tokio::test]
async fn every_new_answer_matches_the_spec_parses_and_every_request_is_snapshotted() {
    let spec = spec_wave2();
    let sandbox = Sandbox::start().await.unwrap();
    let d = client(&sandbox);
    let maria = PatientRef::id("pat_1001");
    let dob = parse_date("dob", "1985-04-12").unwrap();
    let balance = d
        .verify_patient_balance(VerifyPatient::new(
            "pat_1001",
            "Rivera",
            "+14155550101",
            dob,
        ))
        .await
        .unwrap();
    let opts = CallOptions::new();
    sandbox.clear_requests();

    // Each operation through the SDK (which parses with the wire types), then the answer
    // the sandbox gave, validated against the spec.
    d.list_payment_methods(ListPaymentMethods::for_patient(maria.clone()))
        .await
        .unwrap();
    let saved = d
        .add_payment_method(
            AddPaymentMethod::from_processor_object(Processor::Rainforest, rainforest())
                .for_patient(maria.clone()),
        )
        .await
        .unwrap();
    d.remove_payment_method(
        RemovePaymentMethod::new(saved.id.clone().unwrap()).for_patient(maria.clone()),
    )
    .await
    .unwrap();
    d.start_checkout(
        StartCheckout::pay_charges(balance.charges.clone()).for_patient(maria.clone()),
    )
    .await
    .unwrap();
    let paid = d
        .pay_with_saved_method(
            PayWithSavedMethod::new(maria.clone(), "pm_1001_visa", balance.charges.clone())
                .with_amount(Money::from_minor(1500, Currency::USD)),
        )
        .await
        .unwrap();
    d.start_checkout(StartCheckout::pay_outstanding("+14155550101"))
        .await
        .unwrap();
    d.refund_payment(
        RefundPayment::new(
            "pay_1001_b12",
            "prov_7",
            Money::from_minor(1000, Currency::USD),
            RefundReason::BookingFee,
        )
        .with_description("returned fee"),
    )
    .await
    .unwrap();
    d.credit_balance(CreditBalanceRequest::new(maria.clone()))
        .await
        .unwrap();
    let _: Vec<_> = d
        .credits(ListCredits::new(maria.clone()).with_per_page(2))
        .collect()
        .await;
    let _: Vec<_> = d
        .payments(ListPayments::new(maria.clone()).with_per_page(2))
        .take(1)
        .collect()
        .await;
    let charge = d.get_charge_raw("ch_1001_1", &opts).await.unwrap();
    assert!(
        charge
            .payments
            .iter()
            .any(|p| p.payment.payin_config_id == paid.payin_config_id)
    );

    let requests = sandbox.requests();
    let snapshot: Vec<Value> = requests.iter().map(shown).collect();
    insta::assert_json_snapshot!("wave2_requests_as_received", snapshot);

    // Raw answers, validated and parsed.
    let answers: Vec<(&str, Value)> = vec![
        (
            "PaymentMethodSummary",
            serde_json::to_value(d.list_payment_methods_raw("pat_1001", &opts).await.unwrap())
                .unwrap(),
        ),
        (
            "PublicInvoiceSummary",
            serde_json::to_value(d.payment_links_raw("+14155550101", &opts).await.unwrap())
                .unwrap(),
        ),
        (
            "AvailableCreditResponse",
            serde_json::to_value(d.credit_available_raw("pat_1001", &opts).await.unwrap()).unwrap(),
        ),
    ];
    for (schema, typed) in &answers {
        // The typed form re-serialized must still be a valid instance (nothing lost or renamed).
        check(&spec, schema, typed);
    }
    // The sandbox's own bytes, validated as received, for every new endpoint.
    let raw = |method: &'static str, path: &'static str| {
        let base = sandbox.base_url();
        async move {
            let client = patientpay_core::reqwest::Client::new();
            let url = format!("{base}{path}");
            let req = match method {
                "GET" => client.get(url),
                "DELETE" => client.delete(url),
                _ => client.post(url),
            };
            let resp = req
                .header("API-KEY", credentials::DECODA_API_KEY)
                .header("TENANT", credentials::DECODA_TENANT)
                .header("content-type", "application/json")
                .body(match path {
                    p if p.starts_with("/billing/payment-terminal/payin-config") => {
                        r#"{"paymentMedium":"PAYMENT_LINK","charges":[{"id":"ch_1001_2","patientId":"pat_1001","totalOutstanding":4500}]}"#
                    }
                    p if p.starts_with("/billing/payment/refund") => {
                        r#"{"paymentId":"pay_1001_card","providerId":"prov_7","amount":100,"reason":"OTHER"}"#
                    }
                    p if p.starts_with("/user/patient/payment-methods/create") => {
                        r#"{"paymentMethodId":"mtd_raw","paymentMethodConfigId":"pmc","fingerprint":null,"methodType":"CARD","card":{"type":"CREDIT","brand":"VISA","brandDesc":"Visa","last4":"1111","expMonth":1,"expYear":2030},"ach":null,"applePay":null,"billingContact":null,"metadata":{},"createdAt":"x","updatedAt":"x"}"#
                    }
                    _ => "",
                })
                .send()
                .await
                .unwrap();
            let status = resp.status().as_u16();
            (
                status,
                serde_json::from_slice::<Value>(&resp.bytes().await.unwrap()).unwrap(),
            )
        }
    };
    let cases: Vec<(&str, &str, &str)> = vec![
        (
            "GET",
            "/billing/payment/methods?patient_id=pat_1002",
            "PaymentMethodSummary",
        ),
        (
            "POST",
            "/user/patient/payment-methods/create?patient_id=pat_1003",
            "PaymentMethodSummary",
        ),
        (
            "POST",
            "/billing/payment-terminal/payin-config",
            "PayinComponentSetupResponse",
        ),
        (
            "GET",
            "/billing/payment-links?phone_number=%2B13125550188",
            "PublicInvoiceSummary",
        ),
        ("POST", "/billing/payment/refund", "RefundSummary"),
        (
            "GET",
            "/user/patient/pat_1001/credit/available",
            "AvailableCreditResponse",
        ),
        (
            "GET",
            "/user/patient/pat_1001/credit?include_expired=true",
            "Page_PatientCreditSummary_",
        ),
        (
            "GET",
            "/billing/payment/table?patient_id=pat_1001",
            "PaymentTable",
        ),
        (
            "GET",
            "/billing/charge/get/ch_1002_2",
            "ChargeDetailWithItems",
        ),
        (
            "GET",
            "/user/patient/pat_1001/credit?per_page=500",
            "HTTPValidationError",
        ),
    ];
    for (method, path, schema) in cases {
        let (status, body) = raw(method, path).await;
        assert!(
            status == 200 || schema == "HTTPValidationError",
            "{path}: {status} {body}"
        );
        check(&spec, schema, &body);
        let parsed = match schema {
            "PaymentMethodSummary" if body.is_array() => {
                serde_json::from_value::<Vec<wire::PaymentMethodSummary>>(body).map(|_| ())
            }
            "PaymentMethodSummary" => {
                serde_json::from_value::<wire::PaymentMethodSummary>(body).map(|_| ())
            }
            "PayinComponentSetupResponse" => {
                serde_json::from_value::<wire::PayinComponentSetupResponse>(body).map(|_| ())
            }
            "PublicInvoiceSummary" => {
                serde_json::from_value::<Vec<wire::PublicInvoiceSummary>>(body).map(|_| ())
            }
            "RefundSummary" => serde_json::from_value::<wire::RefundSummary>(body).map(|_| ()),
            "AvailableCreditResponse" => {
                serde_json::from_value::<wire::AvailableCreditResponse>(body).map(|_| ())
            }
            "Page_PatientCreditSummary_" => {
                serde_json::from_value::<wire::PagePatientCreditSummary>(body).map(|_| ())
            }
            "PaymentTable" => serde_json::from_value::<wire::PaymentTable>(body).map(|_| ()),
            "ChargeDetailWithItems" => {
                serde_json::from_value::<wire::ChargeDetailWithItems>(body).map(|_| ())
            }
            _ => serde_json::from_value::<wire::HttpValidationError>(body).map(|_| ()),
        };
        parsed.unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    // The saved-card charge and the archive answers.
    let config = d
        .create_payin_config_raw(
            &patientpay_decoda::map::payin_to_wire(
                &balance.charges[1..2],
                wire::PaymentMedium::SavedPaymentMethod,
                None,
            )
            .unwrap(),
            &opts,
        )
        .await
        .unwrap();
    let charged = d
        .charge_card_raw("pm_1001_mc", &config.payin_config_id, &opts)
        .await
        .unwrap();
    check(
        &spec,
        "ChargePaymentMethodResponse",
        &serde_json::to_value(&charged).unwrap(),
    );
    let (status, body) = raw(
        "DELETE",
        "/user/patient/payment-methods/pm_1001_mc?patient_id=pat_1001",
    )
    .await;
    assert_eq!((status, body), (200, Value::Bool(true)));
    let table = d
        .payment_table_raw(&PaymentTableQuery::for_patient("pat_1001", 1, 50), &opts)
        .await
        .unwrap();
    assert!(
        table
            .items
            .data
            .iter()
            .any(|p| p.payment_medium == "SAVED_PAYMENT_METHOD")
    );
}
