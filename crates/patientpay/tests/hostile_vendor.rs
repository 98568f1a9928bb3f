//! The hostile vendor: a loopback server that echoes everything it received — every header,
//! the query, the body, percent-decoded, with every ISO date also in US forms — into error
//! answers shaped like each vendor's, and puts the client's secrets into its request-id
//! header. Every operation of every vendor runs against it at TRACE; no secret and no PHI
//! value may appear in any error's `Display`/`Debug` or in the trace output.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use patientpay::careportals::CarePortalsBuilder;
use patientpay::carevalidate::CareValidateBuilder;
use patientpay::decoda::DecodaBuilder;
use patientpay::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use common::{Request, Vendor, http_config};

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJob3N0aWxlLXBhdGllbnQifQ.SIGhostileZZ9";
const CV_KEY: &str = "cvkey-hostile-ZZ9-secret";
const DECODA_KEY: &str = "decoda-key-hostile-ZZ9";
const TENANT: &str = "tenant-hostile-ZZ9";
const NMI: &str = "nmi-token-hostile-ZZ9";
const PM_TOKEN: &str = "pm_hostileZZ9token";
const LAST: &str = "Quorrenbach";
const PHONE: &str = "+15417770199";
const DOB: &str = "1971-03-14";
const EMAIL: &str = "quorra.b+pay@example.com";
const STREET: &str = "742 Evergreen Terrace";
const CITY: &str = "Springfieldqz";
const ZIP: &str = "97403";

/// Everything that must never be printed, in the forms a vendor may echo it.
fn needles() -> Vec<String> {
    let mut v: Vec<String> = [
        JWT, CV_KEY, DECODA_KEY, TENANT, NMI, PM_TOKEN, LAST, PHONE, DOB, EMAIL, STREET, CITY,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("03/14/1971".into()); // US date
    v.push("3/14/1971".into());
    v.push("quorra.b%2Bpay%40example.com".into()); // URL-encoded e-mail
    v.push("quorra.b+pay%40example.com".into());
    v.push("742+Evergreen+Terrace".into());
    v.push("742%20Evergreen%20Terrace".into());
    v.push("5417770199".into());
    v
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() + 1 && i + 2 < bytes.len() + 1 => {
                let hex =
                    std::str::from_utf8(bytes.get(i + 1..i + 3).unwrap_or(b"zz")).unwrap_or("zz");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
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

/// ISO dates in `text`, also written as MM/DD/YYYY and M/D/YYYY.
fn us_dates(text: &str) -> String {
    let b = text.as_bytes();
    let mut extra = String::new();
    for i in 0..b.len().saturating_sub(9) {
        let w = &b[i..i + 10];
        let digits = |r: std::ops::Range<usize>| w[r].iter().all(u8::is_ascii_digit);
        if digits(0..4) && w[4] == b'-' && digits(5..7) && w[7] == b'-' && digits(8..10) {
            let s = std::str::from_utf8(w).unwrap_or("");
            let (y, m, d) = (&s[0..4], &s[5..7], &s[8..10]);
            extra.push_str(&format!(
                " {m}/{d}/{y} {}/{}/{y}",
                m.trim_start_matches('0'),
                d.trim_start_matches('0')
            ));
        }
    }
    extra
}

/// The hostile server. `redirect`: answer 307 to itself instead.
async fn hostile(redirect: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let location = format!("{base}/elsewhere");
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let location = location.clone();
            tokio::spawn(async move {
                let mut got = Vec::new();
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let Ok(n) = sock.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    got.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&got).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text[..end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if got.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                let raw = String::from_utf8_lossy(&got).to_string();
                let decoded = percent_decode(&raw);
                let echo = format!("you sent: {raw} decoded: {decoded}{}", us_dates(&decoded));
                // The secrets the client sent, as a "request id" (no spaces: it looks like one).
                let hostile_id: String = raw
                    .lines()
                    .filter_map(|l| l.split_once(':').map(|(_, v)| v.trim().to_owned()))
                    .filter(|v| !v.is_empty() && !v.contains(' '))
                    .collect::<Vec<_>>()
                    .join("");
                let hostile_id: String = hostile_id.chars().take(120).collect();
                let answer = if redirect {
                    format!(
                        "HTTP/1.1 307 Temporary Redirect\r\nlocation: {location}\r\nx-request-id: {hostile_id}\r\ncontent-length: 0\r\n\r\n"
                    )
                } else {
                    let body = serde_json::json!({
                        "statusCode": 400, "success": false, "status": 400,
                        "message": echo, "error": echo, "detail": echo,
                    })
                    .to_string();
                    format!(
                        "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nx-request-id: {hostile_id}\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    )
                };
                let _ = sock.write_all(answer.as_bytes()).await;
            });
        }
    });
    base
}

fn vendors(base: &str) -> Vec<Vendor> {
    let config = || http_config().with_retry(patientpay::pipeline::RetryPolicy::none());
    vec![
        Vendor::CarePortals(
            CarePortalsBuilder::new()
                .with_token(JWT)
                .with_origin("https://demo.portals.care")
                .with_base_url(base)
                .with_http_config(config())
                .build()
                .unwrap(),
        ),
        Vendor::CareValidate(
            CareValidateBuilder::new()
                .with_api_key(CV_KEY)
                .with_base_url(base)
                .with_http_config(config())
                .build()
                .unwrap(),
        ),
        Vendor::Decoda(
            DecodaBuilder::new()
                .with_api_key(DECODA_KEY)
                .with_tenant(TENANT)
                .with_base_url(base)
                .with_http_config(config())
                .build()
                .unwrap(),
        ),
    ]
}

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD)
}

