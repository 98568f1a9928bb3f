//! [`ResponseMeta`]: what the vendor said about a call besides its answer. The types live in
//! the domain (a [`MetaSlot`](super::MetaSlot) holds one); the request pipeline fills them
//! (`pipeline/response.rs`).

use serde::{Deserialize, Serialize};

/// What the vendor said about a call besides its answer: its request id, the HTTP status,
/// the attempts it took and the rate-limit headers. Read it on success through
/// [`CallOptions::with_meta`](crate::CallOptions::with_meta); errors carry the same
/// status and request id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The HTTP status.
    pub status: u16,
    /// The vendor's request id (only when it looks like an id: bounded, visible ASCII).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// How many attempts the call took.
    pub attempts: u32,
    /// The vendor's rate-limit headers, when it sent them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
}

/// The rate-limit headers of an answer (`X-RateLimit-Limit`, `-Remaining`, `-Reset`).
/// Parsed leniently: a header that does not parse is left out, never an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed in the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// Requests left in the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u64>,
    /// When the window resets, as the vendor wrote it (its format is not documented).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset: Option<String>,
}
