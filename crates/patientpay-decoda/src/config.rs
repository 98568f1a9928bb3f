//! The Decoda client builder.

use std::fmt;

use http::HeaderMap;
use http::header::HeaderName;
use patientpay_core::pipeline::{ClientOptions, VendorSpec, require_secret, sensitive_header};
use patientpay_core::{Result, client_options_methods};
use secrecy::SecretString;

use crate::client::{Decoda, NAME};

/// Decoda's production API.
pub const PRODUCTION_BASE_URL: &str = "https://api.decodahealth.com";

/// Environment variable holding the `API-KEY`.
pub const ENV_API_KEY: &str = "DECODA_API_KEY";
/// Environment variable holding the `TENANT`.
pub const ENV_TENANT: &str = "DECODA_TENANT";
/// Environment variable overriding the base URL (optional).
pub const ENV_BASE_URL: &str = "DECODA_BASE_URL";
/// Environment variable naming the environment (optional; only `production` is known).
pub const ENV_ENVIRONMENT: &str = "DECODA_ENVIRONMENT";
/// Environment variable setting the default total timeout of a call, in seconds (optional).
pub const ENV_TIMEOUT: &str = "DECODA_TIMEOUT";
/// Environment variable setting the retries after the first attempt (optional, 0–10).
pub const ENV_MAX_RETRIES: &str = "DECODA_MAX_RETRIES";

static API_KEY: HeaderName = HeaderName::from_static("api-key");
static TENANT: HeaderName = HeaderName::from_static("tenant");

/// What the pipeline knows about Decoda.
pub(crate) static SPEC: VendorSpec = VendorSpec {
    provider: NAME,
    env_prefix: "DECODA",
    environments: &[("production", PRODUCTION_BASE_URL)],
    error_shape: crate::error::error_shape,
};

/// Builds a [`Decoda`] client.
///
/// Defaults: base URL [`PRODUCTION_BASE_URL`], the pipeline's HTTP defaults (10 s connect,
/// 30 s total, 2 retries for what may be retried, 16 MiB body cap). The shared options
/// (`with_base_url`, `with_environment`, `with_timeout`, `with_max_retries`,
/// `with_http_config`, `with_http_client`, `with_reqwest_builder`, `with_user_agent`,
/// `with_max_connections_per_host`, `with_client_options`) are the same on every
/// patientpay builder. The API key and the tenant are secrets: `Debug` never shows them.
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
    client: ClientOptions,
}

client_options_methods!(DecodaBuilder);

impl fmt::Debug for DecodaBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodaBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("tenant", &self.tenant.as_ref().map(|_| "<redacted>"))
            .field("client", &self.client)
            .finish()
    }
}

impl DecodaBuilder {
    /// An empty builder (production base URL, default HTTP settings).
    pub fn new() -> DecodaBuilder {
        DecodaBuilder::default()
    }

    /// A builder from `DECODA_API_KEY`, `DECODA_TENANT` and the optional `DECODA_BASE_URL`,
    /// `DECODA_ENVIRONMENT`, `DECODA_TIMEOUT` (seconds) and `DECODA_MAX_RETRIES`. Never
    /// fails: a missing or bad variable is reported by [`build`](DecodaBuilder::build).
    pub fn from_env() -> DecodaBuilder {
        let var = |name: &str| std::env::var(name).ok();
        DecodaBuilder {
            api_key: var(ENV_API_KEY).map(SecretString::from),
            tenant: var(ENV_TENANT).map(SecretString::from),
            client: ClientOptions::from_env(SPEC.env_prefix),
        }
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

    /// Builds the client. The `API-KEY` and `TENANT` headers are built here, once, and
    /// marked sensitive; both values are scrubbed from every vendor text.
    ///
    /// # Errors
    /// [`Error::Config`](patientpay_core::Error::Config) naming `DECODA_API_KEY` or
    /// `DECODA_TENANT` when one is missing, empty or not usable in a header;
    /// `DECODA_BASE_URL` / `DECODA_ENVIRONMENT` when the base URL is refused;
    /// `DECODA_TIMEOUT` / `DECODA_MAX_RETRIES` for impossible values; `http_client` when
    /// the HTTP client cannot be built.
    pub fn build(self) -> Result<Decoda> {
        let api_key = require_secret(ENV_API_KEY, self.api_key)?;
        let tenant = require_secret(ENV_TENANT, self.tenant)?;
        let mut auth = HeaderMap::new();
        auth.insert(
            API_KEY.clone(),
            sensitive_header(ENV_API_KEY, "", &api_key)?,
        );
        auth.insert(TENANT.clone(), sensitive_header(ENV_TENANT, "", &tenant)?);
        let api = self.client.build_api(&SPEC, auth, vec![api_key, tenant])?;
        Ok(Decoda::from_api(api))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use patientpay_core::Error;

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
            .with_api_key("k")
            .with_tenant("t")
            .with_environment("staging")
            .build()
            .unwrap_err();
        assert!(
            matches!(&e, Error::Config { setting, .. } if setting == "DECODA_ENVIRONMENT"),
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
        let client = DecodaBuilder::new()
            .with_api_key("k")
            .with_tenant("t")
            .with_environment("Production")
            .build()
            .unwrap();
        assert_eq!(client.base_url().as_str(), "https://api.decodahealth.com/");
    }
}
