//! Parsed browser files, remembered by their size, modification time and
//! inode, so that re-reading a browser after one file changed parses only
//! that file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::read::{ReadOutcome, read_browser_file};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    /// An atomic replace gives the file a new inode even when size and time match.
    inode: u64,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some(Stamp {
        len: meta.len(),
        modified: meta.modified().ok(),
        inode,
    })
}

/// Stamps younger than this may not tell two writes apart.
const RACY_WINDOW: std::time::Duration = std::time::Duration::from_secs(2);

fn recently(modified: Option<SystemTime>) -> bool {
    modified.is_none_or(|modified| {
        SystemTime::now()
            .duration_since(modified)
            .is_ok_and(|age| age < RACY_WINDOW)
            // A time in the future is as untrustworthy as a recent one.
            || modified > SystemTime::now()
    })
}

#[derive(Debug)]
pub struct ParsedFiles<T> {
    entries: HashMap<PathBuf, (Stamp, T)>,
}

impl<T> Default for ParsedFiles<T> {
    fn default() -> Self {
        Self {
            entries: HashMap::new(),
        }
    }
}

impl<T: Clone> ParsedFiles<T> {
    /// The parsed file, from memory when it has not changed since it was parsed.
    pub fn get(&mut self, path: &Path, parse: impl FnOnce(ReadOutcome) -> T) -> T {
        let Some(current) = stamp(path) else {
            self.entries.remove(path);
            return parse(read_browser_file(path));
        };
        if let Some((seen, value)) = self.entries.get(path)
            && *seen == current
        {
            return value.clone();
        }
        let value = parse(read_browser_file(path));
        // A file that changed while it was read is parsed again next time. So
        // is one modified just now: file times are coarse (a few ms), so two
        // writes of the same size can share a stamp (git's "racy clean").
        if stamp(path) == Some(current) && !recently(current.modified) {
            self.entries
                .insert(path.to_path_buf(), (current, value.clone()));
        }
        value
    }

    /// Forgets files under `dir`, e.g. when a browser's folder disappears.
    pub fn forget_under(&mut self, dir: &Path) {
        self.entries.retain(|path, _| !path.starts_with(dir));
    }
}

/// A fingerprint of the files that list each browser's profiles and who is
/// signed in to them (`Local State`, `profiles.ini`, and each user data
/// folder itself, whose time changes as profiles come and go): equal
/// fingerprints mean an earlier reading still holds. `None` when a file
/// changed too recently for its time to be trusted.
pub fn sources_fingerprint(roots: &tandem_locations::UserRoots) -> Option<String> {
    use std::fmt::Write;
    let mut text = String::new();
    for spec in crate::catalogue::catalogue() {
        for dir in spec.user_data_dirs(roots) {
            let files: &[&str] = match spec.family {
                crate::catalogue::Family::Chromium => &["", "Local State"],
                crate::catalogue::Family::ChromiumSingleProfile => {
                    &["", "Local State", "Preferences"]
                }
                crate::catalogue::Family::Firefox => &["", "profiles.ini", "installs.ini"],
            };
            for file in files {
                let path = if file.is_empty() {
                    dir.clone()
                } else {
                    dir.join(file)
                };
                match stamp(&path) {
                    None => {
                        let _ = writeln!(text, "{}", path.display());
                    }
                    Some(found) => {
                        if recently(found.modified) {
                            return None;
                        }
                        let nanos = found
                            .modified
                            .and_then(|time| time.duration_since(SystemTime::UNIX_EPOCH).ok())
                            .map_or(0, |since| since.as_nanos());
                        let _ = writeln!(
                            text,
                            "{} {} {} {}",
                            path.display(),
                            found.len,
                            nanos,
                            found.inode
                        );
                    }
                }
            }
        }
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_again_only_after_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Preferences");
        let write_old = |path: &Path, text: &str| {
            std::fs::write(path, text).unwrap();
            let old = SystemTime::now() - std::time::Duration::from_secs(60);
            std::fs::File::options()
                .write(true)
                .open(path)
                .unwrap()
                .set_modified(old)
                .unwrap();
        };
        write_old(&path, "one");
        let mut cache = ParsedFiles::default();
        let mut parses = 0;
        let mut read = |cache: &mut ParsedFiles<String>| {
            cache.get(&path, |outcome| {
                parses += 1;
                match outcome {
                    ReadOutcome::Bytes(bytes) => String::from_utf8(bytes).unwrap(),
                    _ => "missing".into(),
                }
            })
        };
        assert_eq!(read(&mut cache), "one");
        assert_eq!(read(&mut cache), "one");
        // Replaced atomically, as Chromium writes.
        let temp = dir.path().join("Preferences.tmp");
        write_old(&temp, "two");
        std::fs::rename(&temp, &path).unwrap();
        assert_eq!(read(&mut cache), "two");
        std::fs::remove_file(&path).unwrap();
        assert_eq!(read(&mut cache), "missing");
        assert_eq!(parses, 3);
    }

    #[test]
    fn a_file_written_just_now_is_never_trusted_from_memory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Preferences");
        std::fs::write(&path, "fresh").unwrap();
        let mut cache = ParsedFiles::default();
        let mut parses = 0;
        for _ in 0..3 {
            cache.get(&path, |_| parses += 1);
        }
        assert_eq!(parses, 3);
    }
}
