//! Exact money: integer minor units plus an ISO 4217 currency.
//!
//! Every amount inside patientpay is a [`Money`]: an `i64` count of the currency's minor
//! unit (cents for USD) and a [`Currency`] that knows its exponent. Decimal strings are
//! parsed digit by digit and decimal output is written digit by digit; no `f64` is ever
//! involved, so `19.99` is always exactly 1999 cents.
//!
//! ```
//! use patientpay_core::{Currency, Money};
//!
//! let price = Money::parse_decimal("19.99", Currency::USD).unwrap();
//! assert_eq!(price.minor_units(), 1999);
//! assert_eq!(price.to_decimal_string(), "19.99");
//! assert_eq!(price.to_string(), "19.99 USD");
//!
//! // Sub-cent precision and junk are refused, never rounded.
//! assert!(Money::parse_decimal("1.234", Currency::USD).is_err());
//! assert!(Money::parse_decimal("1e3", Currency::USD).is_err());
//!
//! // Fields in errors are named by the caller.
//! let err = Money::parse_positive("amount", "0", Currency::USD).unwrap_err();
//! assert_eq!(err.to_string(), "invalid input for `amount`: must be greater than zero");
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// An ISO 4217 currency and the number of decimal digits of its minor unit.
///
/// Known currencies come from a table ([`Currency::from_code`]); the constants cover the
/// common ones. Two currencies are equal when their codes are equal.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: &'static str,
    exponent: u8,
}

/// ISO 4217 codes and minor-unit exponents this crate knows. A table, not special cases:
/// adding a currency is adding a row.
const CURRENCIES: &[(&str, u8)] = &[
    ("USD", 2),
    ("CAD", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("AUD", 2),
    ("NZD", 2),
    ("CHF", 2),
    ("MXN", 2),
    ("SEK", 2),
    ("NOK", 2),
    ("DKK", 2),
    ("PLN", 2),
    ("INR", 2),
    ("BRL", 2),
    ("SGD", 2),
    ("HKD", 2),
    ("ZAR", 2),
    ("JPY", 0),
    ("KRW", 0),
    ("CLP", 0),
    ("VND", 0),
    ("ISK", 0),
    ("BHD", 3),
    ("KWD", 3),
    ("OMR", 3),
    ("JOD", 3),
    ("TND", 3),
];

impl Currency {
    /// United States dollar (2 decimals).
    pub const USD: Currency = Currency {
        code: "USD",
        exponent: 2,
    };
    /// Canadian dollar (2 decimals).
    pub const CAD: Currency = Currency {
        code: "CAD",
        exponent: 2,
    };
    /// Euro (2 decimals).
    pub const EUR: Currency = Currency {
        code: "EUR",
        exponent: 2,
    };
    /// Pound sterling (2 decimals).
    pub const GBP: Currency = Currency {
        code: "GBP",
        exponent: 2,
    };
    /// Japanese yen (no minor unit).
    pub const JPY: Currency = Currency {
        code: "JPY",
        exponent: 0,
    };
    /// Kuwaiti dinar (3 decimals).
    pub const KWD: Currency = Currency {
        code: "KWD",
        exponent: 3,
    };

    /// Looks a currency up by its ISO 4217 code (case-insensitive).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `currency` when the code is not in the table.
    pub fn from_code(code: &str) -> Result<Currency, Error> {
        let trimmed = code.trim();
        CURRENCIES
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(trimmed))
            .map(|&(code, exponent)| Currency { code, exponent })
            .ok_or_else(|| {
                Error::invalid_input(
                    "currency",
                    format!("unknown ISO 4217 currency code {trimmed:?}"),
                )
            })
    }

    /// The ISO 4217 code, e.g. `"USD"`.
    pub const fn code(self) -> &'static str {
        self.code
    }

    /// Digits after the decimal point of the minor unit (2 for USD, 0 for JPY).
    pub const fn exponent(self) -> u8 {
        self.exponent
    }

    /// How many minor units make one major unit (100 for USD).
    pub const fn minor_per_major(self) -> i64 {
        10_i64.pow(self.exponent as u32)
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl FromStr for Currency {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::from_code(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code)
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Currency;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ISO 4217 currency code")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Currency, E> {
                Currency::from_code(v).map_err(|_| E::custom("unknown ISO 4217 currency code"))
            }
        }
        d.deserialize_str(V)
    }
}

