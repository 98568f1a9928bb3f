//! The path in a decode error (`decode_json`) is found by a scanner, not by re-parsing
//! with path tracking: it must name the same place `serde_path_to_error` names.
#![allow(missing_docs, dead_code)]

use std::collections::HashMap;

use patientpay_core::pipeline::decode_json;
use serde::Deserialize;
use serde::de::DeserializeOwned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Strict {
    id: String,
}

#[derive(Deserialize)]
struct Item {
    id: String,
    amount: u32,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    status: Option<Status>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Status {
    Paid,
    Open,
}

#[derive(Deserialize)]
struct Patient {
    #[serde(rename = "firstName")]
    first_name: String,
    address: Address,
}

#[derive(Deserialize)]
struct Address {
    line1: String,
    zip: u32,
}

/// Values checked after they are read (`try_from`): serde_json gives such an error the
/// position where the enclosing object's parse returned.
#[derive(Deserialize)]
struct Checked {
    amount: Amount,
    zip: Zip,
}

#[derive(Deserialize)]
struct HoldsChecked {
    a: Checked,
    b: u8,
}

#[derive(Deserialize)]
#[serde(try_from = "String")]
struct Zip(String);

impl TryFrom<String> for Zip {
    type Error = &'static str;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        if s.len() == 5 {
            Ok(Zip(s))
        } else {
            Err("not a zip code")
        }
    }
}

#[derive(Deserialize)]
#[serde(try_from = "RawAmount")]
struct Amount(u32);

#[derive(Deserialize)]
struct RawAmount {
    minor: u32,
    currency: String,
}

impl TryFrom<RawAmount> for Amount {
    type Error = &'static str;
    fn try_from(raw: RawAmount) -> Result<Self, Self::Error> {
        if raw.currency == "USD" {
            Ok(Amount(raw.minor))
        } else {
            Err("unknown currency")
        }
    }
}

#[derive(Deserialize)]
struct Answer {
    total: i64,
    charges: Vec<Item>,
    #[serde(default)]
    patient: Option<Patient>,
    #[serde(default)]
    extra: Option<serde_json::Value>,
    #[serde(default)]
    tags: HashMap<String, u8>,
    #[serde(default)]
    grid: Vec<Vec<u8>>,
}

/// What `decode_json` says the location is, from `serde_path_to_error`'s path.
fn tracked<T: DeserializeOwned>(body: &str) -> String {
    let de = &mut serde_json::Deserializer::from_str(body);
    let err = match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(_) => panic!("{body}: expected an error"),
        Err(e) => e,
    };
    location(&err.path().to_string())
}

fn location(path: &str) -> String {
    if path == "." {
        "at top level".to_owned()
    } else {
        format!("at `{path}`")
    }
}

fn scanned<T: DeserializeOwned>(body: &str) -> String {
    let msg = match decode_json::<T>(body.as_bytes()) {
        Ok(_) => panic!("{body}: expected an error"),
        Err(e) => e,
    };
    let at = msg.find(" at ").expect("a location") + 1;
    let end = msg.rfind(" (line ").expect("a position");
    msg[at..end].to_owned()
}

