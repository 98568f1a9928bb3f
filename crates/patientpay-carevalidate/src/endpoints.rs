//! Every CareValidate endpoint, declared once: method, path template, retry safety, and
//! whether it moves money. Nothing else in this crate builds a URL, sets a timeout or
//! retries; the core pipeline runs these declarations.
//!
//! | endpoint | retry safety | money |
//! |---|---|---|
//! | `POST /api/v1/payments/intent` | not idempotent | yes |
//! | `POST /api/v1/payments/setup` | not idempotent | no |
//! | `POST /api/v1/users` (`UPDATE_PAYMENT_INFO`) | not idempotent | no |
//! | `POST /api/v1/complete-payment-setup` | not idempotent | no |
//! | `POST /api/v1/cases/:caseId/payments` | idempotency key | yes |
//! | `POST /api/v1/customer-payment-confirmation` | idempotency key | yes |

use patientpay_core::Operation;
use patientpay_core::pipeline::{Endpoint, RetrySafety};

/// `POST /api/v1/payments/intent`: a Stripe payment intent. Money-moving (its secret lets
/// the browser charge the amount); never retried once it may have arrived.
pub const CREATE_PAYMENT_INTENT: Endpoint = Endpoint::post(
    Operation::CreatePaymentIntent,
    &["api", "v1", "payments", "intent"],
    RetrySafety::NotIdempotent,
)
.moves_money();

/// `POST /api/v1/payments/setup`: a Stripe setup intent (save a card for later). A
/// repeat would create a second setup intent, so it is not retried after it may have
/// arrived; no money moves.
pub const CREATE_SETUP_INTENT: Endpoint = Endpoint::post(
    Operation::CreateSetupIntent,
    &["api", "v1", "payments", "setup"],
    RetrySafety::NotIdempotent,
);

/// `POST /api/v1/users` with `action: UPDATE_PAYMENT_INFO` (wave 1, for NMI users).
pub const UPDATE_PAYMENT_INFO: Endpoint = Endpoint::post(
    Operation::UpdatePaymentInfo,
    &["api", "v1", "users"],
    RetrySafety::NotIdempotent,
);

/// `POST /api/v1/complete-payment-setup`: finalizes a setup intent and links the saved
/// method and shipping address to the user's cases. Whether a repeat is harmless is not
/// documented, so it is not retried after it may have arrived.
pub const COMPLETE_PAYMENT_SETUP: Endpoint = Endpoint::post(
    Operation::CompletePaymentSetup,
    &["api", "v1", "complete-payment-setup"],
    RetrySafety::NotIdempotent,
);

/// `POST /api/v1/cases/:caseId/payments`: a payment on a case. Money-moving, and carries
/// an `idempotencyKey` the vendor deduplicates on (per organization): the same key goes on
/// every attempt, so it is retried after a 5xx or a reset too.
pub const CREATE_CASE_PAYMENT: Endpoint = Endpoint::post(
    Operation::CreateCasePayment,
    &["api", "v1", "cases", ":caseId", "payments"],
    RetrySafety::IdempotencyKeyed,
)
.moves_money();

/// `POST /api/v1/customer-payment-confirmation`: confirms a payment made outside
/// CareValidate for a case. Money-moving, with an `idempotencyKey` like case payments.
pub const CONFIRM_CUSTOMER_PAYMENT: Endpoint = Endpoint::post(
    Operation::ConfirmCustomerPayment,
    &["api", "v1", "customer-payment-confirmation"],
    RetrySafety::IdempotencyKeyed,
)
.moves_money();

/// Every endpoint of this crate.
pub const ALL: &[&Endpoint] = &[
    &CREATE_PAYMENT_INTENT,
    &CREATE_SETUP_INTENT,
    &UPDATE_PAYMENT_INFO,
    &COMPLETE_PAYMENT_SETUP,
    &CREATE_CASE_PAYMENT,
    &CONFIRM_CUSTOMER_PAYMENT,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_endpoints_are_marked() {
        let money: Vec<_> = ALL
            .iter()
            .filter(|e| e.is_money_moving())
            .map(|e| e.operation)
            .collect();
        assert_eq!(
            money,
            [
                Operation::CreatePaymentIntent,
                Operation::CreateCasePayment,
                Operation::ConfirmCustomerPayment
            ]
        );
        for e in ALL {
            let keyed = e.safety == RetrySafety::IdempotencyKeyed;
            assert_eq!(
                keyed,
                matches!(
                    e.operation,
                    Operation::CreateCasePayment | Operation::ConfirmCustomerPayment
                ),
                "{:?}",
                e.operation
            );
        }
    }
}
