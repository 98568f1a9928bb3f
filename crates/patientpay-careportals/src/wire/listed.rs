//! The list answer as the unified model reads it: a borrowed view of each method.
//!
//! [`PaymentMethod`](super::PaymentMethod) mirrors the whole Stripe object, owned and typed,
//! for [`list_payment_methods_raw`](crate::CarePortals::list_payment_methods_raw). The
//! capability's `list_payment_methods` needs only a dozen of its fields, plus every other
//! field kept as the vendor sent it: building the full owned model and serializing most of
//! it back into `vendor_data` cost 3.4× the allocations of a hand-written client (see
//! docs/performance.md). This view reads each key once: the fields the map uses are
//! borrowed from the body where no JSON escape forces a copy, and every field kept for
//! `vendor_data` is copied as its JSON text into one string ([`VendorDataBuilder`]),
//! parsed only if a caller looks inside.
//!
//! It must be decoded from JSON text in memory (`serde_json::from_str`/`from_slice`), which
//! is what the pipeline does: `vendor_data` parts are captured as [`RawValue`]s.

use std::fmt;

use patientpay_core::{VendorData, VendorDataBuilder};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::PaymentMethodType;
use super::stripe::number_or_string;

/// A JSON string, borrowed from the body unless it holds an escape (core's [`JsonText`]).
pub(crate) use patientpay_core::JsonText as Text;

/// `text.non_empty()` through an `Option`.
pub(crate) fn non_empty(t: &Option<Text<'_>>) -> Option<String> {
    t.as_ref().and_then(Text::non_empty)
}

/// The parts of Stripe's `card` the unified model reads.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CardView<'a> {
    #[serde(default, borrow)]
    pub(crate) brand: Option<Text<'a>>,
    #[serde(default, deserialize_with = "number_or_string")]
    pub(crate) exp_month: Option<u16>,
    #[serde(default, deserialize_with = "number_or_string")]
    pub(crate) exp_year: Option<u16>,
    #[serde(default, borrow)]
    pub(crate) fingerprint: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) funding: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) last4: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) wallet: Option<WalletView<'a>>,
}

/// Stripe's `card.wallet`: its type and the device's last four digits. Some wallets
/// (Masterpass, Visa Checkout) also carry the payer's name, e-mail and addresses, which
/// this crate does not hold: they are dropped from the kept `card` too.
#[derive(Debug, Deserialize)]
pub(crate) struct WalletView<'a> {
    #[serde(rename = "type", borrow)]
    pub(crate) kind: Text<'a>,
    #[serde(default, borrow)]
    pub(crate) dynamic_last4: Option<Text<'a>>,
}

/// The parts of a bank-debit object the unified model reads.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct BankView<'a> {
    #[serde(default, borrow)]
    pub(crate) last4: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) fingerprint: Option<Text<'a>>,
}

/// Stripe's `billing_details` (PHI: never kept in `vendor_data`).
#[derive(Default, Deserialize)]
pub(crate) struct BillingView<'a> {
    #[serde(default, borrow)]
    pub(crate) address: Option<AddressView<'a>>,
    #[serde(default, borrow)]
    pub(crate) email: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) name: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) phone: Option<Text<'a>>,
}

impl fmt::Debug for BillingView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BillingView(<redacted>)")
    }
}

/// Stripe's address (PHI).
#[derive(Default, Deserialize)]
pub(crate) struct AddressView<'a> {
    #[serde(default, borrow)]
    pub(crate) city: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) country: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) line1: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) line2: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) postal_code: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) state: Option<Text<'a>>,
}

/// One listed method, as the map reads it.
#[derive(Debug)]
pub(crate) struct ListedMethod<'a> {
    pub(crate) id: Option<Text<'a>>,
    /// `"object": "payment_method"`.
    pub(crate) stripe_object: bool,
    pub(crate) kind: PaymentMethodType,
    pub(crate) last4: Option<Text<'a>>,
    pub(crate) exp: Option<Text<'a>>,
    pub(crate) billing_details: Option<BillingView<'a>>,
    pub(crate) card: Option<CardView<'a>>,
    /// `us_bank_account`, `sepa_debit`, `bacs_debit`, `au_becs_debit`, `acss_debit`, in
    /// that order.
    pub(crate) banks: [Option<BankView<'a>>; 5],
    pub(crate) created: Option<i64>,
    pub(crate) customer: Option<Text<'a>>,
    /// Every field the unified model does not type, as sent (see the module docs).
    pub(crate) kept: VendorData,
}

