//! `tandem profiles [--watch]`.

use std::io::Write;

use tandem_api::Error;
use tandem_i18n::Language;
use tandem_profiles::{AccountKind, Snapshot};

use crate::output::Output;
use crate::tables;

pub fn list(out: &mut Output, watch: bool) -> Result<(), Error> {
    let locations = super::locations()?;
    if watch {
        return watch_profiles(out, &locations);
    }
    let snapshot = tandem_api::profiles::discover(&locations);
    let language = out.language();
    for source in &snapshot.unreadable {
        out.notice(&source.notice().in_language(language));
    }
    out.show(&snapshot, |text| write_table(text, &snapshot, language))
}

/// Prints one JSON line per change until interrupted or stdout closes.
fn watch_profiles(out: &mut Output, locations: &tandem_locations::Locations) -> Result<(), Error> {
    let (sender, events) = std::sync::mpsc::channel();
    let _watcher = tandem_profiles::watch::ProfileWatcher::start(
        locations.user_roots().clone(),
        tandem_profiles::watch::DEFAULT_DEBOUNCE,
        move |event| {
            let _ = sender.send(event);
        },
    )
    .map_err(Error::internal)?;
    out.notice(out.language().text("cli.profiles.watching"));
    for event in events {
        out.line(&event)?;
        if out.is_closed() {
            break;
        }
    }
    Ok(())
}

fn kind_label(kind: AccountKind, language: Language) -> &'static str {
    match kind {
        AccountKind::Work => language.text("cli.kind.work"),
        AccountKind::Personal => language.text("cli.kind.personal"),
        AccountKind::Google => language.text("cli.kind.google"),
        AccountKind::None => "-",
        AccountKind::Unknown => language.text("cli.kind.unknown"),
    }
}

fn write_table(
    out: &mut dyn Write,
    snapshot: &Snapshot,
    language: Language,
) -> std::io::Result<()> {
    if snapshot.profiles.is_empty() {
        return writeln!(out, "{}", language.text("cli.profiles.none"));
    }
    let rows: Vec<Vec<String>> = snapshot
        .profiles
        .iter()
        .map(|profile| {
            let mut name = profile.name.clone();
            if profile.is_default {
                name.push_str(" *");
            }
            let account = profile
                .account
                .email
                .clone()
                .or_else(|| profile.account.display_name.clone())
                .unwrap_or_default();
            let note = profile
                .unreadable
                .as_ref()
                // The table escapes every cell itself.
                .map(|reason| {
                    let reason = reason.in_language(language);
                    language.format("cli.profiles.unreadable", &[("reason", &reason)])
                })
                .unwrap_or_default();
            vec![
                profile.browser.to_string(),
                name,
                kind_label(profile.account.kind, language).to_owned(),
                account,
                note,
            ]
        })
        .collect();
    writeln!(
        out,
        "{}",
        tables::render(
            &[
                language.text("cli.column.browser"),
                language.text("cli.column.profile"),
                language.text("cli.column.kind"),
                language.text("cli.column.account"),
                "",
            ],
            &rows
        )
    )?;
    writeln!(out, "\n{}", language.text("cli.profiles.default"))
}
