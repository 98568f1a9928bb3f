//! CarePortals' JSON, 1:1.
//!
//! The list answer is an array of Stripe [`PaymentMethod`] objects to which CarePortals adds
//! its own top-level `last4` and `exp` (`"4/2029"`); NMI-backed methods carry only `id`,
//! `type`, `last4` and `exp`. The add answer is [`AddedPaymentMethod`] (`{last4, type, exp}`,
//! no id), the remove answer [`RemovalResult`] (`{success}`), and errors come as
//! [`ErrorBody`] (`{statusCode, message}`) or as plain text.
//!
//! Every type is `#[non_exhaustive]`, ignores unknown fields, and every vocabulary is an open
//! enum whose `Unknown(String)` keeps a new value verbatim. Types that may hold PHI (billing
//! details, Link e-mails, Cash App tags) print `<redacted>` for it in `Debug`.

use std::borrow::Cow;
use std::fmt;

use patientpay_core::redact::{Redacted, redact_opt};
use secrecy::{ExposeSecret, SecretString};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

patientpay_core::open_enum! {
    /// Stripe's `PaymentMethod.type` (also used by CarePortals for NMI methods: `card`).
    pub enum PaymentMethodType {
        /// A card.
        Card = "card",
        /// A US bank account (ACH).
        UsBankAccount = "us_bank_account",
        /// A SEPA Direct Debit account.
        SepaDebit = "sepa_debit",
        /// A Bacs Direct Debit account.
        BacsDebit = "bacs_debit",
        /// An Australian BECS Direct Debit account.
        AuBecsDebit = "au_becs_debit",
        /// A Canadian pre-authorized debit account.
        AcssDebit = "acss_debit",
        /// Stripe Link.
        Link = "link",
        /// Cash App Pay.
        Cashapp = "cashapp",
        /// PayPal.
        Paypal = "paypal",
        /// Amazon Pay.
        AmazonPay = "amazon_pay",
        /// Revolut Pay.
        RevolutPay = "revolut_pay",
        /// Klarna.
        Klarna = "klarna",
        /// Affirm.
        Affirm = "affirm",
        /// Afterpay / Clearpay.
        AfterpayClearpay = "afterpay_clearpay",
    }
}

patientpay_core::open_enum! {
    /// Stripe's `card.brand`.
    pub enum CardBrand {
        /// American Express.
        Amex = "amex",
        /// Diners Club.
        Diners = "diners",
        /// Discover.
        Discover = "discover",
        /// eftpos Australia.
        EftposAu = "eftpos_au",
        /// JCB.
        Jcb = "jcb",
        /// Mastercard.
        Mastercard = "mastercard",
        /// UnionPay.
        Unionpay = "unionpay",
        /// Visa.
        Visa = "visa",
        /// Cartes Bancaires.
        CartesBancaires = "cartes_bancaires",
        /// Interac.
        Interac = "interac",
        /// Link (a card saved in Link).
        Link = "link",
    }
}

patientpay_core::open_enum! {
    /// Stripe's `card.funding`.
    pub enum Funding {
        /// Credit card.
        Credit = "credit",
        /// Debit card.
        Debit = "debit",
        /// Prepaid card.
        Prepaid = "prepaid",
    }
}

patientpay_core::open_enum! {
    /// Stripe's `allow_redisplay`.
    pub enum AllowRedisplay {
        /// May always be shown to the customer again.
        Always = "always",
        /// May be shown in limited contexts.
        Limited = "limited",
        /// Not specified.
        Unspecified = "unspecified",
    }
}

patientpay_core::open_enum! {
    /// The result of one of Stripe's card checks (`card.checks.*`).
    pub enum CheckResult {
        /// The check passed.
        Pass = "pass",
        /// The check failed.
        Fail = "fail",
        /// The check could not be performed.
        Unavailable = "unavailable",
        /// The check was not performed.
        Unchecked = "unchecked",
    }
}

patientpay_core::open_enum! {
    /// Stripe's `card.wallet.type`.
    pub enum WalletType {
        /// American Express Express Checkout.
        AmexExpressCheckout = "amex_express_checkout",
        /// Apple Pay.
        ApplePay = "apple_pay",
        /// Google Pay.
        GooglePay = "google_pay",
        /// Link.
        Link = "link",
        /// Masterpass.
        Masterpass = "masterpass",
        /// Samsung Pay.
        SamsungPay = "samsung_pay",
        /// Visa Checkout.
        VisaCheckout = "visa_checkout",
    }
}