const BANK_KEYS: [&str; 5] = [
    "us_bank_account",
    "sepa_debit",
    "bacs_debit",
    "au_becs_debit",
    "acss_debit",
];

impl<'de: 'a, 'a> Deserialize<'de> for ListedMethod<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ListedVisitor)
    }
}

struct ListedVisitor;

/// Reads a field once; a repeated key is an error, as with [`super::PaymentMethod`].
fn once<'de, A: de::MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    seen: &mut bool,
    name: &'static str,
) -> Result<(), A::Error> {
    if std::mem::replace(seen, true) {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = map.next_value()?;
    Ok(())
}

/// Parses a typed view out of a kept part.
fn view<'a, T: Deserialize<'a>, E: de::Error>(raw: &'a RawValue) -> Result<Option<T>, E> {
    serde_json::from_str::<Option<T>>(raw.get()).map_err(E::custom)
}

impl<'de> Visitor<'de> for ListedVisitor {
    type Value = ListedMethod<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a payment method object")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<ListedMethod<'de>, A::Error> {
        let mut out = ListedMethod {
            id: None,
            stripe_object: false,
            kind: PaymentMethodType::Unknown(String::new()),
            last4: None,
            exp: None,
            billing_details: None,
            card: None,
            banks: [None, None, None, None, None],
            created: None,
            customer: None,
            kept: VendorData::default(),
        };
        let mut kind: Option<PaymentMethodType> = None;
        // Which keys were seen (duplicates are refused) — one flag per typed key.
        let mut seen = [false; 7 + MODELLED_KEPT.len()];
        let mut kept = VendorDataBuilder::with_capacity(1024);
        while let Some(key) = map.next_key::<Text<'de>>()? {
            let k: &str = &key.0;
            match k {
                "id" => once(&mut map, &mut out.id, &mut seen[0], "id")?,
                "type" => {
                    if std::mem::replace(&mut seen[1], true) {
                        return Err(de::Error::duplicate_field("type"));
                    }
                    kind = Some(map.next_value()?);
                }
                "last4" => once(&mut map, &mut out.last4, &mut seen[2], "last4")?,
                "exp" => once(&mut map, &mut out.exp, &mut seen[3], "exp")?,
                "billing_details" => once(
                    &mut map,
                    &mut out.billing_details,
                    &mut seen[4],
                    "billing_details",
                )?,
                "created" => once(&mut map, &mut out.created, &mut seen[5], "created")?,
                "customer" => once(&mut map, &mut out.customer, &mut seen[6], "customer")?,
                _ => {
                    // Kept as sent. A typed key of the owned model may not repeat (as
                    // there); an unknown one may, the last wins (as there).
                    if let Some(i) = MODELLED_KEPT.iter().position(|m| *m == k)
                        && std::mem::replace(&mut seen[7 + i], true)
                    {
                        return Err(de::Error::duplicate_field(MODELLED_KEPT[i]));
                    }
                    let raw: &'de RawValue = map.next_value()?;
                    match k {
                        "object" => {
                            let o: Option<Text<'de>> = view::<Text<'de>, A::Error>(raw)?;
                            out.stripe_object = o.is_some_and(|o| o.0 == "payment_method");
                        }
                        "card" => out.card = view(raw)?,
                        _ => {
                            if let Some(i) = BANK_KEYS.iter().position(|b| *b == k) {
                                out.banks[i] = view(raw)?;
                            }
                        }
                    }
                    if let Some(wallet) = out.card.as_ref().and_then(|c| c.wallet.as_ref())
                        && k == "card"
                    {
                        // Rare (a wallet card): parse it to keep the wallet's type and
                        // device digits only.
                        let mut card: serde_json::Map<String, serde_json::Value> =
                            serde_json::from_str(raw.get()).map_err(de::Error::custom)?;
                        card.insert(
                            "wallet".into(),
                            serde_json::json!({
                                "type": wallet.kind.0,
                                "dynamic_last4": wallet.dynamic_last4.as_ref().map(|t| &t.0),
                            }),
                        );
                        kept.push(k, &card);
                    } else if raw.get() != "null" || !MODELLED_KEPT.contains(&k) {
                        // A null the owned model reads as "absent" is not kept, as there.
                        kept.push_raw(k, raw);
                    }
                }
            }
        }
        out.kind = kind.ok_or_else(|| de::Error::missing_field("type"))?;
        out.kept = kept.finish();
        Ok(out)
    }
}

