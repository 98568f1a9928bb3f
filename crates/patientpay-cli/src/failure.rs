//! A failed command: the one line for stderr and its exit code (1 failed, 2 usage, 3 outcome
//! unknown), shared by every command.

use patientpay::Error;

/// A failed command: the one line for stderr and the exit code.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: u8,
}

/// Exit code of a money call whose outcome is unknown.
pub const EXIT_OUTCOME_UNKNOWN: u8 = 3;

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        let code = if e.is_outcome_unknown() {
            EXIT_OUTCOME_UNKNOWN
        } else if e.is_usage() {
            2
        } else {
            1
        };
        let message = if e.is_outcome_unknown() {
            format!("{e}; {}", e.next_step())
        } else if let Some(example) = credential_example(&e) {
            match &e {
                // The SDK's sentence names its builder methods; the CLI user has the variable.
                Error::Config { setting, reason }
                    if setting == "CAREPORTALS_TOKEN" && reason.contains("acts for no patient") =>
                {
                    format!(
                        "configuration error in CAREPORTALS_TOKEN: is not set (CarePortals calls act for the patient whose JWT it is); e.g. {example}"
                    )
                }
                _ => format!("{e}; e.g. {example}"),
            }
        } else {
            e.to_string()
        };
        Failure { message, code }
    }
}

/// One example line for a missing or bad credential setting (issue: the CLI names the
/// variable to set and shows how).
fn credential_example(e: &Error) -> Option<&'static str> {
    let Error::Config { setting, .. } = e else {
        return None;
    };
    Some(match setting.as_ref() {
        "CAREPORTALS_TOKEN" => {
            "`export CAREPORTALS_TOKEN=<the patient's JWT>` (or get one: `patientpay login --username U --show-token`)"
        }
        "CAREPORTALS_ORIGIN" | "CAREPORTALS_ORGANIZATION" => {
            "`export CAREPORTALS_ORGANIZATION=your_org` or `export CAREPORTALS_ORIGIN=https://your-portal.portals.care`"
        }
        "CAREVALIDATE_API_KEY" => "`export CAREVALIDATE_API_KEY=<your organization's cv-api-key>`",
        "DECODA_API_KEY" => "`export DECODA_API_KEY=<your API key>`",
        "DECODA_TENANT" => "`export DECODA_TENANT=<your tenant id>`",
        _ => return None,
    })
}

/// A usage error (exit 2) with `message`.
pub fn usage(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        code: 2,
    }
}
