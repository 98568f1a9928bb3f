//! [`VendorData`]: the vendor's fields that the unified model does not name, kept as the
//! vendor sent them.
//!
//! Most callers never read them, so a vendor crate may keep them as the JSON text it
//! received ([`VendorDataBuilder`]): one string per object instead of a `serde_json::Value`
//! tree (a Stripe card object is ~40 allocations as a `Value`, one as text). The text is
//! parsed into a map the first time a caller looks inside, and only then.

use std::fmt;
use std::ops::Index;
use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// Vendor fields that the unified model does not name, kept so that an object read from a
/// vendor can be sent back to it without losing anything. `Debug` shows only the keys
/// (the values may hold PHI).
///
/// Read it like a JSON object: [`get`](Self::get), `data["key"]` (`Value::Null` for a
/// missing key, never a panic), [`as_map`](Self::as_map); change it with
/// [`insert`](Self::insert) or [`as_map_mut`](Self::as_map_mut). It serializes as that
/// object.
///
/// ```
/// use patientpay_core::VendorData;
/// use serde_json::json;
///
/// let mut data = VendorData::default();
/// data.insert("livemode", json!(false));
/// assert_eq!(data["livemode"], json!(false));
/// assert_eq!(data["absent"], serde_json::Value::Null);
/// assert_eq!(serde_json::to_string(&data).unwrap(), r#"{"livemode":false}"#);
/// ```
#[derive(Clone, Default)]
pub struct VendorData {
    /// The object as received (JSON text of an object, by construction: only
    /// [`VendorDataBuilder`] makes one), until it is changed.
    raw: Option<String>,
    /// The parsed object; built from `raw` on first access.
    map: OnceLock<Map<String, Value>>,
}

static NULL: Value = Value::Null;

impl VendorData {
    /// Wraps an already parsed object.
    pub fn from_map(map: Map<String, Value>) -> VendorData {
        VendorData {
            raw: None,
            map: OnceLock::from(map),
        }
    }

    /// `true` when nothing is kept.
    pub fn is_empty(&self) -> bool {
        match (self.map.get(), &self.raw) {
            (Some(map), _) => map.is_empty(),
            (None, Some(raw)) => raw == "{}",
            (None, None) => true,
        }
    }

    /// The kept fields as a map (parsed now if they were kept as text).
    pub fn as_map(&self) -> &Map<String, Value> {
        self.map.get_or_init(|| {
            self.raw
                .as_ref()
                // The text is a JSON object by construction (see VendorDataBuilder), so
                // this parse cannot fail; an empty map is the only safe answer if it did.
                .and_then(|raw| serde_json::from_str(raw).ok())
                .unwrap_or_default()
        })
    }

    /// The kept fields as a mutable map; the text form is dropped (it would be stale).
    pub fn as_map_mut(&mut self) -> &mut Map<String, Value> {
        self.as_map();
        self.raw = None;
        match self.map.get_mut() {
            Some(map) => map,
            // as_map() initialized it just above.
            None => unreachable!("VendorData map initialized by as_map"),
        }
    }

    /// The value kept under `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map().get(key)
    }

    /// `true` when a value is kept under `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.as_map().contains_key(key)
    }

    /// The kept keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.as_map().keys().map(String::as_str)
    }

    /// How many fields are kept.
    pub fn len(&self) -> usize {
        self.as_map().len()
    }

    /// Keeps `value` under `key`, returning what was there.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) -> Option<Value> {
        self.as_map_mut().insert(key.into(), value)
    }

    /// Removes and returns the value under `key`.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.as_map_mut().remove(key)
    }

    /// The kept fields as an owned map.
    pub fn into_map(mut self) -> Map<String, Value> {
        self.as_map();
        self.map.take().unwrap_or_default()
    }

    /// The kept fields as the JSON text the vendor sent them in, when they were kept as
    /// text and not changed since (useful to pass them on without parsing).
    pub fn raw_json(&self) -> Option<&str> {
        self.raw.as_deref()
    }
}

