//! [`CareValidate`]: the client, its inherent operations, and its [`Checkout`] and
//! [`PaymentProvider`] implementations.

use std::fmt;

use async_trait::async_trait;
use patientpay_core::pipeline::{Answer, Api, BaseUrl, Call, Endpoint, HttpClient, VendorRequest};
use patientpay_core::{
    Checkout, CheckoutPurpose, CheckoutSession, ClientSecret, CreatePaymentIntent, Error,
    PatientBilling, PaymentInfoUpdated, PaymentIntent, PaymentMethods, PaymentProvider, Result,
    StartCheckout, UpdatePaymentInfo, Webhooks,
};
use serde::de::DeserializeOwned;

use crate::types::{
    CasePayment, CompletePaymentSetup, ConfirmCustomerPayment, CreateCasePayment,
    CreateSetupIntent, CustomerPaymentConfirmed, PaymentSetupCompleted, idempotency_key,
};
use crate::webhook::CareValidateWebhooks;
use crate::wire::{
    CasePaymentResponse, Envelope, PaymentIntentResponse, SetupIntentResponse, StatusResponse,
    UpdateUserResponse,
};
use crate::{endpoints, error, map};

/// The provider's name, as in errors and traces.
pub const NAME: &str = "carevalidate";

/// A CareValidate client: payment and setup intents, payment-info updates, case payments and
/// payment confirmations, with the organisation's `cv-api-key`. Cheap to clone (the
/// connection pool and the auth header, built once, are shared).
///
/// Build it with [`CareValidateBuilder`](crate::CareValidateBuilder).
#[derive(Clone)]
pub struct CareValidate {
    api: Api,
    webhooks: CareValidateWebhooks,
}

impl fmt::Debug for CareValidate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `Api`'s Debug prints the base URL and the number of auth headers, never their values.
        f.debug_struct("CareValidate")
            .field("api", &self.api)
            .finish()
    }
}

// Calls: each validated, then its body built (see `map`), then run by the pipeline.
fn intent_call(request: &CreatePaymentIntent) -> Result<Call<'_>> {
    map::validate_payment_intent(request)?;
    Ok(Call::new()
        .json(&map::payment_intent_body(request))?
        .options(&request.options))
}

fn setup_call(request: &CreateSetupIntent) -> Result<Call<'_>> {
    request.validate()?;
    let mut phi = Vec::new();
    if let Some(e) = &request.email {
        phi.extend(map::email_forms(e));
    }
    if let Some(p) = &request.phone {
        phi.extend(map::phone_forms(p));
    }
    Ok(Call::new()
        .json(&map::setup_intent_body(request))?
        .options(&request.options)
        .phi(phi))
}

fn update_call(request: &UpdatePaymentInfo) -> Result<Call<'_>> {
    request.validate()?;
    let mut phi = map::email_forms(&request.email);
    phi.extend(map::address_forms(&request.shipping_address));
    Ok(Call::new()
        .json(&map::update_user_body(request))?
        .options(&request.options)
        .secret(&request.nmi_payment_token)
        .phi(phi))
}

fn complete_call(request: &CompletePaymentSetup) -> Result<Call<'_>> {
    request.validate()?;
    Ok(Call::new()
        .json(&map::complete_setup_body(request))?
        .options(&request.options)
        .phi(map::address_forms(&request.shipping_address)))
}

fn case_call<'a>(request: &'a CreateCasePayment, key: &str) -> Result<Call<'a>> {
    Ok(Call::new()
        .param(&request.case_id)
        .json(&map::case_payment_body(request, key))?
        .options(&request.options)
        .phi([request.description.trim()]))
}

fn confirmation_call<'a>(request: &'a ConfirmCustomerPayment, key: &str) -> Result<Call<'a>> {
    let mut phi: Vec<String> = request.description.iter().cloned().collect();
    if let Some(e) = &request.email {
        phi.extend(map::email_forms(e));
    }
    if let Some(p) = &request.phone_number {
        phi.extend(map::phone_forms(p));
    }
    Ok(Call::new()
        .json(&map::confirmation_body(request, key))?
        .options(&request.options)
        .phi(phi))
}

