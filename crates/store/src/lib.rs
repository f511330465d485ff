//! Tandem's own state files: versioned, written atomically, backed up, and
//! shared safely between processes (the app and the CLI).
//!
//! - Files live below an [`OwnedDir`] (Tandem's data folder), so nothing is
//!   ever read or written through a link placed there (`tandem-files`).
//! - A write goes to a temporary file in the same folder, is flushed to disk
//!   (`fsync`), renamed over the old file, and the folder is flushed too, so
//!   after a crash the file is either the old version or the new one.
//! - Each file carries its schema name and version; an older version is
//!   migrated on load, a newer one is refused (and never overwritten).
//! - `<name>.bak` is the last good copy: it is written with each new
//!   version just before the file itself, so it is never behind it.
//! - A file that cannot be parsed, or is not a file at all (a link, a FIFO),
//!   is renamed `<name>.corrupt-<time>-<random>` and reported; the backup,
//!   if valid, takes its place. Nothing is silently overwritten.
//! - Every read-modify-write holds the folder's lock ([`DirLock`]), taken
//!   with a bounded wait; every write takes it as proof.

use std::marker::PhantomData;
use std::path::PathBuf;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
pub use tandem_files::{DirLock, LOCK_WAIT, OwnedDir, OwnedError};
use tandem_i18n::Said;

/// No state file Tandem writes comes near this; a larger one is not Tandem's.
const MAX_STATE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Files(#[from] OwnedError),
    #[error(
        "{path:?} was written by a newer Tandem (format {found}, this one knows up to {known}); \
         update Tandem. The file was left as it is"
    )]
    TooNew {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    #[error("cannot encode {path:?}: {source}")]
    Encode {
        path: PathBuf,
        source: serde_json::Error,
    },
}

impl StoreError {
    /// The same, to be worded in the person's language.
    pub fn said(&self) -> Said {
        match self {
            StoreError::Files(error) => error.said(),
            StoreError::TooNew { path, found, known } => Said::new("store.too_new")
                .with("path", format!("{path:?}"))
                .with("found", found.to_string())
                .with("known", known.to_string()),
            // Only a bug in Tandem fails to encode its own state.
            StoreError::Encode { .. } => Said::verbatim(self.to_string()),
        }
    }
}

/// A kind of state file.
pub trait Document: Serialize + DeserializeOwned + Default {
    /// The schema's name, written into the file.
    const SCHEMA: &'static str;
    /// The current version.
    const VERSION: u32;

    /// Turns the `data` of an older `version` into the next version's. Called
    /// once per version step until the current one.
    fn migrate(version: u32, data: serde_json::Value) -> Result<serde_json::Value, String> {
        let _ = data;
        Err(format!("no migration from version {version}"))
    }

    /// The data of a file written before files carried a schema, as
    /// version 1's, if this kind of file had such a form.
    fn unversioned(value: serde_json::Value) -> Option<serde_json::Value> {
        let _ = value;
        None
    }
}

#[derive(Serialize)]
struct EnvelopeOut<'a, T> {
    schema: &'static str,
    version: u32,
    data: &'a T,
}

#[derive(Deserialize)]
struct EnvelopeIn {
    schema: String,
    version: u32,
    data: serde_json::Value,
}

/// What loading found, besides the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recovery {
    /// The file was damaged and set aside; the last good backup was used.
    FromBackup { set_aside: PathBuf, reason: Said },
    /// The file was damaged and set aside, and no good backup existed.
    Reset { set_aside: PathBuf, reason: Said },
    /// The file was missing beside a good backup (a crash during a
    /// recovery); the backup was restored.
    Restored,
    /// Something that was not Tandem's (a link, a FIFO) stood where Tandem
    /// keeps a file or folder; it was moved aside, untouched.
    NotOurs { set_aside: PathBuf, reason: Said },
}

impl Recovery {
    /// A sentence for the user.
    pub fn message(&self) -> Said {
        match self {
            Recovery::FromBackup { set_aside, reason } => Said::new("store.recovered_from_backup")
                .with("reason", reason)
                .with("path", set_aside.display().to_string()),
            Recovery::Reset { set_aside, reason } => Said::new("store.reset")
                .with("reason", reason)
                .with("path", set_aside.display().to_string()),
            Recovery::Restored => Said::new("store.restored"),
            Recovery::NotOurs { set_aside, reason } => Said::new("store.not_ours")
                .with("reason", reason)
                .with("path", set_aside.display().to_string()),
        }
    }
}

