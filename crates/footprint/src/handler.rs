//! Tandem as the default handler of web links.
//!
//! Linux: a desktop entry whose `Exec` is `tandem open -- %u`, and the
//! `x-scheme-handler/http(s)` defaults in `mimeapps.list`. The handler
//! Tandem replaces is recorded, and put back when Tandem unregisters, so an
//! untouched `mimeapps.list` returns byte for byte; the same record tells
//! `tandem open` where a link went before Tandem ([`handler_before_tandem`]).
//!
//! Windows and macOS set the default through the platform's own consent
//! (Settings, or the system prompt): what Tandem declares there is
//! generated as data ([`windows`], [`macos`]) and tested on what it
//! generates.

pub mod macos;
pub mod windows;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tandem_files::shared;
use tandem_locations::{APP_ID, Locations};
use tandem_store::{Document, LOCK_WAIT, StateFile, StoreError};

use crate::desktop_entry::{self, DesktopEntry, EntryError};
use crate::{FootprintError, MARKER, data, io_error, is_tandems};

const SECTION: &str = "[Default Applications]";
pub const SCHEMES: [&str; 2] = ["x-scheme-handler/http", "x-scheme-handler/https"];

/// The id of Tandem's link-handler desktop entry.
pub fn desktop_id() -> String {
    format!("{APP_ID}.desktop")
}

/// What Tandem changed, to be undone.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Registration {
    pub registered: bool,
    /// Per scheme, the handler that was the default before (if any).
    pub previous: BTreeMap<String, Option<String>>,
    /// Whether `mimeapps.list` did not exist before Tandem wrote it.
    pub created_list: bool,
    /// Whether the `[Default Applications]` section did not exist before.
    pub created_section: bool,
    /// Whether Tandem created the folder of its desktop entry.
    #[serde(default)]
    pub created_applications_dir: bool,
    /// The desktop entry as Tandem wrote it: one edited since is the
    /// person's, and is left alone.
    #[serde(default)]
    pub desktop_entry: Option<String>,
}

impl Document for Registration {
    const SCHEMA: &'static str = "tandem.link-handler";
    const VERSION: u32 = 1;
}

fn record(locations: &Locations) -> StateFile<Registration> {
    StateFile::new(&data(locations), "link-handler.json")
}

/// The value of `key` in the `[Default Applications]` section.
pub fn default_for(text: &str, key: &str) -> Option<String> {
    let mut in_section = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_section = trimmed == SECTION;
        } else if in_section
            && let Some((name, value)) = trimmed.split_once('=')
            && name.trim() == key
        {
            return Some(value.trim().to_owned());
        }
    }
    None
}

/// `text` with `key` set to `value` (or removed, for `None`) in the
/// `[Default Applications]` section; every other line is kept as it is.
pub fn with_default(text: &str, key: &str, value: Option<&str>) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let section = lines.iter().position(|line| line.trim() == SECTION);
    let Some(section) = section else {
        let Some(value) = value else {
            return text.to_owned();
        };
        let mut out = text.to_owned();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!("{SECTION}\n{key}={value}\n"));
        return out;
    };
    let end = lines[section + 1..]
        .iter()
        .position(|line| line.trim().starts_with('['))
        .map_or(lines.len(), |offset| section + 1 + offset);
    let existing = (section + 1..end).find(|&index| {
        lines[index]
            .split_once('=')
            .is_some_and(|(name, _)| name.trim() == key)
    });
    match (existing, value) {
        (Some(index), Some(value)) => lines[index] = format!("{key}={value}"),
        (Some(index), None) => {
            lines.remove(index);
        }
        (None, Some(value)) => {
            // After the section's last entry, before any blank lines.
            let mut at = end;
            while at > section + 1 && lines[at - 1].trim().is_empty() {
                at -= 1;
            }
            lines.insert(at, format!("{key}={value}"));
        }
        (None, None) => {}
    }
    let mut out = lines.join("\n");
    if text.ends_with('\n') || text.is_empty() {
        out.push('\n');
    }
    out
}

/// Removes a `[Default Applications]` section that holds nothing.
fn without_empty_section(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let Some(section) = lines.iter().position(|line| line.trim() == SECTION) else {
        return text.to_owned();
    };
    let end = lines[section + 1..]
        .iter()
        .position(|line| line.trim().starts_with('['))
        .map_or(lines.len(), |offset| section + 1 + offset);
    if lines[section + 1..end]
        .iter()
        .any(|line| !line.trim().is_empty())
    {
        return text.to_owned();
    }
    // Also drop the blank line Tandem put before the section.
    let start = if section > 0 && lines[section - 1].trim().is_empty() {
        section - 1
    } else {
        section
    };
    let kept: Vec<&str> = lines[..start]
        .iter()
        .chain(&lines[end..])
        .copied()
        .collect();
    if kept.is_empty() {
        return String::new();
    }
    let mut out = kept.join("\n");
    out.push('\n');
    out
}

