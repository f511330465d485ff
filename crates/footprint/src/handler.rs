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
use crate::{FootprintError, MARKER, data, is_tandems};

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
    /// Per scheme, the handler that was the default before (if any), as the
    /// list's value (`a.desktop;b.desktop;`), never naming Tandem.
    pub previous: BTreeMap<String, Option<String>>,
    /// Per scheme, the line Tandem replaced, exactly as it was (`key = value`
    /// spacing and all), to put it back byte for byte; none where Tandem
    /// added the key.
    #[serde(default)]
    pub replaced_lines: BTreeMap<String, Option<String>>,
    /// Whether `mimeapps.list` did not exist before Tandem wrote it.
    pub created_list: bool,
    /// Whether the `[Default Applications]` section did not exist before.
    pub created_section: bool,
    /// What Tandem appended to the end of the list to start that section
    /// (the header, and the line end the last line lacked, if it did).
    #[serde(default)]
    pub appended: Option<String>,
    /// The last line of the list, when Tandem gave it the line end it
    /// lacked so a line could follow it.
    #[serde(default)]
    pub ended_line: Option<String>,
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

/// A `mimeapps.list`, line by line, each line with its own line end, so
/// that whatever Tandem does not change stays byte for byte (CRLF files,
/// `key = value` spacing, no final line end).
struct List {
    lines: Vec<String>,
}

impl List {
    fn parse(text: &str) -> Self {
        Self {
            lines: text.split_inclusive('\n').map(str::to_owned).collect(),
        }
    }

    fn text(&self) -> String {
        self.lines.concat()
    }

    /// The file's line end, for lines Tandem adds.
    fn eol(&self) -> &'static str {
        if self
            .lines
            .first()
            .is_some_and(|line| line.ends_with("\r\n"))
        {
            "\r\n"
        } else {
            "\n"
        }
    }

    fn content(line: &str) -> &str {
        line.trim_end_matches(['\n', '\r'])
    }

    /// The index of each line of the `[Default Applications]` sections
    /// (a list may repeat the section; the desktop merges them).
    fn section_lines(&self) -> Vec<usize> {
        let mut inside = false;
        let mut found = Vec::new();
        for (index, line) in self.lines.iter().enumerate() {
            let trimmed = Self::content(line).trim();
            if trimmed.starts_with('[') {
                inside = trimmed == SECTION;
            } else if inside {
                found.push(index);
            }
        }
        found
    }

    /// The line that decides `key`: the last one naming it, as the desktop
    /// reads a key given twice.
    fn deciding_line(&self, key: &str) -> Option<usize> {
        self.section_lines().into_iter().rev().find(|&index| {
            Self::content(&self.lines[index])
                .split_once('=')
                .is_some_and(|(name, _)| name.trim() == key)
        })
    }

    fn value(&self, key: &str) -> Option<String> {
        let index = self.deciding_line(key)?;
        Self::content(&self.lines[index])
            .split_once('=')
            .map(|(_, value)| value.trim().to_owned())
    }

    fn has_section(&self) -> bool {
        self.lines
            .iter()
            .any(|line| Self::content(line).trim() == SECTION)
    }

    /// Sets `key`: its deciding line is replaced (keeping its line end), or
    /// a line is added to the last section, which is added when there is
    /// none.
    fn set(&mut self, key: &str, line: &str) -> Added {
        if let Some(index) = self.deciding_line(key) {
            let end = &self.lines[index][List::content(&self.lines[index]).len()..];
            self.lines[index] = format!("{line}{end}");
            return Added::default();
        }
        let eol = self.eol();
        let mut appended = None;
        if !self.has_section() {
            let mut text = String::new();
            if self.lines.last().is_some_and(|last| !last.ends_with('\n')) {
                text.push_str(eol);
            }
            if !self.lines.is_empty() {
                text.push_str(eol);
            }
            text.push_str(SECTION);
            text.push_str(eol);
            self.lines.extend(List::parse(&text).lines);
            appended = Some(text);
        }
        // After the last section's last entry, before its blank lines.
        let last_header = self
            .lines
            .iter()
            .rposition(|candidate| List::content(candidate).trim() == SECTION)
            .unwrap_or(0);
        let mut at = self.lines[last_header + 1..]
            .iter()
            .position(|candidate| List::content(candidate).trim().starts_with('['))
            .map_or(self.lines.len(), |offset| last_header + 1 + offset);
        while at > last_header + 1 && List::content(&self.lines[at - 1]).trim().is_empty() {
            at -= 1;
        }
        let mut ended = None;
        if at > 0 && !self.lines[at - 1].ends_with('\n') {
            ended = Some(self.lines[at - 1].clone());
            self.lines[at - 1].push_str(eol);
        }
        self.lines.insert(at, format!("{line}{eol}"));
        Added { appended, ended }
    }

    /// Takes back the line end Tandem gave the last line.
    fn unend(&mut self, ended: &str) {
        if let Some(last) = self.lines.last_mut()
            && List::content(last) == ended
        {
            last.truncate(ended.len());
        }
    }

    fn remove(&mut self, key: &str) {
        if let Some(index) = self.deciding_line(key) {
            self.lines.remove(index);
        }
    }
}