#[derive(Debug)]
pub struct Loaded<T> {
    pub value: T,
    pub recovery: Option<Recovery>,
}

/// Runs `operation`, moving aside whatever is found in the way that is not
/// Tandem's (a link where a file or folder belongs) and trying again.
pub fn clearing_the_way<R>(
    dir: &OwnedDir,
    lock: &DirLock,
    recoveries: &mut Vec<Recovery>,
    mut operation: impl FnMut() -> Result<R, StoreError>,
) -> Result<R, StoreError> {
    // Each round moves one entry aside; a path is only so deep.
    for _ in 0..8 {
        match operation() {
            Err(StoreError::Files(error)) if error.not_ours().is_some() => {
                let relative = error.not_ours().unwrap_or_default();
                let set_aside = dir.set_aside(lock, relative)?;
                tracing::warn!(%error, set_aside = %set_aside.display(), "moved aside what was not Tandem's");
                recoveries.push(Recovery::NotOurs {
                    set_aside,
                    reason: error.said(),
                });
            }
            done => return done,
        }
    }
    operation()
}

/// Appends one line to the file `rel`, moving aside anything in its way.
/// A crash can leave at most a partial last line, which readers skip.
pub fn append_line(
    dir: &OwnedDir,
    lock: &DirLock,
    rel: &str,
    line: &str,
) -> Result<Vec<Recovery>, StoreError> {
    let mut recoveries = Vec::new();
    clearing_the_way(dir, lock, &mut recoveries, || {
        Ok(dir.append_line(lock, rel, line)?)
    })?;
    Ok(recoveries)
}

/// The lines of the file `rel`, none when it is missing.
pub fn read_lines(
    dir: &OwnedDir,
    lock: &DirLock,
    rel: &str,
) -> Result<(Vec<String>, Vec<Recovery>), StoreError> {
    let mut recoveries = Vec::new();
    let bytes = clearing_the_way(dir, lock, &mut recoveries, || {
        Ok(dir.read(rel, MAX_STATE_BYTES)?)
    })?;
    let text = String::from_utf8_lossy(bytes.as_deref().unwrap_or_default()).into_owned();
    Ok((text.lines().map(str::to_owned).collect(), recoveries))
}

/// One state file of type `T`, below an owned folder.
#[derive(Debug)]
pub struct StateFile<T> {
    dir: OwnedDir,
    rel: String,
    kind: PhantomData<fn() -> T>,
}

// Not derived: a derive would demand `T: Clone`, and only the path is cloned.
impl<T> Clone for StateFile<T> {
    fn clone(&self) -> Self {
        Self {
            dir: self.dir.clone(),
            rel: self.rel.clone(),
            kind: PhantomData,
        }
    }
}

/// serde's words for contents of the wrong shape, as the reason.
fn unexpected(error: &serde_json::Error) -> Said {
    Said::new("store.bad.unexpected").with("detail", Said::verbatim(error.to_string()))
}

enum Parsed<T> {
    Missing,
    Good(T),
    /// Why it is damaged.
    Bad(Said),
}

impl<T: Document> StateFile<T> {
    /// The file at `rel` (`work/links.json`) below `dir`.
    pub fn new(dir: &OwnedDir, rel: &str) -> Self {
        Self {
            dir: dir.clone(),
            rel: rel.to_owned(),
            kind: PhantomData,
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path_of(&self.rel)
    }

    fn backup_rel(&self) -> String {
        format!("{}.bak", self.rel)
    }

    pub fn backup_path(&self) -> PathBuf {
        self.dir.path_of(&self.backup_rel())
    }

    fn parse(&self, rel: &str) -> Result<Parsed<T>, StoreError> {
        let bytes = match self.dir.read(rel, MAX_STATE_BYTES) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return Ok(Parsed::Missing),
            // What is not Tandem's file is as good as a damaged one: it is
            // set aside by its name, which never follows it.
            Err(error @ (OwnedError::NotOurs { .. } | OwnedError::TooLarge { .. }))
                if error.not_ours().is_none_or(|offender| offender == rel) =>
            {
                return Ok(Parsed::Bad(error.said()));
            }
            Err(error) => return Err(error.into()),
        };
        let value: serde_json::Value = match serde_json::from_slice(&bytes) {
            Ok(value) => value,
            Err(error) => {
                return Ok(Parsed::Bad(
                    Said::new("store.bad.not_json")
                        .with("detail", Said::verbatim(error.to_string())),
                ));
            }
        };
        let envelope = match serde_json::from_value::<EnvelopeIn>(value.clone()) {
            Ok(envelope) => envelope,
            Err(error) => match T::unversioned(value) {
                Some(data) => EnvelopeIn {
                    schema: T::SCHEMA.to_owned(),
                    version: 1,
                    data,
                },
                None => return Ok(Parsed::Bad(unexpected(&error))),
            },
        };
        if envelope.schema != T::SCHEMA {
            return Ok(Parsed::Bad(
                Said::new("store.bad.other_schema")
                    .with("found", format!("{:?}", envelope.schema))
                    .with("expected", format!("{:?}", T::SCHEMA)),
            ));
        }
        if envelope.version > T::VERSION {
            return Err(StoreError::TooNew {
                path: self.dir.path_of(rel),
                found: envelope.version,
                known: T::VERSION,
            });
        }
        let mut data = envelope.data;
        for version in envelope.version..T::VERSION {
            data = match T::migrate(version, data) {
                Ok(data) => data,
                Err(reason) => return Ok(Parsed::Bad(Said::verbatim(reason))),
            };
        }
        match serde_json::from_value(data) {
            Ok(value) => Ok(Parsed::Good(value)),
            Err(error) => Ok(Parsed::Bad(unexpected(&error))),
        }
    }