fn read_list(path: &Path) -> Result<Option<String>, FootprintError> {
    Ok(shared::read(path)?)
}

/// Whether Tandem is registered as the link handler.
pub fn is_registered(locations: &Locations) -> bool {
    let Ok(Some(text)) = read_list(&locations.mimeapps_list()) else {
        return false;
    };
    SCHEMES
        .iter()
        .all(|scheme| default_for(&text, scheme).as_deref() == Some(desktop_id().as_str()))
}

/// The desktop entry that makes `tandem` (at `cli`) the link handler.
pub fn desktop_entry(cli: &Path) -> Result<String, FootprintError> {
    let program = desktop_entry::quote_exec_argument(&cli.to_string_lossy()).ok_or_else(|| {
        FootprintError::Io {
            action: "name in a desktop entry",
            path: cli.to_path_buf(),
            source: std::io::ErrorKind::InvalidInput.into(),
        }
    })?;
    Ok(format!(
        "[Desktop Entry]\nType=Application\nName=Tandem\nComment=Open each link in the browser profile it belongs to\nExec={program} open -- %u\nIcon={APP_ID}\nMimeType={};\nNoDisplay=true\nStartupNotify=false\n{MARKER}\n",
        SCHEMES.join(";")
    ))
}

/// Makes the `tandem` command at `cli` (as `tandem open -- <link>`) the
/// default handler of web links, remembering the handlers it replaces.
pub fn register(locations: &Locations, cli: &Path) -> Result<(), FootprintError> {
    let owned = data(locations);
    let lock = owned.lock(LOCK_WAIT).map_err(StoreError::from)?;
    let record_file = record(locations);
    let mut registration = record_file.load(&lock)?.value;
    let list = locations.mimeapps_list();
    let before = read_list(&list)?;
    let mut text = before.clone().unwrap_or_default();
    let desktop = locations.handler_desktop_file();
    let dir = desktop.parent().unwrap_or(Path::new("/"));
    let entry = desktop_entry(cli)?;
    if !registration.registered {
        registration = Registration {
            registered: true,
            previous: BTreeMap::new(),
            created_list: before.is_none(),
            created_section: !text.lines().any(|line| line.trim() == SECTION),
            created_applications_dir: !dir.exists(),
            desktop_entry: None,
        };
        for scheme in SCHEMES {
            let previous = default_for(&text, scheme).filter(|id| *id != desktop_id());
            registration.previous.insert(scheme.to_owned(), previous);
        }
    }
    let desktop_is_foreign = std::fs::symlink_metadata(&desktop).is_ok() && !is_tandems(&desktop);
    if desktop_is_foreign {
        return Err(FootprintError::NotTandems(desktop));
    }
    registration.desktop_entry = Some(entry.clone());
    // The record first: if anything below fails, unregistering still knows
    // what to put back.
    record_file.save(&lock, &registration)?;
    std::fs::create_dir_all(dir).map_err(io_error("create", dir))?;
    shared::replace(&desktop, entry.as_bytes())?;
    for scheme in SCHEMES {
        text = with_default(&text, scheme, Some(&desktop_id()));
    }
    if let Some(dir) = list.parent() {
        std::fs::create_dir_all(dir).map_err(io_error("create", dir))?;
    }
    shared::replace(&list, text.as_bytes())?;
    Ok(())
}

/// Puts back the handlers Tandem replaced and removes its desktop entry.
/// A default the user changed since is left as the user set it. Returns
/// whether anything was registered.
pub fn unregister(locations: &Locations) -> Result<bool, FootprintError> {
    let owned = data(locations);
    let lock = owned.lock(LOCK_WAIT).map_err(StoreError::from)?;
    let record_file = record(locations);
    let registration = record_file.load(&lock)?.value;
    let desktop = locations.handler_desktop_file();
    let ours = is_tandems(&desktop);
    if !registration.registered && !ours {
        return Ok(false);
    }
    let list = locations.mimeapps_list();
    if let Some(mut text) = read_list(&list)? {
        for scheme in SCHEMES {
            if default_for(&text, scheme).as_deref() == Some(desktop_id().as_str()) {
                let previous = registration.previous.get(scheme).cloned().flatten();
                text = with_default(&text, scheme, previous.as_deref());
            }
        }
        if registration.created_section {
            text = without_empty_section(&text);
        }
        if registration.created_list && text.trim().is_empty() {
            shared::remove(&list)?;
        } else {
            shared::replace(&list, text.as_bytes())?;
        }
    }
    if ours {
        shared::remove(&desktop)?;
    }
    if registration.created_applications_dir
        && let Some(dir) = desktop.parent()
    {
        // Only if empty: another program may have put entries there since.
        let _ = std::fs::remove_dir(dir);
    }
    record_file.delete(&lock)?;
    Ok(true)
}

