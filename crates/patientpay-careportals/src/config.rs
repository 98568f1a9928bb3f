//! The [`CarePortalsBuilder`].

use std::fmt;

use http::header::{HeaderMap, HeaderName, HeaderValue, ORIGIN};
use patientpay_core::domain::check_id;
use patientpay_core::pipeline::{ClientOptions, VendorSpec, sensitive_header};
use patientpay_core::{Error, Result};
use secrecy::{ExposeSecret, SecretString};

use crate::client::{CarePortals, Shared};
use crate::endpoints::MAX_LOGIN_SEGMENTS;
use crate::error;
use crate::settings::{
    DEFAULT_LOGIN_PATH, ENV_LOGIN_PATH, ENV_ORGANIZATION, ENV_ORIGIN, ENV_PREFIX, ENV_TOKEN, NAME,
    PRODUCTION_BASE_URL,
};

static SPEC: VendorSpec = VendorSpec {
    provider: NAME,
    env_prefix: ENV_PREFIX,
    environments: &[("production", PRODUCTION_BASE_URL)],
    error_shape: error::vendor_message,
};

const ORGANIZATION: HeaderName = HeaderName::from_static("organization");

/// Builds a [`CarePortals`] client.
///
/// Settings (each also read by [`from_env`](Self::from_env)):
/// - the patient's JWT ([`with_token`](Self::with_token), `CAREPORTALS_TOKEN`): the
///   patient the client acts for. Optional: without one, calls must name the patient with
///   `PatientRef::token(jwt)` (or use [`for_patient`](CarePortals::for_patient) /
///   [`login`](CarePortals::login)), else they fail with [`Error::Config`] naming
///   `CAREPORTALS_TOKEN` before any I/O;
/// - your organization id ([`with_organization`](Self::with_organization),
///   `CAREPORTALS_ORGANIZATION`), sent as the `organization` header on every request. The
///   vendor's pages disagree on when it is required (always, on its authentication guide
///   and Public API pages; only on custom domains, on its Patient API pages); a server-side
///   caller has no portal subdomain, so send it;
/// - the `Origin` of your portal ([`with_origin`](Self::with_origin),
///   `CAREPORTALS_ORIGIN`), as the vendor's payment-method examples send it.
///   At least one of organization and origin is required: CarePortals identifies your
///   organization by one of them;
/// - the login path ([`with_login_path`](Self::with_login_path), `CAREPORTALS_LOGIN_PATH`,
///   default `/auth/login`);
/// - the shared options ([`ClientOptions`]: `CAREPORTALS_BASE_URL` (default
///   [`PRODUCTION_BASE_URL`]), `CAREPORTALS_ENVIRONMENT` (`production`),
///   `CAREPORTALS_TIMEOUT` (seconds, default 30), `CAREPORTALS_MAX_RETRIES` (default 2)).
///
/// The `Origin`, `organization` and the patient's `Authorization` headers are built once,
/// here (and in [`for_patient`](CarePortals::for_patient)), not per call.
///
/// ```
/// use patientpay_careportals::CarePortalsBuilder;
///
/// let client = CarePortalsBuilder::new()
///     .with_token("eyJhbGciOi...")
///     .with_organization("your_org")
///     .with_origin("https://demo.portals.care")
///     .build()?;
/// # let _ = client;
/// # Ok::<(), patientpay_core::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct CarePortalsBuilder {
    client: ClientOptions,
    token: Option<SecretString>,
    origin: Option<String>,
    organization: Option<String>,
    login_path: Option<String>,
}

patientpay_core::client_options_methods!(CarePortalsBuilder);

impl fmt::Debug for CarePortalsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CarePortalsBuilder")
            .field("client", &self.client)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("origin", &self.origin)
            .field("organization", &self.organization)
            .field("login_path", &self.login_path)
            .finish()
    }
}

impl CarePortalsBuilder {
    /// An empty builder.
    pub fn new() -> CarePortalsBuilder {
        CarePortalsBuilder::default()
    }

