//! Money outcomes (issue 16) and idempotent retries (issue 15 §6), with the sandbox's
//! faults: a money call that may have reached the vendor never reports a definite failure;
//! the payment intent is sent once; case payments and confirmations are retried with the
//! same idempotency key and create one payment; Stripe's amount limits are checked before
//! anything is sent.

use std::time::Duration;

use patientpay_carevalidate::{
    CareValidate, CareValidateBuilder, CasePaymentStatus, ConfirmCustomerPayment, CreateCasePayment,
};
use patientpay_core::pipeline::{HttpConfig, RetryPolicy};
use patientpay_core::{
    Checkout, CreatePaymentIntent, Currency, Error, Money, StartCheckout, parse_date,
};
use patientpay_sandbox::{Fault, FaultKind, Sandbox, credentials};

const INTENT: &str = "/api/v1/payments/intent";
const CASE: &str = "3c9a7f2e-1b4d-4e8a-9f6b-000000000001";
const CASE_PAYMENTS: &str = "/api/v1/cases/3c9a7f2e-1b4d-4e8a-9f6b-000000000001/payments";
const CONFIRM: &str = "/api/v1/customer-payment-confirmation";

fn client_with(sandbox: &Sandbox, config: HttpConfig) -> CareValidate {
    CareValidateBuilder::new()
        .with_api_key(credentials::CAREVALIDATE_API_KEY)
        .with_base_url(sandbox.base_url())
        .with_http_config(config)
        .build()
        .unwrap()
}

fn fast() -> HttpConfig {
    HttpConfig::default().with_retry(
        RetryPolicy::default()
            .with_initial_backoff(Duration::from_millis(5))
            .with_jitter(false),
    )
}

fn client(sandbox: &Sandbox) -> CareValidate {
    client_with(sandbox, fast())
}

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD)
}

fn intent() -> CreatePaymentIntent {
    CreatePaymentIntent::new(usd(1999))
}

/// An outcome-unknown error with the HTTP status (and, when the vendor sent an answer,
/// its request id).
fn assert_unknown(err: &Error, status: Option<u16>) {
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert!(err.may_have_been_sent());
    assert_eq!(err.status(), status, "{err:?}");
    assert!(err.to_string().contains("outcome unknown"), "{err}");
    assert!(err.next_step().contains("reconcile"), "{}", err.next_step());
}

#[tokio::test]
async fn stripes_limits_are_checked_before_sending() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    for text in ["0.49", "1000000.00"] {
        let amount = Money::parse_positive("amount", text, Currency::USD).unwrap();
        let err = c
            .create_payment_intent(CreatePaymentIntent::new(amount))
            .await
            .unwrap_err();
        assert_eq!(err.invalid_field(), Some("amount"), "{text}: {err}");
        assert!(err.to_string().contains("Stripe"), "{err}");
        let err = c
            .start_checkout(StartCheckout::pay(amount))
            .await
            .unwrap_err();
        assert_eq!(err.invalid_field(), Some("amount"));
        let err = c
            .create_case_payment(CreateCasePayment::new(CASE, amount, "d"))
            .await
            .unwrap_err();
        assert_eq!(err.invalid_field(), Some("amount"));
    }
    assert!(
        sandbox.requests().is_empty(),
        "nothing is sent: {:?}",
        sandbox.requests()
    );
    for text in ["0.50", "999999.99"] {
        let amount = Money::parse_positive("amount", text, Currency::USD).unwrap();
        c.create_payment_intent(CreatePaymentIntent::new(amount))
            .await
            .unwrap();
        c.create_case_payment(CreateCasePayment::new(CASE, amount, "d"))
            .await
            .unwrap();
    }
    let sent: Vec<String> = sandbox.with_state(|s| {
        s.carevalidate
            .intents
            .iter()
            .map(|i| i.amount_text.clone())
            .collect()
    });
    assert_eq!(sent, ["0.5", "999999.99"]);
    assert_eq!(
        sandbox.with_state(|s| s.carevalidate.case_payments.len()),
        2
    );
}

