//! The unified domain: what a backend asks for and gets back, whatever the vendor.
//!
//! Requests are built with `new(...)` and `with_*` methods and validated by the provider
//! before any I/O. Responses have public fields and a `new(...)` for the required ones, so a
//! test (or a [`MockPaymentProvider`](crate::MockPaymentProvider)) can build them.
//! Types holding PHI print `<redacted>` for it in `Debug`; secrets are [`secrecy`] types.

use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::error::{Error, Result};
use crate::money::Money;
use crate::open_enum;
use crate::redact::{Redacted, redact_opt};

/// `YYYY-MM-DD` serde for dates (time's default is a tuple).
mod ymd {
    time::serde::format_description!(pub(crate) iso_date, Date, "[year]-[month]-[day]");
}

// ---------------------------------------------------------------------------------------
// Per-call options

/// Options that apply to one call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallOptions {
    /// Total timeout for this call (every attempt, headers and body), replacing the
    /// client's default.
    pub timeout: Option<Duration>,
}

impl CallOptions {
    /// Options with the client's defaults.
    pub fn new() -> CallOptions {
        CallOptions::default()
    }

    /// Sets the total timeout of this call.
    pub fn with_timeout(mut self, timeout: Duration) -> CallOptions {
        self.timeout = Some(timeout);
        self
    }
}

/// Checks that a required text field is not empty or whitespace.
///
/// # Errors
/// [`Error::InvalidInput`] naming `field`.
pub fn require_non_empty(field: &'static str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        Err(Error::invalid_input(field, "must not be empty"))
    } else {
        Ok(())
    }
}

macro_rules! with_options {
    ($ty:ty) => {
        impl $ty {
            /// Sets this call's total timeout.
            pub fn with_timeout(mut self, timeout: Duration) -> Self {
                self.options.timeout = Some(timeout);
                self
            }

            /// Replaces this call's options.
            pub fn with_options(mut self, options: CallOptions) -> Self {
                self.options = options;
                self
            }
        }
    };
}

// ---------------------------------------------------------------------------------------
// Addresses and billing details (PHI)

/// US state, district, territory and military codes accepted as `state` when the country is US.
pub const US_STATE_CODES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI", "UM", "AA", "AE", "AP",
];

/// Checks e-mail syntax (`name@example.com`, at most 254 characters, no spaces).
///
/// # Errors
/// [`Error::InvalidInput`] naming `field`; the reason never repeats the address.
pub fn validate_email(field: &'static str, email: &str) -> Result<()> {
    let bad = |reason: &str| Err(Error::invalid_input(field, reason));
    let email = email.trim();
    if email.is_empty() {
        return bad("must not be empty");
    }
    if email.len() > 254 {
        return bad("is longer than 254 characters");
    }
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("must not contain spaces");
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return bad("must be an e-mail address like name@example.com");
    };
    let domain_ok = domain.contains('.')
        && domain
            .split('.')
            .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'))
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    if local.is_empty() || local.contains('@') || local.len() > 64 || !domain_ok {
        return bad("must be an e-mail address like name@example.com");
    }
    Ok(())
}

fn is_us(country: &str) -> bool {
    country.trim().eq_ignore_ascii_case("US")
}

impl Address {
    /// Checks a shipping address: line 1, city and postal code present; a 2-letter country;
    /// in the US a real state code and a ZIP code, elsewhere a non-empty state. Fields are
    /// named `shipping_address.*`; reasons never repeat the value.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field.
    pub fn validate(&self) -> Result<()> {
        let address = self;
        require_non_empty("shipping_address.line1", &address.line1)?;
        require_non_empty("shipping_address.city", &address.city)?;
        let country = address.country.trim();
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(Error::invalid_input(
                "shipping_address.country",
                "must be a 2-letter ISO 3166-1 country code such as US",
            ));
        }
        let state = address.state.trim();
        if is_us(country) {
            if !US_STATE_CODES
                .iter()
                .any(|code| code.eq_ignore_ascii_case(state))
            {
                return Err(Error::invalid_input(
                    "shipping_address.state",
                    "must be a US state abbreviation such as DC or NY when the country is US",
                ));
            }
        } else {
            require_non_empty("shipping_address.state", state)?;
        }
        let postal = address.postal_code.trim();
        require_non_empty("shipping_address.postal_code", postal)?;
        if is_us(country) && !is_us_zip(postal) {
            return Err(Error::invalid_input(
                "shipping_address.postal_code",
                "must be a US ZIP code (12345 or 12345-6789) when the country is US",
            ));
        }
        Ok(())
    }
}

