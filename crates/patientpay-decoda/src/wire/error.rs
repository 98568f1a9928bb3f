//! FastAPI's error shapes.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One part of a validation error's location: a field name or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LocPart {
    /// A field name (`body`, `patientId`...).
    Name(String),
    /// An array index.
    Index(i64),
}

impl fmt::Display for LocPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LocPart::Name(n) => f.write_str(n),
            LocPart::Index(i) => write!(f, "{i}"),
        }
    }
}

impl Serialize for LocPart {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            LocPart::Name(n) => s.serialize_str(n),
            LocPart::Index(i) => s.serialize_i64(*i),
        }
    }
}

impl<'de> Deserialize<'de> for LocPart {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = LocPart;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an integer")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LocPart, E> {
                Ok(LocPart::Name(v.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LocPart, E> {
                Ok(LocPart::Index(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LocPart, E> {
                i64::try_from(v)
                    .map(LocPart::Index)
                    .map_err(|_| E::custom("index out of range"))
            }
        }
        d.deserialize_any(V)
    }
}

/// `ValidationError`: one FastAPI validation failure. FastAPI may add an `input` field
/// holding the value it refused; it is deliberately not modelled, so it is never kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ValidationError {
    /// Location: `["body", "patientId"]`, `["query", "amount"]`, `["body", 0, "id"]`.
    pub loc: Vec<LocPart>,
    /// Message.
    pub msg: String,
    /// Error type (`missing`, `string_type`...).
    #[serde(rename = "type")]
    pub error_type: String,
}

/// `HTTPValidationError`: FastAPI's 422 answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HttpValidationError {
    /// The failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Vec<ValidationError>>,
}
