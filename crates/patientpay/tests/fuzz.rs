//! Property-based fuzzing (cargo-fuzz needs a nightly toolchain, which CI does not have):
//! every vendor response parser, every vendor error-shape parser (through the providers),
//! and `Money` parsing, fed random and structure-aware mutated input. Nothing may panic;
//! every failure must be a typed error.
//!
//! CI runs a bounded number of cases. Run longer with e.g.
//! `PATIENTPAY_FUZZ_CASES=100000 cargo test -p patientpay --all-features --test fuzz --release`.

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use patientpay::*;
use patientpay_sandbox::{Fault, Sandbox};
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::Value;

use common::*;

fn cases(default: u32) -> u32 {
    std::env::var("PATIENTPAY_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn fixture(vendor: &str, name: &str) -> Value {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        &format!("patientpay-{vendor}"),
        "tests",
        "fixtures",
        name,
    ]
    .iter()
    .collect();
    serde_json::from_slice(
        &std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap()
}

/// Every JSON pointer in `v`.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => m.iter().for_each(|(k, c)| {
            pointers(
                c,
                format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                out,
            )
        }),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, c)| pointers(c, format!("{at}/{i}"), out)),
        _ => {}
    }
}

fn odd_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        Just(serde_json::json!(u64::MAX)),
        Just(serde_json::json!(1e308)),
        Just(serde_json::json!(-0.5)),
        ".{0,12}".prop_map(Value::String),
        Just(Value::String("2023-13-45T99:99:99Z".into())),
        Just(Value::String("UNKNOWN_NEW_VALUE".into())),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
        Just(serde_json::json!([{"a": 1}])),
    ]
}

/// A fixture with one value somewhere replaced by an odd one (or removed).
fn mutated(doc: Value) -> impl Strategy<Value = Vec<u8>> {
    let mut ptrs = Vec::new();
    pointers(&doc, String::new(), &mut ptrs);
    (0..ptrs.len(), odd_value(), any::<bool>()).prop_map(move |(i, replacement, remove)| {
        let mut d = doc.clone();
        let ptr = &ptrs[i];
        if remove && !ptr.is_empty() {
            let (parent, key) = ptr.rsplit_once('/').unwrap_or(("", ptr));
            match d.pointer_mut(parent) {
                Some(Value::Object(m)) => {
                    m.remove(&key.replace("~1", "/").replace("~0", "~"));
                }
                Some(Value::Array(a)) => {
                    if let Ok(i) = key.parse::<usize>()
                        && i < a.len()
                    {
                        a.remove(i);
                    }
                }
                _ => {}
            }
        } else if let Some(slot) = d.pointer_mut(ptr) {
            *slot = replacement;
        }
        serde_json::to_vec(&d).unwrap()
    })
}

fn bytes_or_mutation(doc: Value) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => mutated(doc.clone()),
        1 => proptest::collection::vec(any::<u8>(), 0..256),
        1 => {
            let full = serde_json::to_vec(&doc).unwrap();
            (0..full.len().max(1)).prop_map(move |cut| full[..cut].to_vec())
        },
    ]
}

macro_rules! parse_never_panics {
    ($name:ident, $ty:ty, $vendor:literal, [$($fixture:literal),+]) => {
        #[test]
        fn $name() {
            let docs: Vec<Value> = vec![$(fixture($vendor, $fixture)),+];
            let strategy = proptest::strategy::Union::new(docs.into_iter().map(|d| bytes_or_mutation(d).boxed()));
            proptest!(Config::with_cases(cases(400)), |(body in strategy)| {
                let _ = patientpay::pipeline::decode_json::<$ty>(&body);
                let _ = serde_json::from_slice::<$ty>(&body);
            });
        }
    };
}

parse_never_panics!(
    careportals_list,
    Vec<patientpay::careportals::wire::PaymentMethod>,
    "careportals",
    [
        "list_doc.json",
        "list_nmi.json",
        "list_other_types.json",
        "list_stripe_integer_exp.json",
        "list_unknown_fields.json"
    ]
);
parse_never_panics!(
    careportals_add,
    patientpay::careportals::wire::AddedPaymentMethod,
    "careportals",
    ["add_doc.json", "add_nmi_bad_exp.json"]
);
parse_never_panics!(
    careportals_error,
    patientpay::careportals::wire::ErrorBody,
    "careportals",
    [
        "error_400_validation.json",
        "error_401.json",
        "error_402_declined.json",
        "error_404.json"
    ]
);
parse_never_panics!(
    carevalidate_intent,
    patientpay::carevalidate::wire::ApiResponse<patientpay::carevalidate::wire::PaymentIntentData>,
    "carevalidate",
    [
        "intent_success.json",
        "intent_success_extra_fields.json",
        "intent_error_amount_required.json",
        "error_auth.json"
    ]
);
parse_never_panics!(
    carevalidate_update,
    patientpay::carevalidate::wire::ApiResponse<patientpay::carevalidate::wire::UpdateUserData>,
    "carevalidate",
    [
        "update_success.json",
        "update_error_user.json",
        "update_error_setup.json",
        "error_in_200.json"
    ]
);
parse_never_panics!(
    decoda_verify,
    patientpay::decoda::wire::PaymentLinkDetails,
    "decoda",
    [
        "verify_response_doc_example.json",
        "verify_response_every_enum.json",
        "verify_response_minimal.json"
    ]
);
parse_never_panics!(
    decoda_settle,
    patientpay::decoda::wire::PaymentSummary,
    "decoda",
    [
        "settle_response_doc_example.json",
        "settle_response_minimal.json",
        "settle_response_unknown_status.json"
    ]
);
parse_never_panics!(
    decoda_error,
    patientpay::decoda::wire::HttpValidationError,
    "decoda",
    ["error_422_validation.json"]
);

