//! The `patientpay` binary against a hostile vendor, at `RUST_LOG=trace`.
//!
//! A loopback server started by each case echoes everything it received — the request line
//! with its query, every header, the body — into its answers: plain, percent-decoded,
//! URL-encoded, JSON-escaped (twice nested and `\uXXXX`), as HTML entities, with every ISO
//! date also in US forms and every phone also as `(541) 777-0199`. It sends the client's
//! secrets (or a huge or markup-carrying value) as its `x-request-id`, or redirects to a
//! second server that must see nothing. Every CLI command of every vendor runs against it,
//! one table row per command × vendor, for each kind of answer (one test per kind); none of
//! the secrets and PHI values may appear on stdout or stderr.
//!
//! The list of commands is read from the binary's own `--help`, so a new command cannot be
//! forgotten: `every_cli_command_is_in_the_table` fails until it has a row (or a stated
//! reason to have none). Each test also checks that the echo server really echoed the
//! secrets it is looking for, so the tests can fail.

mod common;

use std::collections::BTreeSet;
use std::process::Output;
use std::sync::{Arc, Mutex};

use patientpay::{Charge, ChargeState, Currency, Money};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use common::{bin, scratch, write_json};

// ---------------------------------------------------------------------------------------
// The secrets and PHI of every case.

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJob3N0aWxlLWNsaS1wYXRpZW50In0.SIGhostileCLIzz9";
const JWT_PAYLOAD: &str = "eyJzdWIiOiJob3N0aWxlLWNsaS1wYXRpZW50In0";
const JWT_SIGNATURE: &str = "SIGhostileCLIzz9";
const ORIGIN: &str = "https://demo.portals.care";
const CV_KEY: &str = "cvkey-hostilecli-QX7-secret";
const DECODA_KEY: &str = "decoda-key-hostilecli-QX7";
const TENANT: &str = "tenant-hostilecli-QX7";
const NMI: &str = "nmi-token-hostilecli-QX7";
const PM_TOKEN: &str = "pm_hostilecliQX7token";
const PASSWORD: &str = "pw-Hostile-CLI-QX7!";
const WEBHOOK_SECRET: &str = "whsec_hostilecli_QX7_secret";
const FIRST: &str = "Ysoldeth";
const LAST: &str = "Quorrenbach";
const PHONE: &str = "+15417770199";
const DOB: &str = "1971-03-14";
const EMAIL: &str = "quorra.b+pay@example.com";
const STREET: &str = "742 Evergreen Terrace";
const CITY: &str = "Springfieldqz";
/// Above 65535, so no loopback port can spell it; matched as a whole number.
const ZIP: &str = "97403";

/// Every value that must never be printed, in the forms a vendor may echo it, with what it
/// is (for the failure message). Matched ASCII case-insensitively.
fn needles() -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = vec![
        ("CarePortals JWT", JWT.into()),
        ("JWT payload", JWT_PAYLOAD.into()),
        ("JWT signature", JWT_SIGNATURE.into()),
        ("CareValidate API key", CV_KEY.into()),
        ("Decoda API key", DECODA_KEY.into()),
        ("Decoda tenant", TENANT.into()),
        ("NMI token", NMI.into()),
        ("payment method token", PM_TOKEN.into()),
        ("CarePortals password", PASSWORD.into()),
        ("webhook secret", WEBHOOK_SECRET.into()),
        ("first name", FIRST.into()),
        ("last name", LAST.into()),
        ("phone", PHONE.into()),
        ("phone digits", "5417770199".into()),
        ("phone (US form)", "(541) 777-0199".into()),
        ("phone (dashes)", "541-777-0199".into()),
        ("date of birth (ISO)", DOB.into()),
        ("date of birth (US)", "03/14/1971".into()),
        ("date of birth (US, short)", "3/14/1971".into()),
        ("e-mail", EMAIL.into()),
        (
            "e-mail (URL-encoded)",
            "quorra.b%2Bpay%40example.com".into(),
        ),
        (
            "e-mail (@ URL-encoded)",
            "quorra.b+pay%40example.com".into(),
        ),
        ("street", STREET.into()),
        ("street (form-encoded)", "742+Evergreen+Terrace".into()),
        ("street (URL-encoded)", "742%20Evergreen%20Terrace".into()),
        ("city", CITY.into()),
    ];
    v.sort();
    v
}

