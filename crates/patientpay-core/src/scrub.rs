//! The one scrubber every vendor-originated string passes through before it reaches an
//! [`Error`](crate::Error), a trace or the CLI (design §8).
//!
//! Vendors echo requests back in their error messages, their debug pages and even their
//! response headers. A [`Scrubber`] knows the client's own secrets (API key, tenant, bearer
//! token, NMI token, webhook secret) and, once extended with [`Scrubber::for_request`], the
//! personal values of the request in flight (names, e-mail, phone, date of birth, address,
//! postal code). [`Scrubber::scrub`] replaces every occurrence of each of them by the fixed
//! [`MARKER`] `[redacted]`:
//!
//! ```
//! use patientpay_core::scrub::Scrubber;
//! use patientpay_core::time::macros::date;
//!
//! let client = Scrubber::new().with_secret("sk_live_4eC39HqLyjWDarjtT1zdp7dc");
//! let request = client
//!     .for_request()
//!     .name("Jane Rivera")
//!     .email("jane.doe+x@ex.com")
//!     .phone("+14155550123")
//!     .date_of_birth(date!(1984 - 02 - 29))
//!     .build();
//! let echo = r#"{"error":"no patient RIVERA (jane.doe%2Bx%40ex.com, (415) 555-0123, dob 02\/29\/1984)","key":"sk_live_4eC39HqLyjWDarjtT1zdp7dc"}"#;
//! assert_eq!(
//!     request.scrub(echo),
//!     r#"{"error":"no patient [redacted] ([redacted], [redacted], dob [redacted])","key":"[redacted]"}"#
//! );
//! ```
//!
//! # What is matched
//!
//! * Every registered value, ASCII case-insensitively, wherever it appears (not only as a
//!   whole word), in every encoding a vendor might echo it in: plain; URL-encoded (`%20` or
//!   `+` for spaces, upper or lower hex, `@` as `%40`, whichever characters the vendor's
//!   encoder chose to encode); JSON-escaped (`\"`, `\\`, `\/`, `\uXXXX`, surrogate pairs);
//!   HTML entities (`&amp;`, `&#64;`, `&#x40;`, …); and the two-deep nestings vendors
//!   produce (URL-encoding or JSON escapes inside a JSON message, URL-encoded JSON, a doubly
//!   URL-encoded value, URL-encoding inside an HTML attribute). Rather than listing every
//!   encoded spelling of every value, the text is decoded into several views, each mapped
//!   back byte for byte onto the original, and the plain values are searched in each.
//! * Values that are not ASCII are also searched in their Unicode upper and lower case.
//! * A phone is also searched in the forms vendors print it: for a North American number
//!   `+14155550123`, `14155550123`, `4155550123`, `(415) 555-0123`, `(415)555-0123`,
//!   `415-555-0123`, `415.555.0123`, `415 555 0123`, `+1 415 555 0123`, `+1 (415) 555-0123`,
//!   `+1-415-555-0123`, `1-415-555-0123`, `+1.415.555.0123`, and the local `555-0123` (as a
//!   whole word); any other number as `+<digits>` and `<digits>`.
//! * A date of birth is searched as ISO `1984-02-29`, `19840229`, `1984/02/29`, `1984.02.29`,
//!   `1984-2-29`; US `02/29/1984`, `2/29/1984`, `02-29-1984`, `2-29-1984`, `02.29.1984`,
//!   `02291984`, `02/29/84`, `2/29/84`; day first `29/02/1984`, `29/2/1984`, `29.02.1984`,
//!   `29-02-1984`; and in words, `February 29, 1984`, `Feb 29, 1984`, `29 February 1984`,
//!   `29 Feb 1984`, `Feb 29 1984` (and the two-digit day for single-digit days).
//! * A name is searched whole, and each of its words of 4 or more characters as a whole word
//!   (`Jane` in `Jane Rivera`, but not in `Janet`). An e-mail is searched whole, and its
//!   local part as a whole word. A postal code is searched as a whole word (so that `20500`
//!   does not hide the amount `120500`), also without its spaces, and a ZIP+4's five digits.
//!   Whole-word means: not preceded or followed by an ASCII letter or digit.
//! * Whatever is registered, the generic patterns of
//!   [`scrub_vendor_message`](crate::redact::scrub_vendor_message) also apply: e-mail-like
//!   words (`local@domain.tld`, in any of the views above) and runs of 7 or more digits with
//!   phone punctuation (`+ - . ( )` and spaces) between them.
//!
//! Values (and derived words) shorter than [`MIN_NEEDLE_CHARS`] characters are not searched
//! on their own — a two-letter surname or a three-digit number would hide half of every
//! message — but they are hidden as part of every longer form that contains them (`Li` is
//! hidden in `Jane Li`, a short postal code in the address line that contains it). Blank
//! values are ignored.
//!
//! # Guarantees and limits
//!
//! * [`Scrubber::scrub`] never panics, on any input, and is idempotent:
//!   `scrub(scrub(x)) == scrub(x)`. Overlapping occurrences are all hidden (their union is
//!   replaced by one marker); a marker already in the text stays as it is. After a
//!   replacement the text is searched again, until nothing changes; if that has not happened
//!   after 32 rounds (only contrived values that contain parts of the marker can cause more
//!   than two), the whole text is replaced by the marker.
//! * The work is linear in the text's length for each view and each distinct needle length
//!   (a rolling hash with a random base, built on first use; no regular expressions).
//!   Scrubbing is meant for error paths and traces; bound what you pass (see
//!   [`Scrubber::bounded_scrubbed_body`]).
//! * Case-insensitivity is ASCII only (plus the Unicode upper/lower-case forms of the whole
//!   value); Unicode normalization forms are not unified; other nestings, and nestings more
//!   than two deep, are not decoded.
//! * The registered values are kept in [`secrecy`] types; the search tables hold copies of
//!   the searched forms for the scrubber's lifetime (usually one request).

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, OnceLock};

use secrecy::{ExposeSecret, SecretString};

/// What every scrubbed value is replaced by.
pub const MARKER: &str = "[redacted]";

/// Values shorter than this many characters (Unicode scalar values) are not searched on
/// their own; see the [module documentation](self).
pub const MIN_NEEDLE_CHARS: usize = 4;

/// The longest request id [`sanitize_request_id`] accepts, in bytes.
pub const MAX_REQUEST_ID_LEN: usize = 128;

/// The longest content type [`describe_unparseable_body`] shows (without its parameters),
/// in bytes.
pub const MAX_CONTENT_TYPE_LEN: usize = 64;

/// Rounds of search-and-replace before [`Scrubber::scrub`] gives up and hides everything.
const MAX_PASSES: usize = 32;

/// Extra bytes hidden at a cut, for the generic patterns (an e-mail cut in its middle).
const TAIL_SLACK: usize = 64;

/// The one scrubber for vendor-originated text: see the [module documentation](self).
///
/// Cheap to clone (the values and the search automaton are shared). Its `Debug` shows how
/// many values it knows, never the values.
#[derive(Clone)]
pub struct Scrubber {
    inner: Arc<Inner>,
}

struct Inner {
    entries: Vec<Arc<Entry>>,
    matcher: OnceLock<Matcher>,
}

/// One registered value.
enum Entry {
    Secret(SecretString),
    Phi(Phi, SecretString),
    DateOfBirth(time::Date),
}

#[derive(Clone, Copy)]
enum Phi {
    Name,
    Email,
    Phone,
    Address,
    PostalCode,
    Text,
}

impl Default for Scrubber {
    fn default() -> Self {
        Scrubber::new()
    }
}

impl fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_counts(f, "Scrubber", &self.inner.entries)
    }
}

fn debug_counts(f: &mut fmt::Formatter<'_>, name: &str, entries: &[Arc<Entry>]) -> fmt::Result {
    let secrets = entries
        .iter()
        .filter(|e| matches!(***e, Entry::Secret(_)))
        .count();
    f.debug_struct(name)
        .field("secrets", &secrets)
        .field("personal_values", &(entries.len() - secrets))
        .finish()
}

/// A secret [`Scrubber::with_secret`] and [`RequestScrubberBuilder::secret`] accept: `str`,
/// `String` or [`SecretString`]. Sealed.
pub trait SecretText: sealed::Sealed {}

mod sealed {
    pub trait Sealed {
        fn secret_text(&self) -> &str;
    }
}

