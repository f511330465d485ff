//! `tandem privacy export | restrict | delete`.

use serde::Serialize;
use tandem_api::Error;
use tandem_linking::HistoryEntry;
use tandem_linking::privacy::Existing;
use tandem_text::Escaped;

use crate::PrivacyAction;
use crate::output::{Output, confirm};

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
                return Err(Error::FileExists {
                    path: format!("{path} (add --overwrite to replace it)"),
                });
            }
            if confirm(&format!("{path} already exists. Replace it?"))? {
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
        Some(file) => writeln!(
            text,
            "Exported your personal data to {}.",
            Escaped(&file.display().to_string())
        ),
        None => writeln!(text, "Nothing was exported."),
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
    out.show(&shown, |text| {
        if restricted {
            writeln!(
                text,
                "Tandem will not process your personal data until you run `tandem privacy restrict --lift`. \
                 Your links stay; personal links are not routed meanwhile."
            )
        } else {
            writeln!(text, "Tandem processes your personal data again.")
        }
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
    if !yes
        && !confirm(
            "Delete your personal account's data from Tandem (its sign-in, and every link that needs it)?",
        )?
    {
        let shown = Deleted {
            deleted: false,
            personal_sign_ins: 0,
            unlinked: Vec::new(),
        };
        return out.show(&shown, |text| writeln!(text, "Nothing was deleted."));
    }
    let deleted = tandem.delete_personal_data()?;
    let shown = Deleted {
        deleted: true,
        personal_sign_ins: deleted.sign_ins,
        unlinked: deleted.unlinked,
    };
    out.show(&shown, |text| {
        writeln!(
            text,
            "Deleted your personal data: {} personal sign-in(s) and {} link(s).",
            shown.personal_sign_ins,
            shown.unlinked.len()
        )
    })
}