/// The needles found in `text` (the postal code only as a whole number).
fn leaks(text: &str) -> Vec<&'static str> {
    let lower = text.to_ascii_lowercase();
    let mut found: Vec<&'static str> = needles()
        .into_iter()
        .filter(|(_, n)| lower.contains(&n.to_ascii_lowercase()))
        .map(|(what, _)| what)
        .collect();
    if contains_whole_number(&lower, ZIP) {
        found.push("postal code");
    }
    found
}

fn contains_whole_number(text: &str, number: &str) -> bool {
    let b = text.as_bytes();
    text.match_indices(number).any(|(i, m)| {
        let before = i.checked_sub(1).map(|j| b[j]);
        let after = b.get(i + m.len()).copied();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

// ---------------------------------------------------------------------------------------
// The echo forms.

/// Percent-decoding; `form` also turns `+` into a space (as HTML forms encode spaces).
fn percent_decode(s: &str, form: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' if form => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// As JavaScript's `encodeURIComponent`.
fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// As an HTML form encodes: spaces as `+`.
fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for b in s.bytes() {
        match b {
            b' ' => out.push('+'),
            b if b.is_ascii_alphanumeric() || b"-_.*".contains(&b) => out.push(b as char),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Every ASCII character that is not a letter or digit as a JSON `\uXXXX` escape.
fn u_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || !c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{:04x}", c as u32));
        }
    }
    out
}

/// Every ASCII character that is not a letter, digit or space as an HTML entity.
fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if c.is_ascii_alphanumeric() || c == ' ' || !c.is_ascii() => out.push(c),
            c => out.push_str(&format!("&#{};", c as u32)),
        }
    }
    out
}

/// ISO dates in `text` as MM/DD/YYYY and M/D/YYYY; `+1` phones as `(AAA) BBB-CCCC` and
/// `AAA-BBB-CCCC`.
fn reformatted(text: &str) -> String {
    let b = text.as_bytes();
    let mut extra = String::new();
    for i in 0..b.len() {
        if let Some(w) = b.get(i..i + 10) {
            let digits = |r: std::ops::Range<usize>| w[r].iter().all(u8::is_ascii_digit);
            if digits(0..4) && w[4] == b'-' && digits(5..7) && w[7] == b'-' && digits(8..10) {
                let s = String::from_utf8_lossy(w);
                let (y, m, d) = (&s[0..4], &s[5..7], &s[8..10]);
                extra.push_str(&format!(
                    " {m}/{d}/{y} {}/{}/{y}",
                    m.trim_start_matches('0'),
                    d.trim_start_matches('0')
                ));
            }
        }
        if let Some(w) = b.get(i..i + 12)
            && w.starts_with(b"+1")
            && w[2..].iter().all(u8::is_ascii_digit)
        {
            let s = String::from_utf8_lossy(&w[2..]);
            let (a, p, l) = (&s[0..3], &s[3..6], &s[6..10]);
            extra.push_str(&format!(" ({a}) {p}-{l} {a}-{p}-{l}"));
        }
    }
    extra
}

/// What the hostile vendor says back: the request in every form.
fn echo(raw: &str) -> String {
    let decoded = percent_decode(raw, false);
    let form_decoded = percent_decode(raw, true);
    let json_escaped = serde_json::to_string(raw).unwrap_or_default();
    format!(
        "you sent: {raw} | decoded: {decoded} | form-decoded: {form_decoded} | \
         json: {json_escaped} | url-encoded: {} | \
         form-encoded: {} | at-encoded: {} | unicode-escaped: {} | html: {} | also: {}",
        url_encode(raw),
        form_encode(&form_decoded),
        decoded.replace('@', "%40"),
        u_escape(&decoded),
        html_escape(&decoded),
        reformatted(&decoded)
    )
}

// ---------------------------------------------------------------------------------------
// The hostile vendor.

/// The kind of answer the hostile vendor gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// 400 with a JSON error in every vendor's shape (`message`, `detail`, `error`, each
    /// holding the echo); the client's secrets as the request id.
    Json400,
    /// 422 in FastAPI's shape, `{"detail":[{"msg": echo, "input": echo}]}`; a request id
    /// with quotes and markup.
    FastApi422,
    /// 500 with an HTML page holding the echo; an 8 KB request id.
    Html500,
    /// 200 `text/plain` holding the echo (an undecodable success); a request id with
    /// non-ASCII bytes.
    Text200,
    /// 307 to a second server (that must see nothing); the secrets as the request id.
    Redirect307,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Json400 => "400 JSON echo",
            Mode::FastApi422 => "422 FastAPI echo",
            Mode::Html500 => "500 HTML echo",
            Mode::Text200 => "200 text echo",
            Mode::Redirect307 => "307 redirect",
        }
    }
}