fn is_us_zip(zip: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match zip.split_once('-') {
        Some((five, four)) => digits(five, 5) && digits(four, 4),
        None => digits(zip, 5),
    }
}

/// A postal address. PHI: every field prints `<redacted>` in `Debug`.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Address {
    /// Street address.
    pub line1: String,
    /// Apartment, suite...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// State, province or region (a US state code such as `DC` in the US).
    pub state: String,
    /// Postal or ZIP code.
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 country code (`US`).
    pub country: String,
}

impl Address {
    /// An address without a second line.
    pub fn new(
        line1: impl Into<String>,
        city: impl Into<String>,
        state: impl Into<String>,
        postal_code: impl Into<String>,
        country: impl Into<String>,
    ) -> Address {
        Address {
            line1: line1.into(),
            line2: None,
            city: city.into(),
            state: state.into(),
            postal_code: postal_code.into(),
            country: country.into(),
        }
    }

    /// Sets the second line.
    pub fn with_line2(mut self, line2: impl Into<String>) -> Address {
        self.line2 = Some(line2.into());
        self
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Address")
            .field("line1", &Redacted)
            .field("line2", redact_opt(&self.line2))
            .field("city", &Redacted)
            .field("state", &Redacted)
            .field("postal_code", &Redacted)
            .field("country", &self.country)
            .finish()
    }
}

/// The billing details saved with a payment method. PHI: redacted in `Debug`.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BillingDetails {
    /// Cardholder name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Billing address; any part may be missing, so parts are optional here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<PartialAddress>,
}

impl fmt::Debug for BillingDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BillingDetails")
            .field("name", redact_opt(&self.name))
            .field("email", redact_opt(&self.email))
            .field("phone", redact_opt(&self.phone))
            .field("address", &self.address)
            .finish()
    }
}

/// An address whose parts may each be missing (processors return what the patient typed).
/// PHI: redacted in `Debug`.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PartialAddress {
    /// Street address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line1: Option<String>,
    /// Apartment, suite...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

impl fmt::Debug for PartialAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PartialAddress")
            .field("line1", redact_opt(&self.line1))
            .field("line2", redact_opt(&self.line2))
            .field("city", redact_opt(&self.city))
            .field("state", redact_opt(&self.state))
            .field("postal_code", redact_opt(&self.postal_code))
            .field("country", &self.country)
            .finish()
    }
}

// ---------------------------------------------------------------------------------------
// Saved payment methods

open_enum! {
    /// What kind of instrument a saved payment method is.
    pub enum PaymentMethodKind {
        /// A credit or debit card.
        Card = "card",
        /// A bank account (ACH, SEPA debit...).
        BankAccount = "bank_account",
        /// A wallet or pay-later account (Link, Cash App, Apple Pay...).
        Wallet = "wallet",
    }
}

open_enum! {
    /// A card network brand, as Stripe names them.
    pub enum CardBrand {
        /// Visa.
        Visa = "visa",
        /// Mastercard.
        Mastercard = "mastercard",
        /// American Express.
        Amex = "amex",
        /// Discover.
        Discover = "discover",
        /// Diners Club.
        Diners = "diners",
        /// JCB.
        Jcb = "jcb",
        /// UnionPay.
        UnionPay = "unionpay",
        /// Cartes Bancaires.
        CartesBancaires = "cartes_bancaires",
        /// eftpos Australia.
        EftposAu = "eftpos_au",
        /// Interac.
        Interac = "interac",
    }
}

open_enum! {
    /// The payment processor behind a saved method.
    pub enum Processor {
        /// Stripe.
        Stripe = "stripe",
        /// NMI.
        Nmi = "nmi",
    }
}

/// A payment method saved for a patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SavedPaymentMethod {
    /// The vendor's id, used to remove it. `None` when the vendor's answer has no id
    /// (CarePortals' add answer, for an NMI token).
    pub id: Option<String>,
    /// Card, bank account, wallet or another kind (kept verbatim).
    pub kind: PaymentMethodKind,
    /// Card brand, for cards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<CardBrand>,
    /// Last four digits of the card or account number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last4: Option<String>,
    /// Expiry month, 1–12.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp_month: Option<u8>,
    /// Expiry year, four digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp_year: Option<u16>,
    /// The processor that holds it.
    pub processor: Processor,
    /// Billing details saved with it (PHI, redacted in `Debug`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_details: Option<BillingDetails>,
}

impl SavedPaymentMethod {
    /// A method of `kind` at `processor`, with every optional field empty.
    pub fn new(kind: PaymentMethodKind, processor: Processor) -> SavedPaymentMethod {
        SavedPaymentMethod {
            id: None,
            kind,
            brand: None,
            last4: None,
            exp_month: None,
            exp_year: None,
            processor,
            billing_details: None,
        }
    }
}

