//! [`Operation`]: the name of one vendor operation in errors and traces. A leaf module, so
//! that `error` can name operations without depending on `provider`.

use std::fmt;

/// One operation of a capability or of a vendor client, as named in errors and traces.
macro_rules! operations {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal; )*) => {
        /// One vendor operation, as named in errors and traces.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Operation {
            $( $(#[$doc])* $variant, )*
        }

        impl Operation {
            /// Every operation.
            pub const ALL: &'static [Operation] = &[$(Operation::$variant),*];

            /// The snake_case name (`"create_payment_intent"`).
            pub const fn as_str(self) -> &'static str {
                match self { $(Operation::$variant => $name,)* }
            }
        }
    };
}

operations! {
    /// List a patient's saved payment methods.
    ListPaymentMethods = "list_payment_methods";
    /// Save a new payment method for a patient.
    AddPaymentMethod = "add_payment_method";
    /// Remove a saved payment method.
    RemovePaymentMethod = "remove_payment_method";
    /// Start a checkout.
    StartCheckout = "start_checkout";
    /// Create a payment intent whose client secret goes to the browser.
    CreatePaymentIntent = "create_payment_intent";
    /// Create a setup intent (save a card for later).
    CreateSetupIntent = "create_setup_intent";
    /// Finish a payment setup and link the shipping address.
    CompletePaymentSetup = "complete_payment_setup";
    /// Update a user's saved payment setup and shipping address.
    UpdatePaymentInfo = "update_payment_info";
    /// Create a payment for a case.
    CreateCasePayment = "create_case_payment";
    /// Confirm a payment made outside the vendor.
    ConfirmCustomerPayment = "confirm_customer_payment";
    /// Verify a patient's identity and read their outstanding balance.
    VerifyPatientBalance = "verify_patient_balance";
    /// Settle charges from the patient's credit balance.
    SettleChargesFromCredit = "settle_charges_from_credit";
    /// Create a payin configuration (a component session).
    CreatePayinConfig = "create_payin_config";
    /// Charge a saved payment method.
    PayWithSavedMethod = "pay_with_saved_method";
    /// Find the hosted payment links of a phone number.
    FindPaymentLinks = "find_payment_links";
    /// Refund a payment.
    RefundPayment = "refund_payment";
    /// Read a patient's available credit.
    CreditBalance = "credit_balance";
    /// List a patient's credits.
    ListCredits = "list_credits";
    /// List a patient's payments.
    ListPayments = "list_payments";
    /// Read one charge.
    GetCharge = "get_charge";
    /// Reconcile a money call.
    Reconcile = "reconcile";
    /// Log a patient in.
    Login = "login";
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
