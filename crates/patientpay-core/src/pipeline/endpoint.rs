//! One request pipeline: an [`Endpoint`] is declared once in its vendor crate; [`Api`]
//! executes every declared endpoint the same way — URL with checked, encoded segments →
//! auth headers (built once per client) → timeouts → retries by retry safety → size caps →
//! span → the vendor's error shape, scrubbed → outcome classification of money calls.
//!
//! ```
//! use patientpay_core::Operation;
//! use patientpay_core::pipeline::{Endpoint, RetrySafety};
//!
//! // Declared once, in the vendor crate:
//! const CHARGE_CARD: Endpoint = Endpoint::post(
//!     Operation::PayWithSavedMethod,
//!     &["billing", "payment-terminal", "charge-card", ":payment_method_id"],
//!     RetrySafety::NotIdempotent,
//! )
//! .moves_money();
//! assert!(CHARGE_CARD.is_money_moving());
//! ```

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::Method;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::SecretString;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::domain::{CallOptions, check_id};
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::pipeline::client::{HttpClient, VendorRequest};
use crate::pipeline::response::{ResponseMeta, VendorResponse};
use crate::pipeline::retry::RetrySafety;
use crate::pipeline::url::BaseUrl;
use crate::scrub::{RequestScrubberBuilder, Scrubber};

/// The most a money call's error keeps of the vendor's raw answer (scrubbed).
pub const KEPT_BODY_BYTES: usize = 2048;

/// One vendor endpoint, declared once: method, path template, retry safety, and whether it
/// moves money. Path segments starting with `:` are parameters, filled in order by
/// [`Call::param`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The operation it serves (for errors and traces).
    pub operation: Operation,
    /// The HTTP method.
    pub method: Method,
    /// The path template, one entry per segment; `:name` entries are parameters.
    pub path: &'static [&'static str],
    /// When it may be retried.
    pub safety: RetrySafety,
    money: bool,
    removal: bool,
}

impl Endpoint {
    const fn new(
        operation: Operation,
        method: Method,
        path: &'static [&'static str],
        safety: RetrySafety,
    ) -> Endpoint {
        Endpoint {
            operation,
            method,
            path,
            safety,
            money: false,
            removal: false,
        }
    }

    /// A `GET` (a read: retried as idempotent).
    pub const fn get(operation: Operation, path: &'static [&'static str]) -> Endpoint {
        Endpoint::new(operation, Method::GET, path, RetrySafety::Idempotent)
    }

    /// A `POST` with the given retry safety.
    pub const fn post(
        operation: Operation,
        path: &'static [&'static str],
        safety: RetrySafety,
    ) -> Endpoint {
        Endpoint::new(operation, Method::POST, path, safety)
    }

    /// A `DELETE` of one object: retried as idempotent, and a 404 answering a *retry* (the
    /// first attempt may have removed it) counts as removed ([`Answer::already_gone`]).
    pub const fn delete(operation: Operation, path: &'static [&'static str]) -> Endpoint {
        let mut e = Endpoint::new(operation, Method::DELETE, path, RetrySafety::Idempotent);
        e.removal = true;
        e
    }

    /// Marks the endpoint as moving money: once the request may have reached the vendor,
    /// any failure — a timeout or reset after sending, a 5xx, a 2xx that cannot be decoded
    /// or is too large, an answer that contradicts the request — is
    /// [`Error::OutcomeUnknown`], never a definite failure.
    pub const fn moves_money(mut self) -> Endpoint {
        self.money = true;
        self
    }

    /// `true` for money-moving endpoints.
    pub const fn is_money_moving(&self) -> bool {
        self.money
    }

    fn params(&self) -> impl Iterator<Item = &'static str> {
        self.path.iter().filter_map(|s| s.strip_prefix(':'))
    }
}

/// One call of an [`Endpoint`]: its parameters, query, body and per-call options, and the
/// personal values it carries (scrubbed from whatever the vendor echoes back).
pub struct Call<'a> {
    params: Vec<&'a str>,
    query: Vec<(&'static str, String)>,
    body: Option<(&'static str, Bytes)>,
    headers: HeaderMap,
    options: Option<&'a CallOptions>,
    phi: Vec<String>,
    secrets: Vec<SecretString>,
}

impl fmt::Debug for Call<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Parameters, query and body may hold ids, PHI or secrets.
        f.debug_struct("Call")
            .field("params", &self.params.len())
            .field("query", &self.query.len())
            .field("body_bytes", &self.body.as_ref().map(|b| b.1.len()))
            .finish()
    }
}

impl Default for Call<'_> {
    fn default() -> Self {
        Call::new()
    }
}

