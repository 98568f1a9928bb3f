//! The command-line contract (fixed: later versions extend it, never rename it).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Talk to patient-payment vendors, run the local sandbox, or watch the demo.
///
/// Credentials come only from the environment: CAREPORTALS_TOKEN and CAREPORTALS_ORIGIN
/// (CAREPORTALS_ORGANIZATION optional; CAREPORTALS_PASSWORD for `login`, or
/// --password-stdin); CAREVALIDATE_API_KEY; DECODA_API_KEY and DECODA_TENANT. Success prints one JSON document on stdout (absent fields are omitted).
///
/// Exit codes: 0 success; 1 the call definitely failed (a vendor refusal, a decline, a
/// transport error before anything was sent); 2 bad usage, input or configuration (nothing
/// was sent); 3 outcome unknown: a money call may have moved money — reconcile
/// (`patientpay payments reconcile ...`) before retrying. RUST_LOG turns on tracing on
/// stderr.
#[derive(Debug, Parser)]
#[command(name = "patientpay", version, about, long_about)]
pub struct Cli {
    /// The vendor to call (optional when only one vendor serves the command).
    #[arg(
        long,
        env = "PATIENTPAY_PROVIDER",
        global = true,
        value_enum,
        help_heading = "Global options"
    )]
    pub provider: Option<ProviderName>,

    /// Replaces the vendor's production URL (http:// only for loopback hosts).
    #[arg(
        long,
        global = true,
        value_name = "URL",
        help_heading = "Global options"
    )]
    pub base_url: Option<String>,

    /// The vendor environment (CareValidate has production and staging).
    #[arg(long, global = true, value_enum, help_heading = "Global options")]
    pub environment: Option<EnvironmentName>,

    /// Total timeout of each request, in seconds (decimals allowed).
    #[arg(
        long,
        global = true,
        value_name = "SECONDS",
        allow_hyphen_values = true,
        help_heading = "Global options"
    )]
    pub timeout: Option<String>,

    /// The CarePortals organization id, sent on every CarePortals request.
    #[arg(
        long,
        env = "CAREPORTALS_ORGANIZATION",
        global = true,
        value_name = "ORG",
        help_heading = "Global options"
    )]
    pub organization: Option<String>,

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
    /// Start a browser-side checkout (CareValidate, Decoda).
    #[command(subcommand)]
    Checkout(CheckoutCommand),
    /// Refund and reconcile payments (Decoda).
    #[command(subcommand)]
    Payments(PaymentsCommand),
    /// Payments on a CareValidate case.
    #[command(subcommand)]
    Cases(CasesCommand),
    /// Log a CarePortals patient in: prints the patient id and when the session expires.
    /// The password comes from CAREPORTALS_PASSWORD or, with --password-stdin, from the
    /// first line of stdin (never from a flag).
    Login(LoginArgs),
    /// Run the sandbox (all three vendors on one loopback port) in the foreground.
    Sandbox(SandboxArgs),
    /// Walk a patient checkout through every vendor against the embedded sandbox.
    Demo,
    /// Verify saved webhook deliveries, or receive and forward the sandbox's (Decoda, CareValidate).
    #[command(subcommand)]
    Webhooks(WebhooksCommand),
}

