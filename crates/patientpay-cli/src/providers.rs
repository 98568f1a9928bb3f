//! Building a vendor client from the global flags and the environment, and knowing — without
//! credentials — which vendor serves what, so that a command a vendor lacks is refused before
//! any configuration is read.

use std::time::Duration;

use patientpay::careportals::{CarePortals, CarePortalsBuilder};
use patientpay::carevalidate::{CareValidate, CareValidateBuilder};
use patientpay::decoda::{Decoda, DecodaBuilder};
use patientpay::{Capability, Error, PaymentProvider};

use crate::cli::{Cli, EnvironmentName, ProviderName};

/// Every vendor the CLI knows.
pub const ALL: &[ProviderName] = &[
    ProviderName::Careportals,
    ProviderName::Carevalidate,
    ProviderName::Decoda,
];

/// What each vendor serves, known without credentials. A test checks it against each
/// client's own `capabilities()`.
pub fn serves(name: ProviderName, capability: Capability) -> bool {
    matches!(
        (name, capability),
        (ProviderName::Careportals, Capability::PaymentMethods)
            | (ProviderName::Decoda, Capability::PaymentMethods)
            | (ProviderName::Carevalidate, Capability::Checkout)
            | (ProviderName::Decoda, Capability::Checkout)
            | (ProviderName::Decoda, Capability::PatientBilling)
            | (ProviderName::Carevalidate, Capability::Webhooks)
            | (ProviderName::Decoda, Capability::Webhooks)
    )
}

/// What a command needs: a capability, or an operation only some vendors have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// A capability trait.
    Capability(Capability),
    /// A vendor-only operation, with the vendors that have it.
    Only(&'static str, &'static [ProviderName]),
}

impl Needs {
    /// The vendors that serve it.
    pub fn vendors(self) -> Vec<ProviderName> {
        match self {
            Needs::Capability(c) => ALL.iter().copied().filter(|n| serves(*n, c)).collect(),
            Needs::Only(_, names) => names.to_vec(),
        }
    }

    fn what(self) -> String {
        match self {
            Needs::Capability(c) => c.as_str().to_owned(),
            Needs::Only(op, _) => op.to_owned(),
        }
    }
}

/// The vendor a command runs on: `--provider` when given (refused, naming the vendors that
/// have it, when it lacks what the command needs), else the only vendor that serves it
/// (said on stderr), else a usage error listing the choices.
pub fn pick(chosen: Option<ProviderName>, needs: Needs) -> Result<ProviderName, String> {
    let vendors = needs.vendors();
    let names = || {
        vendors
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(" or ")
    };
    match chosen {
        Some(name) if vendors.contains(&name) => Ok(name),
        Some(name) => Err(format!(
            "{} does not serve {}; use --provider {}",
            name.as_str(),
            needs.what(),
            names()
        )),
        None if vendors.len() == 1 => {
            eprintln!(
                "note: using --provider {} (the only provider that serves {})",
                vendors[0].as_str(),
                needs.what()
            );
            Ok(vendors[0])
        }
        None => Err(format!(
            "no provider: pass --provider {} (or set PATIENTPAY_PROVIDER)",
            names()
        )),
    }
}

/// Parses `--timeout SECONDS` (a positive decimal).
pub fn parse_timeout(text: &str) -> Result<Duration, Error> {
    let secs: f64 = text.trim().parse().map_err(|_| {
        Error::invalid_input(
            "--timeout",
            "must be a positive number of seconds, e.g. 30 or 2.5",
        )
    })?;
    if !secs.is_finite() || secs <= 0.0 {
        return Err(Error::invalid_input(
            "--timeout",
            "must be a positive number of seconds, e.g. 30 or 2.5",
        ));
    }
    Duration::try_from_secs_f64(secs).map_err(|_| Error::invalid_input("--timeout", "is too large"))
}

/// A built vendor client.
pub enum Client {
    /// CarePortals.
    CarePortals(CarePortals),
    /// CareValidate.
    CareValidate(CareValidate),
    /// Decoda.
    Decoda(Decoda),
}

impl Client {
    /// The client as the vendor-neutral handle.
    pub fn provider(&self) -> &dyn PaymentProvider {
        match self {
            Client::CarePortals(c) => c,
            Client::CareValidate(c) => c,
            Client::Decoda(c) => c,
        }
    }
}

/// Renames a configuration error about a setting the user gave as a flag to that flag.
fn flag_names(e: Error) -> Error {
    match e {
        Error::Config { setting, reason } if setting.ends_with("_BASE_URL") => {
            Error::invalid_input("--base-url", reason)
        }
        Error::Config { setting, reason } if setting.ends_with("_ENVIRONMENT") => {
            Error::invalid_input("--environment", reason)
        }
        other => other,
    }
}

/// Builds the vendor client named `name` from the environment and the global flags.
pub fn build(cli: &Cli, name: ProviderName) -> Result<Client, Error> {
    let timeout = cli.timeout.as_deref().map(parse_timeout).transpose()?;
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
    macro_rules! common {
        ($b:expr) => {{
            let mut b = $b;
            if let Some(t) = timeout {
                b = b.with_timeout(t);
            }
            if let Some(url) = &cli.base_url {
                b = b.with_base_url(url.clone());
            }
            b
        }};
    }
    Ok(match name {
        ProviderName::Careportals => {
            let mut b = common!(CarePortalsBuilder::from_env());
            if let Some(org) = &cli.organization {
                b = b.with_organization(org.clone());
            }
            Client::CarePortals(b.build().map_err(flag_names)?)
        }
        ProviderName::Carevalidate => {
            let mut b = common!(CareValidateBuilder::from_env());
            if staging {
                b = b.with_environment("staging");
            }
            Client::CareValidate(b.build().map_err(flag_names)?)
        }
        ProviderName::Decoda => Client::Decoda(
            common!(DecodaBuilder::from_env())
                .build()
                .map_err(flag_names)?,
        ),
    })
}