/// Keys the owned model types but the unified model keeps as sent: a `null` there means
/// "absent" and is not kept; a repeated one is an error.
const MODELLED_KEPT: [&str; 12] = [
    "object",
    "allow_redisplay",
    "card",
    "us_bank_account",
    "sepa_debit",
    "bacs_debit",
    "au_becs_debit",
    "acss_debit",
    "link",
    "cashapp",
    "livemode",
    "metadata",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(json: &str) -> Vec<ListedMethod<'_>> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn strings_are_borrowed_unless_escaped() {
        let body = r#"[{"id":"pm_1","type":"card","last4":"42\u0034"}]"#;
        let l = listed(body);
        assert!(matches!(
            l[0].id.as_ref().unwrap().0,
            std::borrow::Cow::Borrowed("pm_1")
        ));
        assert_eq!(l[0].last4.as_ref().unwrap().0, "424");
        assert!(matches!(
            l[0].last4.as_ref().unwrap().0,
            std::borrow::Cow::Owned(_)
        ));
    }

    #[test]
    fn kept_parts_are_the_vendor_text() {
        let body = r#"[{"id":"pm_1","type":"card","object":"payment_method","card":{"brand":"visa","newField":{"x":1}},"link":null,"radar_options":null,"billing_details":{"name":"Maria Rivera"}}]"#;
        let l = listed(body);
        let m = &l[0];
        assert!(m.stripe_object);
        assert_eq!(m.card.as_ref().unwrap().brand.as_ref().unwrap().0, "visa");
        assert_eq!(
            m.kept.raw_json(),
            Some(
                r#"{"object":"payment_method","card":{"brand":"visa","newField":{"x":1}},"radar_options":null}"#
            ),
            "billing details never kept; a modelled null dropped; an unknown null kept"
        );
    }

    #[test]
    fn parts_the_model_does_not_read_are_kept_whatever_their_type() {
        let l = listed(r#"[{"type":"card","livemode":"yes","x":1,"x":2}]"#);
        assert_eq!(l[0].kept["livemode"], "yes");
        assert_eq!(l[0].kept["x"], 2, "a repeated unknown key: the last wins");
    }

    #[test]
    fn a_wallet_keeps_its_type_and_device_digits_only() {
        let l = listed(
            r#"[{"type":"card","card":{"brand":"visa","wallet":{"type":"masterpass","dynamic_last4":"1111","masterpass":{"email":"maria@example.com","name":"Maria Rivera","billing_address":{"line1":"1 Main St"}}}}}]"#,
        );
        let kept = serde_json::to_string(&l[0].kept).unwrap();
        assert_eq!(
            l[0].kept["card"]["wallet"],
            serde_json::json!({"type": "masterpass", "dynamic_last4": "1111"})
        );
        assert_eq!(l[0].kept["card"]["brand"], "visa");
        for phi in ["maria@example.com", "Maria Rivera", "1 Main St"] {
            assert!(!kept.contains(phi), "{phi} kept");
        }
    }

    #[test]
    fn the_owned_model_rules_hold() {
        for (bad, why) in [
            (r#"[{"id":"pm_1"}]"#, "missing field `type`"),
            (
                r#"[{"type":"card","type":"card"}]"#,
                "duplicate field `type`",
            ),
            (
                r#"[{"type":"card","card":{},"card":{}}]"#,
                "duplicate field `card`",
            ),
            (r#"[{"type":"card","card":{"brand":5}}]"#, "invalid type"),
            (r#"[{"type":"card","object":7}]"#, "invalid type"),
        ] {
            let err = serde_json::from_str::<Vec<ListedMethod<'_>>>(bad).unwrap_err();
            assert!(err.to_string().contains(why), "{bad}: {err}");
        }
    }
}
