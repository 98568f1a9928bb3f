//! Running one command: validate input, pick the vendor (refusing one that lacks what the
//! command needs, before any configuration is read), build the client, call it, and shape
//! the JSON answer. Absent fields are omitted from every answer.

use std::net::SocketAddr;

use patientpay::{
    AddPaymentMethod, Address, Capability, Charge, CheckoutMethodKind, CheckoutPurpose,
    CheckoutSession, CreatePaymentIntent, CreditBalanceRequest, Currency, Error,
    ListPaymentMethods, Money, MoneyCall, PatientRef, PayWithSavedMethod, Processor, Reconcile,
    RefundPayment, RefundReason, RemovePaymentMethod, SettleChargesFromCredit, StartCheckout,
    UpdatePaymentInfo, VendorData, VerifyPatient,
};
use serde_json::{Value, json};

use patientpay::carevalidate::{CompletePaymentSetup, CreateCasePayment};
use patientpay::secrecy::{ExposeSecret, SecretString};

use crate::cli::{
    CasesCommand, ChargesCommand, CheckoutCommand, Cli, Command, LoginArgs, PatientsCommand,
    PaymentInfoCommand, PaymentIntentsCommand, PaymentMethodsCommand, PaymentsCommand,
    ProviderName, ReconcileCommand, RefundReasonName,
};
use crate::providers::{self, Client, Needs};

/// A failed command: the one line for stderr and the exit code.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: u8,
}

/// Exit code of a money call whose outcome is unknown.
pub const EXIT_OUTCOME_UNKNOWN: u8 = 3;

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        let code = if e.is_outcome_unknown() {
            EXIT_OUTCOME_UNKNOWN
        } else if e.is_usage() {
            2
        } else {
            1
        };
        let message = if e.is_outcome_unknown() {
            format!("{e}; {}", e.next_step())
        } else if let Some(example) = credential_example(&e) {
            match &e {
                // The SDK's sentence names its builder methods; the CLI user has the variable.
                Error::Config { setting, reason }
                    if setting == "CAREPORTALS_TOKEN" && reason.contains("acts for no patient") =>
                {
                    format!(
                        "configuration error in CAREPORTALS_TOKEN: is not set (CarePortals calls act for the patient whose JWT it is); e.g. {example}"
                    )
                }
                _ => format!("{e}; e.g. {example}"),
            }
        } else {
            e.to_string()
        };
        Failure { message, code }
    }
}

/// One example line for a missing or bad credential setting (issue: the CLI names the
/// variable to set and shows how).
fn credential_example(e: &Error) -> Option<&'static str> {
    let Error::Config { setting, .. } = e else {
        return None;
    };
    Some(match setting.as_ref() {
        "CAREPORTALS_TOKEN" => {
            "`export CAREPORTALS_TOKEN=<the patient's JWT>` (or get one: `patientpay login --username U --show-token`)"
        }
        "CAREPORTALS_ORIGIN" | "CAREPORTALS_ORGANIZATION" => {
            "`export CAREPORTALS_ORGANIZATION=your_org` or `export CAREPORTALS_ORIGIN=https://your-portal.portals.care`"
        }
        "CAREVALIDATE_API_KEY" => "`export CAREVALIDATE_API_KEY=<your organization's cv-api-key>`",
        "DECODA_API_KEY" => "`export DECODA_API_KEY=<your API key>`",
        "DECODA_TENANT" => "`export DECODA_TENANT=<your tenant id>`",
        _ => return None,
    })
}

pub fn usage(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        code: 2,
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(|e| Failure {
        message: format!("cannot format the answer as JSON: {e}"),
        code: 1,
    })
}