/// Why a decimal amount was refused. Converted into [`Error::InvalidInput`] with the
/// caller's field name by [`Money::parse_decimal_field`] and friends.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AmountError {
    /// The text was empty or only whitespace.
    #[error("is empty")]
    Empty,
    /// The text is not a plain decimal number (`"1e3"`, `"NaN"`, `"1,000.00"`, `"+5"`).
    #[error("is not a plain decimal number like 19.99")]
    NotDecimal,
    /// More fractional digits than the currency's minor unit has (`"1.234"` in USD).
    #[error("has more than {exponent} decimal places for {currency}")]
    SubMinorPrecision {
        /// The currency whose exponent was exceeded.
        currency: Currency,
        /// That currency's exponent.
        exponent: u8,
    },
    /// The amount does not fit in `i64` minor units.
    #[error("is too large")]
    Overflow,
    /// The amount is zero or negative where a positive amount is needed.
    #[error("must be greater than zero")]
    NotPositive,
}

/// An exact amount of money: `i64` minor units plus a [`Currency`].
///
/// Arithmetic is checked: operations that could overflow return `Option`/`Result` instead
/// of wrapping, and amounts in different currencies never mix.
///
/// Serialized (for the CLI's JSON) as `{"minor_units": 1999, "currency": "USD", "decimal": "19.99"}`;
/// deserialization reads `minor_units` and `currency` and checks `decimal` when present.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    /// An amount of `minor` units (cents for USD) of `currency`.
    pub const fn from_minor(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// Zero of `currency`.
    pub const fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    /// The amount in minor units (1999 for $19.99).
    pub const fn minor_units(self) -> i64 {
        self.minor
    }

    /// The currency.
    pub const fn currency(self) -> Currency {
        self.currency
    }

    /// `true` when the amount is greater than zero.
    pub const fn is_positive(self) -> bool {
        self.minor > 0
    }

    /// Parses a decimal string of major units exactly: `"19.99"`, `"100"`, `"0.29"`, `"-5.00"`.
    ///
    /// Accepted: an optional `-`, ASCII digits, and optionally `.` followed by at most the
    /// currency's exponent of digits (trailing zeros beyond it are exact and accepted).
    /// Surrounding whitespace is ignored. Refused: exponents, `NaN`, thousands separators,
    /// a leading `+`, `.5`, `5.`, sub-minor precision and overflow.
    ///
    /// # Errors
    /// An [`AmountError`] saying what is wrong.
    pub fn parse_decimal(text: &str, currency: Currency) -> Result<Money, AmountError> {
        let s = text.trim();
        if s.is_empty() {
            return Err(AmountError::Empty);
        }
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int_part, frac_part) = match digits.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (digits, None),
        };
        let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(int_part) || frac_part.is_some_and(|f| !all_digits(f)) {
            return Err(AmountError::NotDecimal);
        }
        let exponent = usize::from(currency.exponent);
        let frac = frac_part.unwrap_or("");
        let (kept, beyond) = frac.split_at(frac.len().min(exponent));
        if beyond.bytes().any(|b| b != b'0') {
            return Err(AmountError::SubMinorPrecision {
                currency,
                exponent: currency.exponent,
            });
        }
        // Accumulate as a negative number so that i64::MIN minor units still parses.
        let mut acc: i64 = 0;
        let mut push = |b: u8| -> Result<(), AmountError> {
            acc = acc
                .checked_mul(10)
                .and_then(|v| v.checked_sub(i64::from(b - b'0')))
                .ok_or(AmountError::Overflow)?;
            Ok(())
        };
        for b in int_part.bytes() {
            push(b)?;
        }
        for b in kept.bytes() {
            push(b)?;
        }
        for _ in kept.len()..exponent {
            push(b'0')?;
        }
        let minor = if negative {
            acc
        } else {
            acc.checked_neg().ok_or(AmountError::Overflow)?
        };
        Ok(Money { minor, currency })
    }

    /// [`Money::parse_decimal`], with failures reported as [`Error::InvalidInput`] for `field`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `field`.
    pub fn parse_decimal_field(
        field: &'static str,
        text: &str,
        currency: Currency,
    ) -> Result<Money, Error> {
        Money::parse_decimal(text, currency).map_err(|e| Error::invalid_input(field, e.to_string()))
    }

    /// Parses an amount that must be positive (a payment), as [`Money::parse_decimal`] does.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `field` for junk, sub-minor precision, overflow, zero
    /// or a negative amount.
    pub fn parse_positive(
        field: &'static str,
        text: &str,
        currency: Currency,
    ) -> Result<Money, Error> {
        let money = Money::parse_decimal_field(field, text, currency)?;
        money.ensure_positive(field)?;
        Ok(money)
    }

    /// Checks that the amount is greater than zero.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `field` when it is zero or negative.
    pub fn ensure_positive(self, field: &'static str) -> Result<Money, Error> {
        if self.minor > 0 {
            Ok(self)
        } else {
            Err(Error::invalid_input(
                field,
                AmountError::NotPositive.to_string(),
            ))
        }
    }

    /// The exact decimal string of major units with all of the currency's decimals:
    /// 1999 → `"19.99"`, 10000 → `"100.00"`, -5 → `"-0.05"`, JPY 500 → `"500"`.
    pub fn to_decimal_string(self) -> String {
        let exponent = u32::from(self.currency.exponent);
        let abs = self.minor.unsigned_abs();
        let sign = if self.minor < 0 { "-" } else { "" };
        if exponent == 0 {
            return format!("{sign}{abs}");
        }
        let scale = 10_u64.pow(exponent);
        format!(
            "{sign}{}.{:0width$}",
            abs / scale,
            abs % scale,
            width = exponent as usize
        )
    }

    /// The shortest exact decimal of major units, for vendors that take a JSON number:
    /// 1999 → `"19.99"`, 10000 → `"100"`, 2950 → `"29.5"`, 29 → `"0.29"`.
    pub fn to_minimal_decimal_string(self) -> String {
        let full = self.to_decimal_string();
        if full.contains('.') {
            full.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            full
        }
    }

    /// The amount as an exact JSON number of major units (1999 cents → `19.99`): a value
    /// whose `Serialize` writes the digits verbatim into the body, never through `f64`.
    pub fn to_json_major_units(self) -> MajorUnitsJson {
        MajorUnitsJson(self)
    }

    /// Adds two amounts of the same currency.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `field` on a currency mismatch or overflow.
    pub fn checked_add(self, other: Money, field: &'static str) -> Result<Money, Error> {
        if self.currency != other.currency {
            return Err(Error::invalid_input(
                field,
                format!("cannot add {} to {}", other.currency, self.currency),
            ));
        }
        self.minor
            .checked_add(other.minor)
            .map(|minor| Money {
                minor,
                currency: self.currency,
            })
            .ok_or_else(|| Error::invalid_input(field, AmountError::Overflow.to_string()))
    }

    /// Sums amounts that must all be in `currency`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `field` on a currency mismatch or overflow.
    pub fn sum<I: IntoIterator<Item = Money>>(
        field: &'static str,
        currency: Currency,
        amounts: I,
    ) -> Result<Money, Error> {
        amounts
            .into_iter()
            .try_fold(Money::zero(currency), |acc, m| acc.checked_add(m, field))
    }
}