    /// A builder filled from `CAREPORTALS_TOKEN`, `CAREPORTALS_ORGANIZATION`,
    /// `CAREPORTALS_ORIGIN`, `CAREPORTALS_LOGIN_PATH` and the shared `CAREPORTALS_BASE_URL`,
    /// `CAREPORTALS_ENVIRONMENT`, `CAREPORTALS_TIMEOUT`, `CAREPORTALS_MAX_RETRIES`. A blank
    /// variable counts as unset. Never fails: a bad value is reported by
    /// [`build`](Self::build).
    pub fn from_env() -> CarePortalsBuilder {
        let var = |name| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        CarePortalsBuilder {
            client: ClientOptions::from_env(ENV_PREFIX),
            token: var(ENV_TOKEN).map(SecretString::from),
            origin: var(ENV_ORIGIN),
            organization: var(ENV_ORGANIZATION),
            login_path: var(ENV_LOGIN_PATH),
        }
    }

    /// Sets the patient's JWT (sent as `Authorization: Bearer …`): the patient the client
    /// acts for.
    pub fn with_token(mut self, token: impl Into<String>) -> CarePortalsBuilder {
        self.token = Some(SecretString::from(token.into()));
        self
    }

    /// Sets your CarePortals organization id, sent as the `organization` header on every
    /// request.
    pub fn with_organization(mut self, organization: impl Into<String>) -> CarePortalsBuilder {
        self.organization = Some(organization.into());
        self
    }

    /// Sets the `Origin` header (your portal's origin, e.g. `https://demo.portals.care`).
    pub fn with_origin(mut self, origin: impl Into<String>) -> CarePortalsBuilder {
        self.origin = Some(origin.into());
        self
    }

    /// Sets the login path (default `/auth/login`, as a live integration observed; the
    /// vendor's guide names `/patient/auth`). 1 to 4 segments of letters, digits and
    /// `- _ . ~`.
    pub fn with_login_path(mut self, path: impl Into<String>) -> CarePortalsBuilder {
        self.login_path = Some(path.into());
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] naming `CAREPORTALS_TOKEN` when a JWT was given but is empty or not
    /// sendable in a header; `CAREPORTALS_ORGANIZATION` / `CAREPORTALS_ORIGIN` when one is
    /// malformed, or `CAREPORTALS_ORIGIN` when neither is set; `CAREPORTALS_LOGIN_PATH` for
    /// a bad login path; `CAREPORTALS_BASE_URL`, `CAREPORTALS_ENVIRONMENT`,
    /// `CAREPORTALS_TIMEOUT`, `CAREPORTALS_MAX_RETRIES` for bad shared options; `http_client`
    /// when the HTTP client cannot be built.
    pub fn build(self) -> Result<CarePortals> {
        let token = match self.token {
            Some(t) if t.expose_secret().trim().is_empty() => {
                return Err(Error::config(ENV_TOKEN, "the patient JWT is empty"));
            }
            Some(t) => {
                // Fails early on a JWT a header cannot carry; the message never repeats it.
                sensitive_header(ENV_TOKEN, "Bearer ", &t)?;
                Some(t)
            }
            None => None,
        };
        let mut headers = HeaderMap::new();
        let organization = match self.organization.as_deref().map(str::trim) {
            Some(org) => {
                headers.insert(ORGANIZATION, parse_organization(org)?);
                Some(org.to_owned())
            }
            None => None,
        };
        match self.origin.as_deref() {
            Some(origin) => {
                headers.insert(ORIGIN, parse_origin(origin)?);
            }
            None if organization.is_none() => {
                return Err(Error::config(
                    ENV_ORIGIN,
                    "neither an organization nor an Origin is set: set CAREPORTALS_ORGANIZATION \
                     (your organization id) or CAREPORTALS_ORIGIN (your portal's origin, e.g. \
                     https://demo.portals.care); CarePortals identifies your organization by one of them",
                ));
            }
            None => {}
        }
        let login_path =
            parse_login_path(self.login_path.as_deref().unwrap_or(DEFAULT_LOGIN_PATH))?;
        let bare = self.client.build_api(&SPEC, headers.clone(), Vec::new())?;
        Ok(CarePortals::from_shared(
            Shared {
                bare,
                headers,
                organization,
                login_path,
            },
            token,
        ))
    }
}

fn parse_organization(org: &str) -> Result<HeaderValue> {
    if org.is_empty() {
        return Err(Error::config(ENV_ORGANIZATION, "is empty"));
    }
    if org.len() > 128 || !org.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::config(
            ENV_ORGANIZATION,
            "must be your organization id: up to 128 visible ASCII characters, no spaces",
        ));
    }
    HeaderValue::from_str(org).map_err(|_| {
        Error::config(
            ENV_ORGANIZATION,
            "contains characters not allowed in an HTTP header",
        )
    })
}

