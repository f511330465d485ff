//! `tandem privacy export | restrict | delete`.

use serde::Serialize;
use tandem_api::Error;
use tandem_linking::HistoryEntry;
use tandem_linking::privacy::Existing;

use crate::PrivacyAction;
use crate::output::{Output, confirm, tell};

pub fn run(out: &mut Output, action: PrivacyAction) -> Result<(), Error> {
    match action {
        PrivacyAction::Export { file, overwrite } => export(out, &file, overwrite),
        PrivacyAction::Restrict { lift } => restrict(out, !lift),
        PrivacyAction::Delete(confirmation) => delete(out, confirmation.yes),
    }
}

#[derive(Serialize)]
struct Exported<'a> {
    exported_to: Option<&'a std::path::Path>,
}

fn export(out: &mut Output, file: &std::path::Path, overwrite: bool) -> Result<(), Error> {
    let tandem = super::open(out)?;
    let language = out.language();
    let existing = if overwrite {
        Existing::Replace
    } else {
        Existing::Keep
    };
    let exported = match tandem.export_personal_data(file, existing) {
        Ok(()) => true,
        // Asked on the terminal, a person may say yes; a script says
        // --overwrite.
        Err(Error::FileExists { path }) => {
            if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                return Err(Error::OverwriteNeeded { path });
            }
            if confirm(
                language,
                &language.format("cli.export.replace", &[("path", &path)]),
            )? {
                tandem.export_personal_data(file, Existing::Replace)?;
                true
            } else {
                false
            }
        }
        Err(error) => return Err(error),
    };
    let shown = Exported {
        exported_to: exported.then_some(file),
    };
    out.show(&shown, |text| match shown.exported_to {
        Some(file) => tell(
            text,
            language,
            "cli.export.done",
            &[("file", &file.display().to_string())],
        ),
        None => writeln!(text, "{}", language.text("cli.export.nothing")),
    })
}

#[derive(Serialize)]
struct Restricted {
    personal_data_restricted: bool,
}

fn restrict(out: &mut Output, restricted: bool) -> Result<(), Error> {
    let mut tandem = super::open(out)?;
    tandem.restrict(restricted)?;
    let shown = Restricted {
        personal_data_restricted: restricted,
    };
    let language = out.language();
    out.show(&shown, |text| {
        let key = if restricted {
            "cli.restrict.on"
        } else {
            "cli.restrict.off"
        };
        writeln!(text, "{}", language.text(key))
    })
}

#[derive(Serialize)]
struct Deleted {
    deleted: bool,
    personal_sign_ins: usize,
    unlinked: Vec<HistoryEntry>,
}

fn delete(out: &mut Output, yes: bool) -> Result<(), Error> {
    let mut tandem = super::open(out)?;
    let language = out.language();
    if !yes && !confirm(language, language.text("cli.delete.ask"))? {
        let shown = Deleted {
            deleted: false,
            personal_sign_ins: 0,
            unlinked: Vec::new(),
        };
        return out.show(&shown, |text| {
            writeln!(text, "{}", language.text("cli.delete.nothing"))
        });
    }
    let deleted = tandem.delete_personal_data()?;
    let shown = Deleted {
        deleted: true,
        personal_sign_ins: deleted.sign_ins,
        unlinked: deleted.unlinked,
    };
    out.show(&shown, |text| {
        tell(
            text,
            language,
            "cli.delete.done",
            &[
                ("sign_ins", &shown.personal_sign_ins.to_string()),
                ("links", &shown.unlinked.len().to_string()),
            ],
        )
    })
}
