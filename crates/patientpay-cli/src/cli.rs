//! The command-line contract (fixed: later versions extend it, never rename it).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Talk to patient-payment vendors, run the local sandbox, or watch the demo.
///
/// Credentials come only from the environment: CAREPORTALS_TOKEN and CAREPORTALS_ORIGIN;
/// CAREVALIDATE_API_KEY; DECODA_API_KEY and DECODA_TENANT. Success prints one JSON document
/// on stdout (exit 0); failure prints one line on stderr (exit 1 for a vendor or transport
/// error, 2 for bad usage, input or configuration). RUST_LOG turns on tracing on stderr.
#[derive(Debug, Parser)]
#[command(name = "patientpay", version, about, long_about)]
pub struct Cli {
    /// The vendor to call.
    #[arg(long, env = "PATIENTPAY_PROVIDER", global = true, value_enum)]
    pub provider: Option<ProviderName>,

    /// Replaces the vendor's production URL (http:// only for loopback hosts).
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,

    /// The vendor environment (CareValidate has production and staging).
    #[arg(long, global = true, value_enum)]
    pub environment: Option<EnvironmentName>,

    /// Total timeout of each request, in seconds (decimals allowed).
    #[arg(long, global = true, value_name = "SECONDS")]
    pub timeout: Option<String>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// A vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProviderName {
    /// CarePortals (saved payment methods).
    Careportals,
    /// CareValidate (payment intents, payment info).
    Carevalidate,
    /// Decoda Health (patient balances, credit settlement).
    Decoda,
}

impl ProviderName {
    /// The provider's name as the SDK spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderName::Careportals => "careportals",
            ProviderName::Carevalidate => "carevalidate",
            ProviderName::Decoda => "decoda",
        }
    }
}

/// A vendor environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EnvironmentName {
    /// The vendor's production API.
    Production,
    /// The vendor's staging API (CareValidate).
    Staging,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// A patient's saved payment methods.
    #[command(subcommand)]
    PaymentMethods(PaymentMethodsCommand),
    /// Payment intents.
    #[command(subcommand)]
    PaymentIntents(PaymentIntentsCommand),
    /// A user's saved payment setup and shipping address.
    #[command(subcommand)]
    PaymentInfo(PaymentInfoCommand),
    /// Patients.
    #[command(subcommand)]
    Patients(PatientsCommand),
    /// Charges.
    #[command(subcommand)]
    Charges(ChargesCommand),
    /// Run the sandbox (all three vendors on one loopback port) in the foreground.
    Sandbox(SandboxArgs),
    /// Walk a patient checkout through every vendor against the embedded sandbox.
    Demo,
}

/// `payment-methods …`
#[derive(Debug, Subcommand)]
pub enum PaymentMethodsCommand {
    /// List the patient's saved payment methods.
    List,
    /// Save a payment method from a processor token (Stripe pm_… or an NMI token).
    Add {
        /// The token.
        #[arg(long)]
        token: String,
    },
    /// Remove a saved payment method.
    Remove {
        /// The saved method's id.
        id: String,
    },
}

/// `payment-intents …`
#[derive(Debug, Subcommand)]
pub enum PaymentIntentsCommand {
    /// Create a payment intent; prints its client secret for the browser.
    Create {
        /// Amount in major units, e.g. 19.99.
        #[arg(long, value_name = "DECIMAL", allow_hyphen_values = true)]
        amount: String,
        /// ISO 4217 currency.
        #[arg(long, default_value = "USD")]
        currency: String,
        /// An accepted Stripe payment method type (repeat for several, in order).
        #[arg(long = "method-type", value_name = "TYPE")]
        method_types: Vec<String>,
    },
}

/// `payment-info …`
#[derive(Debug, Subcommand)]
pub enum PaymentInfoCommand {
    /// Update a user's saved payment setup and shipping address.
    Update(PaymentInfoArgs),
}

/// Arguments of `payment-info update`.
#[derive(Debug, Args)]
pub struct PaymentInfoArgs {
    /// The user's e-mail.
    #[arg(long)]
    pub email: String,
    /// The Stripe SetupIntent id (seti_…).
    #[arg(long)]
    pub stripe_setup_id: String,
    /// The NMI payment token.
    #[arg(long)]
    pub nmi_token: String,
    /// Street address.
    #[arg(long)]
    pub line1: String,
    /// Apartment, suite…
    #[arg(long)]
    pub line2: Option<String>,
    /// City.
    #[arg(long)]
    pub city: String,
    /// State code (e.g. DC).
    #[arg(long)]
    pub state: String,
    /// Postal code.
    #[arg(long)]
    pub postal_code: String,
    /// Two-letter country code.
    #[arg(long)]
    pub country: String,
}

/// `patients …`
#[derive(Debug, Subcommand)]
pub enum PatientsCommand {
    /// Verify a patient's identity and print their outstanding charges and payment link.
    Verify {
        /// The vendor's patient id.
        #[arg(long)]
        patient_id: String,
        /// Last name.
        #[arg(long)]
        last_name: String,
        /// Phone number.
        #[arg(long)]
        phone: String,
        /// Date of birth, YYYY-MM-DD.
        #[arg(long, value_name = "YYYY-MM-DD")]
        dob: String,
    },
}

/// `charges …`
#[derive(Debug, Subcommand)]
pub enum ChargesCommand {
    /// Settle charges from the patient's credit balance.
    SettleCredit {
        /// Credit to apply, in major units, e.g. 25.00.
        #[arg(long, value_name = "DECIMAL", allow_hyphen_values = true)]
        amount: String,
        /// A JSON file holding the `charges` array exactly as `patients verify` printed it.
        #[arg(long, value_name = "FILE")]
        charges: PathBuf,
        /// A specific credit to use (repeat for several); default: oldest first.
        #[arg(long = "credit-id", value_name = "ID")]
        credit_ids: Vec<String>,
    },
}

/// Arguments of `sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// A JSON seed file (see the sandbox docs); default: the built-in demo data.
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
}
