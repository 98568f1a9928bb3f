//! The [`CarePortals`] client: its inherent methods (the `*_raw` calls returning
//! CarePortals' own objects, the `*_request` previews, [`login`](CarePortals::login)), and
//! its [`PaymentMethods`] and [`PaymentProvider`] implementations.

use std::fmt;
use std::sync::Arc;

use http::HeaderMap;
use http::header::AUTHORIZATION;
use patientpay_core::pipeline::sensitive_header;
use patientpay_core::pipeline::{Answer, Api, BaseUrl, Call, HttpClient, VendorRequest};
use patientpay_core::{
    AddPaymentMethod, Checkout, Error, ListPaymentMethods, PatientBilling, PatientRef,
    PaymentMethodSource, PaymentMethods, PaymentProvider, RemovePaymentMethod,
    RemovedPaymentMethod, Result, SavedPaymentMethod, Webhooks, async_trait,
};
use secrecy::{ExposeSecret, SecretString};

use crate::settings::{ENV_TOKEN, NAME};
use crate::{endpoints, error, map, wire};

/// What every handle of one client shares: the pipeline without a patient (base URL, HTTP
/// client, `Origin` and `organization` headers built once), those headers (to build a
/// patient's handle), and the login path.
pub(crate) struct Shared {
    pub(crate) bare: Api,
    pub(crate) headers: HeaderMap,
    pub(crate) organization: Option<String>,
    pub(crate) login_path: Vec<String>,
}

/// The patient a handle acts for: the JWT and the pipeline whose headers carry it (built
/// once, when the handle is made). `api` is `Err` when the JWT cannot be sent; each call
/// then fails with [`Error::Config`] naming `CAREPORTALS_TOKEN` before any I/O.
#[derive(Clone)]
struct Acting {
    token: SecretString,
    api: std::result::Result<Api, &'static str>,
}

/// A CarePortals Patient API client, acting for one patient (the owner of the JWT given to
/// the builder, to [`for_patient`](CarePortals::for_patient) or returned by
/// [`login`](CarePortals::login)) or for nobody.
///
/// Cheap to clone; every handle made from one client shares its connection pool. The JWT is
/// a secret: it is sent only in the (sensitive) `Authorization` header, scrubbed from
/// whatever the vendor echoes, and never printed.
///
/// Naming the patient of a call ([`PatientRef`]):
/// - `None`: the patient this handle acts for; a handle acting for nobody refuses the call
///   with [`Error::Config`] naming `CAREPORTALS_TOKEN`, before any I/O;
/// - `Some(PatientRef::Token(jwt))`: that patient, for this call only;
/// - `Some(PatientRef::Id(_))`: refused with [`Error::InvalidInput`] for `patient` —
///   CarePortals acts *as* the patient and has no way to name one by id.
#[derive(Clone)]
pub struct CarePortals {
    shared: Arc<Shared>,
    acting: Option<Acting>,
}

impl fmt::Debug for CarePortals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CarePortals")
            .field("base_url", self.shared.bare.base_url())
            .field("organization", &self.shared.organization)
            .field("login_path", &self.login_path())
            .field("patient", &self.acting.as_ref().map(|_| "<redacted JWT>"))
            .finish()
    }
}

/// Where one call goes: the handle's own pipeline, or the bare one with a per-call
/// `Authorization` header.
enum Target<'a> {
    Handle(&'a Api),
    PerCall {
        api: &'a Api,
        header: http::HeaderValue,
        token: &'a SecretString,
    },
}

impl Target<'_> {
    fn api(&self) -> &Api {
        match self {
            Target::Handle(api) | Target::PerCall { api, .. } => api,
        }
    }

    fn call<'c>(&self, call: Call<'c>) -> Call<'c> {
        match self {
            Target::Handle(_) => call,
            Target::PerCall { header, token, .. } => {
                call.header(AUTHORIZATION, header.clone()).secret(token)
            }
        }
    }
}