/// Where Tandem stands as the link handler.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HandlerStatus {
    /// Tandem is the default for http and https links.
    pub registered: bool,
    /// The desktop entry Tandem wrote, if it is there.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub desktop_entry: Option<PathBuf>,
    /// The program that entry runs, and whether it is still there.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub program: Option<PathBuf>,
    pub program_exists: bool,
    /// The handler links went to before Tandem (a desktop entry id).
    pub previous: Option<String>,
    /// Tandem's record says it registered, but the defaults now name
    /// another handler: the person (or another program) changed them.
    pub replaced_since: bool,
}

/// Tandem's standing as the link handler, for `tandem handler status`.
pub fn status(locations: &Locations) -> HandlerStatus {
    let registered = is_registered(locations);
    let desktop = locations.handler_desktop_file();
    let ours = is_tandems(&desktop);
    let program = ours
        .then(|| DesktopEntry::read(&desktop).ok())
        .flatten()
        .and_then(|entry| entry.command("https://example.invalid/").ok())
        .and_then(|argv| argv.into_iter().next())
        .map(PathBuf::from);
    let recorded = load_record(locations);
    let previous = match &recorded {
        Some(record) if record.registered => record.previous.get(SCHEMES[1]).cloned().flatten(),
        _ => current_default(locations, false),
    };
    HandlerStatus {
        registered,
        desktop_entry: ours.then_some(desktop),
        program_exists: program.as_deref().is_some_and(Path::is_file),
        program,
        previous,
        replaced_since: recorded.is_some_and(|record| record.registered) && !registered,
    }
}

/// The record, read without taking the lock (it is only replaced whole);
/// `None` when there is none or it cannot be read.
fn load_record(locations: &Locations) -> Option<Registration> {
    let bytes = data(locations)
        .read("link-handler.json", 1024 * 1024)
        .ok()??;
    let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    serde_json::from_value(value.get("data")?.clone()).ok()
}

/// The first default handler of https links in the XDG lists, skipping the
/// user's own list when Tandem's entry is what it names. A list value may
/// name several entries; the first installed one counts.
fn current_default(locations: &Locations, skip_user_list: bool) -> Option<String> {
    let dirs = locations.desktop_entry_dirs();
    let ours = desktop_id();
    for (index, list) in locations.mimeapps_lists().into_iter().enumerate() {
        if index == 0 && skip_user_list {
            continue;
        }
        let Ok(Some(bytes)) = tandem_files::read_regular(&list, 4 * 1024 * 1024) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let Some(value) = default_for(&text, SCHEMES[1]) else {
            continue;
        };
        let installed = value
            .split(';')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .find(|id| *id == ours || desktop_entry::find(&dirs, id).is_some());
        if let Some(id) = installed {
            return Some(id.to_owned());
        }
    }
    None
}

/// The handler web links went to before Tandem: its desktop entry id and
/// the entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousHandler {
    pub desktop_id: String,
    pub entry: DesktopEntry,
}

