//! The [`CarePortalsBuilder`].

use std::fmt;
use std::sync::Arc;

use http::HeaderValue;
use patientpay_core::http::{BaseUrl, HttpClient, HttpConfig};
use patientpay_core::{Error, Result};
use secrecy::{ExposeSecret, SecretString};

use crate::provider::{CarePortals, Shared};

/// CarePortals' production Patient API.
pub const PRODUCTION_BASE_URL: &str = "https://patient-api.portals.care";

/// Environment variable holding the patient's JWT.
pub const ENV_TOKEN: &str = "CAREPORTALS_TOKEN";
/// Environment variable holding the `Origin` to send (your portal, e.g.
/// `https://demo.portals.care`).
pub const ENV_ORIGIN: &str = "CAREPORTALS_ORIGIN";
/// Environment variable overriding the base URL (defaults to [`PRODUCTION_BASE_URL`]).
pub const ENV_BASE_URL: &str = "CAREPORTALS_BASE_URL";

/// Builds a [`CarePortals`] client.
///
/// Required: the patient's JWT ([`with_token`](Self::with_token)) and the `Origin` your
/// portal runs on ([`with_origin`](Self::with_origin)). Defaults: the production base URL
/// [`PRODUCTION_BASE_URL`] and [`HttpConfig::default`] (30 s total timeout, 2 retries).
///
/// ```
/// use patientpay_careportals::CarePortalsBuilder;
///
/// let client = CarePortalsBuilder::new()
///     .with_token("eyJhbGciOi...")
///     .with_origin("https://demo.portals.care")
///     .build()?;
/// # let _ = client;
/// # Ok::<(), patientpay_core::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct CarePortalsBuilder {
    token: Option<SecretString>,
    origin: Option<String>,
    base_url: Option<String>,
    http_config: Option<HttpConfig>,
    http_client: Option<HttpClient>,
}

impl fmt::Debug for CarePortalsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CarePortalsBuilder")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("origin", &self.origin)
            .field("base_url", &self.base_url)
            .field("http_config", &self.http_config)
            .field(
                "http_client",
                &self.http_client.as_ref().map(|_| "<shared>"),
            )
            .finish()
    }
}

impl CarePortalsBuilder {
    /// An empty builder.
    pub fn new() -> CarePortalsBuilder {
        CarePortalsBuilder::default()
    }

    /// A builder filled from `CAREPORTALS_TOKEN`, `CAREPORTALS_ORIGIN` and (optional)
    /// `CAREPORTALS_BASE_URL`. Never fails: a missing variable is reported by
    /// [`build`](Self::build).
    pub fn from_env() -> CarePortalsBuilder {
        let var = |name| std::env::var(name).ok();
        let mut builder = CarePortalsBuilder::new();
        builder.token = var(ENV_TOKEN).map(SecretString::from);
        builder.origin = var(ENV_ORIGIN);
        builder.base_url = var(ENV_BASE_URL).filter(|s| !s.trim().is_empty());
        builder
    }

    /// Sets the patient's JWT (sent as `Authorization: Bearer …`).
    pub fn with_token(mut self, token: impl Into<String>) -> CarePortalsBuilder {
        self.token = Some(SecretString::from(token.into()));
        self
    }

    /// Sets the `Origin` header CarePortals requires (your portal's origin).
    pub fn with_origin(mut self, origin: impl Into<String>) -> CarePortalsBuilder {
        self.origin = Some(origin.into());
        self
    }

    /// Sets the base URL (the sandbox's, a staging host...). Checked by
    /// [`build`](Self::build): `https://`, or `http://` to a loopback host only.
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> CarePortalsBuilder {
        self.base_url = Some(base_url.into());
        self
    }

    /// Sets the HTTP settings (timeouts, retries, size cap). Ignored when
    /// [`with_http_client`](Self::with_http_client) is used.
    pub fn with_http_config(mut self, config: HttpConfig) -> CarePortalsBuilder {
        self.http_config = Some(config);
        self
    }

