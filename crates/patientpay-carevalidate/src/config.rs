//! Configuration: the [`CareValidateBuilder`], its [`Environment`] presets and the
//! environment variables it reads.

use std::fmt;
use std::str::FromStr;

use http::{HeaderMap, HeaderName};
use patientpay_core::pipeline::{ClientOptions, VendorSpec, require_secret, sensitive_header};
use patientpay_core::{Error, Result};
use secrecy::SecretString;

use crate::client::{CareValidate, NAME};

/// CareValidate's production API.
pub const PRODUCTION_BASE_URL: &str = "https://api.care360-next.carevalidate.com";

/// CareValidate's staging API.
pub const STAGING_BASE_URL: &str = "https://api-staging.care360-next.carevalidate.com";

/// The environment variable holding the organisation's `cv-api-key`.
pub const ENV_API_KEY: &str = "CAREVALIDATE_API_KEY";

/// The optional environment variable overriding the base URL (a sandbox, a proxy...).
pub const ENV_BASE_URL: &str = "CAREVALIDATE_BASE_URL";

/// The optional environment variable naming the environment (`production`, `staging`).
pub const ENV_ENVIRONMENT: &str = "CAREVALIDATE_ENVIRONMENT";

/// The optional environment variable setting the default call timeout, in seconds.
pub const ENV_TIMEOUT: &str = "CAREVALIDATE_TIMEOUT";

/// The optional environment variable setting the retries after the first attempt.
pub const ENV_MAX_RETRIES: &str = "CAREVALIDATE_MAX_RETRIES";

/// Former name of [`ENV_API_KEY`].
#[deprecated(note = "renamed ENV_API_KEY")]
pub const API_KEY_ENV: &str = ENV_API_KEY;

/// Former name of [`ENV_BASE_URL`].
#[deprecated(note = "renamed ENV_BASE_URL")]
pub const BASE_URL_ENV: &str = ENV_BASE_URL;

/// The `cv-api-key` header.
const API_KEY_HEADER: HeaderName = HeaderName::from_static("cv-api-key");

pub(crate) static SPEC: VendorSpec = VendorSpec {
    provider: NAME,
    env_prefix: "CAREVALIDATE",
    environments: &[
        ("production", PRODUCTION_BASE_URL),
        ("staging", STAGING_BASE_URL),
    ],
    error_shape: crate::error::error_shape,
};

/// Which CareValidate deployment to talk to. Default: [`Environment::Production`].
/// Pass it to [`CareValidateBuilder::with_environment`] (or its name, `"staging"`).
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

impl From<Environment> for String {
    fn from(e: Environment) -> String {
        e.as_str().to_owned()
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
/// Defaults: [`Environment::Production`], the core pipeline's HTTP defaults, no API key
/// (which [`build`](CareValidateBuilder::build) refuses). The shared options (`with_base_url`,
/// `with_environment`, `with_timeout`, `with_max_retries`, `with_http_config`,
/// `with_http_client`, `with_reqwest_builder`, `with_user_agent`,
/// `with_max_connections_per_host`, `with_client_options`) are the same on every builder.
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
    client: ClientOptions,
}

patientpay_core::client_options_methods!(CareValidateBuilder);

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
            .field("client", &self.client)
            .finish()
    }
}

impl CareValidateBuilder {
    /// A builder with the defaults.
    pub fn new() -> CareValidateBuilder {
        CareValidateBuilder::default()
    }

    /// A builder filled from the environment: [`ENV_API_KEY`], and when set
    /// [`ENV_BASE_URL`], [`ENV_ENVIRONMENT`], [`ENV_TIMEOUT`], [`ENV_MAX_RETRIES`]. Never
    /// fails: a missing key or a bad value is reported by [`build`](Self::build).
    pub fn from_env() -> CareValidateBuilder {
        CareValidateBuilder {
            api_key: std::env::var(ENV_API_KEY).ok().map(SecretString::from),
            client: ClientOptions::from_env(SPEC.env_prefix),
        }
    }

    /// Sets the organisation's secret `cv-api-key`.
    pub fn with_api_key(mut self, api_key: impl Into<String>) -> CareValidateBuilder {
        self.api_key = Some(SecretString::from(api_key.into()));
        self
    }

    /// Builds the client; the `cv-api-key` header is built here, once.
    ///
    /// # Errors
    /// [`Error::Config`] naming `CAREVALIDATE_API_KEY` when the key is not set, empty or not
    /// usable in a header; `CAREVALIDATE_BASE_URL` when the base URL is refused (`https`, or
    /// `http` to a loopback host only); `CAREVALIDATE_ENVIRONMENT`, `CAREVALIDATE_TIMEOUT`,
    /// `CAREVALIDATE_MAX_RETRIES` for impossible values; `http_client` when the HTTP client
    /// cannot be built.
    pub fn build(self) -> Result<CareValidate> {
        let key = require_secret(ENV_API_KEY, self.api_key)?;
        let mut auth = HeaderMap::new();
        auth.insert(API_KEY_HEADER, sensitive_header(ENV_API_KEY, "", &key)?);
        let api = self.client.build_api(&SPEC, auth, vec![key])?;
        Ok(CareValidate::from_api(api))
    }
}

impl CareValidate {
    /// A builder; same as [`CareValidateBuilder::new`].
    pub fn builder() -> CareValidateBuilder {
        CareValidateBuilder::new()
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
            .with_environment("STAGING")
            .build()
            .unwrap();
        assert_eq!(c.base_url().as_str(), format!("{STAGING_BASE_URL}/"));
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
        assert!(
            matches!(&err, Error::Config { setting, .. } if setting == "CAREVALIDATE_BASE_URL"),
            "{err:?}"
        );
        let err = CareValidateBuilder::new()
            .with_api_key("k")
            .with_environment("prod")
            .build()
            .unwrap_err();
        assert!(
            matches!(&err, Error::Config { setting, .. } if setting == "CAREVALIDATE_ENVIRONMENT"),
            "{err:?}"
        );
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
