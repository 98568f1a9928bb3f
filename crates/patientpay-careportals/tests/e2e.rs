//! End to end against the sandbox, through `&dyn PaymentMethods` and `dyn PaymentProvider`.

mod common;

use common::{builder, client, client_for};
use patientpay_careportals::CarePortals;
use patientpay_core::{
    AddPaymentMethod, CardBrand, Error, ListPaymentMethods, Operation, PatientRef,
    PaymentMethodKind, PaymentMethods, PaymentProvider, Processor, RemovePaymentMethod,
};
use patientpay_sandbox::{Fault, FaultKind, Sandbox, credentials};

const DOC_CARD: &str = "pm_1Rz78FKeCoUxIkZxXhFa0HlF";

#[tokio::test]
async fn list_add_remove_through_the_capability() {
    let sandbox = Sandbox::start().await.unwrap();
    let provider: Box<dyn PaymentProvider> = Box::new(client(&sandbox));
    assert_eq!(provider.name(), "careportals");
    assert!(provider.checkout().is_none() && provider.billing().is_none());
    assert!(provider.webhooks().is_none());
    let methods: &dyn PaymentMethods = provider.payment_methods().expect("served");

    let listed = methods
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    let doc = &listed[0];
    assert_eq!(doc.id.as_deref(), Some(DOC_CARD));
    assert_eq!(doc.kind, PaymentMethodKind::Card);
    assert_eq!(doc.brand, Some(CardBrand::Visa));
    assert_eq!(doc.last4.as_deref(), Some("4242"));
    assert_eq!((doc.exp_month, doc.exp_year), (Some(4), Some(2029)));
    assert_eq!(doc.processor, Processor::Stripe);
    assert_eq!(doc.fingerprint.as_deref(), Some("wkxxH2W0e4S1mvIM"));
    assert_eq!(doc.funding.as_deref(), Some("credit"));
    assert_eq!(doc.customer.as_deref(), Some("cus_Rwr5mZerq1Q2VL"));
    assert_eq!(
        doc.created_at.map(|t| t.unix_timestamp()),
        Some(1_755_915_879)
    );
    assert!(doc.vendor_data.as_map().contains_key("radar_options"));
    assert_eq!(
        doc.billing_details.as_ref().and_then(|b| b.name.as_deref()),
        Some("Jane Doe")
    );

    let added = methods
        .add_payment_method(AddPaymentMethod::new("pm_card_mastercard"))
        .await
        .unwrap();
    // A Stripe test token creates a new PaymentMethod whose id the add answer does not
    // carry: it is found by listing.
    assert_eq!(added.id, None);
    assert_eq!(added.last4.as_deref(), Some("4444"));
    assert_eq!(added.processor, Processor::Stripe);
    assert!(added.exp_month.is_some() && added.exp_year.is_some());

    let listed = methods
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
    let mc = listed
        .iter()
        .find(|m| m.id.as_deref() != Some(DOC_CARD))
        .unwrap();
    assert_eq!(mc.brand, Some(CardBrand::Mastercard));
    let mc_id = mc.id.clone().expect("a listed method has its id");
    assert!(
        mc_id.starts_with("pm_") && mc_id != "pm_card_mastercard",
        "{mc_id}"
    );

    let removed = methods
        .remove_payment_method(RemovePaymentMethod::new(DOC_CARD))
        .await
        .unwrap();
    assert!(removed.removed && !removed.already_removed);
    assert_eq!(removed.id, DOC_CARD);
    let listed = methods
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .unwrap();
    assert_eq!(
        listed.iter().map(|m| m.id.clone()).collect::<Vec<_>>(),
        vec![Some(mc_id.clone())]
    );

    // What the sandbox saw: the documented routes, headers and body.
    let reqs = sandbox.requests();
    let paths: Vec<(String, String)> = reqs
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    assert_eq!(
        paths,
        [
            ("GET", "/users/payment-methods"),
            ("POST", "/v2/users/payment-methods"),
            ("GET", "/users/payment-methods"),
            (
                "DELETE",
                "/v2/users/payment-methods/pm_1Rz78FKeCoUxIkZxXhFa0HlF"
            ),
            ("GET", "/users/payment-methods"),
        ]
        .map(|(m, p)| (m.to_owned(), p.to_owned()))
    );
    for r in &reqs {
        assert!(
            r.sent_secret(
                "authorization",
                &format!("Bearer {}", credentials::CAREPORTALS_TOKEN)
            ),
            "{r:?}"
        );
        assert_eq!(r.header("authorization"), Some("<redacted>"));
        assert_eq!(r.header("origin"), Some(credentials::CAREPORTALS_ORIGIN));
        assert_eq!(
            r.header("organization"),
            Some(credentials::CAREPORTALS_ORGANIZATION)
        );
        assert_eq!(r.header("accept"), Some("application/json"));
    }
    assert_eq!(
        reqs[1].json,
        Some(serde_json::json!({"paymentMethodId": "pm_card_mastercard"}))
    );
    assert_eq!(reqs[1].header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn capability_conformance_suite() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    patientpay_core::conformance::check_provider(&c);
    patientpay_core::conformance::payment_methods(
        &c,
        PatientRef::token(credentials::CAREPORTALS_TOKEN),
        PatientRef::id("pat_1"),
        AddPaymentMethod::new("pm_card_visa"),
    )
    .await;
    // The same suite through a handle acting for nobody: every call names the patient.
    let nobody = builder(&sandbox).build().unwrap();
    patientpay_core::conformance::payment_methods(
        &nobody,
        PatientRef::token(credentials::careportals_token_for(
            "66f1c0de00000000000000c1",
        )),
        PatientRef::id("pat_1"),
        AddPaymentMethod::new("00000000-000000-000000-000000000000"),
    )
    .await;
}

#[tokio::test]
async fn per_patient_handles_and_per_call_patients() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = client(&sandbox);
    let alice_jwt = credentials::careportals_token_for("66f1c0de00000000000000a1");
    let bob_jwt = credentials::careportals_token_for("66f1c0de00000000000000b1");
    let alice = base.for_patient(alice_jwt.clone());
    assert_eq!(alice.patient(), Some(PatientRef::token(alice_jwt.clone())));
    let bob = PatientRef::token(bob_jwt.clone());

    assert!(
        alice
            .list_payment_methods(ListPaymentMethods::new())
            .await
            .unwrap()
            .is_empty()
    );
    let nmi = alice
        .add_payment_method(AddPaymentMethod::new("00000000-000000-000000-000000000000"))
        .await
        .unwrap();
    assert_eq!(nmi.id, None, "the add answer has no id for an NMI token");
    assert_eq!(nmi.processor, Processor::Nmi);
    // Bob through the demo patient's handle, naming him per call.
    let amex = base
        .add_payment_method(AddPaymentMethod::new("pm_card_amex").for_patient(bob.clone()))
        .await
        .unwrap();
    assert_eq!(amex.last4.as_deref(), Some("0005"));

    let alices = alice
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .unwrap();
    assert_eq!(alices.len(), 1);
    assert_eq!(alices[0].processor, Processor::Nmi);
    let nmi_id = alices[0]
        .id
        .clone()
        .expect("listed NMI methods carry an id");
    let bobs = base
        .list_payment_methods(ListPaymentMethods::for_patient(bob.clone()))
        .await
        .unwrap();
    assert_eq!(bobs.len(), 1);
    assert_eq!(bobs[0].brand, Some(CardBrand::Amex));

    // Bob cannot remove Alice's method (a first-attempt 404 is an error); Alice can.
    let e = base
        .remove_payment_method(RemovePaymentMethod::new(nmi_id.clone()).for_patient(bob))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(404));
    alice
        .remove_payment_method(RemovePaymentMethod::new(nmi_id))
        .await
        .unwrap();
    // The demo patient's own wallet was never touched.
    assert_eq!(
        base.list_payment_methods(ListPaymentMethods::new())
            .await
            .unwrap()
            .len(),
        1
    );

    let reqs = sandbox.requests();
    let sent = |jwt: &str| {
        reqs.iter()
            .filter(|r| r.sent_secret("authorization", &format!("Bearer {jwt}")))
            .count()
    };
    assert_eq!(sent(&alice_jwt), 4);
    assert_eq!(sent(&bob_jwt), 3);
    assert_eq!(sent(credentials::CAREPORTALS_TOKEN), 1);
    assert!(
        reqs.iter().all(|r| r
            .headers
            .iter()
            .filter(|(k, _)| k == "authorization")
            .count()
            == 1),
        "one Authorization header per request"
    );
}

