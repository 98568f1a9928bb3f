//! Wire ⇄ domain: the only place CarePortals' JSON meets patientpay's unified types.
//!
//! ## Which processor holds a method
//! CarePortals does not say. The rule used here: an id (or token) shaped like a Stripe
//! object id — `pm_…`, `card_…`, `ba_…` or `src_…` — or an object that says
//! `"object": "payment_method"` is a Stripe method; anything else is an NMI method (NMI
//! payment tokens and vault ids have no such prefix).
//!
//! ## Which id an added method gets
//! The add answer (`{last4, type, exp}`) has no id. For a Stripe `pm_…` id, CarePortals
//! attaches that very PaymentMethod to the patient's Stripe customer, so the saved method's
//! id is the token. Stripe's test tokens (`pm_card_visa`…) create a new PaymentMethod on
//! each use, and an NMI token is exchanged for a vault entry: the answer carries neither id,
//! so the id is `None` then (list the methods to learn it).

use patientpay_core::time::OffsetDateTime;
use patientpay_core::{
    BillingDetails, CardBrand, PartialAddress, PaymentMethodKind, Processor, SavedPaymentMethod,
    VendorData,
};

use crate::wire;
use crate::wire::listed::{BankView, BillingView, ListedMethod, non_empty};

/// The processor behind a method with this id or token (see the module docs).
pub(crate) fn processor_for_id(id: &str) -> Processor {
    const STRIPE_PREFIXES: [&str; 4] = ["pm_", "card_", "ba_", "src_"];
    if STRIPE_PREFIXES
        .iter()
        .any(|p| id.starts_with(p) && id.len() > p.len())
    {
        Processor::Stripe
    } else {
        Processor::Nmi
    }
}

/// `true` for a Stripe PaymentMethod id (`pm_…`), which is attached as is and so names the
/// saved method. Stripe's test tokens (`pm_card_visa`, `pm_card_chargeDeclined`…) are not:
/// each use creates a new PaymentMethod with its own id, which CarePortals' add answer does
/// not return — list the methods to find it.
pub(crate) fn is_attachable_stripe_id(token: &str) -> bool {
    token
        .strip_prefix("pm_")
        .is_some_and(|rest| !rest.is_empty())
        && !token.starts_with("pm_card_")
}

/// The unified kind of a Stripe/CarePortals method type.
pub(crate) fn kind_for(kind: &wire::PaymentMethodType) -> PaymentMethodKind {
    use wire::PaymentMethodType as T;
    match kind {
        T::Card => PaymentMethodKind::Card,
        T::UsBankAccount | T::SepaDebit | T::BacsDebit | T::AuBecsDebit | T::AcssDebit => {
            PaymentMethodKind::BankAccount
        }
        T::Link
        | T::Cashapp
        | T::Paypal
        | T::AmazonPay
        | T::RevolutPay
        | T::Klarna
        | T::Affirm
        | T::AfterpayClearpay => PaymentMethodKind::Wallet,
        other => PaymentMethodKind::from_wire(other.as_str()),
    }
}

/// Parses CarePortals' `exp` (`"4/2029"`, `"04/29"`). Anything else is `None`.
pub(crate) fn parse_exp(exp: &str) -> Option<(u8, u16)> {
    let (month, year) = exp.trim().split_once('/')?;
    let month: u8 = month.trim().parse().ok().filter(|m| (1..=12).contains(m))?;
    let year_text = year.trim();
    let year: u16 = year_text.parse().ok()?;
    let year = match year_text.len() {
        2 => 2000 + year,
        4 if year >= 1000 => year,
        _ => return None,
    };
    Some((month, year))
}

fn valid_month(m: u16) -> Option<u8> {
    u8::try_from(m).ok().filter(|m| (1..=12).contains(m))
}

fn valid_year(y: u16) -> Option<u16> {
    (1000..=9999).contains(&y).then_some(y)
}

