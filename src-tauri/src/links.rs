//! Keeps the app's links in step with the machine: reconciles them whenever
//! the profiles, the policy or the state files change, tells the switcher
//! and the tray, and notifies the user when a link is removed for them.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use tandem_linking::{
    HistoryEntry, HistoryEvent, Link, LinkBook, LinkRequest, Observation, ProfileRef, Status,
    UnlinkReason,
};
use tandem_policy::watch::PolicyWatcher;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::AppState;
use crate::error::CommandError;
use crate::windows::WindowId;

/// The event the switcher listens to for link changes.
pub const LINKS_CHANGED: &str = "links-changed";

/// How often the app checks whether another process (the CLI) changed the
/// links. Two small `stat`s: cheap enough to do often.
const STATE_POLL: Duration = Duration::from_secs(1);
/// How often the linked work accounts are checked with the identity provider.
const ACCOUNT_CHECK: Duration = Duration::from_secs(60 * 60);

/// Reconciles the links with what the app last saw and tells everyone.
pub fn reconcile<R: Runtime>(app: &AppHandle<R>) -> Result<Status, CommandError> {
    let state = app.state::<AppState>();
    let locations = state.locations.as_ref().map_err(CommandError::from)?;
    if state.is_removing() {
        return Err(CommandError::removing());
    }
    if !state.profiles_read() {
        // Nothing is known yet; the first reading reconciles.
        return Ok(state.links());
    }
    let result = LinkBook::new(locations).reconcile(&observation(&state).world())?;
    for removal in &result.changes.removed {
        let Some(entry) = &removal.entry else {
            continue;
        };
        let title = match entry.event {
            HistoryEvent::UnlinkedByPolicy => "Your organization turned account linking off",
            HistoryEvent::AccountGone => "The work account of a link is gone",
            _ => "A link was removed",
        };
        notify(
            app,
            title,
            &format!("{} was unlinked: {}.", entry.work, entry.reason),
        );
    }
    for entry in &result.changes.history {
        if entry.event == HistoryEvent::WorkAccountUnavailable {
            notify(
                app,
                "A work account is unavailable",
                &format!(
                    "{}: {}. The link stays; you can still unlink it.",
                    entry.work, entry.reason
                ),
            );
        }
    }
    publish(app, &result.status);
    Ok(result.status)
}

/// What reconciliation and link requests look at, as the app last saw it.
pub fn observation(state: &AppState) -> Observation {
    Observation {
        profiles: state.profiles(),
        policy: state.policy(),
        sign_ins: state.sign_ins(),
    }
}

/// Links `work` to the personal account of `personal_profile` (the
/// switcher's link button and the tray's switch).
pub fn link_with_profile<R: Runtime>(
    app: &AppHandle<R>,
    work: ProfileRef,
    personal_profile: ProfileRef,
) -> Result<Link, CommandError> {
    let state = app.state::<AppState>();
    let book = LinkBook::new(state.locations.as_ref().map_err(CommandError::from)?);
    let observed = observation(&state);
    let world = observed.world();
    let personal = LinkBook::personal_account_of(&world, &personal_profile)?;
    let link = book.link(
        &world,
        &LinkRequest {
            work,
            personal_profile: Some(personal_profile),
            work_account_key: None,
        },
        personal,
    )?;
    reconcile(app)?;
    Ok(link)
}

/// Removes the link of `work` at the user's request.
pub fn unlink<R: Runtime>(
    app: &AppHandle<R>,
    work: ProfileRef,
    why: UnlinkReason,
) -> Result<Option<HistoryEntry>, CommandError> {
    let state = app.state::<AppState>();
    let observed = observation(&state);
    let unlinked = LinkBook::new(state.locations.as_ref().map_err(CommandError::from)?).unlink(
        &observed.world(),
        Some(&work),
        why,
    )?;
    reconcile(app)?;
    Ok(unlinked.entry)
}

/// Stores the status and shows it in the switcher and the tray.
pub fn publish<R: Runtime>(app: &AppHandle<R>, status: &Status) {
    app.state::<AppState>().set_links(status.clone());
    if let Err(error) = app.emit_to(WindowId::Switcher.label(), LINKS_CHANGED, status) {
        tracing::debug!("cannot tell the switcher about a link change: {error}");
    }
    crate::tray::refresh(app);
}

/// A desktop notification; where none can be shown, the log keeps it.
fn notify<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) {
    tracing::info!("{title}");
    tracing::debug!("{body}");
    let Some(notifications) = app.try_state::<tauri_plugin_notification::Notification<R>>() else {
        return;
    };
    if let Err(error) = notifications.builder().title(title).body(body).show() {
        tracing::warn!("cannot show a notification: {error}");
    }
}

/// Watches policy; each change reconciles at once, so a policy that turns
/// linking off unlinks within the watcher's debounce (or its poll, one
/// second, at worst).
pub fn watch_policy<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let Ok(locations) = &state.locations else {
        return;
    };
    let handle = app.clone();
    match PolicyWatcher::start(locations.clone(), move |policy| {
        handle.state::<AppState>().set_policy(policy);
        if let Err(error) = reconcile(&handle) {
            tracing::error!("{error}");
        }
    }) {
        Ok((watcher, policy)) => {
            state.set_policy(policy);
            state.keep_policy_watcher(watcher);
        }
        Err(error) => {
            tracing::error!("{error}");
            state.set_policy(tandem_policy::PolicySet::read(locations));
        }
    }
}

fn stamps(files: &[PathBuf]) -> Vec<Option<(SystemTime, u64)>> {
    files
        .iter()
        .map(|file| {
            std::fs::metadata(file)
                .ok()
                .and_then(|m| Some((m.modified().ok()?, m.len())))
        })
        .collect()
}

/// Notices when another Tandem process (the CLI) changes the links, and
/// checks the linked work accounts now and then.
pub fn watch_state<R: Runtime>(app: &AppHandle<R>) {
    let Ok(locations) = app.state::<AppState>().locations.as_ref().cloned() else {
        return;
    };
    let handle = app.clone();
    let spawned = std::thread::Builder::new()
        .name("tandem-link-state".into())
        .spawn(move || {
            let book = LinkBook::new(&locations);
            let files = book.state_files();
            let mut last = stamps(&files);
            let mut next_check = std::time::Instant::now() + Duration::from_secs(5);
            loop {
                std::thread::sleep(STATE_POLL);
                if handle.state::<AppState>().is_removing() {
                    continue;
                }
                let now = stamps(&files);
                let mut changed = now != last;
                if std::time::Instant::now() >= next_check {
                    next_check = std::time::Instant::now() + ACCOUNT_CHECK;
                    changed |= check_accounts(&handle, &locations);
                }
                if changed {
                    if let Err(error) = reconcile(&handle) {
                        tracing::error!("{error}");
                    }
                    last = stamps(&files);
                }
            }
        });
    if let Err(error) = spawned {
        tracing::error!("cannot watch the link state: {error}");
    }
}

fn check_accounts<R: Runtime>(app: &AppHandle<R>, locations: &tandem_locations::Locations) -> bool {
    match tandem_linking::accounts::check_linked_work_accounts(locations) {
        Ok(results) => {
            let state = app.state::<AppState>();
            let changed = results != state.sign_ins();
            state.set_sign_ins(results);
            changed
        }
        Err(error) => {
            tracing::warn!("cannot check the linked work accounts: {error}");
            false
        }
    }
}

/// The sign-in results of the last account check, by work account key.
pub type SignIns = BTreeMap<String, tandem_linking::WorkSignIn>;
