//! Decoda's verify-patient answer: a generator of answers with any number of charges, the
//! SDK's verify call through `PatientBilling`, and what a user would write by hand for it.

use std::sync::Arc;

use bytes::Bytes;
use patientpay::decoda::DecodaBuilder;
use patientpay::pipeline::{HttpClient, HttpConfig};
use patientpay::{PatientBilling, VerifyPatient};
use patientpay_sandbox::credentials::{DECODA_API_KEY, DECODA_TENANT};
use serde::Deserialize;

/// A Decoda verify-patient answer (`PaymentLinkDetails`) with `charges` charges, each with
/// 3 items (with their inventory `item`), 2 payments (each with its payment method and a
/// refund), 2 adjustments, a tip and a full patient (tags, meta, medications), plus the
/// top-level patient and payment link; every date-time RFC 3339. Written charge by charge,
/// so a 10,000-charge answer never exists as a `serde_json::Value` tree.
pub fn verify_body(charges: usize) -> Vec<u8> {
    let patient = |i: usize| {
        serde_json::json!({
            "id": format!("pat_{i:06}"), "type": "PATIENT", "createdDate": "2023-11-07T05:31:56Z",
            "firstName": "Jane", "lastName": "Rivera", "phoneNumber": "+14155550123", "email": "jane.rivera@example.com",
            "locationId": "loc_1", "externalId": null, "address": "123 Main Street", "addressLineTwo": "Apt 4B",
            "city": "San Francisco", "state": "CA", "zipCode": "94105", "country": "US", "addressValid": true,
            "meta": {"source": "import"}, "isArchived": false, "primaryLocationId": "loc_1", "gender": "F",
            "dateOfBirth": "1985-04-12", "patientMedications": ["med_1"], "patientSource": "SELF_SCHEDULING",
            "onSchedulingBlacklist": false, "surchargeDisabled": false,
            "tags": [{"id": "tag_1", "name": "VIP", "isActive": true, "createdDate": "2023-11-07T05:31:56Z", "emoji": null, "color": "#ff0000", "updatedDate": null}],
            "creditBalance": 12500, "preferredProviderId": "prov_1"
        })
    };
    let item = |c: usize, j: usize| {
        serde_json::json!({
            "chargeId": format!("ch_{c:06}"), "quantity": 1 + j as i64, "price": 4500 + j as i64, "id": format!("ci_{c:06}_{j}"),
            "itemId": format!("item_{j}"), "name": "Botox 20u", "description": "Neurotoxin treatment",
            "discountAmount": 0, "discountPercentage": 0.0, "discountReason": null, "soldPackageId": null,
            "bankedQuantity": null, "bankedItemId": null, "issuedDiscountId": null, "soldByProviderId": "prov_1",
            "taxAmount": 0, "pricingId": null, "shipmentIds": [],
            "item": {"name": "Botox", "price": 4500, "id": format!("item_{j}"), "brandName": "Allergan", "description": null,
                     "category": "Injectables", "unit": if j.is_multiple_of(2) { "UNITS" } else { "VIALS" }, "isPhysical": true, "isArchived": false,
                     "internalNotes": null, "taxable": false, "sortOrder": 1, "allowCustomPricing": false, "type": "SERVICE"},
            "locationId": "loc_1", "locationName": "Main clinic", "saleDate": "2023-11-07T05:31:56Z"
        })
    };
    let payment = |c: usize, k: usize| {
        serde_json::json!({
            "paymentId": format!("pay_{c:06}_{k}"), "amount": 1000, "chargeId": format!("ch_{c:06}"),
            "payment": {"id": format!("pay_{c:06}_{k}"), "amount": 1000, "status": "SUCCEEDED", "paymentMedium": "CARD",
                "createdDate": "2023-11-07T05:31:56Z", "feeToPatient": 0, "patientId": format!("pat_{c:06}"), "payinId": null,
                "currency": "USD", "payinConfigId": null, "paymentMethodId": "pmeth_1", "stripePaymentIntentId": "pi_123",
                "failedReason": null, "updatedDate": "2023-11-07T05:31:56Z", "fee": 30,
                "paymentMethod": {"id": "pmeth_1", "patientId": format!("pat_{c:06}"), "rainforestPaymentMethodId": null, "brand": "visa",
                    "last4": "4242", "expMonth": 4, "expYear": 2029, "accountHolderType": null, "accountNumberLast4": null,
                    "bankName": null, "routingNumber": null, "description": null, "type": "CARD", "isDefault": true, "isArchived": false},
                "refunds": [{"id": "ref_1", "paymentId": format!("pay_{c:06}_{k}"), "amount": 100, "reason": "OTHER",
                    "createdDate": "2023-11-07T05:31:56Z", "status": "SUCCEEDED", "rainforestRefundId": null, "fee": 0}]},
            "createdDate": "2023-11-07T05:31:56Z"
        })
    };
    let adjustment = |c: usize, k: usize| {
        serde_json::json!({"chargeId": format!("ch_{c:06}"), "id": format!("adj_{c:06}_{k}"), "amount": 500,
            "createdDate": "2023-11-07T05:31:56Z", "adjustmentType": "ADJUSTMENT", "providerId": "prov_1", "locationId": "loc_1", "reason": "courtesy"})
    };
    let charge = |c: usize| {
        serde_json::json!({
            "patientId": "pat_000001", "totalOutstanding": 8000, "items": (0..3).map(|j| item(c, j)).collect::<Vec<_>>(),
            "adjustments": (0..2).map(|k| adjustment(c, k)).collect::<Vec<_>>(),
            "payments": (0..2).map(|k| payment(c, k)).collect::<Vec<_>>(),
            "id": format!("ch_{c:06}"), "patient": patient(1), "total": 10000, "description": "Treatment",
            "status": if c.is_multiple_of(3) { "PAID" } else { "OUTSTANDING" }, "discountAmount": 0, "discountPercentage": 0.0,
            "externalId": null, "externalCreatedDate": null, "ruleSetId": null, "createdDate": "2023-11-07T05:31:56Z",
            "creatorId": "prov_1", "tips": [{"chargeId": format!("ch_{c:06}"), "amount": 200, "providerId": "prov_1", "id": "tip_1", "provider": null}],
            "locationId": "loc_1", "eventId": null, "memberId": null, "comment": null, "meta": {}, "merchantAccountId": null
        })
    };
    let mut out = b"{\"charges\":[".to_vec();
    for c in 0..charges {
        if c > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, &charge(c)).expect("json");
    }
    out.extend_from_slice(b"],\"patient\":");
    serde_json::to_writer(&mut out, &patient(1)).expect("json");
    out.extend_from_slice(b",\"paymentLink\":\"https://pay.decodahealth.com/l/abc\"}");
    out
}