/// A [`Money`] that serializes as an exact JSON number of major units (`19.99`).
///
/// Made by [`Money::to_json_major_units`]; use it as the field type of a vendor wire struct
/// whose amount is a decimal number.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct MajorUnitsJson(pub Money);

impl fmt::Debug for MajorUnitsJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_minimal_decimal_string())
    }
}

impl Serialize for MajorUnitsJson {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // RawValue keeps the exact digits; the string is always a valid JSON number.
        let raw = serde_json::value::RawValue::from_string(self.0.to_minimal_decimal_string())
            .map_err(serde::ser::Error::custom)?;
        raw.serialize(s)
    }
}

impl fmt::Display for Money {
    /// `19.99 USD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_decimal_string(), self.currency)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({} {})", self.to_decimal_string(), self.currency)
    }
}

impl PartialOrd for Money {
    /// Amounts compare only within one currency.
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        (self.currency == other.currency).then(|| self.minor.cmp(&other.minor))
    }
}

#[derive(Serialize, Deserialize)]
struct MoneyRepr {
    minor_units: i64,
    currency: Currency,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    decimal: Option<String>,
}

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        MoneyRepr {
            minor_units: self.minor,
            currency: self.currency,
            decimal: Some(self.to_decimal_string()),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let repr = MoneyRepr::deserialize(d)?;
        let money = Money::from_minor(repr.minor_units, repr.currency);
        if let Some(decimal) = repr.decimal {
            let parsed = Money::parse_decimal(&decimal, repr.currency)
                .map_err(|e| serde::de::Error::custom(format_args!("`decimal` {e}")))?;
            if parsed != money {
                return Err(serde::de::Error::custom(
                    "`decimal` disagrees with `minor_units`",
                ));
            }
        }
        Ok(money)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn usd(s: &str) -> Result<i64, AmountError> {
        Money::parse_decimal(s, Currency::USD).map(Money::minor_units)
    }

    #[test]
    fn parses_exact_decimals() {
        assert_eq!(usd("19.99"), Ok(1999));
        assert_eq!(usd("100"), Ok(10000));
        assert_eq!(usd("0.29"), Ok(29));
        assert_eq!(usd("0.2"), Ok(20));
        assert_eq!(usd("1.15"), Ok(115));
        assert_eq!(usd("1.230"), Ok(123));
        assert_eq!(usd(" 7.00 "), Ok(700));
        assert_eq!(usd("-5.05"), Ok(-505));
        assert_eq!(usd("99999999.99"), Ok(9_999_999_999));
        assert_eq!(usd("92233720368547758.07"), Ok(i64::MAX));
        assert_eq!(usd("-92233720368547758.08"), Ok(i64::MIN));
        assert_eq!(
            Money::parse_decimal("500", Currency::JPY).map(Money::minor_units),
            Ok(500)
        );
        assert_eq!(
            Money::parse_decimal("1.234", Currency::KWD).map(Money::minor_units),
            Ok(1234)
        );
    }

    #[test]
    fn refuses_junk_precision_and_overflow() {
        assert_eq!(usd(""), Err(AmountError::Empty));
        assert_eq!(usd("   "), Err(AmountError::Empty));
        for junk in [
            "1e3", "NaN", "nan", "inf", "1,000.00", "+5", ".5", "5.", "1.2.3", "--1", "- 1",
            "0x10", "١٢",
        ] {
            assert_eq!(usd(junk), Err(AmountError::NotDecimal), "{junk}");
        }
        assert!(matches!(
            usd("1.234"),
            Err(AmountError::SubMinorPrecision { .. })
        ));
        assert!(matches!(
            Money::parse_decimal("1.5", Currency::JPY),
            Err(AmountError::SubMinorPrecision { .. })
        ));
        assert_eq!(usd("92233720368547758.08"), Err(AmountError::Overflow));
        assert_eq!(usd("99999999999999999999999"), Err(AmountError::Overflow));
    }

    #[test]
    fn positive_parse_names_the_field() {
        for bad in ["0", "0.00", "-1", "", "1e3"] {
            let err = Money::parse_positive("amount", bad, Currency::USD).unwrap_err();
            assert_eq!(err.invalid_field(), Some("amount"), "{bad}");
        }
    }

    #[test]
    fn formats_exactly() {
        let m = |minor| Money::from_minor(minor, Currency::USD);
        assert_eq!(m(1999).to_decimal_string(), "19.99");
        assert_eq!(m(10000).to_decimal_string(), "100.00");
        assert_eq!(m(-5).to_decimal_string(), "-0.05");
        assert_eq!(m(i64::MIN).to_decimal_string(), "-92233720368547758.08");
        assert_eq!(m(10000).to_minimal_decimal_string(), "100");
        assert_eq!(m(2950).to_minimal_decimal_string(), "29.5");
        assert_eq!(m(29).to_minimal_decimal_string(), "0.29");
        assert_eq!(m(0).to_minimal_decimal_string(), "0");
        assert_eq!(
            serde_json::to_string(&m(1999).to_json_major_units()).unwrap(),
            "19.99"
        );
        assert_eq!(
            serde_json::to_string(&m(10000).to_json_major_units()).unwrap(),
            "100"
        );
        assert_eq!(
            serde_json::to_string(&m(-29).to_json_major_units()).unwrap(),
            "-0.29"
        );
        assert_eq!(m(1999).to_string(), "19.99 USD");
        assert_eq!(
            Money::from_minor(500, Currency::JPY).to_decimal_string(),
            "500"
        );
    }

    #[test]
    fn currency_table() {
        assert_eq!(Currency::from_code("usd").unwrap(), Currency::USD);
        assert_eq!(Currency::from_code("JPY").unwrap().exponent(), 0);
        assert_eq!(Currency::from_code("KWD").unwrap().minor_per_major(), 1000);
        assert!(Currency::from_code("XXX").is_err());
    }

    #[test]
    fn serde_round_trip_checks_decimal() {
        let m = Money::from_minor(1999, Currency::USD);
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(
            json,
            r#"{"minor_units":1999,"currency":"USD","decimal":"19.99"}"#
        );
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
        assert!(
            serde_json::from_str::<Money>(
                r#"{"minor_units":1999,"currency":"USD","decimal":"19.98"}"#
            )
            .is_err()
        );
        assert!(serde_json::from_str::<Money>(r#"{"minor_units":1999,"currency":"ZZZ"}"#).is_err());
    }

    #[test]
    fn arithmetic_is_checked() {
        let a = Money::from_minor(i64::MAX, Currency::USD);
        assert!(
            a.checked_add(Money::from_minor(1, Currency::USD), "x")
                .is_err()
        );
        assert!(
            a.checked_add(Money::from_minor(1, Currency::EUR), "x")
                .is_err()
        );
        let total = Money::sum(
            "charges",
            Currency::USD,
            [
                Money::from_minor(1, Currency::USD),
                Money::from_minor(2, Currency::USD),
            ],
        )
        .unwrap();
        assert_eq!(total.minor_units(), 3);
    }

    proptest! {
        #[test]
        fn decimal_round_trip(minor in any::<i64>()) {
            let m = Money::from_minor(minor, Currency::USD);
            prop_assert_eq!(Money::parse_decimal(&m.to_decimal_string(), Currency::USD), Ok(m));
            prop_assert_eq!(Money::parse_decimal(&m.to_minimal_decimal_string(), Currency::USD), Ok(m));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = Money::parse_decimal(&s, Currency::USD);
        }
    }
}