impl CarePortals {
    pub(crate) fn from_shared(shared: Shared, token: Option<SecretString>) -> CarePortals {
        let shared = Arc::new(shared);
        let acting = token.map(|t| acting(&shared, t));
        CarePortals { shared, acting }
    }

    /// A handle acting for the patient whose JWT is `jwt`, sharing this client's connection
    /// pool, base URL, `Origin` and organization. Its `Authorization` header is built here,
    /// once. An empty JWT, or one a header cannot carry, is refused by each call
    /// ([`Error::Config`] naming `CAREPORTALS_TOKEN`) before any I/O.
    pub fn for_patient(&self, jwt: impl Into<String>) -> CarePortals {
        CarePortals {
            shared: Arc::clone(&self.shared),
            acting: Some(acting(&self.shared, SecretString::from(jwt.into()))),
        }
    }

    /// A handle acting for the patient whose JWT is `token` (login's answer).
    pub(crate) fn for_patient_token(&self, token: SecretString) -> CarePortals {
        CarePortals {
            shared: Arc::clone(&self.shared),
            acting: Some(acting(&self.shared, token)),
        }
    }

    /// The patient this handle acts for (`PatientRef::Token` with their JWT), if any.
    pub fn patient(&self) -> Option<PatientRef> {
        self.acting
            .as_ref()
            .map(|a| PatientRef::Token(a.token.clone()))
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &BaseUrl {
        self.shared.bare.base_url()
    }

    /// The HTTP client (to share its pool with other providers).
    pub fn http_client(&self) -> &HttpClient {
        self.shared.bare.http_client()
    }

    /// The organization sent in the `organization` header, if one is configured.
    pub fn organization(&self) -> Option<&str> {
        self.shared.organization.as_deref()
    }

    /// The login path (`/auth/login` unless configured).
    pub fn login_path(&self) -> String {
        format!("/{}", self.shared.login_path.join("/"))
    }

    pub(crate) fn bare_api(&self) -> &Api {
        &self.shared.bare
    }

    pub(crate) fn login_segments(&self) -> &[String] {
        &self.shared.login_path
    }

    fn target<'a>(&'a self, patient: Option<&'a PatientRef>) -> Result<Target<'a>> {
        match patient {
            None => match &self.acting {
                Some(Acting { api: Ok(api), .. }) => Ok(Target::Handle(api)),
                Some(Acting {
                    api: Err(reason), ..
                }) => Err(Error::config(ENV_TOKEN, *reason)),
                None => Err(Error::config(
                    ENV_TOKEN,
                    "this CarePortals handle acts for no patient: set the patient's JWT \
                     (with_token / CAREPORTALS_TOKEN, for_patient or login) or name the \
                     patient with PatientRef::token",
                )),
            },
            Some(patient) => {
                let token = patient.require_token("CarePortals")?;
                let header = sensitive_header("patient", "Bearer ", token).map_err(|_| {
                    Error::invalid_input(
                        "patient",
                        "the patient token contains characters not allowed in an HTTP header",
                    )
                })?;
                Ok(Target::PerCall {
                    api: &self.shared.bare,
                    header,
                    token,
                })
            }
        }
    }

    /// The request [`list_payment_methods`](PaymentMethods::list_payment_methods) sends:
    /// `GET /users/payment-methods`, without sending it.
    ///
    /// # Errors
    /// As [`list_payment_methods`](PaymentMethods::list_payment_methods), before any I/O.
    pub fn list_payment_methods_request(
        &self,
        request: &ListPaymentMethods,
    ) -> Result<VendorRequest> {
        let target = self.target(request.patient.as_ref())?;
        let call = target.call(Call::new().options(&request.options));
        target
            .api()
            .request(&endpoints::LIST_PAYMENT_METHODS, &call)
    }

    /// The request [`add_payment_method`](PaymentMethods::add_payment_method) sends:
    /// `POST /v2/users/payment-methods` with `{"paymentMethodId": token}`.
    ///
    /// # Errors
    /// As [`add_payment_method`](PaymentMethods::add_payment_method), before any I/O.
    pub fn add_payment_method_request(&self, request: &AddPaymentMethod) -> Result<VendorRequest> {
        let token = checked_token(request)?;
        let target = self.target(request.patient.as_ref())?;
        let body = wire::AddPaymentMethodBody::new(token.clone());
        let call = target.call(Call::new().json(&body)?.options(&request.options));
        target.api().request(&endpoints::ADD_PAYMENT_METHOD, &call)
    }

    /// The request [`remove_payment_method`](PaymentMethods::remove_payment_method) sends:
    /// `DELETE /v2/users/payment-methods/{id}`, the id checked and encoded as one segment.
    ///
    /// # Errors
    /// As [`remove_payment_method`](PaymentMethods::remove_payment_method), before any I/O.
    pub fn remove_payment_method_request(
        &self,
        request: &RemovePaymentMethod,
    ) -> Result<VendorRequest> {
        request.validate()?;
        let target = self.target(request.patient.as_ref())?;
        let call = target.call(Call::new().param(&request.id).options(&request.options));
        target
            .api()
            .request(&endpoints::REMOVE_PAYMENT_METHOD, &call)
    }

    /// Lists the patient's saved methods as CarePortals sends them (full Stripe objects).
    ///
    /// # Errors
    /// As [`list_payment_methods`](PaymentMethods::list_payment_methods).
    pub async fn list_payment_methods_raw(
        &self,
        request: ListPaymentMethods,
    ) -> Result<Vec<wire::PaymentMethod>> {
        let target = self.target(request.patient.as_ref())?;
        let call = target.call(Call::new().options(&request.options));
        let (methods, _) = target
            .api()
            .json(&endpoints::LIST_PAYMENT_METHODS, call)
            .await?;
        Ok(methods)
    }

    /// Saves a method and returns CarePortals' answer as sent (`{last4, type, exp}`).
    ///
    /// # Errors
    /// As [`add_payment_method`](PaymentMethods::add_payment_method).
    pub async fn add_payment_method_raw(
        &self,
        request: AddPaymentMethod,
    ) -> Result<wire::AddedPaymentMethod> {
        let token = checked_token(&request)?;
        let target = self.target(request.patient.as_ref())?;
        let body = wire::AddPaymentMethodBody::new(token.clone());
        // The token is a secret of this call: a vendor echoing it ("No such PaymentMethod:
        // 'pm_…'") has it scrubbed.
        let call = target.call(
            Call::new()
                .json(&body)?
                .secret(token)
                .options(&request.options),
        );
        let (added, _) = target
            .api()
            .json(&endpoints::ADD_PAYMENT_METHOD, call)
            .await?;
        Ok(added)
    }

    /// Removes a method and returns CarePortals' answer as sent (`{success}`), including a
    /// `success: false` one. A 404 answering a retry (the first attempt removed it) is
    /// `{success: true}` here too.
    ///
    /// # Errors
    /// As [`remove_payment_method`](PaymentMethods::remove_payment_method), except that
    /// `success: false` is returned, not an error.
    pub async fn remove_payment_method_raw(
        &self,
        request: RemovePaymentMethod,
    ) -> Result<wire::RemovalResult> {
        let (result, _) = self.remove(&request).await?;
        Ok(result)
    }

    async fn remove(&self, request: &RemovePaymentMethod) -> Result<(wire::RemovalResult, Answer)> {
        request.validate()?;
        let target = self.target(request.patient.as_ref())?;
        let call = target.call(Call::new().param(&request.id).options(&request.options));
        let answer = target
            .api()
            .send(&endpoints::REMOVE_PAYMENT_METHOD, call)
            .await?;
        if answer.already_gone() {
            return Ok((wire::RemovalResult::gone(), answer));
        }
        let result = answer.decode::<wire::RemovalResult>()?;
        Ok((result, answer))
    }
}

fn acting(shared: &Shared, token: SecretString) -> Acting {
    let api = if token.expose_secret().trim().is_empty() {
        Err("the patient JWT is empty")
    } else {
        match sensitive_header(ENV_TOKEN, "Bearer ", &token) {
            Ok(value) => {
                let mut headers = shared.headers.clone();
                headers.insert(AUTHORIZATION, value);
                let bare = &shared.bare;
                Ok(Api::new(
                    NAME,
                    bare.http_client().clone(),
                    bare.base_url().clone(),
                    headers,
                    error::vendor_message,
                    vec![token.clone()],
                ))
            }
            Err(_) => Err("the patient JWT contains characters not allowed in an HTTP header"),
        }
    };
    Acting { token, api }
}

/// The token to save, checked: not empty, no surrounding whitespace, no control characters.
/// CarePortals saves processor tokens only.
fn checked_token(request: &AddPaymentMethod) -> Result<&SecretString> {
    request.validate()?;
    let token = match &request.source {
        PaymentMethodSource::Token(t) => t,
        _ => {
            return Err(Error::invalid_input(
                "payment_method",
                "CarePortals saves a processor token (a Stripe pm_… id or an NMI payment \
                 token), not a processor object",
            ));
        }
    };
    let text = token.expose_secret();
    if text.trim() != text {
        return Err(Error::invalid_input(
            "token",
            "must not have surrounding whitespace",
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(Error::invalid_input(
            "token",
            "must not contain control characters",
        ));
    }
    Ok(token)
}

#[async_trait]
impl PaymentMethods for CarePortals {
    async fn list_payment_methods(
        &self,
        request: ListPaymentMethods,
    ) -> Result<Vec<SavedPaymentMethod>> {
        // The borrowed view, not the owned model of list_payment_methods_raw: see
        // wire::listed.
        let target = self.target(request.patient.as_ref())?;
        let call = target.call(Call::new().options(&request.options));
        let answer = target
            .api()
            .send(&endpoints::LIST_PAYMENT_METHODS, call)
            .await?;
        let map::SavedList(methods) = answer.decode()?;
        Ok(methods)
    }

    async fn add_payment_method(&self, request: AddPaymentMethod) -> Result<SavedPaymentMethod> {
        let token = checked_token(&request)?.clone();
        let added = self.add_payment_method_raw(request).await?;
        Ok(map::saved_from_added(added, token.expose_secret()))
    }

    async fn remove_payment_method(
        &self,
        request: RemovePaymentMethod,
    ) -> Result<RemovedPaymentMethod> {
        let (result, answer) = self.remove(&request).await?;
        if answer.already_gone() {
            let mut removed = RemovedPaymentMethod::new(request.id);
            removed.already_removed = true;
            return Ok(removed);
        }
        if result.success {
            return Ok(RemovedPaymentMethod::new(request.id));
        }
        let message = result
            .message
            .filter(|m| !m.trim().is_empty())
            .unwrap_or_else(|| "the payment method was not removed (success: false)".to_owned());
        Err(answer.vendor_failure(Some(message)))
    }
}

impl PaymentProvider for CarePortals {
    fn name(&self) -> &'static str {
        NAME
    }

    fn payment_methods(&self) -> Option<&dyn PaymentMethods> {
        Some(self)
    }

    fn checkout(&self) -> Option<&dyn Checkout> {
        None
    }

    fn billing(&self) -> Option<&dyn PatientBilling> {
        None
    }

    /// CarePortals' webhooks are not documented in the pages this crate follows: none.
    fn webhooks(&self) -> Option<&dyn Webhooks> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CarePortalsBuilder;
    use http::Method;

    fn client() -> CarePortals {
        CarePortalsBuilder::new()
            .with_token("jwt-A")
            .with_origin("https://demo.portals.care")
            .with_organization("org_1")
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
        assert_eq!(r.headers().get_all(AUTHORIZATION).iter().count(), 1);
        assert_eq!(r.headers()["origin"], "https://demo.portals.care");
        assert_eq!(r.headers()["organization"], "org_1");
        assert_eq!(r.headers()["accept"], "application/json");
        let r = c
            .remove_payment_method_request(&RemovePaymentMethod::new("pm_1"))
            .unwrap();
        assert_eq!(r.url().path(), "/v2/users/payment-methods/pm_1");
        assert_eq!(r.method(), Method::DELETE);
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
    fn a_per_call_token_replaces_the_handles() {
        let c = client();
        let r = c
            .list_payment_methods_request(&ListPaymentMethods::for_patient(PatientRef::token(
                "jwt-B",
            )))
            .unwrap();
        let auth: Vec<_> = r.headers().get_all(AUTHORIZATION).iter().collect();
        assert_eq!(auth.len(), 1);
        assert_eq!(auth[0], "Bearer jwt-B");
        assert!(auth[0].is_sensitive());
        assert_eq!(r.headers()["organization"], "org_1");
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
        for bad in ["", " ", "pm_1 ", ".", "..", "a/b", "../../admin"] {
            let e = c
                .remove_payment_method_request(&RemovePaymentMethod::new(bad))
                .unwrap_err();
            assert_eq!(e.invalid_field(), Some("id"), "{bad:?}");
        }
        let e = c
            .list_payment_methods_request(&ListPaymentMethods::for_patient(PatientRef::id("pat_1")))
            .unwrap_err();
        assert_eq!(e.invalid_field(), Some("patient"));
        assert!(
            e.to_string()
                .contains("CarePortals acts as the patient: use PatientRef::token"),
            "{e}"
        );
        let e = c
            .list_payment_methods_request(&ListPaymentMethods::for_patient(PatientRef::token(
                "a\nb",
            )))
            .unwrap_err();
        assert_eq!(e.invalid_field(), Some("patient"));
        let object = AddPaymentMethod::from_processor_object(
            patientpay_core::Processor::Rainforest,
            patientpay_core::VendorData::from_map(
                serde_json::json!({"id": "x"}).as_object().unwrap().clone(),
            ),
        );
        let e = c.add_payment_method_request(&object).unwrap_err();
        assert_eq!(e.invalid_field(), Some("payment_method"));
    }

    #[test]
    fn handles_share_the_pool_and_know_their_patient() {
        let c = client();
        let other = c.for_patient("jwt-B");
        assert!(Arc::ptr_eq(&c.shared, &other.shared));
        assert_eq!(other.patient(), Some(PatientRef::token("jwt-B")));
        assert_eq!(c.patient(), Some(PatientRef::token("jwt-A")));
        for bad in ["", "  ", "jwt\nB"] {
            let e = c
                .for_patient(bad)
                .list_payment_methods_request(&ListPaymentMethods::new())
                .unwrap_err();
            assert!(
                matches!(e, Error::Config { ref setting, .. } if setting == "CAREPORTALS_TOKEN"),
                "{e}"
            );
        }
        let nobody = CarePortalsBuilder::new()
            .with_organization("org_1")
            .with_base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        assert_eq!(nobody.patient(), None);
        let e = nobody
            .list_payment_methods_request(&ListPaymentMethods::new())
            .unwrap_err();
        assert!(
            matches!(e, Error::Config { ref setting, .. } if setting == "CAREPORTALS_TOKEN"),
            "{e}"
        );
        assert!(
            nobody
                .list_payment_methods_request(&ListPaymentMethods::for_patient(PatientRef::token(
                    "jwt-C"
                )))
                .is_ok()
        );
        let dbg = format!("{c:?} {other:?}");
        assert!(!dbg.contains("jwt-A") && !dbg.contains("jwt-B"), "{dbg}");
    }
}