    /// Uses an existing client, sharing its connection pool (and its settings) with the
    /// other providers built from it.
    pub fn with_http_client(mut self, client: HttpClient) -> CarePortalsBuilder {
        self.http_client = Some(client);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] naming `CAREPORTALS_TOKEN` when the JWT is missing, empty or not
    /// sendable in a header; `CAREPORTALS_ORIGIN` when the origin is missing, empty or not an
    /// `http(s)://host` origin; `CAREPORTALS_BASE_URL` when the base URL fails the policy;
    /// `http_client` when the HTTP client cannot be built.
    pub fn build(self) -> Result<CarePortals> {
        let token = self
            .token
            .filter(|t| !t.expose_secret().trim().is_empty())
            .ok_or_else(|| Error::config(ENV_TOKEN, "the patient JWT is missing or empty"))?;
        // Fails early on a JWT a header cannot carry; the message never repeats it.
        patientpay_core::http::sensitive_header(ENV_TOKEN, "Bearer ", &token)?;
        let origin = parse_origin(self.origin.as_deref())?;
        let base_url = self.base_url.as_deref().unwrap_or(PRODUCTION_BASE_URL);
        let base = BaseUrl::parse(base_url).map_err(|e| match e {
            Error::Config { reason, .. } => Error::config(ENV_BASE_URL, reason),
            other => other,
        })?;
        let http = match self.http_client {
            Some(client) => client,
            None => HttpClient::new(self.http_config.unwrap_or_default())?,
        };
        Ok(CarePortals::from_parts(
            Arc::new(Shared { http, base, origin }),
            token,
        ))
    }
}

fn parse_origin(origin: Option<&str>) -> Result<HeaderValue> {
    let origin = origin
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .ok_or_else(|| Error::config(ENV_ORIGIN, "the Origin is missing or empty"))?;
    let url = url_origin_ok(origin).then_some(origin).ok_or_else(|| {
        Error::config(
            ENV_ORIGIN,
            "must be an origin such as https://demo.portals.care",
        )
    })?;
    HeaderValue::from_str(url).map_err(|_| {
        Error::config(
            ENV_ORIGIN,
            "contains characters not allowed in an HTTP header",
        )
    })
}

/// `scheme://host[:port]` with an http(s) scheme and no path, query or credentials.
fn url_origin_ok(origin: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
    else {
        return false;
    };
    !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setting(e: Error) -> String {
        match e {
            Error::Config { setting, .. } => setting.into_owned(),
            other => panic!("expected Config, got {other:?}"),
        }
    }

    #[test]
    fn missing_settings_are_named() {
        let e = CarePortalsBuilder::new()
            .with_origin("https://demo.portals.care")
            .build()
            .unwrap_err();
        assert_eq!(setting(e), "CAREPORTALS_TOKEN");
        let e = CarePortalsBuilder::new()
            .with_token("  ")
            .with_origin("https://demo.portals.care")
            .build()
            .unwrap_err();
        assert_eq!(setting(e), "CAREPORTALS_TOKEN");
        let e = CarePortalsBuilder::new()
            .with_token("jwt")
            .build()
            .unwrap_err();
        assert_eq!(setting(e), "CAREPORTALS_ORIGIN");
        let e = CarePortalsBuilder::new()
            .with_token("jwt")
            .with_origin("")
            .build()
            .unwrap_err();
        assert_eq!(setting(e), "CAREPORTALS_ORIGIN");
    }

    #[test]
    fn bad_values_are_refused_without_echoing_secrets() {
        let e = CarePortalsBuilder::new()
            .with_token("jwt\nSECRET")
            .with_origin("https://demo.portals.care")
            .build()
            .unwrap_err();
        assert!(!e.to_string().contains("SECRET"));
        assert_eq!(setting(e), "CAREPORTALS_TOKEN");
        for bad in [
            "demo.portals.care",
            "https://demo.portals.care/path",
            "ftp://x",
            "https://",
        ] {
            let e = CarePortalsBuilder::new()
                .with_token("jwt")
                .with_origin(bad)
                .build()
                .unwrap_err();
            assert_eq!(setting(e), "CAREPORTALS_ORIGIN", "{bad}");
        }
        let e = CarePortalsBuilder::new()
            .with_token("jwt")
            .with_origin("https://demo.portals.care")
            .with_base_url("http://patient-api.portals.care")
            .build()
            .unwrap_err();
        assert_eq!(setting(e), "CAREPORTALS_BASE_URL");
    }

    #[test]
    fn defaults_and_debug() {
        let builder = CarePortalsBuilder::new()
            .with_token("eyJ-SECRET-JWT")
            .with_origin("http://localhost:3000");
        assert!(!format!("{builder:?}").contains("SECRET"));
        let client = builder.build().unwrap();
        assert_eq!(
            client.base_url().as_str(),
            "https://patient-api.portals.care/"
        );
        assert!(!format!("{client:?}").contains("SECRET"));
    }
}