#[tokio::test]
async fn intent_200_that_cannot_be_read_is_outcome_unknown() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    for body in [
        // Truncated JSON, complete HTTP answer.
        r#"{"status":200,"success":true,"data":{"paymentIntentSecret":"pi_3SG0o8_secr"#,
        // The wrong shape.
        r#"{"status":"ok","success":true,"data":{"paymentIntentSecret":"pi_3SG0o8_secret_ZZTOP"}}"#,
        // Decodes, but has no secret.
        r#"{"status":200,"success":true,"data":{}}"#,
    ] {
        sandbox.reset();
        sandbox.inject(
            Fault::on("POST", INTENT)
                .status_body(200, "application/json", body)
                .times(1),
        );
        let err = c.create_payment_intent(intent()).await.unwrap_err();
        assert_unknown(&err, Some(200));
        assert!(
            err.request_id().is_some_and(|id| id.starts_with("sbx_")),
            "{err:?}"
        );
        let kept = err.kept_body().unwrap_or_default();
        assert!(
            !kept.contains("ZZTOP") && !format!("{err:?}").contains("ZZTOP"),
            "the client secret is hidden: {kept}"
        );
        assert_eq!(sandbox.count("POST", INTENT), 1, "sent once");
    }
    // Not JSON at all.
    sandbox.reset();
    sandbox.inject(
        Fault::on("POST", INTENT)
            .kind(FaultKind::Malformed)
            .times(1),
    );
    let err = c.create_payment_intent(intent()).await.unwrap_err();
    assert_unknown(&err, Some(200));
    assert!(err.request_id().is_some());
    // Cut mid-body by the connection closing: no status reached the client, still unknown.
    sandbox.reset();
    sandbox.inject(Fault::on("POST", INTENT).kind(FaultKind::Truncate).times(1));
    let err = c.create_payment_intent(intent()).await.unwrap_err();
    assert!(
        err.is_outcome_unknown() && err.may_have_been_sent(),
        "{err:?}"
    );
    assert_eq!(sandbox.count("POST", INTENT), 1);
    assert_eq!(
        sandbox.with_state(|s| s.carevalidate.intents.len()),
        1,
        "the vendor did create it"
    );
}

#[tokio::test]
async fn intent_200_over_the_size_cap_is_outcome_unknown() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client_with(&sandbox, fast().with_max_response_bytes(1024));
    for content_length in [true, false] {
        sandbox.reset();
        sandbox.inject(
            Fault::on("POST", INTENT)
                .kind(FaultKind::HugeBody {
                    bytes: 64 * 1024,
                    content_length,
                })
                .times(1),
        );
        let err = c.create_payment_intent(intent()).await.unwrap_err();
        assert_unknown(&err, Some(200));
        assert!(
            matches!(err, Error::OutcomeUnknown { ref cause, .. } if matches!(**cause, Error::ResponseTooLarge { .. }))
        );
        assert_eq!(sandbox.count("POST", INTENT), 1);
    }
}

#[tokio::test]
async fn intent_5xx_timeout_and_reset_are_outcome_unknown_and_sent_once() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    for status in [500, 502, 503, 504] {
        sandbox.reset();
        sandbox.inject(
            Fault::on("POST", INTENT)
                .status_body(
                    status,
                    "application/json",
                    r#"{"success":false,"message":"Internal server error"}"#,
                )
                .times(1),
        );
        let err = c.create_payment_intent(intent()).await.unwrap_err();
        assert_unknown(&err, Some(status));
        assert!(err.request_id().is_some());
        assert!(err.to_string().contains("Internal server error"), "{err}");
        assert_eq!(sandbox.count("POST", INTENT), 1, "{status}: never retried");
    }
    // An HTML page from a proxy: described, never shown.
    sandbox.reset();
    sandbox.inject(
        Fault::on("POST", INTENT)
            .status_body(502, "text/html", "<html>jane@x.com</html>")
            .times(1),
    );
    let err = c.create_payment_intent(intent()).await.unwrap_err();
    assert_unknown(&err, Some(502));
    assert!(
        err.to_string()
            .contains("text/html body of 23 bytes (not shown)"),
        "{err}"
    );
    assert!(!err.to_string().contains("jane"));
    // A timeout after sending.
    sandbox.reset();
    sandbox.inject(
        Fault::on("POST", INTENT)
            .delay(Duration::from_secs(2))
            .times(1),
    );
    let err = c
        .create_payment_intent(intent().with_timeout(Duration::from_millis(200)))
        .await
        .unwrap_err();
    assert!(
        err.is_outcome_unknown() && err.may_have_been_sent(),
        "{err:?}"
    );
    assert_eq!(sandbox.count("POST", INTENT), 1);
    // Handled, then the connection drops: the intent exists, the client never heard.
    sandbox.reset();
    sandbox.inject(
        Fault::on("POST", INTENT)
            .kind(FaultKind::DropAfterHandling)
            .times(1),
    );
    let err = c.create_payment_intent(intent()).await.unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert_eq!(sandbox.count("POST", INTENT), 1);
    assert_eq!(sandbox.with_state(|s| s.carevalidate.intents.len()), 1);
    // A 429 is refused before anything happened: retried.
    sandbox.reset();
    sandbox.inject(Fault::on("POST", INTENT).rate_limit(Some("0")).times(1));
    c.create_payment_intent(intent()).await.unwrap();
    assert_eq!(sandbox.count("POST", INTENT), 2);
    // `success: false` in a 200 is the vendor's definite refusal.
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
    let err = c.create_payment_intent(intent()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Vendor { status: 200, message, .. } if message == "Amount must be a positive number"),
        "{err:?}"
    );
    assert!(!err.may_have_been_sent());
}

