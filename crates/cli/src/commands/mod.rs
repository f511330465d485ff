//! One module per group of commands. Each function reads its arguments,
//! makes one call to the core's API layer, and hands the typed result to
//! [`crate::output::Output`]: nothing here decides anything.

pub mod accounts;
pub mod links;
pub mod privacy;
pub mod profiles;
pub mod routing;
pub mod setup;

use tandem_api::{Error, Progress};
use tandem_locations::Locations;

use crate::output::Output;

pub fn locations() -> Result<Locations, Error> {
    Ok(Locations::from_env()?)
}

/// What a long-running step tells the person, on stderr.
pub fn show_progress(out: &Output) -> impl Fn(Progress) + '_ {
    let language = out.language();
    move |progress| match progress {
        Progress::OpeningBrowser => {
            out.notice(language.text("cli.progress.opening_browser"));
        }
        Progress::EnterCode { uri, code } => out
            .notice(&language.format("cli.progress.enter_code", &[("uri", &uri), ("code", &code)])),
        Progress::WaitingForSignIn { .. } | Progress::Finishing => {}
    }
}

/// Opens the core's handle, telling the person once what it noticed
/// (recovered files, links removed, browser files it could not read).
pub fn open(out: &Output) -> Result<tandem_api::Tandem, Error> {
    let tandem = tandem_api::Tandem::open(&locations()?)?;
    for notice in tandem.notices() {
        out.notice(&notice.in_language(out.language()));
    }
    Ok(tandem)
}
