//! Reading cargo-mutants' `outcomes.json` and judging each file against the threshold.

use std::collections::BTreeMap;

use super::json;
use super::{THRESHOLD_PERCENT, normalize};

/// Mutant results of one file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct FileTally {
    caught: u64,
    timeout: u64,
    missed: Vec<String>,
    unviable: u64,
}

impl FileTally {
    fn killed(&self) -> u64 {
        self.caught + self.timeout
    }
    fn viable(&self) -> u64 {
        self.killed() + self.missed.len() as u64
    }
    fn passes(&self) -> bool {
        self.killed() * 100 >= THRESHOLD_PERCENT * self.viable()
    }
}

fn percent(killed: u64, viable: u64) -> String {
    // One decimal, rounded down, in integers so that 94.96 % never shows as 95.0 %.
    match (killed * 1000).checked_div(viable) {
        Some(tenths) => format!("{}.{}%", tenths / 10, tenths % 10),
        None => "no viable mutants".to_owned(),
    }
}

fn summary_line(label: &str, t: &FileTally) -> String {
    let mut line = format!(
        "mutants: {label}: caught {} of {} viable ({})",
        t.killed(),
        t.viable(),
        percent(t.killed(), t.viable())
    );
    if t.timeout > 0 {
        line.push_str(&format!(", {} of them by timeout", t.timeout));
    }
    line.push_str(&format!("; {} unviable", t.unviable));
    line
}

/// Prints per file and in total; fails when a file is below the threshold.
pub(super) fn report(files: &[String], tally: &BTreeMap<String, FileTally>) -> Result<(), String> {
    let mut total = FileTally::default();
    let mut failing = Vec::new();
    for f in files {
        let t = tally.get(f).cloned().unwrap_or_default();
        println!("{}", summary_line(f, &t));
        for m in &t.missed {
            println!("    missed: {m}");
        }
        if !t.passes() {
            failing.push(f.clone());
        }
        total.caught += t.caught;
        total.timeout += t.timeout;
        total.unviable += t.unviable;
        total.missed.extend(t.missed);
    }
    println!("{}", summary_line("total", &total));
    if failing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "below {THRESHOLD_PERCENT}% caught: {} (add a test that states the broken rule, or exclude a truly equivalent mutant in .cargo/mutants.toml with its reason)",
            failing.join(", ")
        ))
    }
}

/// Counts outcomes per file from cargo-mutants' `outcomes.json`.
pub(super) fn tally(text: &str) -> Result<BTreeMap<String, FileTally>, String> {
    let doc = json::parse(text).map_err(|e| format!("outcomes.json: {e}"))?;
    let outcomes = doc
        .get("outcomes")
        .and_then(json::Value::as_array)
        .ok_or("outcomes.json: no `outcomes` array")?;
    let mut by_file: BTreeMap<String, FileTally> = BTreeMap::new();
    for o in outcomes {
        let summary = o.get("summary").and_then(json::Value::as_str).unwrap_or("");
        let Some(mutant) = o.get("scenario").and_then(|s| s.get("Mutant")) else {
            // The baseline: cargo-mutants exits 4 when it fails, checked by the caller.
            continue;
        };
        let file = mutant
            .get("file")
            .and_then(json::Value::as_str)
            .ok_or("outcomes.json: a mutant without `file`")?;
        let t = by_file.entry(normalize(file)).or_default();
        match summary {
            "CaughtMutant" => t.caught += 1,
            "Timeout" => t.timeout += 1,
            "Unviable" => t.unviable += 1,
            "MissedMutant" => t.missed.push(describe(file, mutant)),
            other => return Err(format!("outcomes.json: unexpected summary {other:?}")),
        }
    }
    Ok(by_file)
}

