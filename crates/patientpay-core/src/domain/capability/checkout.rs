//! The [`Checkout`] capability: start a browser-side payment for a patient. The answer is a
//! [`CheckoutSession`]: a client secret for the processor's browser SDK (CareValidate's
//! Stripe payment or setup intent), a component session (Decoda's Rainforest payin
//! component), or a hosted payment page URL (Decoda's payment link).

use std::fmt;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};

use crate::domain::{CallOptions, PatientRef};
use crate::error::{Error, Result};
use crate::money::Money;
use crate::{Charge, open_enum, with_options};

/// Start a browser-side payment.
///
/// ```
/// use patientpay_core::{Checkout, CheckoutSession, Currency, Money, Result, StartCheckout};
///
/// async fn begin(checkout: &dyn Checkout) -> Result<String> {
///     let session = checkout
///         .start_checkout(StartCheckout::pay(Money::from_minor(1999, Currency::USD)))
///         .await?;
///     Ok(match session {
///         CheckoutSession::ClientSecret { .. } => "hand the secret to Stripe.js".to_owned(),
///         CheckoutSession::HostedPage { url, .. } => format!("redirect to {url}"),
///         other => format!("{}", other.kind()),
///     })
/// }
/// ```
///
/// # Errors
/// [`Error::InvalidInput`] for `purpose` when the vendor cannot start that kind of checkout
/// (naming the purposes it can), and the [`Error`] of the layer that failed.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait Checkout: Send + Sync {
    /// Starts a checkout.
    async fn start_checkout(&self, request: StartCheckout) -> Result<CheckoutSession>;
}

/// What the checkout is for.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CheckoutPurpose {
    /// Collect `amount` now (CareValidate: a Stripe payment intent).
    Pay {
        /// The amount (positive).
        amount: Money,
        /// Accepted method kinds; empty lets the vendor decide.
        method_kinds: Vec<CheckoutMethodKind>,
    },
    /// Pay these charges (Decoda: a Rainforest payin component session; the charges are
    /// those `verify_patient_balance` returned). `amount` pays part of them.
    PayCharges {
        /// The charges.
        charges: Vec<Charge>,
        /// Pay only this much (`None`: everything outstanding).
        amount: Option<Money>,
    },
    /// A hosted page where the patient pays what they owe (Decoda: the payment link found by
    /// the patient's phone number).
    PayOutstanding {
        /// The patient's phone number.
        phone: String,
    },
    /// Save a card for later, without paying (CareValidate: a Stripe setup intent).
    SaveForLater {
        /// The patient's e-mail, stored with the setup (optional).
        email: Option<String>,
        /// The patient's phone, stored with the setup (optional).
        phone: Option<String>,
    },
}

impl CheckoutPurpose {
    /// The purpose's name, as in errors (`pay`, `pay_charges`, `pay_outstanding`,
    /// `save_for_later`).
    pub fn name(&self) -> &'static str {
        match self {
            CheckoutPurpose::Pay { .. } => "pay",
            CheckoutPurpose::PayCharges { .. } => "pay_charges",
            CheckoutPurpose::PayOutstanding { .. } => "pay_outstanding",
            CheckoutPurpose::SaveForLater { .. } => "save_for_later",
        }
    }
}

/// Starts a checkout: one request type for every vendor.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StartCheckout {
    /// The patient, for vendors whose checkout is per patient (Decoda).
    pub patient: Option<PatientRef>,
    /// What the checkout is for.
    pub purpose: CheckoutPurpose,
    /// Per-call options.
    pub options: CallOptions,
}

impl StartCheckout {
    /// A checkout for `purpose`.
    pub fn new(purpose: CheckoutPurpose) -> StartCheckout {
        StartCheckout {
            patient: None,
            purpose,
            options: CallOptions::default(),
        }
    }

    /// Collect `amount` now.
    pub fn pay(amount: Money) -> StartCheckout {
        StartCheckout::new(CheckoutPurpose::Pay {
            amount,
            method_kinds: Vec::new(),
        })
    }