impl sealed::Sealed for str {
    fn secret_text(&self) -> &str {
        self
    }
}
impl SecretText for str {}
impl sealed::Sealed for String {
    fn secret_text(&self) -> &str {
        self
    }
}
impl SecretText for String {}
impl sealed::Sealed for SecretString {
    fn secret_text(&self) -> &str {
        self.expose_secret()
    }
}
impl SecretText for SecretString {}

/// A personal value that may be absent, as the [`RequestScrubberBuilder`] methods accept it:
/// `&str`, `&String`, `Option<&str>`, `Option<&String>` or `&Option<String>`. `None` and
/// blank values register nothing.
pub trait OptionalText<'a> {
    /// The value, if any.
    fn optional_text(self) -> Option<&'a str>;
}

impl<'a> OptionalText<'a> for &'a str {
    fn optional_text(self) -> Option<&'a str> {
        Some(self)
    }
}
impl<'a> OptionalText<'a> for &'a String {
    fn optional_text(self) -> Option<&'a str> {
        Some(self.as_str())
    }
}
impl<'a> OptionalText<'a> for Option<&'a str> {
    fn optional_text(self) -> Option<&'a str> {
        self
    }
}
impl<'a> OptionalText<'a> for Option<&'a String> {
    fn optional_text(self) -> Option<&'a str> {
        self.map(String::as_str)
    }
}
impl<'a> OptionalText<'a> for &'a Option<String> {
    fn optional_text(self) -> Option<&'a str> {
        self.as_deref()
    }
}

impl Scrubber {
    /// A scrubber that knows no values yet: it applies only the generic patterns
    /// (e-mail-like words, runs of 7 or more digits).
    pub fn new() -> Scrubber {
        Scrubber::from_entries(Vec::new())
    }

    fn from_entries(entries: Vec<Arc<Entry>>) -> Scrubber {
        Scrubber {
            inner: Arc::new(Inner {
                entries,
                matcher: OnceLock::new(),
            }),
        }
    }

    /// This scrubber, also hiding `secret` (an API key, tenant, bearer token or JWT, NMI
    /// token, webhook secret). A JWT's three dot-separated parts are also hidden on their
    /// own. Blank secrets are ignored.
    ///
    /// ```
    /// use patientpay_core::scrub::Scrubber;
    /// use patientpay_core::secrecy::SecretString;
    ///
    /// let key = SecretString::from("k3y-0f-the-client");
    /// let scrubber = Scrubber::new().with_secret(&key).with_secret("tenant-42");
    /// assert_eq!(scrubber.scrub("bad key K3Y-0F-THE-CLIENT for tenant-42"),
    ///            "bad key [redacted] for [redacted]");
    /// ```
    #[must_use]
    pub fn with_secret<S: SecretText + ?Sized>(self, secret: &S) -> Scrubber {
        let mut entries = self.inner.entries.clone();
        push_text(&mut entries, secret.secret_text(), Entry::Secret);
        Scrubber::from_entries(entries)
    }

    /// Starts a request-scoped scrubber: everything this one hides, plus the personal values
    /// (and per-request secrets) of the request in flight. Registering is cheap; the search
    /// automaton is built only when something is scrubbed.
    pub fn for_request(&self) -> RequestScrubberBuilder {
        RequestScrubberBuilder {
            entries: self.inner.entries.clone(),
        }
    }

    /// `text` with every registered value (in every form described in the
    /// [module documentation](self)) and every generic pattern replaced by [`MARKER`].
    ///
    /// ```
    /// use patientpay_core::scrub::Scrubber;
    /// assert_eq!(Scrubber::new().scrub("User jane@x.example does not exist"),
    ///            "User [redacted] does not exist");
    /// assert_eq!(Scrubber::new().scrub("Amount must be positive"), "Amount must be positive");
    /// ```
    pub fn scrub(&self, text: &str) -> String {
        scrub_with(self.matcher(), text, true, None)
    }

    /// A vendor's request id, if [`sanitize_request_id`] accepts it and it holds none of the
    /// registered values (in any form); otherwise `None`. The generic patterns do not apply
    /// here: an id made of digits stays an id.
    ///
    /// ```
    /// use patientpay_core::scrub::Scrubber;
    /// let s = Scrubber::new().with_secret("sk_test_abcdef");
    /// assert_eq!(s.scrub_request_id("req_12345678").as_deref(), Some("req_12345678"));
    /// assert_eq!(s.scrub_request_id("req-sk_test_abcdef"), None);
    /// assert_eq!(s.scrub_request_id("two words"), None);
    /// ```
    pub fn scrub_request_id(&self, raw: impl AsRef<[u8]>) -> Option<String> {
        let id = sanitize_request_id(raw)?;
        let scrubbed = scrub_with(self.matcher(), &id, false, None);
        (scrubbed == id).then_some(id)
    }

    /// Like [`describe_unparseable_body`], and the content type is also left out when it
    /// holds one of the registered values.
    pub fn describe_unparseable_body(
        &self,
        status: u16,
        content_type: Option<&str>,
        len: usize,
    ) -> String {
        let media_type = content_type
            .and_then(media_type)
            .filter(|t| self.scrub(t) == *t);
        describe(status, media_type.as_deref(), len)
    }

    /// A vendor's raw body for debugging (never for `Display`): decoded as UTF-8 (invalid
    /// sequences become `U+FFFD`), scrubbed, and cut to at most `limit` bytes at a character
    /// boundary.
    ///
    /// Only the first `limit` bytes plus a margin are read. When the body is longer than
    /// that, the end of what was read is hidden as well, so that a value cut in two by the
    /// bound cannot show its first half.
    ///
    /// ```
    /// use patientpay_core::scrub::Scrubber;
    /// let s = Scrubber::new().with_secret("tenant-42");
    /// assert_eq!(s.bounded_scrubbed_body(b"<p>tenant-42 \xff unknown</p>", 1000),
    ///            "<p>[redacted] \u{fffd} unknown</p>");
    /// assert_eq!(s.bounded_scrubbed_body("<p>éé</p>".as_bytes(), 4), "<p>");
    /// ```
    pub fn bounded_scrubbed_body(&self, body: &[u8], limit: usize) -> String {
        let matcher = self.matcher();
        let guard = max_expansion()
            .saturating_mul(matcher.max_len())
            .saturating_add(TAIL_SLACK);
        let window = body.len().min(limit.saturating_add(guard));
        let cut = window < body.len();
        let text = String::from_utf8_lossy(&body[..window]);
        let mut scrubbed = scrub_with(matcher, &text, true, cut.then_some(guard));
        scrubbed.truncate(floor_char_boundary(&scrubbed, limit));
        scrubbed
    }

    fn matcher(&self) -> &Matcher {
        self.inner
            .matcher
            .get_or_init(|| Matcher::build(&needles(&self.inner.entries)))
    }
}

fn push_text(entries: &mut Vec<Arc<Entry>>, value: &str, make: impl FnOnce(SecretString) -> Entry) {
    if !value.trim().is_empty() {
        entries.push(Arc::new(make(SecretString::from(value))));
    }
}

/// Builds a request-scoped [`Scrubber`]: see [`Scrubber::for_request`]. Every method accepts
/// an absent value (`None`) and ignores blank ones.
///
/// Its `Debug` shows how many values it holds, never the values.
#[must_use = "call .build() to get the request's scrubber"]
pub struct RequestScrubberBuilder {
    entries: Vec<Arc<Entry>>,
}

impl fmt::Debug for RequestScrubberBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_counts(f, "RequestScrubberBuilder", &self.entries)
    }
}

