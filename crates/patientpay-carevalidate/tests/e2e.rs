//! End to end through `Box<dyn PaymentProvider>` against the in-process sandbox: state
//! changes, error mapping, retries and what the sandbox recorded; the conformance suite;
//! and the contract test (every sandbox answer parses with this crate's wire types).

use std::time::Duration;

use http::{HeaderName, HeaderValue, Method};
use patientpay_carevalidate::wire::{
    ErrorResponse, PaymentIntentResponse, UpdateUserCode, UpdateUserResponse,
};
use patientpay_carevalidate::{CareValidate, CareValidateBuilder};
use patientpay_core::http::{BaseUrl, HttpClient, HttpConfig, RetryPolicy, VendorRequest};
use patientpay_core::{
    AddPaymentMethod, Address, CreatePaymentIntent, Currency, Error, ListPaymentMethods, Money,
    Operation, PaymentMethodType, PaymentProvider, UpdatePaymentInfo,
};
use patientpay_sandbox::{Fault, Sandbox, credentials};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

const INTENT: &str = "/api/v1/payments/intent";
const USERS: &str = "/api/v1/users";

fn fast_http() -> HttpConfig {
    HttpConfig::default().with_retry(
        RetryPolicy::default()
            .with_initial_backoff(Duration::from_millis(5))
            .with_jitter(false),
    )
}

fn client(sandbox: &Sandbox) -> CareValidate {
    CareValidateBuilder::new()
        .with_api_key(credentials::CAREVALIDATE_API_KEY)
        .with_base_url(sandbox.base_url())
        .with_http_config(fast_http())
        .build()
        .unwrap()
}

fn provider(sandbox: &Sandbox) -> Box<dyn PaymentProvider> {
    Box::new(client(sandbox))
}

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD)
}

fn white_house() -> Address {
    Address::new(
        "1600 Pennsylvania Avenue NW",
        "Washington",
        "DC",
        "20500",
        "US",
    )
}

fn update(email: &str, setup: &str) -> UpdatePaymentInfo {
    UpdatePaymentInfo::new(email, setup, "nmi_tok_123", white_house())
}

fn intents(sandbox: &Sandbox) -> Vec<patientpay_sandbox::vendors::carevalidate::CreatedIntent> {
    sandbox.with_state(|s| s.carevalidate.intents.clone())
}

