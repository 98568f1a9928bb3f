//! The [`CarePortals`] client and its [`PaymentProvider`] implementation.

use std::fmt;
use std::sync::Arc;

use http::header::{AUTHORIZATION, HeaderName};
use http::{HeaderValue, Method};
use patientpay_core::http::{BaseUrl, HttpClient, VendorRequest, VendorResponse, sensitive_header};
use patientpay_core::{
    AddPaymentMethod, Capabilities, CreatePaymentIntent, Error, ListPaymentMethods, Operation,
    PatientBalance, Payment, PaymentInfoUpdated, PaymentIntent, PaymentProvider,
    RemovePaymentMethod, RemovedPaymentMethod, Result, SavedPaymentMethod, SettleChargesFromCredit,
    UpdatePaymentInfo, VerifyPatient, async_trait,
};
use secrecy::{ExposeSecret, SecretString};

use crate::config::ENV_TOKEN;
use crate::{error, map, wire};

/// The provider name, as in errors and traces.
pub const NAME: &str = "careportals";

const CAPABILITIES: Capabilities = Capabilities::from_operations(&[
    Operation::ListPaymentMethods,
    Operation::AddPaymentMethod,
    Operation::RemovePaymentMethod,
]);

const ORIGIN: HeaderName = http::header::ORIGIN;

/// What every patient handle shares: the connection pool, the base URL and the origin.
pub(crate) struct Shared {
    pub(crate) http: HttpClient,
    pub(crate) base: BaseUrl,
    pub(crate) origin: HeaderValue,
}

/// A CarePortals Patient API client acting for one patient (the JWT's owner).
///
/// Cheap to clone. [`for_patient`](CarePortals::for_patient) gives a handle for another
/// patient that shares the same connection pool, so one backend serves many patients with
/// one client. The JWT is a secret: it is sent only in the (sensitive) `Authorization`
/// header and never printed.
///
/// Besides [`PaymentProvider`], the `*_raw` methods return CarePortals' full objects (every
/// Stripe detail of a saved method), and the `*_request` methods show the request an
/// operation would send, without sending it.
#[derive(Clone)]
pub struct CarePortals {
    shared: Arc<Shared>,
    token: SecretString,
}

impl fmt::Debug for CarePortals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CarePortals")
            .field("base_url", &self.shared.base)
            .field("origin", &self.shared.origin)
            .field("token", &"<redacted>")
            .finish()
    }
}

impl CarePortals {
    pub(crate) fn from_parts(shared: Arc<Shared>, token: SecretString) -> CarePortals {
        CarePortals { shared, token }
    }

