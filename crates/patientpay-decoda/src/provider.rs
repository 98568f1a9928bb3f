//! The Decoda client and its [`PaymentProvider`] implementation.

use std::fmt;
use std::sync::Arc;

use http::header::HeaderName;
use http::{HeaderValue, Method};
use patientpay_core::domain::{
    AddPaymentMethod, CallOptions, CreatePaymentIntent, ListPaymentMethods, PatientBalance,
    Payment, PaymentInfoUpdated, PaymentIntent, RemovePaymentMethod, RemovedPaymentMethod,
    SavedPaymentMethod, SettleChargesFromCredit, UpdatePaymentInfo, VerifyPatient,
};
use patientpay_core::http::{BaseUrl, HttpClient, VendorRequest, VendorResponse};
use patientpay_core::{Capabilities, Error, Operation, PaymentProvider, Result, async_trait};
use serde::de::DeserializeOwned;

use crate::error::{vendor_error, vendor_error_hiding};
use crate::{map, wire};

/// The provider's name, as used in errors and traces.
pub const NAME: &str = "decoda";

/// What Decoda supports.
pub const CAPABILITIES: Capabilities = Capabilities::from_operations(&[
    Operation::VerifyPatientBalance,
    Operation::SettleChargesFromCredit,
]);

const VERIFY_PATH: &[&str] = &["billing", "payment-link", "verify-patient"];
const SETTLE_PATH: &[&str] = &[
    "billing",
    "payment-terminal",
    "charge",
    "create-patient-credit-settled",
];

static API_KEY: HeaderName = HeaderName::from_static("api-key");
static TENANT: HeaderName = HeaderName::from_static("tenant");

pub(crate) struct Inner {
    pub(crate) http: HttpClient,
    pub(crate) base_url: BaseUrl,
    pub(crate) api_key_header: HeaderValue,
    pub(crate) tenant_header: HeaderValue,
}

/// A Decoda Health client: verifies a patient's balance and settles charges from the
/// patient's credit. Cheap to clone (the connection pool and credentials are shared).
///
/// Build it with [`DecodaBuilder`](crate::DecodaBuilder). Besides the [`PaymentProvider`]
/// methods it has `*_raw` methods that return Decoda's full models ([`wire`]).
#[derive(Clone)]
pub struct Decoda {
    inner: Arc<Inner>,
}

impl fmt::Debug for Decoda {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoda")
            .field("base_url", &self.inner.base_url)
            .field("api_key", &"<redacted>")
            .field("tenant", &"<redacted>")
            .field("http", &self.inner.http)
            .finish()
    }
}

