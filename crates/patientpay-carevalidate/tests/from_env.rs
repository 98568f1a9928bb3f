//! `CareValidateBuilder::from_env` (one test: the process environment is shared).

use patientpay_carevalidate::{CareValidateBuilder, Environment, PRODUCTION_BASE_URL};
use patientpay_core::Error;

#[test]
fn from_env_reads_the_key_and_base_url_and_build_reports_what_is_missing() {
    // SAFETY: this test binary has a single test, so nothing reads the environment concurrently.
    unsafe {
        std::env::remove_var("CAREVALIDATE_API_KEY");
        std::env::remove_var("CAREVALIDATE_BASE_URL");
    }
    match CareValidateBuilder::from_env().build() {
        Err(Error::Config { setting, reason }) => {
            assert_eq!(setting, "CAREVALIDATE_API_KEY");
            assert!(reason.contains("missing"), "{reason}");
        }
        other => panic!("expected a config error, got {other:?}"),
    }
    unsafe { std::env::set_var("CAREVALIDATE_API_KEY", "") };
    assert!(
        matches!(CareValidateBuilder::from_env().build(), Err(Error::Config { setting, .. }) if setting == "CAREVALIDATE_API_KEY")
    );

    unsafe { std::env::set_var("CAREVALIDATE_API_KEY", "cv-env-key") };
    let c = CareValidateBuilder::from_env().build().unwrap();
    assert_eq!(c.base_url().as_str(), format!("{PRODUCTION_BASE_URL}/"));
    assert!(!format!("{c:?}").contains("cv-env-key"));

    unsafe { std::env::set_var("CAREVALIDATE_BASE_URL", "http://127.0.0.1:4010") };
    let c = CareValidateBuilder::from_env()
        .with_environment(Environment::Staging)
        .build()
        .unwrap();
    assert_eq!(
        c.base_url().as_str(),
        "http://127.0.0.1:4010/",
        "an explicit base URL wins over the environment"
    );

    unsafe { std::env::set_var("CAREVALIDATE_BASE_URL", "http://evil.example.com") };
    assert!(matches!(
        CareValidateBuilder::from_env().build(),
        Err(Error::Config { .. })
    ));
    unsafe {
        std::env::remove_var("CAREVALIDATE_API_KEY");
        std::env::remove_var("CAREVALIDATE_BASE_URL");
    }
}
