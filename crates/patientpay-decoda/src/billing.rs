//! [`PatientBilling`] for Decoda.

use futures_util::stream::{self, BoxStream, StreamExt};
use patientpay_core::domain::{
    Charge, Credit, CreditBalance, CreditBalanceRequest, ListCredits, ListPayments, Page,
    PatientBalance, PatientRef, PayWithSavedMethod, Payment, Reconcile, Reconciliation, Refund,
    RefundPayment, SettleChargesFromCredit, VerifyPatient,
};
use patientpay_core::futures_util;
use patientpay_core::pipeline::{Answer, Call};
use patientpay_core::{Error, Money, PatientBilling, Result, async_trait};

use crate::client::{Decoda, NAME, PaymentTableQuery, check_charge_card, verify_phi};
use crate::endpoints as ep;
use crate::{map, wire};

/// The page size asked for when the caller names none (Decoda's default).
pub const DEFAULT_PER_PAGE: u32 = 50;
/// Decoda's largest page.
pub const MAX_PER_PAGE: u32 = 100;

/// What paying `charges` collects: `amount`, or their payable outstanding total.
pub(crate) fn amount_to_pay(charges: &[Charge], amount: Option<Money>) -> Result<Money> {
    let mut probe = PayWithSavedMethod::new(PatientRef::id("-"), "-", charges.to_vec());
    probe.amount = amount;
    let to_pay = probe.amount_to_charge()?;
    map::check_currency("amount", to_pay)?;
    Ok(to_pay)
}

/// The payable charges all belong to `patient` (when named) and to one patient.
pub(crate) fn check_charges(charges: &[Charge], patient: Option<&PatientRef>) -> Result<()> {
    let want = match patient {
        Some(p) => Some(p.require_id(NAME)?.to_owned()),
        None => None,
    };
    let mut first: Option<&str> = want.as_deref();
    for (i, c) in charges.iter().enumerate() {
        if !(c.status.is_payable() && c.total_outstanding.is_positive()) {
            continue;
        }
        match first {
            None => first = Some(c.patient_id.as_str()),
            Some(p) if p == c.patient_id => {}
            Some(_) => {
                return Err(Error::invalid_input(
                    format!("charges[{i}].patient_id"),
                    "all charges must belong to the patient",
                ));
            }
        }
    }
    Ok(())
}

/// A settle answer must be for the amount, currency and patient asked, and not negative.
fn check_settle_answer(
    p: &wire::PaymentSummary,
    request: &SettleChargesFromCredit,
    answer: &Answer,
) -> Result<()> {
    let asked = request.amount.minor_units();
    if p.amount < 0 {
        return Err(answer.contradicts(format!("a negative amount ({})", p.amount)));
    }
    if p.amount != asked {
        return Err(answer.contradicts(format!("amount {} instead of the {asked} asked", p.amount)));
    }
    if !p
        .currency
        .eq_ignore_ascii_case(request.amount.currency().code())
    {
        return Err(answer.contradicts(format!(
            "currency {} instead of {}",
            p.currency.chars().take(8).collect::<String>(),
            request.amount.currency()
        )));
    }
    let patient = request
        .payable_charges()
        .next()
        .map(|c| c.patient_id.as_str());
    if let (Some(got), Some(want)) = (p.patient_id.as_deref(), patient)
        && got != want
    {
        return Err(answer.contradicts("the payment is for another patient"));
    }
    Ok(())
}

fn per_page(asked: Option<u32>) -> Result<u32> {
    match asked.unwrap_or(DEFAULT_PER_PAGE) {
        n @ 1..=MAX_PER_PAGE => Ok(n),
        _ => Err(Error::invalid_input(
            "per_page",
            format!("must be from 1 to {MAX_PER_PAGE}"),
        )),
    }
}

fn total_of(total: i64) -> u64 {
    u64::try_from(total).unwrap_or(0)
}

/// Where a paged stream is.
struct Cursor<R> {
    client: Decoda,
    request: R,
    page: u32,
    per_page: u32,
    seen: u64,
    done: bool,
}

