//! The tray icon and its menu. On Linux the tray only shows a menu (no click
//! events reach the app), so everything must be reachable from the menu.
//! The menu shows what the core's watcher last said; its actions go through
//! the core's API layer like any command.

use tandem_api::Proof;
use tandem_linking::UnlinkReason;
use tandem_linking::toggle::{ToggleView, personal_profile_for};
use tauri::menu::{CheckMenuItem, Menu, MenuId, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime};

use crate::state::AppState;
use crate::windows::{self, WindowId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayAction {
    ToggleLinking,
    OpenSwitcher,
    Quit,
}

impl TrayAction {
    const ALL: [TrayAction; 3] = [
        TrayAction::ToggleLinking,
        TrayAction::OpenSwitcher,
        TrayAction::Quit,
    ];

    const fn id(self) -> &'static str {
        match self {
            TrayAction::ToggleLinking => "toggle-linking",
            TrayAction::OpenSwitcher => "open-switcher",
            TrayAction::Quit => "quit",
        }
    }

    const fn label(self) -> &'static str {
        match self {
            TrayAction::ToggleLinking => "Account linking",
            TrayAction::OpenSwitcher => "Open Tandem",
            TrayAction::Quit => "Quit",
        }
    }
}

impl TryFrom<&MenuId> for TrayAction {
    type Error = ();

    fn try_from(id: &MenuId) -> Result<Self, ()> {
        TrayAction::ALL
            .into_iter()
            .find(|action| id == action.id())
            .ok_or(())
    }
}

/// The "Account linking" item, kept to update it when links or policy change.
struct LinkingItem<R: Runtime>(CheckMenuItem<R>);

/// Before the first reading, the switch can do nothing yet.
fn not_yet() -> ToggleView {
    ToggleView {
        work: None,
        checked: false,
        enabled: false,
        label: "Account linking (reading profiles…)".into(),
    }
}

/// Shows `view` in the "Account linking" item.
pub fn show<R: Runtime>(app: &AppHandle<R>, view: &ToggleView) {
    let Some(item) = app.try_state::<LinkingItem<R>>() else {
        return;
    };
    let item = &item.0;
    for result in [
        item.set_text(&view.label),
        item.set_checked(view.checked),
        item.set_enabled(view.enabled),
    ] {
        if let Err(error) = result {
            tracing::warn!("cannot update the tray: {error}");
        }
    }
}

pub fn install<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let item = |action: TrayAction| {
        MenuItem::with_id(app, action.id(), action.label(), true, None::<&str>)
    };
    let view = app
        .state::<AppState>()
        .latest()
        .map(|update| update.toggle)
        .unwrap_or_else(not_yet);
    let linking = CheckMenuItem::with_id(
        app,
        TrayAction::ToggleLinking.id(),
        &view.label,
        view.enabled,
        view.checked,
        None::<&str>,
    )?;
    let menu = Menu::with_items(
        app,
        &[
            &linking,
            &PredefinedMenuItem::separator(app)?,
            &item(TrayAction::OpenSwitcher)?,
            &PredefinedMenuItem::separator(app)?,
            &item(TrayAction::Quit)?,
        ],
    )?;
    app.manage(LinkingItem(linking));
    let mut tray = TrayIconBuilder::with_id("tandem")
        .tooltip("Tandem")
        .menu(&menu)
        .on_menu_event(|app, event| match TrayAction::try_from(event.id()) {
            Ok(action) => perform(app, action),
            Err(()) => tracing::warn!(id = ?event.id(), "unknown tray menu item"),
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}

fn perform<R: Runtime>(app: &AppHandle<R>, action: TrayAction) {
    tracing::debug!(?action, "tray menu");
    match action {
        TrayAction::ToggleLinking => toggle_linking(app),
        TrayAction::OpenSwitcher => {
            if let Err(error) = windows::show(app, WindowId::Switcher) {
                tracing::error!("{error}");
            }
        }
        TrayAction::Quit => app.exit(0),
    }
}

/// Links the current work profile to the personal profile beside it, or
/// unlinks it. Without a personal profile to use, the switcher opens so the
/// person can choose or sign in. Either way the watcher's next update shows
/// what really happened (a click flips a check item by itself).
fn toggle_linking<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let result = state.open().and_then(|mut tandem| {
        let view = tandem.toggle_view();
        let Some(work) = view.work.clone() else {
            return Ok(());
        };
        if view.checked {
            tandem
                .unlink(Some(&work), UnlinkReason::AtRequest)
                .map(drop)
        } else {
            match personal_profile_for(tandem.profiles(), &work) {
                Some(personal) => tandem
                    .link(
                        &work,
                        Proof::Profile(personal),
                        &|_| {},
                        &tandem_api::Cancel::new(),
                    )
                    .map(drop),
                None => {
                    if let Err(error) = windows::show(app, WindowId::Switcher) {
                        tracing::error!("{error}");
                    }
                    Ok(())
                }
            }
        }
    });
    if let Err(error) = result {
        tracing::warn!("account linking from the tray: {error}");
    }
    if let Err(error) = state.refresh() {
        tracing::warn!("{error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_ids_round_trip() {
        for action in TrayAction::ALL {
            let id = MenuId::new(action.id());
            assert_eq!(TrayAction::try_from(&id), Ok(action));
        }
        assert_eq!(TrayAction::try_from(&MenuId::new("nope")), Err(()));
    }

    #[test]
    fn menu_labels_match_the_spec() {
        assert_eq!(TrayAction::OpenSwitcher.label(), "Open Tandem");
        assert_eq!(TrayAction::Quit.label(), "Quit");
    }
}
