//! Building a provider from the global flags and the environment.

use std::time::Duration;

use patientpay::http::HttpConfig;
use patientpay::{Capabilities, Error, Operation, PaymentProvider};

use crate::cli::{Cli, EnvironmentName, ProviderName};

/// What each vendor supports, known without credentials so that an unsupported command is
/// refused before configuration is even read. A test checks it against each provider's own
/// `capabilities()`.
pub fn capabilities(name: ProviderName) -> Capabilities {
    match name {
        ProviderName::Careportals => Capabilities::from_operations(&[
            Operation::ListPaymentMethods,
            Operation::AddPaymentMethod,
            Operation::RemovePaymentMethod,
        ]),
        ProviderName::Carevalidate => Capabilities::from_operations(&[
            Operation::CreatePaymentIntent,
            Operation::UpdatePaymentInfo,
        ]),
        ProviderName::Decoda => Capabilities::from_operations(&[
            Operation::VerifyPatientBalance,
            Operation::SettleChargesFromCredit,
        ]),
    }
}

/// Parses `--timeout SECONDS` (a positive decimal).
pub fn parse_timeout(text: &str) -> Result<Duration, Error> {
    let secs: f64 = text.trim().parse().map_err(|_| {
        Error::invalid_input("--timeout", "must be a number of seconds, e.g. 30 or 2.5")
    })?;
    if !secs.is_finite() || secs <= 0.0 {
        return Err(Error::invalid_input(
            "--timeout",
            "must be a positive number of seconds",
        ));
    }
    Duration::try_from_secs_f64(secs).map_err(|_| Error::invalid_input("--timeout", "is too large"))
}

/// Builds the provider named by `--provider` from the environment and the global flags.
pub fn build(cli: &Cli, name: ProviderName) -> Result<Box<dyn PaymentProvider>, Error> {
    let mut http = HttpConfig::default();
    if let Some(t) = &cli.timeout {
        http = http.with_timeout(parse_timeout(t)?);
    }
    let staging = cli.environment == Some(EnvironmentName::Staging);
    if staging && name != ProviderName::Carevalidate {
        return Err(Error::invalid_input(
            "--environment",
            format!(
                "{} has no staging environment; only carevalidate does",
                name.as_str()
            ),
        ));
    }
    Ok(match name {
        ProviderName::Careportals => {
            let mut b =
                patientpay::careportals::CarePortalsBuilder::from_env().with_http_config(http);
            if let Some(url) = &cli.base_url {
                b = b.with_base_url(url.clone());
            }
            Box::new(b.build()?)
        }
        ProviderName::Carevalidate => {
            let mut b =
                patientpay::carevalidate::CareValidateBuilder::from_env().with_http_config(http);
            if staging {
                b = b.with_environment(patientpay::carevalidate::Environment::Staging);
            }
            if let Some(url) = &cli.base_url {
                b = b.with_base_url(url.clone());
            }
            Box::new(b.build()?)
        }
        ProviderName::Decoda => {
            let mut b = patientpay::decoda::DecodaBuilder::from_env().with_http_config(http);
            if let Some(url) = &cli.base_url {
                b = b.with_base_url(url.clone());
            }
            Box::new(b.build()?)
        }
    })
}