/// A markup-carrying request id.
const MARKUP_ID: &str = "rid-\"><script>alert(1)</script>";
/// A piece of the 8 KB request id, looked for in the output.
const HUGE_ID_PIECE: &str = "x7x7x7x7x7x7x7x7x7x7";

fn huge_id() -> String {
    format!("rid-{}", "x7".repeat(4096))
}

/// One request the hostile vendor got and what it answered.
#[derive(Clone)]
struct Exchange {
    request: String,
    answer: Vec<u8>,
}

#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<Exchange>>>);

impl Log {
    fn all(&self) -> Vec<Exchange> {
        self.0.lock().unwrap().clone()
    }
}

struct Vendor {
    base: String,
    log: Log,
    /// Requests that reached the redirect target.
    elsewhere: Log,
}

/// Reads one HTTP/1.1 request (headers and a `Content-Length` body).
async fn read_request(sock: &mut TcpStream) -> Option<Vec<u8>> {
    let mut got = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if got.len() >= end + 4 + len {
                return Some(got);
            }
        }
        if got.len() > 1024 * 1024 {
            return Some(got);
        }
        let n = sock.read(&mut buf).await.ok()?;
        if n == 0 {
            return (!got.is_empty()).then_some(got);
        }
        got.extend_from_slice(&buf[..n]);
    }
}

