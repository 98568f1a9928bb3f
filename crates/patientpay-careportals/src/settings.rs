//! The names every other module shares: the provider's name, its base URL, and its
//! environment variables (one scheme: `CAREPORTALS_<NAME>`). Kept apart so that the
//! builder and the client both use them without importing each other.

/// The provider name, as in errors and traces.
pub const NAME: &str = "careportals";

/// CarePortals' production Patient API.
pub const PRODUCTION_BASE_URL: &str = "https://patient-api.portals.care";

/// The prefix of every CarePortals environment variable.
pub const ENV_PREFIX: &str = "CAREPORTALS";

/// The patient's JWT the handle acts for (optional: a handle without one serves calls
/// that name the patient by token, and [`login`](crate::CarePortals::login)).
pub const ENV_TOKEN: &str = "CAREPORTALS_TOKEN";
/// The `Origin` to send (your portal, e.g. `https://demo.portals.care`).
pub const ENV_ORIGIN: &str = "CAREPORTALS_ORIGIN";
/// Your CarePortals organization id, sent as the `organization` header on every request.
pub const ENV_ORGANIZATION: &str = "CAREPORTALS_ORGANIZATION";
/// The login path (default [`DEFAULT_LOGIN_PATH`]).
pub const ENV_LOGIN_PATH: &str = "CAREPORTALS_LOGIN_PATH";
/// The base URL (default [`PRODUCTION_BASE_URL`]); wins over the environment.
pub const ENV_BASE_URL: &str = "CAREPORTALS_BASE_URL";
/// A named environment (`production`, the only one CarePortals has).
pub const ENV_ENVIRONMENT: &str = "CAREPORTALS_ENVIRONMENT";
/// The default total timeout of a call, in seconds.
pub const ENV_TIMEOUT: &str = "CAREPORTALS_TIMEOUT";
/// Retries after the first attempt (0 to 10).
pub const ENV_MAX_RETRIES: &str = "CAREPORTALS_MAX_RETRIES";
/// The patient's password for a login. The SDK never reads it; the CLI's `login` does
/// (a password is never a flag value).
pub const ENV_PASSWORD: &str = "CAREPORTALS_PASSWORD";

/// The login path a live integration observed (`POST /auth/login`). The vendor's guide
/// names `/patient/auth`; set it with
/// [`with_login_path`](crate::CarePortalsBuilder::with_login_path) if your account answers
/// only that one.
pub const DEFAULT_LOGIN_PATH: &str = "/auth/login";
