//! Domain ⇄ wire: the wire bodies built from the requests (validate them first), the
//! personal values each request carries (hidden from whatever the vendor echoes), and the
//! domain answers built from the vendor's.

use patientpay_core::pipeline::Answer;
use patientpay_core::time::OffsetDateTime;
use patientpay_core::time::format_description::well_known::Rfc3339;
use patientpay_core::{
    Address, ClientSecret, CreatePaymentIntent, Money, PaymentInfoUpdated, PaymentIntent, Result,
    UpdatePaymentInfo, VendorData,
};

use crate::types::{
    CURRENCY, CasePayment, CompletePaymentSetup, ConfirmCustomerPayment, CreateCasePayment,
    CreateSetupIntent, CustomerPaymentConfirmed, PaymentSetupCompleted, check_charge_amount,
};
use crate::wire::{
    CasePaymentResponse, CompletePaymentSetupRequest, CreateCasePaymentRequest,
    CreatePaymentIntentRequest, CreateSetupIntentRequest, CustomerPaymentConfirmationRequest,
    PaymentInfoData, PaymentIntentResponse, SetupIntentResponse, SetupMetadata,
    SetupShippingAddress, ShippingAddress, StatusResponse, UpdateUserRequest, UpdateUserResponse,
};

/// `YYYY-MM-DD`.
fn ymd(d: patientpay_core::time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

// ---------------------------------------------------------------------------------------
// Personal values of a request, in the forms a vendor may echo them

/// An e-mail as written, lower-cased, and URL-encoded (`@` → `%40`, `+` → `%2B`): the
/// scrubber matches case-insensitively, so these cover what a vendor echoes.
pub(crate) fn email_forms(email: &str) -> Vec<String> {
    let e = email.trim();
    vec![
        e.to_owned(),
        e.replace('@', "%40").replace('+', "%2B"),
        e.replace('@', "%40"),
    ]
}

/// A phone as written and with its digits only.
pub(crate) fn phone_forms(phone: &str) -> Vec<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    vec![phone.trim().to_owned(), digits]
}

/// The street lines, city and postal code of an address (codes such as `DC` are too short
/// to hide without hiding everything else).
pub(crate) fn address_forms(a: &Address) -> Vec<String> {
    let mut v = vec![a.line1.clone(), a.city.clone(), a.postal_code.clone()];
    if let Some(l2) = &a.line2 {
        v.push(l2.clone());
    }
    v.into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| s.len() > 2)
        .collect()
}

// ---------------------------------------------------------------------------------------
// Request bodies

/// Checks an intent request: core's checks, then USD within Stripe's limits.
pub(crate) fn validate_payment_intent(request: &CreatePaymentIntent) -> Result<()> {
    request.validate()?;
    check_charge_amount(request.amount)
}

/// The wire body of an intent request.
pub(crate) fn payment_intent_body(request: &CreatePaymentIntent) -> CreatePaymentIntentRequest {
    CreatePaymentIntentRequest::new(
        request.amount.to_json_major_units(),
        request.payment_method_types.clone(),
    )
}

/// The wire body of a setup intent: `metadata` only when there is something in it.
pub(crate) fn setup_intent_body(request: &CreateSetupIntent) -> CreateSetupIntentRequest {
    let email = request.email.as_deref().map(str::trim).map(str::to_owned);
    let phone = request.phone.as_deref().map(str::trim).map(str::to_owned);
    CreateSetupIntentRequest {
        metadata: (email.is_some() || phone.is_some()).then(|| SetupMetadata::new(email, phone)),
    }
}