fn answer(mode: Mode, raw: &str, location: &str) -> Vec<u8> {
    let echoed = echo(raw);
    // The client's own credentials as a "request id" that looks like one (at most 120
    // bytes of visible ASCII without spaces).
    let secret_id: String = raw
        .lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(name, _)| {
            ["authorization", "api-key", "tenant", "cv-api-key"]
                .contains(&name.trim().to_ascii_lowercase().as_str())
        })
        .map(|(_, v)| v.trim().trim_start_matches("Bearer ").to_owned())
        .collect::<Vec<_>>()
        .join(".");
    let secret_id: String = format!("rid.{secret_id}").chars().take(120).collect();
    let (status, content_type, id, body): (&str, &str, Vec<u8>, String) = match mode {
        Mode::Json400 => (
            "400 Bad Request",
            "application/json",
            secret_id.into_bytes(),
            json!({
                "statusCode": 400, "status": 400, "success": false,
                "message": echoed, "detail": echoed, "error": echoed,
            })
            .to_string(),
        ),
        Mode::FastApi422 => (
            "422 Unprocessable Entity",
            "application/json",
            MARKUP_ID.as_bytes().to_vec(),
            json!({"detail": [{
                "type": "value_error", "loc": ["body", "echo"],
                "msg": echoed, "input": echoed,
            }]})
            .to_string(),
        ),
        Mode::Html500 => (
            "500 Internal Server Error",
            "text/html; charset=utf-8",
            huge_id().into_bytes(),
            format!(
                "<html><body><h1>Internal Server Error</h1><!-- {echoed} --><pre>{}</pre></body></html>",
                html_escape(&echoed)
            ),
        ),
        Mode::Text200 => {
            let mut id = b"rid-\xff\xfe-".to_vec();
            id.extend_from_slice(secret_id.as_bytes());
            ("200 OK", "text/plain", id, echoed)
        }
        Mode::Redirect307 => (
            "307 Temporary Redirect",
            "text/plain",
            secret_id.into_bytes(),
            String::new(),
        ),
    };
    let mut out = format!("HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\n").into_bytes();
    if mode == Mode::Redirect307 {
        out.extend_from_slice(format!("location: {location}\r\n").as_bytes());
    }
    out.extend_from_slice(b"x-request-id: ");
    out.extend_from_slice(&id);
    out.extend_from_slice(
        format!(
            "\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
    out
}

/// A loopback server recording every request and answering it as `mode` says (`None`:
/// 404, for the redirect target).
async fn serve(mode: Option<Mode>, location: String) -> (String, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let log = Log::default();
    let recorder = log.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let log = recorder.clone();
            let location = location.clone();
            tokio::spawn(async move {
                let Some(raw) = read_request(&mut sock).await else {
                    return;
                };
                let raw = String::from_utf8_lossy(&raw).into_owned();
                let bytes = match mode {
                    Some(mode) => answer(mode, &raw, &location),
                    None => {
                        b"HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"
                            .to_vec()
                    }
                };
                log.0.lock().unwrap().push(Exchange {
                    request: raw,
                    answer: bytes.clone(),
                });
                let _ = sock.write_all(&bytes).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    (base, log)
}

async fn hostile_vendor(mode: Mode) -> Vendor {
    let (target, elsewhere) = serve(None, String::new()).await;
    let (base, log) = serve(Some(mode), format!("{target}/stolen?next=1")).await;
    Vendor {
        base,
        log,
        elsewhere,
    }
}

// ---------------------------------------------------------------------------------------
// The table: every command of every vendor.

const VENDORS: [&str; 3] = ["careportals", "carevalidate", "decoda"];

/// One command line of the table. For each vendor: `sends` (it must reach the vendor),
/// `offline` (it works without the vendor: nothing sent, exit 1) or otherwise refused
/// before anything is sent (exit 2).
struct Row {
    name: &'static str,
    args: Vec<String>,
    sends: &'static [&'static str],
    offline: &'static [&'static str],
}

/// Commands with no row, and why.
const NOT_IN_TABLE: &[(&str, &str)] = &[
    (
        "sandbox",
        "runs the local sandbox in the foreground; calls no vendor",
    ),
    (
        "demo",
        "runs against the embedded sandbox with the sandbox's own credentials; takes no base URL",
    ),
];

struct Files {
    charges: String,
    method: String,
    webhook_body: String,
}

fn files(test: &str) -> Files {
    let dir = scratch(&format!("hostile-{test}"));
    let usd = |minor| Money::from_minor(minor, Currency::USD);
    let mut charge = Charge::new(
        "pat_hostile_cli",
        ChargeState::Outstanding,
        usd(5000),
        usd(5000),
    );
    charge.id = Some("chg_hostile_cli".into());
    let charges = write_json(
        &dir,
        "charges.json",
        &json!({ "charges": serde_json::to_value(vec![charge]).unwrap() }),
    );
    let method = write_json(
        &dir,
        "method.json",
        &json!({
            "paymentMethodId": "mtd_hostile_cli",
            "paymentMethodConfigId": "pmc_hostile_cli",
            "fingerprint": "fp_hostile_cli",
            "methodType": "CARD",
            "card": {"type": "CREDIT", "brand": "VISA", "brandDesc": "Visa", "last4": "1881",
                     "expMonth": 12, "expYear": 2030},
            "ach": null, "applePay": null,
            "billingContact": {
                "name": format!("{FIRST} {LAST}"), "addressLine1": STREET, "addressLine2": null,
                "city": CITY, "state": "OR", "postalCode": ZIP, "country": "US",
                "email": EMAIL, "phone": PHONE
            },
            "metadata": {},
            "createdAt": "2026-12-01T10:00:00Z", "updatedAt": "2026-12-01T10:00:00Z"
        }),
    );
    let webhook_body = write_json(
        &dir,
        "delivery.json",
        &json!({
            "type": "PATIENT_UPDATED", "id": "evt_hostile_cli",
            "data": {"firstName": FIRST, "lastName": LAST, "email": EMAIL, "phone": PHONE,
                     "dateOfBirth": DOB, "address": STREET}
        }),
    );
    Files {
        charges,
        method,
        webhook_body,
    }
}

fn row(
    name: &'static str,
    args: &[&str],
    sends: &'static [&'static str],
    offline: &'static [&'static str],
) -> Row {
    Row {
        name,
        args: args.iter().map(|s| s.to_string()).collect(),
        sends,
        offline,
    }
}

const CP: &[&str] = &["careportals"];
const CV: &[&str] = &["carevalidate"];
const DC: &[&str] = &["decoda"];
const NONE: &[&str] = &[];

