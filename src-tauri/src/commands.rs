//! IPC commands. Each one translates types and calls the core; nothing more.

use serde::Serialize;
use tandem_locations::Locations;
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