/// The whole response path of every operation — status check, the vendor's error-shape
/// parser, decoding and mapping — on random statuses and bodies, through the providers.
#[test]
fn every_provider_answer_path_never_panics() {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    let rt = RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    });
    let sandbox = rt.block_on(Sandbox::start()).unwrap();
    let config = http_config().with_retry(patientpay::pipeline::RetryPolicy::none());
    let base = sandbox.base_url();
    let providers: Vec<(&str, common::Vendor)> = ["careportals", "carevalidate", "decoda"]
        .iter()
        .map(|v| (*v, provider(v, &base, config.clone())))
        .collect();
    let docs: Vec<Value> = vec![
        fixture("careportals", "list_doc.json"),
        fixture("careportals", "error_402_declined.json"),
        fixture("carevalidate", "intent_success.json"),
        fixture("carevalidate", "update_error_user.json"),
        fixture("decoda", "verify_response_doc_example.json"),
        fixture("decoda", "settle_response_doc_example.json"),
        fixture("decoda", "error_422_validation.json"),
    ];
    let body =
        proptest::strategy::Union::new(docs.into_iter().map(|d| bytes_or_mutation(d).boxed()));
    let status = prop_oneof![
        Just(200u16),
        Just(201),
        Just(400),
        Just(401),
        Just(402),
        Just(404),
        Just(422),
        Just(500),
        100u16..600
    ];
    let content_type = prop_oneof![
        Just("application/json"),
        Just("text/plain"),
        Just("text/html"),
        Just("application/problem+json")
    ];
    proptest!(Config::with_cases(cases(150)), |(op_index in 0..SUPPORTED.len(), status in status, ct in content_type, body in body)| {
        let (vendor, op) = SUPPORTED[op_index];
        let (method, path) = route(op);
        sandbox.reset();
        sandbox.inject(Fault::on(method, path).status_body(status, ct, body));
        let provider = &providers.iter().find(|(v, _)| *v == vendor).unwrap().1;
        let usd = |m| Money::from_minor(m, Currency::USD);
        let request = match op {
            Operation::ListPaymentMethods => common::Request::List(ListPaymentMethods::new()),
            Operation::AddPaymentMethod => common::Request::Add(AddPaymentMethod::new("pm_card_visa")),
            Operation::RemovePaymentMethod => common::Request::Remove(RemovePaymentMethod::new("pm_1")),
            Operation::CreatePaymentIntent => common::Request::Intent(CreatePaymentIntent::new(usd(1999))),
            Operation::UpdatePaymentInfo => common::Request::Update(UpdatePaymentInfo::new(
                "john@example.com", "seti_1", "tok", Address::new("1 Main St", "Springfield", "IL", "62701", "US"))),
            Operation::VerifyPatientBalance => common::Request::Verify(decoda_patient()),
            _ => common::Request::Settle(SettleChargesFromCredit::new(
                usd(100), vec![Charge::new("p1", ChargeState::Outstanding, usd(100), usd(100))])),
        };
        let result = rt.block_on(common::call(provider, request));
        if let Err(e) = &result {
            // Every failure is typed and says something in one line.
            let line = e.to_string();
            prop_assert!(!line.is_empty() && !line.contains('\n'), "{line:?}");
        }
        if !(200..300).contains(&status) {
            prop_assert!(result.is_err(), "{vendor} {op}: HTTP {status} must be an error");
        }
    });
}

#[test]
fn money_parsing_never_panics_and_round_trips() {
    let currencies = [Currency::USD, Currency::JPY, Currency::KWD];
    let text = prop_oneof![
        "\\PC{0,30}",
        "-?[0-9]{0,22}(\\.[0-9]{0,5})?",
        "[0-9,.eE+\\- ]{0,12}",
    ];
    proptest!(Config::with_cases(cases(5000)), |(s in text, ci in 0..3usize)| {
        let c = currencies[ci];
        if let Ok(m) = Money::parse_decimal(&s, c) {
            prop_assert_eq!(Money::parse_decimal(&m.to_decimal_string(), c), Ok(m));
            prop_assert_eq!(serde_json::to_string(&m.to_json_major_units()).unwrap(), m.to_minimal_decimal_string());
        }
        let _ = Money::parse_positive("amount", &s, c);
    });
}
