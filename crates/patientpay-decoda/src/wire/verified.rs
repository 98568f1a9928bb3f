//! The verify answer as the unified model reads it: a borrowed view of
//! `PaymentLinkDetails`.
//!
//! [`PaymentLinkDetails`](super::PaymentLinkDetails) mirrors the whole answer, owned and
//! typed, for [`verify_patient_raw`](crate::Decoda::verify_patient_raw): every charge's
//! items with their inventory item, payments with their method and refunds, adjustments,
//! tips and the charge's own copy of the patient. The capability's
//! `verify_patient_balance` names only a few fields of each charge and item and keeps the
//! rest for `vendor_data`: building the full owned model and serializing most of it back
//! cost 7.5× the allocations of a hand-written client (see docs/performance.md). This view
//! reads each key once: the named fields are borrowed from the body where no JSON escape
//! forces a copy, and every other field of a charge or item is copied as its JSON text
//! into one string per charge or item ([`VendorDataBuilder`], sized from the object's own
//! length), parsed only if a caller looks inside.
//!
//! The rules of the owned model that the unified model relied on hold here too:
//! - A charge's embedded `patient` (PHI, optional in the settle body) is never kept.
//! - A top-level `null` is not kept, except under [`NULL_MEANS_NULL`] keys (absent there
//!   means a non-null default).
//! - A key the owned model types may not repeat (`duplicate field`); an unknown key may,
//!   the last wins when `vendor_data` is read.
//! - Unknown `status` values are kept (`ChargeStatus::Unknown`); `createdDate` parses as
//!   [`crate::datetime`] says (an odd one is `None`).
//!
//! What the owned model checked and this view does not: the shape of the kept parts
//! (payments, tips, adjustments, the inventory item...), of each charge's embedded
//! patient, and of the answer's patient fields the unified model does not read (its
//! `type` and `createdDate` are still required and checked). A malformed kept part no
//! longer fails verify; it is kept as sent, and a settle built from it fails before any
//! I/O (`charge_to_wire`: `InvalidInput` naming the charge).
//!
//! It must be decoded from JSON text in memory (`serde_json::from_str`/`from_slice`), which
//! is what the pipeline does: kept parts are captured as [`RawValue`]s.

use std::fmt;
use std::marker::PhantomData;

use patientpay_core::{VendorData, VendorDataBuilder};
use serde::de::{self, IgnoredAny, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use time::{Date, OffsetDateTime};

use super::{ChargeStatus, UserType};

/// Nullable keys whose absence means a non-null default: a `null` there is kept.
pub(crate) const NULL_MEANS_NULL: &[&str] = &["discountAmount", "discountPercentage"];

/// A JSON string, borrowed from the body unless it holds an escape (core's [`JsonText`]).
pub(crate) use patientpay_core::JsonText as Text;

/// `text.into_owned()` through an `Option`.
pub(crate) fn owned(t: Option<Text<'_>>) -> Option<String> {
    t.map(Text::into_owned)
}

/// `PaymentLinkDetails`, as the unified balance reads it. `C` is what each charge is read
/// as: a [`VerifiedCharge`], or (in [`crate::map`]) the unified charge mapped from it as it
/// is read, so the answer's charges are not held twice.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VerifiedDetails<'a, C = VerifiedCharge<'a>> {
    pub(crate) charges: Vec<C>,
    #[serde(borrow)]
    pub(crate) patient: VerifiedPatient<'a>,
    #[serde(borrow)]
    pub(crate) payment_link: Text<'a>,
}

/// The answer's `PatientSummary`: the fields the unified [`Patient`] names, and the two
/// the owned model requires (`type`, `createdDate`: checked as there, not mapped). PHI:
/// nothing else is read, nothing is kept; `Debug` shows no personal value.
///
/// [`Patient`]: patientpay_core::domain::Patient
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VerifiedPatient<'a> {
    #[serde(borrow)]
    pub(crate) id: Text<'a>,
    #[serde(rename = "type")]
    pub(crate) user_type: UserType,
    #[serde(with = "crate::datetime::required")]
    pub(crate) created_date: OffsetDateTime,
    #[serde(default, borrow)]
    pub(crate) first_name: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) last_name: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) phone_number: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) email: Option<Text<'a>>,
    #[serde(default, with = "crate::datetime::date_nullable")]
    pub(crate) date_of_birth: Option<Date>,
    #[serde(default)]
    pub(crate) credit_balance: Option<i64>,
    #[serde(default, borrow)]
    pub(crate) address: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) address_line_two: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) city: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) state: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) zip_code: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub(crate) country: Option<Text<'a>>,
}