fn rows(f: &Files) -> Vec<Row> {
    let address = [
        "--line1",
        STREET,
        "--line2",
        "Apt 9",
        "--city",
        CITY,
        "--state",
        "OR",
        "--postal-code",
        ZIP,
        "--country",
        "US",
    ];
    let with = |head: &[&str], tail: &[&str]| -> Vec<String> {
        head.iter().chain(tail).map(|s| s.to_string()).collect()
    };
    vec![
        row(
            "payment-methods list",
            &["payment-methods", "list"],
            CP,
            NONE,
        ),
        row(
            "payment-methods list --patient-id",
            &["payment-methods", "list", "--patient-id", "pat_hostile_cli"],
            DC,
            NONE,
        ),
        row(
            "payment-methods add --token",
            &["payment-methods", "add", "--token", PM_TOKEN],
            CP,
            NONE,
        ),
        row(
            "payment-methods add --rainforest-method",
            &[
                "payment-methods",
                "add",
                "--rainforest-method",
                &f.method,
                "--patient-id",
                "pat_hostile_cli",
            ],
            DC,
            NONE,
        ),
        row(
            "payment-methods remove",
            &["payment-methods", "remove", "pm_hostile_cli"],
            CP,
            NONE,
        ),
        row(
            "payment-methods remove --patient-id",
            &[
                "payment-methods",
                "remove",
                "pm_hostile_cli",
                "--patient-id",
                "pat_hostile_cli",
            ],
            DC,
            NONE,
        ),
        row(
            "payment-intents create",
            &[
                "payment-intents",
                "create",
                "--amount",
                "19.99",
                "--method-type",
                "card",
            ],
            CV,
            NONE,
        ),
        Row {
            name: "payment-info update",
            args: with(
                &[
                    "payment-info",
                    "update",
                    "--email",
                    EMAIL,
                    "--stripe-setup-id",
                    "seti_hostile_cli",
                    "--nmi-token",
                    NMI,
                ],
                &address,
            ),
            sends: CV,
            offline: NONE,
        },
        Row {
            name: "payment-info complete",
            args: with(
                &[
                    "payment-info",
                    "complete",
                    "--stripe-setup-id",
                    "seti_hostile_cli",
                ],
                &address,
            ),
            sends: CV,
            offline: NONE,
        },
        row(
            "patients verify",
            &[
                "patients",
                "verify",
                "--patient-id",
                "pat_hostile_cli",
                "--last-name",
                LAST,
                "--phone",
                PHONE,
                "--dob",
                DOB,
            ],
            DC,
            NONE,
        ),
        row(
            "patients credit",
            &["patients", "credit", "--patient-id", "pat_hostile_cli"],
            DC,
            NONE,
        ),
        row(
            "charges settle-credit",
            &[
                "charges",
                "settle-credit",
                "--amount",
                "10.00",
                "--charges",
                &f.charges,
                "--credit-id",
                "cred_hostile_cli",
            ],
            DC,
            NONE,
        ),
        row(
            "charges pay",
            &[
                "charges",
                "pay",
                "--payment-method-id",
                "pm_hostile_cli",
                "--charges",
                &f.charges,
            ],
            DC,
            NONE,
        ),
        row(
            "checkout start --amount",
            &["checkout", "start", "--amount", "19.99"],
            CV,
            NONE,
        ),
        row(
            "checkout start --setup",
            &["checkout", "start", "--setup"],
            CV,
            NONE,
        ),
        row(
            "checkout start --charges",
            &[
                "checkout",
                "start",
                "--charges",
                &f.charges,
                "--patient-id",
                "pat_hostile_cli",
            ],
            DC,
            NONE,
        ),
        row(
            "checkout start --phone",
            &["checkout", "start", "--phone", PHONE],
            DC,
            NONE,
        ),
        row(
            "payments refund",
            &[
                "payments",
                "refund",
                "--payment-id",
                "pay_hostile_cli",
                "--provider-id",
                "prv_hostile_cli",
                "--amount",
                "1.00",
                "--reason",
                "other",
                "--description",
                "hostile refund",
            ],
            DC,
            NONE,
        ),
        row(
            "payments reconcile settle",
            &[
                "payments",
                "reconcile",
                "settle",
                "--amount",
                "10.00",
                "--charges",
                &f.charges,
                "--since",
                "2026-12-01T00:00:00Z",
            ],
            DC,
            NONE,
        ),
        row(
            "payments reconcile pay",
            &[
                "payments",
                "reconcile",
                "pay",
                "--payment-method-id",
                "pm_hostile_cli",
                "--charges",
                &f.charges,
                "--payin-config-id",
                "pic_hostile_cli",
            ],
            DC,
            NONE,
        ),
        row(
            "payments reconcile refund",
            &[
                "payments",
                "reconcile",
                "refund",
                "--patient-id",
                "pat_hostile_cli",
                "--payment-id",
                "pay_hostile_cli",
                "--provider-id",
                "prv_hostile_cli",
                "--amount",
                "1.00",
                "--reason",
                "duplicate",
            ],
            DC,
            NONE,
        ),
        row(
            "cases pay",
            &[
                "cases",
                "pay",
                "--case-id",
                "3c9a7f2e-1b4d-4e8a-9f6b-00000000c11a",
                "--amount",
                "49.00",
                "--description",
                "refill",
            ],
            CV,
            NONE,
        ),
        row("login", &["login", "--username", EMAIL], CP, NONE),
        row(
            "login --show-token",
            &["login", "--username", EMAIL, "--show-token"],
            CP,
            NONE,
        ),
        row(
            "webhooks listen",
            &[
                "webhooks",
                "listen",
                "--forward-to",
                "http://127.0.0.1:9/hooks",
                "--max-events",
                "1",
            ],
            &["carevalidate", "decoda"],
            NONE,
        ),
        row(
            "webhooks verify",
            &[
                "webhooks",
                "verify",
                "--body",
                &f.webhook_body,
                "--signature",
                "t=1,v1=00",
            ],
            NONE,
            &["carevalidate", "decoda"],
        ),
    ]
}