/// The wire body of an update. Codes are upper-cased; a missing second line is sent as
/// `""` because the vendor marks every field required.
pub(crate) fn update_user_body(request: &UpdatePaymentInfo) -> UpdateUserRequest {
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

/// The wire body of a completed setup; an empty second line is left out.
pub(crate) fn complete_setup_body(request: &CompletePaymentSetup) -> CompletePaymentSetupRequest {
    let a = &request.shipping_address;
    CompletePaymentSetupRequest {
        stripe_setup_id: request.stripe_setup_id.trim().to_owned(),
        shipping_address: SetupShippingAddress {
            line1: a.line1.trim().to_owned(),
            line2: a
                .line2
                .as_deref()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
            city: a.city.trim().to_owned(),
            state: a.state.trim().to_ascii_uppercase(),
            country: a.country.trim().to_ascii_uppercase(),
            postal_code: a.postal_code.trim().to_owned(),
        },
    }
}

/// The wire body of a case payment with its idempotency key.
pub(crate) fn case_payment_body(
    request: &CreateCasePayment,
    key: &str,
) -> CreateCasePaymentRequest {
    CreateCasePaymentRequest {
        amount: request.amount.to_json_major_units(),
        description: request.description.trim().to_owned(),
        product_id: request
            .product_id
            .as_deref()
            .map(|p| p.trim().to_ascii_lowercase()),
        status: request.status.clone(),
        idempotency_key: key.to_owned(),
        preauthorize: request.preauthorize,
    }
}

/// The wire body of a payment confirmation with its idempotency key.
pub(crate) fn confirmation_body(
    request: &ConfirmCustomerPayment,
    key: &str,
) -> CustomerPaymentConfirmationRequest {
    let trimmed = |s: &Option<String>| s.as_deref().map(str::trim).map(str::to_owned);
    CustomerPaymentConfirmationRequest {
        case_id: request.case_id.clone(),
        email: trimmed(&request.email),
        phone_number: trimmed(&request.phone_number),
        decision_id: trimmed(&request.decision_id),
        amount: request.amount.to_json_major_units(),
        description: trimmed(&request.description),
        payment_date: ymd(request.payment_date),
        status: request.status.clone(),
        valid_until: ymd(request.valid_until),
        idempotency_key: key.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------
// Answers (`success: false` was already turned into an error by the client)

/// The domain answer to an intent request.
///
/// # Errors
/// A mapping error (on this money endpoint: outcome unknown) when the answer lacks a usable
/// `data.paymentIntentSecret`.
pub(crate) fn payment_intent(
    body: &PaymentIntentResponse,
    amount: Money,
    answer: &Answer,
) -> Result<PaymentIntent> {
    let data = body
        .data
        .as_ref()
        .ok_or_else(|| answer.invalid("missing field `data` at top level"))?;
    let secret = data.payment_intent_secret.expose_secret();
    if secret.trim().is_empty() {
        return Err(answer.invalid("empty `data.paymentIntentSecret`"));
    }
    let mut intent = PaymentIntent::new(ClientSecret::new(secret), amount);
    intent.message = body.message.clone().filter(|m| !m.trim().is_empty());
    Ok(intent)
}

/// The client secret of a setup intent.
///
/// # Errors
/// [`patientpay_core::Error::Decode`] when `paymentSecret` is missing or empty.
pub(crate) fn setup_secret(body: &SetupIntentResponse, answer: &Answer) -> Result<ClientSecret> {
    match body.payment_secret.as_ref().map(|s| s.expose_secret()) {
        Some(s) if !s.trim().is_empty() => Ok(ClientSecret::new(s)),
        Some(_) => Err(answer.invalid("empty `paymentSecret`")),
        None => Err(answer.invalid("missing field `paymentSecret` at top level")),
    }
}

/// The domain answer to an update.
///
/// # Errors
/// [`patientpay_core::Error::Decode`] when the answer lacks `data.code`.
pub(crate) fn payment_info_updated(
    body: &UpdateUserResponse,
    answer: &Answer,
) -> Result<PaymentInfoUpdated> {
    let data = body
        .data
        .as_ref()
        .ok_or_else(|| answer.invalid("missing field `data` at top level"))?;
    Ok(PaymentInfoUpdated::new(data.code.as_str()))
}

/// The domain answer to a completed setup.
pub(crate) fn setup_completed(body: &StatusResponse) -> PaymentSetupCompleted {
    PaymentSetupCompleted {
        vendor_data: body.raw.clone(),
    }
}

/// The domain answer to a case payment, checked against the request: a missing id, an
/// unreadable amount or date, or another amount than asked is outcome unknown (the vendor
/// said 200: the payment may exist).
pub(crate) fn case_payment(
    body: &CasePaymentResponse,
    request: &CreateCasePayment,
    key: &str,
    answer: &Answer,
) -> Result<CasePayment> {
    let result = body
        .data
        .as_ref()
        .and_then(|d| d.result.as_ref())
        .ok_or_else(|| answer.invalid("missing field `data.result`"))?;
    let payment_id = result
        .payment_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| answer.invalid("missing field `data.result.paymentId`"))?;
    let amount = match &result.amount {
        None => request.amount,
        Some(text) => Money::parse_decimal(&text.0, CURRENCY)
            .map_err(|_| answer.invalid("`data.result.amount` is not an exact dollar amount"))?,
    };
    if amount != request.amount {
        return Err(answer.contradicts(format!(
            "`data.result.amount` is {amount}, the request asked for {}",
            request.amount
        )));
    }
    let created_at = match &result.created_at {
        None => None,
        Some(t) => Some(
            OffsetDateTime::parse(t.trim(), &Rfc3339)
                .map_err(|_| answer.invalid("`data.result.createdAt` is not an RFC 3339 time"))?,
        ),
    };
    Ok(CasePayment {
        payment_id: payment_id.to_owned(),
        status: result.status.clone(),
        amount,
        description: result.description.clone(),
        created_at,
        message: body.message.clone().filter(|m| !m.trim().is_empty()),
        idempotency_key: key.to_owned(),
        vendor_data: body.raw.clone(),
    })
}

/// The domain answer to a payment confirmation.
pub(crate) fn confirmation(body: &StatusResponse, key: &str) -> CustomerPaymentConfirmed {
    CustomerPaymentConfirmed {
        idempotency_key: key.to_owned(),
        vendor_data: body.raw.clone(),
    }
}

/// The whole answer as a map (empty when it is not a JSON object).
pub(crate) fn raw(answer: &Answer) -> VendorData {
    match answer.response().json_lenient() {
        Some(serde_json::Value::Object(map)) => VendorData::from_map(map),
        _ => VendorData::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use patientpay_core::{CheckoutMethodKind, Currency};

    fn usd(minor: i64) -> Money {
        Money::from_minor(minor, Currency::USD)
    }

    #[test]
    fn amounts_are_exact_json_numbers() {
        for (minor, text) in [
            (50, "0.5"),
            (115, "1.15"),
            (1999, "19.99"),
            (2950, "29.5"),
            (10000, "100"),
            (250000, "2500"),
            (99_999_999, "999999.99"),
        ] {
            let body = payment_intent_body(&CreatePaymentIntent::new(usd(minor)));
            assert_eq!(
                serde_json::to_string(&body).unwrap(),
                format!("{{\"amount\":{text}}}")
            );
        }
    }

    #[test]
    fn intent_checks_name_amount() {
        assert!(validate_payment_intent(&CreatePaymentIntent::new(usd(50))).is_ok());
        assert!(validate_payment_intent(&CreatePaymentIntent::new(usd(99_999_999))).is_ok());
        for bad in [
            CreatePaymentIntent::new(usd(0)),
            CreatePaymentIntent::new(usd(49)),
            CreatePaymentIntent::new(usd(-100)),
            CreatePaymentIntent::new(usd(100_000_000)),
            CreatePaymentIntent::new(usd(i64::MAX)),
            CreatePaymentIntent::new(Money::from_minor(1999, Currency::EUR)),
            CreatePaymentIntent::new(Money::from_minor(500, Currency::JPY)),
        ] {
            let e = validate_payment_intent(&bad).unwrap_err();
            assert_eq!(e.invalid_field(), Some("amount"), "{bad:?}");
        }
        let empty = CreatePaymentIntent::new(usd(100))
            .with_payment_method_types([CheckoutMethodKind::Unknown(" ".into())]);
        assert_eq!(
            validate_payment_intent(&empty).unwrap_err().invalid_field(),
            Some("payment_method_types")
        );
    }

    #[test]
    fn update_body_fills_line2_and_normalises_codes() {
        let req = UpdatePaymentInfo::new(
            " john@example.com ",
            "seti_1",
            "nmi_tok",
            Address::new(
                "1600 Pennsylvania Avenue NW",
                "Washington",
                "dc",
                "20500",
                "us",
            ),
        );
        let v = serde_json::to_value(update_user_body(&req)).unwrap();
        assert_eq!(v["email"], "john@example.com");
        assert_eq!(v["action"], "UPDATE_PAYMENT_INFO");
        assert_eq!(v["data"]["shippingAddress"]["addressLine2"], "");
        assert_eq!(v["data"]["shippingAddress"]["state"], "DC");
        assert_eq!(v["data"]["shippingAddress"]["country"], "US");
        assert_eq!(v["data"]["nmiPaymentToken"], "nmi_tok");
    }

    #[test]
    fn phi_forms() {
        assert_eq!(
            email_forms("a+b@x.io"),
            ["a+b@x.io", "a%2Bb%40x.io", "a+b%40x.io"]
        );
        assert_eq!(
            phone_forms("+1 (404) 567-890"),
            ["+1 (404) 567-890", "1404567890"]
        );
        let a = Address::new("1 Main", "Atlanta", "GA", "30301", "US").with_line2("Apt 4");
        assert_eq!(address_forms(&a), ["1 Main", "Atlanta", "30301", "Apt 4"]);
    }
}