impl fmt::Debug for VerifiedPatient<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedPatient")
            .field("id", &self.id.0)
            .field("user_type", &self.user_type)
            .field("created_date", &self.created_date)
            .finish_non_exhaustive()
    }
}

/// A `ChargeDetailWithItems`, as the unified [`Charge`] reads it. `I` is what each item is
/// read as (as `C` of [`VerifiedDetails`]).
///
/// [`Charge`]: patientpay_core::domain::Charge
#[derive(Debug)]
pub(crate) struct VerifiedCharge<'a, I = VerifiedItem<'a>> {
    pub(crate) id: Option<Text<'a>>,
    pub(crate) patient_id: Text<'a>,
    pub(crate) status: ChargeStatus,
    pub(crate) total: i64,
    pub(crate) total_outstanding: i64,
    pub(crate) description: Option<Text<'a>>,
    pub(crate) created_date: Option<OffsetDateTime>,
    pub(crate) items: Vec<I>,
    /// Every other field but the embedded `patient`, as sent (see the module docs).
    pub(crate) kept: VendorData,
}

/// A `ChargeItemDetail-Output`, as the unified [`ChargeItem`] reads it.
///
/// [`ChargeItem`]: patientpay_core::domain::ChargeItem
#[derive(Debug)]
pub(crate) struct VerifiedItem<'a> {
    pub(crate) id: Option<Text<'a>>,
    pub(crate) name: Option<Text<'a>>,
    pub(crate) quantity: i64,
    pub(crate) price: i64,
    /// Every other field, as sent.
    pub(crate) kept: VendorData,
}

/// Charge keys the owned model types and this view keeps as sent (a repeated one is an
/// error, as there).
const CHARGE_KEPT: [&str; 15] = [
    "discountAmount",
    "discountPercentage",
    "externalId",
    "externalCreatedDate",
    "ruleSetId",
    "creatorId",
    "tips",
    "locationId",
    "eventId",
    "memberId",
    "comment",
    "meta",
    "merchantAccountId",
    "adjustments",
    "payments",
];

/// Item keys the owned model types and this view keeps as sent.
const ITEM_KEPT: [&str; 18] = [
    "itemId",
    "chargeId",
    "description",
    "discountAmount",
    "discountPercentage",
    "discountReason",
    "soldPackageId",
    "bankedQuantity",
    "bankedItemId",
    "issuedDiscountId",
    "soldByProviderId",
    "taxAmount",
    "pricingId",
    "shipmentIds",
    "item",
    "locationId",
    "locationName",
    "saleDate",
];

/// Reads the value of a key once; a repeated key is an error, as with the owned model.
fn once<'de, A: de::MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    seen: &mut bool,
    name: &'static str,
) -> Result<(), A::Error> {
    first(seen, name)?;
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Marks a key seen; `duplicate field` when it was.
fn first<E: de::Error>(seen: &mut bool, name: &'static str) -> Result<(), E> {
    if std::mem::replace(seen, true) {
        return Err(E::duplicate_field(name));
    }
    Ok(())
}

/// Keeps a key the named fields do not take: refuses a repeated typed one (`modelled`),
/// drops a `null` that means "absent".
fn keep<'de, A: de::MapAccess<'de>>(
    map: &mut A,
    kept: &mut VendorDataBuilder,
    key: &str,
    modelled: &[&'static str],
    seen: &mut [bool],
) -> Result<(), A::Error> {
    if let Some(i) = modelled.iter().position(|m| *m == key) {
        first(&mut seen[i], modelled[i])?;
    }
    let raw: &'de RawValue = map.next_value()?;
    if raw.get() != "null" || NULL_MEANS_NULL.contains(&key) {
        kept.push_raw(key, raw);
    }
    Ok(())
}

/// Parses the object `raw` holds with `visitor`: `raw`'s length sizes the kept text, so
/// it is one allocation per object (the object is read twice: once to find its end, once
/// to parse it).
fn reparse<'de, D: Deserializer<'de>, V: Visitor<'de>>(
    d: D,
    visitor: impl FnOnce(usize) -> V,
) -> Result<V::Value, D::Error> {
    let raw: &'de RawValue = Deserialize::deserialize(d)?;
    let text: &'de str = raw.get();
    let mut de = serde_json::Deserializer::from_str(text);
    de::Deserializer::deserialize_map(&mut de, visitor(text.len()))
        .and_then(|v| de.end().map(|()| v))
        .map_err(de::Error::custom)
}

/// A nullable date-time, as [`crate::datetime::nullable`] reads it.
struct NullableDateTime(Option<OffsetDateTime>);

impl<'de> Deserialize<'de> for NullableDateTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::datetime::nullable::deserialize(d).map(NullableDateTime)
    }
}

