//! `patientpay webhooks verify|listen`, run as a binary. Fixtures and their independently
//! computed signatures are the vendor crates' (`tests/fixtures/webhooks/signatures.txt`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

const DECODA_SECRET: &str = "whsec_decoda_fixture_3f9a";
const CV_SECRET: &str = "cvwh_fixture_secret_8c21";
const DECODA_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../patientpay-decoda/tests/fixtures/webhooks"
);
const CV_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../patientpay-carevalidate/tests/fixtures/webhooks"
);
const PHI: &[&str] = &[
    "Marguerite",
    "Okafor",
    "4155550142",
    "Evergreen",
    "Ignatius",
    "Pemberton",
    "Mockingbird",
    "90210",
];

fn sig(dir: &str, file: &str) -> String {
    std::fs::read_to_string(format!("{dir}/signatures.txt"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with(&format!("{file} ")))
        .unwrap()
        .split_whitespace()
        .last()
        .unwrap()
        .to_owned()
}

fn patientpay(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_patientpay"));
    c.args(args)
        .env_remove("DECODA_WEBHOOK_SECRET")
        .env_remove("CAREVALIDATE_WEBHOOK_SECRET")
        .env_remove("PATIENTPAY_PROVIDER");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn verify(provider: &str, body: &str, signature: &str, secret: Option<&str>) -> Output {
    let env_name = if provider == "decoda" {
        "DECODA_WEBHOOK_SECRET"
    } else {
        "CAREVALIDATE_WEBHOOK_SECRET"
    };
    let env: Vec<(&str, &str)> = secret.map(|s| (env_name, s)).into_iter().collect();
    patientpay(
        &[
            "webhooks",
            "verify",
            "--provider",
            provider,
            "--body",
            body,
            "--signature",
            signature,
        ],
        &env,
    )
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn assert_clean(o: &Output) {
    let t = text(o);
    for needle in PHI.iter().chain([&DECODA_SECRET, &CV_SECRET]) {
        assert!(!t.contains(needle), "{needle} in {t}");
    }
}

#[test]
fn verify_valid_deliveries() {
    let f = "payment_succeeded_spec.json";
    let o = verify(
        "decoda",
        &format!("{DECODA_DIR}/{f}"),
        &sig(DECODA_DIR, f),
        Some(DECODA_SECRET),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let ev: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(ev["provider"], "decoda");
    assert_eq!(ev["kind"], "payment_succeeded");
    assert_eq!(ev["vendor_type"], "PAYMENT_SUCCEEDED");
    assert_eq!(ev["data"]["payment"]["amount"]["minor_units"], 12500);
    assert_clean(&o);

    let f = "payment_added.json";
    let o = verify(
        "carevalidate",
        &format!("{CV_DIR}/{f}"),
        &sig(CV_DIR, f),
        Some(CV_SECRET),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let ev: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(ev["kind"], "payment_created");
    assert_eq!(ev["data"]["payment"]["id"], "cvpay_81");
    assert_clean(&o);
}

#[test]
fn every_tampering_case_exits_1_with_the_reason() {
    let dir = std::env::temp_dir().join(format!("pp-webhooks-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (provider, fixtures, secret, file) in [
        ("decoda", DECODA_DIR, DECODA_SECRET, "patient_updated.json"),
        (
            "carevalidate",
            CV_DIR,
            CV_SECRET,
            "add_payment_info_staging.json",
        ),
    ] {
        let path = format!("{fixtures}/{file}");
        let good = sig(fixtures, file);
        let mut body = std::fs::read(&path).unwrap();
        let mid = body.len() / 2;
        body[mid] ^= 0x01;
        let tampered = dir.join(format!("{provider}-tampered.json"));
        std::fs::write(&tampered, &body).unwrap();
        let tampered = tampered.to_str().unwrap();
        let cases: Vec<(&str, String, Option<&str>, &str)> = vec![
            (tampered, good.clone(), Some(secret), "signature mismatch"),
            (
                &path,
                good.clone(),
                Some("whsec_wrong"),
                "signature mismatch",
            ),
            (&path, good[..63].to_owned(), Some(secret), "odd length"),
            (&path, good[..62].to_owned(), Some(secret), "wrong length"),
            (
                &path,
                format!("{}zz", &good[..62]),
                Some(secret),
                "not hexadecimal",
            ),
            (&path, String::new(), Some(secret), "wrong length"),
        ];
        for (b, s, sec, reason) in cases {
            let o = verify(provider, b, &s, sec);
            assert_eq!(
                o.status.code(),
                Some(1),
                "{provider} {reason}: {}",
                text(&o)
            );
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.contains(reason), "{provider}: {err}");
            assert!(o.stdout.is_empty());
            assert_clean(&o);
        }
        // uppercase hex is fine
        let o = verify(provider, &path, &good.to_uppercase(), Some(secret));
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        // no secret configured: usage error, nothing verified
        let o = verify(provider, &path, &good, None);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(String::from_utf8_lossy(&o.stderr).contains("WEBHOOK_SECRET"));
    }
    let o = verify("careportals", "x", "y", Some("s"));
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A loopback app that records each POST body and answers 200.
fn forward_target() -> (String, mpsc::Receiver<(String, Vec<u8>)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let mut s = conn.unwrap();
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let (head_end, len) = loop {
                let n = s.read(&mut chunk).unwrap();
                buf.extend_from_slice(&chunk[..n]);
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..i]).to_ascii_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .unwrap()
                        .trim()
                        .parse()
                        .unwrap();
                    break (i, len);
                }
            };
            while buf.len() < head_end + 4 + len {
                let n = s.read(&mut chunk).unwrap();
                buf.extend_from_slice(&chunk[..n]);
            }
            let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
            let body = buf[head_end + 4..head_end + 4 + len].to_vec();
            let _ =
                s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            let _ = tx.send((head, body));
        }
    });
    (url, rx)
}

