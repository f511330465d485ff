//! Reading a file Tandem does not own: a browser's `Local State`, a policy
//! file, the user's `identity.json`.
//!
//! Only a regular file is read. The type is checked before the file is
//! opened (opening some devices has effects), the file is opened without
//! blocking (so a FIFO swapped in meanwhile cannot hold Tandem up), and the
//! type is checked again on the open file. Symbolic links are followed, as
//! users link browser folders to other disks, but only to a regular file.
//! Nothing is locked, so the owner can keep writing.

use std::io::Read;
use std::path::Path;

use crate::{FileKind, describe};

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Ends a sentence that starts with the file's name.
    #[error("is {kind}, not a regular file, so Tandem does not read it")]
    NotRegular { kind: FileKind },
    #[error("is too large ({size} bytes; Tandem reads at most {limit} from such a file)")]
    TooLarge { size: u64, limit: u64 },
    #[error("is inside {folder:?}, which is {kind}, not a folder")]
    FolderIsNot {
        folder: std::path::PathBuf,
        kind: FileKind,
    },
    #[error("is not readable: {0}")]
    Io(#[source] std::io::Error),
}

impl ReadError {
    /// The same, to be worded in the person's language; like the message,
    /// it ends a sentence that starts with the file's name. The OS's own
    /// words for an I/O error stay as they are.
    pub fn said(&self) -> tandem_i18n::Said {
        use tandem_i18n::Said;
        match self {
            ReadError::NotRegular { kind } => {
                Said::new("file.read.not_regular").with("kind", Said::new(kind.key()))
            }
            ReadError::TooLarge { size, limit } => Said::new("file.read.too_large")
                .with("size", size.to_string())
                .with("limit", limit.to_string()),
            ReadError::FolderIsNot { folder, kind } => Said::new("file.read.folder_is_not")
                .with("folder", format!("{folder:?}"))
                .with("kind", Said::new(kind.key())),
            ReadError::Io(error) if error.kind() == std::io::ErrorKind::PermissionDenied => {
                Said::new("file.read.denied")
            }
            ReadError::Io(error) => {
                Said::new("file.read.unreadable").with("detail", Said::verbatim(error.to_string()))
            }
        }
    }
}

/// When a folder on the way to `path` is something else (a file, a pipe),
/// which one: "Not a directory" would not say.
fn folder_is_not(path: &Path) -> Option<ReadError> {
    path.ancestors().skip(1).find_map(|folder| {
        let meta = std::fs::metadata(folder).ok()?;
        (!meta.is_dir()).then(|| ReadError::FolderIsNot {
            folder: folder.to_path_buf(),
            kind: describe(meta.file_type()),
        })
    })
}

/// The bytes of the regular file at `path`, `None` if there is nothing
/// there, or why it was not read. At most `limit` bytes are ever read.
pub fn read_regular(path: &Path, limit: u64) -> Result<Option<Vec<u8>>, ReadError> {
    let before = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(folder_is_not(path).unwrap_or(ReadError::Io(error))),
    };
    check(&before, limit)?;
    let file = match open_without_blocking(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(ReadError::Io(error)),
    };
    let meta = file.metadata().map_err(ReadError::Io)?;
    check(&meta, limit)?;
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    // The file grew while it was read.
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(Some(bytes))
}

fn check(meta: &std::fs::Metadata, limit: u64) -> Result<(), ReadError> {
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            kind: describe(meta.file_type()),
        });
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    Ok(())
}

