//! The app's own tray, where the app is the one long-running process
//! (macOS and Windows; on Linux the lean `tandem-tray` process keeps the
//! tray). It draws the core's menu (`tandem_api::tray::menu`) and hands
//! each click to `tandem_api::tray::perform`; what the menu says and does is
//! decided there, for every tray alike.

use tandem_api::tray::{Effect, TrayAction, TrayEntry, TrayMenu};
use tandem_api::watch::Update;
use tauri::menu::{CheckMenuItem, IsMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime};

use crate::state::AppState;
use crate::windows::{self, WindowId};

const TRAY_ID: &str = "tandem";

fn entry_id(index: usize) -> String {
    format!("entry-{index}")
}

fn index_of(id: &str) -> Option<usize> {
    id.strip_prefix("entry-")?.parse().ok()
}

fn build_menu<R: Runtime>(app: &AppHandle<R>, model: &TrayMenu) -> tauri::Result<Menu<R>> {
    let menu = Menu::new(app)?;
    for (index, entry) in model.entries.iter().enumerate() {
        let id = entry_id(index);
        let item: Box<dyn IsMenuItem<R>> = match entry {
            TrayEntry::Switch {
                label,
                checked,
                enabled,
                ..
            } => Box::new(CheckMenuItem::with_id(
                app,
                &id,
                label,
                *enabled,
                *checked,
                None::<&str>,
            )?),
            TrayEntry::Item { label, .. } => {
                Box::new(MenuItem::with_id(app, &id, label, true, None::<&str>)?)
            }
            TrayEntry::Heading(label) => {
                Box::new(MenuItem::with_id(app, &id, label, false, None::<&str>)?)
            }
            TrayEntry::Separator => Box::new(PredefinedMenuItem::separator(app)?),
        };
        menu.append(item.as_ref())?;
    }
    Ok(menu)
}

fn actions(model: &TrayMenu) -> Vec<Option<TrayAction>> {
    model
        .entries
        .iter()
        .map(|entry| match entry {
            TrayEntry::Switch { action, .. } | TrayEntry::Item { action, .. } => {
                Some(action.clone())
            }
            TrayEntry::Heading(_) | TrayEntry::Separator => None,
        })
        .collect()
}

/// Shows the menu for `update` (rebuilt whole: profiles come and go).
pub fn show<R: Runtime>(app: &AppHandle<R>, update: Option<&Update>) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let state = app.state::<AppState>();
    let Ok(locations) = state.locations() else {
        return;
    };
    let model = tandem_api::tray::menu(update, tandem_api::settings::language(locations));
    match build_menu(app, &model) {
        Ok(menu) => {
            state.set_tray_actions(actions(&model));
            if let Err(error) = tray.set_menu(Some(menu)) {
                tracing::warn!("cannot update the tray: {error}");
            }
            let _ = tray.set_tooltip(Some(&model.tooltip));
        }
        Err(error) => tracing::warn!("cannot build the tray menu: {error}"),
    }
}

pub fn install<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Tandem")
        .on_menu_event(|app, event| {
            let action = index_of(event.id().as_ref())
                .and_then(|index| app.state::<AppState>().tray_action(index));
            match action {
                Some(action) => perform(app, &action),
                None => tracing::warn!(id = ?event.id(), "unknown tray menu item"),
            }
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    show(app, app.state::<AppState>().latest().as_ref());
    Ok(())
}

fn perform<R: Runtime>(app: &AppHandle<R>, action: &TrayAction) {
    tracing::debug!(?action, "tray menu");
    let state = app.state::<AppState>();
    let Ok(locations) = state.locations() else {
        return;
    };
    let effect = tandem_api::tray::perform(locations, state.latest().as_ref(), action);
    let show_window = |id| {
        if let Err(error) = windows::show(app, id) {
            tracing::error!("{error}");
        }
    };
    match effect {
        Ok(Effect::Done) => {}
        Ok(Effect::ShowSwitcher) => show_window(WindowId::Switcher),
        Ok(Effect::ShowSettings) => show_window(WindowId::Settings),
        Ok(Effect::Quit) => app.exit(0),
        Err(error) => tracing::warn!("tray: {error}"),
    }
    // A toggle changed links: every part of the shell hears it.
    if matches!(action, TrayAction::ToggleLinking)
        && let Err(error) = state.refresh()
    {
        tracing::warn!("{error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_ids_round_trip() {
        for index in [0, 7, 42] {
            assert_eq!(index_of(&entry_id(index)), Some(index));
        }
        assert_eq!(index_of("quit"), None);
    }
}
