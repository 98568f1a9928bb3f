//! Shared test helpers: raw HTTP calls to the sandbox, and a small validator over Decoda's
//! wave-2 OpenAPI schemas (copied from patientpay-decoda's wave-1 contract test, the same
//! rules: `$ref`, `anyOf`, `type`, `enum`, `required`, `properties`, `items`, `format`;
//! strict about unknown properties except FastAPI's `input`/`ctx` in validation errors).

#![allow(dead_code)]

use patientpay_sandbox::{Sandbox, credentials};
use reqwest::Method;
use serde_json::Value;

/// The wave-2 spec (12 operations) — fixtures copied from the vendor docs.
pub fn spec() -> Value {
    serde_json::from_str(include_str!("../fixtures/decoda-wave2-openapi.json")).unwrap()
}

/// The webhooks spec.
pub fn webhooks_spec() -> Value {
    serde_json::from_str(include_str!(
        "../fixtures/decoda-wave2-webhooks-openapi.json"
    ))
    .unwrap()
}

/// A raw HTTP client for one sandbox.
pub struct Http {
    pub http: reqwest::Client,
    pub base: String,
}

impl Http {
    pub fn new(sandbox: &Sandbox) -> Http {
        Http {
            http: reqwest::Client::new(),
            base: sandbox.base_url(),
        }
    }

    /// A Decoda call with the sandbox's key and tenant.
    pub async fn decoda(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        self.decoda_with(
            method,
            path,
            Some(credentials::DECODA_API_KEY),
            Some(credentials::DECODA_TENANT),
            body,
        )
        .await
    }

    pub async fn decoda_with(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        tenant: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(k) = key {
            req = req.header("API-KEY", k);
        }
        if let Some(t) = tenant {
            req = req.header("TENANT", t);
        }
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        send(req).await
    }

    /// A CareValidate POST with the sandbox's key.
    pub async fn cv(&self, path: &str, body: &Value) -> (u16, Value, Vec<u8>) {
        self.cv_with(path, Some(credentials::CAREVALIDATE_API_KEY), body)
            .await
    }

    pub async fn cv_with(
        &self,
        path: &str,
        key: Option<&str>,
        body: &Value,
    ) -> (u16, Value, Vec<u8>) {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(k) = key {
            req = req.header("cv-api-key", k);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.unwrap().to_vec();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            bytes,
        )
    }
}

pub async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// Errors found validating `value` against the component schema `name`.
pub fn validate(spec: &Value, name: &str, value: &Value) -> Vec<String> {
    validate_with(spec, name, value, true)
}

/// `strict: false` allows properties the spec does not list (the docs' examples show a
/// `taxable` on `ItemTiny` that the spec lacks; the spec wins, the field is ignored).
pub fn validate_with(spec: &Value, name: &str, value: &Value, strict: bool) -> Vec<String> {
    let mut errors = Vec::new();
    let schema = serde_json::json!({ "$ref": format!("#/components/schemas/{name}") });
    check(spec, &schema, value, name, strict, &mut errors);
    errors
}

fn resolve<'a>(spec: &'a Value, reference: &str) -> &'a Value {
    let name = reference.trim_start_matches("#/components/schemas/");
    &spec["components"]["schemas"][name]
}

fn is_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 19
        && b[4] == b'-'
        && b[7] == b'-'
        && matches!(b[10], b'T' | b' ')
        && b[13] == b':'
        && b[16] == b':'
        && b.iter().enumerate().all(|(i, c)| match i {
            0..=3 | 5 | 6 | 8 | 9 | 11 | 12 | 14 | 15 | 17 | 18 => c.is_ascii_digit(),
            _ => true,
        })
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn check(
    spec: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    strict: bool,
    errors: &mut Vec<String>,
) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        check(spec, resolve(spec, r), value, at, strict, errors);
        return;
    }
    if let Some(alts) = schema.get("anyOf").and_then(Value::as_array) {
        let ok = alts.iter().any(|alt| {
            let mut e = Vec::new();
            check(spec, alt, value, at, strict, &mut e);
            e.is_empty()
        });
        if !ok {
            errors.push(format!("{at}: matches no alternative of anyOf: {value}"));
        }
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        errors.push(format!("{at}: {value} is not in the enum"));
    }
    let Some(ty) = schema.get("type").and_then(Value::as_str) else {
        return;
    };
    let type_ok = match ty {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => true,
    };
    if !type_ok {
        errors.push(format!("{at}: expected {ty}, got {value}"));
        return;
    }
    match (schema.get("format").and_then(Value::as_str), value.as_str()) {
        (Some("date-time"), Some(s)) if !is_datetime(s) => {
            errors.push(format!("{at}: not a date-time: {s}"))
        }
        (Some("date"), Some(s)) if !is_date(s) => errors.push(format!("{at}: not a date: {s}")),
        _ => {}
    }
    if let (Some(items), Some(list)) = (schema.get("items"), value.as_array()) {
        for (i, v) in list.iter().enumerate() {
            check(spec, items, v, &format!("{at}[{i}]"), strict, errors);
        }
    }
    if let (Some(props), Some(obj)) = (
        schema.get("properties").and_then(Value::as_object),
        value.as_object(),
    ) {
        for req in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(k) = req.as_str()
                && !obj.contains_key(k)
            {
                errors.push(format!("{at}: missing required `{k}`"));
            }
        }
        let fastapi_extras = schema.get("title").and_then(Value::as_str) == Some("ValidationError");
        for (k, v) in obj {
            match props.get(k) {
                Some(p) => check(spec, p, v, &format!("{at}.{k}"), strict, errors),
                None if !strict || (fastapi_extras && (k == "input" || k == "ctx")) => {}
                None => errors.push(format!("{at}: unknown property `{k}`")),
            }
        }
    }
}
