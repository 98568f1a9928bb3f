//! What every request shares: per-call options, validation helpers.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::ResponseMeta;
use crate::error::{Error, Result};

// ---------------------------------------------------------------------------------------
// Per-call options

/// Options that apply to one call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallOptions {
    /// Total timeout for this call (every attempt, headers and body), replacing the
    /// client's default.
    pub timeout: Option<Duration>,
    /// Where to put the answer's [`ResponseMeta`] (vendor request id, HTTP status,
    /// rate-limit headers), if the caller wants it.
    pub meta: Option<MetaSlot>,
    /// The idempotency key to send, for the vendor endpoints that accept one (CareValidate
    /// case payments). `None`: the SDK generates one per logical call and sends the same key
    /// on every retry.
    pub idempotency_key: Option<String>,
}

/// A place the request pipeline writes a call's [`ResponseMeta`] into: the way to read the
/// vendor's request id, status and rate-limit headers of a *successful* call without a
/// second API per operation. Cheap to clone; clones share the slot.
///
/// ```
/// use patientpay_core::{CallOptions, MetaSlot};
///
/// let slot = MetaSlot::new();
/// let options = CallOptions::new().with_meta(&slot);
/// # let _ = options;
/// // ... after the call:
/// assert!(slot.get().is_none()); // nothing was sent in this example
/// ```
#[derive(Clone, Default)]
pub struct MetaSlot(Arc<Mutex<Option<ResponseMeta>>>);

impl MetaSlot {
    /// An empty slot.
    pub fn new() -> MetaSlot {
        MetaSlot::default()
    }

    /// The metadata of the last answer written into this slot.
    pub fn get(&self) -> Option<ResponseMeta> {
        self.0.lock().ok().and_then(|m| m.clone())
    }

    /// Writes `meta` (the pipeline does this after every answer).
    pub fn set(&self, meta: ResponseMeta) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(meta);
        }
    }
}

impl fmt::Debug for MetaSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MetaSlot")
    }
}

impl PartialEq for MetaSlot {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}
impl Eq for MetaSlot {}

impl CallOptions {
    /// Options with the client's defaults.
    pub fn new() -> CallOptions {
        CallOptions::default()
    }

    /// Sets the total timeout of this call.
    pub fn with_timeout(mut self, timeout: Duration) -> CallOptions {
        self.timeout = Some(timeout);
        self
    }

    /// Asks the pipeline to write the answer's [`ResponseMeta`] into `slot`.
    pub fn with_meta(mut self, slot: &MetaSlot) -> CallOptions {
        self.meta = Some(slot.clone());
        self
    }

    /// Sets the idempotency key (for endpoints that accept one).
    pub fn with_idempotency_key(mut self, key: impl Into<String>) -> CallOptions {
        self.idempotency_key = Some(key.into());
        self
    }
}

/// Checks that a required text field is not empty or whitespace.
///
/// # Errors
/// [`Error::InvalidInput`] naming `field`.
pub fn require_non_empty(field: &'static str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        Err(Error::invalid_input(field, "must not be empty"))
    } else {
        Ok(())
    }
}

/// `with_timeout`, `with_options` and `with_meta` for a request type with an `options` field.
#[macro_export]
#[doc(hidden)]
macro_rules! with_options {
    ($ty:ty) => {
        impl $ty {
            /// Sets this call's total timeout.
            pub fn with_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.options.timeout = Some(timeout);
                self
            }

            /// Replaces this call's options.
            pub fn with_options(mut self, options: $crate::domain::CallOptions) -> Self {
                self.options = options;
                self
            }

            /// Asks for the answer's response metadata in `slot`.
            pub fn with_meta(mut self, slot: &$crate::domain::MetaSlot) -> Self {
                self.options.meta = Some(slot.clone());
                self
            }
        }
    };
}

/// The longest id (path segment or query value naming a vendor object) the SDK sends.
pub const MAX_ID_LEN: usize = 256;

/// Checks an id the caller gives to name a vendor object (a patient, a payment method, a
/// payment...): 1 to [`MAX_ID_LEN`] bytes of ASCII letters, digits and `- _ . ~ : @ + = ,`,
/// and not `.` or `..`. Vendor ids (`pat_1001`, `pm_1Q0PsI…`, UUIDs) all fit; anything else
/// cannot be a real id and would only turn into a confusing vendor error or a request to
/// another path, so it is refused before sending.
///
/// ```
/// use patientpay_core::domain::check_id;
/// assert!(check_id("id", "pm_1Q0PsIJvEtkwdCNYMe8Ok0bw").is_ok());
/// assert!(check_id("id", "../admin").is_err());
/// assert!(check_id("id", &"x".repeat(70_000)).is_err());
/// ```
///
/// # Errors
/// [`Error::InvalidInput`] naming `field`; the reason never repeats the value.
pub fn check_id(field: &'static str, id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(Error::invalid_input(field, "must not be empty"));
    }
    if id.len() > MAX_ID_LEN {
        return Err(Error::invalid_input(
            field,
            format!("is longer than {MAX_ID_LEN} characters"),
        ));
    }
    if id == "." || id == ".." {
        return Err(Error::invalid_input(field, "cannot be `.` or `..`"));
    }
    if let Some(bad) = id.chars().find(|c| !is_id_char(*c)) {
        let what = if bad.is_whitespace() {
            "spaces".to_owned()
        } else if bad.is_ascii() && !bad.is_ascii_control() {
            format!("`{bad}`")
        } else {
            "non-ASCII or control characters".to_owned()
        };
        return Err(Error::invalid_input(
            field,
            format!("must contain only letters, digits and - _ . ~ : @ + = , (found {what})"),
        ));
    }
    Ok(())
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | ':' | '@' | '+' | '=' | ',')
}
