//! CarePortals' error shapes → [`Error`].
//!
//! CarePortals answers errors as JSON `{"statusCode": 404, "message": "…"}` (the message
//! may be a list of validation messages), sometimes as plain text, with any content type.
//! The vendor's own message is kept; core classifies the status (401/403 → `Auth`,
//! 429 → `RateLimited`, else `Vendor`) and scrubs e-mails and phone numbers from it.

use patientpay_core::Error;
use patientpay_core::http::VendorResponse;

use crate::wire::ErrorBody;

/// The vendor's message from an error answer, if it carries one.
pub(crate) fn vendor_message(resp: &VendorResponse) -> Option<String> {
    match resp.json_lenient() {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(value @ serde_json::Value::Object(_)) => {
            let body: ErrorBody = serde_json::from_value(value).ok()?;
            body.message
                .map(|m| m.to_line())
                .filter(|m| !m.trim().is_empty())
                .or(body.error)
        }
        Some(_) => None,
        None => resp.text_message(),
    }
}

/// The [`Error`] for a non-2xx answer.
#[cfg(test)]
pub(crate) fn from_response(resp: &VendorResponse) -> Error {
    from_response_hiding(resp, &[])
}

/// [`from_response`], with each of `values` (the request's own token or id) replaced by
/// `<redacted>` in the vendor's text: Stripe-style messages echo what they were sent.
pub(crate) fn from_response_hiding(resp: &VendorResponse, values: &[&str]) -> Error {
    resp.error(vendor_message(resp).map(|m| patientpay_core::redact::hide_values(&m, values)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderMap;
    use http::header::{CONTENT_TYPE, HeaderValue};
    use patientpay_core::Operation;

    fn resp(status: u16, ct: &str, body: &str) -> VendorResponse {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
        h.insert("x-request-id", HeaderValue::from_static("req-9"));
        VendorResponse::from_parts(
            "careportals",
            Operation::AddPaymentMethod,
            status,
            h,
            body.to_owned(),
        )
    }

    #[test]
    fn json_shape() {
        let e = from_response(&resp(
            402,
            "application/json",
            r#"{"statusCode":402,"message":"Your card was declined."}"#,
        ));
        match &e {
            Error::Vendor {
                status,
                message,
                request_id,
                ..
            } => {
                assert_eq!(*status, 402);
                assert_eq!(message, "Your card was declined.");
                assert_eq!(request_id.as_deref(), Some("req-9"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn list_message_and_error_fallback() {
        let e = from_response(&resp(
            400,
            "application/json; charset=utf-8",
            r#"{"statusCode":400,"message":["paymentMethodId must be a string","paymentMethodId should not be empty"],"error":"Bad Request"}"#,
        ));
        assert!(
            e.to_string()
                .contains("paymentMethodId must be a string; paymentMethodId should not be empty"),
            "{e}"
        );
        let e = from_response(&resp(
            400,
            "application/json",
            r#"{"statusCode":400,"error":"Bad Request"}"#,
        ));
        assert!(
            e.to_string()
                .ends_with("HTTP 400: Bad Request (request id req-9)"),
            "{e}"
        );
    }

    #[test]
    fn auth_text_and_html() {
        let e = from_response(&resp(
            401,
            "application/json",
            r#"{"statusCode":401,"message":"Unauthorized"}"#,
        ));
        assert!(
            matches!(e, Error::Auth { status: 401, ref message, .. } if message.as_deref() == Some("Unauthorized"))
        );
        let e = from_response(&resp(500, "text/plain", "Internal server error\nstack..."));
        assert!(
            e.to_string()
                .ends_with("HTTP 500: Internal server error (request id req-9)"),
            "{e}"
        );
        let e = from_response(&resp(502, "text/html", "<html>bad gateway</html>"));
        assert!(e.to_string().contains("HTTP 502: Bad Gateway"), "{e}");
        let e = from_response(&resp(404, "text/plain", r#""Payment method not found""#));
        assert!(e.to_string().contains("Payment method not found"), "{e}");
        let e = from_response(&resp(400, "application/json", "[1,2]"));
        assert!(
            e.to_string()
                .ends_with("HTTP 400: Bad Request (request id req-9)"),
            "{e}"
        );
    }

    #[test]
    fn scrubs_phi_from_messages() {
        let e = from_response(&resp(
            400,
            "application/json",
            r#"{"statusCode":400,"message":"No patient jane@x.example with phone +14155552671"}"#,
        ));
        let s = e.to_string();
        assert!(!s.contains("jane@") && !s.contains("4155552671"), "{s}");
    }
}