fn parse_origin(origin: &str) -> Result<HeaderValue> {
    let origin = origin.trim();
    if origin.is_empty() {
        return Err(Error::config(ENV_ORIGIN, "the Origin is empty"));
    }
    if !url_origin_ok(origin) {
        return Err(Error::config(
            ENV_ORIGIN,
            "must be an origin such as https://demo.portals.care",
        ));
    }
    HeaderValue::from_str(origin).map_err(|_| {
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

fn parse_login_path(path: &str) -> Result<Vec<String>> {
    let bad = |reason: &str| {
        Error::config(
            ENV_LOGIN_PATH,
            format!("{reason} (e.g. /auth/login or /patient/auth)"),
        )
    };
    let trimmed = path.trim();
    let rest = trimmed
        .strip_prefix('/')
        .ok_or_else(|| bad("must start with `/`"))?;
    let segments: Vec<String> = rest.split('/').map(str::to_owned).collect();
    if segments.len() > MAX_LOGIN_SEGMENTS {
        return Err(bad("must have at most 4 segments"));
    }
    for seg in &segments {
        if check_id("login_path", seg).is_err() || seg.contains([':', '@', '+', '=', ',']) {
            return Err(bad(
                "must be segments of letters, digits and - _ . ~ separated by `/`",
            ));
        }
    }
    Ok(segments)
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

    fn base() -> CarePortalsBuilder {
        CarePortalsBuilder::new().with_origin("https://demo.portals.care")
    }

    #[test]
    fn settings_are_checked_and_named() {
        assert_eq!(
            setting(base().with_token("  ").build().unwrap_err()),
            "CAREPORTALS_TOKEN"
        );
        let e = base().with_token("jwt\nSECRET").build().unwrap_err();
        assert!(!e.to_string().contains("SECRET"));
        assert_eq!(setting(e), "CAREPORTALS_TOKEN");
        // No token is fine: the handle acts for nobody until told.
        assert!(base().build().unwrap().patient().is_none());
        // Neither organization nor origin.
        let e = CarePortalsBuilder::new()
            .with_token("jwt")
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("CAREPORTALS_ORGANIZATION"), "{e}");
        assert_eq!(setting(e), "CAREPORTALS_ORIGIN");
        assert!(
            CarePortalsBuilder::new()
                .with_organization("org_1")
                .build()
                .is_ok()
        );
        for bad in [
            "demo.portals.care",
            "https://demo.portals.care/path",
            "ftp://x",
            "https://",
            "",
        ] {
            let e = CarePortalsBuilder::new()
                .with_origin(bad)
                .build()
                .unwrap_err();
            assert_eq!(setting(e), "CAREPORTALS_ORIGIN", "{bad}");
        }
        for bad in ["", "a b", "or\tg", "é", &"o".repeat(129)] {
            let e = base().with_organization(bad).build().unwrap_err();
            assert_eq!(setting(e), "CAREPORTALS_ORGANIZATION", "{bad:?}");
        }
        for bad in [
            "auth/login",
            "/",
            "/a//b",
            "/a/b/c/d/e",
            "/a?b",
            "/../x",
            "/a b",
            "/a:b",
        ] {
            let e = base().with_login_path(bad).build().unwrap_err();
            assert_eq!(setting(e), "CAREPORTALS_LOGIN_PATH", "{bad:?}");
        }
        for good in [
            "/auth/login",
            "/patient/auth",
            "/v2/patient/auth/login",
            "/login",
        ] {
            let c = base().with_login_path(good).build().unwrap();
            assert_eq!(c.login_path(), good);
        }
        let e = base()
            .with_base_url("http://patient-api.portals.care")
            .build()
            .unwrap_err();
        assert_eq!(setting(e), "CAREPORTALS_BASE_URL");
        let e = base().with_environment("staging").build().unwrap_err();
        assert_eq!(setting(e), "CAREPORTALS_ENVIRONMENT");
    }

    #[test]
    fn defaults_and_debug() {
        let builder = base()
            .with_token("eyJ-SECRET-JWT")
            .with_organization("org_1");
        assert!(!format!("{builder:?}").contains("SECRET"));
        let client = builder.build().unwrap();
        assert_eq!(
            client.base_url().as_str(),
            "https://patient-api.portals.care/"
        );
        assert_eq!(client.organization(), Some("org_1"));
        assert_eq!(client.login_path(), "/auth/login");
        assert!(!format!("{client:?}").contains("SECRET"));
    }
}
