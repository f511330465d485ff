//! The one way this crate opens browser files: read-only, without locks, and
//! with a size limit, so a browser never sees Tandem in its way.

use std::path::Path;

use tandem_i18n::Said;

/// Larger files are not browser preferences; reading them would only waste memory.
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug)]
pub enum ReadOutcome {
    Bytes(Vec<u8>),
    Missing,
    /// Why it could not be read, as the end of a sentence ("is not readable: …").
    Failed(Said),
}

/// Reads a browser file through `tandem-files`: only a regular file, opened
/// without blocking and without a lock, and at most [`MAX_FILE_BYTES`].
pub fn read_browser_file(path: &Path) -> ReadOutcome {
    match tandem_files::read_regular(path, MAX_FILE_BYTES) {
        Ok(Some(bytes)) => ReadOutcome::Bytes(bytes),
        Ok(None) => ReadOutcome::Missing,
        Err(error) => ReadOutcome::Failed(error.said()),
    }
}

/// Reads a picture a browser keeps, the same way, with a smaller limit;
/// `None` when there is none or it cannot be read.
pub fn read_picture(path: &Path, limit: u64) -> Option<Vec<u8>> {
    tandem_files::read_regular(path, limit).ok().flatten()
}