impl<'a> Call<'a> {
    /// A call with no parameter, query or body.
    pub fn new() -> Call<'a> {
        Call {
            params: Vec::new(),
            query: Vec::new(),
            body: None,
            headers: HeaderMap::new(),
            options: None,
            phi: Vec::new(),
            secrets: Vec::new(),
        }
    }

    /// The next path parameter (checked with [`check_id`] and encoded as one segment).
    pub fn param(mut self, value: &'a str) -> Call<'a> {
        self.params.push(value);
        self
    }

    /// A query pair (repeat the name for a list).
    pub fn query(mut self, name: &'static str, value: impl Into<String>) -> Call<'a> {
        self.query.push((name, value.into()));
        self
    }

    /// The JSON body.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `body` if it cannot be serialized.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Result<Call<'a>> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::invalid_input("body", format!("cannot be serialized: {e}")))?;
        self.body = Some(("application/json", Bytes::from(bytes)));
        Ok(self)
    }

    /// A header for this call only (e.g. a per-patient `Authorization`).
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Call<'a> {
        self.headers.append(name, value);
        self
    }

    /// The per-call options (timeout, response metadata slot).
    pub fn options(mut self, options: &'a CallOptions) -> Call<'a> {
        self.options = Some(options);
        self
    }

    /// Personal values of this request (names, phone, e-mail, date of birth in any form,
    /// address lines, tokens): hidden from every vendor text that reaches an error.
    pub fn phi<I, S>(mut self, values: I) -> Call<'a>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.phi
            .extend(values.into_iter().map(|v| v.as_ref().to_owned()));
        self
    }

    /// A secret of this call only (a patient's JWT, a payment token): hidden like the
    /// client's own secrets.
    pub fn secret(mut self, secret: &SecretString) -> Call<'a> {
        self.secrets.push(secret.clone());
        self
    }
}

/// How a vendor writes its errors: the vendor crate's parser, given an error answer (or a
/// 2xx the vendor marks as failed), returns the vendor's own message when the body has the
/// vendor's error shape, or `None` — the pipeline then describes the body by status, type
/// and length only. The message is scrubbed by the pipeline before it reaches an error.
pub type ErrorShape = fn(&VendorResponse) -> Option<String>;

/// What a client's calls share: the vendor's name, the HTTP client, the checked base URL,
/// the auth headers built once, the vendor's error shape and the secrets to scrub.
#[derive(Clone)]
pub struct Api {
    inner: Arc<ApiInner>,
}

struct ApiInner {
    provider: &'static str,
    http: HttpClient,
    base: BaseUrl,
    auth: HeaderMap,
    error_shape: ErrorShape,
    scrubber: Scrubber,
}

impl fmt::Debug for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Api")
            .field("provider", &self.inner.provider)
            .field("base_url", &self.inner.base)
            .field("auth_headers", &self.inner.auth.len())
            .field("http", &self.inner.http)
            .finish()
    }
}

impl Api {
    /// An API for `provider`. `auth` holds the client's auth headers (mark them sensitive:
    /// [`sensitive_header`](crate::pipeline::sensitive_header)); `secrets` are scrubbed
    /// from every vendor text.
    pub fn new(
        provider: &'static str,
        http: HttpClient,
        base: BaseUrl,
        auth: HeaderMap,
        error_shape: ErrorShape,
        secrets: Vec<SecretString>,
    ) -> Api {
        Api {
            inner: Arc::new(ApiInner {
                provider,
                http,
                base,
                auth,
                error_shape,
                scrubber: secrets
                    .iter()
                    .fold(Scrubber::new(), |s, secret| s.with_secret(secret)),
            }),
        }
    }