/// A vendor command, validated.
enum Call {
    List(ListPaymentMethods),
    Add(AddPaymentMethod),
    Remove(RemovePaymentMethod),
    Intent(CreatePaymentIntent),
    Update(Box<UpdatePaymentInfo>),
    Complete(Box<CompletePaymentSetup>),
    CasePay(Box<CreateCasePayment>),
    Login {
        username: String,
        password: SecretString,
        show_token: bool,
    },
    Checkout(StartCheckout),
    Verify(VerifyPatient),
    Settle(SettleChargesFromCredit),
    Pay(PayWithSavedMethod),
    Refund(RefundPayment),
    Credit(CreditBalanceRequest),
    Reconcile(Box<Reconcile>),
}

impl Call {
    fn needs(&self) -> Needs {
        const CAREVALIDATE: &[ProviderName] = &[ProviderName::Carevalidate];
        const CAREPORTALS: &[ProviderName] = &[ProviderName::Careportals];
        const DECODA: &[ProviderName] = &[ProviderName::Decoda];
        match self {
            Call::Complete(_) => Needs::Only("payment setup completion", CAREVALIDATE),
            Call::CasePay(_) => Needs::Only("case payments", CAREVALIDATE),
            Call::Login { .. } => Needs::Only("patient login", CAREPORTALS),
            Call::List(_) | Call::Add(_) | Call::Remove(_) => {
                Needs::Capability(Capability::PaymentMethods)
            }
            Call::Intent(_) => Needs::Only("payment intents", CAREVALIDATE),
            Call::Update(_) => Needs::Only("payment-info updates", CAREVALIDATE),
            // The flags say which kind of session is wanted, and each kind has one vendor.
            Call::Checkout(StartCheckout {
                purpose: CheckoutPurpose::Pay { .. },
                ..
            }) => Needs::Only("checkout start --amount", CAREVALIDATE),
            Call::Checkout(StartCheckout {
                purpose: CheckoutPurpose::SaveForLater { .. },
                ..
            }) => Needs::Only("checkout start --setup", CAREVALIDATE),
            Call::Checkout(StartCheckout {
                purpose: CheckoutPurpose::PayCharges { .. },
                ..
            }) => Needs::Only("checkout start --charges", DECODA),
            Call::Checkout(StartCheckout {
                purpose: CheckoutPurpose::PayOutstanding { .. },
                ..
            }) => Needs::Only("checkout start --phone", DECODA),
            Call::Checkout(_) => Needs::Capability(Capability::Checkout),
            Call::Verify(_)
            | Call::Settle(_)
            | Call::Pay(_)
            | Call::Refund(_)
            | Call::Credit(_)
            | Call::Reconcile(_) => Needs::Capability(Capability::PatientBilling),
        }
    }
}

/// `--patient-id`, checked as an id the vendor can hold (named by its flag).
fn patient(id: &Option<String>) -> Result<Option<PatientRef>, Failure> {
    match id {
        Some(id) => {
            patientpay::domain::check_id("--patient-id", id)?;
            Ok(Some(PatientRef::id(id.clone())))
        }
        None => Ok(None),
    }
}

fn reason(r: RefundReasonName) -> RefundReason {
    match r {
        RefundReasonName::Duplicate => RefundReason::Duplicate,
        RefundReasonName::Dispute => RefundReason::Dispute,
        RefundReasonName::BookingFee => RefundReason::BookingFee,
        RefundReasonName::Other => RefundReason::Other,
    }
}

fn since(text: &Option<String>) -> Result<Option<patientpay::time::OffsetDateTime>, Failure> {
    text.as_deref()
        .map(|t| {
            patientpay::time::OffsetDateTime::parse(t.trim(), &patientpay::time::format_description::well_known::Rfc3339)
                .map_err(|_| {
                    usage("invalid input for `--since`: must be an RFC 3339 time, e.g. 2026-12-02T10:00:00Z")
                })
        })
        .transpose()
}

fn charges_money(charges: &[Charge], flag: &'static str, amount: &str) -> Result<Money, Failure> {
    let currency = charges
        .first()
        .map(|c| c.total_outstanding.currency())
        .unwrap_or(Currency::USD);
    Ok(Money::parse_positive(flag, amount, currency)?)
}

