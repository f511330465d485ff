//! IPC commands. Each one translates types and calls the core's API layer;
//! nothing more. Errors cross as `{code, message, …}` (`tandem_api::Error`).

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;
use tandem_api::routing::{HandlerOn, PickRequest, Route, RuleView, RulesReport};
use tandem_api::{OwnedReply, Proof};
use tandem_footprint::handler::HandlerStatus;
use tandem_linking::{HistoryEntry, Link, ProfileRef, Status, UnlinkReason};
use tandem_locations::Locations;
use tandem_profiles::{BrowserId, Snapshot};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::confirm::{self, Question};
use crate::events::{LINK_WAITING, SIGN_IN_PROGRESS};
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
    // The tray process would write its files again.
    tandem_api::setup::stop_tray(&locations)?;
    state.pause();
    state.stop_announcing();
    if let Err(error) = tandem_api::setup::uninstall(&locations, tandem_api::setup::Remover::TheApp)
    {
        // Tandem keeps running, and keeps obeying policy, until it can finish.
        state.resume();
        state.announce_running();
        return Err(error.into());
    }
    tracing::info!("all Tandem data removed; quitting");
    state.removed_everything();
    app.exit(0);
    Ok(())
}

/// Every link rule, the admin's and the built-in ones included, flagged
/// where a profile is gone or holds another account.
#[tauri::command]
pub fn routing_rules(state: tauri::State<'_, AppState>) -> Reply<RulesReport> {
    Ok(tandem_api::routing::rules(
        state.locations()?,
        &state.profiles()?,
    )?)
}

/// Appends a rule of the person's.
#[tauri::command]
pub fn add_rule(
    state: tauri::State<'_, AppState>,
    pattern: String,
    target: String,
) -> Reply<RuleView> {
    Ok(tandem_api::routing::add_rule(
        state.locations()?,
        &pattern,
        &target,
        &state.profiles()?,
    )?)
}

/// Removes a rule of the person's; the pattern it had.
#[tauri::command]
pub fn remove_rule(state: tauri::State<'_, AppState>, id: String) -> Reply<String> {
    Ok(tandem_api::routing::remove_rule(state.locations()?, &id)?)
}

/// Where links no rule decides go: `ask`, `as-before` or a profile.
#[tauri::command]
pub fn set_fallback(state: tauri::State<'_, AppState>, fallback: String) -> Reply<()> {
    tandem_api::routing::set_fallback(state.locations()?, &fallback, &state.profiles()?)?;
    Ok(())
}

/// Whether wrapped links open as the link inside.
#[tauri::command]
pub fn set_unwrap_before_opening(state: tauri::State<'_, AppState>, on: bool) -> Reply<()> {
    Ok(tandem_api::routing::set_unwrap_before_opening(
        state.locations()?,
        on,
    )?)
}

/// Where a link would open, and why: the same router as `tandem route`.
#[tauri::command]
pub fn test_route(state: tauri::State<'_, AppState>, url: String) -> Reply<Route> {
    let router = tandem_api::routing::LinkRouter::load(state.locations()?)?;
    Ok(router.route_with(&url, Some(&state.profiles()?))?)
}

#[tauri::command]
pub fn handler_status(state: tauri::State<'_, AppState>) -> Reply<HandlerStatus> {
    Ok(tandem_api::routing::handler_status(state.locations()?))
}

/// Makes Tandem the link handler (or opens the platform's settings page
/// for it), or puts the previous handler back.
#[tauri::command]
pub fn set_link_handler(state: tauri::State<'_, AppState>, on: bool) -> Reply<HandlerStatus> {
    let locations = state.locations()?;
    if on {
        let _: HandlerOn = tandem_api::routing::handler_on(locations)?;
    } else {
        tandem_api::routing::handler_off(locations)?;
    }
    Ok(tandem_api::routing::handler_status(locations))
}

