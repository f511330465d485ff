//! IPC commands. Each one translates types and calls the core's API layer;
//! nothing more. Errors cross as `{code, message, …}` (`tandem_api::Error`).

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;
use tandem_api::{OwnedReply, Proof};
use tandem_linking::{HistoryEntry, Link, ProfileRef, Status, UnlinkReason};
use tandem_locations::Locations;
use tandem_profiles::{BrowserId, Snapshot};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::confirm::{self, Question};
use crate::events::SIGN_IN_PROGRESS;
use crate::state::AppState;
use crate::windows::WindowId;

type Reply<T> = Result<T, OwnedReply>;

/// How long the app waits for a personal sign-in in the browser.
const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);

/// What the switcher shows about Tandem itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub locations: Locations,
}

#[tauri::command]
pub fn app_info(state: tauri::State<'_, AppState>) -> Reply<AppInfo> {
    Ok(AppInfo {
        name: "Tandem".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        locations: state.locations()?.clone(),
    })
}

/// Every browser profile Tandem knows, as of the last change it saw.
#[tauri::command]
pub fn list_profiles(state: tauri::State<'_, AppState>) -> Reply<Snapshot> {
    Ok(state.profiles()?)
}

/// Opens a browser in one of its profiles: one Tandem read itself, never a
/// folder the window names.
#[tauri::command]
pub fn open_profile(
    state: tauri::State<'_, AppState>,
    browser: BrowserId,
    user_data_dir: PathBuf,
    profile_dir: String,
) -> Reply<()> {
    Ok(tandem_api::profiles::open(
        state.locations()?,
        &state.profiles()?,
        browser,
        &user_data_dir,
        &profile_dir,
    )?)
}

/// The links, their state, and what policy allows, reconciled now.
#[tauri::command]
pub fn link_status(state: tauri::State<'_, AppState>) -> Reply<Status> {
    Ok(state.refresh()?)
}

/// What happened to links, oldest first.
#[tauri::command]
pub fn link_history(state: tauri::State<'_, AppState>) -> Reply<Vec<HistoryEntry>> {
    Ok(state.open()?.history()?)
}

/// Links `work` to the personal account signed in to `personal_profile`.
#[tauri::command]
pub fn link_profile(
    state: tauri::State<'_, AppState>,
    work: ProfileRef,
    personal_profile: ProfileRef,
) -> Reply<Link> {
    let link = state.open()?.link(
        &work,
        Proof::Profile(personal_profile),
        &|_| {},
        &tandem_api::Cancel::new(),
    )?;
    state.refresh()?;
    Ok(link)
}

/// Links `work` to a personal account proven by a sign-in in the browser.
/// Runs off the main thread: the sign-in waits for the person; its steps go
/// to the window as `sign-in-progress`, and `cancel_sign_in` stops it.
#[tauri::command]
pub async fn link_with_sign_in<R: Runtime>(
    app: AppHandle<R>,
    work: ProfileRef,
    personal_profile: Option<ProfileRef>,
) -> Reply<Link> {
    let handle = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let state = handle.state::<AppState>();
        let cancel = state.begin_sign_in();
        let progress = |step| {
            if let Err(error) = handle.emit_to(WindowId::Switcher.label(), SIGN_IN_PROGRESS, step) {
                tracing::debug!("cannot tell the switcher how the sign-in goes: {error}");
            }
        };
        let linked = state.open().and_then(|mut tandem| {
            tandem.link(
                &work,
                Proof::SignIn {
                    personal_profile,
                    timeout: SIGN_IN_TIMEOUT,
                },
                &progress,
                &cancel,
            )
        });
        state.end_sign_in();
        let link = linked?;
        state.refresh()?;
        Ok(link)
    })
    .await
    .map_err(|error| OwnedReply(tandem_api::Error::internal(error)))?
}

/// Stops the sign-in under way; says whether there was one.
#[tauri::command]
pub fn cancel_sign_in(state: tauri::State<'_, AppState>) -> bool {
    state.cancel_sign_in()
}

/// Removes a link at the person's request: always allowed. Returns what the
/// history recorded: nothing for a link still waiting for its sign-in.
#[tauri::command]
pub fn unlink_profile(
    state: tauri::State<'_, AppState>,
    work: ProfileRef,
    before_leaving: bool,
) -> Reply<Option<HistoryEntry>> {
    let why = if before_leaving {
        UnlinkReason::BeforeLeaving
    } else {
        UnlinkReason::AtRequest
    };
    let unlinked = state.open()?.unlink(Some(&work), why)?;
    state.refresh()?;
    Ok(unlinked.entry)
}

/// Saves everything Tandem holds about the personal account to the
/// downloads folder, under a name no file has yet, and says where.
#[tauri::command]
pub fn export_personal_data(state: tauri::State<'_, AppState>) -> Reply<String> {
    let file = state.open()?.export_personal_data_to_downloads()?;
    Ok(file.display().to_string())
}

/// Deletes the personal account's data and the links that need it, once
/// the person confirms in a native dialog.
#[tauri::command]
pub async fn delete_personal_data<R: Runtime>(app: AppHandle<R>) -> Reply<Status> {
    if !confirm::ask(&app, Question::DeletePersonalData).await {
        return Err(tandem_api::Error::Declined.into());
    }
    let state = app.state::<AppState>();
    state.open()?.delete_personal_data()?;
    Ok(state.refresh()?)
}

/// Pauses (or resumes) all processing of personal data.
#[tauri::command]
pub fn restrict_personal_data(
    state: tauri::State<'_, AppState>,
    restricted: bool,
) -> Reply<Status> {
    state.open()?.restrict(restricted)?;
    Ok(state.refresh()?)
}

/// Removes everything Tandem left for this user, then quits (a running app
/// would write its log and state again), once the person confirms in a
/// native dialog.
#[tauri::command]
pub async fn remove_all_data<R: Runtime>(app: AppHandle<R>) -> Reply<()> {
    if !confirm::ask(&app, Question::RemoveAllData).await {
        return Err(tandem_api::Error::Declined.into());
    }
    let state = app.state::<AppState>();
    let locations = state.locations()?.clone();
    state.pause();
    if let Err(error) = tandem_api::setup::uninstall(&locations, tandem_api::setup::Remover::TheApp)
    {
        // Tandem keeps running, and keeps obeying policy, until it can finish.
        state.resume();
        return Err(error.into());
    }
    tracing::info!("all Tandem data removed; quitting");
    app.exit(0);
    Ok(())
}
