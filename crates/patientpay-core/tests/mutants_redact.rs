//! The rules of `redact`: what a vendor message may still carry after scrubbing, stated as
//! tests against the public API (the helpers `is_email_like` and `scrub_digit_runs` are
//! private, so they are reached through `scrub_vendor_message`).
//!
//! Together with the unit tests in `src/redact.rs` they kill every viable mutant
//! cargo-mutants makes in that file (`cargo xtask mutants --file
//! crates/patientpay-core/src/redact.rs`).

use patientpay_core::redact::{REDACTED, Redacted, hide_values, redact_opt, scrub_vendor_message};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------
// E-mail addresses

#[test]
fn an_email_address_is_redacted_wherever_it_stands() {
    assert_eq!(
        scrub_vendor_message("jane@x.example is unknown"),
        "<redacted> is unknown"
    );
    assert_eq!(
        scrub_vendor_message("unknown user jane@x.example"),
        "unknown user <redacted>"
    );
    assert_eq!(
        scrub_vendor_message("user (jane.doe+a@mail.x.example), retry"),
        "user <redacted> retry"
    );
}

/// Kills the issue-21 survivor `replace && with || in is_email_like` (the first `&&`): an
/// empty local part is not an address, even with a dotted domain.
#[test]
fn an_at_sign_without_a_local_part_is_not_an_email() {
    assert_eq!(scrub_vendor_message("see @x.example"), "see @x.example");
}

/// Kills the issue-21 survivor `replace && with || in is_email_like` (the first `&&`, seen
/// from the domain side): a domain without a dot is not an address.
#[test]
fn a_domain_without_a_dot_is_not_an_email() {
    // `local@host` is a handle, not an address that can identify a patient's mailbox.
    assert_eq!(
        scrub_vendor_message("reach ops@localhost now"),
        "reach ops@localhost now"
    );
}

/// Kills the issue-21 survivor `replace && with || in is_email_like` (the second `&&`): a
/// domain starting with a dot is not an address.
#[test]
fn a_domain_starting_with_a_dot_is_not_an_email() {
    assert_eq!(scrub_vendor_message("bad a@.example"), "bad a@.example");
}

#[test]
fn words_without_an_at_sign_are_kept() {
    assert_eq!(
        scrub_vendor_message("No such customer: 'cus_9s6XKzkNRiz8i3'."),
        "No such customer: 'cus_9s6XKzkNRiz8i3'."
    );
}

// ---------------------------------------------------------------------------------------
// Phone numbers and other digit runs

/// Kills the issue-21 survivor `replace >= with < in scrub_digit_runs` (the 7-digit
/// threshold): six digits are no phone.
#[test]
fn six_digits_are_kept() {
    assert_eq!(scrub_vendor_message("code 123456 sent"), "code 123456 sent");
    assert_eq!(scrub_vendor_message("123456"), "123456");
}

/// Kills the issue-21 survivors `replace >= with < in scrub_digit_runs` and
/// `replace += with -=`/`*=` in its digit count (`digits += 1`): seven digits are a phone.
#[test]
fn seven_digits_are_redacted() {
    assert_eq!(
        scrub_vendor_message("code 1234567 sent"),
        "code <redacted> sent"
    );
    assert_eq!(scrub_vendor_message("1234567"), REDACTED);
}

#[test]
fn a_phone_number_at_the_end_of_the_message_is_redacted() {
    assert_eq!(
        scrub_vendor_message("no patient with phone 4155552671"),
        "no patient with phone <redacted>"
    );
    assert_eq!(
        scrub_vendor_message("no patient with phone +1 (415) 555-2671"),
        "no patient with phone <redacted>"
    );
}

#[test]
fn phone_punctuation_inside_a_run_is_redacted_with_it() {
    for phone in [
        "415-555-2671",
        "415.555.2671",
        "(415) 555-2671",
        "+1 415 555 2671",
        "+14155552671",
        "+(415) 555-2671",
        "((415)) 555-2671",
    ] {
        assert_eq!(
            scrub_vendor_message(&format!("call {phone} today")),
            "call <redacted> today",
            "{phone}"
        );
    }
}

#[test]
fn the_space_before_a_phone_number_is_kept() {
    assert_eq!(scrub_vendor_message("x 4155552671"), "x <redacted>");
    assert_eq!(scrub_vendor_message("x +14155552671"), "x <redacted>");
}

/// Kills the issue-21 survivor `replace + with -`/`*` in `chars.get(i + 1)` in
/// `scrub_digit_runs`: a `+` or `(` starts a run only before a digit or `(`.
#[test]
fn a_plus_or_parenthesis_not_followed_by_a_digit_starts_no_run() {
    assert_eq!(scrub_vendor_message("a + b (c) +(x"), "a + b (c) +(x");
    assert_eq!(scrub_vendor_message("+("), "+(");
    assert_eq!(scrub_vendor_message("(("), "((");
}

