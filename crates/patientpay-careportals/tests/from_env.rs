//! `CarePortalsBuilder::from_env` (one test: it changes the process environment).

use patientpay_careportals::CarePortalsBuilder;
use patientpay_core::Error;

fn setting(e: Error) -> String {
    match e {
        Error::Config { setting, .. } => setting.into_owned(),
        other => panic!("expected Config, got {other:?}"),
    }
}

#[test]
fn from_env_reads_the_three_variables_and_build_names_missing_ones() {
    // SAFETY: this binary has a single test, so nothing reads the environment concurrently.
    unsafe {
        std::env::remove_var("CAREPORTALS_TOKEN");
        std::env::remove_var("CAREPORTALS_ORIGIN");
        std::env::remove_var("CAREPORTALS_BASE_URL");
    }
    assert_eq!(
        setting(CarePortalsBuilder::from_env().build().unwrap_err()),
        "CAREPORTALS_TOKEN"
    );
    unsafe { std::env::set_var("CAREPORTALS_TOKEN", "env-jwt-SECRET") };
    assert_eq!(
        setting(CarePortalsBuilder::from_env().build().unwrap_err()),
        "CAREPORTALS_ORIGIN"
    );
    unsafe { std::env::set_var("CAREPORTALS_ORIGIN", "https://demo.portals.care") };
    let client = CarePortalsBuilder::from_env().build().unwrap();
    assert_eq!(
        client.base_url().as_str(),
        "https://patient-api.portals.care/"
    );
    assert!(!format!("{:?}", CarePortalsBuilder::from_env()).contains("SECRET"));
    unsafe { std::env::set_var("CAREPORTALS_BASE_URL", "http://127.0.0.1:4010") };
    let client = CarePortalsBuilder::from_env().build().unwrap();
    assert_eq!(client.base_url().as_str(), "http://127.0.0.1:4010/");
    unsafe { std::env::set_var("CAREPORTALS_BASE_URL", "http://evil.example") };
    assert_eq!(
        setting(CarePortalsBuilder::from_env().build().unwrap_err()),
        "CAREPORTALS_BASE_URL"
    );
    unsafe { std::env::set_var("CAREPORTALS_TOKEN", "") };
    assert_eq!(
        setting(CarePortalsBuilder::from_env().build().unwrap_err()),
        "CAREPORTALS_TOKEN"
    );
}
