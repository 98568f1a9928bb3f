//! Every CarePortals endpoint, declared once. Nothing else in this crate builds a URL, sets
//! a timeout or retries: the core pipeline runs these declarations.
//!
//! | endpoint | retry safety |
//! |---|---|
//! | `GET /users/payment-methods` | idempotent (a read) |
//! | `POST /v2/users/payment-methods` | not idempotent: a repeated save of a Stripe test token or an NMI token saves a second method |
//! | `DELETE /v2/users/payment-methods/:id` | idempotent removal: a 404 answering a retry counts as removed |
//! | `POST /auth/login` (configurable) | idempotent: a login changes nothing but issuing a token |
//!
//! None moves money: CarePortals' payment-method calls save or remove a card, they do not
//! charge it.

use patientpay_core::Operation;
use patientpay_core::pipeline::{Endpoint, RetrySafety};

/// `GET /users/payment-methods`: the patient's saved methods.
pub(crate) const LIST_PAYMENT_METHODS: Endpoint =
    Endpoint::get(Operation::ListPaymentMethods, &["users", "payment-methods"]);

/// `POST /v2/users/payment-methods` `{"paymentMethodId"}`: save a method.
pub(crate) const ADD_PAYMENT_METHOD: Endpoint = Endpoint::post(
    Operation::AddPaymentMethod,
    &["v2", "users", "payment-methods"],
    RetrySafety::NotIdempotent,
);

/// `DELETE /v2/users/payment-methods/:id`: remove a method.
pub(crate) const REMOVE_PAYMENT_METHOD: Endpoint = Endpoint::delete(
    Operation::RemovePaymentMethod,
    &["v2", "users", "payment-methods", ":id"],
);

/// The patient login, whose path is configurable (the vendor's pages and a live
/// integration disagree): one declaration per path length, the configured segments passed
/// as parameters (each checked and encoded as one segment, like any path parameter).
static LOGIN_1: Endpoint = Endpoint::post(Operation::Login, &[":s1"], RetrySafety::Idempotent);
static LOGIN_2: Endpoint =
    Endpoint::post(Operation::Login, &[":s1", ":s2"], RetrySafety::Idempotent);
static LOGIN_3: Endpoint = Endpoint::post(
    Operation::Login,
    &[":s1", ":s2", ":s3"],
    RetrySafety::Idempotent,
);
static LOGIN_4: Endpoint = Endpoint::post(
    Operation::Login,
    &[":s1", ":s2", ":s3", ":s4"],
    RetrySafety::Idempotent,
);

/// The most segments a login path may have.
pub(crate) const MAX_LOGIN_SEGMENTS: usize = 4;

/// The login declaration for a path of `segments` segments (1 to [`MAX_LOGIN_SEGMENTS`]).
pub(crate) fn login(segments: usize) -> Option<&'static Endpoint> {
    match segments {
        1 => Some(&LOGIN_1),
        2 => Some(&LOGIN_2),
        3 => Some(&LOGIN_3),
        4 => Some(&LOGIN_4),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations() {
        assert!(!LIST_PAYMENT_METHODS.is_money_moving());
        assert_eq!(ADD_PAYMENT_METHOD.safety, RetrySafety::NotIdempotent);
        assert_eq!(REMOVE_PAYMENT_METHOD.method, http::Method::DELETE);
        for n in 1..=MAX_LOGIN_SEGMENTS {
            let e = login(n).unwrap();
            assert_eq!(e.path.len(), n);
            assert!(e.path.iter().all(|s| s.starts_with(':')));
        }
        assert!(login(0).is_none() && login(5).is_none());
    }
}