#[tokio::test]
async fn the_patient_is_named_right_or_nothing_is_sent() {
    let sandbox = Sandbox::start().await.unwrap();
    let nobody = builder(&sandbox).build().unwrap();
    assert_eq!(nobody.patient(), None);
    let e = nobody
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Config { setting, .. } if setting == "CAREPORTALS_TOKEN"),
        "{e}"
    );
    for bad in ["", "  "] {
        let e = client(&sandbox)
            .for_patient(bad)
            .add_payment_method(AddPaymentMethod::new("pm_card_visa"))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, Error::Config { setting, .. } if setting == "CAREPORTALS_TOKEN"),
            "{e}"
        );
    }
    let e = client(&sandbox)
        .remove_payment_method(
            RemovePaymentMethod::new(DOC_CARD).for_patient(PatientRef::id("pat_1")),
        )
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("patient"));
    assert!(
        e.to_string()
            .contains("CarePortals acts as the patient: use PatientRef::token"),
        "{e}"
    );
    assert!(sandbox.requests().is_empty(), "refused before any I/O");
}

#[tokio::test]
async fn tokens_the_vendor_refuses_are_auth_errors() {
    let sandbox = Sandbox::start().await.unwrap();
    for jwt in [
        "not-a-jwt".to_owned(),
        credentials::careportals_token("66f1c0de0000000000000001", 1_000_000_000),
        format!("{}x", credentials::CAREPORTALS_TOKEN),
    ] {
        let e = client_for(&sandbox, &jwt)
            .list_payment_methods(ListPaymentMethods::new())
            .await
            .unwrap_err();
        assert!(
            matches!(&e, Error::Auth { status: 401, message: Some(m), .. } if m == "Unauthorized"),
            "{e}"
        );
    }
    // A wrong organization: the sandbox answers 403 as the vendor does.
    let wrong_org = builder(&sandbox)
        .with_organization("someone_else")
        .with_token(credentials::CAREPORTALS_TOKEN)
        .build()
        .unwrap();
    let e = wrong_org
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .unwrap_err();
    assert!(matches!(&e, Error::Auth { status: 403, .. }), "{e}");
    // A body that is not CarePortals' error shape is described, not shown.
    sandbox.inject(
        Fault::on("POST", "/v2/users/payment-methods")
            .status_body(403, "text/plain", "Forbidden resource")
            .times(1),
    );
    let e = client(&sandbox)
        .add_payment_method(AddPaymentMethod::new("pm_card_visa"))
        .await
        .unwrap_err();
    assert!(matches!(&e, Error::Auth { status: 403, .. }), "{e}");
    assert!(!e.to_string().contains("Forbidden resource"), "{e}");
    assert!(e.to_string().contains("text/plain"), "{e}");
}

