//! `CareValidateBuilder::from_env` (one test: the process environment is shared).

use patientpay_carevalidate::{
    CareValidateBuilder, ENV_API_KEY, ENV_BASE_URL, ENV_ENVIRONMENT, ENV_MAX_RETRIES, ENV_TIMEOUT,
    PRODUCTION_BASE_URL, STAGING_BASE_URL,
};
use patientpay_core::Error;

fn setting(result: patientpay_core::Result<patientpay_carevalidate::CareValidate>) -> String {
    match result {
        Err(Error::Config { setting, .. }) => setting.into_owned(),
        other => panic!("expected a config error, got {other:?}"),
    }
}

#[test]
fn from_env_reads_every_variable_and_build_reports_what_is_wrong() {
    let all = [
        ENV_API_KEY,
        ENV_BASE_URL,
        ENV_ENVIRONMENT,
        ENV_TIMEOUT,
        ENV_MAX_RETRIES,
    ];
    assert_eq!(
        all,
        [
            "CAREVALIDATE_API_KEY",
            "CAREVALIDATE_BASE_URL",
            "CAREVALIDATE_ENVIRONMENT",
            "CAREVALIDATE_TIMEOUT",
            "CAREVALIDATE_MAX_RETRIES"
        ]
    );
    // SAFETY: this test binary has a single test, so nothing reads the environment concurrently.
    let clear = || unsafe {
        for v in all {
            std::env::remove_var(v);
        }
    };
    clear();
    match CareValidateBuilder::from_env().build() {
        Err(Error::Config { setting, reason }) => {
            assert_eq!(setting, "CAREVALIDATE_API_KEY");
            assert!(reason.contains("not set"), "{reason}");
        }
        other => panic!("expected a config error, got {other:?}"),
    }
    unsafe { std::env::set_var(ENV_API_KEY, "") };
    assert_eq!(
        setting(CareValidateBuilder::from_env().build()),
        "CAREVALIDATE_API_KEY"
    );

    unsafe { std::env::set_var(ENV_API_KEY, "cv-env-key") };
    let c = CareValidateBuilder::from_env().build().unwrap();
    assert_eq!(c.base_url().as_str(), format!("{PRODUCTION_BASE_URL}/"));
    assert!(!format!("{c:?}").contains("cv-env-key"));

    unsafe { std::env::set_var(ENV_ENVIRONMENT, "staging") };
    let c = CareValidateBuilder::from_env().build().unwrap();
    assert_eq!(c.base_url().as_str(), format!("{STAGING_BASE_URL}/"));
    unsafe { std::env::set_var(ENV_ENVIRONMENT, "qa") };
    assert_eq!(
        setting(CareValidateBuilder::from_env().build()),
        "CAREVALIDATE_ENVIRONMENT"
    );

    unsafe { std::env::set_var(ENV_BASE_URL, "http://127.0.0.1:4010") };
    let c = CareValidateBuilder::from_env().build().unwrap();
    assert_eq!(
        c.base_url().as_str(),
        "http://127.0.0.1:4010/",
        "an explicit base URL wins over the environment"
    );
    unsafe { std::env::set_var(ENV_BASE_URL, "http://evil.example.com") };
    assert_eq!(
        setting(CareValidateBuilder::from_env().build()),
        "CAREVALIDATE_BASE_URL"
    );
    unsafe { std::env::remove_var(ENV_BASE_URL) };
    unsafe { std::env::remove_var(ENV_ENVIRONMENT) };

    unsafe { std::env::set_var(ENV_TIMEOUT, "soon") };
    assert_eq!(
        setting(CareValidateBuilder::from_env().build()),
        "CAREVALIDATE_TIMEOUT"
    );
    unsafe { std::env::set_var(ENV_TIMEOUT, "5") };
    let c = CareValidateBuilder::from_env().build().unwrap();
    assert_eq!(
        c.http_client().config().timeout,
        std::time::Duration::from_secs(5)
    );
    unsafe { std::env::set_var(ENV_MAX_RETRIES, "99") };
    assert_eq!(
        setting(CareValidateBuilder::from_env().build()),
        "CAREVALIDATE_MAX_RETRIES"
    );
    unsafe { std::env::set_var(ENV_MAX_RETRIES, "0") };
    let c = CareValidateBuilder::from_env().build().unwrap();
    assert_eq!(c.http_client().config().retry.max_retries, 0);
    clear();
}
