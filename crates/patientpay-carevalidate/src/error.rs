//! CareValidate's error shapes → [`Error`].
//!
//! Documented shapes: `{success: false, message}` (400, 500),
//! `{status, success: false, message: "Invalid request", error}` (400) and
//! `{status: 401, error: "Invalid API key"}`. `error` is the precise text, so it wins over
//! `message`. Error bodies may come with any content type (a proxy's text page, an HTML
//! 502); anything that is not one of the shapes falls back to a short text line or the
//! status's reason.

use patientpay_core::Error;
use patientpay_core::http::VendorResponse;

use crate::wire::ErrorResponse;

/// The vendor's message from an error answer, if it has one.
pub(crate) fn vendor_message(resp: &VendorResponse) -> Option<String> {
    match resp.json_lenient() {
        Some(value) => serde_json::from_value::<ErrorResponse>(value)
            .ok()
            .and_then(|body| body.error_message().map(str::to_owned)),
        None => resp.text_message(),
    }
}

/// Turns a non-2xx answer into an [`Error`] (401/403 → `Auth`, 429 → `RateLimited`,
/// else `Vendor`), carrying the vendor's own message.
pub(crate) fn from_response(resp: &VendorResponse) -> Error {
    resp.error(vendor_message(resp))
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
        let e = from_response(&resp(
            400,
            "application/json",
            r#"{"success":false,"message":"Amount is required"}"#,
        ));
        assert!(
            matches!(&e, Error::Vendor { status: 400, message, .. } if message == "Amount is required"),
            "{e:?}"
        );

        let e = from_response(&resp(
            400,
            "application/json",
            r#"{"status":400,"success":false,"message":"Invalid request","error":"No such setupintent: 'seti_x'"}"#,
        ));
        assert!(
            matches!(&e, Error::Vendor { message, .. } if message == "No such setupintent: 'seti_x'"),
            "{e:?}"
        );

        let e = from_response(&resp(
            401,
            "application/json",
            r#"{"status":401,"error":"Invalid API key"}"#,
        ));
        assert!(
            matches!(&e, Error::Auth { status: 401, message: Some(m), .. } if m == "Invalid API key"),
            "{e:?}"
        );

        let e = from_response(&resp(
            500,
            "application/json",
            r#"{"success":false,"message":"Internal server error"}"#,
        ));
        assert!(
            matches!(&e, Error::Vendor { status: 500, message, .. } if message == "Internal server error")
        );
        assert!(e.is_retryable());
    }

    #[test]
    fn phi_in_vendor_messages_is_scrubbed() {
        let e = from_response(&resp(
            400,
            "application/json",
            r#"{"status":400,"success":false,"message":"Invalid request","error":"User jane.doe@unknown.example does not exist"}"#,
        ));
        let text = e.to_string();
        assert!(!text.contains("jane.doe"), "{text}");
        assert!(text.contains("User <redacted> does not exist"), "{text}");
    }

    #[test]
    fn other_bodies_fall_back() {
        let e = from_response(&resp(502, "text/plain", "upstream connect error\nmore"));
        assert!(
            matches!(&e, Error::Vendor { message, .. } if message == "upstream connect error"),
            "{e:?}"
        );
        let e = from_response(&resp(503, "text/html", "<html><body>down</body></html>"));
        assert!(
            matches!(&e, Error::Vendor { message, .. } if message == "Service Unavailable"),
            "{e:?}"
        );
        // JSON in a text content type is still read.
        let e = from_response(&resp(
            400,
            "text/plain",
            r#"{"success":false,"message":"Invalid payment method types"}"#,
        ));
        assert!(
            matches!(&e, Error::Vendor { message, .. } if message == "Invalid payment method types")
        );
        // JSON of another shape: no message, the status's reason instead.
        let e = from_response(&resp(400, "application/json", r#"{"message": 12}"#));
        assert!(
            matches!(&e, Error::Vendor { message, .. } if message == "Bad Request"),
            "{e:?}"
        );
        let e = from_response(&resp(429, "application/json", r#"{"message":"slow down"}"#));
        assert!(matches!(e, Error::RateLimited { .. }));
    }
}
