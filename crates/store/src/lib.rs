//! Tandem's own state files: versioned, written atomically, backed up, and
//! shared safely between processes (the app and the CLI).
//!
//! - A write goes to a temporary file in the same folder, is flushed to disk
//!   (`fsync`), renamed over the old file, and the folder is flushed too, so
//!   after a crash the file is either the old version or the new one.
//! - Each file carries its schema name and version; an older version is
//!   migrated on load, a newer one is refused (and never overwritten).
//! - Before a file is replaced, its current (valid) contents become
//!   `<name>.bak`, the last good version.
//! - A file that cannot be parsed is renamed `<name>.corrupt-<time>` and
//!   reported; the backup, if valid, takes its place. Nothing is silently
//!   overwritten.
//! - Every read-modify-write runs under one exclusive lock file per data
//!   folder ([`StateLock`]), so two processes never lose each other's updates.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot {action} {path:?}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
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

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> StoreError + 'a {
    move |source| StoreError::Io {
        action,
        path: path.to_path_buf(),
        source,
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
    FromBackup { set_aside: PathBuf, reason: String },
    /// The file was damaged and set aside, and no good backup existed.
    Reset { set_aside: PathBuf, reason: String },
    /// The file was missing beside a good backup (a crash during a
    /// recovery); the backup was restored.
    Restored,
}

impl Recovery {
    /// A sentence for the user.
    pub fn message(&self) -> String {
        match self {
            Recovery::FromBackup { set_aside, reason } => format!(
                "a damaged state file ({reason}) was moved to {} and the last good copy restored",
                set_aside.display()
            ),
            Recovery::Reset { set_aside, reason } => format!(
                "a damaged state file ({reason}) was moved to {}; no good copy existed, so Tandem started it afresh",
                set_aside.display()
            ),
            Recovery::Restored => {
                "a state file was missing after an interrupted recovery; its last good copy was restored".into()
            }
        }
    }
}

#[derive(Debug)]
pub struct Loaded<T> {
    pub value: T,
    pub recovery: Option<Recovery>,
}

/// One state file of type `T`.
#[derive(Debug)]
pub struct StateFile<T> {
    path: PathBuf,
    kind: PhantomData<fn() -> T>,
}

// Not derived: a derive would demand `T: Clone`, and only the path is cloned.
impl<T> Clone for StateFile<T> {
    fn clone(&self) -> Self {
        Self {
            path: self.path.clone(),
            kind: PhantomData,
        }
    }
}

enum Parsed<T> {
    Missing,
    Good(T),
    Bad(String),
}

impl<T: Document> StateFile<T> {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            kind: PhantomData,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn backup_path(&self) -> PathBuf {
        with_suffix(&self.path, ".bak")
    }

