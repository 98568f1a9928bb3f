//! The Decoda client: the struct, its `*_raw` methods (Decoda's full models, one per
//! endpoint) and its [`PaymentProvider`] handle. The capability traits are implemented in
//! `methods.rs` (PaymentMethods, Checkout) and `billing.rs` (PatientBilling).

use std::borrow::Cow;
use std::fmt;

use patientpay_core::domain::CallOptions;
use patientpay_core::pipeline::{Answer, Api, BaseUrl, Call, VendorRequest};
use patientpay_core::{
    Checkout, Money, PatientBilling, PatientRef, Payment, PaymentMethods, PaymentProvider, Result,
    Webhooks,
};

use crate::endpoints as ep;
use crate::webhook::DecodaWebhooks;
use crate::{map, wire};

/// The provider's name, as used in errors and traces.
pub const NAME: &str = "decoda";

/// A Decoda Health client. Cheap to clone (the connection pool, the auth headers and the
/// secrets are shared).
///
/// It serves [`PatientBilling`] (verify, settle from credit, pay with a saved method,
/// refunds, credit, payments, reconcile), [`PaymentMethods`] (by [`PatientRef::Id`]) and
/// [`Checkout`] (`pay_charges` → a Rainforest component session, `pay_outstanding` → a
/// hosted page). Build it with [`DecodaBuilder`](crate::DecodaBuilder). Its `*_raw`
/// methods return Decoda's full models ([`wire`]).
#[derive(Clone)]
pub struct Decoda {
    pub(crate) api: Api,
    webhooks: DecodaWebhooks,
}

impl fmt::Debug for Decoda {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoda")
            .field("base_url", self.api.base_url())
            .field("api_key", &"<redacted>")
            .field("tenant", &"<redacted>")
            .field("http", self.api.http_client())
            .finish()
    }
}

/// The personal values of a verify body, in the forms a vendor may echo them: the last
/// name, the phone and the date of birth as sent, which the pipeline registers with its
/// scrubber in every form vendors print ([`Call::phi`](patientpay_core::pipeline::Call::phi):
/// a `YYYY-MM-DD` date in its ISO, US, day-first and spelled-out forms; a phone of 7+
/// digits and `+-(). ` only in its digit and punctuated forms, and the number inside any
/// other text of 7+ digits). Only the US form of a date it cannot parse is added here. The
/// body's values are borrowed (the pipeline copies what it keeps).
pub(crate) fn verify_phi(body: &wire::VerifyPatient) -> Vec<Cow<'_, str>> {
    let mut phi: Vec<Cow<'_, str>> = Vec::with_capacity(6);
    phi.extend(
        [&body.last_name, &body.phone_number, &body.date_of_birth]
            .into_iter()
            .map(|v| Cow::Borrowed(v.as_str())),
    );
    let dob = body.date_of_birth.trim();
    if patientpay_core::domain::parse_date("dob", dob).is_err() {
        let mut parts = dob.split('-');
        if let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        {
            phi.push(Cow::Owned(format!("{m}/{d}/{y}")));
        }
    }
    phi.retain(|v| v.trim().len() > 1);
    phi
}

/// A phone's digits, with and without a leading country code 1.
pub(crate) fn phone_forms(phone: &str) -> Vec<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let mut out = Vec::new();
    if digits.len() >= 7 {
        if let Some(national) = digits.strip_prefix('1').filter(|n| n.len() == 10) {
            out.push(national.to_owned());
        }
        out.push(digits);
    }
    out
}

