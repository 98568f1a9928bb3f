//! CareValidate's error shapes, as the pipeline's [`ErrorShape`](patientpay_core::pipeline::ErrorShape).
//!
//! Documented shapes: `{success: false, message}` (400, 500, and a 200 that failed),
//! `{status, success: false, message: "Invalid request", error}` (400) and
//! `{status: 401, error: "Invalid API key"}`. `error` is the precise text, so it wins over
//! `message`. Anything else — another JSON object, a proxy's HTML page, plain text — is not
//! the vendor's shape: the pipeline then describes it by status, type and length only.

use patientpay_core::Error;
use patientpay_core::pipeline::VendorResponse;
use serde_json::Value;

/// The vendor's own message, when `resp`'s body is one of CareValidate's error shapes.
pub(crate) fn error_shape(resp: &VendorResponse) -> Option<String> {
    let Some(Value::Object(body)) = resp.json_lenient() else {
        return None;
    };
    let text = |name: &str| {
        body.get(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let failed = body.get("success") == Some(&Value::Bool(false));
    let status_shape = body.get("status").is_some_and(Value::is_u64) && text("error").is_some();
    if !failed && !status_shape {
        return None;
    }
    text("error").or_else(|| text("message")).map(str::to_owned)
}

/// Hides Stripe client secrets (`pi_…_secret_…`, `seti_…_secret_…`) in `text`: the
/// answers of this vendor carry them, and an outcome-unknown error keeps the answer.
pub(crate) fn hide_client_secrets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("_secret_") {
        let before = &rest[..at];
        let start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let tail = &rest[at + "_secret_".len()..];
        let end = tail
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(tail.len());
        out.push_str(&before[..start]);
        out.push_str("<redacted>");
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Keeps client secrets out of the answer an [`Error::OutcomeUnknown`] keeps.
pub(crate) fn without_client_secrets(err: Error) -> Error {
    match err {
        Error::OutcomeUnknown {
            provider,
            operation,
            status,
            request_id,
            cause,
            body,
        } => Error::OutcomeUnknown {
            provider,
            operation,
            status,
            request_id,
            cause,
            body: body.map(|b| hide_client_secrets(&b)),
        },
        other => other,
    }
}

/// A 409 on an idempotency-keyed call: the key was already used with another body. Says so,
/// naming the key, whatever the vendor's text (its 409 body is not documented).
pub(crate) fn key_reused(err: Error, key: &str) -> Error {
    match err {
        Error::Vendor {
            provider,
            operation,
            status: 409,
            message,
            request_id,
        } => Error::Vendor {
            provider,
            operation,
            status: 409,
            message: format!(
                "idempotency key `{key}` was already used for a request with other parameters; \
                 use a new key for a new payment ({message})"
            ),
            request_id,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderMap;
    use http::header::{CONTENT_TYPE, HeaderValue};
    use patientpay_core::Operation;

    fn resp(status: u16, content_type: &'static str, body: &'static str) -> VendorResponse {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        VendorResponse::from_parts(
            "carevalidate",
            Operation::CreatePaymentIntent,
            status,
            headers,
            body,
        )
    }

    #[test]
    fn every_documented_shape() {
        let m = |s, b| error_shape(&resp(s, "application/json", b));
        assert_eq!(
            m(400, r#"{"success":false,"message":"Amount is required"}"#).as_deref(),
            Some("Amount is required")
        );
        assert_eq!(
            m(400, r#"{"status":400,"success":false,"message":"Invalid request","error":"No such setupintent: 'seti_x'"}"#).as_deref(),
            Some("No such setupintent: 'seti_x'")
        );
        assert_eq!(
            m(401, r#"{"status":401,"error":"Invalid API key"}"#).as_deref(),
            Some("Invalid API key")
        );
        assert_eq!(
            m(
                500,
                r#"{"success":false,"message":"Internal server error"}"#
            )
            .as_deref(),
            Some("Internal server error")
        );
        // JSON in a text content type is still the vendor's shape.
        assert_eq!(
            error_shape(&resp(
                400,
                "text/plain",
                r#"{"success":false,"message":"x"}"#
            ))
            .as_deref(),
            Some("x")
        );
    }

    #[test]
    fn other_bodies_are_not_the_vendors_shape() {
        for (ct, body) in [
            ("text/plain", "upstream connect error"),
            ("text/html", "<html><body>jane@x.com</body></html>"),
            ("application/json", r#"{"message": 12}"#),
            ("application/json", r#"{"message":"slow down"}"#),
            (
                "application/json",
                r#"{"statusCode":500,"message":"injected fault"}"#,
            ),
            ("application/json", r#"{"success":false}"#),
            ("application/json", r#"["x"]"#),
        ] {
            assert_eq!(error_shape(&resp(502, ct, body)), None, "{body}");
        }
    }

    #[test]
    fn client_secrets_are_hidden() {
        assert_eq!(
            hide_client_secrets(r#"{"data":{"paymentIntentSecret":"pi_3SG0o8_secret_CBrw"}}"#),
            r#"{"data":{"paymentIntentSecret":"<redacted>"}}"#
        );
        assert_eq!(
            hide_client_secrets("a seti_1_secret_2 b pi_9_secret_"),
            "a <redacted> b <redacted>"
        );
        assert_eq!(hide_client_secrets("no secrets"), "no secrets");
    }
}