/// The link the picker asks about, checked again: anyone can start the app
/// with any argument.
#[tauri::command]
pub fn waiting_link(state: tauri::State<'_, AppState>) -> Reply<Option<PickRequest>> {
    let Some(url) = state.waiting_link() else {
        return Ok(None);
    };
    match tandem_api::routing::pick_request(state.locations()?, &url, Some(&state.profiles()?)) {
        Ok(request) => Ok(Some(request)),
        Err(error) => {
            state.done_with_link(&url);
            Err(error.into())
        }
    }
}

/// Closes the picker when nothing more waits, else tells it the next link.
fn next_link<R: Runtime>(app: &AppHandle<R>, more: bool) {
    if more {
        if let Err(error) = app.emit_to(WindowId::Picker.label(), LINK_WAITING, ()) {
            tracing::debug!("cannot tell the picker about the next link: {error}");
        }
    } else {
        crate::windows::close(app, WindowId::Picker);
    }
}

/// Opens the waiting link in `profile` (one Tandem read itself); with
/// `remember`, the link's site opens there from now on.
#[tauri::command]
pub fn open_link_in<R: Runtime>(
    app: AppHandle<R>,
    url: String,
    profile: ProfileRef,
    remember: bool,
) -> Reply<Option<RuleView>> {
    let state = app.state::<AppState>();
    if state.waiting_link().as_deref() != Some(url.as_str()) {
        return Err(tandem_api::Error::UrlRefused {
            reason: tandem_api::Said::new("refusal.not_the_waiting_link"),
        }
        .into());
    }
    let rule = tandem_api::routing::open_picked(
        state.locations()?,
        &state.profiles()?,
        &url,
        &profile,
        remember,
    )?;
    next_link(&app, state.done_with_link(&url));
    Ok(rule)
}

/// Drops the waiting link without opening it.
#[tauri::command]
pub fn dismiss_link<R: Runtime>(app: AppHandle<R>, url: String) -> Reply<()> {
    let state = app.state::<AppState>();
    next_link(&app, state.done_with_link(&url));
    Ok(())
}

/// The app's settings as the window shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SettingsView {
    /// The language Tandem speaks now.
    pub language: tandem_i18n::Language,
    /// The person's choice; `null` follows the OS locale.
    pub chosen_language: Option<tandem_i18n::Language>,
    pub onboarded: bool,
    /// Whether Tandem starts at sign-in.
    pub autostart: bool,
}

fn settings_view(locations: &Locations) -> SettingsView {
    let settings = tandem_api::settings::load(locations);
    SettingsView {
        language: tandem_api::settings::language(locations),
        chosen_language: settings.language,
        onboarded: settings.onboarded,
        autostart: tandem_api::setup::autostart_enabled(locations),
    }
}

#[tauri::command]
pub fn app_settings(state: tauri::State<'_, AppState>) -> Reply<SettingsView> {
    Ok(settings_view(state.locations()?))
}

/// Chooses the language (`null`: the OS locale's); every window hears it.
#[tauri::command]
pub fn set_language<R: Runtime>(
    app: AppHandle<R>,
    language: Option<tandem_i18n::Language>,
) -> Reply<SettingsView> {
    let state = app.state::<AppState>();
    let locations = state.locations()?;
    tandem_api::settings::set_language(locations, language)?;
    let view = settings_view(locations);
    crate::windows::retitle(&app, view.language);
    if let Err(error) = app.emit(crate::events::LANGUAGE_CHANGED, view.language) {
        tracing::debug!("cannot tell the windows the language: {error}");
    }
    Ok(view)
}

/// Starts Tandem at sign-in from now on, or stops doing so.
#[tauri::command]
pub fn set_autostart(state: tauri::State<'_, AppState>, on: bool) -> Reply<SettingsView> {
    let locations = state.locations()?;
    tandem_api::setup::set_autostart(locations, on)?;
    Ok(settings_view(locations))
}

/// The windows one window may open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum OpenableWindow {
    Switcher,
    Settings,
    Wizard,
}

