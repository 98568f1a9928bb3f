//! The vendor-only commands: `cases pay` and `payment-info complete` (CareValidate) and
//! `login` (CarePortals), against the embedded sandbox.

mod common;

use common::*;
use patientpay_sandbox::{Fault, FaultKind, Sandbox, credentials};
use serde_json::Value;

const CASE: &str = "3c9a7f2e-1b4d-4e8a-9f6b-000000000001";
const CASE_PATH: &str = "/api/v1/cases/3c9a7f2e-1b4d-4e8a-9f6b-000000000001/payments";

fn case_pay(base: &str, amount: &str, key: Option<&str>) -> std::process::Command {
    let mut args = vec![
        "cases",
        "pay",
        "--case-id",
        CASE,
        "--amount",
        amount,
        "--description",
        "GLP-1 refill",
    ];
    if let Some(k) = key {
        args.extend(["--idempotency-key", k]);
    }
    cmd(base, &args)
}

fn sent_keys(sandbox: &Sandbox) -> Vec<Value> {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.path == CASE_PATH)
        .map(|r| r.json.clone().unwrap()["idempotencyKey"].clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn cases_pay_is_idempotent_by_key() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url();

    let o = run(case_pay(&base, "49.00", Some("cli-key-1"))).await;
    assert!(stderr(&o).contains("note: using --provider carevalidate"));
    let first = ok_json(&o);
    assert_eq!(first["amount"]["decimal"], "49.00");
    assert_eq!(first["idempotency_key"], "cli-key-1");
    assert_eq!(first["status"], "UNPAID");
    assert!(first["created_at"].is_string(), "RFC 3339: {first}");
    let sent = sandbox.requests().last().unwrap().json.clone().unwrap();
    assert_eq!(sent["amount"].to_string(), "49");
    assert_eq!(sent["description"], "GLP-1 refill");
    assert_eq!(sent["idempotencyKey"], "cli-key-1");

    // The same key again: the vendor answers with the first payment.
    let again = ok_json(&run(case_pay(&base, "49.00", Some("cli-key-1"))).await);
    assert_eq!(again["payment_id"], first["payment_id"]);
    // The same key with other parameters: refused, a definite failure.
    let o = run(case_pay(&base, "50.00", Some("cli-key-1"))).await;
    let line = error_line(&o, 1);
    assert!(line.contains("409"), "{line}");

    // Without a key the SDK makes one, sends it and prints it.
    let fresh = ok_json(&run(case_pay(&base, "49.00", None)).await);
    let key = fresh["idempotency_key"].as_str().unwrap();
    assert!(!key.is_empty());
    assert_ne!(fresh["payment_id"], first["payment_id"]);
    assert_eq!(sent_keys(&sandbox).last().unwrap(), key);

    // Below Stripe's minimum: refused before sending, naming the flag.
    let before = sandbox.requests().len();
    let o = run(case_pay(&base, "0.49", None)).await;
    assert!(error_line(&o, 2).contains("--amount"));
    let o = run(cmd(
        &base,
        &[
            "cases",
            "pay",
            "--case-id",
            "",
            "--amount",
            "1",
            "--description",
            "x",
        ],
    ))
    .await;
    assert!(error_line(&o, 2).contains("--case-id"));
    let o = run(cmd(
        &base,
        &[
            "--provider",
            "decoda",
            "cases",
            "pay",
            "--case-id",
            CASE,
            "--amount",
            "1",
            "--description",
            "x",
        ],
    ))
    .await;
    assert!(error_line(&o, 2).contains("--provider carevalidate"));
    assert_eq!(sandbox.requests().len(), before);

    let o = run(cmd(
        &base,
        &[
            "cases",
            "pay",
            "--case-id",
            "3c9a7f2e-1b4d-4e8a-9f6b-999999999999",
            "--amount",
            "1.00",
            "--description",
            "x",
        ],
    ))
    .await;
    assert!(error_line(&o, 1).contains("404"));
}