#[tokio::test]
async fn error_mapping_and_retries() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);

    // 402 decline → Vendor error carrying the vendor's message; not retried.
    let e = c
        .add_payment_method(AddPaymentMethod::new("pm_card_chargeDeclined"))
        .await
        .unwrap_err();
    match &e {
        Error::Vendor {
            provider,
            operation,
            status,
            message,
            ..
        } => {
            assert_eq!(
                (*provider, *operation, *status),
                ("careportals", Operation::AddPaymentMethod, 402)
            );
            assert_eq!(message, "Your card was declined.");
        }
        other => panic!("{other:?}"),
    }
    assert!(!e.is_retryable());
    assert_eq!(sandbox.count("POST", "/v2/users/payment-methods"), 1);

    // Unknown id → 404 Vendor error (a first attempt: not "already removed").
    let e = c
        .remove_payment_method(RemovePaymentMethod::new("pm_nope"))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Vendor { status: 404, message, .. } if message == "Payment method not found"),
        "{e}"
    );
    assert_eq!(
        sandbox.count("DELETE", "/v2/users/payment-methods/pm_nope"),
        1
    );

    // `{success: false}` on a 200 is an error.
    sandbox.inject(
        Fault::on("DELETE", "/v2/users/payment-methods/*")
            .status_body(200, "application/json", r#"{"success": false}"#)
            .times(1),
    );
    let e = c
        .remove_payment_method(RemovePaymentMethod::new(DOC_CARD))
        .await
        .unwrap_err();
    assert!(matches!(&e, Error::Vendor { status: 200, .. }), "{e}");
    assert!(e.to_string().contains("success: false"), "{e}");

    // A 503 on a read is retried, then succeeds.
    sandbox.clear_requests();
    sandbox.inject(
        Fault::on("GET", "/users/payment-methods")
            .status(503)
            .times(1),
    );
    assert_eq!(
        c.list_payment_methods(ListPaymentMethods::new())
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(sandbox.count("GET", "/users/payment-methods"), 2);

    // A 503 on an add is not retried (it may have saved the card).
    sandbox.clear_requests();
    sandbox.inject(
        Fault::on("POST", "/v2/users/payment-methods")
            .status(503)
            .times(1),
    );
    let e = c
        .add_payment_method(AddPaymentMethod::new("pm_card_visa"))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_eq!(sandbox.count("POST", "/v2/users/payment-methods"), 1);

    // Malformed success bodies are decode errors that name the place, not the content.
    sandbox.inject(
        Fault::on("GET", "/users/payment-methods")
            .status_body(200, "application/json", r#"[{"id":"pm_1","type":42}]"#)
            .times(1),
    );
    let e = c
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Decode { .. }), "{e}");
    assert!(e.to_string().contains("[0].type"), "{e}");
}

