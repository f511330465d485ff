//! How Tandem touches the file system. This is the only crate that opens a
//! file, so the rules below hold for every byte Tandem reads or writes:
//!
//! - [`foreign`]: files Tandem does not own (browser files, policy files, the
//!   user's settings) are read only when they are regular files, opened
//!   without blocking (a FIFO, a device or `/dev/stdin` in their place is
//!   refused at once, never waited on) and up to a size cap.
//! - [`owned`]: Tandem's own folders. Below such a folder nothing is followed
//!   through a link: every folder on the way and the file itself are opened
//!   with `O_NOFOLLOW`, relative to the folder above, so a symbolic link
//!   placed there can never send a write elsewhere. Writes are atomic and
//!   happen under the folder's lock, with a bounded wait.
//! - [`export`]: files the user asked for (an export), created without
//!   replacing anything that is there.
//! - [`shared`]: the desktop's files Tandem edits on request
//!   (`mimeapps.list`, desktop entries), only when they are regular files.

pub mod export;
pub mod foreign;
pub mod owned;
pub mod shared;

pub use foreign::{ReadError, read_regular};
pub use owned::{DirLock, FileAction, Keeps, LOCK_WAIT, OwnedDir, OwnedError, Presence, Seen};

/// What a path is, for messages: a named pipe, a folder, a link… Its
/// English is [`FileKind::description`], its catalogue key
/// [`FileKind::key`], both from the one variant, so the two cannot drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Fifo,
    CharDevice,
    BlockDevice,
    Socket,
    Symlink,
    Folder,
    Regular,
    /// A regular file with other names: a hard link placed in Tandem's
    /// folder to a file elsewhere would be written through.
    HardLink,
    Other,
}

impl FileKind {
    /// The catalogue key that says this in the person's language.
    pub const fn key(self) -> &'static str {
        match self {
            FileKind::Fifo => "file.kind.fifo",
            FileKind::CharDevice => "file.kind.char_device",
            FileKind::BlockDevice => "file.kind.block_device",
            FileKind::Socket => "file.kind.socket",
            FileKind::Symlink => "file.kind.symlink",
            FileKind::Folder => "file.kind.folder",
            FileKind::Regular => "file.kind.regular",
            FileKind::HardLink => "file.kind.hard_link",
            FileKind::Other => "file.kind.other",
        }
    }

    /// The English, for logs and `Display`; the catalogue's `en` says the
    /// same (tested).
    pub const fn description(self) -> &'static str {
        match self {
            FileKind::Fifo => "a named pipe (FIFO)",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Socket => "a socket",
            FileKind::Symlink => "a symbolic link",
            FileKind::Folder => "a folder",
            FileKind::Regular => "a regular file",
            FileKind::HardLink => "a file with other names (a hard link)",
            FileKind::Other => "a file of another kind",
        }
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.description())
    }
}

/// What a path of this type is.
pub fn describe(file_type: std::fs::FileType) -> FileKind {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return FileKind::Fifo;
        }
        if file_type.is_char_device() {
            return FileKind::CharDevice;
        }
        if file_type.is_block_device() {
            return FileKind::BlockDevice;
        }
        if file_type.is_socket() {
            return FileKind::Socket;
        }
    }
    if file_type.is_symlink() {
        FileKind::Symlink
    } else if file_type.is_dir() {
        FileKind::Folder
    } else if file_type.is_file() {
        FileKind::Regular
    } else {
        FileKind::Other
    }
}
