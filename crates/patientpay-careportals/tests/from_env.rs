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
fn from_env_reads_the_variables_and_build_names_bad_ones() {
    // SAFETY: this binary has a single test, so nothing reads the environment concurrently.
    unsafe {
        for var in [
            "CAREPORTALS_TOKEN",
            "CAREPORTALS_ORIGIN",
            "CAREPORTALS_ORGANIZATION",
            "CAREPORTALS_LOGIN_PATH",
            "CAREPORTALS_BASE_URL",
            "CAREPORTALS_ENVIRONMENT",
            "CAREPORTALS_TIMEOUT",
            "CAREPORTALS_MAX_RETRIES",
        ] {
            std::env::remove_var(var);
        }
    }
    // Neither an organization nor an origin.
    assert_eq!(
        setting(CarePortalsBuilder::from_env().build().unwrap_err()),
        "CAREPORTALS_ORIGIN"
    );
    unsafe { std::env::set_var("CAREPORTALS_ORGANIZATION", "env_org") };
    let client = CarePortalsBuilder::from_env().build().unwrap();
    assert_eq!(client.organization(), Some("env_org"));
    assert!(client.patient().is_none(), "no token: acts for nobody");
    unsafe { std::env::set_var("CAREPORTALS_TOKEN", "env-jwt-SECRET") };
    assert!(
        CarePortalsBuilder::from_env()
            .build()
            .unwrap()
            .patient()
            .is_some()
    );
    unsafe { std::env::set_var("CAREPORTALS_ORIGIN", "https://demo.portals.care") };
    unsafe { std::env::set_var("CAREPORTALS_LOGIN_PATH", "/patient/auth") };
    let client = CarePortalsBuilder::from_env().build().unwrap();
    assert_eq!(client.login_path(), "/patient/auth");
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
    unsafe { std::env::set_var("CAREPORTALS_BASE_URL", "http://127.0.0.1:4010") };
    for (var, value) in [
        ("CAREPORTALS_TIMEOUT", "soon"),
        ("CAREPORTALS_MAX_RETRIES", "99"),
        ("CAREPORTALS_ORGANIZATION", "has space"),
        ("CAREPORTALS_LOGIN_PATH", "auth/login"),
        ("CAREPORTALS_ORIGIN", "demo.portals.care"),
    ] {
        let old = std::env::var(var).ok();
        unsafe { std::env::set_var(var, value) };
        assert_eq!(
            setting(CarePortalsBuilder::from_env().build().unwrap_err()),
            var
        );
        match old {
            Some(v) => unsafe { std::env::set_var(var, v) },
            None => unsafe { std::env::remove_var(var) },
        }
    }
    // A blank token counts as unset.
    unsafe { std::env::set_var("CAREPORTALS_TOKEN", " ") };
    assert!(
        CarePortalsBuilder::from_env()
            .build()
            .unwrap()
            .patient()
            .is_none()
    );
}
