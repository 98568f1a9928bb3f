//! Snapshots of the CLI's error lines, in the user's words: the flag typed, the variable to
//! set, the vendor that has the capability, the exit code, and `outcome unknown` with the
//! request id for money calls. Request ids and loopback ports are normalised.

mod common;

use common::*;
use patientpay_sandbox::{Fault, FaultKind, Sandbox, credentials};

/// `exit N` and the normalised stderr.
fn shown(o: &std::process::Output) -> String {
    assert!(o.stdout.is_empty(), "nothing on stdout on failure");
    format!(
        "exit {}\n{}",
        o.status.code().unwrap_or(-1),
        normalize(&stderr(o))
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_and_configuration_errors_name_what_the_user_typed() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url();
    let verify = |extra: &[&str], dob: &str| {
        let mut a: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        a.extend(
            [
                "patients",
                "verify",
                "--patient-id",
                "pat_1001",
                "--last-name",
                "Rivera",
                "--phone",
                "+14155550101",
                "--dob",
                dob,
            ]
            .map(str::to_owned),
        );
        a
    };
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("dob_not_a_date", verify(&[], "2023-02-30")),
        ("dob_in_the_future", verify(&[], "2999-01-01")),
        (
            "timeout_negative",
            verify(&["--timeout", "-1"], "1985-04-12"),
        ),
        ("timeout_zero", verify(&["--timeout", "0"], "1985-04-12")),
        ("timeout_nan", verify(&["--timeout", "NaN"], "1985-04-12")),
        (
            "vendor_lacks_capability",
            verify(&["--provider", "careportals"], "1985-04-12"),
        ),
        (
            "staging_only_on_carevalidate",
            verify(&["--environment", "staging"], "1985-04-12"),
        ),
        (
            "no_provider",
            ["payment-methods", "list"].map(str::to_owned).to_vec(),
        ),
        (
            "decoda_needs_patient_id",
            ["--provider", "decoda", "payment-methods", "list"]
                .map(str::to_owned)
                .to_vec(),
        ),
        (
            "amount_decimal_places",
            ["payment-intents", "create", "--amount", "1.234"]
                .map(str::to_owned)
                .to_vec(),
        ),
        (
            "case_amount_below_minimum",
            [
                "cases",
                "pay",
                "--case-id",
                "c1",
                "--amount",
                "0.49",
                "--description",
                "x",
            ]
            .map(str::to_owned)
            .to_vec(),
        ),
        (
            "checkout_needs_one_kind",
            ["checkout", "start"].map(str::to_owned).to_vec(),
        ),
    ];
    for (name, args) in cases {
        let o = run(cmd(
            &base,
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        ))
        .await;
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        insta::assert_snapshot!(name, shown(&o));
    }
    assert!(sandbox.requests().is_empty(), "{:?}", sandbox.requests());

    // The base URL is named by its flag, not by DECODA_BASE_URL.
    for (name, url) in [
        (
            "base_url_plain_http_off_loopback",
            "http://api.decodahealth.com",
        ),
        ("base_url_not_a_url", "not a url"),
    ] {
        let mut c = with_creds(bin());
        c.args(["--base-url", url]).args(PAT_1001);
        let o = run(c).await;
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        insta::assert_snapshot!(name, shown(&o));
    }

    // Credentials: the variable to set, with an example line.
    let mut c = bin();
    c.args(["--base-url", &base]).args(PAT_1001);
    insta::assert_snapshot!("missing_decoda_api_key", shown(&run(c).await));
    let mut c = bin();
    c.env("CAREPORTALS_ORIGIN", credentials::CAREPORTALS_ORIGIN)
        .args([
            "--base-url",
            &base,
            "--provider",
            "careportals",
            "payment-methods",
            "list",
        ]);
    insta::assert_snapshot!("missing_careportals_token", shown(&run(c).await));
    let mut c = bin();
    c.env("CAREPORTALS_ORIGIN", credentials::CAREPORTALS_ORIGIN)
        .args([
            "--base-url",
            &base,
            "login",
            "--username",
            "jane.doe@example.com",
        ]);
    insta::assert_snapshot!("login_without_password", shown(&run(c).await));
    assert!(sandbox.requests().is_empty(), "{:?}", sandbox.requests());
}

#[tokio::test(flavor = "multi_thread")]
async fn money_failures_say_definite_or_unknown() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url();
    let dir = scratch("snap");
    let verified = ok_json(&run(cmd(&base, &PAT_1001)).await);
    let charges = write_json(&dir, "charges.json", &verified);

    let o = run(cmd(
        &base,
        &[
            "charges",
            "pay",
            "--payment-method-id",
            "pm_1001_declined",
            "--charges",
            &charges,
            "--amount",
            "10.00",
        ],
    ))
    .await;
    insta::assert_snapshot!("decline_is_exit_1", shown(&o));

    sandbox.inject(
        Fault::on(
            "POST",
            "/billing/payment-terminal/charge/create-patient-credit-settled",
        )
        .status(500),
    );
    let o = run(cmd(
        &base,
        &[
            "charges",
            "settle-credit",
            "--amount",
            "1.00",
            "--charges",
            &charges,
        ],
    ))
    .await;
    insta::assert_snapshot!("settle_500_is_exit_3", shown(&o));

    sandbox.inject(Fault::on("POST", "/api/v1/payments/intent").kind(FaultKind::Malformed));
    let o = run(cmd(
        &base,
        &["payment-intents", "create", "--amount", "19.99"],
    ))
    .await;
    insta::assert_snapshot!("intent_malformed_200_is_exit_3", shown(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn normalize_replaces_request_ids_and_ports_only() {
    assert_eq!(
        normalize("request id sbx_00000000000000af at http://127.0.0.1:41234/x sbx_12"),
        "request id [request-id] at http://127.0.0.1:[port]/x sbx_12"
    );
}
