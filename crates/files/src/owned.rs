//! A folder Tandem owns (its data folder, say), and everything below it.
//!
//! The folder itself is the user's to place: it may be a link to another
//! disk. Below it, nothing is followed through a link. Each folder on the way
//! to a file is opened relative to the one above with `O_NOFOLLOW` and
//! `O_DIRECTORY`, and the file itself with `O_NOFOLLOW`, so a symbolic link
//! placed anywhere below the folder is met as what it is, never followed.
//! Something that is not what Tandem put there (a link, a FIFO, a folder
//! where a file belongs) is reported as [`OwnedError::NotOurs`], naming the
//! offending path, for the caller to set aside with [`OwnedDir::set_aside`].
//!
//! Every write takes a [`DirLock`] as proof that it holds the folder's lock,
//! so no two processes ever write at once. Taking the lock waits at most
//! [`LOCK_WAIT`], and clears temporary files a killed writer left behind:
//! while the lock is held, nobody else can be writing one.

use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::{FileKind, describe};

/// How long taking a folder's lock waits for another process to let go.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// What Tandem was doing with one of its own files when the OS refused.
/// Its English and its catalogue key come from the one variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileAction {
    Open,
    SetAside,
    Lock,
    Read,
    Create,
    Write,
    Replace,
    Flush,
    AppendTo,
    Rewrite,
    Remove,
    List,
    Inspect,
}

impl FileAction {
    pub const ALL: [FileAction; 13] = [
        FileAction::Open,
        FileAction::SetAside,
        FileAction::Lock,
        FileAction::Read,
        FileAction::Create,
        FileAction::Write,
        FileAction::Replace,
        FileAction::Flush,
        FileAction::AppendTo,
        FileAction::Rewrite,
        FileAction::Remove,
        FileAction::List,
        FileAction::Inspect,
    ];

    /// The catalogue key that says this in the person's language.
    pub const fn key(self) -> &'static str {
        match self {
            FileAction::Open => "file.action.open",
            FileAction::SetAside => "file.action.set_aside",
            FileAction::Lock => "file.action.lock",
            FileAction::Read => "file.action.read",
            FileAction::Create => "file.action.create",
            FileAction::Write => "file.action.write",
            FileAction::Replace => "file.action.replace",
            FileAction::Flush => "file.action.flush",
            FileAction::AppendTo => "file.action.append",
            FileAction::Rewrite => "file.action.rewrite",
            FileAction::Remove => "file.action.remove",
            FileAction::List => "file.action.list",
            FileAction::Inspect => "file.action.inspect",
        }
    }

    /// The English, for logs and `Display` ("cannot {verb} {path}").
    pub const fn verb(self) -> &'static str {
        match self {
            FileAction::Open => "open",
            FileAction::SetAside => "set aside",
            FileAction::Lock => "lock",
            FileAction::Read => "read",
            FileAction::Create => "create",
            FileAction::Write => "write",
            FileAction::Replace => "replace",
            FileAction::Flush => "flush the folder of",
            FileAction::AppendTo => "append to",
            FileAction::Rewrite => "rewrite",
            FileAction::Remove => "remove",
            FileAction::List => "list the contents of",
            FileAction::Inspect => "inspect",
        }
    }
}

impl std::fmt::Display for FileAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.verb())
    }
}

/// What Tandem keeps at a place in its folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keeps {
    File,
    Folder,
}

impl std::fmt::Display for Keeps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Keeps::File => "file",
            Keeps::Folder => "folder",
        })
    }
}

/// The name of the lock file in an owned folder.
const LOCK_FILE: &str = ".lock";

/// Marks a temporary file: `<name>.tmp-<pid>-<random>`.
const TEMP_MARK: &str = ".tmp-";

#[derive(Debug, thiserror::Error)]
pub enum OwnedError {
    #[error("cannot {action} {path:?}: {source}")]
    Io {
        action: FileAction,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path:?} is {kind}, where Tandem keeps its own {expected}; Tandem does not read or \
         write through it"
    )]
    NotOurs {
        /// The offending entry, relative to the owned folder.
        relative: String,
        path: PathBuf,
        kind: FileKind,
        expected: Keeps,
    },
    #[error(
        "waited {} s for {path:?}, the lock another Tandem process holds (the app, or another \
         `tandem` command); try again when it has finished, or quit it",
        waited.as_secs()
    )]
    LockTimeout { path: PathBuf, waited: Duration },
    #[error(
        "Tandem asked twice for the lock of {0:?} on one thread, which would wait for itself \
         (a bug in Tandem: please report it)"
    )]
    LockedTwice(PathBuf),
    #[error("{path:?} is too large ({size} bytes) to be a file Tandem wrote")]
    TooLarge { path: PathBuf, size: u64 },
    #[error(
        "{0:?} is not a plain relative path inside Tandem's folder (a bug in Tandem: please report it)"
    )]
    BadPath(String),
}

impl OwnedError {
    /// The same, to be worded in the person's language. The OS's own words
    /// for an I/O error stay as they are, and so do the two that only a bug
    /// in Tandem causes.
    pub fn said(&self) -> tandem_i18n::Said {
        use tandem_i18n::Said;
        let shown = |path: &std::path::Path| format!("{path:?}");
        match self {
            OwnedError::Io {
                action,
                path,
                source,
            } => Said::new("file.owned.io")
                .with("action", Said::new(action.key()))
                .with("path", shown(path))
                .with("detail", Said::verbatim(source.to_string())),
            OwnedError::NotOurs {
                path,
                kind,
                expected,
                ..
            } => Said::new(match expected {
                Keeps::Folder => "file.owned.not_ours_folder",
                Keeps::File => "file.owned.not_ours_file",
            })
            .with("path", shown(path))
            .with("kind", Said::new(kind.key())),
            OwnedError::LockTimeout { path, waited } => Said::new("file.owned.lock_timeout")
                .with("path", shown(path))
                .with("seconds", waited.as_secs().to_string()),
            OwnedError::TooLarge { path, size } => Said::new("file.owned.too_large")
                .with("path", shown(path))
                .with("size", size.to_string()),
            OwnedError::LockedTwice(_) | OwnedError::BadPath(_) => Said::verbatim(self.to_string()),
        }
    }

    /// The entry to set aside when the error is [`OwnedError::NotOurs`].
    pub fn not_ours(&self) -> Option<&str> {
        match self {
            // The owned folder itself (or one on the way to it) cannot be
            // moved aside from within.
            OwnedError::NotOurs { relative, .. } if !relative.is_empty() => Some(relative),
            _ => None,
        }
    }
}

/// A folder Tandem owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedDir {
    /// Followed if it is a link: where Tandem's folder is, is the user's choice.
    root: PathBuf,
    /// Folders below the root on the way to this one, never followed
    /// (`logs` below `~/.local/state/tandem`).
    below: Vec<String>,
}

/// Proof that this process holds an owned folder's lock. Released on drop,
/// and by the OS when the process dies, however it dies.
pub struct DirLock {
    root: PathBuf,
    _file: std::fs::File,
}

/// Proof that this process runs, seen by others through
/// [`OwnedDir::presence_at`]. Ends when dropped, and when the process dies,
/// however it dies: it is an OS lock, never a file's contents.
#[derive(Debug)]
pub struct Presence {
    dir: OwnedDir,
    rel: String,
    file: std::fs::File,
}

/// How a lock is held: by one process alone, or by any number at once.
#[derive(Debug, Clone, Copy)]
enum Share {
    Alone,
    Shared,
}

/// What [`OwnedDir::presence_at`] saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// A process holds the presence.
    Present,
    /// Nobody does.
    Absent,
    /// It cannot be told: the file cannot be opened or locked, or something
    /// holds it that is not a process announcing itself.
    Unknown { path: PathBuf, why: String },
}