/// Accepts a number (as Stripe sends `exp_month`) or a numeric string (as CarePortals'
/// docs show it); anything else (a bad string, `null`, another type) becomes `None` rather
/// than failing the whole list. Visits the value in place: no `serde_json::Value` and no
/// `String` is built for it.
fn number_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u16>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<u16>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number or a numeric string")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(u16::try_from(v).ok())
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(u16::try_from(v).ok())
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(v.trim().parse().ok())
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<de::IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map
                .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                .is_some()
            {}
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

/// A saved payment method as CarePortals lists it: a Stripe `PaymentMethod` plus
/// CarePortals' top-level `last4` and `exp`, or an NMI method with only `id`, `type`,
/// `last4` and `exp`.
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PaymentMethod {
    /// Stripe `pm_…` id, or the NMI method's id.
    #[serde(default)]
    pub id: Option<String>,
    /// `"payment_method"` for Stripe objects; absent for NMI methods.
    #[serde(default)]
    pub object: Option<String>,
    /// The kind of method (`card`, `us_bank_account`, `link`...).
    #[serde(rename = "type")]
    pub kind: PaymentMethodType,
    /// Last four digits, added by CarePortals.
    #[serde(default)]
    pub last4: Option<String>,
    /// Expiry as `"M/YYYY"`, added by CarePortals.
    #[serde(default)]
    pub exp: Option<String>,
    /// Whether the method may be shown to the customer again.
    #[serde(default)]
    pub allow_redisplay: Option<AllowRedisplay>,
    /// Billing details (PHI; redacted in `Debug`).
    #[serde(default)]
    pub billing_details: Option<BillingDetails>,
    /// Card details, for `type: card`.
    #[serde(default)]
    pub card: Option<Card>,
    /// US bank account details, for `type: us_bank_account`.
    #[serde(default)]
    pub us_bank_account: Option<BankAccountDetails>,
    /// SEPA debit details, for `type: sepa_debit`.
    #[serde(default)]
    pub sepa_debit: Option<BankAccountDetails>,
    /// Bacs debit details, for `type: bacs_debit`.
    #[serde(default)]
    pub bacs_debit: Option<BankAccountDetails>,
    /// BECS debit details, for `type: au_becs_debit`.
    #[serde(default)]
    pub au_becs_debit: Option<BankAccountDetails>,
    /// ACSS debit details, for `type: acss_debit`.
    #[serde(default)]
    pub acss_debit: Option<BankAccountDetails>,
    /// Link details, for `type: link` (the e-mail is PHI).
    #[serde(default)]
    pub link: Option<Link>,
    /// Cash App details, for `type: cashapp`.
    #[serde(default)]
    pub cashapp: Option<Cashapp>,
    /// Unix time of creation.
    #[serde(default)]
    pub created: Option<i64>,
    /// The Stripe customer (`cus_…`) it is attached to.
    #[serde(default)]
    pub customer: Option<String>,
    /// `true` in live mode.
    #[serde(default)]
    pub livemode: Option<bool>,
    /// Stripe metadata (values may be anything the account stored; keys only in `Debug`).
    #[serde(default)]
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
    /// Every other field, kept verbatim (other types' own objects such as `paypal`,
    /// `radar_options`, fields Stripe adds later). Keys only in `Debug`.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// Hand-written rather than derived: `#[serde(flatten)]` makes serde buffer the whole
/// object into its internal `Content` tree and deserialize every field a second time from
/// it (about 2.5× the cost of the list call's parse, see docs/performance.md). This visits
/// each key once: a modelled key is read into its typed field, any other key into
/// [`PaymentMethod::other`] — the same result as the derived version.
impl<'de> Deserialize<'de> for PaymentMethod {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(PaymentMethodVisitor)
    }
}

/// The keys [`PaymentMethod`] models; anything else goes to `other`.
enum PmField {
    Id,
    Object,
    Type,
    Last4,
    Exp,
    AllowRedisplay,
    BillingDetails,
    Card,
    UsBankAccount,
    SepaDebit,
    BacsDebit,
    AuBecsDebit,
    AcssDebit,
    Link,
    Cashapp,
    Created,
    Customer,
    Livemode,
    Metadata,
    Other(String),
}

