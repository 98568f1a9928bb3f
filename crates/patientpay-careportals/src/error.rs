//! CarePortals' error shape, as the pipeline's [`ErrorShape`](patientpay_core::pipeline::ErrorShape).
//!
//! CarePortals (a NestJS service) answers errors as JSON `{"statusCode": 404, "message":
//! "…", "error": "Not Found"}`; from request validation `message` is a list of strings. Only
//! that shape yields the vendor's message; anything else (HTML, plain text, a bare JSON
//! string, another object) gives `None`, and the pipeline then describes the body by status,
//! content type and length without showing it (a vendor page may echo the request). The
//! pipeline scrubs the message of the client's secrets and the call's PHI and secrets, and
//! classifies the status (401/403 → `Auth`, 429 → `RateLimited`, else `Vendor`).

use patientpay_core::pipeline::VendorResponse;

use crate::wire::ErrorBody;

/// The vendor's own message from an error answer in CarePortals' JSON error shape.
pub(crate) fn vendor_message(resp: &VendorResponse) -> Option<String> {
    let value = resp.json_lenient()?;
    let object = value.as_object()?;
    // The shape is an object with `statusCode` and at least one of `message` / `error`.
    if !object.contains_key("statusCode") {
        return None;
    }
    let body: ErrorBody = serde_json::from_value(value).ok()?;
    body.message
        .map(|m| m.to_line())
        .filter(|m| !m.trim().is_empty())
        .or(body.error.filter(|e| !e.trim().is_empty()))
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
        VendorResponse::from_parts(
            "careportals",
            Operation::AddPaymentMethod,
            status,
            h,
            body.to_owned(),
        )
    }

    #[test]
    fn the_vendor_shape_gives_its_message() {
        let m = vendor_message(&resp(
            402,
            "application/json",
            r#"{"statusCode":402,"message":"Your card was declined."}"#,
        ));
        assert_eq!(m.as_deref(), Some("Your card was declined."));
        let m = vendor_message(&resp(
            400,
            "application/json; charset=utf-8",
            r#"{"statusCode":400,"message":["a must be a string","a should not be empty"],"error":"Bad Request"}"#,
        ));
        assert_eq!(
            m.as_deref(),
            Some("a must be a string; a should not be empty")
        );
        let m = vendor_message(&resp(
            400,
            "application/json",
            r#"{"statusCode":400,"error":"Bad Request"}"#,
        ));
        assert_eq!(m.as_deref(), Some("Bad Request"));
    }

    #[test]
    fn anything_else_is_not_shown() {
        for (ct, body) in [
            ("text/plain", "Internal server error\nstack..."),
            ("text/html", "<html>bad gateway</html>"),
            ("application/json", r#""Payment method not found""#),
            ("application/json", "[1,2]"),
            ("application/json", r#"{"message":"no statusCode"}"#),
            ("application/json", r#"{"statusCode":400,"message":7}"#),
            ("application/json", r#"{"statusCode":400,"message":"  "}"#),
            ("application/json", "{truncated"),
        ] {
            assert_eq!(vendor_message(&resp(400, ct, body)), None, "{body}");
        }
    }
}