fn address() -> Address {
    Address::new(STREET, CITY, "OR", ZIP, "US")
}

fn charge() -> Charge {
    Charge::new(
        "pat_hostile_1",
        ChargeState::Outstanding,
        usd(5000),
        usd(5000),
    )
}

fn requests() -> Vec<Request> {
    let dob = parse_date("dob", DOB).unwrap();
    vec![
        Request::List(ListPaymentMethods::new()),
        Request::List(ListPaymentMethods::for_patient(PatientRef::id(
            "pat_hostile_1",
        ))),
        Request::Add(AddPaymentMethod::new(PM_TOKEN)),
        Request::Remove(RemovePaymentMethod::new("pm_hostile_1")),
        Request::Intent(CreatePaymentIntent::new(usd(1999))),
        Request::Update(UpdatePaymentInfo::new(
            EMAIL,
            "seti_hostile_1",
            NMI,
            address(),
        )),
        Request::Verify(VerifyPatient::new("pat_hostile_1", LAST, PHONE, dob)),
        Request::Settle(SettleChargesFromCredit::new(usd(1000), vec![charge()])),
    ]
}

/// Runs every operation of every vendor, plus the billing and checkout calls not in
/// `Request`, and returns every error.
async fn every_error(base: &str) -> Vec<Error> {
    let mut errors = Vec::new();
    for v in vendors(base) {
        for r in requests() {
            if let Err(e) = common::call(&v, r).await {
                errors.push(e);
            }
        }
        let p = v.as_ref();
        if let Some(c) = p.checkout() {
            for s in [
                StartCheckout::pay(usd(1999)),
                StartCheckout::save_for_later(),
                StartCheckout::pay_outstanding(PHONE),
                StartCheckout::pay_charges(vec![charge()])
                    .for_patient(PatientRef::id("pat_hostile_1")),
            ] {
                if let Err(e) = c.start_checkout(s).await {
                    errors.push(e);
                }
            }
        }
        if let Some(b) = p.billing() {
            let who = PatientRef::id("pat_hostile_1");
            let results = [
                b.pay_with_saved_method(PayWithSavedMethod::new(
                    who.clone(),
                    "pm_hostile_1",
                    vec![charge()],
                ))
                .await
                .err(),
                b.refund_payment(RefundPayment::new(
                    "pay_hostile_1",
                    "prv_1",
                    usd(100),
                    RefundReason::Other,
                ))
                .await
                .err(),
                b.credit_balance(CreditBalanceRequest::new(who.clone()))
                    .await
                    .err(),
            ];
            errors.extend(results.into_iter().flatten());
        }
        if let Vendor::CareValidate(cv) = &v
            && let Err(e) = cv
                .update_payment_info(UpdatePaymentInfo::new(EMAIL, "seti_x", NMI, address()))
                .await
        {
            errors.push(e);
        }
    }
    errors
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn assert_clean(what: &str, text: &str) {
    for needle in needles() {
        assert!(
            !text
                .to_ascii_lowercase()
                .contains(&needle.to_ascii_lowercase()),
            "{what} leaks {needle:?}:\n{text}"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn echoed_secrets_and_phi_never_reach_errors_or_traces() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .without_time()
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let base = hostile(false).await;
    let errors = every_error(&base).await;
    assert!(
        errors.len() >= 20,
        "every call fails against the echo server: {}",
        errors.len()
    );
    let mut shown = String::new();
    for e in &errors {
        shown.push_str(&format!("{e}\n{e:?}\n"));
        // A request id that carries a secret is dropped.
        if let Some(id) = e.request_id() {
            assert_clean("request id", id);
        }
    }
    assert_clean("errors", &shown);
    // The vendor's messages did get through (scrubbed), not only "nothing".
    assert!(
        shown.contains("you sent"),
        "the echoed message is kept, scrubbed"
    );
    let traces = String::from_utf8_lossy(&capture.0.lock().unwrap()).to_string();
    assert!(!traces.is_empty(), "TRACE output was captured");
    assert_clean("traces", &traces);
    // One test, not two: a second test running without a subscriber on another thread
    // would make tracing cache "no interest" for the SDK's callsites.
    redirects_are_never_followed_and_leak_nothing().await;
}

async fn redirects_are_never_followed_and_leak_nothing() {
    let base = hostile(true).await;
    let errors = every_error(&base).await;
    assert!(!errors.is_empty());
    let mut shown = String::new();
    for e in &errors {
        shown.push_str(&format!("{e}\n{e:?}\n"));
        let redirected = matches!(e, Error::Redirected { .. })
            || matches!(e, Error::OutcomeUnknown { cause, .. } if matches!(**cause, Error::Redirected { .. }));
        assert!(redirected || e.is_usage(), "a 3xx is Redirected: {e:?}");
    }
    assert_clean("errors", &shown);
}
