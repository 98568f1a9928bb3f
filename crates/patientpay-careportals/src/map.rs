//! Wire ⇄ domain: the only place CarePortals' JSON meets patientpay's unified types.
//!
//! ## Which processor holds a method
//! CarePortals does not say. The rule used here: an id (or token) shaped like a Stripe
//! object id — `pm_…`, `card_…`, `ba_…` or `src_…` — or an object that says
//! `"object": "payment_method"` is a Stripe method; anything else is an NMI method (NMI
//! payment tokens and vault ids have no such prefix).
//!
//! ## Which id an added method gets
//! The add answer (`{last4, type, exp}`) has no id. For a Stripe `pm_…` token, CarePortals
//! attaches that very PaymentMethod to the patient's Stripe customer, so the saved method's
//! id is the token. An NMI token is exchanged for a vault entry whose id the answer does not
//! carry, so the id is `None` then (list the methods to learn it).

use patientpay_core::{
    BillingDetails, CardBrand, PartialAddress, PaymentMethodKind, Processor, SavedPaymentMethod,
};

use crate::wire;

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

fn non_empty(s: &Option<String>) -> Option<String> {
    non_empty_str(s.as_deref())
}

fn non_empty_str(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// What the unified form is made of, read from either model of a listed method: the full
/// [`wire::PaymentMethod`] (`list_payment_methods_raw`) or the borrowed
/// [`wire::ListedMethod`] (`list_payment_methods`). One mapping serves both, so they
/// cannot drift apart.
pub(crate) trait Listed {
    fn id(&self) -> Option<&str>;
    fn object(&self) -> Option<&str>;
    fn kind(&self) -> &wire::PaymentMethodType;
    fn last4(&self) -> Option<&str>;
    fn exp(&self) -> Option<&str>;
    /// `card.brand`, `card.exp_month`, `card.exp_year`, `card.last4`; `None` without a card.
    fn card(&self) -> Option<CardParts<'_>>;
    /// The bank-debit objects' `last4`, in the order `us_bank_account`, `sepa_debit`,
    /// `bacs_debit`, `au_becs_debit`, `acss_debit` (`None` for an absent object).
    fn bank_last4s(&self) -> [Option<Option<&str>>; 5];
    /// `last4` of the unmodelled object named like the type.
    fn type_object_last4(&self) -> Option<&str>;
    fn billing(&self) -> Option<BillingParts<'_>>;
}

pub(crate) struct CardParts<'a> {
    brand: Option<&'a wire::CardBrand>,
    exp_month: Option<u16>,
    exp_year: Option<u16>,
    last4: Option<&'a str>,
}

pub(crate) struct BillingParts<'a> {
    name: Option<&'a str>,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    /// line1, line2, city, state, postal_code, country.
    address: Option<[Option<&'a str>; 6]>,
}

impl Listed for wire::PaymentMethod {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn object(&self) -> Option<&str> {
        self.object.as_deref()
    }
    fn kind(&self) -> &wire::PaymentMethodType {
        &self.kind
    }
    fn last4(&self) -> Option<&str> {
        self.last4.as_deref()
    }
    fn exp(&self) -> Option<&str> {
        self.exp.as_deref()
    }
    fn card(&self) -> Option<CardParts<'_>> {
        self.card.as_ref().map(|c| CardParts {
            brand: c.brand.as_ref(),
            exp_month: c.exp_month,
            exp_year: c.exp_year,
            last4: c.last4.as_deref(),
        })
    }
    fn bank_last4s(&self) -> [Option<Option<&str>>; 5] {
        [
            &self.us_bank_account,
            &self.sepa_debit,
            &self.bacs_debit,
            &self.au_becs_debit,
            &self.acss_debit,
        ]
        .map(|b| b.as_ref().map(|b| b.last4.as_deref()))
    }
    fn type_object_last4(&self) -> Option<&str> {
        self.other
            .get(self.kind.as_str())
            .and_then(|o| o.get("last4"))
            .and_then(|v| v.as_str())
    }
    fn billing(&self) -> Option<BillingParts<'_>> {
        self.billing_details.as_ref().map(|b| BillingParts {
            name: b.name.as_deref(),
            email: b.email.as_deref(),
            phone: b.phone.as_deref(),
            address: b.address.as_ref().map(|a| {
                [
                    a.line1.as_deref(),
                    a.line2.as_deref(),
                    a.city.as_deref(),
                    a.state.as_deref(),
                    a.postal_code.as_deref(),
                    a.country.as_deref(),
                ]
            }),
        })
    }
}

