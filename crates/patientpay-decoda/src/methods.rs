//! [`PaymentMethods`] and [`Checkout`] for Decoda.

use patientpay_core::domain::{
    AddPaymentMethod, CheckoutPurpose, CheckoutSession, ListPaymentMethods, PatientRef,
    PaymentMethodSource, Processor, RemovePaymentMethod, RemovedPaymentMethod, SavedPaymentMethod,
    StartCheckout,
};
use patientpay_core::pipeline::Call;
use patientpay_core::{Checkout, Error, PaymentMethods, Result, async_trait};

use crate::client::{Decoda, NAME};
use crate::endpoints as ep;
use crate::{map, wire};

fn patient_id(patient: &Option<PatientRef>) -> Result<&str> {
    match patient {
        Some(p) => p.require_id(NAME),
        None => Err(Error::invalid_input(
            "patient",
            "Decoda needs the patient: use .for_patient(PatientRef::id(..))",
        )),
    }
}

/// Saved payment methods by patient id ([`PatientRef::Id`]; a token is refused with
/// `InvalidInput` for `patient`).
///
/// - list: `GET /billing/payment/methods?patient_id=` (Decoda leaves archived ones out).
/// - add: `POST /user/patient/payment-methods/create?patient_id=` with the Rainforest
///   payment-method object, from
///   [`AddPaymentMethod::from_processor_object`]`(Processor::Rainforest, object)`: the
///   object must have every field of the spec's `RainforestPaymentMethod` (checked before
///   sending, `InvalidInput` for `payment_method`) and is sent as given. A token source is
///   refused (`InvalidInput` for `payment_method`): Decoda needs the Rainforest object.
///   The answer's `fingerprint` is the object's (Decoda's summary has none).
/// - remove: `DELETE /user/patient/payment-methods/{id}?patient_id=` archives the method
///   and answers a boolean: `false` is an error (`Vendor`, HTTP 200), a 404 to a retry is
///   `already_removed`.
#[async_trait]
impl PaymentMethods for Decoda {
    async fn list_payment_methods(
        &self,
        request: ListPaymentMethods,
    ) -> Result<Vec<SavedPaymentMethod>> {
        let patient = patient_id(&request.patient)?;
        let list = self
            .list_payment_methods_raw(patient, &request.options)
            .await?;
        Ok(list
            .into_iter()
            .filter(|m| !m.is_archived)
            .map(map::saved_method_from_wire)
            .collect())
    }

    async fn add_payment_method(&self, request: AddPaymentMethod) -> Result<SavedPaymentMethod> {
        request.validate()?;
        let object = match &request.source {
            PaymentMethodSource::ProcessorObject { processor, object }
                if *processor == Processor::Rainforest =>
            {
                object
            }
            PaymentMethodSource::ProcessorObject { processor, .. } => {
                return Err(Error::invalid_input(
                    "payment_method",
                    format!("Decoda saves Rainforest payment-method objects, not {processor} ones"),
                ));
            }
            _ => {
                return Err(Error::invalid_input(
                    "payment_method",
                    "Decoda needs the Rainforest payment-method object \
                     (AddPaymentMethod::from_processor_object(Processor::Rainforest, ..)), not a token",
                ));
            }
        };
        let patient = patient_id(&request.patient)?;
        let typed = map::rainforest_object(object)?;
        let phi = map::rainforest_phi(&typed);
        let summary = self
            .create_payment_method_raw(patient, object.as_map(), phi, &request.options)
            .await?;
        let mut saved = map::saved_method_from_wire(summary);
        if saved.fingerprint.is_none() {
            saved.fingerprint = typed.fingerprint;
        }
        if saved.funding.is_none() {
            saved.funding = typed.card.map(|c| c.card_type.to_ascii_lowercase());
        }
        Ok(saved)
    }

    async fn remove_payment_method(
        &self,
        request: RemovePaymentMethod,
    ) -> Result<RemovedPaymentMethod> {
        request.validate()?;
        patientpay_core::domain::check_id("id", &request.id)?;
        let patient = patient_id(&request.patient)?;
        let call = Call::new()
            .param(&request.id)
            .query("patient_id", patient)
            .options(&request.options);
        let answer = self.api.send(&ep::ARCHIVE_PAYMENT_METHOD, call).await?;
        let mut removed = RemovedPaymentMethod::new(request.id.clone());
        if answer.already_gone() {
            removed.already_removed = true;
            return Ok(removed);
        }
        match answer.decode::<bool>()? {
            true => Ok(removed),
            false => Err(answer.vendor_failure(Some(
                "Decoda answered false: the payment method was not archived".to_owned(),
            ))),
        }
    }
}

/// Checkout sessions:
///
/// - [`CheckoutPurpose::PayCharges`] → `POST /billing/payment-terminal/payin-config` with
///   `paymentMedium` `PAYMENT_LINK` (the patient pays in the browser component), the
///   payable charges (as verify returned them) as `ChargeSummary-Input` and `paymentAmount`
///   → [`CheckoutSession::ComponentSession`] (session key, payin config id, sandbox flag,
///   amount). Keep `config_id`: it reconciles the payment.
/// - [`CheckoutPurpose::PayOutstanding`] → `GET /billing/payment-links?phone_number=` →
///   [`CheckoutSession::HostedPage`]. Decoda answers a list (one link per patient with that
///   phone, the docs do not say more): the first with a positive outstanding amount is
///   taken; none → [`Error::Vendor`] (HTTP 200) "no payment link with anything
///   outstanding".
/// - `Pay` and `SaveForLater` → `InvalidInput` for `purpose` naming the two above.
#[async_trait]
impl Checkout for Decoda {
    async fn start_checkout(&self, request: StartCheckout) -> Result<CheckoutSession> {
        match &request.purpose {
            CheckoutPurpose::PayCharges { charges, amount } => {
                let to_pay = crate::billing::amount_to_pay(charges, *amount)?;
                crate::billing::check_charges(charges, request.patient.as_ref())?;
                let body =
                    map::payin_to_wire(charges, map::CHECKOUT_MEDIUM, Some(to_pay.minor_units()))?;
                let setup = self
                    .create_payin_config_raw(&body, &request.options)
                    .await?;
                Ok(map::component_session(setup, Some(to_pay)))
            }
            CheckoutPurpose::PayOutstanding { phone } => {
                patientpay_core::domain::require_non_empty("phone", phone)?;
                let mut phi = vec![phone.clone()];
                phi.extend(crate::client::phone_forms(phone));
                let call = Call::new()
                    .query("phone_number", phone.as_str())
                    .options(&request.options)
                    .phi(phi);
                let (links, answer) = self
                    .api
                    .json::<Vec<wire::PublicInvoiceSummary>>(&ep::PAYMENT_LINKS, call)
                    .await?;
                map::hosted_page(links).ok_or_else(|| {
                    answer.vendor_failure(Some(
                        "Decoda has no payment link with anything outstanding for this phone"
                            .to_owned(),
                    ))
                })
            }
            _ => Err(request.unsupported_purpose(NAME, &["pay_charges", "pay_outstanding"])),
        }
    }
}