impl VendorData {
    /// The fields of `value` (which must serialize to a JSON object) that `keep` accepts,
    /// kept as JSON text: a vendor crate's way to keep what its typed model read but the
    /// unified model does not name, without building a `Value` per field. `keep` sees each
    /// key and its JSON text (`"null"` for a null).
    ///
    /// ```
    /// use patientpay_core::VendorData;
    ///
    /// #[derive(serde::Serialize)]
    /// struct Wire { id: String, rule: Option<String>, memo: Option<String> }
    /// let wire = Wire { id: "c_1".into(), rule: Some("r_9".into()), memo: None };
    /// let data = VendorData::from_serialized(&wire, |k, v| k != "id" && v.get() != "null").unwrap();
    /// assert_eq!(data.raw_json(), Some(r#"{"rule":"r_9"}"#));
    /// ```
    ///
    /// # Errors
    /// When `value` does not serialize, or not to an object.
    pub fn from_serialized<T: Serialize + ?Sized>(
        value: &T,
        keep: impl FnMut(&str, &RawValue) -> bool,
    ) -> Result<VendorData, serde_json::Error> {
        let mut text = Vec::with_capacity(512);
        serde_json::to_writer(&mut text, value)?;
        let mut de = serde_json::Deserializer::from_slice(&text);
        let mut builder = VendorDataBuilder::with_capacity(text.len());
        serde::de::DeserializeSeed::deserialize(
            Filter {
                builder: &mut builder,
                keep,
            },
            &mut de,
        )?;
        de.end()?;
        Ok(builder.finish())
    }
}

/// Streams an object's entries into a builder, keeping those `keep` accepts.
struct Filter<'b, F> {
    builder: &'b mut VendorDataBuilder,
    keep: F,
}

impl<'de, F: FnMut(&str, &RawValue) -> bool> serde::de::DeserializeSeed<'de> for Filter<'_, F> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, F: FnMut(&str, &RawValue) -> bool> serde::de::Visitor<'de> for Filter<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let value: &'de RawValue = map.next_value()?;
            if (self.keep)(&key.0, value) {
                self.builder.push_raw(&key.0, value);
            }
        }
        Ok(())
    }
}

/// An object key, borrowed unless it holds an escape.
struct Key<'a>(std::borrow::Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

impl From<Map<String, Value>> for VendorData {
    fn from(map: Map<String, Value>) -> VendorData {
        VendorData::from_map(map)
    }
}

impl FromIterator<(String, Value)> for VendorData {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> VendorData {
        VendorData::from_map(iter.into_iter().collect())
    }
}

impl Index<&str> for VendorData {
    type Output = Value;

    /// The value under `key`, or `Value::Null` when there is none (never panics).
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl PartialEq for VendorData {
    fn eq(&self, other: &VendorData) -> bool {
        self.as_map() == other.as_map()
    }
}

impl fmt::Debug for VendorData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VendorData")?;
        f.debug_set().entries(self.keys()).finish()
    }
}

impl Serialize for VendorData {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_map().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for VendorData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<VendorData, D::Error> {
        Map::deserialize(deserializer).map(VendorData::from_map)
    }
}

/// Builds a [`VendorData`] from the parts of a vendor object as JSON text, without parsing
/// them into `Value`s: what a vendor crate's decoder uses for the fields it does not map.
///
/// ```
/// use patientpay_core::VendorDataBuilder;
/// use serde_json::value::RawValue;
///
/// let card: &RawValue = serde_json::from_str(r#"{"brand":"visa","checks":{"cvc_check":"pass"}}"#).unwrap();
/// let mut b = VendorDataBuilder::new();
/// b.push_raw("card", card);
/// b.push("livemode", &false);
/// let data = b.finish();
/// assert_eq!(data.raw_json(), Some(r#"{"card":{"brand":"visa","checks":{"cvc_check":"pass"}},"livemode":false}"#));
/// assert_eq!(data["card"]["checks"]["cvc_check"], "pass");
/// ```
#[derive(Default)]
pub struct VendorDataBuilder {
    text: String,
}

impl fmt::Debug for VendorDataBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The text may hold PHI.
        f.debug_struct("VendorDataBuilder")
            .field("len", &self.text.len())
            .finish()
    }
}

impl VendorDataBuilder {
    /// An empty builder.
    pub fn new() -> VendorDataBuilder {
        VendorDataBuilder::default()
    }

    /// An empty builder with room for `bytes` of JSON text.
    pub fn with_capacity(bytes: usize) -> VendorDataBuilder {
        VendorDataBuilder {
            text: String::with_capacity(bytes),
        }
    }

