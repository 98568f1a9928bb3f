//! The one request pipeline every vendor crate uses.
//!
//! A vendor crate declares each endpoint once ([`Endpoint`]: method, path template, retry
//! safety, money or not) and runs it through its client's [`Api`], built from the shared
//! [`ClientOptions`]. The pipeline does the rest, the same way for every vendor: URL with
//! checked, encoded segments ([`url`]), auth headers built once per client, timeouts, the
//! retry decision ([`retry`], a pure function), a connection cap and a redirect guard
//! ([`client`]), size caps and decoding ([`response`]), tracing, the vendor's error shape
//! scrubbed of secrets and PHI, and the outcome of money calls ([`endpoint`]).
//!
//! ```
//! use patientpay_core::pipeline::{BaseUrl, HttpClient, HttpConfig};
//!
//! let base = BaseUrl::parse("https://api.example.com").unwrap();
//! assert!(BaseUrl::parse("http://api.example.com").is_err()); // plain http only on loopback
//! assert!(BaseUrl::parse("http://127.0.0.1:8080").is_ok());
//! let url = base.endpoint(&["v2", "users", "payment-methods", "pm/../x?y"]).unwrap();
//! assert_eq!(url.as_str(), "https://api.example.com/v2/users/payment-methods/pm%2F..%2Fx%3Fy");
//! let client = HttpClient::new(HttpConfig::default()).unwrap();
//! # let _ = client;
//! ```

pub mod client;
pub mod endpoint;
mod json_path;
pub mod options;
pub mod request;
pub mod response;
pub mod retry;
pub mod url;

pub use client::{
    DEFAULT_MAX_CONNECTIONS_PER_HOST, DEFAULT_MAX_ERROR_BODY_BYTES, DEFAULT_MAX_RESPONSE_BYTES,
    HttpClient, HttpConfig, VendorRequest,
};
pub use endpoint::{Answer, Api, Call, Endpoint, ErrorShape, KEPT_BODY_BYTES};
pub use options::{ClientOptions, VendorSpec, require_secret};
pub use response::{
    MAX_REQUEST_ID_LEN, RateLimit, ResponseMeta, VendorResponse, decode_json, sanitize_id_header,
};
pub use retry::{Attempt, Decision, RetryPolicy, RetrySafety, decide, status_is_retryable};
pub use url::{BaseUrl, sensitive_header};
