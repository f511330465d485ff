//! What every part of the shell shares: where Tandem's files are, the core's
//! watcher, and the latest update it gave. This module imports no other of
//! the shell's; the others import it.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};

use tandem_api::watch::{LinkWatcher, Update};
use tandem_api::{Cancel, Error, Tandem};
use tandem_linking::Status;
use tandem_locations::{LocationError, Locations};
use tandem_profiles::Snapshot;

/// Who confirms irreversible actions: the person, through a native dialog;
/// or, in tests on Tauri's mock runtime (which shows no dialog), a fixed
/// answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmer {
    NativeDialog,
    Answer(bool),
}

#[derive(Debug)]
pub struct AppState {
    /// A broken environment (no `HOME`, a relative `TANDEM_SYSTEM_ROOT`) does
    /// not stop the app: the window explains the problem instead.
    locations: Result<Locations, LocationError>,
    /// Started with the app; absent in tests on the mock runtime, where each
    /// command reads the machine afresh.
    watcher: Mutex<Option<LinkWatcher>>,
    /// The latest update from the watcher: what the window and tray show.
    latest: Mutex<Option<Update>>,
    /// The sign-in under way, if one is, to cancel it.
    sign_in: Mutex<Option<Cancel>>,
    /// Links waiting for the person to choose a profile in the picker, in
    /// the order they were clicked.
    waiting_links: Mutex<VecDeque<String>>,
    /// The first-run wizard under way, if one is.
    onboarding: Mutex<tandem_api::onboarding::Onboarding>,
    /// What each entry of the app's own tray menu does (macOS, Windows).
    tray_actions: Mutex<Vec<Option<tandem_api::tray::TrayAction>>>,
    /// "Remove all Tandem data" was done: the process is quitting.
    removed: std::sync::atomic::AtomicBool,
    /// Tells the uninstaller this app runs, while it does; `None` before
    /// it starts and once it removed all of Tandem's data.
    running: Mutex<Option<tandem_api::setup::Announced>>,
    pub confirmer: Confirmer,
}

/// More links than this waiting means something is sending links in a
/// loop; the oldest are dropped.
const MAX_WAITING_LINKS: usize = 20;

