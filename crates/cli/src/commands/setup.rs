//! `tandem uninstall`, `autostart`, `paths`.

use serde::Serialize;
use tandem_api::Error;
use tandem_api::setup::Remover;
use tandem_text::Escaped;

use crate::output::{Output, confirm};
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
    if plan.is_empty() {
        let shown = Uninstalled {
            removed: false,
            plan,
        };
        return out.show(&shown, |text| {
            writeln!(text, "Tandem left nothing on this machine for this user.")
        });
    }
    if !out.json() {
        out.show(&(), |text| write_plan(text, &plan))?;
    }
    if !yes && !confirm("Remove all of this?")? {
        let shown = Uninstalled {
            removed: false,
            plan,
        };
        return out.show(&shown, |text| writeln!(text, "Nothing was removed."));
    }
    let plan = tandem_api::setup::uninstall(&locations, Remover::Cli)?;
    let shown = Uninstalled {
        removed: true,
        plan,
    };
    out.show(&shown, |text| {
        writeln!(text, "Removed everything Tandem left for this user.")
    })
}

/// What will go.
fn write_plan(
    out: &mut dyn std::io::Write,
    plan: &tandem_footprint::uninstall::Plan,
) -> std::io::Result<()> {
    let mut lines = vec!["This removes:".to_owned()];
    for folder in &plan.folders {
        lines.push(format!("  {}", Escaped(&folder.display().to_string())));
    }
    for entry in &plan.keyring_entries {
        lines.push(format!(
            "  the keyring entry of the {} account",
            Escaped(entry)
        ));
    }
    if let Some(file) = &plan.autostart {
        lines.push(format!(
            "  {} (start at sign-in)",
            Escaped(&file.display().to_string())
        ));
    }
    if plan.link_handler {
        lines.push("  Tandem as the link handler (the previous one is put back)".into());
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
    out.show(&shown, |text| {
        if on {
            writeln!(text, "Tandem will start when you sign in.")
        } else {
            writeln!(text, "Tandem will not start when you sign in.")
        }
    })
}

pub fn paths(out: &mut Output) -> Result<(), Error> {
    let locations = super::locations()?;
    out.show(&locations, |text| {
        let rows: Vec<Vec<String>> = [
            ("home", locations.home()),
            ("settings", locations.config_dir()),
            ("data", locations.data_dir()),
            ("cache", locations.cache_dir()),
            ("logs", locations.log_dir()),
            ("system root", locations.system_root()),
        ]
        .into_iter()
        .map(|(label, path)| vec![label.to_owned(), path.display().to_string()])
        .collect();
        writeln!(text, "{}", tables::render(&["FOLDER", "PATH"], &rows))
    })
}