impl CareValidate {
    pub(crate) fn from_api(api: Api) -> CareValidate {
        CareValidate {
            api,
            webhooks: CareValidateWebhooks::new(),
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &BaseUrl {
        self.api.base_url()
    }

    /// The shared HTTP client (to share its pool with other providers).
    pub fn http_client(&self) -> &HttpClient {
        self.api.http_client()
    }

    /// Runs `call`, decodes the answer as `T`, turns `"success": false` into the vendor's
    /// error, and keeps the whole answer in `T`.
    async fn send<T: DeserializeOwned + Envelope>(
        &self,
        endpoint: &Endpoint,
        call: Call<'_>,
    ) -> Result<(T, Answer)> {
        let (mut body, answer) = self
            .api
            .json::<T>(endpoint, call)
            .await
            .map_err(error::without_client_secrets)?;
        if let Some(message) = body.failure() {
            return Err(answer.vendor_failure(message));
        }
        body.set_raw(map::raw(&answer));
        Ok((body, answer))
    }

    // -----------------------------------------------------------------------------------
    // Payment intents (wave 1)

    /// `POST /api/v1/payments/intent`: a Stripe payment intent for `amount`, sent as an exact
    /// JSON number of dollars. Money-moving: never retried once it may have arrived, and any
    /// failure after that is [`Error::OutcomeUnknown`].
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `amount` (USD only, from $0.50 to $999,999.99: Stripe's
    /// limits) or `payment_method_types` before any I/O; the vendor's error; outcome unknown.
    pub async fn create_payment_intent(
        &self,
        request: CreatePaymentIntent,
    ) -> Result<PaymentIntent> {
        let (body, answer) = self
            .send::<PaymentIntentResponse>(
                &endpoints::CREATE_PAYMENT_INTENT,
                intent_call(&request)?,
            )
            .await?;
        map::payment_intent(&body, request.amount, &answer).map_err(error::without_client_secrets)
    }

    /// [`create_payment_intent`](Self::create_payment_intent), returning the vendor's answer
    /// as it came (every field in [`raw`](crate::wire::ApiResponse::raw)).
    ///
    /// # Errors
    /// As [`create_payment_intent`](Self::create_payment_intent).
    pub async fn create_payment_intent_raw(
        &self,
        request: CreatePaymentIntent,
    ) -> Result<PaymentIntentResponse> {
        let call = intent_call(&request)?;
        Ok(self.send(&endpoints::CREATE_PAYMENT_INTENT, call).await?.0)
    }

    /// The request [`create_payment_intent`](Self::create_payment_intent) sends, after the
    /// same checks, without sending it.
    ///
    /// # Errors
    /// As the checks of [`create_payment_intent`](Self::create_payment_intent).
    pub fn create_payment_intent_request(
        &self,
        request: &CreatePaymentIntent,
    ) -> Result<VendorRequest> {
        self.api
            .request(&endpoints::CREATE_PAYMENT_INTENT, &intent_call(request)?)
    }

    // -----------------------------------------------------------------------------------
    // Setup intents (wave 2)

    /// `POST /api/v1/payments/setup`: a Stripe setup intent to save a card for later; its
    /// client secret goes to Stripe Elements. Then call
    /// [`complete_payment_setup`](Self::complete_payment_setup).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `email` or `phone`; the vendor's error.
    pub async fn create_setup_intent(&self, request: CreateSetupIntent) -> Result<ClientSecret> {
        let (body, answer) = self
            .send::<SetupIntentResponse>(&endpoints::CREATE_SETUP_INTENT, setup_call(&request)?)
            .await?;
        map::setup_secret(&body, &answer)
    }

    /// [`create_setup_intent`](Self::create_setup_intent), returning the vendor's answer.
    ///
    /// # Errors
    /// As [`create_setup_intent`](Self::create_setup_intent).
    pub async fn create_setup_intent_raw(
        &self,
        request: CreateSetupIntent,
    ) -> Result<SetupIntentResponse> {
        let call = setup_call(&request)?;
        Ok(self.send(&endpoints::CREATE_SETUP_INTENT, call).await?.0)
    }

    /// The request [`create_setup_intent`](Self::create_setup_intent) sends, unsent.
    ///
    /// # Errors
    /// As its checks.
    pub fn create_setup_intent_request(
        &self,
        request: &CreateSetupIntent,
    ) -> Result<VendorRequest> {
        self.api
            .request(&endpoints::CREATE_SETUP_INTENT, &setup_call(request)?)
    }

    /// `POST /api/v1/complete-payment-setup`: finalizes the setup intent the browser
    /// confirmed and links the saved method and shipping address to all of the user's cases
    /// (the newer form of [`update_payment_info`](Self::update_payment_info), without an NMI
    /// token).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `stripe_setup_id` or a `shipping_address.*` field; the
    /// vendor's error.
    pub async fn complete_payment_setup(
        &self,
        request: CompletePaymentSetup,
    ) -> Result<PaymentSetupCompleted> {
        let body = self.complete_payment_setup_raw(request).await?;
        Ok(map::setup_completed(&body))
    }

    /// [`complete_payment_setup`](Self::complete_payment_setup), returning the vendor's answer.
    ///
    /// # Errors
    /// As [`complete_payment_setup`](Self::complete_payment_setup).
    pub async fn complete_payment_setup_raw(
        &self,
        request: CompletePaymentSetup,
    ) -> Result<StatusResponse> {
        let call = complete_call(&request)?;
        let endpoint = &endpoints::COMPLETE_PAYMENT_SETUP;
        // The page does not print its 200 body: an empty 2xx (or a 204) is success too.
        let answer = self.api.send(endpoint, call).await?;
        if answer.response().body().iter().all(u8::is_ascii_whitespace) {
            return Ok(StatusResponse {
                status: Some(answer.response().status()),
                success: None,
                message: None,
                error: None,
                data: None,
                raw: Default::default(),
            });
        }
        let mut body: StatusResponse = answer.decode()?;
        if let Some(message) = body.failure() {
            return Err(answer.vendor_failure(message));
        }
        body.set_raw(map::raw(&answer));
        Ok(body)
    }

    /// The request [`complete_payment_setup`](Self::complete_payment_setup) sends, unsent.
    ///
    /// # Errors
    /// As its checks.
    pub fn complete_payment_setup_request(
        &self,
        request: &CompletePaymentSetup,
    ) -> Result<VendorRequest> {
        self.api
            .request(&endpoints::COMPLETE_PAYMENT_SETUP, &complete_call(request)?)
    }

    // -----------------------------------------------------------------------------------
    // UPDATE_PAYMENT_INFO (wave 1, for NMI users)

    /// `POST /api/v1/users` with `action: UPDATE_PAYMENT_INFO`: saves a user's Stripe setup,
    /// NMI token and shipping address.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `email`, `stripe_setup_id`, `nmi_payment_token` or a
    /// `shipping_address.*` field; the vendor's error.
    pub async fn update_payment_info(
        &self,
        request: UpdatePaymentInfo,
    ) -> Result<PaymentInfoUpdated> {
        let (body, answer) = self
            .send::<UpdateUserResponse>(&endpoints::UPDATE_PAYMENT_INFO, update_call(&request)?)
            .await?;
        map::payment_info_updated(&body, &answer)
    }

    /// [`update_payment_info`](Self::update_payment_info), returning the vendor's answer.
    ///
    /// # Errors
    /// As [`update_payment_info`](Self::update_payment_info).
    pub async fn update_payment_info_raw(
        &self,
        request: UpdatePaymentInfo,
    ) -> Result<UpdateUserResponse> {
        let call = update_call(&request)?;
        Ok(self.send(&endpoints::UPDATE_PAYMENT_INFO, call).await?.0)
    }

    /// The request [`update_payment_info`](Self::update_payment_info) sends, unsent.
    ///
    /// # Errors
    /// As its checks.
    pub fn update_payment_info_request(
        &self,
        request: &UpdatePaymentInfo,
    ) -> Result<VendorRequest> {
        self.api
            .request(&endpoints::UPDATE_PAYMENT_INFO, &update_call(request)?)
    }

    // -----------------------------------------------------------------------------------
    // Case payments (wave 2): idempotency-keyed money calls

    /// `POST /api/v1/cases/:caseId/payments`: a payment on a case. Sends an
    /// `idempotencyKey` — the request's ([`CreateCasePayment::with_idempotency_key`]) or a
    /// fresh one for this call — and the same key on every retry, so a 5xx or a reset is
    /// retried and the vendor still creates one payment. The answer's amount is checked
    /// against the request.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (see [`CreateCasePayment::validate`]); a 409 [`Error::Vendor`]
    /// naming the key when it was used before with other parameters; the vendor's error;
    /// [`Error::OutcomeUnknown`] when the payment may exist (repeat the call with the same
    /// key to find out: the vendor answers with the first payment).
    pub async fn create_case_payment(&self, request: CreateCasePayment) -> Result<CasePayment> {
        request.validate()?;
        let key = idempotency_key(&request.options)?;
        let (body, answer) = self
            .send::<CasePaymentResponse>(
                &endpoints::CREATE_CASE_PAYMENT,
                case_call(&request, &key)?,
            )
            .await
            .map_err(|e| error::key_reused(e, &key))?;
        map::case_payment(&body, &request, &key, &answer).map_err(error::without_client_secrets)
    }

    /// [`create_case_payment`](Self::create_case_payment), returning the vendor's answer.
    ///
    /// # Errors
    /// As [`create_case_payment`](Self::create_case_payment).
    pub async fn create_case_payment_raw(
        &self,
        request: CreateCasePayment,
    ) -> Result<CasePaymentResponse> {
        request.validate()?;
        let key = idempotency_key(&request.options)?;
        let call = case_call(&request, &key)?;
        Ok(self
            .send(&endpoints::CREATE_CASE_PAYMENT, call)
            .await
            .map_err(|e| error::key_reused(e, &key))?
            .0)
    }

    /// The request [`create_case_payment`](Self::create_case_payment) sends, unsent (with
    /// a fresh key unless the request has one).
    ///
    /// # Errors
    /// As its checks.
    pub fn create_case_payment_request(
        &self,
        request: &CreateCasePayment,
    ) -> Result<VendorRequest> {
        request.validate()?;
        let key = idempotency_key(&request.options)?;
        self.api
            .request(&endpoints::CREATE_CASE_PAYMENT, &case_call(request, &key)?)
    }

    /// `POST /api/v1/customer-payment-confirmation`: confirms a payment made outside
    /// CareValidate for a case, with an idempotency key as
    /// [`create_case_payment`](Self::create_case_payment) (same retries, same 409).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (see [`ConfirmCustomerPayment::validate`]); a 409 naming the
    /// key; the vendor's error; [`Error::OutcomeUnknown`].
    pub async fn confirm_customer_payment(
        &self,
        request: ConfirmCustomerPayment,
    ) -> Result<CustomerPaymentConfirmed> {
        request.validate()?;
        let key = idempotency_key(&request.options)?;
        let (body, _) = self
            .send::<StatusResponse>(
                &endpoints::CONFIRM_CUSTOMER_PAYMENT,
                confirmation_call(&request, &key)?,
            )
            .await
            .map_err(|e| error::key_reused(e, &key))?;
        Ok(map::confirmation(&body, &key))
    }

    /// The request [`confirm_customer_payment`](Self::confirm_customer_payment) sends, unsent.
    ///
    /// # Errors
    /// As its checks.
    pub fn confirm_customer_payment_request(
        &self,
        request: &ConfirmCustomerPayment,
    ) -> Result<VendorRequest> {
        request.validate()?;
        let key = idempotency_key(&request.options)?;
        self.api.request(
            &endpoints::CONFIRM_CUSTOMER_PAYMENT,
            &confirmation_call(request, &key)?,
        )
    }
}

/// CareValidate's checkout: `Pay` is a Stripe payment intent
/// ([`create_payment_intent`](CareValidate::create_payment_intent)), `SaveForLater` a
/// setup intent ([`create_setup_intent`](CareValidate::create_setup_intent)). Its checkout
/// is per organisation, not per patient: a request naming a patient is refused (for
/// `patient`) rather than sent without it.
#[async_trait]
impl Checkout for CareValidate {
    async fn start_checkout(&self, request: StartCheckout) -> Result<CheckoutSession> {
        if request.patient.is_some() {
            return Err(Error::invalid_input(
                "patient",
                "CareValidate's checkout is per organisation and cannot name a patient; leave it unset",
            ));
        }
        match &request.purpose {
            CheckoutPurpose::Pay {
                amount,
                method_kinds,
            } => {
                let intent = self
                    .create_payment_intent(
                        CreatePaymentIntent::new(*amount)
                            .with_payment_method_types(method_kinds.iter().cloned())
                            .with_options(request.options.clone()),
                    )
                    .await?;
                Ok(CheckoutSession::ClientSecret {
                    secret: intent.client_secret,
                    setup: false,
                    amount: Some(intent.amount),
                    message: intent.message,
                })
            }
            CheckoutPurpose::SaveForLater { email, phone } => {
                let mut setup = CreateSetupIntent::new().with_options(request.options.clone());
                setup.email = email.clone();
                setup.phone = phone.clone();
                Ok(CheckoutSession::ClientSecret {
                    secret: self.create_setup_intent(setup).await?,
                    setup: true,
                    amount: None,
                    message: None,
                })
            }
            _ => Err(request.unsupported_purpose(NAME, &["pay", "save_for_later"])),
        }
    }
}

impl PaymentProvider for CareValidate {
    fn name(&self) -> &'static str {
        NAME
    }

    fn payment_methods(&self) -> Option<&dyn PaymentMethods> {
        None
    }

    fn checkout(&self) -> Option<&dyn Checkout> {
        Some(self)
    }

    fn billing(&self) -> Option<&dyn PatientBilling> {
        None
    }

    /// The [`CareValidateWebhooks`] verifier (default body limit; build your own with
    /// [`CareValidateWebhooks::with_max_body_bytes`] for larger "Full Case Data" payloads).
    fn webhooks(&self) -> Option<&dyn Webhooks> {
        Some(&self.webhooks)
    }
}
