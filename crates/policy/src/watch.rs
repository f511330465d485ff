//! Policy changes while Tandem runs: the policy folders are watched (through
//! their nearest existing parent, as an admin may create them at any time),
//! and policy is read again after each burst of changes, and once a second
//! in any case: the registry has no files to watch, and a missed event must
//! not leave linking on after an admin turned it off.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use tandem_locations::Locations;

use crate::PolicySet;

/// How long a burst of writes may take to settle.
pub const DEBOUNCE: Duration = Duration::from_millis(100);
/// How often policy is read again without any event.
pub const POLL: Duration = Duration::from_secs(1);

#[derive(Debug, thiserror::Error)]
pub enum PolicyWatchError {
    #[error("cannot watch the policy folders for changes: {0}")]
    Notify(#[from] notify::Error),
    #[error("cannot start the policy watcher thread: {0}")]
    Thread(#[from] std::io::Error),
}

/// Watches while it lives; dropping it stops the thread within a second.
#[derive(Debug)]
pub struct PolicyWatcher {
    stop: Arc<AtomicBool>,
}

impl Drop for PolicyWatcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn nearest_existing(path: &Path) -> Option<PathBuf> {
    path.ancestors()
        .find(|dir| dir.is_dir())
        .map(Path::to_path_buf)
}

/// The problems `now` has that `before` had not.
fn new_problems<'a>(
    before: Option<&'a PolicySet>,
    now: &'a PolicySet,
) -> impl Iterator<Item = &'a crate::Problem> {
    now.problems
        .iter()
        .filter(move |problem| before.is_none_or(|before| !before.problems.contains(problem)))
}

/// Logs each new problem: an unreadable policy file is logged once, when it
/// appears, not at every read.
fn log_new_problems(before: Option<&PolicySet>, now: &PolicySet) {
    for problem in new_problems(before, now) {
        tracing::info!(
            location = %problem.source.location,
            "policy source {}",
            problem.reason
        );
    }
}

impl PolicyWatcher {
    /// Reads policy, then calls `on_change` (on the watcher's thread) with
    /// the new policy each time it differs from the last one read.
    pub fn start(
        locations: Locations,
        mut on_change: impl FnMut(PolicySet) + Send + 'static,
    ) -> Result<(Self, PolicySet), PolicyWatchError> {
        let (sender, events) = mpsc::channel::<DebounceEventResult>();
        let mut debouncer = new_debouncer(DEBOUNCE, None, sender)?;
        let folders = PolicySet::watched_folders(&locations);
        let mut watching: BTreeSet<PathBuf> = BTreeSet::new();
        let mut rearm = move |debouncer: &mut notify_debouncer_full::Debouncer<_, _>| {
            let wanted: BTreeSet<PathBuf> =
                folders.iter().filter_map(|f| nearest_existing(f)).collect();
            for gone in watching.difference(&wanted).cloned().collect::<Vec<_>>() {
                let _ = notify_debouncer_full::Debouncer::unwatch(debouncer, &gone);
                watching.remove(&gone);
            }
            for new in wanted.difference(&watching).cloned().collect::<Vec<_>>() {
                match notify_debouncer_full::Debouncer::watch(
                    debouncer,
                    &new,
                    RecursiveMode::NonRecursive,
                ) {
                    Ok(()) => {
                        watching.insert(new);
                    }
                    Err(error) => {
                        tracing::warn!(folder = %new.display(), %error, "cannot watch a policy folder; it is polled");
                    }
                }
            }
        };
        rearm(&mut debouncer);
        let initial = PolicySet::read(&locations);
        log_new_problems(None, &initial);
        let mut last = initial.clone();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        std::thread::Builder::new()
            .name("tandem-policy-watch".into())
            .spawn(move || {
                while !stopped.load(Ordering::Relaxed) {
                    match events.recv_timeout(POLL) {
                        Ok(_) | Err(mpsc::RecvTimeoutError::Timeout) => {}
                        Err(mpsc::RecvTimeoutError::Disconnected) => break,
                    }
                    // Drain what else arrived: one read covers them all.
                    while events.try_recv().is_ok() {}
                    rearm(&mut debouncer);
                    let now = PolicySet::read(&locations);
                    if now != last {
                        tracing::info!("policy changed");
                        log_new_problems(Some(&last), &now);
                        last = now.clone();
                        on_change(now);
                    }
                }
            })?;
        Ok((Self { stop }, initial))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Publisher;
    use std::time::Instant;

    #[test]
    fn a_problem_is_new_once() {
        let root = tempfile::tempdir().unwrap();
        let locations = Locations::under(root.path());
        let folder = locations
            .system_path("/etc/tandem/policies/managed")
            .unwrap();
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("broken.json"), "{").unwrap();
        let first = PolicySet::read(&locations);
        assert_eq!(new_problems(None, &first).count(), 1);
        let again = PolicySet::read(&locations);
        assert_eq!(new_problems(Some(&first), &again).count(), 0);
        std::fs::write(folder.join("also.json"), "[").unwrap();
        let more = PolicySet::read(&locations);
        assert_eq!(new_problems(Some(&again), &more).count(), 1);
    }

    #[test]
    fn a_policy_dropped_in_and_removed_is_seen() {
        let root = tempfile::tempdir().unwrap();
        let locations = Locations::under(root.path());
        let (sender, changes) = mpsc::channel();
        let (_watcher, initial) = PolicyWatcher::start(locations.clone(), move |set| {
            let _ = sender.send(set);
        })
        .unwrap();
        assert!(initial.linking(Publisher::Tandem).allowed());

        // The folder does not exist yet: the admin creates it.
        let folder = locations
            .system_path("/etc/tandem/policies/managed")
            .unwrap();
        std::fs::create_dir_all(&folder).unwrap();
        let started = Instant::now();
        std::fs::write(folder.join("linking.json"), r#"{"LinkingEnabled": false}"#).unwrap();
        let off = loop {
            let set = changes.recv_timeout(Duration::from_secs(10)).unwrap();
            if !set.linking(Publisher::Tandem).allowed() {
                break set;
            }
        };
        assert!(
            off.linking(Publisher::Tandem)
                .reason()
                .unwrap()
                .to_string()
                .contains("linking.json")
        );
        eprintln!("policy off seen after {:?}", started.elapsed());

        std::fs::remove_file(folder.join("linking.json")).unwrap();
        let on = changes.recv_timeout(Duration::from_secs(10)).unwrap();
        assert!(on.linking(Publisher::Tandem).allowed());
    }
}