fn first_patient(charges: &[Charge]) -> Result<PatientRef, Failure> {
    charges
        .first()
        .map(|c| PatientRef::id(c.patient_id.clone()))
        .ok_or_else(|| usage("invalid input for `--charges`: the file holds no charge"))
}

fn parse(cli: &Cli) -> Result<Option<Call>, Failure> {
    Ok(Some(match &cli.command {
        Command::Demo | Command::Sandbox(_) | Command::Webhooks(_) => return Ok(None),
        Command::PaymentMethods(PaymentMethodsCommand::List { patient_id }) => {
            let mut req = ListPaymentMethods::new();
            req.patient = patient(patient_id)?;
            Call::List(req)
        }
        Command::PaymentMethods(PaymentMethodsCommand::Add {
            token,
            rainforest_method,
            patient_id,
        }) => {
            let mut req = match (token, rainforest_method) {
                (Some(token), None) => AddPaymentMethod::new(token.clone()),
                (None, Some(path)) => {
                    let object: VendorData = read_json(path, "--rainforest-method")?;
                    AddPaymentMethod::from_processor_object(Processor::Rainforest, object)
                }
                _ => {
                    return Err(usage(
                        "invalid input for `--token`: pass --token TOKEN (CarePortals) or --rainforest-method FILE (Decoda)",
                    ));
                }
            };
            if let Some(p) = patient(patient_id)? {
                req = req.for_patient(p);
            }
            req.validate()
                .map_err(|e| rename_field(e, "token", "--token"))?;
            Call::Add(req)
        }
        Command::PaymentMethods(PaymentMethodsCommand::Remove { id, patient_id }) => {
            let mut req = RemovePaymentMethod::new(id.clone());
            if let Some(p) = patient(patient_id)? {
                req = req.for_patient(p);
            }
            req.validate().map_err(flag_for_field)?;
            Call::Remove(req)
        }
        Command::PaymentIntents(PaymentIntentsCommand::Create {
            amount,
            currency,
            method_types,
        }) => {
            let currency = Currency::from_code(currency)?;
            let amount = Money::parse_positive("--amount", amount, currency)?;
            let types = method_types
                .iter()
                .map(|t| CheckoutMethodKind::from_wire(t.trim()));
            let req = CreatePaymentIntent::new(amount).with_payment_method_types(types);
            req.validate()?;
            Call::Intent(req)
        }
        Command::PaymentInfo(PaymentInfoCommand::Update(a)) => {
            let mut address = Address::new(&a.line1, &a.city, &a.state, &a.postal_code, &a.country);
            address.line2 = a.line2.clone().filter(|l| !l.is_empty());
            let req = UpdatePaymentInfo::new(&a.email, &a.stripe_setup_id, &a.nmi_token, address);
            req.validate().map_err(flag_for_field)?;
            Call::Update(Box::new(req))
        }
        Command::PaymentInfo(PaymentInfoCommand::Complete(a)) => {
            let mut address = Address::new(&a.line1, &a.city, &a.state, &a.postal_code, &a.country);
            address.line2 = a.line2.clone().filter(|l| !l.is_empty());
            let req = CompletePaymentSetup::new(&a.stripe_setup_id, address);
            req.validate().map_err(flag_for_field)?;
            Call::Complete(Box::new(req))
        }
        Command::Cases(CasesCommand::Pay {
            case_id,
            amount,
            description,
            idempotency_key,
        }) => {
            let amount = Money::parse_positive("--amount", amount, Currency::USD)?;
            let mut req = CreateCasePayment::new(case_id, amount, description);
            if let Some(k) = idempotency_key {
                req = req.with_idempotency_key(k.clone());
            }
            req.validate().map_err(flag_for_field)?;
            Call::CasePay(Box::new(req))
        }
        Command::Login(args) => login_call(args)?,
        Command::Checkout(CheckoutCommand::Start {
            amount,
            currency,
            method_types,
            setup,
            patient_id,
            charges,
            phone,
        }) => {
            let purpose = match (amount, setup, charges, phone) {
                (Some(amount), false, None, None) => {
                    let currency = Currency::from_code(currency)?;
                    CheckoutPurpose::Pay {
                        amount: Money::parse_positive("--amount", amount, currency)?,
                        method_kinds: method_types
                            .iter()
                            .map(|t| CheckoutMethodKind::from_wire(t.trim()))
                            .collect(),
                    }
                }
                (None, true, None, None) => CheckoutPurpose::SaveForLater {
                    email: None,
                    phone: None,
                },
                (None, false, Some(path), None) => CheckoutPurpose::PayCharges {
                    charges: read_charges(path)?,
                    amount: None,
                },
                (None, false, None, Some(phone)) => CheckoutPurpose::PayOutstanding {
                    phone: phone.clone(),
                },
                _ => {
                    return Err(usage(
                        "invalid input for `checkout start`: pass exactly one of --amount A, --setup (CareValidate), --charges FILE with --patient-id P, or --phone P (Decoda)",
                    ));
                }
            };
            let mut req = StartCheckout::new(purpose);
            req.patient = patient(patient_id)?;
            Call::Checkout(req)
        }
        Command::Patients(PatientsCommand::Verify {
            patient_id,
            last_name,
            phone,
            dob,
        }) => {
            let dob = patientpay::parse_date("--dob", dob)?;
            let req = VerifyPatient::new(patient_id, last_name, phone, dob);
            req.validate().map_err(flag_for_field)?;
            Call::Verify(req)
        }
        Command::Patients(PatientsCommand::Credit { patient_id }) => {
            patientpay::domain::check_id("--patient-id", patient_id)?;
            Call::Credit(CreditBalanceRequest::new(PatientRef::id(
                patient_id.clone(),
            )))
        }
        Command::Charges(ChargesCommand::SettleCredit {
            amount,
            charges,
            credit_ids,
        }) => {
            let charges = read_charges(charges)?;
            let amount = charges_money(&charges, "--amount", amount)?;
            let req = SettleChargesFromCredit::new(amount, charges)
                .with_credit_ids(credit_ids.iter().cloned());
            req.validate().map_err(flag_for_field)?;
            Call::Settle(req)
        }
        Command::Charges(ChargesCommand::Pay {
            payment_method_id,
            charges,
            amount,
            payment_medium,
        }) => {
            let charges = read_charges(charges)?;
            let who = first_patient(&charges)?;
            let amount = amount
                .as_deref()
                .map(|a| charges_money(&charges, "--amount", a))
                .transpose()?;
            let mut req = PayWithSavedMethod::new(who, payment_method_id.clone(), charges);
            if let Some(a) = amount {
                req = req.with_amount(a);
            }
            if let Some(m) = payment_medium {
                req = req.with_payment_medium(m.clone());
            }
            req.validate().map_err(flag_for_field)?;
            Call::Pay(req)
        }
        Command::Payments(PaymentsCommand::Refund {
            payment_id,
            provider_id,
            amount,
            reason: r,
            description,
        }) => {
            let amount = Money::parse_positive("--amount", amount, Currency::USD)?;
            let mut req = RefundPayment::new(payment_id, provider_id, amount, reason(*r));
            if let Some(d) = description {
                req = req.with_description(d.clone());
            }
            req.validate().map_err(flag_for_field)?;
            Call::Refund(req)
        }
        Command::Payments(PaymentsCommand::Reconcile(rc)) => {
            let reconcile = match rc {
                ReconcileCommand::Settle {
                    amount,
                    charges,
                    since: s,
                } => {
                    let charges = read_charges(charges)?;
                    let who = first_patient(&charges)?;
                    let amount = charges_money(&charges, "--amount", amount)?;
                    let mut r = Reconcile::new(
                        who,
                        MoneyCall::SettleFromCredit(SettleChargesFromCredit::new(amount, charges)),
                    );
                    r.attempted_at = since(s)?;
                    r
                }
                ReconcileCommand::Pay {
                    payment_method_id,
                    charges,
                    payin_config_id,
                    amount,
                    since: s,
                } => {
                    let charges = read_charges(charges)?;
                    let who = first_patient(&charges)?;
                    let amount = amount
                        .as_deref()
                        .map(|a| charges_money(&charges, "--amount", a))
                        .transpose()?;
                    let mut request =
                        PayWithSavedMethod::new(who.clone(), payment_method_id.clone(), charges);
                    if let Some(a) = amount {
                        request = request.with_amount(a);
                    }
                    let mut r = Reconcile::new(
                        who,
                        MoneyCall::PayWithSavedMethod {
                            request,
                            payin_config_id: payin_config_id.clone(),
                        },
                    );
                    r.attempted_at = since(s)?;
                    r
                }
                ReconcileCommand::Refund {
                    patient_id,
                    payment_id,
                    provider_id,
                    amount,
                    reason: rr,
                    since: s,
                } => {
                    let amount = Money::parse_positive("--amount", amount, Currency::USD)?;
                    let mut r = Reconcile::new(
                        PatientRef::id(patient_id.clone()),
                        MoneyCall::Refund(RefundPayment::new(
                            payment_id,
                            provider_id,
                            amount,
                            reason(*rr),
                        )),
                    );
                    r.attempted_at = since(s)?;
                    r
                }
            };
            Call::Reconcile(Box::new(reconcile))
        }
    }))
}

