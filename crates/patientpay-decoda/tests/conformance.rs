//! The core conformance suite against the sandbox: no request may be sent.

use patientpay_decoda::DecodaBuilder;
use patientpay_sandbox::{Sandbox, credentials};

#[tokio::test]
async fn decoda_passes_the_conformance_suite_without_io() {
    let sandbox = Sandbox::start().await.unwrap();
    let decoda = DecodaBuilder::new()
        .with_api_key(credentials::DECODA_API_KEY)
        .with_tenant(credentials::DECODA_TENANT)
        .with_base_url(sandbox.base_url())
        .build()
        .unwrap();
    patientpay_core::conformance::check_provider(&decoda).await;
    assert!(sandbox.requests().is_empty(), "{:?}", sandbox.requests());
    assert_eq!(patientpay_core::PaymentProvider::name(&decoda), "decoda");
}
