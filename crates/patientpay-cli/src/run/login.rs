//! `login`: a CarePortals patient login (an inherent method of its client).

use patientpay::Operation;
use patientpay::secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::input::flag_for_field;
use super::{Failure, rfc3339, unsupported, usage};
use crate::cli::LoginArgs;
use crate::providers::Client;

/// A login, validated.
pub(super) struct Login {
    username: String,
    password: SecretString,
    show_token: bool,
}

/// `login`: the password from `--password-stdin` (first line of stdin) or
/// `CAREPORTALS_PASSWORD`; never from a flag, so it stays out of shell history and `ps`.
pub(super) fn parse(args: &LoginArgs) -> Result<Login, Failure> {
    let username = args.username.trim();
    if username.is_empty() {
        return Err(usage("invalid input for `--username`: must not be empty"));
    }
    let password = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map_err(|e| {
            usage(format!(
                "invalid input for `--password-stdin`: cannot read stdin: {e}"
            ))
        })?;
        let password = line.trim_end_matches(['\n', '\r']).to_owned();
        if password.is_empty() {
            return Err(usage(
                "invalid input for `--password-stdin`: stdin held no password (pass it as the first line)",
            ));
        }
        password
    } else {
        match std::env::var(patientpay::careportals::ENV_PASSWORD) {
            Ok(p) if !p.is_empty() => p,
            _ => {
                return Err(usage(
                    "no password: set CAREPORTALS_PASSWORD or pass --password-stdin, e.g. \
                     `printf '%s\\n' \"$PW\" | patientpay login --username U --password-stdin`",
                ));
            }
        }
    };
    Ok(Login {
        username: username.to_owned(),
        password: SecretString::from(password),
        show_token: args.show_token,
    })
}

pub(super) async fn execute(client: &Client, login: Login) -> Result<Value, Failure> {
    let Login {
        username,
        password,
        show_token,
    } = login;
    let Client::CarePortals(cp) = client else {
        return Err(unsupported(client.provider(), Operation::Login));
    };
    let session = cp.login(username, password).await.map_err(flag_for_field)?;
    let mut out = json!({});
    if let Some(id) = &session.patient_id {
        out["patient_id"] = json!(id);
    }
    if let Some(t) = session.expires_at {
        out["expires_at"] = rfc3339(t)?;
    }
    if show_token {
        // Asked for explicitly: the token acts as the patient. Never logged.
        out["token"] = json!(session.token().expose_secret());
    }
    Ok(out)
}
