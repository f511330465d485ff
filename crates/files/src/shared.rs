//! Files that belong to the desktop, which Tandem edits at the user's
//! request: `mimeapps.list`, its desktop entries, its autostart entry.
//!
//! Tandem edits such a file only when it is a regular file: a symbolic link
//! there (a dotfiles manager's, say) is refused with a message rather than
//! replaced by a file or written through. A new version replaces the old one
//! atomically and keeps its permissions.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::foreign::{ReadError, read_regular};
use crate::owned::FileAction;
use crate::{FileKind, describe};

/// Desktop files are small; this is generous.
const MAX_DESKTOP_FILE_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum SharedError {
    #[error("{path:?} is not UTF-8 text, as desktop files must be, so Tandem leaves it alone")]
    NotText { path: PathBuf },
    #[error("{path:?} is {kind}; Tandem edits it only as a regular file, so it was left alone")]
    NotRegular { path: PathBuf, kind: FileKind },
    #[error("{path:?} {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: ReadError,
    },
    #[error("cannot {action} {path:?}: {source}")]
    Io {
        action: FileAction,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl SharedError {
    /// The same, to be worded in the person's language; the OS's own words
    /// for an I/O error stay as they are.
    pub fn said(&self) -> tandem_i18n::Said {
        use tandem_i18n::Said;
        let shown = |path: &Path| format!("{path:?}");
        match self {
            SharedError::NotText { path } => {
                Said::new("file.shared.not_text").with("path", shown(path))
            }
            SharedError::NotRegular { path, kind } => Said::new("file.shared.not_regular")
                .with("path", shown(path))
                .with("kind", Said::new(kind.key())),
            SharedError::Read { path, source } => Said::new("file.shared.read")
                .with("path", shown(path))
                .with("reason", source.said()),
            SharedError::Io {
                action,
                path,
                source,
            } => Said::new("file.shared.io")
                .with("action", Said::new(action.key()))
                .with("path", shown(path))
                .with("detail", Said::verbatim(source.to_string())),
        }
    }
}

fn check_not_a_link(path: &Path) -> Result<Option<std::fs::Metadata>, SharedError> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() => Ok(Some(meta)),
        Ok(meta) => Err(SharedError::NotRegular {
            path: path.to_path_buf(),
            kind: describe(meta.file_type()),
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(SharedError::Io {
            action: FileAction::Inspect,
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The text of the file, `None` when there is none.
pub fn read(path: &Path) -> Result<Option<String>, SharedError> {
    if check_not_a_link(path)?.is_none() {
        return Ok(None);
    }
    let bytes = read_regular(path, MAX_DESKTOP_FILE_BYTES).map_err(|source| SharedError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    bytes
        .map(|bytes| {
            String::from_utf8(bytes).map_err(|_| SharedError::NotText {
                path: path.to_path_buf(),
            })
        })
        .transpose()
}

/// Replaces (or creates) the file with `bytes`, keeping its permissions, or
/// readable by all when new, as desktop files are. The folder is created if
/// missing.
pub fn replace(path: &Path, bytes: &[u8]) -> Result<(), SharedError> {
    let io = |action, source| SharedError::Io {
        action,
        path: path.to_path_buf(),
        source,
    };
    let existing = check_not_a_link(path)?;
    #[cfg(unix)]
    let mode = existing.map_or(0o644, |meta| {
        std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o7777
    });
    #[cfg(not(unix))]
    let _ = existing;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|source| SharedError::Io {
        action: FileAction::Create,
        path: dir.to_path_buf(),
        source,
    })?;
    let mut temp = path.as_os_str().to_owned();
    temp.push(format!(".tmp-{}-{}", std::process::id(), fastrand::u32(..)));
    let temp = PathBuf::from(temp);
    let written = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
        let mut file = options.open(&temp)?;
        #[cfg(unix)]
        file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(mode))?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(io(FileAction::Write, error));
    }
    if let Err(error) = std::fs::rename(&temp, path) {
        let _ = std::fs::remove_file(&temp);
        return Err(io(FileAction::Replace, error));
    }
    Ok(())
}

/// Removes the regular file at `path`; returns whether one was there.
pub fn remove(path: &Path) -> Result<bool, SharedError> {
    if check_not_a_link(path)?.is_none() {
        return Ok(false);
    }
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(SharedError::Io {
            action: FileAction::Remove,
            path: path.to_path_buf(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_keeping_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("applications/mimeapps.list");
        replace(&path, b"one").unwrap();
        assert_eq!(read(&path).unwrap().unwrap(), "one");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            replace(&path, b"two").unwrap();
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(remove(&path).unwrap());
        assert!(!remove(&path).unwrap());
    }

    #[cfg(unix)]
    #[test]
    fn leaves_a_link_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("dotfiles-mimeapps.list");
        std::fs::write(&target, "mine").unwrap();
        let link = dir.path().join("mimeapps.list");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        for error in [
            replace(&link, b"x").unwrap_err(),
            read(&link).unwrap_err(),
            remove(&link).unwrap_err(),
        ] {
            assert!(error.to_string().contains("symbolic link"), "{error}");
        }
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "mine");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}
