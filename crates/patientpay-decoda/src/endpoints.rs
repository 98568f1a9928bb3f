//! Every Decoda endpoint the crate calls, declared once: method, path template (`:name`
//! segments are path parameters, checked and encoded by the pipeline), retry safety and
//! whether it moves money. Nothing else in the crate builds a URL, sets a timeout, retries
//! or sleeps: [`patientpay_core::pipeline::Api`] runs these declarations.

use patientpay_core::Operation;
use patientpay_core::pipeline::{Endpoint, RetrySafety};

/// `POST /billing/payment-link/verify-patient`: an identity check that changes nothing,
/// so it is retried like a read.
pub const VERIFY_PATIENT: Endpoint = Endpoint::post(
    Operation::VerifyPatientBalance,
    &["billing", "payment-link", "verify-patient"],
    RetrySafety::Idempotent,
);

/// `POST /billing/payment-terminal/charge/create-patient-credit-settled?amount=&credit_ids=`.
/// Moves money.
pub const SETTLE_FROM_CREDIT: Endpoint = Endpoint::post(
    Operation::SettleChargesFromCredit,
    &[
        "billing",
        "payment-terminal",
        "charge",
        "create-patient-credit-settled",
    ],
    RetrySafety::NotIdempotent,
)
.moves_money();

/// `GET /billing/payment/methods?patient_id=`.
pub const LIST_PAYMENT_METHODS: Endpoint = Endpoint::get(
    Operation::ListPaymentMethods,
    &["billing", "payment", "methods"],
);

/// `POST /user/patient/payment-methods/create?patient_id=`: creates a record, so it is not
/// retried once it may have arrived (Decoda documents no deduplication).
pub const CREATE_PAYMENT_METHOD: Endpoint = Endpoint::post(
    Operation::AddPaymentMethod,
    &["user", "patient", "payment-methods", "create"],
    RetrySafety::NotIdempotent,
);

/// `DELETE /user/patient/payment-methods/{payment_method_id}?patient_id=` (archives). A
/// 404 to a retry is "already removed".
pub const ARCHIVE_PAYMENT_METHOD: Endpoint = Endpoint::delete(
    Operation::RemovePaymentMethod,
    &["user", "patient", "payment-methods", ":payment_method_id"],
);

/// `POST /billing/payment-terminal/payin-config`: creates a component session. It moves
/// no money (an unused payin config charges nothing), so a repeat is harmless and it is
/// retried like a read.
pub const CREATE_PAYIN_CONFIG: Endpoint = Endpoint::post(
    Operation::CreatePayinConfig,
    &["billing", "payment-terminal", "payin-config"],
    RetrySafety::Idempotent,
);

/// `POST /billing/payment-terminal/charge-card/{payment_method_id}`. Moves money.
pub const CHARGE_CARD: Endpoint = Endpoint::post(
    Operation::PayWithSavedMethod,
    &[
        "billing",
        "payment-terminal",
        "charge-card",
        ":payment_method_id",
    ],
    RetrySafety::NotIdempotent,
)
.moves_money();

/// `GET /billing/payment-links?phone_number=`.
pub const PAYMENT_LINKS: Endpoint =
    Endpoint::get(Operation::FindPaymentLinks, &["billing", "payment-links"]);

/// `POST /billing/payment/refund`. Moves money.
pub const REFUND: Endpoint = Endpoint::post(
    Operation::RefundPayment,
    &["billing", "payment", "refund"],
    RetrySafety::NotIdempotent,
)
.moves_money();

/// `GET /user/patient/{patient_id}/credit/available`.
pub const CREDIT_AVAILABLE: Endpoint = Endpoint::get(
    Operation::CreditBalance,
    &["user", "patient", ":patient_id", "credit", "available"],
);

/// `GET /user/patient/{patient_id}/credit?page=&per_page=&include_expired=&include_used=`.
pub const CREDITS: Endpoint = Endpoint::get(
    Operation::ListCredits,
    &["user", "patient", ":patient_id", "credit"],
);

/// `GET /billing/payment/table?patient_id=&page=&per_page=&sort_direction=`.
pub const PAYMENT_TABLE: Endpoint =
    Endpoint::get(Operation::ListPayments, &["billing", "payment", "table"]);

/// `GET /billing/charge/get/{id}`.
pub const GET_CHARGE: Endpoint =
    Endpoint::get(Operation::GetCharge, &["billing", "charge", "get", ":id"]);

/// Every endpoint, for the crate docs' table and tests.
pub const ALL: &[&Endpoint] = &[
    &VERIFY_PATIENT,
    &SETTLE_FROM_CREDIT,
    &LIST_PAYMENT_METHODS,
    &CREATE_PAYMENT_METHOD,
    &ARCHIVE_PAYMENT_METHOD,
    &CREATE_PAYIN_CONFIG,
    &CHARGE_CARD,
    &PAYMENT_LINKS,
    &REFUND,
    &CREDIT_AVAILABLE,
    &CREDITS,
    &PAYMENT_TABLE,
    &GET_CHARGE,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_endpoints_are_marked_and_never_idempotent() {
        for e in ALL {
            let money = [
                Operation::SettleChargesFromCredit,
                Operation::PayWithSavedMethod,
                Operation::RefundPayment,
            ]
            .contains(&e.operation);
            assert_eq!(e.is_money_moving(), money, "{:?}", e.operation);
            if money {
                assert_eq!(e.safety, RetrySafety::NotIdempotent);
            }
        }
    }
}