/// `login`: the password from `--password-stdin` (first line of stdin) or
/// `CAREPORTALS_PASSWORD`; never from a flag, so it stays out of shell history and `ps`.
fn login_call(args: &LoginArgs) -> Result<Call, Failure> {
    let username = args.username.trim();
    if username.is_empty() {
        return Err(usage("invalid input for `--username`: must not be empty"));
    }
    let password = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map_err(|e| {
            usage(format!(
                "invalid input for `--password-stdin`: cannot read stdin: {e}"
            ))
        })?;
        let password = line.trim_end_matches(['\n', '\r']).to_owned();
        if password.is_empty() {
            return Err(usage(
                "invalid input for `--password-stdin`: stdin held no password (pass it as the first line)",
            ));
        }
        password
    } else {
        match std::env::var(patientpay::careportals::ENV_PASSWORD) {
            Ok(p) if !p.is_empty() => p,
            _ => {
                return Err(usage(
                    "no password: set CAREPORTALS_PASSWORD or pass --password-stdin, e.g. \
                     `printf '%s\\n' \"$PW\" | patientpay login --username U --password-stdin`",
                ));
            }
        }
    };
    Ok(Call::Login {
        username: username.to_owned(),
        password: SecretString::from(password),
        show_token: args.show_token,
    })
}