/// Lists the patient's saved payment methods.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListPaymentMethods {
    /// Per-call options.
    pub options: CallOptions,
}

impl ListPaymentMethods {
    /// A list request.
    pub fn new() -> ListPaymentMethods {
        ListPaymentMethods::default()
    }
}
with_options!(ListPaymentMethods);

/// Saves a payment method from a processor token. The token is a secret.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AddPaymentMethod {
    /// Stripe `pm_…` id or NMI payment token, created in the browser.
    pub token: SecretString,
    /// Per-call options.
    pub options: CallOptions,
}

impl AddPaymentMethod {
    /// An add request for `token`.
    pub fn new(token: impl Into<String>) -> AddPaymentMethod {
        AddPaymentMethod {
            token: SecretString::from(token.into()),
            options: CallOptions::default(),
        }
    }

    /// Checks the token is not empty.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `token`.
    pub fn validate(&self) -> Result<()> {
        require_non_empty("token", self.token.expose_secret())
    }
}
with_options!(AddPaymentMethod);

/// Removes a saved payment method.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RemovePaymentMethod {
    /// The saved method's id.
    pub id: String,
    /// Per-call options.
    pub options: CallOptions,
}

impl RemovePaymentMethod {
    /// A remove request for `id`.
    pub fn new(id: impl Into<String>) -> RemovePaymentMethod {
        RemovePaymentMethod {
            id: id.into(),
            options: CallOptions::default(),
        }
    }

    /// Checks the id is not empty.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `id`.
    pub fn validate(&self) -> Result<()> {
        require_non_empty("id", &self.id)
    }
}
with_options!(RemovePaymentMethod);

/// The answer to a removal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RemovedPaymentMethod {
    /// Always `true`: a failed removal is an error.
    pub removed: bool,
    /// The removed method's id.
    pub id: String,
}

impl RemovedPaymentMethod {
    /// The method `id` was removed.
    pub fn new(id: impl Into<String>) -> RemovedPaymentMethod {
        RemovedPaymentMethod {
            removed: true,
            id: id.into(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Payment intents

open_enum! {
    /// A Stripe payment method type a payment intent may accept.
    pub enum PaymentMethodType {
        /// Cards.
        Card = "card",
        /// Klarna.
        Klarna = "klarna",
        /// Affirm.
        Affirm = "affirm",
        /// Afterpay / Clearpay.
        AfterpayClearpay = "afterpay_clearpay",
        /// US bank account (ACH).
        UsBankAccount = "us_bank_account",
        /// Link.
        Link = "link",
        /// Cash App Pay.
        Cashapp = "cashapp",
        /// SEPA Direct Debit.
        SepaDebit = "sepa_debit",
        /// Amazon Pay.
        AmazonPay = "amazon_pay",
        /// ACSS debit (Canada).
        AcssDebit = "acss_debit",
        /// Zip.
        Zip = "zip",
        /// PayPal.
        Paypal = "paypal",
        /// Alipay.
        Alipay = "alipay",
        /// WeChat Pay.
        WechatPay = "wechat_pay",
        /// iDEAL.
        Ideal = "ideal",
        /// Bancontact.
        Bancontact = "bancontact",
        /// EPS.
        Eps = "eps",
        /// giropay.
        Giropay = "giropay",
        /// Przelewy24.
        P24 = "p24",
        /// BECS Direct Debit (AU).
        AuBecsDebit = "au_becs_debit",
        /// Bacs Direct Debit (UK).
        BacsDebit = "bacs_debit",
        /// Customer balance / bank transfer.
        CustomerBalance = "customer_balance",
        /// Revolut Pay.
        RevolutPay = "revolut_pay",
        /// Mobile Pay.
        Mobilepay = "mobilepay",
        /// Multibanco.
        Multibanco = "multibanco",
        /// OXXO.
        Oxxo = "oxxo",
        /// Boleto.
        Boleto = "boleto",
        /// Konbini.
        Konbini = "konbini",
        /// PayNow.
        Paynow = "paynow",
        /// PromptPay.
        Promptpay = "promptpay",
        /// Pix.
        Pix = "pix",
        /// Sofort.
        Sofort = "sofort",
        /// Blik.
        Blik = "blik",
        /// Twint.
        Twint = "twint",
    }
}

/// Creates a payment intent for `amount`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreatePaymentIntent {
    /// The amount to collect (positive).
    pub amount: Money,
    /// Accepted method types, in the caller's order; empty lets the vendor decide.
    pub payment_method_types: Vec<PaymentMethodType>,
    /// Per-call options.
    pub options: CallOptions,
}

impl CreatePaymentIntent {
    /// An intent for `amount`, with the vendor's default method types.
    pub fn new(amount: Money) -> CreatePaymentIntent {
        CreatePaymentIntent {
            amount,
            payment_method_types: Vec::new(),
            options: CallOptions::default(),
        }
    }

    /// Sets the accepted method types, in order.
    pub fn with_payment_method_types(
        mut self,
        types: impl IntoIterator<Item = PaymentMethodType>,
    ) -> CreatePaymentIntent {
        self.payment_method_types = types.into_iter().collect();
        self
    }

    /// Checks the amount is positive and method types are not empty strings.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `amount` or `payment_method_types`.
    pub fn validate(&self) -> Result<()> {
        self.amount.ensure_positive("amount")?;
        if self
            .payment_method_types
            .iter()
            .any(|t| t.as_str().trim().is_empty())
        {
            return Err(Error::invalid_input(
                "payment_method_types",
                "must not contain an empty type",
            ));
        }
        Ok(())
    }
}
with_options!(CreatePaymentIntent);

/// The client secret of a payment intent: hand it to the browser (Stripe.js), never log it.
#[derive(Clone)]
pub struct ClientSecret(SecretString);

impl ClientSecret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> ClientSecret {
        ClientSecret(SecretString::from(secret.into()))
    }

    /// The secret's text, for the response you send to the browser.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }

    /// The payment intent id (`pi_…`) the secret belongs to, when it has Stripe's shape
    /// `pi_…_secret_…`. The id alone is not secret.
    pub fn payment_intent_id(&self) -> Option<&str> {
        let s = self.0.expose_secret();
        s.split_once("_secret_")
            .map(|(id, _)| id)
            .filter(|id| id.starts_with("pi_"))
    }
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientSecret(<redacted>)")
    }
}

impl PartialEq for ClientSecret {
    fn eq(&self, other: &Self) -> bool {
        self.expose_secret() == other.expose_secret()
    }
}

/// A created payment intent.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PaymentIntent {
    /// The client secret for the browser.
    pub client_secret: ClientSecret,
    /// The amount requested.
    pub amount: Money,
    /// The vendor's confirmation message, if any.
    pub message: Option<String>,
}

