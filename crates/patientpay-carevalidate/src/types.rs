//! Requests and answers of the operations only CareValidate has (inherent methods of
//! [`CareValidate`](crate::CareValidate), outside the shared capability traits): finishing
//! a payment setup, case payments and payment confirmations.
//!
//! PHI (e-mail, phone, address, a payment's description, which may name a treatment)
//! prints `<redacted>` in `Debug`.

use std::fmt;

use patientpay_core::domain::check_id;
use patientpay_core::redact::{Redacted, redact_opt};
use patientpay_core::time::{Date, OffsetDateTime};
use patientpay_core::{
    Address, CallOptions, Currency, Error, Money, Result, VendorData, require_non_empty,
    validate_email,
};

pub use crate::wire::CasePaymentStatus;

/// The only currency CareValidate takes: `amount` is documented as dollars ("1.15 equals $1.15").
pub const CURRENCY: Currency = Currency::USD;

/// The largest amount sent, in cents: 15 significant digits ($9,999,999,999,999.99).
///
/// CareValidate reads `amount` as a JavaScript number (an IEEE-754 double). Any decimal of
/// at most 15 significant digits survives text → double → text unchanged (`DBL_DIG` = 15),
/// and `Math.round(amount * 100)` then gives back the exact cents because the value stays
/// far below 2^53. A 16th digit is no longer safe (`90071992547409.91` is not a double),
/// so larger amounts are refused instead of being silently changed by the vendor. Amounts
/// CareValidate charges through Stripe have the tighter [`MAX_CHARGE_MINOR_UNITS`].
pub const MAX_AMOUNT_MINOR_UNITS: i64 = 999_999_999_999_999;

/// The smallest amount CareValidate's processor (Stripe) charges in USD: $0.50.
pub const MIN_CHARGE_MINOR_UNITS: i64 = 50;

/// The largest amount CareValidate's processor (Stripe) charges in USD: $999,999.99.
pub const MAX_CHARGE_MINOR_UNITS: i64 = 99_999_999;

/// The longest idempotency key sent.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// Checks a USD amount CareValidate can carry exactly: positive, USD, at most
/// [`MAX_AMOUNT_MINOR_UNITS`].
pub(crate) fn check_amount(amount: Money) -> Result<()> {
    amount.ensure_positive("amount")?;
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

/// Checks an amount CareValidate charges through Stripe: [`check_amount`], then Stripe's
/// USD limits, from [`MIN_CHARGE_MINOR_UNITS`] to [`MAX_CHARGE_MINOR_UNITS`].
pub(crate) fn check_charge_amount(amount: Money) -> Result<()> {
    check_amount(amount)?;
    let (min, max) = (
        Money::from_minor(MIN_CHARGE_MINOR_UNITS, CURRENCY),
        Money::from_minor(MAX_CHARGE_MINOR_UNITS, CURRENCY),
    );
    if amount.minor_units() < MIN_CHARGE_MINOR_UNITS {
        return Err(Error::invalid_input(
            "amount",
            format!(
                "must be at least {min}, the smallest amount CareValidate's processor (Stripe) charges"
            ),
        ));
    }
    if amount.minor_units() > MAX_CHARGE_MINOR_UNITS {
        return Err(Error::invalid_input(
            "amount",
            format!(
                "must be at most {max}, the largest amount CareValidate's processor (Stripe) charges"
            ),
        ));
    }
    Ok(())
}

/// A fresh idempotency key: a random UUID (version 4 form). The SDK makes one per logical
/// call when the caller gives none; make your own with this function (and keep it) when you
/// may want to repeat the call after an unknown outcome.
pub fn new_idempotency_key() -> String {
    let (a, b) = (fastrand::u64(..), fastrand::u64(..));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

/// The key a call sends: the caller's (checked: 1 to [`MAX_IDEMPOTENCY_KEY_LEN`] visible
/// ASCII characters), or a fresh one.
pub(crate) fn idempotency_key(options: &CallOptions) -> Result<String> {
    match &options.idempotency_key {
        None => Ok(new_idempotency_key()),
        Some(key) => {
            let ok = !key.is_empty()
                && key.len() <= MAX_IDEMPOTENCY_KEY_LEN
                && key.bytes().all(|b| b.is_ascii_graphic());
            if ok {
                Ok(key.clone())
            } else {
                Err(Error::invalid_input(
                    "idempotency_key",
                    format!(
                        "must be 1 to {MAX_IDEMPOTENCY_KEY_LEN} visible ASCII characters without spaces"
                    ),
                ))
            }
        }
    }
}

fn check_phone(field: &'static str, phone: &str) -> Result<()> {
    let digits = phone.bytes().filter(u8::is_ascii_digit).count();
    let ok = (7..=15).contains(&digits)
        && phone
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b' ' | b'(' | b')' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_input(
            field,
            "must be a phone number of 7 to 15 digits, such as +14045678900",
        ))
    }
}

