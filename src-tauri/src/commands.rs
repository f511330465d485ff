//! IPC commands. Each one translates types and calls the core; nothing more.

use std::path::PathBuf;

use serde::Serialize;
use tandem_locations::Locations;
use tandem_profiles::launch::LaunchError;
use tandem_profiles::{BrowserId, Snapshot};
use ts_rs::TS;

use crate::AppState;
use crate::error::CommandError;

/// What the switcher shows about Tandem itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub locations: Locations,
}

#[tauri::command]
pub fn app_info(state: tauri::State<'_, AppState>) -> Result<AppInfo, CommandError> {
    let locations = state.locations.as_ref().map_err(CommandError::from)?;
    Ok(AppInfo {
        name: "Tandem".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        locations: locations.clone(),
    })
}

/// Every browser profile Tandem knows, as of the last change it saw.
#[tauri::command]
pub fn list_profiles(state: tauri::State<'_, AppState>) -> Result<Snapshot, CommandError> {
    state.locations.as_ref().map_err(CommandError::from)?;
    Ok(state.profiles())
}

/// Opens a browser in one of its profiles. The profile is looked up in what
/// Tandem read itself, never taken from the caller, so the window can only
/// open profiles that exist.
#[tauri::command]
pub fn open_profile(
    state: tauri::State<'_, AppState>,
    browser: BrowserId,
    user_data_dir: PathBuf,
    profile_dir: String,
) -> Result<(), CommandError> {
    let locations = state.locations.as_ref().map_err(CommandError::from)?;
    let snapshot = state.profiles();
    let profile = snapshot
        .profiles
        .iter()
        .find(|profile| {
            profile.browser == browser
                && profile.user_data_dir == user_data_dir
                && profile.profile_dir == profile_dir
        })
        .ok_or_else(|| LaunchError::ProfileMissing {
            browser,
            name: profile_dir.clone(),
            folder: user_data_dir.join(&profile_dir),
        })?;
    tandem_profiles::launch::launch(profile, locations, None)?;
    Ok(())
}