    fn key(&mut self, key: &str) {
        self.text.push(if self.text.is_empty() { '{' } else { ',' });
        if key.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
            // Nothing to escape (the usual key): no temporary string.
            self.text.push('"');
            self.text.push_str(key);
            self.text.push('"');
        } else if let Ok(quoted) = serde_json::to_string(key) {
            // A &str always serializes (JSON-escaped) into a String.
            self.text.push_str(&quoted);
        }
        self.text.push(':');
    }

    /// Keeps `value` (JSON text as received) under `key`.
    pub fn push_raw(&mut self, key: &str, value: &RawValue) {
        self.key(key);
        self.text.push_str(value.get());
    }

    /// Keeps `value`, serialized to JSON, under `key`. A value that does not serialize
    /// (a map with non-string keys) is kept as `null`.
    pub fn push<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        self.key(key);
        match serde_json::to_string(value) {
            Ok(json) => self.text.push_str(&json),
            Err(_) => self.text.push_str("null"),
        }
    }

    /// The [`VendorData`] holding what was pushed.
    pub fn finish(mut self) -> VendorData {
        if self.text.is_empty() {
            return VendorData::default();
        }
        self.text.push('}');
        // Valid JSON by construction: every key is serde_json's quoting of a `&str`, every
        // value a `RawValue` (checked by the parser that produced it) or serde_json's own
        // output. So no validation pass here (it would read every kept byte once more).
        VendorData {
            raw: Some(self.text),
            map: OnceLock::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn raw(s: &str) -> &RawValue {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn text_form_reads_like_the_map_form() {
        let mut b = VendorDataBuilder::with_capacity(64);
        b.push_raw("card", raw(r#"{ "brand" : "visa" }"#));
        b.push_raw("we\"ird", raw("[1, 2]"));
        b.push_raw("tab\there\\", raw("true"));
        b.push("n", &7);
        let lazy = b.finish();
        assert!(lazy.map.get().is_none(), "not parsed until read");
        assert!(!lazy.is_empty());
        let eager = VendorData::from_map(
            json!({"card": {"brand": "visa"}, "we\"ird": [1, 2], "tab\there\\": true, "n": 7})
                .as_object()
                .unwrap()
                .clone(),
        );
        assert_eq!(lazy, eager);
        assert_eq!(lazy.len(), 4);
        assert_eq!(lazy["tab\there\\"], true);
        assert_eq!(lazy["card"]["brand"], "visa");
        assert_eq!(lazy["missing"], Value::Null);
        assert!(lazy.contains_key("we\"ird"));
        assert_eq!(
            serde_json::to_value(&lazy).unwrap(),
            serde_json::to_value(&eager).unwrap()
        );
        assert_eq!(
            format!("{lazy:?}"),
            r#"VendorData{"card", "n", "tab\there\\", "we\"ird"}"#
        );
    }

    #[test]
    fn changing_drops_the_stale_text() {
        let mut b = VendorDataBuilder::new();
        b.push("a", &1);
        let mut d = b.finish();
        assert_eq!(d.raw_json(), Some(r#"{"a":1}"#));
        assert_eq!(d.insert("b", json!(2)), None);
        assert_eq!(d.raw_json(), None);
        assert_eq!(d.remove("a"), Some(json!(1)));
        assert_eq!(serde_json::to_string(&d).unwrap(), r#"{"b":2}"#);
        assert_eq!(d.clone().into_map().len(), 1);
    }

    #[test]
    fn from_serialized_keeps_what_keep_accepts() {
        let value = json!({"id": "c_1", "a\"b": [1, {"x": null}], "gone": null, "n": 2});
        let d = VendorData::from_serialized(&value, |k, v| k != "id" && v.get() != "null").unwrap();
        assert!(d.map.get().is_none(), "kept as text");
        assert_eq!(d.len(), 2);
        assert_eq!(d["a\"b"][1], json!({"x": null}));
        assert_eq!(d["n"], 2);
        assert!(!d.contains_key("id") && !d.contains_key("gone"));
        assert!(VendorData::from_serialized(&[1, 2], |_, _| true).is_err());
        assert!(VendorData::from_serialized(&"text", |_, _| true).is_err());
        assert!(
            VendorData::from_serialized(&json!({}), |_, _| true)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn empty_forms() {
        assert!(VendorData::default().is_empty());
        assert!(VendorDataBuilder::new().finish().is_empty());
        assert!(VendorDataBuilder::new().finish().raw_json().is_none());
        let d: VendorData = serde_json::from_str("{}").unwrap();
        assert!(d.is_empty());
        assert_eq!(VendorData::default(), d);
        let d: VendorData = serde_json::from_str(r#"{"x":null}"#).unwrap();
        assert!(!d.is_empty());
        assert!(serde_json::from_str::<VendorData>("[1]").is_err());
    }
}