impl RequestScrubberBuilder {
    fn phi<'a>(mut self, kind: Phi, value: impl OptionalText<'a>) -> Self {
        if let Some(v) = value.optional_text() {
            push_text(&mut self.entries, v, |v| Entry::Phi(kind, v));
        }
        self
    }

    /// A person's name (first, last or full): hidden whole, and each word of 4 or more
    /// characters as a whole word.
    pub fn name<'a>(self, value: impl OptionalText<'a>) -> Self {
        self.phi(Phi::Name, value)
    }

    /// An e-mail address: hidden whole, and its local part as a whole word.
    pub fn email<'a>(self, value: impl OptionalText<'a>) -> Self {
        self.phi(Phi::Email, value)
    }

    /// A phone number, in any format: hidden as given and in the forms vendors print it.
    pub fn phone<'a>(self, value: impl OptionalText<'a>) -> Self {
        self.phi(Phi::Phone, value)
    }

    /// A date of birth: hidden in ISO, US, day-first and spelled-out forms.
    pub fn date_of_birth(mut self, date: impl Into<Option<time::Date>>) -> Self {
        if let Some(d) = date.into() {
            self.entries.push(Arc::new(Entry::DateOfBirth(d)));
        }
        self
    }

    /// A street address line (or city, state): hidden as given.
    pub fn address_line<'a>(self, value: impl OptionalText<'a>) -> Self {
        self.phi(Phi::Address, value)
    }

    /// A postal code: hidden as a whole word, also without its spaces (and a ZIP+4's first
    /// five digits).
    pub fn postal_code<'a>(self, value: impl OptionalText<'a>) -> Self {
        self.phi(Phi::PostalCode, value)
    }

    /// Any other value of the request that must not be echoed (an id, a card's last
    /// digits with context, a free-text note): hidden as given.
    pub fn text<'a>(self, value: impl OptionalText<'a>) -> Self {
        self.phi(Phi::Text, value)
    }

    /// A secret that belongs to this request only (a payment token, a per-call bearer
    /// token): hidden like [`Scrubber::with_secret`]'s.
    pub fn secret<S: SecretText + ?Sized>(mut self, secret: &S) -> Self {
        push_text(&mut self.entries, secret.secret_text(), Entry::Secret);
        self
    }

    /// The request-scoped scrubber.
    pub fn build(self) -> Scrubber {
        Scrubber::from_entries(self.entries)
    }
}

impl From<RequestScrubberBuilder> for Scrubber {
    fn from(builder: RequestScrubberBuilder) -> Scrubber {
        builder.build()
    }
}

/// A vendor's request id if it looks like one: 1 to [`MAX_REQUEST_ID_LEN`] bytes, each
/// visible ASCII (`0x21`–`0x7E`, so no spaces or control characters) and none of
/// `"` `'` `` ` `` `\` `<` `>`. Anything else is dropped (`None`): a hostile or buggy vendor
/// can put anything in a header. Accepts `&str`, `&[u8]` or an `http::HeaderValue`.
///
/// To also refuse an id that holds one of the client's secrets, use
/// [`Scrubber::scrub_request_id`].
///
/// ```
/// use patientpay_core::scrub::sanitize_request_id;
/// assert_eq!(sanitize_request_id("req_8f3K2x").as_deref(), Some("req_8f3K2x"));
/// assert_eq!(sanitize_request_id("<script>"), None);
/// assert_eq!(sanitize_request_id(b"id\r\nx"), None);
/// ```
pub fn sanitize_request_id(raw: impl AsRef<[u8]>) -> Option<String> {
    let raw = raw.as_ref();
    let ok = (1..=MAX_REQUEST_ID_LEN).contains(&raw.len())
        && raw
            .iter()
            .all(|&b| (0x21..=0x7e).contains(&b) && !b"\"'`\\<>".contains(&b));
    if ok {
        // Visible ASCII is valid UTF-8.
        String::from_utf8(raw.to_vec()).ok()
    } else {
        None
    }
}

/// The message for an error answer whose body is not the vendor's error shape: built from
/// the status, the media type and the length only, never from the body.
///
/// The media type (without parameters) is shown only if it is a well-formed
/// `type/subtype` of a registered top-level type, at most [`MAX_CONTENT_TYPE_LEN`] bytes,
/// and holds no generic pattern; [`Scrubber::describe_unparseable_body`] also checks it
/// against the registered values.
///
/// ```
/// use patientpay_core::scrub::describe_unparseable_body;
/// assert_eq!(describe_unparseable_body(502, Some("text/html; charset=utf-8"), 1234),
///            "HTTP 502 text/html body of 1234 bytes (not shown)");
/// assert_eq!(describe_unparseable_body(500, None, 1), "HTTP 500 body of 1 byte (not shown)");
/// ```
pub fn describe_unparseable_body(status: u16, content_type: Option<&str>, len: usize) -> String {
    Scrubber::new().describe_unparseable_body(status, content_type, len)
}

fn describe(status: u16, media_type: Option<&str>, len: usize) -> String {
    let unit = if len == 1 { "byte" } else { "bytes" };
    match media_type {
        Some(t) => format!("HTTP {status} {t} body of {len} {unit} (not shown)"),
        None => format!("HTTP {status} body of {len} {unit} (not shown)"),
    }
}

/// The lower-cased `type/subtype` of a `Content-Type` value, if it is one.
fn media_type(content_type: &str) -> Option<String> {
    const TOP_LEVEL: [&str; 10] = [
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
    ];
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence.len() > MAX_CONTENT_TYPE_LEN {
        return None;
    }
    let (top, sub) = essence.split_once('/')?;
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$&+-.^_".contains(&b);
    let ok = TOP_LEVEL.contains(&top) && !sub.is_empty() && sub.bytes().all(token);
    ok.then_some(essence)
}

// ---------------------------------------------------------------------------------------
// Needles: the plain forms searched for.

/// One searched form. `bounded` ones match only as a whole word.
#[derive(Debug, PartialEq, Eq)]
struct Needle {
    text: String,
    bounded: bool,
}

/// Every searched form of `entries`, without duplicates, longest first.
fn needles(entries: &[Arc<Entry>]) -> Vec<Needle> {
    let mut forms = Vec::new();
    for entry in entries {
        entry_forms(entry, &mut forms);
    }
    let mut out: Vec<Needle> = Vec::new();
    for Needle { text, bounded } in forms {
        let t = text.trim();
        if t.chars().count() < MIN_NEEDLE_CHARS {
            continue;
        }
        let collapsed = t.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut variants = vec![t.to_owned()];
        if collapsed != t {
            variants.push(collapsed);
        }
        for v in variants {
            if !v.is_ascii() {
                out.push(Needle {
                    text: v.to_lowercase(),
                    bounded,
                });
                out.push(Needle {
                    text: v.to_uppercase(),
                    bounded,
                });
            }
            out.push(Needle { text: v, bounded });
        }
    }
    // One needle per ASCII-case-insensitive text; unbounded (false) sorts first and wins.
    out.sort_by(|a, b| {
        (a.text.to_ascii_lowercase(), a.bounded).cmp(&(b.text.to_ascii_lowercase(), b.bounded))
    });
    out.dedup_by(|later, kept| later.text.eq_ignore_ascii_case(&kept.text));
    out.sort_by_key(|n| std::cmp::Reverse(n.text.len()));
    out
}

fn entry_forms(entry: &Entry, out: &mut Vec<Needle>) {
    let mut push = |text: String, bounded: bool| out.push(Needle { text, bounded });
    match entry {
        Entry::Secret(s) => {
            let v = s.expose_secret().trim();
            push(v.to_owned(), false);
            let parts: Vec<&str> = v.split('.').collect();
            if parts.len() == 3 {
                // A JWT: vendors sometimes echo one part (the claims, the signature).
                for p in parts {
                    push(p.to_owned(), false);
                }
            }
        }
        Entry::Phi(kind, s) => {
            let v = s.expose_secret().trim();
            push(v.to_owned(), matches!(kind, Phi::PostalCode));
            match kind {
                Phi::Name => {
                    let words: Vec<&str> = v
                        .split(|c: char| c.is_whitespace() || c == ',')
                        .filter(|w| !w.is_empty())
                        .collect();
                    if words.len() > 1 {
                        for w in words {
                            push(w.to_owned(), true);
                        }
                    }
                }
                Phi::Email => {
                    if let Some((local, _)) = v.rsplit_once('@') {
                        push(local.to_owned(), true);
                    }
                }
                Phi::Phone => phone_forms(v, &mut push),
                Phi::PostalCode => {
                    push(v.replace(' ', ""), true);
                    let b = v.as_bytes();
                    let zip4 = b.len() == 10
                        && b[5] == b'-'
                        && b.iter()
                            .enumerate()
                            .all(|(i, c)| i == 5 || c.is_ascii_digit());
                    if zip4 {
                        push(v[..5].to_owned(), true);
                        push(v.replace('-', ""), true);
                    }
                }
                Phi::Address | Phi::Text => {}
            }
        }
        Entry::DateOfBirth(d) => date_forms(*d, &mut push),
    }
}

