//! Live discovery: the browsers' folders are watched (debounced), and each
//! change becomes a typed [`ProfileEvent`] carrying the new snapshot.
//!
//! Watches are not recursive, because a profile folder holds thousands of
//! files Tandem does not care about. Watched are: each existing user data
//! folder (where `Local State` is replaced by an atomic rename), each profile
//! folder in it (its `Preferences`), and for a browser that is not installed,
//! the nearest existing parent of its folder, so that installing it is seen.
//! After each batch of events only the browsers they touch are re-read, and
//! the watches are brought up to date.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use serde::Serialize;
use tandem_locations::UserRoots;

use crate::catalogue::{BrowserId, Family};
use crate::discovery::{Change, Discovery};
use crate::model::Snapshot;

/// How long the watcher waits for a burst of writes to settle.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(100);

/// Files whose change can change what Tandem shows.
const RELEVANT_FILES: [&str; 4] = ["Local State", "Preferences", "profiles.ini", "installs.ini"];

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProfileEvent {
    #[serde(flatten)]
    pub change: Change,
    /// Every profile after the change.
    pub snapshot: Snapshot,
}

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("cannot watch the browsers' folders for changes: {0}")]
    Notify(#[from] notify::Error),
    #[error("cannot start the profile watcher thread: {0}")]
    Thread(#[from] std::io::Error),
}

type SharedDebouncer = Arc<Mutex<Debouncer<notify::RecommendedWatcher, RecommendedCache>>>;

/// Watches while it lives; dropping it stops the watching thread.
pub struct ProfileWatcher {
    _debouncer: SharedDebouncer,
    initial: Snapshot,
}

impl std::fmt::Debug for ProfileWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileWatcher").finish_non_exhaustive()
    }
}

impl ProfileWatcher {
    /// Reads every browser, starts watching, and calls `on_event` (on the
    /// watcher's own thread) for each change from then on.
    pub fn start(
        roots: UserRoots,
        debounce: Duration,
        on_event: impl FnMut(ProfileEvent) + Send + 'static,
    ) -> Result<Self, WatchError> {
        let (sender, receiver) = mpsc::channel::<DebounceEventResult>();
        let debouncer = Arc::new(Mutex::new(new_debouncer(debounce, None, sender)?));
        let discovery = Discovery::new(roots);
        let initial = discovery.snapshot();
        let mut watching = BTreeSet::new();
        reconcile_watches(&debouncer, &discovery, &mut watching);
        let weak = Arc::downgrade(&debouncer);
        std::thread::Builder::new()
            .name("tandem-profile-watch".into())
            .spawn(move || run(receiver, weak, discovery, watching, on_event))?;
        Ok(Self {
            _debouncer: debouncer,
            initial,
        })
    }

    /// The snapshot read when watching started.
    pub fn initial_snapshot(&self) -> &Snapshot {
        &self.initial
    }
}

fn run(
    receiver: mpsc::Receiver<DebounceEventResult>,
    debouncer: Weak<Mutex<Debouncer<notify::RecommendedWatcher, RecommendedCache>>>,
    mut discovery: Discovery,
    mut watching: BTreeSet<PathBuf>,
    mut on_event: impl FnMut(ProfileEvent),
) {
    // Ends when the debouncer, and with it the channel's sender, is dropped.
    while let Ok(batch) = receiver.recv() {
        let paths: Vec<PathBuf> = match batch {
            Ok(events) => events
                .into_iter()
                .flat_map(|event| event.event.paths)
                .collect(),
            Err(errors) => {
                for error in errors {
                    tracing::warn!("profile watcher: {error}");
                }
                // The events behind an error are lost: read everything again.
                Vec::new()
            }
        };
        let browsers = if paths.is_empty() {
            BrowserId::ALL.into_iter().collect()
        } else {
            affected_browsers(discovery.roots(), &paths)
        };
        let mut changes = Vec::new();
        for browser in &browsers {
            changes.extend(discovery.rescan(*browser));
        }
        let Some(debouncer) = debouncer.upgrade() else {
            return;
        };
        reconcile_watches(&debouncer, &discovery, &mut watching);
        drop(debouncer);
        if changes.is_empty() {
            continue;
        }
        let snapshot = discovery.snapshot();
        for change in changes {
            tracing::debug!(?change, "profiles changed");
            on_event(ProfileEvent {
                change,
                snapshot: snapshot.clone(),
            });
        }
    }
}

