//! Domain ⇄ wire: the checks CareValidate needs before a request, the wire bodies built
//! from the domain requests, and the domain answers built from the vendor's.

use patientpay_core::http::VendorResponse;
use patientpay_core::{
    ClientSecret, CreatePaymentIntent, Currency, Error, Money, PaymentInfoUpdated, PaymentIntent,
    Result, UpdatePaymentInfo,
};
use secrecy::ExposeSecret;

use crate::wire::{
    CreatePaymentIntentRequest, PaymentInfoData, PaymentIntentResponse, ShippingAddress,
    UpdateUserRequest, UpdateUserResponse,
};

/// The largest amount sent, in cents: 15 significant digits ($9,999,999,999,999.99).
///
/// CareValidate reads `amount` as a JavaScript number (an IEEE-754 double). Any decimal of
/// at most 15 significant digits survives text → double → text unchanged (`DBL_DIG` = 15),
/// and `Math.round(amount * 100)` then gives back the exact cents because the value stays
/// far below 2^53. A 16th digit is no longer safe (`90071992547409.91` is not a double),
/// so larger amounts are refused instead of being silently changed by the vendor.
pub const MAX_AMOUNT_MINOR_UNITS: i64 = 999_999_999_999_999;

/// The only currency CareValidate takes: `amount` is documented as dollars ("1.15 equals $1.15").
pub const CURRENCY: Currency = Currency::USD;

/// US state, district, territory and military codes accepted as `state` when the country is US
/// (shared with every vendor through core).
pub use patientpay_core::US_STATE_CODES;

// ---------------------------------------------------------------------------------------
// Payment intents

/// Checks an intent request: positive amount, USD, at most [`MAX_AMOUNT_MINOR_UNITS`],
/// no empty method type.
pub(crate) fn validate_payment_intent(request: &CreatePaymentIntent) -> Result<()> {
    request.validate()?;
    let amount = request.amount;
    if amount.currency() != CURRENCY {
        return Err(Error::invalid_input(
            "amount",
            format!(
                "CareValidate only accepts amounts in USD (dollars); got {}",
                amount.currency()
            ),
        ));
    }
    if amount.minor_units() > MAX_AMOUNT_MINOR_UNITS {
        return Err(Error::invalid_input(
            "amount",
            format!(
                "must be at most {} so that CareValidate's JSON number holds it exactly",
                Money::from_minor(MAX_AMOUNT_MINOR_UNITS, CURRENCY)
            ),
        ));
    }
    Ok(())
}

/// The wire body of an intent request (validate it first).
pub(crate) fn payment_intent_request(request: &CreatePaymentIntent) -> CreatePaymentIntentRequest {
    CreatePaymentIntentRequest::new(
        request.amount.to_json_major_units(),
        request.payment_method_types.clone(),
    )
}

/// The domain answer to an intent request.
///
/// # Errors
/// The vendor's error for a non-2xx answer or `"success": false`; [`Error::Decode`] when
/// the answer lacks a usable `data.paymentIntentSecret`.
pub(crate) fn payment_intent(resp: &VendorResponse, amount: Money) -> Result<PaymentIntent> {
    if !resp.is_success() {
        return Err(crate::error::from_response(resp));
    }
    let body: PaymentIntentResponse = resp.json()?;
    if body.is_failure() {
        return Err(resp.error(body.error_message().map(str::to_owned)));
    }
    let message = body.message.clone().filter(|m| !m.trim().is_empty());
    let data = body
        .data
        .ok_or_else(|| resp.decode_error("missing field `data` at top level"))?;
    let secret = data.payment_intent_secret.expose_secret();
    if secret.trim().is_empty() {
        return Err(resp.decode_error("empty `data.paymentIntentSecret`"));
    }
    let mut intent = PaymentIntent::new(ClientSecret::new(secret), amount);
    intent.message = message;
    Ok(intent)
}

// ---------------------------------------------------------------------------------------
// Payment info updates

/// Checks an update (core's [`UpdatePaymentInfo::validate`]: e-mail syntax, non-empty setup
/// id and token, a complete address with a 2-letter country and, in the US, a real state
/// code and ZIP code). Reasons never repeat the value (it is PHI).
pub(crate) fn validate_update_payment_info(request: &UpdatePaymentInfo) -> Result<()> {
    request.validate()
}