/// What adding a line added besides it.
#[derive(Debug, Default)]
struct Added {
    /// The section header, with what came before it.
    appended: Option<String>,
    /// The last line, which got a line end.
    ended: Option<String>,
}

/// The value of `key` in the `[Default Applications]` section.
pub fn default_for(text: &str, key: &str) -> Option<String> {
    List::parse(text).value(key)
}

/// The ids a `mimeapps.list` value names, in order (`a.desktop;b.desktop;`).
fn ids(value: &str) -> impl Iterator<Item = &str> {
    value.split(';').map(str::trim).filter(|id| !id.is_empty())
}

/// Whether a value makes Tandem the default: the desktop takes the first
/// installed id it names, and Tandem's is installed while registered.
fn names_tandem(value: &str) -> bool {
    ids(value).next() == Some(desktop_id().as_str())
}

/// A value without Tandem's id, or none when nothing else is left.
fn without_tandem(value: &str) -> Option<String> {
    let ours = desktop_id();
    let rest: Vec<&str> = ids(value).filter(|id| *id != ours).collect();
    (!rest.is_empty()).then(|| rest.join(";") + ";")
}

fn read_list(path: &Path) -> Result<Option<String>, FootprintError> {
    Ok(shared::read(path)?)
}

/// Whether Tandem is registered as the link handler.
pub fn is_registered(locations: &Locations) -> bool {
    let Ok(Some(text)) = read_list(&locations.mimeapps_list()) else {
        return false;
    };
    let list = List::parse(&text);
    SCHEMES
        .iter()
        .all(|scheme| list.value(scheme).is_some_and(|value| names_tandem(&value)))
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

/// The line of the link-handler entry the packages install
/// (`packaging/dev.tandem.Tandem.desktop`). That entry declares no
/// `MimeType`, so installing it never makes Tandem a handler by itself: only
/// `mimeapps.list`, written by `handler on`, names it.
pub const PACKAGED_MARKER: &str = "X-Tandem-Packaged=true";

/// The link-handler entry a package installed in a system data folder, if
/// any: `handler on` then points at it rather than writing a per-user copy.
/// Only the first entry of that id counts, as the desktop takes the first:
/// another one before the package's would shadow it.
pub fn packaged_entry(locations: &Locations) -> Option<PathBuf> {
    let first = locations
        .desktop_entry_dirs()
        .into_iter()
        .skip(1)
        .map(|dir| dir.join(desktop_id()))
        .find(|path| std::fs::symlink_metadata(path).is_ok())?;
    matches!(shared::read(&first), Ok(Some(text))
        if text.lines().any(|line| line.trim() == PACKAGED_MARKER))
    .then_some(first)
}

/// Whether the desktop entry at `path` starts the program at `cli`.
fn runs(path: &Path, cli: &Path) -> bool {
    let Ok(Some(text)) = shared::read(path) else {
        return false;
    };
    let Ok(argv) = DesktopEntry::parse(path, &text).command("https://example.invalid/") else {
        return false;
    };
    argv.first().is_some_and(|program| {
        let program = Path::new(program);
        program == cli
            || matches!(
                (std::fs::canonicalize(program), std::fs::canonicalize(cli)),
                (Ok(a), Ok(b)) if a == b
            )
    })
}

/// Whether the desktop entry at `path` is Tandem's, as Tandem wrote it: one
/// the person edited since is theirs.
fn entry_is_ours_unedited(path: &Path, registration: &Registration) -> bool {
    if !is_tandems(path) {
        return false;
    }
    match (&registration.desktop_entry, shared::read(path)) {
        (Some(written), Ok(Some(now))) => *written == now,
        (None, _) => true,
        _ => false,
    }
}

/// Makes the `tandem` command at `cli` (as `tandem open -- <link>`) the
/// default handler of web links, remembering the handlers it replaces. Run
/// again, it takes the handler the person chose since as the one to put
/// back.
pub fn register(locations: &Locations, cli: &Path) -> Result<(), FootprintError> {
    let owned = data(locations);
    let lock = owned.lock(LOCK_WAIT).map_err(StoreError::from)?;
    let record_file = record(locations);
    let mut registration = record_file.load(&lock)?.value;
    let list_path = locations.mimeapps_list();
    let before = read_list(&list_path)?;
    let mut list = List::parse(before.as_deref().unwrap_or(""));
    let desktop = locations.handler_desktop_file();
    let dir = desktop.parent().unwrap_or(Path::new("/"));
    let entry = desktop_entry(cli)?;
    let desktop_exists = crate::check_regular(&desktop)?;
    if desktop_exists && !entry_is_ours_unedited(&desktop, &registration) {
        return Err(FootprintError::NotTandems(desktop));
    }
    // The package's entry serves when it runs this very `tandem`, unless a
    // per-user copy (which would shadow it) is already there.
    let packaged =
        !desktop_exists && packaged_entry(locations).is_some_and(|entry| runs(&entry, cli));
    if !registration.registered {
        registration = Registration {
            registered: true,
            created_list: before.is_none(),
            created_section: !list.has_section(),
            created_applications_dir: !packaged && !dir.exists(),
            ..Registration::default()
        };
    }
    let ours = desktop_id();
    for scheme in SCHEMES {
        let current = list.value(scheme);
        if current.as_deref().is_some_and(names_tandem) {
            continue;
        }
        // Not Tandem now: what is there is what to put back.
        registration.previous.insert(
            scheme.to_owned(),
            current.as_deref().and_then(without_tandem),
        );
        registration.replaced_lines.insert(
            scheme.to_owned(),
            list.deciding_line(scheme)
                .map(|index| List::content(&list.lines[index]).to_owned()),
        );
        let added = list.set(scheme, &format!("{scheme}={ours}"));
        if added.appended.is_some() {
            registration.appended = added.appended;
        }
        if added.ended.is_some() {
            registration.ended_line = added.ended;
        }
    }
    registration.desktop_entry = (!packaged).then(|| entry.clone());
    // What would fail below for certain fails before the record says
    // Tandem registered.
    if !packaged {
        crate::check_folder(dir)?;
    }
    if let Some(parent) = list_path.parent() {
        crate::check_folder(parent)?;
    }
    // The record first: if anything below fails, unregistering still knows
    // what to put back.
    record_file.save(&lock, &registration)?;
    if !packaged {
        crate::create_folder(dir)?;
        shared::replace(&desktop, entry.as_bytes())?;
    }
    if let Some(parent) = list_path.parent() {
        crate::create_folder(parent)?;
    }
    let text = list.text();
    if before.as_deref() != Some(text.as_str()) {
        shared::replace(&list_path, text.as_bytes())?;
    }
    Ok(())
}

/// Puts back the handlers Tandem replaced and removes its desktop entry.
/// A default the person changed since is left as they set it, and so is a
/// desktop entry they edited. Returns whether anything was registered.
pub fn unregister(locations: &Locations) -> Result<bool, FootprintError> {
    let owned = data(locations);
    let lock = owned.lock(LOCK_WAIT).map_err(StoreError::from)?;
    let record_file = record(locations);
    let registration = record_file.load(&lock)?.value;
    let desktop = locations.handler_desktop_file();
    let ours = entry_is_ours_unedited(&desktop, &registration);
    if !registration.registered && !ours {
        return Ok(false);
    }
    let list_path = locations.mimeapps_list();
    if let Some(before) = read_list(&list_path)? {
        let mut list = List::parse(&before);
        for scheme in SCHEMES {
            if !list.value(scheme).is_some_and(|value| names_tandem(&value)) {
                continue;
            }
            match registration.replaced_lines.get(scheme).cloned().flatten() {
                Some(line) => {
                    list.set(scheme, &line);
                }
                // An older record kept the value only.
                None => match registration.previous.get(scheme).cloned().flatten() {
                    Some(previous) if !registration.replaced_lines.contains_key(scheme) => {
                        list.set(scheme, &format!("{scheme}={previous}"));
                    }
                    _ => list.remove(scheme),
                },
            }
        }
        if let Some(ended) = &registration.ended_line {
            list.unend(ended);
        }
        let mut text = list.text();
        if registration.created_section {
            text = without_empty_section(&text, registration.appended.as_deref());
        }
        if registration.created_list && text.trim().is_empty() {
            shared::remove(&list_path)?;
        } else if text != before {
            shared::replace(&list_path, text.as_bytes())?;
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

/// Removes the `[Default Applications]` section Tandem appended, once it
/// holds nothing: exactly the text appended, when the list still ends so.
fn without_empty_section(text: &str, appended: Option<&str>) -> String {
    let list = List::parse(text);
    let Some(header) = list
        .lines
        .iter()
        .rposition(|line| List::content(line).trim() == SECTION)
    else {
        return text.to_owned();
    };
    let empty = list.lines[header + 1..]
        .iter()
        .all(|line| List::content(line).trim().is_empty());
    if !empty {
        return text.to_owned();
    }
    let section_and_after: String = list.lines[header..].concat();
    let kept: String = list.lines[..header].concat();
    match appended {
        Some(appended) if text.ends_with(appended) && appended.ends_with(&section_and_after) => {
            text[..text.len() - appended.len()].to_owned()
        }
        // An older record: drop the section and the blank line before it.
        _ => {
            let trimmed = kept
                .strip_suffix("\r\n")
                .or_else(|| kept.strip_suffix('\n'));
            match trimmed {
                Some(rest) if rest.is_empty() || rest.ends_with('\n') => rest.to_owned(),
                _ => kept,
            }
        }
    }
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
    let dirs = locations.desktop_entry_dirs();
    let previous = match &recorded {
        Some(record) if record.registered => record
            .previous
            .get(SCHEMES[1])
            .cloned()
            .flatten()
            .and_then(|value| {
                first_installed(&value, &dirs).or_else(|| ids(&value).next().map(str::to_owned))
            }),
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

/// The first id of `value` that is installed, never Tandem's own.
fn first_installed(value: &str, dirs: &[PathBuf]) -> Option<String> {
    let ours = desktop_id();
    ids(value)
        .filter(|id| *id != ours)
        .find(|id| desktop_entry::find(dirs, id).is_some())
        .map(str::to_owned)
}

/// The first default handler of https links in the XDG lists other than
/// Tandem, skipping the user's own list when Tandem registered there.
fn current_default(locations: &Locations, skip_user_list: bool) -> Option<String> {
    let dirs = locations.desktop_entry_dirs();
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
        if let Some(id) = first_installed(&value, &dirs) {
            return Some(id);
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
/// the XDG lists name besides Tandem. `Ok(None)` when there is none: when
/// Tandem is all the lists name (an admin made it the default for every
/// user, say), links are asked about.
pub fn handler_before_tandem(
    locations: &Locations,
) -> Result<Option<PreviousHandler>, PreviousError> {
    let dirs = locations.desktop_entry_dirs();
    let recorded = load_record(locations)
        .filter(|record| record.registered)
        .and_then(|record| record.previous.get(SCHEMES[1]).cloned().flatten())
        .and_then(|value| first_installed(&value, &dirs));
    let Some(id) = recorded.or_else(|| current_default(locations, is_registered(locations))) else {
        return Ok(None);
    };
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

    fn machine() -> (tempfile::TempDir, Locations) {
        let root = tempfile::tempdir().unwrap();
        let locations = Locations::under(root.path());
        (root, locations)
    }

    fn write_list(locations: &Locations, text: &[u8]) {
        let list = locations.mimeapps_list();
        std::fs::create_dir_all(list.parent().unwrap()).unwrap();
        std::fs::write(&list, text).unwrap();
    }

    fn list_text(locations: &Locations) -> Option<Vec<u8>> {
        std::fs::read(locations.mimeapps_list()).ok()
    }

    #[test]
    fn the_deciding_value_is_the_last_one_the_desktop_reads() {
        assert_eq!(
            default_for(LIST, "x-scheme-handler/http").as_deref(),
            Some("firefox.desktop")
        );
        assert_eq!(default_for(LIST, "text/plain"), None);
        let twice = "[Default Applications]\nx-scheme-handler/https=a.desktop\nx-scheme-handler/https = b.desktop\n[Other]\nx-scheme-handler/https=c.desktop\n[Default Applications]\ntext/html=d.desktop\n";
        assert_eq!(
            default_for(twice, "x-scheme-handler/https").as_deref(),
            Some("b.desktop")
        );
    }

    fn round_trip(before: Option<&[u8]>) {
        let (_root, locations) = machine();
        if let Some(before) = before {
            write_list(&locations, before);
        }
        register(&locations, Path::new("/usr/bin/tandem")).unwrap();
        assert!(
            is_registered(&locations),
            "{:?}",
            before.map(String::from_utf8_lossy)
        );
        let desktop = std::fs::read_to_string(locations.handler_desktop_file()).unwrap();
        assert!(
            desktop.contains("Exec=\"/usr/bin/tandem\" open -- %u"),
            "{desktop}"
        );
        // Registering twice must not forget the original handler.
        register(&locations, Path::new("/usr/bin/tandem")).unwrap();
        assert!(unregister(&locations).unwrap());
        assert!(!locations.handler_desktop_file().exists());
        assert_eq!(
            list_text(&locations).as_deref(),
            before,
            "{:?}",
            before.map(String::from_utf8_lossy)
        );
        assert!(!unregister(&locations).unwrap());
    }

    #[test]
    fn the_packaged_entry_is_used_as_it_is_and_never_claims_links_by_itself() {
        let packaged = include_str!("../../../packaging/dev.tandem.Tandem.desktop");
        assert!(packaged.lines().any(|line| line == PACKAGED_MARKER));
        assert!(
            !packaged.contains("MimeType"),
            "installing the package must not make Tandem a handler"
        );
        assert!(packaged.contains("Exec=/usr/bin/tandem open -- %u"));
        assert!(
            !packaged.contains(MARKER),
            "uninstall removes only what Tandem wrote, not the package's files"
        );
        let (_root, locations) = machine();
        let system = locations.desktop_entry_dirs()[1].join(desktop_id());
        std::fs::create_dir_all(system.parent().unwrap()).unwrap();
        std::fs::write(&system, packaged).unwrap();
        assert_eq!(packaged_entry(&locations), Some(system.clone()));
        write_list(&locations, LIST.as_bytes());
        register(&locations, Path::new("/usr/bin/tandem")).unwrap();
        assert!(is_registered(&locations));
        assert!(
            !locations.handler_desktop_file().exists(),
            "no per-user copy beside the package's entry"
        );
        assert!(!locations.handler_desktop_file().parent().unwrap().exists());
        assert!(unregister(&locations).unwrap());
        assert_eq!(list_text(&locations).as_deref(), Some(LIST.as_bytes()));
        assert_eq!(std::fs::read_to_string(&system).unwrap(), packaged);
        // Another build's `tandem` gets its own entry: the package's would
        // start the packaged one instead.
        register(&locations, Path::new("/opt/other/tandem")).unwrap();
        let own = std::fs::read_to_string(locations.handler_desktop_file()).unwrap();
        assert!(
            own.contains("Exec=\"/opt/other/tandem\" open -- %u"),
            "{own}"
        );
        assert!(unregister(&locations).unwrap());
        assert!(!locations.handler_desktop_file().exists());
    }

    #[test]
    fn unregistering_restores_the_previous_handler_byte_for_byte() {
        round_trip(Some(LIST.as_bytes()));
        round_trip(Some(b"[Added Associations]\ntext/html=firefox.desktop;\n"));
        round_trip(Some(b"[Added Associations]\ntext/html=firefox.desktop;"));
        round_trip(Some(b"[Default Applications]\ntext/html=firefox.desktop\n"));
        round_trip(Some(b"[Default Applications]\ntext/html=firefox.desktop"));
        round_trip(Some(
            b"[Default Applications]\r\nx-scheme-handler/https = firefox.desktop;chromium.desktop;\r\ntext/html=firefox.desktop\r\n",
        ));
        round_trip(Some(b"# only a comment\n"));
        round_trip(Some(b""));
        round_trip(Some(
            b"[Default Applications]\nx-scheme-handler/https=a.desktop\n[Default Applications]\nx-scheme-handler/https=b.desktop\n",
        ));
        round_trip(None);
    }

    #[test]
    fn registering_wins_over_a_key_given_twice() {
        let (_root, locations) = machine();
        write_list(
            &locations,
            b"[Default Applications]\nx-scheme-handler/https=chromium.desktop\nx-scheme-handler/https=firefox.desktop\n",
        );
        register(&locations, Path::new("/usr/bin/tandem")).unwrap();
        let text = String::from_utf8(list_text(&locations).unwrap()).unwrap();
        assert_eq!(
            default_for(&text, "x-scheme-handler/https").as_deref(),
            Some("dev.tandem.Tandem.desktop")
        );
    }

    #[test]
    fn a_list_that_is_not_utf8_is_left_alone() {
        let (_root, locations) = machine();
        let latin1 = b"[Default Applications]\n# caf\xe9\nx-scheme-handler/https=firefox.desktop\n";
        write_list(&locations, latin1);
        assert!(register(&locations, Path::new("/usr/bin/tandem")).is_err());
        assert_eq!(list_text(&locations).unwrap(), latin1);
    }

    #[test]
    fn a_default_the_user_changed_since_is_kept_and_the_value_may_end_in_a_semicolon() {
        let (_root, locations) = machine();
        write_list(&locations, LIST.as_bytes());
        register(&locations, Path::new("/usr/bin/tandem")).unwrap();
        let list = locations.mimeapps_list();
        let text = std::fs::read_to_string(&list).unwrap();
        // The person chose Chromium for https, and wrote Tandem's value as a list.
        let mut edited = List::parse(&text);
        edited.set(
            "x-scheme-handler/https",
            "x-scheme-handler/https=chromium.desktop",
        );
        edited.set(
            "x-scheme-handler/http",
            "x-scheme-handler/http=dev.tandem.Tandem.desktop;",
        );
        std::fs::write(&list, edited.text()).unwrap();
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

    #[test]
    fn registering_again_takes_the_handler_chosen_since_as_the_one_to_put_back() {
        let (_root, locations) = machine();
        write_list(&locations, LIST.as_bytes());
        register(&locations, Path::new("/usr/bin/tandem")).unwrap();
        let list = locations.mimeapps_list();
        let mut chosen = List::parse(&std::fs::read_to_string(&list).unwrap());
        for scheme in SCHEMES {
            chosen.set(scheme, &format!("{scheme}=chromium.desktop"));
        }
        std::fs::write(&list, chosen.text()).unwrap();
        register(&locations, Path::new("/usr/bin/tandem")).unwrap();
        unregister(&locations).unwrap();
        let text = std::fs::read_to_string(&list).unwrap();
        for scheme in SCHEMES {
            assert_eq!(
                default_for(&text, scheme).as_deref(),
                Some("chromium.desktop")
            );
        }
    }

    #[test]
    fn a_desktop_entry_the_person_edited_is_theirs() {
        let (_root, locations) = machine();
        register(&locations, Path::new("/usr/bin/tandem")).unwrap();
        let entry = locations.handler_desktop_file();
        let edited = std::fs::read_to_string(&entry).unwrap() + "Terminal=false\n";
        std::fs::write(&entry, &edited).unwrap();
        assert!(matches!(
            register(&locations, Path::new("/usr/bin/tandem")),
            Err(FootprintError::NotTandems(_))
        ));
        unregister(&locations).unwrap();
        assert_eq!(std::fs::read_to_string(&entry).unwrap(), edited);
    }
}
