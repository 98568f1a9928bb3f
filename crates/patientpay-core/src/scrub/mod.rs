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
//!
//! # Layout
//!
//! This file holds the public API (the scrubber, its builder, the registered values);
//! `needles.rs` derives the searched forms of each value, `views.rs` decodes the text into
//! the views searched, `matcher.rs` searches them and replaces what it finds, `generic.rs`
//! holds the generic patterns, `describe.rs` the request-id and unparseable-body rules.

use std::fmt;
use std::sync::{Arc, OnceLock};

use secrecy::{ExposeSecret, SecretString};

mod describe;
mod generic;
mod matcher;
mod needles;
#[cfg(test)]
mod tests;
mod views;

use describe::{describe, media_type};
pub use describe::{describe_unparseable_body, sanitize_request_id};
use matcher::{Matcher, floor_char_boundary, scrub_with};
use needles::needles;
use views::max_expansion;

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
