//! [`ClientOptions`]: what every vendor builder shares (base URL or environment, timeouts,
//! retries, user agent, connection cap, your own reqwest builder or a shared client), read
//! from the environment with one naming scheme: `<VENDOR>_BASE_URL`, `<VENDOR>_ENVIRONMENT`,
//! `<VENDOR>_TIMEOUT` (seconds), `<VENDOR>_MAX_RETRIES`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;
use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, Result};
use crate::pipeline::client::{HttpClient, HttpConfig};
use crate::pipeline::endpoint::{Api, ErrorShape};
use crate::pipeline::url::BaseUrl;

/// What a vendor crate declares about itself for [`ClientOptions::build_api`].
#[derive(Debug)]
pub struct VendorSpec {
    /// The vendor's short name (`"decoda"`).
    pub provider: &'static str,
    /// The prefix of its environment variables (`"DECODA"`).
    pub env_prefix: &'static str,
    /// Its environments and their base URLs; the first is the default.
    pub environments: &'static [(&'static str, &'static str)],
    /// Its error-shape parser.
    pub error_shape: ErrorShape,
}

impl VendorSpec {
    /// The environment variable `<PREFIX>_<name>`.
    pub fn env_var(&self, name: &str) -> String {
        format!("{}_{name}", self.env_prefix)
    }
}

type BuilderFactory = Arc<dyn Fn() -> reqwest::ClientBuilder + Send + Sync>;

/// The options every vendor builder shares. Set them through the builder's `with_*`
/// methods (the same on every builder), or build one and pass it with `with_client_options`.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct ClientOptions {
    /// The base URL (https, or http to a loopback host). Wins over `environment`.
    pub base_url: Option<String>,
    /// A named environment of the vendor (`production`, `staging`).
    pub environment: Option<String>,
    /// The default total timeout of a call.
    pub timeout: Option<Duration>,
    /// The connect timeout.
    pub connect_timeout: Option<Duration>,
    /// Retries after the first attempt (for what may be retried).
    pub max_retries: Option<u32>,
    /// The `User-Agent`.
    pub user_agent: Option<String>,
    /// The cap on requests in flight per host (see
    /// [`HttpConfig::max_connections_per_host`]).
    pub max_connections_per_host: Option<usize>,
    /// Full HTTP settings (the fields above override their parts).
    pub http_config: Option<HttpConfig>,
    /// An existing client to share its connection pool (the HTTP settings above are then
    /// those of that client).
    pub http_client: Option<HttpClient>,
    reqwest_builder: Option<BuilderFactory>,
}

impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientOptions")
            .field("base_url", &self.base_url)
            .field("environment", &self.environment)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_retries", &self.max_retries)
            .field("user_agent", &self.user_agent)
            .field("max_connections_per_host", &self.max_connections_per_host)
            .field("http_config", &self.http_config)
            .field(
                "http_client",
                &self.http_client.as_ref().map(|_| "<shared>"),
            )
            .field(
                "reqwest_builder",
                &self.reqwest_builder.as_ref().map(|_| "<custom>"),
            )
            .finish()
    }
}

impl ClientOptions {
    /// Empty options: the vendor's defaults.
    pub fn new() -> ClientOptions {
        ClientOptions::default()
    }

    /// Reads `<PREFIX>_BASE_URL`, `<PREFIX>_ENVIRONMENT`, `<PREFIX>_TIMEOUT` (seconds) and
    /// `<PREFIX>_MAX_RETRIES`. Never fails: a bad value is reported by `build`.
    pub fn from_env(prefix: &str) -> ClientOptions {
        let var = |name: &str| {
            std::env::var(format!("{prefix}_{name}"))
                .ok()
                .filter(|v| !v.trim().is_empty())
        };
        let mut o = ClientOptions::new();
        o.base_url = var("BASE_URL");
        o.environment = var("ENVIRONMENT");
        // Unparseable numbers become an impossible value that `build` names.
        o.timeout = var("TIMEOUT").map(|t| {
            t.trim()
                .parse::<u64>()
                .map(Duration::from_secs)
                .unwrap_or(Duration::ZERO)
        });
        o.max_retries = var("MAX_RETRIES").map(|t| t.trim().parse::<u32>().unwrap_or(u32::MAX));
        o
    }

    /// Uses your reqwest builder (proxies, roots...); redirects stay off whatever it says.
    pub fn with_reqwest_builder(
        mut self,
        factory: impl Fn() -> reqwest::ClientBuilder + Send + Sync + 'static,
    ) -> ClientOptions {
        self.reqwest_builder = Some(Arc::new(factory));
        self
    }

    /// The checked base URL for `spec`: `base_url`, else the named environment, else the
    /// first environment.
    ///
    /// # Errors
    /// [`Error::Config`] naming `<PREFIX>_BASE_URL` or `<PREFIX>_ENVIRONMENT`.
    pub fn base_url_for(&self, spec: &VendorSpec) -> Result<BaseUrl> {
        if let Some(url) = &self.base_url {
            return BaseUrl::parse(url).map_err(|e| match e {
                Error::Config { reason, .. } => Error::config(spec.env_var("BASE_URL"), reason),
                other => other,
            });
        }
        let url = match &self.environment {
            None => spec.environments.first().map(|(_, u)| *u),
            Some(name) => spec
                .environments
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
                .map(|(_, u)| *u),
        };
        let url = url.ok_or_else(|| {
            let known: Vec<&str> = spec.environments.iter().map(|(n, _)| *n).collect();
            Error::config(
                spec.env_var("ENVIRONMENT"),
                format!("unknown environment; use one of: {}", known.join(", ")),
            )
        })?;
        BaseUrl::parse(url)
    }