/// The largest verify answer (charges, body) of at most `limit` bytes.
pub fn verify_body_up_to(limit: usize) -> (usize, Vec<u8>) {
    let one = verify_body(1).len();
    let per = verify_body(2).len() - one;
    let mut n = (limit.saturating_sub(one) / per + 1).max(1);
    loop {
        let body = verify_body(n);
        if body.len() <= limit || n == 1 {
            return (n, body);
        }
        n -= 1;
    }
}

/// A Decoda client on `base`.
pub fn decoda(base: &str) -> Arc<dyn PatientBilling> {
    Arc::new(
        DecodaBuilder::new()
            .with_api_key(DECODA_API_KEY)
            .with_tenant(DECODA_TENANT)
            .with_base_url(base)
            .with_http_client(HttpClient::new(HttpConfig::default()).expect("http client"))
            .build()
            .expect("provider"),
    )
}

fn date_of_birth() -> patientpay::time::Date {
    patientpay::time::Date::from_calendar_date(1985, patientpay::time::Month::April, 12)
        .expect("date")
}

/// The SDK's verify call through the capability trait: validation, the JSON body, the
/// pipeline, the typed answer mapped to a `PatientBalance` (charges, items, `vendor_data`).
pub async fn sdk_verify(provider: &dyn PatientBilling) -> usize {
    provider
        .verify_patient_balance(VerifyPatient::new(
            "pat_000001",
            "Rivera",
            "+14155550123",
            date_of_birth(),
        ))
        .await
        .expect("sdk verify")
        .charges
        .len()
}

/// What a user would write by hand: the same request body and headers, and a struct
/// reading what the SDK's `PatientBalance` names (patient, each charge's id, patient, status,
/// amounts, description, date and its items' id, name, quantity and price). Not the
/// SDK's `vendor_data` (everything else, kept as JSON): a hand-written client drops it.
#[derive(Deserialize)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
pub struct HandBalance {
    charges: Vec<HandCharge>,
    patient: HandPatient,
    payment_link: String,
}

/// A charge of [`HandBalance`].
#[derive(Deserialize)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
pub struct HandCharge {
    id: Option<String>,
    patient_id: String,
    status: String,
    total: i64,
    total_outstanding: i64,
    description: Option<String>,
    created_date: Option<String>,
    items: Vec<HandItem>,
}

/// An item of [`HandCharge`].
#[derive(Deserialize)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
pub struct HandItem {
    id: Option<String>,
    name: Option<String>,
    quantity: i64,
    price: i64,
}

/// The patient of [`HandBalance`].
#[derive(Deserialize)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
pub struct HandPatient {
    id: String,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    phone_number: Option<String>,
    date_of_birth: Option<String>,
    credit_balance: Option<i64>,
    address: Option<String>,
    address_line_two: Option<String>,
    city: Option<String>,
    state: Option<String>,
    zip_code: Option<String>,
    country: Option<String>,
}

/// The hand-written verify call.
pub async fn raw_verify(client: &reqwest::Client, url: &str) -> usize {
    let body = serde_json::to_vec(&serde_json::json!({
        "patientId": "pat_000001", "lastName": "Rivera", "phoneNumber": "+14155550123", "dateOfBirth": "1985-04-12"
    }))
    .expect("json");
    let resp = client
        .post(url)
        .header("api-key", DECODA_API_KEY)
        .header("tenant", DECODA_TENANT)
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(body)
        .send()
        .await
        .expect("raw send");
    let bytes: Bytes = resp.bytes().await.expect("raw body");
    let balance: HandBalance = serde_json::from_slice(&bytes).expect("raw parse");
    balance.charges.len()
}