/// Names the flag the user typed instead of the SDK's field.
fn flag_for_field(e: Error) -> Error {
    match e {
        Error::InvalidInput { field, reason } => {
            let flag = match field.as_ref() {
                "date_of_birth" => "--dob".to_owned(),
                "nmi_payment_token" => "--nmi-token".to_owned(),
                "stripe_setup_id" => "--stripe-setup-id".to_owned(),
                "payment_method_id" => "--payment-method-id".to_owned(),
                "credit_ids" => "--credit-id".to_owned(),
                "patient_id" | "patient" => "--patient-id".to_owned(),
                // `payment-methods remove ID`: the positional argument.
                "id" => "ID".to_owned(),
                "last_name" => "--last-name".to_owned(),
                f if f.starts_with("shipping_address.") => {
                    format!("--{}", f["shipping_address.".len()..].replace('_', "-"))
                }
                f if f.starts_with("--") => f.to_owned(),
                f => format!("--{}", f.replace('_', "-")),
            };
            Error::invalid_input(flag, reason)
        }
        other => other,
    }
}

fn rename_field(e: Error, from: &str, to: &'static str) -> Error {
    match e {
        Error::InvalidInput { field, reason } if field == from => Error::invalid_input(to, reason),
        other => flag_for_field(other),
    }
}

