//! Decoda's date and date-time text, parsed with the `time` crate's format descriptions.
//!
//! Decoda is a FastAPI service: its date-times come with or without an offset and with or
//! without fractional seconds (`2023-11-07T05:31:56Z`, `2023-11-07T05:31:56.123456`,
//! `2023-11-07T05:31:56+00:00`). All three parse; a naive value is taken as UTC.
//!
//! Policy for odd values (documented on the crate): a **required** date-time that does not
//! parse fails the answer with a decode error naming the field (never the value). A
//! **nullable** one that does not parse becomes `None` instead of failing the whole answer
//! — a charge with a strange `externalCreatedDate` is still a charge the patient owes.
//! Serialization always writes RFC 3339 (`2023-11-07T05:31:56Z`), which Decoda accepts.
//!
//! This module is a candidate for core (other FastAPI vendors would need it).

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};
use time::format_description::BorrowedFormatItem;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::parsing::Parsed;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// `YYYY-MM-DD`.
const DATE: &[BorrowedFormatItem<'_>] = format_description!("[year]-[month]-[day]");

/// `YYYY-MM-DD[T|t| ]HH:MM:SS[.fraction][Z|z|±HH:MM|±HHMM|±HH]`. `time` keeps nanoseconds of
/// the fraction and skips further digits (up to 32 in all).
const DATE_TIME: &[BorrowedFormatItem<'_>] = format_description!(
    version = 2,
    "[year]-[month]-[day][first [T] [t] [ ]][hour]:[minute]:[second]\
     [optional [.[subsecond digits:1+]]]\
     [optional [[first [Z] [z] \
        [[offset_hour sign:mandatory]:[offset_minute]] \
        [[offset_hour sign:mandatory][offset_minute]] \
        [[offset_hour sign:mandatory]]]]]"
);

/// `time`'s years take a leading `+`/`-` (ISO 8601 expanded years); Decoda writes plain
/// four-digit years, so a signed one is refused as before.
fn starts_with_digit(text: &str) -> bool {
    text.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

/// Parses a `YYYY-MM-DD` calendar date.
pub(crate) fn parse_date(text: &str) -> Option<Date> {
    if !starts_with_digit(text) {
        return None;
    }
    Date::parse(text, DATE).ok()
}

/// Parses a FastAPI date-time: `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH:MM|±HHMM|±HH]`;
/// without an offset it is UTC.
pub(crate) fn parse_datetime(text: &str) -> Option<OffsetDateTime> {
    if !starts_with_digit(text) {
        return None;
    }
    let mut parsed = Parsed::new();
    let rest = parsed.parse_items(text.as_bytes(), DATE_TIME).ok()?;
    if !rest.is_empty() {
        return None;
    }
    let local = PrimitiveDateTime::try_from(parsed).ok()?;
    let offset = match parsed.offset_hour() {
        None => UtcOffset::UTC,
        // `time` allows offsets up to ±25:59; real ones stop at ±23:59.
        Some(hours) if hours.unsigned_abs() > 23 => return None,
        Some(_) => UtcOffset::try_from(parsed).ok()?,
    };
    Some(local.assume_offset(offset))
}

fn format_datetime(value: &OffsetDateTime) -> Result<String, time::error::Format> {
    value.format(&Rfc3339)
}

struct DateTimeVisitor {
    lenient: bool,
}

impl<'de> Visitor<'de> for DateTimeVisitor {
    type Value = Option<OffsetDateTime>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date-time string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        match parse_datetime(v) {
            Some(dt) => Ok(Some(dt)),
            None if self.lenient => Ok(None),
            // Never echo the value: it names the field's expectation only.
            None => Err(E::custom(
                "invalid date-time, expected RFC 3339 or ISO 8601 text",
            )),
        }
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        if self.lenient {
            Ok(None)
        } else {
            Err(E::custom("null date-time where one is required"))
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = Option<Date>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YYYY-MM-DD date string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        // Nullable field: an odd value is dropped rather than failing the answer.
        Ok(parse_date(v))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

/// A required `date-time` field.
pub(crate) mod required {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        value: &OffsetDateTime,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let text = format_datetime(value).map_err(serde::ser::Error::custom)?;
        s.serialize_str(&text)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        d.deserialize_str(DateTimeVisitor { lenient: false })?
            .ok_or_else(|| de::Error::custom("invalid date-time"))
    }
}

/// A nullable `date-time` field: `null`, missing or unparseable → `None`.
pub(crate) mod nullable {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<OffsetDateTime>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => required::serialize(v, s),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        d.deserialize_option(DateTimeVisitor { lenient: true })
    }
}

/// A nullable `date` field (`YYYY-MM-DD`): `null`, missing or unparseable → `None`.
pub(crate) mod date_nullable {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(value: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => {
                let text = format!("{:04}-{:02}-{:02}", v.year(), u8::from(v.month()), v.day());
                s.serialize_str(&text)
            }
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        d.deserialize_option(DateVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn parses_fastapi_forms() {
        assert_eq!(
            parse_datetime("2023-11-07T05:31:56Z"),
            Some(datetime!(2023-11-07 05:31:56 UTC))
        );
        assert_eq!(
            parse_datetime("2023-11-07T05:31:56.123456"),
            Some(datetime!(2023-11-07 05:31:56.123456 UTC))
        );
        assert_eq!(
            parse_datetime("2023-11-07T05:31:56+00:00"),
            Some(datetime!(2023-11-07 05:31:56 UTC))
        );
        assert_eq!(
            parse_datetime("2023-11-07T05:31:56.5-05:00"),
            Some(datetime!(2023-11-07 05:31:56.5 -5))
        );
        assert_eq!(
            parse_datetime("2023-11-07 05:31:56+0530"),
            Some(datetime!(2023-11-07 05:31:56 +5:30))
        );
        assert_eq!(
            parse_datetime("2023-11-07T05:31:56.1234567891234"),
            Some(datetime!(2023-11-07 05:31:56.123456789 UTC))
        );
        assert_eq!(
            parse_datetime("2023-11-07T05:31:56+02"),
            Some(datetime!(2023-11-07 05:31:56 +2))
        );
        assert_eq!(
            parse_datetime("2023-11-07t05:31:56z"),
            Some(datetime!(2023-11-07 05:31:56 UTC))
        );
        assert_eq!(
            parse_datetime("2023-11-07T05:31:56-00:30"),
            Some(datetime!(2023-11-07 05:31:56 -0:30))
        );
        assert_eq!(
            parse_datetime("2023-11-07T05:31:56.000000001+23:59"),
            Some(datetime!(2023-11-07 05:31:56.000000001 +23:59))
        );
    }

    #[test]
    fn refuses_odd_values() {
        for bad in [
            "",
            "2023-11-07",
            "2023-02-30T00:00:00Z",
            "2023-11-07T25:00:00Z",
            "2023-11-07T05:31:56.Z",
            "2023-11-07T05:31:56+25:00",
            "2023-11-07T05:31:56 UTC",
            "2023-11-07X05:31:56",
            "yesterday at noon",
            "２０２３-11-07T05:31:56Z",
            "+2023-11-07T05:31:56Z",
            "-2023-11-07T05:31:56Z",
            " 2023-11-07T05:31:56Z",
            "2023-11-07T05:31:56Z ",
            "2023-1-07T05:31:56Z",
            "2023-11-07T5:31:56Z",
            "2023-11-07T05:31",
            "2023-11-07T05:31:56+5",
            "2023-11-07T05:31:56+05:",
            "2023-11-07T05:31:56+05:60",
            "2023-11-07T05:31:56-24:00",
            "2023-11-07T05:31:56ZZ",
            "2023-11-07T05:31:56.12.3Z",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
        assert_eq!(
            parse_date("2024-02-29"),
            Some(time::macros::date!(2024 - 02 - 29))
        );
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("+2023-02-01"), None);
        assert_eq!(parse_date("2023-02-01T00:00:00Z"), None);
        assert_eq!(parse_date("2023-2-01"), None);
        assert_eq!(parse_date("12/25/2023"), None);
    }

    #[derive(serde::Deserialize, serde::Serialize, Debug)]
    struct Probe {
        #[serde(with = "required")]
        at: OffsetDateTime,
        #[serde(default, with = "nullable")]
        maybe: Option<OffsetDateTime>,
        #[serde(default, with = "date_nullable")]
        dob: Option<Date>,
    }

    #[test]
    fn required_fails_nullable_drops() {
        let p: Probe = serde_json::from_str(
            r#"{"at":"2023-11-07T05:31:56","maybe":"soon","dob":"1990-13-01"}"#,
        )
        .unwrap();
        assert_eq!(p.maybe, None);
        assert_eq!(p.dob, None);
        let p: Probe =
            serde_json::from_str(r#"{"at":"2023-11-07T05:31:56Z","maybe":null}"#).unwrap();
        assert_eq!(p.maybe, None);
        let err = serde_json::from_str::<Probe>(r#"{"at":"Jane-Secret"}"#)
            .unwrap_err()
            .to_string();
        assert!(!err.contains("Jane"), "{err}");
        assert!(serde_json::from_str::<Probe>(r#"{"at":null}"#).is_err());
        assert!(serde_json::from_str::<Probe>(r#"{"at":5}"#).is_err());
        let p: Probe = serde_json::from_str(
            r#"{"at":"2023-11-07T05:31:56.25+00:00","maybe":"2023-11-07T05:31:56","dob":"1990-01-31"}"#,
        )
        .unwrap();
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"at":"2023-11-07T05:31:56.25Z","maybe":"2023-11-07T05:31:56Z","dob":"1990-01-31"}"#
        );
    }
}