impl Decoda {
    pub(crate) fn from_api(api: Api) -> Decoda {
        Decoda {
            api,
            webhooks: DecodaWebhooks::new(),
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &BaseUrl {
        self.api.base_url()
    }

    /// The verify request for `body`, as it would be sent (`API-KEY` and `TENANT` are
    /// sensitive header values). For inspection and tests.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](patientpay_core::Error::InvalidInput) if the body cannot be
    /// serialized.
    pub fn verify_request(
        &self,
        body: &wire::VerifyPatient,
        options: &CallOptions,
    ) -> Result<VendorRequest> {
        let call = Call::new().json(body)?.options(options);
        self.api.request(&ep::VERIFY_PATIENT, &call)
    }

    /// The settle request, as it would be sent: `?amount=<minor units>` and one
    /// `credit_ids=` per credit, the charges as the JSON body.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](patientpay_core::Error::InvalidInput) if the body cannot be
    /// serialized.
    pub fn settle_request(
        &self,
        query: &wire::SettleQuery,
        charges: &[wire::ChargeDetailInput],
        options: &CallOptions,
    ) -> Result<VendorRequest> {
        let call = settle_call(query, charges, options)?;
        self.api.request(&ep::SETTLE_FROM_CREDIT, &call)
    }

    /// `POST /billing/payment-link/verify-patient`: Decoda's full answer. No input checks
    /// beyond Decoda's own (use
    /// [`PatientBilling::verify_patient_balance`] for those).
    ///
    /// # Errors
    /// [`Error::Vendor`](patientpay_core::Error::Vendor) (404 "Patient verification
    /// failed" when the identity does not match, 422 with the failed fields), `Auth`,
    /// transport errors, or `Decode`.
    pub async fn verify_patient_raw(
        &self,
        body: &wire::VerifyPatient,
        options: &CallOptions,
    ) -> Result<wire::PaymentLinkDetails> {
        let call = Call::new()
            .json(body)?
            .options(options)
            .phi(verify_phi(body));
        Ok(self.api.json(&ep::VERIFY_PATIENT, call).await?.0)
    }

    pub(crate) async fn settle_answer(
        &self,
        query: &wire::SettleQuery,
        charges: &[wire::ChargeDetailInput],
        options: &CallOptions,
    ) -> Result<(wire::PaymentSummary, Answer)> {
        let call = settle_call(query, charges, options)?;
        self.api.json(&ep::SETTLE_FROM_CREDIT, call).await
    }

    /// `POST /billing/payment-terminal/charge/create-patient-credit-settled`: Decoda's full
    /// answer. Moves money: never retried once it may have reached Decoda; any failure
    /// after that is [`Error::OutcomeUnknown`](patientpay_core::Error::OutcomeUnknown).
    ///
    /// # Errors
    /// `Vendor` (400/422 when the amount is above the credit or the outstanding total),
    /// `Auth`, `OutcomeUnknown`, or transport errors before sending.
    pub async fn settle_charges_from_credit_raw(
        &self,
        query: &wire::SettleQuery,
        charges: &[wire::ChargeDetailInput],
        options: &CallOptions,
    ) -> Result<wire::PaymentSummary> {
        Ok(self.settle_answer(query, charges, options).await?.0)
    }

    /// `GET /billing/payment/methods?patient_id=`: the patient's saved methods.
    ///
    /// # Errors
    /// `Vendor` (404 for an unknown patient), `Auth`, transport, `Decode`.
    pub async fn list_payment_methods_raw(
        &self,
        patient_id: &str,
        options: &CallOptions,
    ) -> Result<Vec<wire::PaymentMethodSummary>> {
        let call = Call::new().query("patient_id", patient_id).options(options);
        Ok(self.api.json(&ep::LIST_PAYMENT_METHODS, call).await?.0)
    }

    /// `POST /user/patient/payment-methods/create?patient_id=` with a Rainforest
    /// payment-method object, sent as given.
    ///
    /// # Errors
    /// `Vendor` (400/422 for a refused object), `Auth`, transport, `Decode`.
    pub async fn create_payment_method_raw(
        &self,
        patient_id: &str,
        object: &serde_json::Map<String, serde_json::Value>,
        phi: Vec<String>,
        options: &CallOptions,
    ) -> Result<wire::PaymentMethodSummary> {
        let call = Call::new()
            .query("patient_id", patient_id)
            .json(object)?
            .options(options)
            .phi(phi);
        Ok(self.api.json(&ep::CREATE_PAYMENT_METHOD, call).await?.0)
    }

    /// `POST /billing/payment-terminal/payin-config`: a Rainforest component session.
    ///
    /// # Errors
    /// `Vendor` (400 when a charge is not outstanding or the amount is above it), `Auth`,
    /// transport, `Decode`.
    pub async fn create_payin_config_raw(
        &self,
        body: &wire::PayinConfigCreate,
        options: &CallOptions,
    ) -> Result<wire::PayinComponentSetupResponse> {
        let call = Call::new().json(body)?.options(options);
        Ok(self.api.json(&ep::CREATE_PAYIN_CONFIG, call).await?.0)
    }

    pub(crate) async fn charge_card_answer(
        &self,
        payment_method_id: &str,
        payin_config_id: &str,
        options: &CallOptions,
    ) -> Result<(wire::ChargePaymentMethodResponse, Answer)> {
        let body = wire::ChargePaymentMethod::new(payin_config_id);
        let call = Call::new()
            .param(payment_method_id)
            .json(&body)?
            .options(options);
        let result = self.api.json(&ep::CHARGE_CARD, call).await;
        if let Err(e) = &result
            && e.is_outcome_unknown()
        {
            // Core's OutcomeUnknown has no field for it: the payin config id is what
            // `reconcile` needs (MoneyCall::PayWithSavedMethod { payin_config_id }).
            tracing::debug!(
                payin_config_id,
                "charge-card outcome unknown: reconcile with this payin config id"
            );
        }
        result
    }

    /// `POST /billing/payment-terminal/charge-card/{payment_method_id}` `{payinConfigId}`:
    /// Decoda's full answer. Moves money: never retried once it may have arrived.
    ///
    /// # Errors
    /// `Vendor` (400 for a decline or a used config), `OutcomeUnknown`, `Auth`,
    /// transport errors before sending.
    pub async fn charge_card_raw(
        &self,
        payment_method_id: &str,
        payin_config_id: &str,
        options: &CallOptions,
    ) -> Result<wire::ChargePaymentMethodResponse> {
        Ok(self
            .charge_card_answer(payment_method_id, payin_config_id, options)
            .await?
            .0)
    }

    /// Charges a saved method with a payin config made beforehand (by
    /// [`Checkout::start_checkout`] with `pay_charges`, whose
    /// [`ComponentSession::config_id`](patientpay_core::CheckoutSession::ComponentSession)
    /// you keep): the two-step form of
    /// [`PatientBilling::pay_with_saved_method`] in which the caller holds the payin config
    /// id *before* money moves, so that an [`OutcomeUnknown`](patientpay_core::Error::OutcomeUnknown)
    /// can always be reconciled with
    /// `MoneyCall::PayWithSavedMethod { payin_config_id: Some(id), .. }`. `expected` is what
    /// the config collects; an answer for another amount is a contradiction.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](patientpay_core::Error::InvalidInput) for
    /// `payment_method_id` / `payin_config_id` / `patient`, then as
    /// [`charge_card_raw`](Self::charge_card_raw), and `OutcomeUnknown` when the answer
    /// contradicts `expected`.
    pub async fn pay_with_payin_config(
        &self,
        patient: &PatientRef,
        payment_method_id: &str,
        payin_config_id: &str,
        expected: Money,
        options: &CallOptions,
    ) -> Result<Payment> {
        let patient_id = patient.require_id(NAME)?;
        patientpay_core::domain::check_id("payment_method_id", payment_method_id)?;
        patientpay_core::domain::check_id("payin_config_id", payin_config_id)?;
        map::check_currency("amount", expected)?;
        let (resp, answer) = self
            .charge_card_answer(payment_method_id, payin_config_id, options)
            .await?;
        check_charge_card(&resp, expected, &answer)?;
        Ok(map::payment_from_charge_card(
            resp,
            payin_config_id,
            payment_method_id,
            patient_id,
            map::DEFAULT_SAVED_METHOD_MEDIUM.as_str(),
        ))
    }

    /// `GET /billing/payment-links?phone_number=`: every payment link of a phone.
    ///
    /// # Errors
    /// `Vendor`, `Auth`, transport, `Decode`.
    pub async fn payment_links_raw(
        &self,
        phone: &str,
        options: &CallOptions,
    ) -> Result<Vec<wire::PublicInvoiceSummary>> {
        let mut phi = vec![phone.to_owned()];
        phi.extend(phone_forms(phone));
        let call = Call::new()
            .query("phone_number", phone)
            .options(options)
            .phi(phi);
        Ok(self.api.json(&ep::PAYMENT_LINKS, call).await?.0)
    }

    /// `POST /billing/payment/refund`: Decoda's full answer. Moves money.
    ///
    /// # Errors
    /// `Vendor` (400 above the refundable amount, 404 unknown payment), `OutcomeUnknown`,
    /// `Auth`, transport errors before sending.
    pub async fn refund_raw(
        &self,
        body: &wire::RefundCreate,
        options: &CallOptions,
    ) -> Result<wire::RefundSummary> {
        Ok(self.refund_answer(body, options).await?.0)
    }

    pub(crate) async fn refund_answer(
        &self,
        body: &wire::RefundCreate,
        options: &CallOptions,
    ) -> Result<(wire::RefundSummary, Answer)> {
        let call = Call::new().json(body)?.options(options);
        self.api.json(&ep::REFUND, call).await
    }

    /// `GET /user/patient/{patient_id}/credit/available`.
    ///
    /// # Errors
    /// `Vendor` (404 unknown patient), `Auth`, transport, `Decode`.
    pub async fn credit_available_raw(
        &self,
        patient_id: &str,
        options: &CallOptions,
    ) -> Result<wire::AvailableCreditResponse> {
        let call = Call::new().param(patient_id).options(options);
        Ok(self.api.json(&ep::CREDIT_AVAILABLE, call).await?.0)
    }

    /// `GET /user/patient/{patient_id}/credit`: one page (`page` from 1, `per_page` 1–100).
    ///
    /// # Errors
    /// `Vendor` (404 unknown patient, 422 bad paging), `Auth`, transport, `Decode`.
    pub async fn credits_page_raw(
        &self,
        patient_id: &str,
        page: u32,
        per_page: u32,
        include_expired: bool,
        include_used: bool,
        options: &CallOptions,
    ) -> Result<wire::PagePatientCreditSummary> {
        let call = Call::new()
            .param(patient_id)
            .query("page", page.to_string())
            .query("per_page", per_page.to_string())
            .query("include_expired", include_expired.to_string())
            .query("include_used", include_used.to_string())
            .options(options);
        Ok(self.api.json(&ep::CREDITS, call).await?.0)
    }

    /// `GET /billing/payment/table`: one page of the tenant's payments, newest first,
    /// filtered by patient and (optionally) payment id.
    ///
    /// # Errors
    /// `Vendor`, `Auth`, transport, `Decode`.
    pub async fn payment_table_raw(
        &self,
        query: &PaymentTableQuery,
        options: &CallOptions,
    ) -> Result<wire::PaymentTable> {
        let call = table_call(query, options);
        Ok(self.api.json(&ep::PAYMENT_TABLE, call).await?.0)
    }

    /// `GET /billing/charge/get/{id}`: one charge with its payments (each with its
    /// `payinConfigId`), the only documented read linking a payment to its payin config.
    ///
    /// # Errors
    /// `Vendor` (404 unknown charge), `Auth`, transport, `Decode`.
    pub async fn get_charge_raw(
        &self,
        charge_id: &str,
        options: &CallOptions,
    ) -> Result<wire::ChargeDetailWithItems> {
        let call = Call::new().param(charge_id).options(options);
        Ok(self.api.json(&ep::GET_CHARGE, call).await?.0)
    }
}

/// The query of [`Decoda::payment_table_raw`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PaymentTableQuery {
    /// Only this patient's payments.
    pub patient_id: Option<String>,
    /// Only this payment.
    pub payment_id: Option<String>,
    /// Page, from 1.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
}

impl PaymentTableQuery {
    /// Page `page` of `per_page` rows of `patient_id`'s payments.
    pub fn for_patient(patient_id: impl Into<String>, page: u32, per_page: u32) -> Self {
        PaymentTableQuery {
            patient_id: Some(patient_id.into()),
            payment_id: None,
            page,
            per_page,
        }
    }
}

/// The call of one payment-table page.
pub(crate) fn table_call<'a>(query: &PaymentTableQuery, options: &'a CallOptions) -> Call<'a> {
    let mut call = Call::new()
        .query("page", query.page.to_string())
        .query("per_page", query.per_page.to_string())
        .query("sort_direction", "desc");
    if let Some(p) = &query.patient_id {
        call = call.query("patient_id", p.clone());
    }
    if let Some(id) = &query.payment_id {
        call = call.query("id", id.clone());
    }
    call.options(options)
}

