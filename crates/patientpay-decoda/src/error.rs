//! Decoda's error shapes (FastAPI), as the pipeline's [`ErrorShape`](patientpay_core::pipeline::ErrorShape).
//!
//! - 422 `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}` → the `loc: msg` pairs
//!   joined with `; ` (`body.patientId: Field required`). FastAPI adds each refused `input`
//!   value: it is never read, so a patient's data never reaches the error.
//! - `{"detail": "..."}` (401/403/404/400...) → that text.
//! - Anything else (an HTML page, a text body, JSON of another shape) → `None`: the pipeline
//!   then describes the body by status, type and length only, never showing it.
//!
//! Core classifies by status (401/403 → `Auth`, 429 → `RateLimited`, else `Vendor`) and
//! scrubs the message of the client's secrets and the request's PHI.

use patientpay_core::pipeline::VendorResponse;
use serde_json::Value;

/// At most this many validation failures are listed in one message.
const MAX_LISTED: usize = 10;

/// Decoda's message in an error answer, when the body has one of FastAPI's shapes.
pub(crate) fn error_shape(resp: &VendorResponse) -> Option<String> {
    message_from_json(&resp.json_lenient()?)
}

/// The message of a FastAPI error body, if it has one of FastAPI's shapes.
pub(crate) fn message_from_json(body: &Value) -> Option<String> {
    let detail = body.get("detail")?;
    match detail {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Array(items) => {
            let mut parts: Vec<String> = items
                .iter()
                .take(MAX_LISTED)
                .filter_map(validation_pair)
                .collect();
            if parts.is_empty() {
                return None;
            }
            if items.len() > MAX_LISTED {
                parts.push(format!("and {} more", items.len() - MAX_LISTED));
            }
            Some(format!("validation failed: {}", parts.join("; ")))
        }
        _ => None,
    }
}

/// `loc: msg` of one validation failure (never its `input`).
fn validation_pair(item: &Value) -> Option<String> {
    let msg = item.get("msg")?.as_str()?;
    let loc = item
        .get("loc")
        .and_then(Value::as_array)
        .map(|parts| {
            parts
                .iter()
                .filter_map(|p| match p {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(".")
        })
        .unwrap_or_default();
    Some(if loc.is_empty() {
        msg.to_owned()
    } else {
        format!("{loc}: {msg}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderMap;
    use patientpay_core::Operation;

    fn resp(status: u16, content_type: &str, body: &str) -> VendorResponse {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::CONTENT_TYPE, content_type.parse().unwrap());
        VendorResponse::from_parts(
            "decoda",
            Operation::VerifyPatientBalance,
            status,
            headers,
            body.to_owned(),
        )
    }

    #[test]
    fn validation_errors_list_loc_and_msg_never_input() {
        let body = r#"{"detail":[
            {"type":"missing","loc":["body","lastName"],"msg":"Field required","input":{"patientId":"p1","phoneNumber":"+14155552671"}},
            {"type":"string_type","loc":["body",0,"patientId"],"msg":"Input should be a valid string","input":"Jane-Doe-1990"}
        ]}"#;
        let m = error_shape(&resp(422, "application/json", body)).unwrap();
        assert_eq!(
            m,
            "validation failed: body.lastName: Field required; body.0.patientId: Input should be a valid string"
        );
        assert!(!m.contains("Jane") && !m.contains("4155552671"), "{m}");
    }

    #[test]
    fn detail_strings_and_other_shapes() {
        assert_eq!(
            error_shape(&resp(
                401,
                "application/json",
                r#"{"detail":"Invalid API key or tenant"}"#
            ))
            .as_deref(),
            Some("Invalid API key or tenant")
        );
        // Any content type, as long as the body is FastAPI's JSON.
        assert_eq!(
            error_shape(&resp(
                400,
                "text/plain",
                r#"{"detail":"Insufficient credit balance"}"#
            ))
            .as_deref(),
            Some("Insufficient credit balance")
        );
        for (ct, body) in [
            ("text/plain", "upstream connect error"),
            ("text/html", "<html>down</html>"),
            ("application/json", ""),
            ("application/json", r#"{"detail":[{"input":"Jane"}]}"#),
            ("application/json", r#"{"message":"Jane Doe not found"}"#),
            ("application/json", r#"{"detail":"  "}"#),
        ] {
            assert_eq!(error_shape(&resp(500, ct, body)), None, "{body}");
        }
    }

    #[test]
    fn long_lists_are_capped() {
        let items: Vec<String> = (0..12)
            .map(|i| format!(r#"{{"loc":["body",{i},"id"],"msg":"bad","type":"t"}}"#))
            .collect();
        let body = format!(r#"{{"detail":[{}]}}"#, items.join(","));
        let m = error_shape(&resp(422, "application/json", &body)).unwrap();
        assert!(m.contains("and 2 more"), "{m}");
    }
}