impl PaymentIntent {
    /// An intent with `client_secret` for `amount`.
    pub fn new(client_secret: ClientSecret, amount: Money) -> PaymentIntent {
        PaymentIntent {
            client_secret,
            amount,
            message: None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Payment info updates

/// Updates a user's saved payment setup and shipping address. The e-mail and address
/// are PHI (redacted in `Debug`); the NMI token is a secret.
#[derive(Clone)]
#[non_exhaustive]
pub struct UpdatePaymentInfo {
    /// The user's e-mail, which identifies them.
    pub email: String,
    /// The Stripe SetupIntent id (`seti_…`).
    pub stripe_setup_id: String,
    /// The NMI payment token.
    pub nmi_payment_token: SecretString,
    /// The shipping address.
    pub shipping_address: Address,
    /// Per-call options.
    pub options: CallOptions,
}

impl UpdatePaymentInfo {
    /// Checks the e-mail's syntax, that the setup id and token are not empty, and the
    /// shipping address ([`Address::validate`]).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `email`, `stripe_setup_id`, `nmi_payment_token` or a
    /// `shipping_address.*` field.
    pub fn validate(&self) -> Result<()> {
        validate_email("email", &self.email)?;
        require_non_empty("stripe_setup_id", &self.stripe_setup_id)?;
        require_non_empty("nmi_payment_token", self.nmi_payment_token.expose_secret())?;
        self.shipping_address.validate()
    }

    /// An update request.
    pub fn new(
        email: impl Into<String>,
        stripe_setup_id: impl Into<String>,
        nmi_payment_token: impl Into<String>,
        shipping_address: Address,
    ) -> UpdatePaymentInfo {
        UpdatePaymentInfo {
            email: email.into(),
            stripe_setup_id: stripe_setup_id.into(),
            nmi_payment_token: SecretString::from(nmi_payment_token.into()),
            shipping_address,
            options: CallOptions::default(),
        }
    }
}
with_options!(UpdatePaymentInfo);

impl fmt::Debug for UpdatePaymentInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdatePaymentInfo")
            .field("email", &Redacted)
            .field("stripe_setup_id", &self.stripe_setup_id)
            .field("nmi_payment_token", &self.nmi_payment_token)
            .field("shipping_address", &self.shipping_address)
            .field("options", &self.options)
            .finish()
    }
}

/// The vendor's confirmation of a payment-info update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PaymentInfoUpdated {
    /// The vendor's result code (`PAYMENT_SETUP_UPDATED`).
    pub code: String,
}