impl PmField {
    fn from_key(key: &str) -> Option<PmField> {
        Some(match key {
            "id" => PmField::Id,
            "object" => PmField::Object,
            "type" => PmField::Type,
            "last4" => PmField::Last4,
            "exp" => PmField::Exp,
            "allow_redisplay" => PmField::AllowRedisplay,
            "billing_details" => PmField::BillingDetails,
            "card" => PmField::Card,
            "us_bank_account" => PmField::UsBankAccount,
            "sepa_debit" => PmField::SepaDebit,
            "bacs_debit" => PmField::BacsDebit,
            "au_becs_debit" => PmField::AuBecsDebit,
            "acss_debit" => PmField::AcssDebit,
            "link" => PmField::Link,
            "cashapp" => PmField::Cashapp,
            "created" => PmField::Created,
            "customer" => PmField::Customer,
            "livemode" => PmField::Livemode,
            "metadata" => PmField::Metadata,
            _ => return None,
        })
    }
}

impl<'de> Deserialize<'de> for PmField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = PmField;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PmField, E> {
                Ok(PmField::from_key(v).unwrap_or_else(|| PmField::Other(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<PmField, E> {
                Ok(PmField::from_key(&v).unwrap_or(PmField::Other(v)))
            }
        }
        d.deserialize_identifier(V)
    }
}

struct PaymentMethodVisitor;

impl<'de> Visitor<'de> for PaymentMethodVisitor {
    type Value = PaymentMethod;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a payment method object")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<PaymentMethod, A::Error> {
        /// Reads a modelled field once; a repeated key is an error, as with the derive.
        fn once<'de, A: de::MapAccess<'de>, T: Deserialize<'de>>(
            map: &mut A,
            slot: &mut Option<T>,
            name: &'static str,
        ) -> Result<(), A::Error> {
            if slot.is_some() {
                return Err(de::Error::duplicate_field(name));
            }
            *slot = Some(map.next_value()?);
            Ok(())
        }
        let mut id = None;
        let mut object = None;
        let mut kind = None;
        let mut last4 = None;
        let mut exp = None;
        let mut allow_redisplay = None;
        let mut billing_details = None;
        let mut card = None;
        let mut us_bank_account = None;
        let mut sepa_debit = None;
        let mut bacs_debit = None;
        let mut au_becs_debit = None;
        let mut acss_debit = None;
        let mut link = None;
        let mut cashapp = None;
        let mut created = None;
        let mut customer = None;
        let mut livemode = None;
        let mut metadata = None;
        let mut other = serde_json::Map::new();
        while let Some(key) = map.next_key::<PmField>()? {
            match key {
                PmField::Id => once(&mut map, &mut id, "id")?,
                PmField::Object => once(&mut map, &mut object, "object")?,
                PmField::Type => once(&mut map, &mut kind, "type")?,
                PmField::Last4 => once(&mut map, &mut last4, "last4")?,
                PmField::Exp => once(&mut map, &mut exp, "exp")?,
                PmField::AllowRedisplay => once(&mut map, &mut allow_redisplay, "allow_redisplay")?,
                PmField::BillingDetails => once(&mut map, &mut billing_details, "billing_details")?,
                PmField::Card => once(&mut map, &mut card, "card")?,
                PmField::UsBankAccount => once(&mut map, &mut us_bank_account, "us_bank_account")?,
                PmField::SepaDebit => once(&mut map, &mut sepa_debit, "sepa_debit")?,
                PmField::BacsDebit => once(&mut map, &mut bacs_debit, "bacs_debit")?,
                PmField::AuBecsDebit => once(&mut map, &mut au_becs_debit, "au_becs_debit")?,
                PmField::AcssDebit => once(&mut map, &mut acss_debit, "acss_debit")?,
                PmField::Link => once(&mut map, &mut link, "link")?,
                PmField::Cashapp => once(&mut map, &mut cashapp, "cashapp")?,
                PmField::Created => once(&mut map, &mut created, "created")?,
                PmField::Customer => once(&mut map, &mut customer, "customer")?,
                PmField::Livemode => once(&mut map, &mut livemode, "livemode")?,
                PmField::Metadata => once(&mut map, &mut metadata, "metadata")?,
                PmField::Other(name) => {
                    let value: serde_json::Value = map.next_value()?;
                    other.insert(name, value);
                }
            }
        }
        Ok(PaymentMethod {
            id: id.flatten(),
            object: object.flatten(),
            kind: kind.ok_or_else(|| de::Error::missing_field("type"))?,
            last4: last4.flatten(),
            exp: exp.flatten(),
            allow_redisplay: allow_redisplay.flatten(),
            billing_details: billing_details.flatten(),
            card: card.flatten(),
            us_bank_account: us_bank_account.flatten(),
            sepa_debit: sepa_debit.flatten(),
            bacs_debit: bacs_debit.flatten(),
            au_becs_debit: au_becs_debit.flatten(),
            acss_debit: acss_debit.flatten(),
            link: link.flatten(),
            cashapp: cashapp.flatten(),
            created: created.flatten(),
            customer: customer.flatten(),
            livemode: livemode.flatten(),
            metadata: metadata.flatten(),
            other,
        })
    }
}