    /// Pay these charges (all that is outstanding on them).
    pub fn pay_charges(charges: Vec<Charge>) -> StartCheckout {
        StartCheckout::new(CheckoutPurpose::PayCharges {
            charges,
            amount: None,
        })
    }

    /// A hosted page for what the patient with this phone owes.
    pub fn pay_outstanding(phone: impl Into<String>) -> StartCheckout {
        StartCheckout::new(CheckoutPurpose::PayOutstanding {
            phone: phone.into(),
        })
    }

    /// Save a card for later.
    pub fn save_for_later() -> StartCheckout {
        StartCheckout::new(CheckoutPurpose::SaveForLater {
            email: None,
            phone: None,
        })
    }

    /// Names the patient.
    pub fn for_patient(mut self, patient: PatientRef) -> StartCheckout {
        self.patient = Some(patient);
        self
    }

    /// The [`Error::InvalidInput`] a vendor returns for a purpose it cannot serve.
    pub fn unsupported_purpose(&self, provider: &str, supported: &[&str]) -> Error {
        Error::invalid_input(
            "purpose",
            format!(
                "{provider} cannot start a `{}` checkout; it can start: {}",
                self.purpose.name(),
                supported.join(", ")
            ),
        )
    }
}
with_options!(StartCheckout);

/// A started checkout: what the browser needs.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CheckoutSession {
    /// A client secret for the processor's browser SDK (Stripe Elements).
    ClientSecret {
        /// The secret.
        secret: ClientSecret,
        /// `true` for a setup intent (save a card), `false` for a payment intent.
        setup: bool,
        /// The amount, for a payment.
        amount: Option<Money>,
        /// The vendor's message, if any.
        message: Option<String>,
    },
    /// A session for the processor's browser component (Rainforest payin component).
    ComponentSession {
        /// The session key (a secret: it authorises the browser component).
        session_key: ClientSecret,
        /// The payin configuration id (keep it: it is how a payment is reconciled).
        config_id: String,
        /// `true` when the vendor says it is a sandbox session.
        sandbox: bool,
        /// What the session will collect, when known.
        amount: Option<Money>,
    },
    /// A hosted payment page.
    HostedPage {
        /// The page's URL.
        url: String,
        /// What the patient owes there, when the vendor says.
        outstanding: Option<Money>,
    },
}

impl CheckoutSession {
    /// The session's kind, as the CLI prints it: `client_secret`, `setup_secret`,
    /// `component_session` or `hosted_page`.
    pub fn kind(&self) -> &'static str {
        match self {
            CheckoutSession::ClientSecret { setup: false, .. } => "client_secret",
            CheckoutSession::ClientSecret { setup: true, .. } => "setup_secret",
            CheckoutSession::ComponentSession { .. } => "component_session",
            CheckoutSession::HostedPage { .. } => "hosted_page",
        }
    }
}

// ---------------------------------------------------------------------------------------
// Payment intents

