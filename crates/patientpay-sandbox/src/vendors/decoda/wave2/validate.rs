//! Request validation, FastAPI style: field kinds, enums, query parameters, 422 shapes.

use super::*;

/// What a field must be.
#[derive(Clone, Copy)]
pub(super) enum Kind {
    Str,
    Int,
    Bool,
    Enum(&'static [&'static str]),
    Object,
    List,
}

pub(super) fn enum_message(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// Checks one value against `kind`, pushing pydantic's error when it does not fit.
pub(super) fn check_kind(v: &Value, kind: Kind, loc: Vec<Value>, errors: &mut Vec<Value>) -> bool {
    let (ok, ty, msg) = match kind {
        Kind::Str => (
            v.is_string(),
            "string_type",
            "Input should be a valid string".to_owned(),
        ),
        Kind::Int => (
            v.is_i64(),
            "int_type",
            "Input should be a valid integer".to_owned(),
        ),
        Kind::Bool => (
            v.is_boolean(),
            "bool_type",
            "Input should be a valid boolean".to_owned(),
        ),
        Kind::Object => (
            v.is_object(),
            "dict_type",
            "Input should be a valid dictionary".to_owned(),
        ),
        Kind::List => (
            v.is_array(),
            "list_type",
            "Input should be a valid list".to_owned(),
        ),
        Kind::Enum(values) => (
            v.as_str().is_some_and(|s| values.contains(&s)),
            "enum",
            format!("Input should be {}", enum_message(values)),
        ),
    };
    if !ok {
        let mut e = verr(ty, loc, &msg, v);
        if let Kind::Enum(values) = kind {
            e["ctx"] = json!({"expected": enum_message(values)});
        }
        errors.push(e);
    }
    ok
}

/// Checks `obj`'s fields: `(name, kind, required, nullable)`.
pub(super) fn check_fields(
    obj: &Map<String, Value>,
    whole: &Value,
    loc: &[Value],
    specs: &[(&str, Kind, bool, bool)],
    errors: &mut Vec<Value>,
) {
    for &(name, kind, required, nullable) in specs {
        let mut at = loc.to_vec();
        at.push(json!(name));
        match obj.get(name) {
            None if required => errors.push(verr("missing", at, "Field required", whole)),
            None => {}
            Some(Value::Null) if nullable => {}
            Some(v) => {
                check_kind(v, kind, at, errors);
            }
        }
    }
}

/// The body as a JSON object, or FastAPI's 422.
pub(super) fn object_body(
    req: &SandboxRequest,
) -> Result<(Value, Map<String, Value>), SandboxResponse> {
    let body = json_body(req)?;
    match body.as_object() {
        Some(o) => Ok((body.clone(), o.clone())),
        None => Err(invalid(vec![verr(
            "model_attributes_type",
            vec![json!("body")],
            "Input should be a valid dictionary or object to extract fields from",
            &body,
        )])),
    }
}

pub(super) fn query_one(req: &SandboxRequest, name: &str) -> Option<String> {
    req.query_all(name).last().map(|s| (*s).to_owned())
}

pub(super) fn required_query(
    req: &SandboxRequest,
    name: &str,
    errors: &mut Vec<Value>,
) -> Option<String> {
    let v = query_one(req, name);
    if v.is_none() {
        errors.push(verr(
            "missing",
            vec![json!("query"), json!(name)],
            "Field required",
            &Value::Null,
        ));
    }
    v
}

pub(super) fn int_query(
    req: &SandboxRequest,
    name: &str,
    default: i64,
    bounds: (Option<i64>, Option<i64>),
    errors: &mut Vec<Value>,
) -> i64 {
    let Some(text) = query_one(req, name) else {
        return default;
    };
    let loc = vec![json!("query"), json!(name)];
    let Ok(n) = text.trim().parse::<i64>() else {
        errors.push(verr(
            "int_parsing",
            loc,
            "Input should be a valid integer, unable to parse string as an integer",
            &json!(text),
        ));
        return default;
    };
    if let Some(min) = bounds.0
        && n < min
    {
        let mut e = verr(
            "greater_than_equal",
            loc,
            &format!("Input should be greater than or equal to {min}"),
            &json!(text),
        );
        e["ctx"] = json!({"ge": min});
        errors.push(e);
        return default;
    }
    if let Some(max) = bounds.1
        && n > max
    {
        let mut e = verr(
            "less_than_equal",
            loc,
            &format!("Input should be less than or equal to {max}"),
            &json!(text),
        );
        e["ctx"] = json!({"le": max});
        errors.push(e);
        return default;
    }
    n
}

pub(super) fn bool_query(
    req: &SandboxRequest,
    name: &str,
    default: bool,
    errors: &mut Vec<Value>,
) -> bool {
    let Some(text) = query_one(req, name) else {
        return default;
    };
    // pydantic's accepted spellings.
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "t" | "yes" | "y" | "on" => true,
        "0" | "false" | "f" | "no" | "n" | "off" => false,
        _ => {
            errors.push(verr(
                "bool_parsing",
                vec![json!("query"), json!(name)],
                "Input should be a valid boolean, unable to interpret input",
                &json!(text),
            ));
            default
        }
    }
}

pub(super) fn done(errors: Vec<Value>) -> Result<(), SandboxResponse> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(invalid(errors))
    }
}

pub(super) fn patient_index(state: &State, id: &str) -> Result<usize, SandboxResponse> {
    state
        .patients
        .iter()
        .position(|p| p.id == id)
        .ok_or_else(|| detail(404, "Patient not found"))
}