impl PaymentMethod {
    /// The object Stripe nests under the method's type (`card`, `paypal`, `klarna`...),
    /// whether or not this crate models it, as raw JSON.
    pub fn type_object(&self) -> Option<serde_json::Value> {
        let key = self.kind.as_str();
        if let Some(v) = self.other.get(key) {
            return Some(v.clone());
        }
        serde_json::to_value(self)
            .ok()?
            .get(key)
            .cloned()
            .filter(|v| !v.is_null())
    }
}

struct Keys<'a>(&'a serde_json::Map<String, serde_json::Value>);
impl fmt::Debug for Keys<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

impl fmt::Debug for PaymentMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaymentMethod")
            .field("id", &self.id)
            .field("object", &self.object)
            .field("type", &self.kind)
            .field("last4", &self.last4)
            .field("exp", &self.exp)
            .field("allow_redisplay", &self.allow_redisplay)
            .field("billing_details", &self.billing_details)
            .field("card", &self.card)
            .field("us_bank_account", &self.us_bank_account)
            .field("sepa_debit", &self.sepa_debit)
            .field("bacs_debit", &self.bacs_debit)
            .field("au_becs_debit", &self.au_becs_debit)
            .field("acss_debit", &self.acss_debit)
            .field("link", &self.link)
            .field("cashapp", &self.cashapp)
            .field("created", &self.created)
            .field("customer", &self.customer)
            .field("livemode", &self.livemode)
            .field("metadata_keys", &self.metadata.as_ref().map(Keys))
            .field("other_keys", &Keys(&self.other))
            .finish()
    }
}

/// Stripe's `billing_details`. PHI: redacted in `Debug`.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BillingDetails {
    /// Billing address.
    #[serde(default)]
    pub address: Option<Address>,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// Tax id.
    #[serde(default)]
    pub tax_id: Option<String>,
}

impl fmt::Debug for BillingDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BillingDetails")
            .field("address", &self.address)
            .field("email", redact_opt(&self.email))
            .field("name", redact_opt(&self.name))
            .field("phone", redact_opt(&self.phone))
            .field("tax_id", redact_opt(&self.tax_id))
            .finish()
    }
}

/// Stripe's address object; every part may be `null`. PHI: redacted in `Debug`.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Address {
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// ISO country code.
    #[serde(default)]
    pub country: Option<String>,
    /// Street line 1.
    #[serde(default)]
    pub line1: Option<String>,
    /// Street line 2.
    #[serde(default)]
    pub line2: Option<String>,
    /// Postal code.
    #[serde(default)]
    pub postal_code: Option<String>,
    /// State or region.
    #[serde(default)]
    pub state: Option<String>,
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Address")
            .field("city", redact_opt(&self.city))
            .field("country", &self.country)
            .field("line1", redact_opt(&self.line1))
            .field("line2", redact_opt(&self.line2))
            .field("postal_code", redact_opt(&self.postal_code))
            .field("state", redact_opt(&self.state))
            .finish()
    }
}

