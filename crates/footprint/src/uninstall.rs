//! Removing every trace Tandem left for this user, and nothing else: the
//! link-handler registration (putting back the handler it replaced), the
//! autostart entry, every keyring entry, and Tandem's own folders.
//!
//! The order matters: the registration record and the account index live in
//! Tandem's data folder, so they are used before the folders go.
//!
//! Left behind, by design:
//! - parent folders shared with other programs (`~/.config`, `~/.local/share`,
//!   `~/.local/state`, `~/.cache`), even when Tandem was the first to create
//!   them, because Tandem cannot know whether they existed before, and other
//!   programs expect them;
//! - what the desktop's own libraries keep for every GTK program
//!   (`~/.cache/dconf`, `~/.cache/at-spi`): they are the desktop's, and exist
//!   on any desktop before Tandem runs;
//! - files the user exported.

use std::path::PathBuf;

use serde::Serialize;
use tandem_identity::{MicrosoftAccountKind, Vault};
use tandem_locations::Locations;

use crate::{FootprintError, autostart, handler, io_error};

/// What uninstalling will remove (or did).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub folders: Vec<PathBuf>,
    /// Each account whose tokens are in the keyring.
    pub keyring_entries: Vec<KeyringEntry>,
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

/// An account whose tokens are in the keyring: its kind, and who it is
/// (its username, else its key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyringEntry {
    pub kind: MicrosoftAccountKind,
    pub account: String,
}

/// Tandem's own folders and its web view's.
fn folders(locations: &Locations) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = locations
        .owned_dirs()
        .into_iter()
        .map(PathBuf::from)
        .collect();
    all.extend(locations.webview_dirs());
    all
}