fn raw_post(base: &str, path: &str, headers: &[(&str, &str)], body: &str) -> u16 {
    let addr = base.trim_start_matches("http://").trim_end_matches('/');
    let mut s = TcpStream::connect(addr).unwrap();
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn listen_forwards_verified_sandbox_deliveries() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sandbox = rt.block_on(patientpay_sandbox::Sandbox::start()).unwrap();
    let base = sandbox.base_url().to_string();
    let (target, received) = forward_target();
    let mut child = Command::new(env!("CARGO_BIN_EXE_patientpay"))
        .args([
            "--provider",
            "carevalidate",
            "--base-url",
            &base,
            "webhooks",
            "listen",
            "--forward-to",
            &target,
            "--max-events",
            "1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut ready = String::new();
    stderr.read_line(&mut ready).unwrap();
    assert!(ready.starts_with("ready:"), "{ready}");

    // a case payment makes the sandbox deliver PAYMENT_ADDED
    let status = raw_post(
        &base,
        "/api/v1/cases/3c9a7f2e-1b4d-4e8a-9f6b-000000000001/payments",
        &[(
            "cv-api-key",
            patientpay_sandbox::credentials::CAREVALIDATE_API_KEY,
        )],
        r#"{"amount": 19.99, "description": "Consult", "idempotencyKey": "listen-test-1"}"#,
    );
    assert_eq!(status, 200);
    let (head, body) = received.recv_timeout(Duration::from_secs(20)).unwrap();
    let event: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(event["event"], "PAYMENT_ADDED");
    // forwarded with the vendor's signature header
    assert!(
        head.to_ascii_lowercase().contains("x-cv-signature: "),
        "{head}"
    );

    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().next().unwrap();
    assert!(
        line.starts_with("carevalidate PAYMENT_ADDED (payment_created)")
            && line.ends_with("-> 200"),
        "{line}"
    );
    // the sandbox saw its delivery answered 2xx
    rt.block_on(sandbox.wait_for_deliveries());
    let deliveries = sandbox.deliveries();
    assert!(
        deliveries.iter().any(|d| d.last_status() == Some(200)),
        "{deliveries:?}"
    );
}

#[test]
fn listen_needs_a_sandbox_url_and_a_vendor() {
    let o = patientpay(
        &[
            "webhooks",
            "listen",
            "--provider",
            "decoda",
            "--forward-to",
            "http://127.0.0.1:9/",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--base-url"));
    let o = patientpay(
        &[
            "webhooks",
            "listen",
            "--base-url",
            "http://127.0.0.1:9",
            "--forward-to",
            "http://127.0.0.1:9/",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn listen_registers_with_decodas_create_route_and_forwards_a_settle() {
    use patientpay::decoda::DecodaBuilder;
    use patientpay::{Money, PatientBilling, SettleChargesFromCredit, VerifyPatient, parse_date};
    use patientpay_sandbox::credentials;

    let rt = tokio::runtime::Runtime::new().unwrap();
    let seed = patientpay_sandbox::Seed::default();
    let sandbox = rt
        .block_on(patientpay_sandbox::Sandbox::start_with(seed.clone()))
        .unwrap();
    let base = sandbox.base_url().to_string();
    let (target, received) = forward_target();
    let mut child = Command::new(env!("CARGO_BIN_EXE_patientpay"))
        .args([
            "--provider",
            "decoda",
            "--base-url",
            &base,
            "webhooks",
            "listen",
            "--forward-to",
            &target,
            "--max-events",
            "1",
        ])
        .env("DECODA_API_KEY", credentials::DECODA_API_KEY)
        .env("DECODA_TENANT", credentials::DECODA_TENANT)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut ready = String::new();
    stderr.read_line(&mut ready).unwrap();
    assert!(ready.starts_with("ready:"), "{ready}");

    let decoda = DecodaBuilder::new()
        .with_api_key(credentials::DECODA_API_KEY)
        .with_tenant(credentials::DECODA_TENANT)
        .with_base_url(sandbox.base_url())
        .build()
        .unwrap();
    let p = seed
        .decoda
        .patients
        .iter()
        .find(|p| !p.credits.is_empty())
        .unwrap();
    let payment = rt.block_on(async {
        let balance = decoda
            .verify_patient_balance(VerifyPatient::new(
                &p.id,
                &p.last_name,
                &p.phone,
                parse_date("dob", &p.date_of_birth).unwrap(),
            ))
            .await
            .unwrap();
        let credit = balance.patient.credit_balance.unwrap();
        let amount = Money::from_minor(
            credit
                .minor_units()
                .min(balance.total_outstanding.minor_units()),
            credit.currency(),
        );
        decoda
            .settle_charges_from_credit(SettleChargesFromCredit::new(amount, balance.charges))
            .await
            .unwrap()
    });
    let (head, body) = received.recv_timeout(Duration::from_secs(20)).unwrap();
    let event: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(event["type"], "PAYMENT_CREATED");
    assert_eq!(event["data"]["id"], payment.id.as_str());
    assert!(
        head.to_ascii_lowercase().contains("decoda-signature: "),
        "{head}"
    );
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("decoda PAYMENT_CREATED (payment_created) id=evt_"),
        "{stdout}"
    );
}