    /// The HTTP client these options describe (a shared one, or a new one).
    ///
    /// # Errors
    /// [`Error::Config`] naming `<PREFIX>_TIMEOUT` / `<PREFIX>_MAX_RETRIES` for impossible
    /// values, or `http_client` when the client cannot be built.
    pub fn http_client_for(&self, spec: &VendorSpec) -> Result<HttpClient> {
        if let Some(client) = &self.http_client {
            return Ok(client.clone());
        }
        let mut config = self.http_config.clone().unwrap_or_default();
        if let Some(t) = self.timeout {
            if t.is_zero() {
                return Err(Error::config(
                    spec.env_var("TIMEOUT"),
                    "must be a positive number of seconds",
                ));
            }
            config = config.with_timeout(t);
        }
        if let Some(t) = self.connect_timeout {
            config = config.with_connect_timeout(t);
        }
        if let Some(n) = self.max_retries {
            if n > 10 {
                return Err(Error::config(
                    spec.env_var("MAX_RETRIES"),
                    "must be a number from 0 to 10",
                ));
            }
            let retry = config.retry.clone().with_max_retries(n);
            config = config.with_retry(retry);
        }
        if let Some(ua) = &self.user_agent {
            config = config.with_user_agent(ua.clone());
        }
        if let Some(n) = self.max_connections_per_host {
            config = config.with_max_connections_per_host(n);
        }
        let builder = match &self.reqwest_builder {
            Some(factory) => factory(),
            None => reqwest::Client::builder(),
        };
        HttpClient::from_reqwest_builder(builder, config)
    }

    /// Builds the [`Api`] of a vendor client: base URL, HTTP client, the auth headers built
    /// once, and the secrets to scrub.
    ///
    /// # Errors
    /// As [`base_url_for`](Self::base_url_for) and [`http_client_for`](Self::http_client_for).
    pub fn build_api(
        &self,
        spec: &'static VendorSpec,
        auth: HeaderMap,
        secrets: Vec<SecretString>,
    ) -> Result<Api> {
        let base = self.base_url_for(spec)?;
        let http = self.http_client_for(spec)?;
        Ok(Api::new(
            spec.provider,
            http,
            base,
            auth,
            spec.error_shape,
            secrets,
        ))
    }
}

/// Checks a required secret setting: present and not blank.
///
/// # Errors
/// [`Error::Config`] naming `setting` ("is not set" / "is empty").
pub fn require_secret(setting: &str, value: Option<SecretString>) -> Result<SecretString> {
    match value {
        Some(v) if !v.expose_secret().trim().is_empty() => Ok(v),
        Some(_) => Err(Error::config(setting.to_owned(), "is empty")),
        None => Err(Error::config(setting.to_owned(), "is not set")),
    }
}

/// Adds the [`ClientOptions`] `with_*` methods to a vendor builder that has a
/// `client: ClientOptions` field, so that every builder has the same methods with the same
/// names without repeating them.
#[macro_export]
macro_rules! client_options_methods {
    ($builder:ty) => {
        impl $builder {
            /// Sets the base URL (checked by `build`: `https`, or `http` to a loopback host
            /// such as the sandbox). Wins over the environment.
            pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
                self.client.base_url = Some(base_url.into());
                self
            }

            /// Picks a named environment of the vendor (`production`, `staging`...).
            pub fn with_environment(mut self, environment: impl Into<String>) -> Self {
                self.client.environment = Some(environment.into());
                self
            }

            /// Sets the default total timeout of a call.
            pub fn with_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.client.timeout = Some(timeout);
                self
            }

            /// Sets the number of retries after the first attempt (for what may be retried).
            pub fn with_max_retries(mut self, retries: u32) -> Self {
                self.client.max_retries = Some(retries);
                self
            }

            /// Sets the `User-Agent`.
            pub fn with_user_agent(mut self, user_agent: impl Into<String>) -> Self {
                self.client.user_agent = Some(user_agent.into());
                self
            }

            /// Sets the cap on requests in flight per host (default 64; open sockets may
            /// pass it by a few, see `HttpConfig::max_connections_per_host`).
            pub fn with_max_connections_per_host(mut self, n: usize) -> Self {
                self.client.max_connections_per_host = Some(n);
                self
            }

            /// Sets the full HTTP settings (ignored with `with_http_client`).
            pub fn with_http_config(mut self, config: $crate::pipeline::HttpConfig) -> Self {
                self.client.http_config = Some(config);
                self
            }

            /// Shares an existing client (and its connection pool) with other providers.
            pub fn with_http_client(mut self, client: $crate::pipeline::HttpClient) -> Self {
                self.client.http_client = Some(client);
                self
            }

            /// Builds the HTTP client from your reqwest builder (proxies, roots...);
            /// redirects stay off whatever it says.
            pub fn with_reqwest_builder(
                mut self,
                factory: impl Fn() -> $crate::reqwest::ClientBuilder + Send + Sync + 'static,
            ) -> Self {
                self.client = self.client.with_reqwest_builder(factory);
                self
            }

            /// Replaces every shared option at once.
            pub fn with_client_options(mut self, options: $crate::pipeline::ClientOptions) -> Self {
                self.client = options;
                self
            }
        }
    };
}