    fn parse_file(path: &Path) -> Result<Parsed<T>, StoreError> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Parsed::Missing);
            }
            Err(error) => return Err(io("read", path)(error)),
        };
        let envelope: EnvelopeIn = match serde_json::from_slice(&bytes) {
            Ok(envelope) => envelope,
            Err(error) => return Ok(Parsed::Bad(format!("not valid JSON: {error}"))),
        };
        if envelope.schema != T::SCHEMA {
            return Ok(Parsed::Bad(format!(
                "it holds {:?}, not {:?}",
                envelope.schema,
                T::SCHEMA
            )));
        }
        if envelope.version > T::VERSION {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found: envelope.version,
                known: T::VERSION,
            });
        }
        let mut data = envelope.data;
        for version in envelope.version..T::VERSION {
            data = match T::migrate(version, data) {
                Ok(data) => data,
                Err(reason) => return Ok(Parsed::Bad(reason)),
            };
        }
        match serde_json::from_value(data) {
            Ok(value) => Ok(Parsed::Good(value)),
            Err(error) => Ok(Parsed::Bad(format!("unexpected contents: {error}"))),
        }
    }

    /// Loads the file. Call it under the [`StateLock`]: a damaged file is set
    /// aside, which is a write.
    pub fn load(&self) -> Result<Loaded<T>, StoreError> {
        let reason = match Self::parse_file(&self.path)? {
            Parsed::Missing => {
                // Only a crash while a damaged file was being replaced by its
                // backup leaves the backup without the file: finish that.
                if let Parsed::Good(value) = Self::parse_file(&self.backup_path())? {
                    self.save_without_backup(&value)?;
                    return Ok(Loaded {
                        value,
                        recovery: Some(Recovery::Restored),
                    });
                }
                return Ok(Loaded {
                    value: T::default(),
                    recovery: None,
                });
            }
            Parsed::Good(value) => {
                return Ok(Loaded {
                    value,
                    recovery: None,
                });
            }
            Parsed::Bad(reason) => reason,
        };
        let set_aside = with_suffix(
            &self.path,
            &format!(".corrupt-{}-{}", unix_now(), fastrand::u32(..)),
        );
        std::fs::rename(&self.path, &set_aside).map_err(io("set aside", &self.path))?;
        tracing::warn!(file = %self.path.display(), %reason, set_aside = %set_aside.display(), "damaged state file set aside");
        let recovery;
        let value = match Self::parse_file(&self.backup_path())? {
            Parsed::Good(value) => {
                recovery = Recovery::FromBackup { set_aside, reason };
                self.save_without_backup(&value)?;
                value
            }
            Parsed::Missing | Parsed::Bad(_) => {
                recovery = Recovery::Reset { set_aside, reason };
                T::default()
            }
        };
        Ok(Loaded {
            value,
            recovery: Some(recovery),
        })
    }

    fn encode(&self, value: &T) -> Result<Vec<u8>, StoreError> {
        let mut bytes = serde_json::to_vec_pretty(&EnvelopeOut {
            schema: T::SCHEMA,
            version: T::VERSION,
            data: value,
        })
        .map_err(|source| StoreError::Encode {
            path: self.path.clone(),
            source,
        })?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    fn save_without_backup(&self, value: &T) -> Result<(), StoreError> {
        write_atomically(&self.path, &self.encode(value)?)
    }

    /// Replaces the file with `value`, keeping the current version as the
    /// backup. Call it under the [`StateLock`].
    pub fn save(&self, value: &T) -> Result<(), StoreError> {
        let bytes = self.encode(value)?;
        if let Ok(current) = std::fs::read(&self.path) {
            if current == bytes {
                return Ok(());
            }
            if matches!(Self::parse_file(&self.path)?, Parsed::Good(_)) {
                write_atomically(&self.backup_path(), &current)?;
            }
        }
        write_atomically(&self.path, &bytes)
    }

    /// Replaces the file and its backup with `value`: for removals that must
    /// not linger in a backup (personal data the user unlinked or deleted).
    pub fn save_forgetting(&self, value: &T) -> Result<(), StoreError> {
        let bytes = self.encode(value)?;
        // The backup first: a crash between the two writes must not leave
        // the removed data in the backup, where nothing would clean it.
        write_atomically(&self.backup_path(), &bytes)?;
        write_atomically(&self.path, &bytes)
    }

    /// Deletes every copy of the file: itself, its backup, copies set aside
    /// as damaged, and temporary files a crash left behind.
    pub fn delete(&self) -> Result<(), StoreError> {
        let mut copies = vec![self.path.clone(), self.backup_path()];
        if let (Some(dir), Some(name)) = (self.path.parent(), self.path.file_name()) {
            let name = name.to_string_lossy();
            let prefixes = [format!("{name}.corrupt-"), format!("{name}.tmp-")];
            if let Ok(entries) = std::fs::read_dir(dir) {
                copies.extend(
                    entries
                        .filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|path| {
                            path.file_name()
                                .map(|n| n.to_string_lossy().into_owned())
                                .is_some_and(|n| prefixes.iter().any(|p| n.starts_with(p.as_str())))
                        }),
                );
            }
        }
        for path in copies {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => return Err(io("delete", &path)(error)),
            }
        }
        Ok(())
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// Creates `dir` (and its parents) readable by its owner only.
pub fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(io("create the folder", dir))
}

fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// Writes `bytes` to `path` so that a crash at any moment leaves either the
/// old file or the new one: temporary file, fsync, rename, fsync the folder.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    create_private_dir(dir)?;
    replace(path, bytes, 0o600)
}

/// Like [`write_atomically`], for a file that belongs to the desktop rather
/// than to Tandem (`mimeapps.list`, a desktop entry): it keeps the current
/// file's permissions, or is readable by all when new, as such files are.
pub fn write_shared_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .map(|metadata| metadata.permissions().mode() & 0o7777)
            .unwrap_or(0o644)
    };
    #[cfg(not(unix))]
    let mode = 0o644;
    replace(path, bytes, mode)
}

fn replace(path: &Path, bytes: &[u8], mode: u32) -> Result<(), StoreError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let temp = with_suffix(
        path,
        &format!(".tmp-{}-{}", std::process::id(), fastrand::u32(..)),
    );
    let written = (|| {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
        let mut file = options.open(&temp)?;
        // The umask may have narrowed the mode asked for; set it exactly.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(mode))?;
        }
        #[cfg(not(unix))]
        let _ = mode;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(io("write", &temp)(error));
    }
    if let Err(error) = std::fs::rename(&temp, path) {
        let _ = std::fs::remove_file(&temp);
        return Err(io("replace", path)(error));
    }
    sync_dir(dir)
}

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    // Windows cannot open a folder as a file; its rename is already durable
    // enough (MoveFileEx with write-through is what std uses).
    #[cfg(unix)]
    File::open(dir)
        .and_then(|folder| folder.sync_all())
        .map_err(io("flush the folder", dir))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Appends one line to `path` and flushes it to disk. A crash can leave at
/// most a partial last line, which readers skip.
pub fn append_line(path: &Path, line: &str) -> Result<(), StoreError> {
    if let Some(dir) = path.parent() {
        create_private_dir(dir)?;
    }
    let mut file = private_options()
        .append(true)
        .create(true)
        .open(path)
        .map_err(io("open", path))?;
    // A partial line left by a crash must not swallow this one.
    let needs_newline = std::fs::read(path)
        .map(|bytes| bytes.last().is_some_and(|last| *last != b'\n'))
        .unwrap_or(false);
    let mut text = String::with_capacity(line.len() + 2);
    if needs_newline {
        text.push('\n');
    }
    text.push_str(line);
    text.push('\n');
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_data())
        .map_err(io("append to", path))
}

/// The exclusive lock every read-modify-write of Tandem's state holds. It
/// is an OS file lock, so it is released when the process dies, however it dies.
#[derive(Debug)]
pub struct StateLock {
    _file: File,
}