impl<'de: 'a, 'a, I: Deserialize<'de>> Deserialize<'de> for VerifiedCharge<'a, I> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        reparse(d, |capacity| ChargeVisitor {
            capacity,
            items: PhantomData,
        })
    }
}

struct ChargeVisitor<I> {
    capacity: usize,
    items: PhantomData<I>,
}

impl<'de, I: Deserialize<'de>> Visitor<'de> for ChargeVisitor<I> {
    type Value = VerifiedCharge<'de, I>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a charge object")
    }

    fn visit_map<A: de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> Result<VerifiedCharge<'de, I>, A::Error> {
        let mut id: Option<Option<Text<'de>>> = None;
        let mut patient_id: Option<Text<'de>> = None;
        let mut status: Option<ChargeStatus> = None;
        let mut total: Option<i64> = None;
        let mut total_outstanding: Option<i64> = None;
        let mut description: Option<Option<Text<'de>>> = None;
        let mut created_date: Option<NullableDateTime> = None;
        let mut items: Option<Vec<I>> = None;
        let mut seen = [false; 9];
        let mut seen_kept = [false; CHARGE_KEPT.len()];
        let mut kept = VendorDataBuilder::with_capacity(self.capacity);
        while let Some(key) = map.next_key::<Text<'de>>()? {
            match &*key.0 {
                "id" => once(&mut map, &mut id, &mut seen[0], "id")?,
                "patientId" => once(&mut map, &mut patient_id, &mut seen[1], "patientId")?,
                "status" => once(&mut map, &mut status, &mut seen[2], "status")?,
                "total" => once(&mut map, &mut total, &mut seen[3], "total")?,
                "totalOutstanding" => once(
                    &mut map,
                    &mut total_outstanding,
                    &mut seen[4],
                    "totalOutstanding",
                )?,
                "description" => once(&mut map, &mut description, &mut seen[5], "description")?,
                "createdDate" => once(&mut map, &mut created_date, &mut seen[6], "createdDate")?,
                "items" => once(&mut map, &mut items, &mut seen[7], "items")?,
                "patient" => {
                    // PHI, optional in the settle body: read past, never kept.
                    first(&mut seen[8], "patient")?;
                    map.next_value::<IgnoredAny>()?;
                }
                k => keep(&mut map, &mut kept, k, &CHARGE_KEPT, &mut seen_kept)?,
            }
        }
        Ok(VerifiedCharge {
            id: id.flatten(),
            patient_id: patient_id.ok_or_else(|| de::Error::missing_field("patientId"))?,
            status: status.unwrap_or(ChargeStatus::Outstanding),
            total: total.unwrap_or(0),
            total_outstanding: total_outstanding
                .ok_or_else(|| de::Error::missing_field("totalOutstanding"))?,
            description: description.flatten(),
            created_date: created_date.and_then(|d| d.0),
            items: items.unwrap_or_default(),
            kept: kept.finish(),
        })
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for VerifiedItem<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        reparse(d, |capacity| ItemVisitor { capacity })
    }
}

struct ItemVisitor {
    capacity: usize,
}