/// Issue 16 §8: the first DELETE removes the method but the answer is lost; the retry gets
/// 404 and the SDK, knowing it retried, reports the method removed.
#[tokio::test]
async fn a_retried_delete_that_finds_the_method_gone_is_removed() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    sandbox.inject(
        Fault::on("DELETE", "/v2/users/payment-methods/*")
            .kind(FaultKind::DropAfterHandling)
            .times(1),
    );
    let removed = c
        .remove_payment_method(RemovePaymentMethod::new(DOC_CARD))
        .await
        .unwrap();
    assert!(removed.removed && removed.already_removed, "{removed:?}");
    assert_eq!(removed.id, DOC_CARD);
    let path = format!("/v2/users/payment-methods/{DOC_CARD}");
    assert_eq!(sandbox.count("DELETE", &path), 2, "sent, then retried once");
    assert!(
        c.list_payment_methods(ListPaymentMethods::new())
            .await
            .unwrap()
            .is_empty(),
        "the first attempt did remove it"
    );
    // The raw call reports it as `{success: true}` too.
    sandbox.with_state(|s| {
        let doc =
            serde_json::json!({"id": "pm_1Again", "type": "card", "last4": "1", "exp": "1/2030"});
        s.careportals
            .set_wallet(credentials::CAREPORTALS_TOKEN, vec![doc]);
    });
    sandbox.inject(
        Fault::on("DELETE", "/v2/users/payment-methods/*")
            .kind(FaultKind::DropAfterHandling)
            .times(1),
    );
    let raw = c
        .remove_payment_method_raw(RemovePaymentMethod::new("pm_1Again"))
        .await
        .unwrap();
    assert!(raw.success);
    // Without a retry, the same 404 stays an error.
    let e = c
        .remove_payment_method(RemovePaymentMethod::new(DOC_CARD))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(404));
}

#[tokio::test]
async fn raw_methods_expose_the_full_vendor_objects() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    let raw = c
        .list_payment_methods_raw(ListPaymentMethods::new())
        .await
        .unwrap();
    let card = raw[0].card.as_ref().unwrap();
    assert_eq!(card.fingerprint.as_deref(), Some("wkxxH2W0e4S1mvIM"));
    assert_eq!(raw[0].customer.as_deref(), Some("cus_Rwr5mZerq1Q2VL"));
    assert_eq!(raw[0].exp.as_deref(), Some("4/2029"));
    assert!(raw[0].other.contains_key("radar_options"));
    let added = c
        .add_payment_method_raw(AddPaymentMethod::new("pm_card_visa"))
        .await
        .unwrap();
    assert_eq!(added.last4.as_deref(), Some("4242"));
    let new_id = c
        .list_payment_methods_raw(ListPaymentMethods::new())
        .await
        .unwrap()
        .into_iter()
        .filter_map(|m| m.id)
        .find(|id| id.starts_with("pm_sbx"))
        .expect("the new card");
    let removed = c
        .remove_payment_method_raw(RemovePaymentMethod::new(new_id))
        .await
        .unwrap();
    assert!(removed.success);
}

/// A vendor that echoes the token it was sent (as Stripe's "No such PaymentMethod: 'pm_…'"
/// does) must not carry it into the error.
#[tokio::test]
async fn an_echoed_payment_token_is_hidden_from_errors() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(Fault::on("POST", "/v2/users/payment-methods").status_body(
        400,
        "application/json",
        r#"{"statusCode":400,"message":"No such PaymentMethod: 'pm_SECRET_echo_42'"}"#,
    ));
    let err = client(&sandbox)
        .add_payment_method(AddPaymentMethod::new("pm_SECRET_echo_42"))
        .await
        .unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains("pm_SECRET_echo_42"), "{text}");
    assert!(text.contains("No such PaymentMethod"), "{text}");
}

fn session_client(sandbox: &Sandbox) -> CarePortals {
    builder(sandbox).build().unwrap()
}

fn password(p: &str) -> secrecy::SecretString {
    secrecy::SecretString::from(p.to_owned())
}

