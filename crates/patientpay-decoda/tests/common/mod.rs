//! A small validator over the OpenAPI subset's schemas: `$ref`, `anyOf` (nullable), `type`,
//! `enum`, `required`, `properties`, `items`, `format` (`date-time`, `date`). Strict about
//! unknown properties (a misspelt field in the sandbox fails), except where FastAPI adds its
//! own (`input`, `ctx` in validation errors).

#![allow(dead_code)]

use serde_json::Value;

pub fn spec() -> Value {
    let text = include_str!("../fixtures/decoda-openapi-subset.json");
    serde_json::from_str(text).expect("the spec parses")
}

/// The wave-2 spec (`decoda-wave2-openapi.json`, 12 operations and their schemas).
pub fn spec_wave2() -> Value {
    let text = include_str!("../fixtures/decoda-wave2-openapi.json");
    serde_json::from_str(text).expect("the wave-2 spec parses")
}

pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
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

#[test]
fn the_validator_can_fail() {
    let spec = spec();
    let bad = serde_json::json!({"id": "p", "amount": "12", "status": "DONE", "paymentMedium": "CREDIT",
                                 "createdDate": "yesterday", "feeToPatient": 0, "extra": 1});
    let errors = validate(&spec, "PaymentSummary", &bad);
    assert_eq!(errors.len(), 4, "{errors:?}");
    let missing = serde_json::json!({"charges": [], "paymentLink": "x"});
    assert_eq!(validate(&spec, "PaymentLinkDetails", &missing).len(), 1);
    let null_ok = serde_json::json!({"id": "p", "amount": 1, "status": "SUCCEEDED", "paymentMedium": "C",
                                     "createdDate": "2023-11-07T05:31:56.123", "patientId": null});
    assert!(validate(&spec, "PaymentSummary", &null_ok).is_empty());
}
