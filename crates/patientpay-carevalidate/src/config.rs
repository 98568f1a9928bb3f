//! Configuration: the [`CareValidateBuilder`], its [`Environment`] presets and the
//! environment variables it reads.

use std::fmt;
use std::str::FromStr;

use http::HeaderValue;
use patientpay_core::http::{BaseUrl, HttpClient, HttpConfig, sensitive_header};
use patientpay_core::{Error, Result};
use secrecy::{ExposeSecret, SecretString};

use crate::provider::CareValidate;

/// CareValidate's production API.
pub const PRODUCTION_BASE_URL: &str = "https://api.care360-next.carevalidate.com";

/// CareValidate's staging API.
pub const STAGING_BASE_URL: &str = "https://api-staging.care360-next.carevalidate.com";

/// The environment variable holding the organisation's `cv-api-key`.
pub const API_KEY_ENV: &str = "CAREVALIDATE_API_KEY";

/// The optional environment variable overriding the base URL (a sandbox, a proxy...).
pub const BASE_URL_ENV: &str = "CAREVALIDATE_BASE_URL";

/// Which CareValidate deployment to talk to. Default: [`Environment::Production`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Environment {
    /// [`PRODUCTION_BASE_URL`].
    #[default]
    Production,
    /// [`STAGING_BASE_URL`].
    Staging,
}

impl Environment {
    /// The environment's base URL.
    pub const fn base_url(self) -> &'static str {
        match self {
            Environment::Production => PRODUCTION_BASE_URL,
            Environment::Staging => STAGING_BASE_URL,
        }
    }

    /// The environment's name as [`FromStr`] accepts it (`"production"`, `"staging"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::Staging => "staging",
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Environment {
    type Err = Error;

    /// Parses `"production"` or `"staging"` (case-insensitive, surrounding spaces ignored).
    fn from_str(s: &str) -> Result<Environment> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("production") {
            Ok(Environment::Production)
        } else if s.eq_ignore_ascii_case("staging") {
            Ok(Environment::Staging)
        } else {
            Err(Error::invalid_input(
                "environment",
                "must be \"production\" or \"staging\"",
            ))
        }
    }
}

/// Builds a [`CareValidate`] client.
///
/// Defaults: [`Environment::Production`], [`HttpConfig::default`], no API key (which
/// [`build`](CareValidateBuilder::build) refuses).
///
/// ```
/// use patientpay_carevalidate::{CareValidateBuilder, Environment};
///
/// let client = CareValidateBuilder::new()
///     .with_api_key("cv-key-from-your-vault")
///     .with_environment(Environment::Staging)
///     .build()?;
/// assert_eq!(client.base_url().as_str(), "https://api-staging.care360-next.carevalidate.com/");
/// # Ok::<(), patientpay_core::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct CareValidateBuilder {
    api_key: Option<SecretString>,
    environment: Environment,
    base_url: Option<String>,
    http_config: Option<HttpConfig>,
    http_client: Option<HttpClient>,
}

impl fmt::Debug for CareValidateBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CareValidateBuilder")
            .field(
                "api_key",
                &self
                    .api_key
                    .as_ref()
                    .map(|_| patientpay_core::redact::REDACTED),
            )
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field("http_config", &self.http_config)
            .field("http_client", &self.http_client)
            .finish()
    }
}

impl CareValidateBuilder {
    /// A builder with the defaults.
    pub fn new() -> CareValidateBuilder {
        CareValidateBuilder::default()
    }

    /// A builder filled from the environment: `CAREVALIDATE_API_KEY` and, when set,
    /// `CAREVALIDATE_BASE_URL`. Never fails: a missing key is reported by
    /// [`build`](CareValidateBuilder::build).
    pub fn from_env() -> CareValidateBuilder {
        let mut builder = CareValidateBuilder::new();
        if let Ok(key) = std::env::var(API_KEY_ENV) {
            builder = builder.with_api_key(key);
        }
        if let Ok(url) = std::env::var(BASE_URL_ENV)
            && !url.trim().is_empty()
        {
            builder = builder.with_base_url(url);
        }
        builder
    }

    /// Sets the organisation's secret `cv-api-key`.
    pub fn with_api_key(mut self, api_key: impl Into<String>) -> CareValidateBuilder {
        self.api_key = Some(SecretString::from(api_key.into()));
        self
    }