impl PaymentInfoUpdated {
    /// A confirmation with `code`.
    pub fn new(code: impl Into<String>) -> PaymentInfoUpdated {
        PaymentInfoUpdated { code: code.into() }
    }
}

// ---------------------------------------------------------------------------------------
// Patients, balances, charges, payments

/// A patient's identity, as checked before showing what they owe. PHI: redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyPatient {
    /// The vendor's patient id.
    pub patient_id: String,
    /// Last name.
    pub last_name: String,
    /// Phone number.
    pub phone: String,
    /// Date of birth.
    pub date_of_birth: Date,
    /// Per-call options.
    pub options: CallOptions,
}

impl VerifyPatient {
    /// A verification request.
    pub fn new(
        patient_id: impl Into<String>,
        last_name: impl Into<String>,
        phone: impl Into<String>,
        date_of_birth: Date,
    ) -> VerifyPatient {
        VerifyPatient {
            patient_id: patient_id.into(),
            last_name: last_name.into(),
            phone: phone.into(),
            date_of_birth,
            options: CallOptions::default(),
        }
    }

    /// Checks the text fields are not empty and the date of birth is not in the future.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `patient_id`, `last_name`, `phone` or `date_of_birth`.
    pub fn validate(&self) -> Result<()> {
        require_non_empty("patient_id", &self.patient_id)?;
        require_non_empty("last_name", &self.last_name)?;
        require_non_empty("phone", &self.phone)?;
        if self.date_of_birth > OffsetDateTime::now_utc().date() {
            return Err(Error::invalid_input(
                "date_of_birth",
                "must not be in the future",
            ));
        }
        Ok(())
    }
}
with_options!(VerifyPatient);

impl fmt::Debug for VerifyPatient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyPatient")
            .field("patient_id", &self.patient_id)
            .field("last_name", &Redacted)
            .field("phone", &Redacted)
            .field("date_of_birth", &Redacted)
            .field("options", &self.options)
            .finish()
    }
}

/// Parses a `YYYY-MM-DD` calendar date (Feb 30 is refused).
///
/// # Errors
/// [`Error::InvalidInput`] naming `field`; the message never repeats the input.
pub fn parse_date(field: &'static str, text: &str) -> Result<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), &format)
        .map_err(|_| Error::invalid_input(field, "must be a real calendar date in YYYY-MM-DD form"))
}

/// Vendor fields that the unified model does not name, kept so that an object read from a
/// vendor can be sent back to it without losing anything. `Debug` shows only the keys
/// (the values may hold PHI).
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VendorData(pub serde_json::Map<String, serde_json::Value>);

impl VendorData {
    /// `true` when nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for VendorData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VendorData")?;
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// A patient as the vendor describes them. PHI: redacted in `Debug`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Patient {
    /// The vendor's patient id.
    pub id: String,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Date of birth (`YYYY-MM-DD` in JSON).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "ymd::iso_date::option"
    )]
    pub date_of_birth: Option<Date>,
    /// Address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<PartialAddress>,
    /// The patient's credit balance, when the vendor reports one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_balance: Option<Money>,
}

impl Patient {
    /// A patient with only an id.
    pub fn new(id: impl Into<String>) -> Patient {
        Patient {
            id: id.into(),
            first_name: None,
            last_name: None,
            email: None,
            phone: None,
            date_of_birth: None,
            address: None,
            credit_balance: None,
        }
    }
}

impl fmt::Debug for Patient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Patient")
            .field("id", &self.id)
            .field("first_name", redact_opt(&self.first_name))
            .field("last_name", redact_opt(&self.last_name))
            .field("email", redact_opt(&self.email))
            .field("phone", redact_opt(&self.phone))
            .field("date_of_birth", redact_opt(&self.date_of_birth))
            .field("address", &self.address)
            .field("credit_balance", &self.credit_balance)
            .finish()
    }
}

open_enum! {
    /// The status of a charge.
    pub enum ChargeStatus {
        /// Still owed.
        Outstanding = "OUTSTANDING",
        /// Paid in full.
        Paid = "PAID",
        /// Settled outside the vendor.
        ExternalSettlement = "EXTERNAL_SETTLEMENT",
        /// Voided.
        Void = "VOID",
        /// Written off.
        WriteOff = "WRITE_OFF",
        /// Refunded.
        Refunded = "REFUNDED",
        /// Charged back.
        Chargeback = "CHARGEBACK",
        /// On a payment plan.
        PaymentPlan = "PAYMENT_PLAN",
        /// In collections.
        Collections = "COLLECTIONS",
    }
}

