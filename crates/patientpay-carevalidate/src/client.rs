//! [`CareValidate`]: the [`PaymentProvider`] for CareValidate.

use std::fmt;

use async_trait::async_trait;
use http::{HeaderName, HeaderValue, Method};
use patientpay_core::http::{BaseUrl, HttpClient, VendorRequest};
use patientpay_core::{
    AddPaymentMethod, Capabilities, CreatePaymentIntent, Error, ListPaymentMethods, Operation,
    PatientBalance, Payment, PaymentInfoUpdated, PaymentIntent, PaymentProvider,
    RemovePaymentMethod, RemovedPaymentMethod, Result, SavedPaymentMethod, SettleChargesFromCredit,
    UpdatePaymentInfo, VerifyPatient,
};

use crate::config::CareValidateBuilder;
use crate::{map, wire};

/// The provider's name, as in errors and traces.
pub const NAME: &str = "carevalidate";

/// The operations CareValidate offers.
pub const CAPABILITIES: Capabilities =
    Capabilities::from_operations(&[Operation::CreatePaymentIntent, Operation::UpdatePaymentInfo]);

/// The `cv-api-key` header name.
const API_KEY_HEADER: HeaderName = HeaderName::from_static("cv-api-key");

/// A CareValidate client: creates payment intents and updates users' payment info with
/// the organisation's `cv-api-key`. Cheap to clone (the connection pool is shared).
///
/// Build it with [`CareValidateBuilder`].
#[derive(Clone)]
pub struct CareValidate {
    http: HttpClient,
    base_url: BaseUrl,
    /// Marked sensitive: never printed by `Debug` nor logged by the HTTP stack.
    api_key: HeaderValue,
}

impl fmt::Debug for CareValidate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CareValidate")
            .field("base_url", &self.base_url)
            .field("api_key", &patientpay_core::redact::Redacted)
            .field("http", &self.http)
            .finish()
    }
}

impl CareValidate {
    /// A builder; same as [`CareValidateBuilder::new`].
    pub fn builder() -> CareValidateBuilder {
        CareValidateBuilder::new()
    }

    pub(crate) fn from_parts(
        http: HttpClient,
        base_url: BaseUrl,
        api_key: HeaderValue,
    ) -> CareValidate {
        CareValidate {
            http,
            base_url,
            api_key,
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base_url
    }

    /// The shared HTTP client.
    pub fn http_client(&self) -> &HttpClient {
        &self.http
    }

    fn post(&self, operation: Operation, path: &[&str]) -> Result<VendorRequest> {
        let url = self.base_url.endpoint(path)?;
        Ok(VendorRequest::new(NAME, operation, Method::POST, url)
            .header(API_KEY_HEADER, self.api_key.clone())
            .accept_json())
    }

    /// The request [`create_payment_intent`](PaymentProvider::create_payment_intent) sends,
    /// after the same checks, without sending it (for inspection and snapshots).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `amount` or `payment_method_types`.
    pub fn create_payment_intent_request(
        &self,
        request: &CreatePaymentIntent,
    ) -> Result<VendorRequest> {
        map::validate_payment_intent(request)?;
        Ok(self
            .post(Operation::CreatePaymentIntent, wire::PAYMENT_INTENT_PATH)?
            .json_body(&map::payment_intent_request(request))?
            .timeout(request.options.timeout))
    }

    /// The request [`update_payment_info`](PaymentProvider::update_payment_info) sends,
    /// after the same checks, without sending it (for inspection and snapshots).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `email`, `stripe_setup_id`, `nmi_payment_token` or a
    /// `shipping_address.*` field.
    pub fn update_payment_info_request(
        &self,
        request: &UpdatePaymentInfo,
    ) -> Result<VendorRequest> {
        map::validate_update_payment_info(request)?;
        Ok(self
            .post(Operation::UpdatePaymentInfo, wire::USERS_PATH)?
            .json_body(&map::update_user_request(request))?
            .timeout(request.options.timeout))
    }
}

#[async_trait]
impl PaymentProvider for CareValidate {
    fn name(&self) -> &'static str {
        NAME
    }

    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }

    async fn list_payment_methods(
        &self,
        _request: ListPaymentMethods,
    ) -> Result<Vec<SavedPaymentMethod>> {
        Err(Error::unsupported(NAME, Operation::ListPaymentMethods))
    }

    async fn add_payment_method(&self, _request: AddPaymentMethod) -> Result<SavedPaymentMethod> {
        Err(Error::unsupported(NAME, Operation::AddPaymentMethod))
    }

    async fn remove_payment_method(
        &self,
        _request: RemovePaymentMethod,
    ) -> Result<RemovedPaymentMethod> {
        Err(Error::unsupported(NAME, Operation::RemovePaymentMethod))
    }

    /// `POST /api/v1/payments/intent`. The amount goes as an exact JSON number of dollars.
    async fn create_payment_intent(&self, request: CreatePaymentIntent) -> Result<PaymentIntent> {
        let req = self.create_payment_intent_request(&request)?;
        let resp = self.http.execute(req).await?;
        map::payment_intent(&resp, request.amount)
    }

    /// `POST /api/v1/users` with `action: UPDATE_PAYMENT_INFO`.
    async fn update_payment_info(&self, request: UpdatePaymentInfo) -> Result<PaymentInfoUpdated> {
        let req = self.update_payment_info_request(&request)?;
        let resp = self.http.execute(req).await?;
        map::payment_info_updated(&resp)
    }

    async fn verify_patient_balance(&self, _request: VerifyPatient) -> Result<PatientBalance> {
        Err(Error::unsupported(NAME, Operation::VerifyPatientBalance))
    }

    async fn settle_charges_from_credit(
        &self,
        _request: SettleChargesFromCredit,
    ) -> Result<Payment> {
        Err(Error::unsupported(NAME, Operation::SettleChargesFromCredit))
    }
}