pub async fn run(cli: Cli) -> Result<Option<Value>, Failure> {
    match &cli.command {
        Command::Demo => return crate::demo::run().await.map(|()| None),
        Command::Webhooks(w) => return crate::webhooks::run(w, &cli).await,
        Command::Sandbox(args) => {
            return run_sandbox(args.port, args.seed.as_deref())
                .await
                .map(|()| None);
        }
        _ => {}
    }
    let Some(call) = parse(&cli)? else {
        return Ok(None);
    };
    let name = providers::pick(cli.provider, call.needs()).map_err(usage)?;
    let decoda_without_patient = match &call {
        Call::List(ListPaymentMethods { patient, .. }) => patient.is_none(),
        Call::Add(r) => r.patient.is_none(),
        Call::Remove(RemovePaymentMethod { patient, .. }) => patient.is_none(),
        Call::Checkout(StartCheckout {
            purpose: CheckoutPurpose::PayCharges { .. },
            patient,
            ..
        }) => patient.is_none(),
        _ => false,
    };
    if name == ProviderName::Decoda && decoda_without_patient {
        return Err(usage(
            "invalid input for `--patient-id`: decoda needs the patient: pass --patient-id P",
        ));
    }
    let client = providers::build(&cli, name)?;
    execute(&client, call).await.map(Some)
}

async fn execute(client: &Client, call: Call) -> Result<Value, Failure> {
    let provider = client.provider();
    let unsupported = || {
        Failure::from(Error::unsupported(
            provider.name(),
            patientpay::Operation::StartCheckout,
        ))
    };
    Ok(match call {
        Call::List(r) => {
            let m = provider.payment_methods().ok_or_else(unsupported)?;
            to_json(&m.list_payment_methods(r).await.map_err(flag_for_field)?)?
        }
        Call::Add(r) => {
            let m = provider.payment_methods().ok_or_else(unsupported)?;
            to_json(&m.add_payment_method(r).await.map_err(flag_for_field)?)?
        }
        Call::Remove(r) => {
            let m = provider.payment_methods().ok_or_else(unsupported)?;
            to_json(&m.remove_payment_method(r).await.map_err(flag_for_field)?)?
        }
        Call::Intent(r) => {
            let Client::CareValidate(cv) = client else {
                return Err(unsupported());
            };
            let intent = cv.create_payment_intent(r).await.map_err(flag_for_field)?;
            // Handing the client secret to a browser is the point of this call, so it is
            // printed; it is never logged.
            let mut out = json!({
                "client_secret": intent.client_secret.expose_secret(),
                "amount": intent.amount,
            });
            if let Some(id) = intent.client_secret.payment_intent_id() {
                out["payment_intent_id"] = json!(id);
            }
            out
        }
        Call::Update(r) => {
            let Client::CareValidate(cv) = client else {
                return Err(unsupported());
            };
            to_json(&cv.update_payment_info(*r).await.map_err(flag_for_field)?)?
        }
        Call::Complete(r) => {
            let Client::CareValidate(cv) = client else {
                return Err(unsupported());
            };
            let done = cv
                .complete_payment_setup(*r)
                .await
                .map_err(flag_for_field)?;
            json!({ "completed": true, "vendor_data": to_json(&done.vendor_data)? })
        }
        Call::CasePay(r) => {
            let Client::CareValidate(cv) = client else {
                return Err(unsupported());
            };
            let p = cv.create_case_payment(*r).await.map_err(flag_for_field)?;
            let mut out = json!({
                "payment_id": p.payment_id,
                "amount": p.amount,
                "idempotency_key": p.idempotency_key,
            });
            if let Some(s) = &p.status {
                out["status"] = to_json(s)?;
            }
            if let Some(t) = p.created_at {
                out["created_at"] = rfc3339(t)?;
            }
            if let Some(m) = &p.message {
                out["message"] = json!(m);
            }
            out
        }
        Call::Login {
            username,
            password,
            show_token,
        } => {
            let Client::CarePortals(cp) = client else {
                return Err(unsupported());
            };
            let session = cp.login(username, password).await.map_err(flag_for_field)?;
            let mut out = json!({});
            if let Some(id) = &session.patient_id {
                out["patient_id"] = json!(id);
            }
            if let Some(t) = session.expires_at {
                out["expires_at"] = rfc3339(t)?;
            }
            if show_token {
                // Asked for explicitly: the token acts as the patient. Never logged.
                out["token"] = json!(session.token().expose_secret());
            }
            out
        }
        Call::Checkout(r) => {
            let c = provider.checkout().ok_or_else(unsupported)?;
            session_json(&c.start_checkout(r).await.map_err(flag_for_field)?)
        }
        Call::Verify(r) => to_json(
            &billing(provider)?
                .verify_patient_balance(r)
                .await
                .map_err(flag_for_field)?,
        )?,
        Call::Settle(r) => to_json(
            &billing(provider)?
                .settle_charges_from_credit(r)
                .await
                .map_err(flag_for_field)?,
        )?,
        Call::Pay(r) => to_json(
            &billing(provider)?
                .pay_with_saved_method(r)
                .await
                .map_err(flag_for_field)?,
        )?,
        Call::Refund(r) => to_json(
            &billing(provider)?
                .refund_payment(r)
                .await
                .map_err(flag_for_field)?,
        )?,
        Call::Credit(r) => to_json(
            &billing(provider)?
                .credit_balance(r)
                .await
                .map_err(flag_for_field)?,
        )?,
        Call::Reconcile(r) => to_json(
            &billing(provider)?
                .reconcile(*r)
                .await
                .map_err(flag_for_field)?,
        )?,
    })
}