/// Kills the issue-21 survivor `replace + with -`/`*` in the copy of a short run,
/// `out.extend(&chars[i..last_digit_end.max(i + 1)])`, in `scrub_digit_runs`: short runs are
/// copied whole and counted on their own. (The same mutants of the next line,
/// `i = last_digit_end.max(i + 1)`, never advance: every test hangs and cargo-mutants
/// counts them caught by timeout.)
#[test]
fn digit_runs_split_by_other_characters_are_counted_separately() {
    // 3 + 4 digits around a letter are two short numbers, not a phone.
    assert_eq!(scrub_vendor_message("id 123a4567"), "id 123a4567");
    assert_eq!(scrub_vendor_message("ids 123, 4567"), "ids 123, 4567");
    assert_eq!(
        scrub_vendor_message("amounts 1999.00 and 29.5"),
        "amounts 1999.00 and 29.5"
    );
}

#[test]
fn a_date_of_birth_is_redacted() {
    assert_eq!(scrub_vendor_message("dob 1990-01-31"), "dob <redacted>");
    assert_eq!(scrub_vendor_message("dob 1990.01.31."), "dob <redacted>.");
}

/// Kills the issue-21 survivor `replace + with -`/`*` in `last_digit_end = j + 1` in
/// `scrub_digit_runs`: the redaction ends at the last digit.
#[test]
fn trailing_punctuation_after_a_phone_number_is_kept() {
    assert_eq!(
        scrub_vendor_message("phone 4155552671. Try again"),
        "phone <redacted>. Try again"
    );
    assert_eq!(
        scrub_vendor_message("phone (415) 555-2671)!"),
        "phone <redacted>)!"
    );
}

proptest! {
    /// No run of seven digits survives, whatever surrounds it.
    #[test]
    fn no_seven_digit_run_survives(prefix in "[a-z ]{0,8}", digits in "[0-9]{7,15}", suffix in "[a-z ]{0,8}") {
        let out = scrub_vendor_message(&format!("{prefix}{digits}{suffix}"));
        prop_assert!(!out.contains(&digits), "{}", out);
        prop_assert!(out.contains(REDACTED));
    }

    /// Text with fewer than seven digits in any run and no `@` comes back unchanged.
    #[test]
    fn text_without_phones_or_emails_is_unchanged(words in prop::collection::vec("[a-z]{1,6}|[0-9]{1,6}", 0..8)) {
        let text = words.join(" x ");
        prop_assert_eq!(scrub_vendor_message(&text), text);
    }

    #[test]
    fn scrubbing_never_panics(s in "\\PC{0,60}") {
        let _ = scrub_vendor_message(&s);
    }
}

// ---------------------------------------------------------------------------------------
// The request's own values

#[test]
fn hide_values_replaces_every_occurrence_case_insensitively() {
    assert_eq!(
        hide_values("Rivera: RIVERA, rivera!", &["Rivera"]),
        "<redacted>: <redacted>, <redacted>!"
    );
    assert_eq!(
        hide_values("No such PaymentMethod: 'pm_123abc'", &["pm_123abc"]),
        "No such PaymentMethod: '<redacted>'"
    );
}

#[test]
fn hide_values_keeps_the_text_between_occurrences() {
    assert_eq!(
        hide_values("ab secret cd secret ef", &["secret"]),
        "ab <redacted> cd <redacted> ef"
    );
}

#[test]
fn hide_values_ignores_empty_values() {
    assert_eq!(hide_values("abc", &["", "  "]), "abc");
    assert_eq!(hide_values("abc", &[]), "abc");
}

#[test]
fn hide_values_trims_the_values() {
    assert_eq!(hide_values("name Rivera", &[" Rivera "]), "name <redacted>");
}

proptest! {
    /// No registered value survives, in any letter case.
    #[test]
    fn no_registered_value_survives(
        before in "[a-z0-9 ]{0,12}", value in "[a-zA-Z0-9_]{2,12}", after in "[a-z0-9 ]{0,12}"
    ) {
        // The marker itself may contain a short value ("ed"); that is not a leak.
        prop_assume!(!REDACTED.contains(&value.to_ascii_lowercase()));
        let text = format!("{before}{}{after}", value.to_ascii_uppercase());
        let out = hide_values(&text, &[&value]);
        prop_assert!(!out.to_ascii_lowercase().contains(&value.to_ascii_lowercase()), "{}", out);
    }
}

// ---------------------------------------------------------------------------------------
// Debug stand-ins

#[test]
fn redacted_prints_as_the_marker() {
    assert_eq!(format!("{Redacted:?}"), REDACTED);
    assert_eq!(REDACTED, "<redacted>");
}

#[test]
fn redact_opt_shows_presence_but_not_the_value() {
    assert_eq!(
        format!("{:?}", redact_opt(&Some("1985-04-12"))),
        "Some(<redacted>)"
    );
    assert_eq!(format!("{:?}", redact_opt::<&str>(&None)), "None");
}
