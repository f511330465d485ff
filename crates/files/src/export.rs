//! Writing a file the user asked for (an export) at a path the user chose.
//!
//! Nothing that is already there is replaced unless the user said so, and
//! even then only a regular file: a device node, a link or a folder at the
//! path is refused, so `export /dev/null` cannot swap the system's node for
//! a file. The new file appears whole or not at all: it is written as an
//! unnamed file in its folder (Linux's `O_TMPFILE`, so a process killed
//! while writing leaves nothing behind), flushed, and then linked into
//! place, which fails if anything appeared there meanwhile. Where a file
//! system has no unnamed files, a temporary name beside it stands in.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{FileKind, describe};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0:?} already exists; choose another name, or say that it may be replaced")]
    Exists(PathBuf),
    #[error("{path:?} is {kind}; Tandem writes an export only as a regular file")]
    NotRegular { path: PathBuf, kind: FileKind },
    #[error("cannot write {path:?}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Whether an existing regular file at the path may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    Keep,
    Replace,
}

/// Writes `bytes` to `path` (readable by the user only).
pub fn write_new(path: &Path, bytes: &[u8], existing: Existing) -> Result<(), ExportError> {
    let io = |source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::symlink_metadata(path) {
        Ok(meta) if !meta.is_file() => {
            return Err(ExportError::NotRegular {
                path: path.to_path_buf(),
                kind: describe(meta.file_type()),
            });
        }
        Ok(_) if existing == Existing::Keep => return Err(ExportError::Exists(path.to_path_buf())),
        Ok(_) | Err(_) => {}
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io(std::io::ErrorKind::InvalidInput.into()))?;
    #[cfg(target_os = "linux")]
    match unnamed::write(dir, bytes) {
        Ok(file) => return unnamed::place(&file, dir, name, path, existing),
        // No unnamed files on this file system: the named way below.
        Err(error) if unnamed::unsupported(&error) => {}
        Err(error) => return Err(io(error)),
    }
    let mut temp_name = name.to_os_string();
    temp_name.push(format!(".tmp-{}-{}", std::process::id(), fastrand::u32(..)));
    let temp = dir.join(temp_name);
    let written = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(io(error));
    }
    let placed = match existing {
        // A hard link fails if anything is at the path by now.
        Existing::Keep => match std::fs::hard_link(&temp, path) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                let _ = std::fs::remove_file(&temp);
                return Err(ExportError::Exists(path.to_path_buf()));
            }
            // A file system without hard links (FAT on a USB stick): create
            // the file itself, which also never replaces one.
            Err(_) => create_in_place(path, bytes),
        },
        Existing::Replace => std::fs::rename(&temp, path),
    };
    let _ = std::fs::remove_file(&temp);
    match placed {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(ExportError::Exists(path.to_path_buf()))
        }
        Err(error) => Err(io(error)),
    }
}

#[cfg(target_os = "linux")]
mod unnamed {
    use std::ffi::OsStr;
    use std::io::Write;
    use std::os::fd::AsRawFd;
    use std::path::Path;

    use rustix::fs::{AtFlags, CWD, Mode, OFlags};

    use super::{Existing, ExportError};

    /// Writes `bytes` to a new file in `dir` that has no name yet.
    pub fn write(dir: &Path, bytes: &[u8]) -> std::io::Result<std::fs::File> {
        let fd = rustix::fs::open(
            dir,
            OFlags::WRONLY | OFlags::TMPFILE | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o600),
        )?;
        let mut file = std::fs::File::from(fd);
        file.write_all(bytes)?;
        file.sync_all()?;
        Ok(file)
    }

    pub fn unsupported(error: &std::io::Error) -> bool {
        matches!(
            error.raw_os_error(),
            Some(code) if code == rustix::io::Errno::OPNOTSUPP.raw_os_error()
                || code == rustix::io::Errno::ISDIR.raw_os_error()
                || code == rustix::io::Errno::INVAL.raw_os_error()
        )
    }

    fn link(file: &std::fs::File, dir: &Path, name: &OsStr) -> std::io::Result<()> {
        // Linking an unnamed file by its descriptor needs no privilege when
        // done through /proc, which AT_EMPTY_PATH would.
        let source = format!("/proc/self/fd/{}", file.as_raw_fd());
        Ok(rustix::fs::linkat(
            CWD,
            source.as_str(),
            CWD,
            dir.join(name),
            AtFlags::SYMLINK_FOLLOW,
        )?)
    }

    /// Gives the unnamed file its name: never over an existing file unless
    /// `existing` says so.
    pub fn place(
        file: &std::fs::File,
        dir: &Path,
        name: &OsStr,
        path: &Path,
        existing: Existing,
    ) -> Result<(), ExportError> {
        let io = |source| ExportError::Io {
            path: path.to_path_buf(),
            source,
        };
        match existing {
            Existing::Keep => match link(file, dir, name) {
                Ok(()) => Ok(()),
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                    Err(ExportError::Exists(path.to_path_buf()))
                }
                Err(error) => Err(io(error)),
            },
            Existing::Replace => {
                let temp = format!(
                    ".tandem-export-{}-{}",
                    std::process::id(),
                    fastrand::u32(..)
                );
                link(file, dir, OsStr::new(&temp)).map_err(io)?;
                let renamed = std::fs::rename(dir.join(&temp), path);
                if renamed.is_err() {
                    let _ = std::fs::remove_file(dir.join(&temp));
                }
                renamed.map_err(io)
            }
        }
    }
}

fn create_in_place(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// `dir/<stem>.<extension>`, or `<stem>-2.<extension>` and so on when that
/// is taken: for exports the app names itself.
pub fn free_name(dir: &Path, stem: &str, extension: &str) -> PathBuf {
    let mut candidate = dir.join(format!("{stem}.{extension}"));
    let mut number = 2;
    while std::fs::symlink_metadata(&candidate).is_ok() {
        candidate = dir.join(format!("{stem}-{number}.{extension}"));
        number += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_and_never_replaces_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mine.json");
        write_new(&path, b"one", Existing::Keep).unwrap();
        assert!(matches!(
            write_new(&path, b"two", Existing::Keep),
            Err(ExportError::Exists(_))
        ));
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write_new(&path, b"two", Existing::Replace).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left");
    }

    #[cfg(unix)]
    #[test]
    fn refuses_links_devices_and_folders_even_when_replacing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::write(&target, "kept").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        for (path, kind) in [
            (link.as_path(), "symbolic link"),
            (Path::new("/dev/null"), "character device"),
            (dir.path(), "folder"),
        ] {
            let error = write_new(path, b"x", Existing::Replace).unwrap_err();
            assert!(error.to_string().contains(kind), "{error}");
        }
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "kept");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn free_names_count_up() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            free_name(dir.path(), "a", "json"),
            dir.path().join("a.json")
        );
        std::fs::write(dir.path().join("a.json"), "").unwrap();
        assert_eq!(
            free_name(dir.path(), "a", "json"),
            dir.path().join("a-2.json")
        );
    }
}