/// `payment-methods …`
#[derive(Debug, Subcommand)]
pub enum PaymentMethodsCommand {
    /// List the patient's saved payment methods.
    List {
        /// The patient (Decoda); CarePortals acts for the patient of CAREPORTALS_TOKEN.
        #[arg(long)]
        patient_id: Option<String>,
    },
    /// Save a payment method: a processor token (CarePortals: Stripe pm_… or an NMI token)
    /// or a Rainforest payment-method object (Decoda).
    Add {
        /// The token (CarePortals).
        #[arg(long, conflicts_with = "rainforest_method")]
        token: Option<String>,
        /// A JSON file with the Rainforest payment-method object (Decoda).
        #[arg(long, value_name = "FILE")]
        rainforest_method: Option<PathBuf>,
        /// The patient (Decoda).
        #[arg(long)]
        patient_id: Option<String>,
    },
    /// Remove a saved payment method.
    Remove {
        /// The saved method's id.
        id: String,
        /// The patient (Decoda).
        #[arg(long)]
        patient_id: Option<String>,
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
    /// Finish a saved-card setup (`checkout start --setup`) and link the card and shipping
    /// address to the user's cases; the newer form of `update`, without an NMI token.
    Complete(CompleteSetupArgs),
}

/// Arguments of `payment-info complete`.
#[derive(Debug, Args)]
pub struct CompleteSetupArgs {
    /// The Stripe SetupIntent id (seti_…) the browser confirmed.
    #[arg(long)]
    pub stripe_setup_id: String,
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

/// `cases …`
#[derive(Debug, Subcommand)]
pub enum CasesCommand {
    /// Create a payment on a case. Moves money; safe to repeat with the same
    /// --idempotency-key (the vendor answers with the first payment).
    Pay {
        /// The CareValidate case id.
        #[arg(long)]
        case_id: String,
        /// Amount in USD, major units, e.g. 49.00.
        #[arg(long, value_name = "DECIMAL", allow_hyphen_values = true)]
        amount: String,
        /// What the payment is for.
        #[arg(long)]
        description: String,
        /// The idempotency key (default: a fresh one, printed in the answer).
        #[arg(long, value_name = "KEY")]
        idempotency_key: Option<String>,
    },
}

/// Arguments of `login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The patient's username (usually their e-mail).
    #[arg(long)]
    pub username: String,
    /// Read the password from the first line of stdin instead of CAREPORTALS_PASSWORD.
    #[arg(long)]
    pub password_stdin: bool,
    /// Also print the patient's JWT (a secret: it acts as the patient).
    #[arg(long)]
    pub show_token: bool,
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
    /// Print a patient's available credit.
    Credit {
        /// The vendor's patient id.
        #[arg(long)]
        patient_id: String,
    },
}

/// `checkout …`
#[derive(Debug, Subcommand)]
pub enum CheckoutCommand {
    /// Start a checkout. CareValidate: `--amount A` (pay now) or `--setup` (save a card).
    /// Decoda: `--patient-id P --charges FILE` (a component session) or `--phone P` (the
    /// hosted payment page). Prints JSON with a `kind`: client_secret, setup_secret,
    /// component_session or hosted_page.
    Start {
        /// Amount to collect now, in major units (CareValidate).
        #[arg(long, value_name = "DECIMAL", allow_hyphen_values = true)]
        amount: Option<String>,
        /// Currency of --amount.
        #[arg(long, default_value = "USD")]
        currency: String,
        /// Accepted method types (CareValidate), e.g. card, affirm; repeat for several.
        #[arg(long = "method-type", value_name = "TYPE")]
        method_types: Vec<String>,
        /// Save a card for later instead of paying (CareValidate).
        #[arg(long)]
        setup: bool,
        /// The patient (Decoda).
        #[arg(long)]
        patient_id: Option<String>,
        /// The charges to pay, as `patients verify` printed them (Decoda).
        #[arg(long, value_name = "FILE")]
        charges: Option<PathBuf>,
        /// The patient's phone: the hosted payment page of what they owe (Decoda).
        #[arg(long)]
        phone: Option<String>,
    },
}

/// `payments …`
#[derive(Debug, Subcommand)]
pub enum PaymentsCommand {
    /// Refund (part of) a payment. Moves money.
    Refund {
        /// The payment to refund.
        #[arg(long)]
        payment_id: String,
        /// The provider (clinician) user making the refund.
        #[arg(long)]
        provider_id: String,
        /// Amount, in major units, e.g. 12.34.
        #[arg(long, value_name = "DECIMAL", allow_hyphen_values = true)]
        amount: String,
        /// Why.
        #[arg(long, value_enum)]
        reason: RefundReasonName,
        /// A note for staff (no PHI).
        #[arg(long)]
        description: Option<String>,
    },
    /// Find out whether a money call whose outcome was unknown happened: prints
    /// `applied`, `not applied` or `unknown` with the evidence.
    #[command(subcommand)]
    Reconcile(ReconcileCommand),
}

/// `payments reconcile …`
#[derive(Debug, Subcommand)]
pub enum ReconcileCommand {
    /// A `charges settle-credit` call.
    Settle {
        /// The amount that was settled.
        #[arg(long, value_name = "DECIMAL", allow_hyphen_values = true)]
        amount: String,
        /// The charges file the call used.
        #[arg(long, value_name = "FILE")]
        charges: PathBuf,
        /// When the call was made (RFC 3339); payments before are not evidence.
        #[arg(long, value_name = "RFC3339")]
        since: Option<String>,
    },
    /// A `charges pay` call.
    Pay {
        /// The saved method that was charged.
        #[arg(long)]
        payment_method_id: String,
        /// The charges file the call used.
        #[arg(long, value_name = "FILE")]
        charges: PathBuf,
        /// The payin configuration id of the attempt (in the error when known).
        #[arg(long)]
        payin_config_id: Option<String>,
        /// The `--amount` the call used, if any (default: what the charges owe).
        #[arg(long, value_name = "DECIMAL", allow_hyphen_values = true)]
        amount: Option<String>,
        /// When the call was made (RFC 3339).
        #[arg(long, value_name = "RFC3339")]
        since: Option<String>,
    },
    /// A `payments refund` call.
    Refund {
        /// The patient.
        #[arg(long)]
        patient_id: String,
        /// The refunded payment.
        #[arg(long)]
        payment_id: String,
        /// The provider user.
        #[arg(long)]
        provider_id: String,
        /// The amount.
        #[arg(long, value_name = "DECIMAL", allow_hyphen_values = true)]
        amount: String,
        /// The reason.
        #[arg(long, value_enum)]
        reason: RefundReasonName,
        /// When the call was made (RFC 3339); refunds before are not evidence.
        #[arg(long, value_name = "RFC3339")]
        since: Option<String>,
    },
}

/// A refund reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RefundReasonName {
    /// Charged twice.
    Duplicate,
    /// Disputed.
    Dispute,
    /// A booking fee returned.
    BookingFee,
    /// Anything else.
    Other,
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
    /// Pay charges with a saved payment method. Moves money.
    Pay {
        /// The saved method (Decoda `pm_…`).
        #[arg(long)]
        payment_method_id: String,
        /// The charges, as `patients verify` printed them.
        #[arg(long, value_name = "FILE")]
        charges: PathBuf,
        /// Pay only this much, in major units.
        #[arg(long, value_name = "DECIMAL", allow_hyphen_values = true)]
        amount: Option<String>,
        /// The vendor's payment medium (default SAVED_PAYMENT_METHOD).
        #[arg(long)]
        payment_medium: Option<String>,
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

/// `webhooks …`
#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Verify a saved delivery body against its signature header value and print the typed
    /// event. The secret comes from DECODA_WEBHOOK_SECRET or CAREVALIDATE_WEBHOOK_SECRET.
    /// Exit 1 with the reason (e.g. `signature mismatch`) when it does not verify.
    Verify {
        /// The raw body as received, byte for byte.
        #[arg(long, value_name = "FILE")]
        body: PathBuf,
        /// The value of the `Decoda-Signature` / `x-cv-signature` header.
        #[arg(long, value_name = "SIG")]
        signature: String,
    },
    /// Register a webhook with the sandbox (--base-url), receive its deliveries on a local
    /// port, verify each, forward it (same body and signature header) to URL, and print one
    /// line per delivery. The sandbox gets the forward target's status, so its retries reach
    /// your app. Ctrl-C stops.
    Listen {
        /// Where to forward verified deliveries (`http://…`).
        #[arg(long, value_name = "URL")]
        forward_to: String,
        /// Local port to receive on (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Stop after this many verified deliveries.
        #[arg(long, value_name = "N")]
        max_events: Option<u64>,
    },
}