impl Presence {
    /// Claims the presence again when its file is gone or was replaced (a
    /// cleaner emptied the folder): a lock on a file without a name is
    /// seen by nobody. Cheap when nothing changed; call it now and then.
    pub fn renew(&mut self) -> Result<(), OwnedError> {
        if self.still_named() {
            return Ok(());
        }
        // Its folder's parent went too (the home removed, a drive
        // unmounted): making that again is not this process's to do.
        if self
            .dir
            .root
            .parent()
            .is_some_and(|parent| !parent.is_dir())
        {
            return Err(self.dir.io(FileAction::Open, "")(
                std::io::ErrorKind::NotFound.into(),
            ));
        }
        tracing::info!(file = %self.dir.path_of(&self.rel).display(), "the file that says this process runs went; made again");
        *self = self.dir.claim_presence(&self.rel, Duration::from_secs(1))?;
        Ok(())
    }

    fn still_named(&self) -> bool {
        let Ok(parts) = split(&self.rel) else {
            return false;
        };
        let Ok(Some(dir)) = self.dir.walk(&parts, false) else {
            return false;
        };
        match (
            sys::identity(&dir, parts.name),
            sys::identity_of(&self.file),
        ) {
            (Some(named), Some(held)) => named == held,
            // Where files have no identity to compare, trust the name.
            (None, None) => true,
            _ => false,
        }
    }
}

thread_local! {
    /// The folders whose lock this thread holds: taking one again would wait
    /// for itself (OS locks belong to open files, not to threads).
    static HELD: std::cell::RefCell<Vec<PathBuf>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Drop for DirLock {
    fn drop(&mut self) {
        HELD.with(|held| {
            let mut held = held.borrow_mut();
            if let Some(index) = held.iter().position(|root| *root == self.root) {
                held.swap_remove(index);
            }
        });
    }
}

impl fmt::Debug for DirLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DirLock").field("root", &self.root).finish()
    }
}

/// Whether an open file has other names: a hard link placed in Tandem's
/// folder to a file elsewhere would be written through, as a link would.
fn has_other_names(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        std::os::unix::fs::MetadataExt::nlink(meta) > 1
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

/// What sits at `root` when it is not a folder (a root may be a link to
/// a folder, so links are followed; one that leads nowhere is a link).
/// Looking never opens it, so a FIFO there cannot block.
fn not_a_folder(root: &Path) -> Option<FileKind> {
    match std::fs::metadata(root) {
        Ok(meta) if meta.is_dir() => None,
        Ok(meta) => Some(describe(meta.file_type())),
        Err(_) => std::fs::symlink_metadata(root)
            .ok()
            .filter(|meta| meta.file_type().is_symlink())
            .map(|_| FileKind::Symlink),
    }
}

/// A relative path split into the folders on the way and the last name.
struct Rel<'a> {
    text: &'a str,
    dirs: Vec<&'a str>,
    name: &'a str,
}

fn split(rel: &str) -> Result<Rel<'_>, OwnedError> {
    let parts: Vec<&str> = rel.split('/').collect();
    let plain = |part: &&str| {
        !part.is_empty()
            && *part != "."
            && *part != ".."
            && !part.contains(['\0', '\\'])
            && !(cfg!(windows) && part.contains(':'))
    };
    if !parts.iter().all(plain) {
        return Err(OwnedError::BadPath(rel.to_owned()));
    }
    let (name, dirs) = parts
        .split_last()
        .ok_or_else(|| OwnedError::BadPath(rel.to_owned()))?;
    Ok(Rel {
        text: rel,
        dirs: dirs.to_vec(),
        name,
    })
}

fn temp_name(name: &str) -> String {
    format!(
        "{name}{TEMP_MARK}{}-{}",
        std::process::id(),
        fastrand::u32(..)
    )
}