/// Stripe's `card` object. `exp_month`/`exp_year` accept numbers (Stripe) and numeric
/// strings (CarePortals' docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Card {
    /// Brand.
    #[serde(default)]
    pub brand: Option<CardBrand>,
    /// Address and CVC check results.
    #[serde(default)]
    pub checks: Option<CardChecks>,
    /// Issuing country.
    #[serde(default)]
    pub country: Option<String>,
    /// The brand to show the customer (`cartes_bancaires`, `visa`...).
    #[serde(default)]
    pub display_brand: Option<String>,
    /// Expiry month, 1–12.
    #[serde(default, deserialize_with = "number_or_string")]
    pub exp_month: Option<u16>,
    /// Expiry year, four digits.
    #[serde(default, deserialize_with = "number_or_string")]
    pub exp_year: Option<u16>,
    /// Stripe's fingerprint of the card number.
    #[serde(default)]
    pub fingerprint: Option<String>,
    /// Credit, debit, prepaid.
    #[serde(default)]
    pub funding: Option<Funding>,
    /// Details of the original method when this card was generated from another one
    /// (kept as raw JSON).
    #[serde(default)]
    pub generated_from: Option<serde_json::Value>,
    /// Last four digits.
    #[serde(default)]
    pub last4: Option<String>,
    /// Networks the card can be processed on.
    #[serde(default)]
    pub networks: Option<Networks>,
    /// Whether the card is regulated (`regulated`, `unregulated`).
    #[serde(default)]
    pub regulated_status: Option<String>,
    /// 3-D Secure support.
    #[serde(default)]
    pub three_d_secure_usage: Option<ThreeDSecureUsage>,
    /// The wallet that tokenized the card (Apple Pay...), if any.
    #[serde(default)]
    pub wallet: Option<Wallet>,
}

/// Stripe's `card.checks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CardChecks {
    /// Address line 1 check.
    #[serde(default)]
    pub address_line1_check: Option<CheckResult>,
    /// Postal code check.
    #[serde(default)]
    pub address_postal_code_check: Option<CheckResult>,
    /// CVC check.
    #[serde(default)]
    pub cvc_check: Option<CheckResult>,
}

/// Stripe's `card.networks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Networks {
    /// Available networks.
    #[serde(default)]
    pub available: Vec<String>,
    /// The preferred network, if the customer chose one.
    #[serde(default)]
    pub preferred: Option<String>,
}

/// Stripe's `card.three_d_secure_usage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ThreeDSecureUsage {
    /// Whether 3-D Secure is supported.
    #[serde(default)]
    pub supported: Option<bool>,
}

/// Stripe's `card.wallet`. Only the wallet type and device last4 are kept: some wallets
/// carry the payer's name and address, which this crate does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Wallet {
    /// The wallet.
    #[serde(rename = "type")]
    pub kind: WalletType,
    /// Last four digits of the device account number.
    #[serde(default)]
    pub dynamic_last4: Option<String>,
}

/// The account fields shared by Stripe's bank-debit method objects (`us_bank_account`,
/// `sepa_debit`, `bacs_debit`, `au_becs_debit`, `acss_debit`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BankAccountDetails {
    /// Last four digits of the account number.
    #[serde(default)]
    pub last4: Option<String>,
    /// Bank name (`us_bank_account`, `acss_debit`).
    #[serde(default)]
    pub bank_name: Option<String>,
    /// `checking` or `savings` (`us_bank_account`).
    #[serde(default)]
    pub account_type: Option<String>,
    /// `individual` or `company` (`us_bank_account`).
    #[serde(default)]
    pub account_holder_type: Option<String>,
    /// Routing number (`us_bank_account`).
    #[serde(default)]
    pub routing_number: Option<String>,
    /// Account country (`sepa_debit`).
    #[serde(default)]
    pub country: Option<String>,
    /// Stripe's fingerprint of the account.
    #[serde(default)]
    pub fingerprint: Option<String>,
}

/// Stripe's `link` object. The e-mail is PHI: redacted in `Debug`.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Link {
    /// The Link account's e-mail.
    #[serde(default)]
    pub email: Option<String>,
}

impl fmt::Debug for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Link")
            .field("email", redact_opt(&self.email))
            .finish()
    }
}

/// Stripe's `cashapp` object. The `$cashtag` identifies a person: redacted in `Debug`.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Cashapp {
    /// Cash App's id of the buyer.
    #[serde(default)]
    pub buyer_id: Option<String>,
    /// The buyer's `$cashtag`.
    #[serde(default)]
    pub cashtag: Option<String>,
}

impl fmt::Debug for Cashapp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cashapp")
            .field("buyer_id", &self.buyer_id)
            .field("cashtag", redact_opt(&self.cashtag))
            .finish()
    }
}

/// The body of `POST /v2/users/payment-methods`: `{"paymentMethodId": "<token>"}`.
/// The token is a secret: it is exposed only when the body is serialized.
#[derive(Clone)]
#[non_exhaustive]
pub struct AddPaymentMethodBody {
    /// Stripe `pm_…` id or NMI payment token.
    pub payment_method_id: SecretString,
}

