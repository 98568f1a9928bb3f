//! The one scrubber (issue 17 §1–2): every form of every secret and personal value, echoes
//! in JSON, URL-encoded and HTML bodies, request ids, unparseable and bounded bodies, and
//! the properties (no panic, nothing registered survives, idempotence).

use patientpay_core::scrub::{
    MARKER, MAX_CONTENT_TYPE_LEN, MAX_REQUEST_ID_LEN, MIN_NEEDLE_CHARS, Scrubber,
    describe_unparseable_body, sanitize_request_id,
};
use patientpay_core::secrecy::SecretString;
use patientpay_core::time::{Date, macros::date};
use proptest::prelude::*;

const API_KEY: &str = "cv_live_9fA7bC5dE3fG";
const TENANT: &str = "tenant-7c1e";
const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwYXRpZW50In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
const NMI_TOKEN: &str = "7tK+q/Zx=9w";
const WEBHOOK_SECRET: &str = "whsec_Q3x/9+zZ==";

fn client() -> Scrubber {
    Scrubber::new()
        .with_secret(&SecretString::from(API_KEY))
        .with_secret(TENANT)
        .with_secret(&JWT.to_owned())
        .with_secret(NMI_TOKEN)
        .with_secret(WEBHOOK_SECRET)
}

fn request() -> Scrubber {
    client()
        .for_request()
        .name("Jane Rivera")
        .email("jane.doe+x@ex.com")
        .phone("+14155550123")
        .date_of_birth(date!(1984 - 02 - 29))
        .address_line("1600 Pennsylvania Ave NW")
        .postal_code("20500")
        .build()
}

// ---------------------------------------------------------------------------------------
// Independent encoders, as vendors' frameworks write values.

/// Percent-encodes every byte but `A-Z a-z 0-9 - . _ ~`.
fn pct(value: &str, upper: bool, plus_for_space: bool) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        match b {
            b' ' if plus_for_space => out.push('+'),
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(b));
            }
            _ if upper => out.push_str(&format!("%{b:02X}")),
            _ => out.push_str(&format!("%{b:02x}")),
        }
    }
    out
}

/// Percent-encodes only what must be (`%`, space, `@`, `&`, `=`, `#`, `?`, `+`), as lax
/// encoders do.
fn pct_minimal(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars() {
        match c {
            '%' | ' ' | '@' | '&' | '=' | '#' | '?' | '+' => {
                out.push_str(&format!("%{:02X}", c as u32));
            }
            _ => out.push(c),
        }
    }
    out
}