// ---------------------------------------------------------------------------------------
// Running one case.

fn run_binary(vendor: &str, base: &str, args: &[String]) -> Output {
    let mut c = bin();
    c.env("CAREPORTALS_TOKEN", JWT)
        .env("CAREPORTALS_ORIGIN", ORIGIN)
        .env("CAREPORTALS_PASSWORD", PASSWORD)
        .env("CAREVALIDATE_API_KEY", CV_KEY)
        .env("DECODA_API_KEY", DECODA_KEY)
        .env("DECODA_TENANT", TENANT)
        .env("DECODA_WEBHOOK_SECRET", WEBHOOK_SECRET)
        .env("CAREVALIDATE_WEBHOOK_SECRET", WEBHOOK_SECRET)
        .env("RUST_LOG", "trace")
        .args(["--provider", vendor, "--base-url", base, "--timeout", "20"])
        .args(args);
    c.output().expect("the binary runs")
}

/// Runs `row` on `vendor` against a hostile vendor answering as `mode`; returns what went
/// wrong (empty: the case passed) and the answers the vendor sent.
async fn case(row: &Row, vendor: &'static str, mode: Mode) -> (Vec<String>, Vec<Exchange>) {
    let hostile = hostile_vendor(mode).await;
    let base = hostile.base.clone();
    let args = row.args.clone();
    let o = tokio::task::spawn_blocking(move || run_binary(vendor, &base, &args))
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let code = o.status.code();
    let exchanges = hostile.log.all();
    let label = format!("[{} × {vendor} × {}]", row.name, mode.name());
    let mut problems = Vec::new();
    let mut problem = |what: String| {
        problems.push(format!(
            "{label} {what}\n  exit {code:?}\n  stdout: {}\n  stderr (last 1500 bytes): {}",
            stdout.trim(),
            tail(&stderr, 1500)
        ))
    };

    let leaked = leaks(&format!("{stdout}\n{stderr}"));
    if !leaked.is_empty() {
        problem(format!("prints {leaked:?}"));
    }
    for (what, piece) in [
        ("the markup request id", "<script>"),
        ("the 8 KB request id", HUGE_ID_PIECE),
    ] {
        if stdout.contains(piece) || stderr.contains(piece) {
            problem(format!("prints {what}"));
        }
    }
    let redirected = hostile.elsewhere.all();
    if !redirected.is_empty() {
        problem(format!(
            "followed the redirect: the other host got {} request(s)",
            redirected.len()
        ));
    }
    if row.sends.contains(&vendor) {
        if exchanges.is_empty() {
            problem("never reached the vendor".into());
        }
        let ok_codes: &[i32] = if mode == Mode::Text200 {
            &[0, 1, 3]
        } else {
            &[1, 3]
        };
        if !code.is_some_and(|c| ok_codes.contains(&c)) {
            problem(format!("exit code not one of {ok_codes:?}"));
        }
        if code != Some(0) && !stderr.lines().any(|l| l.starts_with("error: ")) {
            problem("no `error:` line on stderr".into());
        }
        // Not for `webhooks listen`: its registration is the CLI's own HTTP, not the SDK's.
        let sdk = !row.name.starts_with("webhooks");
        if sdk && !stderr.contains("TRACE") && !stderr.contains("DEBUG") {
            problem("RUST_LOG=trace printed no trace".into());
        }
        // The vendor's JSON message is shown (scrubbed), so the scrubbing is what keeps the
        // output clean, not the message being dropped.
        // (FastAPI's shape is Decoda's only; the others describe it by status and size.)
        let vendor_shape =
            mode == Mode::Json400 || (mode == Mode::FastApi422 && vendor == "decoda");
        if sdk
            && vendor_shape
            && !stderr
                .lines()
                .any(|l| l.starts_with("error: ") && l.contains("you sent"))
        {
            problem("the error line does not show the vendor's (scrubbed) message".into());
        }
    } else if row.offline.contains(&vendor) {
        if !exchanges.is_empty() {
            problem("an offline command reached the vendor".into());
        }
        if code != Some(1) {
            problem("exit code is not 1".into());
        }
    } else {
        if !exchanges.is_empty() {
            problem("a command the vendor does not serve reached it".into());
        }
        if code != Some(2) {
            problem("a command the vendor does not serve did not exit 2".into());
        }
    }
    (problems, exchanges)
}