fn is_temp_name(name: &str) -> bool {
    name.rsplit_once(TEMP_MARK).is_some_and(|(stem, tail)| {
        !stem.is_empty()
            && tail
                .split_once('-')
                .is_some_and(|(pid, random)| is_digits(pid) && is_digits(random))
    })
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Seconds since the epoch, to tell set-aside copies apart by when.
fn unix_now() -> i64 {
    jiff::Timestamp::now().as_second()
}

impl OwnedDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            below: Vec::new(),
        }
    }

    /// The folder `below` (plain names, `/`-separated) inside `root`: `root`
    /// is followed if it is a link, the folders of `below` never are.
    pub fn nested(root: impl Into<PathBuf>, below: &str) -> Result<Self, OwnedError> {
        let parts = split(below)?;
        let mut below: Vec<String> = parts.dirs.iter().map(|part| (*part).to_owned()).collect();
        below.push(parts.name.to_owned());
        Ok(Self {
            root: root.into(),
            below,
        })
    }

    /// The folder itself.
    pub fn root(&self) -> PathBuf {
        self.below
            .iter()
            .fold(self.root.clone(), |path, part| path.join(part))
    }

    /// The full path of `rel`, for messages and for other programs.
    pub fn path_of(&self, rel: &str) -> PathBuf {
        rel.split('/')
            .filter(|part| !part.is_empty())
            .fold(self.root(), |path, part| path.join(part))
    }

    /// Opens the folder itself: the root, then each folder of `below`
    /// without following links, creating them (0700) when `create`.
    fn base(&self, create: bool) -> Result<Option<sys::Dir>, OwnedError> {
        let mut dir = match sys::open_root(&self.root, create) {
            Ok(dir) => dir,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound && !create => {
                return Ok(None);
            }
            // "File exists" or "Not a directory" would not tell the person
            // that a file, a pipe or a dangling link sits where the folder
            // belongs.
            Err(error) => match not_a_folder(&self.root) {
                Some(kind) => {
                    return Err(OwnedError::NotOurs {
                        relative: String::new(),
                        path: self.root.clone(),
                        kind,
                        expected: Keeps::Folder,
                    });
                }
                None => return Err(self.io(FileAction::Open, "")(error)),
            },
        };
        let mut path = self.root.clone();
        for part in &self.below {
            path.push(part);
            dir = match sys::open_dir(&dir, part, create) {
                Ok(Some(next)) => next,
                Ok(None) => return Ok(None),
                Err(sys::OpenError::NotOurs(kind)) => {
                    return Err(OwnedError::NotOurs {
                        relative: String::new(),
                        path,
                        kind,
                        expected: Keeps::Folder,
                    });
                }
                Err(sys::OpenError::Io(error)) => {
                    return Err(OwnedError::Io {
                        action: FileAction::Open,
                        path,
                        source: error,
                    });
                }
            };
        }
        Ok(Some(dir))
    }

    fn io<'a>(
        &'a self,
        action: FileAction,
        rel: &'a str,
    ) -> impl FnOnce(std::io::Error) -> OwnedError + 'a {
        move |source| OwnedError::Io {
            action,
            path: self.path_of(rel),
            source,
        }
    }

    /// Opens Tandem's file `rel` in its folder `dir`, only as a regular
    /// file (and, to be written, one with no other name: a hard link to a
    /// file elsewhere would be written through); `None` when it is missing.
    fn open_regular(
        &self,
        dir: &sys::Dir,
        rel: &Rel<'_>,
        access: sys::Access,
        action: FileAction,
        only_name: bool,
    ) -> Result<Option<(std::fs::File, std::fs::Metadata)>, OwnedError> {
        let file = match sys::open_file(dir, rel.name, access) {
            Ok(file) => file,
            // Appending creates the file: a missing one there is an error,
            // with the OS's own words.
            Err(sys::OpenError::Io(error))
                if error.kind() == std::io::ErrorKind::NotFound
                    && !matches!(access, sys::Access::Append) =>
            {
                return Ok(None);
            }
            Err(sys::OpenError::NotOurs(kind)) => {
                return Err(self.not_ours(rel.text, kind, Keeps::File));
            }
            Err(sys::OpenError::Io(error)) => return Err(self.io(action, rel.text)(error)),
        };
        let meta = file.metadata().map_err(self.io(action, rel.text))?;
        if !meta.is_file() {
            return Err(self.not_ours(rel.text, describe(meta.file_type()), Keeps::File));
        }
        if only_name && has_other_names(&meta) {
            return Err(self.not_ours(rel.text, FileKind::HardLink, Keeps::File));
        }
        Ok(Some((file, meta)))
    }

    /// [`OwnedDir::open_regular`] to append, which creates the file.
    fn open_to_append(
        &self,
        dir: &sys::Dir,
        rel: &Rel<'_>,
    ) -> Result<(std::fs::File, std::fs::Metadata), OwnedError> {
        self.open_regular(dir, rel, sys::Access::Append, FileAction::Open, true)?
            .ok_or_else(|| self.io(FileAction::Open, rel.text)(std::io::ErrorKind::NotFound.into()))
    }

    fn not_ours(&self, relative: &str, kind: FileKind, expected: Keeps) -> OwnedError {
        OwnedError::NotOurs {
            relative: relative.to_owned(),
            path: self.path_of(relative),
            kind,
            expected,
        }
    }

    fn check_lock(&self, lock: &DirLock) {
        debug_assert_eq!(lock.root, self.root(), "a lock of another folder");
    }

    /// Takes the folder's lock, waiting at most `wait` for another process
    /// to release it, then clears temporary files a killed writer left.
    pub fn lock(&self, wait: Duration) -> Result<DirLock, OwnedError> {
        let folder = self.root();
        if HELD.with(|held| held.borrow().contains(&folder)) {
            return Err(OwnedError::LockedTwice(folder));
        }
        let root = self
            .base(true)?
            .ok_or_else(|| self.io(FileAction::Open, "")(std::io::ErrorKind::NotFound.into()))?;
        let file = self.open_lockable(&root, LOCK_FILE, LOCK_FILE)?;
        self.lock_within(&file, Share::Alone, wait, LOCK_FILE)?;
        let lock = DirLock {
            root: folder.clone(),
            _file: file,
        };
        HELD.with(|held| held.borrow_mut().push(folder));
        self.sweep_temporaries(&root, "", 0);
        Ok(lock)
    }

    /// Opens (creating it) the file `name` of `dir` to lock it. A link or
    /// a FIFO in its place is moved aside: that writes nothing through it.
    fn open_lockable(
        &self,
        dir: &sys::Dir,
        name: &str,
        rel: &str,
    ) -> Result<std::fs::File, OwnedError> {
        // A few rounds: what keeps coming back is an error, not a reason to
        // fill the folder.
        for _ in 0..3 {
            // Look before opening: opening a device can have effects.
            let opened = match sys::probe(dir, name) {
                Err(sys::OpenError::NotOurs(kind)) => Err(sys::OpenError::NotOurs(kind)),
                _ => sys::open_file(dir, name, sys::Access::Lock),
            };
            let why = match opened {
                Ok(file) if file.metadata().is_ok_and(|m| m.is_file()) => return Ok(file),
                Ok(_) => "not a file",
                Err(sys::OpenError::NotOurs(_)) => "not a file",
                // A file this user may not open (left by a run as root) is
                // not moved aside: that run may still hold its lock, and a
                // new file would let two hold it. The error names it.
                Err(sys::OpenError::Io(error)) => {
                    return Err(self.io(FileAction::Open, rel)(error));
                }
            };
            // Two processes may race here; whichever rename loses finds the
            // new file next time round.
            let aside = format!("{name}.corrupt-{}-{}", unix_now(), fastrand::u32(..));
            tracing::warn!(file = %self.path_of(rel).display(), "{why}, where Tandem keeps a lock; set aside as {aside}");
            match sys::rename(dir, name, &aside) {
                Ok(()) => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => return Err(self.io(FileAction::SetAside, rel)(error)),
            }
        }
        Err(self.io(FileAction::Open, rel)(std::io::Error::other(
            "it was set aside three times and came back unusable each time",
        )))
    }

    /// Says that this process runs, for as long as the returned [`Presence`]
    /// lives, to whoever asks [`OwnedDir::presence_at`] about `rel`. Any
    /// number of processes may be present at once. Waits at most `wait`
    /// for one that is looking at that moment.
    pub fn claim_presence(&self, rel: &str, wait: Duration) -> Result<Presence, OwnedError> {
        let parts = split(rel)?;
        let dir = self
            .walk(&parts, true)?
            .ok_or_else(|| self.io(FileAction::Open, rel)(std::io::ErrorKind::NotFound.into()))?;
        let file = self.open_lockable(&dir, parts.name, rel)?;
        self.lock_within(&file, Share::Shared, wait, rel)?;
        Ok(Presence {
            dir: self.clone(),
            rel: rel.to_owned(),
            file,
        })
    }

    /// Locks `file` (the one at `rel`), waiting at most `wait` for others
    /// to let go.
    fn lock_within(
        &self,
        file: &std::fs::File,
        share: Share,
        wait: Duration,
        rel: &str,
    ) -> Result<(), OwnedError> {
        let started = Instant::now();
        loop {
            let tried = match share {
                Share::Alone => file.try_lock(),
                Share::Shared => file.try_lock_shared(),
            };
            match tried {
                Ok(()) => return Ok(()),
                Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < wait => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(OwnedError::LockTimeout {
                        path: self.path_of(rel),
                        waited: wait,
                    });
                }
                Err(std::fs::TryLockError::Error(error)) => {
                    return Err(self.io(FileAction::Lock, rel)(error));
                }
            }
        }
    }

    /// Whether a process holds a [`Presence`] at `rel`. Creates nothing but
    /// `<rel>.look` beside a presence file, and waits at most a moment, for
    /// another process that is looking too.
    /// What cannot be looked at is [`Seen::Unknown`], never "nobody".
    pub fn presence_at(&self, rel: &str) -> Seen {
        let unknown = |why: String| Seen::Unknown {
            path: self.path_of(rel),
            why,
        };
        let parts = match split(rel) {
            Ok(parts) => parts,
            Err(error) => return unknown(error.to_string()),
        };
        let dir = match self.walk(&parts, false) {
            Ok(Some(dir)) => dir,
            Ok(None) => return Seen::Absent,
            Err(error) => return unknown(error.to_string()),
        };
        // Something else in the file's place: no process holds it there (a
        // holder moves it aside when it claims, or renews).
        if let Err(sys::OpenError::NotOurs(_)) = sys::probe(&dir, parts.name) {
            return Seen::Absent;
        }
        // Opened for writing, as a lock over NFS needs.
        let file = match sys::open_file(&dir, parts.name, sys::Access::Rewrite) {
            Ok(file) if file.metadata().is_ok_and(|m| m.is_file()) => file,
            Ok(_) | Err(sys::OpenError::NotOurs(_)) => return Seen::Absent,
            Err(sys::OpenError::Io(error)) if error.kind() == std::io::ErrorKind::NotFound => {
                return Seen::Absent;
            }
            Err(sys::OpenError::Io(error)) => return unknown(error.to_string()),
        };
        // One looker at a time: two looking at once would each take the
        // other's exclusive lock for a holder's.
        let look_name = format!("{}.look", parts.name);
        let look_rel = format!("{rel}.look");
        let look = match self.open_lockable(&dir, &look_name, &look_rel) {
            Ok(look) => look,
            Err(error) => return unknown(error.to_string()),
        };
        if let Err(error) = self.lock_within(&look, Share::Alone, Duration::from_secs(2), &look_rel)
        {
            return unknown(error.to_string());
        }
        // Alone, for an instant: nobody holds it. A holder starting now
        // waits that instant (`claim_presence`).
        let seen = match file.try_lock() {
            Ok(()) => Seen::Absent,
            // Holders share it, so a shared lock gets in; only a program
            // that is not Tandem holds it alone.
            Err(std::fs::TryLockError::WouldBlock) => match file.try_lock_shared() {
                Ok(()) => Seen::Present,
                Err(std::fs::TryLockError::WouldBlock) => {
                    unknown("another program holds it locked".into())
                }
                Err(std::fs::TryLockError::Error(error)) => unknown(error.to_string()),
            },
            Err(std::fs::TryLockError::Error(error)) => unknown(error.to_string()),
        };
        // Let go of the file before the next looker may look.
        drop(file);
        drop(look);
        seen
    }

    /// Removes `<name>.tmp-<pid>-<random>` files left by killed writers, in
    /// the folder and two levels below. Called with the lock held.
    fn sweep_temporaries(&self, dir: &sys::Dir, rel: &str, depth: usize) {
        let Ok(entries) = sys::entries(dir) else {
            return;
        };
        for (name, is_dir) in entries {
            let child = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            if is_dir && depth < 2 {
                if let Ok(Some(sub)) = sys::open_dir(dir, &name, false) {
                    self.sweep_temporaries(&sub, &child, depth + 1);
                }
            } else if !is_dir && is_temp_name(&name) {
                match sys::unlink(dir, &name) {
                    Ok(()) => {
                        tracing::info!(file = %self.path_of(&child).display(), "removed a temporary file an interrupted write left")
                    }
                    Err(error) => {
                        tracing::warn!(file = %self.path_of(&child).display(), %error, "cannot remove a stale temporary file")
                    }
                }
            }
        }
    }

    /// Opens the folders on the way to `rel` (creating them, 0700, when
    /// `create`). `None` when one is missing and not created.
    fn walk(&self, rel: &Rel<'_>, create: bool) -> Result<Option<sys::Dir>, OwnedError> {
        let Some(mut dir) = self.base(create)? else {
            return Ok(None);
        };
        let mut walked = String::new();
        for part in &rel.dirs {
            if !walked.is_empty() {
                walked.push('/');
            }
            walked.push_str(part);
            dir = match sys::open_dir(&dir, part, create) {
                Ok(Some(next)) => next,
                Ok(None) => return Ok(None),
                Err(sys::OpenError::NotOurs(kind)) => {
                    return Err(self.not_ours(&walked, kind, Keeps::Folder));
                }
                Err(sys::OpenError::Io(error)) => {
                    return Err(self.io(FileAction::Open, &walked)(error));
                }
            };
        }
        Ok(Some(dir))
    }

    /// The bytes of the file `rel`, `None` when it is missing. Reading takes
    /// no lock: files are only ever replaced whole.
    pub fn read(&self, rel: &str, limit: u64) -> Result<Option<Vec<u8>>, OwnedError> {
        let rel = split(rel)?;
        let Some(dir) = self.walk(&rel, false)? else {
            return Ok(None);
        };
        // Reading through a hard link writes nothing, so it may have others.
        let Some((file, meta)) =
            self.open_regular(&dir, &rel, sys::Access::Read, FileAction::Read, false)?
        else {
            return Ok(None);
        };
        if meta.len() > limit {
            return Err(OwnedError::TooLarge {
                path: self.path_of(rel.text),
                size: meta.len(),
            });
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.take(limit)
            .read_to_end(&mut bytes)
            .map_err(self.io(FileAction::Read, rel.text))?;
        Ok(Some(bytes))
    }

    /// Whether `rel` exists as a regular file.
    pub fn is_file(&self, rel: &str) -> bool {
        matches!(
            self.read(rel, 0),
            Ok(Some(_)) | Err(OwnedError::TooLarge { .. })
        )
    }

    /// Replaces the file `rel` with `bytes`, so that a crash at any moment
    /// leaves the old file or the new one: a temporary file beside it,
    /// flushed, renamed over it, and the folder flushed. The file is
    /// readable by its owner only (`0600`).
    pub fn write_atomically(
        &self,
        lock: &DirLock,
        rel: &str,
        bytes: &[u8],
    ) -> Result<(), OwnedError> {
        self.check_lock(lock);
        let rel = split(rel)?;
        let dir = self.walk(&rel, true)?.ok_or_else(|| {
            self.io(FileAction::Create, rel.text)(std::io::ErrorKind::NotFound.into())
        })?;
        // A link or a FIFO in the file's place is replaced by the rename,
        // never written through; but the caller may want to keep it.
        if let Err(sys::OpenError::NotOurs(kind)) = sys::probe(&dir, rel.name) {
            return Err(self.not_ours(rel.text, kind, Keeps::File));
        }
        let temp = temp_name(rel.name);
        let written = (|| {
            let mut file = sys::create_new(&dir, &temp, 0o600)?;
            file.write_all(bytes)?;
            file.sync_all()
        })();
        if let Err(error) = written {
            let _ = sys::unlink(&dir, &temp);
            return Err(self.io(FileAction::Write, rel.text)(error));
        }
        if let Err(error) = sys::rename(&dir, &temp, rel.name) {
            let _ = sys::unlink(&dir, &temp);
            return Err(self.io(FileAction::Replace, rel.text)(error));
        }
        sys::sync(&dir).map_err(self.io(FileAction::Flush, rel.text))
    }

    /// Appends one line to the file `rel` and flushes it. A crash can leave
    /// at most a partial last line, which readers skip and the next append
    /// closes.
    pub fn append_line(&self, lock: &DirLock, rel: &str, line: &str) -> Result<(), OwnedError> {
        self.check_lock(lock);
        let rel = split(rel)?;
        let dir = self.walk(&rel, true)?.ok_or_else(|| {
            self.io(FileAction::Create, rel.text)(std::io::ErrorKind::NotFound.into())
        })?;
        let (mut file, meta) = self.open_to_append(&dir, &rel)?;
        let needs_newline = meta.len() > 0
            && sys::last_byte(&file, meta.len()).map_err(self.io(FileAction::Read, rel.text))?
                != b'\n';
        let mut text = String::with_capacity(line.len() + 2);
        if needs_newline {
            text.push('\n');
        }
        text.push_str(line);
        text.push('\n');
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(self.io(FileAction::AppendTo, rel.text))
    }

    /// Opens the file `rel` for appending over a long time, for a file only
    /// this process writes (its log): no lock is held, each write is one
    /// `O_APPEND` write. Never through a link.
    pub fn open_append(&self, rel: &str) -> Result<std::fs::File, OwnedError> {
        let rel = split(rel)?;
        let dir = self.walk(&rel, true)?.ok_or_else(|| {
            self.io(FileAction::Create, rel.text)(std::io::ErrorKind::NotFound.into())
        })?;
        Ok(self.open_to_append(&dir, &rel)?.0)
    }

    /// Rewrites the file `rel` in place with what `change` makes of its
    /// bytes, through the same open file: a process appending to it meanwhile
    /// keeps its file. For logs, whose lines may have to go; not crash-safe,
    /// so never for state. Returns whether the file changed.
    pub fn rewrite(
        &self,
        lock: &DirLock,
        rel: &str,
        limit: u64,
        change: impl FnOnce(&[u8]) -> Vec<u8>,
    ) -> Result<bool, OwnedError> {
        self.check_lock(lock);
        let rel = split(rel)?;
        let Some(dir) = self.walk(&rel, false)? else {
            return Ok(false);
        };
        let Some((mut file, meta)) =
            self.open_regular(&dir, &rel, sys::Access::Rewrite, FileAction::Open, true)?
        else {
            return Ok(false);
        };
        if meta.len() > limit {
            return Err(OwnedError::TooLarge {
                path: self.path_of(rel.text),
                size: meta.len(),
            });
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        (&mut file)
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(self.io(FileAction::Read, rel.text))?;
        let changed = change(&bytes);
        if changed == bytes {
            return Ok(false);
        }
        file.set_len(0)
            .and_then(|()| sys::write_at(&file, &changed, 0))
            .and_then(|()| file.sync_data())
            .map_err(self.io(FileAction::Rewrite, rel.text))?;
        Ok(true)
    }

    /// Removes the file (or link, or FIFO) `rel` itself, never what a link
    /// points to. Returns whether something was removed.
    pub fn remove(&self, lock: &DirLock, rel: &str) -> Result<bool, OwnedError> {
        self.check_lock(lock);
        let rel = split(rel)?;
        let Some(dir) = self.walk(&rel, false)? else {
            return Ok(false);
        };
        match sys::unlink(&dir, rel.name) {
            Ok(()) => Ok(true),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(error) => Err(self.io(FileAction::Remove, rel.text)(error)),
        }
    }

    /// Moves `rel` (whatever it is: a damaged file, a link, a FIFO, a
    /// folder) aside as `<name>.corrupt-<time>-<random>`, beside it, and
    /// returns the new path. A rename moves the entry itself, so nothing is
    /// followed and nothing is lost.
    pub fn set_aside(&self, lock: &DirLock, rel: &str) -> Result<PathBuf, OwnedError> {
        self.check_lock(lock);
        let rel = split(rel)?;
        let dir = self.walk(&rel, false)?.ok_or_else(|| {
            self.io(FileAction::SetAside, rel.text)(std::io::ErrorKind::NotFound.into())
        })?;
        let aside = format!("{}.corrupt-{}-{}", rel.name, unix_now(), fastrand::u32(..));
        sys::rename(&dir, rel.name, &aside).map_err(self.io(FileAction::SetAside, rel.text))?;
        let _ = sys::sync(&dir);
        let mut path = self.path_of(rel.text);
        path.set_file_name(&aside);
        Ok(path)
    }

    /// The names in the folder `rel` ("" for the owned folder itself), or
    /// nothing when it does not exist.
    pub fn names_in(&self, rel: &str) -> Result<Vec<String>, OwnedError> {
        let dir = if rel.is_empty() {
            match self.base(false)? {
                Some(dir) => dir,
                None => return Ok(Vec::new()),
            }
        } else {
            let as_file = split(rel)?;
            let Some(parent) = self.walk(&as_file, false)? else {
                return Ok(Vec::new());
            };
            match sys::open_dir(&parent, as_file.name, false) {
                Ok(Some(dir)) => dir,
                Ok(None) => return Ok(Vec::new()),
                Err(sys::OpenError::NotOurs(kind)) => {
                    return Err(self.not_ours(rel, kind, Keeps::Folder));
                }
                Err(sys::OpenError::Io(error)) => {
                    return Err(self.io(FileAction::List, rel)(error));
                }
            }
        };
        let mut names: Vec<String> = sys::entries(&dir)
            .map_err(self.io(FileAction::List, rel))?
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        names.sort();
        Ok(names)
    }
}

/// The system calls, relative to open folders. Unix does them race-free
/// with `openat` and `O_NOFOLLOW`; elsewhere each step checks the entry's
/// type first (Windows reparse points are met as links).
mod sys {
    pub enum OpenError {
        NotOurs(crate::FileKind),
        Io(std::io::Error),
    }

    impl From<std::io::Error> for OpenError {
        fn from(error: std::io::Error) -> Self {
            OpenError::Io(error)
        }
    }

    #[derive(Clone, Copy)]
    pub enum Access {
        Read,
        Append,
        Lock,
        Rewrite,
    }

    #[cfg(unix)]
    pub use unix::*;

    #[cfg(unix)]
    mod unix {
        use std::os::fd::OwnedFd;
        use std::path::Path;

        use rustix::fs::{AtFlags, Mode, OFlags};
        use rustix::io::Errno;

        use super::{Access, OpenError};
        use crate::FileKind;

        pub type Dir = OwnedFd;

        fn not_ours_kind(dir: &Dir, name: &str) -> FileKind {
            match rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(stat) => match rustix::fs::FileType::from_raw_mode(stat.st_mode) {
                    rustix::fs::FileType::Symlink => FileKind::Symlink,
                    rustix::fs::FileType::Directory => FileKind::Folder,
                    rustix::fs::FileType::Fifo => FileKind::Fifo,
                    rustix::fs::FileType::CharacterDevice => FileKind::CharDevice,
                    rustix::fs::FileType::BlockDevice => FileKind::BlockDevice,
                    rustix::fs::FileType::Socket => FileKind::Socket,
                    rustix::fs::FileType::RegularFile => FileKind::Regular,
                    rustix::fs::FileType::Unknown => FileKind::Other,
                },
                Err(_) => FileKind::Other,
            }
        }

        pub fn open_root(root: &Path, create: bool) -> std::io::Result<Dir> {
            if create {
                let mut builder = std::fs::DirBuilder::new();
                builder.recursive(true);
                std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
                builder.create(root)?;
            }
            Ok(rustix::fs::open(
                root,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            )?)
        }

        pub fn open_dir(dir: &Dir, name: &str, create: bool) -> Result<Option<Dir>, OpenError> {
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            match rustix::fs::openat(dir, name, flags, Mode::empty()) {
                Ok(fd) => Ok(Some(fd)),
                Err(Errno::NOENT) if create => {
                    match rustix::fs::mkdirat(dir, name, Mode::from_raw_mode(0o700)) {
                        Ok(()) | Err(Errno::EXIST) => {}
                        Err(error) => return Err(OpenError::Io(error.into())),
                    }
                    match rustix::fs::openat(dir, name, flags, Mode::empty()) {
                        Ok(fd) => Ok(Some(fd)),
                        Err(Errno::LOOP | Errno::NOTDIR) => {
                            Err(OpenError::NotOurs(not_ours_kind(dir, name)))
                        }
                        Err(error) => Err(OpenError::Io(error.into())),
                    }
                }
                Err(Errno::NOENT) => Ok(None),
                Err(Errno::LOOP | Errno::NOTDIR) => {
                    Err(OpenError::NotOurs(not_ours_kind(dir, name)))
                }
                Err(error) => Err(OpenError::Io(error.into())),
            }
        }

        pub fn open_file(
            dir: &Dir,
            name: &str,
            access: Access,
        ) -> Result<std::fs::File, OpenError> {
            // O_NONBLOCK: a FIFO placed here must not hold the open up.
            let common = OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NONBLOCK | OFlags::NOCTTY;
            let flags = match access {
                Access::Read => OFlags::RDONLY,
                Access::Append => OFlags::RDWR | OFlags::APPEND | OFlags::CREATE,
                Access::Lock => OFlags::RDWR | OFlags::CREATE,
                Access::Rewrite => OFlags::RDWR,
            };
            match rustix::fs::openat(dir, name, flags | common, Mode::from_raw_mode(0o600)) {
                Ok(fd) => Ok(std::fs::File::from(fd)),
                Err(Errno::LOOP) => Err(OpenError::NotOurs(FileKind::Symlink)),
                Err(Errno::ISDIR) => Err(OpenError::NotOurs(FileKind::Folder)),
                Err(Errno::NXIO) => Err(OpenError::NotOurs(not_ours_kind(dir, name))),
                Err(error) => Err(OpenError::Io(error.into())),
            }
        }

        /// What sits at `name`, when it is not a regular file or nothing.
        pub fn probe(dir: &Dir, name: &str) -> Result<(), OpenError> {
            match rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(stat)
                    if rustix::fs::FileType::from_raw_mode(stat.st_mode)
                        != rustix::fs::FileType::RegularFile =>
                {
                    Err(OpenError::NotOurs(not_ours_kind(dir, name)))
                }
                Ok(_) | Err(Errno::NOENT) => Ok(()),
                Err(error) => Err(OpenError::Io(error.into())),
            }
        }

        /// Device and inode of what is named `name`, the name itself when
        /// it is a link.
        pub fn identity(dir: &Dir, name: &str) -> Option<(u64, u64)> {
            let stat = rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW).ok()?;
            // Narrower than u64 on some systems.
            #[allow(clippy::unnecessary_cast)]
            Some((stat.st_dev as u64, stat.st_ino as u64))
        }

        pub fn identity_of(file: &std::fs::File) -> Option<(u64, u64)> {
            let stat = rustix::fs::fstat(file).ok()?;
            #[allow(clippy::unnecessary_cast)]
            Some((stat.st_dev as u64, stat.st_ino as u64))
        }

        pub fn create_new(dir: &Dir, name: &str, mode: u32) -> std::io::Result<std::fs::File> {
            let fd = rustix::fs::openat(
                dir,
                name,
                OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::from_raw_mode(mode),
            )?;
            // The umask may have narrowed the mode asked for.
            rustix::fs::fchmod(&fd, Mode::from_raw_mode(mode))?;
            Ok(std::fs::File::from(fd))
        }

        pub fn rename(dir: &Dir, from: &str, to: &str) -> std::io::Result<()> {
            Ok(rustix::fs::renameat(dir, from, dir, to)?)
        }

        pub fn unlink(dir: &Dir, name: &str) -> std::io::Result<()> {
            match rustix::fs::unlinkat(dir, name, AtFlags::empty()) {
                Err(Errno::ISDIR) => Ok(rustix::fs::unlinkat(dir, name, AtFlags::REMOVEDIR)?),
                other => Ok(other?),
            }
        }

        pub fn sync(dir: &Dir) -> std::io::Result<()> {
            Ok(rustix::fs::fsync(dir)?)
        }

        pub fn last_byte(file: &std::fs::File, len: u64) -> std::io::Result<u8> {
            let mut byte = [0u8; 1];
            std::os::unix::fs::FileExt::read_exact_at(file, &mut byte, len - 1)?;
            Ok(byte[0])
        }

        pub fn write_at(file: &std::fs::File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
            std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
        }

        /// `(name, is a real folder)` of each entry but `.` and `..`.
        pub fn entries(dir: &Dir) -> std::io::Result<Vec<(String, bool)>> {
            let mut out = Vec::new();
            for entry in rustix::fs::Dir::read_from(dir)? {
                let entry = entry?;
                let Ok(name) = entry.file_name().to_str() else {
                    continue;
                };
                if name == "." || name == ".." {
                    continue;
                }
                let is_dir = match entry.file_type() {
                    rustix::fs::FileType::Directory => true,
                    rustix::fs::FileType::Unknown => {
                        rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW).is_ok_and(|stat| {
                            rustix::fs::FileType::from_raw_mode(stat.st_mode)
                                == rustix::fs::FileType::Directory
                        })
                    }
                    _ => false,
                };
                out.push((name.to_owned(), is_dir));
            }
            Ok(out)
        }
    }

    #[cfg(not(unix))]
    pub use portable::*;

    #[cfg(not(unix))]
    mod portable {
        use std::path::{Path, PathBuf};

        use super::{Access, OpenError};
        use crate::{FileKind, describe};

        pub type Dir = PathBuf;

        fn kind_of(path: &Path) -> Option<FileKind> {
            let meta = std::fs::symlink_metadata(path).ok()?;
            Some(describe(meta.file_type()))
        }

        pub fn open_root(root: &Path, create: bool) -> std::io::Result<Dir> {
            if create {
                std::fs::create_dir_all(root)?;
            }
            if !std::fs::metadata(root)?.is_dir() {
                return Err(std::io::ErrorKind::NotADirectory.into());
            }
            Ok(root.to_path_buf())
        }

        pub fn open_dir(dir: &Dir, name: &str, create: bool) -> Result<Option<Dir>, OpenError> {
            let path = dir.join(name);
            match std::fs::symlink_metadata(&path) {
                Ok(meta) if meta.is_dir() && !meta.file_type().is_symlink() => Ok(Some(path)),
                Ok(meta) => Err(OpenError::NotOurs(describe(meta.file_type()))),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound && create => {
                    std::fs::create_dir(&path)?;
                    Ok(Some(path))
                }
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(error) => Err(OpenError::Io(error)),
            }
        }

        pub fn open_file(
            dir: &Dir,
            name: &str,
            access: Access,
        ) -> Result<std::fs::File, OpenError> {
            let path = dir.join(name);
            if let Some(kind) = kind_of(&path).filter(|kind| *kind != FileKind::Regular) {
                return Err(OpenError::NotOurs(kind));
            }
            let mut options = std::fs::OpenOptions::new();
            match access {
                Access::Read => options.read(true),
                Access::Append => options.read(true).append(true).create(true),
                Access::Lock => options.read(true).write(true).create(true).truncate(false),
                Access::Rewrite => options.read(true).write(true),
            };
            Ok(options.open(path)?)
        }

        pub fn probe(dir: &Dir, name: &str) -> Result<(), OpenError> {
            match kind_of(&dir.join(name)) {
                Some(kind) if kind != FileKind::Regular => Err(OpenError::NotOurs(kind)),
                _ => Ok(()),
            }
        }

        pub fn identity(_dir: &Dir, _name: &str) -> Option<(u64, u64)> {
            None
        }

        pub fn identity_of(_file: &std::fs::File) -> Option<(u64, u64)> {
            None
        }

        pub fn create_new(dir: &Dir, name: &str, _mode: u32) -> std::io::Result<std::fs::File> {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(dir.join(name))
        }

        pub fn rename(dir: &Dir, from: &str, to: &str) -> std::io::Result<()> {
            std::fs::rename(dir.join(from), dir.join(to))
        }

        pub fn unlink(dir: &Dir, name: &str) -> std::io::Result<()> {
            let path = dir.join(name);
            match std::fs::symlink_metadata(&path) {
                Ok(meta) if meta.is_dir() => std::fs::remove_dir(path),
                _ => std::fs::remove_file(path),
            }
        }

        pub fn sync(_dir: &Dir) -> std::io::Result<()> {
            // Windows cannot open a folder as a file; its rename is durable
            // enough (MoveFileEx with write-through is what std uses).
            Ok(())
        }

        pub fn last_byte(file: &std::fs::File, len: u64) -> std::io::Result<u8> {
            let mut byte = [0u8; 1];
            std::os::windows::fs::FileExt::seek_read(file, &mut byte, len - 1)?;
            Ok(byte[0])
        }

        pub fn write_at(file: &std::fs::File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
            let mut written = 0;
            while written < bytes.len() {
                written += std::os::windows::fs::FileExt::seek_write(
                    file,
                    &bytes[written..],
                    offset + written as u64,
                )?;
            }
            Ok(())
        }

        pub fn entries(dir: &Dir) -> std::io::Result<Vec<(String, bool)>> {
            let mut out = Vec::new();
            for entry in std::fs::read_dir(dir)? {
                let entry = entry?;
                let Ok(name) = entry.file_name().into_string() else {
                    continue;
                };
                let is_dir = entry
                    .file_type()
                    .is_ok_and(|kind| kind.is_dir() && !kind.is_symlink());
                out.push((name, is_dir));
            }
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned() -> (tempfile::TempDir, OwnedDir) {
        let dir = tempfile::tempdir().unwrap();
        let owned = OwnedDir::new(dir.path().join("data"));
        (dir, owned)
    }

    #[cfg(unix)]
    #[test]
    fn what_sits_where_the_folder_belongs_is_named() {
        let started = Instant::now();
        for (kind, make) in [
            (FileKind::Fifo, "fifo"),
            (FileKind::Regular, "file"),
            (FileKind::Symlink, "dangling link"),
        ] {
            let (_dir, owned) = owned();
            match make {
                "fifo" => rustix::fs::mknodat(
                    rustix::fs::CWD,
                    owned.root(),
                    rustix::fs::FileType::Fifo,
                    rustix::fs::Mode::from_raw_mode(0o600),
                    0,
                )
                .unwrap(),
                "file" => std::fs::write(owned.root(), b"x").unwrap(),
                _ => std::os::unix::fs::symlink("/nonexistent/tandem", owned.root()).unwrap(),
            }
            let mut errors = vec![owned.lock(LOCK_WAIT).unwrap_err()];
            match owned.read("rules.toml", 100) {
                Err(error) => errors.push(error),
                // A link to nowhere holds nothing to read; writing names it.
                Ok(None) if kind == FileKind::Symlink => {}
                Ok(read) => panic!("{make}: read {read:?}"),
            }
            for error in errors {
                assert!(
                    matches!(
                        &error,
                        OwnedError::NotOurs { kind: found, expected: Keeps::Folder, relative, .. }
                            if *found == kind && relative.is_empty()
                    ),
                    "{make}: {error}"
                );
                // Nothing to set aside: the folder itself is not moved.
                assert_eq!(error.not_ours(), None);
                assert!(
                    error
                        .said()
                        .in_language(tandem_i18n::Language::Nl)
                        .contains("waar Tandem zijn eigen map bewaart"),
                    "{make}: {error}"
                );
            }
        }
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_presence_is_seen_while_held_by_anyone_and_gone_when_dropped() {
        let (_dir, owned) = owned();
        assert_eq!(owned.presence_at("app.running"), Seen::Absent);
        assert!(!owned.root().exists(), "looking creates nothing");
        let first = owned.claim_presence("app.running", LOCK_WAIT).unwrap();
        let second = owned.claim_presence("app.running", LOCK_WAIT).unwrap();
        assert_eq!(owned.presence_at("app.running"), Seen::Present);
        assert_eq!(owned.presence_at("tray.running"), Seen::Absent);
        drop(first);
        assert_eq!(owned.presence_at("app.running"), Seen::Present);
        drop(second);
        assert_eq!(owned.presence_at("app.running"), Seen::Absent);
        // Looking left it claimable at once.
        let again = owned.claim_presence("app.running", Duration::ZERO).unwrap();
        assert_eq!(owned.presence_at("app.running"), Seen::Present);
        drop(again);
    }

    #[test]
    fn lookers_do_not_take_each_other_for_a_holder() {
        let (_dir, owned) = owned();
        drop(owned.claim_presence("app.running", LOCK_WAIT).unwrap());
        let lookers: Vec<_> = (0..4)
            .map(|_| {
                let owned = owned.clone();
                std::thread::spawn(move || {
                    (0..200)
                        .map(|_| owned.presence_at("app.running"))
                        .filter(|seen| *seen != Seen::Absent)
                        .count()
                })
            })
            .collect();
        let wrong: usize = lookers.into_iter().map(|l| l.join().unwrap()).sum();
        assert_eq!(wrong, 0, "a looker was taken for a process running");
    }

    #[test]
    fn a_presence_whose_file_went_is_made_again_by_renewing() {
        let (_dir, owned) = owned();
        let mut presence = owned.claim_presence("app.running", LOCK_WAIT).unwrap();
        std::fs::remove_dir_all(owned.root()).unwrap();
        assert_eq!(owned.presence_at("app.running"), Seen::Absent);
        presence.renew().unwrap();
        assert_eq!(owned.presence_at("app.running"), Seen::Present);
        // Nothing changed: renewing is a look, and keeps the same file.
        presence.renew().unwrap();
        assert_eq!(owned.presence_at("app.running"), Seen::Present);
        drop(presence);
        assert_eq!(owned.presence_at("app.running"), Seen::Absent);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_held_by_another_program_or_unreadable_is_unknown_not_absent() {
        let (_dir, owned) = owned();
        drop(owned.claim_presence("app.running", LOCK_WAIT).unwrap());
        let path = owned.path_of("app.running");
        // A program that is not Tandem holds it alone.
        let other = std::fs::File::open(&path).unwrap();
        other.lock().unwrap();
        assert!(matches!(
            owned.presence_at("app.running"),
            Seen::Unknown { .. }
        ));
        drop(other);
        assert_eq!(owned.presence_at("app.running"), Seen::Absent);
    }

    #[cfg(unix)]
    #[test]
    fn a_presence_is_never_claimed_through_a_link_or_a_fifo() {
        let (dir, owned) = owned();
        std::fs::create_dir_all(owned.root()).unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::write(&elsewhere, "theirs").unwrap();
        std::os::unix::fs::symlink(&elsewhere, owned.path_of("app.running")).unwrap();
        rustix::fs::mknodat(
            rustix::fs::CWD,
            owned.path_of("tray.running"),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        // Neither counts as a process running, and looking does not wait.
        assert_eq!(owned.presence_at("app.running"), Seen::Absent);
        assert_eq!(owned.presence_at("tray.running"), Seen::Absent);
        let app = owned.claim_presence("app.running", LOCK_WAIT).unwrap();
        let tray = owned.claim_presence("tray.running", LOCK_WAIT).unwrap();
        assert_eq!(owned.presence_at("app.running"), Seen::Present);
        assert_eq!(owned.presence_at("tray.running"), Seen::Present);
        assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "theirs");
        let aside = owned
            .names_in("")
            .unwrap()
            .into_iter()
            .filter(|name| name.contains(".corrupt-"))
            .count();
        assert_eq!(aside, 2, "both were set aside");
        drop((app, tray));
    }

    #[test]
    fn writes_reads_appends_and_removes_below_the_folder() {
        let (_dir, owned) = owned();
        let lock = owned.lock(LOCK_WAIT).unwrap();
        owned
            .write_atomically(&lock, "work/links.json", b"{}")
            .unwrap();
        assert_eq!(owned.read("work/links.json", 100).unwrap().unwrap(), b"{}");
        owned
            .append_line(&lock, "work/history.jsonl", "one")
            .unwrap();
        owned
            .append_line(&lock, "work/history.jsonl", "two")
            .unwrap();
        assert_eq!(
            owned.read("work/history.jsonl", 100).unwrap().unwrap(),
            b"one\ntwo\n"
        );
        assert!(owned.remove(&lock, "work/links.json").unwrap());
        assert!(owned.read("work/links.json", 100).unwrap().is_none());
        assert_eq!(owned.names_in("work").unwrap(), ["history.jsonl"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode =
                |path: PathBuf| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(owned.path_of("work")), 0o700);
            assert_eq!(mode(owned.path_of("work/history.jsonl")), 0o600);
        }
    }

    #[test]
    fn refuses_paths_that_could_leave_the_folder() {
        let (_dir, owned) = owned();
        let lock = owned.lock(LOCK_WAIT).unwrap();
        for bad in ["../x", "a/../../x", "/etc/passwd", "", "a//b", "./a"] {
            assert!(
                matches!(
                    owned.write_atomically(&lock, bad, b"x"),
                    Err(OwnedError::BadPath(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_killed_writers_temporary_files_go_when_the_lock_is_next_taken() {
        let (_dir, owned) = owned();
        let lock = owned.lock(LOCK_WAIT).unwrap();
        owned
            .write_atomically(&lock, "personal/links.json", b"{}")
            .unwrap();
        drop(lock);
        let stale = owned.path_of("personal/links.json.tmp-123-456");
        std::fs::write(&stale, "alice@outlook.com").unwrap();
        let look_alike = owned.path_of("personal/notes.tmp-x");
        std::fs::write(&look_alike, "kept").unwrap();
        let _lock = owned.lock(LOCK_WAIT).unwrap();
        assert!(!stale.exists());
        assert!(look_alike.exists(), "only Tandem's own pattern is removed");
    }

    #[cfg(unix)]
    #[test]
    fn never_writes_through_a_link_placed_below_the_folder() {
        let (dir, owned) = owned();
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        let target = outside.join("victim");
        std::fs::write(&target, "precious\n").unwrap();
        let lock = owned.lock(LOCK_WAIT).unwrap();
        owned
            .write_atomically(&lock, "work/links.json", b"{}")
            .unwrap();

        // A link in a file's place: appending refuses, naming it.
        std::os::unix::fs::symlink(&target, owned.path_of("work/history.jsonl")).unwrap();
        let error = owned
            .append_line(&lock, "work/history.jsonl", "x")
            .unwrap_err();
        assert_eq!(error.not_ours(), Some("work/history.jsonl"), "{error}");
        assert!(error.to_string().contains("symbolic link"), "{error}");
        let error = owned
            .write_atomically(&lock, "work/history.jsonl", b"x")
            .unwrap_err();
        assert_eq!(error.not_ours(), Some("work/history.jsonl"));
        assert!(matches!(
            owned.read("work/history.jsonl", 100),
            Err(OwnedError::NotOurs { .. })
        ));
        let aside = owned.set_aside(&lock, "work/history.jsonl").unwrap();
        assert!(
            std::fs::symlink_metadata(&aside)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        owned.append_line(&lock, "work/history.jsonl", "x").unwrap();

        // A link in a folder's place.
        std::os::unix::fs::symlink(&outside, owned.path_of("personal")).unwrap();
        let error = owned
            .write_atomically(&lock, "personal/links.json", b"x")
            .unwrap_err();
        assert_eq!(error.not_ours(), Some("personal"));
        assert!(!outside.join("links.json").exists());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious\n");
        drop(lock);

        // A dangling link as the lock file: set aside, its target never made.
        let missing = outside.join("made-by-tandem");
        std::fs::remove_file(owned.path_of(".lock")).unwrap();
        std::os::unix::fs::symlink(&missing, owned.path_of(".lock")).unwrap();
        let _lock = owned.lock(LOCK_WAIT).unwrap();
        assert!(!missing.exists());
        assert!(
            std::fs::symlink_metadata(owned.path_of(".lock"))
                .unwrap()
                .is_file()
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_in_a_files_place_is_met_without_waiting() {
        let (_dir, owned) = owned();
        let lock = owned.lock(LOCK_WAIT).unwrap();
        owned
            .write_atomically(&lock, "work/links.json", b"{}")
            .unwrap();
        for name in ["work/history.jsonl", "work/state.json"] {
            rustix::fs::mknodat(
                rustix::fs::CWD,
                owned.path_of(name),
                rustix::fs::FileType::Fifo,
                rustix::fs::Mode::from_raw_mode(0o600),
                0,
            )
            .unwrap();
        }
        let started = Instant::now();
        let error = owned.read("work/state.json", 100).unwrap_err();
        assert!(error.to_string().contains("named pipe"), "{error}");
        // The same in the person's language, and the English unchanged.
        assert_eq!(error.said().to_string(), error.to_string());
        let dutch = error.said().in_language(tandem_i18n::Language::Nl);
        assert!(
            dutch.contains(
                "state.json\" is een named pipe (FIFO), waar Tandem zijn eigen bestand bewaart"
            ),
            "{dutch}"
        );
        let io = OwnedError::Io {
            action: FileAction::Replace,
            path: "/x/links.json".into(),
            source: std::io::Error::other("disk on fire"),
        };
        assert_eq!(io.said().to_string(), io.to_string());
        assert_eq!(
            io.said().in_language(tandem_i18n::Language::Nl),
            "kan \"/x/links.json\" niet vervangen: disk on fire"
        );
        // Every action says in English what its message says.
        for action in FileAction::ALL {
            assert_eq!(
                tandem_i18n::Language::En.text(action.key()),
                action.verb(),
                "{action:?}"
            );
            assert!(!tandem_i18n::Language::Nl.text(action.key()).is_empty());
        }
        assert!(owned.append_line(&lock, "work/history.jsonl", "x").is_err());
        assert!(started.elapsed() < Duration::from_secs(5));
        drop(lock);
        // The lock itself as a FIFO.
        std::fs::remove_file(owned.path_of(".lock")).unwrap();
        rustix::fs::mknodat(
            rustix::fs::CWD,
            owned.path_of(".lock"),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        owned.lock(LOCK_WAIT).unwrap();
    }

    #[test]
    fn taking_a_lock_this_thread_holds_fails_at_once() {
        let (_dir, owned) = owned();
        let held = owned.lock(LOCK_WAIT).unwrap();
        let started = Instant::now();
        assert!(matches!(
            owned.lock(LOCK_WAIT),
            Err(OwnedError::LockedTwice(_))
        ));
        assert!(started.elapsed() < Duration::from_secs(1));
        drop(held);
        owned.lock(LOCK_WAIT).unwrap();
    }

    #[test]
    fn taking_a_held_lock_gives_up_after_the_wait_and_says_why() {
        let (_dir, owned) = owned();
        let _held = owned.lock(LOCK_WAIT).unwrap();
        // Another thread, with its own open file description of the lock
        // file, as another process would have.
        let started = Instant::now();
        let root = owned.root().to_path_buf();
        let error =
            std::thread::spawn(move || OwnedDir::new(root).lock(Duration::from_millis(300)))
                .join()
                .unwrap()
                .unwrap_err();
        assert!(started.elapsed() >= Duration::from_millis(300));
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(matches!(error, OwnedError::LockTimeout { .. }));
        assert!(
            error.to_string().contains("another Tandem process"),
            "{error}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_hard_link_or_a_link_above_the_folder_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious\n").unwrap();
        let owned = OwnedDir::new(dir.path().join("data"));
        let lock = owned.lock(LOCK_WAIT).unwrap();
        owned.append_line(&lock, "work/h.jsonl", "x").unwrap();
        std::fs::remove_file(owned.path_of("work/h.jsonl")).unwrap();
        std::fs::hard_link(&victim, owned.path_of("work/h.jsonl")).unwrap();
        let error = owned.append_line(&lock, "work/h.jsonl", "x").unwrap_err();
        assert!(error.to_string().contains("hard link"), "{error}");
        assert!(
            owned
                .rewrite(&lock, "work/h.jsonl", 100, |_| Vec::new())
                .is_err()
        );
        assert!(owned.open_append("work/h.jsonl").is_err());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
        drop(lock);

        // A nested folder (logs below state/tandem) is never followed either.
        let state = dir.path().join("state");
        std::fs::create_dir_all(&state).unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, state.join("logs")).unwrap();
        let logs = OwnedDir::nested(&state, "logs").unwrap();
        assert!(logs.lock(LOCK_WAIT).is_err());
        assert!(logs.open_append("app.log").is_err());
        assert!(logs.names_in("").is_err());
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    }

    #[test]
    fn rewrites_in_place_for_an_appender_that_holds_the_file_open() {
        let (_dir, owned) = owned();
        let mut log = owned.open_append("app.log").unwrap();
        log.write_all(b"keep\nalice@outlook.com signed in\nkeep too\n")
            .unwrap();
        let lock = owned.lock(LOCK_WAIT).unwrap();
        let changed = owned
            .rewrite(&lock, "app.log", 1 << 20, |bytes| {
                String::from_utf8_lossy(bytes)
                    .lines()
                    .filter(|line| !line.contains("alice@"))
                    .map(|line| format!("{line}\n"))
                    .collect::<String>()
                    .into_bytes()
            })
            .unwrap();
        assert!(changed);
        log.write_all(b"later\n").unwrap();
        assert_eq!(
            owned.read("app.log", 1 << 20).unwrap().unwrap(),
            b"keep\nkeep too\nlater\n"
        );
    }

    #[test]
    fn temporary_names_are_recognised_exactly() {
        assert!(is_temp_name("links.json.tmp-12-34"));
        assert!(!is_temp_name("links.json.tmp-12"));
        assert!(!is_temp_name("links.json.tmp-a-34"));
        assert!(!is_temp_name(".tmp-1-2"));
    }
}
