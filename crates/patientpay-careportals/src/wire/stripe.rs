//! Stripe's objects nested in a CarePortals payment method (`card`, `billing_details`, the
//! bank-debit objects, `link`, `cashapp`), 1:1. Types that may hold PHI print `<redacted>`
//! for it in `Debug`.

use std::fmt;

use patientpay_core::redact::redact_opt;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use super::{CardBrand, CheckResult, Funding, WalletType};

/// Accepts a number (as Stripe sends `exp_month`) or a numeric string (as CarePortals'
/// docs show it); anything else (a bad string, `null`, another type) becomes `None` rather
/// than failing the whole list. Visits the value in place: no `serde_json::Value` and no
/// `String` is built for it.
pub(super) fn number_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u16>, D::Error> {
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