/// The wire body of an update (validate it first). Codes are upper-cased; a missing
/// second line is sent as `""` because the vendor marks every field required.
pub(crate) fn update_user_request(request: &UpdatePaymentInfo) -> UpdateUserRequest {
    let a = &request.shipping_address;
    let address = ShippingAddress {
        address_line1: a.line1.trim().to_owned(),
        address_line2: a
            .line2
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned(),
        city: a.city.trim().to_owned(),
        state: a.state.trim().to_ascii_uppercase(),
        country: a.country.trim().to_ascii_uppercase(),
        postal_code: a.postal_code.trim().to_owned(),
    };
    UpdateUserRequest::update_payment_info(
        request.email.trim(),
        PaymentInfoData::new(
            request.stripe_setup_id.trim(),
            request.nmi_payment_token.clone(),
            address,
        ),
    )
}

/// The domain answer to an update.
///
/// # Errors
/// The vendor's error for a non-2xx answer or `"success": false`; [`Error::Decode`] when
/// the answer lacks `data.code`.
pub(crate) fn payment_info_updated(resp: &VendorResponse) -> Result<PaymentInfoUpdated> {
    if !resp.is_success() {
        return Err(crate::error::from_response(resp));
    }
    let body: UpdateUserResponse = resp.json()?;
    if body.is_failure() {
        return Err(resp.error(body.error_message().map(str::to_owned)));
    }
    let data = body
        .data
        .ok_or_else(|| resp.decode_error("missing field `data` at top level"))?;
    Ok(PaymentInfoUpdated::new(data.code.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderMap;
    use http::header::{CONTENT_TYPE, HeaderValue};
    use patientpay_core::{Address, Operation, PaymentMethodType};

    fn usd(minor: i64) -> Money {
        Money::from_minor(minor, Currency::USD)
    }

    fn addr() -> Address {
        Address::new(
            "1600 Pennsylvania Avenue NW",
            "Washington",
            "DC",
            "20500",
            "US",
        )
    }

    fn update(email: &str, address: Address) -> UpdatePaymentInfo {
        UpdatePaymentInfo::new(email, "seti_1", "nmi_tok", address)
    }

    fn field(result: Result<()>) -> Option<String> {
        result
            .err()
            .and_then(|e| e.invalid_field().map(str::to_owned))
    }

    fn json_resp(op: Operation, status: u16, body: &str) -> VendorResponse {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        VendorResponse::from_parts("carevalidate", op, status, headers, body.to_owned())
    }

    #[test]
    fn amounts_are_exact_json_numbers() {
        for (minor, text) in [
            (1, "0.01"),
            (29, "0.29"),
            (115, "1.15"),
            (1999, "19.99"),
            (2950, "29.5"),
            (10000, "100"),
            (250000, "2500"),
            (9_999_999_999, "99999999.99"),
            (MAX_AMOUNT_MINOR_UNITS, "9999999999999.99"),
        ] {
            let body = payment_intent_request(&CreatePaymentIntent::new(usd(minor)));
            assert_eq!(
                serde_json::to_string(&body).unwrap(),
                format!("{{\"amount\":{text}}}")
            );
        }
    }

    #[test]
    fn intent_checks_name_amount() {
        assert!(validate_payment_intent(&CreatePaymentIntent::new(usd(1))).is_ok());
        assert!(
            validate_payment_intent(&CreatePaymentIntent::new(usd(MAX_AMOUNT_MINOR_UNITS))).is_ok()
        );
        for bad in [
            CreatePaymentIntent::new(usd(0)),
            CreatePaymentIntent::new(usd(-100)),
            CreatePaymentIntent::new(usd(MAX_AMOUNT_MINOR_UNITS + 1)),
            CreatePaymentIntent::new(usd(9_007_199_254_740_992)),
            CreatePaymentIntent::new(usd(i64::MAX)),
            CreatePaymentIntent::new(Money::from_minor(1999, Currency::EUR)),
            CreatePaymentIntent::new(Money::from_minor(500, Currency::JPY)),
        ] {
            assert_eq!(
                field(validate_payment_intent(&bad)).as_deref(),
                Some("amount"),
                "{bad:?}"
            );
        }
        let eur = validate_payment_intent(&CreatePaymentIntent::new(Money::from_minor(
            1,
            Currency::EUR,
        )))
        .unwrap_err()
        .to_string();
        assert!(
            eur.contains("only accepts amounts in USD") && eur.contains("EUR"),
            "{eur}"
        );
        let empty = CreatePaymentIntent::new(usd(100))
            .with_payment_method_types([PaymentMethodType::Unknown(" ".into())]);
        assert_eq!(
            field(validate_payment_intent(&empty)).as_deref(),
            Some("payment_method_types")
        );
    }

    #[test]
    fn method_types_keep_the_callers_order() {
        let req = CreatePaymentIntent::new(usd(10000)).with_payment_method_types([
            PaymentMethodType::Klarna,
            PaymentMethodType::Card,
            PaymentMethodType::Affirm,
        ]);
        assert_eq!(
            serde_json::to_string(&payment_intent_request(&req)).unwrap(),
            r#"{"amount":100,"paymentMethodTypes":["klarna","card","affirm"]}"#
        );
    }

    #[test]
    fn update_checks_name_each_field() {
        assert!(validate_update_payment_info(&update("john@example.com", addr())).is_ok());
        assert!(validate_update_payment_info(&update("a.b+c@mail.example.co.uk", addr())).is_ok());
        let cases: Vec<(UpdatePaymentInfo, &str)> = vec![
            (update("", addr()), "email"),
            (update("john", addr()), "email"),
            (update("john@", addr()), "email"),
            (update("@example.com", addr()), "email"),
            (update("john@example", addr()), "email"),
            (update("jo hn@example.com", addr()), "email"),
            (update("john@exa_mple.com", addr()), "email"),
            (update("john@@example.com", addr()), "email"),
            (update("john@.example.com", addr()), "email"),
            (
                UpdatePaymentInfo::new("john@example.com", " ", "tok", addr()),
                "stripe_setup_id",
            ),
            (
                UpdatePaymentInfo::new("john@example.com", "seti_1", "", addr()),
                "nmi_payment_token",
            ),
            (
                update(
                    "john@example.com",
                    Address::new(" ", "Washington", "DC", "20500", "US"),
                ),
                "shipping_address.line1",
            ),
            (
                update(
                    "john@example.com",
                    Address::new("1 Main", "", "DC", "20500", "US"),
                ),
                "shipping_address.city",
            ),
            (
                update(
                    "john@example.com",
                    Address::new("1 Main", "W", "DC", "20500", "USA"),
                ),
                "shipping_address.country",
            ),
            (
                update(
                    "john@example.com",
                    Address::new("1 Main", "W", "DC", "20500", ""),
                ),
                "shipping_address.country",
            ),
            (
                update(
                    "john@example.com",
                    Address::new("1 Main", "W", "DC", "20500", "1A"),
                ),
                "shipping_address.country",
            ),
            (
                update(
                    "john@example.com",
                    Address::new("1 Main", "W", "XX", "20500", "US"),
                ),
                "shipping_address.state",
            ),
            (
                update(
                    "john@example.com",
                    Address::new("1 Main", "W", "Washington", "20500", "US"),
                ),
                "shipping_address.state",
            ),
            (
                update(
                    "john@example.com",
                    Address::new("1 Main", "W", "", "M5V 2T6", "CA"),
                ),
                "shipping_address.state",
            ),
            (
                update(
                    "john@example.com",
                    Address::new("1 Main", "W", "DC", "", "US"),
                ),
                "shipping_address.postal_code",
            ),
            (
                update(
                    "john@example.com",
                    Address::new("1 Main", "W", "DC", "2050", "US"),
                ),
                "shipping_address.postal_code",
            ),
        ];
        for (req, want) in cases {
            let err = validate_update_payment_info(&req).unwrap_err();
            assert_eq!(err.invalid_field(), Some(want), "{req:?}");
            let text = err.to_string();
            for phi in ["john", "Pennsylvania", "Washington", "20500", "nmi_tok"] {
                assert!(!text.contains(phi), "{phi} in {text}");
            }
        }
        // Outside the US any non-empty state and postal code goes.
        let ca = update(
            "john@example.com",
            Address::new("1 King St W", "Toronto", "ON", "M5V 2T6", "ca"),
        );
        assert!(validate_update_payment_info(&ca).is_ok());
        let dc = update(
            "john@example.com",
            Address::new("1 Main", "W", "dc", "20500-0003", "us"),
        );
        assert!(validate_update_payment_info(&dc).is_ok());
    }

    #[test]
    fn update_body_fills_line2_and_normalises_codes() {
        let req = update(
            " john@example.com ",
            Address::new(
                "1600 Pennsylvania Avenue NW",
                "Washington",
                "dc",
                "20500",
                "us",
            ),
        );
        let v = serde_json::to_value(update_user_request(&req)).unwrap();
        assert_eq!(v["email"], "john@example.com");
        assert_eq!(v["action"], "UPDATE_PAYMENT_INFO");
        assert_eq!(v["data"]["shippingAddress"]["addressLine2"], "");
        assert_eq!(v["data"]["shippingAddress"]["state"], "DC");
        assert_eq!(v["data"]["shippingAddress"]["country"], "US");
        assert_eq!(v["data"]["nmiPaymentToken"], "nmi_tok");
        let with2 = update("john@example.com", addr().with_line2("Suite 9"));
        let v = serde_json::to_value(update_user_request(&with2)).unwrap();
        assert_eq!(v["data"]["shippingAddress"]["addressLine2"], "Suite 9");
    }

    #[test]
    fn intent_answers() {
        let op = Operation::CreatePaymentIntent;
        let ok = json_resp(
            op,
            200,
            r#"{"status":200,"success":true,"message":"payment Intent initiated successfully","data":{"paymentIntentSecret":"pi_3SG_secret_CBr"}}"#,
        );
        let intent = payment_intent(&ok, usd(1999)).unwrap();
        assert_eq!(intent.client_secret.expose_secret(), "pi_3SG_secret_CBr");
        assert_eq!(intent.client_secret.payment_intent_id(), Some("pi_3SG"));
        assert_eq!(intent.amount, usd(1999));
        assert_eq!(
            intent.message.as_deref(),
            Some("payment Intent initiated successfully")
        );

        let failed = json_resp(
            op,
            200,
            r#"{"success":false,"message":"Amount must be a positive number"}"#,
        );
        let err = payment_intent(&failed, usd(1)).unwrap_err();
        assert!(
            matches!(&err, Error::Vendor { status: 200, message, .. } if message == "Amount must be a positive number"),
            "{err:?}"
        );

        for body in [
            r#"{"success":true}"#,
            r#"{"success":true,"data":{"paymentIntentSecret":""}}"#,
            r#"{"success":true,"data":{}}"#,
            "[]",
        ] {
            let err = payment_intent(&json_resp(op, 200, body), usd(1)).unwrap_err();
            assert!(matches!(err, Error::Decode { .. }), "{body}: {err:?}");
        }
        let err = payment_intent(
            &json_resp(op, 401, r#"{"status":401,"error":"Invalid API key"}"#),
            usd(1),
        )
        .unwrap_err();
        assert!(matches!(err, Error::Auth { .. }));
    }

    #[test]
    fn update_answers() {
        let op = Operation::UpdatePaymentInfo;
        let ok = json_resp(
            op,
            200,
            r#"{"status":200,"success":true,"data":{"code":"PAYMENT_SETUP_UPDATED"}}"#,
        );
        assert_eq!(
            payment_info_updated(&ok).unwrap(),
            PaymentInfoUpdated::new("PAYMENT_SETUP_UPDATED")
        );
        let new_code = json_resp(
            op,
            200,
            r#"{"success":true,"data":{"code":"PAYMENT_SETUP_PENDING"}}"#,
        );
        assert_eq!(
            payment_info_updated(&new_code).unwrap().code,
            "PAYMENT_SETUP_PENDING"
        );
        let failed = json_resp(
            op,
            200,
            r#"{"status":400,"success":false,"message":"Invalid request","error":"No such setupintent: 'x'"}"#,
        );
        let err = payment_info_updated(&failed).unwrap_err();
        assert!(
            matches!(&err, Error::Vendor { message, .. } if message == "No such setupintent: 'x'")
        );
        let err =
            payment_info_updated(&json_resp(op, 200, r#"{"success":true,"data":{"code":7}}"#))
                .unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
        let err = payment_info_updated(&json_resp(op, 200, r#"{"success":true}"#)).unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    }
}