open_enum! {
    /// The status of a payment.
    pub enum PaymentStatus {
        /// Canceled.
        Canceled = "CANCELED",
        /// Created, not yet processed.
        Created = "CREATED",
        /// Failed.
        Failed = "FAILED",
        /// Held for review.
        InReview = "IN_REVIEW",
        /// Presented to the patient (terminal).
        Presenting = "PRESENTING",
        /// Processing.
        Processing = "PROCESSING",
        /// Succeeded.
        Succeeded = "SUCCEEDED",
    }
}

/// One line of a charge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChargeItem {
    /// The line's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What was sold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How many.
    pub quantity: i64,
    /// Price of one.
    pub unit_price: Money,
    /// Vendor fields the unified model does not name.
    #[serde(default, skip_serializing_if = "VendorData::is_empty")]
    pub vendor_data: VendorData,
}

impl ChargeItem {
    /// `quantity` × `unit_price`.
    pub fn new(quantity: i64, unit_price: Money) -> ChargeItem {
        ChargeItem {
            id: None,
            name: None,
            quantity,
            unit_price,
            vendor_data: VendorData::default(),
        }
    }
}

/// A charge on a patient's account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Charge {
    /// The charge's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The patient charged.
    pub patient_id: String,
    /// Status.
    pub status: ChargeStatus,
    /// The charge's total.
    pub total: Money,
    /// What is still owed.
    pub total_outstanding: Money,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When it was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// Its lines.
    #[serde(default)]
    pub items: Vec<ChargeItem>,
    /// Vendor fields the unified model does not name (kept for settling).
    #[serde(default, skip_serializing_if = "VendorData::is_empty")]
    pub vendor_data: VendorData,
}

impl Charge {
    /// A charge with the required fields.
    pub fn new(
        patient_id: impl Into<String>,
        status: ChargeStatus,
        total: Money,
        total_outstanding: Money,
    ) -> Charge {
        Charge {
            id: None,
            patient_id: patient_id.into(),
            status,
            total,
            total_outstanding,
            description: None,
            created_at: None,
            items: Vec::new(),
            vendor_data: VendorData::default(),
        }
    }
}

/// What a patient owes, after a successful identity check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PatientBalance {
    /// The patient (PHI, redacted in `Debug`).
    pub patient: Patient,
    /// Their charges.
    pub charges: Vec<Charge>,
    /// The sum of the charges' outstanding amounts.
    pub total_outstanding: Money,
    /// A link where the patient can pay.
    pub payment_link: String,
}

impl PatientBalance {
    /// A balance; `total_outstanding` is computed from the charges.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `charges` when they mix currencies or overflow.
    pub fn new(
        patient: Patient,
        charges: Vec<Charge>,
        payment_link: impl Into<String>,
        currency: crate::Currency,
    ) -> Result<PatientBalance> {
        let total_outstanding = Money::sum(
            "charges",
            currency,
            charges.iter().map(|c| c.total_outstanding),
        )?;
        Ok(PatientBalance {
            patient,
            charges,
            total_outstanding,
            payment_link: payment_link.into(),
        })
    }
}

/// Settles charges from the patient's credit balance.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SettleChargesFromCredit {
    /// How much credit to apply (positive, not above the charges' outstanding total).
    pub amount: Money,
    /// The charges to settle, as returned by
    /// [`verify_patient_balance`](crate::PaymentProvider::verify_patient_balance).
    pub charges: Vec<Charge>,
    /// Specific credits to use; empty lets the vendor apply credits oldest first.
    pub credit_ids: Vec<String>,
    /// Per-call options.
    pub options: CallOptions,
}

impl SettleChargesFromCredit {
    /// Settles `charges` with `amount` of credit.
    pub fn new(amount: Money, charges: Vec<Charge>) -> SettleChargesFromCredit {
        SettleChargesFromCredit {
            amount,
            charges,
            credit_ids: Vec::new(),
            options: CallOptions::default(),
        }
    }

    /// Uses only these credits.
    pub fn with_credit_ids<S: Into<String>>(
        mut self,
        ids: impl IntoIterator<Item = S>,
    ) -> SettleChargesFromCredit {
        self.credit_ids = ids.into_iter().map(Into::into).collect();
        self
    }

