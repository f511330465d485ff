//! Removing every trace Tandem left for this user, and nothing else: the
//! link-handler registration (putting back the handler it replaced), the
//! autostart entry, every keyring entry, and Tandem's own folders.
//!
//! The order matters: the registration record and the account index live in
//! Tandem's data folder, so they are used before the folders go.
//!
//! Left behind, by design: parent folders shared with other programs
//! (`~/.config`, `~/.local/share`, `~/.local/state`, `~/.cache`), even when
//! Tandem was the first to create them, because Tandem cannot know whether
//! they existed before, and other programs expect them.

use std::path::PathBuf;

use serde::Serialize;
use tandem_identity::Vault;
use tandem_locations::Locations;

use crate::{FootprintError, autostart, handler, io_error};

/// What uninstalling will remove (or did).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub folders: Vec<PathBuf>,
    /// `kind username` of each account whose tokens are in the keyring.
    pub keyring_entries: Vec<String>,
    pub autostart: Option<PathBuf>,
    pub link_handler: bool,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.folders.is_empty()
            && self.keyring_entries.is_empty()
            && self.autostart.is_none()
            && !self.link_handler
    }
}

/// What is there to remove, without removing anything.
pub fn plan(locations: &Locations) -> Plan {
    let folders = locations
        .owned_dirs()
        .into_iter()
        .filter(|dir| dir.exists())
        .map(PathBuf::from)
        .collect();
    let keyring_entries = Vault::new(locations)
        .accounts()
        .unwrap_or_default()
        .iter()
        .map(|account| {
            format!(
                "{} {}",
                account.kind.as_str(),
                account.username.as_deref().unwrap_or(&account.key())
            )
        })
        .collect();
    Plan {
        folders,
        keyring_entries,
        autostart: autostart::is_enabled(locations)
            .then(|| locations.autostart_file())
            .flatten(),
        link_handler: handler::is_registered(locations)
            || locations.data_dir().join("link-handler.json").exists(),
    }
}

/// Removes everything in the plan. Keeps going past a failure, so that one
/// stuck item does not leave the rest behind, and reports the first failure.
pub fn uninstall(locations: &Locations) -> Result<Plan, FootprintError> {
    let planned = plan(locations);
    let mut first_error: Option<FootprintError> = None;
    let mut keep = |result: Result<(), FootprintError>| {
        if let Err(error) = result {
            tracing::warn!(%error, "uninstall step failed");
            first_error.get_or_insert(error);
        }
    };
    keep(handler::unregister(locations).map(drop));
    keep(autostart::disable(locations).map(drop));
    let vault = Vault::new(locations);
    match vault.accounts() {
        Ok(accounts) => {
            for account in accounts {
                keep(vault.remove(&account).map_err(FootprintError::from));
            }
        }
        Err(error) => keep(Err(error.into())),
    }
    for dir in locations.owned_dirs() {
        match std::fs::remove_dir_all(dir) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => keep(Err(io_error("remove", dir)(error))),
        }
    }
    match first_error {
        Some(error) => Err(error),
        None => Ok(planned),
    }
}
