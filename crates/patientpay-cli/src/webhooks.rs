//! `patientpay webhooks verify|listen`: check a saved delivery offline, or receive the
//! sandbox's deliveries, verify each and forward it to a local app (like `stripe listen`).
//!
//! The HTTP here is plain HTTP/1.1 over loopback with `Connection: close`, written on
//! `std::net` in a blocking thread: `listen` is a development tool for the sandbox, and this
//! keeps the CLI free of another HTTP stack.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use patientpay::carevalidate::webhook::CareValidateWebhooks;
use patientpay::decoda::webhook::DecodaWebhooks;
use patientpay::webhook::{
    DEFAULT_MAX_BODY_BYTES, HeaderMap, HeaderValue, WebhookError, WebhookSecret, Webhooks,
};
use serde_json::{Value, json};

use crate::cli::{Cli, ProviderName, WebhooksCommand};
use crate::failure::{Failure, usage};

/// The environment variable holding Decoda's webhook secret.
pub const ENV_DECODA_SECRET: &str = "DECODA_WEBHOOK_SECRET";
/// The environment variable holding CareValidate's webhook secret.
pub const ENV_CAREVALIDATE_SECRET: &str = "CAREVALIDATE_WEBHOOK_SECRET";

fn verifier(cli: &Cli) -> Result<(Arc<dyn Webhooks>, &'static str, &'static str), Failure> {
    match cli.provider {
        Some(ProviderName::Decoda) => Ok((
            Arc::new(DecodaWebhooks::new()),
            patientpay::decoda::webhook::SIGNATURE_HEADER,
            ENV_DECODA_SECRET,
        )),
        Some(ProviderName::Carevalidate) => Ok((
            Arc::new(CareValidateWebhooks::new()),
            patientpay::carevalidate::webhook::SIGNATURE_HEADER,
            ENV_CAREVALIDATE_SECRET,
        )),
        Some(ProviderName::Careportals) => Err(usage(
            "careportals sends no signed webhooks: pass --provider decoda or carevalidate",
        )),
        None => Err(usage(
            "webhooks needs the vendor: pass --provider decoda or carevalidate",
        )),
    }
}

fn failure(e: &WebhookError) -> Failure {
    Failure {
        message: e.to_string(),
        code: if matches!(e, WebhookError::EmptySecret) {
            2
        } else {
            1
        },
    }
}

/// Runs a `webhooks` command.
pub async fn run(cmd: &WebhooksCommand, cli: &Cli) -> Result<Option<Value>, Failure> {
    match cmd {
        WebhooksCommand::Verify { body, signature } => verify(cli, body, signature).map(Some),
        WebhooksCommand::Listen {
            forward_to,
            port,
            max_events,
        } => listen(cli, forward_to, *port, *max_events)
            .await
            .map(|()| None),
    }
}

fn verify(cli: &Cli, path: &std::path::Path, signature: &str) -> Result<Value, Failure> {
    let (hooks, header, env) = verifier(cli)?;
    let secret = std::env::var(env)
        .map_err(|_| usage(format!("set {env} to the endpoint's webhook secret")))?;
    let secret = WebhookSecret::new(secret);
    // Read at most one byte past the limit: a larger file is refused without loading it.
    let file = std::fs::File::open(path).map_err(|e| {
        usage(format!(
            "invalid input for `--body`: {}: {e}",
            path.display()
        ))
    })?;
    let mut body = Vec::new();
    file.take(DEFAULT_MAX_BODY_BYTES as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| usage(format!("invalid input for `--body`: {e}")))?;
    let mut headers = HeaderMap::new();
    let value = HeaderValue::from_str(signature.trim()).map_err(|_| Failure {
        message: format!("malformed signature in `{header}`: not visible ASCII"),
        code: 1,
    })?;
    headers.insert(header, value);
    let event = hooks
        .verify_and_parse(&headers, &body, &secret)
        .map_err(|e| failure(&e))?;
    serde_json::to_value(&event).map_err(|e| Failure {
        message: format!("cannot format the event as JSON: {e}"),
        code: 1,
    })
}

// ---------------------------------------------------------------------------------------
// listen

struct Target {
    host: String,
    port: u16,
    path: String,
}

fn parse_http_url(url: &str) -> Option<Target> {
    let rest = url.strip_prefix("http://")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (h, p.parse().ok()?),
        _ => (authority, 80),
    };
    if host.is_empty() {
        return None;
    }
    Some(Target {
        host: host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned(),
        port,
        path: path.to_owned(),
    })
}

struct Response {
    status: u16,
    body: Vec<u8>,
}