#[tokio::test]
async fn creates_an_intent_with_exact_amount_and_method_types() {
    let sandbox = Sandbox::start().await.unwrap();
    let p = provider(&sandbox);
    assert_eq!(p.name(), "carevalidate");
    assert_eq!(
        p.capabilities().to_string(),
        "create_payment_intent, update_payment_info"
    );

    let intent = p
        .create_payment_intent(
            CreatePaymentIntent::new(usd(1999))
                .with_payment_method_types([PaymentMethodType::Klarna, PaymentMethodType::Card]),
        )
        .await
        .unwrap();
    let secret = intent.client_secret.expose_secret().to_owned();
    assert!(
        secret.starts_with("pi_") && secret.contains("_secret_"),
        "{secret}"
    );
    assert!(intent.client_secret.payment_intent_id().is_some());
    assert_eq!(intent.amount, usd(1999));
    assert_eq!(
        intent.message.as_deref(),
        Some("payment Intent initiated successfully")
    );

    let created = intents(&sandbox);
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].client_secret, secret);
    assert_eq!(created[0].amount_text, "19.99");
    assert_eq!(created[0].amount_cents, 1999);
    assert_eq!(created[0].payment_method_types, ["klarna", "card"]);

    let recorded = sandbox.requests();
    assert_eq!(recorded.len(), 1);
    let r = &recorded[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", INTENT));
    assert!(r.sent_secret("cv-api-key", credentials::CAREVALIDATE_API_KEY));
    assert_eq!(r.header("cv-api-key"), Some("<redacted>"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.json,
        Some(json!({"amount": 19.99, "paymentMethodTypes": ["klarna", "card"]}))
    );
}

#[tokio::test]
async fn every_amount_reaches_the_vendor_exactly() {
    let sandbox = Sandbox::start().await.unwrap();
    let p = provider(&sandbox);
    let amounts = [
        (1, "0.01"),
        (29, "0.29"),
        (115, "1.15"),
        (1999, "19.99"),
        (2950, "29.5"),
        (10000, "100"),
        (250_000, "2500"),
        (9_999_999_999, "99999999.99"),
        (
            patientpay_carevalidate::MAX_AMOUNT_MINOR_UNITS,
            "9999999999999.99",
        ),
    ];
    for (minor, _) in amounts {
        p.create_payment_intent(CreatePaymentIntent::new(usd(minor)))
            .await
            .unwrap();
    }
    let created = intents(&sandbox);
    assert_eq!(created.len(), amounts.len());
    for ((minor, text), intent) in amounts.iter().zip(&created) {
        assert_eq!(intent.amount_text, *text);
        assert_eq!(intent.amount_cents, *minor);
        assert!(
            intent.payment_method_types.is_empty(),
            "left out when none given"
        );
    }
    // Omitted, not an empty list.
    assert!(
        sandbox.requests().iter().all(|r| r
            .json
            .as_ref()
            .unwrap()
            .get("paymentMethodTypes")
            .is_none())
    );
    // A fresh secret each time.
    let mut secrets: Vec<_> = created.iter().map(|i| i.client_secret.clone()).collect();
    secrets.sort();
    secrets.dedup();
    assert_eq!(secrets.len(), amounts.len());
}

#[tokio::test]
async fn refuses_bad_input_before_any_request() {
    let sandbox = Sandbox::start().await.unwrap();
    let p = provider(&sandbox);
    let intent_cases = [
        (CreatePaymentIntent::new(usd(0)), "amount"),
        (
            CreatePaymentIntent::new(Money::from_minor(1999, Currency::EUR)),
            "amount",
        ),
        (
            CreatePaymentIntent::new(usd(patientpay_carevalidate::MAX_AMOUNT_MINOR_UNITS + 1)),
            "amount",
        ),
        (
            CreatePaymentIntent::new(usd(100))
                .with_payment_method_types([PaymentMethodType::Unknown(String::new())]),
            "payment_method_types",
        ),
    ];
    for (req, field) in intent_cases {
        let err = p.create_payment_intent(req).await.unwrap_err();
        assert_eq!(err.invalid_field(), Some(field), "{err}");
        assert!(err.is_usage());
    }
    let update_cases = [
        (update("not-an-email", "seti_1"), "email"),
        (update("john@example.com", ""), "stripe_setup_id"),
        (
            UpdatePaymentInfo::new("john@example.com", "seti_1", " ", white_house()),
            "nmi_payment_token",
        ),
        (
            UpdatePaymentInfo::new(
                "john@example.com",
                "seti_1",
                "t",
                Address::new("1 Main", "W", "ZZ", "20500", "US"),
            ),
            "shipping_address.state",
        ),
        (
            UpdatePaymentInfo::new(
                "john@example.com",
                "seti_1",
                "t",
                Address::new("1 Main", "W", "DC", "20500", "United States"),
            ),
            "shipping_address.country",
        ),
        (
            UpdatePaymentInfo::new(
                "john@example.com",
                "seti_1",
                "t",
                Address::new("", "W", "DC", "20500", "US"),
            ),
            "shipping_address.line1",
        ),
        (
            UpdatePaymentInfo::new(
                "john@example.com",
                "seti_1",
                "t",
                Address::new("1 Main", " ", "DC", "20500", "US"),
            ),
            "shipping_address.city",
        ),
        (
            UpdatePaymentInfo::new(
                "john@example.com",
                "seti_1",
                "t",
                Address::new("1 Main", "W", "DC", "", "US"),
            ),
            "shipping_address.postal_code",
        ),
    ];
    for (req, field) in update_cases {
        let err = p.update_payment_info(req).await.unwrap_err();
        assert_eq!(err.invalid_field(), Some(field), "{err}");
    }
    assert!(sandbox.requests().is_empty(), "{:?}", sandbox.requests());
}

#[tokio::test]
async fn updates_payment_info_and_the_vendor_keeps_it() {
    let sandbox = Sandbox::start().await.unwrap();
    let p = provider(&sandbox);
    let updated = p
        .update_payment_info(update("John@Example.com", "seti_1SNZDLKAXrtjbq2duGldHsHf"))
        .await
        .unwrap();
    assert_eq!(updated.code, "PAYMENT_SETUP_UPDATED");
    let saved = sandbox
        .with_state(|s| s.carevalidate.payment_info.get("john@example.com").cloned())
        .unwrap();
    assert_eq!(saved.stripe_setup_id, "seti_1SNZDLKAXrtjbq2duGldHsHf");
    assert_eq!(saved.nmi_payment_token, "nmi_tok_123");
    assert_eq!(saved.shipping_address["addressLine2"], "");
    assert_eq!(saved.shipping_address["state"], "DC");

    let with_line2 = UpdatePaymentInfo::new(
        "jane.doe@example.com",
        "seti_2",
        "nmi_tok_456",
        white_house().with_line2("Suite 100"),
    );
    p.update_payment_info(with_line2).await.unwrap();
    let saved = sandbox
        .with_state(|s| {
            s.carevalidate
                .payment_info
                .get("jane.doe@example.com")
                .cloned()
        })
        .unwrap();
    assert_eq!(saved.shipping_address["addressLine2"], "Suite 100");

    let recorded = sandbox.requests();
    assert_eq!(sandbox.count("POST", USERS), 2);
    assert!(
        recorded
            .iter()
            .all(|r| r.sent_secret("cv-api-key", credentials::CAREVALIDATE_API_KEY))
    );
    assert_eq!(
        recorded[0].json,
        Some(
            json!({"action": "UPDATE_PAYMENT_INFO", "email": "John@Example.com", "data": {
            "stripeSetupId": "seti_1SNZDLKAXrtjbq2duGldHsHf", "nmiPaymentToken": "nmi_tok_123",
            "shippingAddress": {"addressLine1": "1600 Pennsylvania Avenue NW", "addressLine2": "",
                "city": "Washington", "state": "DC", "country": "US", "postalCode": "20500"}}})
        )
    );
}

#[tokio::test]
async fn vendor_errors_read_clearly() {
    let sandbox = Sandbox::start().await.unwrap();
    let p = provider(&sandbox);

    let err = p
        .update_payment_info(update("jane.doe@unknown.example", "seti_1"))
        .await
        .unwrap_err();
    match &err {
        Error::Vendor {
            status: 400,
            message,
            request_id,
            ..
        } => {
            assert_eq!(message, "User <redacted> does not exist");
            assert!(request_id.is_some());
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.to_string().contains("jane.doe"), "{err}");
    assert!(!err.is_retryable());

    let err = p
        .update_payment_info(update("john@example.com", "pi_not_a_setup"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Vendor { status: 400, message, .. } if message == "No such setupintent: 'pi_not_a_setup'"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string().split(" (request id").next().unwrap(),
        "carevalidate update_payment_info failed: HTTP 400: No such setupintent: 'pi_not_a_setup'"
    );
    // Failed updates change nothing.
    assert!(sandbox.with_state(|s| s.carevalidate.payment_info.is_empty()));

    // The vendor's own method-type check: a type Stripe does not have reaches the vendor.
    let err = p
        .create_payment_intent(
            CreatePaymentIntent::new(usd(100))
                .with_payment_method_types([PaymentMethodType::Unknown("bitcoin_maybe".into())]),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Vendor { status: 400, message, .. } if message == "Invalid payment method types")
    );
    assert!(intents(&sandbox).is_empty());
}

#[tokio::test]
async fn auth_rate_limit_and_server_errors() {
    let sandbox = Sandbox::start().await.unwrap();
    let p = provider(&sandbox);

    sandbox.inject(
        Fault::on("POST", INTENT)
            .status_body(
                401,
                "application/json",
                r#"{"status":401,"error":"Invalid API key"}"#,
            )
            .times(1),
    );
    let err = p
        .create_payment_intent(CreatePaymentIntent::new(usd(100)))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Auth { status: 401, message: Some(m), .. } if m == "Invalid API key"),
        "{err:?}"
    );
    assert_eq!(sandbox.count("POST", INTENT), 1);

    // A 5xx on a money-moving POST is never retried: the intent may exist.
    sandbox.reset();
    sandbox.inject(Fault::on("POST", INTENT).times(1));
    let err = p
        .create_payment_intent(CreatePaymentIntent::new(usd(100)))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Vendor { status: 500, message, .. } if message == "Internal server error"),
        "{err:?}"
    );
    assert!(err.may_have_been_sent());
    assert_eq!(sandbox.count("POST", INTENT), 1);

    // 429 is retried (the vendor refused before doing anything).
    sandbox.reset();
    sandbox.inject(Fault::on("POST", USERS).rate_limit(Some("0")).times(1));
    let ok = p
        .update_payment_info(update("john@example.com", "seti_9"))
        .await
        .unwrap();
    assert_eq!(ok.code, "PAYMENT_SETUP_UPDATED");
    assert_eq!(sandbox.count("POST", USERS), 2);

    // success:false inside a 200 is an error.
    sandbox.reset();
    sandbox.inject(
        Fault::on("POST", INTENT)
            .status_body(
                200,
                "application/json",
                r#"{"status":200,"success":false,"message":"Amount must be a positive number"}"#,
            )
            .times(1),
    );
    let err = p
        .create_payment_intent(CreatePaymentIntent::new(usd(100)))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Vendor { status: 200, message, .. } if message == "Amount must be a positive number")
    );

    // An HTML error page from a proxy still reads as the status.
    sandbox.reset();
    sandbox.inject(
        Fault::on("POST", INTENT)
            .status_body(502, "text/html", "<html>Bad gateway</html>")
            .times(1),
    );
    let err = p
        .create_payment_intent(CreatePaymentIntent::new(usd(100)))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Vendor { status: 502, message, .. } if message == "Bad Gateway"),
        "{err:?}"
    );

    // A malformed success body is a decode error, not a panic.
    sandbox.reset();
    sandbox.inject(
        Fault::on("POST", INTENT)
            .kind(patientpay_sandbox::FaultKind::Malformed)
            .times(1),
    );
    let err = p
        .create_payment_intent(CreatePaymentIntent::new(usd(100)))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");

    // A per-call timeout applies.
    sandbox.reset();
    sandbox.inject(
        Fault::on("POST", INTENT)
            .delay(Duration::from_secs(2))
            .times(1),
    );
    let err = p
        .create_payment_intent(
            CreatePaymentIntent::new(usd(100)).with_timeout(Duration::from_millis(200)),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(
        sandbox.count("POST", INTENT),
        1,
        "a timed-out payment intent is not retried"
    );
}

