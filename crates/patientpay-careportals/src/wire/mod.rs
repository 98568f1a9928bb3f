//! CarePortals' JSON, 1:1.
//!
//! The list answer is an array of Stripe [`PaymentMethod`] objects to which CarePortals adds
//! its own top-level `last4` and `exp` (`"4/2029"`); NMI-backed methods carry only `id`,
//! `type`, `last4` and `exp`. The add answer is [`AddedPaymentMethod`] (`{last4, type, exp}`,
//! no id), the remove answer [`RemovalResult`] (`{success}`), the login answer
//! [`LoginAnswer`] (`{token}`), and errors come as [`ErrorBody`] (`{statusCode, message}`)
//! or as plain text (never shown).
//!
//! Every type is `#[non_exhaustive]`, ignores unknown fields, and every vocabulary is an open
//! enum whose `Unknown(String)` keeps a new value verbatim. Types that may hold PHI (billing
//! details, Link e-mails, Cash App tags) print `<redacted>` for it in `Debug`.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

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

pub(crate) mod listed;
mod messages;
mod stripe;

pub use messages::*;
pub use stripe::*;

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

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
