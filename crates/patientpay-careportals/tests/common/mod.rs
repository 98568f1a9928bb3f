#![allow(dead_code)]

use patientpay_careportals::{CarePortals, CarePortalsBuilder};
use patientpay_core::pipeline::{HttpConfig, RetryPolicy, VendorRequest};
use patientpay_sandbox::{RecordedRequest, Sandbox, credentials};
use serde_json::{Value, json};

pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Fast retries so fault tests stay quick.
pub fn http_config() -> HttpConfig {
    HttpConfig::new().with_retry(
        RetryPolicy::default()
            .with_initial_backoff(std::time::Duration::from_millis(1))
            .with_jitter(false),
    )
}

/// A builder for the sandbox: its organization and origin, fast retries, no patient.
pub fn builder(sandbox: &Sandbox) -> CarePortalsBuilder {
    CarePortalsBuilder::new()
        .with_organization(credentials::CAREPORTALS_ORGANIZATION)
        .with_origin(credentials::CAREPORTALS_ORIGIN)
        .with_base_url(sandbox.base_url())
        .with_http_config(http_config())
}

/// A client acting for the sandbox's demo patient.
pub fn client(sandbox: &Sandbox) -> CarePortals {
    client_for(sandbox, credentials::CAREPORTALS_TOKEN)
}

pub fn client_for(sandbox: &Sandbox, token: &str) -> CarePortals {
    builder(sandbox).with_token(token).build().expect("client")
}

/// A built request as JSON, secrets shown as `<redacted>`.
pub fn request_json(req: &VendorRequest) -> Value {
    let headers: serde_json::Map<String, Value> = req
        .headers()
        .iter()
        .map(|(k, v)| {
            let shown = if v.is_sensitive() {
                "<redacted>".to_owned()
            } else {
                v.to_str().unwrap_or("<binary>").to_owned()
            };
            (k.as_str().to_owned(), Value::String(shown))
        })
        .collect();
    let body = req
        .body()
        .map(|b| serde_json::from_slice::<Value>(b).expect("JSON body"));
    json!({
        "method": req.method().as_str(),
        "url": req.url().as_str(),
        "headers": headers,
        "body": body,
    })
}

/// A request as the sandbox received it (wire-exact: method, path, query, headers, body),
/// with the parts that vary between runs (host port, crate version) replaced.
pub fn recorded_json(r: &RecordedRequest) -> Value {
    let headers: serde_json::Map<String, Value> = r
        .headers
        .iter()
        .map(|(k, v)| {
            let shown = match k.as_str() {
                "host" => "[host]".to_owned(),
                "user-agent" => "[user-agent]".to_owned(),
                _ => v.clone(),
            };
            (k.clone(), Value::String(shown))
        })
        .collect();
    json!({
        "method": r.method,
        "path": r.path,
        "query": r.query,
        "headers": headers,
        "body": r.json,
    })
}
