//! IPC commands. Each one translates types and calls the core; nothing more.

use std::path::PathBuf;

use serde::Serialize;
use tandem_locations::Locations;
use tandem_profiles::launch::LaunchError;
use tandem_profiles::{BrowserId, Snapshot};
use ts_rs::TS;

use tandem_linking::{HistoryEntry, Link, LinkBook, LinkRequest, ProfileRef, Status, UnlinkReason};
use tauri::{AppHandle, Manager, Runtime};

use crate::AppState;
use crate::error::CommandError;

/// What the switcher shows about Tandem itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub locations: Locations,
}

#[tauri::command]
pub fn app_info(state: tauri::State<'_, AppState>) -> Result<AppInfo, CommandError> {
    let locations = state.locations.as_ref().map_err(CommandError::from)?;
    Ok(AppInfo {
        name: "Tandem".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        locations: locations.clone(),
    })
}

/// Every browser profile Tandem knows, as of the last change it saw.
#[tauri::command]
pub fn list_profiles(state: tauri::State<'_, AppState>) -> Result<Snapshot, CommandError> {
    state.locations.as_ref().map_err(CommandError::from)?;
    Ok(state.profiles())
}

/// Opens a browser in one of its profiles. The profile is looked up in what
/// Tandem read itself, never taken from the caller, so the window can only
/// open profiles that exist.
#[tauri::command]
pub fn open_profile(
    state: tauri::State<'_, AppState>,
    browser: BrowserId,
    user_data_dir: PathBuf,
    profile_dir: String,
) -> Result<(), CommandError> {
    let locations = state.locations.as_ref().map_err(CommandError::from)?;
    let snapshot = state.profiles();
    let profile = snapshot
        .profiles
        .iter()
        .find(|profile| {
            profile.browser == browser
                && profile.user_data_dir == user_data_dir
                && profile.profile_dir == profile_dir
        })
        .ok_or_else(|| LaunchError::ProfileMissing {
            browser,
            name: profile_dir.clone(),
            folder: user_data_dir.join(&profile_dir),
        })?;
    tandem_profiles::launch::launch(profile, locations, None)?;
    Ok(())
}

fn locations<'a>(state: &'a tauri::State<'_, AppState>) -> Result<&'a Locations, CommandError> {
    state.locations.as_ref().map_err(CommandError::from)
}

/// The links, their state, and what policy allows, reconciled now.
#[tauri::command]
pub fn link_status<R: Runtime>(app: AppHandle<R>) -> Result<Status, CommandError> {
    crate::links::reconcile(&app)
}

/// What happened to links, oldest first.
#[tauri::command]
pub fn link_history(state: tauri::State<'_, AppState>) -> Result<Vec<HistoryEntry>, CommandError> {
    Ok(LinkBook::new(locations(&state)?).history()?)
}

/// Links `work` to the personal account signed in to `personal_profile`.
#[tauri::command]
pub fn link_profile<R: Runtime>(
    app: AppHandle<R>,
    work: ProfileRef,
    personal_profile: ProfileRef,
) -> Result<Link, CommandError> {
    crate::links::link_with_profile(&app, work, personal_profile)
}

/// Links `work` to a personal account proven by a sign-in in the browser.
/// Runs off the main thread: the sign-in waits for the user.
#[tauri::command]
pub async fn link_with_sign_in<R: Runtime>(
    app: AppHandle<R>,
    work: ProfileRef,
    personal_profile: Option<ProfileRef>,
) -> Result<Link, CommandError> {
    let handle = app.clone();
    let link = tauri::async_runtime::spawn_blocking(move || {
        let state = handle.state::<AppState>();
        let locations = state
            .locations
            .as_ref()
            .map_err(CommandError::from)?
            .clone();
        let observed = crate::links::observation(&state);
        let world = observed.world();
        let book = LinkBook::new(&locations);
        let pending = book.begin(
            &world,
            &LinkRequest {
                work,
                personal_profile,
                work_account_key: None,
            },
        )?;
        let _ = crate::links::reconcile(&handle);
        let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let signed_in = tandem_linking::signin::sign_in_personal(
            &locations,
            std::time::Duration::from_secs(300),
            &cancel,
        );
        // The sign-in took a while: confirm against the machine as it is now,
        // so a policy that changed meanwhile still wins.
        let observed = crate::links::observation(&state);
        let world = observed.world();
        match signed_in {
            Ok(personal) => Ok(book.confirm(&world, &pending, personal)?),
            Err(error) => {
                let _ = book.abandon(&pending);
                Err(error.into())
            }
        }
    })
    .await
    .map_err(|error| CommandError::internal(error.to_string()))?;
    crate::links::reconcile(&app)?;
    link
}

