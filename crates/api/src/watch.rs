//! Keeping a long-running front end (the app) in step with the machine: one
//! watcher for everything that can change a link.
//!
//! - the browser profiles (a deleted work profile, a sign-out),
//! - the admin's policy (a policy that turns linking off),
//! - Tandem's own data folder (another process, the CLI, changed the links),
//! - the identity provider, asked every hour whether the linked work
//!   accounts still exist.
//!
//! Each change reconciles the links and hands the front end an [`Update`];
//! the window, the tray and the notifications all listen to the same one.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use tandem_linking::toggle::ToggleView;
use tandem_linking::{HistoryEntry, HistoryEvent, Observation, Status};
use tandem_locations::Locations;
use tandem_policy::watch::PolicyWatcher;
use tandem_profiles::watch::{DEFAULT_DEBOUNCE, ProfileWatcher};
use tandem_profiles::{Change, Snapshot};

use crate::{Error, Tandem};

/// When the linked work accounts are first checked with the provider, and
/// how often after that.
const FIRST_ACCOUNT_CHECK: Duration = Duration::from_secs(5);
const ACCOUNT_CHECK: Duration = Duration::from_secs(60 * 60);

/// What changed, as every part of a front end needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub status: Status,
    pub profiles: Snapshot,
    /// The profile change that caused this update, if one did.
    pub profile_change: Option<Change>,
    /// Links removed for the person (by policy, or their account gone):
    /// worth telling them.
    pub removed: Vec<HistoryEntry>,
    /// Links whose work account became unavailable (they stay).
    pub unavailable: Vec<HistoryEntry>,
    /// What the tray's "Account linking" switch shows.
    pub toggle: ToggleView,
}

type Listener = Box<dyn Fn(&Update) + Send + Sync>;

struct Shared {
    locations: Locations,
    observation: Mutex<Observation>,
    latest: Mutex<Option<Update>>,
    /// Set once both the profiles and the policy were read: before, a
    /// link's work profile would look deleted.
    ready: AtomicBool,
    /// Set while Tandem removes its own data: nothing may write.
    paused: AtomicBool,
    stopped: AtomicBool,
    /// One reconciliation at a time, in order.
    reconciling: Mutex<()>,
    listener: Listener,
}

/// A poisoned lock still holds the last value written; it is never
/// replaced by a default (which could read as "linking allowed").
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// Reconciles and tells the listener. `always` tells it even when
    /// nothing changed (a command just ran and its window waits to hear).
    fn reconcile(&self, profile_change: Option<Change>, always: bool) -> Result<Update, Error> {
        if !self.ready.load(Ordering::SeqCst) {
            return Err(Error::NotReady);
        }
        if self.paused.load(Ordering::SeqCst) {
            return Err(Error::RemoveFailed {
                detail: "Tandem is removing all its data and quitting".into(),
            });
        }
        let _one_at_a_time = lock(&self.reconciling);
        let observation = lock(&self.observation).clone();
        let tandem = Tandem::open_with(&self.locations, observation)?;
        let reconciled = tandem.reconciliation();
        let removed = reconciled
            .changes
            .removed
            .iter()
            .filter_map(|removal| removal.entry.clone())
            .collect();
        let unavailable = reconciled
            .changes
            .history
            .iter()
            .filter(|entry| entry.event == HistoryEvent::WorkAccountUnavailable)
            .cloned()
            .collect();
        let update = Update {
            status: tandem.status().clone(),
            profiles: tandem.profiles().clone(),
            profile_change,
            removed,
            unavailable,
            toggle: tandem.toggle_view(),
        };
        let mut latest = lock(&self.latest);
        let same = latest
            .as_ref()
            .is_some_and(|last| last.status == update.status && last.profiles == update.profiles);
        *latest = Some(update.clone());
        drop(latest);
        if always || !same || update.profile_change.is_some() {
            (self.listener)(&update);
        }
        Ok(update)
    }

    fn reconcile_quietly(&self, profile_change: Option<Change>) {
        match self.reconcile(profile_change, false) {
            Ok(_) | Err(Error::NotReady) => {}
            Err(error) if self.paused.load(Ordering::SeqCst) => {
                tracing::debug!("not reconciling while removing: {error}");
            }
            Err(error) => tracing::error!("cannot bring the links up to date: {error}"),
        }
    }
}

/// Watches while it lives; dropping it stops every watch.
pub struct LinkWatcher {
    shared: Arc<Shared>,
    _profiles: Option<ProfileWatcher>,
    _policy: Option<PolicyWatcher>,
    _data: Option<
        notify_debouncer_full::Debouncer<
            notify::RecommendedWatcher,
            notify_debouncer_full::RecommendedCache,
        >,
    >,
}

impl std::fmt::Debug for LinkWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkWatcher").finish_non_exhaustive()
    }
}

impl Drop for LinkWatcher {
    fn drop(&mut self) {
        self.shared.stopped.store(true, Ordering::SeqCst);
    }
}

