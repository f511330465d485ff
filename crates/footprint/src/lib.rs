//! Tandem's footprint on a machine: what it writes outside its own folders,
//! written so that it can be taken back exactly.
//!
//! - [`autostart`]: the entry that starts Tandem at sign-in.
//! - [`handler`]: Tandem as the default handler of web links, remembering
//!   the handler it replaced.
//! - [`uninstall`]: removes all of it, Tandem's own folders and its keyring
//!   entries, and nothing else.
//! - [`running`]: whether Tandem's programs run for this user's folders,
//!   which must not happen while they are removed.

pub mod autostart;
pub mod desktop_entry;
pub mod handler;
pub mod running;
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
    Shared(#[from] tandem_files::shared::SharedError),
    #[error(
        "{0:?} already exists and Tandem did not write it, so Tandem leaves it alone; remove or \
         rename it yourself if Tandem should write its own"
    )]
    NotTandems(std::path::PathBuf),
    #[error(transparent)]
    Vault(#[from] tandem_identity::VaultError),
    #[error("{0} is not supported on this system yet")]
    Unsupported(Unsupported),
    #[error("{path:?} is {kind}, where a folder belongs; Tandem leaves it alone")]
    NotAFolder {
        path: std::path::PathBuf,
        kind: tandem_files::FileKind,
    },
    #[error(
        "{0}. Tandem's folders were kept, so that removing again (once this is fixed) can finish the job"
    )]
    Incomplete(Box<FootprintError>),
}

/// What Tandem cannot do on this system yet. Its English and its
/// catalogue key come from the one variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsupported {
    StartingAtSignIn,
    WindowsRegistry,
}

impl Unsupported {
    pub const ALL: [Unsupported; 2] = [Unsupported::StartingAtSignIn, Unsupported::WindowsRegistry];

    /// The catalogue key that names it in the person's language.
    pub const fn key(self) -> &'static str {
        match self {
            Unsupported::StartingAtSignIn => "unsupported.starting_at_sign_in",
            Unsupported::WindowsRegistry => "unsupported.windows_registry",
        }
    }

    /// The English, for logs and `Display`.
    pub const fn english(self) -> &'static str {
        match self {
            Unsupported::StartingAtSignIn => "starting at sign-in",
            Unsupported::WindowsRegistry => "the Windows registry",
        }
    }
}

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.english())
    }
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

/// Refuses before anything is written when something other than a folder
/// (a file, a pipe, a link to nowhere) stands at `dir` or on the way to it,
/// naming the nearest such entry. A link to a folder is a folder.
pub(crate) fn check_folder(dir: &std::path::Path) -> Result<(), FootprintError> {
    for path in dir.ancestors() {
        let kind = match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => return Ok(()),
            Ok(meta) => tandem_files::describe(meta.file_type()),
            Err(_) => match std::fs::symlink_metadata(path) {
                // It leads nowhere, or round in a circle.
                Ok(meta) if meta.file_type().is_symlink() => tandem_files::FileKind::Symlink,
                // Not there yet: it will be made.
                _ => continue,
            },
        };
        return Err(FootprintError::NotAFolder {
            path: path.to_path_buf(),
            kind,
        });
    }
    Ok(())
}

/// Creates the folder `dir` (and those above it) for a file the desktop
/// reads; what stands in the way is named ([`check_folder`]).
pub(crate) fn create_folder(dir: &std::path::Path) -> Result<(), FootprintError> {
    std::fs::create_dir_all(dir).map_err(|source| match check_folder(dir) {
        Err(not_a_folder) => not_a_folder,
        Ok(()) => io_error("create", dir)(source),
    })
}

/// Refuses a pipe, a link or a folder where a desktop file Tandem writes
/// belongs (rather than take it for a file the person edited). Whether a
/// regular file is there.
pub(crate) fn check_regular(path: &std::path::Path) -> Result<bool, FootprintError> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() => Ok(true),
        Ok(meta) => Err(tandem_files::shared::SharedError::NotRegular {
            path: path.to_path_buf(),
            kind: tandem_files::describe(meta.file_type()),
        }
        .into()),
        Err(_) => Ok(false),
    }
}

/// Tandem's data folder, where the footprint's records live.
pub(crate) fn data(locations: &tandem_locations::Locations) -> tandem_store::OwnedDir {
    tandem_store::OwnedDir::new(locations.data_dir())
}

/// Whether the desktop file at `path` is one Tandem wrote (it carries the
/// marker). A link or another file there is not.
pub(crate) fn is_tandems(path: &std::path::Path) -> bool {
    let comment = format!("<!-- {MARKER} -->");
    matches!(tandem_files::shared::read(path), Ok(Some(text))
        if text.lines().any(|line| line.trim() == MARKER || line.trim() == comment))
}

/// The line every file Tandem writes outside its folders carries, so that
/// Tandem removes only files it wrote.
pub const MARKER: &str = "X-Tandem-Created=true";