fn settle_call<'a>(
    query: &wire::SettleQuery,
    charges: &[wire::ChargeDetailInput],
    options: &'a CallOptions,
) -> Result<Call<'a>> {
    let mut call = Call::new().query("amount", query.amount.to_string());
    for id in &query.credit_ids {
        call = call.query("credit_ids", id.clone());
    }
    Ok(call.json(charges)?.options(options))
}

impl PaymentProvider for Decoda {
    fn name(&self) -> &'static str {
        NAME
    }

    fn payment_methods(&self) -> Option<&dyn PaymentMethods> {
        Some(self)
    }

    fn checkout(&self) -> Option<&dyn Checkout> {
        Some(self)
    }

    fn billing(&self) -> Option<&dyn PatientBilling> {
        Some(self)
    }

    /// Decoda's webhook verifier ([`DecodaWebhooks::new`]: raw-body HMAC with the
    /// documented re-serialization fallback).
    fn webhooks(&self) -> Option<&dyn Webhooks> {
        Some(&self.webhooks)
    }
}

/// The charge-card answer must be for what was asked and not negative.
pub(crate) fn check_charge_card(
    resp: &wire::ChargePaymentMethodResponse,
    expected: Money,
    answer: &Answer,
) -> Result<()> {
    if resp.amount < 0 {
        return Err(answer.contradicts(format!("a negative amount ({})", resp.amount)));
    }
    if resp.amount != expected.minor_units() {
        return Err(answer.contradicts(format!(
            "amount {} instead of the {} asked",
            resp.amount,
            expected.minor_units()
        )));
    }
    Ok(())
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
    fn the_handle_serves_three_capabilities() {
        let c = client();
        let caps = c.capabilities();
        assert_eq!(
            caps.to_string(),
            "payment_methods, checkout, patient_billing, webhooks"
        );
    }

    #[test]
    fn verify_phi_has_every_form() {
        // The pipeline derives the digit forms of this phone and the US form of this date
        // itself (tests/e2e.rs checks the echoes are hidden).
        let body = wire::VerifyPatient::new("p", "Rivera", "+1 (415) 555-0101", "1985-04-12");
        assert_eq!(
            verify_phi(&body),
            ["Rivera", "+1 (415) 555-0101", "1985-04-12"]
        );
        // A phone the pipeline takes for text (it hides the number inside itself), a date
        // it cannot parse: only the date's US form is added here.
        let body = wire::VerifyPatient::new("p", "Rivera", "+1 415 555 0101 (mobile)", "1985-4-12");
        assert_eq!(
            verify_phi(&body),
            [
                "Rivera",
                "+1 415 555 0101 (mobile)",
                "1985-4-12",
                "4/12/1985"
            ]
        );
    }
}