fn phone_forms(value: &str, push: &mut impl FnMut(String, bool)) {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let national = match digits.len() {
        10 => Some(digits.as_str()),
        11 if digits.starts_with('1') => Some(&digits[1..]),
        _ => None,
    };
    match national {
        Some(n) => {
            let (a, e, s) = (&n[..3], &n[3..6], &n[6..]);
            for form in [
                format!("+1{n}"),
                format!("1{n}"),
                n.to_owned(),
                format!("({a}) {e}-{s}"),
                format!("({a}){e}-{s}"),
                format!("{a}-{e}-{s}"),
                format!("{a}.{e}.{s}"),
                format!("{a} {e} {s}"),
                format!("+1 {a} {e} {s}"),
                format!("+1 ({a}) {e}-{s}"),
                format!("+1-{a}-{e}-{s}"),
                format!("1-{a}-{e}-{s}"),
                format!("+1.{a}.{e}.{s}"),
            ] {
                push(form, false);
            }
            push(format!("{e}-{s}"), true);
        }
        None if digits.len() >= 7 => {
            push(format!("+{digits}"), false);
            push(digits, false);
        }
        None => {}
    }
}

fn date_forms(d: time::Date, push: &mut impl FnMut(String, bool)) {
    let (y, m, day) = (d.year(), u8::from(d.month()), d.day());
    let yy = y.rem_euclid(100);
    let month = d.month().to_string();
    let mon = &month[..3];
    for form in [
        format!("{y:04}-{m:02}-{day:02}"),
        format!("{y:04}{m:02}{day:02}"),
        format!("{y:04}/{m:02}/{day:02}"),
        format!("{y:04}.{m:02}.{day:02}"),
        format!("{y:04}-{m}-{day}"),
        format!("{m:02}/{day:02}/{y:04}"),
        format!("{m}/{day}/{y:04}"),
        format!("{m:02}-{day:02}-{y:04}"),
        format!("{m}-{day}-{y:04}"),
        format!("{m:02}.{day:02}.{y:04}"),
        format!("{m:02}{day:02}{y:04}"),
        format!("{m:02}/{day:02}/{yy:02}"),
        format!("{m}/{day}/{yy:02}"),
        format!("{day:02}/{m:02}/{y:04}"),
        format!("{day}/{m}/{y:04}"),
        format!("{day:02}.{m:02}.{y:04}"),
        format!("{day:02}-{m:02}-{y:04}"),
        format!("{month} {day}, {y:04}"),
        format!("{mon} {day}, {y:04}"),
        format!("{month} {day:02}, {y:04}"),
        format!("{mon} {day:02}, {y:04}"),
        format!("{day} {month} {y:04}"),
        format!("{day} {mon} {y:04}"),
        format!("{day:02} {mon} {y:04}"),
        format!("{mon} {day} {y:04}"),
    ] {
        push(form, false);
    }
}

// ---------------------------------------------------------------------------------------
// Matching.

/// The needles, grouped by byte length and searched with a rolling hash: one pass over a
/// view per distinct length, so the work is linear in the text for each length (plus a
/// byte-for-byte check of each candidate). The hash base is random per matcher, so a
/// vendor cannot craft text whose windows all collide.
enum Matcher {
    /// Nothing registered: only the generic patterns apply.
    Empty,
    Ready {
        groups: Vec<Group>,
        base: u64,
        /// The longest needle, in bytes.
        max_len: usize,
    },
}

/// The needles of one byte length.
struct Group {
    len: usize,
    /// `base^(len - 1)`, to take the leaving byte out of the rolling hash.
    pow: u64,
    /// One bit per value of a hash's top 12 bits: most windows are refused by this alone.
    filter: Vec<u64>,
    /// Hash of the ASCII-lower-cased needle → (needle, whole-word only).
    table: std::collections::HashMap<u64, Vec<(Vec<u8>, bool)>>,
}

impl Group {
    /// `false` when no needle of this group has hash `h`; `true` when one may have.
    fn may_hold(&self, h: u64) -> bool {
        let (word, bit) = filter_bit(h);
        self.filter[word] & bit != 0
    }
}

fn hash(bytes: &[u8], base: u64) -> u64 {
    bytes.iter().fold(0u64, |h, b| {
        h.wrapping_mul(base)
            .wrapping_add(u64::from(b.to_ascii_lowercase()))
    })
}

fn filter_bit(h: u64) -> (usize, u64) {
    let top = (h >> 52) as usize;
    (top / 64, 1 << (top % 64))
}

impl Matcher {
    fn build(needles: &[Needle]) -> Matcher {
        // Odd, so that it is invertible modulo 2^64; 1 would make anagrams collide.
        Matcher::build_with_base(needles, fastrand::u64(2..) | 1)
    }

    fn build_with_base(needles: &[Needle], base: u64) -> Matcher {
        if needles.is_empty() {
            return Matcher::Empty;
        }
        let mut groups: Vec<Group> = Vec::new();
        for n in needles {
            let bytes = n.text.as_bytes().to_ascii_lowercase();
            let len = bytes.len();
            let group = match groups.iter().position(|g| g.len == len) {
                Some(i) => &mut groups[i],
                None => {
                    let pow = (1..len).fold(1u64, |p, _| p.wrapping_mul(base));
                    groups.push(Group {
                        len,
                        pow,
                        filter: vec![0; 64],
                        table: Default::default(),
                    });
                    let last = groups.len() - 1;
                    &mut groups[last]
                }
            };
            let h = hash(&bytes, base);
            let (word, bit) = filter_bit(h);
            group.filter[word] |= bit;
            group.table.entry(h).or_default().push((bytes, n.bounded));
        }
        let max_len = groups.iter().map(|g| g.len).max().unwrap_or(0);
        Matcher::Ready {
            groups,
            base,
            max_len,
        }
    }

    fn max_len(&self) -> usize {
        match self {
            Matcher::Ready { max_len, .. } => *max_len,
            Matcher::Empty => 0,
        }
    }

    /// Every occurrence (overlapping ones too) of every needle in `view`.
    fn find(&self, view: &[u8], push: &mut dyn FnMut(usize, usize)) {
        let Matcher::Ready { groups, base, .. } = self else {
            return;
        };
        let word = |i: Option<&u8>| i.is_some_and(u8::is_ascii_alphanumeric);
        for g in groups {
            if view.len() < g.len {
                continue;
            }
            let mut h = hash(&view[..g.len], *base);
            for start in 0..=view.len() - g.len {
                let end = start + g.len;
                if start > 0 {
                    let out = u64::from(view[start - 1].to_ascii_lowercase());
                    let inn = u64::from(view[end - 1].to_ascii_lowercase());
                    h = h
                        .wrapping_sub(out.wrapping_mul(g.pow))
                        .wrapping_mul(*base)
                        .wrapping_add(inn);
                }
                if !g.may_hold(h) {
                    continue;
                }
                let Some(candidates) = g.table.get(&h) else {
                    continue;
                };
                let window = &view[start..end];
                let hit = candidates.iter().any(|(needle, bounded)| {
                    window.eq_ignore_ascii_case(needle)
                        && !(*bounded
                            && (word(start.checked_sub(1).and_then(|p| view.get(p)))
                                || word(view.get(end))))
                });
                if hit {
                    push(start, end);
                }
            }
        }
    }
}

/// Scrubs until nothing changes. `generic`: also the generic patterns. `tail`: hide the
/// text's last that many characters (in the first round).
fn scrub_with(matcher: &Matcher, text: &str, generic: bool, tail: Option<usize>) -> String {
    let mut current = Cow::Borrowed(text);
    let mut tail = tail;
    for _ in 0..MAX_PASSES {
        match pass(matcher, &current, generic, tail.take()) {
            Some(next) => current = Cow::Owned(next),
            None => return current.into_owned(),
        }
    }
    MARKER.to_owned()
}

/// One round: every span to hide is found in every view, mapped back, merged and replaced.
/// `None` when nothing would change (every merged span is already exactly a marker).
fn pass(matcher: &Matcher, text: &str, generic: bool, tail: Option<usize>) -> Option<String> {
    let mut spans: Vec<(usize, usize)> = text
        .match_indices(MARKER)
        .map(|(i, m)| (i, i + m.len()))
        .collect();
    let mut found = |view: &[u8], map: &SpanMap<'_>| {
        let mut push = |s: usize, e: usize| spans.push(map(s, e));
        matcher.find(view, &mut push);
        if generic {
            find_emails(view, &mut push);
            find_digit_runs(view, &mut push);
        }
    };
    for_each_view(text.as_bytes(), &mut found);
    if let Some(start) = tail.and_then(|chars| tail_start(text, chars)) {
        spans.push((start, text.len()));
    }
    for span in &mut spans {
        *span = (
            floor_char_boundary(text, span.0),
            ceil_char_boundary(text, span.1),
        );
    }
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    if merged.iter().all(|&(s, e)| &text[s..e] == MARKER) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (s, e) in merged {
        out.push_str(&text[last..s]);
        out.push_str(MARKER);
        last = e;
    }
    out.push_str(&text[last..]);
    Some(out)
}

