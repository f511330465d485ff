//! `tandem uninstall`, `autostart`, `paths`.

use serde::Serialize;
use tandem_api::Error;
use tandem_api::setup::Remover;
use tandem_i18n::Language;
use tandem_identity::MicrosoftAccountKind;
use tandem_text::Escaped;

use crate::output::{Output, confirm, say};
use crate::tables;

#[derive(Serialize)]
struct Uninstalled {
    removed: bool,
    #[serde(flatten)]
    plan: tandem_footprint::uninstall::Plan,
}

pub fn uninstall(out: &mut Output, yes: bool) -> Result<(), Error> {
    let locations = super::locations()?;
    // Before asking anything: a running app would write its files again.
    tandem_api::setup::ensure_not_running(&locations)?;
    let plan = tandem_api::setup::uninstall_plan(&locations);
    let language = out.language();
    if plan.is_empty() {
        let shown = Uninstalled {
            removed: false,
            plan,
        };
        return out.show(&shown, |text| {
            writeln!(text, "{}", language.text("cli.uninstall.nothing"))
        });
    }
    if !out.json() {
        out.show(&(), |text| write_plan(text, &plan, language))?;
    }
    if !yes && !confirm(language, language.text("cli.uninstall.ask"))? {
        let shown = Uninstalled {
            removed: false,
            plan,
        };
        return out.show(&shown, |text| {
            writeln!(text, "{}", language.text("cli.uninstall.nothing_removed"))
        });
    }
    let plan = tandem_api::setup::uninstall(&locations, Remover::Cli)?;
    let shown = Uninstalled {
        removed: true,
        plan,
    };
    out.show(&shown, |text| {
        writeln!(text, "{}", language.text("cli.uninstall.done"))
    })
}

/// What will go.
fn write_plan(
    out: &mut dyn std::io::Write,
    plan: &tandem_footprint::uninstall::Plan,
    language: Language,
) -> std::io::Result<()> {
    let mut lines = vec![language.text("cli.uninstall.plan").to_owned()];
    for folder in &plan.folders {
        lines.push(format!("  {}", Escaped(&folder.display().to_string())));
    }
    for entry in &plan.keyring_entries {
        let key = match entry.kind {
            MicrosoftAccountKind::Work => "cli.uninstall.keyring_work",
            MicrosoftAccountKind::Personal => "cli.uninstall.keyring_personal",
        };
        lines.push(format!(
            "  {}",
            say(language, key, &[("account", &entry.account)])
        ));
    }
    if let Some(file) = &plan.autostart {
        lines.push(format!(
            "  {}",
            say(
                language,
                "cli.uninstall.autostart",
                &[("file", &file.display().to_string())]
            )
        ));
    }
    if plan.link_handler {
        lines.push(format!("  {}", language.text("cli.uninstall.handler")));
    }
    writeln!(out, "{}", lines.join("\n"))
}

#[derive(Serialize)]
struct Autostart {
    autostart: bool,
}

pub fn autostart(out: &mut Output, on: bool) -> Result<(), Error> {
    tandem_api::setup::set_autostart(&super::locations()?, on)?;
    let shown = Autostart { autostart: on };
    let language = out.language();
    out.show(&shown, |text| {
        let key = if on {
            "cli.autostart.on"
        } else {
            "cli.autostart.off"
        };
        writeln!(text, "{}", language.text(key))
    })
}

pub fn paths(out: &mut Output) -> Result<(), Error> {
    let locations = super::locations()?;
    let language = out.language();
    out.show(&locations, |text| {
        let rows: Vec<Vec<String>> = [
            ("cli.folder.home", locations.home()),
            ("cli.folder.settings", locations.config_dir()),
            ("cli.folder.data", locations.data_dir()),
            ("cli.folder.cache", locations.cache_dir()),
            ("cli.folder.logs", locations.log_dir()),
            ("cli.folder.system_root", locations.system_root()),
        ]
        .into_iter()
        .map(|(label, path)| vec![language.text(label).to_owned(), path.display().to_string()])
        .collect();
        let headers = [
            language.text("cli.column.folder"),
            language.text("cli.column.path"),
        ];
        writeln!(text, "{}", tables::render(&headers, &rows))
    })
}
