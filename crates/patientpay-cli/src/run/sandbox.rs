//! `sandbox`: the embedded sandbox on a local port, with a copy-paste line per capability.

use std::net::SocketAddr;

use super::{Failure, usage};

pub(super) async fn run(port: u16, seed: Option<&std::path::Path>) -> Result<(), Failure> {
    let seed = match seed {
        Some(path) => patientpay_sandbox::Seed::from_json_file(path).map_err(|e| {
            usage(format!(
                "invalid input for `--seed`: {}: {e}",
                path.display()
            ))
        })?,
        None => patientpay_sandbox::Seed::default(),
    };
    let sandbox = patientpay_sandbox::Sandbox::start_on(
        SocketAddr::from(([127, 0, 0, 1], port)),
        seed.clone(),
    )
    .await
    .map_err(|e| Failure {
        message: format!("cannot start the sandbox on 127.0.0.1:{port}: {e}"),
        code: 1,
    })?;
    let info = crate::demo::sandbox_info(&sandbox, &seed);
    println!(
        "{}",
        serde_json::to_string_pretty(&info).unwrap_or_default()
    );
    let base = sandbox.base_url();
    let c = patientpay_sandbox::credentials::DECODA_API_KEY;
    let t = patientpay_sandbox::credentials::DECODA_TENANT;
    let cv = patientpay_sandbox::credentials::CAREVALIDATE_API_KEY;
    let token = patientpay_sandbox::credentials::CAREPORTALS_TOKEN;
    let origin = patientpay_sandbox::credentials::CAREPORTALS_ORIGIN;
    let user = patientpay_sandbox::credentials::CAREPORTALS_USERNAME;
    let password = patientpay_sandbox::credentials::CAREPORTALS_PASSWORD;
    let decoda = format!("DECODA_API_KEY={c} DECODA_TENANT={t} patientpay --base-url {base}");
    let carevalidate = format!("CAREVALIDATE_API_KEY={cv} patientpay --base-url {base}");
    let careportals = format!(
        "CAREPORTALS_TOKEN={token} CAREPORTALS_ORIGIN={origin} patientpay --base-url {base}"
    );
    eprintln!(
        "sandbox listening on {base} (all three vendors); try, in another shell:\n  \
         # patient billing (Decoda)\n  \
         {decoda} patients verify --patient-id pat_1001 --last-name Rivera --phone +14155550101 --dob 1985-04-12\n  \
         {decoda} patients credit --patient-id pat_1001\n  \
         # payment methods (Decoda, CarePortals)\n  \
         {decoda} payment-methods list --provider decoda --patient-id pat_1001\n  \
         {careportals} payment-methods list --provider careportals\n  \
         # checkout (CareValidate, Decoda)\n  \
         {carevalidate} checkout start --amount 19.99\n  \
         {decoda} checkout start --phone +14155550101\n  \
         # CareValidate case payments\n  \
         {carevalidate} cases pay --case-id 3c9a7f2e-1b4d-4e8a-9f6b-000000000001 --amount 49.00 --description refill\n  \
         # CarePortals login\n  \
         CAREPORTALS_PASSWORD={password} CAREPORTALS_ORIGIN={origin} patientpay --base-url {base} login --username {user}\n\
         Ctrl-C stops it."
    );
    let _ = tokio::signal::ctrl_c().await;
    eprintln!("stopping the sandbox");
    sandbox.shutdown().await;
    Ok(())
}
