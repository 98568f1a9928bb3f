//! Snapshots of every request, as built (`*_request`) and as the sandbox received it
//! (wire-exact: method, path, query, headers, body), and of the unified form of every
//! response shape, from fixtures written from CarePortals' docs and Stripe's
//! `PaymentMethod` reference.

mod common;

use common::{builder, client, fixture, recorded_json, request_json};
use patientpay_careportals::{CarePortalsBuilder, PRODUCTION_BASE_URL};
use patientpay_core::{
    AddPaymentMethod, Error, ListPaymentMethods, PatientRef, PaymentMethods, RemovePaymentMethod,
};
use patientpay_sandbox::{Fault, Sandbox, credentials};
use secrecy::SecretString;

fn production() -> patientpay_careportals::CarePortals {
    CarePortalsBuilder::new()
        .with_token("eyJhbGciOiJIUzI1NiJ9.snapshot-patient.sig")
        .with_organization("appgen_demo")
        .with_origin("https://demo.portals.care")
        .with_base_url(PRODUCTION_BASE_URL)
        .build()
        .unwrap()
}

#[test]
fn list_request() {
    let req = production()
        .list_payment_methods_request(&ListPaymentMethods::new())
        .unwrap();
    insta::assert_json_snapshot!(request_json(&req));
}

#[test]
fn add_request() {
    let req = production()
        .add_payment_method_request(&AddPaymentMethod::new("pm_1Rz78FKeCoUxIkZxXhFa0HlF"))
        .unwrap();
    insta::assert_json_snapshot!(request_json(&req));
}

#[test]
fn remove_request_encodes_the_id_as_one_segment() {
    let c = production();
    let req = c
        .remove_payment_method_request(&RemovePaymentMethod::new("pm_1Rz78FKeCoUxIkZxXhFa0HlF"))
        .unwrap();
    insta::assert_json_snapshot!(request_json(&req));
    // Ids that could leave the segment are refused before sending.
    let e = c
        .remove_payment_method_request(&RemovePaymentMethod::new("../users/me?x=1#y"))
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("id"));
}

/// What the sandbox received for each operation, in order: the handle's patient (list,
/// add, remove), a per-call patient, and a login — headers built once per client
/// (`organization`, `origin`) on every one, the JWT only where it belongs.
#[tokio::test]
async fn wire_requests_as_received() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    c.list_payment_methods(ListPaymentMethods::new())
        .await
        .unwrap();
    c.add_payment_method(AddPaymentMethod::new("pm_card_visa"))
        .await
        .unwrap();
    c.remove_payment_method(RemovePaymentMethod::new("pm_1Rz78FKeCoUxIkZxXhFa0HlF"))
        .await
        .unwrap();
    let other = credentials::careportals_token_for("66f1c0de00000000000000aa");
    c.list_payment_methods(ListPaymentMethods::for_patient(PatientRef::token(
        other.clone(),
    )))
    .await
    .unwrap();
    builder(&sandbox)
        .build()
        .unwrap()
        .login(
            credentials::CAREPORTALS_USERNAME,
            SecretString::from(credentials::CAREPORTALS_PASSWORD.to_owned()),
        )
        .await
        .unwrap();
    let reqs = sandbox.requests();
    assert_eq!(reqs.len(), 5);
    for r in &reqs[..3] {
        assert!(r.sent_secret(
            "authorization",
            &format!("Bearer {}", credentials::CAREPORTALS_TOKEN)
        ));
    }
    assert!(reqs[3].sent_secret("authorization", &format!("Bearer {other}")));
    assert_eq!(reqs[4].header("authorization"), None, "login sends no JWT");
    let recorded: Vec<_> = reqs.iter().map(recorded_json).collect();
    insta::assert_json_snapshot!(recorded, {
        "[4].body.password" => "[password]",
        "[4].body.username" => "[username]",
    });
}

#[test]
fn login_path_is_configurable() {
    let sandbox_less = |path: Option<&str>| {
        let mut b = CarePortalsBuilder::new()
            .with_organization("appgen_demo")
            .with_base_url(PRODUCTION_BASE_URL);
        if let Some(p) = path {
            b = b.with_login_path(p);
        }
        b.build().unwrap().login_path()
    };
    assert_eq!(sandbox_less(None), "/auth/login");
    assert_eq!(sandbox_less(Some("/patient/auth")), "/patient/auth");
}

/// Serves `fixture` as the list answer, then returns the unified list.
async fn listed(fixture_name: &str) -> serde_json::Value {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(Fault::on("GET", "/users/payment-methods").status_body(
        200,
        "application/json",
        fixture(fixture_name),
    ));
    let methods = client(&sandbox)
        .list_payment_methods(ListPaymentMethods::new())
        .await
        .unwrap();
    serde_json::to_value(methods).unwrap()
}