/// What is there to remove, without removing anything.
pub fn plan(locations: &Locations) -> Plan {
    let folders = folders(locations)
        .into_iter()
        .filter(|dir| dir.exists())
        .collect();
    let keyring_entries = Vault::new(locations)
        .accounts()
        .unwrap_or_default()
        .iter()
        .map(|account| KeyringEntry {
            kind: account.kind,
            account: account
                .username
                .clone()
                .unwrap_or_else(|| account.key().as_str().to_owned()),
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
/// stuck item does not leave the rest behind, and reports the first; but if
/// the registrations or keyring entries could not all be removed, Tandem's
/// folders stay, as they record what is left to undo.
pub fn uninstall(locations: &Locations) -> Result<Plan, FootprintError> {
    let planned = plan(locations);
    let mut failures: Vec<FootprintError> = Vec::new();
    let mut keep = |result: Result<(), FootprintError>| {
        if let Err(error) = result {
            tracing::warn!(%error, "uninstall step failed");
            failures.push(error);
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
    // The data folder holds what a second try needs to finish: the account
    // index (which keyring entries exist) and the handler to put back.
    if !failures.is_empty() {
        return Err(FootprintError::Incomplete(Box::new(failures.remove(0))));
    }
    for dir in folders(locations) {
        // A folder of Tandem's that the user moved to another disk and left
        // a link to: what is behind the link is Tandem's too.
        if std::fs::symlink_metadata(&dir).is_ok_and(|meta| meta.file_type().is_symlink()) {
            if let Ok(target) = std::fs::canonicalize(&dir)
                && target.is_dir()
                && let Err(error) = std::fs::remove_dir_all(&target)
            {
                failures.push(io_error("remove", &target)(error));
                continue;
            }
            if let Err(error) = std::fs::remove_file(&dir) {
                failures.push(io_error("remove", &dir)(error));
            }
            remove_empty_tandem_parents(&dir);
            continue;
        }
        match std::fs::remove_dir_all(&dir) {
            Ok(()) => remove_empty_tandem_parents(&dir),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                remove_empty_tandem_parents(&dir);
            }
            Err(error) => failures.push(io_error("remove", &dir)(error)),
        }
    }
    match failures.into_iter().next() {
        Some(error) => Err(error),
        None => Ok(planned),
    }
}

/// Removes the web view's folders again: WebKit's helper processes write
/// there (its storage's `origin` files) until they end, after `uninstall`
/// removed them. For the app, as it exits after removing all of Tandem's
/// data: its WebKit helpers (children of this process) are ended first, at
/// most 2 s, so nothing writes after the removal.
pub fn remove_webview_leftovers(locations: &Locations) -> Result<(), FootprintError> {
    #[cfg(target_os = "linux")]
    end_webkit_children();
    for dir in locations.webview_dirs() {
        if std::fs::symlink_metadata(&dir).is_ok_and(|meta| meta.file_type().is_symlink()) {
            // `uninstall` removed what a link led to; a new link is not ours.
            continue;
        }
        match std::fs::remove_dir_all(&dir) {
            Ok(()) => remove_empty_tandem_parents(&dir),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(io_error("remove", &dir)(error)),
        }
    }
    Ok(())
}

/// Ends this process's WebKit helpers (network and web processes) and
/// waits, at most 2 s, until they are gone.
#[cfg(target_os = "linux")]
fn end_webkit_children() {
    let me = std::process::id().to_string();
    let children = || -> Vec<String> {
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let pid = entry.file_name().to_str()?.parse::<u32>().ok()?;
                let stat = tandem_files::read_regular(format!("/proc/{pid}/stat").as_ref(), 4096)
                    .ok()??;
                let stat = String::from_utf8_lossy(&stat);
                let name = &stat[stat.find('(')? + 1..stat.rfind(')')?];
                let mut fields = stat[stat.rfind(')')? + 2..].split(' ');
                // An ended helper waits, a zombie, for this process to reap it.
                let alive = fields.next()? != "Z";
                let parent = fields.next()?;
                (alive && parent == me && name.starts_with("WebKit")).then(|| pid.to_string())
            })
            .collect()
    };
    let helpers = children();
    if helpers.is_empty() {
        return;
    }
    let _ = std::process::Command::new("kill")
        .arg("-TERM")
        .args(&helpers)
        .stderr(std::process::Stdio::null())
        .status();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while !children().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Tandem's folders sit inside folders named after it on some systems
/// (`~/.local/state/tandem/logs`, `%APPDATA%\Tandem\Tandem\data`): those go
/// too once empty. A folder of another name is never touched.
fn remove_empty_tandem_parents(dir: &std::path::Path) {
    let mut current = dir.parent();
    while let Some(parent) = current {
        let named_for_tandem = parent
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.eq_ignore_ascii_case("tandem"));
        // remove_dir only removes an empty folder.
        if !named_for_tandem || std::fs::remove_dir(parent).is_err() {
            return;
        }
        current = parent.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_data_folder_moved_behind_a_link_is_removed_with_the_link() {
        let root = tempfile::tempdir().unwrap();
        let locations = Locations::under(root.path());
        let elsewhere = root.path().join("other-disk/tandem-data");
        std::fs::create_dir_all(elsewhere.join("personal")).unwrap();
        std::fs::write(elsewhere.join("personal/links.json"), "alice").unwrap();
        std::fs::create_dir_all(locations.data_dir().parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&elsewhere, locations.data_dir()).unwrap();
        uninstall(&locations).unwrap();
        assert!(!elsewhere.exists());
        assert!(std::fs::symlink_metadata(locations.data_dir()).is_err());
        assert!(
            root.path().join("other-disk").exists(),
            "only Tandem's folder goes"
        );
    }

    #[test]
    fn removes_tandem_named_parents_only_when_empty() {
        let root = tempfile::tempdir().unwrap();
        let logs = root.path().join("state/tandem/logs");
        std::fs::create_dir_all(&logs).unwrap();
        std::fs::remove_dir(&logs).unwrap();
        remove_empty_tandem_parents(&logs);
        assert!(!root.path().join("state/tandem").exists());
        assert!(root.path().join("state").exists(), "a shared folder stays");

        let busy = root.path().join("Tandem/Tandem/data");
        std::fs::create_dir_all(&busy).unwrap();
        std::fs::write(root.path().join("Tandem/other.txt"), "mine").unwrap();
        std::fs::remove_dir(&busy).unwrap();
        remove_empty_tandem_parents(&busy);
        assert!(!root.path().join("Tandem/Tandem").exists());
        assert!(root.path().join("Tandem/other.txt").exists());
    }
}