/// Pages of `fetch` until a page is short, `total` is reached, or an error (yielded last).
fn paged<'a, R, T, F, Fut>(
    client: &Decoda,
    request: R,
    per_page: u32,
    fetch: F,
) -> BoxStream<'a, Result<Page<T>>>
where
    R: Clone + Send + 'a,
    T: Send + 'a,
    F: Fn(Decoda, R, u32, u32) -> Fut + Send + Sync + Copy + 'a,
    Fut: std::future::Future<Output = Result<(Vec<T>, u64)>> + Send + 'a,
{
    let start = Cursor {
        client: client.clone(),
        request,
        page: 1,
        per_page,
        seen: 0,
        done: false,
    };
    stream::unfold(start, move |mut c| async move {
        if c.done {
            return None;
        }
        let result = fetch(c.client.clone(), c.request.clone(), c.page, c.per_page).await;
        match result {
            Err(e) => {
                c.done = true;
                Some((Err(e), c))
            }
            Ok((items, total)) => {
                let n = items.len() as u64;
                c.seen = c.seen.saturating_add(n);
                let page = Page::new(items, c.page, Some(total));
                c.done = n < u64::from(c.per_page) || c.seen >= total;
                c.page = c.page.saturating_add(1);
                Some((Ok(page), c))
            }
        }
    })
    .boxed()
}

impl Decoda {
    pub(crate) async fn credits_page(
        self,
        request: ListCredits,
        page: u32,
        per_page: u32,
    ) -> Result<(Vec<Credit>, u64)> {
        let patient = request.patient.require_id(NAME)?;
        let p = self
            .credits_page_raw(
                patient,
                page,
                per_page,
                request.include_expired,
                request.include_used,
                &request.options,
            )
            .await?;
        let total = total_of(p.total);
        Ok((
            p.data.into_iter().map(map::credit_from_summary).collect(),
            total,
        ))
    }

    pub(crate) async fn payments_page(
        self,
        request: ListPayments,
        page: u32,
        per_page: u32,
    ) -> Result<(Vec<Payment>, u64)> {
        let patient = request.patient.require_id(NAME)?;
        self.table_page(
            &PaymentTableQuery::for_patient(patient, page, per_page),
            &request.options,
        )
        .await
    }

    pub(crate) async fn table_page(
        &self,
        query: &PaymentTableQuery,
        options: &patientpay_core::CallOptions,
    ) -> Result<(Vec<Payment>, u64)> {
        let call = crate::client::table_call(query, options);
        let (table, answer) = self
            .api
            .json::<wire::PaymentTable>(&ep::PAYMENT_TABLE, call)
            .await?;
        let total = total_of(table.items.total);
        let rows = table
            .items
            .data
            .into_iter()
            .map(map::payment_from_table)
            .collect::<Result<Vec<_>, String>>()
            .map_err(|d| answer.invalid(d))?;
        Ok((rows, total))
    }
}

/// What a patient owes and paying it.
///
/// - `verify_patient_balance`: `POST /billing/payment-link/verify-patient`. The balance's
///   `total_outstanding` is core's rule: the sum of the outstanding amounts of the charges
///   whose state is payable (`OUTSTANDING`); payment-plan, collections, paid... charges are
///   listed but not counted.
/// - `settle_charges_from_credit`: only the payable charges are sent (a patient on a
///   payment plan settles too); the answer must be for the amount, currency and patient
///   asked and not negative, else `OutcomeUnknown` keeping the answer.
/// - `pay_with_saved_method`: `POST /billing/payment-terminal/payin-config` (payment medium
///   `SAVED_PAYMENT_METHOD` unless the request names one: **Decoda does not document which
///   medium a saved-card charge takes**), then `POST
///   /billing/payment-terminal/charge-card/{payment_method_id}` `{payinConfigId}`, never
///   retried once it may have arrived; an answer for another amount is a contradiction.
///   The [`Payment`]'s `id` and `payin_id` are the payin id (Decoda answers no payment id),
///   `payin_config_id` is set. When the charge-card outcome is unknown the payin config id
///   is logged at debug level (`OutcomeUnknown` has no field for it yet); to always hold it
///   before money moves, start a `pay_charges` checkout and call
///   [`Decoda::pay_with_payin_config`] with its `config_id`.
/// - `refund_payment`: `POST /billing/payment/refund`; the answer's amount and payment id
///   are checked.
/// - `credit_balance`: `GET /user/patient/{id}/credit/available`.
/// - `credits`: `GET /user/patient/{id}/credit`, page by page (stops at a short page or
///   when `total` is reached; `.take(n)` requests only `n` pages).
/// - `payments`: `GET /billing/payment/table?patient_id=`, newest first, page by page.
/// - `reconcile`: see [`crate::reconcile`].
#[async_trait]
impl PatientBilling for Decoda {
    async fn verify_patient_balance(&self, request: VerifyPatient) -> Result<PatientBalance> {
        request.validate()?;
        let body = map::verify_to_wire(&request);
        let call = Call::new()
            .json(&body)?
            .options(&request.options)
            .phi(verify_phi(&body));
        // The borrowed view, not the owned model of verify_patient_raw: see wire::verified.
        let answer = self.api.send(&ep::VERIFY_PATIENT, call).await?;
        let details: map::VerifyAnswer<'_> = answer.decode()?;
        map::balance_from_verified(details).map_err(|d| answer.invalid(d))
    }