fn tail(s: &str, n: usize) -> &str {
    let mut start = s.len().saturating_sub(n);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

/// Every row × every vendor that serves it, answered as `mode`; then the checks that the
/// echo really carried what the cases look for.
async fn every_command_against(mode: Mode, test: &str) {
    let f = files(test);
    let mut cases: Vec<(Row, &'static str)> = Vec::new();
    for r in rows(&f) {
        for v in r.sends {
            cases.push((
                Row {
                    name: r.name,
                    args: r.args.clone(),
                    sends: r.sends,
                    offline: r.offline,
                },
                v,
            ));
        }
    }
    assert!(
        cases.len() >= 25,
        "every served command runs: {}",
        cases.len()
    );
    let limit = Arc::new(tokio::sync::Semaphore::new(4));
    let mut set = tokio::task::JoinSet::new();
    for (r, v) in cases {
        let limit = Arc::clone(&limit);
        set.spawn(async move {
            let _permit = limit.acquire_owned().await.unwrap();
            let (problems, exchanges) = case(&r, v, mode).await;
            (r.name, v, problems, exchanges)
        });
    }
    let mut problems = Vec::new();
    let mut echoed = String::new();
    while let Some(done) = set.join_next().await {
        let (name, vendor, p, exchanges) = done.unwrap();
        problems.extend(p);
        let answers: String = exchanges
            .iter()
            .map(|e| String::from_utf8_lossy(&e.answer).into_owned())
            .collect();
        if exchanges.iter().any(|e| e.answer.len() > 60 * 1024) {
            problems.push(format!(
                "[{name} × {vendor} × {}] the echo is over 60 KiB: the SDK would cut it at its \
                 64 KiB error-body cap and the case would prove nothing",
                mode.name()
            ));
        }
        // The case can fail: what the vendor sent back carries the client's credential.
        let credential = match vendor {
            "careportals" if name.starts_with("login") => PASSWORD,
            "careportals" => JWT,
            "carevalidate" if name.starts_with("webhooks") => "whsec_listen_",
            "carevalidate" => CV_KEY,
            _ => TENANT,
        };
        if mode != Mode::Redirect307 && !answers.contains(credential) {
            let requests: Vec<&str> = exchanges.iter().map(|e| e.request.as_str()).collect();
            problems.push(format!(
                "[{name} × {vendor} × {}] the echo server did not echo the credential; it got \
                 {requests:?}",
                mode.name()
            ));
        }
        echoed.push_str(&answers);
    }
    assert!(
        problems.is_empty(),
        "{} case(s) failed:\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
    // Every needle was in what the vendor sent back (in the answer body, or for a redirect
    // in the request id), so a clean output is the scrubbing's doing, not a quiet echo.
    let echoed_leaks: BTreeSet<&str> = leaks(&echoed).into_iter().collect();
    let expected: BTreeSet<&str> = if mode == Mode::Redirect307 {
        // A redirect carries only the credentials, in its request id.
        [
            "CarePortals JWT",
            "JWT payload",
            "JWT signature",
            "CareValidate API key",
            "Decoda API key",
            "Decoda tenant",
        ]
        .into_iter()
        .collect()
    } else {
        needles()
            .iter()
            .map(|(what, _)| *what)
            .filter(|w| *w != "webhook secret") // only the offline `webhooks verify` has it
            .chain(["postal code"])
            .collect()
    };
    let missing: Vec<_> = expected.difference(&echoed_leaks).collect();
    assert!(
        missing.is_empty(),
        "the echo server never echoed {missing:?}: the test would prove nothing"
    );
}

// ---------------------------------------------------------------------------------------
// The tests.

#[tokio::test(flavor = "multi_thread")]
async fn cli_prints_no_secret_or_phi_from_a_400_json_echo() {
    every_command_against(Mode::Json400, "json400").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_prints_no_secret_or_phi_from_a_422_fastapi_echo() {
    every_command_against(Mode::FastApi422, "fastapi422").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_prints_no_secret_or_phi_from_a_500_html_echo() {
    every_command_against(Mode::Html500, "html500").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_prints_no_secret_or_phi_from_a_200_text_echo() {
    every_command_against(Mode::Text200, "text200").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_never_follows_a_redirect_and_prints_no_secret() {
    every_command_against(Mode::Redirect307, "redirect307").await;
}

/// Each row on each vendor that does not serve it, and each offline command: refused (or
/// done) before anything is sent, printing nothing secret.
#[tokio::test(flavor = "multi_thread")]
async fn commands_a_vendor_lacks_send_nothing_and_print_nothing_secret() {
    let f = files("unserved");
    let mut problems = Vec::new();
    let mut ran = 0;
    for r in rows(&f) {
        for v in VENDORS {
            if r.sends.contains(&v) {
                continue;
            }
            ran += 1;
            problems.extend(case(&r, v, Mode::Json400).await.0);
        }
    }
    assert!(ran >= 40, "{ran} cases");
    assert!(
        problems.is_empty(),
        "{} case(s) failed:\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

/// The subcommands `--help` of `path` lists (`help` left out); empty for a leaf command.
fn subcommands(path: &[String]) -> Vec<String> {
    let o = bin().args(path).arg("--help").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{path:?} --help");
    let help = String::from_utf8_lossy(&o.stdout).into_owned();
    let Some((_, rest)) = help.split_once("\nCommands:\n") else {
        return Vec::new();
    };
    rest.lines()
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect()
}

fn leaf_commands() -> BTreeSet<String> {
    let mut leaves = BTreeSet::new();
    let mut todo: Vec<Vec<String>> = vec![Vec::new()];
    while let Some(path) = todo.pop() {
        let subs = subcommands(&path);
        if subs.is_empty() {
            leaves.insert(path.join(" "));
        }
        for s in subs {
            let mut next = path.clone();
            next.push(s);
            todo.push(next);
        }
    }
    leaves
}

/// The table covers every command the binary has (read from its `--help`), and names only
/// commands it has.
#[test]
fn every_cli_command_is_in_the_table() {
    let leaves = leaf_commands();
    assert!(
        leaves.len() >= 20,
        "the help lists the commands: {leaves:?}"
    );
    let f = Files {
        charges: "c.json".into(),
        method: "m.json".into(),
        webhook_body: "b.json".into(),
    };
    let rows = rows(&f);
    let command_of = |args: &[String]| -> Option<String> {
        leaves
            .iter()
            .find(|leaf| {
                let words: Vec<&str> = leaf.split(' ').collect();
                args.len() >= words.len() && words.iter().zip(args).all(|(w, a)| w == a)
            })
            .cloned()
    };
    let mut covered = BTreeSet::new();
    for r in &rows {
        let command = command_of(&r.args)
            .unwrap_or_else(|| panic!("row {:?} names no command of the binary", r.name));
        assert!(
            !r.sends.is_empty() || !r.offline.is_empty(),
            "row {:?} runs on no vendor",
            r.name
        );
        covered.insert(command);
    }
    for (command, why) in NOT_IN_TABLE {
        assert!(
            leaves.contains(*command),
            "{command:?} is no longer a command"
        );
        assert!(!why.is_empty());
        covered.insert(command.to_string());
    }
    let missing: Vec<_> = leaves.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "commands without a row in the hostile table: {missing:?}"
    );
    // Every vendor has rows that reach it.
    for v in VENDORS {
        assert!(
            rows.iter().filter(|r| r.sends.contains(&v)).count() >= 4,
            "{v} is exercised"
        );
    }
}

/// The checks themselves: a leak is found in every form the echo uses, and the postal code
/// only as a whole number.
#[test]
fn the_leak_check_finds_what_the_echo_carries() {
    let raw = format!(
        "POST /x?phone=%2B15417770199 HTTP/1.1\r\ncv-api-key: {CV_KEY}\r\n\r\n{{\"email\":\"{EMAIL}\",\"dob\":\"{DOB}\",\"line1\":\"{STREET}\",\"postal_code\":\"{ZIP}\"}}"
    );
    let e = echo(&raw);
    let found = leaks(&e);
    for what in [
        "CareValidate API key",
        "e-mail",
        "e-mail (URL-encoded)",
        "date of birth (US)",
        "date of birth (US, short)",
        "phone (US form)",
        "street (URL-encoded)",
        "postal code",
    ] {
        assert!(found.contains(&what), "{what} found in the echo: {found:?}");
    }
    assert!(e.contains("quorra\\u002eb\\u002bpay\\u0040example\\u002ecom"));
    assert!(e.contains("quorra&#46;b&#43;pay&#64;example&#46;com"));
    assert!(leaks("ts=2026-12-02T04:40:12.974035Z port 59740 amount 1974030").is_empty());
}