impl LinkWatcher {
    /// Reads the profiles and the policy, reconciles, and from then on calls
    /// `listener` (on a watcher's thread) after each change. Returns with the
    /// first update, which the listener has been given too.
    pub fn start(
        locations: &Locations,
        listener: impl Fn(&Update) + Send + Sync + 'static,
    ) -> Result<(Self, Update), Error> {
        let shared = Arc::new(Shared {
            locations: locations.clone(),
            observation: Mutex::new(Observation::default()),
            latest: Mutex::new(None),
            ready: AtomicBool::new(false),
            paused: AtomicBool::new(false),
            stopped: AtomicBool::new(false),
            reconciling: Mutex::new(()),
            listener: Box::new(listener),
        });

        let on_policy = Arc::clone(&shared);
        let policy = match PolicyWatcher::start(locations.clone(), move |policy| {
            lock(&on_policy.observation).policy = policy;
            on_policy.reconcile_quietly(None);
        }) {
            Ok((watcher, policy)) => {
                lock(&shared.observation).policy = policy;
                Some(watcher)
            }
            Err(error) => {
                // Without live policy, it is still right once.
                tracing::error!("{error}");
                lock(&shared.observation).policy = tandem_policy::PolicySet::read(locations);
                None
            }
        };

        let on_profiles = Arc::clone(&shared);
        let profiles = match ProfileWatcher::start(
            locations.user_roots().clone(),
            DEFAULT_DEBOUNCE,
            move |event| {
                lock(&on_profiles.observation).profiles = event.snapshot;
                on_profiles.reconcile_quietly(Some(event.change));
            },
        ) {
            Ok(watcher) => {
                lock(&shared.observation).profiles = watcher.initial_snapshot().clone();
                Some(watcher)
            }
            Err(error) => {
                tracing::error!("{error}");
                lock(&shared.observation).profiles =
                    tandem_profiles::discover(locations.user_roots());
                None
            }
        };

        let data = watch_data_folder(&shared);
        spawn_account_checks(&shared);

        shared.ready.store(true, Ordering::SeqCst);
        let first = shared.reconcile(None, true)?;
        Ok((
            Self {
                shared,
                _profiles: profiles,
                _policy: policy,
                _data: data,
            },
            first,
        ))
    }

    /// What the watcher observes now: a front end opens a [`Tandem`] on it.
    pub fn observation(&self) -> Observation {
        lock(&self.shared.observation).clone()
    }

    /// The last update, if the first reading is done.
    pub fn latest(&self) -> Option<Update> {
        lock(&self.shared.latest).clone()
    }

    /// A [`Tandem`] on what the watcher observes now.
    pub fn open(&self) -> Result<Tandem, Error> {
        if self.shared.paused.load(Ordering::SeqCst) {
            return Err(Error::RemoveFailed {
                detail: "Tandem is removing all its data and quitting".into(),
            });
        }
        Tandem::open_with(&self.shared.locations, self.observation())
    }

    /// Reconciles now and tells the listener, changed or not: after a
    /// command, so every part of the front end shows its result.
    pub fn refresh(&self) -> Result<Update, Error> {
        self.shared.reconcile(None, true)
    }

    /// Stops every write, for good or until [`LinkWatcher::resume`]:
    /// while Tandem removes its own data.
    pub fn pause(&self) {
        self.shared.paused.store(true, Ordering::SeqCst);
        // Wait for a reconciliation under way to finish.
        drop(lock(&self.shared.reconciling));
    }

    pub fn resume(&self) {
        self.shared.paused.store(false, Ordering::SeqCst);
    }
}

/// Another process (the CLI) changing the links shows as a change of a
/// state file in the data folder.
fn watch_data_folder(
    shared: &Arc<Shared>,
) -> Option<
    notify_debouncer_full::Debouncer<
        notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
> {
    let dir = shared.locations.data_dir().to_path_buf();
    if let Err(error) = create_private_dir(&dir) {
        tracing::warn!(folder = %dir.display(), %error, "cannot create the data folder to watch it");
        return None;
    }
    let on_change = Arc::clone(shared);
    let mut debouncer = match new_debouncer(
        DEFAULT_DEBOUNCE,
        None,
        move |result: DebounceEventResult| {
            let Ok(events) = result else { return };
            let states_changed = events.iter().any(|event| {
                !event.kind.is_access()
                    && event.paths.iter().any(|path| {
                        path.file_name()
                            .and_then(|name| name.to_str())
                            .is_some_and(|name| name.ends_with(".json"))
                    })
            });
            if states_changed && !on_change.stopped.load(Ordering::SeqCst) {
                on_change.reconcile_quietly(None);
            }
        },
    ) {
        Ok(debouncer) => debouncer,
        Err(error) => {
            tracing::warn!(%error, "cannot watch the data folder; changes by other processes show at the next event");
            return None;
        }
    };
    if let Err(error) = debouncer.watch(&dir, RecursiveMode::Recursive) {
        tracing::warn!(folder = %dir.display(), %error, "cannot watch the data folder");
        return None;
    }
    Some(debouncer)
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Asks the identity provider about the linked work accounts soon after
/// the start, then every hour.
fn spawn_account_checks(shared: &Arc<Shared>) {
    let checking = Arc::clone(shared);
    let spawned = std::thread::Builder::new()
        .name("tandem-account-check".into())
        .spawn(move || {
            let mut next = Instant::now() + FIRST_ACCOUNT_CHECK;
            while !checking.stopped.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(250));
                if Instant::now() < next || checking.paused.load(Ordering::SeqCst) {
                    continue;
                }
                next = Instant::now() + ACCOUNT_CHECK;
                match tandem_linking::accounts::check_linked_work_accounts(&checking.locations) {
                    Ok(answers) => {
                        let mut observation = lock(&checking.observation);
                        if observation.sign_ins == answers {
                            continue;
                        }
                        observation.sign_ins = answers;
                        drop(observation);
                        checking.reconcile_quietly(None);
                    }
                    Err(error) => tracing::warn!("cannot check the linked work accounts: {error}"),
                }
            }
        });
    if let Err(error) = spawned {
        tracing::error!("cannot start the account checks: {error}");
    }
}