fn keys_sent(sandbox: &Sandbox, path: &str) -> Vec<String> {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.path == path)
        .map(|r| {
            r.json.as_ref().unwrap()["idempotencyKey"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_case_payment_is_retried_with_the_same_key_and_created_once() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    // A 500 on the first attempt (nothing created), then success.
    sandbox.inject(Fault::on("POST", CASE_PAYMENTS).times(1));
    let paid = c
        .create_case_payment(CreateCasePayment::new(CASE, usd(5000), "Consult"))
        .await
        .unwrap();
    let keys = keys_sent(&sandbox, CASE_PAYMENTS);
    assert_eq!(keys.len(), 2, "retried once");
    assert_eq!(keys[0], keys[1], "the same key on every attempt");
    assert_eq!(keys[0], paid.idempotency_key);
    assert_eq!(
        sandbox.with_state(|s| s.carevalidate.case_payments.len()),
        1
    );

    // Handled, then the connection drops: the retry gets the first answer replayed.
    sandbox.reset();
    sandbox.inject(
        Fault::on("POST", CASE_PAYMENTS)
            .kind(FaultKind::DropAfterHandling)
            .times(1),
    );
    let paid = c
        .create_case_payment(
            CreateCasePayment::new(CASE, usd(7500), "Follow-up").with_idempotency_key("order-77"),
        )
        .await
        .unwrap();
    let payments = sandbox.with_state(|s| s.carevalidate.case_payments.clone());
    assert_eq!(
        payments.len(),
        1,
        "one payment although two attempts arrived"
    );
    assert_eq!(
        payments[0].payment_id, paid.payment_id,
        "the answer is the first one, replayed"
    );
    assert_eq!(keys_sent(&sandbox, CASE_PAYMENTS), ["order-77", "order-77"]);

    // 5xx on every attempt: outcome unknown after the retries, all with one key.
    sandbox.reset();
    sandbox.inject(Fault::on("POST", CASE_PAYMENTS));
    let err = c
        .create_case_payment(
            CreateCasePayment::new(CASE, usd(5000), "Consult").with_idempotency_key("order-78"),
        )
        .await
        .unwrap_err();
    assert_unknown(&err, Some(500));
    assert_eq!(keys_sent(&sandbox, CASE_PAYMENTS), ["order-78"; 3]);
    sandbox.clear_faults();
    // Repeating the logical call with the same key is how to find out.
    let paid = c
        .create_case_payment(
            CreateCasePayment::new(CASE, usd(5000), "Consult").with_idempotency_key("order-78"),
        )
        .await
        .unwrap();
    assert_eq!(paid.idempotency_key, "order-78");
}

#[tokio::test]
async fn a_case_payment_answer_that_cannot_be_trusted_is_outcome_unknown() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    for body in [
        // Another amount than asked.
        r#"{"success":true,"data":{"result":{"paymentId":"p1","status":"UNPAID","amount":1.0,"description":"d","createdAt":"2026-01-01T00:00:00.000Z"}}}"#,
        // No payment id.
        r#"{"success":true,"data":{"result":{"status":"UNPAID","amount":50}}}"#,
        // A bad date.
        r#"{"success":true,"data":{"result":{"paymentId":"p1","amount":50,"createdAt":"yesterday"}}}"#,
        // Truncated.
        r#"{"success":true,"data":{"result":{"paymentId":"p1","amo"#,
    ] {
        sandbox.reset();
        sandbox.inject(
            Fault::on("POST", CASE_PAYMENTS)
                .status_body(200, "application/json", body)
                .times(1),
        );
        let err = c
            .create_case_payment(CreateCasePayment::new(CASE, usd(5000), "d"))
            .await
            .unwrap_err();
        assert_unknown(&err, Some(200));
        assert!(err.request_id().is_some());
        assert_eq!(
            sandbox.count("POST", CASE_PAYMENTS),
            1,
            "a 200 is not retried: {body}"
        );
    }
    sandbox.reset();
    sandbox.inject(
        Fault::on("POST", CASE_PAYMENTS)
            .status_body(
                200,
                "application/json",
                r#"{"success":true,"data":{"result":{"paymentId":"p1","amount":1.0}}}"#,
            )
            .times(1),
    );
    let err = c
        .create_case_payment(CreateCasePayment::new(CASE, usd(5000), "d"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("contradicts the request"), "{err}");
}

#[tokio::test]
async fn a_confirmation_is_retried_with_the_same_key() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    let d = |s| parse_date("d", s).unwrap();
    sandbox.inject(Fault::on("POST", CONFIRM).times(1));
    let done = c
        .confirm_customer_payment(ConfirmCustomerPayment::new(
            CASE,
            usd(5000),
            d("2025-01-01"),
            CasePaymentStatus::Paid,
            d("2025-02-01"),
        ))
        .await
        .unwrap();
    let keys = keys_sent(&sandbox, CONFIRM);
    assert_eq!(keys, [done.idempotency_key.clone(), done.idempotency_key]);
    assert_eq!(
        sandbox.with_state(|s| s.carevalidate.confirmations.len()),
        1
    );
    sandbox.reset();
    sandbox.inject(
        Fault::on("POST", CONFIRM)
            .delay(Duration::from_secs(2))
            .times(1),
    );
    let err = c
        .confirm_customer_payment(
            ConfirmCustomerPayment::new(
                CASE,
                usd(5000),
                d("2025-01-01"),
                CasePaymentStatus::Paid,
                d("2025-02-01"),
            )
            .with_timeout(Duration::from_millis(200)),
        )
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
}