impl PreviousHandler {
    /// The command that opens `link` in it.
    pub fn command(&self, link: &str) -> Result<Vec<OsString>, EntryError> {
        self.entry.command(link)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PreviousError {
    /// Running it would run Tandem again.
    #[error(
        "the handler links went to before Tandem ({0}) is Tandem itself, so opening a link \
         there would loop; choose a fallback profile (`tandem rules fallback <profile>`) or ask"
    )]
    Loop(String),
    #[error(transparent)]
    Entry(#[from] EntryError),
}

/// The handler links went to before Tandem was registered: the one Tandem
/// recorded when it registered, else (or when that one is gone) whatever
/// the XDG lists name besides Tandem. `Ok(None)` when there is none.
pub fn handler_before_tandem(
    locations: &Locations,
) -> Result<Option<PreviousHandler>, PreviousError> {
    let dirs = locations.desktop_entry_dirs();
    let ours = desktop_id();
    let recorded = load_record(locations)
        .filter(|record| record.registered)
        .and_then(|record| record.previous.get(SCHEMES[1]).cloned().flatten())
        .and_then(|value| {
            value
                .split(';')
                .map(str::trim)
                .find(|id| *id == ours || desktop_entry::find(&dirs, id).is_some())
                .map(str::to_owned)
        });
    let Some(id) = recorded.or_else(|| current_default(locations, is_registered(locations))) else {
        return Ok(None);
    };
    if id == ours {
        return Err(PreviousError::Loop(id));
    }
    let Some(path) = desktop_entry::find(&dirs, &id) else {
        return Ok(None);
    };
    Ok(Some(PreviousHandler {
        desktop_id: id,
        entry: DesktopEntry::read(&path)?,
    }))
}

/// Files this module writes, for the uninstaller's report.
pub fn files(locations: &Locations) -> Vec<PathBuf> {
    vec![locations.handler_desktop_file(), locations.mimeapps_list()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "[Added Associations]\ntext/html=firefox.desktop;\n\n[Default Applications]\nx-scheme-handler/http=firefox.desktop\nx-scheme-handler/https=firefox.desktop\ntext/html=firefox.desktop\n";

    #[test]
    fn reads_and_edits_only_the_default_applications_section() {
        assert_eq!(
            default_for(LIST, "x-scheme-handler/http").as_deref(),
            Some("firefox.desktop")
        );
        assert_eq!(default_for(LIST, "text/plain"), None);
        let edited = with_default(LIST, "x-scheme-handler/http", Some("t.desktop"));
        assert!(edited.contains("x-scheme-handler/http=t.desktop\n"));
        assert!(edited.contains("[Added Associations]\ntext/html=firefox.desktop;\n"));
        assert_eq!(
            with_default(&edited, "x-scheme-handler/http", Some("firefox.desktop")),
            LIST
        );
        let added = with_default("[Default Applications]\n\n[Other]\n", "a", Some("b"));
        assert_eq!(added, "[Default Applications]\na=b\n\n[Other]\n");
        assert_eq!(
            with_default("", "a", Some("b")),
            "[Default Applications]\na=b\n"
        );
    }

    fn round_trip(before: Option<&str>) {
        let root = tempfile::tempdir().unwrap();
        let locations = Locations::under(root.path());
        let list = locations.mimeapps_list();
        if let Some(before) = before {
            std::fs::create_dir_all(list.parent().unwrap()).unwrap();
            std::fs::write(&list, before).unwrap();
        }
        register(&locations, Path::new("/usr/bin/tandem")).unwrap();
        assert!(is_registered(&locations));
        let desktop = std::fs::read_to_string(locations.handler_desktop_file()).unwrap();
        assert!(
            desktop.contains("Exec=\"/usr/bin/tandem\" open -- %u"),
            "{desktop}"
        );
        // Registering twice must not forget the original handler.
        register(&locations, Path::new("/usr/bin/tandem")).unwrap();
        assert!(unregister(&locations).unwrap());
        assert!(!locations.handler_desktop_file().exists());
        match before {
            Some(before) => assert_eq!(std::fs::read_to_string(&list).unwrap(), before),
            None => assert!(!list.exists()),
        }
        assert!(!unregister(&locations).unwrap());
    }

    #[test]
    fn unregistering_restores_the_previous_handler_byte_for_byte() {
        round_trip(Some(LIST));
        round_trip(Some("[Added Associations]\ntext/html=firefox.desktop;\n"));
        round_trip(Some("[Default Applications]\ntext/html=firefox.desktop\n"));
        round_trip(None);
    }

    #[test]
    fn a_default_the_user_changed_since_is_kept() {
        let root = tempfile::tempdir().unwrap();
        let locations = Locations::under(root.path());
        let list = locations.mimeapps_list();
        std::fs::create_dir_all(list.parent().unwrap()).unwrap();
        std::fs::write(&list, LIST).unwrap();
        register(&locations, Path::new("/usr/bin/tandem")).unwrap();
        let text = std::fs::read_to_string(&list).unwrap();
        std::fs::write(
            &list,
            with_default(&text, "x-scheme-handler/https", Some("chromium.desktop")),
        )
        .unwrap();
        unregister(&locations).unwrap();
        let text = std::fs::read_to_string(&list).unwrap();
        assert_eq!(
            default_for(&text, "x-scheme-handler/http").as_deref(),
            Some("firefox.desktop")
        );
        assert_eq!(
            default_for(&text, "x-scheme-handler/https").as_deref(),
            Some("chromium.desktop")
        );
    }
}