/// Where the last `chars` characters of `text` start (`None` for an empty text).
fn tail_start(text: &str, chars: usize) -> Option<usize> {
    if text.is_empty() {
        return None;
    }
    let start = text
        .char_indices()
        .rev()
        .nth(chars.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    Some(start)
}

/// The last char boundary at or before `i` (at most the text's length).
fn floor_char_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The first char boundary at or after `i` (at most the text's length).
fn ceil_char_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// E-mail-like words: `local@domain` with a dot inside the domain.
fn find_emails(b: &[u8], push: &mut dyn FnMut(usize, usize)) {
    let local = |c: u8| c.is_ascii_alphanumeric() || b"._%+-".contains(&c);
    let domain = |c: u8| c.is_ascii_alphanumeric() || c == b'.' || c == b'-';
    for (at, _) in b.iter().enumerate().filter(|(_, c)| **c == b'@') {
        let mut start = at;
        while start > 0 && local(b[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < b.len() && domain(b[end]) {
            end += 1;
        }
        let mut host = &b[at + 1..end];
        while let Some((b'.' | b'-', rest)) = host.split_last() {
            host = rest;
        }
        let end = at + 1 + host.len();
        let ok = start < at && host.contains(&b'.') && !matches!(host.first(), Some(b'.' | b'-'));
        if ok {
            push(start, end);
        }
    }
}

/// Runs that hold 7 or more digits, with phone punctuation (`+ - . ( )` and spaces) inside,
/// starting at a digit, or at `+` or `(` followed by a digit or `(`.
fn find_digit_runs(b: &[u8], push: &mut dyn FnMut(usize, usize)) {
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let starts = c.is_ascii_digit()
            || (c == b'+' || c == b'(')
                && b.get(i + 1)
                    .is_some_and(|n| n.is_ascii_digit() || *n == b'(');
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut digits = 0;
        let mut last_digit_end = i;
        while j < b.len() {
            let d = b[j];
            if d.is_ascii_digit() {
                digits += 1;
                last_digit_end = j + 1;
            } else if !matches!(d, b'+' | b'-' | b'.' | b'(' | b')' | b' ') {
                break;
            }
            j += 1;
        }
        if digits >= 7 {
            push(i, last_digit_end);
        }
        // A later start inside this run sees fewer digits: skip the whole run (which holds
        // at least `b[i]`, so `j > i`).
        i = j;
    }
}

// ---------------------------------------------------------------------------------------
// Views: the text decoded, each byte mapped back to the span of the original it came from.

#[derive(Clone, Copy)]
enum Decoder {
    Json,
    Html,
    /// `%XX`; `+` stays `+`.
    Percent,
    /// `%XX`, and `+` is a space (`application/x-www-form-urlencoded`).
    Form,
}

/// The views searched besides the raw text: each first decoder, and after it each of the
/// second ones — the nestings vendors produce (a URL-encoded query or a JSON-escaped value
/// inside a JSON message, a doubly URL-encoded value, URL-encoded JSON, a URL in an HTML
/// attribute).
const NESTED: [(Decoder, &[Decoder]); 4] = [
    (
        Decoder::Json,
        &[Decoder::Percent, Decoder::Form, Decoder::Json],
    ),
    (Decoder::Html, &[Decoder::Percent, Decoder::Form]),
    (
        Decoder::Percent,
        &[Decoder::Json, Decoder::Percent, Decoder::Form],
    ),
    (Decoder::Form, &[]),
];

/// At most how many bytes of its input one decoded byte of `decoder` stands for: `\u0041`
/// is 6 bytes for 1, an HTML reference at most 10, `%41` 3.
fn expansion(decoder: Decoder) -> usize {
    match decoder {
        Decoder::Json => 6,
        Decoder::Html => 10,
        Decoder::Percent | Decoder::Form => 3,
    }
}

/// At most how many bytes of the raw text one byte of any view stands for.
fn max_expansion() -> usize {
    NESTED
        .iter()
        .map(|(first, seconds)| {
            let second = seconds.iter().map(|d| expansion(*d)).max().unwrap_or(1);
            expansion(*first) * second
        })
        .max()
        .unwrap_or(1)
}

/// Maps a span of a view back to the span of the raw text it came from.
type SpanMap<'a> = dyn Fn(usize, usize) -> (usize, usize) + 'a;

/// A decoded text: its bytes, and for each the span `[start, end)` of the input it came from.
type Decoded = (Vec<u8>, Vec<(usize, usize)>);

/// Calls `f` with the raw text and with every view of [`NESTED`] that decodes something,
/// and a map from a view's span to the raw text's span.
fn for_each_view(raw: &[u8], f: &mut dyn FnMut(&[u8], &SpanMap<'_>)) {
    f(raw, &|s, e| (s, e));
    for (first, seconds) in NESTED {
        let Some((b1, s1)) = decode(raw, first) else {
            continue;
        };
        f(&b1, &|s, e| (s1[s].0, s1[e - 1].1));
        for &second in seconds {
            if let Some((b2, s2)) = decode(&b1, second) {
                f(&b2, &|s, e| (s1[s2[s].0].0, s1[s2[e - 1].1 - 1].1));
            }
        }
    }
}

/// `input` decoded by `decoder`, or `None` if there was nothing to decode.
fn decode(input: &[u8], decoder: Decoder) -> Option<Decoded> {
    let trigger: &[u8] = match decoder {
        Decoder::Json => b"\\",
        Decoder::Html => b"&",
        Decoder::Percent => b"%",
        Decoder::Form => b"%+",
    };
    if !input.iter().any(|b| trigger.contains(b)) {
        return None;
    }
    let mut bytes = Vec::with_capacity(input.len());
    let mut spans = Vec::with_capacity(input.len());
    let mut changed = false;
    let mut i = 0;
    while i < input.len() {
        let unit = match decoder {
            Decoder::Json => json_escape(input, i),
            Decoder::Html => html_entity(input, i),
            Decoder::Percent => percent_escape(input, i),
            Decoder::Form => percent_escape(input, i)
                .or_else(|| (input[i] == b'+').then_some((Unit::Byte(b' '), 1))),
        };
        let (unit, len) = match unit {
            Some(u) => {
                changed = true;
                u
            }
            None => (Unit::Byte(input[i]), 1),
        };
        let span = (i, i + len);
        match unit {
            Unit::Byte(b) => {
                bytes.push(b);
                spans.push(span);
            }
            Unit::Char(c) => {
                let mut buf = [0; 4];
                for &b in c.encode_utf8(&mut buf).as_bytes() {
                    bytes.push(b);
                    spans.push(span);
                }
            }
        }
        i += len;
    }
    changed.then_some((bytes, spans))
}

enum Unit {
    Byte(u8),
    Char(char),
}

fn hex(b: u8) -> Option<u32> {
    char::from(b).to_digit(16)
}

/// The value of the 4 hex digits at `at`.
fn hex4(input: &[u8], at: usize) -> Option<u32> {
    let digits = input.get(at..at + 4)?;
    digits
        .iter()
        .try_fold(0, |acc, &b| Some(acc * 16 + hex(b)?))
}

/// A JSON string escape at `i`, and its length.
fn json_escape(input: &[u8], i: usize) -> Option<(Unit, usize)> {
    if input[i] != b'\\' {
        return None;
    }
    let byte = match *input.get(i + 1)? {
        c @ (b'"' | b'\\' | b'/') => c,
        b'b' => 0x08,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'u' => {
            let unit = hex4(input, i + 2)?;
            if (0xd800..0xdc00).contains(&unit) {
                let low = input
                    .get(i + 6..i + 8)
                    .filter(|p| *p == b"\\u")
                    .and_then(|_| hex4(input, i + 8))
                    .filter(|low| (0xdc00..0xe000).contains(low))?;
                let c = char::from_u32(0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00))?;
                return Some((Unit::Char(c), 12));
            }
            return char::from_u32(unit).map(|c| (Unit::Char(c), 6));
        }
        _ => return None,
    };
    Some((Unit::Byte(byte), 2))
}

/// A `%XX` escape at `i`.
fn percent_escape(input: &[u8], i: usize) -> Option<(Unit, usize)> {
    if input[i] != b'%' {
        return None;
    }
    let hi = hex(*input.get(i + 1)?)?;
    let lo = hex(*input.get(i + 2)?)?;
    // Two hex digits are at most 0xff.
    Some((Unit::Byte((hi * 16 + lo) as u8), 3))
}

/// An HTML character reference at `i` (`&amp;`, `&#64;`, `&#x40;`, …), at most 10 bytes.
fn html_entity(input: &[u8], i: usize) -> Option<(Unit, usize)> {
    if input[i] != b'&' {
        return None;
    }
    let rest = &input[i + 1..input.len().min(i + 10)];
    let semi = rest.iter().position(|&b| b == b';')?;
    let name = &rest[..semi];
    let c = match name.to_ascii_lowercase().as_slice() {
        b"amp" => '&',
        b"lt" => '<',
        b"gt" => '>',
        b"quot" => '"',
        b"apos" => '\'',
        b"nbsp" => ' ',
        [b'#', b'x', hex_digits @ ..] => number(hex_digits, 16)?,
        [b'#', decimal @ ..] => number(decimal, 10)?,
        _ => return None,
    };
    Some((Unit::Char(c), semi + 2))
}

/// A character reference's number (at most 7 digits, so no overflow).
fn number(digits: &[u8], radix: u32) -> Option<char> {
    if digits.is_empty() {
        return None;
    }
    let n = digits.iter().try_fold(0u32, |acc, &b| {
        Some(acc * radix + char::from(b).to_digit(radix)?)
    })?;
    char::from_u32(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(raw: &str, decoder: Decoder) -> Option<String> {
        decode(raw.as_bytes(), decoder).map(|(b, _)| String::from_utf8_lossy(&b).into_owned())
    }

    #[test]
    fn json_view() {
        let j = |s| view(s, Decoder::Json);
        assert_eq!(j(r#"a\"b\\c\/d"#).as_deref(), Some(r#"a"b\c/d"#));
        assert_eq!(j(r"\b\f\n\r\t").as_deref(), Some("\u{8}\u{c}\n\r\t"));
        assert_eq!(j(r"\u0041\u00e9\u00C9").as_deref(), Some("AéÉ"));
        assert_eq!(j(r"\ud83d\ude00!").as_deref(), Some("😀!"));
        // A lone or badly paired surrogate, a short or bad \u, an unknown escape: literal.
        assert_eq!(j(r"\ud83d!"), None);
        assert_eq!(j(r"\ud83d\u0041"), Some(r"\ud83dA".to_owned()));
        assert_eq!(j(r"\ud83d\ud83d"), None);
        assert_eq!(j(r"\ude00"), None);
        assert_eq!(j(r"\u004"), None);
        assert_eq!(j(r"\u004g"), None);
        assert_eq!(j(r"\x \"), None);
        assert_eq!(j("plain"), None);
        // Surrogate pair bounds: 0xdbff is high, 0xdc00 is low, 0xe000 is not low.
        assert_eq!(j(r"\udbff\udfff").as_deref(), Some("\u{10ffff}"));
        assert_eq!(j(r"\ud800\udc00").as_deref(), Some("\u{10000}"));
        assert_eq!(j(r"\ud800\ue000"), Some(r"\ud800".to_owned() + "\u{e000}"));
        assert_eq!(j(r"\ud7ff").as_deref(), Some("\u{d7ff}"));
        assert_eq!(j(r"\udbff\udbff"), None);
    }

    #[test]
    fn json_spans() {
        let (b, s) = decode(br#"x\u0041\ud83d\ude00\n"#, Decoder::Json).unwrap();
        assert_eq!(b, "xA😀\n".as_bytes());
        assert_eq!(
            s,
            vec![(0, 1), (1, 7), (7, 19), (7, 19), (7, 19), (7, 19), (19, 21)]
        );
    }

    #[test]
    fn percent_and_form_views() {
        assert_eq!(
            view("a%40b%2Bc%2bd+e", Decoder::Percent).as_deref(),
            Some("a@b+c+d+e")
        );
        assert_eq!(
            view("a%40b%2Bc+e", Decoder::Form).as_deref(),
            Some("a@b+c e")
        );
        assert_eq!(view("a+b", Decoder::Form).as_deref(), Some("a b"));
        assert_eq!(view("a+b", Decoder::Percent), None);
        assert_eq!(view("%4", Decoder::Percent), None);
        assert_eq!(view("%g1", Decoder::Percent), None);
        assert_eq!(view("%1g", Decoder::Percent), None);
        assert_eq!(
            view("%ff", Decoder::Percent).map(|s| s.into_bytes()),
            Some("\u{fffd}".into())
        );
        assert_eq!(view("%FF%00", Decoder::Percent).map(|s| s.len()), Some(4));
        let (_, spans) = decode(b"a%40+", Decoder::Form).unwrap();
        assert_eq!(spans, vec![(0, 1), (1, 4), (4, 5)]);
    }

    #[test]
    fn html_view() {
        let h = |s| view(s, Decoder::Html);
        assert_eq!(
            h("&amp;&LT;&gt;&quot;&apos;&nbsp;").as_deref(),
            Some("&<>\"' ")
        );
        assert_eq!(h("&#64;&#x40;&#X40;").as_deref(), Some("@@@"));
        assert_eq!(h("&#128512;").as_deref(), Some("😀"));
        assert_eq!(h("&#x1F600;").as_deref(), Some("😀"));
        assert_eq!(h("&#;"), None);
        assert_eq!(h("&#x;"), None);
        assert_eq!(h("&#12a;"), None);
        assert_eq!(h("&#xD800;"), None);
        assert_eq!(h("&bogus;"), None);
        assert_eq!(h("&amp"), None);
        // The reference must end within 10 bytes of its '&'.
        assert_eq!(h("&#0000064;").as_deref(), Some("@"));
        assert_eq!(h("&#00000064;"), None);
        assert_eq!(h("&#x00040;").as_deref(), Some("@"));
        let (_, spans) = decode(b"x&#64;", Decoder::Html).unwrap();
        assert_eq!(spans, vec![(0, 1), (1, 6)]);
    }

    #[test]
    fn views_nest_two_deep_and_map_back() {
        let mut seen = Vec::new();
        for_each_view(b"a%2540\\u0025", &mut |v, map| {
            seen.push((String::from_utf8_lossy(v).into_owned(), map(0, v.len())));
        });
        assert!(seen.contains(&("a%2540\\u0025".to_owned(), (0, 12))));
        assert!(seen.contains(&("a%40\\u0025".to_owned(), (0, 12))));
        assert!(seen.contains(&("a@\\u0025".to_owned(), (0, 12))));
        assert!(seen.contains(&("a%2540%".to_owned(), (0, 12))));
        // Three deep is not decoded.
        assert!(!seen.iter().any(|(v, _)| v == "a@%"));
        let mut spans = Vec::new();
        for_each_view(b"xx%2540", &mut |v, map| {
            if v == b"xx@" {
                spans.push(map(2, 3));
            }
        });
        // Percent, then percent or form.
        assert_eq!(spans, vec![(2, 7); 2]);
    }

    #[test]
    fn the_nested_views_are_exactly_the_listed_ones() {
        let mut seen = Vec::new();
        for_each_view(br"\\n %2541 + &amp;", &mut |v, _| {
            seen.push(String::from_utf8_lossy(v).into_owned());
        });
        // Raw; JSON and its percent, form and JSON; HTML and its percent and form; percent
        // and its JSON, percent and form; form alone.
        assert_eq!(
            seen,
            [
                r"\\n %2541 + &amp;",
                r"\n %2541 + &amp;",
                r"\n %41 + &amp;",
                r"\n %41   &amp;",
                "\n %2541 + &amp;",
                r"\\n %2541 + &",
                r"\\n %41 + &",
                r"\\n %41   &",
                r"\\n %41 + &amp;",
                r"\n %41 + &amp;",
                r"\\n A + &amp;",
                r"\\n A   &amp;",
                r"\\n %41   &amp;",
            ]
        );
        assert_eq!(max_expansion(), 36);
    }

    proptest::proptest! {
        #[test]
        fn a_decoded_byte_never_stands_for_more_than_its_expansion(
            input in "[\\\\%&#;+uxU0-9a-fA-FdD&amp;quot]{0,60}",
        ) {
            for d in [Decoder::Json, Decoder::Html, Decoder::Percent, Decoder::Form] {
                if let Some((bytes, spans)) = decode(input.as_bytes(), d) {
                    proptest::prop_assert_eq!(bytes.len(), spans.len());
                    let mut i = 0;
                    let mut covered = 0;
                    while i < spans.len() {
                        let span = spans[i];
                        let produced = spans[i..].iter().take_while(|s| **s == span).count();
                        proptest::prop_assert_eq!(span.0, covered);
                        proptest::prop_assert!(span.1 - span.0 <= expansion(d) * produced);
                        covered = span.1;
                        i += produced;
                    }
                    proptest::prop_assert_eq!(covered, input.len());
                }
            }
        }
    }

    #[test]
    fn digit_runs() {
        let runs = |s: &str| {
            let mut v = Vec::new();
            find_digit_runs(s.as_bytes(), &mut |a, b| v.push((a, b)));
            v
        };
        assert_eq!(runs("123456"), vec![]);
        assert_eq!(runs("1234567"), vec![(0, 7)]);
        assert_eq!(runs("x 123-45.67 "), vec![(2, 11)]);
        assert_eq!(runs("+1 (415) 555"), vec![(0, 12)]);
        assert_eq!(runs("((1234567"), vec![(0, 9)]);
        assert_eq!(runs("(x1234567"), vec![(2, 9)]);
        assert_eq!(runs("+x1234567"), vec![(2, 9)]);
        assert_eq!(runs("12345678a"), vec![(0, 8)]);
        assert_eq!(runs("123 4567 -"), vec![(0, 8)]);
        assert_eq!(runs("12/34567"), vec![]);
        assert_eq!(runs("1234:5678"), vec![]);
        assert_eq!(runs(&"(".repeat(5000)), vec![]);
    }

    #[test]
    fn emails() {
        let found = |s: &str| {
            let mut v = Vec::new();
            find_emails(s.as_bytes(), &mut |a, b| v.push(s[a..b].to_owned()));
            v
        };
        assert_eq!(found("to 'jane.d+x@ex.co.uk'."), vec!["jane.d+x@ex.co.uk"]);
        assert_eq!(found("a@b.c."), vec!["a@b.c"]);
        assert_eq!(found("a@b.c-"), vec!["a@b.c"]);
        assert_eq!(found("a@b"), Vec::<String>::new());
        assert_eq!(found("@b.c"), Vec::<String>::new());
        assert_eq!(found("a@.b.c"), Vec::<String>::new());
        assert_eq!(found("a@-b.c"), Vec::<String>::new());
        assert_eq!(found("a@b."), Vec::<String>::new());
        assert_eq!(found("x a@b.c@d.e"), vec!["a@b.c", "b.c@d.e"]);
        assert_eq!(found("u:j_%-@x.y"), vec!["j_%-@x.y"]);
    }

    #[test]
    fn char_boundaries() {
        let s = "aé€";
        assert_eq!(floor_char_boundary(s, 2), 1);
        assert_eq!(ceil_char_boundary(s, 2), 3);
        assert_eq!(floor_char_boundary(s, 4), 3);
        assert_eq!(ceil_char_boundary(s, 4), 6);
        assert_eq!(floor_char_boundary(s, 3), 3);
        assert_eq!(ceil_char_boundary(s, 3), 3);
        assert_eq!(floor_char_boundary(s, 99), 6);
        assert_eq!(ceil_char_boundary(s, 99), 6);
        assert_eq!(floor_char_boundary(s, 6), 6);
        assert_eq!(tail_start("", 3), None);
        assert_eq!(tail_start("abé", 1), Some(2));
        assert_eq!(tail_start("abé", 2), Some(1));
        assert_eq!(tail_start("abé", 9), Some(0));
        assert_eq!(tail_start("abé", 0), Some(2));
    }

    fn n(text: &str, bounded: bool) -> Needle {
        Needle {
            text: text.to_owned(),
            bounded,
        }
    }

    fn find_all(m: &Matcher, text: &str) -> Vec<(usize, usize)> {
        let mut v = Vec::new();
        m.find(text.as_bytes(), &mut |a, b| v.push((a, b)));
        v.sort_unstable();
        v
    }

    #[test]
    fn matcher_finds_every_occurrence_and_checks_candidates() {
        assert!(matches!(Matcher::build(&[]), Matcher::Empty));
        assert_eq!(Matcher::Empty.max_len(), 0);
        assert_eq!(find_all(&Matcher::Empty, "abcd"), vec![]);
        // Base 1: the hash is the byte sum, so anagrams collide and must be told apart.
        for m in [
            Matcher::build(&[n("abcd", false), n("cdefg", false), n("wxyz", true)]),
            Matcher::build_with_base(&[n("abcd", false), n("cdefg", false), n("wxyz", true)], 1),
        ] {
            assert_eq!(m.max_len(), 5);
            assert_eq!(find_all(&m, "dcba ABCDEFG"), vec![(5, 9), (7, 12)]);
            assert_eq!(find_all(&m, "abcdabcd"), vec![(0, 4), (4, 8)]);
            assert_eq!(find_all(&m, "abc"), vec![]);
            assert_eq!(find_all(&m, "abcd"), vec![(0, 4)]);
            assert_eq!(find_all(&m, "xabcd"), vec![(1, 5)]);
            // Whole word only: not next to an ASCII letter or digit, at either end.
            assert_eq!(find_all(&m, "wxyz"), vec![(0, 4)]);
            assert_eq!(find_all(&m, "(wxyz)"), vec![(1, 5)]);
            assert_eq!(find_all(&m, "awxyz"), vec![]);
            assert_eq!(find_all(&m, "wxyz1"), vec![]);
            assert_eq!(find_all(&m, "éwxyzé"), vec![(2, 6)]);
            assert_eq!(find_all(&m, "zyxw"), vec![]);
        }
        // Two needles with the same hash share a filter bit and a table entry.
        let m = Matcher::build_with_base(&[n("abcd", false), n("dcba", false)], 1);
        assert_eq!(find_all(&m, "dcba abcd"), vec![(0, 4), (5, 9)]);
    }

    #[test]
    fn each_decoder_s_worst_unit_is_its_expansion() {
        for (input, d) in [
            ("\\u0041", Decoder::Json),
            ("&#0000065;", Decoder::Html),
            ("%41", Decoder::Percent),
            ("%41", Decoder::Form),
        ] {
            let (bytes, spans) = decode(input.as_bytes(), d).unwrap();
            assert_eq!(bytes, b"A");
            assert_eq!(spans, vec![(0, expansion(d))], "{input}");
        }
    }

    #[test]
    fn rolling_hash_matches_a_fresh_hash() {
        let base = 0x9e37_79b9_7f4a_7c15;
        let m = Matcher::build_with_base(&[n("needle", false)], base);
        let Matcher::Ready { groups, .. } = &m else {
            panic!("built")
        };
        assert_eq!(
            groups[0].pow,
            base.wrapping_mul(base)
                .wrapping_mul(base)
                .wrapping_mul(base)
                .wrapping_mul(base)
        );
        assert_eq!(hash(b"AbC", base), hash(b"abc", base));
        assert_ne!(hash(b"abc", base), hash(b"acb", base));
        assert_eq!(hash(b"ab", 10), 97 * 10 + 98);
        assert_eq!(filter_bit(0), (0, 1));
        assert_eq!(filter_bit(u64::MAX), (63, 1 << 63));
        assert_eq!(filter_bit(65 << 52), (1, 2));
        assert_eq!(filter_bit((1 << 52) - 1), (0, 1));
        assert_eq!(filter_bit(200 << 52), (3, 1 << 8));
        let g = &groups[0];
        let h = hash(b"needle", base);
        assert!(g.may_hold(h));
        assert!(!g.may_hold(h ^ (1 << 63)));
        assert!(!g.may_hold(h ^ (1 << 52)));
        // The random base is odd (invertible modulo 2^64) and not 1 (anagrams would collide).
        for _ in 0..8 {
            let Matcher::Ready { base, .. } = Matcher::build(&[n("needle", false)]) else {
                panic!("built")
            };
            assert!(base % 2 == 1 && base != 1, "{base}");
        }
        let text = "x".repeat(300) + "NEEDLE" + &"y".repeat(300);
        assert_eq!(find_all(&m, &text), vec![(300, 306)]);
    }

    fn texts(entries: Vec<Entry>) -> Vec<(String, bool)> {
        let entries: Vec<Arc<Entry>> = entries.into_iter().map(Arc::new).collect();
        needles(&entries)
            .into_iter()
            .map(|n| (n.text, n.bounded))
            .collect()
    }

    fn forms(entry: Entry) -> Vec<(String, bool)> {
        let mut v = Vec::new();
        entry_forms(&entry, &mut v);
        v.into_iter().map(|n| (n.text, n.bounded)).collect()
    }

    fn owned(v: &[(&str, bool)]) -> Vec<(String, bool)> {
        v.iter().map(|(t, b)| ((*t).to_owned(), *b)).collect()
    }

    #[test]
    fn needle_set() {
        let got = texts(vec![
            Entry::Phi(Phi::Name, "  José  Li ".into()),
            Entry::Phi(Phi::Text, "jose li".into()),
            Entry::Secret("abc".into()),
            Entry::Phi(Phi::Text, "ñañ".into()),
            Entry::Phi(Phi::Text, "ñaña".into()),
        ]);
        // Longest (in bytes) first; one per ASCII-case-insensitive text (the unbounded one wins);
        // Unicode upper and lower case and collapsed spaces added; "Li", "abc" and "ñañ"
        // (3 characters, 6 bytes) too short.
        assert_eq!(
            got,
            owned(&[
                ("JOSÉ  LI", false),
                ("josé  li", false),
                ("JOSÉ LI", false),
                ("josé li", false),
                ("jose li", false),
                ("ÑAÑA", false),
                ("ñaña", false),
                ("JOSÉ", true),
                ("josé", true),
            ])
        );
        assert_eq!(
            texts(vec![
                Entry::Phi(Phi::PostalCode, "abcd".into()),
                Entry::Phi(Phi::Text, "ABCD".into()),
            ]),
            owned(&[("ABCD", false)])
        );
        assert_eq!(
            texts(vec![Entry::Phi(Phi::Text, "a\tb  c".into())]).len(),
            2
        );
    }

    #[test]
    fn secret_forms() {
        assert_eq!(
            forms(Entry::Secret(" k.e.y ".into())),
            owned(&[("k.e.y", false), ("k", false), ("e", false), ("y", false)])
        );
        assert_eq!(forms(Entry::Secret("a.b".into())), owned(&[("a.b", false)]));
        assert_eq!(
            forms(Entry::Secret("a.b.c.d".into())),
            owned(&[("a.b.c.d", false)])
        );
    }

    #[test]
    fn personal_value_forms() {
        assert_eq!(
            forms(Entry::Phi(Phi::Name, "Rivera, Jane Q".into())),
            owned(&[
                ("Rivera, Jane Q", false),
                ("Rivera", true),
                ("Jane", true),
                ("Q", true)
            ])
        );
        assert_eq!(
            forms(Entry::Phi(Phi::Name, "Rivera".into())),
            owned(&[("Rivera", false)])
        );
        assert_eq!(
            forms(Entry::Phi(Phi::Email, "a@b@ex.com".into())),
            owned(&[("a@b@ex.com", false), ("a@b", true)])
        );
        assert_eq!(
            forms(Entry::Phi(Phi::Email, "nobody".into())),
            owned(&[("nobody", false)])
        );
        assert_eq!(
            forms(Entry::Phi(Phi::Address, "1 Main St".into())),
            owned(&[("1 Main St", false)])
        );
        assert_eq!(
            forms(Entry::Phi(Phi::Text, "x".into())),
            owned(&[("x", false)])
        );
        assert_eq!(
            forms(Entry::Phi(Phi::PostalCode, "SW1A 1AA".into())),
            owned(&[("SW1A 1AA", true), ("SW1A1AA", true)])
        );
        assert_eq!(
            forms(Entry::Phi(Phi::PostalCode, "20500-0003".into())),
            owned(&[
                ("20500-0003", true),
                ("20500-0003", true),
                ("20500", true),
                ("205000003", true)
            ])
        );
        for not_zip4 in [
            "20500-000x",
            "2050-00003",
            "20500-00030",
            "20500_0003",
            "x0500-0003",
        ] {
            assert_eq!(
                forms(Entry::Phi(Phi::PostalCode, not_zip4.into())).len(),
                2,
                "{not_zip4}"
            );
        }
    }

    #[test]
    fn phone_forms_per_kind() {
        let nanp = [
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
        ];
        let mut expected: Vec<(String, bool)> = vec![("+1 (415) 555-0123".to_owned(), false)];
        expected.extend(nanp.iter().map(|f| ((*f).to_owned(), false)));
        expected.push(("555-0123".to_owned(), true));
        assert_eq!(
            forms(Entry::Phi(Phi::Phone, "+1 (415) 555-0123".into())),
            expected
        );
        expected[0].0 = "4155550123".to_owned();
        assert_eq!(forms(Entry::Phi(Phi::Phone, "4155550123".into())), expected);
        assert_eq!(
            forms(Entry::Phi(Phi::Phone, "+44 20 7946 0958".into())),
            owned(&[
                ("+44 20 7946 0958", false),
                ("+442079460958", false),
                ("442079460958", false)
            ])
        );
        assert_eq!(
            forms(Entry::Phi(Phi::Phone, "24155550123".into())),
            owned(&[
                ("24155550123", false),
                ("+24155550123", false),
                ("24155550123", false)
            ])
        );
        assert_eq!(
            forms(Entry::Phi(Phi::Phone, "555-0123".into())),
            owned(&[("555-0123", false), ("+5550123", false), ("5550123", false)])
        );
        assert_eq!(
            forms(Entry::Phi(Phi::Phone, "555-012".into())),
            owned(&[("555-012", false)])
        );
    }

    #[test]
    fn date_forms_per_kind() {
        let got: Vec<String> = forms(Entry::DateOfBirth(time::macros::date!(1984 - 02 - 09)))
            .into_iter()
            .map(|(t, bounded)| {
                assert!(!bounded);
                t
            })
            .collect();
        assert_eq!(
            got,
            [
                "1984-02-09",
                "19840209",
                "1984/02/09",
                "1984.02.09",
                "1984-2-9",
                "02/09/1984",
                "2/9/1984",
                "02-09-1984",
                "2-9-1984",
                "02.09.1984",
                "02091984",
                "02/09/84",
                "2/9/84",
                "09/02/1984",
                "9/2/1984",
                "09.02.1984",
                "09-02-1984",
                "February 9, 1984",
                "Feb 9, 1984",
                "February 09, 1984",
                "Feb 09, 1984",
                "9 February 1984",
                "9 Feb 1984",
                "09 Feb 1984",
                "Feb 9 1984",
            ]
        );
        let old = forms(Entry::DateOfBirth(time::macros::date!(0905 - 11 - 30)));
        assert_eq!(old[0].0, "0905-11-30");
        assert_eq!(old[11].0, "11/30/05");
        assert_eq!(old[21].0, "30 November 0905");
    }

    #[test]
    fn passes_stop_at_the_bound_and_hide_everything() {
        let m = Matcher::build(&[n("abcd", false), n("ted]a", false)]);
        // Each round hides one more 'a' after the marker.
        let few = format!("abcd{} tail", "a".repeat(5));
        assert_eq!(scrub_with(&m, &few, false, None), "[redacted] tail");
        let many = format!("abcd{} tail", "a".repeat(MAX_PASSES));
        assert_eq!(scrub_with(&m, &many, false, None), MARKER);
        let just = format!("abcd{} tail", "a".repeat(MAX_PASSES - 2));
        assert_eq!(scrub_with(&m, &just, false, None), "[redacted] tail");
    }

    #[test]
    fn the_tail_is_hidden_only_when_asked() {
        let m = Matcher::Empty;
        assert_eq!(scrub_with(&m, "abcdef", true, Some(2)), "abcd[redacted]");
        assert_eq!(scrub_with(&m, "abcdef", true, None), "abcdef");
        assert_eq!(scrub_with(&m, "", true, Some(2)), "");
        // Generic patterns only when asked.
        assert_eq!(
            scrub_with(&m, "a@b.co 1234567", false, None),
            "a@b.co 1234567"
        );
        assert_eq!(
            scrub_with(&m, "a@b.co 1234567", true, None),
            "[redacted] [redacted]"
        );
    }
}