impl Decoda {
    pub(crate) fn from_inner(inner: Inner) -> Decoda {
        Decoda {
            inner: Arc::new(inner),
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &BaseUrl {
        &self.inner.base_url
    }

    fn request(
        &self,
        operation: Operation,
        path: &[&str],
        options: &CallOptions,
    ) -> Result<VendorRequest> {
        let url = self.inner.base_url.endpoint(path)?;
        Ok(VendorRequest::new(NAME, operation, Method::POST, url)
            .header(API_KEY.clone(), self.inner.api_key_header.clone())
            .header(TENANT.clone(), self.inner.tenant_header.clone())
            .accept_json()
            .timeout(options.timeout))
    }

    /// The verify request for `body`, as it would be sent (`API-KEY` and `TENANT` are
    /// sensitive header values). For inspection and tests; [`verify_patient_raw`]
    /// sends it.
    ///
    /// [`verify_patient_raw`]: Decoda::verify_patient_raw
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if the body cannot be serialized.
    pub fn verify_request(
        &self,
        body: &wire::VerifyPatient,
        options: &CallOptions,
    ) -> Result<VendorRequest> {
        self.request(Operation::VerifyPatientBalance, VERIFY_PATH, options)?
            .json_body(body)
    }

    /// The settle request, as it would be sent: `?amount=<minor units>` and one
    /// `credit_ids=` per credit, the charges as the JSON body.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if the body cannot be serialized.
    pub fn settle_request(
        &self,
        query: &wire::SettleQuery,
        charges: &[wire::ChargeDetailInput],
        options: &CallOptions,
    ) -> Result<VendorRequest> {
        let mut url = self.inner.base_url.endpoint(SETTLE_PATH)?;
        {
            let mut pairs = url.query_pairs_mut();
            pairs.append_pair("amount", &query.amount.to_string());
            for id in &query.credit_ids {
                pairs.append_pair("credit_ids", id);
            }
        }
        let mut req =
            VendorRequest::new(NAME, Operation::SettleChargesFromCredit, Method::POST, url)
                .header(API_KEY.clone(), self.inner.api_key_header.clone())
                .header(TENANT.clone(), self.inner.tenant_header.clone())
                .accept_json()
                .timeout(options.timeout);
        req = req.json_body(charges)?;
        Ok(req)
    }

    async fn send<T: DeserializeOwned>(
        &self,
        request: VendorRequest,
        phi: &[&str],
    ) -> Result<(T, VendorResponse)> {
        let resp = self.inner.http.execute(request).await?;
        if !resp.is_success() {
            return Err(if phi.is_empty() {
                vendor_error(&resp)
            } else {
                vendor_error_hiding(&resp, phi)
            });
        }
        let value = resp.json::<T>()?;
        Ok((value, resp))
    }

    /// `POST /billing/payment-link/verify-patient`: Decoda's full answer. No input checks
    /// beyond Decoda's own (use [`PaymentProvider::verify_patient_balance`] for those).
    ///
    /// # Errors
    /// [`Error::Vendor`] (404 "Patient verification failed" when the identity does not
    /// match, 422 with the failed fields), [`Error::Auth`], transport errors, or
    /// [`Error::Decode`].
    pub async fn verify_patient_raw(
        &self,
        body: &wire::VerifyPatient,
        options: &CallOptions,
    ) -> Result<wire::PaymentLinkDetails> {
        let request = self.verify_request(body, options)?;
        let phi = [
            body.last_name.as_str(),
            body.phone_number.as_str(),
            body.date_of_birth.as_str(),
        ];
        self.send(request, &phi).await.map(|(v, _)| v)
    }

    /// `POST /billing/payment-terminal/charge/create-patient-credit-settled`: Decoda's full
    /// answer. Moves money: never retried once it may have reached Decoda.
    ///
    /// # Errors
    /// [`Error::Vendor`] (400/422 when the amount is above the credit or the outstanding
    /// total), [`Error::Auth`], transport errors, or [`Error::Decode`].
    pub async fn settle_charges_from_credit_raw(
        &self,
        query: &wire::SettleQuery,
        charges: &[wire::ChargeDetailInput],
        options: &CallOptions,
    ) -> Result<wire::PaymentSummary> {
        let request = self.settle_request(query, charges, options)?;
        self.send(request, &[]).await.map(|(v, _)| v)
    }
}

#[async_trait]
impl PaymentProvider for Decoda {
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

    async fn create_payment_intent(&self, _request: CreatePaymentIntent) -> Result<PaymentIntent> {
        Err(Error::unsupported(NAME, Operation::CreatePaymentIntent))
    }

    async fn update_payment_info(&self, _request: UpdatePaymentInfo) -> Result<PaymentInfoUpdated> {
        Err(Error::unsupported(NAME, Operation::UpdatePaymentInfo))
    }

    async fn verify_patient_balance(&self, request: VerifyPatient) -> Result<PatientBalance> {
        request.validate()?;
        let body = map::verify_to_wire(&request);
        let http_request = self.verify_request(&body, &request.options)?;
        let phi = [
            body.last_name.as_str(),
            body.phone_number.as_str(),
            body.date_of_birth.as_str(),
        ];
        let (details, resp) = self
            .send::<wire::PaymentLinkDetails>(http_request, &phi)
            .await?;
        map::balance_from_wire(details).map_err(|detail| resp.decode_error(detail))
    }

    async fn settle_charges_from_credit(
        &self,
        request: SettleChargesFromCredit,
    ) -> Result<Payment> {
        request.validate()?;
        map::check_settle(&request)?;
        let (query, body) = map::settle_to_wire(&request)?;
        let http_request = self.settle_request(&query, &body, &request.options)?;
        let (summary, resp) = self.send::<wire::PaymentSummary>(http_request, &[]).await?;
        map::payment_from_wire(summary).map_err(|detail| resp.decode_error(detail))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DecodaBuilder;

    fn client() -> Decoda {
        DecodaBuilder::new()
            .with_api_key("key-SECRET")
            .with_tenant("tenant-SECRET")
            .with_base_url("https://api.example.com/base")
            .build()
            .unwrap()
    }

    #[test]
    fn settle_url_has_amount_and_repeated_credit_ids() {
        let q = wire::SettleQuery::new(1999, vec!["cr 1".into(), "cr&2".into()]);
        let req = client()
            .settle_request(&q, &[], &CallOptions::new())
            .unwrap();
        assert_eq!(
            req.url().as_str(),
            "https://api.example.com/base/billing/payment-terminal/charge/create-patient-credit-settled?amount=1999&credit_ids=cr+1&credit_ids=cr%262"
        );
        assert_eq!(req.body().map(|b| &b[..]), Some(&b"[]"[..]));
        assert!(req.headers().get("api-key").unwrap().is_sensitive());
        assert!(req.headers().get("tenant").unwrap().is_sensitive());
        let dbg = format!("{req:?} {:?}", req.headers());
        assert!(!dbg.contains("SECRET"), "{dbg}");
    }

    #[test]
    fn capabilities_are_exactly_two() {
        let caps = client().capabilities();
        assert_eq!(caps.operations().count(), 2);
        assert!(caps.supports(Operation::VerifyPatientBalance));
        assert!(caps.supports(Operation::SettleChargesFromCredit));
    }
}
