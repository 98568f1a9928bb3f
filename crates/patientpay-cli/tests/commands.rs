//! The wave-2 commands end to end: the real binary against the embedded sandbox
//! (`--base-url`), including the exit codes of money calls whose outcome is unknown.

mod common;

use common::*;
use patientpay_sandbox::{Fault, FaultKind, Sandbox};
use serde_json::{Value, json};

const SETTLE: &str = "/billing/payment-terminal/charge/create-patient-credit-settled";
const INTENT: &str = "/api/v1/payments/intent";
const CHARGE_CARD: &str = "/billing/payment-terminal/charge-card/*";

/// The charges `patients verify` prints for pat_1001, saved to a file.
async fn verified_charges(base: &str, dir: &std::path::Path) -> (Value, String) {
    let verified = ok_json(&run(cmd(base, &PAT_1001)).await);
    let file = write_json(dir, "charges.json", &verified);
    (verified, file)
}

#[tokio::test(flavor = "multi_thread")]
async fn checkout_start_prints_a_distinct_kind_per_session() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url();
    let dir = scratch("checkout");
    let (verified, charges) = verified_charges(&base, &dir).await;

    // No --provider: the flags name the kind, and each kind has one vendor (said on stderr).
    let o = run(cmd(&base, &["checkout", "start", "--amount", "19.99"])).await;
    let pay = ok_json(&o);
    assert!(stderr(&o).contains("note: using --provider carevalidate"));
    assert_eq!(pay["kind"], "client_secret");
    assert!(pay["client_secret"].as_str().unwrap().contains("_secret_"));
    assert_eq!(pay["amount"]["decimal"], "19.99");
    let sent = sandbox.requests().last().unwrap().clone();
    assert_eq!(sent.path, INTENT);

    let setup = ok_json(
        &run(cmd(
            &base,
            &["--provider", "carevalidate", "checkout", "start", "--setup"],
        ))
        .await,
    );
    assert_eq!(setup["kind"], "setup_secret");
    assert!(
        setup["client_secret"]
            .as_str()
            .unwrap()
            .starts_with("seti_")
    );
    assert_eq!(
        sandbox.requests().last().unwrap().path,
        "/api/v1/payments/setup"
    );

    let hosted = ok_json(
        &run(cmd(
            &base,
            &["checkout", "start", "--phone", "+14155550101"],
        ))
        .await,
    );
    assert_eq!(hosted["kind"], "hosted_page");
    assert!(hosted["url"].as_str().unwrap().starts_with("https://"));
    assert_eq!(
        hosted["outstanding"]["minor_units"],
        verified["total_outstanding"]["minor_units"]
    );

    let component = ok_json(
        &run(cmd(
            &base,
            &[
                "--provider",
                "decoda",
                "checkout",
                "start",
                "--patient-id",
                "pat_1001",
                "--charges",
                &charges,
            ],
        ))
        .await,
    );
    assert_eq!(component["kind"], "component_session");
    assert!(component["session_key"].is_string());
    assert!(component["payin_config_id"].is_string());

    let kinds: std::collections::BTreeSet<_> = [&pay, &setup, &hosted, &component]
        .iter()
        .map(|v| v["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");

    // Decoda's component session needs the patient; a kind the vendor lacks is refused.
    let before = sandbox.requests().len();
    let o = run(cmd(&base, &["checkout", "start", "--charges", &charges])).await;
    assert!(error_line(&o, 2).contains("--patient-id"));
    let o = run(cmd(
        &base,
        &["--provider", "decoda", "checkout", "start", "--amount", "5"],
    ))
    .await;
    assert!(error_line(&o, 2).contains("--provider carevalidate"));
    let o = run(cmd(
        &base,
        &["checkout", "start", "--amount", "5", "--setup"],
    ))
    .await;
    assert!(error_line(&o, 2).contains("exactly one of"));
    assert_eq!(sandbox.requests().len(), before, "no request for bad usage");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn charges_pay_refund_credit_and_reconcile() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url();
    let dir = scratch("money");
    let (verified, charges) = verified_charges(&base, &dir).await;
    let owed = verified["total_outstanding"]["minor_units"]
        .as_i64()
        .unwrap();

    let credit = |base: String| async move {
        ok_json(
            &run(cmd(
                &base,
                &["patients", "credit", "--patient-id", "pat_1001"],
            ))
            .await,
        )
    };
    let credit_before = credit(base.clone()).await;
    assert_eq!(credit_before["total_available"]["minor_units"], 15000);
    assert!(credit_before["credits"].as_array().unwrap().len() >= 2);

    // Pay 10.00 with a saved card.
    let since = now_rfc3339();
    let paid = ok_json(
        &run(cmd(
            &base,
            &[
                "charges",
                "pay",
                "--payment-method-id",
                "pm_1001_visa",
                "--charges",
                &charges,
                "--amount",
                "10.00",
            ],
        ))
        .await,
    );
    assert_eq!(paid["amount"]["minor_units"], 1000);
    assert_eq!(paid["status"], "SUCCEEDED");
    assert_eq!(paid["payment_method_id"], "pm_1001_visa");
    assert_eq!(
        sandbox.count("POST", "/billing/payment-terminal/charge-card/pm_1001_visa"),
        1
    );
    let after = ok_json(&run(cmd(&base, &PAT_1001)).await);
    assert_eq!(
        after["total_outstanding"]["minor_units"].as_i64().unwrap(),
        owed - 1000
    );

    let reconciled = ok_json(
        &run(cmd(
            &base,
            &[
                "payments",
                "reconcile",
                "pay",
                "--payment-method-id",
                "pm_1001_visa",
                "--charges",
                &charges,
                "--amount",
                "10.00",
                "--since",
                &since,
            ],
        ))
        .await,
    );
    assert_eq!(reconciled["verdict"], "applied", "{reconciled}");
    // A method that was never charged since then: not applied.
    let never = ok_json(
        &run(cmd(
            &base,
            &[
                "payments",
                "reconcile",
                "pay",
                "--payment-method-id",
                "pm_1001_mc",
                "--charges",
                &charges,
                "--amount",
                "10.00",
                "--since",
                &since,
            ],
        ))
        .await,
    );
    assert_eq!(never["verdict"], "not applied", "{never}");

    // A decline is a definite failure: exit 1.
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
    let line = error_line(&o, 1);
    assert!(
        line.contains("declined") && !line.contains("outcome unknown"),
        "{line}"
    );

    // Settle 1.00 from credit, then reconcile it.
    let settled = ok_json(
        &run(cmd(
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
        .await,
    );
    assert_eq!(settled["amount"]["minor_units"], 100);
    let credit_after = credit(base.clone()).await;
    assert_eq!(credit_after["total_available"]["minor_units"], 15000 - 100);
    let r = ok_json(
        &run(cmd(
            &base,
            &[
                "payments",
                "reconcile",
                "settle",
                "--amount",
                "1.00",
                "--charges",
                &charges,
                "--since",
                &since,
            ],
        ))
        .await,
    );
    assert_eq!(r["verdict"], "applied", "{r}");
    assert!(!r["evidence"].as_array().unwrap().is_empty());

    // Refund 1.00 of the seeded card payment, then reconcile it.
    let refund_args = [
        "--payment-id",
        "pay_1001_card",
        "--provider-id",
        "prov_7",
        "--amount",
        "1.00",
        "--reason",
        "duplicate",
    ];
    let mut args = vec!["payments", "refund"];
    args.extend(refund_args);
    args.extend(["--description", "charged twice"]);
    let refunded = ok_json(&run(cmd(&base, &args)).await);
    assert_eq!(refunded["amount"]["minor_units"], 100);
    assert_eq!(refunded["payment_id"], "pay_1001_card");
    assert_eq!(refunded["reason"], "DUPLICATE");
    let sent = sandbox.requests().last().unwrap().json.clone().unwrap();
    assert_eq!(sent["reason"], "DUPLICATE");
    assert_eq!(sent["amount"], 100);
    assert_eq!(sent["providerId"], "prov_7");

    let mut args = vec![
        "payments",
        "reconcile",
        "refund",
        "--patient-id",
        "pat_1001",
    ];
    args.extend(refund_args);
    args.extend(["--since", &since]);
    let r = ok_json(&run(cmd(&base, &args)).await);
    assert_eq!(r["verdict"], "applied", "{r}");

    let o = run(cmd(
        &base,
        &[
            "payments",
            "reconcile",
            "settle",
            "--amount",
            "1",
            "--charges",
            &charges,
            "--since",
            "yesterday",
        ],
    ))
    .await;
    assert!(error_line(&o, 2).contains("--since"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn decoda_payment_methods_list_add_remove() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url();
    let dir = scratch("methods");
    let pm = |args: &[&str]| {
        let mut a = vec!["--provider", "decoda", "payment-methods"];
        a.extend_from_slice(args);
        cmd(&base, &a)
    };

    // Without --patient-id: a usage error before any request, for each of the three.
    let object = json!({
        "paymentMethodId": "mtd_cli_visa",
        "paymentMethodConfigId": "pmc_cli",
        "fingerprint": "fp_cli",
        "methodType": "CARD",
        "card": {"type": "CREDIT", "brand": "VISA", "brandDesc": "Visa", "last4": "1881",
                 "expMonth": 12, "expYear": 2030},
        "ach": null, "applePay": null, "billingContact": null, "metadata": {},
        "createdAt": "2026-12-01T10:00:00Z", "updatedAt": "2026-12-01T10:00:00Z"
    });
    let file = write_json(&dir, "method.json", &object);
    for args in [
        vec!["list"],
        vec!["add", "--rainforest-method", &file],
        vec!["remove", "pm_1001_mc"],
    ] {
        let o = run(pm(&args)).await;
        assert!(error_line(&o, 2).contains("--patient-id"), "{args:?}");
    }
    assert!(sandbox.requests().is_empty(), "{:?}", sandbox.requests());

    let list = ok_json(&run(pm(&["list", "--patient-id", "pat_1001"])).await);
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"pm_1001_visa") && ids.contains(&"pm_1001_mc"),
        "{list}"
    );

    let added = ok_json(
        &run(pm(&[
            "add",
            "--rainforest-method",
            &file,
            "--patient-id",
            "pat_1003",
        ]))
        .await,
    );
    assert_eq!(added["last4"], "1881");
    let id = added["id"].as_str().expect("an id").to_owned();
    let list = ok_json(&run(pm(&["list", "--patient-id", "pat_1003"])).await);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");

    let removed = ok_json(&run(pm(&["remove", &id, "--patient-id", "pat_1003"])).await);
    assert_eq!(removed["removed"], true);
    let list = ok_json(&run(pm(&["list", "--patient-id", "pat_1003"])).await);
    assert_eq!(list, json!([]));

    // A bad file is named by its flag.
    std::fs::write(dir.join("bad.json"), b"[1, 2").unwrap();
    let bad = dir.join("bad.json");
    let o = run(pm(&[
        "add",
        "--rainforest-method",
        bad.to_str().unwrap(),
        "--patient-id",
        "pat_1003",
    ]))
    .await;
    assert!(error_line(&o, 2).contains("--rainforest-method"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Exit 3 with `outcome unknown` (and the vendor's request id when it answered) for every
/// way a money call can leave its outcome unknown; the call is sent once.
#[tokio::test(flavor = "multi_thread")]
async fn unknown_outcomes_exit_three_with_the_request_id() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url();
    let dir = scratch("unknown");
    let (_, charges) = verified_charges(&base, &dir).await;
    let settle = [
        "charges",
        "settle-credit",
        "--amount",
        "1.00",
        "--charges",
        &charges,
    ];
    let intent = [
        "--provider",
        "carevalidate",
        "payment-intents",
        "create",
        "--amount",
        "19.99",
    ];
    let pay = [
        "charges",
        "pay",
        "--payment-method-id",
        "pm_1001_visa",
        "--charges",
        &charges,
        "--amount",
        "2.00",
    ];
    let refund = [
        "payments",
        "refund",
        "--payment-id",
        "pay_1001_card",
        "--provider-id",
        "prov_7",
        "--amount",
        "1.00",
        "--reason",
        "other",
    ];
    let cases: Vec<(&str, Fault, &[&str], &str, bool)> = vec![
        (
            "refund 500",
            Fault::on("POST", "/billing/payment/refund").status(500),
            &refund,
            "/billing/payment/refund",
            true,
        ),
        (
            "charge-card malformed 200",
            Fault::on("POST", CHARGE_CARD).kind(FaultKind::Malformed),
            &pay,
            "/billing/payment-terminal/charge-card/pm_1001_visa",
            true,
        ),
        (
            "settle 500",
            Fault::on("POST", SETTLE).status(500),
            &settle,
            SETTLE,
            true,
        ),
        (
            "settle malformed 200",
            Fault::on("POST", SETTLE).kind(FaultKind::Malformed),
            &settle,
            SETTLE,
            true,
        ),
        (
            "settle dropped after handling",
            Fault::on("POST", SETTLE).kind(FaultKind::DropAfterHandling),
            &settle,
            SETTLE,
            false,
        ),
        (
            "intent 500",
            Fault::on("POST", INTENT).status(500),
            &intent,
            INTENT,
            true,
        ),
        (
            "intent malformed 200",
            Fault::on("POST", INTENT).kind(FaultKind::Malformed),
            &intent,
            INTENT,
            true,
        ),
        (
            "intent dropped after handling",
            Fault::on("POST", INTENT).kind(FaultKind::DropAfterHandling),
            &intent,
            INTENT,
            false,
        ),
        (
            "charge-card dropped after handling",
            Fault::on("POST", CHARGE_CARD).kind(FaultKind::DropAfterHandling),
            &pay,
            "/billing/payment-terminal/charge-card/pm_1001_visa",
            false,
        ),
    ];
    for (name, fault, args, path, answered) in cases {
        sandbox.clear_faults();
        sandbox.clear_requests();
        sandbox.inject(fault);
        let o = run(cmd(&base, args)).await;
        let line = error_line(&o, 3);
        assert!(line.contains("outcome unknown"), "{name}: {line}");
        assert!(
            line.contains("reconcile"),
            "{name}: says what to do: {line}"
        );
        if answered {
            // The sandbox stamps every answer with `x-request-id: sbx_<16 hex>`.
            let at = line
                .find("request id sbx_")
                .unwrap_or_else(|| panic!("{name}: no request id in {line}"));
            let id = &line[at + "request id ".len()..];
            assert!(
                id.len() >= 20 && id.as_bytes()[4..20].iter().all(u8::is_ascii_hexdigit),
                "{name}: {line}"
            );
        }
        assert_eq!(
            sandbox.requests().iter().filter(|r| r.path == path).count(),
            1,
            "{name}: a money call is sent once"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn timeout_must_be_a_positive_number_of_seconds() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url();
    for bad in ["-1", "0", "NaN", "inf", "soon", ""] {
        let mut args = vec!["--timeout", bad];
        args.extend(PAT_1001);
        let o = run(cmd(&base, &args)).await;
        let line = error_line(&o, 2);
        assert!(line.contains("`--timeout`"), "{bad}: {line}");
        assert!(line.contains("positive number of seconds"), "{bad}: {line}");
    }
    let mut args = vec!["--timeout", "2.5"];
    args.extend(PAT_1001);
    ok_json(&run(cmd(&base, &args)).await);
    assert_eq!(
        sandbox.requests().len(),
        1,
        "only the valid timeout sent a request"
    );
}
