//! The one way this crate opens browser files: read-only, without locks, and
//! with a size limit, so a browser never sees Tandem in its way.

use std::io::Read;
use std::path::Path;

/// Larger files are not browser preferences; reading them would only waste memory.
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug)]
pub enum ReadOutcome {
    Bytes(Vec<u8>),
    Missing,
    /// Why it could not be read, as the end of a sentence ("is not readable: …").
    Failed(String),
}

pub fn read_browser_file(path: &Path) -> ReadOutcome {
    // File::open opens for reading only and takes no lock (on Windows it
    // shares read, write and delete), so the browser can keep writing.
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return ReadOutcome::Missing,
        Err(error) => return ReadOutcome::Failed(format!("is not readable: {error}")),
    };
    let length = file.metadata().map(|meta| meta.len()).unwrap_or(0);
    if length > MAX_FILE_BYTES {
        return ReadOutcome::Failed(format!(
            "is too large to be a browser file ({length} bytes)"
        ));
    }
    let mut bytes = Vec::with_capacity(length as usize);
    match file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes) {
        Ok(_) if bytes.len() as u64 > MAX_FILE_BYTES => {
            ReadOutcome::Failed("is too large to be a browser file".to_owned())
        }
        Ok(_) => ReadOutcome::Bytes(bytes),
        Err(error) => ReadOutcome::Failed(format!("is not readable: {error}")),
    }
}