/// Checks the optional e-mail and phone sent as setup metadata.
pub(crate) fn check_contact(email: Option<&str>, phone: Option<&str>) -> Result<()> {
    if let Some(email) = email {
        validate_email("email", email)?;
    }
    if let Some(phone) = phone {
        check_phone("phone", phone)?;
    }
    Ok(())
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

// ---------------------------------------------------------------------------------------
// Setup intents

/// Creates a Stripe setup intent to save a card for later (`POST /api/v1/payments/setup`);
/// the [`Checkout`](patientpay_core::Checkout) purpose `SaveForLater` does the same.
#[derive(Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct CreateSetupIntent {
    /// The patient's e-mail, stored as metadata (PHI).
    pub email: Option<String>,
    /// The patient's phone, stored as metadata (PHI).
    pub phone: Option<String>,
    /// Per-call options.
    pub options: CallOptions,
}

impl CreateSetupIntent {
    /// A setup intent without metadata.
    pub fn new() -> Self {
        CreateSetupIntent::default()
    }

    /// Stores the patient's e-mail with it.
    pub fn with_email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Stores the patient's phone with it.
    pub fn with_phone(mut self, phone: impl Into<String>) -> Self {
        self.phone = Some(phone.into());
        self
    }

    /// Checks the e-mail's syntax and the phone's digits, when given.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `email` or `phone`.
    pub fn validate(&self) -> Result<()> {
        check_contact(self.email.as_deref(), self.phone.as_deref())
    }
}
patientpay_core::with_options!(CreateSetupIntent);

impl fmt::Debug for CreateSetupIntent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateSetupIntent")
            .field("email", redact_opt(&self.email))
            .field("phone", redact_opt(&self.phone))
            .field("options", &self.options)
            .finish()
    }
}

// ---------------------------------------------------------------------------------------
// Completing a payment setup

/// Finishes a Stripe setup intent and links the saved method and `shipping_address` to all
/// of the user's cases (`POST /api/v1/complete-payment-setup`): the newer form of
/// `UPDATE_PAYMENT_INFO`, without an NMI token.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CompletePaymentSetup {
    /// The Stripe setup intent id (`seti_…`) the browser confirmed.
    pub stripe_setup_id: String,
    /// The shipping address (PHI, redacted in `Debug`).
    pub shipping_address: Address,
    /// Per-call options.
    pub options: CallOptions,
}

impl CompletePaymentSetup {
    /// A request for `stripe_setup_id` with `shipping_address`.
    pub fn new(stripe_setup_id: impl Into<String>, shipping_address: Address) -> Self {
        CompletePaymentSetup {
            stripe_setup_id: stripe_setup_id.into(),
            shipping_address,
            options: CallOptions::default(),
        }
    }

    /// Checks the setup id ([`check_id`]) and the address ([`Address::validate`], plus the
    /// vendor's rule that `state` is a two-letter code in every country).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `stripe_setup_id` or a `shipping_address.*` field.
    pub fn validate(&self) -> Result<()> {
        check_id("stripe_setup_id", self.stripe_setup_id.trim())?;
        self.shipping_address.validate()?;
        let state = self.shipping_address.state.trim();
        if state.len() != 2 || !state.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(Error::invalid_input(
                "shipping_address.state",
                "must be a two-letter state or region code, as CareValidate requires",
            ));
        }
        Ok(())
    }
}
patientpay_core::with_options!(CompletePaymentSetup);

/// The vendor's confirmation that a setup was finalized.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PaymentSetupCompleted {
    /// The whole answer (`{"status": 200, "success": true}` today).
    pub vendor_data: VendorData,
}

// ---------------------------------------------------------------------------------------
// Case payments