    /// The vendor's name.
    pub fn provider(&self) -> &'static str {
        self.inner.provider
    }

    /// The base URL.
    pub fn base_url(&self) -> &BaseUrl {
        &self.inner.base
    }

    /// The HTTP client (to share its pool).
    pub fn http_client(&self) -> &HttpClient {
        &self.inner.http
    }

    /// The request `call` of `endpoint` would send, without sending it (for inspection and
    /// tests).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the parameter when a path parameter is not a valid id
    /// or the number of parameters does not match the template.
    pub fn request(&self, endpoint: &Endpoint, call: &Call<'_>) -> Result<VendorRequest> {
        let names: Vec<&'static str> = endpoint.params().collect();
        if names.len() != call.params.len() {
            return Err(Error::invalid_input(
                "path",
                format!(
                    "{} needs {} path parameter(s), got {}",
                    endpoint.operation,
                    names.len(),
                    call.params.len()
                ),
            ));
        }
        let mut segments: Vec<&str> = Vec::with_capacity(endpoint.path.len());
        let mut values = call.params.iter().zip(names.iter());
        for seg in endpoint.path {
            if seg.starts_with(':') {
                if let Some((value, name)) = values.next() {
                    check_id(name, value)?;
                    segments.push(value);
                }
            } else {
                segments.push(seg);
            }
        }
        let mut url = self.inner.base.endpoint(&segments)?;
        if !call.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in &call.query {
                pairs.append_pair(k, v);
            }
        }
        let mut req = VendorRequest::new(
            self.inner.provider,
            endpoint.operation,
            endpoint.method.clone(),
            url,
            endpoint.safety,
        )
        .headers_from(&self.inner.auth)
        .headers_from(&call.headers)
        .accept_json()
        .timeout(call.options.and_then(|o| o.timeout));
        if let Some((ct, body)) = &call.body {
            req = req.body_bytes(ct, body.clone());
        }
        Ok(req)
    }

    /// Sends `call` of `endpoint` and returns its 2xx answer, or the error: the vendor's
    /// own error (parsed by its [`ErrorShape`], scrubbed), or a transport-level one; on a
    /// money-moving endpoint every failure after the request may have arrived is
    /// [`Error::OutcomeUnknown`].
    ///
    /// # Errors
    /// As described.
    pub async fn send(&self, endpoint: &Endpoint, call: Call<'_>) -> Result<Answer> {
        let request = self.request(endpoint, &call)?;
        let mut builder = self.inner.scrubber.for_request();
        for secret in &call.secrets {
            builder = builder.secret(secret);
        }
        for value in &call.phi {
            builder = register(builder, value);
        }
        let scrub = Scrub {
            scrubber: builder.build(),
        };
        let request = request.with_scrubber(scrub.scrubber.clone());
        let meta_slot = call.options.and_then(|o| o.meta.clone());
        let result = self.inner.http.execute(request).await;
        let resp = match result {
            Ok(resp) => resp,
            Err(e) => return Err(self.classify(endpoint, e, None, &scrub)),
        };
        if let Some(slot) = &meta_slot {
            slot.set(ResponseMeta::of(&resp));
        }
        if endpoint.removal && resp.status() == 404 && resp.attempts() > 1 {
            // The first attempt may have removed it; the retry finds it gone.
            return Ok(Answer {
                resp,
                money: endpoint.money,
                scrub,
                already_gone: true,
            });
        }
        if resp.is_success() {
            return Ok(Answer {
                resp,
                money: endpoint.money,
                scrub,
                already_gone: false,
            });
        }
        let message = (self.inner.error_shape)(&resp);
        let err = vendor_error(&resp, message, &scrub);
        Err(self.classify(endpoint, err, Some(&resp), &scrub))
    }

    /// [`send`](Api::send), then decodes the 2xx body as `T` (a decode failure on a
    /// money-moving endpoint is [`Error::OutcomeUnknown`]).
    ///
    /// # Errors
    /// As [`send`](Api::send), or [`Error::Decode`].
    pub async fn json<T: DeserializeOwned>(
        &self,
        endpoint: &Endpoint,
        call: Call<'_>,
    ) -> Result<(T, Answer)> {
        let answer = self.send(endpoint, call).await?;
        let value = answer.decode::<T>()?;
        Ok((value, answer))
    }

    fn classify(
        &self,
        endpoint: &Endpoint,
        err: Error,
        resp: Option<&VendorResponse>,
        scrub: &Scrub,
    ) -> Error {
        if endpoint.money && err.may_have_been_sent() {
            return unknown(err, resp, scrub);
        }
        err
    }
}

/// The scrubber of one call: the client's secrets plus the call's personal values and
/// secrets, in every form a vendor may echo them (see [`crate::scrub`]).
#[derive(Clone, Default)]
struct Scrub {
    scrubber: Scrubber,
}

impl Scrub {
    fn apply(&self, text: &str) -> String {
        self.scrubber.scrub(text)
    }

    fn bounded_body(&self, body: &[u8]) -> String {
        self.scrubber.bounded_scrubbed_body(body, KEPT_BODY_BYTES)
    }
}