impl AddPaymentMethodBody {
    /// The body for `token`.
    pub fn new(token: SecretString) -> AddPaymentMethodBody {
        AddPaymentMethodBody {
            payment_method_id: token,
        }
    }
}

impl Serialize for AddPaymentMethodBody {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("AddPaymentMethodBody", 1)?;
        st.serialize_field("paymentMethodId", self.payment_method_id.expose_secret())?;
        st.end()
    }
}

impl fmt::Debug for AddPaymentMethodBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AddPaymentMethodBody")
            .field("paymentMethodId", &Redacted)
            .finish()
    }
}

/// The answer to an add: `{last4, type, exp}`. It has no id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AddedPaymentMethod {
    /// Last four digits.
    #[serde(default)]
    pub last4: Option<String>,
    /// The kind of method.
    #[serde(rename = "type")]
    pub kind: PaymentMethodType,
    /// Expiry as `"M/YYYY"`.
    #[serde(default)]
    pub exp: Option<String>,
}

/// The answer to a removal: `{success}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RemovalResult {
    /// `true` when the method was removed.
    pub success: bool,
    /// A message, when CarePortals explains a `success: false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A message that is one string or, from request validation, a list of strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum ErrorMessage {
    /// One message.
    One(String),
    /// Several messages (one per failed validation).
    Many(Vec<String>),
}

impl ErrorMessage {
    /// The message as one line (several are joined with `"; "`).
    pub fn to_line(&self) -> String {
        match self {
            ErrorMessage::One(m) => m.clone(),
            ErrorMessage::Many(ms) => ms.join("; "),
        }
    }
}