/// Creates a payment on a case (`POST /api/v1/cases/:caseId/payments`).
///
/// Carries an idempotency key: the caller's ([`with_idempotency_key`](Self::with_idempotency_key))
/// or one the SDK makes for this call; the same key goes on every retry, so this money call
/// is retried after a 5xx or a reset too, and the vendor creates the payment once.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct CreateCasePayment {
    /// The CareValidate case id.
    pub case_id: String,
    /// The amount (USD, within Stripe's limits).
    pub amount: Money,
    /// What the payment is for (required by the vendor; may name a treatment: PHI).
    pub description: String,
    /// The product (a UUID).
    pub product_id: Option<String>,
    /// The payment's status (`None`: the vendor's default, `UNPAID`).
    pub status: Option<CasePaymentStatus>,
    /// `Some(true)`: a Stripe pre-authorisation captured later (`None`: the vendor's
    /// default, `false`).
    pub preauthorize: Option<bool>,
    /// Per-call options (`idempotency_key` among them).
    pub options: CallOptions,
}

impl CreateCasePayment {
    /// A payment of `amount` on `case_id` for `description`.
    pub fn new(case_id: impl Into<String>, amount: Money, description: impl Into<String>) -> Self {
        CreateCasePayment {
            case_id: case_id.into(),
            amount,
            description: description.into(),
            product_id: None,
            status: None,
            preauthorize: None,
            options: CallOptions::default(),
        }
    }

    /// Sets the product.
    pub fn with_product_id(mut self, product_id: impl Into<String>) -> Self {
        self.product_id = Some(product_id.into());
        self
    }

    /// Sets the status.
    pub fn with_status(mut self, status: CasePaymentStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Asks for a pre-authorisation (`true`) or an immediate payment (`false`).
    pub fn with_preauthorize(mut self, preauthorize: bool) -> Self {
        self.preauthorize = Some(preauthorize);
        self
    }

    /// Sets the idempotency key (keep it to repeat this logical call safely).
    pub fn with_idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.options.idempotency_key = Some(key.into());
        self
    }

    /// Checks the case id, the amount (USD, from $0.50 to $999,999.99: Stripe's limits),
    /// the description, the product id (a UUID) and the caller's idempotency key.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `case_id`, `amount`, `description`, `product_id` or
    /// `idempotency_key`.
    pub fn validate(&self) -> Result<()> {
        check_id("case_id", &self.case_id)?;
        check_charge_amount(self.amount)?;
        require_non_empty("description", &self.description)?;
        if let Some(p) = &self.product_id
            && !is_uuid(p.trim())
        {
            return Err(Error::invalid_input("product_id", "must be a UUID"));
        }
        if self
            .status
            .as_ref()
            .is_some_and(|s| s.as_str().trim().is_empty())
        {
            return Err(Error::invalid_input("status", "must not be empty"));
        }
        idempotency_key(&self.options).map(|_| ())
    }
}
patientpay_core::with_options!(CreateCasePayment);

impl fmt::Debug for CreateCasePayment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateCasePayment")
            .field("case_id", &self.case_id)
            .field("amount", &self.amount)
            .field("description", &Redacted)
            .field("product_id", &self.product_id)
            .field("status", &self.status)
            .field("preauthorize", &self.preauthorize)
            .field("options", &self.options)
            .finish()
    }
}

/// A payment created on a case.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct CasePayment {
    /// The payment's id.
    pub payment_id: String,
    /// Its status, as the vendor says.
    pub status: Option<CasePaymentStatus>,
    /// The amount (checked equal to the one asked for).
    pub amount: Money,
    /// The description, as the vendor stored it (PHI: redacted in `Debug`).
    pub description: Option<String>,
    /// When the vendor created it.
    pub created_at: Option<OffsetDateTime>,
    /// The vendor's message.
    pub message: Option<String>,
    /// The idempotency key sent (repeat the call with it to get this payment back).
    pub idempotency_key: String,
    /// The whole answer.
    pub vendor_data: VendorData,
}

impl fmt::Debug for CasePayment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CasePayment")
            .field("payment_id", &self.payment_id)
            .field("status", &self.status)
            .field("amount", &self.amount)
            .field("description", redact_opt(&self.description))
            .field("created_at", &self.created_at)
            .field("message", &self.message)
            .field("idempotency_key", &self.idempotency_key)
            .field("vendor_data", &self.vendor_data)
            .finish()
    }
}

// ---------------------------------------------------------------------------------------
// Payment confirmations

