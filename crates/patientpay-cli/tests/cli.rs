//! The CLI contract, end to end: the real binary against the in-process sandbox.

use std::process::{Command, Output};

use patientpay_sandbox::{Sandbox, credentials};
use serde_json::Value;

const SECRETS: &[&str] = &[
    "cli-SECRET-decoda-key",
    "cli-SECRET-cv-key",
    "cli-SECRET-jwt",
];

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_patientpay"));
    for var in [
        "PATIENTPAY_PROVIDER",
        "CAREPORTALS_TOKEN",
        "CAREPORTALS_ORIGIN",
        "CAREPORTALS_BASE_URL",
        "CAREVALIDATE_API_KEY",
        "CAREVALIDATE_BASE_URL",
        "DECODA_API_KEY",
        "DECODA_TENANT",
        "DECODA_BASE_URL",
        "RUST_LOG",
    ] {
        c.env_remove(var);
    }
    c
}

fn with_creds(mut c: Command) -> Command {
    c.env("CAREPORTALS_TOKEN", credentials::CAREPORTALS_TOKEN)
        .env("CAREPORTALS_ORIGIN", credentials::CAREPORTALS_ORIGIN)
        .env("CAREVALIDATE_API_KEY", credentials::CAREVALIDATE_API_KEY)
        .env("DECODA_API_KEY", credentials::DECODA_API_KEY)
        .env("DECODA_TENANT", credentials::DECODA_TENANT);
    c
}

async fn run(mut c: Command) -> Output {
    tokio::task::spawn_blocking(move || c.output().expect("binary runs"))
        .await
        .unwrap()
}

