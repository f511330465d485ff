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
pub use owned::{DirLock, LOCK_WAIT, OwnedDir, OwnedError, Presence, Seen};

/// The catalogue key that says `description` (one of [`describe`]'s) in the
/// person's language: `file.kind.fifo` for "a named pipe (FIFO)".
pub fn kind_key(description: &str) -> &'static str {
    match description {
        "a named pipe (FIFO)" => "file.kind.fifo",
        "a character device" => "file.kind.char_device",
        "a block device" => "file.kind.block_device",
        "a socket" => "file.kind.socket",
        "a symbolic link" => "file.kind.symlink",
        "a folder" => "file.kind.folder",
        "a regular file" => "file.kind.regular",
        "a file with other names (a hard link)" => "file.kind.hard_link",
        _ => "file.kind.other",
    }
}

/// A short description of what a path is, for messages: "a named pipe (FIFO)".
pub fn describe(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_dir() {
        "a folder"
    } else if file_type.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}