/// CarePortals' JSON error shape: `{"statusCode": 404, "message": "…", "error": "Not Found"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ErrorBody {
    /// The HTTP status, repeated.
    #[serde(default)]
    pub status_code: Option<u16>,
    /// The message.
    #[serde(default)]
    pub message: Option<ErrorMessage>,
    /// The status's reason phrase (`"Bad Request"`), when sent.
    #[serde(default)]
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_parts_accept_numbers_and_strings() {
        let c: Card = serde_json::from_str(r#"{"exp_month": "4", "exp_year": "2029"}"#).unwrap();
        assert_eq!((c.exp_month, c.exp_year), (Some(4), Some(2029)));
        let c: Card = serde_json::from_str(r#"{"exp_month": 12, "exp_year": 2031}"#).unwrap();
        assert_eq!((c.exp_month, c.exp_year), (Some(12), Some(2031)));
        let c: Card = serde_json::from_str(r#"{"exp_month": "x", "exp_year": null}"#).unwrap();
        assert_eq!((c.exp_month, c.exp_year), (None, None));
        let c: Card = serde_json::from_str(r#"{"exp_month": -1, "exp_year": 99999999}"#).unwrap();
        assert_eq!((c.exp_month, c.exp_year), (None, None));
        let c: Card = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!((c.exp_month, c.exp_year), (None, None));
    }

    #[test]
    fn open_enums_round_trip() {
        let t: PaymentMethodType = serde_json::from_str("\"crypto\"").unwrap();
        assert_eq!(t, PaymentMethodType::Unknown("crypto".into()));
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"crypto\"");
        let b: CardBrand = serde_json::from_str("\"visa\"").unwrap();
        assert_eq!(b, CardBrand::Visa);
    }

    #[test]
    fn add_body_serializes_token_but_hides_it_in_debug() {
        let body = AddPaymentMethodBody::new(SecretString::from("pm_SECRET123".to_owned()));
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"paymentMethodId":"pm_SECRET123"}"#
        );
        assert!(!format!("{body:?}").contains("SECRET"));
    }

    #[test]
    fn error_message_one_or_many() {
        let e: ErrorBody =
            serde_json::from_str(r#"{"statusCode":404,"message":"Payment method not found"}"#)
                .unwrap();
        assert_eq!(e.message.unwrap().to_line(), "Payment method not found");
        let e: ErrorBody = serde_json::from_str(
            r#"{"statusCode":400,"message":["a must be x","b is required"],"error":"Bad Request"}"#,
        )
        .unwrap();
        assert_eq!(e.message.unwrap().to_line(), "a must be x; b is required");
        assert_eq!(e.error.as_deref(), Some("Bad Request"));
    }

    #[test]
    fn type_object_finds_modelled_and_unmodelled_objects() {
        let pm: PaymentMethod =
            serde_json::from_str(r#"{"id":"pm_1","type":"paypal","paypal":{"payer_id":"P1"}}"#)
                .unwrap();
        assert_eq!(pm.type_object().unwrap()["payer_id"], "P1");
        let pm: PaymentMethod = serde_json::from_str(
            r#"{"id":"pm_1","type":"sepa_debit","sepa_debit":{"last4":"3000"}}"#,
        )
        .unwrap();
        assert_eq!(pm.type_object().unwrap()["last4"], "3000");
        let pm: PaymentMethod = serde_json::from_str(r#"{"id":"1","type":"card"}"#).unwrap();
        assert!(pm.type_object().is_none());
    }

    #[test]
    fn debug_hides_phi() {
        let pm: PaymentMethod = serde_json::from_str(
            r#"{"id":"pm_1","type":"link","link":{"email":"jane@x.example"},
                "billing_details":{"name":"Jane Doe","email":"jane@x.example","phone":"+14155552671",
                  "address":{"line1":"123 Main Street","city":"San Francisco","country":"US"}},
                "metadata":{"note":"Jane Doe's card"},
                "cashapp":{"cashtag":"$janedoe"}}"#,
        )
        .unwrap();
        let dbg = format!("{pm:?}");
        for phi in [
            "Jane",
            "jane@",
            "4155552671",
            "Main Street",
            "San Francisco",
            "$janedoe",
        ] {
            assert!(!dbg.contains(phi), "{phi} leaked: {dbg}");
        }
        assert!(dbg.contains("note"), "{dbg}");
    }
}

// ---------------------------------------------------------------------------------------
// The list call's borrowed view

/// Text borrowed from the response body when it has no escapes (owned otherwise).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text<'a>(pub(crate) Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Any JSON value; keeps it only when it is a string (`Value::as_str` semantics).
struct StrOrIgnored<'a>(Option<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for StrOrIgnored<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StrOrIgnored<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(StrOrIgnored(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(StrOrIgnored(Some(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(StrOrIgnored(Some(Cow::Owned(v))))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(StrOrIgnored(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(StrOrIgnored(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(StrOrIgnored(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(StrOrIgnored(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(StrOrIgnored(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(StrOrIgnored(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(StrOrIgnored(None))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(StrOrIgnored(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// An object's `last4` when it is a string (`value.get("last4").and_then(Value::as_str)`);
/// `None` for any other value.
struct Last4Probe<'a>(Option<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for Last4Probe<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Last4Probe<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut last4 = None;
                while let Some(key) = map.next_key::<Text<'de>>()? {
                    if key.0 == "last4" {
                        // A repeated key: the last one wins, as in a `serde_json::Map`.
                        last4 = map.next_value::<StrOrIgnored<'de>>()?.0;
                    } else {
                        map.next_value::<de::IgnoredAny>()?;
                    }
                }
                Ok(Last4Probe(last4))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Last4Probe(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Last4Probe(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Last4Probe(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Last4Probe(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Last4Probe(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Last4Probe(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Last4Probe(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Last4Probe(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// The parts of Stripe's `card` the unified form uses.
#[derive(Deserialize)]
pub(crate) struct ListedCard<'a> {
    #[serde(default)]
    pub(crate) brand: Option<CardBrand>,
    #[serde(default, deserialize_with = "number_or_string")]
    pub(crate) exp_month: Option<u16>,
    #[serde(default, deserialize_with = "number_or_string")]
    pub(crate) exp_year: Option<u16>,
    #[serde(default, borrow)]
    pub(crate) last4: Option<Text<'a>>,
}

/// The part of a bank-debit object the unified form uses.
#[derive(Deserialize)]
pub(crate) struct ListedBank<'a> {
    #[serde(default, borrow)]
    pub(crate) last4: Option<Text<'a>>,
}

/// Stripe's `billing_details`, borrowed.
#[derive(Deserialize)]
pub(crate) struct ListedBilling<'a> {
    #[serde(default, borrow)]
    pub(crate) address: Option<ListedAddress<'a>>,
    #[serde(default, borrow)]
    pub(crate) email: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) name: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) phone: Option<Text<'a>>,
}

/// Stripe's address object, borrowed.
#[derive(Deserialize)]
pub(crate) struct ListedAddress<'a> {
    #[serde(default, borrow)]
    pub(crate) city: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) country: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) line1: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) line2: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) postal_code: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) state: Option<Text<'a>>,
}