/// Confirms a payment made outside CareValidate for a case
/// (`POST /api/v1/customer-payment-confirmation`), with an idempotency key like
/// [`CreateCasePayment`]. The SDK always sends `caseId` and `validUntil`, which satisfies
/// every version of the vendor's page.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct ConfirmCustomerPayment {
    /// The CareValidate case id.
    pub case_id: String,
    /// The amount paid (USD).
    pub amount: Money,
    /// When it was paid.
    pub payment_date: Date,
    /// The payment's status.
    pub status: CasePaymentStatus,
    /// Until when the payment is valid (not before `payment_date`).
    pub valid_until: Date,
    /// The case submitter's e-mail (PHI).
    pub email: Option<String>,
    /// The case submitter's phone (PHI).
    pub phone_number: Option<String>,
    /// The case approval decision id.
    pub decision_id: Option<String>,
    /// What the payment was for (PHI).
    pub description: Option<String>,
    /// Per-call options (`idempotency_key` among them).
    pub options: CallOptions,
}

impl ConfirmCustomerPayment {
    /// A confirmation of `amount` paid on `payment_date` for `case_id`, valid until
    /// `valid_until`.
    pub fn new(
        case_id: impl Into<String>,
        amount: Money,
        payment_date: Date,
        status: CasePaymentStatus,
        valid_until: Date,
    ) -> Self {
        ConfirmCustomerPayment {
            case_id: case_id.into(),
            amount,
            payment_date,
            status,
            valid_until,
            email: None,
            phone_number: None,
            decision_id: None,
            description: None,
            options: CallOptions::default(),
        }
    }

    /// Sets the submitter's e-mail.
    pub fn with_email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Sets the submitter's phone.
    pub fn with_phone_number(mut self, phone: impl Into<String>) -> Self {
        self.phone_number = Some(phone.into());
        self
    }

    /// Sets the approval decision id.
    pub fn with_decision_id(mut self, decision_id: impl Into<String>) -> Self {
        self.decision_id = Some(decision_id.into());
        self
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the idempotency key (keep it to repeat this logical call safely).
    pub fn with_idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.options.idempotency_key = Some(key.into());
        self
    }

    /// Checks the case id, the amount (positive USD, exact as a JSON number; a payment made
    /// elsewhere is not held to Stripe's limits), the dates (`valid_until` not before
    /// `payment_date`), the optional e-mail, phone and decision id, and the key.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field.
    pub fn validate(&self) -> Result<()> {
        check_id("case_id", &self.case_id)?;
        check_amount(self.amount)?;
        for (field, d) in [
            ("payment_date", self.payment_date),
            ("valid_until", self.valid_until),
        ] {
            if !(1..=9999).contains(&d.year()) {
                return Err(Error::invalid_input(
                    field,
                    "must be a date from year 1 to 9999",
                ));
            }
        }
        if self.valid_until < self.payment_date {
            return Err(Error::invalid_input(
                "valid_until",
                "must not be before payment_date",
            ));
        }
        if self.status.as_str().trim().is_empty() {
            return Err(Error::invalid_input("status", "must not be empty"));
        }
        if let Some(email) = &self.email {
            validate_email("email", email)?;
        }
        if let Some(phone) = &self.phone_number {
            check_phone("phone_number", phone)?;
        }
        if let Some(d) = &self.decision_id {
            check_id("decision_id", d)?;
        }
        idempotency_key(&self.options).map(|_| ())
    }
}
patientpay_core::with_options!(ConfirmCustomerPayment);

impl fmt::Debug for ConfirmCustomerPayment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfirmCustomerPayment")
            .field("case_id", &self.case_id)
            .field("amount", &self.amount)
            .field("payment_date", &self.payment_date)
            .field("status", &self.status)
            .field("valid_until", &self.valid_until)
            .field("email", redact_opt(&self.email))
            .field("phone_number", redact_opt(&self.phone_number))
            .field("decision_id", &self.decision_id)
            .field("description", redact_opt(&self.description))
            .field("options", &self.options)
            .finish()
    }
}