fn text<'a>(t: &'a Option<wire::Text<'_>>) -> Option<&'a str> {
    t.as_ref().map(|t| t.0.as_ref())
}

impl Listed for wire::ListedMethod<'_> {
    fn id(&self) -> Option<&str> {
        text(&self.id)
    }
    fn object(&self) -> Option<&str> {
        text(&self.object)
    }
    fn kind(&self) -> &wire::PaymentMethodType {
        &self.kind
    }
    fn last4(&self) -> Option<&str> {
        text(&self.last4)
    }
    fn exp(&self) -> Option<&str> {
        text(&self.exp)
    }
    fn card(&self) -> Option<CardParts<'_>> {
        self.card.as_ref().map(|c| CardParts {
            brand: c.brand.as_ref(),
            exp_month: c.exp_month,
            exp_year: c.exp_year,
            last4: text(&c.last4),
        })
    }
    fn bank_last4s(&self) -> [Option<Option<&str>>; 5] {
        [0, 1, 2, 3, 4].map(|i| self.banks[i].as_ref().map(|b| text(&b.last4)))
    }
    fn type_object_last4(&self) -> Option<&str> {
        wire::ListedMethod::type_object_last4(self)
    }
    fn billing(&self) -> Option<BillingParts<'_>> {
        self.billing_details.as_ref().map(|b| BillingParts {
            name: text(&b.name),
            email: text(&b.email),
            phone: text(&b.phone),
            address: b.address.as_ref().map(|a| {
                [
                    text(&a.line1),
                    text(&a.line2),
                    text(&a.city),
                    text(&a.state),
                    text(&a.postal_code),
                    text(&a.country),
                ]
            }),
        })
    }
}

/// The last four digits: CarePortals' top-level `last4`, else the type's own object.
fn last4_of(pm: &impl Listed) -> Option<String> {
    non_empty_str(pm.last4())
        .or_else(|| pm.card().and_then(|c| non_empty_str(c.last4)))
        .or_else(|| {
            pm.bank_last4s()
                .into_iter()
                .flatten()
                .find_map(non_empty_str)
        })
        .or_else(|| non_empty_str(pm.type_object_last4()))
}

fn billing_details(b: &BillingParts<'_>) -> Option<BillingDetails> {
    let address = b
        .address
        .and_then(|[line1, line2, city, state, postal_code, country]| {
            let mut out = PartialAddress::default();
            out.line1 = non_empty_str(line1);
            out.line2 = non_empty_str(line2);
            out.city = non_empty_str(city);
            out.state = non_empty_str(state);
            out.postal_code = non_empty_str(postal_code);
            out.country = non_empty_str(country);
            (out != PartialAddress::default()).then_some(out)
        });
    let mut out = BillingDetails::default();
    out.name = non_empty_str(b.name);
    out.email = non_empty_str(b.email);
    out.phone = non_empty_str(b.phone);
    out.address = address;
    (out != BillingDetails::default()).then_some(out)
}

