//! The same function run against every vendor, each chosen from configuration and used
//! only through `dyn PaymentProvider`.
//!
//! `cargo run -p patientpay --example swap_providers` (runs against the embedded sandbox).

use patientpay::careportals::CarePortalsBuilder;
use patientpay::carevalidate::CareValidateBuilder;
use patientpay::decoda::DecodaBuilder;
use patientpay::{Error, ListPaymentMethods, Operation, PaymentProvider, Result};
use patientpay_sandbox::{Sandbox, credentials};

/// What your backend would read from its config file.
struct VendorConfig {
    vendor: &'static str,
    base_url: String,
}

fn provider_from_config(cfg: &VendorConfig) -> Result<Box<dyn PaymentProvider>> {
    Ok(match cfg.vendor {
        "careportals" => Box::new(
            CarePortalsBuilder::new()
                .with_token(credentials::CAREPORTALS_TOKEN)
                .with_origin(credentials::CAREPORTALS_ORIGIN)
                .with_base_url(&cfg.base_url)
                .build()?,
        ),
        "carevalidate" => Box::new(
            CareValidateBuilder::new()
                .with_api_key(credentials::CAREVALIDATE_API_KEY)
                .with_base_url(&cfg.base_url)
                .build()?,
        ),
        "decoda" => Box::new(
            DecodaBuilder::new()
                .with_api_key(credentials::DECODA_API_KEY)
                .with_tenant(credentials::DECODA_TENANT)
                .with_base_url(&cfg.base_url)
                .build()?,
        ),
        other => return Err(Error::config("vendor", format!("unknown vendor {other:?}"))),
    })
}

/// Vendor-neutral code: shows saved cards where the vendor has them.
async fn describe_wallet(provider: &dyn PaymentProvider) -> Result<String> {
    if !provider
        .capabilities()
        .supports(Operation::ListPaymentMethods)
    {
        return Ok(format!(
            "{} keeps no wallet (it supports: {})",
            provider.name(),
            provider.capabilities()
        ));
    }
    let methods = provider
        .list_payment_methods(ListPaymentMethods::new())
        .await?;
    Ok(format!(
        "{} wallet: {} saved method(s)",
        provider.name(),
        methods.len()
    ))
}

#[tokio::main]
async fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start().await?;
    for vendor in ["careportals", "carevalidate", "decoda"] {
        let provider = provider_from_config(&VendorConfig {
            vendor,
            base_url: sandbox.base_url(),
        })?;
        println!("{}", describe_wallet(provider.as_ref()).await?);
        // Calling what a vendor lacks is refused without any request.
        if let Err(e) = provider
            .list_payment_methods(ListPaymentMethods::new())
            .await
        {
            println!("  {e}");
        }
    }
    Ok(())
}