/// The vendor's acceptance of a payment confirmation.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CustomerPaymentConfirmed {
    /// The idempotency key sent (repeat the call with it to get this answer back).
    pub idempotency_key: String,
    /// The whole answer (`{"status": 200, "success": true}`).
    pub vendor_data: VendorData,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(minor: i64) -> Money {
        Money::from_minor(minor, Currency::USD)
    }

    #[test]
    fn charge_limits_are_stripes() {
        assert!(check_charge_amount(usd(50)).is_ok());
        assert!(check_charge_amount(usd(MAX_CHARGE_MINOR_UNITS)).is_ok());
        for bad in [usd(49), usd(MAX_CHARGE_MINOR_UNITS + 1), usd(0), usd(-1)] {
            let e = check_charge_amount(bad).unwrap_err();
            assert_eq!(e.invalid_field(), Some("amount"), "{bad:?}");
        }
        let low = check_charge_amount(usd(49)).unwrap_err().to_string();
        assert!(
            low.contains("at least 0.50 USD") && low.contains("Stripe"),
            "{low}"
        );
        let high = check_charge_amount(usd(100_000_000))
            .unwrap_err()
            .to_string();
        assert!(high.contains("at most 999999.99 USD"), "{high}");
        let eur = check_charge_amount(Money::from_minor(100, Currency::EUR))
            .unwrap_err()
            .to_string();
        assert!(eur.contains("only accepts amounts in USD"), "{eur}");
    }

    #[test]
    fn keys_are_fresh_uuids_and_callers_keys_are_checked() {
        let (a, b) = (new_idempotency_key(), new_idempotency_key());
        assert_ne!(a, b);
        assert!(is_uuid(&a), "{a}");
        let opts = CallOptions::new().with_idempotency_key("order-42");
        assert_eq!(idempotency_key(&opts).unwrap(), "order-42");
        for bad in ["", "has space", &"k".repeat(256), "é"] {
            let opts = CallOptions::new().with_idempotency_key(bad);
            assert_eq!(
                idempotency_key(&opts).unwrap_err().invalid_field(),
                Some("idempotency_key")
            );
        }
    }

    #[test]
    fn requests_name_their_bad_fields() {
        let ok = CreateCasePayment::new("case-1", usd(5000), "Consult");
        assert!(ok.validate().is_ok());
        let cases = [
            (CreateCasePayment::new("../x", usd(5000), "d"), "case_id"),
            (CreateCasePayment::new("c", usd(49), "d"), "amount"),
            (CreateCasePayment::new("c", usd(5000), " "), "description"),
            (
                CreateCasePayment::new("c", usd(5000), "d").with_product_id("nope"),
                "product_id",
            ),
            (
                CreateCasePayment::new("c", usd(5000), "d").with_idempotency_key(""),
                "idempotency_key",
            ),
        ];
        for (req, field) in cases {
            assert_eq!(req.validate().unwrap_err().invalid_field(), Some(field));
        }
        let d = |s: &str| patientpay_core::parse_date("d", s).unwrap();
        let conf = |paid: &str, until: &str| {
            ConfirmCustomerPayment::new("c", usd(5000), d(paid), CasePaymentStatus::Paid, d(until))
        };
        assert!(conf("2025-01-01", "2025-02-01").validate().is_ok());
        assert!(conf("2025-01-01", "2025-01-01").validate().is_ok());
        // Payments made elsewhere are not held to Stripe's minimum.
        assert!(
            ConfirmCustomerPayment::new(
                "c",
                usd(1),
                d("2025-01-01"),
                CasePaymentStatus::Paid,
                d("2025-01-02")
            )
            .validate()
            .is_ok()
        );
        for (req, field) in [
            (conf("2025-02-01", "2025-01-01"), "valid_until"),
            (conf("2025-01-01", "2025-02-01").with_email("nope"), "email"),
            (
                conf("2025-01-01", "2025-02-01").with_phone_number("12"),
                "phone_number",
            ),
            (
                conf("2025-01-01", "2025-02-01").with_decision_id("a b"),
                "decision_id",
            ),
        ] {
            assert_eq!(req.validate().unwrap_err().invalid_field(), Some(field));
        }
        let addr = Address::new("1 King St W", "Toronto", "Ontario", "M5V 2T6", "CA");
        assert_eq!(
            CompletePaymentSetup::new("seti_1", addr)
                .validate()
                .unwrap_err()
                .invalid_field(),
            Some("shipping_address.state")
        );
        let dbg = format!(
            "{:?}",
            conf("2025-01-01", "2025-02-01")
                .with_email("jane@example.com")
                .with_description("Semaglutide")
        );
        assert!(
            !dbg.contains("jane") && !dbg.contains("Semaglutide"),
            "{dbg}"
        );
    }
}