/// A listed method in the unified form.
pub(crate) fn saved_from_listed(pm: &impl Listed) -> SavedPaymentMethod {
    let id = non_empty_str(pm.id());
    let stripe_object = pm.object() == Some("payment_method");
    let processor = match id.as_deref() {
        _ if stripe_object => Processor::Stripe,
        Some(id) => processor_for_id(id),
        None => Processor::Nmi,
    };
    let mut out = SavedPaymentMethod::new(kind_for(pm.kind()), processor);
    out.id = id;
    let card = pm.card();
    out.brand = card
        .as_ref()
        .and_then(|c| c.brand)
        .map(|b| CardBrand::from_wire(b.as_str()));
    out.last4 = last4_of(pm);
    let card_exp = card
        .as_ref()
        .and_then(|c| Some((valid_month(c.exp_month?)?, valid_year(c.exp_year?)?)));
    let (exp_month, exp_year) = match card_exp.or_else(|| pm.exp().and_then(parse_exp)) {
        Some((m, y)) => (Some(m), Some(y)),
        None => (None, None),
    };
    out.exp_month = exp_month;
    out.exp_year = exp_year;
    out.billing_details = pm.billing().as_ref().and_then(billing_details);
    out
}

/// An added method in the unified form; `token` is the token that was sent.
pub(crate) fn saved_from_added(
    added: &wire::AddedPaymentMethod,
    token: &str,
) -> SavedPaymentMethod {
    let token = token.trim();
    let mut out = SavedPaymentMethod::new(kind_for(&added.kind), processor_for_id(token));
    out.id = is_attachable_stripe_id(token).then(|| token.to_owned());
    out.last4 = non_empty(&added.last4);
    if let Some((m, y)) = added.exp.as_deref().and_then(parse_exp) {
        out.exp_month = Some(m);
        out.exp_year = Some(y);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pm(json: &str) -> wire::PaymentMethod {
        serde_json::from_str(json).unwrap()
    }

    /// The borrowed list view maps to exactly what the full model maps to.
    fn same_mapping(body: &str) {
        let full: Vec<wire::PaymentMethod> = serde_json::from_str(body).unwrap();
        let view: Vec<wire::ListedMethod<'_>> = serde_json::from_str(body).unwrap();
        assert_eq!(full.len(), view.len());
        for (f, v) in full.iter().zip(&view) {
            assert_eq!(saved_from_listed(f), saved_from_listed(v), "{body}");
        }
    }

    #[test]
    fn list_view_maps_like_the_full_model() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("list_") && name.ends_with(".json") {
                same_mapping(&std::fs::read_to_string(&path).unwrap());
                checked += 1;
            }
        }
        assert!(checked >= 5, "{checked} list fixtures");
        for body in [
            r#"[{"id":"pm_1","type":"paypal","paypal":{"last4":"1111"}}]"#,
            r#"[{"id":"pm_1","type":"paypal","paypal":{"last4":"1111"},"paypal":{"last4":"2222"}}]"#,
            r#"[{"id":"pm_1","type":"paypal","paypal":{"last4":7}}]"#,
            r#"[{"id":"pm_1","type":"paypal","paypal":"x","last4":" "}]"#,
            r#"[{"id":"pm_1","type":"link","link":{"email":"a@b.c","last4":"1"}}]"#,
            r#"[{"id":"1","type":"sepa_debit","sepa_debit":{"last4":"3000"},"us_bank_account":null}]"#,
            r#"[{"id":"1","type":"acss_debit","acss_debit":{"last4":""},"bacs_debit":{"last4":"12"}}]"#,
            r#"[{"id":"pm_\u0031","type":"card","card":{"brand":"visa","exp_month":"4","exp_year":2029,"last4":"4242"},
                "billing_details":{"name":"Jane \"J\" Doe","address":{"line1":" ","city":"SF"}}}]"#,
            r#"[{"id":null,"object":"payment_method","type":"card","card":{"exp_month":13,"exp_year":2029},"exp":"4/2029"}]"#,
            r#"[{"type":"card","exp":"04/29","billing_details":{}}]"#,
        ] {
            same_mapping(body);
        }
    }

    #[test]
    fn list_view_refuses_what_the_full_model_refuses_on_the_fields_it_reads() {
        for body in [
            r#"[{"id":"pm_1","type":42}]"#,
            r#"[{"id":"pm_1"}]"#,
            r#"[{"id":5,"type":"card"}]"#,
            r#"[{"id":"a","id":"b","type":"card"}]"#,
            r#"[{"type":"card","card":{"brand":1}}]"#,
            r#"[{"type":"card","billing_details":{"name":3}}]"#,
        ] {
            assert!(
                serde_json::from_str::<Vec<wire::PaymentMethod>>(body).is_err(),
                "{body}"
            );
            assert!(
                serde_json::from_str::<Vec<wire::ListedMethod<'_>>>(body).is_err(),
                "{body}"
            );
        }
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
        let s = saved_from_listed(&pm(
            r#"{"id":"pm_1","type":"card","exp":"1/2030","card":{"brand":"visa","exp_month":4,"exp_year":2029,"last4":"4242"}}"#,
        ));
        assert_eq!((s.exp_month, s.exp_year), (Some(4), Some(2029)));
        assert_eq!(s.last4.as_deref(), Some("4242"));
        let s = saved_from_listed(&pm(
            r#"{"id":"pm_1","type":"card","exp":"1/2030","card":{"exp_month":"13","exp_year":"2029"}}"#,
        ));
        assert_eq!((s.exp_month, s.exp_year), (Some(1), Some(2030)));
        let s = saved_from_listed(&pm(r#"{"id":"x1","type":"card","exp":"garbage"}"#));
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
        let s = saved_from_listed(&pm(
            r#"{"id":"pm_1","type":"us_bank_account","us_bank_account":{"last4":"6789"}}"#,
        ));
        assert_eq!(s.last4.as_deref(), Some("6789"));
        assert_eq!(s.kind, PaymentMethodKind::BankAccount);
        let s = saved_from_listed(&pm(
            r#"{"id":"pm_1","type":"new_thing","new_thing":{"last4":"1111"}}"#,
        ));
        assert_eq!(s.last4.as_deref(), Some("1111"));
        let s = saved_from_listed(&pm(
            r#"{"id":"pm_1","type":"link","last4":" ","link":{"email":"a@b.c"}}"#,
        ));
        assert_eq!(s.last4, None);
    }

    #[test]
    fn empty_billing_details_are_dropped() {
        let s = saved_from_listed(&pm(
            r#"{"id":"pm_1","type":"card","billing_details":{"address":{"city":null,"country":null},"email":null,"name":null,"phone":null}}"#,
        ));
        assert_eq!(s.billing_details, None);
        let s = saved_from_listed(&pm(
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
        let s = saved_from_added(&added, "pm_1Rz78FKeCoUxIkZxXhFa0HlF");
        assert_eq!(s.id.as_deref(), Some("pm_1Rz78FKeCoUxIkZxXhFa0HlF"));
        assert_eq!(s.processor, Processor::Stripe);
        assert_eq!((s.exp_month, s.exp_year), (Some(9), Some(2028)));
        let s = saved_from_added(&added, "pm_card_visa");
        assert_eq!((s.id.as_deref(), s.processor), (None, Processor::Stripe));
        let s = saved_from_added(&added, "00000000-000000-000000-000000000000");
        assert_eq!((s.id, s.processor), (None, Processor::Nmi));
        let bad: wire::AddedPaymentMethod =
            serde_json::from_str(r#"{"type":"card","exp":"soon"}"#).unwrap();
        let s = saved_from_added(&bad, "tok");
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
            let method: wire::PaymentMethod = serde_json::from_value(json).unwrap();
            let saved = saved_from_listed(&method);
            if let Some(m) = saved.exp_month {
                proptest::prop_assert!((1..=12).contains(&m));
                proptest::prop_assert!(saved.exp_year.is_some());
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic_the_decoder(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..256)) {
            let _ = patientpay_core::http::decode_json::<Vec<wire::PaymentMethod>>(&bytes);
            let _ = patientpay_core::http::decode_json::<wire::AddedPaymentMethod>(&bytes);
            let _ = patientpay_core::http::decode_json::<wire::RemovalResult>(&bytes);
        }
    }
}