fn same<T: DeserializeOwned>(body: &str) {
    let (ours, theirs) = (scanned::<T>(body), tracked::<T>(body));
    if ours != theirs {
        eprintln!("MISMATCH body: {body}\n  ours:   {ours}\n  theirs: {theirs}");
        MISMATCHES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

static MISMATCHES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

const OK_ITEM: &str = r#"{"id":"c1","amount":5}"#;

#[test]
fn data_errors_name_the_same_place_as_path_tracking() {
    // Wrong types at every depth.
    same::<Answer>(r#"{"total":"x","charges":[]}"#);
    same::<Answer>(r#"{"total":1,"charges":{}}"#);
    same::<Answer>(r#"{"total":1,"charges":[{"id":"c1","amount":"5"}]}"#);
    same::<Answer>(&format!(
        r#"{{"total":1,"charges":[{OK_ITEM},{{"id":7,"amount":5}}]}}"#
    ));
    same::<Answer>(&format!(
        r#"{{"total":1,"charges":[{OK_ITEM},{OK_ITEM},{{"id":"c","amount":-1}}]}}"#
    ));
    same::<Answer>(r#"{"total":1,"charges":[{"id":"c1","amount":5,"note":{"a":[1,2]}}]}"#);
    same::<Answer>(r#"{"total":1,"charges":[{"id":"c1","amount":5,"note":[1]}]}"#);
    same::<Answer>(
        r#"{"total":1,"charges":[],"patient":{"firstName":"J","address":{"line1":"x","zip":"9"}}}"#,
    );
    same::<Answer>(r#"{"total":1,"charges":[],"patient":{"firstName":null,"address":{}}}"#);
    same::<Answer>(r#"{"total":1,"charges":[],"tags":{"a":1,"b":300}}"#);
    same::<Answer>(r#"{"total":1,"charges":[],"grid":[[1],[2,"x"]]}"#);
    same::<Answer>(r#"{"total":1,"charges":[],"grid":[[1],{"k":1}]}"#);
    same::<Answer>(r#"[1,2]"#);
    same::<Answer>(r#""text""#);
    // An unknown enum value.
    same::<Answer>(r#"{"total":1,"charges":[{"id":"c1","amount":5,"status":"void"}]}"#);
    // Missing fields: at the top level, in an array element, nested.
    same::<Answer>(r#"{"charges":[]}"#);
    same::<Answer>(r#"{"total":1,"charges":[{"id":"c1"}]}"#);
    same::<Answer>(&format!(
        r#"{{"total":1,"charges":[{OK_ITEM},{{"amount":5}}]}}"#
    ));
    same::<Answer>(
        r#"{"total":1,"charges":[],"patient":{"firstName":"J","address":{"line1":"x"}}}"#,
    );
    same::<Answer>(
        "{\n  \"total\": 1,\n  \"charges\": [\n    {\"id\": \"c1\",\n     \"amount\": true}\n  ]\n}",
    );
    // A repeated field; an unknown field where they are refused.
    same::<Answer>(r#"{"total":1,"total":2,"charges":[]}"#);
    same::<Answer>(r#"{"total":1,"charges":[{"id":"a","id":"b","amount":1}]}"#);
    same::<Strict>(r#"{"id":"a","other":1}"#);
    // Escapes and non-ASCII text before the error.
    same::<Answer>(
        r#"{"extra":{"k\"ey":"v\\\"al","é":"ü"},"total":1,"charges":[{"id":"a\"b","amount":"x"}]}"#,
    );
    same::<Answer>(r#"{"t\u00f6tal":1,"total":"ü","charges":[]}"#);
    // Truncated inside values at every depth.
    same::<Answer>(r#"{"total":1,"charges":[{"id":"c1","amount":"#);
    same::<Answer>(r#"{"total":1,"charges":[{"id":"c"#);
    same::<Answer>(r#"{"total":1,"charges":["#);
    same::<Answer>(r#"{"total":1,"charges":[{"id":"c1","amount":5},"#);
    same::<Answer>(r#"{"total":"#);
    // Syntax errors inside a value.
    same::<Answer>(r#"{"total":1,"charges":[{"id":"c1","amount":}]}"#);
    same::<Answer>(r#"{"total":1,"charges":[1,]}"#);
    same::<Answer>(r#"{"total":tru,"charges":[]}"#);
    // Checks that run after the value was read: the last member of an object, a member
    // followed by others, inside arrays and nested objects.
    let ok = r#"{"amount": {"minor": 1, "currency": "USD"}, "zip": "12345"}"#;
    same::<Checked>(&ok.replace("12345", "1"));
    same::<Checked>(&ok.replace("USD", "EUR"));
    same::<Checked>(&ok.replace("USD", "EUR").replace(' ', ""));
    same::<Vec<Checked>>(&format!("[{ok}, {}]", ok.replace("12345", "1")));
    same::<Vec<Checked>>(&format!("[{},{ok}]", ok.replace("USD", "EUR")));
    let held = format!(r#"{{"a": {ok}, "b": 1}}"#);
    same::<HoldsChecked>(&held.replace("USD", "EUR"));
    same::<HoldsChecked>(&format!(r#"{{"b": 1, "a": {}}}"#, ok.replace("12345", "1")));
    assert_eq!(MISMATCHES.load(std::sync::atomic::Ordering::Relaxed), 0);
}

/// The one data error where the scanner names less than path tracking: a check of an
/// object's last member, when a `,` follows the object, lands where a check of the object
/// itself lands; the object (which holds the failed value) is named.
#[test]
fn a_check_of_an_objects_last_member_before_a_comma_names_the_object() {
    let body = r#"{"a": {"amount": {"minor": 1, "currency": "USD"}, "zip": "1"}, "b": 1}"#;
    assert_eq!(tracked::<HoldsChecked>(body), "at `a.zip`");
    assert_eq!(scanned::<HoldsChecked>(body), "at `a`");
}

/// Syntax errors between members: path tracking names no member there (`?` for a key
/// it could not capture); the scanner names the member the error follows or is in.
#[test]
fn syntax_errors_between_members_name_the_member_the_scan_was_in() {
    let cases = [
        // Missing comma after `total`'s value.
        (r#"{"total":1 "charges":[]}"#, "at `total`"),
        // A key cut off: the member never began, the object is named.
        (r#"{"total":1,"char"#, "at top level"),
        // A key with no colon.
        (r#"{"total" 1}"#, "at top level"),
        // Trailing characters after the document.
        (r#"{"total":1,"charges":[]} x"#, "at top level"),
        // A missing comma inside an element.
        (
            r#"{"total":1,"charges":[{"id":"c1" "amount":5}]}"#,
            "at `charges[0].id`",
        ),
        // Cut off after a member's value; a stray byte after it (path tracking: `charges[0].?`).
        (
            r#"{"total":1,"charges":[{"id":"c1","amount":5"#,
            "at `charges[0].amount`",
        ),
        (
            r#"{"total":1,"charges":[{"id":"c1","amount":5x}]}"#,
            "at `charges[0].amount`",
        ),
        // A bare word as a key.
        (r#"{"total":1,"charges":[{id:"c1"}]}"#, "at `charges[0]`"),
    ];
    for (body, want) in cases {
        assert_eq!(scanned::<Answer>(body), want, "body: {body}");
    }
}

/// Every prefix and many one-byte corruptions of valid answers: an error with a
/// location, never a panic.
#[test]
fn prefixes_and_corruptions_never_panic() {
    let docs = [
        r#"{"total":1,"charges":[{"id":"c\"1","amount":5,"note":"é"},{"id":"c2","amount":6}],"tags":{"a":1},"grid":[[1,2],[3]]}"#,
        "{\n \"total\": 1,\n \"charges\": [],\n \"extra\": {\"a\": [null, true, {\"b\": \"\\u00e9\"}]}\n}",
    ];
    for doc in docs {
        assert!(decode_json::<Answer>(doc.as_bytes()).is_ok(), "{doc}");
        for cut in 1..doc.len() {
            let Some(prefix) = doc.get(..cut) else {
                continue;
            };
            let msg = decode_json::<Answer>(prefix.as_bytes())
                .err()
                .expect(prefix);
            assert!(msg.contains(" at "), "{prefix}: {msg}");
        }
        let bytes = doc.as_bytes();
        for at in 0..bytes.len() {
            for with in [b'"', b'{', b']', b',', b':', b'\\', b'x'] {
                let mut broken = bytes.to_vec();
                broken[at] = with;
                if let Err(msg) = decode_json::<Answer>(&broken) {
                    assert!(msg.contains(" at ") || msg.contains("not UTF-8"), "{msg}");
                }
            }
        }
    }
}