#[tokio::test(flavor = "multi_thread")]
async fn cases_pay_retries_with_the_same_key_and_reports_unknown_when_it_cannot_tell() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url();

    // A 500 once: retried with the same key, one payment.
    sandbox.inject(Fault::on("POST", CASE_PATH).status(500).times(1));
    let paid = ok_json(&run(case_pay(&base, "20.00", Some("retry-key"))).await);
    assert_eq!(paid["idempotency_key"], "retry-key");
    assert_eq!(sent_keys(&sandbox), vec!["retry-key", "retry-key"]);

    // Every answer lost after the vendor handled it: exit 3, outcome unknown, and the
    // same key (repeating the command finds the payment).
    sandbox.clear_faults();
    sandbox.clear_requests();
    sandbox.inject(Fault::on("POST", CASE_PATH).kind(FaultKind::DropAfterHandling));
    let o = run(case_pay(&base, "30.00", Some("lost-key"))).await;
    let line = error_line(&o, 3);
    assert!(line.contains("outcome unknown"), "{line}");
    let keys = sent_keys(&sandbox);
    assert!(keys.len() > 1, "retried: {keys:?}");
    assert!(keys.iter().all(|k| k == "lost-key"), "{keys:?}");
    sandbox.clear_faults();
    let found = ok_json(&run(case_pay(&base, "30.00", Some("lost-key"))).await);
    let again = ok_json(&run(case_pay(&base, "30.00", Some("lost-key"))).await);
    assert_eq!(found["payment_id"], again["payment_id"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn payment_info_complete_finishes_a_setup() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url();
    let setup = ok_json(&run(cmd(&base, &["checkout", "start", "--setup"])).await);
    let secret = setup["client_secret"].as_str().unwrap();
    let seti = &secret[..secret.find("_secret_").unwrap()];
    let complete = |seti: &str, state: &str, line2: Option<&str>| {
        let mut args = vec![
            "payment-info",
            "complete",
            "--stripe-setup-id",
            seti,
            "--line1",
            "1600 Pennsylvania Avenue NW",
            "--city",
            "Washington",
            "--state",
            state,
            "--postal-code",
            "20500",
            "--country",
            "US",
        ];
        if let Some(l) = line2 {
            args.extend(["--line2", l]);
        }
        cmd(&base, &args)
    };
    let o = run(complete(seti, "DC", Some("Suite 1"))).await;
    let done = ok_json(&o);
    assert_eq!(done["completed"], true);
    let sent = sandbox.requests().last().unwrap().clone();
    assert_eq!(sent.path, "/api/v1/complete-payment-setup");
    let body = sent.json.unwrap();
    assert_eq!(body["stripeSetupID"], seti);
    assert_eq!(body["shippingAddress"]["postal_code"], "20500");
    assert_eq!(body["shippingAddress"]["line2"], "Suite 1");

    let o = run(complete("seti_neverissued", "DC", None)).await;
    assert!(error_line(&o, 1).contains("No such setupintent"));

    let before = sandbox.requests().len();
    let o = run(complete(seti, "Washington DC", None)).await;
    assert!(error_line(&o, 2).contains("--state"));
    let o = run(complete("", "DC", None)).await;
    assert!(error_line(&o, 2).contains("--stripe-setup-id"));
    assert_eq!(
        sandbox.requests().len(),
        before,
        "nothing sent for bad input"
    );
}

fn login(base: &str, extra: &[&str]) -> std::process::Command {
    let mut c = bin();
    c.env("CAREPORTALS_ORIGIN", credentials::CAREPORTALS_ORIGIN)
        .args(["--base-url", base, "login", "--username"])
        .arg(credentials::CAREPORTALS_USERNAME)
        .args(extra);
    c
}

#[tokio::test(flavor = "multi_thread")]
async fn login_prints_the_patient_and_expiry_and_the_token_only_when_asked() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url();

    let mut c = login(&base, &[]);
    c.env("CAREPORTALS_PASSWORD", credentials::CAREPORTALS_PASSWORD);
    let o = run(c).await;
    let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
    let session = ok_json(&o);
    assert_eq!(session["patient_id"], credentials::CAREPORTALS_PATIENT_ID);
    assert!(
        session["expires_at"].as_str().unwrap().ends_with('Z'),
        "{session}"
    );
    assert!(
        session.get("token").is_none(),
        "no token without --show-token"
    );
    assert!(!all.contains(credentials::CAREPORTALS_PASSWORD));
    assert!(!all.contains("eyJ"), "no JWT anywhere: {all}");
    assert_eq!(sandbox.requests().last().unwrap().path, "/auth/login");

    // --password-stdin, --show-token, --organization: the token works as CAREPORTALS_TOKEN.
    let o = run_with_stdin(
        login(
            &base,
            &[
                "--password-stdin",
                "--show-token",
                "--organization",
                credentials::CAREPORTALS_ORGANIZATION,
            ],
        ),
        b"sandbox-password\n",
    )
    .await;
    let session = ok_json(&o);
    let token = session["token"].as_str().expect("token with --show-token");
    assert_eq!(
        sandbox.requests().last().unwrap().header("organization"),
        Some(credentials::CAREPORTALS_ORGANIZATION)
    );
    let mut c = bin();
    c.env("CAREPORTALS_TOKEN", token)
        .env("CAREPORTALS_ORIGIN", credentials::CAREPORTALS_ORIGIN)
        .args([
            "--base-url",
            &base,
            "payment-methods",
            "list",
            "--provider",
            "careportals",
        ]);
    assert!(ok_json(&run(c).await).is_array());

    // A wrong password: a definite failure that never repeats the password.
    let mut c = login(&base, &[]);
    c.env("CAREPORTALS_PASSWORD", "wrong-SECRET-pw");
    let o = run(c).await;
    let line = error_line(&o, 1);
    assert!(!line.contains("wrong-SECRET-pw"), "{line}");
    assert!(
        !line.contains(credentials::CAREPORTALS_USERNAME),
        "PHI: {line}"
    );

    // No password anywhere: a usage error naming both ways, before any request.
    let before = sandbox.requests().len();
    let o = run(login(&base, &[])).await;
    let line = error_line(&o, 2);
    assert!(
        line.contains("CAREPORTALS_PASSWORD") && line.contains("--password-stdin"),
        "{line}"
    );
    let o = run_with_stdin(login(&base, &["--password-stdin"]), b"\n").await;
    assert!(error_line(&o, 2).contains("--password-stdin"));
    // The password is never a flag value.
    let o = run(login(&base, &["--password", "sandbox-password"])).await;
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(sandbox.requests().len(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn organization_header_goes_on_every_careportals_command() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url();
    let list = ["--provider", "careportals", "payment-methods", "list"];
    // --organization, then CAREPORTALS_ORGANIZATION (without an origin: the organization
    // alone identifies the portal).
    let mut c = cmd(&base, &list);
    c.args(["--organization", credentials::CAREPORTALS_ORGANIZATION]);
    assert!(ok_json(&run(c).await).is_array());
    let mut c = cmd(&base, &list);
    c.env_remove("CAREPORTALS_ORIGIN").env(
        "CAREPORTALS_ORGANIZATION",
        credentials::CAREPORTALS_ORGANIZATION,
    );
    assert!(ok_json(&run(c).await).is_array());
    let mut c = cmd(&base, &list);
    c.env_remove("CAREPORTALS_ORIGIN");
    c.args(["--organization", "not an org"]);
    assert_eq!(run(c).await.status.code(), Some(2));
    let seen: Vec<_> = sandbox
        .requests()
        .iter()
        .map(|r| r.header("organization").map(str::to_owned))
        .collect();
    assert_eq!(
        seen,
        vec![Some(credentials::CAREPORTALS_ORGANIZATION.to_owned()); 2],
        "both calls carry the header; the bad one sent nothing"
    );
}