#[tokio::test]
async fn unsupported_operations_send_nothing() {
    let sandbox = Sandbox::start().await.unwrap();
    let p = provider(&sandbox);
    let err = p
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Unsupported {
            provider: "carevalidate",
            operation: Operation::ListPaymentMethods
        }
    ));
    assert_eq!(
        err.to_string(),
        "list_payment_methods is not supported by carevalidate"
    );
    let err = p
        .add_payment_method(AddPaymentMethod::new("pm_x"))
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Unsupported {
            operation: Operation::AddPaymentMethod,
            ..
        }
    ));
    assert!(sandbox.requests().is_empty());
}

#[tokio::test]
async fn conformance_suite_passes_without_io() {
    let sandbox = Sandbox::start().await.unwrap();
    let p = client(&sandbox);
    patientpay_core::conformance::check_provider(&p).await;
    assert!(sandbox.requests().is_empty(), "{:?}", sandbox.requests());
}

#[tokio::test]
async fn clones_share_the_pool_and_the_client_is_shareable() {
    let sandbox = Sandbox::start().await.unwrap();
    let shared = HttpClient::new(fast_http()).unwrap();
    let a = CareValidateBuilder::new()
        .with_api_key("key-a")
        .with_base_url(sandbox.base_url())
        .with_http_client(shared.clone())
        .build()
        .unwrap();
    let b = a.clone();
    let (x, y) = tokio::join!(
        a.create_payment_intent(CreatePaymentIntent::new(usd(100))),
        b.create_payment_intent(CreatePaymentIntent::new(usd(200)))
    );
    assert_ne!(x.unwrap().client_secret, y.unwrap().client_secret);
    assert!(
        sandbox
            .requests()
            .iter()
            .all(|r| r.sent_secret("cv-api-key", "key-a"))
    );
}