    async fn settle_charges_from_credit(
        &self,
        request: SettleChargesFromCredit,
    ) -> Result<Payment> {
        request.validate()?;
        map::check_settle(&request)?;
        let (query, body) = map::settle_to_wire(&request)?;
        let (summary, answer) = self.settle_answer(&query, &body, &request.options).await?;
        check_settle_answer(&summary, &request, &answer)?;
        map::payment_from_wire(summary).map_err(|d| answer.invalid(d))
    }

    async fn pay_with_saved_method(&self, request: PayWithSavedMethod) -> Result<Payment> {
        request.validate()?;
        let patient_id = request.patient.require_id(NAME)?;
        let amount = request.amount_to_charge()?;
        map::check_currency("amount", amount)?;
        check_charges(&request.charges, Some(&request.patient))?;
        let medium = match &request.payment_medium {
            Some(m) => {
                patientpay_core::domain::require_non_empty("payment_medium", m)?;
                wire::PaymentMedium::from_wire(m)
            }
            None => map::DEFAULT_SAVED_METHOD_MEDIUM,
        };
        let body =
            map::payin_to_wire(&request.charges, medium.clone(), Some(amount.minor_units()))?;
        let setup = self
            .create_payin_config_raw(&body, &request.options)
            .await?;
        let config_id = setup.payin_config_id;
        let (resp, answer) = self
            .charge_card_answer(&request.payment_method_id, &config_id, &request.options)
            .await?;
        check_charge_card(&resp, amount, &answer)?;
        Ok(map::payment_from_charge_card(
            resp,
            &config_id,
            &request.payment_method_id,
            patient_id,
            medium.as_str(),
        ))
    }

    async fn refund_payment(&self, request: RefundPayment) -> Result<Refund> {
        request.validate()?;
        map::check_currency("amount", request.amount)?;
        let body = map::refund_to_wire(&request);
        let (summary, answer) = self.refund_answer(&body, &request.options).await?;
        if summary.amount < 0 || summary.amount != body.amount {
            return Err(answer.contradicts(format!(
                "refund amount {} instead of the {} asked",
                summary.amount, body.amount
            )));
        }
        if summary.payment_id != body.payment_id {
            return Err(answer.contradicts("the refund is for another payment"));
        }
        Ok(map::refund_from_wire(summary))
    }

    async fn credit_balance(&self, request: CreditBalanceRequest) -> Result<CreditBalance> {
        let patient = request.patient.require_id(NAME)?;
        let r = self.credit_available_raw(patient, &request.options).await?;
        Ok(map::credit_balance_from_wire(r))
    }

    fn credits<'a>(&'a self, request: ListCredits) -> BoxStream<'a, Result<Page<Credit>>> {
        let checked =
            per_page(request.per_page).and_then(|n| request.patient.require_id(NAME).map(|_| n));
        match checked {
            Err(e) => stream::once(async move { Err(e) }).boxed(),
            Ok(n) => paged(self, request, n, |c, r, page, per| {
                c.credits_page(r, page, per)
            }),
        }
    }

    fn payments<'a>(&'a self, request: ListPayments) -> BoxStream<'a, Result<Page<Payment>>> {
        let checked =
            per_page(request.per_page).and_then(|n| request.patient.require_id(NAME).map(|_| n));
        match checked {
            Err(e) => stream::once(async move { Err(e) }).boxed(),
            Ok(n) => paged(self, request, n, |c, r, page, per| {
                c.payments_page(r, page, per)
            }),
        }
    }

    async fn reconcile(&self, request: Reconcile) -> Result<Reconciliation> {
        crate::reconcile::reconcile(self, request).await
    }
}