    /// A handle acting for the patient whose JWT is `jwt`, sharing this client's
    /// connection pool, base URL and origin. An empty JWT is refused by each call
    /// (`Error::Config` naming `CAREPORTALS_TOKEN`) before any I/O.
    pub fn for_patient(&self, jwt: impl Into<String>) -> CarePortals {
        CarePortals {
            shared: Arc::clone(&self.shared),
            token: SecretString::from(jwt.into()),
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &BaseUrl {
        &self.shared.base
    }

    /// The HTTP client (to share its pool with other providers).
    pub fn http_client(&self) -> &HttpClient {
        &self.shared.http
    }

    fn auth(&self) -> Result<HeaderValue> {
        if self.token.expose_secret().trim().is_empty() {
            return Err(Error::config(
                ENV_TOKEN,
                "the patient JWT is missing or empty",
            ));
        }
        sensitive_header(ENV_TOKEN, "Bearer ", &self.token)
    }

    fn request(&self, op: Operation, method: Method, path: &[&str]) -> Result<VendorRequest> {
        let url = self.shared.base.endpoint(path)?;
        Ok(VendorRequest::new(NAME, op, method, url)
            .header(AUTHORIZATION, self.auth()?)
            .accept_json()
            .header(ORIGIN, self.shared.origin.clone()))
    }

    /// The request [`list_payment_methods`](PaymentProvider::list_payment_methods) sends:
    /// `GET /users/payment-methods`.
    ///
    /// # Errors
    /// [`Error::Config`] for an empty or unsendable JWT.
    pub fn list_payment_methods_request(
        &self,
        request: &ListPaymentMethods,
    ) -> Result<VendorRequest> {
        Ok(self
            .request(
                Operation::ListPaymentMethods,
                Method::GET,
                &["users", "payment-methods"],
            )?
            .timeout(request.options.timeout))
    }

    /// The request [`add_payment_method`](PaymentProvider::add_payment_method) sends:
    /// `POST /v2/users/payment-methods` with `{"paymentMethodId": token}`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `token` when it is empty or has surrounding whitespace;
    /// [`Error::Config`] for an empty or unsendable JWT.
    pub fn add_payment_method_request(&self, request: &AddPaymentMethod) -> Result<VendorRequest> {
        request.validate()?;
        let token = request.token.expose_secret();
        if token.trim() != token {
            return Err(Error::invalid_input(
                "token",
                "must not have surrounding whitespace",
            ));
        }
        if token.chars().any(char::is_control) {
            return Err(Error::invalid_input(
                "token",
                "must not contain control characters",
            ));
        }
        let body = wire::AddPaymentMethodBody::new(request.token.clone());
        self.request(
            Operation::AddPaymentMethod,
            Method::POST,
            &["v2", "users", "payment-methods"],
        )?
        .json_body(&body)
        .map(|r| r.timeout(request.options.timeout))
    }

    /// The request [`remove_payment_method`](PaymentProvider::remove_payment_method) sends:
    /// `DELETE /v2/users/payment-methods/{id}`, the id percent-encoded as one path segment.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `id` when it is empty, `.`/`..`, or has surrounding
    /// whitespace; [`Error::Config`] for an empty or unsendable JWT.
    pub fn remove_payment_method_request(
        &self,
        request: &RemovePaymentMethod,
    ) -> Result<VendorRequest> {
        request.validate()?;
        if request.id.trim() != request.id {
            return Err(Error::invalid_input(
                "id",
                "must not have surrounding whitespace",
            ));
        }
        Ok(self
            .request(
                Operation::RemovePaymentMethod,
                Method::DELETE,
                &["v2", "users", "payment-methods", &request.id],
            )?
            .timeout(request.options.timeout))
    }

    async fn send(&self, request: VendorRequest) -> Result<VendorResponse> {
        self.send_hiding(request, &[]).await
    }

    /// Sends, and on an error answer hides `values` (a payment token) from the vendor's text.
    async fn send_hiding(&self, request: VendorRequest, values: &[&str]) -> Result<VendorResponse> {
        let resp = self.shared.http.execute(request).await?;
        if resp.is_success() {
            Ok(resp)
        } else {
            Err(error::from_response_hiding(&resp, values))
        }
    }

    /// Lists the patient's saved methods as CarePortals sends them (full Stripe objects).
    ///
    /// # Errors
    /// As [`PaymentProvider::list_payment_methods`].
    pub async fn list_payment_methods_raw(
        &self,
        request: ListPaymentMethods,
    ) -> Result<Vec<wire::PaymentMethod>> {
        let req = self.list_payment_methods_request(&request)?;
        self.send(req).await?.json()
    }

    /// Saves a method and returns CarePortals' answer as sent (`{last4, type, exp}`).
    ///
    /// # Errors
    /// As [`PaymentProvider::add_payment_method`].
    pub async fn add_payment_method_raw(
        &self,
        request: AddPaymentMethod,
    ) -> Result<wire::AddedPaymentMethod> {
        let req = self.add_payment_method_request(&request)?;
        self.send_hiding(req, &[request.token.expose_secret()])
            .await?
            .json()
    }

    /// Removes a method and returns CarePortals' answer as sent (`{success}`), including a
    /// `success: false` one.
    ///
    /// # Errors
    /// As [`PaymentProvider::remove_payment_method`], except that `success: false` is
    /// returned, not an error.
    pub async fn remove_payment_method_raw(
        &self,
        request: RemovePaymentMethod,
    ) -> Result<wire::RemovalResult> {
        let req = self.remove_payment_method_request(&request)?;
        self.send(req).await?.json()
    }
}

#[async_trait]
impl PaymentProvider for CarePortals {
    fn name(&self) -> &'static str {
        NAME
    }

    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }

    async fn list_payment_methods(
        &self,
        request: ListPaymentMethods,
    ) -> Result<Vec<SavedPaymentMethod>> {
        // Only the fields the unified form is made of, borrowed from the body: the full
        // Stripe objects (`list_payment_methods_raw`) cost twice the parse time.
        let req = self.list_payment_methods_request(&request)?;
        let resp = self.send(req).await?;
        let methods: Vec<wire::ListedMethod<'_>> = resp.json()?;
        Ok(methods.iter().map(map::saved_from_listed).collect())
    }

    async fn add_payment_method(&self, request: AddPaymentMethod) -> Result<SavedPaymentMethod> {
        let token = request.token.clone();
        let added = self.add_payment_method_raw(request).await?;
        Ok(map::saved_from_added(&added, token.expose_secret()))
    }

    async fn remove_payment_method(
        &self,
        request: RemovePaymentMethod,
    ) -> Result<RemovedPaymentMethod> {
        let id = request.id.clone();
        let req = self.remove_payment_method_request(&request)?;
        let resp = self.send(req).await?;
        let result: wire::RemovalResult = resp.json()?;
        if result.success {
            Ok(RemovedPaymentMethod::new(id))
        } else {
            let message = result
                .message
                .filter(|m| !m.trim().is_empty())
                .unwrap_or_else(|| {
                    "the payment method was not removed (success: false)".to_owned()
                });
            Err(resp.error(Some(message)))
        }
    }

    async fn create_payment_intent(&self, _request: CreatePaymentIntent) -> Result<PaymentIntent> {
        Err(Error::unsupported(NAME, Operation::CreatePaymentIntent))
    }

    async fn update_payment_info(&self, _request: UpdatePaymentInfo) -> Result<PaymentInfoUpdated> {
        Err(Error::unsupported(NAME, Operation::UpdatePaymentInfo))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CarePortalsBuilder;

    fn client() -> CarePortals {
        CarePortalsBuilder::new()
            .with_token("jwt-A")
            .with_origin("https://demo.portals.care")
            .with_base_url("http://127.0.0.1:9")
            .build()
            .unwrap()
    }

    #[test]
    fn requests_are_built_per_doc() {
        let c = client();
        let r = c
            .list_payment_methods_request(&ListPaymentMethods::new())
            .unwrap();
        assert_eq!(r.url().as_str(), "http://127.0.0.1:9/users/payment-methods");
        assert_eq!(r.method(), Method::GET);
        assert!(r.headers()[AUTHORIZATION].is_sensitive());
        assert_eq!(r.headers()["origin"], "https://demo.portals.care");
        assert_eq!(r.headers()["accept"], "application/json");
        let r = c
            .remove_payment_method_request(&RemovePaymentMethod::new("pm/../x?y"))
            .unwrap();
        assert_eq!(r.url().path(), "/v2/users/payment-methods/pm%2F..%2Fx%3Fy");
        let r = c
            .add_payment_method_request(&AddPaymentMethod::new("pm_card_visa"))
            .unwrap();
        assert_eq!(
            r.body().unwrap().as_ref(),
            br#"{"paymentMethodId":"pm_card_visa"}"#
        );
        assert_eq!(r.headers()["content-type"], "application/json");
    }

    #[test]
    fn input_checks_name_fields() {
        let c = client();
        for bad in ["", "  ", " pm_1", "pm_1\n", "a\u{7}b"] {
            let e = c
                .add_payment_method_request(&AddPaymentMethod::new(bad))
                .unwrap_err();
            assert_eq!(e.invalid_field(), Some("token"), "{bad:?}");
        }
        for bad in ["", " ", "pm_1 ", ".", ".."] {
            let e = c
                .remove_payment_method_request(&RemovePaymentMethod::new(bad))
                .unwrap_err();
            assert_eq!(e.invalid_field(), Some("id"), "{bad:?}");
        }
    }

    #[test]
    fn per_patient_handles_share_the_pool() {
        let c = client();
        let other = c.for_patient("jwt-B");
        assert!(Arc::ptr_eq(&c.shared, &other.shared));
        assert_eq!(other.token.expose_secret(), "jwt-B");
        let empty = c.for_patient("");
        let e = empty
            .list_payment_methods_request(&ListPaymentMethods::new())
            .unwrap_err();
        assert!(matches!(e, Error::Config { ref setting, .. } if setting == "CAREPORTALS_TOKEN"));
    }
}
