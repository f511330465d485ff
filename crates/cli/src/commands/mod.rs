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
    move |progress| match progress {
        Progress::OpeningBrowser => out.notice("opening your browser to sign in…"),
        Progress::EnterCode { uri, code } => {
            out.notice(&format!("to sign in, open {uri} and enter the code {code}"));
        }
        Progress::WaitingForSignIn { .. } | Progress::Finishing => {}
    }
}

/// Opens the core's handle, telling the person once what it noticed
/// (recovered files, links removed, browser files it could not read).
pub fn open(out: &Output) -> Result<tandem_api::Tandem, Error> {
    let tandem = tandem_api::Tandem::open(&locations()?)?;
    for notice in tandem.notices() {
        out.notice(&notice.to_string());
    }
    Ok(tandem)
}