fn billing(
    provider: &dyn patientpay::PaymentProvider,
) -> Result<&dyn patientpay::PatientBilling, Failure> {
    provider.billing().ok_or_else(|| {
        Failure::from(Error::unsupported(
            provider.name(),
            patientpay::Operation::VerifyPatientBalance,
        ))
    })
}

/// A checkout session as JSON, with its `kind`. The secret is printed: handing it to the
/// browser is the point of the call (it is never logged).
fn session_json(session: &CheckoutSession) -> Value {
    let mut out = json!({ "kind": session.kind() });
    match session {
        CheckoutSession::ClientSecret {
            secret,
            amount,
            message,
            ..
        } => {
            out["client_secret"] = json!(secret.expose_secret());
            if let Some(id) = secret.payment_intent_id() {
                out["payment_intent_id"] = json!(id);
            }
            if let Some(a) = amount {
                out["amount"] = json!(a);
            }
            if let Some(m) = message {
                out["message"] = json!(m);
            }
        }
        CheckoutSession::ComponentSession {
            session_key,
            config_id,
            sandbox,
            amount,
        } => {
            out["session_key"] = json!(session_key.expose_secret());
            out["payin_config_id"] = json!(config_id);
            out["sandbox"] = json!(sandbox);
            if let Some(a) = amount {
                out["amount"] = json!(a);
            }
        }
        CheckoutSession::HostedPage { url, outstanding } => {
            out["url"] = json!(url);
            if let Some(o) = outstanding {
                out["outstanding"] = json!(o);
            }
        }
        _ => {}
    }
    out
}

fn rfc3339(t: patientpay::time::OffsetDateTime) -> Result<Value, Failure> {
    t.format(&patientpay::time::format_description::well_known::Rfc3339)
        .map(Value::String)
        .map_err(|e| Failure {
            message: format!("cannot format a time as RFC 3339: {e}"),
            code: 1,
        })
}

fn read_json<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
    flag: &str,
) -> Result<T, Failure> {
    let bytes = std::fs::read(path).map_err(|e| {
        usage(format!(
            "invalid input for `{flag}`: cannot read {}: {e}",
            path.display()
        ))
    })?;
    patientpay::pipeline::decode_json(&bytes)
        .map_err(|e| usage(format!("invalid input for `{flag}`: {e}")))
}

