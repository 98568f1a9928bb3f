//! Decoda's date and date-time text, parsed by hand for speed.
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
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() {
        return None;
    }
    let mut n: u32 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(c - b'0');
    }
    Some(n)
}

fn date_from(b: &[u8]) -> Option<Date> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(&b[0..4])?).ok()?;
    let month = Month::try_from(u8::try_from(digits(&b[5..7])?).ok()?).ok()?;
    let day = u8::try_from(digits(&b[8..10])?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// Parses a `YYYY-MM-DD` calendar date.
pub(crate) fn parse_date(text: &str) -> Option<Date> {
    date_from(text.as_bytes())
}

/// Parses a FastAPI date-time: `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH:MM|±HHMM|±HH]`;
/// without an offset it is UTC.
pub(crate) fn parse_datetime(text: &str) -> Option<OffsetDateTime> {
    let b = text.as_bytes();
    if b.len() < 19 || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let date = date_from(&b[0..10])?;
    let hour = u8::try_from(digits(&b[11..13])?).ok()?;
    let minute = u8::try_from(digits(&b[14..16])?).ok()?;
    let second = u8::try_from(digits(&b[17..19])?).ok()?;
    let mut rest = &b[19..];
    let mut nanos: u32 = 0;
    if let Some((&b'.', frac)) = rest.split_first() {
        let len = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if len == 0 {
            return None;
        }
        // Nanosecond precision; further digits are truncated.
        let mut scale = 100_000_000;
        for &c in &frac[..len.min(9)] {
            nanos += u32::from(c - b'0') * scale;
            scale /= 10;
        }
        rest = &frac[len..];
    }
    let offset = match rest {
        [] | [b'Z'] | [b'z'] => UtcOffset::UTC,
        [sign @ (b'+' | b'-'), tail @ ..] => {
            let (h, m) = match tail {
                [h1, h2] => (digits(&[*h1, *h2])?, 0),
                [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => {
                    (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?)
                }
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let (h, m) = (i8::try_from(h).ok()?, i8::try_from(m).ok()?);
            let (h, m) = if *sign == b'-' { (-h, -m) } else { (h, m) };
            UtcOffset::from_hms(h, m, 0).ok()?
        }
        _ => return None,
    };
    let time = Time::from_hms_nano(hour, minute, second, nanos).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_offset(offset))
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
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
        assert_eq!(
            parse_date("2024-02-29"),
            Some(time::macros::date!(2024 - 02 - 29))
        );
        assert_eq!(parse_date("2023-02-29"), None);
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