/// A poisoned lock still holds the last value written; it is never
/// replaced by a default, which could read as "linking allowed".
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl AppState {
    pub fn new(locations: Result<Locations, LocationError>) -> Self {
        Self {
            locations,
            watcher: Mutex::new(None),
            latest: Mutex::new(None),
            sign_in: Mutex::new(None),
            waiting_links: Mutex::new(VecDeque::new()),
            tray_actions: Mutex::new(Vec::new()),
            onboarding: Mutex::new(tandem_api::onboarding::Onboarding::new()),
            removed: std::sync::atomic::AtomicBool::new(false),
            running: Mutex::new(None),
            confirmer: Confirmer::NativeDialog,
        }
    }

    pub fn locations(&self) -> Result<&Locations, Error> {
        self.locations.as_ref().map_err(Error::from)
    }

    /// Says, until the process ends or [`AppState::stop_announcing`], that
    /// the app runs for these folders. [`AppState::renew_running`] keeps
    /// saying it.
    pub fn announce_running(&self) {
        if let Ok(locations) = self.locations() {
            *lock(&self.running) = Some(tandem_api::setup::announce_running(
                locations,
                tandem_api::setup::Program::App,
            ));
        }
    }

    /// Makes the app's presence again if its file went (a cleaner may
    /// remove it), or if it could not be made before.
    pub fn renew_running(&self) {
        if let (Ok(locations), Some(running)) = (self.locations(), &mut *lock(&self.running)) {
            running.keep(locations);
        }
    }

    /// The app is about to remove all of Tandem's data, its own presence
    /// file with it, which must not be made again.
    pub fn stop_announcing(&self) {
        *lock(&self.running) = None;
    }

    pub fn keep_watcher(&self, watcher: LinkWatcher) {
        *lock(&self.watcher) = Some(watcher);
    }

    pub fn set_latest(&self, update: &Update) {
        *lock(&self.latest) = Some(update.clone());
    }

    /// All of Tandem's data was removed: on exit, what the web view wrote
    /// while shutting down goes too.
    pub fn removed_everything(&self) {
        self.removed
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn was_removed(&self) -> bool {
        self.removed.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The language Tandem speaks: the person's choice, else the OS locale's.
    pub fn language(&self) -> tandem_i18n::Language {
        self.locations()
            .map(tandem_api::settings::language)
            .unwrap_or_else(|_| tandem_i18n::Language::from_environment())
    }

    pub fn latest(&self) -> Option<Update> {
        lock(&self.latest).clone()
    }

    /// The core's handle, reconciled: on what the watcher observes, or on
    /// the machine read afresh when there is no watcher.
    pub fn open(&self) -> Result<Tandem, Error> {
        match &*lock(&self.watcher) {
            Some(watcher) => watcher.open(),
            None => Tandem::open(self.locations()?),
        }
    }

    /// Reconciles and tells every part of the shell (through the watcher's
    /// listener); the status for a command to return.
    pub fn refresh(&self) -> Result<Status, Error> {
        match &*lock(&self.watcher) {
            Some(watcher) => Ok(watcher.refresh()?.status),
            None => Ok(Tandem::open(self.locations()?)?.status().clone()),
        }
    }

    /// The browser profiles as last read.
    pub fn profiles(&self) -> Result<Snapshot, Error> {
        let locations = self.locations()?;
        Ok(match self.latest() {
            Some(update) => update.profiles,
            None => tandem_api::profiles::discover(locations),
        })
    }

    /// Stops every background write, while Tandem removes its own data.
    pub fn pause(&self) {
        if let Some(watcher) = &*lock(&self.watcher) {
            watcher.pause();
        }
    }

    /// Lets background work write again after a removal that failed.
    pub fn resume(&self) {
        if let Some(watcher) = &*lock(&self.watcher) {
            watcher.resume();
        }
    }

    /// Starts a cancellable sign-in; an earlier one still under way is
    /// cancelled, as the person started another.
    pub fn begin_sign_in(&self) -> Cancel {
        let cancel = Cancel::new();
        if let Some(earlier) = lock(&self.sign_in).replace(cancel.clone()) {
            earlier.cancel();
        }
        cancel
    }

    pub fn end_sign_in(&self) {
        *lock(&self.sign_in) = None;
    }

    /// Runs `action` on the wizard under way (one at a time).
    pub fn with_onboarding<T>(
        &self,
        action: impl FnOnce(&mut tandem_api::onboarding::Onboarding) -> T,
    ) -> T {
        action(&mut lock(&self.onboarding))
    }

    pub fn set_tray_actions(&self, actions: Vec<Option<tandem_api::tray::TrayAction>>) {
        *lock(&self.tray_actions) = actions;
    }

    /// What the tray menu's entry `index` does.
    pub fn tray_action(&self, index: usize) -> Option<tandem_api::tray::TrayAction> {
        lock(&self.tray_actions).get(index).cloned().flatten()
    }

    /// Queues a link for the picker; whether it is the first waiting.
    pub fn wait_for_pick(&self, url: String) -> bool {
        let mut waiting = lock(&self.waiting_links);
        if waiting.back() == Some(&url) {
            // A double click.
            return false;
        }
        while waiting.len() >= MAX_WAITING_LINKS {
            waiting.pop_front();
        }
        waiting.push_back(url);
        waiting.len() == 1
    }

    /// The link the picker shows now.
    pub fn waiting_link(&self) -> Option<String> {
        lock(&self.waiting_links).front().cloned()
    }

    /// Done with the link the picker showed; whether more are waiting.
    pub fn done_with_link(&self, url: &str) -> bool {
        let mut waiting = lock(&self.waiting_links);
        if waiting.front().is_some_and(|front| front == url) {
            waiting.pop_front();
        }
        !waiting.is_empty()
    }

    /// Cancels the sign-in under way, if any; says whether there was one.
    pub fn cancel_sign_in(&self) -> bool {
        match lock(&self.sign_in).take() {
            Some(cancel) => {
                cancel.cancel();
                true
            }
            None => false,
        }
    }
}