/// Removes a link at the user's request: always allowed. Returns what the
/// history recorded: nothing for a link that was still waiting for its
/// sign-in.
#[tauri::command]
pub fn unlink_profile<R: Runtime>(
    app: AppHandle<R>,
    work: ProfileRef,
    before_leaving: bool,
) -> Result<Option<HistoryEntry>, CommandError> {
    let why = if before_leaving {
        UnlinkReason::BeforeLeaving
    } else {
        UnlinkReason::AtRequest
    };
    crate::links::unlink(&app, work, why)
}

/// Saves everything Tandem holds about the personal account to the user's
/// downloads folder, under a name no file has yet, and says where.
#[tauri::command]
pub fn export_personal_data(state: tauri::State<'_, AppState>) -> Result<String, CommandError> {
    let locations = locations(&state)?;
    let file = tandem_files::export::free_name(
        locations.export_dir(),
        &format!("tandem-personal-data-{}", tandem_linking::now()),
        "json",
    );
    tandem_linking::privacy::export(locations, &file, tandem_linking::privacy::Existing::Keep)?;
    Ok(file.display().to_string())
}

/// Deletes the personal account's data and the links that need it, once
/// the person confirms in a native dialog.
#[tauri::command]
pub async fn delete_personal_data<R: Runtime>(app: AppHandle<R>) -> Result<Status, CommandError> {
    if !crate::confirm::ask(&app, crate::confirm::Question::DeletePersonalData).await {
        return Err(CommandError::declined());
    }
    let state = app.state::<AppState>();
    tandem_linking::privacy::delete(locations(&state)?)?;
    crate::links::reconcile(&app)
}

/// Pauses (or resumes) all processing of personal data.
#[tauri::command]
pub fn restrict_personal_data<R: Runtime>(
    app: AppHandle<R>,
    state: tauri::State<'_, AppState>,
    restricted: bool,
) -> Result<Status, CommandError> {
    LinkBook::new(locations(&state)?).set_restricted(restricted, tandem_linking::now())?;
    crate::links::reconcile(&app)
}

/// Removes everything Tandem left for this user, then quits (a running app
/// would write its log and state again), once the person confirms in a
/// native dialog.
#[tauri::command]
pub async fn remove_all_data<R: Runtime>(app: AppHandle<R>) -> Result<(), CommandError> {
    if !crate::confirm::ask(&app, crate::confirm::Question::RemoveAllData).await {
        return Err(CommandError::declined());
    }
    let state = app.state::<AppState>();
    let locations = locations(&state)?;
    // Later reconciliations find nothing to write; taking the data folder's
    // lock once waits for one already under way. The uninstaller then takes
    // the lock for each of its own steps.
    state.stop_writing();
    drop(
        tandem_linking::store::OwnedDir::new(locations.data_dir())
            .lock(tandem_linking::store::LOCK_WAIT),
    );
    let removed = tandem_footprint::uninstall::uninstall(locations);
    if let Err(error) = removed {
        // Tandem keeps running, and keeps obeying policy, until it can finish.
        state.resume_writing();
        return Err(error.into());
    }
    tracing::info!("all Tandem data removed; quitting");
    app.exit(0);
    Ok(())
}
