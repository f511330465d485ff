//! `tandem profiles [--watch]`.

use std::io::Write;

use tandem_api::Error;
use tandem_profiles::{AccountKind, Snapshot};

use crate::output::Output;
use crate::tables;

pub fn list(out: &mut Output, watch: bool) -> Result<(), Error> {
    let locations = super::locations()?;
    if watch {
        return watch_profiles(out, &locations);
    }
    let snapshot = tandem_api::profiles::discover(&locations);
    for source in &snapshot.unreadable {
        out.notice(&format!(
            "{} ({}): {}",
            source.browser.spec().name,
            source.user_data_dir.display(),
            source.reason
        ));
    }
    out.show(&snapshot, |text| write_table(text, &snapshot))
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
    out.notice("watching browser profiles; press Ctrl+C to stop");
    for event in events {
        out.line(&event)?;
        if out.is_closed() {
            break;
        }
    }
    Ok(())
}

fn kind_label(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Work => "work",
        AccountKind::Personal => "personal",
        AccountKind::Google => "google",
        AccountKind::None => "-",
        AccountKind::Unknown => "unknown",
    }
}

fn write_table(out: &mut dyn Write, snapshot: &Snapshot) -> std::io::Result<()> {
    if snapshot.profiles.is_empty() {
        return writeln!(out, "No browser profiles found.");
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
                .map(|reason| format!("unreadable: {reason}"))
                .unwrap_or_default();
            vec![
                profile.browser.to_string(),
                name,
                kind_label(profile.account.kind).to_owned(),
                account,
                note,
            ]
        })
        .collect();
    writeln!(
        out,
        "{}",
        tables::render(&["BROWSER", "PROFILE", "KIND", "ACCOUNT", ""], &rows)
    )?;
    writeln!(out, "\n* the profile the browser opens by default")
}
