//! Helpers shared by the CLI's test files: the real binary, sandbox credentials, output
//! checks and the normalisation applied before snapshots.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use patientpay_sandbox::credentials;
use serde_json::Value;

/// The binary with every variable it reads removed.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_patientpay"));
    for var in [
        "PATIENTPAY_PROVIDER",
        "CAREPORTALS_TOKEN",
        "CAREPORTALS_ORIGIN",
        "CAREPORTALS_ORGANIZATION",
        "CAREPORTALS_PASSWORD",
        "CAREPORTALS_BASE_URL",
        "CAREPORTALS_LOGIN_PATH",
        "CAREVALIDATE_API_KEY",
        "CAREVALIDATE_BASE_URL",
        "DECODA_API_KEY",
        "DECODA_TENANT",
        "DECODA_BASE_URL",
        "RUST_LOG",
    ] {
        c.env_remove(var);
    }
    c.stdin(Stdio::null());
    c
}

/// The sandbox's credentials for every vendor, in the environment.
pub fn with_creds(mut c: Command) -> Command {
    c.env("CAREPORTALS_TOKEN", credentials::CAREPORTALS_TOKEN)
        .env("CAREPORTALS_ORIGIN", credentials::CAREPORTALS_ORIGIN)
        .env("CAREVALIDATE_API_KEY", credentials::CAREVALIDATE_API_KEY)
        .env("DECODA_API_KEY", credentials::DECODA_API_KEY)
        .env("DECODA_TENANT", credentials::DECODA_TENANT);
    c
}

/// `patientpay --base-url BASE ARGS…` with the sandbox's credentials.
pub fn cmd(base: &str, args: &[&str]) -> Command {
    let mut c = with_creds(bin());
    c.arg("--base-url").arg(base).args(args);
    c
}

/// Runs the command off the async runtime.
pub async fn run(mut c: Command) -> Output {
    tokio::task::spawn_blocking(move || c.output().expect("binary runs"))
        .await
        .unwrap()
}

/// Runs the command with `input` on stdin.
pub async fn run_with_stdin(mut c: Command, input: &'static [u8]) -> Output {
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        c.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().expect("binary runs");
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

/// Stdout as JSON, after checking the exit code is 0.
pub fn ok_json(o: &Output) -> Value {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&o.stdout),
            stderr(o)
        )
    })
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The `error: …` line of stderr, after checking the exit code, that stdout is empty and
/// that there is exactly one error line (notes such as `note: using --provider …` may
/// precede it).
pub fn error_line(o: &Output, code: i32) -> String {
    assert_eq!(o.status.code(), Some(code), "stderr: {}", stderr(o));
    assert!(
        o.stdout.is_empty(),
        "nothing on stdout on failure: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    let err = stderr(o);
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 1, "one error line: {err}");
    assert!(
        err.lines()
            .all(|l| l.starts_with("error: ") || l.starts_with("note: ")),
        "only notes and the error: {err}"
    );
    errors[0].to_owned()
}

/// Replaces what changes between runs: sandbox request ids (`sbx_` + 16 hex digits) and
/// loopback ports.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(tail) = rest.strip_prefix("sbx_")
            && tail.len() >= 16
            && tail.as_bytes()[..16].iter().all(u8::is_ascii_hexdigit)
        {
            out.push_str("[request-id]");
            rest = &tail[16..];
            continue;
        }
        if let Some(tail) = rest.strip_prefix("127.0.0.1:") {
            let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 {
                out.push_str("127.0.0.1:[port]");
                rest = &tail[digits..];
                continue;
            }
        }
        let c = rest.chars().next().unwrap();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// A scratch directory for this test process.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("patientpay-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `value` as JSON to `dir/name` and returns the path as a string.
pub fn write_json(dir: &Path, name: &str, value: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec(value).unwrap()).unwrap();
    path.to_str().unwrap().to_owned()
}

/// `patients verify` of the seeded Decoda patient `pat_1001` (Rivera), as JSON.
pub const PAT_1001: [&str; 10] = [
    "patients",
    "verify",
    "--patient-id",
    "pat_1001",
    "--last-name",
    "Rivera",
    "--phone",
    "+14155550101",
    "--dob",
    "1985-04-12",
];

/// Now, RFC 3339, for `--since`.
pub fn now_rfc3339() -> String {
    patientpay::time::OffsetDateTime::now_utc()
        .format(&patientpay::time::format_description::well_known::Rfc3339)
        .unwrap()
}