const IO_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_HEAD: usize = 64 * 1024;

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A blocking HTTP/1.1 POST with `Connection: close`.
fn post(url: &str, headers: &[(&str, String)], body: &[u8]) -> Result<Response, String> {
    let t = parse_http_url(url).ok_or_else(|| format!("{url} is not an http:// URL"))?;
    let addr = (t.host.as_str(), t.port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {}: {e}", t.host))?
        .next()
        .ok_or_else(|| format!("cannot resolve {}", t.host))?;
    let mut s = TcpStream::connect_timeout(&addr, IO_TIMEOUT).map_err(|e| format!("{url}: {e}"))?;
    let _ = s.set_read_timeout(Some(IO_TIMEOUT));
    let _ = s.set_write_timeout(Some(IO_TIMEOUT));
    let mut req = format!(
        "POST {} HTTP/1.1\r\nHost: {}:{}\r\nContent-Length: {}\r\nConnection: close\r\n",
        t.path,
        t.host,
        t.port,
        body.len()
    );
    for (name, value) in headers {
        req.push_str(&format!("{name}: {value}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())
        .and_then(|()| s.write_all(body))
        .map_err(|e| format!("{url}: {e}"))?;
    let mut raw = Vec::new();
    s.take((DEFAULT_MAX_BODY_BYTES + MAX_HEAD) as u64)
        .read_to_end(&mut raw)
        .map_err(|e| format!("{url}: {e}"))?;
    let head_end = find(&raw, b"\r\n\r\n").ok_or_else(|| format!("{url}: no HTTP answer"))?;
    let head = String::from_utf8_lossy(&raw[..head_end]).to_string();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("{url}: no HTTP status"))?;
    let mut body = raw[head_end + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    Ok(Response { status, body })
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = find(data, b"\r\n") {
        let size = std::str::from_utf8(&data[..line_end])
            .ok()
            .and_then(|l| usize::from_str_radix(l.split(';').next().unwrap_or("").trim(), 16).ok());
        let Some(size) = size.filter(|s| *s > 0) else {
            break;
        };
        let start = line_end + 2;
        let Some(chunk) = data.get(start..start + size) else {
            break;
        };
        out.extend_from_slice(chunk);
        data = data.get(start + size + 2..).unwrap_or_default();
    }
    out
}

/// One received request: its headers and body (Content-Length bodies only).
fn read_request(s: &mut TcpStream) -> Result<(HeaderMap, Vec<u8>), (u16, &'static str)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return Err((431, "headers too large"));
        }
        let n = s.read(&mut chunk).map_err(|_| (400, "read failed"))?;
        if n == 0 {
            return Err((400, "incomplete request"));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buf[..head_end]).map_err(|_| (400, "bad headers"))?;
    let mut headers = HeaderMap::new();
    let mut length = None;
    for line in head.split("\r\n").skip(1) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = value.parse::<usize>().ok();
        }
        if let (Ok(n), Ok(v)) = (
            patientpay::webhook::HeaderName::from_bytes(name.trim().as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.append(n, v);
        }
    }
    let length = length.ok_or((411, "Content-Length required"))?;
    if length > DEFAULT_MAX_BODY_BYTES {
        return Err((413, "body too large"));
    }
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = s.read(&mut chunk).map_err(|_| (400, "read failed"))?;
        if n == 0 {
            return Err((400, "incomplete body"));
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Ok((headers, body))
}

fn respond(s: &mut TcpStream, status: u16, text: &str) {
    let _ = write!(
        s,
        "HTTP/1.1 {status} {}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        if (200..300).contains(&status) {
            "OK"
        } else {
            "Error"
        },
        text.len()
    );
    let _ = s.flush();
    let _ = s.shutdown(Shutdown::Write);
}

fn random_secret() -> String {
    let mut out = String::from("whsec_listen_");
    for i in 0..2u64 {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(i);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default(),
        );
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

/// Registers `url` with the sandbox and returns (webhook id, secret).
fn register(cli: &Cli, base: &str, url: &str) -> Result<(String, WebhookSecret), Failure> {
    let base = base.trim_end_matches('/');
    let fail = |message: String| Failure { message, code: 1 };
    match cli.provider {
        Some(ProviderName::Decoda) => {
            let key = std::env::var("DECODA_API_KEY")
                .unwrap_or_else(|_| patientpay_sandbox::credentials::DECODA_API_KEY.to_owned());
            let tenant = std::env::var("DECODA_TENANT")
                .unwrap_or_else(|_| patientpay_sandbox::credentials::DECODA_TENANT.to_owned());
            let body = json!({
                "subscriptions": [
                    "PAYMENT_CREATED", "PAYMENT_SUCCEEDED", "PAYMENT_FAILED", "REFUND_CREATED",
                    "REFUND_SUCCEEDED", "REFUND_FAILED", "CHARGE_CREATED", "CHARGE_PAYMENT_CREATED",
                    "PATIENT_CREATED", "PATIENT_UPDATED"
                ],
                "url": url
            });
            let r = post(
                &format!("{base}/webhook/decoda/create"),
                &[
                    ("API-KEY", key),
                    ("TENANT", tenant),
                    ("Content-Type", "application/json".to_owned()),
                ],
                body.to_string().as_bytes(),
            )
            .map_err(fail)?;
            let answer: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
            match (r.status, answer["id"].as_str(), answer["secret"].as_str()) {
                (200..=299, Some(id), Some(secret)) => {
                    Ok((id.to_owned(), WebhookSecret::new(secret)))
                }
                (status, ..) => Err(fail(format!(
                    "the sandbox refused POST /webhook/decoda/create (HTTP {status})"
                ))),
            }
        }
        Some(ProviderName::Carevalidate) => {
            let secret = random_secret();
            let body = json!({"url": url, "secret": secret});
            let r = post(
                &format!("{base}/__sandbox/carevalidate/webhooks"),
                &[("Content-Type", "application/json".to_owned())],
                body.to_string().as_bytes(),
            )
            .map_err(fail)?;
            let answer: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
            match (r.status, answer["id"].as_str()) {
                (200..=299, Some(id)) => Ok((id.to_owned(), WebhookSecret::new(secret))),
                (status, _) => Err(fail(format!(
                    "the sandbox refused POST /__sandbox/carevalidate/webhooks (HTTP {status})"
                ))),
            }
        }
        _ => Err(usage(
            "webhooks needs the vendor: pass --provider decoda or carevalidate",
        )),
    }
}

async fn listen(
    cli: &Cli,
    forward_to: &str,
    port: u16,
    max_events: Option<u64>,
) -> Result<(), Failure> {
    let (hooks, header, _) = verifier(cli)?;
    let base = cli.base_url.clone().ok_or_else(|| {
        usage("webhooks listen works against the sandbox: pass --base-url URL (see `patientpay sandbox`)")
    })?;
    if parse_http_url(forward_to).is_none() {
        return Err(usage(format!(
            "invalid input for `--forward-to`: {forward_to} is not an http:// URL"
        )));
    }
    let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| Failure {
        message: format!("cannot listen on 127.0.0.1:{port}: {e}"),
        code: 1,
    })?;
    let local = listener.local_addr().map_err(|e| Failure {
        message: format!("cannot read the local address: {e}"),
        code: 1,
    })?;
    let url = format!("http://{local}/");
    let (id, secret) = register(cli, &base, &url)?;
    eprintln!(
        "ready: receiving {} deliveries on {url} (sandbox webhook {id}), forwarding to {forward_to}; Ctrl-C stops",
        hooks.provider()
    );
    let forward_to = forward_to.to_owned();
    let worker = tokio::task::spawn_blocking(move || {
        let mut verified = 0u64;
        for conn in listener.incoming() {
            let Ok(mut s) = conn else { continue };
            let _ = s.set_read_timeout(Some(IO_TIMEOUT));
            let _ = s.set_write_timeout(Some(IO_TIMEOUT));
            let (headers, body) = match read_request(&mut s) {
                Ok(r) => r,
                Err((status, why)) => {
                    println!("rejected: {why} -> {status}");
                    respond(&mut s, status, why);
                    continue;
                }
            };
            let event = match hooks.verify_and_parse(&headers, &body, &secret) {
                Ok(ev) => ev,
                Err(e) => {
                    let status = e.status_code().as_u16();
                    println!("rejected: {e} -> {status}");
                    respond(&mut s, status, &e.to_string());
                    continue;
                }
            };
            let mut fwd_headers = vec![("Content-Type", "application/json".to_owned())];
            if let Some(sig) = headers.get(header).and_then(|v| v.to_str().ok()) {
                fwd_headers.push((header, sig.to_owned()));
            }
            let (status, outcome) = match post(&forward_to, &fwd_headers, &body) {
                Ok(r) => (r.status, format!("{}", r.status)),
                Err(e) => (502, format!("forward failed: {e}")),
            };
            println!(
                "{} {} ({}) id={} -> {outcome}",
                event.provider,
                event.vendor_type,
                event.kind,
                event.id.as_deref().unwrap_or(event.dedupe_key()),
            );
            respond(&mut s, status, "");
            verified += 1;
            if max_events.is_some_and(|m| verified >= m) {
                break;
            }
        }
    });
    tokio::select! {
        r = worker => r.map_err(|e| Failure { message: format!("the listener stopped: {e}"), code: 1 }),
        _ = tokio::signal::ctrl_c() => {
            eprintln!("stopping");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let t = parse_http_url("http://127.0.0.1:8080/hooks/in").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("127.0.0.1", 8080, "/hooks/in")
        );
        let t = parse_http_url("http://localhost").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("localhost", 80, "/")
        );
        assert!(parse_http_url("https://x").is_none());
        assert!(parse_http_url("http://:80").is_none());
    }

    #[test]
    fn chunked() {
        assert_eq!(dechunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"), b"abcde");
    }
}