#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    use rustix::fs::{Mode, OFlags};
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    Ok(std::fs::File::from(fd))
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    // Windows opens named pipes and devices only through their own
    // namespaces (`\\.\pipe\`), which the type check above refuses.
    std::fs::File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mkfifo(path: &Path) {
        rustix::fs::mknodat(
            rustix::fs::CWD,
            path,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
    }

    #[test]
    fn reads_a_regular_file_and_says_when_nothing_is_there() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Local State");
        assert!(read_regular(&path, 10).unwrap().is_none());
        std::fs::write(&path, b"{}").unwrap();
        assert_eq!(read_regular(&path, 10).unwrap().unwrap(), b"{}");
    }

    #[test]
    fn refuses_what_is_larger_than_its_cap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.json");
        std::fs::write(&path, vec![b' '; 11]).unwrap();
        assert!(matches!(
            read_regular(&path, 10),
            Err(ReadError::TooLarge {
                size: 11,
                limit: 10
            })
        ));
    }

    #[test]
    fn refuses_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let error = read_regular(dir.path(), 10).unwrap_err();
        assert!(error.to_string().contains("a folder"), "{error}");
        // The same in the person's language, the kind of file included.
        let said = error.said().in_language(tandem_i18n::Language::Nl);
        assert!(
            said.starts_with("is een map, geen gewoon bestand"),
            "{said}"
        );
        assert_eq!(error.said().to_string(), error.to_string());
    }

    #[test]
    fn a_file_one_may_not_read_says_so_in_the_persons_language() {
        let denied = ReadError::Io(std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        assert_eq!(
            denied.said().in_language(tandem_i18n::Language::Nl),
            "is niet leesbaar: geen toestemming"
        );
        // Other failures keep the OS's own words.
        let other = ReadError::Io(std::io::Error::other("disk on fire"));
        assert_eq!(other.said().to_string(), "is not readable: disk on fire");
    }

    #[test]
    fn a_file_where_its_folder_belongs_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("tandem");
        std::fs::write(&folder, b"x").unwrap();
        let error = read_regular(&folder.join("rules.toml"), 100).unwrap_err();
        assert!(
            matches!(&error, ReadError::FolderIsNot { folder: found, kind: FileKind::Regular } if *found == folder),
            "{error}"
        );
        let dutch = error.said().in_language(tandem_i18n::Language::Nl);
        assert!(
            dutch.ends_with("dat een gewoon bestand is en geen map"),
            "{dutch}"
        );
    }

    #[test]
    fn every_kind_of_file_has_its_own_words() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, b"").unwrap();
        let mut kinds = vec![
            std::fs::metadata(dir.path()).unwrap().file_type(),
            std::fs::metadata(&file).unwrap().file_type(),
        ];
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&file, &link).unwrap();
            kinds.push(std::fs::symlink_metadata(&link).unwrap().file_type());
            let fifo = dir.path().join("fifo");
            mkfifo(&fifo);
            kinds.push(std::fs::metadata(&fifo).unwrap().file_type());
            kinds.push(std::fs::metadata("/dev/null").unwrap().file_type());
        }
        for kind in kinds {
            assert_ne!(crate::describe(kind), FileKind::Other, "{kind:?}");
        }
        for kind in [
            FileKind::Fifo,
            FileKind::CharDevice,
            FileKind::BlockDevice,
            FileKind::Socket,
            FileKind::Symlink,
            FileKind::Folder,
            FileKind::Regular,
            FileKind::HardLink,
            FileKind::Other,
        ] {
            assert_eq!(
                tandem_i18n::Language::En.text(kind.key()),
                kind.description(),
                "{kind:?}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_fifo_and_devices_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("Preferences");
        mkfifo(&fifo);
        let started = std::time::Instant::now();
        let error = read_regular(&fifo, 1 << 20).unwrap_err();
        assert!(error.to_string().contains("named pipe"), "{error}");
        let zero = dir.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let error = read_regular(&zero, 256 << 20).unwrap_err();
        assert!(error.to_string().contains("character device"), "{error}");
        let stdin = dir.path().join("stdin");
        std::os::unix::fs::symlink("/dev/stdin", &stdin).unwrap();
        assert!(read_regular(&stdin, 1 << 20).is_err());
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[cfg(unix)]
    #[test]
    fn follows_a_link_to_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("real"), b"x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("link")).unwrap();
        assert_eq!(
            read_regular(&dir.path().join("link"), 10).unwrap().unwrap(),
            b"x"
        );
    }
}