open_enum! {
    /// A Stripe payment method type a payment intent may accept.
    pub enum CheckoutMethodKind {
        /// Cards.
        Card = "card",
        /// Klarna.
        Klarna = "klarna",
        /// Affirm.
        Affirm = "affirm",
        /// Afterpay / Clearpay.
        AfterpayClearpay = "afterpay_clearpay",
        /// US bank account (ACH).
        UsBankAccount = "us_bank_account",
        /// Link.
        Link = "link",
        /// Cash App Pay.
        Cashapp = "cashapp",
        /// SEPA Direct Debit.
        SepaDebit = "sepa_debit",
        /// Amazon Pay.
        AmazonPay = "amazon_pay",
        /// ACSS debit (Canada).
        AcssDebit = "acss_debit",
        /// Zip.
        Zip = "zip",
        /// PayPal.
        Paypal = "paypal",
        /// Alipay.
        Alipay = "alipay",
        /// WeChat Pay.
        WechatPay = "wechat_pay",
        /// iDEAL.
        Ideal = "ideal",
        /// Bancontact.
        Bancontact = "bancontact",
        /// EPS.
        Eps = "eps",
        /// giropay.
        Giropay = "giropay",
        /// Przelewy24.
        P24 = "p24",
        /// BECS Direct Debit (AU).
        AuBecsDebit = "au_becs_debit",
        /// Bacs Direct Debit (UK).
        BacsDebit = "bacs_debit",
        /// Customer balance / bank transfer.
        CustomerBalance = "customer_balance",
        /// Revolut Pay.
        RevolutPay = "revolut_pay",
        /// Mobile Pay.
        Mobilepay = "mobilepay",
        /// Multibanco.
        Multibanco = "multibanco",
        /// OXXO.
        Oxxo = "oxxo",
        /// Boleto.
        Boleto = "boleto",
        /// Konbini.
        Konbini = "konbini",
        /// PayNow.
        Paynow = "paynow",
        /// PromptPay.
        Promptpay = "promptpay",
        /// Pix.
        Pix = "pix",
        /// Sofort.
        Sofort = "sofort",
        /// Blik.
        Blik = "blik",
        /// Twint.
        Twint = "twint",
    }
}

/// Creates a payment intent for `amount`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreatePaymentIntent {
    /// The amount to collect (positive).
    pub amount: Money,
    /// Accepted method types, in the caller's order; empty lets the vendor decide.
    pub payment_method_types: Vec<CheckoutMethodKind>,
    /// Per-call options.
    pub options: CallOptions,
}

impl CreatePaymentIntent {
    /// An intent for `amount`, with the vendor's default method types.
    pub fn new(amount: Money) -> CreatePaymentIntent {
        CreatePaymentIntent {
            amount,
            payment_method_types: Vec::new(),
            options: CallOptions::default(),
        }
    }

    /// Sets the accepted method types, in order.
    pub fn with_payment_method_types(
        mut self,
        types: impl IntoIterator<Item = CheckoutMethodKind>,
    ) -> CreatePaymentIntent {
        self.payment_method_types = types.into_iter().collect();
        self
    }

    /// Checks the amount is positive and method types are not empty strings.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `amount` or `payment_method_types`.
    pub fn validate(&self) -> Result<()> {
        self.amount.ensure_positive("amount")?;
        if self
            .payment_method_types
            .iter()
            .any(|t| t.as_str().trim().is_empty())
        {
            return Err(Error::invalid_input(
                "payment_method_types",
                "must not contain an empty type",
            ));
        }
        Ok(())
    }
}
with_options!(CreatePaymentIntent);

/// The client secret of a payment intent: hand it to the browser (Stripe.js), never log it.
#[derive(Clone)]
pub struct ClientSecret(SecretString);

impl ClientSecret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> ClientSecret {
        ClientSecret(SecretString::from(secret.into()))
    }

    /// The secret's text, for the response you send to the browser.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }

    /// The payment intent id (`pi_…`) the secret belongs to, when it has Stripe's shape
    /// `pi_…_secret_…`. The id alone is not secret.
    pub fn payment_intent_id(&self) -> Option<&str> {
        let s = self.0.expose_secret();
        s.split_once("_secret_")
            .map(|(id, _)| id)
            .filter(|id| id.starts_with("pi_"))
    }
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientSecret(<redacted>)")
    }
}

impl PartialEq for ClientSecret {
    fn eq(&self, other: &Self) -> bool {
        self.expose_secret() == other.expose_secret()
    }
}

/// A created payment intent.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PaymentIntent {
    /// The client secret for the browser.
    pub client_secret: ClientSecret,
    /// The amount requested.
    pub amount: Money,
    /// The vendor's confirmation message, if any.
    pub message: Option<String>,
}

impl PaymentIntent {
    /// An intent with `client_secret` for `amount`.
    pub fn new(client_secret: ClientSecret, amount: Money) -> PaymentIntent {
        PaymentIntent {
            client_secret,
            amount,
            message: None,
        }
    }
}