/// `money.rs:215:9: replace Money::is_positive -> bool with true`.
fn describe(file: &str, mutant: &json::Value) -> String {
    let line = mutant
        .get("span")
        .and_then(|s| s.get("start"))
        .and_then(|s| s.get("line"))
        .and_then(json::Value::as_number)
        .unwrap_or("?");
    let name = mutant
        .get("name")
        .and_then(json::Value::as_str)
        .unwrap_or("?");
    let short = file.rsplit('/').next().unwrap_or(file);
    format!("{short}:{line}: {name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape cargo-mutants 27 writes (trimmed to the fields this task reads).
    const OUTCOMES: &str = r#"{
      "outcomes": [
        {"scenario": "Baseline", "summary": "Success", "log_path": "log/baseline.log"},
        {"scenario": {"Mutant": {"name": "replace Money::is_positive -> bool with true",
            "package": "patientpay-core", "file": "crates/patientpay-core/src/money.rs",
            "function": {"function_name": "Money::is_positive"},
            "span": {"start": {"line": 215, "column": 9}, "end": {"line": 215, "column": 23}},
            "replacement": "true", "genre": "FnValue"}},
         "summary": "MissedMutant"},
        {"scenario": {"Mutant": {"file": "crates/patientpay-core/src/money.rs", "name": "b"}},
         "summary": "CaughtMutant"},
        {"scenario": {"Mutant": {"file": "crates/patientpay-core/src/money.rs", "name": "c"}},
         "summary": "Unviable"},
        {"scenario": {"Mutant": {"file": "crates/patientpay-core/src/redact.rs", "name": "d \"q\" \u00e9 \ud83d\ude00"}},
         "summary": "Timeout"}
      ],
      "total_mutants": 4, "missed": 1, "caught": 1, "timeout": 1, "unviable": 1, "success": 0,
      "start_time": "2026-12-02T01:00:00Z", "end_time": null, "cargo_mutants_version": "27.1.0"
    }"#;

    #[test]
    fn tallies_outcomes_per_file() {
        let t = tally(OUTCOMES).unwrap();
        let money = &t["crates/patientpay-core/src/money.rs"];
        assert_eq!(money.caught, 1);
        assert_eq!(money.unviable, 1);
        assert_eq!(
            money.missed,
            ["money.rs:215: replace Money::is_positive -> bool with true"]
        );
        assert_eq!(money.viable(), 2);
        assert!(!money.passes());
        let redact = &t["crates/patientpay-core/src/redact.rs"];
        assert_eq!((redact.timeout, redact.viable()), (1, 1));
        assert!(redact.passes());
    }

    #[test]
    fn threshold_is_95_percent_per_file() {
        let t = |caught, missed: usize| FileTally {
            caught,
            missed: vec![String::new(); missed],
            ..FileTally::default()
        };
        assert!(t(19, 1).passes());
        assert!(!t(18, 1).passes());
        assert!(!t(94, 5).passes());
        assert!(t(0, 0).passes());
        assert_eq!(percent(949, 1000), "94.9%");
        assert_eq!(percent(19, 20), "95.0%");
        assert_eq!(percent(0, 0), "no viable mutants");
        assert_eq!(
            summary_line("total", &t(19, 1)),
            "mutants: total: caught 19 of 20 viable (95.0%); 0 unviable"
        );
    }

    #[test]
    fn report_fails_on_a_file_below_the_threshold() {
        let t = tally(OUTCOMES).unwrap();
        let files = [
            "crates/patientpay-core/src/money.rs".to_owned(),
            "crates/patientpay-core/src/redact.rs".to_owned(),
        ];
        let err = report(&files, &t).unwrap_err();
        assert!(
            err.contains("money.rs") && !err.contains("redact.rs"),
            "{err}"
        );
        assert!(report(&files[1..], &t).is_ok());
    }

    #[test]
    fn json_reader_handles_escapes_and_rejects_junk() {
        let v = json::parse(r#"{"a": ["x\"\\\/\n\u00e9\ud83d\ude00", -1.5e3, true, null, {}]}"#)
            .unwrap();
        let a = v.get("a").and_then(json::Value::as_array).unwrap();
        assert_eq!(a[0].as_str(), Some("x\"\\/\né😀"));
        assert_eq!(a[1].as_number(), Some("-1.5e3"));
        assert_eq!(a[2], json::Value::Bool(true));
        assert_eq!(a[3], json::Value::Null);
        assert_eq!(a[4], json::Value::Object(Vec::new()));
        for bad in [
            "",
            "{",
            "[1,]",
            r#"{"a" 1}"#,
            r#""abc"#,
            "tru",
            "[1] x",
            r#""\q""#,
        ] {
            assert!(json::parse(bad).is_err(), "{bad:?}");
        }
    }
}