fn stdout_json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_one_line_error(o: &Output, code: i32, needles: &[&str]) {
    assert_eq!(o.status.code(), Some(code), "stderr: {}", stderr(o));
    assert!(o.stdout.is_empty(), "nothing on stdout on failure");
    let err = stderr(o);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    for n in needles {
        assert!(err.contains(n), "{n:?} not in {err:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn help_and_version_exit_zero() {
    let o = run({
        let mut c = bin();
        c.arg("--help");
        c
    })
    .await;
    assert_eq!(o.status.code(), Some(0));
    let help = String::from_utf8_lossy(&o.stdout);
    for cmd in [
        "payment-methods",
        "payment-intents",
        "payment-info",
        "patients",
        "charges",
        "checkout",
        "payments",
        "cases",
        "login",
        "sandbox",
        "demo",
    ] {
        assert!(help.contains(cmd), "{cmd} in help");
    }
    // The exit codes are documented in --help.
    let o = run({
        let mut c = bin();
        c.arg("--help");
        c
    })
    .await;
    let help = String::from_utf8_lossy(&o.stdout);
    for code in [
        "0 success",
        "1 the call definitely failed",
        "2 bad usage",
        "3 outcome unknown",
    ] {
        assert!(help.contains(code), "{code:?} in help:\n{help}");
    }
    let o = run({
        let mut c = bin();
        c.arg("--version");
        c
    })
    .await;
    assert_eq!(o.status.code(), Some(0));
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_errors_exit_two_before_any_request() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url();
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (vec!["payment-methods", "list"], vec!["no provider"]),
        (
            vec!["--provider", "nope", "payment-methods", "list"],
            vec!["nope"],
        ),
        (
            vec![
                "--provider",
                "carevalidate",
                "payment-intents",
                "create",
                "--amount",
                "1e3",
            ],
            vec!["--amount"],
        ),
        (
            vec![
                "--provider",
                "carevalidate",
                "payment-intents",
                "create",
                "--amount",
                "0",
            ],
            vec!["--amount", "greater than zero"],
        ),
        (
            vec![
                "--provider",
                "carevalidate",
                "payment-intents",
                "create",
                "--amount",
                "-5",
            ],
            vec!["--amount"],
        ),
        (
            vec![
                "--provider",
                "carevalidate",
                "payment-intents",
                "create",
                "--amount",
                "1.234",
            ],
            vec!["--amount", "decimal places"],
        ),
        (
            vec![
                "--provider",
                "carevalidate",
                "payment-intents",
                "create",
                "--amount",
                "1,000.00",
            ],
            vec!["--amount"],
        ),
        (
            vec![
                "--provider",
                "carevalidate",
                "payment-intents",
                "create",
                "--amount",
                "NaN",
            ],
            vec!["--amount"],
        ),
        (
            vec![
                "--provider",
                "carevalidate",
                "payment-intents",
                "create",
                "--amount",
                "99999999999999999999",
            ],
            vec!["--amount", "too large"],
        ),
        (
            vec![
                "--provider",
                "carevalidate",
                "payment-intents",
                "create",
                "--amount",
                "",
            ],
            vec!["--amount"],
        ),
        (
            vec![
                "--provider",
                "carevalidate",
                "payment-intents",
                "create",
                "--amount",
                "1",
                "--currency",
                "XYZ",
            ],
            vec!["currency"],
        ),
        (
            vec![
                "--provider",
                "decoda",
                "patients",
                "verify",
                "--patient-id",
                "p",
                "--last-name",
                "L",
                "--phone",
                "1",
                "--dob",
                "2023-02-30",
            ],
            vec!["--dob"],
        ),
        (
            vec![
                "--provider",
                "decoda",
                "patients",
                "verify",
                "--patient-id",
                "p",
                "--last-name",
                "L",
                "--phone",
                "1",
                "--dob",
                "2999-01-01",
            ],
            // The flag typed, not the SDK's field (`date_of_birth`).
            vec!["--dob", "future"],
        ),
        (
            vec![
                "--provider",
                "careportals",
                "payment-methods",
                "add",
                "--token",
                "  ",
            ],
            vec!["token"],
        ),
        (
            // Decoda serves saved methods now, per patient: the patient is required.
            vec!["--provider", "decoda", "payment-methods", "list"],
            vec!["--patient-id"],
        ),
        (
            vec![
                "--provider",
                "careportals",
                "patients",
                "verify",
                "--patient-id",
                "p",
                "--last-name",
                "L",
                "--phone",
                "1",
                "--dob",
                "1990-01-01",
            ],
            // Refused before any configuration, naming the vendor that has it.
            vec!["careportals does not serve", "--provider decoda"],
        ),
        (
            vec![
                "--provider",
                "carevalidate",
                "payment-methods",
                "remove",
                "pm_1",
            ],
            vec![
                "carevalidate does not serve",
                "--provider careportals or decoda",
            ],
        ),
        (
            vec![
                "--provider",
                "decoda",
                "--timeout",
                "0",
                "patients",
                "verify",
                "--patient-id",
                "p",
                "--last-name",
                "L",
                "--phone",
                "1",
                "--dob",
                "1990-01-01",
            ],
            vec!["--timeout"],
        ),
        (
            vec![
                "--provider",
                "decoda",
                "--environment",
                "staging",
                "patients",
                "verify",
                "--patient-id",
                "p",
                "--last-name",
                "L",
                "--phone",
                "1",
                "--dob",
                "1990-01-01",
            ],
            vec!["staging"],
        ),
        // Ids a vendor cannot hold are refused before sending, named by what was typed.
        (
            vec![
                "--provider",
                "careportals",
                "payment-methods",
                "remove",
                "../x",
            ],
            vec!["`ID`", "/"],
        ),
        (
            vec![
                "--provider",
                "decoda",
                "payment-methods",
                "list",
                "--patient-id",
                "a?b",
            ],
            vec!["`--patient-id`"],
        ),
        (
            vec!["patients", "credit", "--patient-id", "a/b"],
            vec!["`--patient-id`"],
        ),
        (
            vec![
                "cases",
                "pay",
                "--case-id",
                "a/b",
                "--amount",
                "1",
                "--description",
                "x",
            ],
            vec!["`--case-id`"],
        ),
    ];
    for (args, needles) in cases {
        let mut c = with_creds(bin());
        c.arg("--base-url").arg(&base).args(&args);
        let o = run(c).await;
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        for n in needles {
            assert!(err.contains(n), "{args:?}: {n:?} not in {err:?}");
        }
    }
    assert!(
        sandbox.requests().is_empty(),
        "no request for bad usage: {:?}",
        sandbox.requests()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_configuration_names_the_variable() {
    // CarePortals: with neither an organization nor an origin the client cannot be built
    // (named below); with an origin, the missing patient token is named.
    let mut c = bin();
    c.env("CAREPORTALS_ORIGIN", credentials::CAREPORTALS_ORIGIN)
        .args(["--provider", "careportals", "payment-methods", "list"]);
    assert_one_line_error(&run(c).await, 2, &["CAREPORTALS_TOKEN"]);
    for (provider, args, var) in [
        (
            "carevalidate",
            vec!["payment-intents", "create", "--amount", "1"],
            "CAREVALIDATE_API_KEY",
        ),
        (
            "decoda",
            vec![
                "patients",
                "verify",
                "--patient-id",
                "p",
                "--last-name",
                "L",
                "--phone",
                "1",
                "--dob",
                "1990-01-01",
            ],
            "DECODA_API_KEY",
        ),
    ] {
        let mut c = bin();
        c.args(["--provider", provider]).args(&args);
        let o = run(c).await;
        assert_one_line_error(&o, 2, &[var]);
    }
    let mut c = with_creds(bin());
    c.env_remove("CAREPORTALS_ORIGIN").args([
        "--provider",
        "careportals",
        "payment-methods",
        "list",
    ]);
    assert_one_line_error(&run(c).await, 2, &["CAREPORTALS_ORIGIN"]);
    let mut c = with_creds(bin());
    c.env_remove("DECODA_TENANT").args([
        "--provider",
        "decoda",
        "patients",
        "verify",
        "--patient-id",
        "p",
        "--last-name",
        "L",
        "--phone",
        "1",
        "--dob",
        "1990-01-01",
    ]);
    assert_one_line_error(&run(c).await, 2, &["DECODA_TENANT"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_http_off_loopback_is_refused() {
    let mut c = with_creds(bin());
    c.args([
        "--provider",
        "careportals",
        "--base-url",
        "http://patient-api.portals.care",
        "payment-methods",
        "list",
    ]);
    assert_one_line_error(&run(c).await, 2, &["https"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn provider_env_var_selects_the_provider() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut c = with_creds(bin());
    c.env("PATIENTPAY_PROVIDER", "careportals").args([
        "--base-url",
        &sandbox.base_url(),
        "payment-methods",
        "list",
    ]);
    let o = run(c).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout_json(&o).is_array());
}

#[tokio::test(flavor = "multi_thread")]
async fn careportals_list_add_remove() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url();
    let cmd = |args: &[&str]| {
        let mut c = with_creds(bin());
        c.args(["--provider", "careportals", "--base-url", &base])
            .args(args);
        c
    };
    let o = run(cmd(&["payment-methods", "add", "--token", "pm_card_amex"])).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let added = stdout_json(&o);
    // CarePortals' add answer is `{last4, type, exp}`: no brand, and no id for a Stripe
    // test token (Stripe creates a new PaymentMethod); the list has both.
    assert_eq!(added["last4"], "0005");
    assert_eq!(added["kind"], "card");
    assert!(added["id"].is_null(), "{added}");

    let o = run(cmd(&["payment-methods", "list"])).await;
    let list = stdout_json(&o);
    for m in list.as_array().unwrap() {
        assert!(m.get("kind").is_some() && m.get("last4").is_some());
    }
    let amex = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["brand"] == "amex" && m["last4"] == "0005")
        .unwrap_or_else(|| panic!("{list}"));
    let id = amex["id"].as_str().expect("id").to_owned();

    let o = run(cmd(&["payment-methods", "remove", &id])).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout_json(&o),
        serde_json::json!({"removed": true, "id": id})
    );

    let o = run(cmd(&["payment-methods", "remove", &id])).await;
    assert_one_line_error(&o, 1, &["careportals", "remove_payment_method", "404"]);

    let o = run(cmd(&[
        "payment-methods",
        "add",
        "--token",
        "pm_card_chargeDeclined",
    ]))
    .await;
    assert_one_line_error(&o, 1, &["careportals", "402", "declined"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn carevalidate_intent_and_update() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url();
    let cmd = |args: &[&str]| {
        let mut c = with_creds(bin());
        c.args(["--provider", "carevalidate", "--base-url", &base])
            .args(args);
        c
    };
    let o = run(cmd(&[
        "payment-intents",
        "create",
        "--amount",
        "19.99",
        "--method-type",
        "card",
        "--method-type",
        "klarna",
    ]))
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout_json(&o);
    assert!(out["client_secret"].as_str().unwrap().contains("_secret_"));
    let sent = sandbox.requests().last().unwrap().json.clone().unwrap();
    assert_eq!(sent["amount"].to_string(), "19.99");
    assert_eq!(
        sent["paymentMethodTypes"],
        serde_json::json!(["card", "klarna"])
    );

    let o = run(cmd(&[
        "payment-info",
        "update",
        "--email",
        "john@example.com",
        "--stripe-setup-id",
        "seti_123",
        "--nmi-token",
        "tok",
        "--line1",
        "1600 Pennsylvania Avenue NW",
        "--city",
        "Washington",
        "--state",
        "DC",
        "--postal-code",
        "20500",
        "--country",
        "US",
    ]))
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout_json(&o),
        serde_json::json!({"code": "PAYMENT_SETUP_UPDATED"})
    );

    let o = run(cmd(&[
        "payment-info",
        "update",
        "--email",
        "nobody@unknown.example",
        "--stripe-setup-id",
        "seti_123",
        "--nmi-token",
        "tok",
        "--line1",
        "1 Main St",
        "--city",
        "Springfield",
        "--state",
        "IL",
        "--postal-code",
        "62701",
        "--country",
        "US",
    ]))
    .await;
    assert_one_line_error(
        &o,
        1,
        &[
            "carevalidate",
            "update_payment_info",
            "400",
            "does not exist",
        ],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn decoda_verify_feeds_settle_unchanged() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url();
    let seed = patientpay_sandbox::Seed::default();
    let p = seed
        .decoda
        .patients
        .iter()
        .find(|p| !p.credits.is_empty())
        .expect("a seeded patient with credit");
    let dob = p.date_of_birth.clone();
    let cmd = |args: &[&str]| {
        let mut c = with_creds(bin());
        c.args(["--provider", "decoda", "--base-url", &base])
            .args(args);
        c
    };
    let verify = [
        "patients",
        "verify",
        "--patient-id",
        &p.id,
        "--last-name",
        &p.last_name,
        "--phone",
        &p.phone,
        "--dob",
        &dob,
    ];
    let o = run(cmd(&verify)).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = stdout_json(&o);
    for key in ["patient", "charges", "total_outstanding", "payment_link"] {
        assert!(before.get(key).is_some(), "{key}");
    }
    let outstanding_before = before["total_outstanding"]["minor_units"].as_i64().unwrap();
    assert!(outstanding_before > 0);

    let dir = std::env::temp_dir().join(format!("patientpay-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("charges.json");
    std::fs::write(&file, serde_json::to_vec(&before["charges"]).unwrap()).unwrap();
    let o = run(cmd(&[
        "charges",
        "settle-credit",
        "--amount",
        "1.00",
        "--charges",
        file.to_str().unwrap(),
    ]))
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let payment = stdout_json(&o);
    assert_eq!(payment["amount"]["minor_units"], 100);
    assert!(payment["id"].is_string() && payment["status"].is_string());

    let after = stdout_json(&run(cmd(&verify)).await);
    assert_eq!(
        after["total_outstanding"]["minor_units"].as_i64().unwrap(),
        outstanding_before - 100
    );

    let o = run(cmd(&[
        "charges",
        "settle-credit",
        "--amount",
        "1.00",
        "--charges",
        "/nonexistent/charges.json",
    ]))
    .await;
    assert_one_line_error(&o, 2, &["--charges"]);
    std::fs::write(&file, b"{\"not\": \"charges\"}").unwrap();
    let o = run(cmd(&[
        "charges",
        "settle-credit",
        "--amount",
        "1.00",
        "--charges",
        file.to_str().unwrap(),
    ]))
    .await;
    assert_one_line_error(&o, 2, &["--charges"]);

    let wrong = [
        "patients",
        "verify",
        "--patient-id",
        &p.id,
        "--last-name",
        "Nobody",
        "--phone",
        &p.phone,
        "--dob",
        &dob,
    ];
    let o = run(cmd(&wrong)).await;
    assert_one_line_error(&o, 1, &["decoda", "verify_patient_balance", "404"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_never_reach_any_output_even_at_trace() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url();
    let runs: Vec<(&str, Vec<&str>)> = vec![
        ("careportals", vec!["payment-methods", "list"]),
        (
            "careportals",
            vec![
                "payment-methods",
                "add",
                "--token",
                "pm_card_chargeDeclined",
            ],
        ),
        (
            "carevalidate",
            vec!["payment-intents", "create", "--amount", "5"],
        ),
        (
            "decoda",
            vec![
                "patients",
                "verify",
                "--patient-id",
                "x",
                "--last-name",
                "L",
                "--phone",
                "1",
                "--dob",
                "1990-01-01",
            ],
        ),
    ];
    for (provider, args) in runs {
        let mut c = bin();
        c.env("CAREPORTALS_TOKEN", SECRETS[2])
            .env("CAREPORTALS_ORIGIN", credentials::CAREPORTALS_ORIGIN)
            .env("CAREVALIDATE_API_KEY", SECRETS[1])
            .env("DECODA_API_KEY", SECRETS[0])
            .env("DECODA_TENANT", credentials::DECODA_TENANT)
            .env("RUST_LOG", "trace")
            .args(["--provider", provider, "--base-url", &base])
            .args(&args);
        let o = run(c).await;
        let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
        for s in SECRETS {
            assert!(!all.contains(s), "{s} leaked by {provider} {args:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_runs_green() {
    let o = run({
        let mut c = bin();
        c.arg("demo");
        c
    })
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    // Every capability now has a vendor besides the first, so the demo no longer shows a
    // "not supported"; it shows each capability on each vendor that serves it.
    for needle in [
        "careportals",
        "carevalidate",
        "decoda",
        "payment_methods decoda",
        "checkout decoda",
        "refunded",
        "declined",
    ] {
        assert!(out.contains(needle), "{needle} in demo output:\n{out}");
    }
}

/// Peak resident memory of the CLI while a vendor answers with a 100+ MB body: the size cap
/// trips while streaming, so memory stays bounded (default cap 16 MiB).
#[tokio::test(flavor = "multi_thread")]
async fn a_100_mb_answer_is_refused_with_bounded_memory() {
    use patientpay_sandbox::{Fault, FaultKind};
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(
        Fault::on("GET", "/users/payment-methods").kind(FaultKind::HugeBody {
            bytes: 120 * 1024 * 1024,
            content_length: false,
        }),
    );
    let mut c = with_creds(bin());
    c.args([
        "--provider",
        "careportals",
        "--base-url",
        &sandbox.base_url(),
        "payment-methods",
        "list",
    ])
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    let child = c.spawn().unwrap();
    let pid = child.id();
    // VmHWM is the kernel's high-water mark of resident memory; poll it until the process exits.
    let poll = tokio::task::spawn_blocking(move || {
        let mut peak_kb = 0u64;
        while let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            if let Some(kb) = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
            {
                peak_kb = peak_kb.max(kb);
            }
            if status
                .lines()
                .any(|l| l.starts_with("State:") && l.contains('Z'))
            {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        peak_kb
    });
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let peak_kb = poll.await.unwrap();
    assert_one_line_error(
        &output,
        1,
        &["careportals", "list_payment_methods", "larger than"],
    );
    assert!(peak_kb > 0, "peak RSS was read");
    eprintln!(
        "peak RSS of the CLI on a 120 MB answer: {} MiB",
        peak_kb / 1024
    );
    assert!(
        peak_kb < 64 * 1024,
        "peak RSS {} MiB is not bounded by the 16 MiB cap",
        peak_kb / 1024
    );
}

/// `patientpay sandbox` runs in the foreground, prints where it listens and whom it seeds as
/// JSON, serves any other `patientpay` command given `--base-url`, and stops cleanly on Ctrl-C.
#[tokio::test(flavor = "multi_thread")]
async fn sandbox_command_serves_other_commands_and_stops_on_ctrl_c() {
    use std::io::{BufRead, BufReader};
    let mut c = bin();
    c.args(["sandbox", "--port", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let info: Value = tokio::task::spawn_blocking(move || {
        let mut text = String::new();
        let mut lines = BufReader::new(stdout).lines();
        while let Some(Ok(line)) = lines.next() {
            text.push_str(&line);
            text.push('\n');
            if line == "}" {
                break;
            }
        }
        serde_json::from_str(&text).unwrap()
    })
    .await
    .unwrap();
    let base = info["base_url"].as_str().unwrap().to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{info}");
    // The banner is the sandbox's own description: every vendor's credentials and data.
    assert_eq!(info["decoda"]["tenant"], credentials::DECODA_TENANT);
    assert_eq!(info["decoda"]["api_key"], credentials::DECODA_API_KEY);
    assert_eq!(
        info["carevalidate"]["api_keys"][0],
        credentials::CAREVALIDATE_API_KEY
    );
    assert!(
        info["carevalidate"]["users"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u == "john@example.com"),
        "{info}"
    );
    assert_eq!(
        info["careportals"]["patients"][0]["token"],
        credentials::CAREPORTALS_TOKEN
    );
    let patient = &info["decoda"]["patients"][0];
    for key in ["id", "last_name", "phone", "date_of_birth"] {
        assert!(patient[key].is_string(), "{key} in {patient}");
    }

    let mut verify = with_creds(bin());
    verify
        .args([
            "--provider",
            "decoda",
            "--base-url",
            &base,
            "patients",
            "verify",
        ])
        .args([
            "--patient-id",
            patient["id"].as_str().unwrap(),
            "--last-name",
            patient["last_name"].as_str().unwrap(),
            "--phone",
            patient["phone"].as_str().unwrap(),
            "--dob",
            patient["date_of_birth"].as_str().unwrap(),
        ]);
    let o = run(verify).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout_json(&o)["payment_link"].is_string());

    let pid = child.id().to_string();
    let killed = run({
        let mut k = Command::new("kill");
        k.args(["-INT", &pid]);
        k
    })
    .await;
    assert!(killed.status.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "a clean stop on Ctrl-C: {}",
        stderr(&out)
    );
    let err = stderr(&out);
    assert!(err.contains("stopping"), "{err}");
    // A copy-paste command for each capability and vendor-only operation.
    for hint in [
        "patients verify",
        "payment-methods list --provider decoda",
        "payment-methods list --provider careportals",
        "checkout start --amount",
        "checkout start --phone",
        "cases pay",
        "login --username",
    ] {
        assert!(err.contains(hint), "{hint:?} in {err}");
    }
}