    /// Checks: at least one charge; amount positive, in the charges' currency and not above
    /// their outstanding total; credit ids not empty strings.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `charges`, `amount` or `credit_ids`.
    pub fn validate(&self) -> Result<()> {
        if self.charges.is_empty() {
            return Err(Error::invalid_input(
                "charges",
                "at least one charge is needed",
            ));
        }
        self.amount.ensure_positive("amount")?;
        let outstanding = Money::sum(
            "charges",
            self.amount.currency(),
            self.charges.iter().map(|c| c.total_outstanding),
        )
        .map_err(|_| {
            Error::invalid_input(
                "amount",
                format!(
                    "must be in the charges' currency ({})",
                    self.charges[0].total_outstanding.currency()
                ),
            )
        })?;
        if self.amount.minor_units() > outstanding.minor_units() {
            return Err(Error::invalid_input(
                "amount",
                format!(
                    "{} is more than the charges' outstanding total {}",
                    self.amount, outstanding
                ),
            ));
        }
        if self.credit_ids.iter().any(|id| id.trim().is_empty()) {
            return Err(Error::invalid_input(
                "credit_ids",
                "must not contain an empty id",
            ));
        }
        Ok(())
    }
}
with_options!(SettleChargesFromCredit);

/// A payment (for example, credit applied to charges).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Payment {
    /// The payment's id.
    pub id: String,
    /// Status.
    pub status: PaymentStatus,
    /// Amount paid.
    pub amount: Money,
    /// The processor's fee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<Money>,
    /// The fee charged to the patient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_to_patient: Option<Money>,
    /// How it was paid (`"CREDIT"`, `"CARD"`...), as the vendor names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium: Option<String>,
    /// The patient who paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_id: Option<String>,
    /// When it was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// Why it failed, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_reason: Option<String>,
}