/// Registers one personal value in the right form: a date of birth (`YYYY-MM-DD`) in its
/// ISO and US forms, a phone in the forms vendors print, an e-mail plain and encoded, any
/// other text as is.
fn register(b: RequestScrubberBuilder, value: &str) -> RequestScrubberBuilder {
    let v = value.trim();
    if let Ok(date) = crate::domain::parse_date("dob", v) {
        return b.date_of_birth(date).text(v);
    }
    if v.contains('@') {
        return b.email(v);
    }
    let digits = v.bytes().filter(u8::is_ascii_digit).count();
    if digits >= 7
        && v.bytes()
            .all(|c| c.is_ascii_digit() || b"+-(). ".contains(&c))
    {
        return b.phone(v);
    }
    let b = b.text(v);
    if digits >= 7 {
        // Text holding a number (a phone written `+1 415 555 0101 (mobile)`): vendors may
        // echo the number alone, in any phone form.
        let number: String = v.chars().filter(char::is_ascii_digit).collect();
        return b.phone(number.as_str());
    }
    b
}

/// [`Error::OutcomeUnknown`] for `err`, with the answer's status, request id and scrubbed
/// body when there was an answer.
fn unknown(err: Error, resp: Option<&VendorResponse>, scrub: &Scrub) -> Error {
    let body = resp.map(|r| scrub.bounded_body(r.body()));
    match Error::outcome_unknown(err, body) {
        Error::OutcomeUnknown {
            provider,
            operation,
            status,
            request_id,
            cause,
            body,
        } => Error::OutcomeUnknown {
            provider,
            operation,
            status: status.or_else(|| resp.map(VendorResponse::status)),
            request_id: request_id.or_else(|| resp.and_then(VendorResponse::request_id)),
            cause,
            body,
        },
        other => other,
    }
}

fn vendor_error(resp: &VendorResponse, message: Option<String>, scrub: &Scrub) -> Error {
    let message = message
        .map(|m| scrub.apply(&m))
        .or_else(|| Some(resp.describe_unparsed()));
    resp.error(message)
}

/// A 2xx answer of an [`Endpoint`] (or a 404 to a retried removal, see
/// [`already_gone`](Answer::already_gone)), with what the pipeline needs to turn a problem
/// found in it into the right error.
#[derive(Clone)]
pub struct Answer {
    resp: VendorResponse,
    money: bool,
    scrub: Scrub,
    already_gone: bool,
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Answer")
            .field("response", &self.resp)
            .field("already_gone", &self.already_gone)
            .finish()
    }
}

impl Answer {
    /// The response.
    pub fn response(&self) -> &VendorResponse {
        &self.resp
    }

    /// The response metadata.
    pub fn meta(&self) -> ResponseMeta {
        ResponseMeta::of(&self.resp)
    }

    /// `true` when a removal's retry found the object gone (the earlier attempt removed it).
    pub fn already_gone(&self) -> bool {
        self.already_gone
    }

    /// Decodes the body as `T`.
    ///
    /// # Errors
    /// [`Error::Decode`], or [`Error::OutcomeUnknown`] on a money-moving endpoint (the
    /// vendor said 2xx: the money may have moved).
    pub fn decode<'a, T: serde::Deserialize<'a>>(&'a self) -> Result<T> {
        self.resp.json::<T>().map_err(|e| self.escalate(e))
    }

    /// The error for an answer whose content cannot be mapped (an unknown currency, a
    /// missing required field...): [`Error::Decode`], or [`Error::OutcomeUnknown`] on a
    /// money-moving endpoint.
    pub fn invalid(&self, detail: impl Into<String>) -> Error {
        self.escalate(self.resp.decode_error(detail))
    }

    /// The error for an answer that contradicts the request (another amount, currency or
    /// patient; a negative amount): on a money-moving endpoint [`Error::OutcomeUnknown`]
    /// keeping the answer, else [`Error::Decode`].
    pub fn contradicts(&self, what: impl Into<String>) -> Error {
        let detail = format!("the answer contradicts the request: {}", what.into());
        self.escalate(self.resp.decode_error(detail))
    }

    /// The error for a 2xx answer in which the vendor reports a failure (CareValidate's
    /// `success: false`), with the vendor's `message` (scrubbed).
    pub fn vendor_failure(&self, message: Option<String>) -> Error {
        let err = vendor_error(&self.resp, message, &self.scrub);
        match err {
            Error::Vendor {
                provider,
                operation,
                message,
                request_id,
                ..
            } => Error::Vendor {
                provider,
                operation,
                status: self.resp.status(),
                message,
                request_id,
            },
            other => other,
        }
    }

    /// Scrubs a vendor text with this call's secrets and personal values.
    pub fn scrub(&self, text: &str) -> String {
        self.scrub.apply(text)
    }

    fn escalate(&self, err: Error) -> Error {
        if self.money {
            unknown(err, Some(&self.resp), &self.scrub)
        } else {
            err
        }
    }
}
