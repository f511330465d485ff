//! The browser profiles on the machine, and opening one. No link is read or
//! changed here.

use std::path::Path;

use tandem_locations::Locations;
use tandem_profiles::{BrowserId, Snapshot};

use crate::Error;

/// Every browser profile on this machine and who is signed in to each.
pub fn discover(locations: &Locations) -> Snapshot {
    tandem_profiles::discover(locations.user_roots())
}

/// Opens a browser in one of its profiles. The profile is looked up in
/// `snapshot`, Tandem's own reading, never taken from the caller, so a
/// front end can only open profiles that exist.
pub fn open(
    locations: &Locations,
    snapshot: &Snapshot,
    browser: BrowserId,
    user_data_dir: &Path,
    profile_dir: &str,
) -> Result<(), Error> {
    let profile = snapshot
        .profiles
        .iter()
        .find(|profile| {
            profile.browser == browser
                && profile.user_data_dir == user_data_dir
                && profile.profile_dir == profile_dir
        })
        .ok_or_else(|| Error::ProfileFolderMissing {
            browser: browser.spec().name.to_owned(),
            profile: profile_dir.to_owned(),
        })?;
    tandem_profiles::launch::launch(profile, locations, None)?;
    Ok(())
}

/// The picture the browser shows for a profile Tandem found, as a `data:`
/// URL the window can show under its strict content policy; `None` when
/// the browser keeps none (the window then shows initials).
pub fn picture(
    snapshot: &Snapshot,
    browser: BrowserId,
    user_data_dir: &Path,
    profile_dir: &str,
) -> Option<String> {
    use base64::Engine;
    let profile = snapshot.profiles.iter().find(|profile| {
        profile.browser == browser
            && profile.user_data_dir == user_data_dir
            && profile.profile_dir == profile_dir
    })?;
    let picture = tandem_profiles::picture::picture(profile)?;
    Some(format!(
        "data:{};base64,{}",
        picture.mime,
        base64::engine::general_purpose::STANDARD.encode(&picture.bytes)
    ))
}
