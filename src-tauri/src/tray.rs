//! The tray icon and its menu. On Linux the tray only shows a menu (no click
//! events reach the app), so everything must be reachable from the menu.

use tauri::menu::{Menu, MenuId, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Runtime};

use crate::windows::{self, WindowId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayAction {
    OpenSwitcher,
    Quit,
}

impl TrayAction {
    const fn id(self) -> &'static str {
        match self {
            TrayAction::OpenSwitcher => "open-switcher",
            TrayAction::Quit => "quit",
        }
    }

    const fn label(self) -> &'static str {
        match self {
            TrayAction::OpenSwitcher => "Open Tandem",
            TrayAction::Quit => "Quit",
        }
    }
}

impl TryFrom<&MenuId> for TrayAction {
    type Error = ();

    fn try_from(id: &MenuId) -> Result<Self, ()> {
        [TrayAction::OpenSwitcher, TrayAction::Quit]
            .into_iter()
            .find(|action| id == action.id())
            .ok_or(())
    }
}

pub fn install<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let item = |action: TrayAction| {
        MenuItem::with_id(app, action.id(), action.label(), true, None::<&str>)
    };
    let menu = Menu::with_items(
        app,
        &[
            &item(TrayAction::OpenSwitcher)?,
            &PredefinedMenuItem::separator(app)?,
            &item(TrayAction::Quit)?,
        ],
    )?;
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
        TrayAction::OpenSwitcher => {
            if let Err(error) = windows::show(app, WindowId::Switcher) {
                tracing::error!("{error}");
            }
        }
        TrayAction::Quit => app.exit(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_ids_round_trip() {
        for action in [TrayAction::OpenSwitcher, TrayAction::Quit] {
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
