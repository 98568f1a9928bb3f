//! Contract test: every answer of the sandbox (written from CarePortals' docs, not from this
//! crate's types) parses with this crate's wire types — successes, logins and documented
//! errors.

use http::Method;
use http::header::{AUTHORIZATION, HeaderValue, ORIGIN};
use patientpay_careportals::wire;
use patientpay_core::http::{BaseUrl, HttpClient, VendorRequest, VendorResponse};
use patientpay_core::{Operation, RetrySafety};
use patientpay_sandbox::{Sandbox, credentials};
use serde::de::DeserializeOwned;

struct Raw {
    http: HttpClient,
    base: BaseUrl,
}

impl Raw {
    async fn send(
        &self,
        op: Operation,
        method: Method,
        path: &[&str],
        jwt: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> VendorResponse {
        let mut req = VendorRequest::new(
            "careportals",
            op,
            method,
            self.base.endpoint(path).unwrap(),
            RetrySafety::NotIdempotent,
        )
        .accept_json()
        .header(
            ORIGIN,
            HeaderValue::from_static(credentials::CAREPORTALS_ORIGIN),
        )
        .header(
            http::header::HeaderName::from_static("organization"),
            HeaderValue::from_static(credentials::CAREPORTALS_ORGANIZATION),
        );
        if let Some(jwt) = jwt {
            req = req.header(
                AUTHORIZATION,
                HeaderValue::from_str(&format!("Bearer {jwt}")).unwrap(),
            );
        }
        if let Some(body) = body {
            req = req.json_body(&body).unwrap();
        }
        self.http.execute(req).await.unwrap()
    }
}

/// Strict: the success decoder the provider uses (content type and shape).
fn parse<T: DeserializeOwned>(resp: &VendorResponse) -> T {
    resp.json::<T>().unwrap_or_else(|e| panic!("{e}"))
}

fn error_body(resp: &VendorResponse) -> wire::ErrorBody {
    assert!(resp.is_json(), "errors are JSON");
    parse(resp)
}

#[tokio::test]
async fn every_sandbox_answer_parses_with_the_wire_types() {
    let sandbox = Sandbox::start().await.unwrap();
    let raw = Raw {
        http: HttpClient::new(patientpay_core::http::HttpConfig::default()).expect("http client"),
        base: BaseUrl::parse(&sandbox.base_url()).unwrap(),
    };
    let me = Some(credentials::CAREPORTALS_TOKEN);
    let list = ["users", "payment-methods"];
    let add = ["v2", "users", "payment-methods"];

    // The seeded wallet (the docs' example).
    let r = raw
        .send(Operation::ListPaymentMethods, Method::GET, &list, me, None)
        .await;
    assert_eq!(r.status(), 200);
    let methods: Vec<wire::PaymentMethod> = parse(&r);
    assert_eq!(methods.len(), 1);
    assert_eq!(methods[0].card.as_ref().unwrap().exp_month, Some(4));

    // Every kind of add the sandbox emulates, then the list holding them.
    for token in [
        "pm_card_visa",
        "pm_card_mastercard",
        "pm_card_amex",
        "pm_1SomeOtherStripeId",
        "nmi-payment-token-1",
    ] {
        let r = raw
            .send(
                Operation::AddPaymentMethod,
                Method::POST,
                &add,
                me,
                Some(serde_json::json!({"paymentMethodId": token})),
            )
            .await;
        assert_eq!(r.status(), 201, "{token}");
        let added: wire::AddedPaymentMethod = parse(&r);
        assert_eq!(added.kind, wire::PaymentMethodType::Card);
        assert!(added.last4.is_some() && added.exp.is_some(), "{token}");
    }
    let r = raw
        .send(Operation::ListPaymentMethods, Method::GET, &list, me, None)
        .await;
    let methods: Vec<wire::PaymentMethod> = parse(&r);
    assert_eq!(methods.len(), 6);
    let nmi = methods
        .iter()
        .find(|m| m.object.is_none())
        .expect("an NMI-shaped method");
    assert!(nmi.card.is_none() && nmi.last4.is_some() && nmi.exp.is_some() && nmi.id.is_some());
    for m in &methods {
        assert!(m.kind == wire::PaymentMethodType::Card);
        if let Some(card) = &m.card {
            assert!(card.exp_month.is_some() && card.exp_year.is_some() && card.brand.is_some());
            assert!(!card.brand.as_ref().unwrap().is_unknown());
        }
    }

    // A new patient's wallet is empty.
    let someone_new = credentials::careportals_token_for("66f1c0de00000000000000ff");
    let r = raw
        .send(
            Operation::ListPaymentMethods,
            Method::GET,
            &list,
            Some(&someone_new),
            None,
        )
        .await;
    assert!(parse::<Vec<wire::PaymentMethod>>(&r).is_empty());

    // Remove: success, then the documented 404.
    let id = ["v2", "users", "payment-methods", "pm_1SomeOtherStripeId"];
    let r = raw
        .send(
            Operation::RemovePaymentMethod,
            Method::DELETE,
            &id,
            me,
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(parse::<wire::RemovalResult>(&r).success);
    let r = raw
        .send(
            Operation::RemovePaymentMethod,
            Method::DELETE,
            &id,
            me,
            None,
        )
        .await;
    assert_eq!(r.status(), 404);
    let e = error_body(&r);
    assert_eq!(e.status_code, Some(404));
    assert_eq!(e.message.unwrap().to_line(), "Payment method not found");

    // The decline.
    let r = raw
        .send(
            Operation::AddPaymentMethod,
            Method::POST,
            &add,
            me,
            Some(serde_json::json!({"paymentMethodId": "pm_card_chargeDeclined"})),
        )
        .await;
    assert_eq!(r.status(), 402);
    assert_eq!(
        error_body(&r).message.unwrap().to_line(),
        "Your card was declined."
    );

    // Validation errors (message is a list).
    for body in [
        serde_json::json!({}),
        serde_json::json!({"paymentMethodId": ""}),
        serde_json::json!({"paymentMethodId": 5}),
    ] {
        let r = raw
            .send(
                Operation::AddPaymentMethod,
                Method::POST,
                &add,
                me,
                Some(body.clone()),
            )
            .await;
        assert_eq!(r.status(), 400, "{body}");
        let e = error_body(&r);
        assert!(
            matches!(e.message, Some(wire::ErrorMessage::Many(_))),
            "{body}"
        );
        assert_eq!(e.error.as_deref(), Some("Bad Request"));
    }

    // Login, on both paths: the token, then bad credentials and missing fields.
    for path in [&["auth", "login"][..], &["patient", "auth"][..]] {
        let r = raw
            .send(
                Operation::Login,
                Method::POST,
                path,
                None,
                Some(serde_json::json!({
                    "username": credentials::CAREPORTALS_USERNAME,
                    "password": credentials::CAREPORTALS_PASSWORD,
                })),
            )
            .await;
        assert!(r.is_success(), "{path:?}: {}", r.status());
        let answer: wire::LoginAnswer = parse(&r);
        assert!(answer.token.is_some(), "{path:?}");
        let r = raw
            .send(
                Operation::Login,
                Method::POST,
                path,
                None,
                Some(serde_json::json!({"username": credentials::CAREPORTALS_USERNAME, "password": "no"})),
            )
            .await;
        assert_eq!(r.status(), 401);
        assert!(error_body(&r).message.is_some());
        let r = raw
            .send(
                Operation::Login,
                Method::POST,
                path,
                None,
                Some(serde_json::json!({})),
            )
            .await;
        assert_eq!(r.status(), 400);
        assert!(matches!(
            error_body(&r).message,
            Some(wire::ErrorMessage::Many(_))
        ));
    }

    // No JWT → 401, on every route.
    for (op, method, path) in [
        (Operation::ListPaymentMethods, Method::GET, &list[..]),
        (Operation::AddPaymentMethod, Method::POST, &add[..]),
        (Operation::RemovePaymentMethod, Method::DELETE, &id[..]),
    ] {
        let r = raw.send(op, method, path, None, None).await;
        assert_eq!(r.status(), 401);
        let e = error_body(&r);
        assert_eq!(
            (e.status_code, e.message.map(|m| m.to_line())),
            (Some(401), Some("Unauthorized".to_owned()))
        );
    }
}