impl<'de> Visitor<'de> for ItemVisitor {
    type Value = VerifiedItem<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a charge item object")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<VerifiedItem<'de>, A::Error> {
        let mut id: Option<Option<Text<'de>>> = None;
        let mut name: Option<Option<Text<'de>>> = None;
        let mut quantity: Option<i64> = None;
        let mut price: Option<i64> = None;
        let mut seen = [false; 4];
        let mut seen_kept = [false; ITEM_KEPT.len()];
        let mut kept = VendorDataBuilder::with_capacity(self.capacity);
        while let Some(key) = map.next_key::<Text<'de>>()? {
            match &*key.0 {
                "id" => once(&mut map, &mut id, &mut seen[0], "id")?,
                "name" => once(&mut map, &mut name, &mut seen[1], "name")?,
                "quantity" => once(&mut map, &mut quantity, &mut seen[2], "quantity")?,
                "price" => once(&mut map, &mut price, &mut seen[3], "price")?,
                k => keep(&mut map, &mut kept, k, &ITEM_KEPT, &mut seen_kept)?,
            }
        }
        Ok(VerifiedItem {
            id: id.flatten(),
            name: name.flatten(),
            quantity: quantity.ok_or_else(|| de::Error::missing_field("quantity"))?,
            price: price.ok_or_else(|| de::Error::missing_field("price"))?,
            kept: kept.finish(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charge(json: &str) -> VerifiedCharge<'_> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn strings_are_borrowed_unless_escaped() {
        let c = charge(r#"{"id":"ch_1","patientId":"pat_\u0031","totalOutstanding":1}"#);
        assert!(matches!(
            c.id.as_ref().unwrap().0,
            std::borrow::Cow::Borrowed("ch_1")
        ));
        assert_eq!(c.patient_id.0, "pat_1");
        assert!(matches!(c.patient_id.0, std::borrow::Cow::Owned(_)));
    }

    #[test]
    fn kept_parts_are_the_vendor_text() {
        let c = charge(
            r#"{"patientId":"p","totalOutstanding":1,"payments":[ {"x": 1} ],"ruleSetId":null,"discountAmount":null,"future":null,"meta":{"a":"b"},
                "patient":{"firstName":"Jane"},
                "items":[{"quantity":1,"price":2,"item":{"name":"Botox","newField":[1]},"saleDate":null,"taxAmount":0}]}"#,
        );
        assert_eq!(
            c.kept.raw_json(),
            Some(r#"{"payments":[ {"x": 1} ],"discountAmount":null,"meta":{"a":"b"}}"#),
            "the patient never kept; a null dropped unless it means null"
        );
        assert_eq!(
            c.items[0].kept.raw_json(),
            Some(r#"{"item":{"name":"Botox","newField":[1]},"taxAmount":0}"#)
        );
        assert_eq!(c.status, ChargeStatus::Outstanding, "the default");
        assert_eq!(c.total, 0, "the default");
    }

    #[test]
    fn kept_text_fits_in_the_capacity_taken_from_the_object() {
        let body = r#"{"patientId":"p","totalOutstanding":1,"payments":[{"paymentId":"x","amount":1}],"tips":[]}"#;
        let c = charge(body);
        let raw = c.kept.raw_json().unwrap();
        assert!(raw.len() <= body.len(), "{} > {}", raw.len(), body.len());
    }

    #[test]
    fn the_owned_model_rules_hold() {
        for (bad, why) in [
            (r#"{"totalOutstanding":1}"#, "missing field `patientId`"),
            (r#"{"patientId":"p"}"#, "missing field `totalOutstanding`"),
            (
                r#"{"patientId":"p","patientId":"q","totalOutstanding":1}"#,
                "duplicate field `patientId`",
            ),
            (
                r#"{"patientId":"p","totalOutstanding":1,"tips":[],"tips":[]}"#,
                "duplicate field `tips`",
            ),
            (
                r#"{"patientId":"p","totalOutstanding":1,"patient":{},"patient":{}}"#,
                "duplicate field `patient`",
            ),
            (
                r#"{"patientId":"p","totalOutstanding":"1"}"#,
                "invalid type",
            ),
            (
                r#"{"patientId":"p","totalOutstanding":1,"total":null}"#,
                "invalid type",
            ),
            (
                r#"{"patientId":"p","totalOutstanding":1,"items":[{"price":1}]}"#,
                "missing field `quantity`",
            ),
            (
                r#"{"patientId":"p","totalOutstanding":1,"items":[{"quantity":1,"price":1,"price":2}]}"#,
                "duplicate field `price`",
            ),
            (r#"[1]"#, "invalid type"),
        ] {
            let err = serde_json::from_str::<VerifiedCharge<'_>>(bad).unwrap_err();
            assert!(err.to_string().contains(why), "{bad}: {err}");
        }
        // An unknown key may repeat; the last wins when read.
        let c = charge(r#"{"patientId":"p","totalOutstanding":1,"x":1,"x":2}"#);
        assert_eq!(c.kept["x"], 2);
    }

    #[test]
    fn status_and_dates_read_as_the_owned_model() {
        let c = charge(
            r#"{"patientId":"p","totalOutstanding":1,"status":"ON_HOLD","createdDate":"yesterday"}"#,
        );
        assert_eq!(c.status, ChargeStatus::Unknown("ON_HOLD".into()));
        assert_eq!(c.created_date, None, "an odd nullable date-time is dropped");
        let c = charge(
            r#"{"patientId":"p","totalOutstanding":1,"status":"PAID","createdDate":"2024-01-15T10:00:00.123456"}"#,
        );
        assert_eq!(c.status, ChargeStatus::Paid);
        assert_eq!(
            c.created_date,
            Some(time::macros::datetime!(2024-01-15 10:00:00.123456 UTC))
        );
    }

    #[test]
    fn patient_debug_shows_no_phi() {
        let d: VerifiedDetails<'_> = serde_json::from_str(
            r#"{"charges":[],"paymentLink":"l","patient":{"id":"pat_1","type":"PATIENT","createdDate":"2023-01-01T00:00:00Z","firstName":"Jane","dateOfBirth":"1990-01-05"}}"#,
        )
        .unwrap();
        let dbg = format!("{d:?}");
        assert!(
            dbg.contains("pat_1") && !dbg.contains("Jane") && !dbg.contains("1990"),
            "{dbg}"
        );
    }
}