fn read_charges(path: &std::path::Path) -> Result<Vec<Charge>, Failure> {
    // The file is what `patients verify` printed: either the whole document or its
    // `charges` array. Decoding errors never echo values (they may be PHI).
    let value: Value = read_json(path, "--charges")?;
    let array = match value {
        Value::Object(mut o) if o.contains_key("charges") => {
            o.remove("charges").unwrap_or(Value::Null)
        }
        other => other,
    };
    let bytes = serde_json::to_vec(&array)
        .map_err(|e| usage(format!("invalid input for `--charges`: {e}")))?;
    patientpay::pipeline::decode_json::<Vec<Charge>>(&bytes).map_err(|e| {
        usage(format!(
            "invalid input for `--charges`: not a charges array as `patients verify` prints it: {e}"
        ))
    })
}

async fn run_sandbox(port: u16, seed: Option<&std::path::Path>) -> Result<(), Failure> {
    let seed = match seed {
        Some(path) => patientpay_sandbox::Seed::from_json_file(path).map_err(|e| {
            usage(format!(
                "invalid input for `--seed`: {}: {e}",
                path.display()
            ))
        })?,
        None => patientpay_sandbox::Seed::default(),
    };
    let sandbox = patientpay_sandbox::Sandbox::start_on(
        SocketAddr::from(([127, 0, 0, 1], port)),
        seed.clone(),
    )
    .await
    .map_err(|e| Failure {
        message: format!("cannot start the sandbox on 127.0.0.1:{port}: {e}"),
        code: 1,
    })?;
    let info = crate::demo::sandbox_info(&sandbox, &seed);
    println!(
        "{}",
        serde_json::to_string_pretty(&info).unwrap_or_default()
    );
    let base = sandbox.base_url();
    let c = patientpay_sandbox::credentials::DECODA_API_KEY;
    let t = patientpay_sandbox::credentials::DECODA_TENANT;
    let cv = patientpay_sandbox::credentials::CAREVALIDATE_API_KEY;
    let token = patientpay_sandbox::credentials::CAREPORTALS_TOKEN;
    let origin = patientpay_sandbox::credentials::CAREPORTALS_ORIGIN;
    let user = patientpay_sandbox::credentials::CAREPORTALS_USERNAME;
    let password = patientpay_sandbox::credentials::CAREPORTALS_PASSWORD;
    let decoda = format!("DECODA_API_KEY={c} DECODA_TENANT={t} patientpay --base-url {base}");
    let carevalidate = format!("CAREVALIDATE_API_KEY={cv} patientpay --base-url {base}");
    let careportals = format!(
        "CAREPORTALS_TOKEN={token} CAREPORTALS_ORIGIN={origin} patientpay --base-url {base}"
    );
    eprintln!(
        "sandbox listening on {base} (all three vendors); try, in another shell:\n  \
         # patient billing (Decoda)\n  \
         {decoda} patients verify --patient-id pat_1001 --last-name Rivera --phone +14155550101 --dob 1985-04-12\n  \
         {decoda} patients credit --patient-id pat_1001\n  \
         # payment methods (Decoda, CarePortals)\n  \
         {decoda} payment-methods list --provider decoda --patient-id pat_1001\n  \
         {careportals} payment-methods list --provider careportals\n  \
         # checkout (CareValidate, Decoda)\n  \
         {carevalidate} checkout start --amount 19.99\n  \
         {decoda} checkout start --phone +14155550101\n  \
         # CareValidate case payments\n  \
         {carevalidate} cases pay --case-id 3c9a7f2e-1b4d-4e8a-9f6b-000000000001 --amount 49.00 --description refill\n  \
         # CarePortals login\n  \
         CAREPORTALS_PASSWORD={password} CAREPORTALS_ORIGIN={origin} patientpay --base-url {base} login --username {user}\n\
         Ctrl-C stops it."
    );
    let _ = tokio::signal::ctrl_c().await;
    eprintln!("stopping the sandbox");
    sandbox.shutdown().await;
    Ok(())
}
