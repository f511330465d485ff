//! Finds the browser profiles on this machine and who is signed in to each.
//!
//! Browser files are opened read-only, never written and never locked (see
//! `read`). Bad input never fails discovery as a whole: a profile that cannot
//! be read is listed with the reason, and the others are still listed.

mod account;
mod cache;
pub mod catalogue;
mod chromium;
mod discovery;
mod firefox;
pub mod launch;
mod lenient;
pub mod model;
pub mod picture;
mod profile_ref;
mod read;
pub mod watch;

use tandem_locations::UserRoots;

pub use cache::sources_fingerprint;
pub use catalogue::{BrowserId, BrowserSpec, Family, LaunchStyle, catalogue};
pub use discovery::{Change, Discovery};
pub use model::{
    Account, AccountKind, CONSUMER_TENANT_ID, Evidence, Profile, Snapshot, UnreadableSource,
};
pub use profile_ref::{ProfileRef, ProfileRefError};
pub use tandem_i18n::Said;

/// Every profile of every known browser for this user.
pub fn discover(roots: &UserRoots) -> Snapshot {
    Discovery::new(roots.clone()).snapshot()
}

/// The profiles of one browser, from each of its user data folders that exists.
pub fn discover_browser(browser: BrowserId, roots: &UserRoots) -> Vec<Profile> {
    let mut discovery = Discovery::unscanned(roots.clone());
    discovery.rescan(browser);
    discovery.profiles_of(browser).to_vec()
}