/// The browsers whose files an event under `paths` may have changed.
fn affected_browsers(roots: &UserRoots, paths: &[PathBuf]) -> BTreeSet<BrowserId> {
    let mut browsers = BTreeSet::new();
    for browser in BrowserId::ALL {
        let dirs = browser.spec().user_data_dirs(roots);
        let touched = paths.iter().any(|path| {
            dirs.iter().any(|dir| {
                // The folder itself or a parent of it appeared or went away.
                dir.starts_with(path)
                    // Something directly in the folder: Local State, a profile folder.
                    || path.parent() == Some(dir.as_path())
                    // A file that matters inside a profile folder.
                    || (path.starts_with(dir) && is_relevant_file(path))
            })
        });
        if touched {
            browsers.insert(browser);
        }
    }
    browsers
}

fn is_relevant_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| RELEVANT_FILES.contains(&name))
}

/// The folders that must be watched for the current reading.
fn wanted_watches(discovery: &Discovery) -> BTreeSet<PathBuf> {
    let roots = discovery.roots();
    let mut wanted = BTreeSet::new();
    for browser in BrowserId::ALL {
        let spec = browser.spec();
        for dir in spec.user_data_dirs(roots) {
            if dir.is_dir() {
                if spec.family == Family::Chromium {
                    wanted.extend(
                        discovery
                            .profiles_of(browser)
                            .iter()
                            .filter(|profile| profile.user_data_dir == dir)
                            .map(|profile| dir.join(&profile.profile_dir))
                            .filter(|path| path.is_dir()),
                    );
                }
                wanted.insert(dir);
            } else if let Some(parent) = nearest_existing_parent(&dir, &roots.home) {
                wanted.insert(parent);
            }
        }
    }
    wanted
}

/// The closest existing folder above `dir`, not above `home`.
fn nearest_existing_parent(dir: &Path, home: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .skip(1)
        .take_while(|ancestor| ancestor.starts_with(home))
        .find(|ancestor| ancestor.is_dir())
        .map(Path::to_path_buf)
}

fn reconcile_watches(
    debouncer: &SharedDebouncer,
    discovery: &Discovery,
    watching: &mut BTreeSet<PathBuf>,
) {
    let wanted = wanted_watches(discovery);
    let Ok(mut debouncer) = debouncer.lock() else {
        return;
    };
    for gone in watching.difference(&wanted) {
        // The kernel drops the watch of a deleted folder by itself.
        let _ = debouncer.unwatch(gone);
    }
    for path in wanted.difference(watching) {
        if let Err(error) = debouncer.watch(path, RecursiveMode::NonRecursive) {
            tracing::debug!(path = %path.display(), "cannot watch: {error}");
        }
    }
    *watching = wanted;
}

#[cfg(test)]
mod tests {
    use super::*;
    use tandem_locations::Platform;

    #[test]
    fn events_map_to_the_browsers_they_touch() {
        let roots = UserRoots::conventional(Platform::Linux, Path::new("/h"));
        let affected = |path: &str| affected_browsers(&roots, &[PathBuf::from(path)]);
        assert_eq!(
            affected("/h/.config/google-chrome/Local State"),
            [BrowserId::Chrome].into()
        );
        assert_eq!(
            affected("/h/.config/microsoft-edge/Profile 1/Preferences"),
            [BrowserId::Edge].into()
        );
        assert!(affected("/h/.config/microsoft-edge/Profile 1/History-journal").is_empty());
        assert!(affected("/h/.bash_history").is_empty());
        // ~/.config appearing could install any browser that lives there.
        assert!(affected("/h/.config").contains(&BrowserId::Vivaldi));
        assert_eq!(
            affected("/h/.mozilla/firefox/profiles.ini"),
            [BrowserId::Firefox].into()
        );
    }

    #[test]
    fn parents_stop_at_home() {
        let home = tempfile::tempdir().unwrap();
        let config = home.path().join(".config");
        std::fs::create_dir(&config).unwrap();
        assert_eq!(
            nearest_existing_parent(&config.join("google-chrome"), home.path()),
            Some(config)
        );
        assert_eq!(
            nearest_existing_parent(&home.path().join(".var/app/x/config/y"), home.path()),
            Some(home.path().to_path_buf())
        );
        assert_eq!(
            nearest_existing_parent(Path::new("/elsewhere/x"), home.path()),
            None
        );
    }
}
