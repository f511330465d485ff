//! Tandem's footprint on a machine: what it writes outside its own folders,
//! written so that it can be taken back exactly.
//!
//! - [`autostart`]: the entry that starts Tandem at sign-in.
//! - [`handler`]: Tandem as the default handler of web links, remembering
//!   the handler it replaced.
//! - [`uninstall`]: removes all of it, Tandem's own folders and its keyring
//!   entries, and nothing else.

pub mod autostart;
pub mod handler;
pub mod uninstall;

#[derive(Debug, thiserror::Error)]
pub enum FootprintError {
    #[error("cannot {action} {path:?}: {source}")]
    Io {
        action: &'static str,
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] tandem_store::StoreError),
    #[error(transparent)]
    Vault(#[from] tandem_identity::VaultError),
    #[error("{0} is not supported on this system yet")]
    Unsupported(&'static str),
    #[error(
        "{0}. Tandem's folders were kept, so that removing again (once this is fixed) can finish the job"
    )]
    Incomplete(Box<FootprintError>),
}

pub(crate) fn io_error<'a>(
    action: &'static str,
    path: &'a std::path::Path,
) -> impl FnOnce(std::io::Error) -> FootprintError + 'a {
    move |source| FootprintError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// Removes a file; a file already gone is fine.
pub(crate) fn remove_file(path: &std::path::Path) -> Result<bool, FootprintError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(io_error("remove", path)(error)),
    }
}

/// The line every file Tandem writes outside its folders carries, so that
/// Tandem removes only files it wrote.
pub const MARKER: &str = "X-Tandem-Created=true";