    /// Chooses production or staging. A [`with_base_url`](Self::with_base_url) wins over it.
    pub fn with_environment(mut self, environment: Environment) -> CareValidateBuilder {
        self.environment = environment;
        self
    }

    /// Overrides the environment's base URL (for the sandbox or a proxy). Checked by
    /// [`build`](Self::build): `https://`, or `http://` to a loopback host only.
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> CareValidateBuilder {
        self.base_url = Some(base_url.into());
        self
    }

    /// Sets timeouts, retries and the response size cap of a client built for this
    /// provider. Ignored when [`with_http_client`](Self::with_http_client) is used.
    pub fn with_http_config(mut self, config: HttpConfig) -> CareValidateBuilder {
        self.http_config = Some(config);
        self
    }

    /// Uses an existing client, sharing its connection pool with other providers.
    pub fn with_http_client(mut self, client: HttpClient) -> CareValidateBuilder {
        self.http_client = Some(client);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] naming `CAREVALIDATE_API_KEY` when the key is missing, empty or
    /// not usable in a header; naming `base_url` when the base URL is refused by
    /// [`BaseUrl::parse`]; naming `http_client` when the HTTP client cannot be built.
    pub fn build(self) -> Result<CareValidate> {
        let api_key = match &self.api_key {
            Some(key) if !key.expose_secret().trim().is_empty() => key,
            Some(_) => {
                return Err(Error::config(
                    API_KEY_ENV,
                    "the CareValidate API key is empty",
                ));
            }
            None => {
                return Err(Error::config(
                    API_KEY_ENV,
                    "the CareValidate API key is missing (set CAREVALIDATE_API_KEY or call with_api_key)",
                ));
            }
        };
        let api_key: HeaderValue = sensitive_header(API_KEY_ENV, "", api_key)?;
        let base_url = BaseUrl::parse(
            self.base_url
                .as_deref()
                .unwrap_or(self.environment.base_url()),
        )?;
        let http = match self.http_client {
            Some(client) => client,
            None => HttpClient::new(self.http_config.unwrap_or_default())?,
        };
        Ok(CareValidate::from_parts(http, base_url, api_key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments() {
        assert_eq!(
            "production".parse::<Environment>().unwrap(),
            Environment::Production
        );
        assert_eq!(
            " Staging ".parse::<Environment>().unwrap(),
            Environment::Staging
        );
        let err = "prod".parse::<Environment>().unwrap_err();
        assert_eq!(err.invalid_field(), Some("environment"));
        assert_eq!(Environment::default().base_url(), PRODUCTION_BASE_URL);
        assert_eq!(Environment::Staging.base_url(), STAGING_BASE_URL);
        assert_eq!(Environment::Staging.to_string(), "staging");
    }

    #[test]
    fn missing_or_empty_key_names_the_variable() {
        for builder in [
            CareValidateBuilder::new(),
            CareValidateBuilder::new().with_api_key("  "),
        ] {
            match builder.build() {
                Err(Error::Config { setting, .. }) => assert_eq!(setting, "CAREVALIDATE_API_KEY"),
                other => panic!("expected a config error, got {other:?}"),
            }
        }
        let err = CareValidateBuilder::new()
            .with_api_key("bad\nkey-SECRET")
            .build()
            .unwrap_err();
        assert!(matches!(&err, Error::Config { setting, .. } if setting == "CAREVALIDATE_API_KEY"));
        assert!(!err.to_string().contains("key-SECRET"));
    }

    #[test]
    fn base_url_choice_and_policy() {
        let c = CareValidateBuilder::new()
            .with_api_key("k")
            .build()
            .unwrap();
        assert_eq!(
            c.base_url().as_str(),
            "https://api.care360-next.carevalidate.com/"
        );
        let c = CareValidateBuilder::new()
            .with_api_key("k")
            .with_environment(Environment::Staging)
            .with_base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        assert_eq!(c.base_url().as_str(), "http://127.0.0.1:9/");
        let err = CareValidateBuilder::new()
            .with_api_key("k")
            .with_base_url("http://api.example.com")
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
    }

    #[test]
    fn debug_never_shows_the_key() {
        let b = CareValidateBuilder::new().with_api_key("cv-SUPER-SECRET");
        let dbg = format!("{b:?}");
        assert!(!dbg.contains("cv-SUPER-SECRET"), "{dbg}");
        assert!(dbg.contains("<redacted>"), "{dbg}");
        let c = b.build().unwrap();
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("cv-SUPER-SECRET"), "{dbg}");
    }
}