/// A listed method as [`PaymentProvider::list_payment_methods`] needs it: only the parts
/// the unified [`SavedPaymentMethod`] is made of, borrowed from the response body, every
/// other field skipped without being built. It maps to exactly what [`PaymentMethod`] maps
/// to (`map::tests` checks this on every fixture); [`PaymentMethod`] stays the full,
/// owned model of the `*_raw` call.
///
/// [`PaymentProvider::list_payment_methods`]: patientpay_core::PaymentProvider::list_payment_methods
/// [`SavedPaymentMethod`]: patientpay_core::SavedPaymentMethod
pub(crate) struct ListedMethod<'a> {
    pub(crate) id: Option<Text<'a>>,
    pub(crate) object: Option<Text<'a>>,
    pub(crate) kind: PaymentMethodType,
    pub(crate) last4: Option<Text<'a>>,
    pub(crate) exp: Option<Text<'a>>,
    pub(crate) billing_details: Option<ListedBilling<'a>>,
    pub(crate) card: Option<ListedCard<'a>>,
    /// `us_bank_account`, `sepa_debit`, `bacs_debit`, `au_becs_debit`, `acss_debit`, in
    /// that order.
    pub(crate) banks: [Option<ListedBank<'a>>; 5],
    /// The `last4` of each object under a key [`PaymentMethod`] does not model (what its
    /// `other` map would hold), in body order.
    pub(crate) other_last4: Vec<(Text<'a>, Option<Cow<'a, str>>)>,
}

impl<'a> ListedMethod<'a> {
    /// The `last4` of the unmodelled object named like the method's type.
    pub(crate) fn type_object_last4(&self) -> Option<&str> {
        let kind = self.kind.as_str();
        self.other_last4
            .iter()
            .rev()
            .find(|(k, _)| k.0 == kind)
            .and_then(|(_, v)| v.as_deref())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for ListedMethod<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ListedMethod<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a payment method object")
            }
            fn visit_map<A: de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ListedMethod<'de>, A::Error> {
                fn once<'de, A: de::MapAccess<'de>, T: Deserialize<'de>>(
                    map: &mut A,
                    slot: &mut Option<T>,
                    name: &'static str,
                ) -> Result<(), A::Error> {
                    if slot.is_some() {
                        return Err(de::Error::duplicate_field(name));
                    }
                    *slot = Some(map.next_value()?);
                    Ok(())
                }
                let (mut id, mut object, mut kind, mut last4, mut exp) =
                    (None, None, None, None, None);
                let (mut billing_details, mut card) = (None, None);
                let mut banks: [Option<Option<ListedBank<'de>>>; 5] = Default::default();
                let mut other_last4 = Vec::new();
                while let Some(key) = map.next_key::<Text<'de>>()? {
                    match key.0.as_ref() {
                        "id" => once(&mut map, &mut id, "id")?,
                        "object" => once(&mut map, &mut object, "object")?,
                        "type" => once(&mut map, &mut kind, "type")?,
                        "last4" => once(&mut map, &mut last4, "last4")?,
                        "exp" => once(&mut map, &mut exp, "exp")?,
                        "billing_details" => {
                            once(&mut map, &mut billing_details, "billing_details")?
                        }
                        "card" => once(&mut map, &mut card, "card")?,
                        "us_bank_account" => once(&mut map, &mut banks[0], "us_bank_account")?,
                        "sepa_debit" => once(&mut map, &mut banks[1], "sepa_debit")?,
                        "bacs_debit" => once(&mut map, &mut banks[2], "bacs_debit")?,
                        "au_becs_debit" => once(&mut map, &mut banks[3], "au_becs_debit")?,
                        "acss_debit" => once(&mut map, &mut banks[4], "acss_debit")?,
                        // Modelled by `PaymentMethod` (so never in its `other`), unused here.
                        "allow_redisplay" | "link" | "cashapp" | "created" | "customer"
                        | "livemode" | "metadata" => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                        _ => {
                            let probe: Last4Probe<'de> = map.next_value()?;
                            other_last4.push((key, probe.0));
                        }
                    }
                }
                Ok(ListedMethod {
                    id: id.flatten(),
                    object: object.flatten(),
                    kind: kind.ok_or_else(|| de::Error::missing_field("type"))?,
                    last4: last4.flatten(),
                    exp: exp.flatten(),
                    billing_details: billing_details.flatten(),
                    card: card.flatten(),
                    banks: banks.map(Option::flatten),
                    other_last4,
                })
            }
        }
        d.deserialize_map(V)
    }
}
