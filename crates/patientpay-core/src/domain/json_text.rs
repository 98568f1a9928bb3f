//! [`JsonText`]: a JSON string borrowed from the answer's bytes, for vendor crates' views.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer};

/// A JSON string read from a vendor's answer: borrowed from the body unless it holds an
/// escape (then decoded into an owned copy). Vendor crates use it in borrowed views of an
/// answer, so that a field the unified model reads costs no allocation until it is kept.
///
/// Its `Debug` shows the length only: the text may be a patient's name or e-mail.
///
/// ```
/// use patientpay_core::JsonText;
///
/// let body = r#"["  Jane  ", "a\"b", " "]"#;
/// let texts: Vec<JsonText<'_>> = serde_json::from_str(body)?;
/// assert_eq!(texts[0].non_empty().as_deref(), Some("Jane"));
/// assert_eq!(texts[1].as_str(), "a\"b");
/// assert_eq!(texts[2].non_empty(), None);
/// assert_eq!(format!("{:?}", texts[0]), "JsonText(8 bytes)");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct JsonText<'a>(pub Cow<'a, str>);

impl JsonText<'_> {
    /// The text as read.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text as an owned string (no copy when it was already owned).
    pub fn into_owned(self) -> String {
        self.0.into_owned()
    }

    /// The trimmed text as an owned string, or `None` when it is blank.
    pub fn non_empty(&self) -> Option<String> {
        let t = self.0.trim();
        (!t.is_empty()).then(|| t.to_owned())
    }
}

impl fmt::Debug for JsonText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JsonText({} bytes)", self.0.len())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for JsonText<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = JsonText<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<JsonText<'de>, E> {
                Ok(JsonText(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<JsonText<'de>, E> {
                Ok(JsonText(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<JsonText<'de>, E> {
                Ok(JsonText(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}