fn non_empty_str(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The last four digits: CarePortals' top-level `last4`, else the type's own object (the
/// card, a bank account, or — for a type this crate does not model — the object Stripe
/// nests under the type's name, read from the kept fields).
fn last4_of(pm: &ListedMethod<'_>) -> Option<String> {
    non_empty(&pm.last4)
        .or_else(|| pm.card.as_ref().and_then(|c| non_empty(&c.last4)))
        .or_else(|| banks(pm).find_map(|b| non_empty(&b.last4)))
        .or_else(|| {
            pm.kept
                .get(pm.kind.as_str())
                .and_then(|o| o.get("last4"))
                .and_then(|v| v.as_str())
                .and_then(|s| non_empty_str(Some(s)))
        })
}

/// The bank-debit objects present, in the order `us_bank_account`, `sepa_debit`,
/// `bacs_debit`, `au_becs_debit`, `acss_debit`.
fn banks<'p, 'a>(pm: &'p ListedMethod<'a>) -> impl Iterator<Item = &'p BankView<'a>> {
    pm.banks.iter().flatten()
}

fn billing_details(b: &BillingView<'_>) -> Option<BillingDetails> {
    let address = b.address.as_ref().and_then(|a| {
        let mut out = PartialAddress::default();
        out.line1 = non_empty(&a.line1);
        out.line2 = non_empty(&a.line2);
        out.city = non_empty(&a.city);
        out.state = non_empty(&a.state);
        out.postal_code = non_empty(&a.postal_code);
        out.country = non_empty(&a.country);
        (out != PartialAddress::default()).then_some(out)
    });
    let mut out = BillingDetails::default();
    out.name = non_empty(&b.name);
    out.email = non_empty(&b.email);
    out.phone = non_empty(&b.phone);
    out.address = address;
    (out != BillingDetails::default()).then_some(out)
}

/// A listed method in the unified form.
///
/// Typed: id, kind, brand, last4, expiry, processor, fingerprint (the card's, else the
/// bank account's), funding, wallet type, customer, created time, billing details.
/// [`vendor_data`](SavedPaymentMethod::vendor_data) keeps every other top-level field as
/// sent — `object`, `allow_redisplay`, `livemode`, `metadata`, the type's own object
/// (`card` with its checks, country and networks, `us_bank_account`, `link`...),
/// `radar_options` and anything Stripe adds later — as JSON text, parsed only when read.
/// Billing details are not repeated there.
pub(crate) fn saved_from_listed(pm: ListedMethod<'_>) -> SavedPaymentMethod {
    let id = non_empty(&pm.id);
    let processor = match id.as_deref() {
        _ if pm.stripe_object => Processor::Stripe,
        Some(id) => processor_for_id(id),
        None => Processor::Nmi,
    };
    let mut out = SavedPaymentMethod::new(kind_for(&pm.kind), processor);
    out.id = id;
    out.last4 = last4_of(&pm);
    let card = pm.card.as_ref();
    out.brand = card
        .and_then(|c| c.brand.as_ref())
        .map(|b| CardBrand::from_wire(&b.0));
    let card_exp = card.and_then(|c| Some((valid_month(c.exp_month?)?, valid_year(c.exp_year?)?)));
    if let Some((m, y)) = card_exp.or_else(|| pm.exp.as_ref().and_then(|e| parse_exp(&e.0))) {
        out.exp_month = Some(m);
        out.exp_year = Some(y);
    }
    out.fingerprint = card
        .and_then(|c| non_empty(&c.fingerprint))
        .or_else(|| banks(&pm).find_map(|b| non_empty(&b.fingerprint)));
    out.funding = card
        .and_then(|c| c.funding.as_ref())
        .map(|f| f.0.clone().into_owned());
    out.wallet = card
        .and_then(|c| c.wallet.as_ref())
        .map(|w| w.kind.0.clone().into_owned());
    out.customer = non_empty(&pm.customer);
    out.created_at = pm
        .created
        .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok());
    out.billing_details = pm.billing_details.as_ref().and_then(billing_details);
    out.vendor_data = pm.kept;
    out
}

/// The list answer mapped as it is read: each listed method becomes a
/// [`SavedPaymentMethod`] as soon as its object is parsed, so no vector of views (each
/// several hundred bytes of borrowed fields) is built and walked again.
#[derive(Debug)]
pub(crate) struct SavedList(pub(crate) Vec<SavedPaymentMethod>);

impl<'de> serde::Deserialize<'de> for SavedList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Methods;
        impl<'de> serde::de::Visitor<'de> for Methods {
            type Value = SavedList;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of payment methods")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<SavedList, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(pm) = seq.next_element::<ListedMethod<'de>>()? {
                    out.push(saved_from_listed(pm));
                }
                Ok(SavedList(out))
            }
        }
        d.deserialize_seq(Methods)
    }
}