#[tokio::test]
async fn login_gives_a_handle_for_the_patient() {
    use secrecy::ExposeSecret;
    let sandbox = Sandbox::start().await.unwrap();
    let session = session_client(&sandbox)
        .login(
            credentials::CAREPORTALS_USERNAME,
            password(credentials::CAREPORTALS_PASSWORD),
        )
        .await
        .unwrap();
    assert_eq!(
        session.patient_id.as_deref(),
        Some(credentials::CAREPORTALS_PATIENT_ID)
    );
    let now = patientpay_core::time::OffsetDateTime::now_utc();
    let exp = session.expires_at.expect("exp");
    let hours = (exp - now).whole_hours();
    assert!((719..=720).contains(&hours), "{hours}h");
    assert!(!session.is_expired_at(now));
    assert!(!format!("{session:?}").contains(session.token().expose_secret()));
    assert_eq!(
        session.handle.patient(),
        Some(PatientRef::Token(session.token().clone()))
    );
    // The handle acts for the demo patient: their seeded wallet.
    let listed = session
        .handle
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .unwrap();
    assert_eq!(listed[0].id.as_deref(), Some(DOC_CARD));

    let reqs = sandbox.requests();
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(reqs[0].path, "/auth/login");
    assert_eq!(
        reqs[0].header("organization"),
        Some(credentials::CAREPORTALS_ORGANIZATION)
    );
    assert_eq!(reqs[0].header("authorization"), None);
    assert_eq!(
        reqs[0].json,
        Some(serde_json::json!({
            "username": credentials::CAREPORTALS_USERNAME,
            "password": credentials::CAREPORTALS_PASSWORD,
        }))
    );
    assert!(reqs[1].sent_secret(
        "authorization",
        &format!("Bearer {}", session.token().expose_secret())
    ));
    assert_eq!(sandbox.with_state(|s| s.careportals.tokens_issued), 1);
}

#[tokio::test]
async fn login_paths_and_refusals() {
    let sandbox = Sandbox::start().await.unwrap();
    // The path the vendor's guide names.
    let guide = builder(&sandbox)
        .with_login_path("/patient/auth")
        .build()
        .unwrap();
    let session = guide
        .login(
            "JANE.DOE@example.com",
            password(credentials::CAREPORTALS_PASSWORD),
        )
        .await
        .unwrap();
    assert_eq!(
        session.patient_id.as_deref(),
        Some(credentials::CAREPORTALS_PATIENT_ID)
    );
    assert_eq!(sandbox.count("POST", "/patient/auth"), 1);

    // Bad credentials → Auth (401 from the sandbox; 400 as observed live).
    let c = session_client(&sandbox);
    let e = c
        .login(
            credentials::CAREPORTALS_USERNAME,
            password("wrong-password"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            &e,
            Error::Auth {
                status: 401,
                operation: Operation::Login,
                ..
            }
        ),
        "{e}"
    );
    sandbox.inject(
        Fault::on("POST", "/auth/login")
            .status_body(
                400,
                "application/json",
                r#"{"statusCode":400,"message":"Invalid username or password"}"#,
            )
            .times(1),
    );
    let e = c
        .login(
            credentials::CAREPORTALS_USERNAME,
            password("wrong-password"),
        )
        .await
        .unwrap_err();
    assert!(matches!(&e, Error::Auth { status: 400, .. }), "{e}");

    // An answer without a token is a decode error.
    sandbox.inject(
        Fault::on("POST", "/auth/login")
            .status_body(201, "application/json", r#"{"user":{}}"#)
            .times(1),
    );
    let e = c
        .login(credentials::CAREPORTALS_USERNAME, password("x"))
        .await
        .unwrap_err();
    assert!(matches!(&e, Error::Decode { .. }), "{e}");

    // Empty fields are refused before sending.
    sandbox.clear_requests();
    let e = c.login(" ", password("x")).await.unwrap_err();
    assert_eq!(e.invalid_field(), Some("username"));
    let e = c
        .login(credentials::CAREPORTALS_USERNAME, password(""))
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("password"));
    assert!(sandbox.requests().is_empty());
}

/// Issue 16 §7: a successful call's response metadata (vendor request id, status) is
/// readable through the request's options, without a second API.
#[tokio::test]
async fn response_metadata_on_success() {
    let sandbox = Sandbox::start().await.unwrap();
    let slot = patientpay_core::MetaSlot::new();
    let listed = client(&sandbox)
        .list_payment_methods(ListPaymentMethods::new().with_meta(&slot))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    let meta = slot.get().expect("the pipeline wrote the metadata");
    assert_eq!(meta.status, 200);
    assert!(
        meta.request_id
            .as_deref()
            .is_some_and(|id| id.starts_with("sbx_")),
        "{meta:?}"
    );
}
