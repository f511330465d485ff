//! `tandem signin`, `accounts`, `signout`.

use std::time::Duration;

use serde::Serialize;
use tandem_api::accounts::Method;
use tandem_api::{Cancel, Error};
use tandem_i18n::Language;
use tandem_identity::{Account, MicrosoftAccountKind};

use crate::output::{Output, tell};
use crate::{SigninArgs, tables};

/// Who the account is, for a sentence: `say` escapes it.
fn describe(account: &Account) -> String {
    let who = account
        .username
        .clone()
        .unwrap_or_else(|| account.key().to_string());
    match &account.name {
        Some(name) => format!("{who} ({name})"),
        None => who,
    }
}

fn kind_word(language: Language, kind: MicrosoftAccountKind) -> &'static str {
    match kind {
        MicrosoftAccountKind::Work => language.text("cli.kind.work"),
        MicrosoftAccountKind::Personal => language.text("cli.kind.personal"),
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
    let language = out.language();
    let key = match account.kind {
        MicrosoftAccountKind::Work => "cli.signed_in.work",
        MicrosoftAccountKind::Personal => "cli.signed_in.personal",
    };
    out.show(&account, |text| {
        tell(text, language, key, &[("account", &describe(&account))])
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
    let language = out.language();
    out.show(&accounts, |text| {
        if accounts.accounts.is_empty() {
            return writeln!(text, "{}", language.text("cli.accounts.none"));
        }
        let rows: Vec<Vec<String>> = accounts
            .accounts
            .iter()
            .map(|account| {
                vec![
                    kind_word(language, account.kind).to_owned(),
                    account.username.clone().unwrap_or_else(|| "-".into()),
                    account.name.clone().unwrap_or_default(),
                ]
            })
            .collect();
        writeln!(
            text,
            "{}",
            tables::render(
                &[
                    language.text("cli.column.kind"),
                    language.text("cli.column.account"),
                    language.text("cli.column.name"),
                ],
                &rows
            )
        )
    })
}

pub fn sign_out(out: &mut Output, query: &str) -> Result<(), Error> {
    let account = tandem_api::accounts::sign_out(&super::locations()?, query)?;
    let language = out.language();
    out.show(&account, |text| {
        tell(
            text,
            language,
            "cli.signed_out",
            &[
                ("account", &describe(&account)),
                ("kind", kind_word(language, account.kind)),
            ],
        )
    })
}
