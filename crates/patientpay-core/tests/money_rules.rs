//! The rules of `Money` and `Currency`, stated as tests against the public API.
//!
//! Each test is named after the rule it proves. Together with the unit tests in
//! `src/money.rs` they kill every viable mutant cargo-mutants makes in that file
//! (`cargo xtask mutants --file crates/patientpay-core/src/money.rs`). The expected values
//! come from ISO 4217 and from models written differently from the code (string
//! manipulation and `i128` arithmetic), never from the code under test.
// The ordering tests call every comparison operator on purpose (a mutant of one of them
// must fail a test), so the "simplify" lints do not apply here.
#![allow(clippy::nonminimal_bool, clippy::neg_cmp_op_on_partial_ord)]

use std::cmp::Ordering;

use patientpay_core::{AmountError, Currency, Money};
use proptest::prelude::*;

/// ISO 4217 minor-unit exponents, written out from the standard: the table the crate
/// must agree with.
const ISO_4217: &[(&str, u8)] = &[
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

fn currency(code: &str) -> Currency {
    Currency::from_code(code).expect("ISO 4217 code in the table")
}

/// Any currency the crate knows, so that every exponent (0, 2, 3) is exercised.
fn any_currency() -> impl Strategy<Value = Currency> {
    prop::sample::select(
        ISO_4217
            .iter()
            .map(|(c, _)| currency(c))
            .collect::<Vec<_>>(),
    )
}

/// The decimal text of `minor` minor units with `exponent` decimals, built as a string:
/// the digits of |minor|, left-padded with zeros, with a point before the last
/// `exponent` digits. Works for values outside `i64` too.
fn model_decimal(minor: i128, exponent: u8) -> String {
    let exponent = usize::from(exponent);
    let mut digits = minor.unsigned_abs().to_string();
    while digits.len() < exponent + 1 {
        digits.insert(0, '0');
    }
    let sign = if minor < 0 { "-" } else { "" };
    if exponent == 0 {
        format!("{sign}{digits}")
    } else {
        let (int, frac) = digits.split_at(digits.len() - exponent);
        format!("{sign}{int}.{frac}")
    }
}

// ---------------------------------------------------------------------------------------
// Currency

/// Kills the issue-21 survivor `replace Currency::exponent -> u8 with 0` (and every other
/// wrong exponent): each code's exponent is ISO 4217's.
#[test]
fn every_currency_has_its_iso_4217_exponent() {
    for &(code, exponent) in ISO_4217 {
        let c = currency(code);
        assert_eq!(c.exponent(), exponent, "{code}");
        assert_eq!(c.code(), code);
        assert_eq!(
            c.minor_per_major(),
            10_i64.pow(u32::from(exponent)),
            "{code}"
        );
    }
}

#[test]
fn currency_constants_match_the_table() {
    for (constant, code, exponent, per_major) in [
        (Currency::USD, "USD", 2, 100),
        (Currency::CAD, "CAD", 2, 100),
        (Currency::EUR, "EUR", 2, 100),
        (Currency::GBP, "GBP", 2, 100),
        (Currency::JPY, "JPY", 0, 1),
        (Currency::KWD, "KWD", 3, 1000),
    ] {
        assert_eq!(constant, currency(code));
        assert_eq!(constant.code(), code);
        assert_eq!(constant.exponent(), exponent, "{code}");
        assert_eq!(constant.minor_per_major(), per_major, "{code}");
    }
}

/// Kills the issue-21 survivor `replace Currency::exponent -> u8 with 0`: the exponent is what
/// turns 19.99 into 1999.
#[test]
fn nineteen_ninety_nine_dollars_is_1999_cents() {
    // The exponent is what turns 19.99 into 1999: with exponent 0 this would be refused,
    // with 3 it would be 19990.
    let m = Money::parse_decimal("19.99", Currency::USD).unwrap();
    assert_eq!(m.minor_units(), 1999);
    assert_eq!(m.currency(), Currency::USD);
    assert_eq!(
        Money::parse_decimal("1999", Currency::JPY)
            .unwrap()
            .minor_units(),
        1999
    );
    assert_eq!(
        Money::parse_decimal("19.99", Currency::KWD)
            .unwrap()
            .minor_units(),
        19990
    );
}

#[test]
fn jpy_has_no_minor_unit() {
    assert_eq!(Currency::JPY.exponent(), 0);
    assert_eq!(Currency::JPY.minor_per_major(), 1);
    assert!(matches!(
        Money::parse_decimal("19.99", Currency::JPY),
        Err(AmountError::SubMinorPrecision { exponent: 0, .. })
    ));
    assert_eq!(Money::from_minor(500, Currency::JPY).to_string(), "500 JPY");
}

#[test]
fn kwd_has_three_decimals() {
    assert_eq!(Currency::KWD.exponent(), 3);
    assert_eq!(Currency::KWD.minor_per_major(), 1000);
    assert_eq!(
        Money::from_minor(1234, Currency::KWD).to_decimal_string(),
        "1.234"
    );
    assert_eq!(
        Money::from_minor(5, Currency::KWD).to_decimal_string(),
        "0.005"
    );
}

#[test]
fn currency_codes_are_case_insensitive_and_trimmed() {
    assert_eq!(currency(" usd "), Currency::USD);
    assert_eq!("kwd".parse::<Currency>().unwrap(), Currency::KWD);
    let err = Currency::from_code("XXX").unwrap_err();
    assert_eq!(err.invalid_field(), Some("currency"));
}

#[test]
fn currency_prints_as_its_code() {
    assert_eq!(Currency::USD.to_string(), "USD");
    assert_eq!(format!("{:?}", Currency::KWD), "KWD");
}

#[test]
fn currency_serializes_as_its_code_and_refuses_non_strings() {
    assert_eq!(serde_json::to_string(&Currency::EUR).unwrap(), r#""EUR""#);
    assert_eq!(
        serde_json::from_str::<Currency>(r#""jpy""#).unwrap(),
        Currency::JPY
    );
    let err = serde_json::from_str::<Currency>("5")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("an ISO 4217 currency code"),
        "the error says what was expected: {err}"
    );
    let err = serde_json::from_str::<Currency>(r#""ZZZ""#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown ISO 4217 currency code"), "{err}");
}

// ---------------------------------------------------------------------------------------
// Sign

/// Kills the issue-21 survivors `replace Money::is_positive -> bool with true` and
/// `replace > with >= in Money::is_positive`: zero is not positive.
#[test]
fn is_positive_is_false_for_zero() {
    assert!(!Money::zero(Currency::USD).is_positive());
    assert!(!Money::from_minor(0, Currency::JPY).is_positive());
}

/// Kills the issue-21 survivor `replace Money::is_positive -> bool with false`: one cent is
/// positive.
#[test]
fn is_positive_is_true_for_one_minor_unit() {
    assert!(Money::from_minor(1, Currency::USD).is_positive());
    assert!(Money::from_minor(i64::MAX, Currency::USD).is_positive());
}

/// Kills the issue-21 survivor `replace Money::is_positive -> bool with true` (and `>` turned
/// into `!=` or `<`): a negative amount is not positive.
#[test]
fn is_positive_is_false_for_negative_amounts() {
    assert!(!Money::from_minor(-1, Currency::USD).is_positive());
    assert!(!Money::from_minor(i64::MIN, Currency::USD).is_positive());
}

#[test]
fn ensure_positive_refuses_zero_and_negative_and_keeps_one_cent() {
    for minor in [0, -1, i64::MIN] {
        let err = Money::from_minor(minor, Currency::USD)
            .ensure_positive("amount")
            .unwrap_err();
        assert_eq!(err.invalid_field(), Some("amount"), "{minor}");
    }
    let one = Money::from_minor(1, Currency::USD);
    assert_eq!(one.ensure_positive("amount").unwrap(), one);
    assert_eq!(
        Money::parse_positive("amount", "0.01", Currency::USD).unwrap(),
        one
    );
}

proptest! {
    #[test]
    fn is_positive_means_greater_than_zero(minor in any::<i64>(), c in any_currency()) {
        let m = Money::from_minor(minor, c);
        prop_assert_eq!(m.is_positive(), minor > 0);
        prop_assert_eq!(m.ensure_positive("amount").is_ok(), minor > 0);
    }
}

// ---------------------------------------------------------------------------------------
// Ordering

/// Kills the issue-21 survivor `replace <impl PartialOrd for Money>::partial_cmp ->
/// Option<Ordering> with None`: amounts of one currency always compare.
#[test]
fn amounts_in_one_currency_always_compare() {
    let a = Money::from_minor(1999, Currency::USD);
    let b = Money::from_minor(2000, Currency::USD);
    assert_eq!(a.partial_cmp(&b), Some(Ordering::Less));
    assert_eq!(b.partial_cmp(&a), Some(Ordering::Greater));
    assert_eq!(a.partial_cmp(&a), Some(Ordering::Equal));
    assert!(a < b && b > a && a <= a && a >= a);
}

#[test]
fn amounts_in_different_currencies_never_compare() {
    let usd = Money::from_minor(100, Currency::USD);
    let eur = Money::from_minor(100, Currency::EUR);
    assert_eq!(usd.partial_cmp(&eur), None);
    assert!(!(usd < eur) && !(usd > eur) && !(usd <= eur) && !(usd >= eur));
    assert_ne!(usd, eur);
}

proptest! {
    #[test]
    fn same_currency_order_is_the_order_of_minor_units(
        a in any::<i64>(), b in any::<i64>(), c in any_currency()
    ) {
        let (x, y) = (Money::from_minor(a, c), Money::from_minor(b, c));
        prop_assert_eq!(x.partial_cmp(&y), Some(a.cmp(&b)));
    }

    #[test]
    fn cross_currency_comparison_is_none(
        a in any::<i64>(), b in any::<i64>(), c in any_currency(), d in any_currency()
    ) {
        prop_assume!(c != d);
        prop_assert_eq!(Money::from_minor(a, c).partial_cmp(&Money::from_minor(b, d)), None);
    }
}

// ---------------------------------------------------------------------------------------
// Parsing and formatting

#[test]
fn digits_beyond_the_exponent_must_be_zeros() {
    let usd = |s| Money::parse_decimal(s, Currency::USD).map(Money::minor_units);
    assert_eq!(usd("1.230"), Ok(123));
    assert_eq!(usd("1.23000"), Ok(123));
    assert!(matches!(
        usd("1.231"),
        Err(AmountError::SubMinorPrecision { exponent: 2, .. })
    ));
    assert!(matches!(
        usd("1.2301"),
        Err(AmountError::SubMinorPrecision { .. })
    ));
    assert_eq!(
        Money::parse_decimal("7.000", Currency::JPY).map(Money::minor_units),
        Ok(7)
    );
}

#[test]
fn only_plain_decimals_parse() {
    for junk in [
        "", " ", "-", ".", "-.5", "1.", "1..2", "1a", "a1", "1 2", "1.2a", "١",
    ] {
        assert!(
            Money::parse_decimal(junk, Currency::USD).is_err(),
            "{junk:?} must be refused"
        );
    }
    assert_eq!(
        Money::parse_decimal("-0", Currency::USD).map(Money::minor_units),
        Ok(0)
    );
    assert_eq!(
        Money::parse_decimal("007.50", Currency::USD).map(Money::minor_units),
        Ok(750)
    );
}

#[test]
fn parse_field_names_the_field() {
    let err = Money::parse_decimal_field("total", "1.234", Currency::USD).unwrap_err();
    assert_eq!(err.invalid_field(), Some("total"));
    assert_eq!(
        Money::parse_decimal_field("total", "-1.23", Currency::USD)
            .unwrap()
            .minor_units(),
        -123
    );
}

#[test]
fn money_prints_its_exact_decimal_and_code() {
    let m = Money::from_minor(-1999, Currency::USD);
    assert_eq!(m.to_string(), "-19.99 USD");
    assert_eq!(format!("{m:?}"), "Money(-19.99 USD)");
    assert_eq!(format!("{:?}", m.to_json_major_units()), "-19.99");
    assert_eq!(
        format!(
            "{:?}",
            Money::from_minor(2950, Currency::USD).to_json_major_units()
        ),
        "29.5"
    );
    assert_eq!(Money::zero(Currency::USD).to_decimal_string(), "0.00");
    assert_eq!(Money::zero(Currency::JPY).to_decimal_string(), "0");
}

proptest! {
    #[test]
    fn decimal_string_matches_the_string_model(minor in any::<i64>(), c in any_currency()) {
        let m = Money::from_minor(minor, c);
        let text = m.to_decimal_string();
        prop_assert_eq!(&text, &model_decimal(i128::from(minor), c.exponent()));
        prop_assert_eq!(m.to_string(), format!("{text} {}", c.code()));
    }

    #[test]
    fn decimal_round_trip_in_every_currency(minor in any::<i64>(), c in any_currency()) {
        let m = Money::from_minor(minor, c);
        prop_assert_eq!(Money::parse_decimal(&m.to_decimal_string(), c), Ok(m));
        prop_assert_eq!(Money::parse_decimal(&m.to_minimal_decimal_string(), c), Ok(m));
        let json = serde_json::to_string(&m.to_json_major_units()).unwrap();
        prop_assert_eq!(Money::parse_decimal(&json, c), Ok(m));
    }

    #[test]
    fn minimal_decimal_has_no_trailing_zero_decimals(minor in any::<i64>(), c in any_currency()) {
        let text = Money::from_minor(minor, c).to_minimal_decimal_string();
        if let Some((_, frac)) = text.split_once('.') {
            prop_assert!(!frac.is_empty() && !frac.ends_with('0'), "{}", text);
        }
    }

    /// Major units and the digits after the point become minor units exactly:
    /// `major * 10^exponent + fraction`, scaled when fewer digits are written.
    #[test]
    fn major_units_become_minor_units_exactly(
        major in 0_i64..1_000_000_000_000,
        frac_digits in prop::collection::vec(0_u8..10, 0..=3),
        negative in any::<bool>(),
        c in any_currency(),
    ) {
        let exponent = usize::from(c.exponent());
        let frac_digits = &frac_digits[..frac_digits.len().min(exponent)];
        let frac: String = frac_digits.iter().map(|d| char::from(b'0' + d)).collect();
        let mut text = if negative { format!("-{major}") } else { major.to_string() };
        if !frac.is_empty() {
            text = format!("{text}.{frac}");
        }
        let mut frac_value: i64 = 0;
        for &d in frac_digits {
            frac_value = frac_value * 10 + i64::from(d);
        }
        for _ in frac_digits.len()..exponent {
            frac_value *= 10;
        }
        let magnitude = major * c.minor_per_major() + frac_value;
        let expected = if negative { -magnitude } else { magnitude };
        prop_assert_eq!(Money::parse_decimal(&text, c).map(Money::minor_units), Ok(expected));
    }

    /// A value one past either end of `i64` is refused, never wrapped.
    #[test]
    fn amounts_beyond_i64_overflow(extra in 1_i128..1_000_000, c in any_currency()) {
        let above = i128::from(i64::MAX) + extra;
        let below = i128::from(i64::MIN) - extra;
        for minor in [above, below] {
            prop_assert_eq!(
                Money::parse_decimal(&model_decimal(minor, c.exponent()), c),
                Err(AmountError::Overflow)
            );
        }
    }

    #[test]
    fn serde_round_trip_in_every_currency(minor in any::<i64>(), c in any_currency()) {
        let m = Money::from_minor(minor, c);
        let json = serde_json::to_string(&m).unwrap();
        prop_assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
    }
}

#[test]
fn serde_accepts_a_missing_decimal_and_refuses_a_wrong_one() {
    let m: Money = serde_json::from_str(r#"{"minor_units":1234,"currency":"KWD"}"#).unwrap();
    assert_eq!(m, Money::from_minor(1234, Currency::KWD));
    let ok: Money =
        serde_json::from_str(r#"{"minor_units":1234,"currency":"KWD","decimal":"1.234"}"#).unwrap();
    assert_eq!(ok, m);
    let err =
        serde_json::from_str::<Money>(r#"{"minor_units":1234,"currency":"KWD","decimal":"12.34"}"#)
            .unwrap_err()
            .to_string();
    assert!(err.contains("disagrees"), "{err}");
    let err =
        serde_json::from_str::<Money>(r#"{"minor_units":1,"currency":"USD","decimal":"0.011"}"#)
            .unwrap_err()
            .to_string();
    assert!(err.contains("`decimal`"), "{err}");
}

// ---------------------------------------------------------------------------------------
// Sums

#[test]
fn adding_amounts_of_one_currency_adds_minor_units() {
    let sum = Money::from_minor(1999, Currency::USD)
        .checked_add(Money::from_minor(1, Currency::USD), "total")
        .unwrap();
    assert_eq!(sum, Money::from_minor(2000, Currency::USD));
}

#[test]
fn adding_different_currencies_is_refused() {
    let err = Money::from_minor(1, Currency::USD)
        .checked_add(Money::from_minor(1, Currency::EUR), "total")
        .unwrap_err();
    assert_eq!(err.invalid_field(), Some("total"));
    let err = Money::sum(
        "charges",
        Currency::USD,
        [Money::from_minor(1, Currency::EUR)],
    )
    .unwrap_err();
    assert_eq!(err.invalid_field(), Some("charges"));
}

#[test]
fn sum_of_nothing_is_zero_of_the_currency() {
    assert_eq!(
        Money::sum("charges", Currency::KWD, []).unwrap(),
        Money::zero(Currency::KWD)
    );
}

proptest! {
    #[test]
    fn sum_is_exact_or_refused(
        amounts in prop::collection::vec(
            prop_oneof![any::<i64>(), -1_000_000_i64..1_000_000],
            0..8
        ),
        c in any_currency(),
    ) {
        let exact: Option<i64> = amounts.iter().try_fold(0_i64, |acc, &m| acc.checked_add(m));
        let got = Money::sum("charges", c, amounts.iter().map(|&m| Money::from_minor(m, c)));
        match exact {
            Some(total) => prop_assert_eq!(got.unwrap(), Money::from_minor(total, c)),
            None => {
                let err = got.unwrap_err();
                prop_assert_eq!(err.invalid_field(), Some("charges"));
            }
        }
    }

    #[test]
    fn checked_add_is_exact_or_refused(a in any::<i64>(), b in any::<i64>(), c in any_currency()) {
        let got = Money::from_minor(a, c).checked_add(Money::from_minor(b, c), "total");
        match a.checked_add(b) {
            Some(total) => prop_assert_eq!(got.unwrap(), Money::from_minor(total, c)),
            None => prop_assert!(got.is_err()),
        }
    }
}