impl StateLock {
    /// Waits for and takes the lock of the state in `dir`.
    pub fn acquire(dir: &Path) -> Result<Self, StoreError> {
        create_private_dir(dir)?;
        let path = dir.join(".lock");
        let file = private_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io("open the lock", &path))?;
        file.lock().map_err(io("lock", &path))?;
        Ok(Self { _file: file })
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
    }

    fn file(dir: &Path) -> StateFile<Counter> {
        StateFile::new(dir.join("counter.json"))
    }

    #[test]
    fn saves_and_loads_with_the_schema_and_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let file = file(dir.path());
        assert_eq!(file.load().unwrap().value, Counter::default());
        file.save(&Counter {
            count: 1,
            label: "a".into(),
        })
        .unwrap();
        file.save(&Counter {
            count: 2,
            label: "b".into(),
        })
        .unwrap();
        let text = std::fs::read_to_string(file.path()).unwrap();
        assert!(text.contains(r#""schema": "test.counter""#), "{text}");
        assert!(text.contains(r#""version": 2"#));
        assert_eq!(file.load().unwrap().value.count, 2);
        let backup: serde_json::Value =
            serde_json::from_slice(&std::fs::read(file.backup_path()).unwrap()).unwrap();
        assert_eq!(backup["data"]["count"], 1);
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
    fn migrates_an_older_version() {
        let dir = tempfile::tempdir().unwrap();
        let file = file(dir.path());
        std::fs::write(
            file.path(),
            r#"{"schema":"test.counter","version":1,"data":{"n":7}}"#,
        )
        .unwrap();
        let loaded = file.load().unwrap();
        assert_eq!(
            loaded.value,
            Counter {
                count: 7,
                label: "migrated".into()
            }
        );
        assert!(loaded.recovery.is_none());
    }

    #[test]
    fn refuses_a_newer_version_and_leaves_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = file(dir.path());
        let newer = r#"{"schema":"test.counter","version":9,"data":{}}"#;
        std::fs::write(file.path(), newer).unwrap();
        let error = file.load().unwrap_err();
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
    fn a_corrupt_file_is_set_aside_and_the_backup_restored() {
        let dir = tempfile::tempdir().unwrap();
        let file = file(dir.path());
        file.save(&Counter {
            count: 1,
            label: String::new(),
        })
        .unwrap();
        file.save(&Counter {
            count: 2,
            label: String::new(),
        })
        .unwrap();
        std::fs::write(file.path(), b"{\"schema\":\"test.coun").unwrap();
        let loaded = file.load().unwrap();
        assert_eq!(loaded.value.count, 1);
        let Some(Recovery::FromBackup { set_aside, reason }) = loaded.recovery else {
            panic!("expected a recovery from the backup");
        };
        assert!(reason.contains("not valid JSON"), "{reason}");
        assert_eq!(
            std::fs::read(&set_aside).unwrap(),
            b"{\"schema\":\"test.coun"
        );
        // The restored file loads cleanly now.
        assert!(file.load().unwrap().recovery.is_none());
    }

    #[test]
    fn a_corrupt_file_without_backup_is_kept_aside_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let file = file(dir.path());
        std::fs::write(
            file.path(),
            r#"{"schema":"something.else","version":1,"data":{}}"#,
        )
        .unwrap();
        let loaded = file.load().unwrap();
        assert_eq!(loaded.value, Counter::default());
        let recovery = loaded.recovery.unwrap();
        assert!(matches!(recovery, Recovery::Reset { .. }));
        assert!(recovery.message().contains("something.else"));
        assert!(!file.path().exists());
    }

    #[test]
    fn a_missing_file_beside_a_good_backup_is_restored_and_delete_takes_every_copy() {
        let dir = tempfile::tempdir().unwrap();
        let file = file(dir.path());
        file.save(&Counter {
            count: 1,
            label: String::new(),
        })
        .unwrap();
        file.save(&Counter {
            count: 2,
            label: String::new(),
        })
        .unwrap();
        std::fs::remove_file(file.path()).unwrap();
        let loaded = file.load().unwrap();
        assert_eq!(loaded.value.count, 1);
        assert_eq!(loaded.recovery, Some(Recovery::Restored));
        std::fs::write(dir.path().join("counter.json.corrupt-1-2"), "x").unwrap();
        std::fs::write(dir.path().join("counter.json.tmp-3-4"), "x").unwrap();
        std::fs::write(dir.path().join("other.json"), "x").unwrap();
        file.delete().unwrap();
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(left, ["other.json"]);
    }

    #[test]
    fn appended_lines_survive_a_partial_last_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.jsonl");
        append_line(&path, "one").unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"par")
            .unwrap();
        append_line(&path, "two").unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "one\n{\"par\ntwo\n"
        );
    }
}
