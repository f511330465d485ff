//! Finds the browser profiles on this machine and who is signed in to each.
//!
//! Browser files are opened read-only, never written and never locked (see
//! `read`). Bad input never fails discovery as a whole: a profile that cannot
//! be read is listed with the reason, and the others are still listed.

mod account;
pub mod catalogue;
mod chromium;
mod firefox;
mod lenient;
pub mod model;
mod read;

use tandem_locations::UserRoots;

pub use catalogue::{BrowserId, BrowserSpec, Family, LaunchStyle, catalogue};
pub use model::{Account, AccountKind, CONSUMER_TENANT_ID, Evidence, Profile, Snapshot};

/// Every profile of every known browser for this user.
pub fn discover(roots: &UserRoots) -> Snapshot {
    let profiles = BrowserId::ALL
        .iter()
        .flat_map(|browser| discover_browser(*browser, roots))
        .collect();
    Snapshot { profiles }
}

/// The profiles of one browser, from each of its user data folders that exists.
pub fn discover_browser(browser: BrowserId, roots: &UserRoots) -> Vec<Profile> {
    let spec = browser.spec();
    let mut profiles = Vec::new();
    for dir in spec.user_data_dirs(roots) {
        if !dir.is_dir() {
            continue;
        }
        tracing::debug!(browser = %browser, dir = %dir.display(), "reading browser profiles");
        match spec.family {
            Family::Chromium | Family::ChromiumSingleProfile => {
                profiles.extend(chromium::read_user_data(browser, spec.family, &dir));
            }
            Family::Firefox => profiles.extend(firefox::read_root(&dir)),
        }
    }
    profiles
}