/// A JSON string's content, with `/` escaped as some encoders do.
fn json(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Every character as `\uXXXX` (surrogate pairs beyond the BMP), upper-case hex.
fn json_all(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars() {
        let mut units = [0u16; 2];
        for u in c.encode_utf16(&mut units) {
            out.push_str(&format!("\\u{u:04X}"));
        }
    }
    out
}

/// Every character as an HTML numeric reference, decimal or hex.
fn html(value: &str, hex: bool) -> String {
    value
        .chars()
        .map(|c| {
            if hex {
                format!("&#x{:x};", c as u32)
            } else {
                format!("&#{};", c as u32)
            }
        })
        .collect()
}

/// The forms a vendor may echo `value` in.
fn encodings(value: &str) -> Vec<String> {
    vec![
        value.to_owned(),
        value.to_ascii_uppercase(),
        value.to_ascii_lowercase(),
        pct(value, true, false),
        pct(value, false, false),
        pct(value, true, true),
        pct_minimal(value),
        json(value),
        json_all(value),
        html(value, false),
        html(value, true),
        json(&pct(value, true, true)),
        pct(&json(value), true, false),
        pct(&pct(value, true, false), true, false),
        json(&json(value)),
    ]
}

#[track_caller]
fn assert_hides(s: &Scrubber, form: &str) {
    for (text, expected) in [
        (
            format!("error: {form} is bad"),
            "error: [redacted] is bad".to_owned(),
        ),
        (format!("\"{form}\""), "\"[redacted]\"".to_owned()),
        (form.to_owned(), MARKER.to_owned()),
        (format!("é{form}😀"), "é[redacted]😀".to_owned()),
    ] {
        assert_eq!(s.scrub(&text), expected, "form {form:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Secrets

#[test]
fn every_secret_kind_is_hidden_in_every_encoding() {
    let s = client();
    for secret in [API_KEY, TENANT, JWT, NMI_TOKEN, WEBHOOK_SECRET] {
        for form in encodings(secret) {
            assert_hides(&s, &form);
        }
    }
}

#[test]
fn a_jwt_is_hidden_whole_and_by_part() {
    let s = client();
    for part in JWT.split('.') {
        assert_hides(&s, part);
    }
    assert_eq!(
        s.scrub(&format!("Authorization: Bearer {JWT}")),
        "Authorization: Bearer [redacted]"
    );
}

#[test]
fn a_secret_inside_a_json_error_echo() {
    let body = format!(
        r#"{{"detail":[{{"loc":["header","api-key"],"msg":"invalid key","input":"{API_KEY}"}}],"request":{{"tenant":"{TENANT}","token":"{}","email":"jane.doe+x\u0040ex.com","dob":"02\/29\/1984","address":"1600 PENNSYLVANIA AVE NW","zip":"20500"}}}}"#,
        json(NMI_TOKEN)
    );
    assert_eq!(
        request().scrub(&body),
        r#"{"detail":[{"loc":["header","api-key"],"msg":"invalid key","input":"[redacted]"}],"request":{"tenant":"[redacted]","token":"[redacted]","email":"[redacted]","dob":"[redacted]","address":"[redacted]","zip":"[redacted]"}}"#
    );
}

#[test]
fn a_secret_inside_a_url_encoded_query_echo() {
    let echo = format!(
        "GET /v1/patients?api_key={}&tenant={TENANT}&email=jane.doe%2Bx%40ex.com&name=Jane+Rivera&dob=02%2F29%2F1984&phone=%2B14155550123&token={} not found",
        pct(API_KEY, true, true),
        pct(NMI_TOKEN, false, true),
    );
    assert_eq!(
        request().scrub(&echo),
        "GET /v1/patients?api_key=[redacted]&tenant=[redacted]&email=[redacted]&name=[redacted]&dob=[redacted]&phone=[redacted]&token=[redacted] not found"
    );
}

#[test]
fn a_secret_inside_an_html_page() {
    let page = format!(
        "<html><body><h1>401</h1><p>Invalid key &quot;{API_KEY}&quot; for <b>{TENANT}</b>, \
         patient Jane&nbsp;Rivera &lt;jane.doe+x&#64;ex.com&gt;</p>\
         <a href=\"/retry?key={}&amp;phone=(415)%20555-0123\">retry</a></body></html>",
        pct(WEBHOOK_SECRET, true, false)
    );
    assert_eq!(
        request().scrub(&page),
        "<html><body><h1>401</h1><p>Invalid key &quot;[redacted]&quot; for <b>[redacted]</b>, \
         patient [redacted] &lt;[redacted]&gt;</p>\
         <a href=\"/retry?key=[redacted]&amp;phone=[redacted]\">retry</a></body></html>"
    );
}

// ---------------------------------------------------------------------------------------
// Personal values

#[test]
fn a_name_in_every_encoding_and_its_words() {
    let s = request();
    for form in encodings("Jane Rivera") {
        assert_hides(&s, &form);
    }
    assert_hides(&s, "Jane&nbsp;Rivera");
    assert_eq!(
        s.scrub("RIVERA does not match"),
        "[redacted] does not match"
    );
    assert_eq!(s.scrub("last_name=rivera"), "last_name=[redacted]");
    assert_eq!(s.scrub("hi jane,"), "hi [redacted],");
    // A word of the name only as a whole word; the whole name anywhere.
    assert_eq!(s.scrub("Janet Riveras"), "Janet Riveras");
    assert_eq!(s.scrub("xJane Riveray"), "x[redacted]y");
}

#[test]
fn a_short_word_of_a_name_is_hidden_only_inside_the_name() {
    let s = Scrubber::new().for_request().name("Jane Li").build();
    assert_eq!(s.scrub("Jane Li"), MARKER);
    assert_eq!(
        s.scrub("LI is short, Jane is not"),
        "LI is short, [redacted] is not"
    );
}

#[test]
fn non_ascii_values_match_in_unicode_upper_and_lower_case() {
    let s = Scrubber::new().for_request().name("Zoë Muñoz").build();
    for form in [
        "Zoë Muñoz",
        "ZOË MUÑOZ",
        "zoë muñoz",
        "Zo\\u00EB Mu\\u00F1oz",
        "Zo%C3%AB+Mu%C3%B1oz",
        "Zo&#235; Mu&#xf1;oz",
    ] {
        assert_hides(&s, form);
    }
    assert_eq!(s.scrub("MUÑOZ?"), "[redacted]?");
}

#[test]
fn an_email_in_every_encoding_and_its_local_part() {
    let s = request();
    for form in encodings("jane.doe+x@ex.com") {
        assert_hides(&s, &form);
    }
    assert_hides(&s, "jane.doe+x%40EX.COM");
    assert_hides(&s, "jane.doe+x\\u0040ex.com");
    assert_eq!(s.scrub("mailto:jane.doe+x@ex.com"), "mailto:[redacted]");
    assert_eq!(
        s.scrub("user jane.doe+x not found"),
        "user [redacted] not found"
    );
    // (Without the name, whose word "Jane" would be hidden too.)
    let s = Scrubber::new()
        .for_request()
        .email("jane.doe+x@ex.com")
        .build();
    assert_eq!(s.scrub("user jane.doe+x, ok"), "user [redacted], ok");
    assert_eq!(s.scrub("user jane.doe+xy"), "user jane.doe+xy");
    assert_eq!(s.scrub("user ajane.doe+x"), "user ajane.doe+x");
}

#[test]
fn a_phone_in_every_form_vendors_print() {
    let s = request();
    for form in [
        "+14155550123",
        "14155550123",
        "4155550123",
        "(415) 555-0123",
        "(415)555-0123",
        "415-555-0123",
        "415.555.0123",
        "415 555 0123",
        "+1 415 555 0123",
        "+1 (415) 555-0123",
        "+1-415-555-0123",
        "1-415-555-0123",
        "+1.415.555.0123",
        "%2B14155550123",
        "(415)%20555-0123",
        "%28415%29+555-0123",
        "\\u002B1 (415) 555\\u002D0123",
    ] {
        assert_hides(&s, form);
    }
    // The digits alone are a needle, not only a generic run: hidden inside an id too.
    assert_eq!(s.scrub_request_id("cus4155550123x"), None);
    assert_eq!(s.scrub_request_id("cus(415)555-0123"), None);
}

#[test]
fn a_date_of_birth_in_every_form() {
    let s = request();
    for form in [
        "1984-02-29",
        "02/29/1984",
        "2/29/1984",
        "02-29-1984",
        "19840229",
        "29/02/1984",
        "1984/02/29",
        "Feb 29, 1984",
        "February 29, 1984",
        "29 Feb 1984",
        "02\\/29\\/1984",
        "02%2F29%2F1984",
        "02%2f29%2f1984",
        "2&#47;29&#47;1984",
        "1984-02-29T00:00:00Z",
    ] {
        let out = s.scrub(&format!("dob {form}!"));
        assert!(!out.contains("29"), "{form}: {out}");
        assert!(out.starts_with("dob [redacted]"), "{form}: {out}");
    }
    // Through the needle itself, not the generic digit runs.
    assert_eq!(s.scrub_request_id("dob-02/29/1984"), None);
    assert_eq!(s.scrub_request_id("dob-1984-02-29"), None);
    assert_eq!(
        s.scrub_request_id("dob-1984-02-28").as_deref(),
        Some("dob-1984-02-28")
    );
}

#[test]
fn an_address_line_in_every_encoding() {
    let s = request();
    for form in encodings("1600 Pennsylvania Ave NW") {
        assert_hides(&s, &form);
    }
    let spaced = Scrubber::new()
        .for_request()
        .address_line("1600  Pennsylvania\tAve NW")
        .build();
    assert_hides(&spaced, "1600 Pennsylvania Ave NW");
    assert_hides(&spaced, "1600  pennsylvania\tave nw");
}

#[test]
fn a_postal_code_as_a_whole_word_only() {
    let s = request();
    assert_eq!(s.scrub("zip 20500."), "zip [redacted].");
    assert_eq!(s.scrub("20500"), MARKER);
    assert_eq!(s.scrub("zip=20500&x"), "zip=[redacted]&x");
    assert_eq!(s.scrub("zip%3D20500"), "zip%3D[redacted]");
    assert_eq!(s.scrub("amount 120500 cents"), "amount 120500 cents");
    assert_eq!(s.scrub("x20500 and 20500x"), "x20500 and 20500x");
    let uk = Scrubber::new()
        .for_request()
        .postal_code("SW1A 1AA")
        .build();
    assert_eq!(
        uk.scrub("sw1a 1aa / SW1A1AA / SW1A+1AA"),
        "[redacted] / [redacted] / [redacted]"
    );
    // (Ids, because the generic digit runs would hide these anyway in `scrub`.)
    let zip4 = Scrubber::new()
        .for_request()
        .postal_code("20500-0003")
        .build();
    assert_eq!(zip4.scrub("zip 20500."), "zip [redacted].");
    for hidden in ["20500-0003", "205000003", "20500", "(20500)"] {
        assert_eq!(zip4.scrub_request_id(hidden), None, "{hidden}");
    }
    for kept in ["x20500-0003", "x205000003", "205000003x", "20500x"] {
        assert_eq!(zip4.scrub_request_id(kept).as_deref(), Some(kept));
    }
}

#[test]
fn other_text_and_per_request_secrets() {
    let s = client()
        .for_request()
        .text("pm_1Q2w3E4r")
        .secret(&SecretString::from("tok_once_abc"))
        .build();
    assert_eq!(
        s.scrub("No such PaymentMethod: 'pm_1Q2w3E4r' (tok_once_abc)"),
        "No such PaymentMethod: '[redacted]' ([redacted])"
    );
    // The client's scrubber does not learn the request's values.
    assert_eq!(client().scrub("pm_1Q2w3E4r"), "pm_1Q2w3E4r");
}

#[test]
fn values_shorter_than_four_characters_are_not_searched_alone() {
    assert_eq!(MIN_NEEDLE_CHARS, 4);
    let s = Scrubber::new()
        .with_secret("abc")
        .for_request()
        .text("xyz")
        .text("ñañ")
        .name("Al")
        .postal_code("123")
        .build();
    let text = "abc xyz ñañ Al 123";
    assert_eq!(s.scrub(text), text);
    let s = Scrubber::new()
        .with_secret("abcd")
        .for_request()
        .text("ñaña")
        .build();
    assert_eq!(s.scrub("abcd ñaña"), "[redacted] [redacted]");
    // Surrounding blanks do not count.
    let s = Scrubber::new().with_secret("  abc ");
    assert_eq!(s.scrub("abc"), "abc");
}

#[test]
fn blank_and_absent_values_register_nothing() {
    let name: Option<String> = None;
    let owned = String::from("Rivera");
    let s = Scrubber::new()
        .with_secret("   ")
        .with_secret("")
        .for_request()
        .name("  ")
        .name(None::<&str>)
        .email(&name)
        .phone(None::<&String>)
        .date_of_birth(None)
        .build();
    assert_eq!(
        format!("{s:?}"),
        "Scrubber { secrets: 0, personal_values: 0 }"
    );
    // Each accepted shape registers its value.
    let some = Some(owned.clone());
    let builders = [
        Scrubber::new().for_request().name(&owned),
        Scrubber::new().for_request().name(Some(&owned)),
        Scrubber::new().for_request().name(&some),
        Scrubber::new().for_request().name(Some("Rivera")),
        Scrubber::new().for_request().name("Rivera"),
    ];
    for b in builders {
        let s = b.build();
        assert_eq!(
            format!("{s:?}"),
            "Scrubber { secrets: 0, personal_values: 1 }"
        );
        assert_eq!(s.scrub("Rivera"), MARKER);
    }
}

#[test]
fn debug_shows_counts_never_values() {
    let s = request();
    let shown = format!("{s:?} {:?}", client().for_request().name("Jane Rivera"));
    assert_eq!(
        shown,
        "Scrubber { secrets: 5, personal_values: 6 } \
         RequestScrubberBuilder { secrets: 5, personal_values: 1 }"
    );
    let clone = s.clone();
    assert_eq!(clone.scrub(API_KEY), MARKER);
    assert_eq!(
        format!("{:?}", Scrubber::default()),
        "Scrubber { secrets: 0, personal_values: 0 }"
    );
}

#[test]
fn scrubbers_can_be_shared_across_tasks() {
    fn shared<T: Send + Sync + Clone + 'static>() {}
    shared::<Scrubber>();
    let s = request();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let s = s.clone();
            std::thread::spawn(move || s.scrub(TENANT))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), MARKER);
    }
}

#[test]
fn with_secret_leaves_the_original_alone() {
    let base = Scrubber::new();
    let more = base.clone().with_secret("abcd");
    assert_eq!(base.scrub("abcd"), "abcd");
    assert_eq!(more.scrub("abcd"), MARKER);
    let built: Scrubber = more.for_request().text("efgh").into();
    assert_eq!(built.scrub("abcd efgh"), "[redacted] [redacted]");
}

// ---------------------------------------------------------------------------------------
// Matching rules

#[test]
fn overlapping_and_adjacent_occurrences() {
    let s = Scrubber::new()
        .with_secret("abcdef")
        .with_secret("defghi")
        .with_secret("wxyz");
    assert_eq!(s.scrub("xabcdefghiy"), "x[redacted]y");
    assert_eq!(s.scrub("ABCDEFwxyz"), "[redacted][redacted]");
    assert_eq!(s.scrub("abcdefabcdef"), "[redacted][redacted]");
}

#[test]
fn a_marker_in_the_text_stays_and_scrubbing_twice_changes_nothing() {
    let s = Scrubber::new().with_secret("redacted").with_secret("abcd");
    assert_eq!(s.scrub("[redacted] redacted"), "[redacted] [redacted]");
    let once = s.scrub("abcd[redacted]abcd");
    assert_eq!(once, "[redacted][redacted][redacted]");
    assert_eq!(s.scrub(&once), once);
    // A value that reaches into a marker is hidden together with it.
    let s = Scrubber::new().with_secret("abcd").with_secret("ted]x");
    assert_eq!(s.scrub("abcdx!"), "[redacted]!");
}

#[test]
fn nothing_registered_applies_only_the_generic_patterns() {
    let s = Scrubber::new();
    for same in [
        "Amount must be a positive number",
        "No such setupintent: 'seti_1SNZ'",
        "amount 1999 too high",
        "HTTP 404: not found",
        "reach ops@localhost now",
        "[redacted] already",
        "",
    ] {
        assert_eq!(s.scrub(same), same);
    }
    assert_eq!(
        s.scrub("User jane@x.example does not exist"),
        "User [redacted] does not exist"
    );
    assert_eq!(s.scrub("user 'jane%40x.example'"), "user '[redacted]'");
    assert_eq!(s.scrub("call +1 (415) 555-2671 now"), "call [redacted] now");
    assert_eq!(s.scrub("dob 1990-01-31 wrong"), "dob [redacted] wrong");
}

// ---------------------------------------------------------------------------------------
// Request ids

#[test]
fn request_ids_that_look_like_ids_are_kept() {
    assert_eq!(MAX_REQUEST_ID_LEN, 128);
    let max = "x".repeat(MAX_REQUEST_ID_LEN);
    for id in [
        "a",
        "!",
        "~",
        "req_8f3K2x",
        "0b7f3c2e-6d7a-4b8e-9c1d-2f3e4a5b6c7d",
        "a!#$%&()*+,-./:;=?@[]^_{|}~z",
        max.as_str(),
    ] {
        assert_eq!(sanitize_request_id(id).as_deref(), Some(id), "{id}");
        assert_eq!(
            sanitize_request_id(id.as_bytes()).as_deref(),
            Some(id),
            "{id}"
        );
    }
    let header = http::HeaderValue::from_static("req-42");
    assert_eq!(sanitize_request_id(&header).as_deref(), Some("req-42"));
}

#[test]
fn request_ids_that_do_not_look_like_ids_are_dropped() {
    let too_long = "x".repeat(MAX_REQUEST_ID_LEN + 1);
    for id in [
        "",
        too_long.as_str(),
        " ",
        "a b",
        "a\tb",
        "a\r\nSet-Cookie: x",
        "\u{7f}",
        "\u{1f}",
        "é",
        "\"",
        "'",
        "`",
        "\\",
        "<",
        ">",
        "<script>alert(1)</script>",
    ] {
        assert_eq!(sanitize_request_id(id), None, "{id:?}");
    }
    assert_eq!(sanitize_request_id(b"ok\xff"), None);
    assert_eq!(sanitize_request_id([0x20u8]), None);
    assert_eq!(sanitize_request_id([0x21u8]).as_deref(), Some("!"));
    assert_eq!(sanitize_request_id([0x7eu8]).as_deref(), Some("~"));
    assert_eq!(sanitize_request_id([0x7fu8]), None);
}

#[test]
fn a_request_id_holding_a_secret_is_dropped() {
    let s = request();
    assert_eq!(s.scrub_request_id(format!("req-{TENANT}")), None);
    assert_eq!(
        s.scrub_request_id(format!("req-{}", pct(NMI_TOKEN, true, false))),
        None
    );
    assert_eq!(s.scrub_request_id("req-jane.doe+x@ex.com"), None);
    assert_eq!(s.scrub_request_id("a b"), None);
    // Digits and e-mail-like ids are ids: the generic patterns do not apply.
    assert_eq!(
        s.scrub_request_id("12345678901").as_deref(),
        Some("12345678901")
    );
    assert_eq!(
        s.scrub_request_id("job@queue.local").as_deref(),
        Some("job@queue.local")
    );
}

// ---------------------------------------------------------------------------------------
// Unparseable bodies

#[test]
fn an_unparseable_body_is_described_not_shown() {
    assert_eq!(
        describe_unparseable_body(502, Some("text/html"), 1234),
        "HTTP 502 text/html body of 1234 bytes (not shown)"
    );
    assert_eq!(
        describe_unparseable_body(503, Some(" Text/HTML ; charset=UTF-8"), 2),
        "HTTP 503 text/html body of 2 bytes (not shown)"
    );
    assert_eq!(
        describe_unparseable_body(400, Some("application/problem+json"), 1),
        "HTTP 400 application/problem+json body of 1 byte (not shown)"
    );
    assert_eq!(
        describe_unparseable_body(500, None, 0),
        "HTTP 500 body of 0 bytes (not shown)"
    );
    for top in [
        "application",
        "audio",
        "example",
        "font",
        "image",
        "message",
        "model",
        "multipart",
        "text",
        "video",
    ] {
        assert_eq!(
            describe_unparseable_body(500, Some(&format!("{top}/x")), 3),
            format!("HTTP 500 {top}/x body of 3 bytes (not shown)")
        );
    }
}

#[test]
fn a_content_type_that_is_not_one_is_left_out() {
    let exact = format!(
        "application/{}",
        "x".repeat(MAX_CONTENT_TYPE_LEN - "application/".len())
    );
    assert_eq!(
        describe_unparseable_body(500, Some(&exact), 3),
        format!("HTTP 500 {exact} body of 3 bytes (not shown)")
    );
    let long = format!("{exact}x");
    for bad in [
        long.as_str(),
        "",
        ";",
        "text",
        "text/",
        "/html",
        "foo/bar",
        "text/ht ml",
        "text/<script>",
        "text/html/x",
        "text/\"x\"",
        "application/x-1234567",
        "application/jane@x.example",
    ] {
        assert_eq!(
            describe_unparseable_body(500, Some(bad), 3),
            "HTTP 500 body of 3 bytes (not shown)",
            "{bad:?}"
        );
    }
    assert_eq!(
        describe_unparseable_body(500, Some("application/x-123456"), 3),
        "HTTP 500 application/x-123456 body of 3 bytes (not shown)"
    );
    let s = Scrubber::new().with_secret("vnd.secret");
    assert_eq!(
        s.describe_unparseable_body(500, Some("application/vnd.secret+json"), 3),
        "HTTP 500 body of 3 bytes (not shown)"
    );
    assert_eq!(
        s.describe_unparseable_body(500, Some("application/vnd.other+json"), 3),
        "HTTP 500 application/vnd.other+json body of 3 bytes (not shown)"
    );
}

// ---------------------------------------------------------------------------------------
// Bounded bodies

#[test]
fn a_bounded_body_is_lossy_scrubbed_and_cut_at_a_char_boundary() {
    let s = request();
    let mut body = format!("<p>{TENANT} é").into_bytes();
    body.push(0xff);
    body.extend(b"</p>");
    assert_eq!(
        s.bounded_scrubbed_body(&body, 100),
        "<p>[redacted] é\u{fffd}</p>"
    );
    assert_eq!(s.bounded_scrubbed_body(b"abcdefgh", 3), "abc");
    assert_eq!(s.bounded_scrubbed_body(b"abcdefgh", 8), "abcdefgh");
    assert_eq!(s.bounded_scrubbed_body(b"abcdefgh", 0), "");
    assert_eq!(s.bounded_scrubbed_body(b"", 10), "");
    assert_eq!(s.bounded_scrubbed_body("éééé".as_bytes(), 5), "éé");
    assert_eq!(s.bounded_scrubbed_body("éééé".as_bytes(), 4), "éé");
    assert_eq!(s.bounded_scrubbed_body(b"\xff\xff", 4), "\u{fffd}");
    // The scrub runs before the cut: a value is never cut into a visible prefix.
    assert_eq!(
        s.bounded_scrubbed_body(format!("x {API_KEY}").as_bytes(), 8),
        "x [redac"
    );
}

#[test]
fn a_value_cut_by_the_bound_never_shows_its_first_half() {
    // Long values shrink to short markers, so the read window can end inside a value that
    // still lands within `limit` bytes of output.
    let secret: String = ('a'..='z').cycle().take(200).collect();
    let s = Scrubber::new().with_secret(&secret);
    let body = secret.repeat(1000);
    for limit in [10, 1000, 4096, 20_000] {
        let out = s.bounded_scrubbed_body(body.as_bytes(), limit);
        assert!(out.len() <= limit);
        assert!(!out.contains("abcdefgh"), "limit {limit}: {out}");
        assert!(
            out.replace(MARKER, "").len() < MARKER.len(),
            "limit {limit}: {out}"
        );
    }
    let encoded = json_all(&secret).repeat(300);
    let out = s.bounded_scrubbed_body(encoded.as_bytes(), 4096);
    assert!(out.replace(MARKER, "").len() < MARKER.len(), "{out}");
    // A body that fits is not cut, and its end is not hidden.
    let small = format!("{secret} tail");
    assert_eq!(
        s.bounded_scrubbed_body(small.as_bytes(), 4096),
        "[redacted] tail"
    );
}

// ---------------------------------------------------------------------------------------
// Properties

fn encode(value: &str, how: usize) -> String {
    let forms = encodings(value);
    forms[how % forms.len()].clone()
}

const DELIMITERS: &[&str] = &[" ", "\"", "'", ":", "=", ",", "\n", "(", "<b>", "&"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_registered_secret_never_survives(
        secret in "[A-Za-z0-9 _.+/=@\"\\\\&%#;-]{4,24}",
        prefix in "[^\\\\]{0,40}",
        suffix in "[^\\\\]{0,40}",
        how in 0usize..64,
        d1 in 0usize..DELIMITERS.len(),
        d2 in 0usize..DELIMITERS.len(),
    ) {
        let trimmed = secret.trim();
        prop_assume!(trimmed.chars().count() >= MIN_NEEDLE_CHARS && !MARKER.contains(&trimmed.to_ascii_lowercase()));
        let s = Scrubber::new().with_secret(&secret);
        let form = encode(trimmed, how);
        let text = format!("{prefix}{}{form}{}{suffix}", DELIMITERS[d1], DELIMITERS[d2]);
        let out = s.scrub(&text);
        let lower = out.to_ascii_lowercase();
        prop_assert!(!lower.contains(&trimmed.to_ascii_lowercase()), "{:?} -> {:?}", text, out);
        prop_assert!(!lower.contains(&form.to_ascii_lowercase()), "{:?} -> {:?}", text, out);
        prop_assert_eq!(s.scrub(&out), out.clone());
    }

    #[test]
    fn anything_scrubs_without_panic_idempotently_and_hides_the_plain_value(
        secret in "\\PC{4,12}",
        text in "\\PC{0,80}|[\\\\%&#;+uU0-9a-fA-F\\[\\]redact@. -]{0,80}",
        at in 0usize..100,
    ) {
        let trimmed = secret.trim();
        prop_assume!(trimmed.chars().count() >= MIN_NEEDLE_CHARS && !MARKER.contains(&trimmed.to_ascii_lowercase()));
        let s = Scrubber::new().with_secret(&secret).for_request().name(&*text).build();
        let mut with = text.clone();
        let mut i = at.min(with.len());
        while !with.is_char_boundary(i) { i -= 1; }
        with.insert_str(i, trimmed);
        for t in [&text, &with] {
            let out = s.scrub(t);
            prop_assert!(!out.to_ascii_lowercase().contains(&trimmed.to_ascii_lowercase()), "{:?}", out);
            prop_assert_eq!(s.scrub(&out), out.clone());
            let _ = s.scrub_request_id(t);
            let _ = s.describe_unparseable_body(500, Some(t), t.len());
        }
    }

    #[test]
    fn bounded_bodies_never_panic_and_stay_bounded(
        body in proptest::collection::vec(any::<u8>(), 0..300),
        limit in 0usize..400,
    ) {
        let s = Scrubber::new().with_secret("abcd");
        let out = s.bounded_scrubbed_body(&body, limit);
        prop_assert!(out.len() <= limit);
        prop_assert!(!out.to_ascii_lowercase().contains("abcd"));
        let _ = sanitize_request_id(&body);
    }

    #[test]
    fn text_without_patterns_is_unchanged_when_nothing_is_registered(
        text in "[^0-9@%&\\\\]{0,80}",
    ) {
        prop_assert_eq!(Scrubber::new().scrub(&text), text);
    }

    #[test]
    fn a_date_of_birth_never_survives(
        year in 1900i32..2030,
        ordinal in 1u16..=365,
        how in 0usize..25,
        wrap in 0usize..4,
    ) {
        let d = Date::from_ordinal_date(year, ordinal).unwrap();
        let s = Scrubber::new().for_request().date_of_birth(d).build();
        let (y, m, day) = (d.year(), u8::from(d.month()), d.day());
        let month = d.month().to_string();
        let forms = [
            format!("{y}-{m:02}-{day:02}"),
            format!("{m:02}/{day:02}/{y}"),
            format!("{m}/{day}/{y}"),
            format!("{m:02}-{day:02}-{y}"),
            format!("{y}{m:02}{day:02}"),
            format!("{month} {day}, {y}"),
            format!("{} {day}, {y}", &month[..3]),
        ];
        let form = &forms[how % forms.len()];
        let form = match wrap {
            0 => form.clone(),
            1 => json(form),
            2 => pct(form, true, true),
            _ => html(form, false),
        };
        let out = s.scrub(&format!("born {form}."));
        prop_assert_eq!(out, "born [redacted].");
    }

    #[test]
    fn a_phone_never_survives(digits in "[2-9][0-9]{2}[2-9][0-9]{6}", how in 0usize..6, wrap in 0usize..3) {
        let (a, e, l) = (&digits[..3], &digits[3..6], &digits[6..]);
        let s = Scrubber::new().for_request().phone(format!("+1{digits}").as_str()).build();
        let forms = [
            format!("+1{digits}"),
            digits.clone(),
            format!("({a}) {e}-{l}"),
            format!("{a}-{e}-{l}"),
            format!("{a}.{e}.{l}"),
            format!("{a} {e} {l}"),
        ];
        let form = &forms[how];
        let form = match wrap {
            0 => form.clone(),
            1 => pct(form, false, true),
            _ => json_all(form),
        };
        prop_assert_eq!(s.scrub(&format!("phone {form}!")), "phone [redacted]!");
    }
}