macro_rules! list_snapshot {
    ($test:ident, $fixture:literal) => {
        #[tokio::test]
        async fn $test() {
            let value = listed($fixture).await;
            insta::assert_json_snapshot!(value, {
                "[].billing_details.name" => "[name]",
                "[].billing_details.email" => "[email]",
                "[].billing_details.phone" => "[phone]",
                "[].billing_details.address.line1" => "[line1]",
                "[].billing_details.address.line2" => "[line2]",
                "[].billing_details.address.city" => "[city]",
                "[].billing_details.address.state" => "[state]",
                "[].billing_details.address.postal_code" => "[postal_code]",
                "[].vendor_data.link.email" => "[email]",
                "[].vendor_data.cashapp.cashtag" => "[cashtag]",
                "[].vendor_data.paypal.payer_email" => "[email]",
            });
        }
    };
}

list_snapshot!(list_doc_example, "list_doc.json");
list_snapshot!(list_stripe_integer_exp, "list_stripe_integer_exp.json");
list_snapshot!(list_other_types, "list_other_types.json");
list_snapshot!(list_nmi_methods, "list_nmi.json");
list_snapshot!(
    list_unknown_fields_brands_wallets_types,
    "list_unknown_fields.json"
);
list_snapshot!(list_empty, "list_empty.json");

async fn added(fixture_name: &str, token: &str) -> serde_json::Value {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(Fault::on("POST", "/v2/users/payment-methods").status_body(
        201,
        "application/json",
        fixture(fixture_name),
    ));
    let method = client(&sandbox)
        .add_payment_method(AddPaymentMethod::new(token))
        .await
        .unwrap();
    serde_json::to_value(method).unwrap()
}

#[tokio::test]
async fn add_doc_example_stripe_token() {
    insta::assert_json_snapshot!(added("add_doc.json", "pm_1Rz78FKeCoUxIkZxXhFa0HlF").await);
}

#[tokio::test]
async fn add_nmi_token_with_bad_exp() {
    insta::assert_json_snapshot!(
        added(
            "add_nmi_bad_exp.json",
            "00000000-000000-000000-000000000000"
        )
        .await
    );
}

#[tokio::test]
async fn remove_doc_example() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(
        Fault::on("DELETE", "/v2/users/payment-methods/*").status_body(
            200,
            "application/json",
            fixture("remove_doc.json"),
        ),
    );
    let removed = client(&sandbox)
        .remove_payment_method(RemovePaymentMethod::new("pm_1Rz78FKeCoUxIkZxXhFa0HlF"))
        .await
        .unwrap();
    insta::assert_json_snapshot!(removed);
}

/// The error's Display without the sandbox's per-request id, which varies.
fn without_request_id(err: &Error) -> String {
    let text = err.to_string();
    match text.find(" (request id ") {
        Some(at) => format!("{}{}", &text[..at], " (request id [redacted])"),
        None => text,
    }
}

/// Each documented error shape, answered by a route, as the unified error's Display; a
/// body that is not CarePortals' shape is described, never shown.
#[tokio::test]
async fn error_shapes() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    let mut lines = Vec::new();
    let cases: [(&str, &str, u16, &str); 5] = [
        ("GET", "/users/payment-methods", 401, "error_401.json"),
        (
            "POST",
            "/v2/users/payment-methods",
            402,
            "error_402_declined.json",
        ),
        (
            "POST",
            "/v2/users/payment-methods",
            400,
            "error_400_validation.json",
        ),
        (
            "DELETE",
            "/v2/users/payment-methods/*",
            404,
            "error_404.json",
        ),
        (
            "DELETE",
            "/v2/users/payment-methods/*",
            200,
            "remove_not_removed.json",
        ),
    ];
    for (method, path, status, name) in cases {
        sandbox.clear_faults();
        sandbox.inject(Fault::on(method, path).status_body(
            status,
            "application/json",
            fixture(name),
        ));
        let err: Error = match method {
            "GET" => c
                .list_payment_methods(ListPaymentMethods::new())
                .await
                .unwrap_err(),
            "POST" => c
                .add_payment_method(AddPaymentMethod::new("pm_card_visa"))
                .await
                .unwrap_err(),
            _ => c
                .remove_payment_method(RemovePaymentMethod::new("pm_1"))
                .await
                .unwrap_err(),
        };
        lines.push(format!("{name}: {}", without_request_id(&err)));
    }
    for (ct, body) in [
        ("text/plain", "Internal server error: jane.doe@example.com"),
        ("text/html", "<html><body>502 Bad Gateway</body></html>"),
        ("application/json", r#""Payment method not found""#),
    ] {
        sandbox.clear_faults();
        sandbox.inject(
            Fault::on("GET", "/users/payment-methods")
                .status_body(500, ct, body)
                .times(3),
        );
        let err = c
            .list_payment_methods(ListPaymentMethods::new())
            .await
            .unwrap_err();
        assert!(
            err.request_id().is_some_and(|id| id.starts_with("sbx_")),
            "{err}"
        );
        lines.push(format!("{ct} 500: {}", without_request_id(&err)));
    }
    insta::assert_snapshot!(lines.join("\n"));
}