/// An added method in the unified form; `token` is the token that was sent. Fields of the
/// answer beyond `{last4, type, exp}` stay in `vendor_data`.
pub(crate) fn saved_from_added(added: wire::AddedPaymentMethod, token: &str) -> SavedPaymentMethod {
    let token = token.trim();
    let mut out = SavedPaymentMethod::new(kind_for(&added.kind), processor_for_id(token));
    out.id = is_attachable_stripe_id(token).then(|| token.to_owned());
    out.last4 = non_empty_str(added.last4.as_deref());
    if let Some((m, y)) = added.exp.as_deref().and_then(parse_exp) {
        out.exp_month = Some(m);
        out.exp_year = Some(y);
    }
    out.vendor_data = VendorData::from_map(added.other);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pm(json: &str) -> ListedMethod<'_> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn the_list_is_mapped_as_read_like_views_mapped_after() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/list_doc.json"
        ))
        .unwrap();
        let views: Vec<ListedMethod<'_>> = serde_json::from_str(&text).unwrap();
        let after: Vec<SavedPaymentMethod> = views.into_iter().map(saved_from_listed).collect();
        let SavedList(as_read) = serde_json::from_str(&text).unwrap();
        assert!(!as_read.is_empty());
        assert_eq!(as_read, after);
        // A bad element fails the list, and the decode error names it.
        let e = patientpay_core::http::decode_json::<SavedList>(
            br#"[{"id":"pm_1","type":"card"},{"id":"pm_2"}]"#,
        )
        .unwrap_err();
        assert!(e.contains("missing field `type` at `[1]`"), "{e}");
        assert!(
            serde_json::from_str::<SavedList>(r#"{"id":"pm_1"}"#)
                .unwrap_err()
                .to_string()
                .contains("a list of payment methods")
        );
    }

    #[test]
    fn reconciliation_fields_are_typed_and_the_rest_is_kept() {
        let s = saved_from_listed(pm(std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/list_doc.json"
        ))
        .unwrap()
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')));
        assert_eq!(s.fingerprint.as_deref(), Some("wkxxH2W0e4S1mvIM"));
        assert_eq!(s.funding.as_deref(), Some("credit"));
        assert_eq!(s.wallet, None);
        assert_eq!(s.customer.as_deref(), Some("cus_Rwr5mZerq1Q2VL"));
        assert_eq!(
            s.created_at.map(|t| t.unix_timestamp()),
            Some(1_755_915_879)
        );
        let mut keys: Vec<&str> = s.vendor_data.as_map().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "allow_redisplay",
                "card",
                "livemode",
                "metadata",
                "object",
                "radar_options"
            ]
        );
        assert_eq!(s.vendor_data["card"]["checks"]["cvc_check"], "pass");
        // Billing details are typed (PHI) and not repeated in vendor_data.
        assert!(!s.vendor_data.as_map().contains_key("billing_details"));
        let s = saved_from_listed(pm(
            r#"{"id":"pm_1","type":"card","card":{"wallet":{"type":"apple_pay"},"funding":"debit"}}"#,
        ));
        assert_eq!(s.wallet.as_deref(), Some("apple_pay"));
        assert_eq!(s.funding.as_deref(), Some("debit"));
        let s = saved_from_listed(pm(
            r#"{"id":"pm_1","type":"us_bank_account","us_bank_account":{"fingerprint":"bfp"},"created":-99999999999999}"#,
        ));
        assert_eq!(s.fingerprint.as_deref(), Some("bfp"));
        assert_eq!(s.created_at, None, "an impossible time is dropped");
    }

    #[test]
    fn exp_forms() {
        assert_eq!(parse_exp("4/2029"), Some((4, 2029)));
        assert_eq!(parse_exp(" 04 / 2029 "), Some((4, 2029)));
        assert_eq!(parse_exp("12/29"), Some((12, 2029)));
        for bad in [
            "", "13/2029", "0/2029", "4-2029", "4/", "/2029", "a/b", "4/202", "4/20290", "4/0999",
            "4/2029/1",
        ] {
            assert_eq!(parse_exp(bad), None, "{bad}");
        }
    }

    #[test]
    fn processor_rule() {
        for stripe in [
            "pm_1Rz78FKeCoUxIkZxXhFa0HlF",
            "card_1AB",
            "ba_1AB",
            "src_1",
            "pm_card_visa",
        ] {
            assert_eq!(processor_for_id(stripe), Processor::Stripe, "{stripe}");
        }
        for nmi in [
            "00000000-000000-000000-000000000000",
            "7281930",
            "pm_",
            "pi_1Rz78",
            "PM_1",
        ] {
            assert_eq!(processor_for_id(nmi), Processor::Nmi, "{nmi}");
        }
    }

    #[test]
    fn attachable_ids() {
        assert!(is_attachable_stripe_id("pm_1Rz78FKeCoUxIkZxXhFa0HlF"));
        // Stripe's test tokens create a new PaymentMethod with its own id on each use.
        for not in [
            "pm_",
            "card_1",
            "nmi-token",
            "PM_1",
            "pm_card_visa",
            "pm_card_chargeDeclined",
        ] {
            assert!(!is_attachable_stripe_id(not), "{not}");
        }
    }

    #[test]
    fn card_fields_win_over_exp_and_bad_card_falls_back() {
        let s = saved_from_listed(pm(
            r#"{"id":"pm_1","type":"card","exp":"1/2030","card":{"brand":"visa","exp_month":4,"exp_year":2029,"last4":"4242"}}"#,
        ));
        assert_eq!((s.exp_month, s.exp_year), (Some(4), Some(2029)));
        assert_eq!(s.last4.as_deref(), Some("4242"));
        let s = saved_from_listed(pm(
            r#"{"id":"pm_1","type":"card","exp":"1/2030","card":{"exp_month":"13","exp_year":"2029"}}"#,
        ));
        assert_eq!((s.exp_month, s.exp_year), (Some(1), Some(2030)));
        let s = saved_from_listed(pm(r#"{"id":"x1","type":"card","exp":"garbage"}"#));
        assert_eq!((s.exp_month, s.exp_year), (None, None));
        assert_eq!(s.processor, Processor::Nmi);
    }

    #[test]
    fn kinds() {
        assert_eq!(
            kind_for(&wire::PaymentMethodType::Card),
            PaymentMethodKind::Card
        );
        assert_eq!(
            kind_for(&wire::PaymentMethodType::UsBankAccount),
            PaymentMethodKind::BankAccount
        );
        assert_eq!(
            kind_for(&wire::PaymentMethodType::Cashapp),
            PaymentMethodKind::Wallet
        );
        assert_eq!(
            kind_for(&wire::PaymentMethodType::from_wire("crypto")),
            PaymentMethodKind::Unknown("crypto".into())
        );
    }

    #[test]
    fn last4_from_type_objects() {
        let s = saved_from_listed(pm(
            r#"{"id":"pm_1","type":"us_bank_account","us_bank_account":{"last4":"6789"}}"#,
        ));
        assert_eq!(s.last4.as_deref(), Some("6789"));
        assert_eq!(s.kind, PaymentMethodKind::BankAccount);
        let s = saved_from_listed(pm(
            r#"{"id":"pm_1","type":"new_thing","new_thing":{"last4":"1111"}}"#,
        ));
        assert_eq!(s.last4.as_deref(), Some("1111"));
        let s = saved_from_listed(pm(
            r#"{"id":"pm_1","type":"link","last4":" ","link":{"email":"a@b.c"}}"#,
        ));
        assert_eq!(s.last4, None);
    }

    #[test]
    fn empty_billing_details_are_dropped() {
        let s = saved_from_listed(pm(
            r#"{"id":"pm_1","type":"card","billing_details":{"address":{"city":null,"country":null},"email":null,"name":null,"phone":null}}"#,
        ));
        assert_eq!(s.billing_details, None);
        let s = saved_from_listed(pm(
            r#"{"id":"pm_1","type":"card","billing_details":{"address":{"postal_code":"94105"},"name":" "}}"#,
        ));
        let b = s.billing_details.unwrap();
        assert_eq!(b.name, None);
        assert_eq!(b.address.unwrap().postal_code.as_deref(), Some("94105"));
    }

    #[test]
    fn added_ids() {
        let added: wire::AddedPaymentMethod =
            serde_json::from_str(r#"{"last4":"0101","type":"card","exp":"9/2028"}"#).unwrap();
        let s = saved_from_added(added.clone(), "pm_1Rz78FKeCoUxIkZxXhFa0HlF");
        assert_eq!(s.id.as_deref(), Some("pm_1Rz78FKeCoUxIkZxXhFa0HlF"));
        assert_eq!(s.processor, Processor::Stripe);
        assert_eq!((s.exp_month, s.exp_year), (Some(9), Some(2028)));
        let s = saved_from_added(added.clone(), "pm_card_visa");
        assert_eq!((s.id.as_deref(), s.processor), (None, Processor::Stripe));
        let s = saved_from_added(added.clone(), "00000000-000000-000000-000000000000");
        assert_eq!((s.id, s.processor), (None, Processor::Nmi));
        let bad: wire::AddedPaymentMethod =
            serde_json::from_str(r#"{"type":"card","exp":"soon"}"#).unwrap();
        let s = saved_from_added(bad, "tok");
        assert_eq!((s.exp_month, s.exp_year, s.last4), (None, None, None));
    }

    proptest::proptest! {
        #[test]
        fn any_exp_text_parses_or_is_none(text in "\\PC{0,12}") {
            if let Some((m, y)) = parse_exp(&text) {
                proptest::prop_assert!((1..=12).contains(&m));
                proptest::prop_assert!((1000..=9999).contains(&y));
            }
        }

        #[test]
        fn any_listed_shape_maps_without_panicking(
            id in proptest::option::of("\\PC{0,10}"),
            kind in "[a-z_]{0,12}",
            last4 in proptest::option::of("\\PC{0,6}"),
            exp in proptest::option::of("\\PC{0,8}"),
            month in proptest::option::of(-5i64..100_000),
            year in proptest::option::of("\\PC{0,6}"),
        ) {
            let json = serde_json::json!({
                "id": id, "type": kind, "last4": last4, "exp": exp,
                "card": {"exp_month": month, "exp_year": year, "last4": last4},
            });
            let text = json.to_string();
            let method: ListedMethod<'_> = serde_json::from_str(&text).unwrap();
            let saved = saved_from_listed(method);
            if let Some(m) = saved.exp_month {
                proptest::prop_assert!((1..=12).contains(&m));
                proptest::prop_assert!(saved.exp_year.is_some());
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic_the_decoder(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..256)) {
            let _ = patientpay_core::http::decode_json::<Vec<wire::PaymentMethod>>(&bytes);
            let _ = patientpay_core::http::decode_json::<Vec<ListedMethod<'_>>>(&bytes);
            let _ = patientpay_core::http::decode_json::<SavedList>(&bytes);
            let _ = patientpay_core::http::decode_json::<wire::AddedPaymentMethod>(&bytes);
            let _ = patientpay_core::http::decode_json::<wire::RemovalResult>(&bytes);
        }
    }
}