impl Payment {
    /// A payment with the required fields.
    pub fn new(id: impl Into<String>, status: PaymentStatus, amount: Money) -> Payment {
        Payment {
            id: id.into(),
            status,
            amount,
            fee: None,
            fee_to_patient: None,
            medium: None,
            patient_id: None,
            created_at: None,
            failed_reason: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    #[test]
    fn phi_is_redacted_in_debug() {
        let addr = Address::new(
            "1600 Pennsylvania Avenue NW",
            "Washington",
            "DC",
            "20500",
            "US",
        )
        .with_line2("Suite 9");
        let req = UpdatePaymentInfo::new("jane@example.com", "seti_1", "nmi-tok-SECRET", addr);
        let dbg = format!("{req:?}");
        for leaked in [
            "Pennsylvania",
            "Washington",
            "20500",
            "jane@",
            "Suite",
            "nmi-tok-SECRET",
        ] {
            assert!(!dbg.contains(leaked), "{leaked} in {dbg}");
        }
        let v = VerifyPatient::new(
            "p1",
            "Doe",
            "+14155552671",
            time::macros::date!(1990 - 01 - 31),
        );
        let dbg = format!("{v:?}");
        for leaked in ["Doe", "4155552671", "1990"] {
            assert!(!dbg.contains(leaked), "{leaked} in {dbg}");
        }
        let mut p = Patient::new("p1");
        p.first_name = Some("Jane".into());
        p.date_of_birth = Some(time::macros::date!(1990 - 01 - 31));
        let dbg = format!("{p:?}");
        assert!(!dbg.contains("Jane") && !dbg.contains("1990"), "{dbg}");
        let add = AddPaymentMethod::new("pm_SECRET_TOKEN");
        assert!(!format!("{add:?}").contains("pm_SECRET_TOKEN"));
        let cs = ClientSecret::new("pi_123_secret_abc");
        assert_eq!(format!("{cs:?}"), "ClientSecret(<redacted>)");
        assert_eq!(cs.payment_intent_id(), Some("pi_123"));
    }

    #[test]
    fn validation_names_fields() {
        assert_eq!(
            AddPaymentMethod::new("  ")
                .validate()
                .unwrap_err()
                .invalid_field(),
            Some("token")
        );
        assert_eq!(
            RemovePaymentMethod::new("")
                .validate()
                .unwrap_err()
                .invalid_field(),
            Some("id")
        );
        let zero = CreatePaymentIntent::new(Money::zero(Currency::USD));
        assert_eq!(zero.validate().unwrap_err().invalid_field(), Some("amount"));
        let future = VerifyPatient::new("p", "Doe", "1", time::macros::date!(2999 - 01 - 01));
        assert_eq!(
            future.validate().unwrap_err().invalid_field(),
            Some("date_of_birth")
        );
        assert_eq!(
            parse_date("dob", "2023-02-30").unwrap_err().invalid_field(),
            Some("dob")
        );
        assert!(parse_date("dob", "2024-02-29").is_ok());
    }

    #[test]
    fn update_validation_names_fields() {
        let addr = || {
            Address::new(
                "1600 Pennsylvania Avenue NW",
                "Washington",
                "DC",
                "20500",
                "US",
            )
        };
        let ok = UpdatePaymentInfo::new("john@example.com", "seti_1", "tok", addr());
        assert!(ok.validate().is_ok());
        for email in ["", "a", "a@b", "a b@c.com", "@c.com", "a@-c.com"] {
            let r = UpdatePaymentInfo::new(email, "seti_1", "tok", addr());
            assert_eq!(
                r.validate().unwrap_err().invalid_field(),
                Some("email"),
                "{email:?}"
            );
        }
        let mut a = addr();
        a.state = "ZZ".into();
        let r = UpdatePaymentInfo::new("j@x.com", "seti_1", "tok", a);
        assert_eq!(
            r.validate().unwrap_err().invalid_field(),
            Some("shipping_address.state")
        );
        let mut a = addr();
        a.postal_code = "2050".into();
        let r = UpdatePaymentInfo::new("j@x.com", "seti_1", "tok", a);
        assert_eq!(
            r.validate().unwrap_err().invalid_field(),
            Some("shipping_address.postal_code")
        );
        let mut a = addr();
        a.country = "Canada".into();
        let r = UpdatePaymentInfo::new("j@x.com", "seti_1", "tok", a);
        assert_eq!(
            r.validate().unwrap_err().invalid_field(),
            Some("shipping_address.country")
        );
        let mut a = Address::new("10 Downing St", "London", "", "SW1A 2AA", "GB");
        assert_eq!(
            a.validate().unwrap_err().invalid_field(),
            Some("shipping_address.state")
        );
        a.state = "England".into();
        assert!(a.validate().is_ok());
        let r = UpdatePaymentInfo::new("j@x.com", " ", "tok", addr());
        assert_eq!(
            r.validate().unwrap_err().invalid_field(),
            Some("stripe_setup_id")
        );
        let r = UpdatePaymentInfo::new("j@x.com", "seti_1", "", addr());
        assert_eq!(
            r.validate().unwrap_err().invalid_field(),
            Some("nmi_payment_token")
        );
    }

    #[test]
    fn settle_validation() {
        let usd = |m| Money::from_minor(m, Currency::USD);
        let charge = Charge::new("p1", ChargeStatus::Outstanding, usd(5000), usd(3000));
        assert_eq!(
            SettleChargesFromCredit::new(usd(100), vec![])
                .validate()
                .unwrap_err()
                .invalid_field(),
            Some("charges")
        );
        assert!(
            SettleChargesFromCredit::new(usd(3000), vec![charge.clone()])
                .validate()
                .is_ok()
        );
        assert_eq!(
            SettleChargesFromCredit::new(usd(3001), vec![charge.clone()])
                .validate()
                .unwrap_err()
                .invalid_field(),
            Some("amount")
        );
        assert_eq!(
            SettleChargesFromCredit::new(
                Money::from_minor(10, Currency::EUR),
                vec![charge.clone()]
            )
            .validate()
            .unwrap_err()
            .invalid_field(),
            Some("amount")
        );
        assert_eq!(
            SettleChargesFromCredit::new(usd(0), vec![charge])
                .validate()
                .unwrap_err()
                .invalid_field(),
            Some("amount")
        );
    }

    #[test]
    fn charge_round_trips_through_json() {
        let usd = |m| Money::from_minor(m, Currency::USD);
        let mut charge = Charge::new(
            "p1",
            ChargeStatus::Unknown("ON_HOLD".into()),
            usd(5000),
            usd(3000),
        );
        charge.id = Some("ch_1".into());
        charge.items.push(ChargeItem::new(2, usd(2500)));
        charge
            .vendor_data
            .0
            .insert("ruleSetId".into(), serde_json::json!("rs_1"));
        let json = serde_json::to_string(&charge).unwrap();
        let back: Charge = serde_json::from_str(&json).unwrap();
        assert_eq!(back, charge);
        assert_eq!(
            format!("{:?}", charge.vendor_data),
            "VendorData{\"ruleSetId\"}"
        );
    }

    #[test]
    fn patient_dates_are_iso_in_json() {
        let mut p = Patient::new("p1");
        p.date_of_birth = Some(time::macros::date!(1990 - 01 - 31));
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["date_of_birth"], "1990-01-31");
        assert_eq!(serde_json::from_value::<Patient>(json).unwrap(), p);
    }
}