/// Opens (or brings forward) another of Tandem's windows.
#[tauri::command]
pub fn show_window<R: Runtime>(app: AppHandle<R>, window: OpenableWindow) -> Reply<()> {
    let id = match window {
        OpenableWindow::Switcher => WindowId::Switcher,
        OpenableWindow::Settings => WindowId::Settings,
        OpenableWindow::Wizard => WindowId::Wizard,
    };
    crate::windows::show(&app, id)
        .map(drop)
        .map_err(|error| OwnedReply(tandem_api::Error::internal(error)))
}

/// Closes the window that asks, and only that one: a window may end itself
/// (Esc in the switcher, the wizard's last step) but never another.
#[tauri::command]
pub fn close_window<R: Runtime>(window: tauri::WebviewWindow<R>) -> Reply<()> {
    window
        .close()
        .map_err(|error| OwnedReply(tandem_api::Error::internal(error)))
}

/// The picture the browser shows for a profile Tandem found, as a `data:`
/// URL; `null` when it keeps none.
#[tauri::command]
pub fn profile_picture(
    state: tauri::State<'_, AppState>,
    browser: BrowserId,
    user_data_dir: PathBuf,
    profile_dir: String,
) -> Reply<Option<String>> {
    Ok(tandem_api::profiles::picture(
        &state.profiles()?,
        browser,
        &user_data_dir,
        &profile_dir,
    ))
}

/// The wizard's personal sign-in, in the browser; its steps go to the
/// wizard as `sign-in-progress`, and `cancel_sign_in` stops it.
#[tauri::command]
pub async fn wizard_sign_in<R: Runtime>(
    app: AppHandle<R>,
) -> Reply<tandem_api::onboarding::SignedInAccount> {
    let handle = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let state = handle.state::<AppState>();
        let locations = state.locations()?.clone();
        let cancel = state.begin_sign_in();
        let progress = |step| {
            if let Err(error) = handle.emit_to(WindowId::Wizard.label(), SIGN_IN_PROGRESS, step) {
                tracing::debug!("cannot tell the wizard how the sign-in goes: {error}");
            }
        };
        let signed_in = state.with_onboarding(|wizard| {
            wizard.sign_in(&locations, SIGN_IN_TIMEOUT, &cancel, &progress)
        });
        state.end_sign_in();
        Ok(signed_in?)
    })
    .await
    .map_err(|error| OwnedReply(tandem_api::Error::internal(error)))?
}

/// Applies what the wizard asked; every part of the app hears the new link.
#[tauri::command]
pub fn wizard_finish(
    state: tauri::State<'_, AppState>,
    choices: tandem_api::onboarding::WizardChoices,
) -> Reply<tandem_api::onboarding::WizardDone> {
    let locations = state.locations()?.clone();
    let done = state.with_onboarding(|wizard| wizard.finish(&locations, &choices))?;
    state.refresh()?;
    Ok(done)
}

/// Leaves Tandem as it was before the wizard, and closes it.
#[tauri::command]
pub fn wizard_cancel<R: Runtime>(app: AppHandle<R>) -> Reply<()> {
    let state = app.state::<AppState>();
    let locations = state.locations()?.clone();
    state.cancel_sign_in();
    state.with_onboarding(|wizard| wizard.cancel(&locations))?;
    crate::windows::close(&app, WindowId::Wizard);
    Ok(())
}

/// The person set Tandem up themselves: the wizard does not come back at
/// start (it stays in the settings).
#[tauri::command]
pub fn wizard_skip<R: Runtime>(app: AppHandle<R>) -> Reply<()> {
    let state = app.state::<AppState>();
    let locations = state.locations()?.clone();
    state.with_onboarding(|wizard| wizard.cancel(&locations))?;
    tandem_api::settings::set_onboarded(&locations, true)?;
    crate::windows::show(&app, WindowId::Switcher)
        .map_err(|error| OwnedReply(tandem_api::Error::internal(error)))?;
    crate::windows::close(&app, WindowId::Wizard);
    Ok(())
}
