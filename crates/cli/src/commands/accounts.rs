//! `tandem signin`, `accounts`, `signout`.

use std::time::Duration;

use serde::Serialize;
use tandem_api::accounts::Method;
use tandem_api::{Cancel, Error};
use tandem_identity::{Account, MicrosoftAccountKind};
use tandem_text::Escaped;

use crate::output::Output;
use crate::{SigninArgs, tables};

fn describe(account: &Account) -> String {
    let who = account
        .username
        .clone()
        .unwrap_or_else(|| account.key().to_string());
    match &account.name {
        Some(name) => format!("{} ({})", Escaped(&who), Escaped(name)),
        None => Escaped(&who).to_string(),
    }
}

pub fn sign_in(out: &mut Output, args: &SigninArgs) -> Result<(), Error> {
    let kind = if args.kind.personal {
        MicrosoftAccountKind::Personal
    } else {
        MicrosoftAccountKind::Work
    };
    let method = if args.device_code {
        Method::DeviceCode
    } else {
        Method::Browser
    };
    let account = tandem_api::accounts::sign_in(
        &super::locations()?,
        kind,
        method,
        Duration::from_secs(args.timeout.timeout),
        &Cancel::new(),
        &super::show_progress(out),
    )?;
    out.show(&account, |text| {
        writeln!(
            text,
            "Signed in to the {} account {}.",
            account.kind.as_str(),
            describe(&account)
        )
    })
}

#[derive(Serialize)]
struct Accounts {
    accounts: Vec<Account>,
}

pub fn list(out: &mut Output) -> Result<(), Error> {
    let accounts = Accounts {
        accounts: tandem_api::accounts::list(&super::locations()?)?,
    };
    out.show(&accounts, |text| {
        if accounts.accounts.is_empty() {
            return writeln!(
                text,
                "No accounts. Sign in with `tandem signin --personal` or `--work`."
            );
        }
        let rows: Vec<Vec<String>> = accounts
            .accounts
            .iter()
            .map(|account| {
                vec![
                    account.kind.as_str().to_owned(),
                    account.username.clone().unwrap_or_else(|| "-".into()),
                    account.name.clone().unwrap_or_default(),
                ]
            })
            .collect();
        writeln!(
            text,
            "{}",
            tables::render(&["KIND", "ACCOUNT", "NAME"], &rows)
        )
    })
}

pub fn sign_out(out: &mut Output, query: &str) -> Result<(), Error> {
    let account = tandem_api::accounts::sign_out(&super::locations()?, query)?;
    out.show(&account, |text| {
        writeln!(
            text,
            "Signed out {} ({}).",
            describe(&account),
            account.kind.as_str()
        )
    })
}
