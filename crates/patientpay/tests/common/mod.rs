//! Shared setup for the workspace-level tests: every vendor against one sandbox.
#![allow(dead_code)]

use std::time::Duration;

use patientpay::careportals::CarePortalsBuilder;
use patientpay::carevalidate::CareValidateBuilder;
use patientpay::decoda::DecodaBuilder;
use patientpay::http::{HttpConfig, RetryPolicy};
use patientpay::*;
use patientpay_sandbox::{Sandbox, credentials};

pub const RETRIES: u32 = 2;

pub fn http_config() -> HttpConfig {
    HttpConfig::default()
        .with_timeout(Duration::from_secs(5))
        .with_connect_timeout(Duration::from_secs(2))
        .with_retry(
            RetryPolicy::default()
                .with_max_retries(RETRIES)
                .with_initial_backoff(Duration::from_millis(2))
                .with_max_backoff(Duration::from_millis(10))
                .with_max_retry_after(Duration::from_secs(2)),
        )
}

/// A vendor client of the workspace tests, by vendor (each serves different capabilities
/// and inherent operations, so the tests dispatch on the concrete client).
pub enum Vendor {
    CarePortals(patientpay::careportals::CarePortals),
    CareValidate(patientpay::carevalidate::CareValidate),
    Decoda(patientpay::decoda::Decoda),
}

impl Vendor {
    pub fn as_ref(&self) -> &dyn PaymentProvider {
        match self {
            Vendor::CarePortals(c) => c,
            Vendor::CareValidate(c) => c,
            Vendor::Decoda(c) => c,
        }
    }

    pub async fn list_payment_methods(
        &self,
        r: ListPaymentMethods,
    ) -> Result<Vec<SavedPaymentMethod>> {
        self.as_ref()
            .payment_methods()
            .expect("payment methods")
            .list_payment_methods(r)
            .await
    }

    pub async fn add_payment_method(&self, r: AddPaymentMethod) -> Result<SavedPaymentMethod> {
        self.as_ref()
            .payment_methods()
            .expect("payment methods")
            .add_payment_method(r)
            .await
    }

    pub async fn remove_payment_method(
        &self,
        r: RemovePaymentMethod,
    ) -> Result<RemovedPaymentMethod> {
        self.as_ref()
            .payment_methods()
            .expect("payment methods")
            .remove_payment_method(r)
            .await
    }

    pub async fn create_payment_intent(&self, r: CreatePaymentIntent) -> Result<PaymentIntent> {
        match self {
            Vendor::CareValidate(c) => c.create_payment_intent(r).await,
            _ => panic!("only carevalidate creates payment intents"),
        }
    }

    pub async fn update_payment_info(&self, r: UpdatePaymentInfo) -> Result<PaymentInfoUpdated> {
        match self {
            Vendor::CareValidate(c) => c.update_payment_info(r).await,
            _ => panic!("only carevalidate updates payment info"),
        }
    }

    pub async fn settle_charges_from_credit(&self, r: SettleChargesFromCredit) -> Result<Payment> {
        self.as_ref()
            .billing()
            .expect("billing")
            .settle_charges_from_credit(r)
            .await
    }

    pub async fn verify_patient_balance(&self, r: VerifyPatient) -> Result<PatientBalance> {
        self.as_ref()
            .billing()
            .expect("billing")
            .verify_patient_balance(r)
            .await
    }
}

/// A request for any operation the workspace tests exercise.
#[derive(Debug)]
pub enum Request {
    List(ListPaymentMethods),
    Add(AddPaymentMethod),
    Remove(RemovePaymentMethod),
    Intent(CreatePaymentIntent),
    Update(UpdatePaymentInfo),
    Verify(VerifyPatient),
    Settle(SettleChargesFromCredit),
}

fn unsupported(v: &Vendor, op: Operation) -> Error {
    Error::unsupported(v.as_ref().name(), op)
}

/// Sends `request` through the vendor's capability trait or inherent method, discarding
/// the success value.
pub async fn call(v: &Vendor, request: Request) -> Result<()> {
    let p = v.as_ref();
    match request {
        Request::List(r) => match p.payment_methods() {
            Some(m) => m.list_payment_methods(r).await.map(drop),
            None => Err(unsupported(v, Operation::ListPaymentMethods)),
        },
        Request::Add(r) => match p.payment_methods() {
            Some(m) => m.add_payment_method(r).await.map(drop),
            None => Err(unsupported(v, Operation::AddPaymentMethod)),
        },
        Request::Remove(r) => match p.payment_methods() {
            Some(m) => m.remove_payment_method(r).await.map(drop),
            None => Err(unsupported(v, Operation::RemovePaymentMethod)),
        },
        Request::Intent(r) => match v {
            Vendor::CareValidate(c) => c.create_payment_intent(r).await.map(drop),
            _ => Err(unsupported(v, Operation::CreatePaymentIntent)),
        },
        Request::Update(r) => match v {
            Vendor::CareValidate(c) => c.update_payment_info(r).await.map(drop),
            _ => Err(unsupported(v, Operation::UpdatePaymentInfo)),
        },
        Request::Verify(r) => match p.billing() {
            Some(b) => b.verify_patient_balance(r).await.map(drop),
            None => Err(unsupported(v, Operation::VerifyPatientBalance)),
        },
        Request::Settle(r) => match p.billing() {
            Some(b) => b.settle_charges_from_credit(r).await.map(drop),
            None => Err(unsupported(v, Operation::SettleChargesFromCredit)),
        },
    }
}