/// Sends a raw request to the sandbox through core's HTTP client (no vendor-crate mapping),
/// so that every answer — success or documented error — can be parsed with the wire types.
async fn raw(sandbox: &Sandbox, path: &[&str], key: Option<&str>, body: Value) -> (u16, Vec<u8>) {
    let http = HttpClient::new(HttpConfig::default().with_retry(RetryPolicy::none())).unwrap();
    let url = BaseUrl::parse(&sandbox.base_url())
        .unwrap()
        .endpoint(path)
        .unwrap();
    let mut req = VendorRequest::new(
        "carevalidate",
        Operation::CreatePaymentIntent,
        Method::POST,
        url,
    )
    .json_body(&body)
    .unwrap();
    if let Some(key) = key {
        req = req.header(
            HeaderName::from_static("cv-api-key"),
            HeaderValue::from_str(key).unwrap(),
        );
    }
    let resp = http.execute(req).await.unwrap();
    (resp.status(), resp.body().to_vec())
}

/// Path, key sent, body, expected status, expected vendor message.
type ErrorCase<'a> = (&'a [&'a str], Option<&'a str>, Value, u16, &'a str);

#[tokio::test]
async fn contract_every_sandbox_answer_parses_with_the_wire_types() {
    let sandbox = Sandbox::start().await.unwrap();
    let key = Some(credentials::CAREVALIDATE_API_KEY);
    let intent = &["api", "v1", "payments", "intent"];
    let users = &["api", "v1", "users"];

    let (status, body) = raw(
        &sandbox,
        intent,
        key,
        json!({"amount": 19.99, "paymentMethodTypes": ["card"]}),
    )
    .await;
    assert_eq!(status, 200);
    let ok: PaymentIntentResponse = serde_json::from_slice(&body).unwrap();
    assert_eq!((ok.status, ok.success), (Some(200), Some(true)));
    assert!(
        ok.data
            .unwrap()
            .payment_intent_secret
            .expose_secret()
            .starts_with("pi_")
    );

    let good_update = json!({"action": "UPDATE_PAYMENT_INFO", "email": "john@example.com", "data": {
        "stripeSetupId": "seti_1", "nmiPaymentToken": "tok", "shippingAddress": {
            "addressLine1": "1600 Pennsylvania Avenue NW", "addressLine2": "", "city": "Washington",
            "state": "DC", "country": "US", "postalCode": "20500"}}});
    let (status, body) = raw(&sandbox, users, key, good_update.clone()).await;
    assert_eq!(status, 200);
    let ok: UpdateUserResponse = serde_json::from_slice(&body).unwrap();
    assert_eq!(ok.data.unwrap().code, UpdateUserCode::PaymentSetupUpdated);

    let mut unknown_user = good_update.clone();
    unknown_user["email"] = json!("someone@unknown.example");
    let mut bad_setup = good_update.clone();
    bad_setup["data"]["stripeSetupId"] = json!("set_123");
    let errors: Vec<ErrorCase> = vec![
        (intent, key, json!({}), 400, "Amount is required"),
        (
            intent,
            key,
            json!({"amount": null}),
            400,
            "Amount is required",
        ),
        (
            intent,
            key,
            json!({"amount": -5}),
            400,
            "Amount must be a positive number",
        ),
        (
            intent,
            key,
            json!({"amount": 0}),
            400,
            "Amount must be a positive number",
        ),
        (
            intent,
            key,
            json!({"amount": "19.99"}),
            400,
            "Amount must be a positive number",
        ),
        (
            intent,
            key,
            json!({"amount": 5, "paymentMethodTypes": ["card", "nope"]}),
            400,
            "Invalid payment method types",
        ),
        (
            intent,
            key,
            json!({"amount": 5, "paymentMethodTypes": "card"}),
            400,
            "Invalid payment method types",
        ),
        (intent, None, json!({"amount": 5}), 401, "Invalid API key"),
        (
            intent,
            Some(" "),
            json!({"amount": 5}),
            401,
            "Invalid API key",
        ),
        (users, None, good_update.clone(), 401, "Invalid API key"),
        (
            users,
            key,
            unknown_user,
            400,
            "User someone@unknown.example does not exist",
        ),
        (users, key, bad_setup, 400, "No such setupintent: 'set_123'"),
    ];
    for (path, key, body, want_status, want_message) in errors {
        let (status, answer) = raw(&sandbox, path, key, body.clone()).await;
        assert_eq!(status, want_status, "{body}");
        let parsed: ErrorResponse = serde_json::from_slice(&answer).unwrap();
        assert_eq!(parsed.error_message(), Some(want_message), "{body}");
        if want_status == 401 {
            assert_eq!(parsed.status, Some(401));
        } else {
            assert_eq!(parsed.success, Some(false), "{body}");
        }
        // The operation's own answer types read it too.
        serde_json::from_slice::<PaymentIntentResponse>(&answer).unwrap();
        serde_json::from_slice::<UpdateUserResponse>(&answer).unwrap();
    }
    // Documented update errors have the full shape.
    let (_, answer) = raw(&sandbox, users, key, {
        let mut b = good_update;
        b["email"] = json!("x@unknown.example");
        b
    })
    .await;
    let parsed: ErrorResponse = serde_json::from_slice(&answer).unwrap();
    assert_eq!(parsed.status, Some(400));
    assert_eq!(parsed.message.as_deref(), Some("Invalid request"));
}