    /// Reads the file without the lock and without writing anything: for a
    /// reader that must not wait (routing a link). A damaged file gives its
    /// backup, if that is good, else `None`, as does a missing file; the
    /// next locked [`StateFile::load`] repairs it.
    pub fn peek(&self) -> Result<Option<T>, StoreError> {
        for rel in [self.rel.clone(), self.backup_rel()] {
            match self.parse(&rel) {
                Ok(Parsed::Good(value)) => return Ok(Some(value)),
                Ok(Parsed::Missing) if rel == self.rel => return Ok(None),
                Ok(Parsed::Missing | Parsed::Bad(_)) => {}
                Err(StoreError::Files(_)) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(None)
    }

    /// Loads the file. A damaged file is set aside, which is a write, so
    /// this takes the folder's lock as proof.
    pub fn load(&self, lock: &DirLock) -> Result<Loaded<T>, StoreError> {
        let mut recoveries = Vec::new();
        let parsed = clearing_the_way(&self.dir, lock, &mut recoveries, || self.parse(&self.rel))?;
        let folder_recovery = recoveries.pop();
        let reason = match parsed {
            Parsed::Missing => {
                // Only a crash while a damaged file was being replaced by its
                // backup leaves the backup without the file: finish that.
                if let Parsed::Good(value) = self.parse(&self.backup_rel())? {
                    self.dir
                        .write_atomically(lock, &self.rel, &self.encode(&value)?)?;
                    return Ok(Loaded {
                        value,
                        recovery: Some(folder_recovery.unwrap_or(Recovery::Restored)),
                    });
                }
                return Ok(Loaded {
                    value: T::default(),
                    recovery: folder_recovery,
                });
            }
            Parsed::Good(value) => {
                self.heal_backup(lock)?;
                return Ok(Loaded {
                    value,
                    recovery: folder_recovery,
                });
            }
            Parsed::Bad(reason) => reason,
        };
        let set_aside = self.dir.set_aside(lock, &self.rel)?;
        tracing::warn!(file = %self.path().display(), %reason, set_aside = %set_aside.display(), "damaged state file set aside");
        let recovery;
        let value = match self.parse(&self.backup_rel()) {
            Ok(Parsed::Good(value)) => {
                recovery = Recovery::FromBackup { set_aside, reason };
                self.dir
                    .write_atomically(lock, &self.rel, &self.encode(&value)?)?;
                value
            }
            Ok(Parsed::Missing) | Err(StoreError::Files(_)) => {
                recovery = Recovery::Reset { set_aside, reason };
                T::default()
            }
            // The backup is damaged too: it is kept aside as well, never
            // overwritten by the next save.
            Ok(Parsed::Bad(_)) => {
                let _ = self.dir.set_aside(lock, &self.backup_rel());
                recovery = Recovery::Reset { set_aside, reason };
                T::default()
            }
            Err(error) => return Err(error),
        };
        Ok(Loaded {
            value,
            recovery: Some(recovery),
        })
    }

    /// A save writes the backup, then the file. A process killed between
    /// the two leaves a backup ahead of the file, holding a state that never
    /// happened (or data the user removed); the file is the truth, so the
    /// backup is made its copy again.
    fn heal_backup(&self, lock: &DirLock) -> Result<(), StoreError> {
        let current = self.dir.read(&self.rel, MAX_STATE_BYTES);
        let backup = self.dir.read(&self.backup_rel(), MAX_STATE_BYTES);
        if let (Ok(Some(current)), Ok(Some(backup))) = (&current, &backup)
            && current != backup
        {
            let mut recoveries = Vec::new();
            clearing_the_way(&self.dir, lock, &mut recoveries, || {
                Ok(self
                    .dir
                    .write_atomically(lock, &self.backup_rel(), current)?)
            })?;
        }
        Ok(())
    }

    fn encode(&self, value: &T) -> Result<Vec<u8>, StoreError> {
        let mut bytes = tandem_text::json::to_vec_pretty(&EnvelopeOut {
            schema: T::SCHEMA,
            version: T::VERSION,
            data: value,
        })
        .map_err(|source| StoreError::Encode {
            path: self.path(),
            source,
        })?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// Replaces the file with `value`. The backup is written first with the
    /// same bytes, so it always holds the latest good version: a restored
    /// backup never brings back a state that was already left (a pending
    /// link that was confirmed since, personal data that was removed).
    pub fn save(&self, lock: &DirLock, value: &T) -> Result<Vec<Recovery>, StoreError> {
        let bytes = self.encode(value)?;
        if matches!(self.dir.read(&self.rel, MAX_STATE_BYTES), Ok(Some(current)) if current == bytes)
            && matches!(self.dir.read(&self.backup_rel(), MAX_STATE_BYTES), Ok(Some(backup)) if backup == bytes)
        {
            return Ok(Vec::new());
        }
        let mut recoveries = Vec::new();
        for rel in [self.backup_rel(), self.rel.clone()] {
            clearing_the_way(&self.dir, lock, &mut recoveries, || {
                Ok(self.dir.write_atomically(lock, &rel, &bytes)?)
            })?;
        }
        Ok(recoveries)
    }

    /// Deletes the copies set aside as damaged (and temporary files): for
    /// personal data that was removed, which must not live on in them.
    pub fn forget_damaged_copies(&self, lock: &DirLock) -> Result<(), StoreError> {
        self.remove_copies(lock, false)
    }

    /// Deletes every copy of the file: itself, its backup, copies set aside
    /// as damaged, and temporary files a crash left behind.
    pub fn delete(&self, lock: &DirLock) -> Result<(), StoreError> {
        self.remove_copies(lock, true)
    }

    /// The bytes of every copy set aside as damaged, for a caller that must
    /// know what they name before they go.
    pub fn damaged_copies(&self) -> Vec<Vec<u8>> {
        let (parent, name) = self.parent_and_name();
        let prefixes = [format!("{name}.corrupt-"), format!("{name}.bak.corrupt-")];
        self.dir
            .names_in(parent)
            .unwrap_or_default()
            .into_iter()
            .filter(|entry| {
                prefixes
                    .iter()
                    .any(|prefix| entry.starts_with(prefix.as_str()))
            })
            .filter_map(|entry| {
                let rel = if parent.is_empty() {
                    entry
                } else {
                    format!("{parent}/{entry}")
                };
                self.dir.read(&rel, MAX_STATE_BYTES).ok().flatten()
            })
            .collect()
    }

    fn parent_and_name(&self) -> (&str, &str) {
        match self.rel.rsplit_once('/') {
            Some((parent, name)) => (parent, name),
            None => ("", self.rel.as_str()),
        }
    }

    fn remove_copies(&self, lock: &DirLock, with_the_file: bool) -> Result<(), StoreError> {
        let (parent, name) = self.parent_and_name();
        let prefixes = [
            format!("{name}.corrupt-"),
            format!("{name}.tmp-"),
            format!("{name}.bak.corrupt-"),
            format!("{name}.bak.tmp-"),
        ];
        let mut copies = if with_the_file {
            vec![self.rel.clone(), self.backup_rel()]
        } else {
            Vec::new()
        };
        let names = match self.dir.names_in(parent) {
            Ok(names) => names,
            Err(error) if error.not_ours().is_some() => Vec::new(),
            Err(error) => return Err(error.into()),
        };
        copies.extend(
            names
                .into_iter()
                .filter(|entry| {
                    prefixes
                        .iter()
                        .any(|prefix| entry.starts_with(prefix.as_str()))
                })
                .map(|entry| {
                    if parent.is_empty() {
                        entry
                    } else {
                        format!("{parent}/{entry}")
                    }
                }),
        );
        for rel in copies {
            match self.dir.remove(lock, &rel) {
                Ok(_) => {}
                Err(error) if error.not_ours().is_some() => {}
                Err(error) => return Err(error.into()),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
    struct Counter {
        count: u64,
        #[serde(default)]
        label: String,
    }

    impl Document for Counter {
        const SCHEMA: &'static str = "test.counter";
        const VERSION: u32 = 2;

        // Version 1 called the count `n` and had no label.
        fn migrate(version: u32, data: serde_json::Value) -> Result<serde_json::Value, String> {
            match version {
                1 => Ok(serde_json::json!({ "count": data["n"], "label": "migrated" })),
                _ => Err(format!("no migration from version {version}")),
            }
        }

        // Before envelopes, the file was a bare number.
        fn unversioned(value: serde_json::Value) -> Option<serde_json::Value> {
            value.as_u64().map(|n| serde_json::json!({ "n": n }))
        }
    }

    fn setup() -> (tempfile::TempDir, OwnedDir, StateFile<Counter>) {
        let dir = tempfile::tempdir().unwrap();
        let owned = OwnedDir::new(dir.path());
        let file = StateFile::new(&owned, "counter.json");
        (dir, owned, file)
    }

    fn counter(count: u64) -> Counter {
        Counter {
            count,
            label: String::new(),
        }
    }

    #[test]
    fn saves_and_loads_with_the_schema_and_a_current_backup() {
        let (dir, owned, file) = setup();
        let lock = owned.lock(LOCK_WAIT).unwrap();
        assert_eq!(file.load(&lock).unwrap().value, Counter::default());
        file.save(&lock, &counter(1)).unwrap();
        file.save(&lock, &counter(2)).unwrap();
        let text = std::fs::read_to_string(file.path()).unwrap();
        assert!(text.contains(r#""schema": "test.counter""#), "{text}");
        assert!(text.contains(r#""version": 2"#));
        assert_eq!(file.load(&lock).unwrap().value.count, 2);
        assert_eq!(std::fs::read(file.backup_path()).unwrap(), text.as_bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(file.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
    }

    #[test]
    fn migrates_an_older_version_and_an_unversioned_file() {
        let (_dir, owned, file) = setup();
        let lock = owned.lock(LOCK_WAIT).unwrap();
        std::fs::write(
            file.path(),
            r#"{"schema":"test.counter","version":1,"data":{"n":7}}"#,
        )
        .unwrap();
        let loaded = file.load(&lock).unwrap();
        assert_eq!(
            loaded.value,
            Counter {
                count: 7,
                label: "migrated".into()
            }
        );
        assert!(loaded.recovery.is_none());
        std::fs::write(file.path(), "9").unwrap();
        assert_eq!(file.load(&lock).unwrap().value.count, 9);
    }

    #[test]
    fn refuses_a_newer_version_and_leaves_it() {
        let (_dir, owned, file) = setup();
        let lock = owned.lock(LOCK_WAIT).unwrap();
        let newer = r#"{"schema":"test.counter","version":9,"data":{}}"#;
        std::fs::write(file.path(), newer).unwrap();
        let error = file.load(&lock).unwrap_err();
        assert!(matches!(
            error,
            StoreError::TooNew {
                found: 9,
                known: 2,
                ..
            }
        ));
        assert!(error.to_string().contains("update Tandem"));
        assert_eq!(std::fs::read_to_string(file.path()).unwrap(), newer);
    }

    #[test]
    fn a_corrupt_file_is_set_aside_and_the_latest_good_copy_restored() {
        let (_dir, owned, file) = setup();
        let lock = owned.lock(LOCK_WAIT).unwrap();
        file.save(&lock, &counter(1)).unwrap();
        file.save(&lock, &counter(2)).unwrap();
        std::fs::write(file.path(), b"{\"schema\":\"test.coun").unwrap();
        let loaded = file.load(&lock).unwrap();
        assert_eq!(loaded.value.count, 2, "the backup is never behind the file");
        // A Dutch reader reads the whole sentence in Dutch; serde's words stay.
        let dutch = loaded
            .recovery
            .as_ref()
            .map(|recovery| recovery.message().in_language(tandem_i18n::Language::Nl))
            .unwrap_or_default();
        assert!(
            dutch.starts_with("een beschadigd statusbestand (geen geldige JSON: EOF"),
            "{dutch}"
        );
        let Some(Recovery::FromBackup { set_aside, reason }) = loaded.recovery else {
            panic!("expected a recovery from the backup");
        };
        assert!(reason.to_string().contains("not valid JSON"), "{reason}");
        assert_eq!(
            std::fs::read(&set_aside).unwrap(),
            b"{\"schema\":\"test.coun"
        );
        // The restored file loads cleanly now.
        assert!(file.load(&lock).unwrap().recovery.is_none());
    }

    #[test]
    fn a_backup_left_ahead_by_an_interrupted_save_is_made_the_files_copy() {
        let (_dir, owned, file) = setup();
        let lock = owned.lock(LOCK_WAIT).unwrap();
        file.save(&lock, &counter(1)).unwrap();
        // As a process killed between the backup and the file leaves them.
        std::fs::write(
            file.backup_path(),
            r#"{"schema":"test.counter","version":2,"data":{"count":2,"label":"never happened"}}"#,
        )
        .unwrap();
        assert_eq!(file.load(&lock).unwrap().value.count, 1);
        assert_eq!(
            std::fs::read(file.backup_path()).unwrap(),
            std::fs::read(file.path()).unwrap()
        );
    }

    #[test]
    fn a_corrupt_file_without_backup_is_kept_aside_and_reported() {
        let (_dir, owned, file) = setup();
        let lock = owned.lock(LOCK_WAIT).unwrap();
        std::fs::write(
            file.path(),
            r#"{"schema":"something.else","version":1,"data":{}}"#,
        )
        .unwrap();
        let loaded = file.load(&lock).unwrap();
        assert_eq!(loaded.value, Counter::default());
        let recovery = loaded.recovery.unwrap();
        assert!(matches!(recovery, Recovery::Reset { .. }));
        assert!(recovery.message().to_string().contains("something.else"));
        assert!(!file.path().exists());
    }

    #[test]
    fn a_missing_file_beside_a_good_backup_is_restored_and_delete_takes_every_copy() {
        let (dir, owned, file) = setup();
        let lock = owned.lock(LOCK_WAIT).unwrap();
        file.save(&lock, &counter(1)).unwrap();
        std::fs::remove_file(file.path()).unwrap();
        let loaded = file.load(&lock).unwrap();
        assert_eq!(loaded.value.count, 1);
        assert_eq!(loaded.recovery, Some(Recovery::Restored));
        std::fs::write(dir.path().join("counter.json.corrupt-1-2"), "x").unwrap();
        std::fs::write(dir.path().join("counter.json.tmp-3-4"), "x").unwrap();
        std::fs::write(dir.path().join("other.json"), "x").unwrap();
        file.delete(&lock).unwrap();
        let mut left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, [".lock", "other.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_place_of_a_file_or_folder_is_set_aside_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let owned = OwnedDir::new(dir.path().join("data"));
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("links.json"), "precious").unwrap();
        let file: StateFile<Counter> = StateFile::new(&owned, "work/links.json");
        let lock = owned.lock(LOCK_WAIT).unwrap();
        std::os::unix::fs::symlink(&outside, owned.path_of("work")).unwrap();
        let loaded = file.load(&lock).unwrap();
        assert_eq!(loaded.value, Counter::default());
        let message = loaded.recovery.unwrap().message().to_string();
        assert!(message.contains("symbolic link"), "{message}");
        file.save(&lock, &counter(3)).unwrap();
        assert_eq!(
            std::fs::read_to_string(outside.join("links.json")).unwrap(),
            "precious"
        );
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 1);

        std::fs::remove_file(file.path()).unwrap();
        std::os::unix::fs::symlink(outside.join("links.json"), file.path()).unwrap();
        let loaded = file.load(&lock).unwrap();
        assert_eq!(loaded.value.count, 3, "the backup stands in for the link");
        assert!(std::fs::symlink_metadata(file.path()).unwrap().is_file());
        assert_eq!(
            std::fs::read_to_string(outside.join("links.json")).unwrap(),
            "precious"
        );
    }

    #[test]
    fn appended_lines_survive_a_partial_last_line() {
        let dir = tempfile::tempdir().unwrap();
        let owned = OwnedDir::new(dir.path());
        let lock = owned.lock(LOCK_WAIT).unwrap();
        append_line(&owned, &lock, "h.jsonl", "one").unwrap();
        use std::io::Write;
        std::fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join("h.jsonl"))
            .unwrap()
            .write_all(b"{\"par")
            .unwrap();
        append_line(&owned, &lock, "h.jsonl", "two").unwrap();
        let (lines, _) = read_lines(&owned, &lock, "h.jsonl").unwrap();
        assert_eq!(lines, ["one", "{\"par", "two"]);
    }
}
