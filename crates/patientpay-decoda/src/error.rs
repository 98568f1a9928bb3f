//! Decoda's error shapes (FastAPI) → [`patientpay_core::Error`].
//!
//! - 422 `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}` → the `loc: msg` pairs
//!   joined with `; ` (`body.patientId: Field required`). FastAPI may add each refused
//!   `input` value: it is never read, so a patient's data never reaches the error.
//! - `{"detail": "..."}` (401/403/404/400...) → that text.
//! - Anything else: a short text body, or the status' reason.
//!
//! Core then classifies by status (401/403 → `Auth`, 429 → `RateLimited`, else `Vendor`) and
//! scrubs e-mails and phone numbers from the message.

use patientpay_core::Error;
use patientpay_core::http::VendorResponse;
use serde_json::Value;

/// At most this many validation failures are listed in one message.
const MAX_LISTED: usize = 10;

/// Turns an error answer into an [`Error`].
pub(crate) fn vendor_error(resp: &VendorResponse) -> Error {
    vendor_error_hiding(resp, &[])
}

/// Like [`vendor_error`], and replaces each of `phi` (the request's own personal values,
/// ASCII case-insensitively) in the vendor's text by `<redacted>`: a vendor that echoes
/// what it was sent must not carry it into an error.
pub(crate) fn vendor_error_hiding(resp: &VendorResponse, phi: &[&str]) -> Error {
    // A JSON body of an unknown shape is not echoed as text: it may hold the refused input.
    let message = match resp.json_lenient() {
        Some(body) => message_from_json(&body),
        None => resp.text_message(),
    };
    resp.error(message.map(|m| hide(&m, phi)))
}

/// Core's [`patientpay_core::redact::hide_values`].
pub(crate) fn hide(text: &str, needles: &[&str]) -> String {
    patientpay_core::redact::hide_values(text, needles)
}

/// The message of a FastAPI error body, if it has one of FastAPI's shapes.
pub(crate) fn message_from_json(body: &Value) -> Option<String> {
    let detail = body.get("detail").or_else(|| body.get("message"))?;
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
        headers.insert("x-request-id", "req-7".parse().unwrap());
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
        let e = vendor_error(&resp(422, "application/json", body));
        let s = e.to_string();
        assert!(matches!(e, Error::Vendor { status: 422, .. }), "{e:?}");
        assert_eq!(
            s,
            "decoda verify_patient_balance failed: HTTP 422: validation failed: body.lastName: Field required; \
             body.0.patientId: Input should be a valid string (request id req-7)"
        );
        assert!(!s.contains("Jane") && !s.contains("4155552671"), "{s}");
    }

    #[test]
    fn detail_strings_and_statuses() {
        let e = vendor_error(&resp(
            401,
            "application/json",
            r#"{"detail":"Invalid API key or tenant"}"#,
        ));
        assert!(
            matches!(&e, Error::Auth { status: 401, message: Some(m), .. } if m == "Invalid API key or tenant")
        );
        let e = vendor_error(&resp(403, "application/json", r#"{"detail":"Forbidden"}"#));
        assert!(matches!(e, Error::Auth { status: 403, .. }));
        let e = vendor_error(&resp(
            404,
            "application/json",
            r#"{"detail":"Patient verification failed"}"#,
        ));
        assert!(
            matches!(&e, Error::Vendor { status: 404, message, .. } if message == "Patient verification failed")
        );
        let e = vendor_error(&resp(
            429,
            "application/json",
            r#"{"detail":"Too Many Requests"}"#,
        ));
        assert!(matches!(e, Error::RateLimited { .. }));
        // Any content type, text bodies, HTML pages, empty bodies.
        let e = vendor_error(&resp(
            400,
            "text/plain",
            r#"{"detail":"Insufficient credit balance"}"#,
        ));
        assert!(e.to_string().contains("Insufficient credit balance"), "{e}");
        let e = vendor_error(&resp(502, "text/plain", "upstream connect error\nmore"));
        assert!(
            e.to_string()
                .ends_with("HTTP 502: upstream connect error (request id req-7)"),
            "{e}"
        );
        let e = vendor_error(&resp(503, "text/html", "<html>down</html>"));
        assert!(e.to_string().contains("Service Unavailable"), "{e}");
        let e = vendor_error(&resp(500, "application/json", ""));
        assert!(e.to_string().contains("Internal Server Error"), "{e}");
        let e = vendor_error(&resp(
            400,
            "application/json",
            r#"{"detail":[{"input":"Jane"}]}"#,
        ));
        assert!(
            matches!(&e, Error::Vendor { message, .. } if message == "Bad Request"),
            "{e:?}"
        );
    }

    #[test]
    fn phones_in_vendor_text_are_scrubbed() {
        let e = vendor_error(&resp(
            404,
            "application/json",
            r#"{"detail":"No patient with phone +1 415 555 2671"}"#,
        ));
        assert!(!e.to_string().contains("555"), "{e}");
    }

    #[test]
    fn request_phi_is_hidden() {
        let r = resp(
            404,
            "text/plain",
            "No patient RIVERA born 1985-04-12 (Rivera) é",
        );
        let e = vendor_error_hiding(&r, &["Rivera", "1985-04-12", " "]);
        assert_eq!(
            e.to_string().split(" (request id").next().unwrap(),
            "decoda verify_patient_balance failed: HTTP 404: No patient <redacted> born <redacted> (<redacted>) é"
        );
        assert_eq!(hide("abc", &[]), "abc");
    }

    #[test]
    fn long_lists_are_capped() {
        let items: Vec<String> = (0..12)
            .map(|i| format!(r#"{{"loc":["body",{i},"id"],"msg":"bad","type":"t"}}"#))
            .collect();
        let body = format!(r#"{{"detail":[{}]}}"#, items.join(","));
        let e = vendor_error(&resp(422, "application/json", &body));
        assert!(e.to_string().contains("and 2 more"), "{e}");
    }
}
