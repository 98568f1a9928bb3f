//! Credentials the sandbox accepts.

/// The Decoda `API-KEY` the sandbox accepts (anything else: 401).
pub const DECODA_API_KEY: &str = "sandbox-decoda-api-key";
/// The Decoda `TENANT` the sandbox accepts (anything else: 401).
pub const DECODA_TENANT: &str = "sandbox-tenant";
/// The CareValidate `cv-api-key` the sandbox accepts (the seeded organization's key;
/// [`Seed::carevalidate`](crate::Seed) `api_keys` can add more). Anything else: 401.
pub const CAREVALIDATE_API_KEY: &str = "sandbox-cv-api-key";
/// The CarePortals organization of the sandbox (the `organization` header, when sent,
/// must be this; tokens carry it).
pub const CAREPORTALS_ORGANIZATION: &str = "sandbox_demo";
/// The id of the seeded demo CarePortals patient (the `sub` of [`CAREPORTALS_TOKEN`]).
pub const CAREPORTALS_PATIENT_ID: &str = "66f1c0de0000000000000001";
/// The demo patient's login username.
pub const CAREPORTALS_USERNAME: &str = "jane.doe@example.com";
/// The demo patient's login password.
pub const CAREPORTALS_PASSWORD: &str = "sandbox-password";
/// Expiry of the tokens [`careportals_token_for`] mints: 2100-01-01T00:00:00Z.
pub const FAR_FUTURE_EXP: i64 = 4_102_444_800;
/// Issue time of the tokens [`careportals_token_for`] mints: 2026-01-01T00:00:00Z.
pub const FIXED_IAT: i64 = 1_767_225_600;
/// A CarePortals patient JWT the sandbox accepts: HS256, signed with
/// [`crate::jwt::SIGNING_KEY`], `sub` = [`CAREPORTALS_PATIENT_ID`], `organization` =
/// [`CAREPORTALS_ORGANIZATION`], expiring in 2100. Equal to
/// `careportals_token_for(CAREPORTALS_PATIENT_ID)` (a test checks it).
pub const CAREPORTALS_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI2NmYxYzBkZTAwMDAwMDAwMDAwMDAwMDEiLCJvcmdhbml6YXRpb24iOiJzYW5kYm94X2RlbW8iLCJpYXQiOjE3NjcyMjU2MDAsImV4cCI6NDEwMjQ0NDgwMH0.nCwCST2uNoUZL7AkqnTWhSKBbKHIeMMKXfYlm3xqKk0";
/// The `Origin` to send to the CarePortals sandbox (an allowed portal origin).
pub const CAREPORTALS_ORIGIN: &str = "https://demo.portals.care";
/// Every `Origin` the CarePortals sandbox accepts (a request without `Origin` is
/// accepted too, as a server-side caller sends none).
pub const CAREPORTALS_ALLOWED_ORIGINS: &[&str] = &[
    CAREPORTALS_ORIGIN,
    "https://sandbox_demo.portals.care",
    "https://sandbox-demo.portals.care",
];

/// A far-future (2100) sandbox JWT for CarePortals patient `patient_id`, deterministic.
/// Any patient id works: a new id is a patient with an empty wallet.
pub fn careportals_token_for(patient_id: &str) -> String {
    careportals_token(patient_id, FAR_FUTURE_EXP)
}

/// A sandbox JWT for `patient_id` expiring at `exp` (Unix seconds), e.g. an expired one.
pub fn careportals_token(patient_id: &str, exp: i64) -> String {
    crate::jwt::sign(&crate::jwt::Claims {
        sub: patient_id.to_owned(),
        organization: CAREPORTALS_ORGANIZATION.to_owned(),
        iat: FIXED_IAT.min(exp),
        exp,
    })
}