pub fn provider(vendor: &str, base_url: &str, config: HttpConfig) -> Vendor {
    match vendor {
        "careportals" => Vendor::CarePortals(
            CarePortalsBuilder::new()
                .with_token(credentials::CAREPORTALS_TOKEN)
                .with_origin(credentials::CAREPORTALS_ORIGIN)
                .with_base_url(base_url)
                .with_http_config(config)
                .build()
                .expect("careportals"),
        ),
        "carevalidate" => Vendor::CareValidate(
            CareValidateBuilder::new()
                .with_api_key(credentials::CAREVALIDATE_API_KEY)
                .with_base_url(base_url)
                .with_http_config(config)
                .build()
                .expect("carevalidate"),
        ),
        "decoda" => Vendor::Decoda(
            DecodaBuilder::new()
                .with_api_key(credentials::DECODA_API_KEY)
                .with_tenant(credentials::DECODA_TENANT)
                .with_base_url(base_url)
                .with_http_config(config)
                .build()
                .expect("decoda"),
        ),
        other => panic!("unknown vendor {other}"),
    }
}

/// Every (vendor, operation) pair the SDK supports.
pub const SUPPORTED: &[(&str, Operation)] = &[
    ("careportals", Operation::ListPaymentMethods),
    ("careportals", Operation::AddPaymentMethod),
    ("careportals", Operation::RemovePaymentMethod),
    ("carevalidate", Operation::CreatePaymentIntent),
    ("carevalidate", Operation::UpdatePaymentInfo),
    ("decoda", Operation::VerifyPatientBalance),
    ("decoda", Operation::SettleChargesFromCredit),
];

/// The retry safety each vendor declares for these operations.
pub fn safety(op: Operation) -> RetrySafety {
    match op {
        Operation::ListPaymentMethods
        | Operation::RemovePaymentMethod
        | Operation::VerifyPatientBalance => RetrySafety::Idempotent,
        _ => RetrySafety::NotIdempotent,
    }
}

/// The operations that move money (their uncertain failures are `OutcomeUnknown`).
pub fn moves_money(op: Operation) -> bool {
    matches!(
        op,
        Operation::CreatePaymentIntent | Operation::SettleChargesFromCredit
    )
}

/// The route (method, path pattern) an operation calls.
pub fn route(op: Operation) -> (&'static str, &'static str) {
    match op {
        Operation::ListPaymentMethods => ("GET", "/users/payment-methods"),
        Operation::AddPaymentMethod => ("POST", "/v2/users/payment-methods"),
        Operation::RemovePaymentMethod => ("DELETE", "/v2/users/payment-methods/*"),
        Operation::CreatePaymentIntent => ("POST", "/api/v1/payments/intent"),
        Operation::UpdatePaymentInfo => ("POST", "/api/v1/users"),
        Operation::VerifyPatientBalance => ("POST", "/billing/payment-link/verify-patient"),
        Operation::SettleChargesFromCredit => (
            "POST",
            "/billing/payment-terminal/charge/create-patient-credit-settled",
        ),
        _ => panic!("no route for {op}"),
    }
}

pub fn decoda_patient() -> VerifyPatient {
    let seed = patientpay_sandbox::Seed::default();
    let p = seed
        .decoda
        .patients
        .iter()
        .find(|p| !p.credits.is_empty())
        .expect("a seeded patient with credit");
    VerifyPatient::new(
        p.id.clone(),
        p.last_name.clone(),
        p.phone.clone(),
        parse_date("dob", &p.date_of_birth).expect("seeded dob"),
    )
}

/// A valid request for `op`, prepared against the sandbox's current state (for remove and
/// settle, which need ids read first). Call before injecting faults.
pub async fn valid_request(sandbox: &Sandbox, vendor: &str, op: Operation) -> Request {
    let usd = |m| Money::from_minor(m, Currency::USD);
    match op {
        Operation::ListPaymentMethods => Request::List(ListPaymentMethods::new()),
        Operation::AddPaymentMethod => Request::Add(AddPaymentMethod::new("pm_card_visa")),
        Operation::RemovePaymentMethod => {
            let p = provider(vendor, &sandbox.base_url(), http_config());
            let methods = p
                .list_payment_methods(ListPaymentMethods::new())
                .await
                .expect("list for remove");
            let id = methods
                .iter()
                .find_map(|m| m.id.clone())
                .expect("a saved method with an id");
            Request::Remove(RemovePaymentMethod::new(id))
        }
        Operation::CreatePaymentIntent => Request::Intent(
            CreatePaymentIntent::new(usd(1999))
                .with_payment_method_types([CheckoutMethodKind::Card]),
        ),
        Operation::UpdatePaymentInfo => Request::Update(UpdatePaymentInfo::new(
            "john@example.com",
            "seti_1SNZDLKAXrtjbq2duGldHsHf",
            "nmi_tok_123",
            Address::new(
                "1600 Pennsylvania Avenue NW",
                "Washington",
                "DC",
                "20500",
                "US",
            ),
        )),
        Operation::VerifyPatientBalance => Request::Verify(decoda_patient()),
        Operation::SettleChargesFromCredit => {
            let p = provider(vendor, &sandbox.base_url(), http_config());
            let balance = p
                .verify_patient_balance(decoda_patient())
                .await
                .expect("verify for settle");
            let charges: Vec<Charge> = balance
                .charges
                .into_iter()
                .filter(|c| c.status.is_payable() && c.total_outstanding.is_positive())
                .collect();
            Request::Settle(SettleChargesFromCredit::new(usd(100), charges))
        }
        _ => panic!("no request for {op}"),
    }
}
