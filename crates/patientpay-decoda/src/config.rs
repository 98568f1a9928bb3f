//! The Decoda client builder.

use std::fmt;

use patientpay_core::http::{BaseUrl, HttpClient, HttpConfig, sensitive_header};
use patientpay_core::{Error, Result};
use secrecy::{ExposeSecret, SecretString};

use crate::provider::{Decoda, Inner};

/// Decoda's production API.
pub const PRODUCTION_BASE_URL: &str = "https://api.decodahealth.com";

/// Environment variable holding the `API-KEY`.
pub const ENV_API_KEY: &str = "DECODA_API_KEY";
/// Environment variable holding the `TENANT`.
pub const ENV_TENANT: &str = "DECODA_TENANT";
/// Environment variable overriding the base URL (optional).
pub const ENV_BASE_URL: &str = "DECODA_BASE_URL";

/// Builds a [`Decoda`] client.
///
/// Defaults: base URL [`PRODUCTION_BASE_URL`], [`HttpConfig::default`] (10 s connect, 30 s
/// total, 2 retries for idempotent calls, 16 MiB body cap). The API key and the tenant are
/// secrets: `Debug` never shows them.
///
/// ```
/// use patientpay_decoda::DecodaBuilder;
///
/// let decoda = DecodaBuilder::new()
///     .with_api_key("my-key")
///     .with_tenant("my-clinic")
///     .build()?;
/// assert!(!format!("{decoda:?}").contains("my-key"));
/// # Ok::<(), patientpay_core::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct DecodaBuilder {
    api_key: Option<SecretString>,
    tenant: Option<SecretString>,
    base_url: Option<String>,
    http_config: Option<HttpConfig>,
    http_client: Option<HttpClient>,
}

impl fmt::Debug for DecodaBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodaBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("tenant", &self.tenant.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("http_config", &self.http_config)
            .field(
                "http_client",
                &self.http_client.as_ref().map(|_| "<shared>"),
            )
            .finish()
    }
}

impl DecodaBuilder {
    /// An empty builder (production base URL, default HTTP settings).
    pub fn new() -> DecodaBuilder {
        DecodaBuilder::default()
    }

    /// A builder from `DECODA_API_KEY`, `DECODA_TENANT` and the optional `DECODA_BASE_URL`.
    /// Never fails: a missing variable is reported by [`build`](DecodaBuilder::build).
    pub fn from_env() -> DecodaBuilder {
        let mut builder = DecodaBuilder::new();
        if let Ok(key) = std::env::var(ENV_API_KEY) {
            builder = builder.with_api_key(key);
        }
        if let Ok(tenant) = std::env::var(ENV_TENANT) {
            builder = builder.with_tenant(tenant);
        }
        if let Ok(url) = std::env::var(ENV_BASE_URL)
            && !url.trim().is_empty()
        {
            builder = builder.with_base_url(url);
        }
        builder
    }

    /// Sets the `API-KEY`.
    pub fn with_api_key(mut self, api_key: impl Into<String>) -> DecodaBuilder {
        self.api_key = Some(SecretString::from(api_key.into()));
        self
    }

    /// Sets the `TENANT` (treated as a secret too).
    pub fn with_tenant(mut self, tenant: impl Into<String>) -> DecodaBuilder {
        self.tenant = Some(SecretString::from(tenant.into()));
        self
    }

    /// Sets the base URL (checked by [`build`](DecodaBuilder::build): `https`, or `http` to
    /// a loopback host such as the sandbox).
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> DecodaBuilder {
        self.base_url = Some(base_url.into());
        self
    }

    /// Sets the HTTP settings (ignored when [`with_http_client`](Self::with_http_client) is
    /// used).
    pub fn with_http_config(mut self, config: HttpConfig) -> DecodaBuilder {
        self.http_config = Some(config);
        self
    }

    /// Shares an existing client (and its connection pool) with other providers.
    pub fn with_http_client(mut self, client: HttpClient) -> DecodaBuilder {
        self.http_client = Some(client);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] naming `DECODA_API_KEY` or `DECODA_TENANT` when one is missing,
    /// empty or not usable in a header; `DECODA_BASE_URL` when the base URL is refused;
    /// `http_client` when the HTTP client cannot be built.
    pub fn build(self) -> Result<Decoda> {
        let api_key = require_secret(ENV_API_KEY, self.api_key)?;
        let tenant = require_secret(ENV_TENANT, self.tenant)?;
        let api_key_header = sensitive_header(ENV_API_KEY, "", &api_key)?;
        let tenant_header = sensitive_header(ENV_TENANT, "", &tenant)?;
        let base_url = BaseUrl::parse(self.base_url.as_deref().unwrap_or(PRODUCTION_BASE_URL))
            .map_err(|e| match e {
                Error::Config { reason, .. } => Error::config(ENV_BASE_URL, reason),
                other => other,
            })?;
        let http = match self.http_client {
            Some(client) => client,
            None => HttpClient::new(self.http_config.unwrap_or_default())?,
        };
        Ok(Decoda::from_inner(Inner {
            http,
            base_url,
            api_key_header,
            tenant_header,
        }))
    }
}

fn require_secret(setting: &'static str, value: Option<SecretString>) -> Result<SecretString> {
    match value {
        Some(v) if !v.expose_secret().trim().is_empty() => Ok(v),
        Some(_) => Err(Error::config(setting, "is empty")),
        None => Err(Error::config(setting, "is not set")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_settings_are_named() {
        let e = DecodaBuilder::new().with_tenant("t").build().unwrap_err();
        assert!(
            matches!(&e, Error::Config { setting, .. } if setting == "DECODA_API_KEY"),
            "{e}"
        );
        let e = DecodaBuilder::new()
            .with_api_key("k")
            .with_tenant("  ")
            .build()
            .unwrap_err();
        assert!(
            matches!(&e, Error::Config { setting, .. } if setting == "DECODA_TENANT"),
            "{e}"
        );
        let e = DecodaBuilder::new()
            .with_api_key("k")
            .with_tenant("t")
            .with_base_url("http://api.decodahealth.com")
            .build()
            .unwrap_err();
        assert!(
            matches!(&e, Error::Config { setting, .. } if setting == "DECODA_BASE_URL"),
            "{e}"
        );
        let e = DecodaBuilder::new()
            .with_api_key("bad\nkey-SECRET")
            .with_tenant("t")
            .build()
            .unwrap_err();
        assert!(
            matches!(&e, Error::Config { setting, .. } if setting == "DECODA_API_KEY"),
            "{e}"
        );
        assert!(!e.to_string().contains("SECRET"));
    }

    #[test]
    fn debug_hides_secrets() {
        let b = DecodaBuilder::new()
            .with_api_key("key-SECRET-1")
            .with_tenant("tenant-SECRET-2");
        let dbg = format!("{b:?}");
        assert!(!dbg.contains("SECRET"), "{dbg}");
        let client = b.with_base_url("http://127.0.0.1:9").build().unwrap();
        let dbg = format!("{client:?}");
        assert!(!dbg.contains("SECRET"), "{dbg}");
        assert!(dbg.contains("127.0.0.1:9"), "{dbg}");
    }

    #[test]
    fn production_is_the_default() {
        let client = DecodaBuilder::new()
            .with_api_key("k")
            .with_tenant("t")
            .build()
            .unwrap();
        assert_eq!(client.base_url().as_str(), "https://api.decodahealth.com/");
    }
}
